"""Edits planned from what changed: the snapshot of the record as loaded, and its uses.

dumps() looks only at the objects assigned to and the lists and ``extra`` dicts changed
in place, plans splices for them alone and reads the written scalars back one by one.
These tests make every kind of change a user can make (in place, by assignment, moving
objects between places) and check that the text reads back as the edited record, and
that it is the text the full comparison of the whole record gives. No timing here: see
benchmarks/edit_growth.py.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from tests.helpers import changed_lines as diff_lines

import newsrecord
from newsrecord import Article, Image, Provider, RelatedArticle, ValidationError
from newsrecord import document as document_module
from newsrecord._bind import snapshot as snapshot_module
from newsrecord._read import native as native_module
from newsrecord._read.nodes import Mapping, Scalar, Sequence
from newsrecord._write import splice
from newsrecord.model.fields import WATCHED

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_9841d82d5199b387.txt"
SEED_TEXT = SEED.read_bytes().decode("utf-8")

FLOW = """\
---
title: "Flow things"
type: article
topics: [AI, Robots]
provider: {name: Flow, domain: flow.example}
heat: 5
counts:
  views: 10
  tags:
    - one
---
Body.
"""


@pytest.fixture(autouse=True, params=["plain", "overlapped"])
def dumps_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test twice: the lists and dicts looked at before the splice, then while the
    new text is copied (on records of any size: a large record's path).
    """
    if request.param == "overlapped":
        if native_module.start_splice is None:
            pytest.skip("the overlapped path needs the native package")
        monkeypatch.setattr(document_module, "OVERLAPPED_CHECKS", 0)
    return str(request.param)


def related_record(seed_text: str, count: int) -> str:
    start = seed_text.index("related:\n") + len("related:\n")
    end = seed_text.index("\nsecured:")
    item = seed_text[start:end].rstrip("\n") + "\n"
    title = 'title: "The AI industry'
    items = "".join(item.replace(title, f"{title} {n}", 1) for n in range(count))
    return seed_text[:start] + items + seed_text[end:]


def compared(document: newsrecord.Document) -> str:
    """The text the full comparison of the record as loaded with the record gives."""
    return document._dumps_compared(document.body != document.text[document._parts.body_start :])


def check(document: newsrecord.Document) -> str:
    """dumps() reads back as the record, and equals the full comparison's text."""
    text = document.dumps()
    again = newsrecord.loads(text, kind=type(document.record))
    assert splice.same(again.record, document.record)
    assert again.body == document.body
    assert text == compared(document)
    return text


def changed_lines(before: str, after: str) -> int:
    old, new = before.splitlines(), after.splitlines()
    return sum(a != b for a, b in zip(old, new, strict=False)) + abs(len(old) - len(new))


# --- changes of every kind ------------------------------------------------------------------


def _swap_provider(record: Any) -> None:
    old = record.provider
    kept = copy.deepcopy(old)
    old.name = "Mutated"
    record.provider = kept


CHANGES: dict[str, Callable[[Any], None]] = {
    "title": lambda r: setattr(r, "title", "A new title"),
    "nested attribute": lambda r: setattr(r.related[1].images[0], "width", 77),
    "append to a list in place": lambda r: r.topics.append("Robots"),
    "remove from a list in place": lambda r: r.related.pop(0),
    "insert into a list in place": lambda r: r.related.insert(1, RelatedArticle(title="New")),
    "reverse a list": lambda r: r.related.reverse(),
    "replace an item in place": lambda r: r.related.__setitem__(2, "a-slug"),
    "move an image between lists": lambda r: r.related[0].images.append(r.related[1].images.pop()),
    "mutate then detach": lambda r: (
        setattr(r.related[0], "title", "gone anyway"),
        r.related.pop(0),
    ),
    "mutate the old provider, then replace it by its copy": _swap_provider,
    "unknown key added in place": lambda r: r.extra.__setitem__("localNote", "hello"),
    "unknown key added to a nested object": lambda r: r.related[2].extra.__setitem__("n", 1),
    "same instant, other zone": lambda r: setattr(
        r,
        "published_date_time",
        r.published_date_time.astimezone(dt.timezone(dt.timedelta(hours=2))),
    ),
    "set and set back": lambda r: (
        setattr(r, "heat", 1),
        setattr(r, "heat", 38),
    ),
    "a new list with the same items": lambda r: setattr(r, "related", list(r.related)),
    "a new image list": lambda r: setattr(r, "images", [Image(url="https://x.example/a.png")]),
    "nested change under a replaced attribute": lambda r: (
        setattr(r.related[1].provider, "name", "Changed"),
        setattr(r.related[1], "provider", Provider(name="Other")),
    ),
    "clear a list in place": lambda r: r.related[0].images.clear(),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_each_kind_of_change_reads_back_and_matches_the_full_comparison(
    seed_text: str, name: str
) -> None:
    document = newsrecord.loads(related_record(seed_text, 4))
    CHANGES[name](document.record)
    check(document)


def test_changes_made_together_read_back(seed_text: str) -> None:
    document = newsrecord.loads(related_record(seed_text, 6))
    for name in sorted(CHANGES):
        apply(name, document.record)
    check(document)


def apply(name: str, record: Any) -> None:
    # An earlier change may have taken away what this one changes (a slug has no images).
    with contextlib.suppress(IndexError, AttributeError, TypeError):
        CHANGES[name](record)


@given(st.lists(st.sampled_from(sorted(CHANGES)), max_size=5))
# Found by Hypothesis: an assigned list whose items' lists changed in place, which the
# overlapped path planned from the assignment alone (its planner failed, then the plan
# was made again from every change).
@example(["a new list with the same items", "move an image between lists", "reverse a list"])
def test_any_sequence_of_changes_reads_back(names: list[str]) -> None:
    document = newsrecord.loads(related_record(SEED_TEXT, 5))
    for name in names:
        apply(name, document.record)
    check(document)


def test_a_flow_collection_and_nested_unknown_data_change_in_place() -> None:
    document = newsrecord.loads(FLOW)
    record = document.record
    record.topics.append("More")
    assert record.provider is not None
    record.provider.name = "Flowing"
    record.extra["counts"]["views"] = 11
    record.extra["counts"]["tags"].append("two")
    text = check(document)
    assert "topics: [AI, Robots, More]" in text
    assert "views: 11" in text


def test_nothing_changed_gives_the_text_and_is_not_modified(seed_text: str) -> None:
    document = newsrecord.loads(seed_text)
    record = document.record
    record.heat = 1
    record.heat = 38
    record.topics.append("x")
    record.topics.pop()
    assert not document.is_modified()
    assert document.dumps() == seed_text


def test_a_real_change_is_modified(seed_text: str) -> None:
    document = newsrecord.loads(seed_text)
    document.record.related[0].images[0].height = 5
    assert document.is_modified()
    assert changed_lines(seed_text, check(document)) == 1


def test_a_replaced_record_is_compared_whole(seed_text: str) -> None:
    document = newsrecord.loads(seed_text)
    other = copy.deepcopy(document.record)
    other.title = "Replaced"
    document.record = other
    assert document._snapshot is not None
    assert document._snapshot.changes(other) is None
    assert "Replaced" in check(document)


def test_one_change_in_a_large_record_rewrites_one_line(seed_text: str) -> None:
    text = related_record(seed_text, 300)
    document = newsrecord.loads(text)
    document.set("related[150].title", "Only this one")
    assert changed_lines(text, check(document)) == 1


def test_every_title_of_a_list_and_many_unknown_keys(seed_text: str) -> None:
    text = related_record(seed_text, 60)
    document = newsrecord.loads(text)
    for number in range(60):
        document.set(f"related[{number}].title", f"Title {number}: with a colon")
    for number in range(40):
        document.set(f"localNote{number}", f"note {number}", strict=False)
    out = check(document)
    again = newsrecord.loads(out).record
    assert [item.title for item in again.related] == [f"Title {n}: with a colon" for n in range(60)]
    assert again.extra["localNote39"] == "note 39"


def test_bad_values_put_in_lists_in_place_are_refused_with_their_path(seed_text: str) -> None:
    document = newsrecord.loads(related_record(seed_text, 3))
    document.record.related[1].topics = ["ok"]
    document.record.related[1].topics.append(3)  # type: ignore[arg-type]  # on purpose
    with pytest.raises(ValidationError) as caught:
        document.dumps()
    assert caught.value.problems[0].field == "related[1].topics[1]"  # the item, not the list


def test_a_bad_object_put_in_a_list_in_place_is_refused(seed_text: str) -> None:
    document = newsrecord.loads(seed_text)
    image = Image(url="https://x.example/b.png")
    document.record.images.append(image)
    object.__setattr__(image, "width", "wide")  # past the assignment check, on purpose
    with pytest.raises(ValidationError) as caught:
        document.dumps()
    assert caught.value.problems[0].field == "images[1].width"


def test_a_scalar_that_does_not_read_back_is_caught(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = newsrecord.loads(seed_text)
    document.record.title = "A title"
    # Write a title that YAML reads as another string: the check must see it.
    monkeypatch.setattr(splice._Planner, "render", lambda *_: '"Another title"')
    with pytest.raises(AssertionError, match="did not give the edited record"):
        document.dumps()


def test_a_scalar_that_swallows_the_rest_of_its_line_is_caught(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = newsrecord.loads(seed_text)
    document.record.type = "news"
    monkeypatch.setattr(splice._Planner, "render", lambda *_: '"news" extra')
    with pytest.raises(AssertionError, match="did not give the edited record"):
        document.dumps()


class _Bleeding:
    """A splice under way whose text also changes a line it should not have."""

    def __init__(self, splicing: Any, wrong: tuple[str, str]) -> None:
        self.splicing, self.wrong = splicing, wrong

    def finish(self) -> str:
        return str(self.splicing.finish()).replace(*self.wrong, 1)

    def cancel(self) -> None:
        self.splicing.cancel()


@pytest.mark.parametrize(
    "wrong",
    [
        ("heat: 38", "heat: 39"),  # a known key outside the edit
        ("\ntitle:", "\ntitle: x\nxtitle:"),  # a key made up
        ("\nheat: 38\n", "\n"),  # a key lost
        # A key written again among the lines that changed: its last value is read.
        ("  - Robots\n", "  - Robots\nheat: 39\n"),
    ],
)
def test_a_splice_that_changes_other_keys_is_caught(
    seed_text: str, monkeypatch: pytest.MonkeyPatch, wrong: tuple[str, str]
) -> None:
    # Read back after a list changed, the keys whose lines are untouched are not read
    # again: a key whose lines did change must be, and the difference found.
    document = newsrecord.loads(related_record(seed_text, 3))
    document.record.topics.append("Robots")
    begin = splice.begin_edits
    assert wrong[0] in document.text + "  - Robots\n"  # the wrong change can be made
    monkeypatch.setattr(splice, "begin_edits", lambda *args: _Bleeding(begin(*args), wrong))
    with pytest.raises(AssertionError, match="did not give the edited record"):
        document.dumps()


def test_the_nodes_read_back_serve_the_save_alone(tmp_path: Any, seed_text: str) -> None:
    path = tmp_path / "record.md"
    path.write_text(related_record(seed_text, 3), encoding="utf-8", newline="")
    document = newsrecord.load(path)
    document.record.topics.append("Robots")
    text = document.dumps()
    assert not isinstance(document._made, document_module._ParsedBack)  # nodes take memory
    document.save(durability="none")
    assert document._made is None
    assert document.text == text == path.read_text(encoding="utf-8")
    assert_nodes_are_those_of_the_text(document)
    document.record.topics.append("More")
    assert diff_lines(text, check(document)) == ["+  - More"]


def test_saving_keeps_watching_the_same_record(tmp_path: Any, seed_text: str) -> None:
    path = tmp_path / "record.md"
    path.write_text(seed_text, encoding="utf-8", newline="")
    document = newsrecord.load(path)
    record = document.record
    old_snapshot = document._snapshot
    record.heat = 1
    document.save()
    # The caller's record stays the document's, watched by a snapshot of the saved text:
    # after an assigned number, the same snapshot, which takes the saved values.
    assert document.record is record
    assert document._snapshot is old_snapshot
    assert WATCHED[id(record)] is document._snapshot.touched
    assert document._snapshot.changes(record) == []
    record.heat = 3
    assert diff_lines(path.read_text(encoding="utf-8"), document.dumps()) == [
        "-heat: 1",
        "+heat: 3",
    ]
    # After a changed list, a new snapshot (it walks the record), watching the same objects.
    record.topics.append("Saved")
    document.save()
    assert document._snapshot is not old_snapshot
    assert document._snapshot is not None
    assert WATCHED[id(record)] is document._snapshot.touched
    assert document._snapshot.changes(record) == []
    record.topics.pop()
    assert diff_lines(path.read_text(encoding="utf-8"), document.dumps()) == ["-  - Saved"]


def test_edits_after_saves_are_found_against_the_saved_text(tmp_path: Any, seed_text: str) -> None:
    # Save after save, each kind of change, each edit seen against the text saved before
    # it: the snapshot settles on assigned values and starts afresh after other changes.
    path = tmp_path / "record.md"
    path.write_text(related_record(seed_text, 4), encoding="utf-8", newline="")
    document = newsrecord.load(path)
    record = document.record
    original_title = record.related[2].title
    edits: list[Callable[[], None]] = [
        lambda: setattr(record.related[2], "title", "Second"),
        lambda: setattr(record.related[3], "title", "Third"),
        lambda: setattr(record.related[2], "title", original_title),  # back, after a save
        lambda: setattr(record.related[1].provider, "name", "Renamed"),
        lambda: setattr(record.related[0], "provider", Provider(name="New", domain="new.example")),
        lambda: setattr(record.related[0].provider, "name", "Newer"),  # the object just put
        lambda: record.related[1].extra.update(localNote="kept"),
        lambda: record.related[1].extra.update(localNote="changed"),
        lambda: record.related.append(copy.deepcopy(record.related[3])),
        lambda: setattr(record.related[4], "title", "Appended"),
        lambda: setattr(record, "heat", 77),
    ]
    for edit in edits:
        before = path.read_text(encoding="utf-8")
        edit()
        assert document.is_modified()
        document.save(durability="none")
        after = path.read_text(encoding="utf-8")
        assert newsrecord.loads(after).record == record
        assert 1 <= len(diff_lines(before, after)) <= 24  # the appended item's lines at most
        assert document._snapshot is not None
        assert document._snapshot.changes(record) == []
        assert not document.is_modified()
    assert newsrecord.load(path).record.related[2].title == original_title


def test_objects_of_a_dropped_document_are_no_longer_watched(seed_text: str) -> None:
    document = newsrecord.loads(seed_text)
    record = document.record
    assert id(record) in WATCHED
    del document
    assert id(record) not in WATCHED


def test_a_snapshot_that_cannot_match_its_nodes_falls_back(seed_text: str) -> None:
    # A record and the nodes of another text: the snapshot says it cannot tell changes.
    record = newsrecord.loads(related_record(seed_text, 4)).record
    other = newsrecord.loads(related_record(seed_text, 3))
    mismatched = snapshot_module.Snapshot(record, other._root)
    assert mismatched.changes(record) == []
    record.related[3].title = "Not in the other text"
    assert mismatched.changes(record) is None


def test_an_article_built_in_code_is_unaffected() -> None:
    article = Article(title="Made in code")
    article.heat = 5  # no document watches it
    assert id(article) not in WATCHED


def test_a_deep_copy_of_a_document_compares_its_whole_record(seed_text: str) -> None:
    document = newsrecord.loads(seed_text)
    document.record  # noqa: B018  # the record as users get it
    twin = copy.deepcopy(document)
    twin.record.heat = 99
    twin.record.topics.append("Twin")
    text = check(twin)
    assert "heat: 99" in text
    assert "- Twin" in text
    assert document.dumps() == seed_text


def test_lists_of_text_compare_their_texts_and_lists_of_objects_their_identities(
    seed_text: str,
) -> None:
    document = newsrecord.loads(seed_text)
    record = document.record
    # An equal text in place of a tag is the same tag: nothing to write.
    record.topics[0] = "".join(list(record.topics[0]))
    assert not document.is_modified()
    assert document.dumps() == seed_text
    # An equal copy in place of an image is another object, checked and compared as such.
    record.images[0] = copy.copy(record.images[0])
    assert document._snapshot is not None
    changes = document._snapshot.changes(record)
    assert changes is not None
    assert [entry.path() for entry in changes] == [("images",)]
    assert document.dumps() == seed_text
    record.topics[0] = "Changed"
    assert changed_lines(seed_text, check(document)) == 1


def test_the_pure_python_checks_of_lists_and_unknown_keys_agree(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the native helpers (or with them), the same changes are found.
    monkeypatch.setattr(native_module, "same_lists", None)
    monkeypatch.setattr(native_module, "all_empty", None)
    document = newsrecord.loads(seed_text)
    record = document.record
    assert document._snapshot is not None
    assert document._snapshot.changes(record) == []
    record.related[0].images[0].extra["new"] = 1
    record.images.append(copy.copy(record.images[0]))
    changes = document._snapshot.changes(record)
    assert changes is not None
    assert sorted(entry.path() for entry in changes) == [("images",), ("related", 0, "images", 0)]


class _Watched:
    """A splice under way, telling what became of it."""

    def __init__(self, splicing: Any, log: list[str]) -> None:
        self.splicing, self.log = splicing, log

    def finish(self) -> str:
        self.log.append("finish")
        return str(self.splicing.finish())

    def cancel(self) -> None:
        self.log.append("cancel")
        self.splicing.cancel()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("title", {"plain": ["finish"], "overlapped": ["finish"]}),
        # Found in place only once the copy began: dropped, and made again.
        ("title and a topic", {"plain": ["finish"], "overlapped": ["cancel", "finish"]}),
        # Nothing assigned: nothing to copy until the lists are looked at.
        ("a topic", {"plain": ["finish"], "overlapped": ["finish"]}),
    ],
)
def test_a_copy_made_before_a_change_in_place_was_found_is_dropped(
    seed_text: str,
    monkeypatch: pytest.MonkeyPatch,
    dumps_path: str,
    change: str,
    expected: dict[str, list[str]],
) -> None:
    log: list[str] = []
    begin = splice.begin_edits
    monkeypatch.setattr(splice, "begin_edits", lambda *args: _Watched(begin(*args), log))
    document = newsrecord.loads(seed_text)
    record = document.record
    if "title" in change:
        record.title = "Retitled"
    if "topic" in change:
        record.topics.append("Robots")
    text = check(document)
    assert log[: len(expected[dumps_path])] == expected[dumps_path]
    assert ("Retitled" in text) is ("title" in change)
    assert ("- Robots" in text) is ("topic" in change)


def test_problems_in_place_are_told_with_those_assigned(seed_text: str) -> None:
    # The overlapped path checks what was assigned before it looks in place: it must not
    # raise with half the problems.
    document = newsrecord.loads(related_record(seed_text, 2))
    record = document.record
    record.related[1].topics = ["ok"]  # assigned...
    record.related[1].topics.append(3)  # type: ignore[arg-type]  # ...then made bad
    image = Image(url="https://x.example/b.png")
    record.images.append(image)  # in place...
    object.__setattr__(image, "width", "wide")  # ...and bad, past the assignment check
    with pytest.raises(ValidationError) as caught:
        document.dumps()
    fields = sorted(problem.field for problem in caught.value.problems)
    assert fields == ["images[1].width", "related[1].topics[1]"]


# --- in place, found on both paths ----------------------------------------------------------

EXTRAS = """\
localNote: hello
counts:
  views: 10
  tags: [a, b]
"""


def extras_record(count: int) -> str:
    """A record of *count* related articles, with unknown keys (one holding a list)."""
    text = related_record(SEED_TEXT, count)
    return text.replace("category: news\n", "category: news\n" + EXTRAS, 1)


def _image() -> Image:
    return Image(url="https://x.example/fresh.png")


def _lists(record: Any) -> list[tuple[list[Any], Callable[[], Any]]]:
    """The lists of *record*, each with a maker of new items for it."""
    found: list[tuple[list[Any], Callable[[], Any]]] = [
        (record.topics, lambda: "fresh"),
        (record.related, lambda: RelatedArticle(title="Fresh")),
        (record.images, _image),
    ]
    found += [(item.images, _image) for item in record.related if not isinstance(item, str)]
    # A list that is None (a fresh related article's images) cannot change in place.
    return [(listed, make) for listed, make in found if listed is not None]


def _objects(record: Any) -> list[Any]:
    found = [record, *(record.images or ())]
    for item in record.related or ():
        if not isinstance(item, str):
            found += [item, *(item.images or ()), *([item.provider] if item.provider else [])]
    return found


def _in_place(record: Any, data: st.DataObject) -> None:
    """One change made in place (no attribute assigned), chosen by *data*."""
    if data.draw(st.booleans()):
        listed, make = data.draw(st.sampled_from(_lists(record)))
        action = data.draw(st.sampled_from(["append", "pop", "pop+push", "equal", "insert"]))
        if not listed or action == "append":
            listed.append(make())
        elif action == "pop":
            listed.pop(data.draw(st.integers(0, len(listed) - 1)))
        elif action == "pop+push":
            # The same length, another item: found by identity, not by length.
            listed.pop(data.draw(st.integers(0, len(listed) - 1)))
            listed.append(make())
        elif action == "equal":
            # An equal item in place of one: a change for objects, none for texts.
            at = data.draw(st.integers(0, len(listed) - 1))
            listed[at] = (
                "".join(listed[at]) if isinstance(listed[at], str) else copy.copy(listed[at])
            )
        else:
            listed.insert(0, make())
        if data.draw(st.booleans()):
            listed[:] = list(listed)  # every item where it was: no change
        return
    extra = data.draw(st.sampled_from(_objects(record))).extra
    action = data.draw(st.sampled_from(["fill", "clear", "change", "nested", "same"]))
    if action == "fill" or not extra:
        extra["localAdded"] = data.draw(st.sampled_from(["text", 1, [1, 2], {"a": 1}]))
    elif action == "clear":
        extra.clear()
    elif action == "change":
        extra[next(iter(extra))] = "changed"
    elif action == "nested" and isinstance(extra.get("counts"), dict):
        extra["counts"]["tags"].append("c")
    else:
        key = next(iter(extra))
        extra[key] = extra[key]  # the same value again: no change


@given(st.data())
def test_changes_in_place_are_never_missed_on_either_path(data: st.DataObject) -> None:
    document = newsrecord.loads(extras_record(3))
    record = document.record
    for _ in range(data.draw(st.integers(1, 4))):
        _in_place(record, data)
    snapshot = document._snapshot
    assert snapshot is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(native_module, "same_lists", None)
        patch.setattr(native_module, "all_empty", None)
        pure = snapshot.changes(record)
    assert pure is not None
    found = snapshot.changes(record)  # with the native helpers, when installed
    assert found is not None
    assert [entry.path() for entry in found] == [entry.path() for entry in pure]
    # Never missed: the text is the one the full comparison gives, and reads back.
    check(document)


def test_an_item_popped_and_another_pushed_is_a_change(seed_text: str) -> None:
    document = newsrecord.loads(related_record(seed_text, 3))
    images = document.record.related[1].images
    images.append(copy.copy(images.pop()))  # the same length, an equal copy
    assert document._snapshot is not None
    changes = document._snapshot.changes(document.record)
    assert changes is not None
    assert [entry.path() for entry in changes] == [("related", 1, "images")]
    document.record.related[1].images[0].width = 5
    assert "width: 5" in check(document)


def test_an_unknown_key_emptied_or_changed_deep_down_is_a_change() -> None:
    text = extras_record(2)
    emptied = newsrecord.loads(text)
    emptied.record.extra.clear()
    assert "localNote" not in check(emptied)
    nested = newsrecord.loads(text)
    nested.record.extra["counts"]["tags"].append("c")
    assert "tags: [a, b, c]" in check(nested)
    filled = newsrecord.loads(text)
    filled.record.related[1].provider.extra["localKey"] = [1]
    out = check(filled)
    assert "localKey" in out
    assert set(text.splitlines()) <= set(out.splitlines())  # lines added, none changed


# --- saves that move the nodes instead of parsing the text again --------------------------


def node_tree(node: Any) -> Any:
    """A node and all it holds as plain tuples: kind, span, and what it reads as."""
    if isinstance(node, Scalar):
        return ("scalar", node.start, node.end, node.value, node.style, node.tag)
    if isinstance(node, Mapping):
        pairs = [(node_tree(key), node_tree(value)) for key, value in node.pairs]
        return ("mapping", node.start, node.end, node.flow, pairs)
    assert isinstance(node, Sequence)
    return ("sequence", node.start, node.end, node.flow, [node_tree(item) for item in node.items])


def assert_nodes_are_those_of_the_text(document: newsrecord.Document) -> None:
    """The document's nodes, spans and parts are what parsing its current text gives."""
    fresh = newsrecord.loads(document._current, kind=document.kind)
    assert node_tree(document._root) == node_tree(fresh._root)
    assert document._parts == fresh._parts
    assert [
        (node_tree(entry.key), node_tree(entry.value), node_tree(entry.winner))
        for entry in document._duplicates
    ] == [
        (node_tree(entry.key), node_tree(entry.value), node_tree(entry.winner))
        for entry in fresh._duplicates
    ]


DUPLICATED = """\
---
title: "Keys written twice"
heat: 1
topics: [AI]
heat: 2
provider:
  name: One
  name: Two
quality: 4
---
Body.
"""

_SCALAR_EDITS: Final = {
    "title": lambda r, text: setattr(r, "title", text),
    "heat": lambda r, text: setattr(r, "heat", len(text)),
    "excerpt": lambda r, text: setattr(r, "excerpt", text or None),
    "provider name": lambda r, text: setattr(r.provider, "name", text) if r.provider else None,
    "related title": lambda r, text: (
        setattr(r.related[len(text) % len(r.related)], "title", text)
        if r.related and not isinstance(r.related[len(text) % len(r.related)], str)
        else None
    ),
    "first topic": lambda r, text: r.topics.__setitem__(0, text or "x") if r.topics else None,
}


_EDIT = st.tuples(
    st.sampled_from(sorted(_SCALAR_EDITS) + sorted(CHANGES)),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
)


@given(
    st.sampled_from(["seed", "flow", "duplicated"]),
    # Rounds of edits, a save after each round: a round of several scalars moves the
    # nodes past several splices at once.
    st.lists(st.lists(_EDIT, min_size=1, max_size=3), min_size=1, max_size=5),
)
def test_nodes_moved_by_a_save_are_those_parsing_gives(
    start: str, rounds: list[list[tuple[str, str]]]
) -> None:
    text = {"seed": related_record(SEED_TEXT, 3), "flow": FLOW, "duplicated": DUPLICATED}[start]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.md"
        path.write_text(text, encoding="utf-8", newline="")
        document = newsrecord.load(path)
        record = document.record
        for edits in rounds:
            for name, value in edits:
                with contextlib.suppress(IndexError, AttributeError, TypeError, ValueError):
                    if name in _SCALAR_EDITS:
                        _SCALAR_EDITS[name](record, value)
                    else:
                        CHANGES[name](record)
            document.dumps()
            made = document._made
            event(
                f"moved past {min(len(made.scalars), 3)} edits"
                if isinstance(made, document_module._Spliced)
                else "parsed"
            )
            document.save(durability="none")
            assert_nodes_are_those_of_the_text(document)
            assert newsrecord.load(path).record == record
        # And the next edit, planned on the moved nodes, reads back.
        record.title = "After the saves"
        check(document)


def test_a_mover_that_fails_leaves_a_save_to_a_parse(
    tmp_path: Any, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The native mover raises TypeError on what it does not know, possibly after moving
    # some nodes: the document then parses the saved text instead (in tests, where
    # splices are strict, the error shows).

    def half_done(roots: list[Any], *_: Any) -> None:
        roots[0].end += 1  # a node moved wrong, then the failure
        raise TypeError("move_spans() takes nodes only")

    monkeypatch.setattr(native_module, "move_spans", half_done)
    path = tmp_path / "record.md"
    path.write_text(seed_text, encoding="utf-8", newline="")
    document = newsrecord.load(path)
    document.record.heat = 12
    with pytest.raises(TypeError, match="nodes only"):
        document.save()
    monkeypatch.setattr(document_module, "STRICT_SPLICES", False)
    document = newsrecord.load(path)
    document.record.heat = 13
    document.save()
    assert_nodes_are_those_of_the_text(document)
    document.record.heat = 14
    assert "heat: 14" in check(document)


def test_the_native_mover_refuses_what_is_not_a_node() -> None:
    if native_module.move_spans is None:
        pytest.skip("no native mover in this run")
    with pytest.raises(TypeError, match="nodes only"):
        native_module.move_spans([object()], 0, 1, 1, [1], [1])
    with pytest.raises(TypeError, match="as many ends"):
        native_module.move_spans([], 0, 1, 1, [1], [])
