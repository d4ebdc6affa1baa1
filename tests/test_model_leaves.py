"""The leaf table and durations: every form real files use, one fact per value type."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsrecord
from newsrecord.model.leaves import LEAVES


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("PT13M34S", dt.timedelta(minutes=13, seconds=34)),
        ("P1M", dt.timedelta(days=30)),
        ("P1Y2W", dt.timedelta(days=379)),
        ("53 hours", dt.timedelta(hours=53)),
        ("6 Weeks", dt.timedelta(weeks=6)),
        ("1:16", dt.timedelta(hours=1, minutes=16)),
        ("0:42", dt.timedelta(minutes=42)),
        ("1:02:03", dt.timedelta(hours=1, minutes=2, seconds=3)),
        ("1h 49m", dt.timedelta(hours=1, minutes=49)),
        ("2 hrs, 30 mins", dt.timedelta(hours=2, minutes=30)),
        ("1.5 hours", dt.timedelta(hours=1, minutes=30)),
        ("3 days and 4 hours", dt.timedelta(days=3, hours=4)),
    ],
)
def test_durations_read_every_form_real_files_use(text: str, length: dt.timedelta) -> None:
    duration = newsrecord.Duration(text)
    assert duration.timedelta == length
    assert str(duration) == text


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "13 furlongs", "soon", "1:75", "-1 hours"])
def test_what_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        newsrecord.Duration(text)


def test_a_duration_keeps_its_text_through_load_and_save() -> None:
    text = "---\ntitle: C\ntype: course\nlength: 1h 49m\nheat: 1\n---\n"
    doc = newsrecord.loads(text)
    doc.record.heat = 2
    assert doc.dumps() == text.replace("heat: 1", "heat: 2")


def test_a_timedelta_assigned_becomes_iso_8601_and_a_negative_one_is_refused() -> None:
    course = newsrecord.Course(title="C", length=dt.timedelta(hours=1, minutes=30))
    assert course.length == newsrecord.Duration("PT1H30M")
    with pytest.raises(newsrecord.FieldTypeError, match="length"):
        course.length = dt.timedelta(seconds=-1)


_WORDS = st.sampled_from(["hours", "h", "Weeks", "mins", "minutes", "days", "furlongs", "x"])
_TEXTS = st.one_of(
    st.from_regex(r"P(\d{1,3}[YMWD]){0,3}(T(\d{1,3}[HMS]){0,3})?", fullmatch=True),
    st.builds(lambda n, unit: f"{n} {unit}", st.integers(0, 999), _WORDS),
    st.from_regex(r"\d{1,3}:\d{2}(:\d{2})?", fullmatch=True),
    st.text(alphabet="0123456789PTHMSDWY: ,.hm", max_size=12),
)


@given(_TEXTS)
def test_the_json_schema_pattern_takes_exactly_what_the_library_takes(text: str) -> None:
    try:
        newsrecord.Duration(text)
        taken = True
    except ValueError:
        taken = False
    assert (re.search(newsrecord.Duration.SCHEMA_PATTERN, text) is not None) == taken


@pytest.mark.parametrize("tp", list(LEAVES))
def test_every_leaf_type_is_in_every_stage(tp: type) -> None:
    leaf = LEAVES[tp]
    schema = newsrecord.json_schema()
    assert leaf.reference in newsrecord.schema_markdown()
    assert leaf.schema["type"] in {"string", "integer", "number", "boolean"}
    assert "$defs" in schema

    @given(leaf.strategy())
    def drawn_values_check_and_round_trip(value: object) -> None:
        assert leaf.check(value), value
        if leaf.format is not None and leaf.parse is not None:
            again = leaf.parse(leaf.format(value))
            assert again == value or (tp is dt.datetime and again.timestamp() == value.timestamp())

    drawn_values_check_and_round_trip()


@pytest.mark.parametrize("offset", ["+24:00", "-24:00", "+99:99"])
def test_an_offset_of_a_day_or_more_is_refused_in_the_words_of_the_format(offset: str) -> None:
    # Python's own words leaked: "offset must be a timedelta strictly between
    # -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=1)".
    text = f"---\ntitle: T\npublishedDateTime: 2024-01-05T10:00:00{offset}\n---\n"
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.loads(text)
    assert str(caught.value) == (
        f"3:20: publishedDateTime: expected an ISO 8601 date-time, found "
        f"'2024-01-05T10:00:00{offset}' (its offset {offset} is not within -23:59 and +23:59)"
    )
    text = text.replace(offset, "+23:59")
    assert newsrecord.loads(text).record.published_date_time.utcoffset() == dt.timedelta(
        hours=23, minutes=59
    )


def test_only_text_that_is_a_string_is_told_about_lone_surrogates() -> None:
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.loads("---\ntitle: [a]\n---\n")
    assert str(caught.value) == "2:8: title: expected a string, found a list"
    doc = newsrecord.loads("---\ntitle: T\ntopics: [a]\n---\n")
    with pytest.raises(newsrecord.ValidationError, match="string, not list"):
        doc.record.title = ["a"]  # type: ignore[assignment]
    with pytest.raises(newsrecord.ValidationError) as caught:
        doc.record.topics = ["a", "\udc00"]
    assert str(caught.value) == (
        "3:9: topics[1]: topics[1] must be a string without lone surrogates, not str '\\udc00'"
    )
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.from_dict({"title": "\ud800"})
    assert str(caught.value) == (
        "title: expected a string without lone surrogates, found the string '\\ud800'"
    )
