"""Measure start-up: ``import newsrecord`` and the short runs of the command line.

Usage::

    python benchmarks/startup.py [FOLDER] [--files N] [--changed N] [--runs N] [--against SRC]

Each case runs in a fresh interpreter, with bytecode cached as users have it, ``--runs``
times (default 10); the medians are printed, in milliseconds from start to exit and, in
parentheses, of CPU time (user and system: less swayed by a busy machine or disk):

- ``python -c pass``: the interpreter alone, the floor of every case;
- ``import newsrecord``;
- ``newsrecord --help``;
- ``newsrecord validate SEED``: one valid record, as a pre-commit hook checks it;
- ``newsrecord export TREE -o OUT.parquet --incremental`` after ``--changed`` files
  (default 10) changed: a site's CI run. TREE holds ``--files`` files (default 10,000)
  copied from the valid records under FOLDER, as ``benchmarks/export.py`` builds it; it
  is exported once before the timed runs, and the files change before each one.

``--against SRC`` times the ``newsrecord`` package under SRC (the ``src`` folder of
another checkout, such as main's) in the same runs, case by case and turn about, so that
both see the same machine, and prints the difference. Timing belongs here, never in the
unit tests.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

# The export benchmark's tree and edits (this folder is on sys.path when a script runs).
from export import DEFAULT_FOLDER, build_tree, change, child_environment

ROOT: Final = Path(__file__).resolve().parent.parent
SEED: Final = ROOT / "seeds" / "000_9841d82d5199b387.txt"
SCRIPT: Final = Path(sys.executable).with_name("newsrecord")
"""The installed command; ``python -m newsrecord`` (which imports runpy too) without it."""


def newsrecord_command(*arguments: str) -> list[str]:
    if SCRIPT.is_file():
        return [str(SCRIPT), *arguments]
    return [sys.executable, "-m", "newsrecord", *arguments]


def cpu_seconds() -> float:
    """The CPU time (user and system) of the child processes waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], source: Path) -> tuple[float, float]:
    """Milliseconds of *command*, importing newsrecord from *source*: start to exit, CPU."""
    environment = child_environment() | {"PYTHONPATH": str(source)}
    cpu = cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603  # our own interpreter and package
        command, capture_output=True, env=environment, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    return seconds * 1000, (cpu_seconds() - cpu) * 1000


def shown(wall: float, cpu: float, sign: str = "") -> str:
    return f"{wall:{sign}.1f} ({cpu:{sign}.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--against", type=Path, help="another src folder to time alongside")
    arguments = parser.parse_args()
    if not arguments.folder.is_dir():
        print(f"no such folder: {arguments.folder}", file=sys.stderr)
        return 2
    sources = {"this": ROOT / "src"}
    if arguments.against is not None:
        if not (arguments.against / "newsrecord" / "__init__.py").is_file():
            print(f"no newsrecord package in {arguments.against}", file=sys.stderr)
            return 2
        sources["against"] = arguments.against.resolve()
    with tempfile.TemporaryDirectory(prefix="newsrecord-startup-") as scratch:
        tree = Path(scratch) / "tree"
        files = build_tree(arguments.folder, tree, arguments.files)
        if not files:
            print(f"no valid record files (*.md) in {arguments.folder}", file=sys.stderr)
            return 2
        outputs = {name: Path(scratch) / f"{name}.parquet" for name in sources}
        cases = {
            "python -c pass": lambda _: [sys.executable, "-c", "pass"],
            "import newsrecord": lambda _: [sys.executable, "-c", "import newsrecord"],
            "newsrecord --help": lambda _: newsrecord_command("--help"),
            "newsrecord validate SEED": lambda _: newsrecord_command("validate", str(SEED)),
            f"export --incremental, {arguments.changed} changed": lambda name: newsrecord_command(
                "export", str(tree), "-o", str(outputs[name]), "--incremental"
            ),
        }
        export_case = list(cases)[-1]
        values = (f"run{number}" for number in itertools.count())
        print(
            f"newsrecord start-up: median of {arguments.runs} runs, ms from start to exit "
            f"(and of CPU time), {len(files)} files in the export's tree"
        )
        heading = f"{'case':<36} {'this':>16}"
        if len(sources) > 1:
            heading += f" {'against':>16} {'change':>16}"
        print(heading)
        for case, command in cases.items():
            for name, source in sources.items():  # bytecode cached; the export's first run
                timed(command(name), source)
            walls: dict[str, list[float]] = {name: [] for name in sources}
            cpus: dict[str, list[float]] = {name: [] for name in sources}
            for _ in range(arguments.runs):
                for name, source in sources.items():
                    if case == export_case:
                        change(files, arguments.changed, next(values))
                    wall, cpu = timed(command(name), source)
                    walls[name].append(wall)
                    cpus[name].append(cpu)
            wall = {name: statistics.median(found) for name, found in walls.items()}
            cpu = {name: statistics.median(found) for name, found in cpus.items()}
            row = f"{case:<36} {shown(wall['this'], cpu['this']):>16}"
            if "against" in wall:
                row += f" {shown(wall['against'], cpu['against']):>16}"
                change_of = shown(wall["this"] - wall["against"], cpu["this"] - cpu["against"], "+")
                row += f" {change_of:>16}"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
