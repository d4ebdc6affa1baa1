"""The words and characters of YAML that both reading and writing depend on, once.

The null and boolean words of the YAML 1.2 core schema, the indicator characters a plain
scalar cannot start with, the escapes of double-quoted scalars (both ways, and how a
string is written double-quoted, which error hints use too), and the characters a YAML
stream may hold. The scanner, the parser, the builder, the splicer and
the writer all read these, so that they cannot disagree.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "BOOL_WORDS",
    "ESCAPED",
    "ESCAPES",
    "FLOW_INDICATORS",
    "HEX_ESCAPES",
    "INDICATORS",
    "NOT_PRINTABLE",
    "NULL_WORDS",
    "YAML11_BREAK",
    "YAML11_BREAKS",
    "YAML_TIMESTAMP",
    "double_quoted",
    "is_printable",
]

NULL_WORDS: Final = frozenset({"", "~", "null", "Null", "NULL"})
"""Plain scalars that are null (the empty one too)."""

BOOL_WORDS: Final = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
"""Plain scalars that are booleans, and their values."""

INDICATORS: Final = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""Characters that have a meaning at the start of a scalar: a plain one cannot start so."""

FLOW_INDICATORS: Final = frozenset(",[]{}:#?")
"""Characters a plain scalar inside a flow collection avoids (libyaml ends it at any ':'
and stumbles on '?' before ']')."""

ESCAPES: Final = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
"""The one-character escapes of double-quoted scalars: the letter after ``\\``, the character."""

HEX_ESCAPES: Final = {"x": 2, "u": 4, "U": 8}
"""The escapes by code point, and how many hexadecimal digits follow."""

# Written back, only the characters that must be escaped are; "/", " " and NBSP are fine
# as they are.
ESCAPED: Final = {
    character: "\\" + letter
    for letter, character in ESCAPES.items()
    if letter not in ("/", " ", "_")
}
"""How the writer escapes a character in a double-quoted scalar."""

# The complement of what YAML allows (tab, LF, CR, printable ASCII, NEL, U+00A0 to
# U+D7FF, U+E000 to U+FFFD, U+10000 and above), spelled as the few ranges it leaves out:
# the negated class of the large ranges took 5 ms to compile, at every start.
NOT_PRINTABLE: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
"""A character YAML does not allow in a stream (YAML 1.2, 5.1), as ruamel's readers check."""


def is_printable(character: str) -> bool:
    """Whether *character* may stand unescaped in a written scalar.

    Stricter than what a stream may hold: C1 controls, line separators and byte-order
    marks are escaped, so that every reader reads the text back as it was.
    """
    code = ord(character)
    if code < 0x20:
        return False
    if code < 0x7F:
        return True
    if code <= 0x9F:
        return False
    return not (0xD800 <= code <= 0xDFFF or character in "\u2028\u2029\ufeff\ufffe\uffff")


def double_quoted(text: str) -> str:
    """Write *text* as a double-quoted scalar, escaping only what must be escaped."""
    out = []
    for ch in text:
        escape = ESCAPED.get(ch)
        if escape is not None:
            out.append(escape)
        elif is_printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise ValueError(f"a lone surrogate (U+{ord(ch):04X}) cannot be written to a file")
        else:
            out.append(f"\\u{ord(ch):04X}")
    return '"' + "".join(out) + '"'


YAML11_BREAKS: Final = {"\x85": "NEL (U+0085)", "\u2028": "U+2028", "\u2029": "U+2029"}
"""YAML 1.1's line breaks that 1.2 reads as text, by name: Psych (Jekyll) ends a line there."""
YAML11_BREAK: Final = re.compile("[\x85\u2028\u2029]")


YAML_TIMESTAMP: Final = re.compile(
    r"(?P<date>(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2}))"
    r"(?:(?P<separator>[Tt]|[ \t]+)"
    r"(?P<time>(?P<hour>\d{1,2}):(?P<minute>\d\d):(?P<second>\d\d)(?:\.(?P<fraction>\d*))?)"
    r"(?P<space>[ \t]*)(?P<zone>[Zz]|[-+][\d:]+|))?"
)
"""A YAML timestamp in parts: parsed by :func:`newsrecord.model.leaves.parse_datetime`
where ISO 8601 parsers refuse it, followed when an edited date-time is written the way
the old one was, and the form a value tagged ``!!timestamp`` must have."""
