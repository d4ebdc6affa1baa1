"""Plain data <-> attrs records, every problem located.

Loading goes text -> nodes -> plain data (:func:`newsrecord._read.parse.to_data`) -> record
(:func:`structure`); ``to_dict`` and the writer go the other way through :func:`unstructure`.
Structuring runs cattrs' converter (:mod:`newsrecord._bind.hooks`), imported when a value
is first structured, not with this module: a valid record loads without it (the fast
path), and importing cattrs with the hooks is a good part of a command's start-up.
Each problem's cattrs path is turned into a field path of YAML keys and, when the record
came from a file, into the line and column of the node.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from newsrecord._bind.paths import FieldPath, field_path_text
from newsrecord.errors import Problem, ValidationError
from newsrecord.model.fields import is_model, keys_of
from newsrecord.model.leaves import LEAVES, format_datetime
from newsrecord.model.records import AnyRecord

__all__ = [
    "Located",
    "problems_of",
    "structure",
    "structure_or",
    "structure_value",
    "unstructure",
]

Located = tuple[FieldPath, str]
"""A problem found while structuring: where (a field path) and what."""


K = TypeVar("K", bound=AnyRecord)


def structure(data: Any, cls: type[K]) -> K | list[Located]:
    """Build the record of *data*, or return every problem found (never an empty list)."""
    from newsrecord._bind.hooks import located, structured  # noqa: PLC0415  # see above

    record, error = structured(data, cls)
    if error is not None:
        return located(error, (), cls)
    built: K = record
    return built


def structure_value(value: Any, tp: Any, where: FieldPath = ()) -> Any:
    """Convert plain *value* to type *tp* exactly as loading converts a value there.

    The same hooks as :func:`structure`, on one value: the cost is that of the value,
    not of the record around it.

    Raises:
        ValidationError: the value does not fit; each problem names its field path
            below *where*.
    """
    from newsrecord._bind.hooks import located, structured  # noqa: PLC0415  # see above

    typed, error = structured(value, tp)
    if error is not None:
        raise ValidationError(problems_of(located(error, where, tp)))
    return typed


def structure_or(value: Any, tp: Any, failed: Any) -> Any:
    """Convert plain *value* to type *tp* as :func:`structure_value` does, or return *failed*.

    A yes-or-no answer for reading a text back: no problem is collected, which makes a
    value that does not fit as cheap as one that does.
    """
    from newsrecord._bind.hooks import structured  # noqa: PLC0415  # see above

    typed, error = structured(value, tp)
    return failed if error is not None else typed


# --- unstructuring ----------------------------------------------------------------------


def unstructure(value: Any) -> Any:
    """Return the plain data of a record or value: YAML keys, JSON-compatible values."""
    leaf = LEAVES.get(type(value))
    if leaf is not None and leaf.format is not None:
        return leaf.format(value)
    if is_model(value):
        out: dict[str, Any] = {}
        for key, name in keys_of(type(value)).items():
            item = getattr(value, name)
            if item is not None:
                out[key] = unstructure(item)
        out.update(copy.deepcopy(value.extra))
        return out
    if isinstance(value, list):
        return [unstructure(item) for item in value]
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dict):
        return {key: unstructure(item) for key, item in value.items()}
    return value


def problems_of(located: Iterable[Located], path: str | None = None) -> list[Problem]:
    """Turn located problems into :class:`Problem` objects without a place in a text."""
    return [
        Problem(message, path, field=field_path_text(where) or None) for where, message in located
    ]
