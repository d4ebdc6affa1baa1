"""Plain data <-> attrs records: the only module that talks to cattrs.

Loading goes text -> nodes -> plain data (:func:`newsrecord._nodes.to_data`) -> record
(:func:`structure`); ``to_dict`` and the writer go the other way through :func:`unstructure`.
cattrs runs with detailed validation, so one pass reports every problem of a record; each
problem's cattrs path is turned into a field path of YAML keys and, when the record came
from a file, into the line and column of the node.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import types
import typing
from collections.abc import Callable, Container, Iterable
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
from newsrecord._read import parse
from newsrecord.errors import Problem, RecordError, ValidationError, describe_value
from newsrecord.model.fields import TRUSTED, fields, info, keys_of, optional_part
from newsrecord.model.leaves import LEAVES, VALUE_CLASSES, Leaf, format_datetime, parse_datetime
from newsrecord.model.records import (
    AnyRecord,
    RelatedArticle,
)

__all__ = [
    "VALUE_TYPES",
    "changed_keys",
    "check",
    "check_assigned",
    "converter",
    "plain_reads_as",
    "problems_of",
    "reads_as",
    "same",
    "shape_of",
    "structure",
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


converter.register_structure_hook_factory(attrs.has, _make_model_hook)


Located = tuple[FieldPath, str]
"""A problem found while structuring: where (a field path) and what."""


def structure(data: Any, cls: type[AnyRecord]) -> AnyRecord | list[Located]:
    """Build the record of *data*, or return every problem found (never an empty list)."""
    # The hooks check every value strictly (and required fields), so the validators that
    # attrs runs in __init__ would only check them again.
    token = TRUSTED.set(True)
    try:
        record: AnyRecord = converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, TypeError, ValueError) as exc:
        problems: list[Located] = []
        _collect(exc, (), cls, problems)
        return problems
    finally:
        TRUSTED.reset(token)
    return record


def structure_value(value: Any, tp: Any, where: FieldPath = ()) -> Any:
    """Convert plain *value* to type *tp* exactly as loading converts a value there.

    The same hooks as :func:`structure`, on one value: the cost is that of the value,
    not of the record around it.

    Raises:
        ValidationError: the value does not fit; each problem names its field path
            below *where*.
    """
    token = TRUSTED.set(True)
    try:
        return converter.structure(value, tp)
    except (ClassValidationError, IterableValidationError, TypeError, ValueError) as exc:
        problems: list[Located] = []
        _collect(exc, where, _model_of_type(tp), problems)
        raise ValidationError(problems_of(problems)) from None
    finally:
        TRUSTED.reset(token)


def _model_of_type(tp: Any) -> Any:
    """The model class a value of type *tp* is, or holds items of (for locating problems)."""
    inner = optional_part(tp)
    while typing.get_origin(inner) is list:
        inner = optional_part(typing.get_args(inner)[0])
    if typing.get_origin(inner) in (typing.Union, types.UnionType):
        inner = next((arg for arg in typing.get_args(inner) if attrs.has(arg)), None)
    return inner if inner is not None and attrs.has(inner) else None


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
    inner = optional_part(typing.get_type_hints(owner)[name])
    while typing.get_origin(inner) is list:
        inner = typing.get_args(inner)[0]
    if typing.get_origin(inner) in (typing.Union, types.UnionType):
        # A related summary or a slug: errors come from the summary's fields.
        inner = next((arg for arg in typing.get_args(inner) if attrs.has(arg)), None)
    return inner if inner is not None and attrs.has(inner) else None


# --- shapes: which plain scalars are text -----------------------------------------------

VALUE_TYPES: Final = VALUE_CLASSES
"""attrs classes that are scalars in files, not mappings."""


_SHAPES: dict[type, parse.Shape] = {}


def shape_of(cls: type) -> parse.Shape:
    """Return the shape the model expects for a mapping of class *cls*."""
    shape = _SHAPES.get(cls)
    if shape is not None:
        return shape
    # Stored before it is filled, so that recursive classes (related articles) refer to
    # themselves instead of recursing forever.
    shape = _SHAPES[cls] = parse.Shape()
    hints = typing.get_type_hints(cls)
    for attribute in attrs.fields(cls):
        if attribute.name != "extra":
            shape.keys[info(attribute).key] = _shape_of_type(hints[attribute.name])
    return shape


def _shape_of_type(tp: Any) -> parse.Shape:
    tp = optional_part(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        # A place that holds a mapping or a scalar (a related summary or a slug).
        merged = parse.Shape()
        for option in typing.get_args(tp):
            shape = _shape_of_type(option)
            merged.text = merged.text or shape.text
            merged.keys = merged.keys or shape.keys
            merged.item = merged.item or shape.item
        return merged
    leaf = LEAVES.get(tp)
    if leaf is not None and leaf.is_text:
        return parse.Shape(text=True)
    if typing.get_origin(tp) is list:
        return parse.Shape(item=_shape_of_type(typing.get_args(tp)[0]))
    if attrs.has(tp):
        return shape_of(tp)
    return parse.ANY


# --- unstructuring ----------------------------------------------------------------------


def unstructure(value: Any) -> Any:
    """Return the plain data of a record or value: YAML keys, JSON-compatible values."""
    leaf = LEAVES.get(type(value))
    if leaf is not None and leaf.format is not None:
        return leaf.format(value)
    if attrs.has(type(value)):
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


def check(record: Any, only: set[str] | None = None) -> list[Located]:
    """Check a record built or edited in code, as loading would; return every problem.

    With *only* (top-level YAML keys, "extra" for unknown keys), the other fields are
    taken as checked already: they are as they were loaded.
    """
    problems: list[Located] = []
    _check(record, (), problems, only)
    return problems


def _check(value: Any, path: FieldPath, out: list[Located], only: set[str] | None = None) -> None:
    for attribute in attrs.fields(type(value)):
        key = "extra" if attribute.name == "extra" else info(attribute).key
        if only is not None and key not in only:
            continue
        item = getattr(value, attribute.name)
        here = (*path, info(attribute).key) if attribute.name != "extra" else path
        if not _valid(value, attribute, item, here, out):
            continue
        if attrs.has(type(item)) and not isinstance(item, VALUE_TYPES):
            _check(item, here, out)
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if attrs.has(type(element)) and not isinstance(element, VALUE_TYPES):
                    _check(element, (*here, index), out)


def _valid(
    owner: Any, attribute: attrs.Attribute[Any], item: Any, here: FieldPath, out: list[Located]
) -> bool:
    """Run the field's validator on *item*; note a problem in *out* and say whether none."""
    try:
        if attribute.validator is not None:
            attribute.validator(owner, attribute, item)
    except RecordError as exc:
        out.append((here, exc.message))
        return False
    except (TypeError, ValueError) as exc:
        out.append((here, str(exc)))
        return False
    return True


def check_assigned(
    owner: Any, names: Iterable[str], path: FieldPath, known: Container[int] = ()
) -> list[Located]:
    """Check attributes *names* of the model object *owner*, as :func:`check` does.

    Model objects whose ``id`` is in *known* are taken as checked (they are as loaded, or
    checked on their own): only what was assigned is looked into, so that checking an
    edit costs what the edit changed.
    """
    out: list[Located] = []
    wanted = set(names)
    for attribute in attrs.fields(type(owner)):
        if attribute.name not in wanted:
            continue
        item = getattr(owner, attribute.name)
        here = (*path, info(attribute).key) if attribute.name != "extra" else path
        if not _valid(owner, attribute, item, here, out):
            continue
        if attrs.has(type(item)) and not isinstance(item, VALUE_TYPES):
            if id(item) not in known:
                _check(item, here, out)
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if (
                    attrs.has(type(element))
                    and not isinstance(element, VALUE_TYPES)
                    and id(element) not in known
                ):
                    _check(element, (*here, index), out)
    return out


_PLAIN_EQUAL: Final = frozenset({str, int, bool, type(None), *VALUE_CLASSES})


def same(a: Any, b: Any) -> bool:
    """Strict equality: ``1`` and ``True`` differ, as do equal instants in other zones."""
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
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if kind is dt.datetime:
        return bool(a == b and a.utcoffset() == b.utcoffset())
    names = _NAMES.get(kind)
    if names is None:
        if isinstance(a, VALUE_TYPES) or not attrs.has(kind):
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
    token = TRUSTED.set(True)
    try:
        for spec in fields(cls):
            if spec.key not in changed:
                # The same text read the same way: plain equality is enough (and fast).
                if data.get(spec.key, _ABSENT) != original_data.get(spec.key, _ABSENT):
                    return False
                continue
            raw = data.get(spec.key)
            try:
                typed = None if raw is None else converter.structure(raw, spec.type)
            except (ClassValidationError, IterableValidationError, TypeError, ValueError):
                return False
            if not same(typed, getattr(record, spec.name)):
                return False
    finally:
        TRUSTED.reset(token)
    known = keys_of(cls)
    return plain_reads_as({k: v for k, v in data.items() if k not in known}, record.extra)


_ABSENT: Final = object()


def plain_reads_as(read_back: Any, intended: Any) -> bool:
    """Whether plain data read back from a written text is the plain data intended.

    Date-times are written as YAML timestamps, which read back as their text.
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
            and list(read_back) == list(intended)
            and all(plain_reads_as(read_back[key], intended[key]) for key in intended)
        )
    if type(intended) is list:
        return (
            type(read_back) is list
            and len(read_back) == len(intended)
            and all(plain_reads_as(a, b) for a, b in zip(read_back, intended, strict=True))
        )
    return same(read_back, intended)


def problems_of(located: Iterable[Located], path: str | None = None) -> list[Problem]:
    """Turn located problems into :class:`Problem` objects without a place in a text."""
    return [
        Problem(message, path, field=field_path_text(where) or None) for where, message in located
    ]
