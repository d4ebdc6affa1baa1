"""Plain data from nodes: plain scalars resolved as the model expects at each place.

A plain ``title: 2023`` is the string ``"2023"`` (the model expects text there), a plain
``heat: 38`` the integer 38; where the model expects nothing in particular, the YAML 1.2
core schema decides. Tags of the core schema are honoured; any other tag is a problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Final

import attrs

from newsrecord._read.hints import must_quote
from newsrecord._read.nodes import PLAIN, Mapping, Node, Scalar
from newsrecord._read.yaml_core import BOOL_WORDS, NULL_WORDS, YAML_TIMESTAMP
from newsrecord.errors import brief

__all__ = ["ANY", "CORE_TAG", "MAX_INT_DIGITS", "STR_TAG", "Shape", "resolve_plain", "to_data"]

CORE_TAG: Final = "tag:yaml.org,2002:"
STR_TAG: Final = CORE_TAG + "str"

_NULL_TEXTS: Final[dict[str, None]] = dict.fromkeys(NULL_WORDS)
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o([0-7]+)")
_HEX = re.compile(r"0x([0-9a-fA-F]+)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS: Final = {
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_NUMBER_START: Final = frozenset("0123456789+-.")

MAX_INT_DIGITS: Final = 1000


class _TooLargeError(ValueError):
    """An integer with more than ``MAX_INT_DIGITS`` digits: slow to convert, never real."""


def resolve_plain(text: str) -> Any:
    """Return the value of a plain scalar under the YAML 1.2 core schema.

    Raises:
        ValueError: an integer has more than ``MAX_INT_DIGITS`` digits.
    """
    if text in NULL_WORDS:
        return None
    boolean = BOOL_WORDS.get(text)
    if boolean is not None:
        return boolean
    if text[0] not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        if len(text) > MAX_INT_DIGITS:
            raise _TooLargeError(f"an integer of {len(text)} digits is too large")
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    match = _OCT.fullmatch(text) or _HEX.fullmatch(text)
    if match:
        if len(text) > MAX_INT_DIGITS:
            raise _TooLargeError(f"an integer of {len(text)} digits is too large")
        return int(match.group(1), 8 if text[1] == "o" else 16)
    return text


@attrs.define(slots=True, eq=False)
class Shape:
    """What the model expects at one place of the tree, for resolving plain scalars.

    Attributes:
        text: A plain scalar here is text (a string, date or duration field), not a number.
        keys: For a mapping here, the shape under each key.
        item: For a sequence here, the shape of its items.
    """

    text: bool = False
    keys: dict[str, Shape] = attrs.Factory(dict)
    item: Shape | None = None


ANY: Final = Shape()
"""The shape of a place the model does not know: plain scalars resolve as YAML says."""


def _tagged_int(text: str) -> int:
    # Hexadecimal and octal have no digit limit in int(); a huge one would make the
    # record's repr fail later, so cap every base as resolve_plain does.
    if len(text) > MAX_INT_DIGITS:
        raise _TooLargeError(f"an integer of {len(text)} digits is too large")
    return int(text, 0)


def _tagged_timestamp(text: str) -> str:
    # The text, as a plain date is: the model reads it where it expects a date (Jekyll's
    # Psych reads it as a Date or Time, whose text it is).
    if YAML_TIMESTAMP.fullmatch(text) is None:
        raise ValueError(text)
    return text


_TAGGED: Final[dict[str, Callable[[str], Any]]] = {
    STR_TAG: str,
    CORE_TAG + "int": _tagged_int,
    CORE_TAG + "float": float,
    CORE_TAG + "bool": lambda text: BOOL_WORDS[text],
    CORE_TAG + "null": lambda text: _NULL_TEXTS[text],
    CORE_TAG + "timestamp": _tagged_timestamp,
}


_BANG: Final = 'starting with "!"'


def _unknown_tag(node: Scalar, where: str) -> str:
    """The problem of a tag that is not YAML's own, with a hint for text such as ``!new``.

    A local tag (``title: !Important news``) is text whose writer did not know that '!'
    starts a tag; Jekyll's Psych drops such a value, or refuses it.
    """
    tag = node.tag or ""
    message = f"unknown tag {brief(tag, 60)}"
    if not tag.startswith("!") or node.style != PLAIN:
        return message
    key = None if where.endswith("]") else where.rpartition(".")[2] or None
    value = f"{tag} {node.value}" if node.value else tag
    return f"{message}: {must_quote(_BANG, key, value)}"


def to_data(node: Node, shape: Shape, errors: list[tuple[str, int, str]], where: str = "") -> Any:
    """Return the plain Python value of *node*: dicts, lists, strings, numbers, None.

    Mapping keys stay in file order. Problems are appended to *errors* as ``(field path,
    offset, message)`` and the faulty value becomes None, so that one pass reports all.
    """
    if isinstance(node, Scalar):
        if node.tag is not None:
            convert = _TAGGED.get(node.tag)
            if convert is None:
                errors.append((where, node.start, _unknown_tag(node, where)))
                return None
            try:
                return convert(node.value)
            except _TooLargeError as exc:
                errors.append((where, node.start, str(exc)))
                return None
            except (ValueError, KeyError):
                errors.append((where, node.start, f"{brief(node.value)} is not a valid {node.tag}"))
                return None
        if node.style != PLAIN:
            return node.value
        if shape.text:
            return None if node.value in NULL_WORDS else node.value
        try:
            return resolve_plain(node.value)
        except ValueError as exc:
            errors.append((where, node.start, str(exc)))
            return None
    if isinstance(node, Mapping):
        keys = shape.keys
        prefix = f"{where}." if where else ""
        return {
            key.value: to_data(value, keys.get(key.value, ANY), errors, prefix + key.value)
            for key, value in node.pairs
        }
    item = shape.item or ANY
    return [to_data(child, item, errors, f"{where}[{i}]") for i, child in enumerate(node.items)]
