"""How the cost of an edit grows: with the size of the record and with the number of edits.

Usage::

    python benchmarks/edit_growth.py [--largest N] [--repeat R]

Records are made from the reference record (``seeds/``) by repeating its related article
N times, each with its own title. For sizes 10, 100, 1,000 and 10,000 (up to
``--largest``) it times, and prints side by side with the exponent of a least-squares fit
of log(time) against log(size) (0 = constant, 1 = linear, 2 = quadratic):

* the load, for scale (left out of every other row);
* the floor of any edit: one copy of the text as Python makes it (``text[1:]``, on one
  core: a new ``str`` of the record costs about that; the native splice copies a text of
  more than 2 MB on two threads with streaming stores, begun while ``dumps()`` still
  looks for changes in place, and so can cost less), and ``dumps()`` of the loaded
  document unchanged (finding that nothing changed);
* one edit, record size N: ``set_field`` of one related title (the middle one), then
  ``dumps()``; and the same edit then ``save()`` to a file (``durability="none"``);
* k edits: ``set_field`` of all k related titles of a record with k related articles,
  then one ``dumps()``;
* k unknown keys: ``set_field`` of k keys the model does not know, then ``dumps()``.

Then the ratios issue 15 judges: one edit of the largest record against the same edit of
the smallest (target: within 10x), the same ratio beyond the floor (each time less its
floor), and the growth exponents against record size and against the number of edits
(target: linear). ``dumps()`` returns a new ``str``, so a copy of the whole text is part
of any edit, however small: the ratio beyond the copy is what the edit path adds to it.
For reading the figures (not judged), the smallest edit is timed once more with the
processor's caches emptied first, as the largest edit finds them (its load, and the copy
of its text, went through far more memory than the caches hold). Last, on the reference
record itself: load + edit one field + ``dumps()`` against ruamel.yaml's round-trip load +
edit + dump, as a ratio. And the matching of a list's items alone (``align``, which pairs
the items as loaded with the items now) after a reorder that interleaves them (the even
ones first, then the odd ones), for N/2, N and 2N related articles: each time against the
one before it (2x per doubling is linear, 4x quadratic), and against
:class:`difflib.SequenceMatcher` on the same list of N/2, all that ``align`` used before
(quadratic on such a reorder).

Every figure is the best of ``--repeat`` runs (more for the small sizes), the garbage
collector off. Timing belongs
here, never in the unit tests.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import gc
import io
import math
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import attrs
from ruamel.yaml import YAML

import newsrecord
from newsrecord._write.splice import align

ROOT: Final = Path(__file__).resolve().parent.parent
SEED: Final = ROOT / "seeds" / "000_9841d82d5199b387.txt"
SIZES: Final = (10, 100, 1_000, 10_000)
# Generated records go far past the default limits, which are set for real files.
LIMITS: Final = newsrecord.Limits(max_nodes=10**8, max_front_matter=1 << 31)


def make_record(seed: str, related: int) -> str:
    """The seed with its related article repeated *related* times, titles numbered."""
    start = seed.index("related:\n") + len("related:\n")
    end = seed.index("\nsecured:")
    item = seed[start:end].rstrip("\n") + "\n"
    title = 'title: "The AI industry'
    items = "".join(item.replace(title, f"{title} {n}", 1) for n in range(related))
    return seed[:start] + items + seed[end:]


def best(run: Callable[[], Any], repeat: int) -> float:
    """The shortest of *repeat* timings of *run*, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            began = time.perf_counter()
            run()
            times.append(time.perf_counter() - began)
        finally:
            gc.enable()
    return min(times)


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """The slope of a least-squares line through (log size, log time)."""
    xs = [math.log(size) for size in sizes]
    ys = [math.log(max(second, 1e-9)) for second in seconds]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


_SWEPT: Final = bytearray(64 << 20)
"""Memory swept to empty the processor's caches: larger than any of them."""


def empty_caches() -> None:
    """Write a byte in every 64-byte line of 64 MB: what was in the caches is pushed out."""
    _SWEPT[::64] = bytes(len(_SWEPT) // 64)


def timed_edit(
    text: str,
    edit: Callable[[newsrecord.Document], None],
    repeat: int,
    *,
    dumps: bool = True,
    cold: bool = False,
) -> float:
    """Seconds to make *edit* on a document of *text* and dumps(): the load not counted.

    With ``dumps=False``, *edit* alone is timed (it saves, say); with ``cold=True``, the
    caches are emptied before each run.
    """
    times = []
    for _ in range(repeat):
        document = newsrecord.loads(text, limits=LIMITS)
        gc.collect()
        if cold:
            empty_caches()
        gc.disable()
        try:
            began = time.perf_counter()
            edit(document)
            if dumps:
                document.dumps()
            times.append(time.perf_counter() - began)
        finally:
            gc.enable()
    return min(times)


def one_edit(text: str, size: int, repeat: int, *, cold: bool = False) -> float:
    """Seconds to set one related title (the middle one) and dumps()."""
    return timed_edit(
        text, lambda d: d.set(f"related[{size // 2}].title", "Edited"), repeat, cold=cold
    )


def many_edits(text: str, count: int, repeat: int) -> float:
    """Seconds to set *count* related titles and dumps()."""

    def edit(document: newsrecord.Document) -> None:
        for number in range(count):
            document.set(f"related[{number}].title", f"Edited title {number}")

    return timed_edit(text, edit, repeat)


def unknown_keys(seed: str, count: int, repeat: int) -> float:
    """Seconds to set *count* keys the model does not know and dumps()."""

    def edit(document: newsrecord.Document) -> None:
        for number in range(count):
            document.set(f"localNote{number}", f"note {number}", strict=False)

    return timed_edit(seed, edit, repeat)


def copy_floor(text: str, repeat: int) -> float:
    """Seconds to make one copy of the text: what any new text of the record costs."""
    return best(lambda: text[1:], repeat)


def unchanged_dumps(text: str, repeat: int) -> float:
    """Seconds of ``dumps()`` of a loaded document nobody changed."""
    document = newsrecord.loads(text, limits=LIMITS)
    document.dumps()
    return best(document.dumps, repeat)


def one_save(text: str, size: int, repeat: int, folder: Path) -> float:
    """Seconds to set one related title and ``save()`` to a file, without syncing."""
    target = folder / "record.md"
    target.write_text(text, encoding="utf-8")

    def edit(document: newsrecord.Document) -> None:
        document.set(f"related[{size // 2}].title", "Edited")
        document.save(target, durability="none")

    return timed_edit(text, edit, repeat, dumps=False)


def load_time(text: str, repeat: int) -> float:
    """Seconds to load *text* and build its record, for scale."""
    return best(lambda: newsrecord.loads(text, limits=LIMITS).record, repeat)


def against_ruamel(seed: str, repeat: int) -> tuple[float, float]:
    """Seconds per load + edit one field + write: newsrecord, then ruamel.yaml."""
    rounds = 200
    opening = seed.index("---", 3)
    front_matter = seed[4:opening]

    def ours() -> None:
        for _ in range(rounds):
            document = newsrecord.loads(seed)
            document.record.heat = 39
            document.dumps()

    def theirs() -> None:
        yaml = YAML()
        for _ in range(rounds):
            data = yaml.load(front_matter)
            data["heat"] = 39
            out = io.StringIO()
            yaml.dump(data, out)

    return best(ours, repeat) / rounds, best(theirs, repeat) / rounds


def reorders(seed: str, sizes: list[int], repeat: int) -> tuple[list[float], float]:
    """Seconds of ``align`` on an interleaved reorder of each size, and of the matcher.

    The items are the related articles of the seed, titles numbered, loaded (matched by
    identity, as a document matches them); the matcher gets their reprs, as ``align``
    gave it, for the smallest size.
    """
    article = newsrecord.loads(seed).record.related[0]
    seconds = []
    for size in sizes:
        items = [attrs.evolve(article, title=f"{article.title} {n}") for n in range(size)]
        reordered = items[::2] + items[1::2]
        seconds.append(best(functools.partial(align, items, reordered, items), repeat))
    items = [repr(attrs.evolve(article, title=f"{article.title} {n}")) for n in range(sizes[0])]
    reordered = items[::2] + items[1::2]
    matcher = difflib.SequenceMatcher(None, items, reordered, autojunk=False)
    return seconds, best(matcher.get_opcodes, 1)


def print_judgement(sizes: list[int], families: dict[str, list[float]], cold: float) -> None:
    """Print the ratios of issue 15: the edit of the largest record against the smallest.

    *cold* is the seconds of the smallest edit with the caches emptied first.
    """
    _, floor, unchanged, one, saved, many, _ = families.values()
    largest, smallest = sizes[-1], sizes[0]
    print(
        "dumps() returns a new str: a copy of the whole text is part of any edit ('one copy':"
        " Python's,\non one core; the native splice copies large texts on two, while dumps()"
        " looks for changes\nin place); 'beyond' ratios subtract it at each size."
    )

    def ratio(big: float, small: float) -> float:
        return big / max(small, 1e-9)

    def beyond(rows: list[float]) -> float:
        return ratio(max(one[-1] - rows[-1], 0.0), max(one[0] - rows[0], 1e-9))

    edit_ratio = ratio(one[-1], one[0])
    print(f"one edit, N={largest:,} against N={smallest:,} (target: within 10x)")
    print(f"  {'the edit + dumps()':<52}{edit_ratio:>8.1f}x  {verdict(edit_ratio <= 10)}")
    print(f"  {'the floor alone: one copy of the N=' + format(largest, ',') + ' text':<52}", end="")
    print(f"{ratio(floor[-1], one[0]):>8.1f}x  (of the N={smallest:,} edit)")
    print(f"  {'the floor alone: dumps() unchanged':<52}{ratio(unchanged[-1], one[0]):>8.1f}x")
    for what, rows in (("one copy", floor), ("dumps() unchanged", unchanged)):
        cost = beyond(rows)
        label = f"the edit beyond the floor ({what})"
        print(f"  {label:<52}{cost:>8.1f}x  {verdict(cost <= 10)}")
    print(f"  {'the edit + save() (no sync)':<52}{ratio(saved[-1], saved[0]):>8.1f}x")
    cold_beyond = ratio(max(one[-1] - floor[-1], 0.0), max(cold - floor[0], 1e-9))
    print(
        f"  not judged: the N={smallest:,} edit with the caches emptied first takes"
        f" {cold * 1e3:.3f} ms ({ratio(cold, one[0]):.1f}x its time above);\n"
        f"  {'  against it, the edit beyond one copy':<52}{cold_beyond:>8.1f}x"
    )
    size_exponent = exponent(sizes, [max(a - b, 1e-9) for a, b in zip(one, floor, strict=True)])
    edits_exponent = exponent(sizes, many)
    print(
        f"growth exponent of one edit beyond one copy, against record size: {size_exponent:.2f}"
        f" (whole edit {exponent(sizes, one):.2f})"
    )
    print(
        f"growth exponent of k edits against k: {edits_exponent:.2f} (target: linear, <= 1.1) "
        f"{verdict(edits_exponent <= 1.1)}"
    )
    per_edit = [many[i] / sizes[i] * 1e6 for i in range(len(sizes))]
    print("k edits, us per edit: " + ", ".join(f"{cost:.0f}" for cost in per_edit))


def verdict(passed: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def main(argv: list[str] | None = None) -> int:
    """Print the three families and the comparison with ruamel.yaml."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--largest", type=int, default=SIZES[-1], help="largest size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    options = parser.parse_args(argv)
    sizes = [size for size in SIZES if size <= options.largest] or [options.largest]
    seed = SEED.read_text(encoding="utf-8")
    repeat = max(options.repeat, 1)
    families: dict[str, list[float]] = {
        "load (for scale, not in the rows below)": [],
        "floor: one copy of the text": [],
        "floor: dumps() of the unchanged document": [],
        "one edit + dumps(), record of N related": [],
        "one edit + save() to a file (no sync)": [],
        "N edits (set_field on list items)": [],
        "N unknown keys set": [],
    }
    load, floor, unchanged, one, saved, many, keys = families.values()
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            text = make_record(seed, size)
            # Small cases take microseconds: more runs, so that the best is not a slow moment.
            runs = max(repeat, repeat * 1000 // size)
            load.append(load_time(text, runs))
            floor.append(copy_floor(text, runs * 5))
            unchanged.append(unchanged_dumps(text, runs * 5))
            one.append(one_edit(text, size, runs))
            saved.append(one_save(text, size, runs, Path(folder)))
            many.append(many_edits(text, size, max(repeat, runs // 10)))
            keys.append(unknown_keys(seed, size, max(repeat, runs // 10)))
            if size == sizes[0]:
                cold = one_edit(text, size, runs, cold=True)
    print(f"newsrecord edit growth ({sys.implementation.name} {sys.version.split()[0]})")
    print("milliseconds, best of runs; exponent of a log-log fit (0 = flat, 1 = linear)")
    header = f"{'case':<44}" + "".join(f"{'N=' + format(n, ','):>12}" for n in sizes)
    print(header + f"{'exponent':>10}")
    for label, seconds in families.items():
        cells = "".join(f"{second * 1e3:>12.3f}" for second in seconds)
        fitted = exponent(sizes, seconds) if len(sizes) > 1 else float("nan")
        print(f"{label:<44}{cells}{fitted:>10.2f}")
    print()
    print_judgement(sizes, families, cold)
    halves = [max(sizes[-1] // 2, 1), sizes[-1], sizes[-1] * 2]
    aligned, matched = reorders(seed, halves, repeat)
    print("align, interleaved reorder of N related (ms; against the size before it):")
    print(
        "  "
        + ", ".join(
            f"N={size:,} {second * 1e3:.1f}"
            + (f" ({second / max(aligned[n - 1], 1e-9):.1f}x)" if n else "")
            for n, (size, second) in enumerate(zip(halves, aligned, strict=True))
        )
        + f"; SequenceMatcher alone, N={halves[0]:,}: {matched * 1e3:.1f}"
        f" ({matched / max(aligned[0], 1e-9):.0f}x align)"
    )
    ours, theirs = against_ruamel(seed, repeat)
    print(
        f"load + edit + dumps(): newsrecord {ours * 1e6:.0f} us, ruamel.yaml round trip "
        f"{theirs * 1e6:.0f} us: {theirs / ours:.1f}x faster"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
