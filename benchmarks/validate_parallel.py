"""Measure how much ``newsrecord validate`` gains from spreading work over all cores.

Usage::

    python benchmarks/validate_parallel.py [FOLDER] [--files N] [--jobs N] [--rounds N]

The record files under FOLDER (default ``$NEWSRECORD_CORPUS``, else ``../shared/corpus``
next to the repository) are copied, round robin into sub-folders, into a temporary tree
until it holds at least ``--files`` files (default 20,000), so that a run lasts long
enough for the start-up of the worker processes to matter no more than it does on a real
repository. Then ``python -m newsrecord validate`` runs over that tree with ``--jobs 1``
and with ``--jobs N`` (default: every available core), alternately, for ``--rounds``
rounds; each run is a fresh process, timed from start to exit.

It prints the median wall-clock time and throughput of each setting and the speed-up:
the median over the rounds of the single-process time divided by the parallel time of
the same round, so that a slow moment of a shared machine hits both sides of a ratio
alike. Timing belongs here, never in the unit tests.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not every platform has affinity masks
        return os.cpu_count() or 1


def build_tree(source: Path, target: Path, at_least: int) -> int:
    """Copy the record files of *source* into *target* until there are *at_least*."""
    files = list(newsrecord.iter_record_files(source))
    if not files:
        raise SystemExit(f"no record files under {source}")
    count = copy = 0
    while count < at_least:
        folder = target / f"copy{copy:03d}"
        for path in files:
            destination = folder / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            count += 1
        copy += 1
    return count


def run(tree: Path, jobs: int) -> tuple[float, float]:
    """Run ``validate`` over *tree* in a fresh process; return wall-clock and CPU seconds.

    The CPU time is that of the process and all its workers (user and system).
    """
    command = [sys.executable, "-m", "newsrecord", "validate", "--jobs", str(jobs), str(tree)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # our own interpreter and module
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"validate failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--files", type=int, default=20_000, help="files in the tree")
    parser.add_argument("--jobs", type=int, default=_cores(), help="parallel workers")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each setting")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsrecord-validate-") as temporary:
        tree = Path(temporary)
        count = build_tree(args.folder, tree, args.files)
        print(f"{count} files under {tree}, {args.jobs} jobs, {_cores()} cores available")
        run(tree, args.jobs)  # warm the page cache and the bytecode cache
        single: list[tuple[float, float]] = []
        parallel: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            single.append(run(tree, 1))
            parallel.append(run(tree, args.jobs))
    ratios = [s[0] / p[0] for s, p in zip(single, parallel, strict=True)]
    for name, runs in (("--jobs 1", single), (f"--jobs {args.jobs}", parallel)):
        wall = statistics.median(wall for wall, _ in runs)
        cpu = statistics.median(cpu for _, cpu in runs)
        print(
            f"{name:>9}: {wall:6.2f} s median, {count / wall:8.0f} files/s, "
            f"{cpu:6.2f} CPU s (all processes)"
        )
    print(f"speed-up: {statistics.median(ratios):.2f}x (median of {args.rounds} rounds;")
    print(f"          best {max(ratios):.2f}x, worst {min(ratios):.2f}x)")
    overhead = statistics.median(p[1] for p in parallel) / statistics.median(s[1] for s in single)
    print(f"CPU time of the parallel run / the single run: {overhead:.2f}")
    # On a busy machine the wall-clock ratio says more about the neighbours than about
    # newsrecord; the load average tells how far to trust it.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end: {load:.2f}")


if __name__ == "__main__":
    main()
