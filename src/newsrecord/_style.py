"""The house style of each kind of record, read off the files the format's sites publish.

A style says, for records written from scratch, which top-level keys are set off by a
blank line and which values are double-quoted (everything else is
plain when it can be). Edits of existing files do not use it for what the file already
shows: there the file's own style wins, value by value.
"""

from __future__ import annotations

from typing import Final

import attrs

from newsrecord.model import Article

__all__ = ["DEFAULT_STYLE", "HouseStyle", "style_of"]


@attrs.frozen
class HouseStyle:
    """How records of one kind are written from scratch.

    Attributes:
        blank_before: Top-level keys preceded by a blank line.
        quoted: Field paths whose scalars are double-quoted: YAML keys joined by dots,
            ``[]`` for the items of a list (``images[].url``).
    """

    blank_before: frozenset[str] = frozenset()
    quoted: frozenset[str] = frozenset()


_BLOCKS: Final = frozenset(
    {"featuredContent", "provider", "topics", "images", "related", "secured"}
)

_ARTICLE_QUOTED: Final = frozenset(
    {
        "title",
        "excerpt",
        "originalUrl",
        "webUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "featuredContent",
        "secured",
        "images[].url",
        "provider.images[].url",
    }
)

DEFAULT_STYLE: Final = HouseStyle(blank_before=_BLOCKS, quoted=frozenset({"secured"}))

_STYLES: Final[dict[type, HouseStyle]] = {
    Article: HouseStyle(
        blank_before=_BLOCKS,
        quoted=_ARTICLE_QUOTED
        | {f"related[].{path}" for path in _ARTICLE_QUOTED if path != "secured"},
    ),
}


def style_of(cls: type) -> HouseStyle:
    """Return the house style of a record class."""
    return _STYLES.get(cls, DEFAULT_STYLE)
