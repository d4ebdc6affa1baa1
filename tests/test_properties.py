"""Properties of the core promises, over generated records and files.

1. Text round trip: a file in any legal style loads as its record and dumps unchanged.
2. Model round trip: a record written from scratch loads back equal, for every kind.
3. Edit locality: random edits change only the lines of the edited fields, and the
   result loads back as the edited record.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import Styled, styled_documents

import newsrecord
from newsrecord._read import text as _text
from newsrecord._write import splice as _splice
from newsrecord.model import KINDS
from newsrecord.strategies import records


@given(styled_documents())
def test_styled_files_load_as_their_record_and_dump_unchanged(doc: Styled) -> None:
    loaded = newsrecord.loads(doc.text, kind=type(doc.record))
    assert _splice.same(loaded.record, doc.record)
    assert loaded.dumps() == doc.text


@given(styled_documents())
def test_bytes_and_text_load_the_same(doc: Styled) -> None:
    from_bytes = newsrecord.loads(doc.text.encode("utf-8"), kind=type(doc.record))
    assert from_bytes.dumps() == doc.text


@given(st.sampled_from(KINDS).flatmap(records), st.sampled_from(["\n", "\r\n"]))
def test_records_written_from_scratch_load_back_equal(
    record: newsrecord.AnyRecord, newline: str
) -> None:
    text = newsrecord.dumps(record, body="body" + newline, newline=newline)
    loaded = newsrecord.loads(text, kind=type(record))
    assert _splice.same(loaded.record, record)
    assert loaded.newline == newline
    assert loaded.dumps() == text


@given(st.sampled_from(KINDS).flatmap(records))
def test_to_dict_from_dict_round_trip(record: newsrecord.AnyRecord) -> None:
    assert _splice.same(newsrecord.from_dict(newsrecord.to_dict(record), kind=type(record)), record)


# --- edit locality --------------------------------------------------------------------------


def _entry_lines(doc: newsrecord.Document) -> dict[str, set[int]]:
    """Old line numbers (0-based) of each top-level entry, and blank lines around it."""
    text = doc.text
    root = doc._root  # tests may look inside
    planner = _splice._Planner(text, root, type(doc.record), doc.newline)
    index = _text.LineIndex(text)
    lines = text.splitlines()
    owned: dict[str, set[int]] = {}
    for key, value in root.pairs:
        start, end = planner.entry_lines(key, value)
        first = index.position(start)[0] - 1
        last = index.position(max(end - 1, start))[0] - 1
        span = set(range(first, last + 1))
        # A removed block may take one blank line next to it (which one is up to diff).
        for neighbour in (first - 1, last + 1):
            if 0 <= neighbour < len(lines) and not lines[neighbour].strip():
                span.add(neighbour)
        owned[key.value] = span
    return owned


def _edits(draw: st.DrawFn, record: Any) -> set[str]:
    """Apply a few random edits to a record; return the YAML keys of the edited fields."""
    specs = [spec for spec in newsrecord.fields(type(record)) if not spec.required]
    edited: set[str] = set()
    chosen = st.lists(st.sampled_from(specs), min_size=1, max_size=3, unique_by=lambda s: s.key)
    for spec in draw(chosen):
        current = getattr(record, spec.name)
        choice = draw(st.integers(0, 2))
        if choice == 0 or current is None:
            new = draw(records(type(record))).__getattribute__(spec.name)
        elif choice == 1:
            new = None
        elif isinstance(current, list) and current:
            new = copy.deepcopy(current)
            if draw(st.booleans()):
                new.pop(draw(st.integers(0, len(new) - 1)))
            else:
                new.append(copy.deepcopy(new[0]))
        else:
            new = draw(records(type(record))).__getattribute__(spec.name)
        setattr(record, spec.name, new)
        edited.add(spec.key)
    return edited


@given(styled_documents(), st.data())
def test_edits_change_only_the_lines_of_edited_fields(doc: Styled, data: st.DataObject) -> None:
    loaded = newsrecord.loads(doc.text, kind=type(doc.record))
    owned = _entry_lines(loaded)
    edited = data.draw(st.composite(lambda draw: _edits(draw, loaded.record))())
    expected = copy.deepcopy(loaded.record)
    new_text = loaded.dumps()  # STRICT_SPLICES: it must load back as the edited record
    assert _splice.same(newsrecord.loads(new_text, kind=type(expected)).record, expected)
    allowed = {line for key in edited if key in owned for line in owned[key]}
    # Every line outside the edited entries is still there, unchanged and in order (new
    # entries may come between them).
    new_lines = new_text.splitlines(keepends=True)
    position = 0
    for number, line in enumerate(doc.text.splitlines(keepends=True)):
        if number in allowed:
            continue
        while position < len(new_lines) and new_lines[position] != line:
            position += 1
        assert position < len(new_lines), (edited, number, line, new_text)
        position += 1
