"""Field-level differences between two versions of a record.

``diff_records(old, new)`` compares two documents (or records) as data, not as lines:
``heat: 38 -> 40``, ``topics: + Robotics``, ``related[webUrl=...]: removed``,
``body: changed (+3 -1 lines)``. Lists whose items have an identity are compared by it
(lists of scalars by value, images by ``url``, related articles by ``webUrl`` or by slug),
so that an item added at the top does not show as every item changed. The ``secured``
blob is compared but never shown: it is only ever ``secured: changed``.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import attrs

from newsrecord._bind.paths import top_key
from newsrecord.api import to_dict
from newsrecord.document import Document
from newsrecord.errors import counted
from newsrecord.model.records import AnyRecord

__all__ = ["FieldChange", "diff_records", "summarize_changes"]

SECURED_KEY: Final = "secured"
_IDENTITY_KEYS: Final = ("webUrl", "url")
"""Keys that name a list item: a related article's ``webUrl``, an image's ``url``."""
_SHOWN_CHARACTERS: Final = 60
_DIFFERENCE_SHOWN: Final = 20
"""How much of two values after their first difference a change line makes sure to show."""
_CONTEXT_SHOWN: Final = 15
"""How much of their shared beginning it shows before the difference, once it skips some."""

_MISSING: Final[Any] = object()


@attrs.frozen
class FieldChange:
    """One difference between two versions of a record.

    ``str(change)`` gives the line the command line prints, such as ``heat: 38 -> 40``.

    Attributes:
        field: Where: a field path with YAML keys; list items with an identity are named
            by it (``related[webUrl=https://...]``), others by index (``items[2]``).
        change: ``"changed"``, ``"added"``, ``"removed"`` or ``"reordered"``; an item added
            to or removed from a list of scalars is ``"added"``/``"removed"`` with the item
            as ``new``/``old`` and ``field`` naming the list.
        old: The old value as plain data (as :func:`newsrecord.to_dict` gives it), or None;
            always None for the secured blob and the body.
        new: The new value as plain data, or None; always None for the secured blob and
            the body.
        item: True when the change adds or removes one item of a list of scalars.
        lines: For the body, ``(added, removed)`` line counts.
    """

    field: str
    change: str
    old: Any = None
    new: Any = None
    item: bool = False
    lines: tuple[int, int] | None = None

    def __str__(self) -> str:
        """The change as one line: ``heat: 38 -> 40``, ``topics: + Robotics``."""
        if self.lines is not None:
            return f"{self.field}: changed (+{self.lines[0]} -{self.lines[1]} lines)"
        if self.item:
            sign = "+" if self.change == "added" else "-"
            return f"{self.field}: {sign} {_shown(self.new if sign == '+' else self.old)}"
        if self.change == "changed" and (self.old is not None or self.new is not None):
            old, new = _shown_pair(self.old, self.new)
            return f"{self.field}: {old} -> {new}"
        if self.change == "added" and self.new is not None:
            return f"{self.field}: added {_shown(self.new)}"
        return f"{self.field}: {self.change}"

    def to_json(self) -> dict[str, Any]:
        """Return the change as JSON-compatible data (for ``--format json``).

        Keys are in camelCase, like the records' own keys and every key the command
        line's JSON has: ``field``, ``change``, then ``item`` (an item of a list of
        scalars), ``addedLines`` and ``removedLines`` (the body), or ``old`` and ``new``.
        """
        data: dict[str, Any] = {"field": self.field, "change": self.change}
        if self.item:
            data["item"] = self.new if self.change == "added" else self.old
        elif self.lines is not None:
            data["addedLines"], data["removedLines"] = self.lines
        else:
            if self.old is not None:
                data["old"] = self.old
            if self.new is not None:
                data["new"] = self.new
        return data


def _shown(value: Any) -> str:
    return _cut(_written(value), 0)


def _shown_pair(old: Any, new: Any) -> tuple[str, str]:
    """Two values, shortened alike so that where they differ shows.

    Two long values with the same beginning both looked like ``In this overview video,
    we will highlight some of the new c…``: the shared beginning is skipped (``…``) up
    to a little before the first difference when the difference would not show.
    """
    old_text, new_text = _written(old), _written(new)
    pairs = enumerate(zip(old_text, new_text, strict=False))
    same = next((i for i, (x, y) in pairs if x != y), min(len(old_text), len(new_text)))
    start = 0
    if same + _DIFFERENCE_SHOWN >= _SHOWN_CHARACTERS - 1:
        start = max(same - _CONTEXT_SHOWN, 0)
    return _cut(old_text, start), _cut(new_text, start)


def _written(value: Any) -> str:
    """A value as a change line writes it: text as it is where that is plain, else JSON."""
    if isinstance(value, str) and value and value == value.strip() and "\n" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _cut(text: str, start: int) -> str:
    """*text* from *start* (``…`` for what is skipped), cut to the length shown."""
    if start:
        text = "…" + text[start:]
    if len(text) > _SHOWN_CHARACTERS:
        text = text[: _SHOWN_CHARACTERS - 1] + "…"
    return text


def diff_records(
    old: Document | AnyRecord | None, new: Document | AnyRecord | None
) -> list[FieldChange]:
    """Return the field-level differences between two versions of a record.

    Args:
        old: The old version: a document (its body is compared too), a record, or None
            for a record that did not exist (every field shows as added).
        new: The new version, likewise (None: every field shows as removed).

    Returns:
        The changes in the order of the new version's keys, then keys only the old one
        has, then the body. An empty list means the two versions hold the same data.
    """
    old_data = _plain(old)
    new_data = _plain(new)
    changes = list(_diff(old_data, new_data, ""))
    old_body = old.body if isinstance(old, Document) else None
    new_body = new.body if isinstance(new, Document) else None
    if old_body is not None and new_body is not None and old_body != new_body:
        changes.append(FieldChange("body", "changed", lines=count_line_changes(old_body, new_body)))
    return changes


def _plain(version: Document | AnyRecord | None) -> dict[str, Any]:
    if version is None:
        return {}
    record = version.record if isinstance(version, Document) else version
    return to_dict(record)


def count_line_changes(old: str, new: str) -> tuple[int, int]:
    """Lines added and removed between two texts, as a unified diff would count them."""
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def _diff(old: Any, new: Any, where: str) -> Iterator[FieldChange]:
    if _is_secured(where):
        if old != new:
            change = "added" if old is _MISSING else "removed" if new is _MISSING else "changed"
            yield FieldChange(where, change)
        return
    if old is _MISSING:
        yield FieldChange(where, "added", new=new)
    elif new is _MISSING:
        yield FieldChange(where, "removed", old=old)
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(key for key in old if key not in new)]:
            inner = f"{where}.{key}" if where else str(key)
            yield from _diff(old.get(key, _MISSING), new.get(key, _MISSING), inner)
    elif isinstance(old, list) and isinstance(new, list):
        yield from _diff_lists(old, new, where)
    elif old != new or type(old) is not type(new):
        yield FieldChange(where, "changed", old=old, new=new)


def _is_secured(where: str) -> bool:
    return where.rsplit(".", 1)[-1] == SECURED_KEY


def identity_of(item: Any) -> tuple[str, Any] | None:
    """Return what names a list item across versions, or None when nothing does.

    A scalar is its own identity (lists of scalars are sets); a mapping is named by its
    ``webUrl`` or else its ``url``; a string in ``related`` is a slug. Used by the diff
    and by the three-way merge.
    """
    if isinstance(item, dict):
        for key in _IDENTITY_KEYS:
            value = item.get(key)
            if isinstance(value, str) and value:
                return key, value
        return None
    if isinstance(item, list):
        return None
    return "", item


def identities(items: Sequence[Any]) -> list[tuple[str, Any]] | None:
    """The identities of a list's items, or None when some item has none or two share one."""
    found = [identity_of(item) for item in items]
    if any(identity is None for identity in found):
        return None
    named = [identity for identity in found if identity is not None]
    try:
        if len(set(named)) != len(named):
            return None
    except TypeError:
        return None
    return named


def _item_where(where: str, identity: tuple[str, Any], index: int) -> str:
    key, value = identity
    if not key:
        # A string among related articles is the slug of another record.
        return f"{where}[slug={value}]" if isinstance(value, str) else f"{where}[{index}]"
    return f"{where}[{key}={value}]"


def _diff_lists(old: list[Any], new: list[Any], where: str) -> Iterator[FieldChange]:
    if not any(isinstance(item, dict | list) for item in (*old, *new)):
        yield from _diff_scalar_lists(old, new, where)
        return
    old_ids = identities(old)
    new_ids = identities(new)
    if old_ids is None or new_ids is None:
        yield from _diff_by_index(old, new, where)
        return
    old_by_id = dict(zip(old_ids, old, strict=True))
    new_by_id = dict(zip(new_ids, new, strict=True))
    # Objects named by their url or webUrl (or slugs among them): told by that name.
    for index, identity in enumerate(new_ids):
        inner = _item_where(where, identity, index)
        if identity not in old_by_id:
            yield FieldChange(inner, "added")
        else:
            yield from _diff(old_by_id[identity], new_by_id[identity], inner)
    for index, identity in enumerate(old_ids):
        if identity not in new_by_id:
            yield FieldChange(_item_where(where, identity, index), "removed")
    kept_old = [identity for identity in old_ids if identity in new_by_id]
    kept_new = [identity for identity in new_ids if identity in old_by_id]
    if kept_old != kept_new:
        yield FieldChange(where, "reordered")


def _diff_scalar_lists(old: list[Any], new: list[Any], where: str) -> Iterator[FieldChange]:
    """Items added, removed and moved, by value: a second ``AI`` in topics is one added item.

    The items outside the longest runs common to both versions changed; of those, a value
    on both sides moved (``reordered``), the rest were added or removed. Lists with a
    repeated item once fell back to item numbers (``topics[2]: added``).
    """
    # Typed, so that true and 1 (equal in Python) differ as they do in the file.
    old_keys = [(type(item), item) for item in old]
    new_keys = [(type(item), item) for item in new]
    try:
        kept_old, kept_new = _kept(old_keys, new_keys)
    except TypeError:  # an unhashable scalar cannot be, but never fail a diff on it
        yield from _diff_by_index(old, new, where)
        return
    left_old = [key for i, key in enumerate(old_keys) if i not in kept_old]
    left_new = [key for j, key in enumerate(new_keys) if j not in kept_new]
    moved = Counter(left_old) & Counter(left_new)
    for _, item in _less(left_new, moved):
        yield FieldChange(where, "added", new=item, item=True)
    for _, item in _less(left_old, moved):
        yield FieldChange(where, "removed", old=item, item=True)
    if moved:
        yield FieldChange(where, "reordered")


_EXACT_TABLE: Final = 250_000
"""The largest table of a longest common subsequence worked out exactly (cells)."""


def _kept(old: list[Any], new: list[Any]) -> tuple[set[int], set[int]]:
    """The positions in *old* and in *new* of a longest common subsequence of the two.

    The common start and end are kept at once; the middle is worked out exactly by the
    textbook table when it is small (the lists of records are), else by difflib's longest
    runs, which may keep fewer (a move is then told where an exact answer had none).
    """
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    middle_old, middle_new = old[start : len(old) - end], new[start : len(new) - end]
    kept_old = {*range(start), *range(len(old) - end, len(old))}
    kept_new = {*range(start), *range(len(new) - end, len(new))}
    if len(middle_old) * len(middle_new) <= _EXACT_TABLE:
        pairs = _common_pairs(middle_old, middle_new)
    else:
        matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        pairs = [
            (i + step, j + step)
            for i, j, size in matcher.get_matching_blocks()
            for step in range(size)
        ]
    kept_old.update(start + i for i, _ in pairs)
    kept_new.update(start + j for _, j in pairs)
    return kept_old, kept_new


def _common_pairs(old: list[Any], new: list[Any]) -> list[tuple[int, int]]:
    """The matched positions of a longest common subsequence, by the textbook table."""
    table = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in range(len(old) - 1, -1, -1):
        row, below = table[i], table[i + 1]
        for j in range(len(new) - 1, -1, -1):
            row[j] = below[j + 1] + 1 if old[i] == new[j] else max(below[j], row[j + 1])
    pairs = []
    i = j = 0
    while i < len(old) and j < len(new):
        if old[i] == new[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _less(items: list[Any], taken: Counter[Any]) -> list[Any]:
    """*items* in order, without as many of each value as *taken* counts."""
    left = Counter(taken)
    kept = []
    for item in items:
        if left[item] > 0:
            left[item] -= 1
        else:
            kept.append(item)
    return kept


def _diff_by_index(old: list[Any], new: list[Any], where: str) -> Iterator[FieldChange]:
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else _MISSING
        after = new[index] if index < len(new) else _MISSING
        yield from _diff(before, after, f"{where}[{index}]")


def summary_keys(changes: Iterable[FieldChange]) -> set[str]:
    """What a file's changes count towards in a summary: ``topics +1``, ``heat changed``."""
    keys: set[str] = set()
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for change in changes:
        top = top_key(change.field)
        if change.item:
            (added if change.change == "added" else removed)[top] += 1
        elif change.field == top and change.change in ("added", "removed"):
            keys.add(f"{top} {change.change}")
        else:
            keys.add(f"{top} changed")
    keys.update(f"{top} +{count}" for top, count in added.items())
    keys.update(f"{top} -{count}" for top, count in removed.items())
    return keys


def summarize_changes(changes_by_file: dict[str, list[FieldChange]]) -> str:
    """One line that sums up the changes of many files, most common first.

    ``"412 records: topics +1 in 398; heat changed in 12"``: each part counts the files
    with that change (``topics +1``: one topic added).
    """
    counts: Counter[str] = Counter()
    for changes in changes_by_file.values():
        counts.update(summary_keys(changes))
    total = len(changes_by_file)
    changed = sum(1 for changes in changes_by_file.values() if changes)
    head = counted(total, "record")
    if not changed:
        return f"{head}: no changes"
    parts = [f"{key} in {count}" for key, count in sorted(counts.items(), key=_by_count)]
    return f"{head}, {changed} changed: " + "; ".join(parts)


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
