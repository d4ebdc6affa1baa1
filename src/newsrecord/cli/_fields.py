"""Catching users' typos in JSON keys, and blobs shortened for display."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import newsrecord
from newsrecord.editing import unknown_field
from newsrecord.model.fields import is_model, walk

_SHORTENED: Final = "…"
"""What ``Secured.redacted()`` puts in place of a blob's middle; never in a real blob,
which is base64."""


def unknown_keys(record: Any) -> Iterator[newsrecord.Problem]:
    """Yield a problem for every key of a record the model does not know, at any depth."""
    for where, _, value in walk(record):
        if is_model(value):
            for key in value.extra:
                error = unknown_field(type(value), key, f"{where}.{key}" if where else key)
                yield error.problems[0]


def shortened_blobs(record: Any) -> Iterator[str]:
    """Yield the field path of every secured blob that was shortened for display."""
    for where, key, value in walk(record):
        if isinstance(value, newsrecord.Secured):
            if _SHORTENED in value.raw:
                yield where
        elif key == "secured" and isinstance(value, str) and _SHORTENED in value:
            yield where
