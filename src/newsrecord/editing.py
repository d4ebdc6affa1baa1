"""Editing record files from scripts: safe in-place edits, tree walks and field paths.

``edit(path)`` wraps a load-edit-save cycle so that it is atomic, writes nothing when
nothing changed, and never silently overwrites a change someone else made meanwhile.
``iter_records(paths)`` walks files and folders lazily. ``get_field``, ``set_field``,
``unset_field`` and ``append_field`` address values with the YAML keys of the file,
such as ``provider.name`` or ``images[0].width``, and can parse a value from text the
way the field's type asks (the command line's ``set`` is built on them).

Everything here is built on the public API: :func:`newsrecord.load`, the
:class:`newsrecord.Document` and :func:`newsrecord.fields`.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import sys
import types
import typing
from typing import Any

import attrs

from newsrecord._bind.convert import describe_value, field_path_text, parse_field_path
from newsrecord.api import from_dict, to_dict
from newsrecord.errors import ValidationError
from newsrecord.model.fields import FieldSpec, fields, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.records import AnyRecord

if sys.platform != "win32":
    pass

__all__ = [
    "append_field",
    "get_field",
    "set_field",
    "unset_field",
]


# --- edit ---------------------------------------------------------------------------------


# --- walking trees --------------------------------------------------------------------------

# --- field paths ---------------------------------------------------------------------------

Step = str | int


def _is_model_type(tp: Any) -> bool:
    """Whether *tp* is a model class (with fields), not a value class such as Secured."""
    if not isinstance(tp, type) or not attrs.has(tp):
        return False
    try:
        fields(tp)
    except TypeError:
        return False
    return True


def _is_model(value: Any) -> bool:
    return _is_model_type(type(value))


def _spec(model: Any, key: str) -> FieldSpec | None:
    for spec in fields(type(model)):
        if spec.key == key:
            return spec
    return None


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
        if _is_model(self.owner):
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
        target = owner.extra if _is_model(owner) and self.spec is None else owner
        try:
            if self.spec is not None:
                setattr(owner, self.spec.name, value)
            elif isinstance(target, dict) and value is None:
                target.pop(step, None)
            else:
                target[step] = value
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc), field=self.where) from exc


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
        elif create and slot.spec is None and _is_model(slot.owner):
            value = copy.deepcopy(value)
            slot.owner.extra[step] = value
        if not (_is_model(value) or isinstance(value, dict | list)):
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
        listed = optional_part(declared)
        item_type = typing.get_args(listed)[0] if typing.get_origin(listed) is list else Any
        return _Slot(owner, step, item_type, where)
    if isinstance(step, int):
        raise ValidationError(
            f"{_parent(where)} is {describe_value(owner)}, not a list", field=where
        )
    spec = _spec(owner, step) if _is_model(owner) else None
    return _Slot(owner, step, spec.type if spec is not None else Any, where, spec)


def _parent(where: str) -> str:
    cut = max(where.rfind("."), where.rfind("["))
    return where[:cut] if cut > 0 else where


def _make(slot: _Slot, next_step: Step) -> Any:
    """Create the missing object at *slot* so that *next_step* can go into it."""
    if isinstance(next_step, int):
        raise ValidationError(f"{slot.where} has no items; append one first", field=slot.where)
    tp = optional_part(slot.type)
    if _is_model_type(tp):
        try:
            value = tp()
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc), field=slot.where) from exc
    elif tp is Any:
        value = {}
    else:
        raise ValidationError(f"{slot.where} is not an object with fields", field=slot.where)
    slot.put(value)
    return value


def get_field(record: AnyRecord, path: str, *, plain: bool = False) -> Any:
    """Return the value at a field path of YAML keys, such as ``images[0].width``.

    Known fields give their typed values (``datetime``, :class:`Image`, ...); keys the model
    does not know give their plain data from ``extra``. A key that is absent, or whose
    parent is absent, gives None, as a null would. Negative indexes count from the end.

    Args:
        record: The record to read.
        path: The field path.
        plain: Return plain, JSON-compatible data as :func:`to_dict` gives it (ISO 8601
            text for a date-time, dicts for objects) instead of the typed value.

    Raises:
        ValidationError: the path is malformed, indexes past the end of a list, or goes
            into a value that has no fields (``title.name``).
    """
    steps = parse_field_path(path)
    value = _resolve(record, steps, create=False).get()
    if not plain or value is None:
        return value
    # A copy: to_dict() shares the values of unknown keys with the record.
    return copy.deepcopy(_resolve(to_dict(record), steps, create=False).get())


def set_field(
    record: AnyRecord, path: str, value: Any, *, parse: bool = False, strict: bool = False
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
    and is read as JSON (or as text, when it is not JSON) otherwise.

    Args:
        record: The record to change.
        path: The field path.
        value: The new value (None unsets).
        parse: *value* is text to read as the field's type asks.
        strict: Refuse to add a key the model does not know to a model object (a typo
            such as ``publishedDatetime`` would otherwise become a new key).

    Raises:
        ValidationError: the path is malformed, or the value does not fit the field; the
            record is left unchanged.
    """
    steps = parse_field_path(path)
    if strict:
        _refuse_unknown(record, steps)
    slot = _resolve(record, steps, create=False)
    if parse:
        value = _from_text(value, _declared(slot))
    converted = _converted(record, steps, _plain(value), append=False)
    _resolve(record, steps, create=True).put(converted)


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


def append_field(
    record: AnyRecord, path: str, value: Any, *, parse: bool = False, strict: bool = False
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
        _refuse_unknown(record, steps)
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
        value = _from_text(value, item_type)
    if value is None:
        raise ValidationError("a list item cannot be null", field=slot.where)
    converted = _converted(record, steps, _plain(value), append=True)
    _resolve(record, steps, create=True).put(converted)


def _refuse_unknown(record: AnyRecord, steps: tuple[Step, ...]) -> None:
    """Raise if *steps* name a key that no model class along the path knows.

    Keys that already exist (in ``extra``) are allowed, and so is anything inside plain
    data; the check follows the declared types, so that it also covers parents that are
    not set yet (``provider.nmae`` on a record without a provider).
    """
    tp: Any = type(record)
    value: Any = record
    for number, step in enumerate(steps):
        if isinstance(step, int):
            listed = optional_part(tp)
            tp = typing.get_args(listed)[0] if typing.get_origin(listed) is list else Any
            value = (
                value[step]
                if isinstance(value, list) and -len(value) <= step < len(value)
                else None
            )
            continue
        cls = _model_in(tp, value)
        if cls is None:
            return  # plain data: any key may be added
        spec = next((spec for spec in fields(cls) if spec.key == step), None)
        if spec is not None:
            tp, value = spec.type, getattr(value, spec.name) if value is not None else None
            continue
        if value is not None and step in value.extra:
            return
        known = [spec.key for spec in fields(cls)]
        close = difflib.get_close_matches(step, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValidationError(
            f"{cls.__name__} has no field {step!r}{hint}",
            field=field_path_text(steps[: number + 1]),
        )


def _model_in(tp: Any, value: Any) -> Any:
    """The model class a value of declared type *tp* is (or would be), if any."""
    if _is_model(value):
        return type(value)
    if value is not None:
        return None
    tp = optional_part(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        models = [member for member in typing.get_args(tp) if _is_model_type(member)]
        return models[0] if len(models) == 1 else None
    return tp if _is_model_type(tp) else None


# --- values: from text, and through plain data -----------------------------------------------


def _declared(slot: _Slot) -> Any:
    """The type a value at *slot* must have; for unknown keys, the current value's type."""
    if slot.spec is not None or slot.type is not Any:
        return slot.type
    current = slot.get()
    if isinstance(current, str):
        return str
    if isinstance(current, list):
        return list[Any]
    return Any


def _written_as_text(tp: Any) -> bool:
    """Whether files write values of *tp* as text: strings, date-times, the secured blob..."""
    leaf = LEAVES.get(tp)
    return leaf is not None and leaf.is_text


def _from_text(text: Any, tp: Any) -> Any:
    """Read command-line text as plain data for a value of type *tp*."""
    if not isinstance(text, str):
        raise ValidationError(f"parse=True needs text, not {describe_value(text)}")
    if text == "null":
        return None
    tp = optional_part(tp)
    if tp is dt.datetime and text.strip().lower() == "now":
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if _written_as_text(tp):
        return text
    try:
        return json.loads(text)
    except ValueError:
        # Let the model say what it expected, exactly as it would for a file.
        return text


def _plain(value: Any) -> Any:
    """Plain data for *value*: model objects become dicts; other values stay as they are."""
    if _is_model(value):
        return to_dict(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _converted(record: AnyRecord, steps: tuple[Step, ...], value: Any, *, append: bool) -> Any:
    """Convert plain *value* to what the model holds at *steps*, exactly as loading does.

    The record's plain data gets the value at its place and is structured again, so that
    every type (date-times, durations, prices, nested objects, summaries or slugs) is
    converted and checked by the same code as a file; the problems name the field path.
    """
    # A deep copy: to_dict() shares the values of unknown keys with the record.
    data = copy.deepcopy(to_dict(record))
    container: Any = data
    for number, step in enumerate(steps[:-1]):
        inner = _plain_get(container, step)
        if inner is None:
            if isinstance(steps[number + 1], int):
                raise ValidationError(
                    f"{field_path_text(steps[: number + 1])} has no items",
                    field=field_path_text(steps),
                )
            inner = {}
            container[step] = inner
        container = inner
    last = steps[-1]
    if append:
        current = _plain_get(container, last)
        value = [*(current or []), value]
    if value is None and isinstance(container, dict):
        container.pop(last, None)
    else:
        container[last] = value
    rebuilt = from_dict(data, kind=type(record))
    return _resolve(rebuilt, steps, create=False).get()


def _plain_get(container: Any, step: Step) -> Any:
    if isinstance(container, list):
        return container[step] if isinstance(step, int) else None
    if isinstance(container, dict):
        return container.get(step)
    return None
