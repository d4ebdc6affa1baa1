"""The reference record: every typed value, and byte-exact round trips."""

from __future__ import annotations

import datetime as dt

import newsrecord
from newsrecord import Article, Image, Provider, RelatedArticle, Secured


def test_seed_round_trips_byte_for_byte(seed_text: str) -> None:
    assert newsrecord.loads(seed_text).dumps() == seed_text


def test_seed_from_scratch_gives_the_seed_back(seed_text: str) -> None:
    doc = newsrecord.loads(seed_text)
    rebuilt = newsrecord.from_dict(newsrecord.to_dict(doc.record))
    assert newsrecord.dumps(rebuilt, body=doc.body) == seed_text


def test_seed_typed_values(seed_text: str) -> None:
    doc = newsrecord.loads(seed_text)
    r = doc.record
    assert isinstance(r, Article)
    assert r.category == "news"
    assert r.title == "Artificial intelligence makes its way into the music and film industries"
    assert r.excerpt is not None
    assert r.excerpt.startswith("This year, artificial intelligence (AI) has taken")
    assert "industries.\u00a0The sensational" in r.excerpt
    assert r.published_date_time == dt.datetime(2023, 11, 19, 21, 7, tzinfo=dt.UTC)
    assert r.updated_date_time is None
    url = (
        "https://sbstatesman.com/122531/arts/artificial-intelligence-makes-its-way-into-"
        "the-music-and-film-industries/"
    )
    assert r.original_url == url
    assert r.web_url == url
    assert r.amp_web_url is None
    assert r.type == "article"
    assert r.quality == 38
    assert r.heat == 38
    assert r.published is False
    assert r.removed is None
    assert r.featured_content is None
    assert r.provider == Provider(name="The Statesman", domain="sbstatesman.com")
    assert r.topics == ["AI in Robotics", "AI"]
    assert r.images == [
        Image(
            url="https://sbstatesman.com/wp-content/uploads/2023/11/AI-In-music-and-film.png",
            width=2001,
            height=1001,
            is_cached=True,
        )
    ]
    assert r.related is not None
    assert len(r.related) == 1
    related = r.related[0]
    assert isinstance(related, RelatedArticle)
    assert related.title is not None
    assert related.title.startswith("The AI industry must make sure")
    assert related.published_date_time == dt.datetime(2023, 11, 24, 12, 30, tzinfo=dt.UTC)
    assert (
        related.web_url == "https://www.aol.com/news/ai-industry-must-sure-important-103000190.html"
    )
    assert related.type == "article"
    assert related.quality == 31
    assert related.provider == Provider(name="AOL", domain="aol.com")
    assert related.images is not None
    assert related.images[0].width == 1140
    assert related.images[0].height == 760
    assert related.images[0].is_cached is True
    assert isinstance(r.secured, Secured)
    assert r.secured.raw.startswith("ltnXZZfaXkGmpNZI7FTA")
    assert r.secured.raw.endswith(";FOdXFgfOB6jYEf82o4rETA==")
    assert len(r.secured.iv) == 16
    assert len(r.secured.ciphertext) % 16 == 0
    assert r.extra == {}
    assert doc.body == "\n"
    assert doc.newline == "\n"
