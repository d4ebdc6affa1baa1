"""What Jekyll reads, against what newsrecord reads and writes, with Ruby's Psych itself.

Jekyll finds the front matter with a pattern (``---`` to the next ``---`` or ``...``
line) and reads it with Psych, a YAML 1.1 reader. Two promises are held to it here:
files Jekyll publishes open with the same values (for front matters written the way
both readers agree on), and every string newsrecord writes reads back in Jekyll as that
very string. The tests skip where Ruby is not installed (``apt-get install ruby``;
``.ci/run`` installs it).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from tests.helpers import run_ruby
from tests.test_read_hints import BASE as HINT_BASE
from tests.test_read_hints import CASES as HINT_CASES

import newsrecord

# Jekyll's own steps, in Ruby: its front matter pattern, then Psych's safe loading with
# the classes Jekyll permits; one JSON document per input text (times as UTC ISO text).
JEKYLL_SCRIPT = r"""
require "yaml"
require "json"
require "date"
FRONT = %r!\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)!m
def plain(v)
  case v
  when Hash then v.to_h { |k, x| [k.to_s, plain(x)] }
  when Array then v.map { |x| plain(x) }
  when Time then v.getutc.strftime("%Y-%m-%dT%H:%M:%SZ")
  when Date then v.iso8601
  else v
  end
end
texts = JSON.parse($stdin.read)
out = texts.map do |text|
  found = FRONT.match(text)
  if found.nil?
    { "error" => "no front matter" }
  else
    begin
      data = Psych.safe_load(found[1], permitted_classes: [Date, Time], aliases: true)
      { "data" => plain(data || {}), "body" => found.post_match }
    rescue StandardError => e
      { "error" => e.class.name }
    end
  end
end
puts JSON.generate(out)
"""


def jekyll_reads(texts: list[str]) -> list[dict[str, Any]]:
    read: list[dict[str, Any]] = run_ruby(JEKYLL_SCRIPT, texts, "Jekyll")
    return read


def _plain(value: Any) -> Any:
    """newsrecord's plain data in the form the Ruby script prints."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


# Front matters Jekyll publishes, written the way both readers take alike (YAML 1.2 and
# 1.1 disagree on some plain words; `validate --rule yaml11` is there for those).
PUBLISHED = {
    "flow mapping with a URL": "---\ntitle: x\nimages: [{url: http://x.com/a.png}]\n---\nb\n",
    "flow list with ? and :": "---\ntitle: x\ntags: [What?, a:b, 'c']\n---\nb\n",
    "flow URL list": "---\ntitle: x\nlinks: [https://x.com/a, http://y.org]\n---\n",
    "closed by dots": "---\ntitle: x\n...\nbody\n---\nmore\n",
    "empty": "---\n---\nbody\n",
    "only a comment": "---\n# nothing yet\n---\nbody\n",
    "CRLF": "---\r\ntitle: x\r\nheat: 3\r\n---\r\nbody\r\n",
    "trailing blanks on the lines": "---  \ntitle: x\n--- \t\nbody\n",
    "block scalars": "---\nexcerpt: |-\n  one\n  two\ntitle: >\n  folded\n  text\n---\n",
    "a date-time": "---\ntitle: x\npublishedDateTime: 2023-11-19T21:07:00Z\n---\n",
    "keys written twice": "---\ntitle: a\nheat: 1\nheat: 2\n---\n",
    "quotes and escapes": "---\ntitle: \"a \\\"b\\\" \\u00e9\"\nexcerpt: 'it''s'\n---\n",
    "nested block": "---\ntitle: x\nprovider:\n  name: P\n  images:\n    - url: /a.png\n---\n",
}


@pytest.fixture(scope="module")
def jekyll_published() -> dict[str, dict[str, Any]]:
    return dict(zip(PUBLISHED, jekyll_reads(list(PUBLISHED.values())), strict=True))


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_what_jekyll_publishes_opens_with_the_same_values(
    name: str, jekyll_published: dict[str, dict[str, Any]]
) -> None:
    text = PUBLISHED[name]
    jekyll = jekyll_published[name]
    assert "error" not in jekyll, jekyll
    doc = newsrecord.loads(text, strict=False)
    assert doc.dumps() == text  # and back, byte for byte
    ours = {key: doc.get(key, plain=True) for key in jekyll["data"]}
    assert _plain(ours) == jekyll["data"]
    assert doc.body == jekyll["body"]


def test_a_file_whose_lines_end_in_cr_cr_lf_opens_as_jekyll_reads_it() -> None:
    # CRLF converted twice (Python on Windows writing "\r\n" in text mode): newsrecord said
    # "the front matter is never closed", though Jekyll's \s* takes the extra CR.
    text = "---\r\r\ntitle: x\r\r\nheat: 3\r\r\n---\r\r\nbody\r\r\n"
    (jekyll,) = jekyll_reads([text])
    doc = newsrecord.loads(text, strict=False)
    assert doc.dumps() == text
    assert {key: doc.get(key, plain=True) for key in jekyll["data"]} == jekyll["data"]
    # Jekyll's pattern also takes the blank lines after the closing line; the body keeps
    # them, as it keeps every byte after that line.
    assert (doc.body, jekyll["body"]) == ("\r\nbody\r\r\n", "body\r\r\n")


def test_the_date_time_form_the_yaml11_rule_suggests_is_that_instant_to_jekyll() -> None:
    # The rule suggested 2024-01-05T10:00:00Z whatever the value, another date.
    written = ["20240105", "2023-03-07T08:15+02:00", "2024-01-05T10:00Z", "20240105T100000Z"]
    suggested, instants = [], []
    for value in written:
        doc = newsrecord.loads(f"---\ntitle: x\npublishedDateTime: {value}\n---\n")
        (problem,) = newsrecord.check_document(doc, ["yaml11"])
        suggested.append(problem.message.rsplit("write it as ", 1)[1])
        instants.append(_plain(doc.record.published_date_time))
    read = jekyll_reads([f"---\npublishedDateTime: {form}\n---\n" for form in suggested])
    assert [jekyll["data"]["publishedDateTime"] for jekyll in read] == instants
    assert suggested[1] == "2023-03-07T08:15:00+02:00"


# Strings a writer must quote for Jekyll: YAML 1.1 words, numbers with commas,
# underscores or colons, dates, indicators; and ones it may leave plain.
TRICKY = [
    *("yes", "No", "on", "OFF", "y", "n", "~", "null", "true", "=", "<<"),
    *("1,000", "0,7", "1,2,3", "+1,000", "1,000.5", "0x1,F", "0b1,0", "1,.5", "1_000"),
    *("1:16", "0:42", "0755", "0o17", "0x1F", "1e3", "1.", ".5", ".inf", "-.inf", ".NaN"),
    *("2023-01-01", "2023-11-19 21:07:00", "12:30:00", ":name", "-", "- x", "? x", "@home"),
    *("a: b", "a #b", "#tag", "x:", "[a]", "{a}", "!tag", "&anchor", "*alias", "|", ">"),
    *("Hello, world", "C'est la vie", 'say "hi"', " leading", "trailing ", "tab\there"),
    *("line\nbreak", "\u00e9t\u00e9", "emoji \U0001f600", "1.0", "12", "-3", "+7"),
]


def test_every_string_newsrecord_writes_reads_back_in_jekyll_as_that_string() -> None:
    # A new record, and an edit of a plain value in a file, for each string: as a text
    # field's value and as a list item.
    texts = []
    for value in TRICKY:
        texts.append(
            newsrecord.dumps(newsrecord.Article(title=value, type="article", topics=[value]))
        )
        doc = newsrecord.loads("---\ntitle: plain\ntype: article\ntopics:\n  - AI\n---\n")
        doc.record.title = value
        doc.record.topics = ["AI", value]
        texts.append(doc.dumps())
    read = jekyll_reads(texts)
    for number, value in enumerate(TRICKY):
        for jekyll in read[2 * number : 2 * number + 2]:
            assert "error" not in jekyll, (value, jekyll)
            assert jekyll["data"]["title"] == value, value
            assert jekyll["data"]["topics"][-1] == value, value


# Date-times Psych reads as times that ISO 8601 parsers refuse: they were refused on load.
TIMESTAMPS = [
    "2020-04-11T11:09:00+5",
    "2020-04-11T11:09:00 +5",
    "2020-04-11T11:09:00 -05",
    "2020-4-1T11:09:00Z",
    "2020-04-11T11:09:00.5 +05:30",
    "2020-04-11 11:09:00 Z",
    "2020-4-1 1:09:00",
]


def test_date_times_jekyll_reads_open_as_the_same_instants() -> None:
    texts = [f"---\ntitle: x\npublishedDateTime: {text}\n---\n" for text in TIMESTAMPS]
    for text, jekyll in zip(texts, jekyll_reads(texts), strict=True):
        doc = newsrecord.loads(text)
        assert doc.dumps() == text
        assert _plain(doc.record.published_date_time) == jekyll["data"]["publishedDateTime"]


def test_what_a_syntax_error_hint_says_to_write_jekyll_reads_as_the_value_meant() -> None:
    # The broken line is not that value to Jekyll either (an error, or null for '&more'
    # and '!important news'), and the quoted line the hint shows is.
    cases = [case for case in HINT_CASES if case.value is not None]
    fixed = []
    for case in cases:
        example = re.search(r"\(([^()]*)\)$", case.hint)
        indent = re.match(r" *", case.old)
        assert example is not None
        assert indent is not None
        fixed.append(HINT_BASE.replace(case.old + "\n", indent.group() + example.group(1) + "\n"))
    # And what the quote-values repair writes, where the fix is certain.
    repaired = [case for case in cases if "if it is text" not in case.hint]
    fixed += [newsrecord.loads(case.text(), repair=True).dumps() for case in repaired]
    read = jekyll_reads([case.text() for case in cases] + fixed)
    broken = {case.name: was for case, was in zip(cases, read, strict=False)}
    for case, now in zip(cases + repaired, read[len(cases) :], strict=True):
        field = case.field or ""
        was = broken[case.name]
        assert "error" in was or _at(was["data"], field) != case.value, case.name
        assert "error" not in now, case.name
        assert _at(now["data"], field) == case.value, case.name


def _at(data: Any, field: str) -> Any:
    """The value at a field path such as ``images[0].title`` in plain data."""
    for step in re.findall(r"[^.\[\]]+", field):
        data = data[int(step)] if step.isdigit() else data[step]
    return data


def test_a_field_the_repair_lines_up_is_that_field_to_jekyll() -> None:
    broken = [
        HINT_BASE.replace("type: article", "  type: article"),
        HINT_BASE.replace("type: article", "\ttype: article"),
    ]
    repaired = [newsrecord.loads(text, repair=True).dumps() for text in broken]
    read = jekyll_reads(broken + repaired)
    for was in read[: len(broken)]:
        assert "error" in was  # Jekyll publishes such a page without its front matter
    for now in read[len(broken) :]:
        assert "error" not in now
        assert (now["data"]["title"], now["data"]["type"]) == ("Hello", "article")
