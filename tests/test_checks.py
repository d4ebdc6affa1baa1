"""Named rules (newsrecord.checks) and validate's rule options."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.helpers import run_ruby

import newsrecord
from newsrecord._read.events import HAVE_C_PARSER
from newsrecord.checks import RULES, core_reading, jekyll_reading
from newsrecord.cli import main

RECORD = """\
---
title: "A record"
webUrl: "https://example.com/a"
type: article
images:
  - url: "/assets/there.png"
  - url: "/assets/missing.png"
  - url: "https://example.com/x.png"
    width: -3
secured: "bm90IGJhc2U2NCE"
extra:
  website: "no url"
---
"""

# Plain scalars where YAML 1.1 (Psych) and YAML 1.2 agree or disagree: both kinds.
SCALARS = [
    *("yes", "Yes", "NO", "on", "off", "Off", "y", "n", "Y", "true", "False", "null", "~", "Null"),
    *("1:16", "1:16:30", "-1:30", "1:30.5", "190:20:30", "1:60", "12:30", "2:5"),
    *("0755", "0o17", "0x1F", "0b101", "08", "0", "-0", "+12", "1_000", "1,000", "0,7"),
    *("1e3", "1.5e3", "1.5e+3", "1.0", "1.", "-1.5", ".5", "+.5", "._", "+.", "1__0"),
    *(".inf", "-.inf", "+.inf", ".Inf", ".NaN", ".nan"),
    *("2023-01-01", "2023-1-1", "2023-13-01", "2023-02-30", "2023-11-19T21:07:00Z"),
    *("2023-11-19 21:07:00", "2023-11-19t21:07:00.5+01:00", "2023-11-19T25:07:00Z"),
    *(":sym", "=", "<<", "hello", "é1", "x1", "1x", "1.2.3", "v1.2", "no way", "onions"),
    *("10 hours", "1h 49m", "6 Weeks", "$5", "fals", "1:16:30:00"),
    # Psych splits a time from its date at a space or a T: with a tab alone it raises.
    *("2023-11-19\t21:07:00Z", "2023-11-19 \t21:07:00Z"),
]

PSYCH_SCRIPT = r"""
require "yaml"
require "json"
require "date"
out = JSON.parse(STDIN.read).map do |s|
  begin
    v = YAML.unsafe_load("v: #{s}\n")["v"]
  rescue StandardError
    next ["error", nil]
  end
  kind = case v
         when String then "str"
         when NilClass then "null"
         when TrueClass, FalseClass then "bool"
         when Integer then "int"
         when Float then "float"
         when Date then (v.is_a?(DateTime) ? "time" : "date")
         when Time then "time"
         when Symbol then "symbol"
         else v.class.name
         end
  val = case v
        when Float then (v.nan? ? "nan" : v.infinite? ? (v > 0 ? "inf" : "-inf") : v)
        when Date, Time, Symbol then v.to_s
        else v
        end
  [kind, val]
end
puts JSON.generate(out)
"""


def comparable(reading: tuple[str, Any]) -> tuple[str, Any]:
    kind, value = reading
    if kind == "float" and isinstance(value, float):
        if math.isnan(value):
            return kind, "nan"
        if math.isinf(value):
            return kind, "inf" if value > 0 else "-inf"
    if kind in ("time", "symbol"):
        return kind, None  # Ruby prints times its own way; the kind is what matters
    return kind, value


@pytest.fixture(scope="module")
def psych() -> list[tuple[str, Any]]:
    read = run_ruby(PSYCH_SCRIPT, SCALARS, "Psych")
    return [comparable((kind, value)) for kind, value in read]


def test_jekyll_reading_agrees_with_psych(psych: list[tuple[str, Any]]) -> None:
    ours = [comparable(jekyll_reading(text)) for text in SCALARS]
    assert dict(zip(SCALARS, ours, strict=True)) == dict(zip(SCALARS, psych, strict=True))


def test_yaml11_rule_flags_exactly_what_psych_reads_differently(
    psych: list[tuple[str, Any]],
) -> None:
    flagged = {}
    for text in SCALARS:
        if "\t" in text and not HAVE_C_PARSER:
            continue  # ruamel.yaml's pure-Python parser refuses tabs here (docs/limits.md)
        # An unknown key whose name does not say "date": nothing excuses a difference.
        doc = newsrecord.loads(f"---\ntitle: x\ncustom: {text}\n---\n")
        problems = newsrecord.check_document(doc, ["yaml11"])
        flagged[text] = any(problem.field == "custom" for problem in problems)
    expected = {
        text: reading != comparable(core_reading(text))
        for text, reading in zip(SCALARS, psych, strict=True)
        if text in flagged
    }
    assert flagged == expected
    # The cases the rule exists for, so that the comparison above cannot pass vacuously.
    assert all(flagged[text] for text in ("yes", "off", "1:16", "0755", "2023-01-01", "1_000"))
    assert not any(flagged[text] for text in ("hello", "true", "0x1F", "1.0", "=", "y"))


def test_yaml11_rule_without_ruby() -> None:
    doc = newsrecord.loads(
        "---\ntitle: x\nanswer: yes\nlength: 1:16\nstartDateTime: 2020-07-12T08:00:00Z\n"
        "publishedDateTime: 2020-07-12T08:00:00Z\nquoted: 'yes'\n---\n"
    )
    problems = newsrecord.check_document(doc, ["yaml11"])
    assert [(p.field, p.line) for p in problems] == [("answer", 3), ("length", 4)]
    assert problems[0].message == (
        "Jekyll (YAML 1.1) reads 'yes' as true, newsrecord (YAML 1.2) as the text 'yes': quote it"
    )


KEYS = ["yes", "On", "1_000", "2024-01-05", "1:20", "title2", "y", "=", "'yes'"]

KEY_SCRIPT = r"""
require "yaml"
require "json"
require "date"
out = JSON.parse(STDIN.read).map do |s|
  data = YAML.unsafe_load("v: 1\n#{s}: {heat: 7}\n")
  data.keys.length == 2 && data.keys.all? { |k| k.is_a?(String) } && !data.key?("heat")
end
puts JSON.generate(out)
"""


def test_yaml11_rule_flags_the_keys_psych_reads_otherwise() -> None:
    # A key Psych reads as a boolean, number or date is no field to Jekyll (page.on is
    # nil). (A quoted << is a merge key to both readers: see test_jekyll_parity.)
    read_as_text = run_ruby(KEY_SCRIPT, KEYS, "Psych")
    flagged = []
    for key in KEYS:
        doc = newsrecord.loads(f"---\ntitle: x\n{key}: {{heat: 7}}\n---\n")
        problems = newsrecord.check_document(doc, ["yaml11"])
        assert all(problem.line == 3 and problem.column == 1 for problem in problems)
        flagged.append(bool(problems))
    assert flagged == [not text for text in read_as_text]
    assert flagged[:5] == [True] * 5


def test_yaml11_rule_names_a_key_and_where_it_is() -> None:
    doc = newsrecord.loads("---\ntitle: x\nprovider:\n  name: P\n  on: 1\n---\n")
    [problem] = newsrecord.check_document(doc, ["yaml11"])
    assert (problem.field, problem.line, problem.column) == ("provider.on", 5, 3)
    assert problem.message == (
        "Jekyll (YAML 1.1) reads the key 'on' as true, so no field named 'on' is there "
        "(two such keys are one): quote it"
    )


@pytest.mark.parametrize(
    ("written", "flagged"),
    [
        ("2024-01-05T10:00Z", True),  # no seconds: text to Psych
        ("20240105T100000Z", True),
        ("2024-01-05T10:00:00,5Z", True),
        ("20240105", True),  # the integer 20240105 to Psych
        ("2024-01-05T10:00:00Z", False),
        ("2024-01-05 10:00:00 +01:00", False),
        ("2024-01-05t10:00:00.5+01:00", False),
    ],
)
def test_yaml11_rule_flags_date_times_jekyll_reads_as_text(written: str, flagged: bool) -> None:
    # newsrecord reads them all as date-times; in Jekyll a text among times breaks sort.
    doc = newsrecord.loads(f"---\ntitle: x\npublishedDateTime: {written}\n---\n")
    problems = newsrecord.check_document(doc, ["yaml11"])
    assert [problem.field for problem in problems] == (["publishedDateTime"] if flagged else [])
    if flagged:
        read_as = "the integer 20240105" if written == "20240105" else "text"
        assert f"reads {written!r} as {read_as}, not as a date-time" in problems[0].message


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\x85"])
def test_yaml11_rule_flags_line_breaks_of_yaml_1_1_alone(character: str) -> None:
    # Psych ends a line there: the comment below ends early and heat: 4 counts.
    text = f"---\ntitle: x\nheat: 3\n# note{character}heat: 4\n---\nbody{character}\n"
    doc = newsrecord.loads(text)
    assert doc.record.heat == 3
    [problem] = newsrecord.check_document(doc, ["yaml11"])
    assert (problem.line, problem.column, problem.field) == (4, 7, None)
    assert "which Jekyll (YAML 1.1) reads as a line break" in problem.message


def test_strict_rules_moved_from_validate() -> None:
    doc = newsrecord.loads(RECORD)
    problems = newsrecord.check_document(doc, ["url", "size", "secured-blob"], path="a.md")
    assert [(p.field, p.line) for p in problems] == [
        ("images[2].width", 9),
        ("secured", 10),
        ("extra.website", 12),
    ]
    assert newsrecord.check_document(doc, ["size"], path="a.md") == [problems[0]]


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="no such rule: nope"):
        newsrecord.check_document(newsrecord.loads(RECORD), ["nope"])


def test_image_paths_under_the_site_root(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: site\n", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "there.png").write_bytes(b"")
    (tmp_path / "_news").mkdir()
    record = tmp_path / "_news" / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    problems = newsrecord.check_document(newsrecord.load(record), ["image-path"])
    assert [(p.field, p.line) for p in problems] == [("images[1].url", 7)]
    assert str(tmp_path) in problems[0].message
    # No _config.yml above the file and no site root given: the rule cannot tell.
    elsewhere = tmp_path.parent / f"{tmp_path.name}-loose.md"
    elsewhere.write_text(RECORD, encoding="utf-8")
    try:
        assert newsrecord.check_document(newsrecord.load(elsewhere), ["image-path"]) == []
    finally:
        elsewhere.unlink()


def test_rules_across_records() -> None:
    def doc(path: str, web_url: str, related: str = "") -> newsrecord.Document:
        text = f'---\ntitle: x\nwebUrl: "{web_url}"\n{related}---\n'
        return newsrecord.loads(text, path=path)

    docs = [
        doc("_news/2020-01-01-one.md", "https://example.com/same"),
        doc("_news/2021-05-05-one.md", "https://example.com/same"),
        doc("_news/two.md", "https://example.com/two", "related:\n  - one\n  - ghost\n"),
    ]
    every = {rule for rule in newsrecord.RULES if newsrecord.RULES[rule].across}
    problems = newsrecord.check_records(docs, every)
    found = sorted((p.path, p.field or "", p.message.split(" as ")[0]) for p in problems)
    assert found == [
        ("_news/2020-01-01-one.md", "", "the same slug 'one'"),
        ("_news/2020-01-01-one.md", "webUrl", "the same webUrl"),
        ("_news/2021-05-05-one.md", "", "the same slug 'one'"),
        ("_news/2021-05-05-one.md", "webUrl", "the same webUrl"),
        ("_news/two.md", "related[1]", "no record has the slug 'ghost'"),
    ]


# --- the command ------------------------------------------------------------------------------


def test_list_rules() -> None:
    result = CliRunner().invoke(main, ["validate", "--list-rules"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(newsrecord.RULES)


def test_rules_can_be_chosen_one_by_one(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    run = CliRunner().invoke
    strict = run(main, ["validate", "--strict", str(record)])
    assert strict.stdout.count(str(record)) == 3
    fewer = run(main, ["validate", "--strict", "--no-rule", "url,size", str(record)])
    assert fewer.stdout.count(str(record)) == 1
    assert "secured" in fewer.stdout
    one = run(main, ["validate", "--rule", "size", str(record)])
    assert one.exit_code == 1
    assert one.stdout.count(str(record)) == 1
    assert "images[2].width" in one.stdout
    none = run(main, ["validate", str(record)])
    assert none.exit_code == 0


def test_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--rule", "ulr", str(record)])
    assert result.exit_code == 2
    assert "no such rule: ulr" in result.stderr


def test_a_broken_baseline_is_a_usage_error(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--baseline", str(baseline), str(record)])
    assert result.exit_code == 2
    assert "not a baseline" in result.stderr


def test_a_baseline_that_is_not_json_is_told_where(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    baseline = tmp_path / "bad.json"
    baseline.write_text('{"version": 1,\n oops}', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--baseline", str(baseline), str(record)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --baseline: {baseline} is not valid JSON: Expecting "
        "property name enclosed in double quotes (line 2, column 2)"
    )
    assert "JSONDecodeError" not in result.stderr


def test_a_misspelt_rule_is_told_the_closest(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--rule", "yaml1", str(record)])
    assert result.exit_code == 2
    assert "no such rule: yaml1; did you mean yaml11? (rules: " in result.stderr


def test_a_missing_baseline_is_a_usage_error(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(RECORD, encoding="utf-8")
    arguments = ["validate", "--baseline", str(tmp_path / "nope.json"), str(record)]
    missing = CliRunner().invoke(main, arguments)
    assert missing.exit_code == 2
    assert "nope.json" in missing.output


def test_a_long_url_broken_by_a_space_is_shown_where_it_breaks() -> None:
    from newsrecord.checks import _not_a_url

    url = "https://www.example.com/Editorial/News-Flashes/Chip-maker-to-Acquire Arm-for-40"
    message = _not_a_url(url)
    assert "' ' at character 69" in message
    assert "Acquire Arm" in message  # the place itself, not the start cut before it


@pytest.mark.parametrize(
    ("field", "text", "flagged"),
    [
        ("title", "0x1F", True),  # Jekyll shows 31; newsrecord keeps the text
        ("excerpt", "1.50", True),
        ("topics[0]", "+12", True),
        ("title", "1e3", False),  # text to both
        ("title", "0o17", False),
        ("heat", "0x1F", False),  # a number to both
    ],
)
def test_yaml11_compares_jekyll_with_what_newsrecord_reads(
    field: str, text: str, flagged: bool
) -> None:
    lines = ["type: article", "title: x"]
    if field.startswith("topics"):
        lines += ["topics:", f"  - {text}"]
    elif field == "title":
        lines[1] = f"title: {text}"
    else:
        lines.append(f"{field}: {text}")
    doc = newsrecord.loads("---\n" + "\n".join(lines) + "\n---\n", strict=False)
    found = [p.field for p in newsrecord.check_document(doc, ["yaml11"])]
    assert (field in found) is flagged, found


def test_yaml11_reports_a_value_jekyll_cannot_read_instead_of_failing() -> None:
    doc = newsrecord.loads("---\ntitle: T\nitems:\n  - 0b_\n---\n", strict=False)
    (problem,) = newsrecord.check_document(doc, ["yaml11"])
    assert "Psych raises an error" in problem.message


# Jekyll's own test of a page or collection document for front matter (Utils.has_yaml_header?,
# on the raw bytes), then its front matter pattern on the text read without a BOM.
HEADER_SCRIPT = r"""
require "json"
FRONT = %r!\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)!m
out = JSON.parse($stdin.read).map do |text|
  raw = text.b
  header = raw.each_line.first.to_s.match?(/\A---\s*\r?\n/)
  header && FRONT.match?(text.delete_prefix("\uFEFF"))
end
puts JSON.generate(out)
"""

HEADERS = {
    "LF": "---\ntitle: T\n---\nbody\n",
    "CRLF": "---\r\ntitle: T\r\n---\r\nbody\r\n",
    "BOM": "\ufeff---\ntitle: T\n---\nbody\n",
    "lone CR": "---\rtitle: T\r---\rbody\r",
    "BOM and CRLF": "\ufeff---\r\ntitle: T\r\n---\r\n",
    # CRLF converted twice: lines end in CR CR LF, and Jekyll's \s* takes the first CR.
    "CR CR LF": "---\r\r\ntitle: T\r\r\n---\r\r\nbody\r\r\n",
    "lone CR, then LF": "---\rtitle: T\n---\nbody\n",
}


def test_jekyll_header_rule_flags_the_files_jekyll_sees_no_front_matter_in() -> None:
    seen = run_ruby(HEADER_SCRIPT, list(HEADERS.values()), "Jekyll")
    for (name, text), jekyll_sees in zip(HEADERS.items(), seen, strict=True):
        doc = newsrecord.loads(text, path=f"_news/{name}.md")
        problems = newsrecord.check_document(doc, ["jekyll-header"])
        assert bool(problems) is not jekyll_sees, name
        # newsrecord fix mends it: the repaired text has front matter for Jekyll, too.
        doc.repair()
        assert not newsrecord.check_document(doc, ["jekyll-header"]), name
        assert doc.record.title == "T"
    assert seen == [True, True, False, False, False, True, False]  # not vacuous


def test_jekyll_header_rule_leaves_posts_with_a_byte_order_mark_alone() -> None:
    # Posts and drafts are read as text, the BOM dropped: their front matter is seen.
    text = HEADERS["BOM"]
    for folder, flagged in [("_posts", False), ("_drafts", False), ("_news", True)]:
        doc = newsrecord.loads(text, path=f"site/{folder}/2020-01-01-a.md")
        assert bool(newsrecord.check_document(doc, ["jekyll-header"])) is flagged, folder


def test_the_header_repairs_change_the_bytes_they_name_and_nothing_else() -> None:
    doc = newsrecord.loads("\ufeff---\rtitle: T\r---\rbody\rmore\r")
    done = doc.repair()
    assert [problem.message.split(":")[0] for problem in done] == [
        "byte-order-mark",
        "lone-cr-line-breaks",
    ]
    assert doc.dumps() == "---\ntitle: T\n---\nbody\nmore\n"


def test_conflict_markers_rule_finds_a_conflict_git_left_in_the_body() -> None:
    conflict = "Intro\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> feature/x\nOutro\n"
    for newline in ("\n", "\r\n"):
        text = f"---\ntitle: T\ntype: article\n---\n{conflict}".replace("\n", newline)
        doc = newsrecord.loads(text, path="_news/a.md")
        (problem,) = newsrecord.check_document(doc, ["conflict-markers"])
        assert (problem.path, problem.line, problem.column) == ("_news/a.md", 6, 1)
        assert problem.message.startswith("an unresolved merge conflict in the body")
        assert "conflict-markers" in [name for name, rule in RULES.items() if rule.strict]
    # A heading's underline, a quote, markers out of order or not alone on their line.
    for body in (
        "Title\n=======\n\n> quoted\n>>>>>>> deep quote\n",
        ">>>>>>> a\n=======\n<<<<<<< b\n",
        "<<<<<<<< eight\n=======\n>>>>>>> x\n",
        "text <<<<<<< HEAD\n=======\n>>>>>>> x\n",
    ):
        doc = newsrecord.loads(f"---\ntitle: T\n---\n{body}")
        assert newsrecord.check_document(doc, ["conflict-markers"]) == [], body
