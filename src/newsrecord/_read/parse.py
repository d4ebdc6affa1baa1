"""The read stage's entry point: text in, the root mapping of nodes with spans out.

:func:`parse` tries the fast line scanner (native when installed, see
:mod:`newsrecord._read.native`) and hands anything it declines to ruamel.yaml's events
(:mod:`newsrecord._read.events`). :func:`find` and :func:`path_to` walk the nodes by
field path. The node types and :func:`~newsrecord._read.resolve.to_data` are re-exported,
so that the later stages see the read stage through this one module.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any, Final

from newsrecord._read import native
from newsrecord._read.limits import DEFAULT_LIMITS, Limits, check_file_size
from newsrecord._read.nodes import PLAIN, Duplicate, Mapping, Node, Scalar, Sequence
from newsrecord._read.resolve import ANY, MAX_INT_DIGITS, Shape, resolve_plain, to_data
from newsrecord._read.text import LineIndex, error_at
from newsrecord.errors import LimitError

if TYPE_CHECKING:
    from newsrecord._read.events import HAVE_C_PARSER, parse_events

FAST_PATH: Final = not os.environ.get("NEWSRECORD_NO_FAST_PATH")
"""Whether the fast line scanner is tried first; NEWSRECORD_NO_FAST_PATH=1 turns it off,
so that tests can run ruamel.yaml's parser on everything."""

__all__ = [
    "ANY",
    "DEFAULT_LIMITS",
    "FAST_PATH",
    "HAVE_C_PARSER",
    "MAX_INT_DIGITS",
    "PLAIN",
    "Duplicate",
    "Limits",
    "Mapping",
    "Node",
    "Scalar",
    "Sequence",
    "Shape",
    "check_file_size",
    "find",
    "parse",
    "parse_events",
    "path_to",
    "resolve_plain",
    "to_data",
]


def parse(
    text: str,
    start: int,
    end: int,
    index: LineIndex,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    duplicates: list[Duplicate] | None = None,
) -> Mapping:
    """Parse ``text[start:end]`` as YAML and return its root mapping with absolute offsets.

    The fast line scanner reads what records are usually made of; anything else, and
    every error, goes to ruamel.yaml's parser. Both give the same nodes. A key written
    twice in a mapping counts once, with its last value, as YAML readers such as Jekyll's
    read it; each such key is appended to *duplicates* (when given), and is an error
    otherwise.

    Raises:
        ParseError: the YAML is malformed, holds more than one document, is not a mapping,
            has keys that are not strings (or repeat, without *duplicates*), or uses anchors,
            aliases or unknown tags.
        LimitError: the front matter exceeds one of *limits*.
    """
    if end - start > limits.max_front_matter:
        raise error_at(
            f"the front matter is {end - start} characters long, more than the limit of "
            f"{limits.max_front_matter} (Limits.max_front_matter)",
            start,
            index,
            path,
            LimitError,
        )
    if FAST_PATH:
        root = native.scan(text, start, end, limits.max_depth, limits.max_nodes)
        if root is not None:
            return root
    # Imported here: ruamel.yaml is a good part of a command's start-up, and only the
    # files the scanner declines need it.
    from newsrecord._read.events import parse_events  # noqa: PLC0415

    return parse_events(text, start, end, index, path, limits, duplicates)


def __getattr__(name: str) -> Any:
    # HAVE_C_PARSER and parse_events stay importable from here, loading ruamel.yaml then.
    if name in ("HAVE_C_PARSER", "parse_events"):
        return getattr(importlib.import_module("newsrecord._read.events"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find(root: Node, field: tuple[str | int, ...], *, exact: bool = False) -> Node | None:
    """Return the node at *field* (keys and indexes; negative ones count from the end).

    When the text does not have that field, return the deepest node on the way that it
    has (where a problem about the field is best shown), or None with *exact*.
    """
    node = root
    for step in field:
        if isinstance(node, Mapping) and isinstance(step, str):
            pair = node.get(step)
            if pair is None:
                return None if exact else node
            node = pair[1]
        elif (
            isinstance(node, Sequence)
            and isinstance(step, int)
            and -len(node.items) <= step < len(node.items)
        ):
            node = node.items[step]
        else:
            return None if exact else node
    return node


def path_to(root: Node, key: Scalar) -> tuple[str | int, ...] | None:
    """Return the field path of the mapping entry whose key node is *key*, if any."""
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, Mapping):
            for name, value in node.pairs:
                if name is key or (name.start == key.start and name.value == key.value):
                    return (*where, name.value)
                stack.append((value, (*where, name.value)))
        elif isinstance(node, Sequence):
            stack.extend((item, (*where, number)) for number, item in enumerate(node.items))
    return None
