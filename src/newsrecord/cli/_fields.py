"""Catching users' typos in JSON keys, and blobs shortened for display."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import newsrecord
from newsrecord.editing import unknown_field
from newsrecord.model.fields import is_model

_SHORTENED: Final = "…"
"""What ``Secured.redacted()`` puts in place of a blob's middle; never in a real blob,
which is base64."""


def unknown_keys(value: Any, where: str = "") -> Iterator[newsrecord.Problem]:
    """Yield a problem for every key of a record the model does not know, at any depth."""
    if is_model(value):
        for key in value.extra:
            error = unknown_field(type(value), key, f"{where}.{key}" if where else key)
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
