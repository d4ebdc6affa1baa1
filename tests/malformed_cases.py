"""Malformed and hostile record files, each with the exact error it must raise.

Shared by ``tests/test_malformed.py`` (which asserts every case) and
``benchmarks/bad_inputs.py`` (which times every case and measures its memory). Each case
names the error class, the 1-based line and column of the first problem and, where the
problem belongs to a field, the field path. Lines count from the opening ``---``, which
is line 1, so the first front matter line is line 2.

``CASES`` are written by hand; ``wrong_type_cases()`` generates one case per field of
every model class, with a value of the wrong YAML type.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import newsrecord
from newsrecord import Limits, RecordError
from newsrecord import model as model_module
from newsrecord.model.fields import optional_part

ParseError = newsrecord.ParseError
LimitError = newsrecord.LimitError
ValidationError = newsrecord.ValidationError

MIB = 1024 * 1024
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Case:
    """One malformed input and the error it must raise.

    Attributes:
        name: A short identifier (the pytest id).
        source: The input, or a function making it (for inputs too big to keep around).
        error: The exact class of the error.
        line: 1-based line of the first problem (None where the input has no place).
        column: 1-based column of the first problem.
        field: The field path of the first problem, such as ``images[0].width``.
        message: A fragment the first problem's message must contain.
        limits: The limits to load with.
        kind: The record class to force, if any.
        big: Too large to load twice in the unit tests.
        known_bug: Why the library fails this case today, in a module this suite does not
            own; the test is an expected failure until it is fixed.
    """

    name: str
    source: str | bytes | Callable[[], str | bytes]
    error: type[RecordError]
    line: int | None
    column: int | None
    field: str | None = None
    message: str = ""
    limits: Limits = DEFAULT_LIMITS
    kind: type[newsrecord.Record] | type[newsrecord.Organization] | None = None
    big: bool = False
    known_bug: str = ""

    def text(self) -> str | bytes:
        """Return the input, making it if need be."""
        return self.source() if callable(self.source) else self.source

    def load(self, path: str | None = None) -> newsrecord.Document:
        """Load the input as ``newsrecord.loads`` would be called by a user."""
        return newsrecord.loads(self.text(), kind=self.kind, path=path, limits=self.limits)


def fm(*lines: str, body: str = "") -> str:
    """Return a record file with *lines* as its front matter (line 2 onwards)."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


def _billion_laughs() -> str:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return fm("title: a", *lines)


def _deep_block_mappings() -> str:
    # 20,000 levels of block mappings take 200 million characters of indentation, which
    # the size limits refuse; 1,000 levels (half a megabyte) reach the depth limit first.
    return fm("title: a", *[" " * i + "k:" for i in range(1000)])


CASES: list[Case] = [
    # --- where the front matter is -------------------------------------------------------
    Case("empty file", "", ParseError, 1, 1, message="empty"),
    Case("only a byte order mark", "\ufeff", ParseError, 1, 1, message="empty"),
    Case("only blank lines", "\n\n\n", ParseError, 1, 1, message="no front matter"),
    Case("no front matter", "title: Hello\n\nBody\n", ParseError, 1, 1, message="no front matter"),
    Case("text after opening dashes", "--- title: a\n---\n", ParseError, 1, 1, "", "no front"),
    Case("opening dashes without a line break", "---", ParseError, 1, 1, message="no front"),
    Case("indented opening line", " ---\ntitle: a\n---\n", ParseError, 1, 1, message="no front"),
    Case("unclosed front matter", "---\ntitle: a\nexcerpt: b\n", ParseError, 1, 1, "", "never"),
    Case("closed by four dashes", "---\ntitle: a\n----\n", ParseError, 1, 1, message="never"),
    Case("unclosed after a BOM", "\ufeff---\ntitle: a\n", ParseError, 1, 1, message="never"),
    Case("front matter is a list", fm("- a", "- b"), ParseError, 2, 1, message="a sequence"),
    Case("front matter is a flow list", fm("[a, b]"), ParseError, 2, 1, message="a sequence"),
    Case("front matter is a scalar", fm("just words"), ParseError, 2, 1, message="a scalar"),
    Case("front matter is a word", fm("hello"), ParseError, 2, 1, message="a scalar"),
    # --- YAML syntax ---------------------------------------------------------------------
    Case(
        "git's conflict markers",
        fm("title: a", "<<<<<<< ours", "heat: 1", "=======", "heat: 2", ">>>>>>> theirs"),
        ParseError,
        3,
        1,
        message="an unresolved merge conflict",
    ),
    Case(
        "git's conflict markers, lines ending with CR",
        fm("title: a", "<<<<<<< ours", "heat: 1", "=======", "heat: 2", ">>>>>>> x").replace(
            "\n", "\r"
        ),
        ParseError,
        3,
        1,
        message="an unresolved merge conflict",
    ),
    Case("bad indentation", fm("title: a", "  excerpt: b"), ParseError, 3, 10, message="not"),
    Case(
        "bad dedent in a nested mapping",
        fm("title: a", "provider:", "  name: A", " domain: a.com"),
        ParseError,
        5,
        2,
        message="YAML syntax error",
    ),
    Case("tab indentation", fm("provider:", "\tname: A"), ParseError, 3, 1, message="token"),
    # An unclosed quote or bracket is shown where it opens, as Psych shows it.
    Case(
        "unclosed double quote",
        fm('title: "abc', "excerpt: b"),
        ParseError,
        2,
        8,
        "title",
        "(while scanning a quoted scalar): the quote that opens this value is never closed",
    ),
    Case(
        "unclosed single quote",
        fm("title: 'abc"),
        ParseError,
        2,
        8,
        "title",
        "(while scanning a quoted scalar): the quote that opens this value is never closed",
    ),
    Case(
        "unclosed flow list",
        fm("topics: [a, b"),
        ParseError,
        2,
        9,
        "topics",
        '(while parsing a flow sequence): a value starting with "[" is a list, closed by "]"; '
        'if it is text, quote it (topics: "[a, b")',
    ),
    Case(
        "unclosed flow mapping",
        fm("provider: {name: A"),
        ParseError,
        2,
        11,
        "provider",
        '(while parsing a flow mapping): a value starting with "{" is a mapping, closed by "}"; '
        'if it is text, quote it (provider: "{name: A")',
    ),
    Case("extra closing bracket", fm("topics: [a]]"), ParseError, 2, 12, message="YAML syntax"),
    Case("unknown escape", fm('title: "a\\qb"'), ParseError, 2, 10, message="escape"),
    Case("unknown escape after an emoji", fm('a: "\U0001f600\\q"'), ParseError, 2, 6, "", "escape"),
    Case("bad hex escape", fm('title: "a\\x4g"'), ParseError, 2, 12, message="YAML syntax"),
    Case("key without colon", fm("title a", "excerpt: b"), ParseError, 3, 8, message="YAML"),
    Case("list item in a mapping", fm("title: a", "- b"), ParseError, 3, 1, message="YAML"),
    Case(
        "reserved indicator @",
        fm("title: @home"),
        ParseError,
        2,
        8,
        "title",
        'token (while scanning for the next token): a value starting with "@" must be quoted '
        '(title: "@home")',
    ),
    Case(
        "reserved indicator `",
        fm("title: `x`"),
        ParseError,
        2,
        8,
        "title",
        'token (while scanning for the next token): a value starting with "`" must be quoted '
        '(title: "`x`")',
    ),
    Case("YAML directive", fm("%YAML 1.2"), ParseError, 2, 1, message="directives"),
    Case("TAG directive", fm("%TAG !e! tag:e.com,2000:"), ParseError, 2, 1, message="directive"),
    Case("unknown directive", fm("# c", "%FOO bar", "a: b"), ParseError, 3, 1, "", "directive"),
    Case("indentation indicator 0", fm("excerpt: |0", "  x"), ParseError, 2, 11, "", "indent"),
    Case("second document start", fm("title: a", "--- x"), ParseError, 3, 1, message="doc"),
    # --- tags: nothing is ever constructed or executed -----------------------------------
    Case(
        "python apply tag on a list",
        fm('title: !!python/object/apply:os.system ["echo pwned"]'),
        ParseError,
        2,
        8,
        message="unknown tag",
    ),
    Case(
        "python apply tag on a mapping",
        fm("title: a", "x: !!python/object/apply:os.system", "  args: [echo]"),
        ParseError,
        3,
        4,
        message="unknown tag",
    ),
    Case("python name tag", fm("title: !!python/name:os.system"), ParseError, 2, 8, "title"),
    Case(
        "python new tag",
        fm("provider: !!python/object/new:collections.OrderedDict {}"),
        ParseError,
        2,
        11,
        message="unknown tag",
    ),
    Case("local tag", fm("title: !custom x"), ParseError, 2, 8, "title", "unknown tag"),
    Case("verbatim tag", fm("title: !<tag:e.com,2000:x> y"), ParseError, 2, 8, "title", "tag"),
    Case("binary in a string field", fm("title: !!binary aGVsbG8="), ParseError, 2, 8, "title"),
    Case(
        "binary in secured",
        fm("title: a", "secured: !!binary aGVsbG8="),
        ParseError,
        3,
        10,
        "secured",
        "unknown tag",
    ),
    Case("set tag", fm("title: a", "topics: !!set {a, b}"), ParseError, 3, 9, message="unknown"),
    Case("omap tag", fm("title: a", "topics: !!omap [a]"), ParseError, 3, 9, message="unknown"),
    Case(
        "timestamp tag on text",
        fm("title: a", "publishedDateTime: !!timestamp soon"),
        ParseError,
        3,
        20,
        "publishedDateTime",
        "'soon' is not a valid tag:yaml.org,2002:timestamp",
    ),
    Case("int tag on text", fm("title: a", 'heat: !!int "hot"'), ParseError, 3, 7, "heat"),
    Case(
        "bool tag on text",
        fm("title: a", "published: !!bool maybe"),
        ParseError,
        3,
        12,
        "published",
    ),
    Case(
        "null tag on text", fm("title: a", "removed: !!null nothing"), ParseError, 3, 10, "removed"
    ),
    Case("str tag on a mapping", fm("title: a", "provider: !!str {name: a}"), ParseError, 3, 11),
    # --- anchors, aliases, merge keys, complex and non-string keys -----------------------
    Case(
        "merge key of text",
        fm("title: a", "provider:", "  <<: A"),
        ParseError,
        4,
        3,
        "",
        "a merge key ('<<') takes a mapping, an alias of one, or a list of them",
    ),
    Case(
        "merge key with an alias of a list",
        fm("base: &b [a]", "provider:", "  <<: *b"),
        ParseError,
        4,
        3,
        message="a merge key ('<<') takes a mapping",
    ),
    Case(
        "alias inside its anchor",
        fm("title: a", "provider: &p {name: *p}"),
        ParseError,
        3,
        21,
        message="the alias '*p' is inside the value it names",
    ),
    Case(
        "undefined alias",
        fm("title: a", "excerpt: *nothing"),
        ParseError,
        3,
        10,
        "excerpt",
        "the alias '*nothing' has no anchor before it: a value starting with \"*\" must be "
        'quoted (excerpt: "*nothing")',
    ),
    # Each alias is read as a copy of its anchor's nodes, and every copy counts.
    Case("billion laughs", _billion_laughs, LimitError, 7, 17, message="Limits.max_nodes"),
    Case("complex key: a list", fm("title: a", "? [a, b]", ": x"), ParseError, 3, 3, "", "key"),
    Case("complex key: a flow mapping", fm("title: a", "{a: 1}: x"), ParseError, 3, 1, "", "key"),
    Case(
        "block scalar key", fm("title: a", "? |", "  block", ": x"), ParseError, 3, 3, "", "block"
    ),
    # A plain key YAML reads as a number, a boolean or null (1: x, true: x, ~: x) opens as
    # its text, as Jekyll publishes it: test_read_events.py.
    Case("tagged key", fm("title: a", "!!int 1: x"), ParseError, 3, 1, message="not tagged"),
    # --- encoding and characters ---------------------------------------------------------
    Case("invalid UTF-8 in front matter", b"---\ntitle: caf\xe9\n---\n", ParseError, 2, 11),
    Case("invalid UTF-8 in body", b"---\ntitle: a\n---\nbody \xff\n", ParseError, 4, 6, "", "0xff"),
    Case("truncated UTF-8 at the end", b"---\ntitle: a\n---\nend \xe2\x82", ParseError, 4, 5),
    Case("UTF-16 file", "---\ntitle: a\n---\n".encode("utf-16"), ParseError, 1, 1, "", "UTF-8"),
    Case("overlong UTF-8", b"---\ntitle: \xc0\xaf\n---\n", ParseError, 2, 8, message="UTF-8"),
    Case("UTF-8 encoded surrogate", b"---\ntitle: \xed\xa0\x80\n---\n", ParseError, 2, 8),
    Case(
        "invalid UTF-8 after a multibyte character",
        "---\ntitle: \u2019".encode() + b"\xff\n---\n",
        ParseError,
        2,
        9,
        message="0xff",
    ),
    Case("NUL character", fm("title: a\x00b"), ParseError, 2, 9, message="U+0000"),
    Case("NUL in a key", fm("ti\x00tle: a"), ParseError, 2, 3, message="U+0000"),
    Case("NUL in a quoted string", fm('title: "a\x00"'), ParseError, 2, 10, message="U+0000"),
    Case("NUL character as bytes", b"---\ntitle: a\x00\n---\n", ParseError, 2, 9, "", "U+0000"),
    Case("bell character", fm("title: a", "excerpt: x\x07"), ParseError, 3, 11, "", "U+0007"),
    Case("escape character", fm("title: \x1b[31mred"), ParseError, 2, 8, message="U+001B"),
    Case("DEL character", fm("title: a\x7f"), ParseError, 2, 9, message="U+007F"),
    Case("C1 control character", fm("title: a\x9b"), ParseError, 2, 9, message="U+009B"),
    Case("noncharacter U+FFFE", fm("title: \ufffe"), ParseError, 2, 8, message="U+FFFE"),
    Case("control after non-ASCII", fm("title: \u2019\x01"), ParseError, 2, 9, "", "U+0001"),
    Case("control after an emoji", fm("title: \U0001f600\x01"), ParseError, 2, 9, "", "U+0001"),
    Case("lone surrogate in text", "---\ntitle: a\ud800\n---\n", ParseError, 2, 9, "", "surrogate"),
    Case("lone surrogate in the body", fm("title: a", body="x\udc80\n"), ParseError, 4, 2),
    Case("lone surrogate escape", fm('title: "\\ud800"'), ParseError, 2, 11, message="escape"),
    Case("surrogate pair escape", fm('title: "x \\ud83d\\ude00"'), ParseError, 2, 13, "", "escape"),
    Case("escape beyond Unicode", fm('title: "\\U00110000"'), ParseError, 2, 11, "", "escape"),
    Case("low surrogate escape", fm('title: "\\U0000DC00"'), ParseError, 2, 11, "", "escape"),
    # --- values --------------------------------------------------------------------------
    Case(
        "impossible date",
        fm("title: a", "publishedDateTime: 2023-02-30T10:00:00Z"),
        ValidationError,
        3,
        20,
        "publishedDateTime",
        "date-time",
    ),
    Case(
        "month 13",
        fm("title: a", "updatedDateTime: 2023-13-01T00:00:00Z"),
        ValidationError,
        3,
        18,
        "updatedDateTime",
    ),
    Case(
        "hour 25",
        fm("title: a", "publishedDateTime: 2023-11-19T25:07:00Z"),
        ValidationError,
        3,
        20,
        "publishedDateTime",
    ),
    Case(
        "not a date",
        fm("title: a", "publishedDateTime: yesterday"),
        ValidationError,
        3,
        20,
        "publishedDateTime",
    ),
    Case(
        "impossible date in related[0]",
        fm("title: a", "related:", "  - title: r", "    publishedDateTime: 2023-02-29T00:00:00Z"),
        ValidationError,
        5,
        24,
        "related[0].publishedDateTime",
    ),
    Case(
        "huge integer",
        lambda: fm("title: a", "heat: " + "9" * 10_000),
        ParseError,
        3,
        7,
        "heat",
        "10000 digits",
    ),
    Case(
        "huge negative integer",
        lambda: fm("title: a", "quality: -" + "9" * 5_000),
        ParseError,
        3,
        10,
        "quality",
        "too large",
    ),
    Case(
        "huge integer under an unknown key",
        lambda: fm("title: a", "views: " + "1" * 10_000),
        ParseError,
        3,
        8,
        "views",
        "too large",
    ),
    Case(
        "huge tagged hexadecimal integer",
        lambda: fm("title: a", "heat: !!int 0x" + "f" * 5_000),
        ParseError,
        3,
        7,
        "heat",
        "too large",
    ),
    Case("float for an integer", fm("title: a", "heat: 1.5"), ValidationError, 3, 7, "heat"),
    Case("infinity for an integer", fm("title: a", "heat: .inf"), ValidationError, 3, 7, "heat"),
    Case(
        "yes for a boolean", fm("title: a", "published: yes"), ValidationError, 3, 12, "published"
    ),
    Case(
        "list item of the wrong type",
        fm("title: a", "topics:", "  - a", "  - [b]"),
        ValidationError,
        5,
        5,
        "topics[1]",
        "string",
    ),
    Case(
        "wrong type deep inside related",
        fm("title: a", "related:", "  - title: r", "    images:", "      - width: wide"),
        ValidationError,
        6,
        16,
        "related[0].images[0].width",
        "integer",
    ),
    Case(
        "huge duration",
        fm("type: video", "title: v", "length: P99999999999D"),
        ValidationError,
        4,
        9,
        "length",
        "too long",
    ),
    # --- limits --------------------------------------------------------------------------
    Case(
        "20,000 nested flow lists",
        lambda: fm("title: a", "x: " + "[" * 20_000),
        LimitError,
        3,
        67,
        message="max_depth",
    ),
    Case(
        "20,000 nested flow mappings",
        lambda: fm("title: a", "x: " + "{a: " * 20_000),
        LimitError,
        3,
        256,
        message="max_depth",
    ),
    Case(
        "20,000 nested block lists",
        lambda: fm("title: a", "x:", "  " + "- " * 20_000 + "a"),
        LimitError,
        4,
        129,
        message="max_depth",
    ),
    Case("1,000 nested block mappings", _deep_block_mappings, LimitError, 67, 65, "", "max_depth"),
    Case(
        "20,001 nodes",
        lambda: fm("title: a", "x: [" + "0, " * 20_001 + "0]"),
        LimitError,
        3,
        59_990,
        message="max_nodes",
    ),
    Case(
        "50 MB front matter",
        lambda: fm("title: a", "excerpt: " + "a" * (50 * MIB)),
        LimitError,
        2,
        1,
        message="max_front_matter",
        big=True,
    ),
    Case(
        "front matter over a lowered limit",
        fm("title: a", "excerpt: " + "a" * 200),
        LimitError,
        2,
        1,
        message="max_front_matter",
        limits=Limits(max_front_matter=100),
    ),
    Case(
        "text over the file size limit",
        lambda: fm("title: a", body="x" * (64 * MIB)),
        LimitError,
        1,
        1,
        message="max_file_size",
        big=True,
    ),
    Case(
        "text over a lowered file size limit",
        fm("title: a", body="x" * 2000),
        LimitError,
        1,
        1,
        message="2017 characters",
        limits=Limits(max_file_size=1000),
    ),
    Case(
        "bytes over a lowered file size limit",
        fm("title: a", body="x" * 2000).encode(),
        LimitError,
        1,
        1,
        message="2017 bytes",
        limits=Limits(max_file_size=1000),
    ),
    Case(
        "nesting over a lowered depth limit",
        fm("title: a", "provider:", "  images:", "    - url: x"),
        LimitError,
        5,
        7,
        message="deeper than 3",
        limits=Limits(max_depth=3),
    ),
    Case(
        "nodes over a lowered limit",
        fm("title: a", "topics: [a, b, c, d]"),
        LimitError,
        3,
        19,
        message="more than 8",
        limits=Limits(max_nodes=8),
    ),
]


# --- a wrong type at every field of every model class -----------------------------------


def model_classes() -> list[type]:
    """Every model class ``newsrecord.model`` exports."""
    found = []
    for name in model_module.__all__:
        cls = getattr(model_module, name)
        if isinstance(cls, type) and hasattr(cls, "__newsrecord_order__"):
            found.append(cls)
    return found


def _top_level_kinds() -> list[type]:
    return [cls for cls in model_classes() if issubclass(cls, newsrecord.Record)] + [
        newsrecord.Organization
    ]


Step = tuple[str, bool]
"""One step of a path to a nested mapping: the key, and whether its value is a list."""


def _inner_models(tp: Any) -> Iterator[tuple[type, bool]]:
    """Yield the model classes a field's type holds, and whether they sit in a list."""
    tp = optional_part(tp)
    in_list = typing.get_origin(tp) is list
    if in_list:
        tp = typing.get_args(tp)[0]
    for member in typing.get_args(tp) or (tp,):
        if isinstance(member, type) and hasattr(member, "__newsrecord_order__"):
            yield member, in_list


def placements() -> dict[type, tuple[type, tuple[Step, ...]]]:
    """Where each model class can be written: ``{cls: (top-level kind, steps)}``.

    Top-level kinds are written at the top of the front matter; every other class at the
    shortest path from the kind of an article (searched breadth first over the fields).
    """
    found: dict[type, tuple[type, tuple[Step, ...]]] = {}
    queue: list[tuple[type, type, tuple[Step, ...]]] = [
        (cls, cls, ()) for cls in [newsrecord.Article, *_top_level_kinds()]
    ]
    while queue:
        cls, kind, steps = queue.pop(0)
        if cls in found:
            continue
        found[cls] = (kind, steps)
        for spec in newsrecord.fields(cls):
            for inner, in_list in _inner_models(spec.type):
                queue.append((inner, kind, (*steps, (spec.key, in_list))))
    return found


def _is_collection(tp: Any) -> bool:
    tp = optional_part(tp)
    if typing.get_origin(tp) is list:
        return True
    return any(True for _ in _inner_models(tp))


def wrong_value(tp: Any) -> str | None:
    """Return YAML text of the wrong type for a field of type *tp* (None: anything goes)."""
    if optional_part(tp) is typing.Any:
        return None
    # A plain scalar is wrong where a list or a mapping belongs; a flow mapping is wrong
    # for every scalar type (strings, numbers, dates, durations, prices, the blob).
    return "not-a-collection" if _is_collection(tp) else "{wrong: 1}"


_FILLERS: dict[Any, str] = {str: "A value", int: "1", bool: "true"}


def _required_lines(cls: type, skip: str, indent: str) -> list[str]:
    return [
        f"{indent}{spec.key}: {_FILLERS[optional_part(spec.type)]}"
        for spec in newsrecord.fields(cls)
        if spec.required and spec.key != skip
    ]


def wrong_type_case(cls: type, spec: newsrecord.FieldSpec) -> Case | None:
    """Return the case of a wrong value at *spec* of *cls*, or None if nothing is wrong."""
    bad = wrong_value(spec.type)
    if bad is None:
        return None
    kind, steps = placements()[cls]
    top_key = "" if steps else spec.key
    lines = ["---"]
    if kind is newsrecord.Article:
        # What makes a file an article, unless it is the field under test.
        lines += [
            f"{k}: {v}" for k, v in (("category", "news"), ("type", "article")) if k != top_key
        ]
    lines += _required_lines(kind, top_key, "")
    column = 0
    dash = False
    field_path = ""
    for key, in_list in steps:
        lines.append(_indent(column, dash) + key + ":")
        field_path += ("." if field_path else "") + key + ("[0]" if in_list else "")
        column, dash = (column + 4, True) if in_list else (column + 2, False)
    line = len(lines) + 1
    lines.append(_indent(column, dash) + f"{spec.key}: {bad}")
    if steps:
        lines += _required_lines(cls, spec.key, " " * column)
    lines.append("---")
    return Case(
        f"wrong type at {cls.__name__}.{spec.key}",
        "\n".join(lines) + "\n",
        ValidationError,
        line,
        column + len(spec.key) + 3,
        f"{field_path}.{spec.key}" if field_path else spec.key,
        kind=kind,
    )


def _indent(column: int, dash: bool) -> str:
    """Indentation of a key at *column*, as the first key of a list item if *dash*."""
    return " " * (column - 2) + "- " if dash else " " * column


def wrong_type_cases() -> list[Case]:
    """One case per field of every model class, each with a value of the wrong type."""
    cases = []
    places = placements()
    for cls in model_classes():
        if cls not in places:
            continue
        for spec in newsrecord.fields(cls):
            case = wrong_type_case(cls, spec)
            if case is not None:
                cases.append(case)
    return cases


def unplaced_model_classes() -> list[type]:
    """Model classes no generated case reaches (a new class needs a path here)."""
    places = placements()
    return [cls for cls in model_classes() if cls not in places]


def huge_body_file(folder: Path, size: int = 1024 * MIB) -> Path:
    """Write a record with a body of *size* bytes as a sparse file (no disk space used)."""
    path = folder / "huge.md"
    with path.open("wb") as stream:
        stream.write(fm("title: A record with a huge body", body="Body:\n").encode())
        stream.truncate(size)
    return path


def all_cases() -> list[Case]:
    """The hand-written cases, then the generated wrong-type cases."""
    return [*CASES, *wrong_type_cases()]


__all__ = [
    "CASES",
    "Case",
    "all_cases",
    "fm",
    "huge_body_file",
    "placements",
    "unplaced_model_classes",
    "wrong_type_cases",
]


EMPTY_FRONT_MATTERS: Final = {
    # Jekyll publishes these as pages with no fields: they open as records with none.
    "empty": "---\n---\n",
    "comments": "---\n# nothing\n\n---\nbody\n",
    "blank": "---\n\n\n---\nbody\n",
    "a BOM": "---\n\ufeff\n---\n",
    "CRLF": "---\r\n\r\n---\r\nbody\r\n",
}
