"""The record as loaded, kept cheaply: what an edit changed, found without comparing it all.

Saving an edited record must find what changed. Comparing every field of the record
with a copy of it as loaded costs the size of the record, however small the edit. A
snapshot instead keeps, for each model object and each list of the record, the node it
was read from and its values as loaded (references, not copies: the values themselves are
immutable, or are model objects and lists with their own snapshot). Then:

* model objects report assignments to their attributes (``model.fields.WATCHED``), so
  only the objects assigned to are compared;
* lists are changed in place without telling anyone, so all of them are compared at
  once, in one loop: their lengths, and the identity of their items against their items
  as loaded (``newsrecord_native.same_lists`` when installed, else C loops of the
  standard library); only when that finds a difference are the lists looked at one by
  one (lists of text then compare their texts: an equal text is the same text);
* ``extra`` dicts likewise: the empty ones by length (``newsrecord_native.all_empty``),
  the others by their keys and the identity of their values (or a deep copy, when they
  hold lists or dicts).

What is left is the cost of reading each list and each dict once, wherever it lies in
memory: for a record of 10,000 related articles (10,000 lists and 30,000 dicts), a few
tenths of a millisecond, most of it waiting for the memory (see docs/performance.md).

The fast builder notes each object and list as it builds it (``build.Note``, a plain
list), so taking the snapshot walks no record; a record built by cattrs is walked here
into the same notes. An :class:`Entry` is made only for what changed (and what holds it),
when :meth:`Snapshot.changes` finds it: it then knows its node, its place (a field path)
and its values as loaded, so that the writer plans splices for it alone.
"""

from __future__ import annotations

import copy
import datetime as dt
import operator
import types
import typing
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any, Final

import attrs

from newsrecord._bind.build import DEPTH, KEY, NOTES, OLD, PARENT, STEP, VALUE, Note
from newsrecord._bind.compare import same
from newsrecord._bind.paths import FieldPath
from newsrecord._read import native
from newsrecord._read.nodes import Mapping, Node, Sequence
from newsrecord.model.fields import WATCHED, Watch, fields, optional_part
from newsrecord.model.leaves import VALUE_CLASSES

__all__ = ["Entry", "Snapshot"]

_ENTRY: Final = NOTES - 1
"""The slot of a note that holds its entry, once made."""

_EMPTY: Final[dict[str, Any]] = {}
"""Compared with (never changed): ``list.count`` of it counts the empty dicts."""
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
            objects), ``"texts"`` (a list of text) or ``"scalars"`` (a list of other
            scalars).
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
        item = optional_part(typing.get_args(tp)[0])
        if _may_be_model(item):
            return "objects"
        return "texts" if item is str else "scalars"
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
        complete: Whether every object and list of the record was matched with its node;
            when not, changes cannot be found this way and the caller compares it all.
        objects: ``id`` of each model object of the record as loaded -> its note.
    """

    def __init__(self, record: Any, root: Mapping, notes: list[Note] | None = None) -> None:
        """Take the snapshot of *record*, read from *root*, and watch its objects.

        *notes* are those :func:`newsrecord._bind.build.build` took while building
        *record*; without them the record is walked here.
        """
        self.touched = Watch()
        self.complete = True
        if notes is None:
            notes = []
            self._walk(record, None, None, None, 0, notes)
        # One pass over the notes sorts them into what :meth:`changes` compares, each kind
        # in one loop (native when installed, else C loops of the standard library): the
        # unknown keys of each object as loaded (the empty dicts, to be found filled by
        # their lengths, and the others, against copies), and every list, by its length
        # and by the identity of its items, against its items as loaded. (One flat tuple
        # of the items of all lists would be read faster, by 0.04 ms for 10,000 lists, but
        # making it cost each load more than that gains in the edits of most records.)
        objects: dict[int, Note] = {}
        lists: list[Note] = []
        empty_extras: list[dict[str, Any]] = []
        extras: list[Note] = []
        list_values: list[list[Any]] = []
        list_olds: list[list[Any] | tuple[Any, ...]] = []
        for note in notes:
            value = note[VALUE]
            old = note[OLD]
            if type(value) is list:
                lists.append(note)
                list_values.append(value)
                list_olds.append(old)
                continue
            objects[id(value)] = note
            if old[-1]:
                extras.append(note)
            else:
                empty_extras.append(old[-1])
        self.objects = objects
        self._lists = lists
        self._empty_extras = empty_extras
        self._extras = extras
        self._extra_copies = (
            {id(note[VALUE]): _copy_extra(note[OLD][-1]) for note in extras} if extras else {}
        )
        self._list_values = list_values
        self._list_olds = list_olds
        self._root_note = objects[id(record)]
        self._root_node = root
        WATCHED.update(dict.fromkeys(objects, self.touched))
        self._dirty: set[int] = set()
        self._by_list: dict[int, Note] | None = None
        self._entered: list[Note] = []  # the notes whose entry was made

    @property
    def root(self) -> Entry:
        """The entry of the record."""
        return self.entry(self._root_note)

    def entry(self, note: Note) -> Entry:
        """The entry of a note (made when first asked for, with the entries above it)."""
        made: Entry | None = note[_ENTRY]
        if made is None:
            parent = note[PARENT]
            made = Entry(
                note[VALUE],
                None if parent is None else self.entry(parent),
                note[STEP],
                note[KEY],
                note[OLD],
                note[DEPTH],
            )
            if parent is None:
                made.node = self._root_node
            made.extra = self._extra_copies.get(id(note[VALUE]))
            note[_ENTRY] = made
            self._entered.append(note)
        return made

    def field_of(self, value: object) -> tuple[str | int, ...] | None:
        """The field path (YAML keys and indexes) of a model object of the record as loaded.

        None for an object the record did not hold when it was loaded (or last saved).
        """
        note = self.objects.get(id(value))
        if note is None or note[VALUE] is not value:
            return None
        steps: list[str | int] = []
        while note[PARENT] is not None:
            steps.append(note[STEP] if note[KEY] is None else note[KEY])
            note = note[PARENT]
        return tuple(reversed(steps))

    def __del__(self) -> None:
        """Stop watching the objects: the document is gone, or stands for a new text."""
        touched = getattr(self, "touched", None)
        for key in getattr(self, "objects", ()):
            if WATCHED.get(key) is touched:
                del WATCHED[key]

    def __deepcopy__(self, memo: dict[int, Any]) -> None:
        """No snapshot for a copy: its objects are new, and nobody watches them.

        A deep copy of a document then compares its whole record when it is saved.
        """
        return

    def _walk(
        self,
        value: Any,
        parent: Note | None,
        step: str | int | None,
        key: str | None,
        depth: int,
        notes: list[Note],
    ) -> None:
        """Note *value* and what it holds, as the builder notes what it builds."""
        layout = _layout(type(value))
        old = layout.getter(value)
        note: Note = [value, parent, step, key, depth, old, None]
        names = layout.names
        for index, field_key, kind in layout.nested:
            held = old[index]
            if held is None:
                continue
            if kind == "object":
                if type(held) not in _IMMUTABLE:
                    self._walk(held, note, names[index], field_key, depth + 1, notes)
                continue
            if type(held) is not list:
                self.complete = False
                continue
            # Lists of text keep a list of their items (see :meth:`changes`), others a tuple.
            old_items = list(held) if kind == "texts" else tuple(held)
            listed: Note = [held, note, names[index], field_key, depth + 1, old_items, None]
            if kind == "objects":
                for number, item in enumerate(held):
                    if type(item) not in _IMMUTABLE:
                        self._walk(item, listed, number, None, depth + 2, notes)
            notes.append(listed)
        notes.append(note)

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

    def changes(self, record: Any, *, in_place: bool = True) -> list[Entry] | None:
        """The objects and lists that changed since the snapshot, outermost first.

        None when *record* is not the record of the snapshot (it was replaced) or the
        snapshot is not complete: then only a full comparison tells.

        With ``in_place=False``, only the objects assigned to are compared: what changed
        if :meth:`changed_in_place` then says False (which reads every list and ``extra``
        dict of the record: the caller may do other work first).
        """
        root = self._root_note
        if record is not root[VALUE] or not self.complete:
            return None
        changed: dict[int, Note] = {}
        objects = self.objects
        for key in self.touched:
            note = objects[key]
            value = note[VALUE]
            if not all(map(operator.is_, _layout(type(value)).getter(value), note[OLD])):
                changed[key] = note
        if in_place:
            self._add_changed_in_place(changed)
        entries = [self.entry(note) for note in changed.values()]
        if any(self.node_of(entry) is None for entry in entries):
            return None  # the record does not match its text: compare it all
        # The changed values and everything that holds them: what a view must rebuild.
        dirty = self._dirty = set()
        for entry in entries:
            walk: Entry | None = entry
            while walk is not None and id(walk.value) not in dirty:
                dirty.add(id(walk.value))
                walk = walk.parent
        return sorted(entries, key=lambda entry: entry.depth)

    def changed_in_place(self) -> bool:
        """Whether a list or an ``extra`` dict of the record was changed in place."""
        return (
            not self._all_empty()
            or next(self._extras_changed(), None) is not None
            or not self._same_lists()
        )

    def _extras_changed(self) -> Iterator[Note]:
        """The notes of the objects whose ``extra`` dict, not empty when loaded, changed."""
        copies = self._extra_copies
        for note in self._extras:
            if not _same_extra(note[OLD][-1], copies[id(note[VALUE])]):
                yield note

    def _add_changed_in_place(self, changed: dict[int, Note]) -> None:
        """Add to *changed* the notes of what was changed in place."""
        copies = self._extra_copies
        if not self._all_empty():
            for note in self.objects.values():
                if note[OLD][-1] and id(note[VALUE]) not in copies:
                    changed[id(note[VALUE])] = note  # its extra dict was empty
        for note in self._extras_changed():
            changed[id(note[VALUE])] = note
        if self._same_lists():
            return
        # Some list holds another item, or another number of them: find which. Lists of
        # text compare their texts (an equal text put in place of one is the same text:
        # nothing to write); the others, which may hold model objects (whose == would miss
        # 1 turned True, or an instant in another zone), the identities.
        for note in self._lists:
            now, old = note[VALUE], note[OLD]
            if (
                now != old
                if type(old) is list
                else len(now) != len(old) or not all(map(operator.is_, now, old))
            ):
                changed[id(now)] = note

    def settle(self, record: Any, root: Mapping, changes: list[Entry] | None = None) -> bool:
        """Take *record* as it is now for the record as loaded, read from *root*.

        After a save, the saved text is the text the record was "loaded" from: the next
        edit is found against it. When what changed since the snapshot was values
        assigned to attributes of model objects (text, numbers, date-times: values that
        hold no object or list of the record), the snapshot takes their new values and
        the new nodes, and nothing else of a record of any size is looked at again.

        *changes* are what :meth:`changes` gave for *record* just before, if nothing
        changed since (found again when not given).

        Returns:
            False when something else changed (a list, unknown keys, an object put in
            place of another, or the record replaced): then take a new snapshot.
        """
        if changes is None:
            changes = self.changes(record)
        if changes is None:
            return False
        settled = []
        for entry in changes:
            value = entry.value
            if entry.is_list or not self.live(entry):
                return False
            now = _layout(type(value)).getter(value)
            old = entry.old
            if now[-1] is not old[-1] or not _same_extra(now[-1], entry.extra):
                return False
            for current, was in zip(now, old, strict=True):
                if current is not was and (
                    type(current) not in _IMMUTABLE or type(was) not in _IMMUTABLE
                ):
                    return False
            settled.append((self.objects[id(value)], now))
        for note, now in settled:
            note[OLD] = now
        for note in self._entered:
            note[_ENTRY] = None  # its entry knows the nodes of the text before
        self._entered = []
        self.touched.clear()
        self._dirty = set()
        self._root_node = root
        return True

    def _all_empty(self) -> bool:
        """Whether every ``extra`` dict that was empty when loaded still is."""
        empty = self._empty_extras
        if native.all_empty is not None:
            return native.all_empty(empty)
        return empty.count(_EMPTY) == len(empty)

    def _same_lists(self) -> bool:
        """Whether every list holds the very items it held when loaded, in order."""
        values, olds = self._list_values, self._list_olds
        if native.same_lists is not None:
            return native.same_lists(values, olds)
        return list(map(len, values)) == list(map(len, olds)) and all(
            map(operator.is_, chain.from_iterable(values), chain.from_iterable(olds))
        )

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
            if self._by_list is None:
                self._by_list = {id(note[VALUE]): note for note in self._lists}
            return [self.view_of(item) for item in self._by_list[id(value)][OLD]]
        entry = self.entry(self.objects[id(value)])
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
