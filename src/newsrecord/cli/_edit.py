"""Commands that change records: set, unset, append, new."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO

import click

import newsrecord
from newsrecord.cli._app import (
    DRY_RUN,
    FILE,
    NEW_KEY,
    as_json_option,
    exit_invalid,
    exit_unwritable,
    load_or_exit,
    main,
    parse_json,
    usage_error,
)
from newsrecord.cli._fields import shortened_blobs, unknown_keys
from newsrecord.cli._redact import unified_diff


def _edit(file: str, change: Callable[[newsrecord.Document], None], *, dry_run: bool) -> None:
    """Apply *change* to FILE's document: print the diff, or save atomically.

    A record whose values do not fit the model is edited too (that is how it gets
    repaired); if it still does not fit afterwards, its problems are printed and the exit
    status is 1, the edit saved all the same.
    """
    if dry_run:
        doc = load_or_exit(file, strict=False)
        change(doc)
        try:
            text = doc.dumps()
        except newsrecord.RecordError as exc:
            exit_invalid(exc)
        except (ValueError, TypeError) as exc:
            exit_unwritable(exc)
        click.echo(unified_diff(doc.text, text, file), nl=False)
        return
    try:
        with newsrecord.edit(file, strict=False) as doc:
            change(doc)
    except newsrecord.RecordError as exc:
        exit_invalid(exc)
    except (ValueError, TypeError) as exc:
        exit_unwritable(exc)
    if not doc.valid:
        click.echo(f"{file}: saved; the record still does not fit the model:", err=True)
        exit_invalid(newsrecord.ValidationError(doc.problems))


@main.command(name="set")
@FILE
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@DRY_RUN
@as_json_option("Read each VALUE as JSON, whatever the field's type.")
@NEW_KEY
def set_(
    file: str, assignments: tuple[str, ...], *, dry_run: bool, as_json: bool, new_key: bool
) -> None:
    """Set fields of FILE in place, changing only their lines, atomically.

    Each VALUE is read as its field's type: text fields take it as it is; numbers,
    true/false, lists and objects as JSON (topics='["AI", "Robots"]'); date-times as
    ISO 8601 (or now). null unsets the field.
    """
    pairs = []
    for assignment in assignments:
        field, equals, value = assignment.partition("=")
        if not equals or not field:
            raise click.BadParameter(f"{assignment!r} is not FIELD=VALUE", param_hint="FIELD=VALUE")
        pairs.append((field, parse_json(value, assignment) if as_json else value))

    def change(doc: newsrecord.Document) -> None:
        for field, value in pairs:
            try:
                doc.set(field, value, parse=not as_json, strict=not new_key)
            except newsrecord.ValidationError as exc:
                raise usage_error(exc, "FIELD=VALUE", new_key=new_key) from exc

    _edit(file, change, dry_run=dry_run)


@main.command()
@FILE
@click.argument("fields", nargs=-1, required=True, metavar="FIELD...")
@DRY_RUN
def unset(file: str, fields: tuple[str, ...], *, dry_run: bool) -> None:
    """Remove fields from FILE (their lines leave the file); topics[1] removes an item."""

    def change(doc: newsrecord.Document) -> None:
        for field in fields:
            try:
                doc.unset(field)
            except newsrecord.ValidationError as exc:
                raise usage_error(exc, "FIELD") from exc

    _edit(file, change, dry_run=dry_run)


@main.command()
@FILE
@click.argument("field")
@click.argument("value")
@DRY_RUN
@as_json_option("Read VALUE as JSON, whatever the item type.")
@NEW_KEY
def append(
    file: str, field: str, value: str, *, dry_run: bool, as_json: bool, new_key: bool
) -> None:
    """Append VALUE to the list FIELD of FILE (creating the list), read as its item type.

    For example: append FILE topics "Machine learning", or
    append FILE images '{"url": "https://example.com/a.png", "width": 800}'.
    """
    item = parse_json(value, "VALUE") if as_json else value

    def change(doc: newsrecord.Document) -> None:
        try:
            doc.append(field, item, parse=not as_json, strict=not new_key)
        except newsrecord.ValidationError as exc:
            raise usage_error(exc, "FIELD VALUE", new_key=new_key) from exc

    _edit(file, change, dry_run=dry_run)


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
def new(source: IO[str], out: str, *, force: bool, crlf: bool, new_key: bool) -> None:
    """Create the record file OUT.md in the house style from a JSON object.

    The object is a record as to_dict() (or the json command) gives it. A top-level
    "body" string becomes the body and a "path" key is ignored, so that a line of
    `newsrecord json --reveal --with-body --with-path` makes the file again. Keys the
    model does not know are refused (a typo) unless --new-key is given; a secured blob
    shortened by `json` without --reveal is refused.
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
        raise click.ClickException(f"{out} exists; use --force to overwrite it")
    newline = "\r\n" if crlf else "\n"
    if crlf:
        body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        record = newsrecord.from_dict(data)
        shortened = list(shortened_blobs(record))
        if shortened:
            raise newsrecord.ValidationError(
                "the secured blob is shortened (the json command shortens it unless "
                "--reveal is given): export with --reveal to recreate the file",
                path=source.name,
                field=shortened[0],
            )
        unknown = [] if new_key else list(unknown_keys(record))
        if unknown:
            raise usage_error(newsrecord.ValidationError(unknown), "--from-json")
        text = newsrecord.dumps(record, body=body, newline=newline)
        newsrecord.loads(text, path=out).save()
    except newsrecord.RecordError as exc:
        exit_invalid(exc)
    except (ValueError, TypeError) as exc:
        exit_unwritable(exc)
