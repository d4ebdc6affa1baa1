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
from typing import Any, ClassVar, TypeAlias

from newsrecord.model.duration import Duration
from newsrecord.model.fields import Coerced, extra_field, field, model
from newsrecord.model.price import Price
from newsrecord.model.secured import Secured

# The order in which files write the keys of an article and of a related-article summary;
# each kind's order is its YAML keys, separated by spaces.
_ARTICLE_ORDER = (
    "category title excerpt publishedDateTime updatedDateTime originalUrl webUrl ampWebUrl "
    "cdnAmpWebUrl type quality heat removed published featuredContent provider topics tags images "
    "related secured"
)
# How events and projects begin: a name, and a page's heading.
_NAMED_HEAD = "name title excerpt originalUrl webUrl website type"
# How downloads and challenges begin: a page's heading, dates and flags.
_PAGE_HEAD = (
    "title excerpt originalUrl webUrl type publishedDateTime updatedDateTime heat removed "
    "published featuredContent"
)
_SUMMARY_ORDER = (
    "category title excerpt publishedDateTime updatedDateTime originalUrl webUrl ampWebUrl "
    "cdnAmpWebUrl type provider quality heat removed published featuredContent topics tags images "
    "related secured"
)


@model(key_order="url width height isCached title")
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
        default=None,
    )
    width: int | None = field("Width in pixels.", example=2001, default=None)
    height: int | None = field("Height in pixels.", example=1001, default=None)
    is_cached: bool | None = field(
        "Whether the publisher keeps a copy.", example=True, default=None
    )
    title: str | None = field("Caption or alternative text.", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order="name")
class Author:
    """A person credited by a provider.

    Attributes:
        name: The author's name or handle.
        extra: Keys the model does not know, in file order.
    """

    name: str | None = field("The author's name or handle.", example="audrieg", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(
    key_order="taxonomy _id name otherNames domain description images", folders=("organizations",)
)
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

    TYPES: ClassVar[tuple[str, ...]] = ()
    """Organization records have no ``type``; they are recognised by their keys."""

    taxonomy: str | None = field("Always 'organization' in organization records.", default=None)
    id: str | None = field(
        "The organization's identifier, usually its domain.",
        key="_id",
        example="amazon.com",
        default=None,
    )
    name: str | None = field("Display name.", example="Amazon", default=None)
    other_names: list[str] | None = field("Other names the organization goes by.", default=None)
    domain: str | None = field("Its web domain; may be null.", example="amazon.com", default=None)
    description: str | None = field("A few sentences about it.", default=None)
    images: list[Image] | None = field("Logos, smallest first.", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order="name domain images authors publishers")
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

    name: str | None = field("Display name.", example="The Statesman", default=None)
    domain: str | None = field("Web domain; may be null.", example="sbstatesman.com", default=None)
    images: list[Image] | None = field("Logos.", default=None)
    authors: list[Author] | None = field("People credited.", default=None)
    publishers: list[Organization] | None = field(
        "Organizations behind the provider.", default=None
    )
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order=_ARTICLE_ORDER)
class Record:
    """A record of a kind the model does not know; also the base of the kinds below.

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
        tags: Free-form labels besides the topics.
        images: Pictures, the first one featured.
        related: Related records: article summaries, or slugs (plain strings).
        secured: The opaque, encrypted blob, kept exactly.
        extra: Keys the model does not know, in file order.
    """

    TYPES: ClassVar[tuple[str, ...]] = ()
    """The ``type`` values that select this class when a file is loaded.

    Each kind sets it in its ``@model(types=...)`` line."""
    FOLDERS: ClassVar[tuple[str, ...]] = ()
    """The folders (Jekyll collections) whose records without a ``type`` are of this class.

    Each kind sets it in its ``@model(folders=...)`` line."""

    title: str | None = field(
        "Headline.",
        example="Artificial intelligence makes its way into the music and film industries",
        default=None,
    )
    excerpt: str | None = field("A paragraph summing the record up.", default=None)
    published_date_time: dt.datetime | None = field(
        "When it was first published (ISO 8601 with a time zone).",
        example="2023-11-19T21:07:00Z",
        default=None,
    )
    updated_date_time: dt.datetime | None = field(
        "When it was last changed (ISO 8601 with a time zone).",
        default=None,
    )
    original_url: str | None = field(
        "Where it was first published.",
        example="https://sbstatesman.com/122531/arts/artificial-intelligence-makes-its-way-"
        "into-the-music-and-film-industries/",
        default=None,
    )
    web_url: str | None = field("Its canonical address.", default=None)
    amp_web_url: str | None = field("Its AMP page.", default=None)
    cdn_amp_web_url: str | None = field("Its AMP page on a CDN.", default=None)
    type: str | None = field("The kind of record.", example="article", default=None)
    quality: int | None = field("A quality score; may be negative.", example=38, default=None)
    heat: int | None = field(
        "A popularity score; may be negative and large.", example=38, default=None
    )
    removed: bool | None = field("Whether it was taken down.", default=None)
    published: bool | None = field("Whether it is shown on the site.", example=False, default=None)
    featured_content: str | None = field("HTML shown instead of the picture.", default=None)
    provider: Provider | None = field("Who published it.", default=None)
    topics: list[str] | None = field("Topic names.", example=["AI in Robotics", "AI"], default=None)
    tags: list[str] | None = field(
        "Free-form labels besides the topics.", example=["Academic Conference"], default=None
    )
    images: list[Image] | None = field("Pictures, the first one featured.", default=None)
    related: list[RelatedArticle | str] | None = field(
        "Related records: article summaries, or slugs of other records.",
        default=None,
    )
    secured: Secured | None = field(
        "The opaque, encrypted blob: base64(ciphertext);base64(16-byte IV). Never altered.",
        default=None,
    )
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order=_SUMMARY_ORDER)
class RelatedArticle(Record):
    """A summary of another article; it may carry any article field.

    Attributes:
        category: The section, such as ``news``.
    """

    category: str | None = field("The section, such as 'news'.", example="news", default=None)


@model(types=("article",), folders=("_news",), required=("title",))
class Article(Record):
    """A news article (``category: news``, or ``type: article``): the seed's kind.

    Attributes:
        category: The section, such as ``news``.
        title: Headline; required.
    """

    category: str | None = field("The section, such as 'news'.", example="news", default=None)


# --- learning resources -------------------------------------------------------------------

_LEARNING_ORDER = (
    "title excerpt originalUrl webUrl type price length ratings publishedDateTime updatedDateTime "
    "heat removed published description featuredContent provider levels items topics tags images "
    "related secured"
)


@model(key_order="count average")
class Ratings:
    """How learners rated a resource.

    Attributes:
        average: The mean rating.
        count: How many ratings there are.
        extra: Keys the model does not know, in file order.
    """

    average: float | None = field("The mean rating.", example=4.4396553, default=None)
    count: int | None = field("How many ratings there are.", example=464, default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order=_LEARNING_ORDER)
class LearningResource(Record):
    """What videos, courses, collections and books have in common.

    Attributes:
        price: What it costs, as written (``Free``, ``Free+``, ``$40.34``).
        length: How long it takes, as written (``PT13M34S``, ``53 hours``, ``1:16``).
        levels: Audience levels (``Beginner``, ``Intermediate``, ...).
        ratings: How learners rated it.
        items: Slugs of the resources a collection gathers.
        description: A longer description.
    """

    price: Price | None = field("What it costs, as written.", example="Free", default=None)
    length: Coerced[Duration | None, dt.timedelta] = field(
        "How long it takes, as written: ISO 8601 (PT13M34S), words (53 hours, 6 Weeks, "
        "1h 49m) or a clock (1:16 is an hour and 16 minutes).",
        example="PT13M34S",
        default=None,
    )
    levels: list[str] | None = field("Audience levels.", example=["Intermediate"], default=None)
    ratings: Ratings | None = field("How learners rated it.", default=None)
    items: list[str] | None = field(
        "Slugs of the resources a collection gathers.",
        example=["videos/april-dunnam-how-to-get-started-with-power-apps"],
        default=None,
    )
    description: str | None = field("A longer description.", default=None)


@model(types=("video",), folders=("videos",))
class Video(LearningResource):
    """A video (``type: video``)."""


@model(types=("course",), folders=("courses",))
class Course(LearningResource):
    """A course (``type: course``)."""


@model(types=("collection",), folders=("collections",))
class Collection(LearningResource):
    """A collection of other resources (``type: collection``), listed in ``items``."""


@model(types=("book",), folders=("books",))
class Book(LearningResource):
    """A book (``type: book``)."""


# --- samples --------------------------------------------------------------------------------


@model(key_order="url type title attribution")
class Action:
    """Something a reader can do with a sample, such as download its source.

    Attributes:
        url: Where the action leads.
        type: The kind of action (``download``).
        title: The button's label.
        attribution: Who provides the download.
        extra: Keys the model does not know, in file order.
    """

    url: str | None = field("Where the action leads.", default=None)
    type: str | None = field("The kind of action.", example="download", default=None)
    title: str | None = field("The button's label.", example="Download Source Code", default=None)
    attribution: str | None = field("Who provides the download.", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(
    key_order=f"{_PAGE_HEAD} actions provider topics images related secured",
    types=("download",),
    folders=("_samples",),
)
class Download(Record):
    """A downloadable sample (``type: download``) with its ``actions``.

    Attributes:
        actions: What a reader can do with it.
    """

    actions: list[Action] | None = field("What a reader can do with it.", default=None)


# --- people ---------------------------------------------------------------------------------


@model(key_order="username url followers")
class Twitter:
    """A Twitter account.

    Attributes:
        username: The handle, without ``@``.
        url: The profile page.
        followers: How many followers it has.
        extra: Keys the model does not know, in file order.
    """

    username: str | None = field("The handle, without '@'.", example="aprildunnam", default=None)
    url: str | None = field("The profile page.", default=None)
    followers: int | None = field("How many followers it has.", example=6475, default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order="url followers")
class LinkedIn:
    """A LinkedIn profile or company page.

    Attributes:
        url: The profile page.
        followers: How many followers it has.
        extra: Keys the model does not know, in file order.
    """

    url: str | None = field("The profile page.", default=None)
    followers: int | None = field("How many followers it has.", example=2981, default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order="username url followers")
class Account:
    """An account on another site (Weibo, ...): its page and its audience.

    Attributes:
        username: The handle.
        url: The profile page.
        followers: How many followers it has.
        extra: Keys the model does not know, in file order.
    """

    username: str | None = field("The handle.", default=None)
    url: str | None = field(
        "The profile page.", example="https://www.weibo.com/kaifulee", default=None
    )
    followers: int | None = field("How many followers it has.", example=51934864, default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order="url citations")
class Scholar:
    """A Google Scholar profile.

    Attributes:
        url: The profile page.
        citations: How often the person's work is cited.
        extra: Keys the model does not know, in file order.
    """

    url: str | None = field(
        "The profile page.",
        example="https://scholar.google.com/citations?user=Tb0ZrYwAAAAJ",
        default=None,
    )
    citations: int | None = field(
        "How often the person's work is cited.", example=134965, default=None
    )
    extra: dict[str, Any] = extra_field(factory=dict)


@model(key_order="url title")
class Link:
    """A page elsewhere: a Wikipedia article, a Crunchbase entry, a video.

    Attributes:
        url: Its address.
        title: Its title.
        extra: Keys the model does not know, in file order.
    """

    url: str | None = field(
        "Its address.", example="https://en.wikipedia.org/wiki/Fei-Fei_Li", default=None
    )
    title: str | None = field("Its title.", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(
    key_order=(
        "name bio location type heat removed published affiliation website twitter linkedin weibo "
        "googleScholar wikipedia topics tags images secured"
    ),
    types=("profile",),
    folders=("_people",),
)
class Profile(Record):
    """A person (``type: profile``).

    Attributes:
        name: The person's name.
        bio: A short biography.
        location: Where they are.
        website: Their own site.
        twitter: Their Twitter account.
        linkedin: Their LinkedIn profile.
        affiliation: The organization they belong to.
        weibo: Their Weibo account.
        google_scholar: Their Google Scholar profile.
        wikipedia: Their Wikipedia article.
    """

    name: str | None = field("The person's name.", example="April Dunnam", default=None)
    bio: str | None = field("A short biography.", default=None)
    location: str | None = field("Where they are.", example="Broken Arrow, OK", default=None)
    website: str | None = field("Their own site.", default=None)
    twitter: Twitter | None = field("Their Twitter account.", default=None)
    linkedin: LinkedIn | None = field("Their LinkedIn profile.", default=None)
    affiliation: Organization | None = field("The organization they belong to.", default=None)
    weibo: Account | None = field("Their Weibo account.", default=None)
    google_scholar: Scholar | None = field("Their Google Scholar profile.", default=None)
    wikipedia: Link | None = field("Their Wikipedia article.", default=None)


@model(
    key_order=(
        "name overview type heat removed published website linkedin crunchbase twitter size "
        "yearFounded locations funding otherNames topics tags images videos secured"
    ),
    folders=("_companies",),
)
class CompanyProfile(Record):
    """A company (``type: profile`` in a ``_companies`` folder, or with company fields).

    Attributes:
        name: The company's name.
        overview: What it does.
        website: Its site.
        crunchbase: Its Crunchbase entry.
        twitter: Its Twitter account.
        linkedin: Its LinkedIn page.
        size: How many people it employs, as written (``51-200 employees``).
        year_founded: The year it was founded.
        locations: Where it is.
        funding: How it is funded.
        other_names: Other names it goes by.
        videos: Videos about it.
    """

    SIGNS: ClassVar[tuple[str, ...]] = (
        "overview",
        "crunchbase",
        "yearFounded",
        "funding",
        "locations",
        "otherNames",
    )
    """Keys only companies have: with ``type: profile``, they make a company, not a person."""

    name: str | None = field("The company's name.", example="6sense", default=None)
    overview: str | None = field("What it does.", default=None)
    website: str | None = field("Its site.", example="https://www.6sense.com/", default=None)
    crunchbase: Link | None = field("Its Crunchbase entry.", default=None)
    twitter: Twitter | None = field("Its Twitter account.", default=None)
    linkedin: LinkedIn | None = field("Its LinkedIn page.", default=None)
    size: str | None = field(
        "How many people it employs, as written.", example="51-200 employees", default=None
    )
    year_founded: int | None = field("The year it was founded.", example=2016, default=None)
    locations: list[str] | None = field("Where it is.", example=["Seattle, WA"], default=None)
    funding: Funding | None = field("How it is funded.", default=None)
    other_names: list[str] | None = field("Other names it goes by.", default=None)
    videos: list[Link] | None = field("Videos about it.", default=None)


@model(key_order="status")
class Funding:
    """How a company is funded.

    Attributes:
        status: Its stage, as written (``Late Stage Venture``, ``M&A``).
        extra: Keys the model does not know, in file order.
    """

    status: str | None = field("Its stage, as written.", example="Late Stage Venture", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


# --- events and projects --------------------------------------------------------------------


@model(
    key_order=(
        f"{_NAMED_HEAD} startDateTime endDateTime location heat removed published provider "
        "topics tags images secured"
    ),
    types=("conference", "event", "summit", "meetup", "webinar", "workshop", "hackathon"),
    folders=("_events",),
)
class Event(Record):
    """An event: a conference, summit, meetup or webinar (``type: conference``, ...).

    Attributes:
        name: The event's name.
        start_date_time: When it starts.
        end_date_time: When it ends.
        location: Where it takes place (``Online``, a city).
        website: Its site.
    """

    name: str | None = field("The event's name.", example="RSS 2020", default=None)
    start_date_time: dt.datetime | None = field(
        "When it starts (ISO 8601 with a time zone).",
        example="2020-07-12T08:00:00-08:00",
        default=None,
    )
    end_date_time: dt.datetime | None = field(
        "When it ends (ISO 8601 with a time zone).", default=None
    )
    location: str | None = field("Where it takes place.", example="Online", default=None)
    website: str | None = field("Its site.", default=None)


@model(key_order="url watches stars forks languages")
class GitHub:
    """A project's GitHub repository and its counts.

    Attributes:
        url: The repository.
        watches: How many people watch it.
        stars: How many stars it has.
        forks: How many forks it has.
        languages: Its programming languages.
        extra: Keys the model does not know, in file order.
    """

    url: str | None = field(
        "The repository.", example="https://github.com/accord-net/framework/", default=None
    )
    watches: int | None = field("How many people watch it.", example=376, default=None)
    stars: int | None = field("How many stars it has.", example=3522, default=None)
    forks: int | None = field("How many forks it has.", example=1646, default=None)
    languages: list[str] | None = field("Its programming languages.", example=["C#"], default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(
    key_order=(
        f"{_NAMED_HEAD} publishedDateTime updatedDateTime heat removed published github "
        "provider topics tags images related secured"
    ),
    types=("code", "project"),
    folders=("_projects",),
)
class Project(Record):
    """A software project (``type: code``), with its repository.

    Attributes:
        name: The project's name.
        website: Its site.
        github: Its GitHub repository.
    """

    name: str | None = field("The project's name.", example="Accord.NET Framework", default=None)
    website: str | None = field("Its site.", default=None)
    github: GitHub | None = field("Its GitHub repository.", default=None)


# --- communities and challenges -------------------------------------------------------------


@model(
    key_order=(
        "name title excerpt originalUrl webUrl type members heat removed published provider "
        "topics images secured"
    ),
    types=("forum", "community", "group"),
    folders=("_communities",),
)
class Community(Record):
    """A community: a forum, group or user group (``type: forum`` or ``community``).

    Attributes:
        name: The community's name.
        members: How many members it has.
    """

    name: str | None = field(
        "The community's name.", example="Power Apps Facebook Group", default=None
    )
    members: int | None = field("How many members it has.", example=8400, default=None)


@model(key_order="name times")
class Company:
    """A company that asks a coding challenge in its interviews.

    Attributes:
        name: The company's name.
        times: How often it was reported asking it.
        extra: Keys the model does not know, in file order.
    """

    name: str | None = field("The company's name.", default=None)
    times: int | None = field("How often it was reported asking it.", default=None)
    extra: dict[str, Any] = extra_field(factory=dict)


@model(
    key_order=f"{_PAGE_HEAD} levels companies provider topics images secured",
    types=("challenge",),
    folders=("_challenges",),
)
class Challenge(Record):
    """A coding challenge (``type: challenge``, or in a ``_challenges`` folder).

    Attributes:
        levels: How hard it is (``Easy``, ``Medium``, ``Hard``).
        companies: Companies reported to ask it.
    """

    levels: list[str] | None = field("How hard it is.", example=["Medium"], default=None)

    companies: list[Company] | None = field("Companies reported to ask it.", default=None)


AnyRecord: TypeAlias = Record | Organization
"""Any kind of record file: the content kinds, and organizations (which have no type)."""

KINDS: tuple[type[Record] | type[Organization], ...] = (
    Article,
    Video,
    Course,
    Collection,
    Book,
    Download,
    Profile,
    CompanyProfile,
    Event,
    Project,
    Community,
    Challenge,
    Organization,
    Record,
)
"""Every kind of record file, most specific first; ``Record`` catches unknown types."""
