"""The ``newsrecord`` command line, built on the public API only."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import attrs
import click

import newsrecord

__all__ = ["main"]

EXIT_INVALID = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsrecord")
def main() -> None:
    """Read, check and edit article-record files without losing a byte."""


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--reveal", is_flag=True, help="Print the secured blob in full.")
def show(file: str, *, reveal: bool) -> None:
    """Print the typed record of FILE as a table and check that it round-trips."""
    try:
        doc = newsrecord.load(file)
    except newsrecord.RecordError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"{type(doc.record).__name__} ({file})")
    for name, value in _rows(doc.record, "", reveal=reveal):
        click.echo(f"  {name:<28} {value}")
    click.echo(f"  {'(body)':<28} {len(doc.body)} characters")
    same = doc.dumps() == doc.text
    click.echo("round trip: " + ("identical, byte for byte" if same else "DIFFERENT"))
    if not same:
        sys.exit(EXIT_INVALID)


def _rows(value: Any, prefix: str, *, reveal: bool) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for spec in newsrecord.fields(type(value)):
        item = getattr(value, spec.name)
        if item is not None:
            rows.extend(_value_rows(prefix + spec.key, item, reveal=reveal))
    rows.extend((f"{prefix}{key}", f"{item!r} (unknown key)") for key, item in value.extra.items())
    return rows


def _value_rows(name: str, item: Any, *, reveal: bool) -> list[tuple[str, str]]:
    if isinstance(item, newsrecord.Secured):
        return [(name, item.raw if reveal else f"{item.redacted()} ({len(item.raw)} chars)")]
    if isinstance(item, list):
        rows: list[tuple[str, str]] = []
        for index, element in enumerate(item):
            rows.extend(_value_rows(f"{name}[{index}]", element, reveal=reveal))
        return rows or [(name, "[]")]
    if attrs.has(type(item)):
        return _rows(item, name + ".", reveal=reveal)
    if isinstance(item, dt.datetime):
        return [(name, item.isoformat())]
    return [(name, repr(item) if not isinstance(item, str) else item)]


if __name__ == "__main__":  # pragma: no cover
    main()
