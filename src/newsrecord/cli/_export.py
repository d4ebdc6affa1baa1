"""The export command: records as Parquet, JSON Lines or CSV with typed columns."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import PurePath
from typing import BinaryIO

import click

import newsrecord
from newsrecord.cli._app import (
    EXIT_INVALID,
    JOBS_OPTION,
    PATTERN_OPTION,
    ExistingPath,
    end_for_closed_output,
    main,
    no_records_found,
)
from newsrecord.cli._limits import LIMIT_OPTION, with_limit_hints
from newsrecord.cli._runner import clear_bar_line, default_jobs, progress_bar
from newsrecord.errors import FileError, counted
from newsrecord.export import export_records
from newsrecord.files import iter_record_files

_FORMATS_BY_SUFFIX = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

_STDOUT = 1
"""The descriptor ``-o -`` writes to (as ``/dev/stdout``), whatever ``sys.stdout`` is."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=ExistingPath())
@click.option(
    "--format",
    "output",
    type=click.Choice(["parquet", "jsonl", "csv"]),
    default=None,
    help=(
        "parquet: typed, nested columns; jsonl: one object a line; csv: nested as JSON. "
        "[default: from OUT's extension (.csv, .jsonl or .ndjson), else parquet]"
    ),
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help=(
        "The file to write (replaced atomically; a link is written through), or - for "
        "standard output: Parquet without --format, which a terminal refuses (give "
        "--format jsonl|csv, or redirect to a file or a pipe)."
    ),
)
@click.option("--with-body", is_flag=True, help="Add the body as the column body.")
@click.option("--reveal", is_flag=True, help="Export secured blobs in full (else shortened).")
@click.option(
    "--incremental",
    is_flag=True,
    help="Keep OUT.nrcache and re-read only the files that changed since the last run.",
)
@PATTERN_OPTION
@JOBS_OPTION
@LIMIT_OPTION
def export(
    paths: tuple[str, ...],
    output: str | None,
    out: str,
    *,
    with_body: bool,
    reveal: bool,
    incremental: bool,
    pattern: str,
    jobs: int | None,
    limits: newsrecord.Limits,
) -> None:
    """Export the records among PATHS into one table file, a row per record.

    One table for all kinds (a union schema): path, kind, then a column per YAML key of
    any kind, typed from the model (timestamps in UTC, integers, booleans, lists,
    structs for objects such as provider), extra (unknown keys as JSON) and, with
    --with-body, body. Files that are not valid records, or that hold a value no column
    holds (a date-time outside the years 1 to 9999 in UTC), are reported on stderr and
    left out (exit status 1). JSON Lines and CSV write date-times in UTC and durations in
    seconds, an integer when whole. Many files are parsed in worker processes. Needs
    pyarrow: pip install "newsrecord[export]".
    """
    started = time.perf_counter()
    # -o site.csv means CSV: Parquet bytes in a .csv file would surprise every reader.
    suffix = PurePath(out).suffix.lower()
    if output is None and suffix == ".json":
        # JSON is not JSON Lines, and Parquet bytes there would be worse: ask.
        raise click.BadParameter(
            "a .json file would not hold JSON: give --format jsonl (one object a line, "
            "best named .jsonl), or another extension",
            param_hint="'-o' / '--output'",
        )
    if output is None and out == "-" and os.isatty(_STDOUT):
        # Binary Parquet would garble the terminal; a redirect or a pipe gets it as asked.
        raise click.BadParameter(
            "standard output is a terminal, and Parquet is binary: give --format jsonl "
            "or --format csv, or redirect standard output to a file or a pipe",
            param_hint="'-o' / '--output'",
        )
    if incremental and out == "-":
        raise click.BadParameter(
            "--incremental keeps its cache next to a file: give a file, not -",
            param_hint="'-o' / '--output'",
        )
    output = output or _FORMATS_BY_SUFFIX.get(suffix, "parquet")
    if next(iter(iter_record_files(paths, pattern=pattern, onerror=lambda _: None)), None) is None:
        # Before anything is written: a wrong folder or pattern keeps the last export.
        no_records_found(paths, pattern)
        sys.exit(EXIT_INVALID)
    # Standard output as it is, at its position (>> appends; nothing is renamed over it).
    target: str | BinaryIO = sys.stdout.buffer if out == "-" else out
    shown = "standard output" if out == "-" else out
    if output == "parquet":
        _import_pyarrow_without_numpy()
    with contextlib.ExitStack() as stack:
        bar = progress_bar(stack, paths, label="exporting")
        try:
            result = export_records(
                paths,
                target,
                format=output,  # type: ignore[arg-type]  # click checked the choice
                body=with_body,
                reveal=reveal,
                incremental=incremental,
                pattern=pattern,
                progress=bar.update if bar is not None else None,
                jobs=jobs or default_jobs(),
                limits=limits,
            )
        except ModuleNotFoundError as exc:
            raise click.ClickException(str(exc)) from exc
        except FileError as exc:  # found before any file is read: a folder, no folder...
            raise click.BadParameter(exc.message, param_hint="'-o' / '--output'") from exc
        except BrokenPipeError:  # -o - into a pipe whose reader went away
            end_for_closed_output()
        except OSError as exc:
            # The file that failed: the output, or one of the cache's (OUT.nrcache/...).
            failed = exc.filename if isinstance(exc.filename, str) else out
            raise click.FileError(failed, hint=exc.strerror or str(exc)) from exc
        clear_bar_line(bar)
    for problem in with_limit_hints(result.problems):
        click.echo(str(problem), err=True)
    seconds = time.perf_counter() - started
    reused = f", {result.reused} unchanged rows reused" if incremental else ""
    failed = f"; {counted(result.left_out, 'file')} left out" if result.left_out else ""
    click.echo(
        f"exported {counted(result.rows, 'record')} to {shown} in {seconds:.2f} s "
        f"({counted(result.parsed, 'file')} parsed{reused}){failed}",
        err=True,
    )
    sys.exit(EXIT_INVALID if result.problems else 0)


def _import_pyarrow_without_numpy() -> None:
    """Import pyarrow without letting it import NumPy, when nothing has imported either.

    pyarrow imports NumPy when it is installed, which doubles the import (over 0.1 s
    here): most of the start-up of an incremental export. Writing Parquet never needs
    NumPy (pyarrow 16 and later run without it), so the command hides it while pyarrow
    loads. JSON Lines and CSV convert values through pandas when it is installed, which
    needs NumPy: those formats import pyarrow as usual. A pyarrow that insists on NumPy
    is imported normally afterwards.
    """
    if "pyarrow" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # import numpy -> ImportError
    try:
        import pyarrow  # noqa: PLC0415
        import pyarrow.parquet  # noqa: F401, PLC0415
    except ImportError:
        for name in [name for name in sys.modules if name.partition(".")[0] == "pyarrow"]:
            del sys.modules[name]
    finally:
        del sys.modules["numpy"]
