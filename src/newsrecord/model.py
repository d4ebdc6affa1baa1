"""The typed records: attrs classes users import, read and edit.

Python attributes are the snake_case of the YAML keys (``publishedDateTime`` ->
``published_date_time``). Every optional field is None when its key is absent or null.
Keys the model does not know are kept, in file order, in the ``extra`` dict of the object
where they appear, and are written back unchanged.

Assignments are checked: ``article.heat = "hot"`` raises ``TypeError`` at once. Lists can
still be mutated freely in place; the whole record is checked again when it is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsrecord._fields import extra_field, field, model
from newsrecord.secured import Secured

# The order in which files write the keys of an article and of a related-article summary.
_ARTICLE_ORDER = (
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "updatedDateTime",
    "originalUrl",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "quality",
    "heat",
    "removed",
    "published",
    "featuredContent",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
)
_SUMMARY_ORDER = (
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "updatedDateTime",
    "originalUrl",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "provider",
    "quality",
    "heat",
    "removed",
    "published",
    "featuredContent",
    "topics",
    "images",
    "related",
    "secured",
)

__all__ = [
    "Article",
    "Author",
    "Image",
    "Organization",
    "Provider",
    "Record",
    "RelatedArticle",
    "Secured",
]


@model(order=("url", "width", "height", "isCached", "title"))
class Image:
    """A picture of the record or of a provider.

    Attributes:
        url: Address of the picture (absolute, or a path on the publishing site).
        width: Width in pixels.
        height: Height in pixels.
        is_cached: Whether the publisher keeps a copy of the picture.
        title: Caption or alternative text.
        extra: Keys the model does not know, in file order.
    """

    url: str | None = field(
        "Address of the picture: absolute, or a path on the publishing site.",
        example="https://sbstatesman.com/wp-content/uploads/2023/11/AI-In-music-and-film.png",
    )
    width: int | None = field("Width in pixels.", example=2001)
    height: int | None = field("Height in pixels.", example=1001)
    is_cached: bool | None = field("Whether the publisher keeps a copy.", example=True)
    title: str | None = field("Caption or alternative text.")
    extra: dict[str, Any] = extra_field()


@model(order=("name",))
class Author:
    """A person credited by a provider.

    Attributes:
        name: The author's name or handle.
        extra: Keys the model does not know, in file order.
    """

    name: str | None = field("The author's name or handle.", example="audrieg")
    extra: dict[str, Any] = extra_field()


@model(order=("taxonomy", "_id", "name", "otherNames", "domain", "description", "images"))
class Organization:
    """An organization: a publisher, an affiliation, or an organization record.

    Attributes:
        taxonomy: Always ``organization`` in organization records.
        id: The organization's identifier, usually its domain (YAML key ``_id``).
        name: Display name.
        other_names: Other names the organization goes by.
        domain: Its web domain; may be null.
        description: A few sentences about it.
        images: Logos, smallest first.
        extra: Keys the model does not know, in file order.
    """

    taxonomy: str | None = field("Always 'organization' in organization records.")
    id: str | None = field(
        "The organization's identifier, usually its domain.", key="_id", example="amazon.com"
    )
    name: str | None = field("Display name.", example="Amazon")
    other_names: list[str] | None = field("Other names the organization goes by.")
    domain: str | None = field("Its web domain; may be null.", example="amazon.com")
    description: str | None = field("A few sentences about it.")
    images: list[Image] | None = field("Logos, smallest first.")
    extra: dict[str, Any] = extra_field()


@model(order=("name", "domain", "images", "authors", "publishers"))
class Provider:
    """Who published the record.

    Attributes:
        name: Display name.
        domain: Web domain; may be null.
        images: Logos.
        authors: People credited.
        publishers: Organizations behind the provider.
        extra: Keys the model does not know, in file order.
    """

    name: str | None = field("Display name.", example="The Statesman")
    domain: str | None = field("Web domain; may be null.", example="sbstatesman.com")
    images: list[Image] | None = field("Logos.")
    authors: list[Author] | None = field("People credited.")
    publishers: list[Organization] | None = field("Organizations behind the provider.")
    extra: dict[str, Any] = extra_field()


@model(order=_ARTICLE_ORDER)
class Record:
    """A record of a kind the model does not know; also the base of every kind.

    Attributes:
        title: Headline.
        excerpt: A paragraph summing the record up.
        published_date_time: When it was first published.
        updated_date_time: When it was last changed.
        original_url: Where it was first published.
        web_url: Its canonical address.
        amp_web_url: Its AMP page.
        cdn_amp_web_url: Its AMP page on a CDN.
        type: The kind of record (``article``, ``video``, ...).
        quality: A quality score; may be negative.
        heat: A popularity score; may be negative and large.
        removed: Whether it was taken down.
        published: Whether it is shown on the site.
        featured_content: HTML shown instead of the picture (an embedded player).
        provider: Who published it.
        topics: Topic names.
        images: Pictures, the first one featured.
        related: Related articles.
        secured: The opaque, encrypted blob, kept exactly.
        extra: Keys the model does not know, in file order.
    """

    title: str | None = field(
        "Headline.",
        example="Artificial intelligence makes its way into the music and film industries",
    )
    excerpt: str | None = field("A paragraph summing the record up.")
    published_date_time: dt.datetime | None = field(
        "When it was first published (ISO 8601 with a time zone).",
        example="2023-11-19T21:07:00Z",
    )
    updated_date_time: dt.datetime | None = field(
        "When it was last changed (ISO 8601 with a time zone)."
    )
    original_url: str | None = field(
        "Where it was first published.",
        example="https://sbstatesman.com/122531/arts/artificial-intelligence-makes-its-way-"
        "into-the-music-and-film-industries/",
    )
    web_url: str | None = field("Its canonical address.")
    amp_web_url: str | None = field("Its AMP page.")
    cdn_amp_web_url: str | None = field("Its AMP page on a CDN.")
    type: str | None = field("The kind of record.", example="article")
    quality: int | None = field("A quality score; may be negative.", example=38)
    heat: int | None = field("A popularity score; may be negative and large.", example=38)
    removed: bool | None = field("Whether it was taken down.")
    published: bool | None = field("Whether it is shown on the site.", example=False)
    featured_content: str | None = field("HTML shown instead of the picture.")
    provider: Provider | None = field("Who published it.")
    topics: list[str] | None = field("Topic names.", example=["AI in Robotics", "AI"])
    images: list[Image] | None = field("Pictures, the first one featured.")
    related: list[RelatedArticle] | None = field("Related articles, as summaries.")
    secured: Secured | None = field(
        "The opaque, encrypted blob: base64(ciphertext);base64(16-byte IV). Never altered."
    )
    extra: dict[str, Any] = extra_field()


@model(order=_SUMMARY_ORDER)
class RelatedArticle(Record):
    """A summary of another article; it may carry any article field.

    Attributes:
        category: The section, such as ``news``.
    """

    category: str | None = field("The section, such as 'news'.", example="news")


@model(order=_ARTICLE_ORDER)
class Article(Record):
    """A news article (``category: news``): the seed's kind of record.

    Attributes:
        category: The section, such as ``news``.
        title: Headline; required.
    """

    category: str | None = field("The section, such as 'news'.", example="news")
    title: str | None = field(
        "Headline.",
        example="Artificial intelligence makes its way into the music and film industries",
        required=True,
    )
