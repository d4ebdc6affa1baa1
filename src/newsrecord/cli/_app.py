"""The command group, exit codes, shared options and the helpers every command uses."""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, NoReturn

import click

import newsrecord
from newsrecord.cli import exit_interrupted

EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2
"""As click exits on usage errors."""
EXIT_OUTPUT_CLOSED: Final = 141
"""128 + SIGPIPE, as shells report a program whose output pipe closed (`| head`)."""


_COMMANDS: Final = {
    "append": "_edit",
    "diff": "_git",
    "export": "_export",
    "find": "_bulk",
    "fix": "_fix",
    "fmt": "_check",
    "get": "_read",
    "git": "_git",
    "json": "_read",
    "merge": "_git",
    "new": "_edit",
    "schema": "_read",
    "set": "_edit",
    "show": "_read",
    "unset": "_edit",
    "validate": "_check",
}
"""Which module of ``newsrecord.cli`` defines each command. Only the module of the command
being run is imported: a command's start-up is a good part of a short run (an
incremental export of a whole site), and the git, merge and check modules, with what
they import, are most of it."""


_SUMMARIES: Final = {
    "append": "Append VALUE to the list FIELD of FILE (creating the list), read as its item type.",
    "diff": "Show what changed in records, field by field.",
    "export": "Export the records among PATHS into one table file, a row per record.",
    "find": "List the records among PATHS (files and folders) that match --where EXPR.",
    "fix": "Repair known problems of record files in place (keys written twice, mixed breaks).",
    "fmt": "Rewrite records in the canonical house style (key order, quoting, layout).",
    "get": "Print the value of FIELD in FILE: strings as they are, everything else as JSON.",
    "git": "Set a repository up for records: merge driver, diff driver, conflict re-resolution.",
    "json": "Export records as JSON Lines: one object per record, as to_dict() gives it.",
    "merge": "Merge two versions of a record field by field; the result replaces OURS.",
    "new": "Create the record file OUT.md in the house style from a JSON object.",
    "schema": "Print the JSON Schema of a record's front matter (or the Markdown reference).",
    "set": "Set fields of FILE (or of many records) in place, changing only their lines.",
    "show": "Print the typed record of FILE as a table and check that it round-trips.",
    "unset": (
        "Remove fields from FILE (or many records): their lines go; topics[1] removes an item."
    ),
    "validate": "Check record files and folders (recursively, *.md but not README.md).",
}
"""The first sentence of each command's help, which ``newsrecord --help`` lists: listing
them from here imports no command module (tests/test_startup.py checks that each is
what the command's own help begins with)."""


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(_COMMANDS))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own listing, of stand-ins for the commands not imported yet.
        listed = {
            name: self.commands.get(name) or click.Command(name, help=_SUMMARIES[name])
            for name in self.list_commands(ctx)
        }
        click.Group(commands=listed).format_commands(ctx, formatter)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            # The module registers its commands on main when imported. A Ctrl-C in this
            # start-up comes before invoke(): told here as there, not as click's
            # "Aborted!" and status 1 (an invalid record's).
            try:
                importlib.import_module(f"newsrecord.cli.{module}")
            except KeyboardInterrupt:
                exit_interrupted()
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # A mistyped command ("exprot") is told the commands it may have meant.
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            # Imported here, as json in parse_json: this module is every command's
            # start-up (`newsrecord --help` is little else), and few runs need either.
            import difflib  # noqa: PLC0415

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=2)
            if close:
                ctx.fail(f"No such command {name!r}. Did you mean {' or '.join(close)}?")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # click turns Ctrl-C into "Aborted!" and status 1, which scripts cannot tell from
        # an invalid record.
        # Imported here: `newsrecord --help` imports no more than the command list.
        from newsrecord._pool import keep_stops  # noqa: PLC0415

        try:
            # A closed pipe (`newsrecord find . | head -1`) ends the command quietly, as
            # it ends other Unix tools (status 141), rather than surfacing as an OSError
            # that a loop over files would take for a problem of the file being read.
            # (Not SIGPIPE's default action: it would kill the process when a pool
            # worker's pipe closes too, as on Ctrl-C.)
            with keep_stops(), _guarded_output():
                return super().invoke(ctx)
        except _OutputClosed:
            end_for_closed_output()
        except KeyboardInterrupt:
            exit_interrupted()
        except newsrecord.RecordError as exc:
            # Malformed queries are refused before any file is read; this is a query that
            # failed on a file (a pattern too slow on a value): the run stops, as a misuse.
            # Looked up in sys.modules: naming newsrecord.QueryError would import the query
            # module for every command (an except clause is evaluated as errors pass).
            query = sys.modules.get("newsrecord.query")
            if query is None or not isinstance(exc, query.QueryError):
                raise
            click.echo(f"Error: --where: {exc}", err=True)
            sys.exit(EXIT_USAGE)


class _OutputClosed(BaseException):
    """Standard output's reader went away (`newsrecord find . | head -1`).

    A BaseException, so that no ``except OSError`` around a file's work takes it for a
    problem of that file: it ends the command (see :meth:`_Group.invoke`).
    """


_LONG_WRITE: Final = 4096
"""Characters (or bytes) from which a write to standard output is made whole by hand."""


class _GuardedOutput:
    """Standard output, raising :class:`_OutputClosed` where a write finds the pipe closed.

    Long writes are made whole: Python's buffered writer passes one longer than its
    buffer on to the pipe and returns what the pipe took, so a reader that went away
    after the first 64 KiB (``schema | head -1``) left the rest unwritten, unsaid.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> Any:
        stream = self._stream
        text = isinstance(data, str)
        binary = getattr(stream, "buffer", None) if text else stream
        try:
            if len(data) < _LONG_WRITE or binary is None:
                return stream.write(data)
            from newsrecord.files import write_whole  # noqa: PLC0415  # see the imports

            if text:
                # The text layer drops what its buffer did not take: encoded here instead.
                stream.flush()
                if os.linesep != "\n":
                    data = data.replace("\n", os.linesep)
                encoded = data.encode(stream.encoding or "utf-8", stream.errors or "strict")
                write_whole(binary, encoded)
                binary.flush()
            else:
                write_whole(binary, data)
            return len(data)
        except BrokenPipeError:
            raise _OutputClosed from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise _OutputClosed from None

    @property
    def buffer(self) -> _GuardedOutput:
        return _GuardedOutput(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _guarded_output() -> Iterator[None]:
    """Within the block, a closed standard output raises :class:`_OutputClosed`."""
    previous = sys.stdout
    sys.stdout = _GuardedOutput(previous)  # a file in all but type (sys.stdout is Any-like)
    try:
        yield
    finally:
        sys.stdout = previous


def end_for_closed_output() -> NoReturn:
    """End quietly, as a Unix tool whose reader went away (:data:`EXIT_OUTPUT_CLOSED`)."""
    # Python would try to flush what is left at exit, and fail again, loudly.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_OUTPUT_CLOSED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
# The version given, so that --version need not import importlib.metadata (27 ms).
@click.version_option(version=newsrecord.__version__, package_name="newsrecord")
def main() -> None:
    """Read, check and edit article-record files without losing a byte.

    Field paths use the YAML keys of the files: title, provider.name, images[0].width.
    Exit status: 0 on success, 1 when a record is invalid, 2 on usage errors, 130 when
    interrupted (Ctrl-C), 141 when the output pipe closed (| head).

    Files over a safety limit (a front matter over 1 MiB, a file over 64 MiB, more
    than 20,000 YAML nodes or 64 levels) are refused as invalid. Every command that
    reads records raises them with --limit NAME=SIZE, such as --limit max-file-size=1G.
    """


def load_or_exit(
    file: str, limits: newsrecord.Limits, *, strict: bool = True
) -> newsrecord.Document:
    """Load FILE, or print its problems and exit with status 1 (see load's *strict*)."""
    try:
        return newsrecord.load(file, limits=limits, strict=strict)
    except newsrecord.RecordError as exc:
        exit_invalid(exc)
    except OSError as exc:
        raise click.FileError(file, hint=exc.strerror or str(exc)) from exc


def exit_unwritable(exc: Exception) -> NoReturn:
    """Exit with status 1 for a value the model took but the writer cannot write.

    The model should refuse such values (a lone surrogate, say) when they are set; until
    it does everywhere, the command says what is wrong instead of showing a traceback.
    """
    click.echo(f"newsrecord: cannot write the record: {exc}", err=True)
    sys.exit(EXIT_INVALID)


def exit_invalid(exc: newsrecord.RecordError) -> NoReturn:
    """Print the problems of *exc* (a limit's with the ``--limit`` that raises it); exit 1."""
    # Imported here: the option's module imports the limits, which --help needs not.
    from newsrecord.cli._limits import with_limit_hints  # noqa: PLC0415

    for problem in with_limit_hints(exc.problems):
        click.echo(str(problem), err=True)
    sys.exit(EXIT_INVALID)


def usage_error(
    exc: newsrecord.RecordError, hint: str, *, new_key: bool = True
) -> click.BadParameter:
    # What is wrong is the value given, whatever file it was tried on: no place in a file.
    message = "; ".join(
        str(newsrecord.Problem(problem.message, field=problem.field)) for problem in exc.problems
    )
    if not new_key and " has no field " in message:
        message += " (--new-key adds a key the model does not know)"
    return click.BadParameter(message, param_hint=hint)


DIFF_HELP: Final = (
    "Write nothing; print unified diffs (secured blobs shortened, as in all output: "
    "a diff to read, not one for git apply)."
)
"""The help of --diff of the commands that rewrite files (fix, fmt)."""

JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per available core).",
)


def _file_name_pattern(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse a ``--pattern`` that can match no file: empty, or with a folder in it."""
    if not value:
        raise click.BadParameter("an empty pattern matches no file: give one such as '*.md'")
    if "/" in value or os.sep in value:
        name = value.replace(os.sep, "/").rsplit("/", 1)[-1] or "*.md"
        folder = value.replace(os.sep, "/").rsplit("/", 1)[0].replace("**", "").strip("/")
        where = f"; to search one folder, give it as a PATH ({folder})" if folder else ""
        raise click.BadParameter(
            f"{value!r} has a folder in it, but a pattern matches file names only (in every "
            f"subfolder of the PATHs): give --pattern {name!r}{where}"
        )
    return value


PATTERN_OPTION = click.option(
    "--pattern",
    default="*.md",
    show_default=True,
    callback=_file_name_pattern,
    help=(
        "Which files in folders are records: a shell pattern matched against file names "
        "(no folders: '*.txt' for .txt records), in every subfolder."
    ),
)


def no_records_found(paths: tuple[str, ...], pattern: str) -> None:
    """Say on stderr that no record file was found, and what may be why."""
    hint = ""
    if pattern == "*.md":
        others = newsrecord.iter_record_files(paths, pattern="*.txt", onerror=lambda _: None)
        if next(iter(others), None) is not None:
            hint = " (there are .txt files: --pattern '*.txt' checks them)"
    click.echo(
        f"newsrecord: no record files found: folders are searched for {pattern}{hint}", err=True
    )


class ExistingPath(click.Path):
    """A path that must exist, as ``click.Path(exists=True)`` checks, but for links.

    A link that loops back on itself (``ln -s loop.md loop.md``) is taken: reading it
    fails, as it does for the same link found in a folder, and is told as a file that
    cannot be read, not as a path that does not exist. A link to nothing is told as such.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(exists=True, **options)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        link = Path(value) if isinstance(value, str) and value else None
        if link is not None and link.is_symlink():
            try:
                link.stat()
            except OSError as error:
                if error.errno == errno.ELOOP:
                    return value
                self.fail(f"{value!r} is a link to nothing ({link.readlink()})", param, ctx)
        return super().convert(value, param, ctx)


FILE = click.argument("file", type=ExistingPath(dir_okay=False))
DRY_RUN = click.option(
    "--dry-run",
    is_flag=True,
    help=(
        "Write nothing: one FILE prints the diff; many files are listed with their line "
        "counts (--diff prints their diffs)."
    ),
)


def as_json_option(text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option("--json", "as_json", is_flag=True, help=text)


NEW_KEY = click.option(
    "--new-key", is_flag=True, help="Allow adding a key the model does not know."
)


def parse_json(text: str, hint: str) -> Any:
    """Read *text* as JSON, or fail as a usage error naming *hint*."""
    import json  # noqa: PLC0415  # see _Group.resolve_command

    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        # Shortened: the text may be a secured blob, which no message shows in full.
        shown = newsrecord.errors.brief(text)
        # Python's reader recurses per level: thousands of them are no value of a record.
        deep = isinstance(exc, RecursionError)
        message = f"JSON nested too deep to read: {shown}" if deep else f"not JSON: {shown} ({exc})"
        raise click.BadParameter(message, param_hint=hint) from None


def format_option(
    text_means: str, *, github_means: str | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--format text|json`` (into the parameter ``output``); *text_means* for its help.

    With *github_means*, ``github`` is a choice too (GitHub Actions annotations).
    """
    choices = ["text", "json"] + (["github"] if github_means is not None else [])
    github = f"; github: {github_means}" if github_means is not None else ""
    return click.option(
        "--format",
        "output",
        type=click.Choice(choices),
        default="text",
        show_default=True,
        help=f"text: {text_means}; json: one JSON document{github}.",
    )
