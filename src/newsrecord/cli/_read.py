"""Commands that read records: show, get, json, schema."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import click

import newsrecord
from newsrecord._bind.paths import parse_field_path
from newsrecord.cli._app import (
    EXIT_INVALID,
    FILE,
    JOBS_OPTION,
    PATTERN_OPTION,
    ExistingPath,
    load_or_exit,
    main,
    no_records_found,
    usage_error,
)
from newsrecord.cli._limits import LIMIT_OPTION
from newsrecord.cli._redact import Redactor
from newsrecord.cli._runner import (
    clear_bar_line,
    default_jobs,
    load_each,
    progress_bar,
    record_files,
    report,
    run_batches,
)
from newsrecord.errors import counted, shorten
from newsrecord.model.fields import is_model


@main.command()
@click.argument("file", type=ExistingPath(dir_okay=False))
@click.option("--reveal", is_flag=True, help="Print the secured blob in full.")
@LIMIT_OPTION
def show(file: str, *, reveal: bool, limits: newsrecord.Limits) -> None:
    """Print the typed record of FILE as a table and check that it round-trips."""
    doc = load_or_exit(file, limits)
    click.echo(f"{type(doc.record).__name__} ({file})")
    plain = newsrecord.to_dict(doc.record)
    cut = False
    for name, value in _rows(doc.record, plain, "", Redactor(reveal=reveal)):
        shown = value
        if len(value) > _SHOWN and not (reveal and name.endswith("secured")):
            # A table row stays readable: a 50 KB featuredContent was one 50 KB line.
            shown, cut = f"{value[: _SHOWN - 1]}… ({len(value)} characters)", True
        click.echo(f"  {name:<28} {shown}")
    click.echo(f"  {'(body)':<28} {len(doc.body)} characters")
    if cut:
        click.echo(f"long values are shortened: newsrecord get {file} FIELD prints one whole")
    same = doc.dumps() == doc.text
    click.echo("round trip: " + ("identical, byte for byte" if same else "DIFFERENT"))
    if not same:
        sys.exit(EXIT_INVALID)


_SHOWN = 400
"""The longest value ``show`` prints whole in its table (``get`` prints any value whole)."""


def _rows(
    value: Any, plain: dict[str, Any], prefix: str, redactor: Redactor
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for spec in newsrecord.fields(type(value)):
        item = getattr(value, spec.name)
        if item is not None:
            rows.extend(_value_rows(prefix + spec.key, item, plain[spec.key], redactor))
    for key in value.extra:
        shown = json.dumps(redactor.untyped(plain[key], key), ensure_ascii=False)
        # A key may be anything, a pasted secret too: a long one is shortened like a value.
        name = shorten(key, 30)
        rows.append((f"{prefix}{name}", f"{shown} (unknown key)"))
    return rows


def _value_rows(name: str, item: Any, plain: Any, redactor: Redactor) -> list[tuple[str, str]]:
    if isinstance(item, newsrecord.Secured):
        shown = redactor.plain(item, plain)
        return [(name, shown if redactor.reveal else f"{shown} ({len(item.raw)} chars)")]
    if isinstance(item, list):
        rows: list[tuple[str, str]] = []
        for index, (element, element_plain) in enumerate(zip(item, plain, strict=True)):
            rows.extend(_value_rows(f"{name}[{index}]", element, element_plain, redactor))
        return rows or [(name, "[]")]
    if is_model(item):
        return _rows(item, plain, name + ".", redactor)
    if isinstance(plain, str) and not any(char in plain for char in "\r\n"):
        return [(name, plain)]
    # Quoted, with its line breaks as \n: a table row stays one line.
    return [(name, json.dumps(plain, ensure_ascii=False))]


@main.command()
@FILE
@click.argument("field")
@click.option("--reveal", is_flag=True, help="Print the secured blob in full.")
@LIMIT_OPTION
def get(file: str, field: str, *, reveal: bool, limits: newsrecord.Limits) -> None:
    """Print the value of FIELD in FILE: strings as they are, everything else as JSON.

    An absent field prints null; a key that neither the model nor the file knows (a typo)
    is an error. FIELD is a path of YAML keys: title, provider.name,
    images[0].width, topics[-1]; `body` prints the body as it is (unless the front matter
    has a key of that name).
    """
    # A record whose values do not fit the model is read too: that is when one looks.
    doc = load_or_exit(file, limits, strict=False)
    if field == "body" and doc.get("body") is None:
        click.echo(doc.body, nl=False)
        return
    try:
        typed = doc.get(field, strict=True)
        plain = doc.get(field, plain=True)
    except newsrecord.ValidationError as exc:
        raise usage_error(exc, "FIELD") from exc
    redactor = Redactor(reveal=reveal)
    keys = [step for step in parse_field_path(field) if isinstance(step, str)]
    plain = redactor.plain(typed, plain, keys[-1] if keys else "")
    if isinstance(plain, str):
        click.echo(plain)
    else:
        indent = 2 if isinstance(plain, dict | list) else None
        click.echo(json.dumps(plain, indent=indent, ensure_ascii=False))
    redactor.note()


@main.command(name="json")
@click.argument("paths", nargs=-1, required=True, type=ExistingPath())
@click.option("--with-body", is_flag=True, help='Add the body as "body".')
@click.option("--with-path", is_flag=True, help='Add the file\'s path as "path" (first key).')
@click.option("--reveal", is_flag=True, help="Export secured blobs in full (else shortened).")
@PATTERN_OPTION
@JOBS_OPTION
@LIMIT_OPTION
def json_(
    paths: tuple[str, ...],
    *,
    with_body: bool,
    with_path: bool,
    reveal: bool,
    pattern: str,
    jobs: int | None,
    limits: newsrecord.Limits,
) -> None:
    """Export records as JSON Lines: one object per record, as to_dict() gives it.

    Secured blobs are shortened unless --reveal is given (so by default the output cannot
    recreate the files exactly). Invalid records are reported on stderr, and the exit
    status is then 1.
    """
    walk_problems: list[newsrecord.Problem] = []
    invalid = exported = 0
    options = (with_body, with_path, reveal, limits)
    with contextlib.ExitStack() as stack:
        # Only when the lines go to a file or a pipe: never mixed into them.
        bar = progress_bar(stack, paths, label="exporting", stdout_busy=True)
        for _, (problems, line) in run_batches(
            _json_batch,
            record_files(paths, walk_problems, pattern),
            options,
            jobs or default_jobs(),
        ):
            if bar is not None:
                bar.update(1)
            if line is not None:
                click.echo(line)
                exported += 1
            if problems:
                report(problems, bar)
            invalid += bool(problems)
        report(walk_problems, bar)
        clear_bar_line(bar)
    left_out = invalid + len(walk_problems)
    failed = f"; {counted(left_out, 'file')} left out (not valid records)" if left_out else ""
    click.echo(f"exported {counted(exported, 'record')} as JSON Lines{failed}", err=True)
    if exported == 0 and not left_out:
        no_records_found(paths, pattern)
        sys.exit(EXIT_INVALID)
    if left_out:
        sys.exit(EXIT_INVALID)


def _json_batch(
    paths: list[str], options: tuple[bool, bool, bool, newsrecord.Limits]
) -> list[tuple[list[newsrecord.Problem], str | None]]:
    """Export a batch of files (in a worker): each file's problems and JSON line."""
    with_body, with_path, reveal, limits = options
    results: list[tuple[list[newsrecord.Problem], str | None]] = []
    for path, doc in load_each(paths, limits):
        if not isinstance(doc, newsrecord.Document):
            results.append((doc, None))
            continue
        data = Redactor(reveal=reveal).plain(doc.record, newsrecord.to_dict(doc.record))
        clash = [key for key, wanted in (("path", with_path), ("body", with_body)) if wanted]
        clash = [key for key in clash if key in data]
        if clash:
            message = (
                f"the record has its own {clash[0]!r} key; export it without --with-{clash[0]}"
            )
            results.append(([newsrecord.Problem(message, path, field=clash[0])], None))
            continue
        if with_path:
            data = {"path": path, **data}
        if with_body:
            data["body"] = doc.body
        results.append(([], json.dumps(data, ensure_ascii=False)))
    return results


@main.command()
@click.option("--markdown", is_flag=True, help="Print the format reference in Markdown.")
def schema(*, markdown: bool) -> None:
    """Print the JSON Schema of a record's front matter (or the Markdown reference)."""
    name = "schema_markdown" if markdown else "json_schema"
    make = getattr(newsrecord, name, None)
    if make is None:
        raise click.ClickException(f"this version of newsrecord has no {name}()")
    if markdown:
        click.echo(make(), nl=False)
    else:
        click.echo(json.dumps(make(), indent=2, ensure_ascii=False))
