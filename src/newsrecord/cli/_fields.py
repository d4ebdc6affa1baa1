"""Catching users' typos in field paths and JSON keys, and blobs shortened for display."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from typing import Any, Final

import newsrecord
from newsrecord.cli._redact import is_model

_STEP: Final = re.compile(r"\[(-?\d+)\]|([^.\[\]]+)")
_SHORTENED: Final = "…"
"""What ``Secured.redacted()`` puts in place of a blob's middle; never in a real blob,
which is base64."""


def _model_class(tp: Any) -> Any:
    """The model class of a declared type (``Image | None``), or None for plain data."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        classes = [_model_class(arg) for arg in typing.get_args(tp) if arg is not type(None)]
        return classes[0] if len(classes) == 1 else None
    try:
        newsrecord.fields(tp)
    except TypeError:
        return None
    return tp


def _item_type(tp: Any) -> Any:
    for arg in (tp, *typing.get_args(tp)):
        if typing.get_origin(arg) is list:
            return typing.get_args(arg)[0]
    return Any


def _unknown(cls: Any, key: str, where: str) -> newsrecord.ValidationError:
    known = [spec.key for spec in newsrecord.fields(cls)]
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return newsrecord.ValidationError(f"{cls.__name__} has no field {key!r}{hint}", field=where)


def check_known_path(record: Any, field: str) -> None:
    """Refuse a field path naming a key that neither the model nor the record knows.

    Raises:
        ValidationError: a key of the path is unknown where a model class is expected
            (``images[0].widht``), with the closest known key as a hint.
    """
    value: Any = record
    tp: Any = type(record)
    where = ""
    for match in _STEP.finditer(field):
        index, key = match.groups()
        if index is not None:
            number = int(index)
            in_range = isinstance(value, list) and -len(value) <= number < len(value)
            value = value[number] if in_range else None
            tp = _item_type(tp)
            where += f"[{number}]"
            continue
        cls = type(value) if is_model(value) else _model_class(tp) if value is None else None
        if cls is None:
            return  # plain data (an unknown key's value): any key may be there
        where = f"{where}.{key}" if where else key
        spec = next((spec for spec in newsrecord.fields(cls) if spec.key == key), None)
        if spec is not None:
            value = getattr(value, spec.name) if value is not None else None
            tp = spec.type
            continue
        if value is not None and key in value.extra:
            return
        raise _unknown(cls, key, where)


def unknown_keys(value: Any, where: str = "") -> Iterator[newsrecord.Problem]:
    """Yield a problem for every key of a record the model does not know, at any depth."""
    if is_model(value):
        for key in value.extra:
            error = _unknown(type(value), key, f"{where}.{key}" if where else key)
            yield error.problems[0]
        for spec in newsrecord.fields(type(value)):
            item = getattr(value, spec.name)
            if item is not None:
                yield from unknown_keys(item, f"{where}.{spec.key}" if where else spec.key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unknown_keys(item, f"{where}[{index}]")


def shortened_blobs(value: Any, where: str = "", key: str = "") -> Iterator[str]:
    """Yield the field path of every secured blob that was shortened for display."""
    if isinstance(value, newsrecord.Secured):
        if _SHORTENED in value.raw:
            yield where
    elif is_model(value):
        for spec in newsrecord.fields(type(value)):
            item = getattr(value, spec.name)
            if item is not None:
                name = f"{where}.{spec.key}" if where else spec.key
                yield from shortened_blobs(item, name, spec.key)
        yield from shortened_blobs(value.extra, where, key)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from shortened_blobs(item, f"{where}.{name}" if where else name, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from shortened_blobs(item, f"{where}[{index}]", key)
    elif key == "secured" and isinstance(value, str) and _SHORTENED in value:
        yield where
