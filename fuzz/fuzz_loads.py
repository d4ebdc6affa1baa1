"""Fuzz ``newsrecord.loads`` over mutated seed records.

Asserts the robustness promise: nothing but ``RecordError`` escapes ``loads``, and a text
that loads is given back byte for byte by ``dumps()``. A failing input is written to a
file (``crash-*`` by libFuzzer, ``fuzz-failure-*.txt`` otherwise) and the run fails.

With atheris (``pip install atheris``), libFuzzer drives the run with coverage feedback;
each input is a seed record (chosen by the input's bytes) with structured mutations
(``fuzz/mutations.py``), or the raw bytes themselves, which libFuzzer mutates::

    python fuzz/fuzz_loads.py -runs=40000 -max_total_time=50 -seed=1 -max_len=65536

stops after 40,000 inputs or 50 seconds, whichever comes first (about 2,000 inputs a
second here). Without atheris the same mutations run from a seeded ``random.Random``, so
the command above works either way (``-runs``, ``-max_total_time`` and ``-seed`` are
honoured; other libFuzzer options are ignored).
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

try:
    import atheris
except ImportError:  # pragma: no cover - depends on the installation
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["newsrecord"]):
        import newsrecord  # noqa: F401  # instrumented for coverage feedback
import mutations

SEEDS = mutations.seed_texts()


def test_one_input(data: bytes) -> None:
    """Check one fuzzer input: a mutated seed, or the raw bytes."""
    provider = atheris.FuzzedDataProvider(data)
    mode = provider.ConsumeIntInRange(0, 3)
    if mode == 0:
        # The raw bytes: libFuzzer's own mutations of earlier inputs.
        mutations.check(provider.ConsumeBytes(len(data)))
        return
    seed = SEEDS[provider.ConsumeIntInRange(0, len(SEEDS) - 1)]
    # The input's bytes make the first choices, so that libFuzzer can steer them; once
    # they run out, a generator seeded by the input makes the rest, so that even a short
    # input gets varied mutations.
    rng = random.Random(data)  # noqa: S311  # reproducible, not secret

    def choose(n: int) -> int:
        if n <= 1:
            return 0
        if provider.remaining_bytes():
            return int(provider.ConsumeIntInRange(0, n - 1))
        return rng.randrange(n)

    text = mutations.mutate(seed, choose, 1 + provider.ConsumeIntInRange(0, 3))
    mutations.check(text if mode != 3 else _encoded(text))


def _encoded(text: str) -> str | bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text  # a lone surrogate: only a str can hold it


def _option(argv: list[str], name: str, default: int) -> int:
    for arg in argv:
        match = re.fullmatch(rf"-{name}=(\d+)", arg)
        if match:
            return int(match.group(1))
    return default


def run_without_atheris(argv: list[str]) -> int:
    """Run ``-runs`` mutated seeds from ``random.Random(-seed)``; return an exit status."""
    runs = _option(argv, "runs", 10_000)
    rng = random.Random(_option(argv, "seed", 0))  # noqa: S311  # reproducible, not secret
    started = time.perf_counter()
    deadline = started + _option(argv, "max_total_time", 10**9)
    for number in range(runs):
        if time.perf_counter() > deadline:
            runs = number
            break
        text = mutations.mutate(rng.choice(SEEDS), rng.randrange, rng.randint(1, 4))
        try:
            mutations.check(text if rng.randrange(4) else _encoded(text))
        except Exception:
            failure = Path(f"fuzz-failure-{number}.txt")
            failure.write_text(repr(text) + "\n", encoding="utf-8")
            print(f"input {number} failed; written as a Python literal to {failure}")
            raise
    print(f"{runs} inputs, no failure, in {time.perf_counter() - started:.1f} s (no atheris)")
    return 0


def main() -> None:
    """Fuzz with atheris when installed, with plain random mutations otherwise."""
    if atheris is None:
        sys.exit(run_without_atheris(sys.argv))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
