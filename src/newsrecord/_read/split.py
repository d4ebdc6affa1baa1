"""Front matter / body boundaries."""

from __future__ import annotations

import re
from typing import NamedTuple

from newsrecord._read.text import BOM, LineIndex
from newsrecord.errors import ParseError

# A delimiter is a line of three dashes; trailing blanks are tolerated because editors
# leave them and Jekyll accepts them. The front matter may also end with YAML's document
# end marker, three dots, as Jekyll's own pattern allows.
_OPENING = re.compile(r"---[ \t]*(?:\r\n|\n|\r)")
_CLOSING = re.compile(r"(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\r|\Z)")
# re's "^" knows only LF, so files whose opening line ends in CR (old Mac line breaks, a
# lone CR that YAML and LineIndex count as a line break too; or CR CR LF, CRLF converted
# twice) need a lookbehind, five times slower on big files: used only for them.
_CLOSING_AFTER_CR = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\r|\Z)")


def _closing_line(text: str, newline: int) -> re.Match[str] | None:
    """The first ``---`` (or ``...``) line after the line break at *newline*.

    ``str.find`` jumps to each line that starts with dashes or dots; a regular expression
    searching for line starts would look at every character of the front matter, as long
    as the rest of loading a record takes with the native scanner.
    """
    dashes = dots = newline
    while True:
        if dashes >= 0 and dashes <= newline:
            dashes = text.find("\n---", newline)
        if dots >= 0 and dots <= newline:
            dots = text.find("\n...", newline)
        candidates = [at for at in (dashes, dots) if at >= 0]
        if not candidates:
            return None
        newline = min(candidates)
        found = _CLOSING.match(text, newline + 1)
        if found is not None:
            return found
        newline += 1


class Parts(NamedTuple):
    """Where the pieces of a record file lie, as offsets into its text.

    A named tuple: made for every file read, and a tuple is made several times faster than
    a frozen attrs class.

    Attributes:
        yaml_start: First character of the YAML front matter (after the opening line).
        yaml_end: First character of the closing ``---`` line.
        body_start: First character of the body (after the closing line's line break).
    """

    yaml_start: int
    yaml_end: int
    body_start: int


def split(text: str, path: str | None = None) -> Parts:
    """Find the front matter and the body of a record file.

    Raises:
        ParseError: there is no opening ``---`` line, or it is never closed.
    """
    start = 1 if text.startswith(BOM) else 0
    opening = _OPENING.match(text, start)
    if opening is None:
        what = "the file is empty" if not text[start:] else "the file has no front matter"
        raise ParseError(f"{what}: a record starts with a line '---'", path=path, line=1, column=1)
    if opening.group()[-1] == "\r":
        closing = _CLOSING_AFTER_CR.search(text, opening.end())
    else:
        closing = _closing_line(text, opening.end() - 1)
    if closing is None:
        line, column = LineIndex(text).position(start)
        raise ParseError(
            "the front matter is never closed: no line '---' after the opening one",
            path=path,
            line=line,
            column=column,
        )
    return Parts(opening.end(), closing.start(), closing.end())
