"""Peak memory while iterating a large tree of records (issue 6: under 150 MB for 100,000).

Usage::

    python benchmarks/memory.py [--count N] [--dir PATH] [--tracemalloc]

Writes a tree of N record files of our own (derived from the seed record, with varied
titles and heat, spread over nested folders) into a temporary folder, then iterates it
with ``newsrecord.iter_records`` in a fresh child process, keeping nothing, and reports
that process's peak resident set size (``VmHWM``, ``ru_maxrss``), how it grew while
iterating, and the throughput. Without ``iter_records`` (older newsrecord) it walks the
tree with :func:`os.walk` and :func:`newsrecord.load` instead, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import newsrecord

ROOT: Final = Path(__file__).resolve().parent.parent
SEED: Final = ROOT / "seeds" / "000_9841d82d5199b387.txt"
LIMIT_MB: Final = 150.0
SAMPLES: Final = 20
"""How many times the child reads its resident set size while iterating."""


# --- the tree -------------------------------------------------------------------------------


def templates(seed: str) -> tuple[str, str, str]:
    """Cut the seed around its title and heat lines: ``(before, between, after)``."""
    lines = seed.splitlines(keepends=True)
    title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    heat = next(i for i, line in enumerate(lines) if line.startswith("heat:"))
    return "".join(lines[:title]), "".join(lines[title + 1 : heat]), "".join(lines[heat + 1 :])


def record_path(root: Path, number: int) -> Path:
    # 100 files a folder, two levels deep, as a site with sections and dates would have.
    return root / f"{number // 10_000:02d}" / f"{number // 100 % 100:02d}" / f"{number:06d}.md"


def generate(root: Path, count: int) -> int:
    """Write *count* records under *root*; return the bytes written."""
    before, between, after = templates(SEED.read_text(encoding="utf-8"))
    written = 0
    folder = None
    for number in range(count):
        path = record_path(root, number)
        if path.parent != folder:
            folder = path.parent
            folder.mkdir(parents=True, exist_ok=True)
        heat = (number * 7919) % 20_000 - 1_000
        data = (
            f'{before}title: "Generated record {number}: {number % 97} things about AI"\n'
            f"{between}heat: {heat}\n{after}<p>Body of record {number}.</p>\n"
        ).encode()
        with path.open("wb") as stream:
            stream.write(data)
        written += len(data)
    return written


def tree_is_ready(root: Path, count: int) -> bool:
    return record_path(root, count - 1).is_file() and not record_path(root, count).exists()


# --- the child: iterate and watch memory ------------------------------------------------------


def rss_mb(field: str = "VmRSS") -> float:
    """Return a field of /proc/self/status in MB (VmRSS now, VmHWM the peak)."""
    try:
        lines = Path("/proc/self/status").read_text(encoding="utf-8").splitlines()
    except OSError:
        return max_rss_mb()
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return max_rss_mb()


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def records(root: Path) -> tuple[str, Iterator[Any]]:
    """Return how the tree is walked, and the iterator."""
    iter_records = getattr(newsrecord, "iter_records", None)
    if iter_records is not None:
        return "newsrecord.iter_records", iter(iter_records(root))
    return "os.walk + newsrecord.load (stand-in: no iter_records yet)", _walk(root)


def _walk(root: Path) -> Iterator[Any]:
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(".md"):
                yield newsrecord.load(Path(folder) / name).record


def run_worker(root: Path, count: int, trace: bool) -> None:
    baseline = rss_mb()
    if trace:
        tracemalloc.start()
    how, iterator = records(root)
    every = max(count // SAMPLES, 1)
    samples: list[tuple[int, float]] = []
    seen = 0
    start = time.perf_counter()
    for _ in iterator:
        seen += 1
        if seen % every == 0:
            samples.append((seen, rss_mb()))
    seconds = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    report = {
        "how": how,
        "records": seen,
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": rss_mb("VmHWM"),
        "ru_maxrss_mb": max_rss_mb(),
        "samples": samples,
        "tracemalloc_peak_mb": traced_peak,
    }
    print(json.dumps(report))


# --- the parent -------------------------------------------------------------------------------


def measure(root: Path, count: int, trace: bool) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--count", str(count)]
    command += ["--dir", str(root), "--worker"] + (["--tracemalloc"] if trace else [])
    finished = subprocess.run(  # noqa: S603  # this same script, run by this same interpreter
        command, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"the iterating process failed:\n{finished.stderr}")
    report: dict[str, Any] = json.loads(finished.stdout)
    return report


def print_report(report: dict[str, Any], count: int, generated: str) -> None:
    peak = report["peak_mb"]
    print(f"newsrecord memory: iterating {count:,} generated records ({generated})")
    print(f"Python {sys.version.split()[0]} | iterated with {report['how']}")
    print()
    print(f"{'records iterated':<36}{report['records']:>12,}")
    rate = report["records"] / report["seconds"] if report["seconds"] else 0.0
    print(f"{'time':<36}{report['seconds']:>11.1f}s  ({rate:,.0f} records/s)")
    print(f"{'RSS before iterating':<36}{report['baseline_mb']:>10.1f} MB")
    print(f"{'peak RSS (VmHWM)':<36}{peak:>10.1f} MB")
    print(f"{'peak RSS (ru_maxrss)':<36}{report['ru_maxrss_mb']:>10.1f} MB")
    if report["tracemalloc_peak_mb"] is not None:
        print(f"{'tracemalloc peak':<36}{report['tracemalloc_peak_mb']:>10.1f} MB")
    if report["samples"]:
        first, last = report["samples"][0], report["samples"][-1]
        print(
            f"{'RSS growth while iterating':<36}{last[1] - first[1]:>10.1f} MB"
            f"  (from record {first[0]:,} to {last[0]:,})"
        )
    verdict = "PASS" if peak < LIMIT_MB and report["records"] == count else "FAIL"
    print()
    print(f"peak RSS {peak:.1f} MB, target < {LIMIT_MB:g} MB: {verdict}")
    if report["records"] != count:
        print(f"  only {report['records']:,} of {count:,} records were iterated")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--count", type=int, default=100_000, help="records to generate (default: 100000)"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help="write the tree here and keep it (reused when it already holds COUNT records)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report the peak of Python allocations (iterating is slower then)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.count < 1:
        parser.error("--count must be at least 1")
    if arguments.worker and arguments.dir is None:
        parser.error("--worker needs --dir")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    count: int = arguments.count
    if arguments.worker:
        run_worker(arguments.dir, count, arguments.tracemalloc)
        return 0
    with tempfile.TemporaryDirectory(prefix="newsrecord-memory-") as scratch:
        root: Path = arguments.dir or Path(scratch)
        if tree_is_ready(root, count):
            generated = f"reused {root}"
        elif root.exists() and any(root.iterdir()):
            print(f"{root} holds something else than {count} generated records", file=sys.stderr)
            return 2
        else:
            start = time.perf_counter()
            size = generate(root, count)
            seconds = time.perf_counter() - start
            generated = f"{size / 1e6:.0f} MB written in {seconds:.1f}s under {root}"
        report = measure(root, count, arguments.tracemalloc)
        print_report(report, count, generated)
        if arguments.json:
            report |= {"count": count, "limit_mb": LIMIT_MB, "passed": report["peak_mb"] < LIMIT_MB}
            Path(arguments.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        if arguments.dir is None:
            # Deleting 100,000 files takes a while on slow disks; say why nothing happens.
            print(f"removing the generated tree {root} ...", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
