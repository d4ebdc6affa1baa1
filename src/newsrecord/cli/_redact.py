"""Keeping the secured blob out of what the command line prints."""

from __future__ import annotations

import difflib
import re
from typing import Any, Final

import click

import newsrecord
from newsrecord.model.fields import is_model

_SECURED_KEY: Final = "secured"


class Redactor:
    """Replaces every secured blob in plain data with its shortened form, counting them.

    Blobs are found by type (:class:`newsrecord.Secured`) and, in plain data the model
    does not type (a ``secured`` key of a kind without that field), by key.
    """

    def __init__(self, *, reveal: bool) -> None:
        self.reveal = reveal
        self.shortened = 0

    def plain(self, typed: Any, plain: Any, key: str = "") -> Any:
        """Return *plain* (the plain data of *typed*, found at *key*) with blobs shortened."""
        if self.reveal:
            return plain
        if isinstance(typed, newsrecord.Secured):
            return self._shorten(typed)
        if is_model(typed) and isinstance(plain, dict):
            for spec in newsrecord.fields(type(typed)):
                item = getattr(typed, spec.name)
                if item is not None and spec.key in plain:
                    plain[spec.key] = self.plain(item, plain[spec.key], spec.key)
            for name in typed.extra:
                if name in plain:
                    plain[name] = self.untyped(plain[name], name)
            return plain
        if isinstance(typed, list) and isinstance(plain, list):
            return [self.plain(t, p, key) for t, p in zip(typed, plain, strict=False)]
        return self.untyped(plain, key)

    def untyped(self, plain: Any, key: str) -> Any:
        """Return plain data the model does not type, with ``secured`` strings shortened."""
        if self.reveal:
            return plain
        if key == _SECURED_KEY and isinstance(plain, str):
            return self._shorten(newsrecord.Secured(plain))
        if isinstance(plain, dict):
            return {name: self.untyped(item, name) for name, item in plain.items()}
        if isinstance(plain, list):
            return [self.untyped(item, key) for item in plain]
        return plain

    def _shorten(self, blob: newsrecord.Secured) -> str:
        self.shortened += 1
        return blob.redacted()

    def note(self) -> None:
        """Say on stderr that something was shortened, and how to see it."""
        if self.shortened:
            click.echo("newsrecord: the secured blob is shortened; --reveal prints it", err=True)


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff of two texts, lines as they are (CRLF stays CRLF), blobs shortened.

    A ``secured`` line is often context of a change nearby; its value is shortened on
    every diff line (removed, added or context), and so are the more indented lines
    after it (a blob folded over several lines). The diff is for reading, not ``patch``.
    """
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    secured_indent: int | None = None  # the indent of the last secured key, while inside it
    for number, raw in enumerate(lines):
        line = raw
        if number >= 2 and not line.startswith("@@"):  # after the two header lines
            line, secured_indent = _redact_diff_line(line, secured_indent)
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


# A diff line holding a secured key: the diff's mark, indentation, list dashes, the key
# (perhaps quoted) and its colon. Each part can match in one way only, so no input can
# make the match slow.
_SECURED_DIFF_LINE: Final = re.compile(
    r"[ +-][ \t]*(?:- +)*([\"']?)secured\1[ \t]*:(?=[ \t\r\n]|$)"
)


def _redact_diff_line(line: str, secured_indent: int | None) -> tuple[str, int | None]:
    """Return *line* with any blob shortened, and the secured key's indent if still in it."""
    content = line[1:]
    indent = len(content) - len(content.lstrip(" \t"))
    ending = line[len(line.rstrip("\r\n")) :]
    if secured_indent is not None and content.strip() and indent > secured_indent:
        return f"{line[0]}{content[:indent]}…{ending}", secured_indent
    match = _SECURED_DIFF_LINE.match(line)
    if match is None:
        return line, None
    value = line[match.end() : len(line) - len(ending)].strip(" \t")
    shown = newsrecord.Secured(value.strip("\"'")).redacted() if value else ""
    key_column = match.start(1) - 1  # where the key starts, after any list dashes
    return f"{line[: match.end()]} {shown}".rstrip(" ") + ending, key_column
