"""The nodes of a parsed front matter: scalars, mappings and lists that know their spans.

Both parsers (the fast line scanner and ruamel.yaml's events) build these.
"""

from __future__ import annotations

from typing import Final, TypeAlias

import attrs

__all__ = ["PLAIN", "Duplicate", "Link", "Mapping", "Node", "Scalar", "Sequence"]

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
        links: On the root mapping only: each alias and merge key of the front matter,
            whose values are written elsewhere (see :class:`Link`); empty in nearly
            every record.
    """

    pairs: list[tuple[Scalar, Node]]
    flow: bool
    start: int
    end: int
    links: tuple[Link, ...] = ()

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
class Link:
    """A value written elsewhere in the text: an alias (``*a``) or a merge key (``<<:``).

    The value read there is a copy of the nodes it stands for, whose spans are this
    link's: the text of the link is where the value is, but not how it is written. So an
    edit never splices inside a link or its source; it writes the value out (see
    ``_Planner._write_out_links`` in :mod:`newsrecord._write.splice`).

    Attributes:
        start: Offset of the alias, or of the merge entry's key.
        end: Offset just past the alias, or the merge entry's value.
        source: Offset of the anchored node an alias copies (its anchor), or None for a
            merge entry (whose alias, if any, has a link of its own).
        top: Whether it is a merge entry of the front matter itself (whose entries are
            the record's fields), not of a value.
    """

    start: int
    end: int
    source: int | None
    top: bool = False


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

    def holds_anchor(self, root: Mapping) -> bool:
        """Whether the earlier entry holds an anchor an alias uses (the alias reads it)."""
        start, end = self.key.start, self.value.end
        return any(link.source is not None and start <= link.source < end for link in root.links)
