"""The cattrs converter of the model: plain data -> records, every problem located.

The only module using cattrs. :mod:`newsrecord._bind.convert` imports it on first use:
importing cattrs and registering these hooks cost a command about 15 ms of start-up
(half as much as the model), and a valid record loads without them (the fast path,
:mod:`newsrecord._bind.build`), as ``newsrecord validate`` and ``newsrecord export``
read a site. cattrs runs with detailed validation, so one pass reports every problem of
a record; each problem's cattrs path is turned into a field path of YAML keys.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

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

from newsrecord.errors import describe_value
from newsrecord.model.fields import (
    TRUSTED,
    info,
    is_model_class,
    keys_of,
    optional_part,
    type_hints,
)
from newsrecord.model.leaves import LEAVES, Leaf
from newsrecord.model.records import RelatedArticle

if TYPE_CHECKING:
    from newsrecord._bind.convert import Located
    from newsrecord._bind.paths import FieldPath

__all__ = ["converter", "located", "structured"]

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
                # Text a string leaf refuses holds a lone surrogate (from code: a file
                # with one does not open).
                wanted = "a string without lone surrogates" if tp is str else leaf.description
                raise TypeError(f"expected {wanted}, found {describe_value(value)}")
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


_UNFIT: Final = (ClassValidationError, IterableValidationError, TypeError, ValueError)
"""What the hooks raise for a value that does not fit its type."""


def structured(value: Any, tp: Any) -> tuple[Any, Exception | None]:
    """Plain *value* as type *tp* and None, or None and the error when it does not fit."""
    # The hooks check every value strictly (and required fields), so the validators that
    # attrs runs in __init__ would only check them again.
    token = TRUSTED.set(True)
    try:
        return converter.structure(value, tp), None
    except _UNFIT as exc:
        return None, exc
    finally:
        TRUSTED.reset(token)


def located(error: BaseException, where: FieldPath, tp: Any) -> list[Located]:
    """Every problem in *error*, with its field path below *where*.

    *error* is what :func:`structured` raised for a value of type *tp*.
    """
    problems: list[Located] = []
    _collect(error, where, _model_of_type(tp), problems)
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
    return _model_of_type(type_hints(owner)[name])
