"""Running a task over many files: batches, worker processes, progress bars."""

from __future__ import annotations

import contextlib
import errno
import shlex
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Final, NoReturn

import attrs
import click

import newsrecord
from newsrecord._pool import Unfinished, default_jobs, run_batches
from newsrecord.cli._limits import with_limit_hints
from newsrecord.errors import counted
from newsrecord.errors import unreadable as unreadable_problem

__all__ = [
    "Interruption",
    "ReadOnlyFolders",
    "Unfinished",
    "clear_bar_line",
    "default_jobs",
    "end_interrupted",
    "load_each",
    "progress_bar",
    "read_problem",
    "record_files",
    "report",
    "run_batches",
    "save_problems",
]


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
    """The record files among *paths*; the problems of folders that cannot be listed.

    A file that the walk could not even look at (a link that loops back on itself, a
    link to nothing) is yielded like the others, so that it is read, fails as any
    unreadable file does and counts as one of the files of the run, named as they are
    (``loop.md``, not ``./loop.md``).
    """
    errors: list[OSError] = []
    for path in newsrecord.iter_record_files(paths, pattern=pattern, onerror=errors.append):
        yield from _failed_files(errors, problems)
        yield path
    yield from _failed_files(errors, problems)


def _failed_files(errors: list[OSError], problems: list[newsrecord.Problem]) -> Iterator[Path]:
    """Yield the files among the walk's *errors*; add the folders' to *problems*."""
    for error in errors:
        where = str(Path(error.filename)) if error.filename is not None else None
        if where is not None and _is_link_file(Path(where), error):
            yield Path(where)
        else:
            problems.append(unreadable_problem(where, error))
    errors.clear()


def _is_link_file(path: Path, error: OSError) -> bool:
    """Whether *error* of the walk is that of a file it found (a link), not a folder's."""
    if error.errno == errno.ELOOP:
        return not path.is_dir()
    return error.errno == errno.ENOENT and path.is_symlink()


def read_problem(path: str, error: OSError) -> newsrecord.Problem:
    return unreadable_problem(path, error)


_API_RETRY: Final = "load it again and redo the edit"
"""What a :class:`~newsrecord.ConflictError` tells a program to do, which a command's user
does by running the command again."""


def save_problems(path: str, error: newsrecord.RecordError) -> list[newsrecord.Problem]:
    """The problems of a save of *path* that failed, as the command line tells them.

    The library names the file it replaced (a link's target, as an absolute path); the
    command names it as it was given, as every other message does, and says to run the
    command again where the library says to load the file again.
    """
    return [
        attrs.evolve(
            problem,
            path=path,
            message=problem.message.replace(_API_RETRY, "run the command again"),
        )
        for problem in error.problems
    ]


class ReadOnlyFolders:
    """Saves a run could not make because the folder is read-only: the fix told once.

    The library's message names the folder and tells how to make it writable; a run over
    a read-only folder of 29 files would print that long line 29 times. Here each file's
    line says only that its folder is read-only, and :meth:`echo` prints each folder
    once, with how many files in it were not saved and the fix.
    """

    SHORT: Final = "cannot save the record: its folder is read-only"
    """What each file's line says."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def shorten(self, problems: Iterable[newsrecord.Problem]) -> list[newsrecord.Problem]:
        """*problems*, those of a read-only folder shortened (and their folders noted)."""
        told = []
        for problem in problems:
            folder = _read_only_folder(problem)
            if folder is not None:
                self._counts[folder] = self._counts.get(folder, 0) + 1
            told.append(problem if folder is None else attrs.evolve(problem, message=self.SHORT))
        return told

    def echo(self, bar: Any = None) -> None:
        """Print each read-only folder once: the files not saved in it, and the fix."""
        if self._counts:
            clear_bar_line(bar)
        for folder, count in self._counts.items():
            click.echo(
                f"{folder}: the folder is read-only, so {counted(count, 'file')} in it "
                f"could not be saved (make it writable, for example with "
                f"'chmod u+w {shlex.quote(folder)}', then run the command again)",
                err=True,
            )
        self._counts.clear()


def _read_only_folder(problem: newsrecord.Problem) -> str | None:
    """The folder *problem* says is read-only, as the user named it; None if it says not.

    The library names the folder of the file it replaced, the file's real folder (a
    link's target's); here it is named as the user named the file, where that is the
    same folder.
    """
    if problem.path is None or not problem.message.startswith(_SAVE_INTO):
        return None
    path = Path(problem.path)
    try:
        real = path.resolve().parent
        return str(path.parent) if path.parent.resolve() == real else str(real)
    except (OSError, RuntimeError):  # a link that loops (RuntimeError before Python 3.13)
        return None


_SAVE_INTO: Final = "cannot save the record: its folder "


def load_each(
    paths: Iterable[str], limits: newsrecord.Limits, *, strict: bool = True
) -> Iterator[tuple[str, newsrecord.Document | list[newsrecord.Problem]]]:
    """Yield ``(path, document)`` per file, or ``(path, its problems)`` when it fails.

    A limit's problem tells the ``--limit`` that raises it.
    """
    for path in paths:
        try:
            yield path, newsrecord.load(path, limits=limits, strict=strict)
        except newsrecord.RecordError as exc:
            yield path, with_limit_hints(exc.problems)
        except OSError as exc:
            yield path, [read_problem(path, exc)]


class Interruption:
    """A context that ends a run's loop at a Ctrl-C, and remembers that it came.

    A run over many files that is stopped part way has done part of its work (saved
    some files, each old or wholly new): the command still prints its summary, marked as
    interrupted (:func:`end_interrupted`), rather than "interrupted" alone.

    Attributes:
        happened: Whether a Ctrl-C ended the block.
    """

    def __init__(self) -> None:
        self.happened = False

    def __enter__(self) -> Interruption:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        self.happened = kind is not None and issubclass(kind, KeyboardInterrupt)
        return self.happened


def end_interrupted(summary: str, *, under_way: int = 0) -> NoReturn:
    """Print *summary* of the work done before a Ctrl-C, marked so; exit with status 130.

    *under_way*: how many files were in batches under way when the Ctrl-C came (see
    :class:`Unfinished`). The summary counts every file of a batch that ended; of a batch
    stopped part way nothing is told, though its first files may be saved, and the line
    says so.
    """
    # Imported here: the package's helper, which this module's importers need not.
    from newsrecord.cli import exit_interrupted  # noqa: PLC0415

    told = (
        f"; of {counted(under_way, 'file')} under way, some may be saved too" if under_way else ""
    )
    click.echo(f"interrupted: {summary}{told}; the rest not done", err=True)
    exit_interrupted()
