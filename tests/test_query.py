"""The query language: parsing, printing, evaluation, errors."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import SEED_TEXT

import newsrecord
from newsrecord import query as q

RECORD = """\
---
title: "Robots learn to paint"
publishedDateTime: 2024-03-05T23:30:00-05:00
type: article
quality: 38
heat: -2
published: false
provider:
  name: The Statesman
  domain: sbstatesman.com
topics:
  - AI in Robotics
  - AI
images:
  - url: "https://example.com/a.png"
    width: 2001
    height: 1001
price: Free
seenOn: 2024-01-02
---
Body.
"""


@pytest.fixture
def record() -> newsrecord.AnyRecord:
    return newsrecord.loads(RECORD).record


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('title == "Robots learn to paint"', True),
        ('title != "Robots learn to paint"', False),
        ("quality == 38", True),
        ("quality == 38.0", True),
        ("quality > 37 and quality <= 38", True),
        ("heat < 0", True),
        ("heat >= -2", True),
        ("published == false", True),
        ("published", False),
        ("not published", True),
        ("published == 0", False),
        ('provider.name == "The Statesman"', True),
        ("images[0].width > 2000", True),
        ("images[5].width > 2000", False),
        ("images[5].width == null", True),
        ('"AI" in topics', True),
        ('"ML" in topics', False),
        ('"ML" not in topics', True),
        ('topics contains "AI in Robotics"', True),
        ('title contains "paint"', True),
        ('"learn" in title', True),
        ('type in ["article", "video"]', True),
        ('type not in ["article", "video"]', False),
        ('title startswith "Robots"', True),
        ('title endswith "paint"', True),
        ('topics startswith "AI in"', True),
        ('title matches "(?i)^robots"', True),
        ('title matches "^paint"', False),
        # 2024-03-05T23:30-05:00 is 2024-03-06T04:30Z: time zones count.
        ("publishedDateTime > 2024-03-06", True),
        ("publishedDateTime < 2024-03-06T05:00Z", True),
        ("publishedDateTime == 2024-03-06T04:30:00+00:00", True),
        ("publishedDateTime > 2024-03-06T00:00:00", True),
        ('publishedDateTime == "2024-03-06T04:30:00Z"', True),
        ("seenOn > 2024-01-01", True),
        ("seenOn < 2024-01-02", False),
        ("exists(provider)", True),
        ("provider.domain exists", True),
        ("exists(secured)", False),
        ("secured == null", True),
        ("secured > 3", False),
        ("title > 3 or title == 3", False),
        ('price == "Free"', True),
        ("missing.field == null and not exists(missing)", True),
        ('(quality > 100 or "AI" in topics) and not (heat > 0)', True),
        ('topics == ["AI in Robotics", "AI"]', True),
        ('`provider`.name == "The Statesman"', True),
        ("quality == 38 AND NOT published Or heat > 100", True),
        ("secured == NULL", True),
    ],
)
def test_matches(record: newsrecord.AnyRecord, expression: str, expected: bool) -> None:
    assert newsrecord.where(expression).matches(record) is expected


def test_matches_takes_a_document() -> None:
    doc = newsrecord.loads(RECORD)
    assert newsrecord.Query.parse("quality == 38").matches(doc)


def test_fields_lists_the_paths_read() -> None:
    query = newsrecord.where('"AI" in topics and (heat > 1 or exists(provider.name)) or topics')
    assert query.fields() == ["topics", "heat", "provider.name"]


def test_queries_pickle() -> None:
    query = newsrecord.where('title matches "paint" and quality > 1')
    again = pickle.loads(pickle.dumps(query))  # noqa: S301  # our own bytes
    assert again == query
    assert again.tree == query.tree
    with pytest.raises(newsrecord.QueryError) as caught:
        newsrecord.where("a ==")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301  # our own bytes
    assert (copy.column, copy.expression) == (5, "a ==")


@pytest.mark.parametrize(
    ("expression", "column", "words"),
    [
        ("", 1, "empty"),
        ("title ==", 9, "expected a field path or a value"),
        ('title == "x', 10, "not closed"),
        ("title = 1", 7, "=="),
        ("(a == 1", 8, "')'"),
        ("a == 1)", 7, "the end"),
        ("a b", 3, "'b'"),
        ("1", 2, "operator"),
        ("exists(1)", 8, "field path"),
        ("1 exists", 1, "field path"),
        ("a == 2024-13-01", 6, "not a date"),
        ("a == [1, 2", 11, "']'"),
        ("a && b", 3, "and"),
        ('title matches "(a+)+$"', 7, "exponential"),
        ('title matches "(ab|a)*c"', 7, "alternation"),
        ('title matches "(a)\\\\1"', 7, "backreferences"),
        ('title matches "("', 7, "not a regular expression"),
        ('title matches "' + "a" * 201 + '"', 7, "longer"),
        ("title matches 1", 7, "pattern"),
        ("title startswith 3", 7, "string"),
        ("a == 1e999", 6, "too large"),
        ("``.x == 1", 1, "empty field name"),
    ],
)
def test_errors_point_at_the_column(expression: str, column: int, words: str) -> None:
    with pytest.raises(newsrecord.QueryError) as caught:
        newsrecord.where(expression)
    error = caught.value
    assert isinstance(error, newsrecord.RecordError)
    assert isinstance(error, ValueError)
    assert error.column == column, str(error)
    assert words in error.message
    assert error.pointer().splitlines()[1] == " " * (column - 1) + "^"


def test_a_query_is_text() -> None:
    with pytest.raises(newsrecord.QueryError):
        newsrecord.where(3)  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------

_keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(
    ["and", "not", "true", "True", "OR", "odd key", "1st"]
)
_paths = st.builds(
    lambda head, rest: head + "".join(rest),
    _keys,
    st.lists(
        st.one_of(_keys.map(lambda key: "." + key), st.integers(-3, 9).map(lambda i: f"[{i}]")),
        max_size=3,
    ),
).filter(lambda path: not path.startswith(("odd key.", "1st."))) | st.just("odd key")

_offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=_offsets),
)
_literals = st.one_of(_scalars, st.lists(_scalars, max_size=3).map(tuple)).map(q.Literal)
_fields = _paths.map(q.Field)
_operands = st.one_of(_fields, _literals)
_comparisons = st.builds(
    q.Compare,
    st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains"]),
    _operands,
    _operands,
) | st.builds(
    q.Compare,
    st.sampled_from(["startswith", "endswith", "matches"]),
    _operands,
    st.text(alphabet="abc.^$ ", max_size=5).map(q.Literal),
)
_leaves = st.one_of(_comparisons, _fields.map(q.Exists), _fields.map(q.Truth))
_trees = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        inner.map(q.Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: q.And(tuple(items))),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: q.Or(tuple(items))),
    ),
    max_leaves=8,
)


@given(_trees)
def test_printing_then_parsing_gives_the_same_tree(tree: q.Node) -> None:
    text = str(tree)
    parsed = newsrecord.where(text)
    assert parsed.tree == tree, text
    assert str(parsed) == text


@given(_trees)
def test_evaluation_never_raises(tree: q.Node) -> None:
    record = newsrecord.loads(RECORD).record
    query = q.Query(str(tree), tree)
    assert query.matches(record) in (True, False)
    assert q.Query(str(tree), q.Not(tree)).matches(record) is not query.matches(record)


_pieces = st.sampled_from(
    [
        "a",
        "b.c",
        "[0]",
        "==",
        "!=",
        "<",
        ">=",
        "and",
        "or",
        "not",
        "in",
        "(",
        ")",
        "[",
        "]",
        ",",
        '"x"',
        "'y",
        "`k`",
        "1",
        "-2.5",
        "2024-01-01",
        "2024-01-01T10:00Z",
        "true",
        "null",
        "exists",
        "matches",
        '"(a+)+"',
        "contains",
        "=",
        "&",
        " ",
        "\t",
        "\u00e9",
    ]
)


@given(st.lists(_pieces, max_size=12).map(" ".join) | st.text(max_size=20))
def test_malformed_expressions_raise_query_error_with_a_column(text: str) -> None:
    column = None
    try:
        query = newsrecord.where(text)
    except newsrecord.QueryError as exc:
        column = exc.column
        assert column is not None
    if column is not None:
        assert 1 <= column <= len(text) + 1
    else:
        # What parses prints to text that parses to the same tree.
        assert newsrecord.where(str(query)).tree == query.tree


@pytest.mark.parametrize(
    ("expression", "clash"),
    [
        ('heat > "40"', "heat is a number in every kind that declares it"),
        # A duration compares as its seconds: it said "length is a number".
        (
            'length > "PT1H"',
            "length is a duration (compared as its seconds) in every kind that declares it",
        ),
        ("title == 5", "compares it with a number"),
        ("publishedDateTime > 5", "publishedDateTime is a date-time"),
        ('published == "true"', "published is true/false"),
        ('images[0].width >= "800"', "images[0].width is a number"),
    ],
)
def test_a_comparison_no_record_can_satisfy_is_named(expression: str, clash: str) -> None:
    (note,) = newsrecord.where(expression).type_clashes()
    assert clash in note
    assert expression in note


@pytest.mark.parametrize(
    "expression",
    [
        "heat > 40",
        "heat == null",
        'publishedDateTime > "2024-01-01"',  # ISO text compares as a date-time
        "publishedDateTime > 2024-01-01",
        "length > 3600",  # a duration compares as seconds
        'nope > "x"',  # unknown keys hold anything
        '"AI" in topics',
    ],
)
def test_comparisons_that_can_match_are_not_named(expression: str) -> None:
    assert newsrecord.where(expression).type_clashes() == []


@pytest.mark.parametrize(
    ("expression", "column", "message"),
    [
        (
            "haet > 30",
            1,
            (
                "'haet' is not a field; did you mean 'heat'? "
                "(`haet` in backquotes asks for a key of that name)"
            ),
        ),
        (
            'published and provider.nmae == "x"',
            15,
            (
                "'provider.nmae' is not a field; did you mean 'provider.name'? "
                "(`provider.nmae` in backquotes asks for a key of that name)"
            ),
        ),
        (
            "not exists(images[0].widht)",
            12,
            (
                "'images[0].widht' is not a field; did you mean 'images[0].width'? "
                "(`images[0].widht` in backquotes asks for a key of that name)"
            ),
        ),
        (
            # Compared with a field, a word without quotes is most likely text.
            "type == video",
            9,
            (
                "'video' is not a field; did you mean 'videos'? "
                '(text goes in quotes: "video"; `video` in backquotes asks for a key of that name)'
            ),
        ),
    ],
)
def test_a_misspelt_field_is_named_at_its_column(
    expression: str, column: int, message: str
) -> None:
    (error,) = newsrecord.where(expression).misspellings()
    assert (error.message, error.column, error.expression) == (message, column, expression)
    assert error.pointer() == f"{expression}\n{' ' * (column - 1)}^"


def test_each_misspelt_field_is_named_once_where_it_is_first_written() -> None:
    query = newsrecord.where("haet > 1 or (tpye == 'x' and haet < 9)")
    assert [(error.column, error.message[:6]) for error in query.misspellings()] == [
        (1, "'haet'"),
        (14, "'tpye'"),
    ]


@pytest.mark.parametrize(
    "expression",
    [
        "heat > 30 and provider.name == 'x' and images[0].width > 1",  # all declared
        "locale == 'en'",  # close to no field: a key of the site's own, maybe
        "`haet` > 30",  # in backquotes: the key as written
        "`provider`.nmae == 'x'",
        "lang == 'en'",  # difflib's 0.6 finds 'length': too far for a refusal
    ],
)
def test_fields_not_close_to_one_or_in_backquotes_are_no_misspellings(expression: str) -> None:
    assert newsrecord.where(expression).misspellings() == []


def test_unknown_fields_are_the_undeclared_paths_outside_backquotes() -> None:
    query = newsrecord.where(
        "locale == 'en' or haet > 1 or `lang` == 'x' or locale != 'de' or heat"
    )
    assert query.unknown_fields() == ["locale", "haet"]
    assert query.fields() == ["locale", "haet", "lang", "heat"]


def test_backquotes_are_kept_in_the_canonical_form() -> None:
    query = newsrecord.where("`haet` > 30 and heat < 2")
    assert str(query) == "`haet` > 30 and heat < 2"
    assert newsrecord.where(str(query)).misspellings() == []
    assert query.tree == newsrecord.where("haet > 30 and heat < 2").tree  # the same match


@pytest.mark.parametrize(
    ("length", "expression", "matched"),
    [
        ("PT2H", "length > 3600", True),
        ("PT30M", "length > 3600", False),
        ("1h 30m", "length == 5400", True),
        ("1:16", "length < 4561", True),  # a clock: hours and minutes
        ("PT7M40S", "length > 3600", False),  # compared as text, "PT7..." > "36..."
    ],
)
def test_a_duration_compares_as_its_seconds(length: str, expression: str, matched: bool) -> None:
    course = newsrecord.Course(title="c", length=newsrecord.Duration(length))
    assert newsrecord.where(expression).matches(course) is matched


def test_a_pattern_that_runs_too_long_is_stopped_with_a_query_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsrecord import query

    slow = newsrecord.where('title matches "x.*y.*z.*=$"')  # polynomial, not refused
    assert not slow.matches(newsrecord.Article(title="x" * 2_000))  # an answer in time
    monkeypatch.setattr(query, "_TIMEOUT", 1e-6)
    with pytest.raises(newsrecord.QueryError, match=r"^the pattern .* took more than"):
        slow.matches(newsrecord.Article(title="x" * 200_000))


def test_patterns_keep_python_syntax_and_meaning() -> None:
    record = newsrecord.Article(title="Robots learn to sing", topics=["AI", "Robots"])
    assert newsrecord.where('title matches "(?i)^robots?\\\\b"').matches(record)
    assert newsrecord.where('topics matches "^Rob"').matches(record)
    assert not newsrecord.where('title matches "sing$x"').matches(record)
    with pytest.raises(newsrecord.QueryError, match="not a regular expression"):
        newsrecord.where('title matches "(unclosed"')


def test_the_pointer_of_a_long_expression_shows_the_place_not_all_of_it() -> None:
    blob = "5pn8kTBc+ur7/vaDL" * 20  # a secured blob pasted without quotes
    with pytest.raises(newsrecord.QueryError) as caught:
        newsrecord.where(f"secured == {blob}")
    text, caret = caught.value.pointer().splitlines()
    assert blob not in text
    assert len(text) < 100
    assert text[caret.index("^")] == "5"  # the caret under the first unexpected character
    short = newsrecord.QueryError("x", expression="heat >> 1", column=7)
    assert short.pointer() == "heat >> 1\n      ^"


NESTED = {
    "parentheses": (lambda n: "(" * n + "exists(title)" + ")" * n, 65),
    "not": (lambda n: "not " * n + "exists(title)", 257),  # 4 columns a 'not'
    "lists": (lambda n: "topics in " + "[" * n + '"a"' + "]" * n, 75),
}


@pytest.mark.parametrize("kind", NESTED)
def test_nesting_past_64_levels_is_a_query_error_at_any_depth(kind: str) -> None:
    nest, column = NESTED[kind]
    record = newsrecord.loads(SEED_TEXT).record
    assert isinstance(newsrecord.where(nest(64)).matches(record), bool)
    assert str(newsrecord.where(nest(64)))
    for levels in (65, 10_000):  # never a RecursionError, however deep
        with pytest.raises(newsrecord.QueryError, match="nested more than 64 levels") as caught:
            newsrecord.where(nest(levels))
        assert caught.value.column == column


def test_a_duration_compared_with_a_number_is_no_clash() -> None:
    assert newsrecord.where("length > 3600").type_clashes() == []
