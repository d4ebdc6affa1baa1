"""Field paths: reading and changing values by YAML-key paths such as ``images[0].width``.

``get_field``, ``set_field``, ``unset_field`` and ``append_field`` work on typed
records and read values from text the way the field's type asks (the command line's
``get``/``set``/``unset``/``append`` are built on them); :func:`edit_data` does the same
on the plain front matter of a document whose values do not fit the model, so that it
can be repaired. Values are converted and checked by the same cattrs hooks that loading
uses.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import functools
import json
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar

import attrs

from newsrecord._bind.convert import structure_value, unstructure
from newsrecord._bind.paths import field_path_text, parse_field_path
from newsrecord.errors import FieldTypeError, RecordError, ValidationError, brief, describe_value
from newsrecord.model.fields import (
    FieldSpec,
    fields,
    is_model,
    is_model_class,
    keys_of,
    naive_datetime_told,
    optional_part,
    place_error,
)
from newsrecord.model.leaves import LEAVES, parse_datetime
from newsrecord.model.records import KINDS, AnyRecord
from newsrecord.model.secured import Secured

__all__ = [
    "append_field",
    "check_path",
    "closest_field",
    "declared_type",
    "edit_data",
    "get_field",
    "get_field_of_data",
    "no_kind_declares",
    "set_field",
    "unknown_field",
    "unset_field",
]


# --- field paths ---------------------------------------------------------------------------

Step = str | int


def _spec_of_class(cls: type, key: str) -> FieldSpec | None:
    return next((spec for spec in fields(cls) if spec.key == key), None)


def _item_type(tp: Any) -> Any:
    """The item type of a list declared as *tp*; Any where it declares no list."""
    listed = optional_part(tp)
    return typing.get_args(listed)[0] if typing.get_origin(listed) is list else Any


@attrs.define
class _Slot:
    """Where a field path ends: its container, the last step, and the declared type.

    Attributes:
        owner: A model object, a dict of plain data, a list, or None when a parent of
            the path is not set.
        step: The last key or index.
        type: The type the model declares there; ``Any`` for keys it does not know.
        where: The field path up to here, as text.
        spec: The model's field, when the step names a known field of a model object.
    """

    owner: Any
    step: Step
    type: Any
    where: str
    spec: FieldSpec | None = None

    def get(self) -> Any:
        if self.owner is None:
            return None
        if self.spec is not None:
            return getattr(self.owner, self.spec.name)
        if is_model(self.owner):
            return self.owner.extra.get(self.step)
        if isinstance(self.owner, dict):
            return self.owner.get(self.step)
        return self.owner[self.step]

    def put(self, value: Any) -> None:
        owner, step = self.owner, self.step
        if owner is None:
            raise ValidationError(f"{_parent(self.where)} is not set", field=self.where)
        if isinstance(owner, list) and value is None:
            raise ValidationError(
                "a list item cannot be null (unset it to remove it)", field=self.where
            )
        target = owner.extra if is_model(owner) and self.spec is None else owner
        try:
            if self.spec is not None:
                setattr(owner, self.spec.name, value)
            elif isinstance(target, dict) and value is None:
                target.pop(step, None)
            else:
                target[step] = value
        except (TypeError, ValueError) as exc:
            raise _refused(exc, self.where) from exc


def _resolve(record: Any, steps: tuple[Step, ...], *, create: bool) -> _Slot:
    """Walk all but the last step; with *create*, make missing parents on the way.

    With *create* the walk is for a change: plain data under ``extra`` is copied before it
    is entered, so that an edit never changes an object the document shares with the
    record as loaded (which would hide the edit from the comparison that saves it).
    """
    owner: Any = record
    declared: Any = type(record)
    for number, step in enumerate(steps):
        where = field_path_text(steps[: number + 1])
        slot = _step_into(owner, declared, step, where)
        if number == len(steps) - 1:
            return slot
        value = slot.get()
        if value is None:
            if not create:
                return _Slot(None, steps[-1], Any, field_path_text(steps))
            value = _make(slot, steps[number + 1])
        elif create and slot.spec is None and is_model(slot.owner):
            value = copy.deepcopy(value)
            slot.owner.extra[step] = value
        if not (is_model(value) or isinstance(value, dict | list)):
            lacks = "not a list" if isinstance(steps[number + 1], int) else "which has no fields"
            raise ValidationError(
                f"{where} is {describe_value(value)}, {lacks}", field=field_path_text(steps)
            )
        owner, declared = value, slot.type
    raise AssertionError(steps)  # pragma: no cover - the loop returns at the last step


def _step_into(owner: Any, declared: Any, step: Step, where: str) -> _Slot:
    if isinstance(owner, list):
        if not isinstance(step, int):
            raise ValidationError(f"{_parent(where)} is a list: index it, like [0]", field=where)
        if not -len(owner) <= step < len(owner):
            raise ValidationError(
                f"{_parent(where)} has {len(owner)} item(s); there is no item {step}",
                field=where,
            )
        return _Slot(owner, step, _item_type(declared), where)
    if isinstance(step, int):
        raise ValidationError(
            f"{_parent(where)} is {describe_value(owner)}, not a list", field=where
        )
    spec = _spec_of_class(type(owner), step) if is_model(owner) else None
    return _Slot(owner, step, spec.type if spec is not None else Any, where, spec)


def _parent(where: str) -> str:
    cut = max(where.rfind("."), where.rfind("["))
    return where[:cut] if cut > 0 else where


def _refused(exc: TypeError | ValueError, where: str) -> ValidationError:
    """The error of a value refused at *where*, located at the whole path.

    A model's own error (a ``FieldTypeError``) names the attribute alone and says so in
    its text already: keep its message, not its ``str`` (which would name it twice).
    """
    message = exc.message if isinstance(exc, RecordError) else str(exc)
    return ValidationError(message, field=where)


def _make(slot: _Slot, next_step: Step) -> Any:
    """Create the missing object at *slot* so that *next_step* can go into it."""
    if isinstance(next_step, int):
        raise ValidationError(f"{slot.where} has no items; append one first", field=slot.where)
    tp = optional_part(slot.type)
    if is_model_class(tp):
        try:
            value = tp()
        except (TypeError, ValueError) as exc:
            raise _refused(exc, slot.where) from exc
    elif tp is Any:
        value = {}
    else:
        raise ValidationError(f"{slot.where} is not an object with fields", field=slot.where)
    slot.put(value)
    return value


_Access = TypeVar("_Access", bound=Callable[..., Any])


def _placed_in_file(access: _Access) -> _Access:
    """*access* to a record, whose errors name the place in the file of a document's record.

    The file, line and column are those of the value the access reads or replaces (see
    ``Document._placed_error``); a record no document holds gives the errors as they are.
    """

    @functools.wraps(access)
    def placed(record: Any, *arguments: Any, **options: Any) -> Any:
        try:
            return access(record, *arguments, **options)
        except RecordError as error:
            raise place_error(record, error) from error.__cause__

    return typing.cast("_Access", placed)


@_placed_in_file
def get_field(record: AnyRecord, path: str, *, plain: bool = False, strict: bool = False) -> Any:
    """Return the value at a field path of YAML keys, such as ``images[0].width``.

    Known fields give their typed values (``datetime``, :class:`Image`, ...); keys the model
    does not know give their plain data from ``extra``. A field that is not set, or whose
    parent is not set, gives None, as a null would; so does a field of another kind of
    record (an organization has no ``topics``). Negative indexes count from the end.

    Args:
        record: The record to read.
        path: The field path.
        plain: Return plain, JSON-compatible data as :func:`to_dict` gives it (ISO 8601
            text for a date-time, dicts for objects) instead of the typed value.
        strict: Refuse a key that no kind of record declares at its place and that the
            record does not hold: a typo such as ``twiter``, which otherwise reads as
            absent; the error says which field was meant, as :func:`set_field`'s does.
            Off by default, as for :meth:`Document.get`: a key the model does not know is
            read across records that may not have it (``get_field(record, "reviewers")``).

    Raises:
        ValidationError: the path is malformed, indexes past the end of a list, or goes
            into a value that has no fields (``title.name``); with *strict*, a key
            nobody knows.
    """
    steps = parse_field_path(path)
    value = _resolve(record, steps, create=False).get()
    if value is None:
        if strict:
            # Only a missing value can hide a typo: a value found is a field or a key held.
            _refuse_unknown(type(record), record, steps, other_kinds=True)
        return None
    if not plain:
        return value
    # A copy: to_dict() shares the values of unknown keys with the record.
    return copy.deepcopy(_resolve(_to_dict(record), steps, create=False).get())


@_placed_in_file
def set_field(
    record: AnyRecord, path: str, value: Any, *, parse: bool = False, strict: bool = True
) -> None:
    """Set the value at a field path, creating missing parent objects on the way.

    *value* may be typed (a ``datetime``, an :class:`Image`) or plain data as
    :func:`to_dict` gives it (ISO 8601 text, a dict with YAML keys); it is converted to
    the field's type exactly as loading a file would convert it, and checked. None unsets
    the field.

    With ``parse=True``, *value* is text from a command line, read as the field's type
    asks: types written as text in files (strings, date-times, durations, prices, the
    secured blob) take it as it is, and ``now`` is the current time for a date-time;
    numbers, ``true``/``false``, lists and objects are read as JSON. ``null`` unsets. A
    key the model does not know keeps text as text when its current value is a string,
    and is read as JSON (or as text, when it is not JSON) otherwise. Where JSON is read,
    text that starts with ``[`` or ``{`` but is not JSON is refused as such (a list cut
    short); as text it is given as a JSON string (``'"[draft]"'``).

    Args:
        record: The record to change.
        path: The field path.
        value: The new value (None unsets).
        parse: *value* is text to read as the field's type asks.
        strict: Refuse to add a key the model does not know to a model object (the
            default: a typo such as ``publishedDatetime`` would otherwise become a new
            key, and the error says which field was meant). ``strict=False`` adds it.

    Raises:
        ValidationError: the path is malformed, or the value does not fit the field; the
            record is left unchanged.
    """
    steps = parse_field_path(path)
    if strict:
        _refuse_unknown(type(record), record, steps)
    slot = _resolve(record, steps, create=False)
    if parse:
        value = _from_text(value, _declared(slot), slot.where)
    converted = _converted(_plain(value), optional_part(slot.type), steps)
    _resolve(record, steps, create=True).put(converted)


@_placed_in_file
def unset_field(record: AnyRecord, path: str) -> None:
    """Remove the value at a field path.

    A known field becomes None (its line leaves the file), a key the model does not know is
    removed, and ``topics[1]`` removes that item from the list. Unsetting what is not set
    does nothing.

    Raises:
        ValidationError: the path is malformed, or the field is required.
    """
    steps = parse_field_path(path)
    slot = _resolve(record, steps, create=False)
    if slot.get() is None:
        return
    slot = _resolve(record, steps, create=True)
    if isinstance(slot.owner, list):
        # A new list rather than a change in place: the record as loaded may share it.
        gone = int(slot.step) % len(slot.owner)
        kept = [item for number, item in enumerate(slot.owner) if number != gone]
        _resolve(record, steps[:-1], create=True).put(kept)
        return
    slot.put(None)


@_placed_in_file
def append_field(
    record: AnyRecord, path: str, value: Any, *, parse: bool = False, strict: bool = True
) -> None:
    """Append a value to the list at a field path, creating the list if it is not set.

    *value* is converted to the list's item type as :func:`set_field` converts values
    (with ``parse=True``, from text; ``strict`` as there).

    Raises:
        ValidationError: the path is malformed, the field is not a list, or the value does
            not fit its items.
    """
    steps = parse_field_path(path)
    if strict:
        _refuse_unknown(type(record), record, steps)
    slot = _resolve(record, steps, create=False)
    current = slot.get()
    tp = optional_part(_declared(slot))
    if typing.get_origin(tp) is list:
        item_type = typing.get_args(tp)[0]
    elif tp is Any and (current is None or isinstance(current, list)):
        item_type = Any
    else:
        raise ValidationError(
            f"append needs a list here, not {describe_value(current)}", field=slot.where
        )
    if parse:
        value = _from_text(value, item_type, slot.where)
    if value is None:
        raise ValidationError("a list item cannot be null", field=slot.where)
    item = _converted(_plain(value), item_type, (*steps, len(current or ())))
    # A new list rather than a change in place, as loading would make it.
    _resolve(record, steps, create=True).put([*(current or []), item])


def _refuse_unknown(
    kind: type, value: Any, steps: tuple[Step, ...], *, other_kinds: bool = False
) -> None:
    """Raise if *steps* name a key that no model class along the path knows.

    *value* is a record of class *kind*, or the plain front matter of one. Keys that
    already exist (in ``extra``, or in the plain data) are allowed, and so is anything
    inside data the model does not type; the check follows the declared types, so that it
    also covers parents that are not set yet (``provider.nmae`` on a record without a
    provider). With *other_kinds*, so is a key that another kind of record declares at
    that place: reading it gives None, as for a field that is not set.
    """
    tp: Any = kind
    for number, step in enumerate(steps):
        if isinstance(step, int):
            tp = _item_type(tp)
            in_range = isinstance(value, list) and -len(value) <= step < len(value)
            value = value[step] if in_range else None
            continue
        cls: type | None
        if is_model(value):
            cls, present = type(value), step in value.extra
        else:
            cls, present = _model_in(tp), isinstance(value, dict) and step in value
        spec = _spec_of_class(cls, step) if cls is not None else None
        if spec is None:
            if present or cls is None:
                return  # a key the data has, or data the model does not type
            if other_kinds and _declared_elsewhere(steps[: number + 1]):
                return
            raise unknown_field(cls, step, field_path_text(steps[: number + 1]))
        tp = spec.type
        if is_model(value):
            value = getattr(value, spec.name)
        else:
            value = value.get(step) if isinstance(value, dict) else None


def _declared_elsewhere(steps: tuple[Step, ...]) -> bool:
    """Whether some kind of record declares the last key of *steps* at its place."""
    key = steps[-1]
    for kind in KINDS:
        owner = _model_in(declared_type(kind, steps[:-1]))
        if owner is not None and isinstance(key, str) and _spec_of_class(owner, key) is not None:
            return True
    return False


def unknown_field(cls: type, key: str, where: str) -> ValidationError:
    """The error for a key that model class *cls* does not have, with the closest one."""
    close = difflib.get_close_matches(key, [spec.key for spec in fields(cls)], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ValidationError(f"{cls.__name__} has no field {brief(key)}{hint}", field=where)


def _is_required(kind: type, steps: tuple[Step, ...]) -> bool:
    """Whether the model requires the field at *steps* (not an item of a list)."""
    if not steps or isinstance(steps[-1], int):
        return False
    owner = _model_in(declared_type(kind, steps[:-1]))
    spec = _spec_of_class(owner, steps[-1]) if owner is not None else None
    return spec is not None and spec.required


def _model_in(tp: Any) -> Any:
    """The model class a value of declared type *tp* would be, if any."""
    tp = optional_part(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        models = [member for member in typing.get_args(tp) if is_model_class(member)]
        return models[0] if len(models) == 1 else None
    return tp if is_model_class(tp) else None


# --- values: from text, and through plain data -----------------------------------------------


def _declared(slot: _Slot) -> Any:
    """The type a value at *slot* must have; for unknown keys, the current value's type."""
    if slot.spec is not None or slot.type is not Any:
        return slot.type
    current = slot.get()
    if isinstance(current, str) and not _TIMESTAMP.fullmatch(current):
        return str
    if isinstance(current, list):
        return list[Any]
    return Any


def _written_as_text(tp: Any) -> bool:
    """Whether files write values of *tp* as text: strings, date-times, the secured blob..."""
    leaf = LEAVES.get(tp)
    return leaf is not None and leaf.is_text


def _from_text(text: Any, tp: Any, where: str) -> Any:
    """Read command-line text as plain data for a value of type *tp* at field *where*."""
    if not isinstance(text, str):
        raise ValidationError(f"parse=True needs text, not {describe_value(text)}")
    if text == "null":
        return None
    tp = optional_part(tp)
    if tp is dt.datetime or (tp is Any and _TIMESTAMP.fullmatch(text.strip())):
        if tp is dt.datetime and text.strip().lower() == "now":
            return dt.datetime.now(dt.UTC).replace(microsecond=0)
        # A date-time becomes a datetime, which the writer writes as a YAML timestamp (a
        # time to Jekyll and other YAML 1.1 readers), not as quoted text: on a record that
        # does not fit the model, the value is written as it is read here. On a key the
        # model does not know, only text that looks like one is one.
        try:
            return parse_datetime(text)
        except ValueError:
            return text  # the model says what it expected, as it would for a file
    if tp is Secured and (flaw := Secured(text).flaw) is not None:
        # Files keep the blobs they hold, well formed or not (validate --strict tells);
        # one typed on a command line must have the shape of every real blob, or a typo
        # would replace the real one.
        raise ValidationError(
            f"not a secured blob (base64(ciphertext);base64(IV)): {flaw}", field=where
        )
    if _written_as_text(tp):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip()[:1] in ("[", "{"):
            # Meant as a JSON list or object ('["AI",'): "expected a list, found the
            # string" would blame the wrong thing.
            raise ValidationError(
                f"not valid JSON: {error.msg} (at character {error.pos + 1}); a list is "
                '["a", "b"], an object {"name": "x"}, and text starting with [ or { is '
                'given as a JSON string: "[draft]"',
                field=where,
            ) from None
        return text  # the model says what it expected, exactly as it would for a file
    except (ValueError, RecursionError):
        # JSON nested thousands of levels deep, past Python's recursion limit, is no
        # value either: the model says what it expected.
        return text


def _plain(value: Any) -> Any:
    """Plain data for *value*: model objects become dicts; other values stay as they are."""
    if is_model(value):
        return _to_dict(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _converted(value: Any, tp: Any, steps: tuple[Step, ...]) -> Any:
    """Convert plain *value* to *tp*, the type the model holds at *steps*, as loading does.

    Only the value is converted (with the same cattrs hooks as a file), not the record
    around it: a change costs what the value costs, so k changes cost k times one. The
    problems name the field path.
    """
    if value is None:
        return None  # unsets; put() says whether the field may be unset
    refuse_naive_datetimes(value, steps)
    if tp is Any:
        # A key the model does not know holds plain data as it is; a copy, so that the
        # caller's object and the record never change each other.
        return copy.deepcopy(value)
    return structure_value(value, tp, steps)


def refuse_naive_datetimes(value: Any, steps: tuple[Step, ...]) -> None:
    """Refuse a ``datetime`` without a time zone anywhere in plain *value*, as assigning does.

    Text without a zone reads as UTC, as in a file; a naive ``datetime`` object in code is
    most often local time (``datetime.now()``), which UTC would silently shift.

    Raises:
        FieldTypeError: a naive ``datetime`` was found; the message names its field path.
    """
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise FieldTypeError(naive_datetime_told(value), field=field_path_text(steps))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            refuse_naive_datetimes(item, (*steps, number))
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_naive_datetimes(item, (*steps, str(key)))


def _plain_get(container: Any, step: Step) -> Any:
    if isinstance(container, list):
        return container[step] if isinstance(step, int) else None
    if isinstance(container, dict):
        return container.get(step)
    return None


def _to_dict(record: Any) -> dict[str, Any]:
    data: dict[str, Any] = unstructure(record)
    return data


# --- plain data: editing the front matter of records that do not fit the model ------------

_TIMESTAMP: Final = re.compile(
    r"\d{4}-\d\d-\d\d[Tt ]\d\d?:\d\d(?::\d\d(?:\.\d+)?)?(?:[zZ]|[+-]\d\d(?::?\d\d)?)?"
)


def edit_data(
    data: dict[str, Any],
    kind: type,
    path: str,
    action: Literal["set", "unset", "append"],
    value: Any = None,
    *,
    parse: bool = False,
    strict: bool = False,
) -> None:
    """Change the plain front matter *data* of a record of class *kind* at a field path.

    This is how a document whose values do not fit the model is edited (to repair it):
    the value is read from text (``parse=True``) as the field's declared type asks; typed
    values become the text files write. Date-times stay date-time objects, so that the
    writer writes them as YAML timestamps.

    A value that does not fit its field is refused where the value it replaces fits (or
    there is none): a repair may go through values that do not fit yet (a nested value
    built key by key), but no edit turns a good value, or a missing one, into a bad one.

    Raises:
        ValidationError: the path is malformed or goes through a value that is not a
            mapping or a list; with *strict*, a key no model class along the path knows;
            a value that does not fit where the old one did.
    """
    steps = parse_field_path(path)
    if strict and action != "unset":
        _refuse_unknown(kind, data, steps)
    declared = declared_type(kind, steps)
    slot = _resolve(data, steps, create=False)
    if action == "unset":
        _unset(data, kind, path, steps, slot)
        return
    if action == "append":
        current = slot.get()
        if current is not None and not isinstance(current, list):
            raise ValidationError(
                f"append needs a list here, not {describe_value(current)}", field=slot.where
            )
        declared = _item_type(declared)
    if parse:
        if declared is Any and isinstance(slot.get(), str) and action == "set":
            declared = str
        value = _from_text(value, declared, slot.where)
    if action == "set" and value is None:
        _unset(data, kind, path, steps, slot)  # null unsets, under the same rule
        return
    refuse_naive_datetimes(value, steps)
    value, problem = _fitted(kind, steps, action, _as_plain_data(value))
    if problem is not None and type_problem(kind, path, "set", slot.get()) is None:
        raise problem
    if action == "append":
        if value is None:
            raise ValidationError("a list item cannot be null", field=slot.where)
        value = [*(slot.get() or []), value]
    target = _resolve(data, steps, create=True)
    target.put(value)


def type_problem(
    kind: type, path: str, action: Literal["set", "append"], value: Any
) -> ValidationError | None:
    """Why *value* cannot stand at *path* of a record of class *kind*, if its type is why.

    Used by :func:`edit_data`, and where a value it let through (one replacing a value
    that did not fit either) reads back as another value under the field's type
    (``title: 3`` is the string ``"3"``): that names the field and the type it needs, as
    a typed record's edit would.
    """
    return _fitted(kind, parse_field_path(path), action, value)[1]


def _fitted(
    kind: type, steps: tuple[Step, ...], action: Literal["set", "append"], value: Any
) -> tuple[Any, ValidationError | None]:
    """Plain *value* as a record of class *kind* holds it at *steps*, or why it cannot.

    A value that fits comes back as the model converts it, as plain data again
    (:func:`_as_plain_data`): a date-time given as text is a date-time, a mapping's keys
    are in the model's order, so that the writer writes it as it writes the same edit of
    a valid record. A value that does not fit comes back as it is, with the problem.
    """
    declared = declared_type(kind, steps)
    if action == "append":
        declared = _item_type(declared)
    if declared is Any or value is None:
        return value, None
    try:
        typed = structure_value(_plain(value), optional_part(declared), steps)
    except ValidationError as error:
        return value, error
    return _as_plain_data(typed), None


def get_field_of_data(data: Any, path: str) -> Any:
    """Return the plain value at a field path of plain front matter (None if absent).

    Raises:
        ValidationError: the path is malformed or goes into a value without fields.
    """
    return _resolve(data, parse_field_path(path), create=False).get()


def declared_type(kind: type, steps: tuple[Step, ...]) -> Any:
    """The type the model declares at *steps* under class *kind*; Any where it knows none."""
    tp: Any = kind
    for step in steps:
        if isinstance(step, int):
            tp = _item_type(tp)
            continue
        cls = _model_in(tp)
        spec = _spec_of_class(cls, step) if cls is not None else None
        tp = spec.type if spec is not None else Any
    return tp


def no_kind_declares(path: str) -> bool:
    """Whether no kind of record declares the field at *path*: a key only files may hold.

    A malformed path is not judged (False): whatever takes the path says what is wrong.
    """
    try:
        steps = parse_field_path(path)
    except ValidationError:
        return False
    return all(declared_type(kind, steps) is Any for kind in KINDS)


def closest_field(path: str, *, cutoff: float = 0.6) -> str | None:
    """Return the declared field path that *path* most likely misspells, or None.

    The first key of *path* that no kind of record declares at its place is matched
    (``difflib``, with *cutoff*) against the keys that some kind declares there, and
    *path* comes back with that key replaced: ``provider.nmae`` gives ``provider.name``,
    ``images[0].widht`` gives ``images[0].width``. None when every key is declared, when
    nothing is close, or when the path is malformed.
    """
    try:
        steps = parse_field_path(path)
    except ValidationError:
        return None
    for number, step in enumerate(steps):
        if isinstance(step, int):
            continue
        owners = {_model_in(declared_type(kind, steps[:number])) for kind in KINDS}
        keys = sorted({key for owner in owners if owner is not None for key in keys_of(owner)})
        if step in keys:
            continue
        close = difflib.get_close_matches(step, keys, n=1, cutoff=cutoff)
        if not close:
            return None
        return field_path_text((*steps[:number], close[0], *steps[number + 1 :]))
    return None


def check_path(kind: type, data: Any, path: str) -> None:
    """Raise if a field path names a key that neither the model nor the plain data knows.

    Raises:
        ValidationError: the path is malformed, or a key is unknown where a model class
            is expected, with the closest known key as a hint.
    """
    _refuse_unknown(kind, data, parse_field_path(path))


def _remove(data: Any, steps: tuple[Step, ...]) -> None:
    slot = _resolve(data, steps, create=True)
    if isinstance(slot.owner, list):
        del slot.owner[int(slot.step)]
    else:
        slot.put(None)


def _unset(
    data: dict[str, Any], kind: type, path: str, steps: tuple[Step, ...], slot: _Slot
) -> None:
    """Remove the value at *steps* from *data*, unless it is a good one of a required field."""
    if slot.get() is None:
        return
    if _is_required(kind, steps) and type_problem(kind, path, "set", slot.get()) is None:
        # A good value of a required field: the record could never be valid without it.
        raise ValidationError(f"{slot.where} is required", field=slot.where)
    _remove(data, steps)


def _as_plain_data(value: Any) -> Any:
    """Plain data as files hold it: model objects as dicts, values as their text.

    Date-times stay date-times, at any depth, for the writer to write as YAML timestamps
    (as it writes those of a typed record); a model object's keys come in the model's
    order, then its extra keys, as a typed record's are written.
    """
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, list):
        return [_as_plain_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_plain_data(item) for key, item in value.items()}
    if is_model(value):
        data = {
            key: _as_plain_data(item)
            for key, name in keys_of(type(value)).items()
            if (item := getattr(value, name)) is not None
        }
        data.update(copy.deepcopy(value.extra))
        return data
    return unstructure(value)
