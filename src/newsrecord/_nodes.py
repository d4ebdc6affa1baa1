"""Parsed YAML nodes with spans: the only module that talks to ruamel.yaml.

The front matter is parsed into events by ruamel.yaml (its C parser when
``ruamel.yaml.clib`` is installed, its pure-Python parser otherwise), and the events are
assembled here into small nodes that know their offsets in the file. Building the tree
ourselves, instead of using ruamel's composer, lets us reject aliases and unknown tags,
bound the nesting depth without recursion, and skip ruamel's implicit resolver, which is
a third of its composing time.

Plain scalars are resolved later, by :func:`to_data`, which knows what the model expects
at each place (a ``title: 2023`` is the string ``"2023"``, not an int).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from typing import Any, Final, TypeAlias

import attrs
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.loader import BaseLoader

from newsrecord._text import LineIndex
from newsrecord.errors import LimitError, ParseError

try:  # pragma: no cover - which branch runs depends on the installation
    from ruamel.yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]

    # NEWSRECORD_PURE_PYTHON=1 forces the pure-Python parser, so that CI can show both
    # parsers give the same results.
    HAVE_C_PARSER = not os.environ.get("NEWSRECORD_PURE_PYTHON")
except ImportError:  # pragma: no cover
    HAVE_C_PARSER = False

__all__ = [
    "HAVE_C_PARSER",
    "Limits",
    "Mapping",
    "Node",
    "Scalar",
    "Sequence",
    "Shape",
    "parse",
    "to_data",
]

PLAIN: Final = ""
"""The style of a plain (unquoted) scalar."""

_CORE = "tag:yaml.org,2002:"
_STR_TAG = _CORE + "str"


@attrs.define(slots=True, eq=False)
class Scalar:
    """A scalar: its text as YAML decoded it, its style and tag, and its span.

    Attributes:
        value: The decoded string (escapes processed, lines folded).
        style: ``""`` plain, ``'`` single, ``"`` double, ``|`` literal, ``>`` folded.
        tag: The explicit tag, or None.
        start: Offset of the first character (the quote or block indicator).
        end: Offset just past the last character.
    """

    value: str
    style: str
    tag: str | None
    start: int
    end: int


@attrs.define(slots=True, eq=False)
class Mapping:
    """A mapping: its key/value pairs in order, and whether it is written in flow style.

    Attributes:
        pairs: ``(key, value)`` node pairs in file order.
        flow: True for ``{a: 1}``, False for an indented block.
        start: Offset of the first character (``{`` or the first key).
        end: Offset just past ``}``; for a block, where the next token begins.
    """

    pairs: list[tuple[Scalar, Node]]
    flow: bool
    start: int
    end: int

    def get(self, key: str) -> tuple[Scalar, Node] | None:
        """Return the pair whose key is *key*, or None."""
        for pair in self.pairs:
            if pair[0].value == key:
                return pair
        return None


@attrs.define(slots=True, eq=False)
class Sequence:
    """A sequence: its items in order, and whether it is written in flow style.

    Attributes:
        items: The item nodes in file order.
        flow: True for ``[a, b]``, False for ``- a`` lines.
        start: Offset of the first character (``[`` or the first dash).
        end: Offset just past ``]``; for a block, where the next token begins.
    """

    items: list[Node]
    flow: bool
    start: int
    end: int


Node: TypeAlias = Scalar | Mapping | Sequence


@attrs.frozen
class Limits:
    """Safety limits applied while parsing; the defaults are far above any real record.

    Attributes:
        max_depth: Deepest nesting of collections.
        max_nodes: Most nodes (scalars and collections) in one front matter.
        max_front_matter: Longest front matter, in characters.
    """

    max_depth: int = 64
    max_nodes: int = 200_000
    max_front_matter: int = 8 * 1024 * 1024


DEFAULT_LIMITS: Final = Limits()


def _event_source(text: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    """Return ``(next_event, dispose)`` for the fastest parser installed."""
    if HAVE_C_PARSER:
        return _CParser(text).get_event, _nothing
    loader = BaseLoader(text)
    return loader.get_event, loader.dispose


def _nothing() -> None:
    return None


def parse(
    text: str,
    start: int,
    end: int,
    index: LineIndex,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Mapping:
    """Parse ``text[start:end]`` as YAML and return its root mapping with absolute offsets.

    Raises:
        ParseError: the YAML is malformed, holds more than one document, is not a mapping,
            has keys that are not strings or repeat, or uses anchors, aliases or unknown
            tags.
        LimitError: the front matter exceeds one of *limits*.
    """
    if end - start > limits.max_front_matter:
        raise _error(
            f"the front matter is {end - start} characters long, more than the limit of "
            f"{limits.max_front_matter}",
            start,
            index,
            path,
            LimitError,
        )
    next_event, dispose = _event_source(text[start:end])
    try:
        return _build(next_event, text, start, index, path, limits)
    except YAMLError as exc:
        raise _located(exc, start, index, path) from exc
    except (ValueError, UnicodeError) as exc:
        # The pure-Python reader reports some encoding faults as plain errors.
        raise _error(f"YAML syntax error: {exc}", start, index, path) from exc
    finally:
        dispose()


def _build(
    next_event: Callable[[], Any],
    text: str,
    base: int,
    index: LineIndex,
    path: str | None,
    limits: Limits,
) -> Mapping:
    # The hot loop of loading: one pass over the events with the open collections on an
    # explicit stack (no recursion, so nesting depth is bounded by a check, not the C
    # stack). For each open mapping, `keys` holds the key still waiting for its value and
    # `seen` the keys so far, to reject duplicates.
    stack: list[Mapping | Sequence] = []
    waiting: list[Scalar | None] = []
    seen: list[set[str]] = []
    root: Node | None = None
    documents = 0
    count = 0
    max_depth = limits.max_depth
    max_nodes = limits.max_nodes
    while True:
        event = next_event()
        kind = type(event)
        node: Node
        if kind is ScalarEvent:
            tag = event.tag
            node = Scalar(
                event.value,
                event.style or PLAIN,
                None if tag is None or tag == "!" else str(tag),
                event.start_mark.index + base,
                event.end_mark.index + base,
            )
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            offset = event.start_mark.index + base
            if event.tag is not None and event.tag != "!":
                expected = _CORE + ("map" if kind is MappingStartEvent else "seq")
                if str(event.tag) != expected:
                    raise _error(
                        f"unknown tag {event.tag!s}: only plain YAML data is allowed",
                        offset,
                        index,
                        path,
                    )
            if len(stack) >= max_depth:
                raise _error(
                    f"nesting deeper than {max_depth} levels", offset, index, path, LimitError
                )
            if kind is MappingStartEvent:
                node = Mapping([], bool(event.flow_style), offset, offset)
            else:
                node = Sequence([], bool(event.flow_style), offset, offset)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop().end = event.end_mark.index + base
            waiting.pop()
            seen.pop()
            continue
        elif kind is AliasEvent:
            raise _error(
                "anchors and aliases are not allowed in records",
                event.start_mark.index + base,
                index,
                path,
            )
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _error(
                    "the front matter holds more than one YAML document",
                    event.start_mark.index + base,
                    index,
                    path,
                )
            continue
        elif kind is StreamEndEvent:
            break
        else:
            continue
        if event.anchor is not None:
            raise _error("anchors and aliases are not allowed in records", node.start, index, path)
        count += 1
        if count > max_nodes:
            raise _error(f"more than {max_nodes} YAML nodes", node.start, index, path, LimitError)
        if stack:
            parent = stack[-1]
            if type(parent) is Sequence:
                parent.items.append(node)
            else:
                key = waiting[-1]
                if key is None:
                    _check_key(node, seen[-1], index, path)
                    waiting[-1] = node  # type: ignore[assignment]  # _check_key: a Scalar
                else:
                    if type(node) is Scalar and not node.value and node.style == PLAIN:
                        # Parsers disagree on where an empty value is; put it right
                        # after its key's colon, where an edit will write the value.
                        colon = text.find(":", key.end)
                        if colon >= 0:
                            node.start = node.end = colon + 1
                    parent.pairs.append((key, node))  # type: ignore[union-attr]
                    waiting[-1] = None
        else:
            root = node
        if type(node) is not Scalar:
            stack.append(node)  # type: ignore[arg-type]  # a collection by the test above
            waiting.append(None)
            seen.append(set())
    if type(root) is not Mapping:
        what = "empty" if root is None else f"a {type(root).__name__.lower()}, not a mapping"
        raise _error(f"the front matter is {what}", base, index, path)
    return root


def _check_key(node: Node, seen: set[str], index: LineIndex, path: str | None) -> None:
    def fail(message: str) -> ParseError:
        return _error(f"a mapping key must be a plain string, {message}", node.start, index, path)

    if not isinstance(node, Scalar):
        raise fail("not a collection")
    if node.style in ("|", ">"):
        raise fail("not a block scalar")
    if node.tag is not None and node.tag != _STR_TAG:
        raise fail(f"not tagged {node.tag}")
    if node.style == PLAIN and node.tag is None:
        if node.value == "<<":
            raise _error("merge keys ('<<') are not allowed in records", node.start, index, path)
        if not isinstance(resolve_plain(node.value), str):
            raise fail(f"not {node.value!r}")
    if node.value in seen:
        raise _error(f"duplicate key {node.value!r}", node.start, index, path)
    seen.add(node.value)


def _error(
    message: str,
    offset: int,
    index: LineIndex,
    path: str | None,
    error: type[ParseError] = ParseError,
) -> ParseError:
    line, column = index.position(offset)
    return error(message, path=path, line=line, column=column)


def _located(exc: YAMLError, start: int, index: LineIndex, path: str | None) -> ParseError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return ParseError(message, path=path)
    line, column = index.position(start + mark.index)
    return ParseError(message, path=path, line=line, column=column)


# --- resolution of plain scalars (YAML 1.2 core schema) -------------------------------

_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_NULL_TEXTS: Final[dict[str, None]] = dict.fromkeys(_NULLS)
_BOOLS: Final = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
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


def resolve_plain(text: str) -> Any:
    """Return the value of a plain scalar under the YAML 1.2 core schema.

    Raises:
        ValueError: an integer has more than ``MAX_INT_DIGITS`` digits.
    """
    if text in _NULLS:
        return None
    boolean = _BOOLS.get(text)
    if boolean is not None:
        return boolean
    if text[0] not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        if len(text) > MAX_INT_DIGITS:
            raise ValueError(f"an integer of {len(text)} digits is too large")
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    match = _OCT.fullmatch(text) or _HEX.fullmatch(text)
    if match:
        if len(text) > MAX_INT_DIGITS:
            raise ValueError(f"an integer of {len(text)} digits is too large")
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

_TAGGED: Final[dict[str, Callable[[str], Any]]] = {
    _STR_TAG: str,
    _CORE + "int": lambda text: int(text, 0),
    _CORE + "float": float,
    _CORE + "bool": lambda text: _BOOLS[text],
    _CORE + "null": lambda text: _NULL_TEXTS[text],
}


def to_data(node: Node, shape: Shape, errors: list[tuple[str, int, str]], where: str = "") -> Any:
    """Return the plain Python value of *node*: dicts, lists, strings, numbers, None.

    Mapping keys stay in file order. Problems are appended to *errors* as ``(field path,
    offset, message)`` and the faulty value becomes None, so that one pass reports all.
    """
    if isinstance(node, Scalar):
        if node.tag is not None:
            convert = _TAGGED.get(node.tag)
            if convert is None:
                errors.append((where, node.start, f"unknown tag {node.tag}"))
                return None
            try:
                return convert(node.value)
            except (ValueError, KeyError):
                errors.append((where, node.start, f"{node.value!r} is not a valid {node.tag}"))
                return None
        if node.style != PLAIN:
            return node.value
        if shape.text:
            return None if node.value in _NULLS else node.value
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


def find(root: Node, field: tuple[str | int, ...]) -> Node | None:
    """Return the node at *field* (keys and indexes), or the deepest one that exists."""
    node = root
    for step in field:
        if isinstance(node, Mapping) and isinstance(step, str):
            pair = node.get(step)
            if pair is None:
                return node
            node = pair[1]
        elif isinstance(node, Sequence) and isinstance(step, int) and step < len(node.items):
            node = node.items[step]
        else:
            return node
    return node
