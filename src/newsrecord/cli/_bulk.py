"""Many files at once: ``find --where``, and the bulk form of set, unset and append."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs
import click

import newsrecord
from newsrecord.cli._app import (
    EXIT_INVALID,
    EXIT_USAGE,
    JOBS_OPTION,
    PATTERN_OPTION,
    ExistingPath,
    main,
    no_records_found,
)
from newsrecord.cli._fields import unknown_unset_error
from newsrecord.cli._limits import LIMIT_OPTION, with_limit_hints
from newsrecord.cli._redact import Redactor, unified_diff
from newsrecord.cli._runner import (
    Interruption,
    ReadOnlyFolders,
    Unfinished,
    clear_bar_line,
    default_jobs,
    end_interrupted,
    load_each,
    progress_bar,
    read_problem,
    record_files,
    report,
    run_batches,
    save_problems,
)
from newsrecord.editing import closest_field, no_kind_declares
from newsrecord.errors import brief, counted, shorten
from newsrecord.files import replace_if_unchanged

# --- the query option ----------------------------------------------------------------------


def parse_where(expression: str | None) -> newsrecord.Query | None:
    """Parse ``--where``, or fail as a usage error with a caret under the column.

    A field no kind of record declares but close to one that is (``haet``) is refused
    too, before any file is read: it could only match a key no record is likely to have.
    Other fields no kind declares get a note; :func:`never_held` judges them after the run.
    """
    if expression is None:
        return None
    try:
        query = newsrecord.where(expression)
    except newsrecord.QueryError as exc:
        raise _where_error([exc]) from exc
    misspelt = query.misspellings()
    if misspelt:
        raise _where_error(misspelt)
    # Most often a value without quotes (type == course): say so, but go on, since keys
    # the model does not know are queried this way too.
    _note_unknown(
        query.unknown_fields(),
        'an unknown key can match it; text goes in quotes ("{key}"), a key as written in '
        "backquotes (`{key}`)",
    )
    for clash in query.type_clashes():
        click.echo(f"newsrecord: note: {clash}", err=True)
    return query


def _where_error(errors: Sequence[newsrecord.QueryError]) -> click.BadParameter:
    """The usage error for *errors* in the ``--where`` expression, each with its caret."""
    told = []
    for error in errors:
        pointer = "\n".join("  " + line for line in error.pointer().splitlines())
        told.append(f"column {error.column}: {error.message}\n{pointer}")
    return click.BadParameter("\n".join(told), param_hint="--where")


def _note_unknown(fields: Iterable[str], consequence: str) -> None:
    """Note each of *fields*, which no kind of record declares (a typo, most often).

    *consequence* ends the note; ``{key}`` in it is the field.
    """
    for key in fields:
        click.echo(
            f"newsrecord: note: {key!r} is not a field of any kind of record, so only "
            + consequence.format(key=key),
            err=True,
        )


def held_fields(record: newsrecord.AnyRecord, query: newsrecord.Query) -> tuple[str, ...]:
    """The fields of ``query.unknown_fields()`` that *record* has a value at (not null)."""
    held = []
    for field in query.unknown_fields():
        try:
            value = newsrecord.get_field(record, field)
        except newsrecord.ValidationError:
            continue  # a path into a value with no fields: nothing there, as in queries
        if value is not None:
            held.append(field)
    return tuple(held)


def never_held(query: newsrecord.Query | None, held: set[str], read: int) -> bool:
    """Say so, as a usage error, if a field no kind declares had a value in no record read.

    Such an expression could not match as meant: a comparison with it is false for every
    record (``!=`` and ``not`` true), so the run did nothing, or did it to every record.
    Returns whether that was said (the caller exits with :data:`EXIT_USAGE`). Fields in
    backquotes are not judged; nor is a run that read no record.
    """
    if query is None:
        return False
    return _said_never_held(
        query.unknown_fields(),
        held,
        read,
        "so the expression could not match as meant: a misspelt field, or text without quotes?",
        "--where",
    )


WHERE = click.option(
    "--where",
    "where",
    metavar="EXPR",
    default=None,
    help=(
        'Only records matching EXPR, such as \'publishedDateTime > 2021-01-01 and "AI" in '
        "topics'. A misspelt field is refused; `key` in backquotes is a key as written."
    ),
)


# --- find ----------------------------------------------------------------------------------


@attrs.frozen
class _FindJob:
    where: str | None
    fields: tuple[str, ...]
    reveal: bool
    limits: newsrecord.Limits
    unknown_columns: tuple[str, ...] = ()


_Found = tuple[list[newsrecord.Problem], list[Any] | None, tuple[str, ...]]
"""What ``find`` learns of one file: its problems, the chosen values of a match (None for
no match), and which fields no kind declares the record has a value at."""


def _find_batch(paths: list[str], job: _FindJob) -> list[_Found]:
    """Match a batch of files (in a worker): each file's problems and chosen values."""
    query = newsrecord.where(job.where) if job.where is not None else None
    results: list[_Found] = []
    for _, doc in load_each(paths, job.limits):
        if not isinstance(doc, newsrecord.Document):
            results.append((doc, None, ()))
            continue
        held = held_fields(doc.record, query) if query is not None else ()
        held += _held_columns(doc.record, job.unknown_columns)
        if query is not None and not query.matches(doc.record):
            results.append(([], None, held))
            continue
        redactor = Redactor(reveal=job.reveal)
        values = []
        for field in job.fields:
            try:
                typed = newsrecord.get_field(doc.record, field)
                plain = newsrecord.get_field(doc.record, field, plain=True)
            except newsrecord.ValidationError:
                typed = plain = None  # an index past the end: nothing there, as in queries
            values.append(redactor.plain(typed, plain, field.rsplit(".", 1)[-1]))
        results.append(([], values, held))
    return results


def _held_columns(record: newsrecord.AnyRecord, columns: Iterable[str]) -> tuple[str, ...]:
    """The fields among *columns* that *record* has a value at (not null)."""
    held = []
    for field in columns:
        try:
            value = newsrecord.get_field(record, field)
        except newsrecord.ValidationError:
            continue
        if value is not None:
            held.append(field)
    return tuple(held)


def _check_columns(fields: Iterable[str]) -> tuple[str, ...]:
    """Check the fields of ``--field`` as ``--where`` checks its own; return the unknown ones.

    A malformed path is a usage error, and so is a field no kind declares but close to
    one (``haet``), before any file is read. Other fields no kind declares get a note
    and are returned: :func:`never_filled` judges them after the run. A key in backquotes
    is taken as written.
    """
    unknown = []
    for field in fields:
        quoted = "`" in field
        try:
            newsrecord.where(f"exists({field})" if quoted else f"`{field}` exists")
        except newsrecord.QueryError:
            raise click.BadParameter(f"not a field path: {field!r}", param_hint="--field") from None
        if quoted or not no_kind_declares(field):
            continue
        close = closest_field(field, cutoff=_MISSPELT_CUTOFF)
        if close is not None:
            shown = shorten(field, 30)
            raise click.BadParameter(
                f"{brief(field)} is not a field; did you mean {brief(close)}? "
                f"(`{shown}` in backquotes asks for a key of that name)",
                param_hint="--field",
            )
        unknown.append(field)
    _note_unknown(unknown, "an unknown key can fill its column")
    return tuple(dict.fromkeys(unknown))


_MISSPELT_CUTOFF: Final = 0.7
"""How close to a declared field a field no kind declares is taken for a typo of it: the
cutoff of :meth:`newsrecord.Query.misspellings`, so that ``--field`` and ``--where``
refuse the same fields."""


def never_filled(columns: Sequence[str], held: set[str], read: int) -> bool:
    """Say so, as a usage error, if a column no kind declares had a value in no record read.

    Its column is null in every row: a misspelt field, most often (see :func:`never_held`,
    which judges ``--where`` alike). Returns whether that was said.
    """
    return _said_never_held(
        columns, held, read, "so its column is null in every row: a misspelt field?", "--field"
    )


def _said_never_held(
    fields: Sequence[str], held: set[str], read: int, meaning: str, option: str
) -> bool:
    """Tell the fields of *fields* no record of the *read* had a value at; whether any."""
    missing = [field for field in fields if field not in held]
    if read == 0 or not missing:
        return False
    named = ", ".join(brief(field) for field in missing)
    quoted = ", ".join(f"`{shorten(field, 30)}`" for field in missing)
    click.BadParameter(
        f"no record had a value at {named} ({counted(read, 'record')} read), {meaning} "
        f"Write {quoted} in backquotes to ask for such a key all the same",
        param_hint=option,
    ).show()
    return True


_CELL: Final = 40


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", " ").replace("\t", " ")
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=ExistingPath())
@WHERE
@click.option(
    "--field",
    "-f",
    "fields",
    multiple=True,
    metavar="FIELD",
    help="A field to print for each match (repeat it); implies --format table.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["paths", "table", "json"]),
    default=None,
    help="paths: one path a line (default); table: path and fields; json: JSON Lines.",
)
@click.option("--reveal", is_flag=True, help="Print secured blobs in full (else shortened).")
@PATTERN_OPTION
@JOBS_OPTION
@LIMIT_OPTION
def find(
    paths: tuple[str, ...],
    where: str | None,
    fields: tuple[str, ...],
    output: str | None,
    *,
    reveal: bool,
    pattern: str,
    jobs: int | None,
    limits: newsrecord.Limits,
) -> None:
    """List the records among PATHS (files and folders) that match --where EXPR.

    EXPR compares field paths with values: ==, !=, <, <=, >, >=, and, or, not,
    parentheses, "AI" in topics, type in ["video", "course"], title contains "AI",
    startswith, endswith, matches "regex", exists(field), dates such as 2024-01-01. Files
    that are not valid records are reported on stderr (exit status 1); a summary line
    ends the run on stderr.

    A field no kind of record declares but close to one (haet for heat), in --where or
    --field, is a usage error (exit status 2) before any file is read. Other such fields
    get a note; if no record read has a value there, the run ends with status 2, since
    the expression could not match as meant (or the column is null in every row). A key
    in backquotes (`haet` > 30, -f '`haet`') is taken as written: no error, note or
    check. set, unset and append treat --where the same way.
    """
    query = parse_where(where)
    unknown_columns = _check_columns(fields)
    output = output or ("table" if fields else "paths")
    job = _FindJob(
        str(query.expression) if query else None, fields, reveal, limits, unknown_columns
    )
    walk_problems: list[newsrecord.Problem] = []
    seen = matched = failed = read = 0
    rows: list[list[str]] = []
    held: set[str] = set()
    with contextlib.ExitStack() as stack:
        bar = progress_bar(stack, paths, label="searching", stdout_busy=True)
        for path, (problems, values, holds) in run_batches(
            _find_batch, record_files(paths, walk_problems, pattern), job, jobs or default_jobs()
        ):
            seen += 1
            if bar is not None:
                bar.update(1)
            if problems:
                failed += 1
                report(problems, bar)
                continue
            read += 1
            held.update(holds)
            if values is None:
                continue
            matched += 1
            if output == "paths":
                clear_bar_line(bar)
                click.echo(path)
            elif output == "json":
                clear_bar_line(bar)
                click.echo(
                    json.dumps(
                        {"path": path, **dict(zip(fields, values, strict=True))},
                        ensure_ascii=False,
                    )
                )
            else:
                rows.append([path, *(_cell(value) for value in values)])
    if output == "table" and rows:
        header = ["path", *fields]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            click.echo(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
    for problem in walk_problems:
        click.echo(str(problem), err=True)
    failed += len(walk_problems)
    if seen or failed:
        # With nothing searched, the line below says why instead of "matched 0 of 0".
        click.echo(
            f"matched {matched} of {counted(seen, 'file')}"
            + (f", {failed} failed" if failed else ""),
            err=True,
        )
    if job.reveal is False and any(field.endswith("secured") for field in fields):
        click.echo("newsrecord: the secured blob is shortened; --reveal prints it", err=True)
    if seen == 0:
        # Nothing searched is not "nothing matched": a wrong folder or pattern must show.
        no_records_found(paths, pattern)
    usage = never_held(query, held, read)
    if never_filled(unknown_columns, held, read):
        usage = True
    if usage:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if failed or seen == 0 else 0)


# --- bulk edits ----------------------------------------------------------------------------

Change = tuple[Any, ...]
"""One change, as plain data that crosses to a worker: ``("set", field, value, parse,
strict)``, ``("unset", field)`` or ``("append", field, item, parse, strict)``."""


@attrs.frozen
class EditJob:
    """What a bulk edit does to each file, in a form that pickles.

    Attributes:
        where: The query text, or None for every record.
        changes: The changes, applied in order.
        dry_run: Write nothing.
        diff: With dry_run, return unified diffs (secured blobs shortened).
        limits: The safety limits files are read with.
    """

    where: str | None
    changes: tuple[Change, ...]
    dry_run: bool
    diff: bool
    limits: newsrecord.Limits


@attrs.frozen
class Outcome:
    """What editing one file did (or, with a dry run, would do).

    Attributes:
        status: ``unreadable``, ``skipped`` (no match), ``refused`` (a change does not fit
            the record), ``unchanged``, ``changed`` or ``failed`` (not written).
        problems: Why the file was unreadable, refused or not written.
        diff: With a dry run, the unified diff, secured blobs shortened.
        added: With a dry run, how many lines the edit adds.
        removed: With a dry run, how many lines it removes.
        invalid: The problems of a record that does not fit the model after the edit
            either (the edit was saved all the same: it may be a step of a repair).
        held: The fields of the query that no kind declares and that the record has a
            value at (see :func:`never_held`).
    """

    status: str
    problems: tuple[newsrecord.Problem, ...] = ()
    diff: str | None = None
    added: int = 0
    removed: int = 0
    invalid: tuple[newsrecord.Problem, ...] = ()
    held: tuple[str, ...] = ()


def apply_changes(
    target: newsrecord.Document | newsrecord.AnyRecord, changes: Sequence[Change]
) -> None:
    """Apply *changes* to a document (valid or not) or a record.

    An append of an item the list holds already leaves the list as it was.

    Raises:
        ValidationError: a value does not fit its field, or a path is malformed.
    """
    if isinstance(target, newsrecord.Document):
        get, set_, unset, append = target.get, target.set, target.unset, target.append
    else:
        get = functools.partial(newsrecord.get_field, target)
        set_ = functools.partial(newsrecord.set_field, target)
        unset = functools.partial(newsrecord.unset_field, target)
        append = functools.partial(newsrecord.append_field, target)
    for change in changes:
        if change[0] == "set":
            _, field, value, parse, strict = change
            set_(field, value, parse=parse, strict=strict)
        elif change[0] == "unset":
            unset(change[1])
        else:
            _, field, item, parse, strict = change
            held = get(field)
            held = list(held) if isinstance(held, list) else held
            append(field, item, parse=parse, strict=strict)
            items = get(field)
            if isinstance(held, list) and items[-1] in items[:-1]:
                # The list holds the item already (a topic, an image): a second one is
                # no news, and a run over a site must be safe to run again.
                set_(field, held, strict=False)


def _edit_batch(paths: list[str], job: EditJob) -> list[Outcome]:
    """Edit a batch of files (in a worker); syncs what it wrote once, at the end."""
    query = newsrecord.where(job.where) if job.where is not None else None
    outcomes: list[Outcome] = []
    written: list[int] = []
    try:
        with newsrecord.Batch():
            for path in paths:
                outcome = edit_file(
                    path,
                    job.changes,
                    query,
                    limits=job.limits,
                    dry_run=job.dry_run,
                    show_diff=job.diff,
                )
                outcome = _in_bulk(outcome, path)
                if outcome.status == "changed" and not job.dry_run:
                    written.append(len(outcomes))
                outcomes.append(outcome)
    except OSError as exc:
        # The files were replaced but could not be synced: say so rather than claim them.
        problem = newsrecord.Problem(f"written but not synced to disk: {exc.strerror or exc}")
        for number in written:
            outcomes[number] = Outcome("failed", (attrs.evolve(problem, path=paths[number]),))
    return outcomes


def edit_file(
    path: str,
    changes: Sequence[Change],
    query: newsrecord.Query | None = None,
    *,
    limits: newsrecord.Limits,
    dry_run: bool = False,
    show_diff: bool = False,
    durability: newsrecord.Durability = "batch",
) -> Outcome:
    """Apply *changes* to the record file at *path* (if it matches *query*) and save it.

    The one edit of the command line, for one file and for many. A record that does not
    fit the model is edited too, where no query needs its typed values: the edit may be
    what repairs it. Saving is what ``edit()`` does, without reading the new text back
    into a document nobody uses: the same lost-update check under the file's lock and an
    atomic rename, synced as *durability* says. A dry run returns the diff, blobs
    shortened, with *show_diff*. Files are read with *limits*; a limit's problem tells the
    ``--limit`` that raises it.
    """
    try:
        doc = newsrecord.load(path, limits=limits, strict=query is not None)
    except newsrecord.RecordError as exc:
        return Outcome("unreadable", tuple(with_limit_hints(exc.problems)))
    except OSError as exc:
        return Outcome("unreadable", (read_problem(path, exc),))
    held: tuple[str, ...] = ()
    if query is not None:  # else the record may not fit the model: its repair, maybe
        held = held_fields(doc.record, query)
        if not query.matches(doc.record):
            return Outcome("skipped", held=held)
    outcome = _edit_loaded(
        doc, path, changes, dry_run=dry_run, show_diff=show_diff, durability=durability
    )
    return attrs.evolve(outcome, held=held)


def _edit_loaded(
    doc: newsrecord.Document,
    path: str,
    changes: Sequence[Change],
    *,
    dry_run: bool,
    show_diff: bool,
    durability: newsrecord.Durability,
) -> Outcome:
    """Apply *changes* to the loaded *doc* of *path* and save it: see :func:`edit_file`."""
    try:
        apply_changes(doc, changes)
    except newsrecord.ValidationError as exc:
        return Outcome("refused", exc.problems)
    try:
        text = doc.dumps()
    except newsrecord.RecordError as exc:  # the edit took it over a limit, say
        return Outcome("failed", tuple(with_limit_hints(exc.problems)))
    except (ValueError, TypeError) as exc:
        # A value the model took but the writer cannot write: say so, not a traceback.
        return Outcome("failed", (newsrecord.Problem(f"cannot write the record: {exc}", path),))
    invalid = () if doc.valid else tuple(doc.problems)
    if text == doc.text:
        return Outcome("unchanged", invalid=invalid)
    if dry_run:
        diff = unified_diff(doc.text, text, path)
        lines = diff.splitlines()[2:]
        added = sum(line.startswith("+") for line in lines)
        removed = sum(line.startswith("-") for line in lines)
        shown = diff if show_diff else None
        return Outcome("changed", diff=shown, added=added, removed=removed, invalid=invalid)
    try:
        replace_if_unchanged(
            path, text.encode("utf-8"), doc.text.encode("utf-8"), durability=durability
        )
    except newsrecord.RecordError as exc:
        return Outcome("failed", tuple(save_problems(path, exc)))
    except OSError as exc:
        problem = newsrecord.Problem(f"cannot be written: {exc.strerror or exc}", path)
        return Outcome("failed", (problem,))
    return Outcome("changed", invalid=invalid)


def _in_bulk(outcome: Outcome, path: str) -> Outcome:
    """*outcome* as a bulk edit reports it: problems name the file, a refusal fails it."""
    status = "failed" if outcome.status == "refused" else outcome.status
    problems = tuple(attrs.evolve(p, path=p.path or path) for p in outcome.problems)
    return attrs.evolve(outcome, status=status, problems=problems)


class _Tally:
    """What a bulk edit did so far: counts of outcomes, as each file's is told."""

    def __init__(self, job: EditJob) -> None:
        self.job = job
        self.counts = dict.fromkeys(("unreadable", "skipped", "unchanged", "changed", "failed"), 0)
        self.total = self.still_invalid = 0
        self.held: set[str] = set()
        self.read_only = ReadOnlyFolders()
        self.bar: Any = None

    def add(self, path: str, outcome: Outcome) -> None:
        """Count *outcome*, the file *path*'s, and print what it says."""
        self.total += 1
        self.counts[outcome.status] += 1
        self.held.update(outcome.held)
        if self.bar is not None:
            self.bar.update(1)
        self.still_invalid += _tell(path, outcome, self.job, self.bar, self.read_only)


def _tell(path: str, outcome: Outcome, job: EditJob, bar: Any, read_only: ReadOnlyFolders) -> bool:
    """Print what a bulk edit did to one file; return whether the record is still invalid."""
    if outcome.problems:
        clear_bar_line(bar)
        for problem in read_only.shorten(outcome.problems):
            click.echo(str(problem), err=True)
    if outcome.status == "changed" and job.dry_run:
        clear_bar_line(bar)
        if outcome.diff is not None:
            click.echo(outcome.diff, nl=False)
        else:
            click.echo(f"{path}: +{outcome.added} -{outcome.removed}")
    if not outcome.invalid or job.dry_run:
        return False
    # Edited (a repair under way, or another field), but broken still: said as the
    # one-file form says it, so that no run hides a broken record.
    clear_bar_line(bar)
    for problem in outcome.invalid:
        click.echo(str(attrs.evolve(problem, path=problem.path or path)), err=True)
    return True


def run_bulk(
    paths: Sequence[str],
    job: EditJob,
    jobs: int | None,
    *,
    pattern: str = "*.md",
    unknown_unsets: Sequence[str] | None = None,
) -> None:
    """Run a bulk edit over PATHS, print what it did, and exit (1 if any file failed).

    *unknown_unsets*: fields to remove that no kind knows; a run that removed nothing is
    then a usage error (exit status 2), most likely a typo. So is a run whose ``--where``
    reads a field no kind declares that no record read had a value at (see
    :func:`never_held`).
    """
    walk_problems: list[newsrecord.Problem] = []
    tally = _Tally(job)
    unfinished = Unfinished()
    with contextlib.ExitStack() as stack:
        stopped = stack.enter_context(Interruption())  # see end_interrupted
        label = "checking" if job.dry_run else "editing"
        tally.bar = progress_bar(stack, paths, label=label, stdout_busy=job.dry_run)
        found = record_files(paths, walk_problems, pattern)
        # Closed as the block ends, before its Ctrl-C is caught: unfinished is told then.
        edits = stack.enter_context(
            contextlib.closing(
                run_batches(_edit_batch, found, job, jobs or default_jobs(), unfinished)
            )
        )
        for path, outcome in edits:
            tally.add(path, outcome)
    # After a Ctrl-C, the files done that were not told yet (else there are none).
    for path, outcome in unfinished.results:
        tally.add(path, outcome)
    counts, total, still_invalid, held = tally.counts, tally.total, tally.still_invalid, tally.held
    tally.read_only.echo()
    for problem in walk_problems:
        click.echo(str(problem), err=True)
    unreadable = counts["unreadable"] + len(walk_problems)
    matched = counts["changed"] + counts["unchanged"] + counts["failed"]
    verb = "would change" if job.dry_run else "changed"
    summary = (
        f"matched {matched} of {counted(total, 'file')}{' so far' * stopped.happened}: "
        f"{counts['changed']} {verb}, {counts['unchanged']} unchanged, {counts['failed']} failed"
    )
    if still_invalid:
        summary += f" ({still_invalid} still not fitting the model)"
    if unreadable:
        summary += f"; {unreadable} not valid records"
    if stopped.happened:
        end_interrupted(summary, under_way=unfinished.under_way)
    if total == 0 and not walk_problems:
        # Nothing searched: say why, not "matched 0 of 0 files".
        no_records_found(tuple(paths), pattern)
        sys.exit(EXIT_INVALID)
    click.echo(summary, err=True)
    query = newsrecord.where(job.where) if job.where is not None else None
    usage = never_held(query, held, total - counts["unreadable"])
    if unknown_unsets and not counts["changed"]:
        unknown_unset_error(list(unknown_unsets)).show()
        usage = True
    if usage:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if counts["failed"] or unreadable or still_invalid else 0)
