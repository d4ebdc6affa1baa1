"""Seeds and mutations for fuzzing ``newsrecord.loads``, shared by atheris and Hypothesis.

The seeds are real-looking records of our own: the reference record in ``seeds/``, the
style variants in ``fuzz/seeds/`` and the CRLF and BOM forms of each. A mutation is a
small edit a person or a broken script could make: characters deleted, inserted or
duplicated, lines swapped, duplicated or re-indented, YAML metacharacters dropped in,
values replaced by hostile ones. Every random choice goes through a ``choose(n)``
function returning an int in ``range(n)``, so that atheris (through its data provider),
Hypothesis (through ``draw``) and a plain ``random.Random`` can all drive the same code.

:func:`check` states the property: only ``RecordError`` escapes ``loads``, and a text
that loads is given back unchanged by ``dumps``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import newsrecord

__all__ = ["TOKENS", "Choose", "check", "mutate", "seed_texts"]

ROOT = Path(__file__).resolve().parent.parent

Choose = Callable[[int], int]
"""Returns an int in ``range(n)``."""

TOKENS: tuple[str, ...] = (
    ":",
    ": ",
    "-",
    "- ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    " #",
    "&a ",
    "*a",
    "!",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!python/object/apply:os.system ",
    "!<tag:x> ",
    "|",
    ">",
    "|-",
    "'",
    '"',
    "''",
    "%",
    "@",
    "`",
    "\\",
    "\\u",
    "\\ud800",
    "\\U0001F600",
    "\\x",
    "\t",
    "\r",
    "\n",
    "\r\n",
    " ",
    "  ",
    "---",
    "\n---\n",
    "...",
    "<<: ",
    "~",
    "null",
    "true",
    "no",
    "0x1F",
    "0o17",
    "1e999",
    "-.inf",
    ".nan",
    "9" * 50,
    "2023-02-30T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "P99999999999D",
    "PT13M34S",
    "\x00",
    "\x07",
    "\x7f",
    "\x85",
    "\ufeff",
    "\ufffe",
    "\u2028",
    "\ud800",
    "\u00e9",
    "\U0001f600",
    "secured: ",
    "title: ",
    "images:\n  - width: ",
    "related:\n  - ",
    "provider: {",
)
"""Fragments worth inserting: YAML syntax, tags, escapes, odd numbers and characters."""


@functools.cache
def seed_texts() -> tuple[str, ...]:
    """Return every seed record, each also with CRLF line breaks and with a BOM."""
    paths = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("fuzz/seeds/*.md"))
    texts = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as stream:
            text = stream.read()
        texts += [text, text.replace("\n", "\r\n"), "\ufeff" + text]
    return tuple(texts)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def _delete(text: str, choose: Choose) -> str:
    at = choose(len(text) + 1)
    return text[:at] + text[at + 1 + choose(8) :]


def _insert(text: str, choose: Choose) -> str:
    at = choose(len(text) + 1)
    return text[:at] + TOKENS[choose(len(TOKENS))] + text[at:]


def _replace(text: str, choose: Choose) -> str:
    at = choose(len(text) + 1)
    return text[:at] + TOKENS[choose(len(TOKENS))] + text[at + 1 :]


def _duplicate(text: str, choose: Choose) -> str:
    start = choose(len(text) + 1)
    piece = text[start : start + 1 + choose(40)]
    at = choose(len(text) + 1)
    return text[:at] + piece + text[at:]


def _truncate(text: str, choose: Choose) -> str:
    return text[: choose(len(text) + 1)]


def _swap_lines(text: str, choose: Choose) -> str:
    lines = _lines(text)
    i, j = choose(len(lines)), choose(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def _duplicate_line(text: str, choose: Choose) -> str:
    lines = _lines(text)
    lines.insert(choose(len(lines) + 1), lines[choose(len(lines))])
    return "".join(lines)


def _delete_line(text: str, choose: Choose) -> str:
    lines = _lines(text)
    del lines[choose(len(lines))]
    return "".join(lines)


_INDENTS = ("", " ", "  ", "    ", "\t", "  \t", "- ")


def _reindent(text: str, choose: Choose) -> str:
    lines = _lines(text)
    i = choose(len(lines))
    stripped = lines[i].lstrip(" ")
    indent = len(lines[i]) - len(stripped)
    if choose(2):
        lines[i] = _INDENTS[choose(len(_INDENTS))] + lines[i]
    else:
        lines[i] = " " * max(indent - 1 - choose(4), 0) + stripped
    return "".join(lines)


def _replace_value(text: str, choose: Choose) -> str:
    lines = _lines(text)
    i = choose(len(lines))
    colon = lines[i].find(": ")
    if colon < 0:
        return _insert(text, choose)
    ending = lines[i][len(lines[i].rstrip("\r\n")) :]
    lines[i] = lines[i][: colon + 2] + TOKENS[choose(len(TOKENS))] + ending
    return "".join(lines)


MUTATIONS: tuple[Callable[[str, Choose], str], ...] = (
    _delete,
    _insert,
    _replace,
    _duplicate,
    _truncate,
    _swap_lines,
    _duplicate_line,
    _delete_line,
    _reindent,
    _replace_value,
)


def mutate(text: str, choose: Choose, count: int) -> str:
    """Apply *count* random mutations to *text*."""
    for _ in range(count):
        text = MUTATIONS[choose(len(MUTATIONS))](text, choose)
    return text


def check(data: str | bytes) -> newsrecord.Document | None:
    """Load *data*: return the document, or None if a RecordError said it is no record.

    Raises:
        AssertionError: the text loaded but ``dumps()`` did not give it back unchanged.
        Exception: anything but a RecordError escaped (the bug the fuzzers look for).
    """
    try:
        doc = newsrecord.loads(data)
    except newsrecord.RecordError:
        return None
    text = data if isinstance(data, str) else data.decode("utf-8")
    dumped = doc.dumps()
    if dumped != text:
        raise AssertionError(f"loads(t).dumps() != t\nt = {text!r}\ndumps = {dumped!r}")
    return doc
