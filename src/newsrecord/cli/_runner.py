"""Running a task over many files: batches, worker processes, progress bars."""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

import click

import newsrecord
from newsrecord.errors import unreadable as unreadable_problem

T = TypeVar("T")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not every platform has affinity masks
        return os.cpu_count() or 1


# --- running over many files -----------------------------------------------------------------

_FIRST_BATCH: Final = 32
_LARGEST_BATCH: Final = 256
"""Files per task: the first tasks are small, so that every worker starts at once and a
small run is spread evenly; later ones grow until a task's work (tens of milliseconds)
dwarfs what it costs to send it to a worker and its results back."""


_POOL_THRESHOLD: Final = 200
"""Fewer files than this are checked in the main process: the run is over in a blink."""


def _batches(paths: Iterable[Path]) -> Iterator[list[str]]:
    size = _FIRST_BATCH
    batch: list[str] = []
    for path in paths:
        batch.append(str(path))
        if len(batch) == size:
            yield batch
            batch = []
            size = min(2 * size, _LARGEST_BATCH)
    if batch:
        yield batch


def run_batches(
    task: Callable[[list[str], Any], list[T]],
    paths: Iterable[Path],
    option: Any,
    jobs: int,
) -> Iterator[tuple[str, T]]:
    """Run *task* over batches of *paths*, in worker processes when it pays; keep order.

    Results come back in the order of *paths*, so output is the same at any ``--jobs``.
    At most a few batches per worker are in flight, so memory stays flat on any tree.
    """
    batches = _batches(paths)
    head: list[list[str]] = []
    count = 0
    for batch in batches:
        head.append(batch)
        count += len(batch)
        if count >= _POOL_THRESHOLD:
            break
    if jobs == 1 or count < _POOL_THRESHOLD:
        # A short run, or one worker: starting processes would cost more than it saves.
        for batch in itertools.chain(head, batches):
            yield from zip(batch, task(batch, option), strict=True)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    pending: collections.deque[tuple[list[str], Future[list[T]]]] = collections.deque()
    try:
        for batch in itertools.chain(head, batches):
            pending.append((batch, pool.submit(task, batch, option)))
            if len(pending) >= 4 * jobs:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)
    except KeyboardInterrupt:
        # The workers ignore Ctrl-C (see _ignore_interrupts), and the batches already sent
        # would keep the exit waiting for seconds: stop them. (Python 3.14 has
        # terminate_workers() for this.)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        raise
    finally:
        # Also on Ctrl-C or a closed pipe: do not wait for batches nobody will read.
        pool.shutdown(wait=not pending, cancel_futures=True)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group; the main process handles it
    # (and cancels what is pending). A worker that took it too would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_BAR_THRESHOLD: Final = 100
"""Runs over fewer files end before a progress bar would tell anything."""


def progress_bar(
    stack: contextlib.ExitStack,
    paths: Iterable[str],
    *,
    label: str = "validating",
    stdout_busy: bool = False,
) -> Any:
    """A progress bar on stderr when it is a terminal and the run is long, else None.

    With *stdout_busy* (the command prints to stdout), only when stdout is not a
    terminal too (it goes to a file or a pipe), so that the bar never mixes with the
    lines the command prints.
    """
    if not sys.stderr.isatty() or (stdout_busy and sys.stdout.isatty()):
        return None
    # Counting walks the tree once more without reading a file: cheap next to validating.
    total = sum(1 for _ in record_files(paths, []))
    if total < _BAR_THRESHOLD:
        return None
    return stack.enter_context(
        click.progressbar(length=total, label=label, file=sys.stderr, width=30)
    )


def clear_bar_line(bar: Any) -> None:
    """Clear the bar's line, so that a message printed next does not start inside it."""
    if bar is not None:
        click.echo("\r\x1b[K", nl=False, err=True)


def report(problems: Iterable[newsrecord.Problem], bar: Any = None) -> None:
    """Print *problems* on stderr, one a line, clearing the progress bar's line first."""
    clear_bar_line(bar)
    for problem in problems:
        click.echo(str(problem), err=True)


def record_files(
    paths: Iterable[str], problems: list[newsrecord.Problem], pattern: str = "*.md"
) -> Iterator[Path]:
    def unreadable(error: OSError) -> None:
        where = str(error.filename) if error.filename is not None else None
        problems.append(unreadable_problem(where, error))

    return newsrecord.iter_record_files(paths, pattern=pattern, onerror=unreadable)


def read_problem(path: str, error: OSError) -> newsrecord.Problem:
    return unreadable_problem(path, error)


def load_each(
    paths: Iterable[str], *, strict: bool = True
) -> Iterator[tuple[str, newsrecord.Document | list[newsrecord.Problem]]]:
    """Yield ``(path, document)`` per file, or ``(path, its problems)`` when it fails."""
    for path in paths:
        try:
            yield path, newsrecord.load(path, strict=strict)
        except newsrecord.RecordError as exc:
            yield path, list(exc.problems)
        except OSError as exc:
            yield path, [read_problem(path, exc)]
