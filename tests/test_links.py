"""Anchors, aliases and merge keys: shared values open as Jekyll reads them, and edits
keep what every other field says.

Jekyll reads front matter with Psych, aliases and merge keys allowed, and publishes
records that use them. They open with Psych's values (each checked against Ruby's Psych
where Ruby is installed), come back byte for byte, and an edit writes out in full only
the entries a link would otherwise make wrong (see
``newsrecord._write.splice._Planner._write_out_links``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import changed_lines
from tests.test_jekyll_parity import _plain, jekyll_reads

import newsrecord

LINKED = {
    "alias of a list": "---\ntitle: A\ntags: &t [a, b]\ncategories: *t\n---\nbody\n",
    "alias of a text": "---\ntitle: &t Hello\nexcerpt: *t\n---\n",
    "alias in a list": "---\ntitle: A\ntopics:\n  - &a AI\n  - *a\n  - ML\n---\n",
    "alias of a block mapping": (
        "---\ntitle: A\nprovider: &p\n  name: P\n  domain: p.com\nsource: *p\n---\n"
    ),
    "alias as a key": "---\ntitle: A\nk: &k name\nnames:\n  *k : 1\n---\n",
    "merge in a value": (
        "---\ntitle: A\nbase: &d {width: 1, height: 2}\nimage:\n  <<: *d\n  url: x\n---\n"
    ),
    "merge of the front matter": (
        "---\ndefaults: &d\n  heat: 3\n  quality: 4\ntitle: A\n<<: *d\nexcerpt: E\n---\n"
    ),
    "merge written in place": "---\ntitle: A\n<<:\n  heat: 3\n  quality: 4\nexcerpt: E\n---\n",
    "merge of a list, the first winning": (
        "---\na: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  y: 3\n---\n"
    ),
    "merge replacing the key before it": "---\ntitle: A\nc:\n  x: 1\n  <<: {x: 2}\n---\n",
    "quoted merge key": '---\ntitle: A\nc:\n  "<<": {x: 2}\n  y: 1\n---\n',
    "anchor named again": "---\na: &x 1\nb: *x\nc: &x 2\nd: *x\n---\n",
    "alias of an alias": "---\na: &x [1]\nb: &y {k: *x}\nc: *y\n---\n",
    "a flow front matter": "---\n{title: A, x: &x [1], y: *x, z: {<<: {k: 1}}}\n---\n",
    "flow values": "---\ntitle: A\nm: {a: &x 1, b: *x}\nl: [&y x, *y, {<<: {k: *x}}]\n---\n",
    "null front matter": "---\n~\n---\nbody\n",
    "timestamp tags": (
        "---\ntitle: A\npublishedDateTime: !!timestamp 2023-11-19T21:07:00Z\n"
        "day: !!timestamp 2023-11-19\n---\n"
    ),
}


def _data(doc: newsrecord.Document) -> dict[str, Any]:
    """The document's front matter as plain data, in the form the Ruby script prints."""
    return {key: _plain(doc.get(key, plain=True)) for key in newsrecord.to_dict(doc.record)}


def test_linked_records_open_as_jekyll_reads_them(c_parser: bool) -> None:
    jekyll = dict(zip(LINKED, jekyll_reads(list(LINKED.values())), strict=True))
    for name, text in LINKED.items():
        assert "error" not in jekyll[name], name
        doc = newsrecord.loads(text, strict=False)
        assert doc.dumps() == text, name
        assert _data(doc) == jekyll[name]["data"], name


def test_each_alias_reads_as_its_own_copy() -> None:
    doc = newsrecord.loads(LINKED["alias of a list"])
    assert doc.record.tags == ["a", "b"]
    assert doc.get("categories") == ["a", "b"]
    doc.record.tags.append("c")
    assert doc.get("categories") == ["a", "b"]


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Each scalar of plain data with its field path (``tags[0]``, ``image.url``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _leaves(item, f"{path}[{number}]")
    else:
        yield path, value


def _other(value: Any) -> Any:
    """Another value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 10
    return f"{value}-edited"


def _edits() -> Iterator[tuple[str, str, str, Any]]:
    """``(case, operation, field, value)``: every leaf set anew, every top-level key unset."""
    for name, text in LINKED.items():
        if name in ("null front matter", "timestamp tags"):
            continue
        data = newsrecord.to_dict(newsrecord.loads(text, strict=False).record)
        for field, value in _leaves(data):
            yield name, "set", field, _other(value)
        for key in data:
            yield name, "unset", key, None


def _edited(name: str, operation: str, field: str, value: Any) -> newsrecord.Document:
    doc = newsrecord.loads(LINKED[name], strict=False)
    if operation == "set":
        doc.set(field, value, strict=False)
    else:
        doc.unset(field)
    return doc


def test_every_edit_of_a_linked_record_reads_back_in_jekyll_as_edited() -> None:
    # Each leaf set to a new value and each top-level key removed, one at a time: the
    # text written holds the edited record, to newsrecord and to Psych, and so no other
    # field changed (an alias of an edited anchor keeps its value).
    edits = list(_edits())
    docs = [_edited(*edit) for edit in edits]
    texts = [doc.dumps() for doc in docs]
    for edit, doc, text, jekyll in zip(edits, docs, texts, jekyll_reads(texts), strict=True):
        assert "error" not in jekyll, (edit, text)
        expected = _data(doc)
        assert jekyll["data"] == expected, (edit, text)
        assert _data(newsrecord.loads(text, strict=False)) == expected, (edit, text)


def test_an_edit_away_from_the_links_changes_only_its_line() -> None:
    for name in ("alias of a list", "merge in a value", "merge of the front matter"):
        text = LINKED[name]
        doc = newsrecord.loads(text, strict=False)
        doc.set("title", "B")
        assert changed_lines(text, doc.dumps()) == ["-title: A", "+title: B"], name


def test_an_edited_anchor_leaves_its_aliases_their_value() -> None:
    # The anchored list is written out with its new value, the alias with the value it
    # had: each in the flow style it had, one line each.
    doc = newsrecord.loads(LINKED["alias of a list"])
    doc.record.tags.append("c")
    written = doc.dumps()
    assert written == "---\ntitle: A\ntags: [a, b, c]\ncategories: [a, b]\n---\nbody\n"
    assert changed_lines(LINKED["alias of a list"], written) == [
        "-tags: &t [a, b]",
        "-categories: *t",
        "+tags: [a, b, c]",
        "+categories: [a, b]",
    ]
    # An alias edited: written out, and the anchor no other alias uses goes.
    doc = newsrecord.loads(LINKED["alias of a text"])
    doc.set("excerpt", "Other")
    assert doc.dumps() == "---\ntitle: Hello\nexcerpt: Other\n---\n"
    # A removed anchor: the alias is written out too.
    doc = newsrecord.loads(LINKED["alias of a list"])
    doc.unset("tags")
    assert doc.dumps() == "---\ntitle: A\ncategories: [a, b]\n---\nbody\n"


def test_an_edit_through_a_merge_writes_that_entry_out() -> None:
    doc = newsrecord.loads(LINKED["merge in a value"], strict=False)
    doc.set("image.width", 5)
    assert doc.dumps() == (
        "---\ntitle: A\nbase: {width: 1, height: 2}\nimage:\n"
        "  width: 5\n  height: 2\n  url: x\n---\n"
    )
    # A merge key of the front matter itself becomes the fields it gave.
    doc = newsrecord.loads(LINKED["merge of the front matter"])
    doc.record.heat = 9
    assert doc.dumps() == (
        "---\ndefaults:\n  heat: 3\n  quality: 4\ntitle: A\nheat: 9\nquality: 4\nexcerpt: E\n---\n"
    )


def test_a_null_front_matter_opens_empty_and_takes_its_first_field() -> None:
    doc = newsrecord.loads(LINKED["null front matter"])
    assert newsrecord.to_dict(doc.record) == {}
    doc.set("title", "First")
    assert doc.dumps() == '---\ntitle: "First"\n---\nbody\n'  # titles are quoted


def test_an_anchor_no_alias_uses_on_a_plain_value_is_text_to_quote() -> None:
    # YAML reads 'title: &copy 2024 Acme' as the title '2024 Acme': refused, with the
    # quoting fix.
    text = "---\ntitle: &copy 2024 Acme\n---\n"
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(text)
    assert caught.value.message == (
        "'&copy' reads as an anchor that no alias uses: a value starting with \"&\" must "
        'be quoted (title: "&copy 2024 Acme")'
    )
    assert newsrecord.loads(text, repair=True).get("title") == "&copy 2024 Acme"
    # Unused anchors elsewhere are YAML's own, and harmless.
    assert newsrecord.loads("---\ntitle: &t 'A'\nx: &m {a: 1}\n---\n").get("title") == "A"


def test_aliases_count_against_the_node_limit() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 4)}]" for i in range(1, 9)]
    text = "---\n" + "\n".join(lines) + "\n---\n"
    with pytest.raises(newsrecord.LimitError, match=r"Limits\.max_nodes"):
        newsrecord.loads(text, limits=newsrecord.Limits(max_nodes=10_000))
    with pytest.raises(newsrecord.LimitError, match=r"Limits\.max_depth"):
        newsrecord.loads(
            "---\na: &a [[[1]]]\nb: [[*a]]\n---\n", limits=newsrecord.Limits(max_depth=5)
        )


def test_every_two_edits_of_a_linked_record_read_back_in_jekyll_as_edited() -> None:
    # Two edits at once, each pair of one record's edits: what one writes out must not
    # undo, or collide with, what the other does.
    edits = list(_edits())
    pairs = [
        (first, second)
        for number, first in enumerate(edits)
        for second in edits[number + 1 :]
        if first[0] == second[0] and first[2] != second[2]
    ]
    docs, texts = [], []
    for first, second in pairs:
        doc = _edited(*first)
        if second[1] == "set":
            try:
                doc.set(second[2], second[3], strict=False)
            except newsrecord.ValidationError:
                continue  # under a key the first edit removed
        else:
            doc.unset(second[2])
        docs.append(doc)
        texts.append(doc.dumps())
    assert len(texts) > 250
    for doc, text, jekyll in zip(docs, texts, jekyll_reads(texts), strict=True):
        assert "error" not in jekyll, text
        assert jekyll["data"] == _data(doc), text


def test_a_key_written_twice_whose_earlier_entry_an_alias_reads_is_left_to_a_person() -> None:
    # Removing `x: &a 1` would leave `*a` naming nothing: the repair leaves it, and the
    # problem says what to do first.
    text = "---\ntitle: A\nx: &a 1\nx: 2\ny: *a\n---\n"
    doc = newsrecord.loads(text, strict=False)
    assert doc.get("y") == 1
    [problem] = doc.problems
    assert problem.message == (
        "duplicate key 'x' on lines 3 and 4: the last one counts (an alias reads an anchor "
        "in the earlier: write that value out in place of the alias, then newsrecord fix "
        "removes the earlier)"
    )
    assert doc.repair() == []
    assert doc.dumps() == text
    # Written out, it goes.
    doc = newsrecord.loads(text.replace("*a", "1").replace("&a ", ""), strict=False)
    assert [p.message for p in doc.repair()] == [
        "duplicate-keys: removed the earlier 'x', which line 4 overrides"
    ]


@st.composite
def linked_front_matters(draw: st.DrawFn) -> str:
    """A front matter whose values share anchors, aliases and merge keys, block and flow."""
    anchors: list[tuple[str, str]] = []  # (name, kind), in the order they are written

    def anchored(text: str, kind: str) -> str:
        # A plain scalar anchor no alias uses is refused (it reads as text gone wrong):
        # only quoted scalars and collections are anchored.
        if draw(st.booleans()):
            name = f"n{len(anchors)}"
            anchors.append((name, kind))
            return f"&{name} {text}"
        return text

    def flow(depth: int) -> tuple[str, str]:
        kinds = ["plain", "quoted", "list", "map", "alias"] if depth < 2 else ["plain", "alias"]
        kind = draw(st.sampled_from(kinds))
        if kind == "alias" and anchors:
            name, of = draw(st.sampled_from(anchors))
            return f"*{name}", of
        if kind in ("plain", "alias"):
            return draw(st.sampled_from(["x", "word", "7"])), "scalar"
        if kind == "quoted":
            return anchored(f'"{draw(st.sampled_from(["q", "t"]))}"', "scalar"), "scalar"
        if kind == "list":
            items = [flow(depth + 1)[0] for _ in range(draw(st.integers(0, 3)))]
            return anchored("[" + ", ".join(items) + "]", "list"), "list"
        return anchored("{" + ", ".join(entries(depth)) + "}", "map"), "map"

    def entries(depth: int) -> list[str]:
        keys = draw(st.lists(st.sampled_from("pqrs"), unique=True, max_size=3))
        maps = [name for name, kind in anchors if kind == "map"]  # (before these entries)
        parts = [f"{key}: {flow(depth + 1)[0]}" for key in keys]
        if maps and draw(st.booleans()):
            merged = f"<<: *{draw(st.sampled_from(maps))}"
            parts.insert(draw(st.integers(0, len(parts))), merged)
        return parts

    lines = ["title: A"]
    for key in draw(st.lists(st.sampled_from("abcdm"), unique=True, min_size=1, max_size=4)):
        maps = [name for name, kind in anchors if kind == "map"]
        if key == "m" and maps:
            lines.append(f"<<: *{draw(st.sampled_from(maps))}")  # a merge of the front matter
            continue
        shape = draw(st.sampled_from(["flow", "block list", "block map"]))
        if shape == "flow":
            lines.append(f"{key}: {flow(0)[0]}")
            continue
        head = len(lines)
        lines.append(f"{key}:")
        if shape == "block list":
            lines += [f"  - {flow(1)[0]}" for _ in range(draw(st.integers(1, 3)))]
        else:
            lines += [f"  {entry}" for entry in entries(0)] or ["  p: x"]
        lines[head] = f"{key}: " + anchored("", "list" if shape == "block list" else "map")
        lines[head] = lines[head].rstrip()
    return "---\n" + "".join(line + "\n" for line in lines) + "---\nbody\n"


@given(linked_front_matters(), st.data())
def test_edits_of_generated_linked_records_read_back_as_edited(
    text: str, data: st.DataObject
) -> None:
    doc = newsrecord.loads(text, strict=False)
    assert doc.dumps() == text
    plain = newsrecord.to_dict(doc.record)
    # Leaves and top-level keys, and new keys: one the model places, one it does not know.
    fields = [path for path, _ in _leaves(plain)] + list(plain) + ["heat", "zz"]
    for _ in range(data.draw(st.integers(1, 3))):
        field = data.draw(st.sampled_from(fields))
        if field == "title":
            continue
        try:
            if data.draw(st.booleans()):
                doc.set(field, data.draw(st.sampled_from(["new", 5, ["l", "m"]])), strict=False)
            else:
                doc.unset(field)
        except newsrecord.ValidationError:
            continue  # under a field an earlier edit removed, or an index past the end
    written = doc.dumps()
    again = newsrecord.loads(written, strict=False)
    assert newsrecord.to_dict(again.record) == newsrecord.to_dict(doc.record), written
