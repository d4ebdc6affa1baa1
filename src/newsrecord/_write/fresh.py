"""New files in the house style of their kind, written from a record alone."""

from __future__ import annotations

from newsrecord._write import render
from newsrecord._write.style import style_of
from newsrecord.model.records import AnyRecord

__all__ = ["write_fresh"]


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
