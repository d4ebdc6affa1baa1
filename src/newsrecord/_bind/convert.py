"""Plain data <-> attrs records, every problem located: the only module using cattrs.

Loading goes text -> nodes -> plain data (:func:`newsrecord._read.parse.to_data`) -> record
(:func:`structure`); ``to_dict`` and the writer go the other way through :func:`unstructure`.
cattrs runs with detailed validation, so one pass reports every problem of a record; each
problem's cattrs path is turned into a field path of YAML keys and, when the record came
from a file, into the line and column of the node.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs
import cattrs
from cattrs.cols import list_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from newsrecord._bind.paths import FieldPath, field_path_text
from newsrecord.errors import Problem, ValidationError, describe_value
from newsrecord.model.fields import TRUSTED, info, is_model, is_model_class, keys_of, optional_part
from newsrecord.model.leaves import LEAVES, Leaf, format_datetime
from newsrecord.model.records import (
    AnyRecord,
    RelatedArticle,
)

__all__ = [
    "Located",
    "converter",
    "problems_of",
    "structure",
    "structure_or",
    "structure_value",
    "unstructure",
]

# --- scalars ----------------------------------------------------------------------------


def _leaf_hook(leaf: Leaf) -> Callable[[Any, Any], Any]:
    """The structure hook of a leaf type, strict as YAML is: 1 is not a string."""
    tp, parse_text, check = leaf.type, leaf.parse, leaf.check
    if leaf.is_text:

        def structure_text(value: Any, _: Any) -> Any:
            if type(value) is str and parse_text is not None:
                made = parse_text(value)
                if check(made):
                    return made
                raise TypeError(f"expected {leaf.description}, found {describe_value(value)}")
            if isinstance(value, dt.datetime) and tp is dt.datetime:
                # A naive date-time given in code means UTC, as a YAML timestamp does.
                return value if value.utcoffset() is not None else value.replace(tzinfo=dt.UTC)
            if isinstance(value, tp) and check(value):
                return value
            raise TypeError(f"expected {leaf.description}, found {describe_value(value)}")

        return structure_text

    def structure_scalar(value: Any, _: Any) -> Any:
        if type(value) is tp:
            return value
        if tp is float and type(value) is int:
            return float(value)
        raise TypeError(f"expected {leaf.description}, found {describe_value(value)}")

    return structure_scalar


def _structure_related(value: Any, _: type) -> Any:
    # A related record is a summary (a mapping) or the slug of another record (a string).
    if type(value) is str:
        return value
    if type(value) is dict:
        return converter.structure(value, RelatedArticle)
    raise TypeError(f"expected an article summary or a slug, found {describe_value(value)}")


def _structure_any(value: Any, _: type) -> Any:
    return value


def _structure_list(value: Any, tp: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError(f"expected a list, found {describe_value(value)}")
    return _list_hooks(tp)(value, tp)  # type: ignore[no-any-return]


# --- the converter ----------------------------------------------------------------------

converter: Final = cattrs.Converter(detailed_validation=True)
for _leaf in LEAVES.values():
    converter.register_structure_hook(_leaf.type, _leaf_hook(_leaf))
converter.register_structure_hook(RelatedArticle | str, _structure_related)
converter.register_structure_hook(typing.Any, _structure_any)


@functools.cache
def _list_hooks(tp: Any) -> Callable[[Any, Any], Any]:
    return list_structure_factory(tp, converter)


def _is_list(tp: Any) -> bool:
    return typing.get_origin(tp) is list


converter.register_structure_hook_func(_is_list, _structure_list)


def _is_optional(tp: Any) -> bool:
    return (
        typing.get_origin(tp) in (typing.Union, types.UnionType)
        and type(None) in typing.get_args(tp)
        and optional_part(tp) is not tp
    )


def _optional_hook(tp: Any) -> Callable[[Any, Any], Any]:
    # cattrs looks the inner type's hook up on every call; records have dozens of
    # optional fields, so it is looked up once here.
    inner_type = optional_part(tp)
    inner = converter.get_structure_hook(inner_type)

    def structure_optional(value: Any, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure_optional


converter.register_structure_hook_factory(_is_optional, _optional_hook)


def _make_model_hook(cls: type) -> Callable[[Any, Any], Any]:
    fields = [a for a in attrs.fields(cls) if a.name != "extra"]
    overrides = {a.name: override(rename=info(a).key) for a in fields}
    overrides["extra"] = override(omit=True)
    build: Callable[[Any, Any], Any] = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_detailed_validation=True,
        **overrides,  # type: ignore[arg-type]  # attribute overrides share **kwargs with options
    )
    known = frozenset(keys_of(cls))
    required = [(info(a).key, a.name) for a in fields if info(a).required]

    def structure_model(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise TypeError(f"expected a mapping, found {describe_value(value)}")
        missing = [_missing(key, name, cls) for key, name in required if value.get(key) is None]
        try:
            record = build(value, cls)
        except ClassValidationError as exc:
            if not missing:
                raise
            # Drop the validator's own complaint about the same fields (raised by __init__).
            located = [e for e in exc.exceptions if getattr(e, "__notes__", None)]
            raise ClassValidationError(exc.message, [*located, *missing], cls) from None
        except ValueError:
            if not missing:
                raise
            raise ClassValidationError(f"While structuring {cls.__name__}", missing, cls) from None
        if missing:
            # Validators skip values the hooks checked (TRUSTED), required ones too.
            raise ClassValidationError(f"While structuring {cls.__name__}", missing, cls)
        if not known.issuperset(value):
            # Copies: the record must not share objects with the data it was built from
            # (the document keeps that data to tell later what an edit changed).
            record.extra = {k: copy.deepcopy(v) for k, v in value.items() if k not in known}
        return record

    return structure_model


def _missing(key: str, name: str, cls: type) -> ValueError:
    error = ValueError("required, but missing or null")
    error.__notes__ = [AttributeValidationNote(f"Structuring {cls.__name__} @ {name}", name, str)]
    return error


converter.register_structure_hook_factory(is_model_class, _make_model_hook)


Located = tuple[FieldPath, str]
"""A problem found while structuring: where (a field path) and what."""


def structure(data: Any, cls: type[AnyRecord]) -> AnyRecord | list[Located]:
    """Build the record of *data*, or return every problem found (never an empty list)."""
    record, error = _structured(data, cls)
    if error is not None:
        return _located(error, (), cls)
    built: AnyRecord = record
    return built


def structure_value(value: Any, tp: Any, where: FieldPath = ()) -> Any:
    """Convert plain *value* to type *tp* exactly as loading converts a value there.

    The same hooks as :func:`structure`, on one value: the cost is that of the value,
    not of the record around it.

    Raises:
        ValidationError: the value does not fit; each problem names its field path
            below *where*.
    """
    typed, error = _structured(value, tp)
    if error is not None:
        raise ValidationError(problems_of(_located(error, where, _model_of_type(tp))))
    return typed


def structure_or(value: Any, tp: Any, failed: Any) -> Any:
    """Convert plain *value* to type *tp* as :func:`structure_value` does, or return *failed*.

    A yes-or-no answer for reading a text back: no problem is collected, which makes a
    value that does not fit as cheap as one that does.
    """
    typed, error = _structured(value, tp)
    return failed if error is not None else typed


_UNFIT: Final = (ClassValidationError, IterableValidationError, TypeError, ValueError)
"""What the hooks raise for a value that does not fit its type."""


def _structured(value: Any, tp: Any) -> tuple[Any, Exception | None]:
    # The hooks check every value strictly (and required fields), so the validators that
    # attrs runs in __init__ would only check them again.
    token = TRUSTED.set(True)
    try:
        return converter.structure(value, tp), None
    except _UNFIT as exc:
        return None, exc
    finally:
        TRUSTED.reset(token)


def _located(error: BaseException, where: FieldPath, cls: Any) -> list[Located]:
    problems: list[Located] = []
    _collect(error, where, cls, problems)
    return problems


def _model_of_type(tp: Any) -> Any:
    """The model class a value of type *tp* is, or holds items of (for locating problems)."""
    inner = optional_part(tp)
    while typing.get_origin(inner) is list:
        inner = optional_part(typing.get_args(inner)[0])
    if typing.get_origin(inner) in (typing.Union, types.UnionType):
        inner = next((arg for arg in typing.get_args(inner) if is_model_class(arg)), None)
    return inner if is_model_class(inner) else None


def _collect(exc: BaseException, path: FieldPath, cls: Any, out: list[Located]) -> None:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        for sub in exc.exceptions:
            step: str | int | None = None
            sub_cls: Any = None
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    attribute = attrs.fields_dict(cls)[note.name]
                    step = info(attribute).key
                    sub_cls = _model_in(cls, note.name)
                elif isinstance(note, IterableValidationNote):
                    step = note.index
                    sub_cls = cls
            _collect(sub, (*path, step) if step is not None else path, sub_cls, out)
        return
    if not isinstance(exc, TypeError | ValueError):
        # Anything else is a bug of ours, not a problem of the record: let it show.
        raise exc
    out.append((path, str(exc.args[0]) if exc.args else type(exc).__name__))


@functools.cache
def _model_in(owner: type, name: str) -> Any:
    """Return the model class inside a field's type (``list[Image] | None`` -> Image)."""
    return _model_of_type(typing.get_type_hints(owner)[name])


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
