"""The house style of each kind of record, read off the files the format's sites publish.

A style says, for records written from scratch, which top-level keys are set off by a
blank line and which values are double-quoted (everything else is
plain when it can be). Edits of existing files do not use it for what the file already
shows: there the file's own style wins, value by value.
"""

from __future__ import annotations

from typing import Final

import attrs

from newsrecord.model.records import (
    Article,
    Book,
    Collection,
    Community,
    CompanyProfile,
    Course,
    Download,
    Event,
    Organization,
    Profile,
    Project,
    Video,
)

__all__ = ["DEFAULT_STYLE", "HouseStyle", "style_of"]


@attrs.frozen
class HouseStyle:
    """How records of one kind are written from scratch.

    Attributes:
        blank_before: Top-level keys preceded by a blank line.
        quoted: Field paths whose scalars are double-quoted: YAML keys joined by dots,
            ``[]`` for the items of a list (``images[].url``).
        blank_at_end: Whether a blank line precedes the closing ``---`` when the record
            has no ``secured`` blob (the sites' template leaves the blank line that would
            have stood before it).
    """

    blank_before: frozenset[str] = frozenset()
    quoted: frozenset[str] = frozenset()
    blank_at_end: bool = False


# Top-level keys the sites' templates set off with a blank line.
_BLOCKS: Final = frozenset(
    {
        "featuredContent",
        "provider",
        "actions",
        "levels",
        "items",
        "topics",
        "images",
        "related",
        "affiliation",
        "website",
        "twitter",
        "linkedin",
        "companies",
        "secured",
        "tags",
        "github",
        "crunchbase",
        "googleScholar",
        "wikipedia",
        "weibo",
        "size",
        "funding",
        "videos",
    }
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

DEFAULT_STYLE: Final = HouseStyle(
    blank_before=_BLOCKS,
    quoted=frozenset({"title", "excerpt", "featuredContent", "secured"}),
    blank_at_end=True,
)

_STYLES: Final[dict[type, HouseStyle]] = {
    Article: HouseStyle(
        blank_before=_BLOCKS,
        quoted=_ARTICLE_QUOTED
        | {f"related[].{path}" for path in _ARTICLE_QUOTED if path != "secured"},
        blank_at_end=True,
    ),
    Video: DEFAULT_STYLE,
    Course: DEFAULT_STYLE,
    Collection: DEFAULT_STYLE,
    Book: DEFAULT_STYLE,
    CompanyProfile: HouseStyle(
        blank_before=_BLOCKS,
        quoted=frozenset(
            {
                "name",
                "overview",
                "type",
                "linkedin.url",
                "crunchbase.url",
                "twitter.username",
                "twitter.url",
                "images[].url",
                "images[].title",
                "videos[].url",
                "secured",
            }
        ),
        blank_at_end=True,
    ),
    Event: HouseStyle(
        blank_before=_BLOCKS, quoted=frozenset({"name", "excerpt", "images[].title"})
    ),
    Project: HouseStyle(
        blank_before=_BLOCKS - {"provider"},
        quoted=frozenset({"name", "excerpt", "github.url", "images[].title", "secured"}),
        blank_at_end=True,
    ),
    Download: HouseStyle(
        blank_before=_BLOCKS,
        quoted=frozenset(
            {
                "title",
                "excerpt",
                "featuredContent",
                "secured",
                "actions[].url",
                "actions[].type",
                "actions[].title",
                "actions[].attribution",
            }
        ),
        blank_at_end=True,
    ),
    Profile: HouseStyle(
        blank_before=_BLOCKS,
        quoted=frozenset(
            {"name", "bio", "type", "secured", "images[].title", "affiliation.images[].url"}
        ),
        blank_at_end=True,
    ),
    Community: HouseStyle(
        blank_before=_BLOCKS, quoted=frozenset({"name", "excerpt", "secured"}), blank_at_end=True
    ),
    Organization: HouseStyle(),
}


def style_of(cls: type) -> HouseStyle:
    """Return the house style of a record class."""
    return _STYLES.get(cls, DEFAULT_STYLE)
