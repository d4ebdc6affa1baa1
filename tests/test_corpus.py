"""The real corpus: every file opens, round-trips byte for byte, is typed, and edits well.

Figures are printed per corpus and kind (run with ``-s`` to see them): files opened,
valid, round-tripped and written back from scratch, and keys typed. The targets of the
issues are asserted: every file whose YAML parses opens and round-trips, at least 99.9%
of the keys of every kind land in typed attributes, every edit changes only its own
lines, and repairs change only the lines they repair.
"""

from __future__ import annotations

import collections
import datetime as dt
import difflib
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest

import newsrecord
from newsrecord import document


def _keys(value: Any) -> tuple[int, int]:
    """(keys in typed attributes, keys in extra) of a record, at every depth."""
    if isinstance(value, list):
        totals = [_keys(item) for item in value]
        return sum(t for t, _ in totals), sum(e for _, e in totals)
    if not attrs.has(type(value)) or not hasattr(value, "extra"):
        return 0, 0
    typed, extra = 0, len(value.extra)
    for spec in newsrecord.fields(type(value)):
        item = getattr(value, spec.name)
        if item is not None:
            inner_typed, inner_extra = _keys(item)
            typed += 1 + inner_typed
            extra += inner_extra
    return typed, extra


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _corpus_of(path: Path, root: Path) -> str:
    return path.relative_to(root).parts[0]


@pytest.fixture(scope="module")
def corpus_root(pytestconfig: pytest.Config) -> Path:
    return Path(pytestconfig.getoption("--corpus"))


def test_corpus_opens_round_trips_and_is_typed(corpus_files: list[Path], corpus_root: Path) -> None:
    table: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    differing: list[str] = []
    for path in corpus_files:
        text = _read(path)
        doc = newsrecord.load(path, strict=False)
        counts = table[_corpus_of(path, corpus_root), doc.kind.__name__]
        counts["files"] += 1
        counts["opened"] += 1
        counts["identical"] += doc.dumps() == text
        counts["clean"] += not doc.problems
        if not doc.valid:
            continue
        counts["valid"] += 1
        typed, extra = _keys(doc.record)
        counts["typed"] += typed
        counts["keys"] += typed + extra
        rebuilt = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=doc.kind)
        fresh = newsrecord.dumps(rebuilt, body=doc.body, newline=doc.newline)
        if fresh == text:
            counts["from scratch"] += 1
        else:
            diff = difflib.unified_diff(text.splitlines(), fresh.splitlines(), lineterm="", n=0)
            differing.append(f"{path.name}: " + " | ".join(list(diff)[2:6])[:200])
    total: collections.Counter[str] = collections.Counter()
    print()
    for (corpus, kind), counts in sorted(table.items()):
        total.update(counts)
        print(
            f"{corpus:24} {kind:15} {counts['files']:4} files: {counts['opened']:4} opened, "
            f"{counts['valid']:4} valid, {counts['clean']:4} without problems, "
            f"{counts['identical']:4} round-trip, {counts['from scratch']:4} from scratch, "
            f"{counts['typed']}/{counts['keys']} keys typed"
        )
    print("written from scratch differ:", *differing, sep="\n  ")
    assert total["files"] == len(corpus_files)
    assert total["opened"] == total["files"]
    assert total["identical"] == total["files"]
    assert total["valid"] == total["files"]
    for (corpus, kind), counts in table.items():
        assert counts["typed"] >= 0.999 * counts["keys"], (corpus, kind, counts)
        assert kind != "Record", (corpus, counts)
    assert total["from scratch"] >= 0.9 * total["files"]


def _changed(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True))
        if line.startswith(("+ ", "- "))
    ]


def test_every_corpus_file_takes_a_one_line_edit(corpus_files: list[Path]) -> None:
    document.STRICT_SPLICES = True
    for path in corpus_files:
        text = _read(path)
        doc = newsrecord.load(path)
        record = doc.record
        if isinstance(record, newsrecord.Record) and record.heat is not None:
            record.heat += 1
            changed = "heat"
        elif getattr(record, "title", None) is not None:
            record.title = f"{record.title} (edited)"
            changed = "title"
        else:
            record.name = f"{record.name} (edited)"
            changed = "name"
        new = doc.dumps()
        old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
        assert len(old_lines) == len(new_lines), path
        different = [
            (old, line) for old, line in zip(old_lines, new_lines, strict=True) if old != line
        ]
        assert len(different) == 1, path
        assert different[0][0].startswith(f"{changed}:"), path
        assert different[0][1].endswith(("\r\n", "\n")) == different[0][0].endswith(("\r\n", "\n"))


def test_unknown_keys_take_one_line_edits_in_every_corpus_file(corpus_files: list[Path]) -> None:
    document.STRICT_SPLICES = True
    when = dt.datetime(2021, 3, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    for path in corpus_files:
        text = _read(path)
        doc = newsrecord.load(path)
        doc.record.extra["reviewedAt"] = when
        added = doc.dumps()
        assert _changed(text, added) == [f"+ reviewedAt: 2021-03-04T05:06:00-08:00{doc.newline}"]
        again = newsrecord.loads(added, path=str(path))
        assert again.record.extra["reviewedAt"] == "2021-03-04T05:06:00-08:00"
        again.set("reviewedAt", "2022-01-01T00:00:00Z", parse=True)
        changed = again.dumps()
        assert _changed(added, changed) == [
            f"- reviewedAt: 2021-03-04T05:06:00-08:00{doc.newline}",
            f"+ reviewedAt: 2022-01-01T00:00:00Z{doc.newline}",
        ], path
        again.unset("reviewedAt")
        assert again.dumps() == text, path


def test_repairs_change_only_the_lines_they_repair(
    corpus_files: list[Path], tmp_path: Path
) -> None:
    repaired = 0
    for path in corpus_files:
        text = _read(path)
        doc = newsrecord.load(path)
        if not doc.duplicates:
            assert doc.repair() == [], path
            continue
        before = newsrecord.to_dict(doc.record)
        done = doc.repair()
        assert len(done) == len(doc.problems or done), path
        fixed = doc.dumps()
        assert all(line.startswith("- ") for line in _changed(text, fixed)), path
        copy = tmp_path / path.name
        shutil.copyfile(path, copy)
        again = newsrecord.loads(fixed, path=str(path))
        assert again.problems == [], path
        assert newsrecord.to_dict(again.record) == before, path
        repaired += 1
    print(f"\nrepaired {repaired} files with keys written twice")
