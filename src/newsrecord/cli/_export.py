"""The export command: records as Parquet, JSON Lines or CSV with typed columns."""

from __future__ import annotations

import contextlib
import sys
import time

import click

from newsrecord.cli._app import EXIT_INVALID, main
from newsrecord.cli._runner import clear_bar_line, progress_bar
from newsrecord.export import export_records


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format",
    "output",
    type=click.Choice(["parquet", "jsonl", "csv"]),
    default="parquet",
    show_default=True,
    help="parquet: typed, nested columns; jsonl: one object a line; csv: nested as JSON.",
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The file to write (replaced atomically).",
)
@click.option("--with-body", is_flag=True, help="Add the body as the column body.")
@click.option("--reveal", is_flag=True, help="Export secured blobs in full (else shortened).")
@click.option(
    "--incremental",
    is_flag=True,
    help="Keep OUT.nrcache and re-read only the files that changed since the last run.",
)
def export(
    paths: tuple[str, ...],
    output: str,
    out: str,
    *,
    with_body: bool,
    reveal: bool,
    incremental: bool,
) -> None:
    """Export the records among PATHS into one table file, a row per record.

    One table for all kinds (a union schema): path, kind, then a column per YAML key of
    any kind, typed from the model (timestamps in UTC, integers, booleans, lists,
    structs for objects such as provider), extra (unknown keys as JSON) and, with
    --with-body, body. Files that are not valid records are reported on stderr and left
    out (exit status 1). Needs pyarrow: pip install "newsrecord[export]".
    """
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        bar = progress_bar(stack, paths, label="exporting")
        try:
            result = export_records(
                paths,
                out,
                format=output,  # type: ignore[arg-type]  # click checked the choice
                body=with_body,
                reveal=reveal,
                incremental=incremental,
                progress=bar.update if bar is not None else None,
            )
        except ModuleNotFoundError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            raise click.FileError(out, hint=exc.strerror or str(exc)) from exc
        clear_bar_line(bar)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    seconds = time.perf_counter() - started
    reused = f", {result.reused} unchanged rows reused" if incremental else ""
    failed = f"; {len(result.problems)} files left out" if result.problems else ""
    click.echo(
        f"exported {result.rows} records to {out} in {seconds:.2f} s "
        f"({result.parsed} files parsed{reused}){failed}",
        err=True,
    )
    sys.exit(EXIT_INVALID if result.problems else 0)
