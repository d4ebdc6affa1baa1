"""Running a task over many items in batches, in worker processes when it pays.

The command line's runs (validate, fmt, bulk edits) and :func:`newsrecord.export_records`
share it. Nothing here knows what a record is.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "POOL_THRESHOLD",
    "Unfinished",
    "default_jobs",
    "keep_stops",
    "run_batches",
    "run_items",
]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741  # an item


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not every platform has affinity masks
        return os.cpu_count() or 1


_FIRST_BATCH: Final = 32
_LARGEST_BATCH: Final = 256
"""Files per task: the first tasks are small, so that every worker starts at once and a
small run is spread evenly; later ones grow until a task's work (tens of milliseconds)
dwarfs what it costs to send it to a worker and its results back."""


POOL_THRESHOLD: Final = 200
"""Fewer files than this are checked in the main process: the run is over in a blink."""


def _batches(items: Iterable[I]) -> Iterator[list[I]]:
    size = _FIRST_BATCH
    batch: list[I] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
            size = min(2 * size, _LARGEST_BATCH)
    if batch:
        yield batch


class Unfinished:
    """What a run stopped early (a Ctrl-C) had done without handing it out.

    A batch tells its results when it ends, and they are handed out in order: at a
    Ctrl-C, batches a worker had finished may wait behind one still running, and the
    results in hand may be half handed out. Their items were done all the same (files
    saved, for an edit): :func:`run_items` puts them here.

    Attributes:
        results: ``(item, result)`` of each item done but not handed out, in order.
        under_way: How many items the batches under way held (being done, in a worker or
            here): some of them may be done, unknown which, since a batch tells nothing
            until it ends. (A batch per item would tell, at a cost felt in every run.)
    """

    def __init__(self) -> None:
        self.results: list[tuple[Any, Any]] = []
        self.under_way = 0


def run_batches(
    task: Callable[[list[str], Any], list[T]],
    paths: Iterable[os.PathLike[str] | str],
    option: Any,
    jobs: int,
    unfinished: Unfinished | None = None,
) -> Generator[tuple[str, T], None, None]:
    """Run *task* over batches of *paths* (as ``str``); see :func:`run_items`."""
    return run_items(task, (os.fspath(path) for path in paths), option, jobs, unfinished)


def run_items(
    task: Callable[[list[I], Any], list[T]],
    items: Iterable[I],
    option: Any,
    jobs: int,
    unfinished: Unfinished | None = None,
) -> Generator[tuple[I, T], None, None]:
    """Run *task* over batches of *items*, in worker processes when it pays; keep order.

    *task* gets a batch and *option* and returns one result per item; it and the items
    must pickle. Results come back in the order of *items*, so output is the same at any
    *jobs*. At most a few batches per worker are in flight, so memory stays flat on any
    tree.

    When the run stops early (a Ctrl-C, here or in the caller, or the caller closing the
    iterator), *unfinished* gets what was done but not handed out, and how many items
    were under way: see :class:`Unfinished`.
    """
    batches = _batches(items)
    head: list[list[I]] = []
    count = 0
    for batch in batches:
        head.append(batch)
        count += len(batch)
        if count >= POOL_THRESHOLD:
            break
    if jobs == 1 or count < POOL_THRESHOLD:
        # A short run, or one worker: starting processes would cost more than it saves.
        yield from _run_here(task, itertools.chain(head, batches), option, unfinished)
        return
    # Imported here: a short run never needs it, and its import is felt at start-up.
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker)
    pending: collections.deque[tuple[list[I], Future[list[T]]]] = collections.deque()
    in_hand: Iterator[tuple[I, T]] = iter(())
    try:
        for batch in itertools.chain(head, batches):
            # The first submit forks the workers: they start with SIGTERM held too, until
            # their handler of it is in place (see _start_worker).
            with _interrupts_held(signal.SIGTERM):
                pending.append((batch, pool.submit(_run_task, task, batch, option)))
            if len(pending) >= 4 * jobs:
                in_hand = _results(pending)
                _act_on_kept_stop()
                yield from in_hand
        while pending:
            in_hand = _results(pending)
            _act_on_kept_stop()
            yield from in_hand
    finally:
        if unfinished is not None:
            _tell_unfinished(unfinished, in_hand, pending)
        if pending:
            # Stopped early: Ctrl-C, here or in the caller between two results, or a
            # closed output. The workers ignore Ctrl-C (see _start_worker), and the
            # batches already sent would keep the exit waiting for seconds: tell them to
            # stop. (Python 3.14 has terminate_workers(), which kills them: a worker
            # killed while it sends a result leaves half a message in the pool's pipe,
            # and the pool's thread, and so the exit, waits for the rest forever.)
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        # Wait for the pool's manager thread, which else closes its pipe while the
        # interpreter's exit writes to it (a "Bad file descriptor" traceback).
        with _interrupts_held():
            pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _interrupts_held(*also: int) -> Iterator[None]:
    """Hold Ctrl-C (and *also*) off while the pool changes state; it comes as the block ends.

    A KeyboardInterrupt raised inside the pool's own code (starting its workers in
    ``submit``, stopping them in ``shutdown``) leaves it half made: workers nobody tells
    to end, which the exit then waits for forever (about one Ctrl-C in twenty, early in
    a run). Outside these blocks, it comes while the run waits for results.

    A worker forked inside the block starts with them held too (see _start_worker).
    """
    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield  # Windows, or a thread Ctrl-C never reaches
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *also})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _run_here(
    task: Callable[[list[I], Any], list[T]],
    batches: Iterable[list[I]],
    option: Any,
    unfinished: Unfinished | None,
) -> Iterator[tuple[I, T]]:
    """Run *task* over *batches* in this process; see :func:`run_items`."""
    in_hand: Iterator[tuple[I, T]] = iter(())
    running: list[I] = []
    try:
        for batch in batches:
            running = batch
            results = task(batch, option)
            running = []
            in_hand = zip(batch, results, strict=True)
            _act_on_kept_stop()
            yield from in_hand
    finally:
        if unfinished is not None:
            unfinished.results.extend(in_hand)
            unfinished.under_way += len(running)


def _results(pending: collections.deque[tuple[list[I], Future[list[T]]]]) -> Iterator[tuple[I, T]]:
    """The results of the first batch of *pending*, once it ends; it leaves *pending* then."""
    batch, future = pending[0]
    results = future.result()
    pending.popleft()
    return zip(batch, results, strict=True)


def _tell_unfinished(
    unfinished: Unfinished,
    in_hand: Iterator[tuple[I, T]],
    pending: collections.deque[tuple[list[I], Future[list[T]]]],
) -> None:
    """Give *unfinished* what a run stopped early did: results in hand, batches ended."""
    unfinished.results.extend(in_hand)
    for batch, future in pending:
        if future.done() and not future.cancelled() and future.exception() is None:
            unfinished.results.extend(zip(batch, future.result(), strict=True))
        elif future.running():  # sent to a worker; the others wait in the pool's queue
            unfinished.under_way += len(batch)


class _Terminated(BaseException):
    """Raised in a busy worker by SIGTERM, so that what it was doing unwinds.

    A save that was under way then removes its temporary file before the worker exits.
    """


class _Stopped(Exception):  # noqa: N818  # not an error: the run was stopped
    """The result of a batch that a stopped worker did not run, or did not finish."""


_busy = False
"""Whether this worker is running a task (and SIGTERM should unwind it)."""

_stopping = False
"""Whether this worker was told to stop (SIGTERM): it runs no further batch."""

_unwinding = False
"""Whether a stop's :class:`_Terminated` is unwinding the task under way: a second stop
(the parent's death, another SIGTERM) must not cut its clean-up short, which would leave
a save's temporary file behind."""


def _start_worker() -> None:
    # Ctrl-C reaches every process of the terminal's group; the main process handles it
    # (and stops the workers). A worker that took it too would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    sys.unraisablehook = _keeping_stops(sys.unraisablehook)
    parent = os.getppid()
    _stop_with_parent()
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    # Forked with SIGTERM held (see run_items): a stop sent while this worker started
    # (on a busy machine, one can still be starting while the other saves files) comes
    # now, to _terminate, instead of killing it outright. A worker found dead makes the
    # pool take itself for broken and stop every worker a second time.
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


_PR_SET_PDEATHSIG: Final = 1


def _stop_with_parent() -> None:
    """Be told to stop (SIGTERM) the moment the parent dies, where the system can (Linux).

    A command killed outright (``kill -9``, a CI job's time limit) must write nothing
    more: the watch of :func:`_end_with` comes every half second, in which a worker went
    on saving a few hundred files. The stop unwinds the file under way (its temporary
    file goes) and runs no other.
    """
    if sys.platform != "linux":
        return
    import ctypes  # noqa: PLC0415  # a worker's start-up, Linux only

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_WATCH_SECONDS: Final = 0.5


def _end_with(parent: int) -> None:
    """End this worker once its parent is gone.

    A parent killed without unwinding (SIGKILL, the out-of-memory killer, or SIGPIPE when
    its output pipe closes) cannot stop its pool; the workers, which wait for work on a
    pipe that their siblings keep open, would wait forever.
    """
    while True:
        time.sleep(_WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(128 + signal.SIGTERM)


_kept_stop: int | None = None
"""The signal (SIGINT or SIGTERM) whose exception a finalizer swallowed, until acted on."""


@contextlib.contextmanager
def keep_stops() -> Iterator[None]:
    """Within the block, a Ctrl-C that comes while a finalizer runs is not lost.

    Python runs a signal's handler wherever the process is, a ``__del__`` included; an
    exception raised there cannot propagate, so Python prints "Exception ignored in"
    with a traceback and goes on as if nothing had come. Here the stop is kept instead,
    without a traceback, and :func:`run_items` acts on it when the batch under way ends
    (a worker's SIGTERM likewise ends the worker then). A stop still kept when the block
    ends is raised there, so that commands without batches stop too. Other exceptions of
    finalizers go to the hook that was there before.
    """
    previous = sys.unraisablehook
    sys.unraisablehook = _keeping_stops(previous)
    try:
        yield
    finally:
        sys.unraisablehook = previous
    _act_on_kept_stop()


def _keeping_stops(
    previous: Callable[[sys.UnraisableHookArgs], object],
) -> Callable[[sys.UnraisableHookArgs], None]:
    # Not raised again from here: Python would handle a signal raised again inside this
    # hook (it is Python code too), and swallow its exception the same way.
    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        global _kept_stop, _unwinding  # noqa: PLW0603  # per process: what the signal left
        error = unraisable.exc_value
        if isinstance(error, KeyboardInterrupt):
            _kept_stop = signal.SIGINT
        elif isinstance(error, _Terminated):
            _kept_stop = signal.SIGTERM
            _unwinding = False  # nothing unwinds: a later stop may unwind the batch
        else:
            previous(unraisable)

    return hook


def _act_on_kept_stop() -> None:
    """Raise the KeyboardInterrupt a finalizer swallowed, or stop a worker told to stop."""
    global _kept_stop  # per process
    stop, _kept_stop = _kept_stop, None
    if stop == signal.SIGINT:
        raise KeyboardInterrupt
    if stop == signal.SIGTERM:
        raise _Stopped


def _terminate(signum: int, _: object) -> None:
    # The worker is not ended here: killed while it sends a result to the pool, it would
    # leave half a message in the pipe. It ends as the pool tells it to, once the
    # batches in its queue have each come back at once as _Stopped.
    global _stopping, _unwinding  # noqa: PLW0603  # per worker process
    _stopping = True
    if _busy and not _unwinding:
        _unwinding = True
        raise _Terminated


def _run_task(task: Callable[[list[I], Any], list[T]], batch: list[I], option: Any) -> list[T]:
    """Run *task* in a worker; a SIGTERM in it unwinds it, and no batch runs after."""
    global _busy  # noqa: PLW0603  # per worker process: read by the signal handler
    _busy = True
    try:
        if _stopping:
            raise _Stopped
        results = task(batch, option)
    except _Terminated:
        raise _Stopped from None
    finally:
        _busy = False
    _act_on_kept_stop()  # a stop a finalizer swallowed: the batch is done, stop here
    return results
