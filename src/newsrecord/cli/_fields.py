"""Catching users' typos in JSON keys, blobs shortened for display, times without a zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Final

import click

import newsrecord
from newsrecord._bind.paths import parse_field_path
from newsrecord.editing import closest_field, declared_type, unknown_field
from newsrecord.model.fields import is_model, optional_part, walk
from newsrecord.model.leaves import parse_datetime

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


def unknown_unset_error(fields: list[str]) -> click.BadParameter:
    """The usage error of an unset that removed nothing, with fields no kind knows."""
    told = []
    for field in fields:
        close = closest_field(field)
        told.append(f"{field!r}" + (f" (did you mean {close!r}?)" if close else ""))
    return click.BadParameter(
        f"no record had {', '.join(told)}, and no kind of record has such a field",
        param_hint="FIELD",
    )


_NAIVE_TIME: Final = re.compile(
    r"\s*\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*"
)


def naive_time_note(field: str, text: str) -> str | None:
    """A note for a date-time given without a UTC offset, which is read as UTC; or None.

    None too for text that is no date-time (2020-13-45): the value is refused, not read.

    The API refuses such a value; on the command line it is read as YAML reads it (UTC),
    and the note says so, since a site's own time zone (Jekyll's ``timezone``) is not.
    """
    if _NAIVE_TIME.fullmatch(text) is None:
        return None
    try:
        parse_datetime(text)
    except ValueError:
        return None  # refused as no date-time: the error says so, and nothing is read as UTC
    try:
        steps = parse_field_path(field)
    except newsrecord.ValidationError:
        return None
    if not any(
        optional_part(declared_type(kind, steps)) is dt.datetime for kind in newsrecord.KINDS
    ):
        return None
    return (
        f"note: {field}={text.strip()} has no UTC offset and is read as UTC; add Z or +HH:MM "
        "(2026-01-01T10:00:00+02:00) to give another"
    )
