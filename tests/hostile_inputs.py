"""Families of hostile inputs that grow with a size n, shared by tests and benchmarks.

Each family makes one input of size about n and runs it through one entry point. A
family must cost time linear in n: ``tests/test_hostile.py`` runs every family at its
largest size under a hard per-input budget (a hang guard, no timing assertion), and
``benchmarks/bad_inputs.py --growth`` times n, 2n and 4n and prints the growth exponent
(1 is linear, 2 quadratic).

The first family is issue 11's: CRLF comment lines before a YAML error took 2**n steps
in the check for a '%' directive.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import attrs

import newsrecord
from newsrecord.cli._redact import unified_diff


@attrs.frozen
class Family:
    """One family: ``run(n)`` builds the input of size *n* and feeds it to the library.

    Attributes:
        name: A short name for reports.
        make: Builds the input of size n (not timed).
        feed: Runs the input through an entry point; RecordError is the expected outcome.
        n: The base size; the guard runs 4n, the benchmark n, 2n and 4n.
        owner: Who owns the code it exercises, for known problems ("" when it is fixed).
        guard: The size the hang guard runs (4n unless given).
    """

    name: str
    make: Callable[[int], object]
    feed: Callable[[object], object]
    n: int
    owner: str = ""
    guard: int = 0

    @property
    def guard_size(self) -> int:
        """The size the hang guard runs."""
        return self.guard or 4 * self.n


def _loads(data: object) -> object:
    try:
        return newsrecord.loads(data)  # type: ignore[arg-type]
    except newsrecord.RecordError as error:
        return error


def _dumps_title(data: object) -> object:
    doc = newsrecord.loads("---\ntitle: a\n---\n")
    doc.record.title = data  # type: ignore[assignment]
    return doc.dumps()


def _price_amount(data: object) -> object:
    return newsrecord.Price(data).amount  # type: ignore[arg-type]


def _diff(data: object) -> object:
    old = str(data)
    return unified_diff(old, old.replace("title: a", "title: b"), "f.md")


def _fm(front: str, newline: str = "\n") -> str:
    return f"---{newline}{front}{newline}---{newline}"


FAMILIES: tuple[Family, ...] = (
    Family(
        "CRLF comment lines, then a YAML error",
        lambda n: _fm("# c\r\n" * n + "title: [", "\r\n"),
        _loads,
        10_000,
    ),
    Family(
        "LF comment lines, then a YAML error",
        lambda n: _fm("# c\n" * n + "title: ["),
        _loads,
        10_000,
    ),
    Family(
        "CR comment lines, then a YAML error",
        lambda n: _fm("# c\r" * n + "title: [", "\r"),
        _loads,
        10_000,
    ),
    Family(
        "CRLF blank lines, then a directive",
        lambda n: _fm(" \r\n" * n + "%YAML 1.2", "\r\n"),
        _loads,
        10_000,
    ),
    Family("blanks before a directive", lambda n: _fm(" " * n + "%x"), _loads, 50_000),
    Family("a long plain key", lambda n: _fm("k" * n + ": x"), _loads, 50_000),
    Family("a long integer key", lambda n: _fm("1" * n + ": x"), _loads, 50_000),
    Family(
        "a long integer key in a flow mapping",
        lambda n: _fm("x: {" + "1" * n + ": x}"),
        _loads,
        50_000,
    ),
    Family("a long integer value", lambda n: _fm("heat: " + "1" * n), _loads, 50_000),
    Family(
        "an unclosed double quote full of escapes",
        lambda n: _fm('title: "' + "\\a" * n),
        _loads,
        25_000,
    ),
    Family(
        "an unclosed single quote full of ''", lambda n: _fm("title: '" + "''" * n), _loads, 25_000
    ),
    Family(
        "a double quote of surrogate escapes",
        lambda n: _fm('title: "' + "\\ud800" * n + '"'),
        _loads,
        10_000,
    ),
    Family(
        "a value of spaces before a comment",
        lambda n: _fm("title: a" + " " * n + "#"),
        _loads,
        50_000,
    ),
    Family("lines of spaces only", lambda n: _fm("title: a\n" + " \n" * n), _loads, 25_000),
    Family("dashes on one line", lambda n: _fm("x: " + "- " * n + "a"), _loads, 25_000),
    Family("nested flow lists", lambda n: _fm("x: " + "[" * n), _loads, 50_000),
    Family("many keys", lambda n: _fm("".join(f"k{i}: v\n" for i in range(n))), _loads, 1_500),
    Family("no closing line", lambda n: "---\n" + "a: b\n" * n, _loads, 25_000),
    Family("near-closing lines", lambda n: "---\n" + "--- x\n" * n, _loads, 25_000),
    Family("old Mac near-closing lines", lambda n: "---\r" + "--- x\r" * n, _loads, 25_000),
    Family(
        "NEL, LS and PS in a value",
        lambda n: _fm("title: a" + "\x85\u2028\u2029" * n),
        _loads,
        20_000,
    ),
    Family("control characters", lambda n: _fm("title: a" + "\x01" * n), _loads, 50_000),
    Family(
        "a long duration",
        lambda n: _fm("type: course\ntitle: a\nlength: P" + "1" * n + "X"),
        _loads,
        50_000,
    ),
    Family("a long number-like title written", lambda n: "1_:" * n + "x", _dumps_title, 20_000),
    Family(
        "a secured line in a diff",
        lambda n: _fm("title: a\n" + "- " * n + "secured: x"),
        _diff,
        25_000,
    ),
    # Known: Price's pattern "[^\d.,-]*\s*..." reads blanks two ways (model/price.py).
    Family("a price of blanks", lambda n: "a" + " " * n + "x", _price_amount, 2_000, "", 50_000),
)


# --- the hang guard: every family at its largest size, in a child process -----------------

_ROOT = Path(__file__).resolve().parent.parent

_GUARD = textwrap.dedent(
    """
    import faulthandler, os, sys
    sys.path.insert(0, sys.argv[1])
    from tests.hostile_inputs import FAMILIES
    if os.environ.get("NEWSRECORD_PURE_PYTHON"):
        from newsrecord._read import events
        assert not events.HAVE_C_PARSER  # the path under test is the pure-Python one
    for number in map(int, sys.argv[3:]):
        family = FAMILIES[number]
        data = family.make(family.guard_size)
        # Not signal.alarm: a regular expression stuck in C never returns to Python to
        # see it; faulthandler's thread ends the process whatever the main thread does.
        faulthandler.dump_traceback_later(float(sys.argv[2]), exit=True)
        family.feed(data)
        faulthandler.cancel_dump_traceback_later()
        print(number, flush=True)
    """
)


def assert_within_budget(budget: float, env: dict[str, str] | None = None) -> None:
    """Feed every family without an owner, each at its largest size, within *budget* s."""
    numbers = [i for i, family in enumerate(FAMILIES) if not family.owner]
    done = subprocess.run(  # noqa: S603  # our own interpreter and script
        [sys.executable, "-c", _GUARD, str(_ROOT), str(budget), *map(str, numbers)],
        capture_output=True,
        text=True,
        timeout=60 + budget * len(numbers),
        check=False,
        env=env,
    )
    finished = [int(line) for line in done.stdout.split()]
    stuck = FAMILIES[numbers[len(finished)]].name if len(finished) < len(numbers) else None
    assert done.returncode == 0, f"{stuck!r} took over {budget} s:\n{done.stderr[-2000:]}"
    assert finished == numbers
