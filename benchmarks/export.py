"""Measure the incremental export: a first export against re-exporting after a few changes.

Usage::

    python benchmarks/export.py [FOLDER] [--files N] [--changed N] [--format F]

The valid record files under FOLDER (default ``$NEWSRECORD_CORPUS``, else
``../shared/corpus``) are copied round robin into a temporary tree of ``--files`` files
(default 10,000). Then, through the API (``export_records(..., incremental=True)``) and
through the command line (``newsrecord export --incremental``, timed from start to exit):

1. a first export, with no cache: every file is read and parsed;
2. ``--changed`` files (default 10) are edited;
3. the export again: only the changed files are read.

Each is repeated ``--rounds`` times (default 3; the cache is deleted before each first
export) and the medians are printed with their ratio (the target: at least 20x), so that
a busy moment of a shared machine weighs less. Timing belongs here, never in the unit
tests.
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
from pathlib import Path
from typing import Final

import newsrecord

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER: Final = Path(
    os.environ.get("NEWSRECORD_CORPUS") or ROOT.parent / "shared" / "corpus"
)


def build_tree(folder: Path, root: Path, count: int) -> list[Path]:
    sources = [
        path
        for path, doc in newsrecord.iter_records(folder, errors="collect")
        if not isinstance(doc, newsrecord.RecordError)
    ]
    files = []
    for number, source in zip(range(count), itertools.cycle(sources), strict=False):
        target = root / f"part{number // 500:03d}" / f"{number:06d}-{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        files.append(target)
    return files


def change(files: list[Path], count: int, value: str) -> None:
    step = max(len(files) // count, 1)
    for path in files[::step][:count]:
        with newsrecord.edit(path) as doc:
            newsrecord.set_field(doc.record, "exportRun", value, strict=False)


def api(tree: Path, out: Path, fmt: str) -> tuple[float, newsrecord.ExportResult]:
    started = time.perf_counter()
    result = newsrecord.export_records(tree, out, format=fmt, incremental=True)  # type: ignore[arg-type]
    return time.perf_counter() - started, result


def child_environment() -> dict[str, str]:
    """The environment of the timed commands: with bytecode caching, as users have it.

    Under ``PYTHONDONTWRITEBYTECODE`` every start compiles newsrecord's modules from
    source again, which costs more than an incremental export itself.
    """
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def cli(tree: Path, out: Path, fmt: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603  # our own interpreter and package
        [
            sys.executable,
            "-m",
            "newsrecord",
            "export",
            str(tree),
            "-o",
            str(out),
            "--format",
            fmt,
            "--incremental",
        ],
        check=True,
        capture_output=True,
        env=child_environment(),
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--format", default="parquet", choices=["parquet", "jsonl", "csv"])
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    if not arguments.folder.is_dir():
        print(f"no such folder: {arguments.folder}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="newsrecord-export-") as scratch:
        tree = Path(scratch) / "tree"
        files = build_tree(arguments.folder, tree, arguments.files)
        print(
            f"newsrecord export: {len(files)} files, {arguments.changed} changed, "
            f"{arguments.format}"
        )
        print(
            f"{'case':<12} {'first s':>9} {'again s':>9} {'ratio':>8}  parsed again  target >= 20x"
        )
        # One untimed run, so that the timed ones find newsrecord's bytecode cached.
        cli(files[0], Path(scratch) / f"warm.{arguments.format}", arguments.format)
        for name in ("API", "CLI"):
            out = Path(scratch) / f"{name}.{arguments.format}"
            firsts, agains, parsed = [], [], 0
            for number in range(arguments.rounds):
                shutil.rmtree(newsrecord.export.cache_path(out), ignore_errors=True)
                if name == "API":
                    firsts.append(api(tree, out, arguments.format)[0])
                else:
                    firsts.append(cli(tree, out, arguments.format))
                change(files, arguments.changed, f"{name}{number}")
                if name == "API":
                    seconds, result = api(tree, out, arguments.format)
                    agains.append(seconds)
                    parsed = result.parsed
                else:
                    agains.append(cli(tree, out, arguments.format))
            first, again = statistics.median(firsts), statistics.median(agains)
            ratio = first / again
            note = "" if name == "API" else " (start-up included)"
            shown = str(parsed) if name == "API" else ""
            print(
                f"{name:<12} {first:>9.2f} {again:>9.3f} {ratio:>7.1f}x  {shown:>12}  "
                f"{'met' if ratio >= 20 else 'missed'}{note}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
