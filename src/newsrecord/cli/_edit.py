"""Commands that change records: set, unset, append, new."""

from __future__ import annotations

import json
import shlex
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Final

import attrs
import click

import newsrecord
from newsrecord.cli._app import (
    DRY_RUN,
    JOBS_OPTION,
    NEW_KEY,
    PATTERN_OPTION,
    as_json_option,
    exit_invalid,
    exit_unwritable,
    main,
    parse_json,
    usage_error,
)
from newsrecord.cli._bulk import (
    WHERE,
    Change,
    EditJob,
    apply_changes,
    edit_file,
    parse_where,
    run_bulk,
)
from newsrecord.cli._fields import (
    naive_time_note,
    shortened_blobs,
    unknown_keys,
    unknown_unset_error,
)
from newsrecord.cli._limits import LIMIT_OPTION
from newsrecord.editing import no_kind_declares
from newsrecord.errors import brief, counted


def _edit_one(
    path: str,
    changes: tuple[Change, ...],
    hint: str,
    *,
    limits: newsrecord.Limits,
    new_key: bool,
    dry_run: bool,
) -> bool:
    """Edit the one record file PATH: print the diff, or save it atomically.

    Returns whether the edit changed the file (or would).

    A change that does not fit the record is a usage error (exit status 2), as it is in
    the form of the command line. A record whose values do not fit the model is edited
    too (that is how it gets repaired); if it still does not fit afterwards, its problems
    are printed and the exit status is 1, the edit saved all the same.
    """
    outcome = edit_file(
        path, changes, limits=limits, dry_run=dry_run, show_diff=True, durability="full"
    )
    if outcome.status == "refused":
        error = newsrecord.ValidationError(outcome.problems)
        raise usage_error(error, hint, new_key=new_key)
    if outcome.status in ("unreadable", "failed"):
        exit_invalid(newsrecord.RecordError(outcome.problems))
    if dry_run:
        click.echo(outcome.diff or "", nl=False)
    elif outcome.invalid:
        done = "saved" if outcome.status == "changed" else "unchanged"
        click.echo(f"{path}: {done}; the record still does not fit the model:", err=True)
        exit_invalid(newsrecord.ValidationError(outcome.invalid))
    return outcome.status == "changed"


class _PathsThenChanges(click.Command):
    """A command whose arguments are PATH... then changes, split at ``--``.

    Without ``--`` the first argument is the one PATH (``set FILE FIELD=VALUE``); with
    it, every argument before ``--`` is a PATH. Click drops the ``--`` itself, so the
    number of arguments after it is noted here, before click parses them.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            ctx.meta[_AFTER_DASHES] = len(args) - args.index("--") - 1
        return super().parse_args(ctx, args)


_AFTER_DASHES: Final = "newsrecord.after_dashes"


def _split(
    ctx: click.Context, arguments: tuple[str, ...], least: int
) -> tuple[list[str], list[str]]:
    """Split the arguments into PATHs and changes (at least *least* of them)."""
    after = ctx.meta.get(_AFTER_DASHES)
    if after is None:
        paths, changes = list(arguments[:1]), list(arguments[1:])
    else:
        paths, changes = (
            list(arguments[: len(arguments) - after]),
            list(arguments[len(arguments) - after :]),
        )
    if not paths:
        raise click.UsageError("give at least one PATH before --")
    if len(changes) < least:
        raise click.UsageError("nothing to change: give the changes after the PATHs (and --)")
    for path in paths:
        # Path("") is the current folder: an empty PATH (an unset shell variable, most
        # likely) must not edit every record under it. The other commands' click.Path
        # refuses it the same way.
        if not path or not Path(path).exists():
            raise click.BadParameter(f"{path!r} does not exist", param_hint="PATH")
    return paths, changes


def _run(
    paths: list[str],
    changes: tuple[Change, ...],
    hint: str,
    *,
    where: str | None,
    dry_run: bool,
    diff: bool,
    jobs: int | None,
    limits: newsrecord.Limits,
    pattern: str = "*.md",
    new_key: bool = True,
    unknown_unsets: list[str] | None = None,
) -> None:
    """One FILE without --where: edit it as before; otherwise a bulk edit over PATHs."""
    query = parse_where(where)
    # --diff previews, as fmt --diff and fix --diff do: it writes nothing.
    dry_run = dry_run or diff
    if query is None and len(paths) == 1 and not Path(paths[0]).is_dir():
        changed = _edit_one(
            paths[0], changes, hint, limits=limits, new_key=new_key, dry_run=dry_run
        )
        if not changed and unknown_unsets:
            raise unknown_unset_error(unknown_unsets)
        return
    _precheck(changes, hint, new_key=new_key)
    job = EditJob(query.expression if query else None, changes, dry_run, diff, limits)
    run_bulk(paths, job, jobs, pattern=pattern, unknown_unsets=unknown_unsets)


def _precheck(changes: tuple[Change, ...], hint: str, *, new_key: bool) -> None:
    """Refuse changes that fit no kind of record (a misspelt field, a bad value) at once.

    Each change is tried on an empty record of every kind, so that a typo is one usage
    error rather than the same failure for every file of a site.
    """
    with attrs.validators.disabled():
        # Empty records: their required fields are None, which the model would refuse.
        empties = [kind() for kind in newsrecord.KINDS]
    first: newsrecord.ValidationError | None = None
    for empty in empties:
        try:
            apply_changes(empty, changes)
        except newsrecord.ValidationError as exc:
            if any(word in exc.message for word in _PARENT_WORDS):
                return  # depends on what the file holds: decided file by file
            first = first or exc
        else:
            return
    if first is not None:
        # Only the first problem: the others are about the empty record it was tried on.
        raise usage_error(newsrecord.ValidationError([first.problems[0]]), hint, new_key=new_key)


_PARENT_WORDS: Final = ("is not set", "item(s)", "has no items", "is required")


_BULK_HELP: Final = """

With several PATHs (files or folders, searched for *.md records), put -- before the
changes: `newsrecord %s news/ archive/ --where 'EXPR' -- %s`. One folder needs no --.
--where EXPR picks the records to change (see `newsrecord find`: a misspelt field is a
usage error, and an unknown field no record has a value at ends the run with status 2;
`key` in backquotes is a key as written). Each file is saved
atomically, refusing to overwrite a change made meanwhile; the files are synced to disk
once per batch; a file that fails is reported and the others go on. A summary line ends
the run (exit status 1 if any file failed); --dry-run lists the files that would change
with their line counts, --diff prints the diffs (and writes nothing either).
"""


def _bulk_help(command: str, example: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        # Indented like the docstring it extends, so that click dedents both alike.
        extra = textwrap.indent(_BULK_HELP % (command, example), "    ")
        function.__doc__ = (function.__doc__ or "").rstrip() + extra
        return function

    return decorate


DIFF = click.option(
    "--diff",
    "diff",
    is_flag=True,
    help="Print the diffs of what would change, and write nothing (implies --dry-run).",
)


def _change_command(
    name: str, metavar: str, example: str, *, as_json_help: str | None = None
) -> Callable[[Callable[..., None]], click.Command]:
    """Declare a command that changes fields of PATH... (see :func:`_run`).

    With *as_json_help*, the command reads values and takes --as-json and --new-key.
    """
    options: list[Callable[[Any], Any]] = [
        click.argument("arguments", nargs=-1, required=True, metavar=metavar),
        WHERE,
        DRY_RUN,
        DIFF,
    ]
    if as_json_help is not None:
        options += [as_json_option(as_json_help), NEW_KEY]
    options += [PATTERN_OPTION, JOBS_OPTION, LIMIT_OPTION, click.pass_context]

    def decorate(function: Callable[..., None]) -> click.Command:
        function = _bulk_help(name, example)(function)
        for option in reversed(options):
            function = option(function)
        return main.command(name=name, cls=_PathsThenChanges)(function)

    return decorate


@_change_command(
    "set",
    "PATH... [--] FIELD=VALUE...",
    "published=true",
    as_json_help="Read each VALUE as JSON, whatever the field's type.",
)
def set_(ctx: click.Context, arguments: tuple[str, ...], *, as_json: bool, **options: Any) -> None:
    """Set fields of FILE (or of many records) in place, changing only their lines.

    Each VALUE is read as its field's type: text fields take it as it is; numbers,
    true/false, lists and objects as JSON (topics='["AI", "Robots"]'; a value starting
    with [ or { that is not JSON is an error); date-times as ISO 8601 (or now). null
    unsets the field.
    """
    paths, assignments = _split(ctx, arguments, 1)
    changes: list[Change] = []
    for assignment in assignments:
        field, equals, value = assignment.partition("=")
        if not equals and Path(assignment).exists():
            raise click.UsageError(
                f"{assignment!r} is a path, not FIELD=VALUE: to edit several paths, put -- "
                f"between them and the changes (set {' '.join(paths)} {assignment} -- "
                "FIELD=VALUE...)"
            )
        if not equals or not field:
            raise click.BadParameter(
                f"{brief(assignment)} is not FIELD=VALUE", param_hint="FIELD=VALUE"
            )
        parsed = parse_json(value, f"{field}=VALUE") if as_json else value
        changes.append(("set", field, parsed, not as_json, not options["new_key"]))
        note = None if as_json else naive_time_note(field, value)
        if note is not None:
            click.echo(note, err=True)
    _run(paths, tuple(changes), "FIELD=VALUE", **options)


@_change_command("unset", "PATH... [--] FIELD...", "featuredContent")
def unset(ctx: click.Context, arguments: tuple[str, ...], **options: Any) -> None:
    """Remove fields from FILE (or many records): their lines go; topics[1] removes an item."""
    paths, fields = _split(ctx, arguments, 1)
    unknown = [field for field in fields if no_kind_declares(field)]
    for field in unknown:
        if Path(field).is_file():
            raise click.UsageError(
                f"{field!r} is a file, not a field: to edit several files, put -- between "
                f"them and the fields (unset {' '.join(paths)} {field} -- FIELD...)"
            )
    changes = tuple(("unset", field) for field in fields)
    # A field no kind knows may still be a key some files hold (kept in extra), so it is
    # tried; but a run in which it removed nothing is told it was most likely a typo.
    _run(paths, changes, "FIELD", unknown_unsets=unknown, **options)


@_change_command(
    "append",
    "PATH... [--] FIELD VALUE",
    "topics AI",
    as_json_help="Read VALUE as JSON, whatever the item type.",
)
def append(
    ctx: click.Context, arguments: tuple[str, ...], *, as_json: bool, **options: Any
) -> None:
    """Append VALUE to the list FIELD of FILE (creating the list), read as its item type.

    For example: append FILE topics "Machine learning", or
    append FILE images '{"url": "https://example.com/a.png", "width": 800}'.
    A list that holds VALUE already is left as it is (the file counts as unchanged), so
    that a run can be made again.
    """
    paths, rest = _split(ctx, arguments, 1)
    if len(rest) == 1 and "=" in rest[0]:
        # set's FIELD=VALUE habit: show the two-argument form with the user's own words.
        field, _, value = rest[0].partition("=")
        raise click.UsageError(
            f"append takes FIELD and VALUE as two arguments, not FIELD=VALUE: "
            f"append {shlex.join(paths)} {field} {shlex.quote(value)}"
        )
    if len(rest) != 2:
        raise click.UsageError(
            f"append takes one FIELD and one VALUE, not {counted(len(rest), 'argument')}"
        )
    field, value = rest
    item = parse_json(value, "VALUE") if as_json else value
    change: Change = ("append", field, item, not as_json, not options["new_key"])
    _run(paths, (change,), "FIELD VALUE", **options)


@main.command()
@click.option(
    "--from-json",
    "source",
    type=click.File("r", encoding="utf-8"),
    required=True,
    metavar="FILE.json",
    help="A JSON object as to_dict() gives it ('-' reads stdin).",
)
@click.argument("out", type=click.Path(dir_okay=False, writable=True), metavar="OUT.md")
@click.option("--force", is_flag=True, help="Overwrite OUT.md if it exists.")
@click.option("--crlf", is_flag=True, help="Write CRLF line breaks (the body's too).")
@NEW_KEY
@LIMIT_OPTION
def new(
    source: IO[str], out: str, *, force: bool, crlf: bool, new_key: bool, limits: newsrecord.Limits
) -> None:
    """Create the record file OUT.md in the house style from a JSON object.

    The object is a record as to_dict() (or the json command) gives it. A top-level
    "body" string becomes the body and a "path" key is ignored, so that a line of
    `newsrecord json --reveal --with-body --with-path` makes the file again. Keys the
    model does not know are refused (a typo) unless --new-key is given; a secured blob
    shortened by `json` without --reveal is refused. What the input gets wrong (a key,
    a value of the wrong type, a required field missing) is a usage error (exit status
    2) naming the input and the fields.
    """
    try:
        data = json.load(source)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON ({exc})", param_hint="--from-json") from exc
    if not isinstance(data, dict):
        raise click.BadParameter("expected a JSON object", param_hint="--from-json")
    data.pop("path", None)
    body = data.pop("body", "")
    if not isinstance(body, str):
        raise click.BadParameter('"body" must be a string', param_hint="--from-json")
    if Path(out).exists() and not force:
        raise click.BadParameter(f"{out} exists; use --force to overwrite it", param_hint="OUT")
    folder = Path(out).parent
    if not folder.is_dir():
        # As export says it: the folder is what is missing, not the file to be made.
        raise click.BadParameter(
            f"cannot create {out}: there is no folder {folder}", param_hint="OUT"
        )
    newline = "\r\n" if crlf else "\n"
    if crlf:
        body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        record = _input_record(data, new_key=new_key)
    except newsrecord.ValidationError as exc:
        # What is wrong is the input given (a value of the wrong type, a key missing or
        # unknown): a usage error, as a bad value of set is, naming the input.
        told = usage_error(exc, "--from-json").message
        raise click.BadParameter(f"{source.name}: {told}", param_hint="--from-json") from exc
    except newsrecord.RecordError as exc:
        exit_invalid(exc)
    except (ValueError, TypeError) as exc:
        exit_unwritable(exc)
    try:
        text = newsrecord.dumps(record, body=body, newline=newline)
        newsrecord.loads(text, path=out, limits=limits).save()
    except newsrecord.RecordError as exc:
        exit_invalid(exc)
    except (ValueError, TypeError) as exc:
        exit_unwritable(exc)


def _input_record(data: dict[str, Any], *, new_key: bool) -> newsrecord.AnyRecord:
    """The record *data* gives ``new``.

    Raises:
        ValidationError: a value does not fit its field, a secured blob was shortened by
            ``json``, or (without *new_key*) a key is one the model does not know.
    """
    record = newsrecord.from_dict(data)
    shortened = list(shortened_blobs(record))
    if shortened:
        raise newsrecord.ValidationError(
            "the secured blob is shortened (the json command shortens it unless "
            "--reveal is given): export with --reveal to recreate the file",
            field=shortened[0],
        )
    unknown = [] if new_key else list(unknown_keys(record))
    if unknown:
        # A record's own keys (a site's "locale") look like typos here: say how to keep them.
        last = unknown[-1]
        unknown[-1] = attrs.evolve(
            last, message=f"{last.message} (--new-key keeps keys the model does not know)"
        )
        raise newsrecord.ValidationError(unknown)
    return record
