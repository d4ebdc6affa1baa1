"""Measure bulk edits: the in-memory edit against saving it, per durability mode and the CLI.

Usage::

    python benchmarks/bulk.py [FOLDER] [--files N] [--rounds N] [--jobs N]

The valid record files under FOLDER (default ``$NEWSRECORD_CORPUS``, else
``../shared/corpus`` next to the repository) are copied round robin into a temporary
tree until it holds ``--files`` files (default 10,000), 500 to a folder. Every case makes
the same one-line edit to every file (a new key ``bulkRun`` with a fresh value each time,
so that every file really changes):

- in memory: ``load``, ``set_field``, ``dumps``, nothing written: the cost of the edit;
- ``edit(durability=...)`` for "full" (fsync file and folder per file), "batch" (one
  ``newsrecord.Batch`` around the loop: each file and folder synced once at its end) and
  "none";
- the command line, ``newsrecord set TREE --new-key -- bulkRun=...``, with ``--jobs 1``
  and with every core; timed from start to exit (it saves with "batch").

It prints the time per file of each case and its ratio to the in-memory edit (the
target: at most 2x), the median of ``--rounds`` rounds. Timing belongs here, never in
the unit tests.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import newsrecord

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER: Final = Path(
    os.environ.get("NEWSRECORD_CORPUS") or ROOT.parent / "shared" / "corpus"
)
PER_FOLDER: Final = 500


def valid_sources(folder: Path) -> list[Path]:
    return [
        path
        for path, doc in newsrecord.iter_records(folder, errors="collect")
        if not isinstance(doc, newsrecord.RecordError)
    ]


def build_tree(sources: list[Path], root: Path, count: int) -> list[Path]:
    files = []
    for number, source in zip(range(count), itertools.cycle(sources), strict=False):
        folder = root / f"part{number // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{number:06d}-{source.name}"
        shutil.copyfile(source, target)
        files.append(target)
    return files


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def in_memory(files: list[Path], value: str) -> None:
    for path in files:
        doc = newsrecord.load(path)
        newsrecord.set_field(doc.record, "bulkRun", value, strict=False)
        doc.dumps()


def api_saves(files: list[Path], value: str, durability: newsrecord.Durability) -> None:
    with newsrecord.Batch():
        for path in files:
            with newsrecord.edit(path, durability=durability) as doc:
                newsrecord.set_field(doc.record, "bulkRun", value, strict=False)


def child_environment() -> dict[str, str]:
    """The environment of the timed commands: with bytecode caching, as users have it."""
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def cli(tree: Path, value: str, jobs: int) -> None:
    subprocess.run(  # noqa: S603  # our own interpreter and package
        [
            sys.executable,
            "-m",
            "newsrecord",
            "set",
            str(tree),
            "--new-key",
            "--jobs",
            str(jobs),
            "--",
            f"bulkRun={value}",
        ],
        check=True,
        capture_output=True,
        env=child_environment(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    arguments = parser.parse_args()
    if not arguments.folder.is_dir():
        print(f"no such folder: {arguments.folder}", file=sys.stderr)
        return 2
    sources = valid_sources(arguments.folder)
    if not sources:
        print(f"no valid records under {arguments.folder}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="newsrecord-bulk-") as scratch:
        tree = Path(scratch) / "tree"
        files = build_tree(sources, tree, arguments.files)
        count = len(files)
        # Each case gets a fresh value, so that every file changes every time.
        values = (f"run{number}" for number in itertools.count())
        cases: dict[str, Callable[[], object]] = {
            "in memory (load, set_field, dumps)": lambda: in_memory(files, next(values)),
            'edit(durability="full")': lambda: api_saves(files, next(values), "full"),
            'edit(durability="batch") in a Batch': lambda: api_saves(files, next(values), "batch"),
            'edit(durability="none")': lambda: api_saves(files, next(values), "none"),
            "CLI set --jobs 1": lambda: cli(tree, next(values), 1),
            f"CLI set --jobs {arguments.jobs}": lambda: cli(tree, next(values), arguments.jobs),
        }
        seconds: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(arguments.rounds):
            for name, case in cases.items():
                seconds[name].append(timed(case))
        base = statistics.median(seconds["in memory (load, set_field, dumps)"]) / count
        print(
            f"newsrecord bulk edits: {count} files ({len(sources)} distinct records), "
            f"{arguments.rounds} round(s), median"
        )
        print(f"{'case':<40} {'ms/file':>9} {'x in-memory':>12}  target <= 2x")
        for name, times in seconds.items():
            per_file = statistics.median(times) / count
            ratio = per_file / base
            verdict = "" if name.startswith("in memory") else ("met" if ratio <= 2 else "missed")
            print(f"{name:<40} {per_file * 1000:>9.3f} {ratio:>12.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
