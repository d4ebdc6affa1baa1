"""New files in the house style of their kind, written from a record alone."""

from __future__ import annotations

import bisect

import attrs

from newsrecord._read.nodes import Mapping, Node, Scalar
from newsrecord._read.text import line_end, line_start
from newsrecord._write import render
from newsrecord._write.splice import Edit, apply_edits
from newsrecord._write.style import style_of
from newsrecord.model.records import AnyRecord

__all__ = ["carry_comments", "write_fresh"]


def write_fresh(record: AnyRecord, body: str, newline: str) -> str:
    """The text of a new file holding *record* and *body*, in its kind's house style."""
    cls = type(record)
    house = style_of(cls)

    def style_for(path: str) -> str:
        return render.DOUBLE if path in house.quoted else render.PLAIN

    layout = render.Layout(newline=newline)
    lines = ["---"]
    for key, value in render.mapping_items(record):
        if key in house.blank_before and len(lines) > 1:
            lines.append("")
        lines.extend(render.entry_lines(key, value, 0, key, style_for, layout))
    if len(lines) == 1:
        # Empty front matter is not a record; an empty mapping is.
        lines.append("{}")
    elif house.blank_at_end and getattr(record, "secured", None) is None:
        lines.append("")
    lines.append("---")
    return newline.join(lines) + newline + body


# --- comments carried into a fresh layout ----------------------------------------------------

Where = tuple[str | int, ...]


@attrs.define
class _Outline:
    """The block entries and list items of a front matter, by the line each starts on.

    Attributes:
        lines: For each line start holding entries, their paths in document order (a list
            item and its first key share a line).
        columns: The column each path begins at (its key, or its item's dash).
        spans: Scalars and flow collections, as sorted ``(start, end)`` offsets: text in
            them is content, never a comment.
    """

    lines: dict[int, list[Where]] = attrs.field(factory=dict)
    columns: dict[Where, int] = attrs.field(factory=dict)
    spans: list[tuple[int, int]] = attrs.field(factory=list)


def _outline(text: str, root: Mapping) -> _Outline:
    outline = _Outline()
    stack: list[tuple[Node, Where]] = [(root, ())]
    anchors: list[tuple[int, Where]] = []
    while stack:
        node, where = stack.pop()
        if isinstance(node, Scalar) or node.flow:
            outline.spans.append((node.start, node.end))
            continue
        children: list[tuple[int, Node, Where]] = []
        if isinstance(node, Mapping):
            for key, value in node.pairs:
                outline.spans.append((key.start, key.end))
                children.append((key.start, value, (*where, key.value)))
        else:
            for number, item in enumerate(node.items):
                dash = item.start - 1
                while dash >= 0 and text[dash] in " \t\r\n":
                    dash -= 1
                children.append((dash, item, (*where, number)))
        for start, _value, path in children:
            anchors.append((start, path))
            outline.columns[path] = start - line_start(text, start)
        stack.extend((value, path) for _, value, path in reversed(children))
    for start, path in sorted(anchors, key=lambda pair: pair[0]):
        outline.lines.setdefault(line_start(text, start), []).append(path)
    outline.spans.sort()
    return outline


def _in_span(spans: list[tuple[int, int]], offset: int) -> bool:
    found = bisect.bisect_right(spans, (offset, 1 << 62)) - 1
    return found >= 0 and spans[found][0] <= offset < spans[found][1]


def carry_comments(
    old: str,
    old_root: Mapping,
    old_span: tuple[int, int],
    new: str,
    new_root: Mapping,
    new_end: int,
) -> str | None:
    """Put the comments of *old* into *new*, the same data in another layout.

    *old_span* is where the front matter of *old* lies; *new_end* where that of *new*
    ends.

    A full-line comment goes with the entry or list item below it (comments after the
    last entry stay last), an end-of-line comment with the entry or item on its line;
    each is written at its entry's indentation. Returns None when a comment has no place
    in *new* (its entry is not there, or it stands inside a flow collection).
    """
    before = _outline(old, old_root)
    above: dict[Where, list[str]] = {}
    after: dict[Where, str] = {}
    pending: list[str] = []
    position, stop = old_span
    while position < stop:
        end = line_end(old, position)
        line = old[position:end].rstrip("\r\n")
        paths = before.lines.get(position)
        if _in_span(before.spans, position) and not paths:
            pass  # a line inside a multi-line scalar or flow collection
        elif line.strip().startswith("#"):
            pending.append(line.strip())
        elif paths:
            if pending:
                above[paths[0]] = pending
                pending = []
            for found in _hashes(line):
                if not _in_span(before.spans, position + found):
                    after[paths[-1]] = line[found:].rstrip()
                    break
        elif "#" in line:
            return None  # a comment on a line of its own kind (``: value`` of a ? key)
        position = end
    return _insert_comments(new, new_root, new_end, above, after, pending)


def _hashes(line: str) -> list[int]:
    return [i for i, ch in enumerate(line) if ch == "#" and (i == 0 or line[i - 1] in " \t")]


def _insert_comments(
    new: str,
    root: Mapping,
    new_end: int,
    above: dict[Where, list[str]],
    after: dict[Where, str],
    last: list[str],
) -> str | None:
    outline = _outline(new, root)
    newline = "\r\n" if "\r\n" in new else "\n"
    line_of = {path: start for start, paths in outline.lines.items() for path in paths}
    edits: list[Edit] = []
    for path, comments in above.items():
        if path not in line_of:
            return None
        pad = " " * outline.columns[path]
        text = "".join(pad + comment + newline for comment in comments)
        edits.append(Edit(line_of[path], line_of[path], text))
    for path, comment in after.items():
        if path not in line_of:
            return None
        start = line_of[path]
        content = start + len(new[start : line_end(new, start)].rstrip("\r\n"))
        edits.append(Edit(content, content, "  " + comment))
    if last:
        edits.append(Edit(new_end, new_end, "".join(c + newline for c in last)))
    return apply_edits(new, edits)
