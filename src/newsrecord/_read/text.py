"""The source text: decoding, newline style, BOM, and offset <-> line/column."""

from __future__ import annotations

import bisect
import os
import re

from newsrecord.errors import ParseError

BOM = "\ufeff"

_LINE_BREAK = re.compile(r"\r\n|\n|\r")

CONFLICT_MARKER = re.compile(r"(?:^|(?<=\r))<{7}(?=[ \t\r\n]|$)", re.MULTILINE)
"""The first line of a conflict git left (any line break: lines may end with a lone CR)."""


def check_text_type(data: object, function: str) -> None:
    """Refuse what is not text or bytes with what to pass instead.

    Raises:
        TypeError: *data* is not str, bytes, bytearray or memoryview; the message says
            how to pass a file object or a path.
    """
    if isinstance(data, str | bytes | bytearray | memoryview):
        return
    if hasattr(data, "read"):
        hint = f": read it first ({function}(stream.read())), or pass its path to load()"
    elif isinstance(data, os.PathLike):
        hint = ": load(path) reads a file"
    else:
        hint = ""
    raise TypeError(f"{function}() takes the text as str or bytes, not {type(data).__name__}{hint}")


def decode(data: str | bytes, path: str | None = None) -> str:
    """Return *data* as text, decoding bytes as strict UTF-8.

    Raises:
        ParseError: the bytes are not UTF-8, or the text holds a lone surrogate (it could
            never be saved as UTF-8); the error names the line and column of the first
            bad byte or character.
    """
    if isinstance(data, str):
        # Only non-ASCII text can hold a surrogate, and str.isascii() is O(1); encoding
        # is the fastest complete check (about three times faster than a regex search).
        if not data.isascii():
            try:
                data.encode("utf-8")
            except UnicodeEncodeError as exc:
                line, column = LineIndex(data).position(exc.start)
                raise ParseError(
                    f"lone surrogate U+{ord(data[exc.start]):04X}: the text is not valid "
                    "Unicode and could not be saved as UTF-8",
                    path=path,
                    line=line,
                    column=column,
                ) from exc
        return data
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        good = exc.object[: exc.start].decode("utf-8")
        line, column = LineIndex(good).position(len(good))
        raise ParseError(
            f"invalid UTF-8 byte 0x{exc.object[exc.start]:02x}{_encoding_hint(exc)}",
            path=path,
            line=line,
            column=column,
        ) from exc


def _encoding_hint(exc: UnicodeDecodeError) -> str:
    """What the bytes that are not UTF-8 look like, and the repair that writes them so."""
    found = other_encoding(exc.object)
    if found is None:
        return ""
    if found[1] == "UTF-16":
        what = "the file is UTF-16 (it starts with UTF-16's byte order mark)"
    else:
        shown = exc.object[exc.start : exc.start + 1].decode("cp1252")
        what = f"the file looks Windows-1252 or Latin-1 encoded (this byte would be {shown!r})"
    return f": {what}; Jekyll reads UTF-8: newsrecord fix writes it as UTF-8"


def other_encoding(data: bytes) -> tuple[str, str] | None:
    """Read bytes that are not UTF-8 as UTF-16 or Windows-1252, when they are that.

    UTF-16 is told by its byte order mark (as Windows PowerShell writes it); Windows-1252
    (a superset of Latin-1's printable characters) by bytes that make no UTF-8 character
    anywhere in the file and that Windows-1252 defines.

    Returns:
        The text and the encoding's name; None when the bytes look like neither (UTF-8
        with a damaged character, which no other reading would mend).
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None
    if not data.decode("utf-8", errors="replace").replace("\ufffd", "").isascii():
        return None
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return None


def newline_of(text: str) -> str:
    r"""Return the newline the text uses: the first line break found, ``\n`` when none."""
    # Two finds instead of a regular expression: this runs for every file loaded.
    newline = text.find("\n")
    lone = text.find("\r", 0, len(text) if newline < 0 else newline)
    if lone >= 0 and lone != newline - 1:
        return "\r"
    return "\r\n" if lone >= 0 else "\n"


class LineIndex:
    """Maps string offsets to 1-based (line, column) pairs, built lazily once per text.

    Only the text up to about twice the largest offset looked up is indexed: an error at
    the top of a file with a huge body, or with millions of short lines, is located
    without indexing the whole file (which took 40 bytes a line).
    """

    __slots__ = ("_scanned", "_starts", "_text")

    def __init__(self, text: str) -> None:
        """Index *text*; nothing is computed until the first lookup."""
        self._text = text
        self._starts = [0]
        self._scanned = 0

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of *offset* (a BOM does not count)."""
        if offset >= self._scanned:
            self._scan_past(offset)
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        if line == 0 and self._text.startswith(BOM):
            start += 1
        return line + 1, max(offset - start, 0) + 1

    def _scan_past(self, offset: int) -> None:
        text = self._text
        # Doubling keeps repeated lookups linear in all.
        end = min(len(text), max(offset + 1, 2 * self._scanned, 4096))
        if text[end - 1 : end + 1] == "\r\n":
            end += 1  # never stop between the two characters of one line break
        self._starts.extend(m.end() for m in _LINE_BREAK.finditer(text, self._scanned, end))
        self._scanned = end


def line_start(text: str, offset: int) -> int:
    r"""Return the offset where the line holding *offset* begins.

    A line break belongs to the line it ends: the ``\n`` of a ``\r\n`` is on the line
    before it, like the ``\r``.
    """
    if 0 < offset < len(text) and text[offset] == "\n" and text[offset - 1] == "\r":
        offset -= 1
    # A lone \r breaks lines too, but look for it only after the last \n: searching the
    # whole text before *offset* for a \r that most files lack costs the offset.
    newline = text.rfind("\n", 0, offset)
    return max(newline, text.rfind("\r", newline + 1, offset)) + 1


def line_end(text: str, offset: int) -> int:
    """Return the offset just past the line break of the line holding *offset*."""
    match = _LINE_BREAK.search(text, offset)
    return match.end() if match else len(text)


def error_at(
    message: str,
    offset: int,
    index: LineIndex,
    path: str | None,
    error: type[ParseError] = ParseError,
) -> ParseError:
    """The error *error* at *offset* of the text, with its line and column."""
    line, column = index.position(offset)
    return error(message, path=path, line=line, column=column)
