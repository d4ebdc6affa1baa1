"""Three-way merges of one record at the level of its fields.

``merge_texts(base, ours, theirs)`` merges two versions of a record file that both
started from *base*: fields changed on one side only take that side's value; lists whose
items have an identity merge item by item (lists of scalars as sets, images by ``url``,
related articles by ``webUrl`` or slug), keeping our order and placing their new items
after the item they follow on their side (after ours, where both sides added items at
the same place); the same change on both sides is one change;
the body merges with git's own line merge (``git merge-file``). The merged values are
applied to *our* document and spliced into its text, so its style, comments and unknown
keys stay as they are and only the merged lines change.

A field both sides changed differently is a conflict: the result then has git's conflict
markers around the lines of that field only. A version that does not load as a record
(a parse error) makes the whole file merge as text, with ``git merge-file``; a text that
holds NUL bytes (a binary file) merges in neither way and raises ``ParseError``.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from newsrecord._read.limits import DEFAULT_LIMITS, Limits
from newsrecord.api import loads, to_dict
from newsrecord.diff import identities
from newsrecord.document import Document, entry_lines, top_lines
from newsrecord.editing import set_field
from newsrecord.errors import ParseError, Problem, RecordError, brief
from newsrecord.model.fields import fields

__all__ = ["MergeResult", "merge_texts"]

_MISSING: Final[Any] = object()
DEFAULT_LABELS: Final = ("ours", "base", "theirs")

_Read = Callable[[str], Document]
"""Loads a text of the merge: every version, and every text made of them, is read with
the merge's path and limits."""


@attrs.frozen
class MergeResult:
    """What a three-way merge gives.

    Attributes:
        text: The merged text; with conflict markers when ``conflicts`` is not empty.
        conflicts: The field paths both sides changed differently (``title``,
            ``related[webUrl=...].heat``, ``body``); for a text merge, ``("text",)`` when
            it has conflicts.
        as_text: True when the file was merged as plain text because a version did not
            load as a record.
        why: For a text merge, the problem that made it one (the version's name, then
            its first problem), else None.
    """

    # Shortened in the repr: the text holds whole secured blobs (both sides of a conflict).
    text: str = attrs.field(repr=brief)
    conflicts: tuple[str, ...] = ()
    as_text: bool = False
    why: Problem | None = None

    @property
    def clean(self) -> bool:
        """Whether the merge resolved everything (no conflict markers)."""
        return not self.conflicts


@attrs.frozen
class _Conflict:
    """A place both sides changed differently: the three values found there.

    *steps* lead to it from the root: keys, and list items by identity (``("url", u)``).
    """

    base: Any
    ours: Any
    theirs: Any
    steps: tuple[Any, ...]


def merge_lines(
    base: str,
    ours: str,
    theirs: str,
    *,
    path: str | None = None,
    labels: Sequence[str] = DEFAULT_LABELS,
    marker_size: int = 7,
    algorithm: str | None = None,
) -> tuple[str, int]:
    """Merge three texts line by line with ``git merge-file``.

    Args:
        base: The common ancestor.
        ours: Our version.
        theirs: Their version.
        path: The file's name, for messages.
        labels: The names shown after the conflict markers: ours, base, theirs.
        marker_size: The length of the conflict markers (git's ``%L``).
        algorithm: The diff algorithm (``--diff-algorithm``, git 2.44 and later); None
            for git merge-file's own (myers), which ``git checkout -m`` uses too, where
            ``git merge`` uses histogram.

    Returns:
        The merged text and the number of conflicts in it.

    Raises:
        ParseError: a text holds NUL bytes: git merges no binary file (and its own
            message would name a temporary file, not the version).
        RecordError: git is not installed, or ``git merge-file`` failed.
    """
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        if "\0" in text:
            # No line: the texts may be bodies, whose lines are not the file's.
            message = f"{name} holds NUL bytes: a binary file does not merge as text"
            raise ParseError(message, path=path)
    git = shutil.which("git")
    if git is None:
        raise RecordError("merging text needs git, which is not on PATH")
    with tempfile.TemporaryDirectory(prefix="newsrecord-merge-") as folder:
        names = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            file = Path(folder, name)
            # Bytes: git's merge must see CRLF and the lack of a final newline as they are.
            file.write_bytes(text.encode("utf-8", "surrogateescape"))
            names.append(str(file))
        command = [git, "merge-file", "-p", f"--marker-size={marker_size}"]
        if algorithm is not None:
            command.append(f"--diff-algorithm={algorithm}")
        for label in labels:
            command += ["-L", label]
        done = subprocess.run(  # noqa: S603  # git found on PATH, arguments are ours
            [*command, *names], capture_output=True, check=False
        )
    if done.returncode < 0 or done.returncode > 127:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RecordError(f"git merge-file failed: {message}")
    return done.stdout.decode("utf-8", "surrogateescape"), done.returncode


def merge_texts(
    base: str,
    ours: str,
    theirs: str,
    *,
    path: str | None = None,
    labels: Sequence[str] = DEFAULT_LABELS,
    marker_size: int = 7,
    limits: Limits = DEFAULT_LIMITS,
) -> MergeResult:
    """Merge two versions of a record file field by field.

    Args:
        base: The common ancestor's text; empty when both sides added the file.
        ours: Our version's text: the merged values are spliced into it.
        theirs: Their version's text.
        path: The file's name, for messages.
        labels: The names shown after conflict markers: ours, base, theirs.
        marker_size: The length of the conflict markers.
        limits: Safety limits for hostile input, as for :func:`newsrecord.loads`: a
            version over one does not load as a record, and merges as text.

    Returns:
        The merged text and the fields in conflict, if any.

    Raises:
        ParseError: a version holds NUL bytes (a binary file) where a text merge is
            needed, which git does not do; the error names the version (``base``,
            ``ours`` or ``theirs``).
        RecordError: a text merge was needed and git is not available.
    """
    read: _Read = functools.partial(loads, path=path, limits=limits)
    side = "ours"
    try:
        ours_doc = read(ours)
        side = "theirs"
        theirs_doc = read(theirs)
        side = "base"
        base_doc = read(base) if base.strip() else None
    except RecordError as exc:
        why = _named(exc, f"{side}: ")
        return _merged_as_text(base, ours, theirs, path, labels, marker_size, why)
    base_data = to_dict(base_doc.record) if base_doc is not None else {}
    ours_data = to_dict(ours_doc.record)
    theirs_data = to_dict(theirs_doc.record)
    conflicts: list[str] = []
    merged = _merge(base_data, ours_data, theirs_data, "", conflicts)
    base_body = base_doc.body if base_doc is not None else ""
    body, body_conflicts = _merge_body(
        base_body, ours_doc.body, theirs_doc.body, path, labels, marker_size
    )
    try:
        if not conflicts and not body_conflicts:
            text = _applied(ours, read, merged, ours_data, "ours", body)
            loaded = (base_doc, ours_doc, theirs_doc)
            return MergeResult(_with_their_lines(loaded, text, read))
        if body_conflicts:
            conflicts.append("body")
        # Write each side's reading of the conflicts into our text, then let git's line
        # merge put markers around the lines that differ: everything merged cleanly is
        # the same in all three, so only the conflicting fields are marked.
        bodies = (ours_doc.body, base_body, theirs_doc.body) if body_conflicts else (body,) * 3
        sources = (None, (base_doc, base_data) if base_doc else None, (theirs_doc, theirs_data))
        sides = [
            _applied(ours, read, merged, ours_data, side, side_body, source)
            for side, side_body, source in zip(
                ("ours", "base", "theirs"), bodies, sources, strict=True
            )
        ]
    except RecordError as exc:
        # The merged values do not make a valid record together (rare: a field that
        # depends on another); leave the decision to a person, as a text merge.
        why = _named(exc, "merged: ")
        return _merged_as_text(base, ours, theirs, path, labels, marker_size, why)
    text, count = merge_lines(
        sides[1], sides[0], sides[2], path=path, labels=labels, marker_size=marker_size
    )
    if not count:  # pragma: no cover - the sides differ exactly where the conflicts are
        conflicts = []
    return MergeResult(text, tuple(conflicts))


def _merged_as_text(
    base: str,
    ours: str,
    theirs: str,
    path: str | None,
    labels: Sequence[str],
    marker_size: int,
    why: Problem,
) -> MergeResult:
    """Merge the three texts line by line, as git would merge files that are not records."""
    text, count = merge_lines(base, ours, theirs, path=path, labels=labels, marker_size=marker_size)
    return MergeResult(text, ("text",) if count else (), as_text=True, why=why)


def _named(exc: RecordError, prefix: str) -> Problem:
    """The first problem of *exc*, its message after *prefix* (which version it is of)."""
    first = exc.problems[0] if exc.problems else Problem(str(exc))
    return attrs.evolve(first, message=prefix + first.message)


def _with_their_lines(
    sides: tuple[Document | None, Document, Document], merged: str, read: _Read
) -> str:
    """*merged*, with their lines for each top-level entry we left alone and they wrote.

    The field merge writes merged values into our text, so a change of theirs that
    changes no value (a quoted value, a comment, their spelling of a date) would be lost,
    and a value of theirs would be written in our style. Where our entry is the base's,
    line for line, and the merged value is theirs, their lines are taken as they are. The
    result must read as the very same record and body, or *merged* is kept. *sides* are
    the base (None when there is none), ours and theirs, as loaded for the merge.
    """
    base_doc, ours_doc, theirs_doc = sides
    if base_doc is None:
        return merged
    base, ours, theirs = base_doc.text, ours_doc.text, theirs_doc.text
    if theirs in (base, merged):
        return merged
    newlines = [doc.newline for doc in sides if doc is not None]
    if newlines[0] == newlines[1] != newlines[2]:
        # They changed the file's line breaks (an editor, an eol rule): so does the merge,
        # which else would have ours in the front matter and theirs in the body.
        merged = _with_newline(merged, newlines[2])
    try:
        merged_doc = read(merged)
    except RecordError:
        return merged
    docs = [base_doc, ours_doc, theirs_doc, merged_doc]
    if theirs_doc.newline != merged_doc.newline:
        return merged  # their lines would mix line breaks into ours
    spans = [top_lines(doc) for doc in docs]
    if any(span is None for span in spans):
        return merged  # a key written twice, or two on a line: no entry has its own lines
    base_at, ours_at, theirs_at, merged_at = (span or {} for span in spans)
    theirs_data, merged_data = to_dict(theirs_doc.record), to_dict(merged_doc.record)

    def text_of(text: str, at: dict[str, tuple[int, int]], key: str) -> str | None:
        return text[at[key][0] : at[key][1]] if key in at else None

    result = merged
    for key, (start, end) in sorted(merged_at.items(), key=lambda item: -item[1][0]):
        mine, old, yours = (
            text_of(text, at, key)
            for text, at in ((ours, ours_at), (base, base_at), (theirs, theirs_at))
        )
        if (
            yours is not None
            and mine == old
            and yours != result[start:end]
            and _same(merged_data.get(key, _MISSING), theirs_data.get(key, _MISSING))
        ):
            result = result[:start] + yours + result[end:]
    if result == merged:
        return merged
    try:
        again = read(result)
    except RecordError:
        return merged
    same = (
        type(again.record) is type(merged_doc.record)
        and _same(to_dict(again.record), merged_data)
        and again.body == merged_doc.body
    )
    return result if same else merged


def _with_newline(text: str, newline: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(
        line.rstrip("\r\n") + newline if line.endswith(("\r\n", "\n")) else line for line in lines
    )


def _merge_body(
    base: str, ours: str, theirs: str, path: str | None, labels: Sequence[str], marker_size: int
) -> tuple[str, bool]:
    if theirs in (ours, base):
        return ours, False
    if base == ours:
        return theirs, False
    text, count = merge_lines(base, ours, theirs, path=path, labels=labels, marker_size=marker_size)
    return text, count > 0


def _same(a: Any, b: Any) -> bool:
    """Equal as data, with ``True`` not equal to ``1``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _merge(
    base: Any, ours: Any, theirs: Any, where: str, conflicts: list[str], steps: tuple[Any, ...] = ()
) -> Any:
    if _same(ours, theirs):
        return ours
    if _same(base, ours):
        return theirs
    if _same(base, theirs):
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict):
        old = base if isinstance(base, dict) else {}
        keys = [*ours, *(key for key in theirs if key not in ours)]
        named = {key: f"{where}.{key}" if where else str(key) for key in keys}
        return dict(_merge_each(named, (old, ours, theirs), conflicts, steps))
    if isinstance(ours, list) and isinstance(theirs, list):
        merged_list = _merge_lists(
            base if isinstance(base, list) else [], ours, theirs, (where, steps), conflicts
        )
        if merged_list is not None:
            return merged_list
    conflicts.append(where)
    return _Conflict(base, ours, theirs, steps)


def _merge_lists(
    base: list[Any],
    ours: list[Any],
    theirs: list[Any],
    at: tuple[str, tuple[Any, ...]],
    conflicts: list[str],
) -> list[Any] | None:
    """Merge lists item by item by identity; None when their items have none.

    *at* is the list's field path and its steps from the root.
    """
    where, steps = at
    base_ids, ours_ids, theirs_ids = identities(base), identities(ours), identities(theirs)
    if base_ids is None or ours_ids is None or theirs_ids is None:
        return None
    old = dict(zip(base_ids, base, strict=True))
    mine = dict(zip(ours_ids, ours, strict=True))
    yours = dict(zip(theirs_ids, theirs, strict=True))
    order = list(ours_ids)
    # Their new items go after the item they follow on their side (or first), and after
    # the items we added there: ours first, then theirs, as git's union merge orders
    # lines. So do the items we removed, which _merge_each then drops, unless they
    # changed them (a conflict, as for a key: their edit is not lost silently).
    ours_new = set(ours_ids) - set(base_ids)
    for number, identity in enumerate(theirs_ids):
        if identity in mine:
            continue
        place = 0
        for before in reversed(theirs_ids[:number]):
            if before in order:
                place = order.index(before) + 1
                break
        while place < len(order) and order[place] in ours_new:
            place += 1
        order.insert(place, identity)
    named = {
        (key, name): f"{where}[{key}={name}]" if key else f"{where}[{name!r}]"
        for key, name in order
    }
    return [value for _, value in _merge_each(named, (old, mine, yours), conflicts, steps)]


def _merge_each(
    named: dict[Any, str],
    sides: tuple[dict[Any, Any], ...],
    conflicts: list[str],
    steps: tuple[Any, ...],
) -> Iterator[tuple[Any, Any]]:
    """Merge the items of three sides by key, in the order of *named* (key -> field path).

    An item missing from the merge (removed on a side, absent on the others) is left out.
    """
    base, ours, theirs = sides
    for key, where in named.items():
        value = _merge(
            base.get(key, _MISSING),
            ours.get(key, _MISSING),
            theirs.get(key, _MISSING),
            where,
            conflicts,
            (*steps, key),
        )
        if value is not _MISSING:
            yield key, value


def _side(value: Any, side: str, taken: list[tuple[Any, ...]] | None = None) -> Any:
    """The merged data with each conflict resolved to one side's value.

    With *taken*, a conflict where we have nothing (we removed what *side* has) is left
    out instead, and its steps are added to *taken*: that side's own lines go there.
    """
    if isinstance(value, _Conflict):
        chosen = getattr(value, side)
        if taken is not None and value.ours is _MISSING and chosen is not _MISSING:
            taken.append(value.steps)
            return _MISSING
        return _side(chosen, side, taken)
    if isinstance(value, dict):
        resolved = {key: _side(item, side, taken) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not _MISSING}
    if isinstance(value, list):
        items = [_side(item, side, taken) for item in value]
        return [item for item in items if item is not _MISSING]
    return value


def _applied(
    ours: str,
    read: _Read,
    merged: Any,
    ours_data: dict[str, Any],
    side: str,
    body: str,
    source: tuple[Document, dict[str, Any]] | None = None,
) -> str:
    """Our text with the merged values (conflicts read as *side*) spliced in.

    *source* is the document of *side* and its data. Where we removed what that side
    has (and changed: else it would not be a conflict), its value is written as that
    side's own lines, as they are in its file, not written anew: a person resolving the
    conflict reads the text they wrote. The result must read as the very same data as
    the values written anew, or those are kept.
    """
    text = _written(ours, read, _side(merged, side), ours_data, body)
    taken: list[tuple[Any, ...]] = []
    bare = _side(merged, side, taken)
    if source is None or not taken:
        return text
    try:
        spliced: str | None = _written(ours, read, bare, ours_data, body)
        for steps in taken:
            spliced = _with_entry_of(spliced, source, steps, read) if spliced else None
        if spliced is None:
            return text
        again, written = read(spliced), read(text)
    except RecordError:
        return text
    same = (
        type(again.record) is type(written.record)
        and _same(to_dict(again.record), to_dict(written.record))
        and again.body == written.body
    )
    return spliced if same else text


def _with_entry_of(
    text: str, source: tuple[Document, dict[str, Any]], steps: tuple[Any, ...], read: _Read
) -> str | None:
    """*text* with the lines of the entry at *steps* in *source*'s document added.

    They go after the entry that comes before it in *source* (or before the first entry)
    of the same mapping or list, at the same indent. None when there is no such place.
    """
    side_doc, side_data = source
    doc = read(text)
    data = to_dict(doc.record)
    if doc.newline != side_doc.newline:
        return None
    where, parent = _nodes_path(side_data, steps), _nodes_path(data, steps[:-1])
    entry = entry_lines(side_doc, where) if where is not None else None
    if where is None or entry is None or parent is None:
        return None
    # Entries by place in the text: a record's data has its keys in the model's order,
    # which need not be the file's.
    yours = _lines_of(side_doc, where[:-1], _data_at(side_data, steps[:-1]))
    mine = _lines_of(doc, parent, _data_at(data, steps[:-1]))
    before = [yours[name][0] for name in yours if name in mine and yours[name][0] < entry[0]]
    if before:
        last = next(name for name in yours if yours[name][0] == max(before))
        anchor, at = mine[last], mine[last][1]
    elif mine:
        anchor = min(mine.values())
        at = anchor[0]
    else:
        return None
    if anchor[2] != entry[2]:
        return None  # another indent: their lines would not fit
    return text[:at] + side_doc.text[entry[0] : entry[1]] + text[at:]


def _lines_of(
    doc: Document, parent: tuple[str | int, ...], value: Any
) -> dict[Any, tuple[int, int, str]]:
    """The lines of each entry of *value* (found at *parent* in *doc*) that has its own."""
    names = _names(value)
    found = {name: entry_lines(doc, (*parent, _node_step(names, name))) for name in names}
    return {name: lines for name, lines in found.items() if lines is not None}


def _names(value: Any) -> list[Any]:
    """The steps to the entries of a mapping (its keys) or a list (its identities)."""
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list):
        return identities(value) or []
    return []


def _node_step(names: list[Any], name: Any) -> str | int:
    """The key or index of the entry *name* among *names*, as a node path has it."""
    return name if isinstance(name, str) else names.index(name)


def _data_at(data: Any, steps: tuple[Any, ...]) -> Any:
    for step in steps:
        names = _names(data)
        if step not in names:
            return _MISSING
        data = data[_node_step(names, step)]
    return data


def _nodes_path(data: Any, steps: tuple[Any, ...]) -> tuple[str | int, ...] | None:
    """The node path (keys, indexes) of the entry at *steps* in *data*, or None."""
    found: list[str | int] = []
    for step in steps:
        names = _names(data)
        if step not in names:
            return None
        found.append(_node_step(names, step))
        data = data[found[-1]]
    return tuple(found)


def _written(ours: str, read: _Read, data: Any, ours_data: dict[str, Any], body: str) -> str:
    """Our text with *data* spliced in (where it differs from ours) and *body*."""
    doc = read(ours)
    if not isinstance(data, dict):  # a conflict at the root: our whole record
        data = ours_data
    for key in [*data, *(key for key in ours_data if key not in data)]:
        if not _same(ours_data.get(key, _MISSING), data.get(key, _MISSING)):
            _put(doc, key, data.get(key, _MISSING))
    doc.body = body
    return doc.dumps()


def _put(doc: Document, key: str, value: Any) -> None:
    """Set a top-level key to *value*, or remove it when *value* is missing."""
    if value is not None and value is not _MISSING and key and not any(c in key for c in ".[]"):
        set_field(doc.record, key, value, strict=False)  # their new key is a key
        return
    known = {spec.key for spec in fields(type(doc.record))}
    if key in known:
        # A known field has no null in plain data: missing and null both unset it.
        set_field(doc.record, key, None)
        return
    # An unknown key keeps a null as a null (set_field would remove it), and a key that
    # is not a field path (dots, brackets) is set in extra as it is.
    extra = dict(doc.record.extra)
    if value is _MISSING:
        extra.pop(key, None)
    else:
        extra[key] = value
    doc.record.extra = extra
