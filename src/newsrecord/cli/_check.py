"""Commands that check records over whole trees: validate, fmt."""

from __future__ import annotations

import contextlib
import json
import math
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import click

import newsrecord
from newsrecord.cli._app import (
    EXIT_INVALID,
    JOBS_OPTION,
    PATTERN_OPTION,
    main,
    no_records_found,
)
from newsrecord.cli._redact import unified_diff
from newsrecord.cli._runner import (
    clear_bar_line,
    default_jobs,
    progress_bar,
    read_problem,
    record_files,
    run_batches,
)
from newsrecord.errors import brief
from newsrecord.files import replace_if_unchanged
from newsrecord.model.fields import is_model

_URL_KEYS: Final = frozenset({"url", "website"})
_SIZE_KEYS: Final = frozenset({"width", "height"})


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one problem per line, then a summary; json: one JSON document.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also check that secured blobs are well formed, URLs are URLs, sizes not negative.",
)
@PATTERN_OPTION
@JOBS_OPTION
def validate(
    paths: tuple[str, ...], output: str, *, strict: bool, pattern: str, jobs: int | None
) -> None:
    """Check record files and folders (recursively, *.md but not README.md).

    Prints every problem of every file as PATH:LINE:COL: field: message, then a summary
    line; exits with status 1 if any record is invalid, or if no record file was found.
    The work is spread over all cores; on a terminal a progress bar shows on stderr.
    """
    walk_problems: list[newsrecord.Problem] = []
    checked = invalid = problem_count = 0
    kept: list[newsrecord.Problem] = []  # only --format json needs them all at the end
    with contextlib.ExitStack() as stack:
        bar = progress_bar(stack, paths)
        for _, problems in run_batches(
            _validate_batch,
            record_files(paths, walk_problems, pattern),
            strict,
            jobs or default_jobs(),
        ):
            checked += 1
            if bar is not None:
                bar.update(1)
            if not problems:
                continue
            invalid += 1
            problem_count += len(problems)
            if output == "json":
                kept.extend(problems)
                continue
            if bar is not None:
                # Clear the bar's line so that the problem does not start in the middle of it.
                click.echo("\r\x1b[K", nl=False, err=True)
            for problem in problems:
                click.echo(str(problem))
    # Folders that could not be listed are problems too: the run did not see everything.
    problem_count += len(walk_problems)
    if output == "json":
        summary = {
            "checked": checked,
            "valid": checked - invalid,
            "invalid": invalid,
            "problems": [_problem_json(problem) for problem in (*kept, *walk_problems)],
        }
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        for problem in walk_problems:
            click.echo(str(problem))
        click.echo(_summary(checked, invalid, problem_count, strict=strict))
    if checked == 0:
        # Nothing checked is not "all valid": a wrong folder or pattern must not pass.
        no_records_found(paths, pattern)
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_INVALID if problem_count else 0)


def _summary(checked: int, invalid: int, problems: int, *, strict: bool) -> str:
    files = "file" if checked == 1 else "files"
    mode = " (strict)" if strict else ""
    if not checked:
        return f"checked 0 files{mode}: no record files found"
    if not problems:
        return f"checked {checked} {files}{mode}: all valid"
    found = f"{problems} problem" + ("" if problems == 1 else "s")
    return (
        f"checked {checked} {files}{mode}: {checked - invalid} valid, {invalid} invalid ({found})"
    )


def _problem_json(problem: newsrecord.Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
    }


def _validate_batch(paths: list[str], strict: bool) -> list[list[newsrecord.Problem]]:
    """Check a batch of files (in a worker process); return each file's problems."""
    results: list[list[newsrecord.Problem]] = []
    for path in paths:
        try:
            doc = newsrecord.load(path)
        except newsrecord.RecordError as exc:
            results.append(list(exc.problems))
            continue
        except OSError as exc:
            results.append([read_problem(path, exc)])
            continue
        results.append(doc.problems + (_strict_problems(doc, path) if strict else []))
    return results


def _strict_problems(doc: newsrecord.Document, path: str) -> list[newsrecord.Problem]:
    """The extra checks of ``--strict`` on a valid record, located in its text."""
    problems = []
    for where, key, value in _leaves(doc.record, "", ""):
        message = _strict_message(key, value)
        if message is not None:
            line, column = doc.locate(where) or (None, None)
            problems.append(newsrecord.Problem(message, path, line, column, where))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _leaves(value: Any, where: str, key: str) -> Iterator[tuple[str, str, Any]]:
    """Yield ``(field path, key, value)`` for every scalar of a record, known or not."""
    if is_model(value):
        for spec in newsrecord.fields(type(value)):
            item = getattr(value, spec.name)
            if item is not None:
                yield from _leaves(item, f"{where}.{spec.key}" if where else spec.key, spec.key)
        value = value.extra
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _leaves(item, f"{where}.{name}" if where else name, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{where}[{index}]", key)
    else:
        yield where, key, value


def _strict_message(key: str, value: Any) -> str | None:
    if isinstance(value, newsrecord.Secured):
        try:
            value.iv  # noqa: B018  # decoding is the check; it raises on a malformed blob
        except newsrecord.ValidationError as exc:
            return "malformed: " + exc.message.removeprefix("secured: ")
        return None
    if isinstance(value, str) and (key.lower() in _URL_KEYS or key.endswith("Url")):
        if not _is_url(value):
            return f"not a URL: {brief(value, 60)} (expected http(s)://host/... or /path)"
        return None
    if key in _SIZE_KEYS and isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return f"must not be negative, found {value}"
    return None


def _is_url(text: str) -> bool:
    """An absolute http(s) URL with a host name, or a path on the site (``/assets/...``)."""
    if not text or any(character.isspace() for character in text):
        return False
    if text.startswith("/") and not text.startswith("//"):
        return True
    try:
        parts = urllib.parse.urlsplit("https:" + text if text.startswith("//") else text)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    return "." in host or ":" in host or host == "localhost"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--check", is_flag=True, help="Write nothing; list files that would change, exit 1.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print unified diffs.")
@PATTERN_OPTION
@JOBS_OPTION
def fmt(
    paths: tuple[str, ...], *, check: bool, show_diff: bool, pattern: str, jobs: int | None
) -> None:
    """Rewrite records in the canonical house style (key order, quoting, layout).

    Only layout changes: a file whose rewrite would change its data (a value's type or
    text), drop a comment or the BOM is kept as it is, with a note on stderr. The body
    stays as it is. A file changed by someone else while it is formatted is not
    overwritten. With --check, print the files that would change and exit 1 if there are
    any.
    """
    write = not (check or show_diff)
    walk_problems: list[newsrecord.Problem] = []
    changed = total = invalid = 0
    with contextlib.ExitStack() as stack:
        bar = progress_bar(stack, paths, label="formatting", stdout_busy=not write)
        for path, (problems, diff) in run_batches(
            _fmt_batch, record_files(paths, walk_problems, pattern), write, jobs or default_jobs()
        ):
            total += 1
            if bar is not None:
                bar.update(1)
            if diff is not None and diff.startswith(_KEPT):
                clear_bar_line(bar)
                click.echo(f"{path}: {diff}", err=True)
                continue
            if problems:
                invalid += 1
                clear_bar_line(bar)
                for problem in problems:
                    click.echo(str(problem), err=True)
                continue
            if diff is None:
                continue
            changed += 1
            if show_diff:
                click.echo(diff, nl=False)
            if check:
                click.echo(path)
        clear_bar_line(bar)
    for problem in walk_problems:
        click.echo(str(problem), err=True)
    invalid += len(walk_problems)
    verb = "reformatted" if write else "would be reformatted"
    click.echo(f"{changed} of {total} files {verb}", err=True)
    if invalid:
        click.echo(f"{invalid} files could not be read as records", err=True)
    if total == 0:
        no_records_found(paths, pattern)
    sys.exit(EXIT_INVALID if invalid or total == 0 or (check and changed) else 0)


_KEPT: Final = "kept as it is: "


def _canonical(doc: newsrecord.Document) -> str:
    record = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=type(doc.record))
    bom = "\ufeff" if doc.text.startswith("\ufeff") else ""
    return bom + newsrecord.dumps(record, body=doc.body, newline=doc.newline)


def _why_not_layout(doc: newsrecord.Document, text: str, path: str) -> str | None:
    """Say why *text* is more than a new layout of *doc*, or None when it is only that."""
    new = newsrecord.loads(text, path=path)
    # The front matter as plain data, as read for the model: a text field stays the text
    # written ("P1M", not the 30 days the model makes of it), a number keeps its type
    # (0 is not 0.0). Key order is layout; dict equality ignores it.
    difference = _first_difference(doc._data, new._data, "")  # see above
    if difference is not None:
        return f"would change data ({difference})"
    # Comments are not data, so the check above cannot see them; the canonical writer
    # drops them all, and a '#' outside a value can only start one.
    if doc.text[: len(doc.text) - len(doc.body)].count("#") > text[
        : len(text) - len(new.body)
    ].count("#"):
        return "would drop comments"
    return None


def _first_difference(old: Any, new: Any, where: str) -> str | None:
    if type(old) is not type(new):
        return f"{where or 'the front matter'}: {_brief(old)} would become {_brief(new)}"
    if isinstance(old, dict):
        if old.keys() != new.keys():
            return f"{where or 'the front matter'}: the keys would change"
        for key in old:
            found = _first_difference(old[key], new[key], f"{where}.{key}" if where else key)
            if found is not None:
                return found
        return None
    if isinstance(old, list):
        if len(old) != len(new):
            return f"{where}: the number of items would change"
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found = _first_difference(a, b, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    if old != new and not (isinstance(old, float) and math.isnan(old) and math.isnan(new)):
        return f"{where}: {_brief(old)} would become {_brief(new)}"
    return None


def _brief(value: Any) -> str:
    return brief(value, 40) if isinstance(value, str) else repr(value)


def _fmt_batch(paths: list[str], write: bool) -> list[tuple[list[newsrecord.Problem], str | None]]:
    """Format a batch of files (in a worker); return each file's problems and diff.

    A file kept as it is gets the reason, starting with ``_KEPT``, in place of a diff.
    """
    results: list[tuple[list[newsrecord.Problem], str | None]] = []
    for path in paths:
        try:
            doc = newsrecord.load(path)
            text = _canonical(doc)
            if text == doc.text:
                results.append(([], None))
                continue
            reason = _why_not_layout(doc, text, path)
            if reason is not None:
                results.append(([], _KEPT + reason))
                continue
            if write:
                # The lost-update check of edit(): the file must still hold the very bytes
                # read, or someone else's change would be silently reverted.
                replace_if_unchanged(
                    Path(path), text.encode("utf-8"), expected=doc.text.encode("utf-8")
                )
        except newsrecord.RecordError as exc:
            results.append((list(exc.problems), None))
            continue
        except OSError as exc:
            results.append(([read_problem(path, exc)], None))
            continue
        results.append(([], unified_diff(doc.text, text, path)))
    return results
