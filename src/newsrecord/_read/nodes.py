"""The nodes of a parsed front matter: scalars, mappings and lists that know their spans.

Both parsers (the fast line scanner and ruamel.yaml's events) build these.
"""

from __future__ import annotations

from typing import Final, TypeAlias

import attrs

__all__ = ["PLAIN", "Duplicate", "Mapping", "Node", "Scalar", "Sequence"]

PLAIN: Final = ""
"""The style of a plain (unquoted) scalar."""


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
class Duplicate:
    """A key written twice in one mapping: YAML readers such as Jekyll's keep the last.

    The earlier entry is left out of its mapping's pairs: it is text the record does not
    read, like a comment, until a repair removes it.

    Attributes:
        key: The earlier key, whose entry is shadowed.
        value: The earlier value.
        winner: The later key, whose value counts.
    """

    key: Scalar
    value: Node
    winner: Scalar
