"""Commands that check records over whole trees: validate, fmt."""

from __future__ import annotations

import collections
import contextlib
import difflib
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import click

import newsrecord
from newsrecord.cli import _runner as runner
from newsrecord.cli._app import (
    DIFF_HELP,
    EXIT_INVALID,
    JOBS_OPTION,
    PATTERN_OPTION,
    ExistingPath,
    format_option,
    main,
    no_records_found,
)
from newsrecord.cli._limits import LIMIT_OPTION, with_limit_hints
from newsrecord.cli._redact import unified_diff
from newsrecord.errors import brief, counted, shown_field
from newsrecord.files import replace_if_unchanged


@main.command()
@click.argument("paths", nargs=-1, type=ExistingPath(), metavar="PATHS...")
@format_option(
    "one problem per line, then a summary",
    github_means="GitHub Actions annotations, the summary on stderr",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also run the strict rules: secured blobs well formed, URLs are URLs, sizes >= 0.",
)
@click.option(
    "--rule",
    "--select",
    "rules",
    multiple=True,
    metavar="NAME",
    help="Run this rule too (repeat, or NAME,NAME; 'all' for every rule). See --list-rules.",
)
@click.option(
    "--no-rule",
    "--ignore",
    "no_rules",
    multiple=True,
    metavar="NAME",
    help="Do not run this rule (repeat, or NAME,NAME).",
)
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option(
    "--site-root",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="The site's root for image-path (default: nearest folder with _config.yml).",
)
@click.option(
    "--changed-since",
    metavar="REV",
    default=None,
    help="Check only records that differ from git revision REV (and untracked ones).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Known problems (from --write-baseline) that do not fail the run.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write every problem found to this file as the baseline, and exit 0.",
)
@PATTERN_OPTION
@JOBS_OPTION
@LIMIT_OPTION
def validate(  # one parameter per option
    paths: tuple[str, ...],
    output: str,
    *,
    strict: bool,
    rules: tuple[str, ...],
    no_rules: tuple[str, ...],
    list_rules: bool,
    site_root: str | None,
    changed_since: str | None,
    baseline: str | None,
    write_baseline: str | None,
    pattern: str,
    jobs: int | None,
    limits: newsrecord.Limits,
) -> None:
    """Check record files and folders (recursively, *.md but not README.md).

    Prints every problem of every file as PATH:LINE:COL: field: message, then a summary
    line; exits with status 1 if any record is invalid, or if no record file was found.
    --format github prints each problem as a GitHub Actions annotation
    (::error file=PATH,line=L,col=C,title=FIELD::MESSAGE; problems known in the
    --baseline as ::warning) and the summary on stderr.
    Rules beyond the model run when selected (--strict, --rule; --list-rules lists them).
    The work is spread over all cores; on a terminal a progress bar shows on stderr.
    """
    if list_rules:
        for rule in newsrecord.RULES.values():
            flags = " (strict)" if rule.strict else " (across records)" if rule.across else ""
            click.echo(f"{rule.name:18} {rule.summary}{flags}")
        return
    if not paths:
        raise click.UsageError("validate needs at least one PATH")
    selected = _selected_rules(rules, no_rules, strict=strict)
    across = any(newsrecord.RULES[name].across for name in selected)
    walk_problems: list[newsrecord.Problem] = []
    wanted: set[str] | None = None
    files: Iterable[Path]
    if changed_since is not None:
        # Only here: the git module imports the diff module, which validate needs not.
        from newsrecord.cli._git import changed_since as changed_since_files  # noqa: PLC0415

        changed = changed_since_files(changed_since, paths)
        wanted = {str(path) for path in changed}
        # Rules across records compare with every record, changed or not.
        files = runner.record_files(paths, walk_problems, pattern) if across else changed
    else:
        files = runner.record_files(paths, walk_problems, pattern)
    checked = 0
    by_file: list[list[newsrecord.Problem]] = []
    facts: list[newsrecord.RecordFacts] = []
    with contextlib.ExitStack() as stack:
        bar = runner.progress_bar(stack, paths) if wanted is None else None
        for path, (problems, fact) in runner.run_batches(
            _validate_batch,
            files,
            (tuple(sorted(selected)), site_root, limits),
            jobs or runner.default_jobs(),
        ):
            if bar is not None:
                bar.update(1)
            if fact is not None:
                facts.append(fact)
            if wanted is not None and path not in wanted:
                continue
            checked += 1
            by_file.append(problems)
    if across:
        by_path: dict[str, list[newsrecord.Problem]] = {}
        for problem in newsrecord.cross_record_problems(facts, selected):
            if wanted is None or problem.path in wanted:
                by_path.setdefault(problem.path or "", []).append(problem)
        by_file.extend(by_path.values())
    if write_baseline is not None:
        every = [problem for problems in (*by_file, walk_problems) for problem in problems]
        count = _write_baseline(write_baseline, every)
        click.echo(f"wrote {count} known problems to {write_baseline}")
        return
    # With --changed-since, nothing to check is a normal outcome, not a mistake.
    quiet = changed_since is not None
    _report(
        by_file,
        walk_problems,
        checked,
        output,
        strict=strict,
        baseline=baseline,
        quiet=quiet,
        paths=paths,
        pattern=pattern,
    )


def _report(
    by_file: list[list[newsrecord.Problem]],
    walk_problems: list[newsrecord.Problem],
    checked: int,
    output: str,
    *,
    strict: bool,
    baseline: str | None,
    quiet: bool,
    paths: tuple[str, ...],
    pattern: str,
) -> None:
    """Print the problems the baseline does not excuse and the summary; set the exit status."""
    known = _read_baseline(baseline) if baseline is not None else None
    kept: list[newsrecord.Problem] = []
    excused: list[newsrecord.Problem] = []
    invalid_paths: set[str | None] = set()
    for problems in by_file:
        fresh = problems
        if known is not None:
            fresh, known_here = _split_by_baseline(problems, known, baseline or "")
            excused.extend(known_here)
        invalid_paths.update(problem.path for problem in fresh)
        kept.extend(fresh)
    ignored = len(excused)
    invalid = len(invalid_paths)
    # Folders that could not be listed are problems too: the run did not see everything.
    kept.extend(walk_problems)
    problem_count = len(kept)
    if output == "json":
        summary = {
            "checked": checked,
            "valid": checked - invalid,
            "invalid": invalid,
            "problems": [_problem_json(problem) for problem in kept],
        }
        if baseline is not None:
            summary["known"] = ignored
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        github = output == "github"
        for problem in kept:
            click.echo(_annotation("error", problem) if github else str(problem))
        if github:
            # Known problems do not fail the run: shown, as warnings, not as errors.
            for problem in excused:
                click.echo(_annotation("warning", problem, " (known in the baseline)"))
        line = _summary(checked, invalid, problem_count, strict=strict)
        if ignored:
            line += f" ({ignored} more known in the baseline)"
        # Annotations alone on stdout: the summary is for the log, not a workflow command.
        click.echo(line, err=github)
    if checked == 0 and not quiet:
        # Nothing checked is not "all valid": a wrong folder or pattern must not pass.
        no_records_found(paths, pattern)
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_INVALID if problem_count else 0)


def _annotation(level: str, problem: newsrecord.Problem, note: str = "") -> str:
    """*problem* as a GitHub Actions workflow command: ``::error file=...::message``.

    Values are escaped as the runner reads them (a line break would end the command, a
    ``,`` or ``:`` in a property would end the property); the field is shortened as in
    every report (a secured blob typed where a field goes is never shown whole).
    """
    properties = {
        "file": problem.path,
        "line": problem.line,
        "col": problem.column,
        "title": shown_field(problem.field) if problem.field else None,
    }
    listed = ",".join(
        f"{name}={_escaped(str(value), _PROPERTY_ESCAPES)}"
        for name, value in properties.items()
        if value is not None
    )
    message = _escaped(problem.message + note, _DATA_ESCAPES)
    return f"::{level} {listed}::{message}" if listed else f"::{level}::{message}"


_DATA_ESCAPES: Final = {"%": "%25", "\r": "%0D", "\n": "%0A"}
"""What GitHub's runner unescapes in a workflow command's message (``%`` first)."""
_PROPERTY_ESCAPES: Final = {**_DATA_ESCAPES, ":": "%3A", ",": "%2C"}
"""What it unescapes in a property's value: also the characters that end one."""


def _escaped(text: str, escapes: dict[str, str]) -> str:
    return "".join(escapes.get(character, character) for character in text)


def _selected_rules(rules: tuple[str, ...], no_rules: tuple[str, ...], *, strict: bool) -> set[str]:
    def names(values: tuple[str, ...], hint: str) -> set[str]:
        found = {name.strip() for value in values for name in value.split(",") if name.strip()}
        if "all" in found:
            found = (found - {"all"}) | set(newsrecord.RULES)
        unknown = found - set(newsrecord.RULES)
        if unknown:
            choices = ", ".join(newsrecord.RULES)
            first = sorted(unknown)[0]
            close = difflib.get_close_matches(first, list(newsrecord.RULES), n=1)
            guess = f"; did you mean {close[0]}?" if close else ""
            raise click.BadParameter(
                f"no such rule: {', '.join(sorted(unknown))}{guess} (rules: {choices})",
                param_hint=hint,
            )
        return found

    selected = {rule.name for rule in newsrecord.RULES.values() if strict and rule.strict}
    return (selected | names(rules, "--rule")) - names(no_rules, "--no-rule")


# --- baselines: known problems that do not fail a run ----------------------------------------

_BASELINE_VERSION: Final = 1


def _baseline_key(problem: newsrecord.Problem, folder: Path) -> tuple[str, str, str]:
    """Path (relative to the baseline's folder), field and message: never the line."""
    path = Path(problem.path or "").resolve()
    try:
        name = path.relative_to(folder).as_posix()
    except ValueError:
        name = path.as_posix()
    return name, problem.field or "", problem.message


def _write_baseline(file: str, problems: list[newsrecord.Problem]) -> int:
    folder = Path(file).resolve().parent
    keys = sorted(_baseline_key(problem, folder) for problem in problems)
    entries = [{"path": path, "field": field, "message": message} for path, field, message in keys]
    text = json.dumps({"version": _BASELINE_VERSION, "problems": entries}, indent=2)
    try:
        Path(file).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.FileError(file, hint=exc.strerror or str(exc)) from exc
    return len(entries)


def _read_baseline(file: str) -> collections.Counter[tuple[str, str, str]]:
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        return collections.Counter(
            (str(entry["path"]), str(entry.get("field") or ""), str(entry["message"]))
            for entry in data["problems"]
        )
    except OSError as exc:
        # A usage error (status 2), as a baseline that is not one: not an invalid record.
        raise click.BadParameter(
            f"cannot read {file}: {exc.strerror or exc}", param_hint="--baseline"
        ) from exc
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"{file} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            param_hint="--baseline",
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # JSON, but not of a baseline: no "problems" list of entries with a path and a
        # message (a Python error's text would say nothing more to the user).
        raise click.BadParameter(
            f'{file} is not a baseline written by --write-baseline: it needs a "problems" '
            'list of objects with "path" and "message"',
            param_hint="--baseline",
        ) from exc


def _split_by_baseline(
    problems: list[newsrecord.Problem],
    known: collections.Counter[tuple[str, str, str]],
    file: str,
) -> tuple[list[newsrecord.Problem], list[newsrecord.Problem]]:
    """The problems the baseline does not list, and those it does (each entry excuses one)."""
    folder = Path(file).resolve().parent
    fresh, excused = [], []
    for problem in problems:
        key = _baseline_key(problem, folder)
        if known[key] > 0:
            known[key] -= 1
            excused.append(problem)
        else:
            fresh.append(problem)
    return fresh, excused


def _summary(checked: int, invalid: int, problems: int, *, strict: bool) -> str:
    files = counted(checked, "file")
    mode = " (strict)" if strict else ""
    if not checked:
        return f"checked 0 files{mode}: no record files found"
    if not problems:
        return f"checked {files}{mode}: all valid"
    found = counted(problems, "problem")
    return f"checked {files}{mode}: {checked - invalid} valid, {invalid} invalid ({found})"


def _problem_json(problem: newsrecord.Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
    }


def _validate_batch(
    paths: list[str], option: tuple[tuple[str, ...], str | None, newsrecord.Limits]
) -> list[tuple[list[newsrecord.Problem], newsrecord.RecordFacts | None]]:
    """Check a batch of files (in a worker process); return each file's problems and facts."""
    rules, site_root, limits = option
    results: list[tuple[list[newsrecord.Problem], newsrecord.RecordFacts | None]] = []
    for path, doc in runner.load_each(paths, limits):
        if not isinstance(doc, newsrecord.Document):
            results.append((doc, None))
            continue
        problems = newsrecord.check_document(doc, rules, path=path, site_root=site_root)
        results.append((doc.problems + problems, newsrecord.facts_of(doc, path)))
    return results


@main.command()
@click.argument("paths", nargs=-1, required=True, type=ExistingPath())
@click.option("--check", is_flag=True, help="Write nothing; list files that would change, exit 1.")
@click.option("--diff", "show_diff", is_flag=True, help=DIFF_HELP)
@PATTERN_OPTION
@JOBS_OPTION
@LIMIT_OPTION
def fmt(
    paths: tuple[str, ...],
    *,
    check: bool,
    show_diff: bool,
    pattern: str,
    jobs: int | None,
    limits: newsrecord.Limits,
) -> None:
    """Rewrite records in the canonical house style (key order, quoting, layout).

    Only layout changes: comments go with the entry or list item below them (or on their
    line). A file whose rewrite would change its data (a value's type or text), change
    what Jekyll reads (a value YAML 1.1 reads otherwise, see --rule yaml11 of validate)
    or drop a comment (one inside a flow collection) is kept as it is, with a note on
    stderr. The site's pages (about.md: no `type`, in no folder that names a kind, with a
    `layout` or `permalink` key) are left alone. The body stays as it is. A file changed
    by someone else while it is formatted is not overwritten. With --check, print the
    files that would change and exit 1 if there are any.
    """
    write = not (check or show_diff)
    walk_problems: list[newsrecord.Problem] = []
    tally = _Formatted(check=check, show_diff=show_diff)
    unfinished = runner.Unfinished()
    with contextlib.ExitStack() as stack:
        stopped = stack.enter_context(runner.Interruption())  # see runner.end_interrupted
        tally.bar = runner.progress_bar(stack, paths, label="formatting", stdout_busy=not write)
        found = runner.record_files(paths, walk_problems, pattern)
        # Closed as the block ends, before its Ctrl-C is caught: unfinished is told then.
        done = stack.enter_context(
            contextlib.closing(
                runner.run_batches(
                    _fmt_batch, found, (write, limits), jobs or runner.default_jobs(), unfinished
                )
            )
        )
        for path, (problems, diff) in done:
            tally.add(path, problems, diff)
    # After a Ctrl-C, the files done that were not told yet (else there are none).
    for path, (problems, diff) in unfinished.results:
        tally.add(path, problems, diff)
    tally.read_only.echo(tally.bar)
    runner.report(walk_problems, tally.bar)
    changed, total, pages, unsaved = tally.changed, tally.total, tally.pages, tally.unsaved
    invalid = tally.invalid + len(walk_problems)
    verb = "reformatted" if write else "would be reformatted"
    if stopped.happened:
        runner.end_interrupted(
            f"{changed} of {counted(total, 'file')} {verb} so far",
            under_way=unfinished.under_way,
        )
    click.echo(f"{changed} of {counted(total, 'file')} {verb}", err=True)
    if pages:
        shown = counted(pages, "page")
        click.echo(f"{shown} of the site (layout: or permalink:) left alone", err=True)
    if unsaved:
        click.echo(f"{counted(unsaved, 'file')} could not be saved", err=True)
    if invalid:
        click.echo(f"{counted(invalid, 'file')} could not be read as records", err=True)
    if total == 0:
        no_records_found(paths, pattern)
    failed = invalid or unsaved or total == 0
    sys.exit(EXIT_INVALID if failed or (check and changed) else 0)


class _Formatted:
    """What fmt did so far: counts of the files, as each one's outcome is told."""

    def __init__(self, *, check: bool, show_diff: bool) -> None:
        self.check, self.show_diff = check, show_diff
        self.changed = self.total = self.invalid = self.unsaved = self.pages = 0
        self.read_only = runner.ReadOnlyFolders()
        self.bar: Any = None

    def add(self, path: str, problems: list[newsrecord.Problem], diff: str | None) -> None:
        """Count the outcome of the file *path* and print what it says."""
        self.total += 1
        if self.bar is not None:
            self.bar.update(1)
        if diff is not None and diff.startswith(_KEPT):
            runner.clear_bar_line(self.bar)
            click.echo(f"{path}: {diff}", err=True)
        elif diff == _PAGE:
            self.pages += 1
        elif problems:
            self.unsaved += diff == _UNSAVED
            self.invalid += diff != _UNSAVED
            runner.report(self.read_only.shorten(problems), self.bar)
        elif diff is not None:
            self.changed += 1
            if self.show_diff:
                click.echo(diff, nl=False)
            if self.check:
                click.echo(path)


_KEPT: Final = "kept as it is: "
_PAGE: Final = "(a page)"  # in place of a diff: a page of the site, left alone


def _is_page(doc: newsrecord.Document) -> bool:
    """Whether *doc* is a page of the site (``about.md``) rather than a record.

    Of no known kind (no ``type``, in no folder that names one), with a key that Jekyll
    pages carry and records never do (their collection sets them): its keys have no house
    order, and a page's author chose the order they have.
    """
    record = doc.record
    return (
        type(record) is newsrecord.Record
        and record.type is None
        and not _PAGE_KEYS.isdisjoint(record.extra)
    )


_PAGE_KEYS: Final = frozenset({"layout", "permalink"})
_UNSAVED: Final = "(not saved)"  # in place of a diff: the file is a record, its save failed


def _canonical(doc: newsrecord.Document, limits: newsrecord.Limits) -> str:
    record = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=type(doc.record))
    bom = "\ufeff" if doc.text.startswith("\ufeff") else ""
    text = bom + newsrecord.dumps(record, body=doc.body, newline=doc.newline)
    if "#" not in doc.text[: doc._parts.body_start]:
        return text
    # Comments go with their entries into the new layout; one that finds no place is
    # dropped here, and the check for dropped comments then keeps the file as it is.
    # (Imported here: validate, in this module too, writes nothing.)
    from newsrecord._write.fresh import carry_comments  # noqa: PLC0415

    fresh = newsrecord.loads(text, limits=limits)
    carried = carry_comments(
        doc.text,
        doc._root,
        (doc._parts.yaml_start, doc._parts.yaml_end),
        text,
        fresh._root,
        fresh._parts.yaml_end,
    )
    return text if carried is None else carried


def _why_not_layout(
    doc: newsrecord.Document, text: str, path: str, limits: newsrecord.Limits
) -> str | None:
    """Say why *text* is more than a new layout of *doc*, or None when it is only that."""
    # Values Jekyll (YAML 1.1) reads otherwise than newsrecord (quality: 0075, octal 61
    # there) would be written as newsrecord reads them: the site would change.
    jekyll = newsrecord.check_document(doc, ["yaml11"], path=path)
    if jekyll:
        first = jekyll[0]
        return (
            f"would change what Jekyll reads (line {first.line}: {first.field}: "
            f"{first.message}; `newsrecord validate --rule yaml11` lists them)"
        )
    new = newsrecord.loads(text, path=path, limits=limits)
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


def _key_shown(where: str, key: str, data: dict[str, Any]) -> str:
    value = data[key]
    shown = "(empty)" if value is None or value == "" else _brief(value)
    return f"{where}.{key} {shown}" if where else f"{key} {shown}"


def _first_difference(old: Any, new: Any, where: str) -> str | None:
    if type(old) is not type(new):
        return f"{where or 'the front matter'}: {_brief(old)} would become {_brief(new)}"
    if isinstance(old, dict):
        if old.keys() != new.keys():
            gone, added = sorted(old.keys() - new.keys()), sorted(new.keys() - old.keys())
            # Name them: an empty value (domain:) that the house style drops is the
            # usual cause, and the file is kept as it is until it is mended.
            told = [
                *(f"{_key_shown(where, key, old)} would go" for key in gone[:3]),
                *(f"{_key_shown(where, key, new)} would come" for key in added[:3]),
            ]
            return "; ".join(told)
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


def _fmt_batch(
    paths: list[str], option: tuple[bool, newsrecord.Limits]
) -> list[tuple[list[newsrecord.Problem], str | None]]:
    """Format a batch of files (in a worker); return each file's problems and diff.

    A file kept as it is gets the reason, starting with ``_KEPT``, in place of a diff.
    """
    write, limits = option
    results: list[tuple[list[newsrecord.Problem], str | None]] = []
    for path in paths:
        try:
            doc = newsrecord.load(path, limits=limits)
            if _is_page(doc):
                results.append(([], _PAGE))
                continue
            text = _canonical(doc, limits)
            if text == doc.text:
                results.append(([], None))
                continue
            reason = _why_not_layout(doc, text, path, limits)
            if reason is not None:
                results.append(([], _KEPT + reason))
                continue
            if write:
                # The lost-update check of edit(): the file must still hold the very bytes
                # read, or someone else's change would be silently reverted.
                try:
                    replace_if_unchanged(
                        path, text.encode("utf-8"), expected=doc.text.encode("utf-8")
                    )
                except OSError as exc:  # FileError, ConflictError: a record all the same
                    if isinstance(exc, newsrecord.RecordError):
                        problems = runner.save_problems(path, exc)
                    else:
                        problems = [runner.read_problem(path, exc)]
                    results.append((problems, _UNSAVED))
                    continue
        except newsrecord.RecordError as exc:
            results.append((with_limit_hints(exc.problems), None))
            continue
        except OSError as exc:
            results.append(([runner.read_problem(path, exc)], None))
            continue
        results.append(([], unified_diff(doc.text, text, path)))
    return results
