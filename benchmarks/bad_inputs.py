"""Time every malformed input and measure its peak memory (issue 7).

Usage::

    python benchmarks/bad_inputs.py [--parser c|pure|both] [--limit SECONDS] [-k TEXT]

Runs every case of ``tests/malformed_cases.py`` (the hand-written ones, then a wrong type
at every field of every model class) through ``newsrecord.loads``, and a 1 GB record
through ``newsrecord.load`` (a sparse file in a temporary folder: no disk space used).
For each it prints the error raised, the time (the best of three runs, or one for inputs
over a megabyte) and the peak memory the library allocated, traced by ``tracemalloc`` in
a separate run so that tracing does not slow the timed ones. The input itself is made
before timing and tracing start.

With ``--growth`` it times instead each family of hostile inputs of
``tests/hostile_inputs.py`` at sizes n, 2n and 4n and prints the growth exponent (1 is
linear, 2 quadratic); families over 1.7 are flagged, unless known (the owner is named).

Cases slower than ``--limit`` seconds (default 1) are flagged ``SLOW``, cases that do not
raise the expected error ``WRONG``; either makes the exit status 1. Timing belongs here,
never in the unit tests.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile_inputs import FAMILIES  # noqa: E402
from tests.malformed_cases import Case, all_cases, huge_body_file  # noqa: E402

import newsrecord  # noqa: E402  # after the path to the repository's tests is known
from newsrecord._read import parse as _nodes  # noqa: E402

MIB = 1024 * 1024


def _measure(call: Callable[[], object], repeat: int) -> tuple[float, int, str]:
    """Return (best time, peak traced bytes, outcome) of *call*."""
    best = float("inf")
    outcome = ""
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        try:
            call()
        except newsrecord.RecordError as error:
            outcome = f"{type(error).__name__} {error.line}:{error.column}"
        except Exception as error:  # reported as a failure, never hidden
            outcome = f"ESCAPED {type(error).__name__}: {error}"
        else:
            outcome = "loaded"
        best = min(best, time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    with contextlib.suppress(Exception):  # the timed runs recorded the outcome
        call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, outcome


def _expected(case: Case) -> str:
    return f"{case.error.__name__} {case.line}:{case.column}"


def run(parser: str, limit: float, only: str) -> int:
    """Measure every case with *parser* (``c`` or ``pure``); return how many were flagged."""
    if parser == "c" and not _nodes.HAVE_C_PARSER:
        print("the C parser is not installed (or NEWSRECORD_PURE_PYTHON is set): skipped")
        return 0
    _nodes.HAVE_C_PARSER = parser == "c"
    print(f"\n== {parser} parser: time (best of 3) and peak memory of each bad input")
    print(f"{'case':<58} {'time':>9} {'peak':>9}  outcome")
    flagged = 0
    rows: list[tuple[float, str]] = []
    for case in all_cases():
        if only not in case.name:
            continue
        data = case.text()
        repeat = 1 if len(data) > MIB else 3
        elapsed, peak, outcome = _measure(
            lambda case=case, data=data: newsrecord.loads(data, kind=case.kind, limits=case.limits),
            repeat,
        )
        flags = []
        if elapsed > limit:
            flags.append("SLOW")
        if outcome != _expected(case):
            known = " - a known bug" if case.known_bug else ""
            flags.append(f"WRONG (expected {_expected(case)}{known})")
        flagged += bool(flags)
        rows.append((elapsed, case.name))
        print(
            f"{case.name[:58]:<58} {elapsed * 1000:7.1f}ms {peak / MIB:7.2f}MB  {outcome}"
            + (f"  <-- {', '.join(flags)}" if flags else "")
        )
    if only in "a 1 GB body, from disk":
        with tempfile.TemporaryDirectory() as folder:
            path = huge_body_file(Path(folder))
            elapsed, peak, outcome = _measure(lambda: newsrecord.load(path), 3)
        flag = elapsed > limit or not outcome.startswith("LimitError 1:1")
        flagged += flag
        rows.append((elapsed, "a 1 GB body, from disk"))
        print(
            f"{'a 1 GB body, from disk':<58} {elapsed * 1000:7.1f}ms {peak / MIB:7.2f}MB  "
            f"{outcome}" + ("  <-- SLOW or WRONG" if flag else "")
        )
    rows.sort(reverse=True)
    print("slowest: " + "; ".join(f"{name} {t * 1000:.0f} ms" for t, name in rows[:5]))
    return flagged


def growth(only: str, scale: float) -> int:
    """Time each family of ``tests/hostile_inputs.py`` at n, 2n and 4n; print exponents.

    The exponent is half the log2 of the ratio of the times at 4n and n, each the best of
    seven runs (other programs on the machine can only slow a run down): 1 for linear
    growth, 2 for quadratic; caches make linear families read up to about 1.5. Families
    over 1.7 are flagged, except known ones (their owner is named).
    """
    print("\n== growth of hostile input families: best times at n, 2n, 4n")
    print(f"{'family':<46} {'n':>7} {'t(n)':>9} {'t(2n)':>9} {'t(4n)':>9} {'exp':>5}")
    flagged = 0
    for family in FAMILIES:
        if only not in family.name:
            continue
        n = max(1, int(family.n * scale))
        times = []
        for size in (n, 2 * n, 4 * n):
            data = family.make(size)
            runs = []
            for _ in range(7):
                gc.collect()
                started = time.perf_counter()
                family.feed(data)
                runs.append(time.perf_counter() - started)
            times.append(min(runs))
        exponent = math.log2(max(times[2], 1e-7) / max(times[0], 1e-7)) / 2
        flag = ""
        if exponent > 1.7:  # between linear (1) and quadratic (2)
            flag = f"  <-- known ({family.owner})" if family.owner else "  <-- SUPERLINEAR"
            flagged += not family.owner
        print(
            f"{family.name[:46]:<46} {n:>7} {times[0] * 1000:7.2f}ms {times[1] * 1000:7.2f}ms "
            f"{times[2] * 1000:7.2f}ms {exponent:5.2f}{flag}"
        )
    return flagged


def main() -> None:
    """Parse the command line and measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parser", choices=["c", "pure", "both"], default="both")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds (default 1)")
    parser.add_argument("-k", dest="only", default="", help="only cases whose name has this")
    parser.add_argument(
        "--growth", action="store_true", help="time the hostile input families instead"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply growth sizes")
    options = parser.parse_args()
    if options.growth:
        flagged = growth(options.only, options.scale)
        print(f"\n{flagged} family(ies) flagged" if flagged else "\nno family flagged")
        sys.exit(1 if flagged else 0)
    parsers = ["c", "pure"] if options.parser == "both" else [options.parser]
    flagged = sum(run(name, options.limit, options.only) for name in parsers)
    print(f"\n{flagged} case(s) flagged" if flagged else "\nno case flagged")
    sys.exit(1 if flagged else 0)


if __name__ == "__main__":
    main()
