"""Commands for record files in git repositories: diff, merge, git setup, git resolve.

``diff`` compares records field by field (two files, two revisions of a tree, a revision
and the working tree, or the seven arguments git gives an external diff program;
``--textconv`` prints the one-line-per-field view git's ``diff.<driver>.textconv``
wants). ``merge`` is a git merge driver (``%O %A %B``). ``git setup`` installs both in a
repository; ``git resolve`` re-runs the merge on conflicted files, for hosts that ignore
merge drivers.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final, NamedTuple, NoReturn

import click

import newsrecord
from newsrecord._read.text import CONFLICT_MARKER
from newsrecord.cli._app import EXIT_INVALID, EXIT_USAGE, format_option, main
from newsrecord.cli._limits import LIMIT_OPTION, limit_arguments, with_limit_hints
from newsrecord.cli._redact import describe_blob, mask_blobs, unified_diff
from newsrecord.diff import (
    FieldChange,
    count_line_changes,
    diff_records,
    identities,
    summarize_changes,
)
from newsrecord.errors import counted
from newsrecord.files import SKIPPED_NAMES, Batch, write_atomically

DRIVER: Final = "newsrecord"
"""The name of the merge and diff drivers ``git setup`` installs."""
NULL_FILE: Final = "/dev/null"
STDIN: Final = "-"
"""A diff argument that stands for standard input (one side at most)."""
STDIN_NAME: Final = "<stdin>"
_RECORD_PATTERN: Final = "*.md"
# An object name and a file mode as git gives them to an external diff (".": none).
_OBJECT_NAME: Final = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}|\.")
_FILE_MODE: Final = re.compile(r"[0-7]{6}|\.")


# --- running git ---------------------------------------------------------------------------


class GitError(click.ClickException):
    """A git command failed: shown as a usage error (exit status 2)."""

    exit_code = EXIT_USAGE


def git(*args: str, cwd: str | None = None, check: bool = True) -> str:
    """Run git with *args*; return its standard output as text."""
    program = shutil.which("git")
    if program is None:
        raise GitError("git is not installed (not on PATH)")
    done = subprocess.run(  # noqa: S603  # git from PATH, arguments are ours
        [program, *args], capture_output=True, cwd=cwd, check=False
    )
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {args[0]}: {message}")
    return done.stdout.decode("utf-8", "surrogateescape")


def is_record_name(path: str) -> bool:
    """Whether a path in a tree names a record file (``*.md`` but not README.md)."""
    name = PurePosixPath(path).name
    return fnmatch.fnmatchcase(name, _RECORD_PATTERN) and name.lower() not in SKIPPED_NAMES


def is_revision(name: str, cwd: str | None = None) -> bool:
    """Whether git knows *name* as a revision (a commit) in the repository around *cwd*."""
    found = git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", cwd=cwd, check=False)
    return bool(found)


def in_repository(cwd: str | None = None) -> bool:
    """Whether *cwd* (the current folder by default) is in a git repository."""
    return bool(git("rev-parse", "--git-dir", cwd=cwd, check=False).strip())


_REVISION_SYNTAX: Final = re.compile(r"[~^]|@\{|\.\.|^@$")
"""What only a revision is written with (``HEAD~5``, ``main^2``, ``main@{1}``, ``a..b``)."""


def unknown_revision(name: str, cwd: str | None = None) -> str:
    """The message for *name*, a revision git does not know; for ``REV~N``, how far back it goes.

    ``HEAD~5`` in a repository of one commit is the likeliest case: the message says how
    many commits there are.
    """
    message = f"unknown revision {name!r}"
    back = re.fullmatch(r"(.+?)~(\d*)", name)
    if back is not None and is_revision(back[1], cwd):
        listed = git("rev-list", "--count", "--first-parent", back[1], cwd=cwd)
        count = int(listed.strip() or 0)
        message += f": {back[1]} has {counted(count, 'commit')} in its first-parent history"
    return message


def toplevel(cwd: str | None = None) -> Path:
    """The root of the working tree of the repository around *cwd*."""
    return Path(git("rev-parse", "--show-toplevel", cwd=cwd).strip())


def changed_since(revision: str, paths: Sequence[str]) -> list[Path]:
    """Record files among *paths* that differ from *revision*, including untracked ones.

    Git runs in the repository of the paths, wherever the command was started; paths in
    several repositories are compared each in its own (with *revision* as each knows
    it). Deleted files are left out: there is nothing to check. Each file is named as
    the walk of the path it lies under names it (``PATH/name``), so that the two can be
    matched.
    """
    found: dict[Path, Path] = {}
    repositories = _by_repository(paths)
    for root, specs in repositories.items():
        if not is_revision(revision, cwd=str(root)):
            where = f" (in the repository {root})" if len(repositories) > 1 else ""
            raise GitError(unknown_revision(revision, str(root)) + where)
        # Both listings name files from the root, with the paths given from there too.
        pathspecs = [spec for spec, _ in specs]
        listed = git(
            "diff", "--name-only", "--no-renames", "-z", revision, "--", *pathspecs, cwd=str(root)
        ).split("\0")
        listed += git(
            "ls-files", "--others", "--exclude-standard", "-z", "--", *pathspecs, cwd=str(root)
        ).split("\0")
        for name in listed:
            if not name or not is_record_name(name) or not (root / name).is_file():
                continue
            shown = _as_given(PurePosixPath(name), specs)
            if shown is not None:
                found.setdefault(root / name, shown)
    return list(found.values())


def _by_repository(paths: Sequence[str]) -> dict[Path, list[tuple[str, str]]]:
    """*paths* by the root of the git repository each lies in: ``(pathspec, path)`` pairs.

    The pathspec names the path from the root, in git's form (``.`` for the root).

    Raises:
        GitError: a path lies in no git repository.
    """
    repositories: dict[Path, list[tuple[str, str]]] = {}
    for path in paths:
        given = Path(path)
        folder = given if given.is_dir() else given.parent
        if not in_repository(str(folder)):
            raise GitError(
                f"{path!r} is not in a git repository (--changed-since compares with a revision)"
            )
        root = toplevel(str(folder)).resolve()
        # The folder resolved, not the file: a link to a record is named as it is.
        where = folder.resolve() if given.is_dir() else folder.resolve() / given.name
        spec = where.relative_to(root).as_posix() if where != root else "."
        repositories.setdefault(root, []).append((spec, path))
    return repositories


def _as_given(name: PurePosixPath, specs: Sequence[tuple[str, str]]) -> Path | None:
    """The file *name* (from the root) as under the first path given that holds it."""
    for spec, path in specs:
        if spec == ".":
            return Path(path, name)
        if name == PurePosixPath(spec):
            return Path(path)
        if name.is_relative_to(spec):
            return Path(path, name.relative_to(spec))
    return None


class BlobReader:
    """Reads files at revisions through one ``git cat-file --batch`` process."""

    def __init__(self) -> None:
        program = shutil.which("git")
        if program is None:
            raise GitError("git is not installed (not on PATH)")
        self._process = subprocess.Popen(  # noqa: S603  # git from PATH
            [program, "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def read(self, revision: str, path: str) -> bytes | None:
        """The file *path* (relative to the root) at *revision*, or None if it is not there."""
        stdin, stdout = self._streams()
        stdin.write(f"{revision}:{path}\n".encode("utf-8", "surrogateescape"))
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None
        data = stdout.read(int(header[2]) + 1)
        return data[:-1]

    def _streams(self) -> tuple[IO[bytes], IO[bytes]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        # Both exist: the process was made with PIPE for them.
        assert stdin is not None  # noqa: S101
        assert stdout is not None  # noqa: S101
        return stdin, stdout

    def close(self) -> None:
        """End the git process."""
        stdin, _ = self._streams()
        stdin.close()
        self._process.wait()


# --- diff ----------------------------------------------------------------------------------


class _FileDiff:
    """The differences of one file: a status and the changes (or the problem reading it)."""

    def __init__(
        self,
        path: str,
        status: str,
        changes: list[FieldChange] | None = None,
        problem: str | None = None,
    ) -> None:
        self.path = path
        self.status = status
        self.changes = changes or []
        self.problem = problem
        self.renamed_from: str | None = None

    @property
    def differs(self) -> bool:
        return self.status != "unchanged" or self.renamed_from is not None

    def lines(self) -> Iterator[str]:
        if self.problem is not None:
            yield f"  {self.problem}"
        for change in self.changes:
            yield f"  {change}"


def _load(data: bytes | None, path: str, limits: newsrecord.Limits) -> newsrecord.Document | None:
    return None if data is None else newsrecord.loads(data, path=path, limits=limits)


def compare(
    path: str,
    old: bytes | None,
    new: bytes | None,
    limits: newsrecord.Limits,
    *,
    old_path: str | None = None,
) -> _FileDiff:
    """The field-level differences between two versions of a file (None: not there).

    *path* names the new version, *old_path* the old one when it has another name (two
    files, a rename): a version that does not load (with *limits*) is named by its own
    name.
    """
    if old == new:
        return _FileDiff(path, "unchanged")
    try:
        old_doc = _load(old, old_path or path, limits)
        new_doc = _load(new, path, limits)
    except newsrecord.RecordError as exc:
        first = with_limit_hints(exc.problems)[0] if exc.problems else exc
        counts = _text_line_counts(old or b"", new or b"")
        problem = f"not a record ({first}); text changed (+{counts[0]} -{counts[1]} lines)"
        return _FileDiff(path, "unreadable", problem=problem)
    status = "added" if old is None else "deleted" if new is None else "modified"
    changes = diff_records(old_doc, new_doc) if status == "modified" else []
    if status == "modified" and not changes:
        # Same data, other text: a change of style, spacing or line ends.
        return _FileDiff(path, "modified", problem="text changed, data unchanged")
    return _FileDiff(path, status, changes)


def _text_line_counts(old: bytes, new: bytes) -> tuple[int, int]:
    return count_line_changes(old.decode("utf-8", "replace"), new.decode("utf-8", "replace"))


def _read_file(path: str) -> bytes | None:
    if path == NULL_FILE:
        return None
    if path == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise click.FileError(path, hint=exc.strerror or str(exc)) from exc


def _revision_diffs(
    old_rev: str, new_rev: str | None, paths: Sequence[str], limits: newsrecord.Limits
) -> Iterator[_FileDiff]:
    """The differences of the records under *paths* between two revisions.

    *new_rev* None stands for the working tree: its files as they are now, those git
    tracks (as ``git diff REV`` compares them).
    """
    revisions = (old_rev,) if new_rev is None else (old_rev, new_rev)
    _check_paths(revisions, paths)
    # Renames found as git finds them: a record moved to a new slug is one record.
    listing = iter(
        git("diff", "--name-status", "--find-renames", "-z", *revisions, "--", *paths)
        .removesuffix("\0")
        .split("\0")
    )
    root = toplevel() if new_rev is None else Path()
    reader = BlobReader()
    try:
        for status in listing:
            # -z: "R<score>" and "C<score>" give two names, the others one.
            old_name = next(listing, "")
            name = next(listing, "") if status[:1] in ("R", "C") else old_name
            if not name or not is_record_name(name):
                continue
            old = reader.read(old_rev, old_name) if status != "A" else None
            if status == "D":
                new = None
            elif new_rev is None:
                new = _read_file(str(root / name))  # git names it from the root
            else:
                new = reader.read(new_rev, name)
            result = compare(name, old, new, limits, old_path=old_name)
            if old_name != name:
                result.renamed_from = old_name
            yield result
    finally:
        reader.close()


def _check_paths(revisions: Sequence[str], paths: Sequence[str]) -> None:
    """Refuse a path that names nothing in the working tree nor in any of *revisions*.

    Git compares nothing there and prints nothing, so a mistyped folder would read as
    "no changes". A path is a git pathspec (``_news/*.md`` matches files).
    """
    empty_tree = ""
    for number, path in enumerate(paths):
        if Path(path).exists():
            continue
        # The files of a revision are its differences from the empty tree.
        empty_tree = empty_tree or git("hash-object", "-t", "tree", NULL_FILE).strip()
        if any(git("diff", "--name-only", empty_tree, rev, "--", path) for rev in revisions):
            continue
        if number == 0 and len(revisions) == 1 and _REVISION_SYNTAX.search(path):
            # In the place of REV2, written as only a revision is: HEAD~5 past the root.
            raise click.BadParameter(unknown_revision(path), param_hint="REV2")
        close = _closest_name(revisions, path)
        raise click.BadParameter(
            f"{path!r} names nothing in {', '.join(revisions)} or the working tree"
            + (" and is no revision" if number == 0 and len(revisions) == 1 else "")
            + (f"; did you mean {close!r}?" if close else ""),
            param_hint="PATHS",
        )


def _closest_name(revisions: Sequence[str], path: str) -> str | None:
    """The name in the folder of *path* (now or in *revisions*) that *path* may misspell."""
    typed = PurePosixPath(path)
    names: set[str] = set()
    with contextlib.suppress(OSError):
        names.update(entry.name for entry in Path(typed.parent).iterdir())
    for revision in revisions:
        # --full-tree: the listing of that folder, not of the current one within it.
        listed = git(
            "ls-tree",
            "--full-tree",
            "--name-only",
            "-z",
            f"{revision}:./{typed.parent}",
            check=False,
        )
        names.update(listed.split("\0"))
    close = difflib.get_close_matches(typed.name, sorted(names - {""}), n=1)
    return str(typed.parent / close[0]) if close else None


def _split_revisions(args: Sequence[str]) -> tuple[str, str | None, Sequence[str]]:
    """REV1 REV2 [PATHS] or REV [PATHS]: the revisions (None: the working tree) and paths.

    The second argument is a revision when git knows it as one. A name that is both a
    revision and a path in the working tree is refused, as git refuses it: ``./NAME``
    names the path alone.
    """
    if len(args) < 2 or not is_revision(args[1]):
        return args[0], None, args[1:]
    if Path(args[1]).exists():
        raise click.BadParameter(
            f"{args[1]!r} is both a revision and a path in the working tree: write "
            f"./{args[1]} for the path, or the revision in full (refs/heads/{args[1]} "
            "for a branch, a whole commit id)",
            param_hint="REV2",
        )
    return args[0], args[1], args[2:]


@main.command()
@click.argument("args", nargs=-1, required=True)
@format_option("one change per line (json is for bots)")
@click.option(
    "--textconv",
    is_flag=True,
    help=(
        "Print one file as one line per field, then its lines not in house style "
        "(for git's diff.<driver>.textconv)."
    ),
)
@LIMIT_OPTION
def diff(args: tuple[str, ...], output: str, *, textconv: bool, limits: newsrecord.Limits) -> None:
    """Show what changed in records, field by field.

    \b
    newsrecord diff OLD NEW             two record files
    newsrecord diff REV1 REV2 [PATHS]   two git revisions of the tree (or of PATHS)
    newsrecord diff REV [PATHS]         a revision and the working tree, as git diff REV
    newsrecord diff --textconv FILE     one line per field, for diff.<driver>.textconv
    PATH OLD HEX MODE NEW HEX MODE      the arguments git gives GIT_EXTERNAL_DIFF

    A file may be `-` (standard input, for one side) or a pipe:
    `git show HEAD:F | newsrecord diff - F`, `newsrecord diff <(git show HEAD:F) F`.

    Two arguments that are both files are OLD NEW. Otherwise the first is a revision,
    and the second is REV2 if git knows it as a revision, else the first path (a name
    that is both is refused: write ./NAME for the path). A path that names nothing in
    the revisions or the working tree is refused. REV [PATHS] reads the files git tracks
    as they are now, as `git diff REV` does: untracked files are left out (`git add -N
    FILE` shows one as added).

    Prints changes such as `heat: 38 -> 40`, `topics: + Robotics`,
    `related[webUrl=...]: removed`, `body: changed (+3 -1 lines)`; the secured blob only
    ever as `secured: changed`. A summary line follows for revisions. Exits with status 1
    when there are differences (0 as an external diff, which git needs).
    """  # noqa: D301  # click's \b (a backspace, not raw) keeps the next lines as they are
    if textconv:
        if len(args) != 1:
            raise click.UsageError("--textconv takes exactly one file")
        _print_textconv(args[0], limits)
        return
    if _is_external(args):
        _external_diff(args, output, limits)
    tree = False
    if args == (STDIN, STDIN):
        raise click.UsageError(f"only one side can be read from stdin ({STDIN!r})")
    if len(args) == 2 and all(map(_readable, args)):
        old, new = (_read_file(arg) for arg in args)
        old_name, name = (STDIN_NAME if arg == STDIN else arg for arg in args)
        results = [compare(name, old, new, limits, old_path=old_name)]
    elif is_revision(args[0]):
        tree = True
        results = list(_revision_diffs(*_split_revisions(args), limits))
    elif len(args) == 2 and any(map(_readable, args)):
        # One file and something else: two files were meant; name the one not there.
        missing = next(arg for arg in args if not _readable(arg))
        raise click.BadParameter(
            f"{missing!r}: no such file (diff takes two files, or revisions)",
            param_hint="OLD NEW",
        )
    else:
        raise GitError(f"{_not_a_revision(args[0])} ({_FORMS})")
    differs = any(result.differs for result in results)
    if output == "json":
        _echo_json(results, summary=tree)
    else:
        for result in results:
            if not result.differs:
                continue
            if tree:
                shown = result.status not in ("modified", "unchanged")
                suffix = f" ({result.status})" if shown else ""
                if result.renamed_from is not None:
                    suffix += f" (renamed from {result.renamed_from})"
                click.echo(result.path + suffix)
            elif result.status in ("added", "deleted"):
                click.echo(f"record {result.status}")  # /dev/null on one side
            for line in result.lines():
                click.echo(line if tree else line.removeprefix("  "))
        if tree:
            click.echo(_summary(results))
    sys.exit(EXIT_INVALID if differs else 0)


_FORMS: Final = "diff takes OLD NEW files, REV1 REV2 [PATHS] or REV [PATHS]"


def _not_a_revision(name: str) -> str:
    """Why *name*, the first argument of diff and not two files' first, was not compared."""
    if not in_repository():
        missing = f"there is no git repository here to read revision {name!r} in"
        return missing + (
            ", and it is one file, not two" if _readable(name) else ", and no file by that name"
        )
    if _REVISION_SYNTAX.search(name):
        return unknown_revision(name)
    what = "a revision" if _readable(name) else "a file nor a revision"
    return f"not {what}: {name!r}"


def _is_external(args: Sequence[str]) -> bool:
    """Whether *args* are what git gives ``GIT_EXTERNAL_DIFF``.

    Seven arguments, nine for a rename or copy (the new path and git's note on the
    similarity follow); told by their object names and modes, so that a revision with
    six paths is not taken for them.
    """
    return (
        len(args) in (7, 9)
        and all(_OBJECT_NAME.fullmatch(args[index]) for index in (2, 5))
        and all(_FILE_MODE.fullmatch(args[index]) for index in (3, 6))
    )


def _readable(arg: str) -> bool:
    """Whether a diff argument names something to read: ``-``, a file or a pipe.

    Process substitution (``newsrecord diff <(git show HEAD:F) F``) gives a ``/dev/fd``
    path to a pipe, which is no regular file but reads as one.
    """
    return arg == STDIN or (Path(arg).exists() and not Path(arg).is_dir())


def _external_diff(args: Sequence[str], output: str, limits: newsrecord.Limits) -> NoReturn:
    """Print one file's changes as git's external diff program; exit 0 (git stops else)."""
    path, old_file, _, _, new_file, _, _ = args[:7]
    new_path = args[7] if len(args) == 9 else path
    texts = (_read_file(old_file), _read_file(new_file))
    result = compare(new_path, *texts, limits, old_path=path)
    if output == "json":
        _echo_json([result], summary=False)
    elif result.differs:
        click.echo(f"diff --newsrecord a/{path} b/{new_path}")
        if new_path != path:
            click.echo(f"  renamed from {path}")
        if result.status in ("added", "deleted"):
            click.echo(f"  record {result.status}")
        if result.status == "unreadable":
            # Not a record: its text, as git would show it.
            click.echo(result.problem)
            _echo_text_diff(path, new_path, *texts)
        else:
            for line in result.lines():
                click.echo(line)
            if result.status == "modified" and not result.changes:
                # The same data in other text: the lines that changed, or git would show
                # only that something did.
                _echo_text_diff(path, new_path, *texts)
    sys.exit(0)


def _echo_json(results: list[_FileDiff], *, summary: bool) -> None:
    click.echo(json.dumps(diff_json(results, summary=summary), indent=2, ensure_ascii=False))


def diff_json(results: Iterable[_FileDiff], *, summary: bool) -> dict[str, Any]:
    """What ``diff --format json`` prints: the files that differ and, for trees, a summary.

    The one place that names the keys of the command's JSON: camelCase, like the records'
    own keys (``renamedFrom``; each change's keys are :meth:`FieldChange.to_json`'s).
    """
    results = list(results)
    files = []
    for result in results:
        if not result.differs:
            continue
        data: dict[str, Any] = {"path": result.path, "status": result.status}
        if result.renamed_from is not None:
            data["renamedFrom"] = result.renamed_from
        data["changes"] = [change.to_json() for change in result.changes]
        if result.problem is not None:
            data["problem"] = result.problem
        files.append(data)
    document: dict[str, Any] = {"files": files}
    if summary:
        document["summary"] = _summary(results)
    return document


def _echo_text_diff(old_path: str, new_path: str, old: bytes | None, new: bytes | None) -> None:
    """Print a unified diff of two texts (with their secured blobs masked)."""
    before, after = ((data or b"").decode("utf-8", "replace") for data in (old, new))
    click.echo(unified_diff(before, after, old_path, new_path), nl=False)


def _summary(results: Iterable[_FileDiff]) -> str:
    by_file: dict[str, list[FieldChange]] = {}
    counts: dict[str, int] = {}
    for result in results:
        if result.status in {"modified", "unchanged"}:
            by_file[result.path] = result.changes
        else:
            counts[result.status] = counts.get(result.status, 0) + 1
        if result.renamed_from is not None:
            counts["renamed"] = counts.get("renamed", 0) + 1
    extra = [f"{status} {count}" for status, count in sorted(counts.items())]
    line = summarize_changes(by_file)
    return line + ("; files " + ", ".join(extra) if extra else "")


def _print_textconv(file: str, limits: newsrecord.Limits) -> None:
    data = _read_file(file) or b""
    try:
        doc = newsrecord.loads(data, path=file, limits=limits)
    except newsrecord.RecordError:
        # Not a record (a merge conflict, broken YAML): git should diff its text as it
        # is, but for secured blobs, which git would print in full.
        text = data.decode("utf-8", "surrogateescape")
        sys.stdout.buffer.write(mask_blobs(text).encode("utf-8", "surrogateescape"))
        return
    for line in flatten(newsrecord.to_dict(doc.record), ""):
        click.echo(line)
    for line in as_written(doc):
        click.echo(line)
    click.echo("--- body")
    click.echo(doc.body, nl=False)


def as_written(doc: newsrecord.Document) -> list[str]:
    """The lines of *doc*'s front matter that are written otherwise than in house style.

    The field view shows data only, so two texts of the same data (``quality: 0075``,
    which Jekyll, reading YAML 1.1, takes for octal 61, and ``quality: 75``; a comment
    deleted) would give git two equal views and an empty diff. These lines tell such
    texts apart: each written line that the house style of the same data
    (:func:`newsrecord.dumps`) does not have, as ``9: quality: 0075`` with its line number,
    and each house-style line missing, as ``12: (missing: "")``; secured blobs are
    masked. A file in the house style has none, and so no heading either.
    """
    written = _masked_lines(doc.text[: len(doc.text) - len(doc.body)])
    try:
        fresh = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=type(doc.record))
        house = _masked_lines(newsrecord.dumps(fresh, newline=doc.newline))
    except newsrecord.RecordError:
        house = []  # no house style to compare with: every line is told
    lines = []
    matcher = difflib.SequenceMatcher(None, house, written, autojunk=False)
    for tag, old_start, old_end, start, end in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines += [f"{number + 1}: {written[number]}" for number in range(start, end)]
        elif tag == "delete":
            missing = house[old_start:old_end]
            lines += [f"{start + 1}: (missing: {json.dumps(line)})" for line in missing]
    # The house style was written with the file's line breaks, so that a CRLF file
    # does not differ on every line: the heading tells them instead.
    breaks = f" (line breaks {json.dumps(doc.newline)})" if doc.newline != "\n" else ""
    if not lines and not breaks:
        return []
    return [f"--- as written, where not in house style{breaks}", *lines]


def _masked_lines(text: str) -> list[str]:
    """*text* with its secured blobs masked, split at line feeds only (a CR stays: it is text)."""
    return mask_blobs(text).split("\n")


def flatten(value: Any, where: str) -> Iterator[str]:
    """One ``field: value`` line per scalar; list items named by identity where they have one."""
    if where.rsplit(".", 1)[-1] == "secured" and isinstance(value, str):
        yield f"{where}: {describe_blob(value)}"
    elif isinstance(value, dict):
        if not value:
            yield f"{where}: {{}}"
        for key, item in value.items():
            yield from flatten(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        if not value:
            yield f"{where}: []"
        named = identities(value)
        for index, item in enumerate(value):
            if named is not None and named[index][0]:
                key, name = named[index]
                yield from flatten(item, f"{where}[{key}={name}]")
            elif named is not None and not isinstance(item, (dict, list)):
                yield f"{where}[]: {json.dumps(item, ensure_ascii=False)}"
            else:
                yield from flatten(item, f"{where}[{index}]")
    else:
        yield f"{where}: {json.dumps(value, ensure_ascii=False)}"


# --- merge ---------------------------------------------------------------------------------


@main.command()
@click.argument("base", type=click.Path(exists=True, dir_okay=False))
@click.argument("ours", type=click.Path(exists=True, dir_okay=False, writable=True))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--marker-size",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="Length of conflict markers (git's %L).",
)
@click.option("--path", "name", default=None, help="The file's name in the tree (git's %P).")
@LIMIT_OPTION
def merge(
    base: str,
    ours: str,
    theirs: str,
    marker_size: int,
    name: str | None,
    *,
    limits: newsrecord.Limits,
) -> None:
    """Merge two versions of a record field by field; the result replaces OURS.

    The arguments are what git gives a merge driver (%O %A %B). Exits 0 when everything
    merged, 1 with conflict markers in OURS around the fields both sides changed
    differently. A version that does not load as a record merges as text (git merge-file);
    one that holds NUL bytes (a binary file) does not merge at all: exit 1, OURS left as
    it is.
    """
    texts = [_read_file(file) or b"" for file in (base, ours, theirs)]
    shown = name or ours
    try:
        result = newsrecord.merge_texts(
            *(text.decode("utf-8", "surrogateescape") for text in texts),
            path=shown,
            labels=_labels(name),
            marker_size=marker_size,
            limits=limits,
        )
    except newsrecord.RecordError as exc:
        # No merge at all (a binary version): OURS stays as it is and git, told of a
        # conflict, leaves the file to a person.
        click.echo(f"newsrecord merge: {exc}; {ours} left as it is", err=True)
        sys.exit(EXIT_INVALID)
    if result.text.encode("utf-8", "surrogateescape") != texts[1]:
        try:
            Path(ours).write_bytes(result.text.encode("utf-8", "surrogateescape"))
        except OSError as exc:
            raise click.FileError(ours, hint=exc.strerror or str(exc)) from exc
    if result.as_text and result.conflicts:
        why = with_limit_hints([result.why])[0].message if result.why is not None else ""
        click.echo(
            f"newsrecord merge: {shown}: merged as text ({why}); conflicts in the text", err=True
        )
    for field in result.conflicts if not result.as_text else ():
        click.echo(f"newsrecord merge: {shown}: conflict in {field}", err=True)
    sys.exit(EXIT_INVALID if result.conflicts else 0)


def _labels(name: str | None) -> tuple[str, str, str]:
    if name is None:
        return ("ours", "base", "theirs")
    return (f"ours:{name}", f"base:{name}", f"theirs:{name}")


# --- git setup and resolve ------------------------------------------------------------------


@main.group(name="git")
def git_group() -> None:
    """Set a repository up for records: merge driver, diff driver, conflict re-resolution."""


@git_group.command()
@click.option("--pattern", default="*.md", show_default=True, help="Files the drivers apply to.")
@click.option(
    "--command",
    "program",
    default=None,
    help=(
        "How git should run newsrecord (e.g. 'python -m newsrecord'). [default: this "
        "newsrecord by its full path when run from a virtual environment, which git then "
        "finds from any shell; else newsrecord]"
    ),
)
@click.option(
    "--external-diff",
    is_flag=True,
    help="Also set diff.newsrecord.command: `git diff` prints field-level changes.",
)
@LIMIT_OPTION
def setup(
    pattern: str, program: str | None, *, external_diff: bool, limits: newsrecord.Limits
) -> None:
    """Install the merge and diff drivers in the current repository (safe to run again).

    Adds `PATTERN merge=newsrecord diff=newsrecord` to .gitattributes at the root of the
    working tree (commit it so that everyone gets it), and sets in .git/config (which git
    never shares, so each clone runs this once):

    \b
    merge.newsrecord.driver        = newsrecord merge --marker-size %L --path %P %O %A %B
    diff.newsrecord.textconv       = newsrecord diff --textconv
    diff.newsrecord.cachetextconv  = true

    Git keeps each blob's field view (git log -p and git show of a bulk edit would start
    newsrecord for every file, every time); running setup again, after an upgrade of
    newsrecord, empties that cache. With --limit, the drivers run with those limits (a
    record over the default ones would merge as text, and diff as text).
    """  # noqa: D301  # click's \b (a backspace, not raw) keeps the next lines as they are
    root = toplevel()
    defaulted = program is None
    program = _this_command() if program is None else program
    line = f"{pattern} merge={DRIVER} diff={DRIVER}"
    attributes = root / ".gitattributes"
    try:
        old = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
        if line not in old.splitlines():
            joined = old if not old or old.endswith("\n") else old + "\n"
            attributes.write_text(joined + line + "\n", encoding="utf-8")
            click.echo(f"added to {attributes}: {line}")
        else:
            click.echo(f"{attributes} already has: {line}")
    except OSError as exc:
        raise click.FileError(str(attributes), hint=exc.strerror or str(exc)) from exc
    # Given as the limits' values (4194304, not 4M): one spelling, whatever was typed.
    given = "".join(f" {argument}" for argument in limit_arguments(limits))
    settings = {
        f"merge.{DRIVER}.name": "newsrecord field-level merge",
        f"merge.{DRIVER}.driver": f"{program} merge{given} --marker-size %L --path %P %O %A %B",
        f"diff.{DRIVER}.textconv": f"{program} diff{given} --textconv",
        f"diff.{DRIVER}.cachetextconv": "true",
    }
    if external_diff:
        settings[f"diff.{DRIVER}.command"] = f"{program} diff{given}"
    for key, value in settings.items():
        git("config", "--local", key, value)
        click.echo(f"git config {key} {shlex.quote(value)}")
    # Views cached by the newsrecord of an earlier setup go: this one makes them anew.
    git("update-ref", "-d", f"refs/notes/textconv/{DRIVER}", check=False)
    if defaulted and program != "newsrecord":
        click.echo(
            "note: git runs this virtual environment's newsrecord by its path, from any "
            "shell; --command newsrecord runs the one on git's PATH instead",
            err=True,
        )


def _this_command() -> str:
    """How git runs the newsrecord running now, wherever git is started.

    From a virtual environment, by its full path: git, an editor or a GUI client started
    outside it would not find ``newsrecord`` (and every diff and merge of a record would
    fail). Otherwise by name, from git's PATH.
    """
    if sys.prefix == sys.base_prefix:
        return "newsrecord"
    script = Path(sys.executable).with_name("newsrecord")
    if script.is_file():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m newsrecord"


@git_group.command()
@click.argument("paths", nargs=-1)
@click.option("--add/--no-add", default=True, show_default=True, help="git add what resolves.")
@click.option(
    "--force",
    is_flag=True,
    help="Also write files edited since the merge left them (the edits are lost).",
)
@LIMIT_OPTION
def resolve(paths: tuple[str, ...], *, add: bool, force: bool, limits: newsrecord.Limits) -> None:
    """Re-run the field-level merge on conflicted record files in the working tree.

    For hosts and tools that merge without merge drivers: after a `git merge` (or a
    rebase) that stopped with conflicts, this reads each conflicted record's three
    versions from the index (stages 1, 2, 3), merges them field by field and writes the
    result; files that resolve are staged. A file is written only while it holds what
    the merge left there (git's line merge, this merge, or our version, which a failed
    merge driver leaves): one edited since is left as it is, unless --force. A file
    named that is not conflicted but holds conflict markers is an error, and a path that
    names nothing in the working tree or git's index a usage error (exit status 2).
    Exits 1 if conflicts remain or a file was left.
    """
    root = toplevel()
    _check_index_paths(paths)
    # PATHS are relative to the current folder, as for git itself; the names git lists
    # are relative to the top of the repository.
    listing = git("diff", "--name-only", "--diff-filter=U", "-z", "--", *paths)
    conflicted = [name for name in listing.split("\0") if name]
    names = [name for name in conflicted if is_record_name(name)]
    left = _report_stray_markers(paths, {(root / name).resolve() for name in conflicted})
    sizes = _marker_sizes(root, names)
    reader = BlobReader()
    resolved: list[str] = []
    try:
        # Synced once when the batch ends (before git add), not two disk flushes a file.
        with Batch():
            for name in names:
                base, ours, theirs = (reader.read(f":{stage}", name) for stage in (1, 2, 3))
                if ours is None or theirs is None:
                    click.echo(f"{name}: deleted on one side; left as it is", err=True)
                    left += 1
                    continue
                stages = _Stages(*(_text(data or b"") for data in (base, ours, theirs)))
                if _resolve_file(root, name, stages, sizes.get(name, 7), limits, force=force):
                    resolved.append(name)
                else:
                    left += 1
    finally:
        reader.close()
    # One git add for all: a process per file would cost more than the merges.
    for start in range(0, len(resolved) if add else 0, 500):
        git("add", "--", *resolved[start : start + 500], cwd=str(root))
    click.echo(f"{len(resolved)} of {counted(len(names), 'conflicted record')} resolved")
    sys.exit(EXIT_INVALID if left else 0)


def _check_index_paths(paths: Sequence[str]) -> None:
    """Refuse a path that names nothing in the working tree nor in git's index.

    A conflicted file deleted on one side may be missing from the working tree, but git's
    index lists it; a path in neither is a typo, which would read as "nothing conflicted".
    """
    for path in paths:
        if not path:
            raise click.BadParameter("'' is no path", param_hint="PATHS")
        if Path(path).exists() or git("ls-files", "-z", "--", path):
            continue
        close = _closest_name((), path)
        raise click.BadParameter(
            f"{path!r} names nothing in the working tree or git's index"
            + (f"; did you mean {close!r}?" if close else ""),
            param_hint="PATHS",
        )


class _Stages(NamedTuple):
    """A conflicted file's three versions in git's index, as text."""

    base: str
    ours: str
    theirs: str


def _text(data: bytes) -> str:
    # surrogateescape: bytes that are not UTF-8 come back out as they went in.
    return data.decode("utf-8", "surrogateescape")


def _report_stray_markers(paths: Sequence[str], conflicted: set[Path]) -> int:
    """Tell of named files with conflict markers that git does not list as conflicted.

    Such markers were committed by mistake, or staged with `git add`. Without a merge in
    progress for a file, git's index has no three versions of it to merge again, so only a
    person can resolve its markers. Returns how many were told.
    """
    count = 0
    for shown in paths:
        path = Path(shown)
        if not path.is_file() or path.resolve() in conflicted:
            continue
        try:
            text = _text(path.read_bytes())
        except OSError as exc:
            raise click.FileError(shown, hint=exc.strerror or str(exc)) from exc
        marker = CONFLICT_MARKER.search(text)
        if marker is None:
            continue
        line = text.count("\n", 0, marker.start()) + 1
        click.echo(
            f"{shown}: not conflicted in git's index (no merge in progress for it), but "
            f"holds conflict markers (line {line}): resolve them by hand (during a merge, "
            "git checkout -m -- FILE recreates a conflicted file)",
            err=True,
        )
        count += 1
    return count


def _marker_sizes(root: Path, names: Sequence[str]) -> dict[str, int]:
    """Each file's conflict marker length: git's ``conflict-marker-size`` attribute (%L).

    Git gave the merge (and its driver) that size, so the markers it left have it; files
    without the attribute are left out (git's default is 7).
    """
    sizes: dict[str, int] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        fields = git("check-attr", "-z", "conflict-marker-size", "--", *chunk, cwd=str(root))
        # -z: path, attribute and value, each followed by a NUL.
        found = fields.split("\0")
        for index in range(0, len(found) - 2, 3):
            value = found[index + 2]
            if value.isdigit() and int(value) > 0:
                sizes[found[index]] = int(value)
    return sizes


def _resolve_file(
    root: Path,
    name: str,
    stages: _Stages,
    marker_size: int,
    limits: newsrecord.Limits,
    *,
    force: bool,
) -> bool:
    """Merge one conflicted file's stages into it; whether it resolved (then it is written).

    The working file is replaced only when what it holds can be made again from the index
    (see :func:`_left_by_merge`), and atomically, only if it did not change meanwhile: the
    user's edits are never lost but with *force*. A merge that resolves nothing more than
    the file shows (the same text but for the markers' labels) writes nothing.
    """
    path = root / name
    try:
        result = newsrecord.merge_texts(
            *stages, path=name, labels=_labels(name), marker_size=marker_size, limits=limits
        )
    except newsrecord.RecordError as exc:
        click.echo(f"{exc}; left as it is", err=True)
        return False
    try:
        working = path.read_bytes()
    except FileNotFoundError:
        working = None
    except OSError as exc:
        raise click.FileError(str(path), hint=exc.strerror or str(exc)) from exc
    current = None if working is None else _text(working)
    unlabelled = _unlabelled(marker_size)
    if current is None or unlabelled(current) != unlabelled(result.text):
        changed = _edited_lines(current, stages, result.text, marker_size)
        if changed and not force:
            shown = shlex.quote(os.path.relpath(path))
            click.echo(
                f"{name}: edited since the merge left it ({changed}); left as it "
                f"is. Finish it by hand and git add it, or start over: git checkout -m -- "
                f"{shown} recreates the conflicted file; --force overwrites your edits",
                err=True,
            )
            return False
        if changed:
            click.echo(f"{name}: edited since the merge left it; overwritten (--force)", err=True)
        try:
            data = result.text.encode("utf-8", "surrogateescape")
            write_atomically(path, data, expected=working, durability="batch")
        except (newsrecord.RecordError, OSError) as exc:
            # Changed while we merged, or not writable: as it was, and said.
            click.echo(f"{name}: {exc}; left as it is", err=True)
            return False
    if result.clean:
        click.echo(f"{name}: resolved")
        return True
    click.echo(f"{name}: conflicts in {', '.join(result.conflicts)}", err=True)
    return False


def _unlabelled(marker_size: int) -> Callable[[str], str]:
    """A function that drops the labels after conflict markers of *marker_size* in a text.

    Labels name the sides (``HEAD``, ``bot``, ``ours:PATH``) and differ between git's
    merge, ``git checkout -m`` and a merge driver; the merged lines are what matters.
    """
    marker = re.compile(
        rf"^((?:<{{{marker_size}}}|\|{{{marker_size}}}|>{{{marker_size}}}))[ \t][^\r\n]*",
        re.MULTILINE,
    )
    return lambda text: marker.sub(r"\1", text)


def _left_by_merge(stages: _Stages, merged: str, marker_size: int) -> Iterator[str]:
    """The texts a merge can have left in a conflicted file, made again from its stages.

    Our version (a merge driver that failed, as ``merge.newsrecord.driver=false`` does,
    leaves it); newsrecord's merge (the driver's result, *merged*); git's line merge as
    ``git merge`` makes it (histogram, unknown to a git before 2.44) and as ``git
    checkout -m`` does (myers). Made lazily, most likely first: each line merge costs a
    git process, and the first text that matches ends the search.
    """
    # Imported here: git runs diff --textconv once a file, and it needs no merge (8 ms).
    from newsrecord.merge import merge_lines  # noqa: PLC0415

    yield stages.ours
    yield merged
    for algorithm in ("histogram", None):
        try:
            yield merge_lines(*stages, marker_size=marker_size, algorithm=algorithm)[0]
        except newsrecord.RecordError:
            continue


def _edited_lines(current: str | None, stages: _Stages, merged: str, marker_size: int) -> str:
    """How the working file differs from what the merge left; empty when it does not.

    Told against the closest of :func:`_left_by_merge`'s texts, as the lines of the
    working file that differ (``line 9 differs``, ``lines 9-10, 14 differ``).
    """
    if current is None:
        return "deleted"
    unlabelled = _unlabelled(marker_size)
    lines = unlabelled(current).splitlines(keepends=True)
    best: list[tuple[int, int]] | None = None
    for text in _left_by_merge(stages, merged, marker_size):
        left = unlabelled(text).splitlines(keepends=True)
        if left == lines:
            return ""
        matcher = difflib.SequenceMatcher(None, left, lines, autojunk=False)
        # A line removed shows as the line after it: where the file differs now.
        spans = [
            (start, max(end, start + 1))
            for tag, _, _, start, end in matcher.get_opcodes()
            if tag != "equal"
        ]
        if best is None or _size(spans) < _size(best):
            best = spans
    spans = best or [(0, 1)]
    numbers = [str(start + 1) if end == start + 1 else f"{start + 1}-{end}" for start, end in spans]
    many = len(spans) > 1 or "-" in numbers[0]
    return f"{'lines' if many else 'line'} {', '.join(numbers)} {'differ' if many else 'differs'}"


def _size(spans: Sequence[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)
