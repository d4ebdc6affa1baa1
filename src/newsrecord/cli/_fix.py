"""The ``fix`` command: known repairs of real files, changing only the lines they repair."""

from __future__ import annotations

import contextlib
import sys
from typing import Final, NoReturn

import attrs
import click

import newsrecord
from newsrecord._write.repair import OPENING_REPAIRS
from newsrecord.cli._app import (
    DIFF_HELP,
    EXIT_INVALID,
    PATTERN_OPTION,
    ExistingPath,
    main,
    no_records_found,
)
from newsrecord.cli._limits import LIMIT_OPTION, with_limit_hints
from newsrecord.cli._redact import unified_diff
from newsrecord.cli._runner import (
    Interruption,
    ReadOnlyFolders,
    clear_bar_line,
    end_interrupted,
    progress_bar,
    read_problem,
    record_files,
    report,
    save_problems,
)
from newsrecord.errors import counted


@main.command()
@click.argument("paths", nargs=-1, type=ExistingPath(), metavar="PATHS...")
@click.option("--check", is_flag=True, help="Write nothing; list what would be repaired, exit 1.")
@click.option("--diff", "show_diff", is_flag=True, help=DIFF_HELP)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="NAME",
    help="Apply only this repair (repeatable); --list shows them.",
)
@click.option("--list", "list_repairs", is_flag=True, help="List the known repairs and exit.")
@PATTERN_OPTION
@LIMIT_OPTION
def fix(
    paths: tuple[str, ...],
    *,
    check: bool,
    show_diff: bool,
    only: tuple[str, ...],
    list_repairs: bool,
    pattern: str,
    limits: newsrecord.Limits,
) -> None:
    """Repair known problems of record files in place (keys written twice, mixed breaks).

    Each repair changes only the lines it repairs and never what the record says; files
    are saved atomically, and a file changed by someone else meanwhile is left alone. Every
    repair is printed as PATH:LINE:COL: field: repair: what it did. With --check or --diff
    nothing is written, and --check exits 1 when something would be repaired.
    """
    if list_repairs:
        for name, description in newsrecord.REPAIRS.items():
            click.echo(f"{name}: {description}")
        return
    if not paths:
        raise click.UsageError("give the record files or folders to repair")
    unknown = [name for name in only if name not in newsrecord.REPAIRS]
    if unknown:
        known = ", ".join(newsrecord.REPAIRS)
        raise click.BadParameter(
            f"no repair named {unknown[0]!r} (known: {known})", param_hint="--only"
        )
    write = not (check or show_diff)
    walk_problems: list[newsrecord.Problem] = []
    files = repaired = failed = unsaved = 0
    read_only = ReadOnlyFolders()
    with contextlib.ExitStack() as stack:
        stopped = stack.enter_context(Interruption())  # see end_interrupted
        bar = progress_bar(stack, paths, label="repairing", stdout_busy=True)
        for path in record_files(paths, walk_problems, pattern):
            files += 1
            if bar is not None:
                bar.update(1)
            try:
                done = _repair(str(path), only or None, limits, write=write, show_diff=show_diff)
            except _UnsavedError as exc:
                unsaved += 1
                report(read_only.shorten(exc.problems), bar)
                continue
            except newsrecord.RecordError as exc:
                failed += 1
                report(with_limit_hints(exc.problems), bar)
                continue
            except OSError as exc:
                failed += 1
                report([read_problem(str(path), exc)], bar)
                continue
            repaired += bool(done)
            if not show_diff and done:
                clear_bar_line(bar)
                for problem in done:
                    click.echo(str(problem))
        clear_bar_line(bar)
        read_only.echo()
    for problem in walk_problems:
        click.echo(str(problem), err=True)
    if not files and not walk_problems:
        # Nothing looked at is not "nothing to repair": a wrong folder must not pass.
        no_records_found(paths, pattern)
        sys.exit(EXIT_INVALID)
    summary = (
        f"{repaired} of {counted(files, 'file')} {'repaired' if write else 'would be repaired'}"
    )
    if stopped.happened:
        end_interrupted(f"{summary} so far")
    click.echo(summary, err=True)
    _end(unsaved, failed + len(walk_problems), would_change=check and bool(repaired))


def _end(unsaved: int, unread: int, *, would_change: bool) -> NoReturn:
    """Say what could not be saved or read, and exit: 1 for either, or what --check found."""
    if unsaved:
        click.echo(f"{counted(unsaved, 'file')} could not be saved", err=True)
    if unread:
        click.echo(f"{counted(unread, 'file')} could not be read as records", err=True)
    sys.exit(EXIT_INVALID if unsaved or unread or would_change else 0)


class _UnsavedError(Exception):
    """A repaired file that could not be saved (read-only, changed meanwhile, disk full)."""

    def __init__(self, problems: list[newsrecord.Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _repair(
    path: str,
    only: tuple[str, ...] | None,
    limits: newsrecord.Limits,
    *,
    write: bool,
    show_diff: bool,
) -> list[newsrecord.Problem]:
    """Repair one file (or show how); return what was repaired."""
    # utf-8 and quote-values are made as the file is read: they open files that could not
    # be read.
    repair = True if only is None else [name for name in only if name in OPENING_REPAIRS]
    doc = newsrecord.load(path, limits=limits, strict=False, repair=repair)
    repairs = doc.repair(only)
    if write:
        if repairs:
            try:
                doc.save()  # only if the file still holds what was read
            except newsrecord.RecordError as exc:
                raise _UnsavedError(save_problems(path, exc)) from exc
            except OSError as exc:
                raise _UnsavedError([read_problem(path, exc)]) from exc
        return repairs
    if show_diff and repairs:
        click.echo(unified_diff(doc.text, doc.dumps(), path), nl=False)
    return [attrs.evolve(problem, message=_would(problem.message)) for problem in repairs]


_FUTURE: Final = {"removed ": "would remove ", "wrote ": "would write "}
"""How each repair's message (past tense: it was done) reads when nothing is written."""


def _would(message: str) -> str:
    """``duplicate-keys: removed ...`` as ``duplicate-keys: would remove ...``."""
    name, colon, told = message.partition(": ")
    for done, would in _FUTURE.items():
        if colon and told.startswith(done):
            return f"{name}: {would}{told.removeprefix(done)}"
    return f"{name}{colon}(would be made) {told}" if colon else f"(would be made) {message}"
