"""The record as loaded, kept cheaply: what an edit changed, found without comparing it all.

Saving an edited record must find what changed. Comparing every field of the record
with a copy of it as loaded costs the size of the record, however small the edit. A
snapshot instead keeps, for each model object and each list of the record, the node it
was read from and its values as loaded (references, not copies: the values themselves are
immutable, or are model objects and lists with their own snapshot). Then:

* model objects report assignments to their attributes (``model.fields.WATCHED``), so
  only the objects assigned to are compared;
* lists are changed in place without telling anyone, so all of them are compared at
  once, by length and by the identity of their items, in C loops;
* ``extra`` dicts likewise: the empty ones by length, the others by their keys and the
  identity of their values (or a deep copy, when they hold lists or dicts).

Each changed object or list then knows its node, its place (a field path) and its values
as loaded, so that the writer plans splices for it alone.
"""

from __future__ import annotations

import copy
import datetime as dt
import operator
import types
import typing
from collections.abc import Callable
from itertools import chain
from typing import Any, Final

import attrs

from newsrecord._bind.compare import same
from newsrecord._bind.paths import FieldPath
from newsrecord._read.nodes import Mapping, Node, Sequence
from newsrecord.model.fields import WATCHED, fields, optional_part
from newsrecord.model.leaves import VALUE_CLASSES

__all__ = ["Entry", "Snapshot"]

_IMMUTABLE: Final = frozenset({str, int, float, bool, type(None), dt.datetime, *VALUE_CLASSES})


class Entry:
    """A model object or a list of the record as loaded.

    Attributes:
        value: The object or list itself (which may have changed since).
        node: The mapping or sequence node it was read from, once looked up.
        parent: The entry that holds it (None for the record).
        step: The attribute name in the parent object, or the index in the parent list.
        key: The YAML key in the parent object (None in a list).
        old: Its values as loaded: the attribute values (``extra`` last), or the items.
        extra: A copy of ``extra`` as loaded, for an object whose ``extra`` was not empty.
        depth: The nesting depth the splice planner gives its node.
    """

    __slots__ = ("depth", "extra", "key", "node", "old", "parent", "step", "value")

    def __init__(
        self,
        value: Any,
        parent: Entry | None,
        step: str | int | None,
        key: str | None,
        old: tuple[Any, ...],
        depth: int,
    ) -> None:
        """Record one object or list; the fields are as the class lists them."""
        self.value = value
        self.node: Node | None = None
        self.parent = parent
        self.step = step
        self.key = key
        self.old = old
        self.extra: dict[str, Any] | None = None
        self.depth = depth

    def extra_changed(self) -> bool:
        """Whether the ``extra`` dict of the object (as loaded) changed in place."""
        return not _same_extra(self.old[-1], self.extra)

    @property
    def is_list(self) -> bool:
        """Whether the entry is a list (else a model object)."""
        return type(self.value) is list

    def path(self) -> FieldPath:
        """The field path from the record: YAML keys and list indexes."""
        steps: list[str | int] = []
        entry: Entry | None = self
        while entry is not None and entry.parent is not None:
            steps.append(entry.key if entry.key is not None else entry.step)  # type: ignore[arg-type]
            entry = entry.parent
        return tuple(reversed(steps))

    def style_path(self) -> str:
        """The path the writer looks styles up by: ``related[].title``."""
        text = ""
        for step in self.path():
            text += "[]" if isinstance(step, int) else (f".{step}" if text else step)
        return text


@attrs.frozen
class _Layout:
    """What a snapshot needs to know of a model class.

    Attributes:
        names: The attribute names, ``extra`` last.
        getter: Gives the values of *names* as a tuple.
        nested: ``(index in names, YAML key, kind)`` of the fields that may hold model
            objects or lists; kind is ``"object"``, ``"objects"`` (a list that may hold
            objects) or ``"scalars"`` (a list of scalars).
    """

    names: tuple[str, ...]
    getter: Callable[[Any], tuple[Any, ...]]
    nested: tuple[tuple[int, str, str], ...]


_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    found = _LAYOUTS.get(cls)
    if found is not None:
        return found
    specs = fields(cls)
    names = (*(spec.name for spec in specs), "extra")
    nested = tuple(
        (index, spec.key, kind)
        for index, spec in enumerate(specs)
        if (kind := _nested_kind(spec.type)) is not None
    )
    found = _LAYOUTS[cls] = _Layout(names, operator.attrgetter(*names), nested)
    return found


def _nested_kind(tp: Any) -> str | None:
    tp = optional_part(tp)
    if typing.get_origin(tp) is list:
        return "objects" if _may_be_model(typing.get_args(tp)[0]) else "scalars"
    return "object" if _may_be_model(tp) else None


def _may_be_model(tp: Any) -> bool:
    tp = optional_part(tp)
    options = (
        typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    )
    return (
        any(
            isinstance(option, type) and attrs.has(option) and not issubclass(option, VALUE_CLASSES)
            for option in options
        )
        or typing.get_origin(tp) is list
        or tp is Any
    )


def _copy_extra(extra: dict[str, Any]) -> dict[str, Any]:
    if all(type(value) in _IMMUTABLE for value in extra.values()):
        return dict(extra)
    return copy.deepcopy(extra)


class Snapshot:
    """The record of a document as loaded, and how to find what changed since.

    Attributes:
        root: The entry of the record.
        complete: Whether every object and list of the record was matched with its node;
            when not, changes cannot be found this way and the caller compares it all.
    """

    def __init__(self, record: Any, root: Mapping) -> None:
        """Take the snapshot of *record*, read from *root*, and watch its objects."""
        self.touched: set[int] = set()
        self.objects: dict[int, Entry] = {}
        self.lists: list[Entry] = []
        self._empty_owners: list[Entry] = []
        self._extras: list[Entry] = []
        self.complete = True
        # The walk touches values only: nodes are looked up for what changes, when it does.
        self.root = self._object(record, None, None, None, 0)
        self.root.node = root
        WATCHED.update(dict.fromkeys(self.objects, self.touched))
        self._dirty: set[int] = set()
        # Made from the entries when first needed (their old values are as loaded): a
        # record that is never saved does not pay for them.
        self._empty_extras: list[dict[str, Any]] | None = None
        self._list_values: list[list[Any]] = []
        self._lengths: list[int] = []
        self._items: list[Any] = []
        self._by_list: dict[int, Entry] = {}

    def _prepare(self) -> list[dict[str, Any]]:
        """Make the flat lists the comparisons of :meth:`changes` run over."""
        if self._empty_extras is None:
            self._empty_extras = [entry.old[-1] for entry in self._empty_owners]
            self._list_values = [entry.value for entry in self.lists]
            self._lengths = [len(entry.old) for entry in self.lists]
            self._items = list(chain.from_iterable(entry.old for entry in self.lists))
            self._by_list = {id(entry.value): entry for entry in self.lists}
        return self._empty_extras

    def __del__(self) -> None:
        """Stop watching the objects: the document is gone, or stands for a new text."""
        touched = self.touched
        for key in getattr(self, "objects", ()):
            if WATCHED.get(key) is touched:
                del WATCHED[key]

    def __deepcopy__(self, memo: dict[int, Any]) -> None:
        """No snapshot for a copy: its objects are new, and nobody watches them.

        A deep copy of a document then compares its whole record when it is saved.
        """
        return

    def _object(
        self, value: Any, parent: Entry | None, step: str | int | None, key: str | None, depth: int
    ) -> Entry:
        layout = _layout(type(value))
        old = layout.getter(value)
        entry = Entry(value, parent, step, key, old, depth)
        self.objects[id(value)] = entry
        if old[-1]:
            entry.extra = _copy_extra(old[-1])
            self._extras.append(entry)
        else:
            self._empty_owners.append(entry)
        names = layout.names
        for index, field_key, kind in layout.nested:
            held = old[index]
            if held is None:
                continue
            if kind == "object":
                if type(held) not in _IMMUTABLE:
                    self._object(held, entry, names[index], field_key, depth + 1)
                continue
            if type(held) is not list:
                self.complete = False
                continue
            listed = Entry(held, entry, names[index], field_key, tuple(held), depth + 1)
            self.lists.append(listed)
            if kind == "objects":
                for number, item in enumerate(held):
                    if type(item) not in _IMMUTABLE:
                        self._object(item, listed, number, None, depth + 2)
        return entry

    def node_of(self, entry: Entry) -> Node | None:
        """The node *entry* was read from; None if the text does not hold it there."""
        if entry.node is not None or entry.parent is None:
            return entry.node
        above = self.node_of(entry.parent)
        found: Node | None = None
        if entry.parent.is_list:
            if type(above) is Sequence and len(above.items) == len(entry.parent.old):
                assert isinstance(entry.step, int)  # noqa: S101  # list entries are indexed
                found = above.items[entry.step]
        elif type(above) is Mapping:
            pair = above.get(str(entry.key))
            found = pair[1] if pair is not None else None
        wanted = Sequence if entry.is_list else Mapping
        if type(found) is not wanted or (
            wanted is Sequence and len(found.items) != len(entry.old)  # type: ignore[union-attr]
        ):
            return None
        entry.node = found
        return found

    # --- what changed -------------------------------------------------------------------

    def changes(self, record: Any) -> list[Entry] | None:
        """The objects and lists that changed since the snapshot, outermost first.

        None when *record* is not the record of the snapshot (it was replaced) or the
        snapshot is not complete: then only a full comparison tells.
        """
        if record is not self.root.value or not self.complete:
            return None
        empty_extras = self._prepare()
        changed: dict[int, Entry] = {}
        objects = self.objects
        for key in self.touched:
            entry = objects[key]
            now = _layout(type(entry.value)).getter(entry.value)
            if not all(map(operator.is_, now, entry.old)):
                changed[key] = entry
        if any(map(len, empty_extras)):
            for extra, entry in zip(empty_extras, self._empty_owners, strict=True):
                if extra:
                    changed[id(entry.value)] = entry
        for entry in self._extras:
            if not _same_extra(entry.old[-1], entry.extra):
                changed[id(entry.value)] = entry
        if list(map(len, self._list_values)) != self._lengths or not all(
            map(operator.is_, chain.from_iterable(self._list_values), self._items)
        ):
            for entry in self.lists:
                if len(entry.value) != len(entry.old) or not all(
                    map(operator.is_, entry.value, entry.old)
                ):
                    changed[id(entry.value)] = entry
        if any(self.node_of(entry) is None for entry in changed.values()):
            return None  # the record does not match its text: compare it all
        # The changed values and everything that holds them: what a view must rebuild.
        dirty = self._dirty = set()
        for entry in changed.values():
            walk: Entry | None = entry
            while walk is not None and id(walk.value) not in dirty:
                dirty.add(id(walk.value))
                walk = walk.parent
        return sorted(changed.values(), key=lambda entry: entry.depth)

    def live(self, entry: Entry) -> bool:
        """Whether *entry* is still where it was loaded (not cut off by a change above)."""
        while entry.parent is not None:
            parent = entry.parent
            if parent.is_list:
                items = parent.value
                index = entry.step
                assert isinstance(index, int)  # noqa: S101  # list entries are indexed
                if not (index < len(items) and items[index] is entry.value):
                    return False
            elif getattr(parent.value, str(entry.step)) is not entry.value:
                return False
            entry = parent
        return entry is self.root

    # --- the values as loaded -----------------------------------------------------------

    def view(self, entry: Entry) -> Any:
        """The object or list of *entry* as it was loaded (new, unwatched objects).

        For planning *entry* where it is: attributes that still hold what they held are
        shared with the live object (their own changes are planned on their own); those
        assigned since get what they held, as loaded.
        """
        if entry.is_list:
            return [self.view_of(item) for item in entry.old]
        value = entry.value
        now = _layout(type(value)).getter(value)
        return self._made(
            entry,
            [
                old if old is current else self.view_of(old)
                for old, current in zip(entry.old[:-1], now, strict=False)
            ],
        )

    def view_of(self, value: Any) -> Any:
        """*value*, a value of the snapshot, as it was loaded, all the way down."""
        if type(value) in _IMMUTABLE or id(value) not in self._dirty:
            return value
        if type(value) is list:
            entry = self._by_list[id(value)]
            return [self.view_of(item) for item in entry.old]
        entry = self.objects[id(value)]
        return self._made(entry, [self.view_of(old) for old in entry.old[:-1]])

    def _made(self, entry: Entry, values: list[Any]) -> Any:
        cls = type(entry.value)
        made = object.__new__(cls)
        setter = object.__setattr__
        for name, old in zip(_layout(cls).names, values, strict=False):
            setter(made, name, old)
        setter(made, "extra", copy.deepcopy(entry.extra) if entry.extra is not None else {})
        return made


def _same_extra(extra: dict[str, Any], copied: dict[str, Any] | None) -> bool:
    if copied is None:
        return not extra
    if len(extra) != len(copied) or list(extra) != list(copied):
        return False
    if all(map(operator.is_, extra.values(), copied.values())):
        return True
    return same(extra, copied)
