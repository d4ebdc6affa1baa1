"""The real corpus: every file loads, round-trips byte for byte, and is typed.

Figures are printed per kind (run with ``-s`` to see them) and the issue targets are
asserted: every file loads and round-trips, at least 99.5% of the keys land in typed
attributes, and at least 90% of the files come back byte for byte when written from
scratch in the house style.
"""

from __future__ import annotations

import collections
import difflib
from pathlib import Path
from typing import Any

import attrs

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


def test_corpus_loads_round_trips_and_is_typed(corpus_files: list[Path]) -> None:
    per_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    differing: list[str] = []
    for path in corpus_files:
        text = _read(path)
        doc = newsrecord.loads(text, path=str(path))
        kind = type(doc.record).__name__
        counts = per_kind[kind]
        counts["files"] += 1
        counts["identical"] += doc.dumps() == text
        typed, extra = _keys(doc.record)
        counts["typed"] += typed
        counts["keys"] += typed + extra
        rebuilt = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=type(doc.record))
        fresh = newsrecord.dumps(rebuilt, body=doc.body, newline=doc.newline)
        if fresh == text:
            counts["from scratch"] += 1
        else:
            diff = difflib.unified_diff(text.splitlines(), fresh.splitlines(), lineterm="", n=0)
            differing.append(f"{path.name}: " + " | ".join(list(diff)[2:6]))
    total: collections.Counter[str] = collections.Counter()
    print()
    for kind, counts in sorted(per_kind.items()):
        total.update(counts)
        print(
            f"{kind:13} {counts['files']:4} files, {counts['identical']:4} round-trip, "
            f"{counts['from scratch']:4} from scratch, "
            f"{counts['typed']}/{counts['keys']} keys typed"
        )
    print("written from scratch differ:", *differing, sep="\n  ")
    assert total["files"] == len(corpus_files)
    assert total["identical"] == total["files"]
    assert total["typed"] >= 0.995 * total["keys"]
    assert total["from scratch"] >= 0.9 * total["files"]


def test_every_corpus_file_takes_a_one_line_edit(corpus_files: list[Path]) -> None:
    document.STRICT_SPLICES = True
    for path in corpus_files:
        text = _read(path)
        doc = newsrecord.loads(text)
        record = doc.record
        if isinstance(record, newsrecord.Record) and record.heat is not None:
            record.heat += 1
            changed = "heat"
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
