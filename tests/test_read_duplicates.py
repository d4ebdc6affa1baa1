"""Keys written twice: they open as Jekyll reads them, and are reported and repaired."""

from __future__ import annotations

import pytest
from tests.helpers import changed_lines

import newsrecord


def fm(*lines: str) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n"


CASES = [
    # (text, field path, earlier line, later line, the winning value's path and value)
    (fm("title: a", "excerpt: b", "title: c"), "title", 2, 4, ("title", "c")),
    (
        fm("title: a", "provider:", "  name: A", "  domain: a.com", "  name: B"),
        "provider.name",
        4,
        6,
        ("provider.name", "B"),
    ),
    (
        fm("title: a", "images:", "  - url: x", "    width: 1", "    width: 2"),
        "images[0].width",
        5,
        6,
        ("images[0].width", 2),
    ),
    (
        fm(
            "title: a",
            "related:",
            "  - title: r",
            "    provider:",
            "      name: A",
            "      name: B",
        ),
        "related[0].provider.name",
        6,
        7,
        ("related[0].provider.name", "B"),
    ),
    (fm("title: a", "provider: {name: A, name: B}"), "provider.name", 3, 3, ("provider.name", "B")),
    (fm("title: a", '"title": b'), "title", 2, 3, ("title", "b")),
    (fm("title: a", "foo: 1", "foo: 2"), "foo", 3, 4, ("foo", 2)),
    (
        fm("title: a", "images:", "  - url: x", "    url: y"),
        "images[0].url",
        4,
        5,
        ("images[0].url", "y"),
    ),
]


@pytest.mark.parametrize(("text", "field", "earlier", "later", "wins"), CASES)
def test_keys_written_twice_open_with_the_last_value(
    text: str, field: str, earlier: int, later: int, wins: tuple[str, object]
) -> None:
    doc = newsrecord.loads(text)
    assert doc.valid
    assert doc.get(wins[0]) == wins[1]
    assert doc.duplicates == [(field, earlier, later)]
    (problem,) = doc.problems
    assert (problem.line, problem.field) == (earlier, field)
    lines = f"twice on line {later}" if earlier == later else f"lines {earlier} and {later}"
    assert lines in problem.message
    assert doc.dumps() == text  # opening changes nothing


@pytest.mark.parametrize(("text", "field", "earlier", "later", "wins"), CASES)
def test_the_repair_removes_only_the_earlier_entry(
    text: str, field: str, earlier: int, later: int, wins: tuple[str, object]
) -> None:
    doc = newsrecord.loads(text)
    before = newsrecord.to_dict(doc.record)
    (done,) = doc.repair()
    assert done.line == earlier
    repaired = doc.dumps()
    again = newsrecord.loads(repaired)
    assert again.problems == []
    assert newsrecord.to_dict(again.record) == before
    if earlier != later:
        # The earlier entry's lines go; when it followed a list item's dash, the next
        # key moves up to the dash, so its line is rewritten once.
        changed = changed_lines(text, repaired)
        assert len(repaired.splitlines()) < len(text.splitlines())
        assert sum(line.startswith("+") for line in changed) <= 1


def test_edits_leave_the_shadowed_entry_alone() -> None:
    text = fm("title: a", "heat: 1", "topics:", "  - x", "heat: 2")
    doc = newsrecord.loads(text)
    doc.record.heat = 3
    assert changed_lines(text, doc.dumps()) == ["-heat: 2", "+heat: 3"]


def test_the_repair_of_an_entry_set_apart_by_blank_lines_keeps_one_gap() -> None:
    text = fm("title: a", "heat: 1", "", "topics:", "  - x", "", "quality: 2", "topics:", "  - y")
    doc = newsrecord.loads(text)
    doc.repair()
    assert changed_lines(text, doc.dumps()) == ["-", "-topics:", "-  - x"]


@pytest.mark.parametrize(("text", "field", "earlier", "later", "wins"), CASES)
def test_unsetting_a_key_written_twice_removes_every_entry_and_nothing_else(
    text: str, field: str, earlier: int, later: int, wins: tuple[str, object]
) -> None:
    if field == "title":
        field = "excerpt"  # title is required; excerpt is not written twice here
        text = text.replace("title: a", "title: a\nexcerpt: e\nexcerpt: f", 1)
    typed = newsrecord.loads(text)
    if field == "foo":
        del typed.record.extra["foo"]
    else:
        newsrecord.unset_field(typed.record, field)
    by_path = newsrecord.loads(text)
    by_path.unset(field)
    for doc in (typed, by_path):
        written = doc.dumps()
        again = newsrecord.loads(written)
        assert again.get(field) is None
        assert field not in [where for where, _, _ in again.duplicates]
        # Only the lines of the key's entries go; a mapping left empty reads "{}".
        added = [line for line in changed_lines(text, written) if line.startswith("+")]
        assert all(line.endswith("{}") for line in added)
        assert len(written.splitlines()) < len(text.splitlines()) or added


def test_unsetting_a_duplicated_top_level_key_leaves_the_other_lines_as_written() -> None:
    text = fm(
        "title: First",
        "heat: 1",
        "excerpt: >",
        "  A folded",
        "  excerpt.",
        "title: Second",
        "provider: {name: Foo, domain: foo.com}",
        "heat: 2",
    )
    doc = newsrecord.loads(text)
    doc.record.heat = None
    assert changed_lines(text, doc.dumps()) == ["-heat: 1", "-heat: 2"]


def test_strict_loading_still_opens_duplicates_and_validate_reports_them() -> None:
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.loads(fm("title: a", "heat: x", "heat: y"))
    messages = [problem.message for problem in caught.value.problems]
    assert any("duplicate key 'heat'" in message for message in messages)
    assert any("expected an integer" in message for message in messages)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("fits", [True, False])
def test_unsetting_entries_set_apart_by_blank_lines_removes_their_lines_only(
    newline: str, fits: bool
) -> None:
    # The blank line above the entry that counts goes with it; the earlier entry's own
    # lines go, not the lines around it (the two edits must not meet).
    lines = ["---", "title: T", "type: article", "", "heat: 1", "", "heat: 2", "", "quality: 3"]
    text = newline.join([*lines, "---", "body", ""])
    if not fits:
        text = text.replace("quality: 3", "quality: abc")
    doc = newsrecord.loads(text, strict=fits)
    doc.unset("heat")
    written = doc.dumps()
    quality = "quality: 3" if fits else "quality: abc"
    kept = ["---", "title: T", "type: article", "", "", quality, "---", "body", ""]
    assert written == newline.join(kept)
    assert newsrecord.loads(written, strict=False).duplicates == []


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_the_repair_keeps_other_lines_whatever_the_line_breaks(newline: str) -> None:
    text = newline.join(["---", "title: T", "topics: [", "  a,  # x", "  b", "]", "heat: 1"])
    text += newline + newline.join(["heat: 2", "---", "body", ""])
    doc = newsrecord.loads(text)
    doc.repair(only=["duplicate-keys"])  # (lone-cr-line-breaks would give a CR file LF)
    assert doc.dumps() == text.replace(f"heat: 1{newline}", "")


@pytest.mark.parametrize(
    "earlier",
    [
        "provider:\n  name: old\n  name: older\n\n",  # a key twice in a block that goes
        "provider: {name: a, name: b}\n",  # and in a flow mapping
    ],
)
def test_the_repair_of_an_entry_with_its_own_duplicates_removes_it_whole(earlier: str) -> None:
    # Each inner duplicate got its own removal inside the entry's: the edits overlapped
    # and the repair was refused as "a bug of newsrecord's".
    text = "---\ntitle: T\n" + earlier + "provider:\n  name: P\n---\nbody\n"
    doc = newsrecord.loads(text)
    doc.repair()
    # (The blank line after the block that goes is its own: see the test below.)
    assert doc.dumps() == "---\ntitle: T\nprovider:\n  name: P\n---\nbody\n"
    assert doc.record.provider is not None
    assert doc.record.provider.name == "P"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        # No blank line above, one after: it left a gap between type and items.
        (
            ["type: collection", "items:", "  - old", "", "items:", "  - new", "", "topics: []"],
            ["type: collection", "items:", "  - new", "", "topics: []"],
        ),
        # A blank line on both sides: one gap stays.
        (
            ["type: collection", "", "items:", "  - old", "", "items:", "  - new"],
            ["type: collection", "", "items:", "  - new"],
        ),
        # A blank line above only: it stays, setting off what moves up.
        (
            ["type: collection", "", "items:", "  - old", "items:", "  - new"],
            ["type: collection", "", "items:", "  - new"],
        ),
        # Two blank lines after: both go with it.
        (
            ["type: collection", "heat: 1", "", "", "heat: 2"],
            ["type: collection", "heat: 2"],
        ),
        # First in the front matter, and first in a nested mapping.
        (["heat: 1", "", "title: T", "heat: 2"], ["title: T", "heat: 2"]),
        (
            ["title: T", "provider:", "  name: a", "", "  domain: d", "  name: b"],
            ["title: T", "provider:", "  domain: d", "  name: b"],
        ),
        # A comment after the blank line is about what follows: it stays.
        (
            ["title: T", "heat: 1", "", "# the heat", "heat: 2"],
            ["title: T", "# the heat", "heat: 2"],
        ),
    ],
)
def test_the_repair_takes_the_blank_lines_after_an_entry_with_it(
    newline: str, lines: list[str], kept: list[str]
) -> None:
    text = newline.join(["---", *lines, "---", "body", ""])
    doc = newsrecord.loads(text)
    doc.repair(only=["duplicate-keys"])
    assert doc.dumps() == newline.join(["---", *kept, "---", "body", ""])
    assert doc.duplicates == []


def test_a_key_twice_on_one_line_is_told_so() -> None:
    doc = newsrecord.loads("---\ntitle: T\nprovider: {name: a, name: b}\n---\n")
    told = "duplicate key 'name' twice on line 3: the last one counts"
    assert [problem.message for problem in doc.problems] == [
        f"{told} (newsrecord fix removes the earlier)"
    ]
