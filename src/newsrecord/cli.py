"""The ``newsrecord`` command line, built on the public API only.

Exit status: 0 on success, 1 when a record is invalid (or ``fmt --check`` finds files to
reformat, or a file changed on disk during an edit), 2 on usage errors (a bad option, an
unknown field, a value that does not fit its field).

The secured blob is never printed in full unless ``--reveal`` asks for it: ``show``,
``get`` and ``json`` print it shortened (``ltnXZZfa…rETA==``) by default.
"""

from __future__ import annotations

import collections
import contextlib
import difflib
import itertools
import json
import os
import re
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any, Final, NoReturn, TypeVar

import attrs
import click

import newsrecord

__all__ = ["main"]

EXIT_INVALID: Final = 1

T = TypeVar("T")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsrecord")
def main() -> None:
    """Read, check and edit article-record files without losing a byte.

    Field paths use the YAML keys of the files: title, provider.name, images[0].width.
    Exit status: 0 on success, 1 when a record is invalid, 2 on usage errors.
    """


# --- helpers ---------------------------------------------------------------------------------


def _load(file: str) -> newsrecord.Document:
    """Load FILE, or print its problems and exit with status 1."""
    try:
        return newsrecord.load(file)
    except newsrecord.RecordError as exc:
        _exit_invalid(exc)
    except OSError as exc:
        raise click.FileError(file, hint=exc.strerror or str(exc)) from exc


def _exit_invalid(exc: newsrecord.RecordError) -> NoReturn:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_INVALID)


def _usage_error(
    exc: newsrecord.RecordError, hint: str, *, new_key: bool = True
) -> click.BadParameter:
    message = "; ".join(str(problem) for problem in exc.problems)
    if not new_key and " has no field " in message:
        message += " (--new-key adds a key the model does not know)"
    return click.BadParameter(message, param_hint=hint)


def _is_model(value: Any) -> bool:
    """Whether *value* is a model object (fields), not a value such as Secured or Price."""
    if not attrs.has(type(value)):
        return False
    try:
        newsrecord.fields(type(value))
    except TypeError:
        return False
    return True


_SECURED_KEY: Final = "secured"


class _Redactor:
    """Replaces every secured blob in plain data with its shortened form, counting them.

    Blobs are found by type (:class:`newsrecord.Secured`) and, in plain data the model
    does not type (a ``secured`` key of a kind without that field), by key.
    """

    def __init__(self, *, reveal: bool) -> None:
        self.reveal = reveal
        self.shortened = 0

    def plain(self, typed: Any, plain: Any, key: str = "") -> Any:
        """Return *plain* (the plain data of *typed*, found at *key*) with blobs shortened."""
        if self.reveal:
            return plain
        if isinstance(typed, newsrecord.Secured):
            return self._shorten(typed)
        if _is_model(typed) and isinstance(plain, dict):
            for spec in newsrecord.fields(type(typed)):
                item = getattr(typed, spec.name)
                if item is not None and spec.key in plain:
                    plain[spec.key] = self.plain(item, plain[spec.key], spec.key)
            for name in typed.extra:
                if name in plain:
                    plain[name] = self.untyped(plain[name], name)
            return plain
        if isinstance(typed, list) and isinstance(plain, list):
            return [self.plain(t, p, key) for t, p in zip(typed, plain, strict=False)]
        return self.untyped(plain, key)

    def untyped(self, plain: Any, key: str) -> Any:
        """Return plain data the model does not type, with ``secured`` strings shortened."""
        if self.reveal:
            return plain
        if key == _SECURED_KEY and isinstance(plain, str):
            return self._shorten(newsrecord.Secured(plain))
        if isinstance(plain, dict):
            return {name: self.untyped(item, name) for name, item in plain.items()}
        if isinstance(plain, list):
            return [self.untyped(item, key) for item in plain]
        return plain

    def _shorten(self, blob: newsrecord.Secured) -> str:
        self.shortened += 1
        return blob.redacted()

    def note(self) -> None:
        """Say on stderr that something was shortened, and how to see it."""
        if self.shortened:
            click.echo("newsrecord: the secured blob is shortened; --reveal prints it", err=True)


def _diff(old: str, new: str, path: str) -> str:
    """A unified diff of two texts, lines as they are (CRLF stays CRLF)."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _jobs_default() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not every platform has affinity masks
        return os.cpu_count() or 1


_JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per available core).",
)


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


def _run(
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
    pool = ProcessPoolExecutor(max_workers=jobs)
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
    finally:
        # Also on Ctrl-C or a closed pipe: do not wait for batches nobody will read.
        pool.shutdown(wait=not pending, cancel_futures=True)


def _files(paths: Iterable[str], problems: list[newsrecord.Problem]) -> Iterator[Path]:
    def unreadable(error: OSError) -> None:
        where = str(error.filename) if error.filename is not None else None
        problems.append(newsrecord.Problem(f"cannot be read: {error.strerror or error}", where))

    return newsrecord.iter_record_files(paths, onerror=unreadable)


def _read_problem(path: str, error: OSError) -> newsrecord.Problem:
    return newsrecord.Problem(f"cannot be read: {error.strerror or error}", path)


# --- show --------------------------------------------------------------------------------------


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--reveal", is_flag=True, help="Print the secured blob in full.")
def show(file: str, *, reveal: bool) -> None:
    """Print the typed record of FILE as a table and check that it round-trips."""
    doc = _load(file)
    click.echo(f"{type(doc.record).__name__} ({file})")
    plain = newsrecord.to_dict(doc.record)
    for name, value in _rows(doc.record, plain, "", _Redactor(reveal=reveal)):
        click.echo(f"  {name:<28} {value}")
    click.echo(f"  {'(body)':<28} {len(doc.body)} characters")
    same = doc.dumps() == doc.text
    click.echo("round trip: " + ("identical, byte for byte" if same else "DIFFERENT"))
    if not same:
        sys.exit(EXIT_INVALID)


def _rows(
    value: Any, plain: dict[str, Any], prefix: str, redactor: _Redactor
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for spec in newsrecord.fields(type(value)):
        item = getattr(value, spec.name)
        if item is not None:
            rows.extend(_value_rows(prefix + spec.key, item, plain[spec.key], redactor))
    for key in value.extra:
        shown = json.dumps(redactor.untyped(plain[key], key), ensure_ascii=False)
        rows.append((f"{prefix}{key}", f"{shown} (unknown key)"))
    return rows


def _value_rows(name: str, item: Any, plain: Any, redactor: _Redactor) -> list[tuple[str, str]]:
    if isinstance(item, newsrecord.Secured):
        shown = redactor.plain(item, plain)
        return [(name, shown if redactor.reveal else f"{shown} ({len(item.raw)} chars)")]
    if isinstance(item, list):
        rows: list[tuple[str, str]] = []
        for index, (element, element_plain) in enumerate(zip(item, plain, strict=True)):
            rows.extend(_value_rows(f"{name}[{index}]", element, element_plain, redactor))
        return rows or [(name, "[]")]
    if _is_model(item):
        return _rows(item, plain, name + ".", redactor)
    return [(name, plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False))]


# --- validate ----------------------------------------------------------------------------------

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
@_JOBS_OPTION
def validate(paths: tuple[str, ...], output: str, *, strict: bool, jobs: int | None) -> None:
    """Check record files and folders (recursively, *.md but not README.md).

    Prints every problem of every file as PATH:LINE:COL: field: message, then a summary
    line; exits with status 1 if any record is invalid. The work is spread over all cores;
    on a terminal a progress bar shows on stderr.
    """
    walk_problems: list[newsrecord.Problem] = []
    checked = invalid = problem_count = 0
    kept: list[newsrecord.Problem] = []  # only --format json needs them all at the end
    with contextlib.ExitStack() as stack:
        bar = _progress_bar(stack, paths)
        for _, problems in _run(
            _validate_batch, _files(paths, walk_problems), strict, jobs or _jobs_default()
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
    if checked == 0 and not walk_problems:
        click.echo("newsrecord: no record files found", err=True)
    sys.exit(EXIT_INVALID if problem_count else 0)


_BAR_THRESHOLD: Final = 100
"""Runs over fewer files end before a progress bar would tell anything."""


def _progress_bar(stack: contextlib.ExitStack, paths: Iterable[str]) -> Any:
    """A progress bar on stderr when it is a terminal and the run is long, else None."""
    if not sys.stderr.isatty():
        return None
    # Counting walks the tree once more without reading a file: cheap next to validating.
    total = sum(1 for _ in _files(paths, []))
    if total < _BAR_THRESHOLD:
        return None
    return stack.enter_context(
        click.progressbar(length=total, label="validating", file=sys.stderr, width=30)
    )


def _summary(checked: int, invalid: int, problems: int, *, strict: bool) -> str:
    files = "file" if checked == 1 else "files"
    mode = " (strict)" if strict else ""
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
            results.append([_read_problem(path, exc)])
            continue
        results.append(_strict_problems(doc, path) if strict else [])
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
    if _is_model(value):
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
            shown = value if len(value) <= 60 else value[:57] + "..."
            return f"not a URL: {shown!r} (expected http(s)://host/... or /path)"
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


# --- get, set, unset, append ------------------------------------------------------------------

_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False))
_DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."
)


def _as_json(text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option("--json", "as_json", is_flag=True, help=text)


_NEW_KEY = click.option(
    "--new-key", is_flag=True, help="Allow adding a key the model does not know."
)


@main.command()
@_FILE
@click.argument("field")
@click.option("--reveal", is_flag=True, help="Print the secured blob in full.")
def get(file: str, field: str, *, reveal: bool) -> None:
    """Print the value of FIELD in FILE: strings as they are, everything else as JSON.

    An absent field prints null. FIELD is a path of YAML keys: title, provider.name,
    images[0].width, topics[-1].
    """
    doc = _load(file)
    try:
        typed = newsrecord.get_field(doc.record, field)
        plain = newsrecord.get_field(doc.record, field, plain=True)
    except newsrecord.ValidationError as exc:
        raise _usage_error(exc, "FIELD") from exc
    redactor = _Redactor(reveal=reveal)
    keys = re.findall(r"[^.\[\]]+", field)
    plain = redactor.plain(typed, plain, keys[-1] if keys else "")
    if isinstance(plain, str):
        click.echo(plain)
    else:
        indent = 2 if isinstance(plain, dict | list) else None
        click.echo(json.dumps(plain, indent=indent, ensure_ascii=False))
    redactor.note()


def _edit(file: str, change: Callable[[newsrecord.AnyRecord], None], *, dry_run: bool) -> None:
    """Apply *change* to FILE's record: print the diff, or save atomically."""
    if dry_run:
        doc = _load(file)
        change(doc.record)
        try:
            text = doc.dumps()
        except newsrecord.RecordError as exc:
            _exit_invalid(exc)
        click.echo(_diff(doc.text, text, file), nl=False)
        return
    try:
        with newsrecord.edit(file) as doc:
            change(doc.record)
    except newsrecord.RecordError as exc:
        _exit_invalid(exc)


def _parse_json(text: str, hint: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {text!r} ({exc})", param_hint=hint) from exc


@main.command(name="set")
@_FILE
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@_DRY_RUN
@_as_json("Read each VALUE as JSON, whatever the field's type.")
@_NEW_KEY
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
        pairs.append((field, _parse_json(value, assignment) if as_json else value))

    def change(record: newsrecord.AnyRecord) -> None:
        for field, value in pairs:
            try:
                newsrecord.set_field(record, field, value, parse=not as_json, strict=not new_key)
            except newsrecord.ValidationError as exc:
                raise _usage_error(exc, "FIELD=VALUE", new_key=new_key) from exc

    _edit(file, change, dry_run=dry_run)


@main.command()
@_FILE
@click.argument("fields", nargs=-1, required=True, metavar="FIELD...")
@_DRY_RUN
def unset(file: str, fields: tuple[str, ...], *, dry_run: bool) -> None:
    """Remove fields from FILE (their lines leave the file); topics[1] removes an item."""

    def change(record: newsrecord.AnyRecord) -> None:
        for field in fields:
            try:
                newsrecord.unset_field(record, field)
            except newsrecord.ValidationError as exc:
                raise _usage_error(exc, "FIELD") from exc

    _edit(file, change, dry_run=dry_run)


@main.command()
@_FILE
@click.argument("field")
@click.argument("value")
@_DRY_RUN
@_as_json("Read VALUE as JSON, whatever the item type.")
@_NEW_KEY
def append(
    file: str, field: str, value: str, *, dry_run: bool, as_json: bool, new_key: bool
) -> None:
    """Append VALUE to the list FIELD of FILE (creating the list), read as its item type.

    For example: append FILE topics "Machine learning", or
    append FILE images '{"url": "https://example.com/a.png", "width": 800}'.
    """
    item = _parse_json(value, "VALUE") if as_json else value

    def change(record: newsrecord.AnyRecord) -> None:
        try:
            newsrecord.append_field(record, field, item, parse=not as_json, strict=not new_key)
        except newsrecord.ValidationError as exc:
            raise _usage_error(exc, "FIELD VALUE", new_key=new_key) from exc

    _edit(file, change, dry_run=dry_run)


# --- fmt -------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--check", is_flag=True, help="Write nothing; list files that would change, exit 1.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print unified diffs.")
@_JOBS_OPTION
def fmt(paths: tuple[str, ...], *, check: bool, show_diff: bool, jobs: int | None) -> None:
    """Rewrite records in the canonical house style (key order, quoting, layout).

    The data does not change, only how it is written; the body stays as it is. With
    --check, print the files that would change and exit 1 if there are any.
    """
    write = not (check or show_diff)
    walk_problems: list[newsrecord.Problem] = []
    changed = total = invalid = 0
    for path, (problems, diff) in _run(
        _fmt_batch, _files(paths, walk_problems), write, jobs or _jobs_default()
    ):
        total += 1
        if problems:
            invalid += 1
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
    for problem in walk_problems:
        click.echo(str(problem), err=True)
    invalid += len(walk_problems)
    verb = "reformatted" if write else "would be reformatted"
    click.echo(f"{changed} of {total} files {verb}", err=True)
    if invalid:
        click.echo(f"{invalid} files could not be read as records", err=True)
    sys.exit(EXIT_INVALID if invalid or (check and changed) else 0)


def _canonical(doc: newsrecord.Document) -> str:
    record = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=type(doc.record))
    return newsrecord.dumps(record, body=doc.body, newline=doc.newline)


def _fmt_batch(paths: list[str], write: bool) -> list[tuple[list[newsrecord.Problem], str | None]]:
    """Format a batch of files (in a worker); return each file's problems and diff."""
    results: list[tuple[list[newsrecord.Problem], str | None]] = []
    for path in paths:
        try:
            doc = newsrecord.load(path)
            text = _canonical(doc)
            if text != doc.text and write:
                newsrecord.loads(text, path=path).save()
        except newsrecord.RecordError as exc:
            results.append((list(exc.problems), None))
            continue
        except OSError as exc:
            results.append(([_read_problem(path, exc)], None))
            continue
        results.append(([], _diff(doc.text, text, path) if text != doc.text else None))
    return results


# --- json and new ----------------------------------------------------------------------------


@main.command(name="json")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--with-body", is_flag=True, help='Add the body as "body".')
@click.option("--with-path", is_flag=True, help='Add the file\'s path as "path" (first key).')
@click.option("--reveal", is_flag=True, help="Export secured blobs in full (else shortened).")
@_JOBS_OPTION
def json_(
    paths: tuple[str, ...], *, with_body: bool, with_path: bool, reveal: bool, jobs: int | None
) -> None:
    """Export records as JSON Lines: one object per record, as to_dict() gives it.

    Secured blobs are shortened unless --reveal is given (so by default the output cannot
    recreate the files exactly). Invalid records are reported on stderr, and the exit
    status is then 1.
    """
    walk_problems: list[newsrecord.Problem] = []
    invalid = 0
    options = (with_body, with_path, reveal)
    for _, (problems, line) in _run(
        _json_batch, _files(paths, walk_problems), options, jobs or _jobs_default()
    ):
        if line is not None:
            click.echo(line)
        for problem in problems:
            click.echo(str(problem), err=True)
        invalid += bool(problems)
    for problem in walk_problems:
        click.echo(str(problem), err=True)
    if invalid or walk_problems:
        sys.exit(EXIT_INVALID)


def _json_batch(
    paths: list[str], options: tuple[bool, bool, bool]
) -> list[tuple[list[newsrecord.Problem], str | None]]:
    """Export a batch of files (in a worker): each file's problems and JSON line."""
    with_body, with_path, reveal = options
    results: list[tuple[list[newsrecord.Problem], str | None]] = []
    for path in paths:
        try:
            doc = newsrecord.load(path)
        except newsrecord.RecordError as exc:
            results.append((list(exc.problems), None))
            continue
        except OSError as exc:
            results.append(([_read_problem(path, exc)], None))
            continue
        data = _Redactor(reveal=reveal).plain(doc.record, newsrecord.to_dict(doc.record))
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
@click.option("--crlf", is_flag=True, help="Write CRLF line breaks.")
def new(source: IO[str], out: str, *, force: bool, crlf: bool) -> None:
    """Create the record file OUT.md in the house style from a JSON object.

    The object is a record as to_dict() (or the json command) gives it. A top-level
    "body" string becomes the body and a "path" key is ignored, so that a line of
    `newsrecord json --with-body --with-path` makes the file again.
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
    try:
        record = newsrecord.from_dict(data)
        text = newsrecord.dumps(record, body=body, newline="\r\n" if crlf else "\n")
        newsrecord.loads(text, path=out).save()
    except newsrecord.RecordError as exc:
        _exit_invalid(exc)


# --- schema ----------------------------------------------------------------------------------


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


if __name__ == "__main__":  # pragma: no cover
    main()
