"""Hints added to YAML syntax errors: exact messages, places, fields, and fixes that parse.

Each case breaks one line of a small record the way people and bots do, and asserts the
whole message (the parser's own words, which differ between libyaml and ruamel's
pure-Python parser, then the hint), the place and the field. Where a hint shows the line
to write, the test writes it and reads the value back: a hint never suggests text that
does not parse, or parses as something else. ``tests/test_jekyll_parity.py`` checks the
same cases against Jekyll's Psych.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsrecord
from newsrecord._read import events as _events
from newsrecord.cli import main

BASE = (
    "---\n"
    "title: Hello\n"
    "type: article\n"
    "provider:\n"
    '  name: "InfoQ"\n'
    "  domain: infoq.com\n"
    "topics:\n"
    "  - AI\n"
    "images:\n"
    "  - url: https://x.com/a.png\n"
    "    title: Picture\n"
    "---\n"
)

SCANNING = "(while scanning for the next token)"
C_MAPPING = "YAML syntax error: mapping values are not allowed in this context"
PY_MAPPING = "YAML syntax error: mapping values are not allowed here"
C_KEY = "YAML syntax error: did not find expected key (while parsing a block mapping)"
PY_KEY = (
    "YAML syntax error: expected <block end>, but found '<scalar>' (while parsing a block mapping)"
)
QUOTED_EOS = "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)"


@dataclass(frozen=True)
class HintCase:
    """One broken line and the error it must raise.

    Attributes:
        name: The pytest id.
        old: The line of ``BASE`` to replace (without its line break).
        new: The broken line.
        line: 1-based line of the error.
        column: 1-based column of the error.
        field: The field the error names, or None.
        c_problem: What the C parser says (the start of the message).
        py_problem: What the pure-Python parser says (None: the same).
        hint: The words after the problem and ``": "``.
        value: What the quoted line the hint shows reads as (None: no line shown).
    """

    name: str
    old: str
    new: str
    line: int
    column: int
    field: str | None
    c_problem: str
    py_problem: str | None
    hint: str
    value: str | None = None

    def text(self) -> str:
        """The record with the broken line."""
        assert self.old + "\n" in BASE
        return BASE.replace(self.old + "\n", self.new + "\n", 1)


def _found(char: str) -> str:
    return f"YAML syntax error: found character {char!r} that cannot start any token {SCANNING}"


NO_TOKEN = f"YAML syntax error: found character that cannot start any token {SCANNING}"

CASES = [
    HintCase(
        "value holding a colon",
        "title: Hello",
        "title: Foo: bar",
        2,
        11,
        "title",
        C_MAPPING,
        PY_MAPPING,
        'a value holding ": " must be quoted (title: "Foo: bar")',
        "Foo: bar",
    ),
    HintCase(
        "value holding a colon and double quotes",
        "title: Hello",
        'title: Say "hi": now # a comment',
        2,
        16,
        "title",
        C_MAPPING,
        PY_MAPPING,
        'a value holding ": " must be quoted (title: "Say \\"hi\\": now")',
        'Say "hi": now',
    ),
    HintCase(
        "value ending with a colon",
        "title: Hello",
        "title: Note:",
        2,
        12,
        "title",
        C_MAPPING,
        PY_MAPPING,
        'a value ending with ":" must be quoted (title: "Note:")',
        "Note:",
    ),
    HintCase(
        "nested value holding a colon",
        '  name: "InfoQ"',
        "  name: InfoQ: news",
        5,
        14,
        "provider.name",
        C_MAPPING,
        PY_MAPPING,
        'a value holding ": " must be quoted (name: "InfoQ: news")',
        "InfoQ: news",
    ),
    HintCase(
        "value holding a colon in a list item",
        "    title: Picture",
        "    title: Picture: big",
        11,
        19,
        "images[0].title",
        C_MAPPING,
        PY_MAPPING,
        'a value holding ": " must be quoted (title: "Picture: big")',
        "Picture: big",
    ),
    HintCase(
        "tab indentation",
        '  name: "InfoQ"',
        "\tname: InfoQ",
        5,
        1,
        None,
        NO_TOKEN,
        _found("\t"),
        "a tab: YAML indents with spaces only",
    ),
    HintCase(
        "tab indentation after a plain value",
        "    title: Picture",
        "\ttitle: Picture",
        11,
        1,
        None,
        "YAML syntax error: found a tab character that violates indentation "
        "(while scanning a plain scalar)",
        _found("\t"),
        "a tab: YAML indents with spaces only",
    ),
    *(
        HintCase(
            f"value starting with {char}",
            "title: Hello",
            f"title: {value}",
            2,
            8,
            "title",
            NO_TOKEN,
            _found(char),
            f'a value starting with "{char}" must be quoted (title: "{value}")',
            value,
        )
        for char, value in (("@", "@home news"), ("`", "`code` works"), ("%", "%50 off"))
    ),
    HintCase(
        "value starting with |",
        "title: Hello",
        "title: | pipes",
        2,
        8,
        "title",
        "YAML syntax error: did not find expected comment or line break "
        "(while scanning a block scalar)",
        "YAML syntax error: expected a comment or a line break, but found 'p' "
        "(while scanning a block scalar)",
        'a value starting with "|" must be quoted (title: "| pipes")',
        "| pipes",
    ),
    HintCase(
        "value starting with >",
        "title: Hello",
        "title: >greater",
        2,
        8,
        "title",
        "YAML syntax error: did not find expected comment or line break "
        "(while scanning a block scalar)",
        "YAML syntax error: expected chomping or indentation indicators, but found 'g' "
        "(while scanning a block scalar)",
        'a value starting with ">" must be quoted (title: ">greater")',
        ">greater",
    ),
    HintCase(
        "value starting with *",
        "title: Hello",
        "title: *new",
        2,
        8,
        "title",
        "the alias '*new' has no anchor before it",
        None,
        'a value starting with "*" must be quoted (title: "*new")',
        "*new",
    ),
    HintCase(
        "value starting with * and ending with *",
        "title: Hello",
        "title: *Sponsored*",
        2,
        8,
        "title",
        "YAML syntax error: did not find expected alphabetic or numeric character "
        "(while scanning an alias)",
        "the alias '*Sponsored*' has no anchor before it",
        'a value starting with "*" must be quoted (title: "*Sponsored*")',
        "*Sponsored*",
    ),
    HintCase(
        "value starting with &",
        "title: Hello",
        "title: &more",
        2,
        8,
        "title",
        "'&more' reads as an anchor that no alias uses",
        None,
        'a value starting with "&" must be quoted (title: "&more")',
        "&more",
    ),
    HintCase(
        "value starting with & and a space",
        "title: Hello",
        "title: & more",
        2,
        8,
        "title",
        "YAML syntax error: did not find expected alphabetic or numeric character "
        "(while scanning an anchor)",
        "YAML syntax error: expected alphabetic or numeric character, but found ' ' "
        "(while scanning an anchor)",
        'a value starting with "&" must be quoted (title: "& more")',
        "& more",
    ),
    HintCase(
        "value starting with !",
        "title: Hello",
        "title: !important news",
        2,
        8,
        "title",
        "unknown tag '!important'",
        None,
        'a value starting with "!" must be quoted (title: "!important news")',
        "!important news",
    ),
    HintCase(
        "value starting with a bracketed word",
        "title: Hello",
        "title: [Video] How to",
        2,
        8,
        "title",
        C_KEY,
        PY_KEY,
        'a value starting with "[" must be quoted (title: "[Video] How to")',
        "[Video] How to",
    ),
    HintCase(
        "value starting with a braced word",
        "    title: Picture",
        "    title: {New} Picture",
        11,
        12,
        "images[0].title",
        C_KEY,
        PY_KEY,
        'a value starting with "{" must be quoted (title: "{New} Picture")',
        "{New} Picture",
    ),
    HintCase(
        "value starting with an unclosed bracket",
        "title: Hello",
        "title: [Video How to",
        2,
        8,
        "title",
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
        "YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence)",
        'a value starting with "[" is a list, closed by "]"; if it is text, quote it '
        '(title: "[Video How to")',
        "[Video How to",
    ),
    HintCase(
        # The parser marks the end of the front matter, and named no field.
        "a list left open at the end of the front matter",
        "    title: Picture",
        "    title: Picture\ntags: [AI, ML,",
        12,
        7,
        "tags",
        "YAML syntax error: did not find expected node content (while parsing a flow node)",
        "YAML syntax error: expected the node content, but found '<stream end>' "
        "(while parsing a flow node)",
        'a value starting with "[" is a list, closed by "]"; if it is text, quote it '
        '(tags: "[AI, ML,")',
    ),
    HintCase(
        "a list left open over lines, with a bracket in a quoted item",
        "    title: Picture",
        '    title: Picture\nlinks: [a] # [\ntags: [\n  "x ]",\n  b,',
        13,
        7,
        "tags",
        "YAML syntax error: did not find expected node content (while parsing a flow node)",
        "YAML syntax error: expected the node content, but found '<stream end>' "
        "(while parsing a flow node)",
        'a value starting with "[" is a list, closed by "]"; if it is text, quote it (tags: "[")',
    ),
    HintCase(
        "unclosed double quote",
        "    title: Picture",
        '    title: "Picture',
        11,
        12,
        "images[0].title",
        QUOTED_EOS,
        None,
        "the quote that opens this value is never closed",
    ),
    HintCase(
        "unclosed double quote, closed by the next value's",
        "type: article",
        'type: "article',
        3,
        7,
        "type",
        C_KEY,
        PY_KEY,
        "the quote that opens this value is not closed on its line, so the value runs on to line 5",
    ),
    HintCase(
        "double quotes inside double quotes",
        "title: Hello",
        'title: "Say "hi" now"',
        2,
        13,
        "title",
        C_KEY,
        PY_KEY,
        "a '\"' inside a double-quoted value must be escaped as '\\\"' "
        '(title: "Say \\"hi\\" now")',
        'Say "hi" now',
    ),
    HintCase(
        "single quote inside single quotes",
        "title: Hello",
        "title: 'It's here'",
        2,
        11,
        "title",
        C_KEY,
        PY_KEY,
        "a \"'\" inside a single-quoted value must be doubled ('') (title: 'It''s here')",
        "It's here",
    ),
    HintCase(
        "key indented less than its siblings",
        "  domain: infoq.com",
        " domain: infoq.com",
        6,
        2,
        None,
        C_KEY,
        "YAML syntax error: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block mapping)",
        "this line is indented by 1 space, line 5 above it by 2: the keys of one mapping "
        "(and the items of one list) line up",
    ),
    HintCase(
        "key indented more than the line above",
        "type: article",
        "  type: article",
        3,
        7,
        None,
        C_MAPPING,
        PY_MAPPING,
        "this line is indented more than line 2 above, so YAML reads it as more of that "
        "line's value: line its key up with the keys it belongs with, or quote that value "
        "if the line is part of it",
    ),
]


def _error(text: str) -> newsrecord.RecordError:
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(text)
    return caught.value


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_syntax_error_says_how_to_fix_it(case: HintCase, c_parser: bool) -> None:
    error = _error(case.text())
    problem = case.c_problem if c_parser else case.py_problem or case.c_problem
    assert error.message == f"{problem}: {case.hint}"
    assert (error.line, error.column, error.field) == (case.line, case.column, case.field)


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.value is not None], ids=lambda case: case.name
)
def test_the_line_a_hint_shows_reads_as_the_value_meant(case: HintCase) -> None:
    example = re.search(r"\(([^()]*)\)$", case.hint)
    assert example is not None
    indent = re.match(r" *", case.old)
    assert indent is not None
    fixed = BASE.replace(case.old + "\n", indent.group() + example.group(1) + "\n", 1)
    assert newsrecord.loads(fixed).get(case.field or "") == case.value


def test_a_hint_never_shows_a_long_value_whole() -> None:
    blob = "BZ5BEreCCe1fKDHC+mgjhEDJbleDVg+iOnK8amYvJ8YSzvmBx9t8u2oSQmKT4M4" * 4
    error = _error(BASE.replace("type: article\n", f"type: article\nsecured: {blob}: x\n"))
    assert error.field == "secured"
    assert error.message.endswith(
        ': a value holding ": " must be quoted '
        '(secured: "BZ5BEreCCe1fKDHC+mgjhEDJbleDVg+iOnK8a...")'
    )
    assert blob[:40] not in str(error)


def test_a_stray_bracket_is_not_told_to_be_quoted(c_parser: bool) -> None:
    error = _error(BASE.replace("  - AI\n", "  - [AI]]\n"))
    assert (error.line, error.column, error.field) == (8, 9, None)
    assert "quote" not in error.message


def test_validate_prints_the_hint_with_its_place_and_field(tmp_path: Path) -> None:
    record = tmp_path / "record.md"
    record.write_text(BASE.replace("title: Hello", "title: Foo: bar"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(record)])
    assert result.exit_code == 1
    problem = C_MAPPING if _events.HAVE_C_PARSER else PY_MAPPING
    assert (
        f'{record}:2:11: title: {problem}: a value holding ": " must be quoted (title: "Foo: bar")'
    ) in result.output.splitlines()


def test_a_key_starting_with_an_indicator_is_told_to_be_quoted(c_parser: bool) -> None:
    error = _error(BASE.replace("type: article\n", "@context: x\n"))
    assert (error.line, error.column, error.field) == (3, 1, None)
    assert error.message.endswith(f'{SCANNING}: text starting with "@" must be quoted')


def _certain(case: HintCase) -> bool:
    """Whether the hint shows the one way to write the value (not "if it is text")."""
    return case.value is not None and "if it is text" not in case.hint


@pytest.mark.parametrize("case", [case for case in CASES if _certain(case)], ids=lambda c: c.name)
def test_a_repair_writes_the_line_the_hint_shows_and_nothing_else(
    case: HintCase, c_parser: bool
) -> None:
    broken = case.text()
    doc = newsrecord.loads(broken, repair=True)
    assert doc.text == broken  # the text as given; the repaired one is what dumps gives
    repaired = doc.dumps()
    assert doc.get(case.field or "") == case.value
    changed = [
        number
        for number, (old, new) in enumerate(
            zip(broken.splitlines(), repaired.splitlines(), strict=True), 1
        )
        if old != new
    ]
    assert changed == [case.line]
    example = re.search(r"\(([^()]*)\)$", case.hint)
    assert example is not None
    # The line the hint shows, and the comment the line had.
    assert repaired.splitlines()[case.line - 1].lstrip(" -").startswith(example.group(1))
    (made,) = doc.repair()
    assert made.message.startswith("quote-values: wrote ")
    assert (made.line, made.column, made.field) == (case.line, case.column, case.field)
    assert doc.repair() == []  # reported once


@pytest.mark.parametrize(
    "case",
    # (A top-level field indented under a line of text is certain to the model: the
    # line-up-keys repair lines it up, see below.)
    [
        case
        for case in CASES
        if not _certain(case) and case.name != "key indented more than the line above"
    ],
    ids=lambda c: c.name,
)
def test_a_repair_never_guesses_where_the_hint_is_not_certain(
    case: HintCase, c_parser: bool
) -> None:
    error = _error(case.text())
    assert error.fixes == ()
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(case.text(), repair=True)
    assert caught.value.problems == error.problems


def test_a_repair_fixes_every_line_it_can_then_stops_at_the_first_it_cannot(
    c_parser: bool,
) -> None:
    three = (
        BASE.replace("title: Hello", "title: &amp; co: the best")
        .replace("  - AI\n", "  - @AI\n")
        .replace('  name: "InfoQ"', '  name: "Info "Q""')
    )
    doc = newsrecord.loads(three.replace("\n", "\r\n"), repair=True)
    assert doc.dumps() == (
        BASE.replace("title: Hello", 'title: "&amp; co: the best"')
        .replace("  - AI\n", '  - "@AI"\n')
        .replace('  name: "InfoQ"', '  name: "Info \\"Q\\""')
        .replace("\n", "\r\n")
    )
    assert [problem.line for problem in doc.repair()] == [2, 5, 8]
    # A value that goes on over the next line: quoting its first line does not make the
    # text readable, so nothing is repaired and the first error is the one raised.
    going_on = three.replace("the best\n", "the best\n  and more\n", 1)
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(going_on, repair=True)
    # (libyaml stops at the anchor '&amp;', ruamel's pure-Python parser at the ': '.)
    column = 8 if c_parser else 16
    assert (caught.value.line, caught.value.column, caught.value.field) == (2, column, "title")
    # A line with no certain fix (a tab before a key of the provider) stops it too,
    # wherever it is. (A tab before a top-level field is lined up: see below.)
    tab = three.replace("  domain: infoq.com", "\tdomain: infoq.com")
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(tab, repair=True)
    assert caught.value.problems == _error(tab).problems


@pytest.mark.parametrize(
    "broken",
    [
        BASE.replace("type: article", "  type: article"),
        BASE.replace("type: article", "\ttype: article"),
        BASE.replace("type: article", " \t type: article"),
    ],
    ids=["spaces", "a tab", "blanks and a tab"],
)
def test_a_field_indented_under_a_line_of_text_is_lined_up_by_the_repair(
    broken: str, c_parser: bool
) -> None:
    # YAML reads the line as more of the title and fails on its ': '; the model knows
    # `type` as a field the front matter does not have: the line goes back to the left.
    with pytest.raises(newsrecord.ParseError):
        newsrecord.loads(broken)
    doc = newsrecord.loads(broken, repair=True)
    assert doc.dumps() == BASE
    assert [problem.message for problem in doc.repair()] == [
        "line-up-keys: lined 'type' up with the keys above"
    ]
    # Under quoted text that ends on its line, too.
    quoted = broken.replace("title: Hello", 'title: "Hello"')
    assert newsrecord.loads(quoted, repair=True).dumps() == BASE.replace("Hello", '"Hello"')
    # Only that repair, or the others alone.
    assert newsrecord.loads(broken, repair=["line-up-keys"]).dumps() == BASE
    with pytest.raises(newsrecord.ParseError):
        newsrecord.loads(broken, repair=["quote-values"])


@pytest.mark.parametrize(
    "broken",
    [
        # Text that may go on the title: no field of the model.
        BASE.replace("type: article", "type: article\ntags: [a]").replace(
            "title: Hello", "title: Hello\n  and more text: here"
        ),
        # A field the front matter has already: the line may be the title's.
        BASE.replace("title: Hello", "title: Hello\n  type: news"),
        # Under a key with no value, the line is its: not a top-level field's place.
        BASE.replace("  domain: infoq.com", "   domain: infoq.com"),
        # Under the start of a list, which goes on over the next lines.
        BASE.replace("title: Hello", "title: [Hello\n  type: article"),
    ],
    ids=["text", "present", "nested", "list"],
)
def test_a_line_the_model_does_not_tell_is_left_to_a_person(broken: str) -> None:
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(broken, repair=True)
    assert caught.value.problems == _error(broken).problems


def test_an_anchor_an_alias_uses_opens_and_is_never_quoted(c_parser: bool) -> None:
    # YAML sharing a value, not text: it opens as Jekyll reads it, and no repair quotes it
    # (that would change what both fields say).
    shared = BASE.replace("title: Hello\n", "title: &t Hello\nexcerpt: *t\n")
    doc = newsrecord.loads(shared, repair=True)
    assert (doc.get("title"), doc.get("excerpt")) == ("Hello", "Hello")
    assert doc.dumps() == shared
    listed = BASE.replace("  - AI\n", "  - &a AI\n  - *a\n")
    assert newsrecord.loads(listed, repair=True).get("topics") == ["AI", "AI"]
    # Unused, the anchor is text (Psych drops it, and the word with it): quoted.
    lone = BASE.replace("title: Hello", "title: &t Hello")
    assert newsrecord.loads(lone, repair=True).get("title") == "&t Hello"
    # So is an alias with no anchor, which Psych refuses.
    assert newsrecord.loads(BASE.replace("Hello", "*t"), repair=True).get("title") == "*t"


def test_a_key_that_is_not_text_opens_and_no_repair_changes_it(c_parser: bool) -> None:
    # It was refused, and the repair quoted it: Jekyll reads the key 2023 as a number, a
    # record it publishes, which opens now as written (the yaml11 rule tells).
    text = BASE.replace("title: Hello\n", "title: Hello\nyears:\n  2023: a\n  true: b\n")
    for repair in (False, True):
        doc = newsrecord.loads(text, repair=repair)
        assert doc.get("years") == {"2023": "a", "true": "b"}
        assert doc.dumps() == text
        assert doc.repair() == []


@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_a_yaml11_line_break_before_a_colon_gets_no_quoting_fix(
    character: str, c_parser: bool
) -> None:
    # Found by a survey against Psych: Jekyll reads 'title: a<LS>type: article' as two
    # fields, and the quoting fix made one title of them ('a\Ltype: article'), so that
    # repair=True and fix changed what the page says. Which was meant is for a person.
    text = BASE.replace("title: Hello", f"title: Hello{character}type: article")
    error = _error(text)
    assert error.fixes == ()
    assert (error.line, error.column) == (2, 13)
    assert "which Jekyll (YAML 1.1) reads as a line break" in error.message
    with pytest.raises(newsrecord.ParseError):
        newsrecord.loads(text, repair=True)


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("{{ page.image }}", "image: {{ page.image }}"),
        ("{{ site.url }}/logo.png", "image: {{ site.url }}/logo.png"),
    ],
)
def test_liquid_in_front_matter_is_told_and_quoted_by_the_repair(
    value: str, line: str, c_parser: bool
) -> None:
    # Found by a survey against Psych: YAML reads {{ x }} as a mapping whose key is a
    # mapping, and the error said "a mapping key must be a plain string, not a collection".
    text = BASE.replace("type: article\n", f"type: article\n{line}\n")
    error = _error(text)
    assert (error.line, error.column, error.field) == (4, 8, "image")
    assert error.message.startswith("Liquid ({{ ... }}) is not YAML: Jekyll does not render")
    assert error.message.endswith(f'(image: "{value}")')
    doc = newsrecord.loads(text, repair=True)
    assert doc.get("image") == value
    assert doc.dumps() == text.replace(line, f'image: "{value}"')
