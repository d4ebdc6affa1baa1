"""The source text: decoding, newline style, BOM, and offset <-> line/column."""

from __future__ import annotations

import bisect
import re

from newsrecord.errors import ParseError

BOM = "\ufeff"

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def decode(data: str | bytes, path: str | None = None) -> str:
    """Return *data* as text, decoding bytes as strict UTF-8.

    Raises:
        ParseError: the bytes are not UTF-8; the error names the line and column of the
            first bad byte.
    """
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        good = exc.object[: exc.start].decode("utf-8")
        line, column = LineIndex(good).position(len(good))
        raise ParseError(
            f"invalid UTF-8 byte 0x{exc.object[exc.start]:02x}",
            path=path,
            line=line,
            column=column,
        ) from exc


def newline_of(text: str) -> str:
    r"""Return the newline the text uses: the first line break found, ``\n`` when none."""
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


class LineIndex:
    """Maps string offsets to 1-based (line, column) pairs, built lazily once per text."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        """Index *text*; nothing is computed until the first lookup."""
        self._text = text
        self._starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of *offset* (a BOM does not count)."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self._text)]
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        if line == 0 and self._text.startswith(BOM):
            start += 1
        return line + 1, max(offset - start, 0) + 1


def line_start(text: str, offset: int) -> int:
    """Return the offset where the line holding *offset* begins."""
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def line_end(text: str, offset: int) -> int:
    """Return the offset just past the line break of the line holding *offset*."""
    match = _LINE_BREAK.search(text, offset)
    return match.end() if match else len(text)
