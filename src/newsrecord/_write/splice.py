"""Turn the differences between the loaded and the edited record into text splices.

Only what changed is rewritten: a changed scalar is re-rendered in its own style over its
own span; a removed key or list item loses exactly its lines; a new key is inserted at its
place in the canonical key order, a new list item after its neighbours, in the style of
its siblings. Everything else, comments, blank lines, quotes, trailing spaces, line
breaks, stays byte for byte.
"""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import difflib
import itertools
import re
import types
import typing
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Final, TypeGuard

import attrs

from newsrecord._bind.compare import same
from newsrecord._bind.snapshot import Entry, Snapshot
from newsrecord._read import native, parse
from newsrecord._read.text import line_end, line_start
from newsrecord._read.yaml_core import NULL_WORDS, YAML_TIMESTAMP
from newsrecord._write import render
from newsrecord._write.style import HouseStyle, style_of
from newsrecord.model.fields import fields, is_model, is_model_class, keys_of, optional_part

__all__ = [
    "Edit",
    "Plan",
    "ScalarEdit",
    "SpliceError",
    "align",
    "apply_edits",
    "begin_edits",
    "plan_changes",
    "plan_edits",
    "same",
]

_MISSING: Final = object()


class SpliceError(Exception):
    """The splicer's plan does not fit the text (overlapping edits, a node not found).

    A bug of ours, never the user's: the document catches it and writes the front matter
    another way, checked, so it never reaches a caller.
    """


_ITEM_LINE_END: Final = re.compile(r"[ \t]*,?[ \t]*(?:#[^\r\n]*)?(?:\r\n|\n|\r)?")
"""What may follow a flow item on its own line: its comma and a comment."""
_LINE_COMMENT: Final = re.compile(r"[ \t]+#[^\r\n]*")
"""A comment at the end of a line, with the blanks before it."""
_PROPERTIES: Final = re.compile(r"(?:![^ \t\r\n]*[ \t]+)?(?P<anchor>&[^ \t\r\n,\[\]{}]+)[ \t]*")
"""A node's anchor, maybe after its tag, and the blanks after it."""
_BLOCK_HEADER: Final = re.compile(r": [|>][-+0-9]*$")
"""The end of a key line whose value is a block scalar."""


@attrs.frozen
class Edit:
    """Replace ``text[start:end]`` with *text*.

    Attributes:
        start: First offset replaced.
        end: Offset just past the replaced text (== start for an insertion).
        text: The new text.
    """

    start: int
    end: int
    text: str


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to *text*.

    Insertions at one offset go deepest first: lines that extend the entry above (items
    appended to its list) come before a key that follows it, whichever was planned
    first; insertions at one depth keep their order.

    Raises:
        SpliceError: two edits overlap.
    """
    return begin_edits(text, edits).finish()


def begin_edits(text: str, edits: Iterable[Edit]) -> native.Splicing:
    """Begin :func:`apply_edits`: its ``finish()`` gives the text, ``cancel()`` drops it.

    With the native package, a large text (over 2 MB) is copied by another thread from
    now on, while the caller does other work; without it, everything is done by
    ``finish()``.

    Raises:
        SpliceError: two edits overlap.
    """
    ordered = [edit for _, edit in sorted(enumerate(edits), key=_order)]
    position = 0
    for edit in ordered:
        if edit.start < position:
            raise SpliceError(f"overlapping edits at offset {edit.start}: {ordered}")
        position = edit.end
    if native.start_splice is not None and ordered:
        # One copy of the text instead of two (the slices, then their join).
        return native.start_splice(text, [(edit.start, edit.end, edit.text) for edit in ordered])
    return _Joined(text, ordered)


@attrs.define
class _Joined:
    """:func:`begin_edits` without the native package: the slices of the text, joined."""

    text: str
    ordered: list[Edit]

    def finish(self) -> str:
        out: list[str] = []
        position = 0
        for edit in self.ordered:
            out.append(self.text[position : edit.start])
            out.append(edit.text)
            position = edit.end
        out.append(self.text[position:])
        return "".join(out)

    def cancel(self) -> None:
        return


def _under(path: str, key: str) -> bool:
    """Whether the style path *path* is *key* or lies under it."""
    return path.startswith(key) and path[len(key) : len(key) + 1] in ("", ".", "[")


def _order(pair: tuple[int, Edit]) -> tuple[int, int, int, int]:
    number, edit = pair
    depth = 0
    if edit.start == edit.end:
        first = next((line for line in edit.text.splitlines() if line.strip()), "")
        depth = len(first) - len(first.lstrip(" "))
    return edit.start, edit.end, -depth, number


def plan_edits(
    text: str,
    root: parse.Mapping,
    old: Any,
    new: Any,
    newline: str,
    kind: type | None = None,
) -> list[Edit]:
    """Return the edits that turn the front matter of *old* into that of *new*.

    *old* and *new* are records, or the plain data of a record of class *kind* (a
    document whose values do not fit the model yet): the model's key order and house
    style are then that class's, so that an edit is written as it would be on a record.
    """
    planner = _Planner(text, root, kind or type(new), newline)
    planner.mapping(root, old, new, "", 0)
    return planner.edits


@attrs.frozen
class ScalarEdit:
    """An edit that writes one scalar value over the span of another.

    Attributes:
        edit: The edit.
        value: The value written.
        lead: Where in ``edit.text`` the scalar begins.
        size: The length of the scalar's text.
        flow: Whether the scalar stands in a flow collection.
        block: Whether it is a block scalar (``|`` or ``>``).
        path: Its style path (``related[].title``).
        node: The scalar node it writes over.
    """

    edit: Edit
    value: Any
    lead: int
    size: int
    flow: bool
    block: bool
    path: str
    node: parse.Scalar


@attrs.define
class Plan:
    """The edits for the changes of a document, and what they are.

    Attributes:
        edits: Every edit.
        scalars: The edits that each replace one scalar value; when they are all the
            edits, each can be checked on its own instead of reading the whole text again.
    """

    edits: list[Edit]
    scalars: list[ScalarEdit]

    @property
    def only_scalars(self) -> bool:
        """Whether every edit replaces one scalar (no block scalar) and nothing else."""
        return len(self.scalars) == len(self.edits) and not any(s.block for s in self.scalars)


def respan(
    roots: Iterable[parse.Node], scalars: list[ScalarEdit], readings: list[parse.Scalar]
) -> Callable[[int], int]:
    """Make the nodes of a text those of the text with *scalars* spliced in, in place.

    After a plan of scalar edits (:attr:`Plan.only_scalars`), the new text differs from
    the old only in those scalars: every other node is the same, further on by what the
    edits before it added. So the nodes are moved rather than parsed again (which, for a
    record of 10,000 items, costs a hundred times more), and each scalar written takes
    the value, style and tag of its *reading* (the node :meth:`Document._read_back`
    parsed its text into). Subtrees that end before the first edit are not entered.

    Args:
        roots: The nodes to move, with all they hold (the root, and the entries of keys
            written twice, which the root does not hold).
        scalars: The scalar edits applied.
        readings: For each, its text read as a scalar node.

    Returns:
        Where an offset of the old text is in the new one (for the offsets kept elsewhere,
        such as where the front matter ends).
    """
    ordered = sorted(zip(scalars, readings, strict=True), key=lambda pair: pair[0].edit.start)
    ends: list[int] = []
    shifts: list[int] = []
    written: list[tuple[int, ScalarEdit, parse.Scalar]] = []
    total = 0
    for scalar, reading in ordered:
        edit = scalar.edit
        written.append((edit.start + total + scalar.lead, scalar, reading))
        total += len(edit.text) - (edit.end - edit.start)
        ends.append(edit.end)
        shifts.append(total)

    def moved(offset: int) -> int:
        # Past the end of k edits: moved by what those k added.
        before = bisect.bisect_right(ends, offset)
        return offset + shifts[before - 1] if before else offset

    if not ordered:
        return moved
    first, last, total = ordered[0][0].edit.start, ends[-1], shifts[-1]
    if native.move_spans is not None:
        native.move_spans(list(roots), first, last, total, ends, shifts)
    else:
        _move_spans(list(roots), first, last, total, moved)
    for start, scalar, reading in written:
        # The scalars written: where, and what, their new text is.
        node = scalar.node
        node.start, node.end = start, start + scalar.size
        node.value, node.style, node.tag = reading.value, reading.style, reading.tag
    return moved


def _move_spans(
    stack: list[parse.Node], first: int, last: int, total: int, moved: Callable[[int], int]
) -> None:
    """The loop of :func:`respan` (``newsrecord_native``'s ``move_spans`` when installed)."""
    pop, push = stack.pop, stack.extend
    # The loop every node after the first edit goes through (half of a large record, for
    # an edit in its middle): kept lean. A node past the last edit moves by all the edits.
    while stack:
        node = pop()
        if node.end < first:
            continue  # before every edit, with all it holds
        start = node.start
        if start >= last:
            node.start = start + total
            node.end += total
        else:
            node.start, node.end = moved(start), moved(node.end)
        if type(node) is parse.Mapping:
            for pair in node.pairs:
                push(pair)
        elif type(node) is parse.Sequence:
            push(node.items)


def plan_changes(
    text: str,
    root: parse.Mapping,
    record: Any,
    changes: list[Entry],
    snapshot: Snapshot,
    newline: str,
) -> Plan:
    """Return the edits for the changed objects and lists of a record, outermost first.

    Each change is planned at its own node, against its values as loaded; a change
    inside one already planned (or cut out by it) is left to that one.
    """
    planner = _Planner(text, root, type(record), newline)
    for entry in changes:
        node = entry.node
        if node is None:  # changes() looks up the node of each
            raise SpliceError(f"no node for the change at {entry.style_path()}")
        if not snapshot.live(entry) or planner.covers(node) or planner.planned_above(entry):
            continue
        parent = entry.parent
        if parent is None:
            planner.mapping(root, snapshot.view(entry), record, "", 0)
        elif parent.is_list:
            if not (isinstance(parent.node, parse.Sequence) and isinstance(entry.step, int)):
                raise SpliceError(f"no list item for the change at {entry.style_path()}")
            planner.change_item(
                parent.node,
                entry.step,
                snapshot.view(entry),
                entry.value,
                entry.style_path(),
                parent.depth,
            )
        else:
            pairs = parent.node.pairs if isinstance(parent.node, parse.Mapping) else []
            pair = next((pair for pair in pairs if pair[1] is node), None)
            if pair is None or not isinstance(parent.node, parse.Mapping):
                raise SpliceError(f"no entry for the change at {entry.style_path()}")
            planner.change_value(
                parent.node,
                pair,
                snapshot.view(entry),
                entry.value,
                entry.style_path(),
                parent.depth,
                # A list's items as loaded: an object still in the list is known by
                # identity and keeps its node, where its own changes go.
                entry.old if entry.is_list else (),
            )
    return Plan(planner.edits, planner.scalars)


class _Planner:
    def __init__(self, text: str, root: parse.Mapping, cls: type, newline: str) -> None:
        self.text = text
        self.root = root
        self.cls = cls
        self.house: HouseStyle = style_of(cls)
        self.edits: list[Edit] = []
        self.scalars: list[ScalarEdit] = []
        self._visited: set[int] = set()
        self._cuts: list[Edit] = []
        self._seen = 0
        self._scalar_ids: set[int] = set()
        self._observed: dict[str, str] | None = None
        self._unobserved: list[tuple[parse.Scalar, parse.Node]] = []
        self._newline = newline
        self._layout: render.Layout | None = None

    # --- context ------------------------------------------------------------------------

    def covers(self, node: parse.Node) -> bool:
        """Whether *node* was planned already, or lies in text an edit replaces."""
        if id(node) in self._visited:
            return True
        for edit in self.edits[self._seen :]:
            if edit.start < edit.end and id(edit) not in self._scalar_ids:
                self._cuts.append(edit)
        self._seen = len(self.edits)
        # Cuts take whole entries and items: a node that begins in one is gone with it
        # (its end may lie past the cut, where the next token begins).
        return any(cut.start <= node.start < cut.end for cut in self._cuts)

    def planned_above(self, entry: Entry) -> bool:
        """Whether a list holding *entry* (at any depth) was planned as a list.

        A list is planned from its items as loaded all the way down (``Snapshot.view``),
        so its planning saw this change too, though not always at this node: objects that
        swapped their values in place are planned by value, as items that moved. (An
        object's planning shares the attributes it still holds with the live object, whose
        changes are planned on their own.)
        """
        above = entry.parent
        while above is not None:
            if above.is_list and above.node is not None and id(above.node) in self._visited:
                return True
            above = above.parent
        return False

    def column(self, offset: int) -> int:
        return offset - line_start(self.text, offset)

    @property
    def layout(self) -> render.Layout:
        """The file's indentation, read off it when an edit first needs it."""
        if self._layout is None:
            self._layout = self._infer_layout(self._newline)
        return self._layout

    def _infer_layout(self, newline: str) -> render.Layout:
        indent = dash = None
        for key, value in self._block_pairs(self.root):
            if self._linked(value.start):
                continue
            if isinstance(value, parse.Mapping) and not value.flow and value.pairs:
                first = next((k for k, _ in value.pairs if not self._linked(k.start)), None)
                if first is None:
                    continue
                column = self.column(self.key_start(first))
                indent = indent or column - self.column(self.key_start(key))
            if isinstance(value, parse.Sequence) and not value.flow and value.items:
                dash_at = self._dash(value.items[0])
                column = self.column(self.key_start(key))
                dash = dash if dash is not None else self.column(dash_at) - column
            if indent and dash is not None:
                break  # the first ones count: the rest of a large record need not be read
        return render.Layout(indent or 2, 2 if dash is None else dash, newline)

    def _linked(self, offset: int) -> bool:
        """Whether *offset* lies in a link: nodes there are read through it, not written."""
        return any(link.start <= offset < link.end for link in self.root.links)

    def _block_pairs(self, node: parse.Node) -> Iterable[tuple[parse.Scalar, parse.Node]]:
        if isinstance(node, parse.Mapping) and not node.flow:
            for key, value in node.pairs:
                if self._linked(key.start):
                    continue  # read through a link: not where it is written
                yield key, value
                yield from self._block_pairs(value)
        elif isinstance(node, parse.Sequence) and not node.flow:
            for item in node.items:
                yield from self._block_pairs(item)

    def style_for(self, path: str) -> str:
        """The file's own style for scalars at *path*, else the house style.

        The file is looked at under the top-level keys *path* starts with, once each: a
        new item of a small list of a large record does not read the whole record.
        """
        if self._observed is None:
            self._observed = {}
            self._unobserved = list(self.root.pairs)
        for pair in [pair for pair in self._unobserved if _under(path, pair[0].value)]:
            self._unobserved.remove(pair)
            self._observe(pair[1], pair[0].value)
        found = self._observed.get(path)
        if found is not None:
            return found
        return render.DOUBLE if path in self.house.quoted else render.PLAIN

    def _observe(self, node: parse.Node, path: str) -> None:
        observed = self._observed
        if observed is None:
            return
        if isinstance(node, parse.Scalar):
            # A null (~, null, empty) says nothing about how a value there is written.
            if node.style != parse.PLAIN or node.value not in NULL_WORDS:
                observed.setdefault(path, node.style)
        elif isinstance(node, parse.Mapping):
            for key, value in node.pairs:
                self._observe(value, f"{path}.{key.value}" if path else key.value)
        else:
            for item in node.items:
                self._observe(item, f"{path}[]")

    def _dash(self, item: parse.Node) -> int:
        """Offset of the dash that introduces a block sequence item."""
        position = item.start - 1
        while position >= 0 and self.text[position] in " \t\r\n":
            position -= 1
        if isinstance(item, parse.Mapping) and item.pairs and not item.flow:
            # A first key written explicitly (``- ? key``): the dash is before its ``?``.
            start = self.key_start(item.pairs[0][0])
            if start < position + 1:
                position = start - 1
                while position >= 0 and self.text[position] in " \t\r\n":
                    position -= 1
        return position

    # --- mappings -----------------------------------------------------------------------

    def mapping(self, node: parse.Mapping, old: Any, new: Any, path: str, depth: int) -> None:
        self._visited.add(id(node))
        old_items = dict(render.mapping_items(old))
        new_items = dict(render.mapping_items(new))
        if node is self.root and node.flow and not node.pairs and new_items:
            # A record written `{}` gains its first keys: write them as block entries.
            lines = render.block_lines(new, 0, "", self.style_for, self.layout)
            self.edits.append(
                Edit(node.start, node.end, self._join(lines)[: -len(self.layout.newline)])
            )
            return
        if node is self.root and node.flow and node.links:
            # One flow mapping that shares values: its entries are not apart on lines to
            # write out one by one, so all of it is written again, every value in full.
            self.edits.append(Edit(node.start, node.end, self.flow_text(new, "")))
            return
        if (
            node is self.root
            and not node.flow
            and not new_items
            and all(name.value in old_items for name, _ in node.pairs)
        ):
            # The last key goes: an empty front matter is not a record, an empty mapping is.
            for name, value in node.pairs:
                self.edits.append(Edit(*self.entry_lines(name, value), ""))
            at = self.root_end()
            self.edits.append(Edit(at, at, "{}" + self.layout.newline))
            return
        if node.flow and (
            old_items.keys() != new_items.keys() or len(node.pairs) != len(old_items)
        ):
            # Keys come or go in a flow mapping: write it again on its line, keeping the
            # text of every entry that did not change.
            self.edits.append(Edit(node.start, node.end, self.flow_mapping(node, new_items, path)))
            return
        handled = self._delete_head_of_item(node, old_items.keys() - new_items.keys())
        if node is self.root and node.links:
            handled |= self._write_out_links(node, old_items, new_items)
        for key in [*old_items, *(k for k in new_items if k not in old_items)]:
            before = old_items.get(key, _MISSING)
            after = new_items.get(key, _MISSING)
            if same(before, after) or key in handled:
                continue
            here = f"{path}.{key}" if path else key
            pair = node.get(key)
            if after is _MISSING:
                if pair is not None and key not in handled:
                    self.delete_pair(pair, depth)
            elif pair is None:
                self.insert_pair(node, key, after, new, here, depth, path)
            else:
                self.change_value(node, pair, before, after, here, depth)

    def _write_out_links(
        self, root: parse.Mapping, old_items: dict[str, Any], new_items: dict[str, Any]
    ) -> set[str]:
        """Write out the top-level entries that links keep from being edited in place.

        A value read through a link (an alias, a merge key) is not written where it is
        read, so it cannot be spliced: an entry holding a link whose value changes is
        written out whole, with its new value. So is each entry holding an alias of an
        anchor in an entry that changes or is written out: its value stays, but its anchor
        may say something else, or be gone. A merge key of the front matter itself is
        written out as the entries it gives. Returns the keys written (and so handled).
        """
        changed = {
            key
            for key in old_items.keys() | new_items.keys()
            if not same(old_items.get(key, _MISSING), new_items.get(key, _MISSING))
        }
        units = self._units(root)
        starts = [unit.start for unit in units]

        def unit_of(offset: int) -> _Unit | None:
            found = bisect.bisect_right(starts, offset) - 1
            return units[found] if found >= 0 else None

        touched = {id(unit) for unit in units if changed & set(unit.keys)}
        gone = {
            id(unit)
            for unit in units
            if unit.keys and all(key not in new_items for key in unit.keys)
        }
        written: dict[int, _Unit] = {}
        growing = True

        def write(unit: _Unit) -> None:
            nonlocal growing
            if id(unit) not in written and id(unit) not in gone:
                written[id(unit)] = unit
                growing = True

        while growing:
            growing = False
            for link in root.links:
                use = unit_of(link.start)
                source = None if link.source is None else unit_of(link.source)
                if use is None:
                    continue
                if id(use) in touched:
                    write(use)
                if source is None or source is use:
                    continue
                if id(source) in touched:
                    write(source)  # its anchor goes with it
                if id(source) in written or id(source) in gone:
                    write(use)
        # An anchor whose aliases are all written out (or gone) would stand alone, which
        # on a plain value reads as text gone wrong: it goes too.
        staying = [link for link in root.links if link.source is not None]
        used = {
            link.source
            for link in staying
            if (use := unit_of(link.start)) is not None
            and id(use) not in written
            and id(use) not in gone
        }
        for anchor in sorted({link.source for link in staying if link.source is not None} - used):
            unit = unit_of(anchor)
            if unit is not None and id(unit) not in written and id(unit) not in gone:
                self.edits.append(self._unanchored(anchor))
        linked = {id(unit) for link in root.links if (unit := unit_of(link.start)) is not None}
        return self._write_units(root, units, written, gone, linked, new_items)

    def _write_units(
        self,
        root: parse.Mapping,
        units: list[_Unit],
        written: dict[int, _Unit],
        gone: set[int],
        linked: set[int],
        new_items: dict[str, Any],
    ) -> set[str]:
        """Write the units of :meth:`_write_out_links`; return the keys they write."""
        keys: set[str] = set()
        for unit in units:
            if id(unit) in gone and (unit.pair is None or id(unit) in linked):
                # Deleted whole, links and all (a merge entry last in a mapping is past
                # the lines of its last entry).
                keys.update(unit.keys)
                self.edits.append(Edit(unit.start, unit.end, ""))
        for unit in written.values():
            keys.update(unit.keys)
            if unit.pair is not None:
                key, value = unit.keys[0], unit.pair[1]
                if (
                    isinstance(value, parse.Mapping | parse.Sequence)
                    and value.flow
                    and not render.is_scalar(new_items[key])
                    and "\n" not in self.text[value.start : value.end]
                ):
                    # A flow collection on its line (an alias of one, too) stays one.
                    text = self.flow_text(new_items[key], key)
                    self.edits.append(Edit(value.start, value.end, text))
                else:
                    self.rewrite_pair(root, unit.pair, new_items[key], key, unit.end)
                continue
            # A merge entry of the front matter: the entries it gives, as written ones.
            column = self.column(unit.start)
            lines = [
                line
                for key in unit.keys
                if key in new_items
                for line in render.entry_lines(
                    key, new_items[key], column, key, self.style_for, self.layout
                )
            ]
            self.edits.append(Edit(unit.start, unit.end, self._join(lines) if lines else ""))
        return keys

    def _unanchored(self, at: int) -> Edit:
        """The edit that takes the anchor off the node at *at* (which starts with it)."""
        found = _PROPERTIES.match(self.text, at)
        if found is None:
            raise SpliceError(f"no anchor at offset {at}")
        start, end = found.span("anchor")
        after = found.end()
        if after == len(self.text) or self.text[after] in "\r\n#":
            # `key: &a` at the end of its line: the blanks before it go, not after.
            end = after
            while start > 0 and self.text[start - 1] in " \t":
                start -= 1
        else:
            end = after
        return Edit(start, end, "")

    def _units(self, root: parse.Mapping) -> list[_Unit]:
        """The top-level entries and merge entries of the front matter, in text order.

        Each spans its whole lines, merge entries in it included (see :meth:`_last_end`);
        an offset belongs to the last one that starts at or before it.
        """
        units: list[_Unit] = []
        for pair in self.written_pairs(root):
            start = line_start(self.text, self.key_start(pair[0]))
            units.append(_Unit(start, self.entry_lines(*pair)[1], [pair[0].value], pair))
        for link in (link for link in root.links if link.top):
            keys = [key.value for key, _ in root.pairs if link.start <= key.start < link.end]
            end = line_end(self.text, max(link.end - 1, link.start))
            units.append(_Unit(line_start(self.text, link.start), end, keys, None))
        units.sort(key=lambda unit: unit.start)
        return units

    def _last_end(self, node: parse.Node) -> int:
        """Offset past the last character of *node*'s content, in whatever order it is read.

        A merge key gives entries out of the order of the text, and its own entry is none
        of them.
        """
        last = node.start
        for link in self.root.links:
            if node.start <= link.start < node.end:
                last = max(last, link.end)
        stack = [node]
        while stack:
            node = stack.pop()
            if isinstance(node, parse.Mapping) and not node.flow:
                for key, value in node.pairs:
                    last = max(last, key.end)
                    stack.append(value)
            elif isinstance(node, parse.Sequence) and not node.flow:
                stack.extend(node.items)
            else:
                last = max(last, self.content_end(node))
        return last

    def written_pairs(self, node: parse.Mapping) -> list[tuple[parse.Scalar, parse.Node]]:
        """The entries of *node* written in it: not those a merge key of it gives."""
        if node is not self.root or not node.links:
            return node.pairs
        merges = [link for link in node.links if link.top]
        return [
            pair
            for pair in node.pairs
            if not any(link.start <= pair[0].start < link.end for link in merges)
        ]

    def _delete_head_of_item(self, node: parse.Mapping, deleted: set[str]) -> set[str]:
        """Delete the first keys of a list item's mapping, keeping its dash.

        The first key shares its line with the dash: the first key that stays moves up
        to the dash, and everything before it goes in one edit. Whole-line comments among
        the deleted entries stay, moved above the dash line (so still before that key).
        Returns the keys done.
        """
        if node.flow or not node.pairs or not self._after_dash(node.pairs[0][0]):
            return set()
        head: set[str] = set()
        for key, _ in node.pairs:
            if key.value not in deleted:
                if head:
                    start, end = self.key_start(node.pairs[0][0]), self.key_start(key)
                    gone = [value for name, value in node.pairs if name.value in head]
                    comments = self._comment_lines(start, end, gone)
                    if comments:
                        at = line_start(self.text, self._dash(node))
                        self.edits.append(Edit(at, at, comments))
                    self.edits.append(Edit(start, end, ""))
                return head
            head.add(key.value)
        return set()  # every key goes: the caller rewrites the item as an empty mapping

    def _comment_lines(self, start: int, end: int, values: list[parse.Node]) -> str:
        """The whole-line comments of the lines after *start*'s, before *end*, verbatim.

        Lines inside one of *values* are left out: a ``#`` there is content (a block
        scalar's line) or a comment of that value, which goes with it.
        """
        text = self.text
        kept: list[str] = []
        at = line_end(text, start)  # a comment on the first line is the first key's own
        while at < end:
            after = line_end(text, at)
            if text[at:after].lstrip(" \t").startswith("#") and not any(
                value.start <= at < value.end for value in values
            ):
                kept.append(text[at:after])
            at = after
        return "".join(kept)

    def change_value(
        self,
        parent: parse.Mapping,
        pair: tuple[parse.Scalar, parse.Node],
        before: Any,
        after: Any,
        path: str,
        depth: int,
        loaded: Sequence[Any] = (),
    ) -> None:
        """Plan the change of a value of *parent* (*loaded*: see :meth:`sequence`)."""
        value = pair[1]
        if (
            isinstance(value, parse.Scalar)
            and value.start == value.end
            and self.explicit(pair[0])
            and not parent.flow
        ):
            # ``? key`` with no ``:`` line: there is no place for a value to go.
            self.rewrite_pair(parent, pair, after, path)
        elif isinstance(value, parse.Scalar) and render.is_scalar(after):
            self.replace_scalar(value, after, path, parent.flow)
        elif _editable_in_place(value, before, after):
            self.mapping(value, before, after, path, depth + 1)
        elif (
            isinstance(value, parse.Sequence)
            and isinstance(before, list)
            and isinstance(after, list)
            and after
            and (value.items or value.flow)
        ):
            self.sequence(value, before, after, path, depth + 1, loaded)
        else:
            self.rewrite_pair(parent, pair, after, path)

    def replace_scalar(self, node: parse.Scalar, value: Any, path: str, flow: bool) -> None:
        start, end = node.start, node.end
        style = node.style
        if node.value in NULL_WORDS and style == parse.PLAIN:
            style = self.style_for(path)
        if start == end:  # an empty value right after its colon or dash
            end = start
            while end < len(self.text) and self.text[end] in " \t":
                end += 1
            comment = end < len(self.text) and self.text[end] == "#"
            # A block scalar's lines go under the key, not under the end of its line.
            key_at = line_start(self.text, start) + self._key_column(node)
            rendered = self.render(value, style, path, flow, key_at)
            text = " " + rendered + (" " if comment else "")
            self._scalar(node, Edit(start, end, text), value, 1, len(rendered), flow, path)
            return
        if style in (render.LITERAL, render.FOLDED):
            end = line_end(self.text, self._block_scalar_end(node))
            indent = self._block_scalar_indent(node)
            newline = self.layout.newline
            rendered = render.render_scalar(value, style, indent=" " * indent, newline=newline)
            # What follows the header on its line (a comment, the line break) stays: with
            # the same header, only the content lines change.
            after_header = start + len(self._block_header(node))
            tail = self.text[after_header : line_end(self.text, start)]
            header, _, content = rendered.partition(newline)
            if rendered.startswith(("|", ">")):
                text = header + tail + content + newline
            else:  # double quotes, for a text a block scalar cannot hold
                text = rendered + tail
            self._scalar(node, Edit(start, end, text), value, 0, len(text), flow, path, block=True)
            return
        rendered = self.render(value, style, path, flow, start)
        if style == parse.PLAIN:
            rendered = _like(node.value, value, rendered)
        self._scalar(node, Edit(start, end, rendered), value, 0, len(rendered), flow, path)

    def _scalar(
        self,
        node: parse.Scalar,
        edit: Edit,
        value: Any,
        lead: int,
        size: int,
        flow: bool,
        path: str,
        *,
        block: bool = False,
    ) -> None:
        self.edits.append(edit)
        self._scalar_ids.add(id(edit))
        self.scalars.append(ScalarEdit(edit, value, lead, size, flow, block, path, node))

    def render(self, value: Any, style: str, path: str, flow: bool, at: int) -> str:
        if self._layout is None:
            # Indentation and line breaks only show in a value that takes several lines:
            # most do not, and then the file's layout need not be read off it.
            single = render.render_scalar(value, style, flow=flow, indent="  ", newline="\n")
            if "\n" not in single and "\r" not in single:
                return single
        return render.render_scalar(
            value,
            style,
            flow=flow,
            indent=" " * (self.column(at) + self.layout.indent),
            newline=self.layout.newline,
        )

    def _block_scalar_end(self, node: parse.Scalar) -> int:
        """Offset just past the last content line of a block scalar, its break excluded.

        Trailing empty lines are the scalar's own with keep chomping (``|+``), and belong
        to what follows otherwise; a line of spaces beyond the indentation is content.
        """
        return self._block_lines(node)[1]

    def _block_lines(self, node: parse.Scalar) -> tuple[int | None, int]:
        """The indentation of a block scalar's content (None if unknown) and its end."""
        text = self.text
        at = line_end(text, node.start)
        header = self._block_header(node)
        keep = "+" in header
        indent: int | None = None
        digits = [int(ch) for ch in header if ch.isdigit()]
        known = not digits
        if digits and text[line_start(text, node.start) : node.start].rstrip().endswith(":"):
            # An explicit indentation indicator counts from the mapping's indentation,
            # that of the key. (After a dash, where it counts from the list's, only lines
            # with a character other than a space are taken for content.)
            indent = self._key_column(node) + digits[0]
            known = True
        end = node.start + len(header)
        while at < node.end:
            stop = line_end(text, at)
            line = text[at:stop].rstrip("\r\n")
            if indent is None and line.strip(" "):
                indent = len(line) - len(line.lstrip(" "))
            if keep or (line.strip(" ") if indent is None or not known else len(line) > indent):
                end = at + len(line)
            at = stop
        return (indent if known else None), end

    def _block_header(self, node: parse.Scalar) -> str:
        """The header of a block scalar (``|``, ``>-``, ``|2+``), without any comment."""
        return self.text[node.start : line_end(self.text, node.start)].partition("#")[0].rstrip()

    def _key_column(self, node: parse.Scalar) -> int:
        """The column of the key that holds a block scalar (after any list dashes)."""
        header = self.text[line_start(self.text, node.start) : node.start]
        return len(header) - len(re.sub(r"^(?:[ ]*-(?= ))*[ ]*", "", header))

    def _block_scalar_indent(self, node: parse.Scalar) -> int:
        indent = self._block_lines(node)[0] or 0
        header_indent = self._key_column(node)
        if indent <= header_indent:
            # An empty block scalar shows no indentation: nest it under its key.
            indent = header_indent + self.layout.indent
        return indent

    def delete_pair(self, pair: tuple[parse.Scalar, parse.Node], depth: int) -> None:
        # Block mappings only: a flow mapping that loses a key is written again whole.
        key, value = pair
        start, end = self.entry_lines(key, value)
        # Removing a block that a blank line set off would leave two blank lines: take
        # the one above with it, unless it is the content of the entry above (``|+``).
        above = line_start(self.text, start - 1) if start else start
        index = (
            next(i for i, other in enumerate(self.root.pairs) if other is pair) if depth == 0 else 0
        )
        if index:
            above = max(above, self.entry_lines(*self.root.pairs[index - 1])[1])
        if depth == 0 and start and above < start and not self.text[above:start].strip():
            below = self.text[end : line_end(self.text, end)]
            if not below.strip() or end >= self.root_end():
                start = above
        self.edits.append(Edit(start, end, ""))

    def _after_dash(self, key: parse.Scalar) -> bool:
        start = self.key_start(key)
        return bool(self.text[line_start(self.text, start) : start].strip())

    def key_start(self, key: parse.Scalar) -> int:
        """Where the entry of *key* begins: at its ``?`` when the key is explicit."""
        position = key.start - 1
        while position >= 0 and self.text[position] == " ":
            position -= 1
        explicit = (
            position >= 0
            and self.text[position] == "?"
            and key.start - position > 1
            and (position == 0 or self.text[position - 1] in " \t\r\n-")
        )
        return position if explicit else key.start

    def explicit(self, key: parse.Scalar) -> bool:
        """Whether *key* is written as an explicit key (``? key`` then ``: value``)."""
        return self.key_start(key) != key.start

    def root_end(self) -> int:
        return line_end(self.text, self.content_end(self.root))

    def entry_lines(self, key: parse.Scalar, value: parse.Node) -> tuple[int, int]:
        """The whole lines of ``key: value`` in a block mapping."""
        # (With links, a mapping's last entry need not be the last written: see _last_end.)
        end = self._last_end(value) if self.root.links else self.content_end(value)
        if isinstance(value, parse.Scalar) and value.start == value.end:
            # An empty value (``key:``, or an explicit ``? key`` without one) ends its key.
            end = max(key.end, min(end, line_end(self.text, key.end) - 1))
        return line_start(self.text, key.start), line_end(self.text, end)

    def content_end(self, node: parse.Node) -> int:
        """Offset just past the last character of a value's content (comments excluded)."""
        while True:
            if isinstance(node, parse.Mapping) and not node.flow and node.pairs:
                key, node = node.pairs[-1]
                if isinstance(node, parse.Scalar) and node.start == node.end:
                    return key.end
            elif isinstance(node, parse.Sequence) and not node.flow and node.items:
                node = node.items[-1]
            else:
                break
        if isinstance(node, parse.Scalar) and node.style in (render.LITERAL, render.FOLDED):
            return self._block_scalar_end(node)
        return node.end

    def insert_pair(
        self,
        parent: parse.Mapping,
        key: str,
        value: Any,
        owner: Any,
        path: str,
        depth: int,
        owner_path: str,
    ) -> None:
        previous = self._anchor(parent, key, owner, owner_path)
        pairs = self.written_pairs(parent)
        if not pairs:
            # An empty front matter (`---` then `---`): its first key, at its start.
            lines = render.entry_lines(key, value, 0, path, self.style_for, self.layout)
            self.edits.append(Edit(parent.start, parent.start, self._join(lines)))
            return
        first = pairs[0][0]
        column = self.column(self.key_start(first))
        lines = render.entry_lines(key, value, column, path, self.style_for, self.layout)
        if previous is not None:
            at = self.entry_lines(*previous)[1]
        elif self._after_dash(first):
            # Before the first key of a list item: go between its dash and that key.
            lines[0] = lines[0].lstrip(" ")
            text = self._join(lines) + " " * column
            start = self.key_start(first)
            self.edits.append(Edit(start, start, text))
            return
        else:
            at = line_start(self.text, self.key_start(first))
        if depth == 0 and key in self.house.blank_before and not self._blank_above(at):
            lines.insert(0, "")
        self.edits.append(Edit(at, at, self._join(lines)))

    def _anchor(
        self, parent: parse.Mapping, key: str, owner: Any, owner_path: str
    ) -> tuple[parse.Scalar, parse.Node] | None:
        """The entry a new *key* goes after, or None for before the first entry.

        The nearest key before it that the file has: in the model's order for a field,
        in the assigned value's order for any other key (where no such key comes before
        it, a key outside the model goes last, after the fields). Only a key that stays
        can anchor it: the lines of a key that goes are deleted, and an insertion inside
        them would overlap that deletion. The model is the owner's class, or for plain
        data (*owner* a dict) the class the model declares at *owner_path*.
        """
        model = type(owner) if attrs.has(type(owner)) else self.model_at(owner_path)
        model_order = list(keys_of(model)) if model is not None else []
        names = [name for name, _ in render.mapping_items(owner)]
        if key in model_order:
            staying = set(names)
            names = [name for name in model_order[: model_order.index(key)] if name in staying]
        else:
            names = [name for name in names[: names.index(key)] if name not in model_order]
        pairs = self.written_pairs(parent)
        written = {pair[0].value: pair for pair in pairs}
        for name in reversed(names):
            if name in written:
                return written[name]
        if model_order and key not in model_order:
            return pairs[-1] if pairs else None
        return None

    def model_at(self, path: str) -> type | None:
        """The model class the record's class declares at a style path, if any.

        ``""`` is the record's class; ``provider`` or ``related[]`` the class of the
        value there (the model option of a union such as ``RelatedArticle | str``).
        """
        found: Any = self.cls
        for part in path.split(".") if path else ():
            name = part.rstrip("[]")
            spec = next((s for s in fields(found) if s.key == name), None) if found else None
            found = optional_part(spec.type) if spec is not None else None
            for _ in range((len(part) - len(name)) // 2):
                if typing.get_origin(found) is not list:
                    return None
                found = optional_part(typing.get_args(found)[0])
            if typing.get_origin(found) in (typing.Union, types.UnionType):
                found = next((arg for arg in typing.get_args(found) if is_model_class(arg)), None)
            if not is_model_class(found):
                found = None
        return found if is_model_class(found) else None

    def _blank_above(self, at: int) -> bool:
        above = line_start(self.text, at - 1) if at else at
        return at > 0 and not self.text[above:at].strip()

    def rewrite_pair(
        self,
        parent: parse.Mapping,
        pair: tuple[parse.Scalar, parse.Node],
        value: Any,
        path: str,
        end: int | None = None,
    ) -> None:
        """Write the entry *pair* of *parent* again with *value* (to *end*, if given)."""
        key, old = pair
        if parent.flow:
            self.edits.append(Edit(old.start, old.end, self.flow_text(value, path)))
            return
        end = self.entry_lines(key, old)[1] if end is None else end
        lines = render.entry_lines(
            key.value,
            value,
            self.column(self.key_start(key)),
            path,
            self.style_for,
            self.layout,
        )
        comment = self._line_comment(key, old)
        if comment:
            lines[0] = _with_comment(lines[0], comment, self.layout.newline)
        start = self.key_start(key)
        if start == key.start:
            # Keep the key exactly as written (its quotes). The edit starts at the key, not
            # at its line: a list item's dash and a key inserted before it stay outside.
            written = self.column(key.start) + len(self._key(key.value))
            lines[0] = self.text[key.start : key.end] + lines[0][written:]
        else:
            # An explicit key (``? key``) is written again as an implicit one, ``key:``.
            lines[0] = lines[0].lstrip(" ")
        self.edits.append(Edit(start, end, self._join(lines)))

    def _line_comment(self, key: parse.Scalar, value: parse.Node) -> str:
        """The comment that ends the line of *key*, with the blanks before it, or "".

        A comment after the value, or after the colon of a value on the lines below: one
        in a value that goes on past its key's line is of the value's text, not the key's.
        """
        stop = line_end(self.text, key.end)
        at = key.end
        if value.start < stop:
            if isinstance(value, parse.Scalar) and value.style in (render.LITERAL, render.FOLDED):
                at = value.start + len(self._block_header(value))
            elif self.content_end(value) <= stop:
                at = value.end
            else:
                return ""
        found = _LINE_COMMENT.search(self.text, at, stop)
        return found.group() if found else ""

    # --- sequences ----------------------------------------------------------------------

    def sequence(
        self,
        node: parse.Sequence,
        before: list[Any],
        after: list[Any],
        path: str,
        depth: int,
        loaded: Sequence[Any] = (),
    ) -> None:
        """Plan the changes of a list, *loaded* its items as loaded (see :func:`align`)."""
        self._visited.add(id(node))
        item_path = f"{path}[]"
        if node.flow and len(before) != len(after) and not (node.items and after):
            # A flow list that becomes empty, or was: written again on its line.
            self.edits.append(Edit(node.start, node.end, self.flow_text(after, path)))
            return
        for tag, i1, i2, j1, j2 in align(before, after, loaded):
            if tag == "equal" and not loaded:
                continue  # equal items; only an object matched with itself can differ
            # Old items replaced by new ones change in place, pair by pair (as do objects
            # changed in place); the rest of the old go, the rest of the new come after.
            paired = min(i2 - i1, j2 - j1)
            for i, j in zip(range(i1, i1 + paired), range(j1, j1 + paired), strict=True):
                if not same(before[i], after[j]):
                    self.change_item(node, i, before[i], after[j], item_path, depth)
            first, values = i1 + paired, after[j1 + paired : j2]
            if node.flow:
                if first < i2 or values:
                    self.flow_items(node, first, i2, values, path)
                continue
            for i in range(first, i2):
                self.delete_item(node, i)
            if values:
                self.insert_items(node, first, values, item_path)

    def flow_items(
        self, node: parse.Sequence, first: int, end: int, values: list[Any], path: str
    ) -> None:
        """Remove the items *first* to *end* of a flow list, or insert *values* at *first*.

        Only the items and their commas change: what stands between the others (line
        breaks, comments) stays. Items written a line each go with their lines, the
        comment lines just above them (about them) and the comment after them on their
        line. Other items go with the text before them, up to the item ahead, or, first
        in the list, with the text after them, up to the next.
        """
        items, item_path = node.items, f"{path}[]"
        if end > first and all(self._own_line(item) for item in items[first:end]):
            start = self._comments_above(line_start(self.text, items[first].start))
            self.edits.append(Edit(start, line_end(self.text, items[end - 1].end), ""))
            if end == len(items) and first > 0:
                # The last items went: the comma after the one now last goes too.
                comma = self.text.index(",", items[first - 1].end)
                self.edits.append(Edit(comma, comma + 1, ""))
        elif end > first:
            if first > 0:
                self.edits.append(Edit(items[first - 1].end, items[end - 1].end, ""))
            else:
                self.edits.append(Edit(items[0].start, items[end].start, ""))
        if values:
            text = ", ".join(self.flow_text(value, item_path) for value in values)
            if first > 0:
                at = items[first - 1].end
                self.edits.append(Edit(at, at, ", " + text))
            else:
                self.edits.append(Edit(items[0].start, items[0].start, text + ", "))

    def _own_line(self, item: parse.Node) -> bool:
        """Whether a flow item has its line to itself, but for a comma and a comment."""
        text = self.text
        before = text[line_start(text, item.start) : item.start]
        after = text[item.end : line_end(text, item.end)]
        return not before.strip(" \t") and _ITEM_LINE_END.fullmatch(after) is not None

    def _comments_above(self, start: int, column: int | None = None) -> int:
        """Where the comment lines just above the line at *start* begin (about that line).

        With *column*, only comment lines that begin at that column count.
        """
        while start > 0:
            above = line_start(self.text, start - 1)
            line = self.text[above:start]
            comment = line.lstrip(" \t")
            if not comment.startswith("#"):
                break
            if column is not None and len(line) - len(line.lstrip(" ")) != column:
                break
            start = above
        return start

    def change_item(
        self, node: parse.Sequence, index: int, before: Any, after: Any, path: str, depth: int
    ) -> None:
        item = node.items[index]
        if isinstance(item, parse.Scalar) and render.is_scalar(after):
            self.replace_scalar(item, after, path, node.flow)
        elif _editable_in_place(item, before, after):
            self.mapping(item, before, after, path, depth + 1)
        elif self._list_editable_in_place(item, before, after):
            # A list in a list: its items change, come and go as any list's do, and the
            # items that stay keep their text.
            self.sequence(item, before, after, path, depth + 1)
        elif node.flow:
            self.edits.append(Edit(item.start, item.end, self.flow_text(after, path)))
        else:
            # Written as a new item in place of the old one: delete its lines, and insert
            # right where they ended.
            # The comment lines above it stay, for the item that takes its place.
            self.edits.append(Edit(*self._item_lines(item), ""))
            self.insert_items(node, index + 1, [after], path)

    def _list_editable_in_place(
        self, node: parse.Node, before: Any, after: Any
    ) -> TypeGuard[parse.Sequence]:
        """Whether a list item that is a list can take its edits item by item.

        Not when it becomes empty (a block list is then written ``[]``). A block list whose
        first item follows its parent's dash (``- - a``) takes an insertion before that
        item, a change of it in place, or its removal alone with the next item kept (which
        then takes the parent's line, see :meth:`_removed_lines`): that line is its
        parent's item's too.
        """
        if not (isinstance(node, parse.Sequence) and node.items and after):
            return False
        if not (type(before) is list and type(after) is list):
            return False
        if node.flow or not self._after_parent_dash(node.items[0]):
            return True
        first = node.items[0]
        opcodes = align(before, after)
        for number, (tag, i1, i2, j1, _) in enumerate(opcodes):
            if i1 > 0 or tag in ("equal", "insert"):
                continue
            if tag == "delete":
                following = opcodes[number + 1][0] if number + 1 < len(opcodes) else None
                if i2 != 1 or following != "equal":
                    return False
                continue
            # Replaced: the first item changes in place, paired with the first new one.
            old, new = before[0], after[j1]
            if not (
                (isinstance(first, parse.Scalar) and render.is_scalar(new))
                or _editable_in_place(first, old, new)
                or self._list_editable_in_place(first, old, new)
            ):
                return False
        return True

    def _after_parent_dash(self, item: parse.Node) -> bool:
        """Whether a block list item is written on its parent item's line (``- - a``)."""
        dash = self._dash(item)
        return bool(self.text[line_start(self.text, dash) : dash].strip(" "))

    def delete_item(self, node: parse.Sequence, index: int) -> None:
        """Delete an item of a block list (see :meth:`_removed_lines`)."""
        self.edits.append(Edit(*self._removed_lines(node, index), ""))

    def _removed_lines(self, node: parse.Sequence, index: int) -> tuple[int, int]:
        """The lines a block list item takes when it goes: its own, the comments above.

        Only comment lines at the item's dash column count as its own: one indented
        further is about the content of the item above, one indented less about more than
        an item. (A block scalar's line cannot be one of them: its text is indented
        further than the dash of its item.)
        """
        start, end = self._item_lines(node.items[index])
        dash = self._dash(node.items[index])
        if not self.text[start:dash].strip(" "):  # not after a parent's dash (- - x)
            start = self._comments_above(start, self.column(dash))
        elif index == 0 and len(node.items) > 1:
            # "- - a" then "  - b": b takes its parent's line (only ever with b kept).
            return dash, self._dash(node.items[1])
        return start, end

    def _item_lines(self, item: parse.Node) -> tuple[int, int]:
        """The whole lines of a block list item, from its dash on."""
        dash = self._dash(item)
        return line_start(self.text, dash), line_end(self.text, self.content_end(item))

    def insert_items(
        self,
        node: parse.Sequence,
        index: int,
        values: list[Any],
        path: str,
    ) -> None:
        dash_column = self.column(self._dash(node.items[0]))
        lines = self._new_item_lines(node, index, values, dash_column, path)
        if index > 0:
            at = line_end(self.text, self.content_end(node.items[index - 1]))
        elif self._after_parent_dash(node.items[0]):
            # "- - a": the first new item takes the parent's line, and "a" a line of its own.
            at = self._dash(node.items[0])
            text = self._join(lines).removeprefix(" " * dash_column) + " " * dash_column
            self.edits.append(Edit(at, at, text))
            return
        else:
            at = line_start(self.text, self._dash(node.items[0]))
        self.edits.append(Edit(at, at, self._join(lines)))

    def _new_item_lines(
        self, node: parse.Sequence, index: int, values: list[Any], column: int, path: str
    ) -> list[str]:
        """The lines of *values*, new items of a block list at *index*, in its items' style.

        A mapping or a list is written as a flow collection on its dash's line (``- {url:
        a, width: 1}``), nested values and all, where the item it follows is one (first
        in the list: the item it comes before), and in block style otherwise. In a list of
        mixed styles that neighbour decides, not the majority: an appended item looks like
        the item above it, and an item replaced in place keeps the style it had.
        """
        neighbour = node.items[index - 1] if index > 0 else node.items[0]
        flow = isinstance(neighbour, parse.Mapping | parse.Sequence) and neighbour.flow
        lines: list[str] = []
        for value in values:
            if flow and not render.is_scalar(value):
                # One line, however long: a flow collection may take lines, but its text
                # on one line reads back the same, and needs no indentation worked out.
                lines.append(f"{' ' * column}- {self.flow_text(value, path)}")
            else:
                lines += render.block_lines([value], column, path[:-2], self.style_for, self.layout)
        return lines

    # --- flow helpers ---------------------------------------------------------------------

    def flow_text(self, value: Any, path: str) -> str:
        if isinstance(value, list):
            return "[" + ", ".join(self.flow_text(item, f"{path}[]") for item in value) + "]"
        if not render.is_scalar(value):
            return (
                "{"
                + ", ".join(
                    f"{self._key(k)}: {self.flow_text(v, f'{path}.{k}')}"
                    for k, v in render.mapping_items(value)
                )
                + "}"
            )
        return render.render_scalar(value, self.style_for(path), flow=True)

    def flow_mapping(self, node: parse.Mapping, items: dict[str, Any], path: str) -> str:
        """A flow mapping of *items*: unchanged entries as written, in the file's order."""
        parts = []
        old = {key.value: (key, value) for key, value in node.pairs}
        for key, value in [
            *((k, items[k]) for k in old if k in items),
            *((k, v) for k, v in items.items() if k not in old),
        ]:
            pair = old.get(key)
            here = f"{path}.{key}" if path else key
            if pair is not None and self._unchanged(pair[1], value):
                parts.append(self.text[pair[0].start : pair[1].end])
            else:
                parts.append(f"{self._key(key)}: {self.flow_text(value, here)}")
        return "{" + ", ".join(parts) + "}"

    def _unchanged(self, node: parse.Node, value: Any) -> bool:
        if not isinstance(node, parse.Scalar) or not render.is_scalar(value):
            return False
        try:
            original = parse.to_data(node, parse.ANY, [])
        except ValueError:
            return False
        return same(original, render.scalar_text(value) if isinstance(original, str) else value)

    def _key(self, key: str) -> str:
        return render.key_text(key)

    def _join(self, lines: list[str]) -> str:
        newline = self.layout.newline
        return "".join(line + newline for line in lines)


@attrs.define(eq=False)
class _Unit:
    """A top-level entry, or a merge entry of the front matter (see ``_write_out_links``).

    Attributes:
        start: Offset where its first line begins.
        end: Offset past its last line.
        keys: The keys it writes (a merge entry: those it gives that are not overridden).
        pair: The entry, or None for a merge entry.
    """

    start: int
    end: int
    keys: list[str]
    pair: tuple[parse.Scalar, parse.Node] | None


def _with_comment(line: str, comment: str, newline: str) -> str:
    """An entry's first line (with any lines of its scalar) with *comment* on its line.

    After a block scalar's header, which its lines follow; else at the end, after a
    quoted or plain scalar that takes lines (where a comment on its first line would
    end it or be part of it).
    """
    first, brk, rest = line.partition(newline)
    if brk and _BLOCK_HEADER.search(first):
        return first + comment + brk + rest
    return line + comment


def _like(old: str, value: Any, rendered: str) -> str:
    """Write a new plain boolean or date-time the way the old one was written."""
    if isinstance(value, bool):
        if old in ("True", "False"):
            return rendered.capitalize()
        if old in ("TRUE", "FALSE"):
            return rendered.upper()
    elif isinstance(value, dt.datetime):
        was = YAML_TIMESTAMP.fullmatch(old)
        now = YAML_TIMESTAMP.fullmatch(rendered)
        if was is None or now is None or was["time"] is None:
            return rendered
        zone = now["zone"]
        if zone == "Z" and was["zone"] in ("z", "+00:00", ""):
            zone = was["zone"]  # UTC as it was written (no zone: YAML reads it as UTC)
        if zone:
            zone = was["space"] + zone
        return f"{now['date']}{was['separator']}{now['time']}{zone}"
    return rendered


Opcode = tuple[str, int, int, int, int]
"""A step of :func:`align`, as :meth:`difflib.SequenceMatcher.get_opcodes` gives it."""


def align(before: list[Any], after: list[Any], loaded: Sequence[Any] = ()) -> list[Opcode]:
    """Match the items of a list as loaded with the items of the list now.

    The items that stay keep their text, comments and all; so the fewer items changed,
    the fewer lines an edit touches: the longest runs of matching items stay
    (:class:`difflib.SequenceMatcher`; on long lists, see :func:`_matching_blocks`), and
    the items between them go, come or, paired with one at the same place, change.
    Items match when equal (:func:`same`); but a
    model object of *loaded* (the items as loaded, when known) that is still in the list
    matches only itself, changed or not: it is the item the user edited, and an equal
    copy of it elsewhere in the list is another item.

    Returns:
        Opcodes over the whole lists: ``equal``, ``replace``, ``delete`` and ``insert``
        ranges, ``(tag, i1, i2, j1, j2)`` for ``before[i1:i2]`` and ``after[j1:j2]``.
        With *loaded*, ``equal`` ranges may pair an object with its changed self.
    """
    olds = loaded or before
    objects = {id(item) for item in olds if is_model(item)}
    kept = {id(item) for item in after if id(item) in objects}

    def match(i: int, j: int) -> bool:
        old, new = olds[i], after[j]
        if id(old) in kept or id(new) in kept:
            return old is new
        return same(before[i], new)

    # Most edits change one place of a long list: its matching ends are found the cheap
    # way, and the matcher sees only what lies between them.
    prefix = 0
    while prefix < min(len(before), len(after)) and match(prefix, prefix):
        prefix += 1
    suffix = 0
    while suffix < min(len(before), len(after)) - prefix and match(
        len(before) - 1 - suffix, len(after) - 1 - suffix
    ):
        suffix += 1
    classes: dict[str, list[Any]] = {}

    def token(value: Any, identity: Any) -> tuple[str, int]:
        # The matcher hashes its items: an item stands for the class of items equal to
        # it. Equal values have equal reprs (or, rarely, are taken for different ones,
        # which costs a change in place, not a wrong text); same() decides among those.
        if id(identity) in kept:
            return "", id(identity)  # no repr is empty
        text = repr(value)
        seen = classes.setdefault(text, [])
        number = next((n for n, other in enumerate(seen) if same(other, value)), len(seen))
        if number == len(seen):
            seen.append(value)
        return text, number

    old_end, new_end = len(before) - suffix, len(after) - suffix
    old = [token(before[i], olds[i]) for i in range(prefix, old_end)]
    new = [token(after[j], after[j]) for j in range(prefix, new_end)]
    opcodes: list[Opcode] = [("equal", 0, prefix, 0, prefix)] if prefix else []
    i = j = 0
    for old_at, new_at, size in _matching_blocks(old, new):
        # The steps between the runs kept, as SequenceMatcher.get_opcodes() makes them.
        if i < old_at or j < new_at:
            tag = "delete" if j == new_at else "insert" if i == old_at else "replace"
            opcodes.append((tag, prefix + i, prefix + old_at, prefix + j, prefix + new_at))
        i, j = old_at + size, new_at + size
        if size:
            opcodes.append(("equal", prefix + old_at, prefix + i, prefix + new_at, prefix + j))
    if suffix:
        opcodes.append(("equal", old_end, len(before), new_end, len(after)))
    return opcodes


Block = tuple[int, int, int]
"""A run of matching items, ``(i, j, size)``: ``a[i:i + size]`` matches ``b[j:j + size]``."""

_SMALL: Final = 4096
"""Ranges of at most this many old items times new items go to the matcher as they are.

:class:`difflib.SequenceMatcher` costs up to the product of the lengths for each run it
finds, so a heavily reordered long list costs it quadratic time or worse; a list of front
matter (1 to 20 items, usually) costs it microseconds, and keeps its answer exactly.
"""


def _matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> Sequence[Block]:
    """The runs of *a* and *b* that match, increasing in both, then ``(len(a), len(b), 0)``.

    Small ranges go to :class:`difflib.SequenceMatcher`, which answers as it always did.
    Larger ones are split the way patience diff splits them: equal ends match as they
    stand; inside, anchors (:func:`_anchors`) match, and each range between two anchors
    is matched the same way. A range costs its length and a logarithm, and when the items
    are distinct, the ranges between its anchors have no item in common: a reorder of a
    long list costs O(n log n), where the matcher alone takes quadratic time (repeated
    items can nest ranges deeper, measured near-linear too). Items that come and go in a
    list of distinct items are matched as the matcher matches them: all that stay.

    Returns:
        The blocks of :meth:`difflib.SequenceMatcher.get_matching_blocks`: adjacent runs
        joined, the empty block at the end.
    """
    if len(a) * len(b) <= _SMALL:
        return _matched(a, b)  # front matter lists: nothing to gather, sort and join
    found: list[Block] = []
    # A stack, not recursion: the ranges can nest as deep as the list is long.
    ranges = [(0, len(a), 0, len(b))]
    while ranges:
        alo, ahi, blo, bhi = ranges.pop()
        if (ahi - alo) * (bhi - blo) <= _SMALL:
            found.extend((alo + i, blo + j, n) for i, j, n in _matched(a[alo:ahi], b[blo:bhi]))
            continue
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if alo > start or ahi < end:
            found.extend([(start, blo - (alo - start), alo - start), (ahi, bhi, end - ahi)])
            if alo < ahi and blo < bhi:
                ranges.append((alo, ahi, blo, bhi))  # what is left may be small now
            continue
        anchors = _anchors(a, b, alo, ahi, blo, bhi)
        if not anchors:
            continue  # no item in common
        found.extend((i, j, 1) for i, j in anchors)
        # The ranges between the anchors, but those with no old or no new item in them.
        corners = [(alo - 1, blo - 1), *anchors, (ahi, bhi)]
        ranges.extend(
            (i + 1, end_i, j + 1, end_j)
            for (i, j), (end_i, end_j) in itertools.pairwise(corners)
            if i + 1 < end_i and j + 1 < end_j
        )
    blocks: list[Block] = []
    for i, j, size in sorted(block for block in found if block[2]):
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + size)
        else:
            blocks.append((i, j, size))
    blocks.append((len(a), len(b), 0))
    return blocks


def _matched(a: Sequence[Hashable], b: Sequence[Hashable]) -> Sequence[Block]:
    """The matching blocks of :class:`difflib.SequenceMatcher`, the empty one at the end."""
    # autojunk would take an item that many others equal for noise, and match none.
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()


_SUREST_AFTER_ONCE: Final[tuple[Callable[[int, int], bool], ...]] = (
    lambda olds, news: olds == news,
    lambda olds, news: news > 0,
)
"""Which repeated items pair, by how often each occurs in the old range and in the new."""


def _anchors(
    a: Sequence[Hashable], b: Sequence[Hashable], alo: int, ahi: int, blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Pairs of equal items of ``a[alo:ahi]`` and ``b[blo:bhi]`` to keep, increasing in both.

    Items that occur once in each range are the surest pairs (patience diff): a repeated
    item could pair with any of its copies. Without those, the n-th occurrence of an item
    in one range pairs with its n-th in the other: of the items that occur as often in
    both if any (an edit elsewhere leaves them as they were), else of all. Of the pairs,
    the longest run that increases in both ranges is kept (patience sorting, O(k log k)):
    the pairs left out cross it, so none lies between two of its anchors. No pairs, no
    anchors: the range has no item in common.
    """
    olds, news = collections.Counter(a[alo:ahi]), collections.Counter(b[blo:bhi])
    place = {b[j]: j for j in range(blo, bhi)}  # of an item that occurs once in the new range
    pairs = [
        (i, place[item])
        for i, item in enumerate(a[alo:ahi], alo)
        if olds[item] == 1 and news.get(item) == 1
    ]
    if not pairs:
        places: dict[Hashable, list[int]] = {}
        for j in range(blo, bhi):
            places.setdefault(b[j], []).append(j)
        for surest in _SUREST_AFTER_ONCE:
            taken: dict[Hashable, int] = {}
            for i in range(alo, ahi):
                item = a[i]
                if surest(olds[item], news.get(item, 0)):
                    # The n-th occurrence in the old range with the n-th in the new, if any.
                    seen = taken[item] = taken.get(item, 0) + 1
                    if seen <= news[item]:
                        pairs.append((i, places[item][seen - 1]))
            if pairs:
                break
    # tails[k] is the least new index that ends an increasing run of k + 1 pairs, ends[k]
    # that pair; back[p] the pair before pair p in its run.
    tails: list[int] = []
    ends: list[int] = []
    back: list[int] = []
    for number, (_, j) in enumerate(pairs):
        # Most pairs extend the longest run (the items that did not move): no search.
        length = len(tails) if not tails or j > tails[-1] else bisect.bisect_left(tails, j)
        back.append(ends[length - 1] if length else -1)
        if length == len(tails):
            tails.append(j)
            ends.append(number)
        else:
            tails[length] = j
            ends[length] = number
    run: list[tuple[int, int]] = []
    number = ends[-1] if ends else -1
    while number >= 0:
        run.append(pairs[number])
        number = back[number]
    run.reverse()
    return run


def _editable_in_place(node: parse.Node, before: Any, after: Any) -> TypeGuard[parse.Mapping]:
    """Whether a mapping's edits can be spliced into its entries.

    Not when it becomes empty (it is written ``{}``) or keeps none of its keys: then it
    is written anew, which also keeps a list item's dash where it belongs.
    """
    if not (isinstance(node, parse.Mapping) and node.pairs):
        return False
    if not (_is_mapping(before) and _is_mapping(after)):
        return False
    keys = {key for key, _ in render.mapping_items(after)}
    return any(key.value in keys for key, _ in node.pairs)


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict) or is_model(value)
