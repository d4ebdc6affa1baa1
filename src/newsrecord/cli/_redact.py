"""Keeping the secured blob out of what the command line prints."""

from __future__ import annotations

import difflib
import re
from typing import Any, Final

import click

import newsrecord
from newsrecord.document import scalars_under
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


def describe_blob(blob: str) -> str:
    """How every diff and textconv line shows a secured blob: its size and a short digest.

    Nothing of the blob itself shows, yet two blobs that differ anywhere (the middle too,
    where a shortened blob hides the difference) show differently: git diffs what
    ``--textconv`` prints, after the masking.
    """
    # Imported here: hashlib loads OpenSSL, a few milliseconds of the start-up of the
    # commands importing this module (validate, show, set...), and few runs show a blob.
    import hashlib  # noqa: PLC0415

    digest = hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"(secured blob, {len(blob)} characters, sha256 {digest}…)"


def mask_blobs(text: str) -> str:
    """*text* with every secured blob told by :func:`describe_blob`, line for line.

    The blobs are found as the parser found them (the spans of the scalars under every
    ``secured`` key, shadowed duplicates too), so no way of writing one escapes; a text
    that does not parse (conflict markers, broken YAML) is searched line by line instead.
    Each line of the text stays a line: a blob written over several lines keeps them, as
    their indent and ``…``, so line numbers and a diff's lines stay those of *text*.
    """
    try:
        doc = newsrecord.loads(text, strict=False)
    except newsrecord.RecordError:
        return _masked_by_lines(text)
    if doc.text != text:  # pragma: no cover - a str loads as it is (a BOM stays in text)
        return _masked_by_lines(text)
    pieces, done = [], 0
    for scalar in scalars_under(doc, _SECURED_KEY):
        if scalar.value and scalar.start >= done:
            written = text[scalar.start : scalar.end]
            masked = _styled(written, describe_blob(scalar.value)) + _masked(written)
            pieces += [text[done : scalar.start], masked]
            done = scalar.end
    pieces.append(text[done:])
    return "".join(pieces)


def _styled(written: str, description: str) -> str:
    """*description* in the style the blob is *written* in: quoted, or after ``>-``.

    So that a diff shows a change of style alone (quotes added by ``fix``, a blob folded
    into a block), where two masked lines looked the same.
    """
    first = written.splitlines()[0] if written else ""
    if first[:1] in ("'", '"'):
        closed = len(first) > 1 and first.endswith(first[0]) and first == written
        return first[0] + description + (first[0] if closed else "")
    if first[:1] in ("|", ">"):
        return f"{first.rstrip()} {description}"
    return description


def _masked(written: str) -> str:
    """What stays of a blob *written* over lines: its first line's break, then its lines.

    A quoted blob's closing quote stays at the end of its last line.
    """
    lines: list[str] = _LINE.findall(written) or [""]
    first, *rest = lines
    return first[len(first.rstrip("\r\n")) :] + "".join(_hidden_lines(rest, written[:1]))


def _hidden_lines(lines: list[str], quote: str) -> list[str]:
    """The lines of a blob after its first, hidden (see :func:`_hidden`).

    The quote that closes a blob opened with *quote* stays at the end of the last line.
    """
    hidden = [_hidden(line) for line in lines]
    if hidden and quote in ("'", '"') and lines[-1].rstrip().endswith(quote):
        content = hidden[-1].rstrip("\r\n")
        hidden[-1] = content + quote + hidden[-1][len(content) :]
    return hidden


def _hidden(line: str) -> str:
    """A line of a blob written over lines, as its indent, ``…`` and its line break."""
    content = line.rstrip("\r\n")
    indent = content[: len(content) - len(content.lstrip(" \t"))]
    return (indent + "…" if content.strip() else content) + line[len(content) :]


_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

# A line holding a secured key: indentation, list dashes, the key (perhaps quoted) and its
# colon, then the value. Each part can match in one way only, so no input makes it slow.
_SECURED_LINE: Final = re.compile(
    r"([ \t]*(?:- +)*)([\"']?)secured\2[ \t]*:(?=[ \t\r\n]|$)[ \t]*([^\r\n]*?)[ \t]*(\r?\n|\r)?\Z"
)


def _masked_by_lines(text: str) -> str:
    """:func:`mask_blobs` for a text that does not parse: ``secured:`` lines as written.

    A value continued on more indented lines (a block or a wrapped quoted scalar) is
    masked with them.
    """
    lines: list[str] = _LINE.findall(text)
    masked: list[str] = []
    number = 0
    while number < len(lines):
        found = _SECURED_LINE.match(lines[number])
        number += 1
        if found is None:
            masked.append(lines[number - 1])
            continue
        indent = len(found.group(1).replace("-", " "))
        first = number
        while number < len(lines) and _deeper(lines[number], indent):
            number += 1
        parts = [found.group(3), *(line.strip() for line in lines[first:number])]
        blob = " ".join(part for part in parts if part).strip("\"'")
        key = lines[first - 1][: found.start(3)].rstrip(" \t")
        written = found.group(3) if first == number else found.group(3) + "\n"
        masked.append(f"{key} {_styled(written, describe_blob(blob))}" if blob else key)
        masked.append(found.group(4) or "")
        masked += _hidden_lines(lines[first:number], found.group(3)[:1])
    return "".join(masked)


def _deeper(line: str, indent: int) -> bool:
    stripped = line.lstrip(" \t")
    return bool(stripped.strip()) and len(line) - len(stripped) > indent


def unified_diff(old: str, new: str, path: str, new_path: str | None = None) -> str:
    """A unified diff of two texts, lines as they are (CRLF stays CRLF), blobs masked.

    The lines are compared as written, so that a blob that changed (or is written another
    way) shows as changed, and printed as :func:`mask_blobs` shows them. The diff is for
    reading, not ``patch``. *new_path* names the new text when it has another name.
    """
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    shown_before, shown_after = (mask_blobs(text).splitlines(keepends=True) for text in (old, new))
    if len(shown_before) != len(before) or len(shown_after) != len(after):
        # A blob holding a character str.splitlines() breaks at: compare what is shown.
        before, after = shown_before, shown_after
    out: list[str] = []
    for group in difflib.SequenceMatcher(None, before, after).get_grouped_opcodes(3):
        if not out:
            out += [f"--- a/{path}\n", f"+++ b/{new_path or path}\n"]
        (_, old_start, _, new_start, _), (_, _, old_end, _, new_end) = group[0], group[-1]
        out.append(f"@@ -{_range(old_start, old_end)} +{_range(new_start, new_end)} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in shown_before[i1:i2]]
                continue
            out += ["-" + line for line in shown_before[i1:i2]]
            out += ["+" + line for line in shown_after[j1:j2]]
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in out
    )


def _range(start: int, stop: int) -> str:
    """A hunk's range as a unified diff writes it (difflib's format)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
