"""Comparing records and plain data: what an edit changed, and whether a text says it.

Saving asks two questions, both answered here: which fields differ from the record as
loaded (:func:`changed_keys`, built on the strict equality :func:`same`), and whether the
text written reads back as the edited record (:func:`reads_as`, :func:`plain_reads_as`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

import attrs

from newsrecord._bind.convert import structure_or
from newsrecord.model.fields import fields, is_model_class, keys_of
from newsrecord.model.leaves import VALUE_CLASSES, parse_datetime

__all__ = ["changed_keys", "plain_reads_as", "reads_as", "same"]

_PLAIN_EQUAL: Final = frozenset({str, int, bool, type(None), *VALUE_CLASSES})


def same(a: Any, b: Any) -> bool:
    """Strict equality: ``1`` and ``True`` differ, as do equal instants in other zones.

    Mappings compare as dicts do, whatever the order of their keys.
    """
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind in _PLAIN_EQUAL:
        return bool(a == b)
    if kind is float:
        return a == b or (math.isnan(a) and math.isnan(b))
    if kind is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if kind is dict:
        # Keys in any order, as dicts compare: an edit writes a mapping's keys in the
        # file's order (see _Planner.mapping), so an object's extra read back from the
        # file may hold its keys in another order than the one assigned.
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if kind is dt.datetime:
        # The same wall time at the same offset: the same text. Not ==, which is False
        # across zones for a time in a daylight-saving gap or fold (PEP 495).
        wall_a, wall_b = a.replace(tzinfo=None), b.replace(tzinfo=None)
        return bool(a.utcoffset() == b.utcoffset() and wall_a == wall_b)
    names = _NAMES.get(kind)
    if names is None:
        if not is_model_class(kind):
            return bool(a == b) or (_is_nan(a) and _is_nan(b))
        names = _NAMES[kind] = tuple(field.name for field in attrs.fields(kind))
    return all(same(getattr(a, name), getattr(b, name)) for name in names)


# The attribute names of each model class, looked up once: same() runs on every save.
_NAMES: dict[type, tuple[str, ...]] = {}


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def changed_keys(original: Any, record: Any) -> set[str]:
    """The top-level YAML keys whose values differ (``extra`` counts as one, "extra")."""
    changed = {
        spec.key
        for spec in fields(type(record))
        if not same(getattr(original, spec.name), getattr(record, spec.name))
    }
    if not same(original.extra, record.extra):
        changed.add("extra")
    return changed


def reads_as(data: Any, record: Any, changed: set[str], original_data: Any) -> bool:
    """Whether plain *data*, read back from an edited file, says what *record* says.

    Fields not in *changed* only need the plain data they had in the file the record was
    loaded from (*original_data*); the others are structured and compared. This checks
    a splice in a fraction of the time a full load takes.
    """
    cls = type(record)
    if type(data) is not dict or type(original_data) is not dict:
        return False
    for spec in fields(cls):
        if spec.key not in changed:
            # The same text read the same way: plain equality is enough (and fast).
            if data.get(spec.key, _ABSENT) != original_data.get(spec.key, _ABSENT):
                return False
            continue
        raw = data.get(spec.key)
        typed = None if raw is None else structure_or(raw, spec.type, _ABSENT)
        if typed is _ABSENT or not same(typed, getattr(record, spec.name)):
            return False
    known = keys_of(cls)
    extra = {k: v for k, v in data.items() if k not in known}
    return plain_reads_as(extra, record.extra, key_order=False)


_ABSENT: Final = object()


def plain_reads_as(read_back: Any, intended: Any, *, key_order: bool = True) -> bool:
    """Whether plain data read back from a written text is the plain data intended.

    Date-times are written as YAML timestamps, which read back as their text. Without
    *key_order*, mappings compare as dicts do, whatever the order of their keys: an edit
    keeps the keys a file has in the file's order (see ``_Planner.mapping``).
    """
    if isinstance(intended, dt.datetime):
        if type(read_back) is not str:
            return False
        try:
            return same(parse_datetime(read_back), intended)
        except ValueError:
            return False
    if type(intended) is dict:
        return (
            type(read_back) is dict
            and (
                list(read_back) == list(intended)
                if key_order
                else read_back.keys() == intended.keys()
            )
            and all(
                plain_reads_as(read_back[key], intended[key], key_order=key_order)
                for key in intended
            )
        )
    if type(intended) is list:
        return (
            type(read_back) is list
            and len(read_back) == len(intended)
            and all(
                plain_reads_as(a, b, key_order=key_order)
                for a, b in zip(read_back, intended, strict=True)
            )
        )
    return same(read_back, intended)
