"""Hypothesis strategies for every kind of record, for testing code that handles records.

``records()`` draws records of any kind; ``records(Video)`` of one kind. Every value the
model allows can come up: unicode text (controls and all), negative and large integers,
time zones, durations, prices, secured blobs of any shape, unknown keys in ``extra``, and
None for every optional field. Requires ``hypothesis`` (a test dependency, not a runtime
one)::

    from hypothesis import given
    from newsrecord.strategies import records

    @given(records())
    def test_my_exporter(record): ...
"""

from __future__ import annotations

import datetime as dt
import string
import types
import typing
from typing import Any, Final, TypeVar, overload

from hypothesis import strategies as st

from newsrecord.model.duration import Duration
from newsrecord.model.fields import fields, is_model_class, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.price import Price
from newsrecord.model.records import KINDS, AnyRecord, RelatedArticle
from newsrecord.model.secured import Secured

__all__ = [
    "datetimes",
    "durations",
    "extras",
    "prices",
    "records",
    "secured_blobs",
    "texts",
]


def texts(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text a file can hold: every code point but lone surrogates."""
    return st.text(
        st.characters(exclude_categories=["Cs"]), min_size=min_size, max_size=max_size
    ) | st.sampled_from(
        # Strings that look like other YAML values, and other traps for writers.
        [
            "",
            "true",
            "no",
            "null",
            "~",
            "123",
            "-1",
            "0x1F",
            "1e3",
            "2023-11-19",
            "a: b",
            "#hash",
            "- dash",
            "'quoted'",
            '"double"',
            "trailing ",
            " leading",
            "multi\nline",
            "tab\there",
            "[flow]",
            "{map}",
            "*star",
            "&amp",
            "!bang",
            "%pct",
            "@at",
            "`tick`",
        ]
    )


def datetimes() -> st.SearchStrategy[dt.datetime]:
    """Time-zone-aware date-times: UTC and whole-minute offsets, microseconds included."""
    return _leaf(dt.datetime)


def durations() -> st.SearchStrategy[Duration]:
    """Durations as files write them: ISO 8601, hours and weeks in words, clocks."""
    return _leaf(Duration)


def prices() -> st.SearchStrategy[Price]:
    """Prices as sites write them, and any other text."""
    return _leaf(Price)


def secured_blobs() -> st.SearchStrategy[Secured]:
    """Real-shaped blobs (``base64;base64``) and blobs of any other shape."""
    return _leaf(Secured)


def _leaf(tp: type) -> st.SearchStrategy[Any]:
    strategy: st.SearchStrategy[Any] = LEAVES[tp].strategy()
    return strategy


_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts(),
)


def extras(known: frozenset[str] = frozenset()) -> st.SearchStrategy[dict[str, Any]]:
    """Unknown keys with plain data values, avoiding the *known* keys.

    Keys may be words YAML reads as numbers, booleans or null (``2023``, ``true``): a
    record file keeps them as the text written.
    """
    keys = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12).filter(
        lambda key: key not in known and key != "<<"
    )
    values = st.recursive(
        _JSON_SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
        max_leaves=6,
    )
    return st.dictionaries(keys, values, max_size=2)


K = TypeVar("K", bound=AnyRecord)


@overload
def records(kind: type[K]) -> st.SearchStrategy[K]: ...
@overload
def records(kind: None = None) -> st.SearchStrategy[AnyRecord]: ...
def records(kind: type[Any] | None = None) -> st.SearchStrategy[Any]:
    """Records of *kind*, or of any kind when it is None."""
    if kind is None:
        return st.sampled_from(KINDS).flatmap(_model)
    return _model(kind)


def _model(cls: type[Any], depth: int = 0) -> st.SearchStrategy[Any]:
    specs = fields(cls)
    values: dict[str, st.SearchStrategy[Any]] = {}
    for spec in specs:
        value = _type_values(cls) if spec.key == "type" else _value(spec.type, depth)
        values[spec.name] = value if spec.required else st.none() | value
    own = frozenset(spec.key for spec in specs)
    return st.builds(cls, extra=extras(own | _ALL_KEYS), **values)


def _type_values(cls: type[Any]) -> st.SearchStrategy[str]:
    # A type that selects another kind would make the record that kind's, not this one's.
    own = getattr(cls, "TYPES", ())
    others = texts().filter(lambda text: text.lower() not in _ALL_TYPES)
    if not own:
        return others
    return st.sampled_from(own) | st.sampled_from(own).map(str.upper)


_ALL_TYPES: Final = frozenset(value for kind in KINDS for value in getattr(kind, "TYPES", ()))

# Unknown keys avoid the class's own keys (they would not be unknown) and every key a
# kind knows: a record whose extra holds another kind's field looks like that kind, and
# loading it as its own kind reports the mismatch.
_ALL_KEYS: Final = frozenset(spec.key for kind in KINDS for spec in fields(kind))


def _value(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    tp = optional_part(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        return st.lists(_value(item, depth), max_size=3)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_value(option, depth) for option in typing.get_args(tp)))
    if tp in LEAVES:
        return _leaf(tp)
    if tp is RelatedArticle and depth > 0:
        # Summaries of summaries exist in no file; one level keeps examples small.
        return st.just(RelatedArticle(title="nested"))
    if is_model_class(tp):
        return st.deferred(lambda: _model(tp, depth + 1))
    raise TypeError(f"no strategy for {tp!r}")
