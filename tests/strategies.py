"""Test-only strategies: record files written in many legal styles.

``styled_documents()`` draws a record (``newsrecord.strategies.records``) and writes it as
a file the way different people and tools do: LF or CRLF, a BOM or not, 2 or 4 spaces,
dashes flush or indented, every scalar style, flow and block collections, comments,
blank lines, trailing spaces, explicit nulls (``~``, ``null``, empty) and bodies of every
shape. It returns the text and the record the text must load as.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from hypothesis import strategies as st

import newsrecord
from newsrecord._write import render as _emit
from newsrecord.strategies import records

BODIES = ["", "\n", "no final newline", "<p>html</p>\n", "a\n---\nb\n", "\r\n\r\ntext\r\n"]


@attrs.define
class Styled:
    """A record file drawn in some style, with the record it holds."""

    text: str
    record: newsrecord.AnyRecord


class _Writer:
    def __init__(self, draw: st.DrawFn, newline: str, indent: int, dash_indent: int) -> None:
        self.draw = draw
        self.newline = newline
        self.indent = indent
        self.dash_indent = dash_indent

    def scalar(self, value: Any, *, flow: bool, column: int) -> str:
        if value is None:
            return self.draw(st.sampled_from(["~", "null", "Null"]))
        if isinstance(value, bool):
            text = "true" if value else "false"
            return self.draw(st.sampled_from([text, text.capitalize(), text.upper()]))
        style = self.draw(st.sampled_from(["", "'", '"', "|", ">"]))
        return _emit.render_scalar(
            value,
            style,
            flow=flow,
            indent=" " * (column + self.indent),
            newline=self.newline,
        )

    def flow(self, value: Any) -> str:
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(item) for item in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{_key(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
        return self.scalar(value, flow=True, column=0)

    def entries(self, data: dict[str, Any], column: int, *, top: bool) -> list[str]:
        lines: list[str] = []
        for key, value in data.items():
            if top and self.draw(st.booleans()):
                lines.append("")
            if self.draw(st.integers(0, 9)) == 0:
                # At column 0: an indented one right after a block scalar would be text
                # of that scalar.
                lines.append("# a comment line")
            lines.extend(self.entry(key, value, column))
        return lines

    def entry(self, key: str, value: Any, column: int) -> list[str]:
        pad = " " * column
        head = f"{pad}{_key(key)}:"
        if value is None and self.draw(st.booleans()):
            return [head + self.draw(st.sampled_from(["", " "]))]
        if isinstance(value, list | dict) and (not value or self.draw(st.integers(0, 3)) == 0):
            return [f"{head} {self.flow(value)}"]
        if isinstance(value, dict):
            return [head, *self.entries(value, column + self.indent, top=False)]
        if isinstance(value, list):
            return [head, *self.items(value, column + self.dash_indent)]
        rendered = self.scalar(value, flow=False, column=column)
        line = f"{head} {rendered}"
        if "\n" not in rendered:
            line += self.draw(st.sampled_from(["", "", " ", "  # trailing comment"]))
        return line.split(self.newline) if self.newline in line else [line]

    def items(self, values: list[Any], column: int) -> list[str]:
        lines: list[str] = []
        for value in values:
            if isinstance(value, dict) and value:
                nested = self.entries(value, column + 2, top=False)
                first = next(
                    i for i, line in enumerate(nested) if not line.lstrip().startswith("#")
                )
                nested[first] = " " * column + "- " + nested[first][column + 2 :]
                lines.extend(nested)
            elif (isinstance(value, list) and value) or isinstance(value, list | dict):
                lines.append(" " * column + "- " + self.flow(value))
            else:
                rendered = self.scalar(value, flow=False, column=column)
                lines.extend((" " * column + "- " + rendered).split(self.newline))
        return lines


def _key(key: str) -> str:
    # A key YAML reads as a number, a boolean or null (2023, true, ~) is written plain, as
    # Jekyll sites write them: newsrecord reads it as the text written.
    plain = _emit.can_be_plain(key) or _TYPED_KEY.fullmatch(key) is not None
    return key if plain else _emit.double_quoted(key)


_TYPED_KEY = re.compile(r"[-+]?[0-9][0-9._]*|true|false|null|~|[-+]?\.inf|\.nan", re.IGNORECASE)


@st.composite
def styled_documents(draw: st.DrawFn, kind: type[newsrecord.AnyRecord] | None = None) -> Styled:
    """A record file in a drawn style, and the record it must load as."""
    record = draw(records(kind))
    data = newsrecord.to_dict(record)
    for spec in newsrecord.fields(type(record)):
        # Explicit nulls of optional fields load as None, the same as an absent key.
        if spec.key not in data and not spec.required and draw(st.integers(0, 7)) == 0:
            data[spec.key] = None
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from([2, 4]))
    writer = _Writer(draw, newline, indent, draw(st.sampled_from([0, indent])))
    lines = writer.entries(data, 0, top=True) or ["{}"]
    opening = "---" + draw(st.sampled_from(["", " "]))
    closing = "---" + draw(st.sampled_from(["", "  "]))
    body = draw(st.sampled_from(BODIES)).replace("\n", newline).replace("\r\r", "\r")
    bom = "\ufeff" if draw(st.integers(0, 9)) == 0 else ""
    text = bom + newline.join([opening, *lines, closing]) + newline + body
    return Styled(text, record)


# --- front matter in the fast scanner's subset ------------------------------------------

# Characters of values: ASCII, Latin-1, the BMP and beyond (so that strings of all three
# of Python's widths are read), and YAML's own punctuation.
_VALUE_CHARACTERS = st.sampled_from(
    [*"abcxyzABC019 _-.,/:#'\"!?&*%@`|>[]{}()=+~\\", "é", "ß", "“", "”", "中", "€", "😀"]
)
_PLAIN_START_BAD = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_NOT_STRING_KEYS = frozenset(
    {"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"}
)
_ESCAPES = [
    "\\n",
    "\\t",
    "\\\\",
    '\\"',
    "\\/",
    "\\0",
    "\\N",
    "\\_",
    "\\x41",
    "\\u00e9",
    "\\U0001F600",
]


@attrs.define
class _SubsetWriter:
    draw: st.DrawFn

    def key(self) -> str:
        return self.draw(
            st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True).filter(
                lambda key: key not in _NOT_STRING_KEYS
            )
        )

    def plain(self, *, in_list: bool) -> str:
        text = self.draw(st.text(_VALUE_CHARACTERS, min_size=1, max_size=12))
        text = text.strip(" ")
        # A value that would leave the subset, or be a comment, a key or an indicator.
        while ": " in text or " #" in text:
            text = text.replace(": ", ":").replace(" #", "#")
        text = text.rstrip(":")
        if not text or text[0] in _PLAIN_START_BAD:
            text = "v" + text
        if in_list and text.startswith("-"):
            text = "v" + text
        return text

    def scalar(self, *, in_list: bool) -> str:
        style = self.draw(st.sampled_from(["plain", "single", "double"]))
        if style == "plain":
            # "-5": a plain scalar may start with a dash that no space follows.
            text = "-5" if not in_list and self.draw(st.integers(0, 9)) == 0 else None
            value = text or self.plain(in_list=in_list)
            suffix = self.draw(st.sampled_from(["", "", " ", "  # note", " #"]))
            return value + suffix
        body = self.draw(st.text(_VALUE_CHARACTERS, max_size=12))
        if style == "single":
            value = "'" + body.replace("'", "''") + "'"
        else:
            body = body.replace("\\", "\\\\").replace('"', '\\"')
            escapes = self.draw(st.lists(st.sampled_from(_ESCAPES), max_size=2))
            value = '"' + body + "".join(escapes) + '"'
        return value + self.draw(st.sampled_from(["", "", "  ", " # after"]))

    def filler(self, column: int) -> list[str]:
        """Lines that are no tokens: blank, blank with spaces, comments at any column."""
        return self.draw(
            st.lists(
                st.sampled_from(["", "   ", "# comment", " " * column + "#  indented comment"]),
                max_size=1 if self.draw(st.integers(0, 4)) else 2,
            )
        )

    def mapping(self, column: int, depth: int, first_prefix: str | None = None) -> list[str]:
        """A block mapping at *column*; *first_prefix* replaces the first key's indentation."""
        keys = self.draw(st.lists(st.just(None).map(lambda _: self.key()), min_size=1, max_size=4))
        keys = list(dict.fromkeys(keys))
        lines: list[str] = []
        for index, key in enumerate(keys):
            pad = first_prefix if index == 0 and first_prefix is not None else " " * column
            if index:
                lines.extend(self.filler(column))
            lines.extend(self.entry(pad, key, column, depth))
        return lines

    def entry(self, pad: str, key: str, column: int, depth: int) -> list[str]:
        choice = self.draw(st.integers(0, 9)) if depth < 4 else 0
        if choice <= 5:
            return [f"{pad}{key}: {self.scalar(in_list=False)}"]
        if choice == 6:
            return [f"{pad}{key}:" + self.draw(st.sampled_from(["", " "]))]  # a null
        head = f"{pad}{key}:" + self.draw(st.sampled_from(["", " "]))
        step = self.draw(st.integers(1, 4))
        if choice == 7:
            return [head, *self.filler(column), *self.mapping(column + step, depth + 1)]
        dashes = column + self.draw(st.sampled_from([0, step]))
        return [head, *self.sequence(dashes, depth + 1)]

    def sequence(self, column: int, depth: int) -> list[str]:
        lines: list[str] = []
        for index in range(self.draw(st.integers(1, 3))):
            if index:
                lines.extend(self.filler(column))
            dash = " " * column + "-" + " " * self.draw(st.integers(1, 3))
            if depth < 4 and self.draw(st.integers(0, 2)) == 0:
                lines.extend(self.mapping(len(dash), depth + 1, first_prefix=dash))
            else:
                lines.append(dash + self.scalar(in_list=True))
        return lines


@st.composite
def subset_documents(draw: st.DrawFn) -> str:
    """A record file whose front matter is all in the fast scanner's subset.

    Block mappings and lists nested a few levels, with dashes flush or indented by 1-4
    columns, plain, single- and double-quoted one-line scalars (escapes, doubled quotes,
    characters of every width), nulls, comments, blank lines, LF or CRLF. The scanner must
    accept every one of them.
    """
    writer = _SubsetWriter(draw)
    lines = [*writer.filler(0), *writer.mapping(0, 1), *writer.filler(0)]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(st.sampled_from(["", "body\n", "wide body: 😀\n", "latin body: é\n"]))
    return newline.join(["---", *lines, "---"]) + newline + body
