"""Edits of a document, line by line: each changes exactly the lines it should."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import SEED_TEXT

import newsrecord
from newsrecord import Image
from newsrecord.document import entry_lines


def _diff(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
    )
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++")]


def _edit(text: str, change: Callable[[Any], None]) -> list[str]:
    doc = newsrecord.loads(text)
    change(doc.record)
    return _diff(text, doc.dumps())


EDITS: list[tuple[str, Callable[[Any], None], list[str]]] = [
    (
        "a double-quoted title stays double-quoted, with escapes",
        lambda r: setattr(r, "title", 'A "new" title'),
        [
            '-title: "Artificial intelligence makes its way into the music and film industries"\n',
            '+title: "A \\"new\\" title"\n',
        ],
    ),
    (
        "a plain number stays plain, even a large negative one",
        lambda r: setattr(r, "heat", -2147483598),
        ["-heat: 38\n", "+heat: -2147483598\n"],
    ),
    (
        "a new date goes to its place in the key order",
        lambda r: setattr(r, "updated_date_time", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        ["+updatedDateTime: 2024-01-02T03:04:05Z\n"],
    ),
    (
        "appending to a block list adds one item in its style",
        lambda r: r.topics.append("Machine learning"),
        ["+  - Machine learning\n"],
    ),
    (
        "removing a list item removes its line",
        lambda r: r.topics.pop(0),
        ["-  - AI in Robotics\n"],
    ),
    (
        "a new image copies the style of its siblings",
        lambda r: r.images.append(Image(url="https://x.example/z.png", width=1, height=2)),
        ['+  - url: "https://x.example/z.png"\n', "+    width: 1\n", "+    height: 2\n"],
    ),
    (
        "None removes a nested field's line",
        lambda r: setattr(r.provider, "domain", None),
        ["-  domain: sbstatesman.com\n"],
    ),
    (
        "removing the first key of a list item keeps the dash",
        lambda r: setattr(r.images[0], "url", None),
        [
            '-  - url: "https://sbstatesman.com/wp-content/uploads/2023/11/AI-In-music-and-film.png"\n',
            "-    width: 2001\n",
            "+  - width: 2001\n",
        ],
    ),
    (
        "an unknown key is added at the end, in the house style",
        lambda r: r.extra.update(note="checked by hand"),
        ["+note: checked by hand\n"],
    ),
    (
        "a string that looks like a number is quoted",
        lambda r: setattr(r.provider, "name", "2024"),
        ["-  name: The Statesman\n", '+  name: "2024"\n'],
    ),
]


@pytest.mark.parametrize(("change", "expected"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_edit_changes_only_its_lines(
    seed_text: str, change: Callable[[Any], None], expected: list[str]
) -> None:
    assert _edit(seed_text, change) == expected


def test_removing_a_block_takes_the_blank_line_before_it(seed_text: str) -> None:
    diff = _edit(seed_text, lambda r: setattr(r, "provider", None))
    assert diff == [
        "-\n",
        "-provider:\n",
        "-  name: The Statesman\n",
        "-  domain: sbstatesman.com\n",
    ]


def test_crlf_comments_and_trailing_spaces_stay() -> None:
    text = (
        "---\r\n# kept comment\r\ncategory: news\r\ntitle: 'Old'  # why\r\n"
        "heat: 1 \r\ntopics: [a, b]\r\n---\r\nbody\r\n"
    )
    doc = newsrecord.loads(text)
    doc.record.title = "It's new"
    doc.record.topics.append("c")
    assert doc.dumps() == (
        "---\r\n# kept comment\r\ncategory: news\r\ntitle: 'It''s new'  # why\r\n"
        "heat: 1 \r\ntopics: [a, b, c]\r\n---\r\nbody\r\n"
    )


def test_changing_the_body_leaves_the_front_matter_alone(seed_text: str) -> None:
    doc = newsrecord.loads(seed_text)
    doc.body = "<p>New body</p>\n"
    assert doc.dumps() == seed_text[: -len("\n")] + "<p>New body</p>\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("fence", ["---", "..."])
@pytest.mark.parametrize("invalid", [False, True])
def test_a_body_given_to_a_file_ending_at_its_closing_line_starts_on_a_line_of_its_own(
    newline: str, fence: str, invalid: bool
) -> None:
    # The file ends with its closing line and no line break: the body must not join it,
    # or the front matter would never close again.
    heat = "hot" if invalid else "3"
    text = newline.join(["---", "title: a", f"heat: {heat}", fence])
    doc = newsrecord.loads(text, strict=not invalid)
    doc.body = "Hello\n"
    written = doc.dumps()
    assert written == text + newline + "Hello\n"
    assert newsrecord.loads(written, strict=False).body == "Hello\n"
    if not invalid:
        doc.record.title = "b"
        assert doc.dumps() == written.replace("title: a", "title: b")


def test_block_scalars_stay_block_scalars() -> None:
    text = "---\ntitle: x\nexcerpt: |\n  line one\n  line two\nheat: 1\n---\n"
    doc = newsrecord.loads(text)
    doc.record.excerpt = "first\nsecond\n"
    assert doc.dumps() == "---\ntitle: x\nexcerpt: |\n  first\n  second\nheat: 1\n---\n"


def test_locate_gives_the_place_of_a_value(seed_text: str) -> None:
    doc = newsrecord.loads(seed_text, path="seed.md")
    assert doc.locate("title") == (3, 8)
    assert doc.locate("images[0].width") == (23, 12)
    assert doc.locate("related[0].provider.name") == (34, 13)
    assert doc.locate("images[5]") is None
    assert doc.locate("updatedDateTime") is None
    with pytest.raises(newsrecord.ValidationError):
        doc.locate("images[")


def test_new_booleans_and_dates_follow_the_old_spelling() -> None:
    text = "---\ntitle: x\npublished: False\npublishedDateTime: 2020-01-01T00:00:00+00:00\n---\n"
    doc = newsrecord.loads(text)
    doc.record.published = True
    doc.record.published_date_time = dt.datetime(2021, 2, 3, tzinfo=dt.UTC)
    assert doc.dumps() == (
        "---\ntitle: x\npublished: True\npublishedDateTime: 2021-02-03T00:00:00+00:00\n---\n"
    )


@pytest.mark.parametrize(
    ("line", "edited"),
    [
        ("  domain:\n", "  domain: example.com\n"),
        ("  domain: \n", "  domain: example.com\n"),
        ("  domain: ~\n", "  domain: example.com\n"),
        ("  domain:   # unknown\n", "  domain: example.com # unknown\n"),
    ],
)
def test_a_null_value_is_filled_in_on_its_line(line: str, edited: str) -> None:
    text = f"---\ntitle: x\nprovider:\n  name: P\n{line}---\n"
    doc = newsrecord.loads(text)
    doc.record.provider.domain = "example.com"
    assert doc.dumps() == text.replace(line, edited)


def test_a_flow_mapping_that_gains_a_key_stays_on_its_line() -> None:
    text = "---\ntitle: x\nprovider: {name: P, domain: p.example}\nheat: 1\n---\n"
    doc = newsrecord.loads(text)
    doc.record.provider.images = []
    doc.record.provider.domain = None
    assert doc.dumps() == "---\ntitle: x\nprovider: {name: P, images: []}\nheat: 1\n---\n"


def test_a_record_held_across_saves_goes_on_editing_the_file(
    seed_file: Path, seed_text: str
) -> None:
    # rec = doc.record; rec.heat = 1; doc.save(); rec.heat = 2; doc.save(): the second
    # change was lost when saving put a new record object in the document.
    path = seed_file
    doc = newsrecord.load(path)
    record = doc.record
    record.heat = 1
    doc.save()
    record.heat = 2
    record.topics.append("Saved twice")
    doc.save()
    assert doc.record is record
    again = newsrecord.load(path).record
    assert (again.heat, again.topics[-1]) == (2, "Saved twice")
    assert _diff(seed_text, path.read_text(encoding="utf-8")) == [
        "-heat: 38\n",
        "+heat: 2\n",
        "+  - Saved twice\n",
    ]


def test_after_a_save_the_document_stands_for_the_saved_text(seed_file: Path) -> None:
    # save() keeps the record it wrote and parses the new text's nodes: places, the
    # record as loaded and further splices are those of the saved text.
    path = seed_file
    doc = newsrecord.load(path)
    before = doc.locate("secured")
    assert before is not None
    doc.record.topics[0:0] = ["One", "Two"]  # two lines above the blob
    doc.save()
    assert doc.text == path.read_text(encoding="utf-8") == doc.dumps()
    assert not doc.is_modified()
    assert doc.locate("secured") == (before[0] + 2, before[1])
    assert doc.original() == newsrecord.load(path).record == doc.record
    doc.record.heat = 5
    assert _diff(path.read_text(encoding="utf-8"), doc.dumps()) == ["-heat: 38\n", "+heat: 5\n"]


def test_a_record_of_another_kind_saved_makes_the_document_of_that_kind(
    seed_file: Path,
) -> None:
    path = seed_file
    doc = newsrecord.load(path)
    article = doc.record
    video = newsrecord.Video(title=article.title, type="video", heat=3)
    doc.record = video
    doc.save()
    assert doc.kind is newsrecord.Video
    assert doc.record is video
    assert newsrecord.load(path).record == video == doc.original()
    video.heat = 4
    assert _diff(path.read_text(encoding="utf-8"), doc.dumps()) == ["-heat: 3\n", "+heat: 4\n"]


def test_a_record_held_across_a_repair_goes_on_editing_the_document() -> None:
    doc = newsrecord.loads("---\ntitle: a\ntype: article\nheat: 1\nheat: 2\n---\nbody\n")
    record = doc.record
    assert [problem.message.split(":")[0] for problem in doc.repair()] == ["duplicate-keys"]
    record.heat = 7
    assert doc.dumps() == "---\ntitle: a\ntype: article\nheat: 7\n---\nbody\n"


def test_a_repaired_document_pickles_as_repaired() -> None:
    import pickle

    twice = "---\ntitle: a\ntype: article\nheat: 1\nheat: 2\n---\nbody\n"
    doc = newsrecord.loads(twice)
    doc.repair()
    copied = pickle.loads(pickle.dumps(doc))  # noqa: S301  # our own bytes
    assert (copied.text, copied.dumps()) == (twice, twice.replace("heat: 1\n", ""))
    unquoted = "---\ntitle: Foo: bar\ntype: article\n---\nbody\n"
    for strict in (True, False):
        text = unquoted if strict else unquoted.replace("\n---\nbody", "\nheat: hot\n---\nbody")
        opened = newsrecord.loads(text, repair=True, strict=strict)
        assert bool(opened.problems) is not strict
        copied = pickle.loads(pickle.dumps(opened))  # noqa: S301  # our own bytes
        assert (copied.text, copied.dumps()) == (opened.text, opened.dumps())
        assert copied.get("title") == "Foo: bar"


def test_edit_with_repair_saves_the_quoted_value_and_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Foo: bar\ntype: article\nheat: 1\n---\nbody\n")
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.load(path)
    assert caught.value.fixes == (newsrecord.errors.TextFix(11, 19, '"Foo: bar"'),)
    import pickle

    assert pickle.loads(pickle.dumps(caught.value)).fixes == caught.value.fixes  # noqa: S301
    with newsrecord.edit(path, repair=True) as doc:
        assert doc.is_modified()
        doc.record.heat = 2
    assert path.read_text() == '---\ntitle: "Foo: bar"\ntype: article\nheat: 2\n---\nbody\n'
    assert not doc.is_modified()
    assert doc.repair() == []  # the repair made on opening is saved, no longer to report


def test_a_repair_that_cannot_be_made_safely_raises_a_record_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsrecord._write import splice

    text = "---\ntitle: a\ntype: article\nheat: 1\nheat: 2\n---\nbody\n"
    doc = newsrecord.loads(text)

    def broken(current: str, edits: object) -> object:
        raise splice.SpliceError("overlapping edits")  # as a bug of the splicer would

    monkeypatch.setattr(splice, "begin_edits", broken)
    with pytest.raises(newsrecord.RecordError, match="'duplicate-keys' would change"):
        doc.repair()
    monkeypatch.undo()
    assert doc.dumps() == text
    doc.record.heat = 3
    assert doc.dumps() == text.replace("heat: 2", "heat: 3")


INVALID = "---\ntitle: A\ntype: article\nheat: hot\ntopics:\n  - AI\n---\nbody\n"


def test_a_document_that_does_not_fit_the_model_pickles_and_copies_with_its_edits() -> None:
    import copy
    import pickle

    doc = newsrecord.loads(INVALID, strict=False)
    doc.set("excerpt", "A repair under way")
    doc.body = "new body\n"
    for clone in (pickle.loads(pickle.dumps(doc)), copy.deepcopy(doc)):  # noqa: S301
        assert not clone.valid
        assert clone.dumps() == doc.dumps()
        assert clone.text == INVALID
        assert clone.is_modified()
        clone.set("heat", 3)  # the repair goes on in the copy alone
        assert clone.valid
        assert not doc.valid


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [("title", 3, "title"), ("topics[0]", 3, "topics[0]"), ("excerpt", True, "excerpt")],
)
def test_a_value_of_the_wrong_type_in_a_repair_is_named_not_called_a_bug(
    field: str, value: object, named: str
) -> None:
    doc = newsrecord.loads(INVALID, strict=False, path="news/a.md")
    with pytest.raises(newsrecord.ValidationError, match="expected a string") as caught:
        doc.set(field, value)
    assert "bug" not in str(caught.value)
    assert (caught.value.path, caught.value.field) == ("news/a.md", named)
    assert doc.dumps() == INVALID  # left as it was
    with pytest.raises(newsrecord.ValidationError, match="expected a string"):
        doc.append("topics", 3)


def test_text_assigned_to_a_value_class_field_is_told_to_wrap_it() -> None:
    course = newsrecord.Course(title="c")
    with pytest.raises(newsrecord.FieldTypeError, match=r"Duration\(text\)"):
        course.length = "PT2H"  # type: ignore[assignment]
    with pytest.raises(newsrecord.FieldTypeError, match=r"Price\(text\)") as caught:
        course.price = "$9.99"  # type: ignore[assignment]
    # It said "must be a price such as 'Free' or '$40.34', not str '$9.99'": what was
    # wrong is that it is text, and the text is not repeated (a blob would be).
    assert str(caught.value) == (
        "price: price must be a Price, not text: wrap it, Price(text), or set it from text "
        "with set_field"
    )


def test_a_list_item_that_does_not_fit_is_named_by_its_index() -> None:
    record = newsrecord.Article(title="t")
    with pytest.raises(newsrecord.FieldTypeError) as caught:
        record.images = [newsrecord.Image(url="/a.png"), "b.png"]  # type: ignore[list-item]
    assert caught.value.field == "images[1]"
    assert str(caught.value) == "images[1]: images[1] must be an Image, not str 'b.png'"


def test_problems_found_on_writing_name_the_file_the_line_and_the_whole_path() -> None:
    text = "---\ntitle: A\ntopics:\n  - x\nimages:\n  - url: /a\n    width: 1\n---\n"
    doc = newsrecord.loads(text, path="news/a.md")
    doc.record.topics.append(5)  # type: ignore[arg-type]  # on purpose
    object.__setattr__(doc.record.images[0], "width", "wide")  # past the assignment check
    doc.record.images[0].height = 3
    with pytest.raises(newsrecord.ValidationError) as caught:
        doc.dumps()
    placed = [(p.path, p.line, p.column, p.field) for p in caught.value.problems]
    assert sorted(placed, key=str) == [
        ("news/a.md", 4, 3, "topics[1]"),  # a new item: at its list
        ("news/a.md", 7, 12, "images[0].width"),  # at the value it replaces
    ]


def test_a_bad_duration_is_a_record_error_and_a_value_error() -> None:
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.Duration("bogus")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(newsrecord.ValidationError, match="negative"):
        newsrecord.Duration.of(dt.timedelta(days=-1))


def test_a_record_without_a_type_in_an_organizations_folder_is_an_organization() -> None:
    text = "---\nname: Acme\ndomain: acme.example\n---\n"
    assert type(newsrecord.loads(text, path="_data/organizations/acme.md").record) is (
        newsrecord.Organization
    )
    assert type(newsrecord.loads(text, path="elsewhere/acme.md").record) is newsrecord.Record


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("title", None, "expected a string"),  # a good value: never made bad
        ("quality", "abc", "expected an integer"),  # a missing one: never added bad
        ("publishedDateTime", "yesterday", "date"),
    ],
)
def test_an_edit_of_a_record_that_does_not_fit_never_breaks_a_value_that_fits(
    field: str, text: str | None, message: str
) -> None:
    doc = newsrecord.loads(INVALID, strict=False, path="news/a.md")
    value, parse = (3, False) if text is None else (text, True)
    with pytest.raises(newsrecord.ValidationError, match=message) as caught:
        doc.set(field, value, parse=parse)
    assert (caught.value.path, caught.value.field) == ("news/a.md", field)
    assert doc.dumps() == INVALID


def test_a_value_that_did_not_fit_may_be_replaced_by_another_on_the_way_to_a_repair() -> None:
    doc = newsrecord.loads(INVALID, strict=False)
    doc.set("heat", "warm")  # heat did not fit before: the repair is the user's to finish
    assert doc.dumps() == INVALID.replace("heat: hot", "heat: warm")
    doc.set("heat", "7", parse=True)
    assert doc.valid
    assert doc.record.heat == 7


def test_unsetting_a_required_field_of_a_record_that_does_not_fit() -> None:
    doc = newsrecord.loads(INVALID, strict=False, path="news/a.md")
    with pytest.raises(newsrecord.ValidationError, match="title is required") as caught:
        doc.unset("title")  # a good value: the record could never be valid without it
    assert (caught.value.path, caught.value.field) == ("news/a.md", "title")
    assert doc.dumps() == INVALID
    broken = newsrecord.loads(INVALID.replace("title: A", "title: [A]"), strict=False)
    broken.unset("title")  # a value that does not fit may go, on the way to a repair
    assert "title" not in broken.dumps()


@pytest.mark.parametrize("parse", [False, True])
def test_setting_a_required_field_to_null_is_unsetting_it(parse: bool) -> None:
    # `set title=null` removed the title that `unset title` keeps.
    doc = newsrecord.loads(INVALID, strict=False, path="news/a.md")
    with pytest.raises(newsrecord.ValidationError, match="title is required") as caught:
        doc.set("title", "null" if parse else None, parse=parse)
    assert (caught.value.path, caught.value.field) == ("news/a.md", "title")
    assert doc.dumps() == INVALID
    doc.set("heat", "null" if parse else None, parse=parse)  # not required: it goes
    assert doc.dumps() == INVALID.replace("heat: hot\n", "")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2024-12-15T00:00:00Z", "2024-12-15T00:00:00Z"),
        ("2024-12-15", "2024-12-15T00:00:00Z"),  # no zone: UTC, as YAML says
        ("2024-12-15 10:00:00 +02:00", "2024-12-15T10:00:00+02:00"),
    ],
)
def test_a_date_time_set_from_text_on_a_record_that_does_not_fit_is_a_timestamp(
    text: str, written: str
) -> None:
    # It was written as quoted text, which Jekyll reads as a string, not a time.
    bad = INVALID.replace("heat: hot\n", "heat: hot\npublishedDateTime: 2024-13-45\n")
    doc = newsrecord.loads(bad, strict=False)
    doc.set("publishedDateTime", text, parse=True)
    assert doc.dumps() == bad.replace("2024-13-45", written)
    doc.set("heat", 1)
    assert doc.record.published_date_time == dt.datetime.fromisoformat(written)


def test_a_repaired_document_writes_a_date_time_set_from_text_as_a_timestamp_in_its_place() -> None:
    text = "---\ntitle: A\ntype: article\npublishedDateTime: 2023-11-19T21:07:00Z\nheat: hot\n---\n"
    doc = newsrecord.loads(text, strict=False)
    doc.set("publishedDateTime", "2024-02-02T00:00:00Z")
    doc.set("updatedDateTime", "2024-01-01T00:00:00Z")
    doc.set("heat", 1)
    assert doc.dumps() == (
        "---\ntitle: A\ntype: article\npublishedDateTime: 2024-02-02T00:00:00Z\n"
        "updatedDateTime: 2024-01-01T00:00:00Z\nheat: 1\n---\n"
    )


_BOTH_WAYS = """\
---
title: "A"
type: article
publishedDateTime: 2023-11-19T21:07:00Z
heat: 1
provider:
  name: P
images:
  - url: "https://example.com/a.png"
    width: 10
topics:
  - AI
---
body
"""

_WORDS = st.text(st.sampled_from("ab :#'\"-1[{,"), min_size=1, max_size=8)
_WHEN = st.datetimes(
    min_value=dt.datetime(1970, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=2))]),
)
_WHEN_TEXT = st.one_of(
    _WHEN.map(lambda when: when.replace(microsecond=0).isoformat().replace("+00:00", "Z")),
    st.dates(min_value=dt.date(1970, 1, 1)).map(str),
    st.sampled_from(["2024-02-02T00:00:00Z", "2024-02-02 10:00:00 +02:00", "2024-2-2"]),
)
_RELATED = st.fixed_dictionaries(
    {"title": _WORDS}, optional={"publishedDateTime": _WHEN_TEXT, "quality": st.integers(0, 9)}
)
_EDITS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["title", "excerpt", "provider.name", "category"]), _WORDS),
        st.tuples(st.just("originalUrl"), _WORDS.map(lambda word: "https://example.com/" + word)),
        st.tuples(st.sampled_from(["publishedDateTime", "updatedDateTime"]), _WHEN_TEXT | _WHEN),
        st.tuples(st.sampled_from(["quality", "images[0].height"]), st.integers(0, 100)),
        st.tuples(st.sampled_from(["topics", "tags"]), st.lists(_WORDS, min_size=1, max_size=3)),
        st.tuples(st.just("related"), st.lists(_RELATED, min_size=1, max_size=2)),
        st.tuples(
            st.just("provider"),
            st.fixed_dictionaries({"name": _WORDS}, optional={"domain": _WORDS}),
        ),
    ),
    min_size=1,
    max_size=4,
)


@given(_EDITS)
def test_an_edit_is_written_the_same_whether_or_not_another_value_is_still_broken(
    edits: list[tuple[str, Any]],
) -> None:
    # A document that did not fit the model wrote date-times given as text quoted (a
    # string to Jekyll, not a time), new keys after every other key, and dicts in the
    # order given: once repaired, its text was not that of the same edits of a valid one.
    # An edit of a document that does not fit is spliced in at once, and the next one
    # edits that text: so is each edit of the valid one here (a value's style is that
    # of the value it replaces, which a plain "1" is not).
    good = newsrecord.loads(_BOTH_WAYS)
    bad = newsrecord.loads(_BOTH_WAYS.replace("heat: 1", "heat: hot"), strict=False)
    for field, value in edits:
        good.set(field, copy.deepcopy(value))
        good = newsrecord.loads(good.dumps())
        bad.set(field, copy.deepcopy(value))
    bad.set("heat", 1)
    assert bad.valid
    assert bad.dumps() == good.dumps()
    assert bad.record == good.record


ENTRIES = """\
---
title: "T"  # a comment
images:
  - url: /a.png
    width: 1

  - url: /b.png
provider: {name: P}
related:
  - title: "R"
    webUrl: "https://example.com/r"
---
"""


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        (("title",), ('title: "T"  # a comment\n', "")),
        (("images",), ("images:\n  - url: /a.png\n    width: 1\n\n  - url: /b.png\n", "")),
        (("images", 0), ("  - url: /a.png\n    width: 1\n\n", "  ")),
        (("images", 1), ("  - url: /b.png\n", "  ")),
        (("related", 0, "webUrl"), ('    webUrl: "https://example.com/r"\n', "    ")),
        (("related", 0, "title"), None),  # shares its line with the item's dash
        (("provider", "name"), None),  # in a flow mapping
        (("missing",), None),
    ],
)
def test_entry_lines_are_an_entry_s_own_lines(
    path: tuple[str | int, ...], lines: tuple[str, str] | None
) -> None:
    doc = newsrecord.loads(ENTRIES)
    found = entry_lines(doc, path)
    assert (None if found is None else (ENTRIES[found[0] : found[1]], found[2])) == lines


@pytest.mark.parametrize("replaced", [False, True])
def test_an_object_s_unknown_keys_assigned_in_another_order_are_spliced(replaced: bool) -> None:
    # The file's keys keep their order and the new one comes after them; reading that
    # back, the object's extra compared key order and all, and the edit was taken for a
    # wrong splice (the whole front matter written again, in the house style).
    text = '---\ntitle: ""\ntype: article\nprovider:\n  authors:\n    - B: null\n---\nbody\n'
    doc = newsrecord.loads(text)
    extra = {"A": None, "B": None}
    if replaced:
        record = copy.deepcopy(doc.record)
        record.provider.authors[0].extra = extra
        doc.record = record
    else:
        doc.record.provider.authors[0].extra = extra
    assert doc.dumps() == text.replace("- B: null\n", "- B: null\n      A: null\n")


def test_errors_of_edits_name_the_file_line_column_and_whole_field(tmp_path: Path) -> None:
    import gc

    path = tmp_path / "a.md"
    path.write_text(SEED_TEXT, encoding="utf-8")
    doc = newsrecord.load(path)
    width = doc.locate("images[0].width")
    assert width is not None
    image = doc.record.images[0]
    with pytest.raises(newsrecord.FieldTypeError) as caught:
        image.width = "wide"  # type: ignore[assignment]
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(path), *width)
    assert caught.value.field == "images[0].width"
    assert isinstance(caught.value, TypeError)  # still what Python's own type errors are
    with pytest.raises(newsrecord.ValidationError) as caught:
        doc.record.title = None  # type: ignore[assignment]
    assert str(caught.value) == f"{path}:3:8: title: title is required"
    with pytest.raises(newsrecord.ValidationError) as caught:
        doc.set("provider.name", 3)
    assert (caught.value.line, caught.value.field) == (14, "provider.name")
    with pytest.raises(newsrecord.ValidationError) as caught:
        doc.append("topics", 3)  # not in the text yet: the list's place
    assert (caught.value.line, caught.value.field) == (18, "topics[2]")
    # An object no document holds, or whose document is gone, has no place to name.
    loose = Image(url="https://example.com/a.png")
    with pytest.raises(newsrecord.FieldTypeError) as caught:
        loose.width = "wide"  # type: ignore[assignment]
    assert (caught.value.path, caught.value.line, caught.value.field) == (None, None, "width")
    del doc
    gc.collect()
    with pytest.raises(newsrecord.FieldTypeError) as caught:
        image.width = "wide"  # type: ignore[assignment]
    assert (caught.value.path, caught.value.field) == (None, "width")


UNQUOTED = "---\r\ntitle: Café: “news”\r\ntype: article\r\nheat: 1\r\n---\r\nbody\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "cp1252"])
def test_a_file_in_another_encoding_opens_repaired_and_saves_as_utf8(
    tmp_path: Path, encoding: str
) -> None:
    import pickle

    data = UNQUOTED.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # with its byte order mark, as editors write it
    with pytest.raises(newsrecord.ParseError):
        newsrecord.loads(data, repair=["quote-values"])  # not asked for
    doc = newsrecord.loads(data, repair=True)
    assert doc.text == UNQUOTED  # the text as read
    assert doc.is_modified()  # its bytes are not UTF-8 yet
    copied = pickle.loads(pickle.dumps(doc))  # noqa: S301  # our own bytes
    assert copied.is_modified()
    assert doc.dumps() == UNQUOTED.replace("Café: “news”", '"Café: “news”"')
    told = [problem.message for problem in doc.repair()]
    name = "UTF-16" if encoding.startswith("utf-16") else "Windows-1252"
    assert told == [
        f"utf-8: wrote the file as UTF-8 (it was {name})",
        'quote-values: wrote "Café: “news”"',
    ]
    path = tmp_path / "a.md"
    path.write_bytes(data)
    with newsrecord.edit(path, repair=True) as edited:
        edited.record.heat = 2
    saved = UNQUOTED.replace("Café: “news”", '"Café: “news”"').replace("heat: 1", "heat: 2")
    assert path.read_bytes() == saved.encode("utf-8")
    assert newsrecord.load(path).record.title == "Café: “news”"


def test_a_file_in_another_encoding_changed_meanwhile_is_not_overwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(UNQUOTED.replace("Café: ", "").encode("utf-16"))
    with (  # noqa: PT012  # the block is what writes meanwhile
        pytest.raises(newsrecord.ConflictError),
        newsrecord.edit(path, repair=True) as doc,
    ):
        assert doc.record.title == "“news”"
        path.write_bytes(UNQUOTED.replace("Café: ", "Other ").encode("utf-16"))
    assert path.read_bytes() == UNQUOTED.replace("Café: ", "Other ").encode("utf-16")
    with newsrecord.edit(path, repair=True):
        pass  # nothing else changed: written as UTF-8 all the same
    assert path.read_bytes() == UNQUOTED.replace("Café: ", "Other ").encode("utf-8")
    with pytest.raises(newsrecord.ValidationError, match="no repair named 'utf8'"):
        newsrecord.load(path, repair=["utf8"])


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        (None, "not NoneType"),
        (3, "not int"),
        (Path("a.md"), "load(path) reads a file"),
        ("stream", "read it first (loads(stream.read())), or pass its path to load()"),
    ],
)
def test_loads_says_what_to_pass_instead(given: Any, hint: str, tmp_path: Path) -> None:
    # They said "object of type 'NoneType' has no len()".
    if given == "stream":
        (tmp_path / "a.md").write_text(SEED_TEXT, encoding="utf-8")
        given = (tmp_path / "a.md").open("rb")
    with pytest.raises(TypeError, match="loads\\(\\) takes the text as str or bytes") as caught:
        newsrecord.loads(given)
    assert hint in str(caught.value)
    if hasattr(given, "close"):
        given.close()
    for text in (SEED_TEXT, SEED_TEXT.encode(), bytearray(SEED_TEXT.encode())):
        assert newsrecord.loads(text).dumps() == SEED_TEXT


def test_paths_given_as_bytes_are_one_path(tmp_path: Path) -> None:
    # A bytes path was walked as a sequence of numbers.
    (tmp_path / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    found = list(newsrecord.iter_record_files(os.fsencode(tmp_path)))  # type: ignore[arg-type]
    assert found == [tmp_path / "a.md"]
