"""Columnar export: records as one typed Arrow table, written as Parquet, JSON Lines or CSV.

One table for every kind, with a *union* schema: a column per YAML key any kind has
(``title``, ``heat``, ``length``, ``companies``...), null where a record's kind does not
have it, plus ``path`` and ``kind`` first, ``extra`` (the keys the model does not know,
as JSON text) and, on request, ``body``. One table keeps a site's records queryable
together (``WHERE kind = 'Video'`` picks one kind) and its schema is the same for every
site, whatever kinds it holds. Column types come from the model: text, int64, float64,
bool, timestamps in UTC (``timestamp[us, tz=UTC]``), durations, lists, and structs for
nested objects (``provider.name``); a field whose type is a union of kinds (``related``:
an article or a URL) is JSON text.

pyarrow is an optional dependency (``pip install "newsrecord[export]"``): this module
imports without it, and its functions raise :class:`ModuleNotFoundError` saying what to
install.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import errno
import functools
import hashlib
import itertools
import json
import math
import os
import re
import secrets
import stat
import struct
import sys
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final, Literal

import attrs

from newsrecord._optional import require
from newsrecord._pool import run_items
from newsrecord._read import native
from newsrecord._read.limits import DEFAULT_LIMITS, Limits
from newsrecord.api import loads, read_limited, to_dict
from newsrecord.document import Document
from newsrecord.errors import (
    FileError,
    LimitError,
    Problem,
    RecordError,
    ValidationError,
    brief,
    unreadable,
)
from newsrecord.files import (
    StrPath,
    as_paths,
    jekyll_exclusions,
    link_to_nothing,
    once_each,
    scan_folder,
    walk_entries,
    write_whole,
)
from newsrecord.model.duration import Duration
from newsrecord.model.fields import fields, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.price import Price
from newsrecord.model.records import KINDS
from newsrecord.model.secured import Secured

if sys.platform != "win32":
    import fcntl

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ExportResult", "arrow_schema", "cache_path", "export_records", "to_arrow"]

Format = Literal["parquet", "jsonl", "csv"]

_SCHEMA_VERSION: Final = 3
"""Bumped whenever the columns, or the rows made of a file, change, so that an old cache
is not reused (3: files with values the columns cannot hold are left out)."""

_CACHE_VERSION: Final = 3
"""Bumped whenever the incremental cache's own files change (2: packed stats; 3: the
segments' stats)."""


def _pyarrow() -> Any:
    return require("pyarrow", extra="export", feature="exporting records")


# --- the schema ---------------------------------------------------------------------------


def _is_model(tp: Any) -> bool:
    try:
        fields(tp)
    except TypeError:
        return False
    return True


@functools.cache
def _leaf_types(pa: Any) -> dict[Any, Any]:
    """The Arrow type of each leaf type: the column its :class:`Leaf` names.

    Made once: the schema asks it of every field of every kind.
    """
    columns = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "duration": pa.duration("us"),
    }
    return {tp: columns[leaf.column] for tp, leaf in LEAVES.items()}


def _arrow_type(tp: Any, pa: Any, seen: frozenset[type]) -> Any:
    """The Arrow type of a model annotation; None for what is kept as JSON text."""
    tp = optional_part(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        item = _arrow_type(typing.get_args(tp)[0], pa, seen)
        return None if item is None else pa.list_(item)
    if origin in (typing.Union, types.UnionType) or tp is Any:
        return None
    simple = _leaf_types(pa)
    if tp in simple:
        return simple[tp]
    if isinstance(tp, type) and _is_model(tp) and tp not in seen:
        inner = seen | {tp}
        members = []
        for spec in fields(tp):
            member = _arrow_type(spec.type, pa, inner)
            members.append(pa.field(spec.key, member if member is not None else pa.string()))
        # The object's keys the model does not know, as a JSON object (or null).
        members.append(pa.field("extra", pa.string()))
        return pa.struct(members)
    return None


@attrs.frozen
class _Column:
    key: str
    type: Any  # the Arrow type
    json: bool  # the value is written as JSON text


_COLUMNS: list[_Column] = []


def _columns(pa: Any) -> list[_Column]:
    if _COLUMNS:
        return _COLUMNS
    chosen: dict[str, _Column] = {}
    for kind in KINDS:
        for spec in fields(kind):
            arrow = _arrow_type(spec.type, pa, frozenset({kind}))
            column = _Column(spec.key, arrow or pa.string(), arrow is None)
            known = chosen.get(spec.key)
            if known is None:
                chosen[spec.key] = column
            elif known != column:
                # Two kinds type one key differently: JSON text holds either.
                chosen[spec.key] = _Column(spec.key, pa.string(), json=True)
    _COLUMNS.extend(chosen.values())
    return _COLUMNS


def arrow_schema(*, body: bool = False) -> pa.Schema:
    """Return the Arrow schema of exported records (the union over every kind).

    Columns: ``path``, ``kind`` (the record class name), one per YAML key of any kind,
    ``extra`` (unknown keys as a JSON object, or null), and ``body`` when asked for.

    Raises:
        ModuleNotFoundError: pyarrow is not installed.
    """
    pa = _pyarrow()
    members = [pa.field("path", pa.string(), nullable=False), pa.field("kind", pa.string())]
    members += [pa.field(column.key, column.type) for column in _columns(pa)]
    members.append(pa.field("extra", pa.string()))
    if body:
        members.append(pa.field("body", pa.string()))
    return pa.schema(members)


# --- rows ---------------------------------------------------------------------------------


_MICROSECOND: Final = dt.timedelta(microseconds=1)

_MOST_MICROSECONDS: Final = (1 << 63) - 1
"""The longest ``duration[us]``: 64-bit microseconds, about 292,000 years."""

_INT64: Final = range(-(1 << 63), 1 << 63)
"""The whole numbers an ``int64`` column holds; YAML's have no bound."""

_SHOWN_BITS: Final = 128
"""Numbers past this many bits are told by their size, not written out."""


class _UnfitError(ValueError):
    """A value that its typed column cannot hold (see :func:`_unfit`)."""


def _unfit(value: Any) -> str | None:
    """Why no typed column can hold *value*, or None when it fits.

    A date-time in UTC must fall within the years 1 to 9999 (Python, pandas and DuckDB
    cannot read a timestamp past them, and Arrow would silently store year 10000); a
    duration must fit in 64-bit microseconds, and a whole number in 64 bits. Records may
    hold such values: a file with one is left out of the export with a problem, rather
    than written as something else (or failing the whole export).
    """
    if type(value) is int and value not in _INT64:
        # Not str() of any size: Python refuses to write numbers of over 4,300 digits.
        shown = str(value) if value.bit_length() < _SHOWN_BITS else f"of {value.bit_length()} bits"
        return (
            f"the number {shown} is outside the 64-bit integers exported numbers hold: the "
            "file is not exported"
        )
    # Only the first and last years can leave the range in UTC: the rest costs no conversion.
    if isinstance(value, dt.datetime) and not 1 < value.year < 9999:
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            return (
                f"{value.isoformat()} falls outside the years 1 to 9999 in UTC, which "
                "exported timestamps hold: the file is not exported"
            )
    if isinstance(value, Duration) and value.timedelta // _MICROSECOND > _MOST_MICROSECONDS:
        return (
            f"the duration {brief(value.text)} is longer than exported durations hold "
            "(64-bit microseconds, about 292,000 years): the file is not exported"
        )
    return None


def _unfit_problems(path: str, doc: Document, value: Any, where: str) -> Iterator[Problem]:
    """The problems of the values under the field path *where* that :func:`_unfit` refuses."""
    if isinstance(value, list):
        for number, item in enumerate(value):
            yield from _unfit_problems(path, doc, item, f"{where}[{number}]")
    elif attrs.has(type(value)) and _is_model(type(value)):
        for spec in fields(type(value)):
            member = getattr(value, spec.name)
            yield from _unfit_problems(path, doc, member, f"{where}.{spec.key}")
    else:
        why = _unfit(value)
        if why is not None:
            line, column = doc.locate(where) or (None, None)
            yield Problem(why, path, line, column, where)


class _RowMaker:
    """Turns records into rows (dicts) of the export schema."""

    def __init__(self, *, body: bool, reveal: bool) -> None:
        pa = _pyarrow()
        self.pa = pa
        self.columns = _columns(pa)
        self._json_types: dict[Any, bool] = {}
        self.body = body
        self.reveal = reveal

    def row(self, path: str, doc: Document) -> dict[str, Any]:
        """The row of *doc*.

        Raises:
            ValidationError: a value does not fit its column (see :func:`_unfit`).
        """
        record = doc.record
        plain: dict[str, Any] | None = None
        unfit: list[Problem] = []
        row: dict[str, Any] = {"path": path, "kind": type(record).__name__}
        by_key = {spec.key: spec for spec in fields(type(record))}
        for column in self.columns:
            spec = by_key.get(column.key)
            value = getattr(record, spec.name) if spec is not None else None
            if value is None:
                row[column.key] = None
            elif column.json:
                plain = plain if plain is not None else to_dict(record)
                row[column.key] = json.dumps(
                    self._hide(plain.get(column.key), column.key), ensure_ascii=False
                )
            else:
                try:
                    row[column.key] = self._typed(value)
                except _UnfitError:
                    # Found again with their field paths, which the fast path lacks.
                    unfit += _unfit_problems(path, doc, value, column.key)
        if unfit:
            raise ValidationError(unfit)
        if record.extra:
            plain = plain if plain is not None else to_dict(record)
            extra = {key: self._hide(plain[key], key) for key in record.extra if key in plain}
            row["extra"] = json.dumps(extra, ensure_ascii=False)
        else:
            row["extra"] = None
        if self.body:
            row["body"] = doc.body
        return row

    def line(self, path: str, doc: Document) -> bytes:
        """The row of *doc* as one line of JSON, as :func:`_table` reads rows."""
        return json.dumps(self.row(path, doc), ensure_ascii=False).encode("utf-8")

    def _typed(self, value: Any) -> Any:
        # Values go to Arrow as JSON (see _table): date-times as ISO 8601 with their
        # offset, durations as whole microseconds.
        if isinstance(value, dt.datetime | Duration | int) and _unfit(value) is not None:
            raise _UnfitError
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, Duration):
            return value.timedelta // _MICROSECOND
        if isinstance(value, Secured):
            return self._hide(value.raw, "secured")
        if isinstance(value, Price):
            return value.text
        if isinstance(value, list):
            return [self._typed(item) for item in value]
        if attrs.has(type(value)) and _is_model(type(value)):
            members = {
                spec.key: self._member(getattr(value, spec.name), spec.type)
                for spec in fields(type(value))
            }
            members["extra"] = self._extra(value.extra)
            return members
        return value

    def _extra(self, extra: dict[str, Any]) -> str | None:
        """Unknown keys as a JSON object (secured blobs hidden), or None when none."""
        if not extra:
            return None
        plain = {key: self._hide(_plain(item), key) for key, item in extra.items()}
        return json.dumps(plain, ensure_ascii=False)

    def _member(self, value: Any, tp: Any) -> Any:
        if value is None:
            return None
        as_json = self._json_types.get(tp)
        if as_json is None:
            as_json = self._json_types[tp] = _arrow_type(tp, self.pa, frozenset()) is None
        if as_json:
            # A union inside an object: JSON text, as at the top level.
            return json.dumps(_plain(value), ensure_ascii=False)
        return self._typed(value)

    def _hide(self, plain: Any, key: str) -> Any:
        """Plain data with ``secured`` strings shortened (unless revealing).

        The one place where the export redacts: typed :class:`Secured` values come here
        as their text, plain data (JSON columns, unknown keys) by the key's name.
        """
        if self.reveal:
            return plain
        if key == "secured" and isinstance(plain, str):
            return Secured(plain).redacted()
        if isinstance(plain, dict):
            return {name: self._hide(item, name) for name, item in plain.items()}
        if isinstance(plain, list):
            return [self._hide(item, key) for item in plain]
        return plain


_MAKERS: dict[tuple[bool, bool], _RowMaker] = {}


def _maker(body: bool, reveal: bool) -> _RowMaker:  # cache keys
    """One row maker per option set and process (worker processes make their own)."""
    maker = _MAKERS.get((body, reveal))
    if maker is None:
        maker = _MAKERS[body, reveal] = _RowMaker(body=body, reveal=reveal)
    return maker


def _plain(value: Any) -> Any:
    if attrs.has(type(value)) and _is_model(type(value)):
        return {
            spec.key: _plain(getattr(value, spec.name))
            for spec in fields(type(value))
            if getattr(value, spec.name) is not None
        } | dict(value.extra)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Secured):
        return value.raw  # the whole blob: redaction is the caller's choice (_hide)
    if isinstance(value, Price):
        return value.text
    return value


def to_arrow(
    documents: Iterable[tuple[StrPath, Document]], *, body: bool = False, reveal: bool = False
) -> pa.Table:
    """Build the export table of ``(path, document)`` pairs, one row each, in order.

    Args:
        documents: The records, as :func:`newsrecord.iter_records` yields them.
        body: Add the ``body`` column.
        reveal: Export secured blobs in full (by default shortened, like the CLI).

    Raises:
        ModuleNotFoundError: pyarrow is not installed.
        ValidationError: a record holds a value its column cannot hold: a date-time
            outside the years 1 to 9999 in UTC, or a duration longer than 64-bit
            microseconds; every such value is a problem, with its field and line.
    """
    maker = _maker(body, reveal)
    lines = [maker.line(os.fspath(path), doc) for path, doc in documents]
    return _table(maker.pa, lines, arrow_schema(body=body))


def _table(pa: Any, lines: list[bytes], schema: Any) -> Any:
    """An Arrow table of rows given as *lines* of JSON, through Arrow's JSON reader.

    Not ``Table.from_pylist``: converting Python objects makes pyarrow import pandas when
    it is installed, which costs more than an incremental export of a whole site.
    """
    if not lines:
        # Not schema.empty_table(), which imports pandas too.
        return pa.Table.from_batches([], schema=schema)
    from pyarrow import json as arrow_json  # noqa: PLC0415  # optional dependency

    durations = [field.name for field in schema if pa.types.is_duration(field.type)]
    read_schema = schema
    for name in durations:
        index = read_schema.get_field_index(name)
        read_schema = read_schema.set(index, pa.field(name, pa.int64()))
    table = arrow_json.read_json(
        pa.py_buffer(b"\n".join(lines)),
        read_options=arrow_json.ReadOptions(
            use_threads=False, block_size=max(1 << 20, 2 * max(map(len, lines)) + 2)
        ),
        parse_options=arrow_json.ParseOptions(
            explicit_schema=read_schema, unexpected_field_behavior="error"
        ),
    )
    for name in durations:
        index = table.schema.get_field_index(name)
        # A view, not a cast: the same 64-bit integers, read as microseconds (and no
        # import of pyarrow.compute, a good part of an incremental run's start-up).
        chunks = [chunk.view(schema.field(name).type) for chunk in table.column(index).chunks]
        table = table.set_column(
            index, schema.field(name), pa.chunked_array(chunks, schema.field(name).type)
        )
    return _conform(pa, table.select(schema.names), schema)


def _conform(pa: Any, table: Any, schema: Any) -> Any:
    """*table* with exactly *schema* (field names inside lists, nullability, metadata)."""
    return pa.Table.from_arrays(
        [
            column.cast(field.type) if column.type != field.type else column
            for column, field in zip(table.columns, schema, strict=True)
        ],
        schema=schema,
    )


# --- files --------------------------------------------------------------------------------


@attrs.define
class ExportResult:
    """What :func:`export_records` did.

    Attributes:
        rows: Records written.
        parsed: Files read and parsed in this run: those written as rows, and those
            left out for what they hold (not valid records, or a value no column
            holds). Files that could not be read, and files an incremental run found
            unchanged, are not parsed.
        reused: Rows taken from the cache of an earlier run without parsing the file.
        problems: What is wrong with the files left out (one or more problems a file):
            files that are not valid records, could not be read, or hold a value no
            column holds.
        left_out: Files left out (not written), each with its problems in *problems*.
    """

    rows: int = 0
    parsed: int = 0
    reused: int = 0
    problems: list[Problem] = attrs.Factory(list)
    left_out: int = 0


def cache_path(out: StrPath) -> Path:
    """The folder of the incremental cache kept next to *out* (``OUT.nrcache``)."""
    out = Path(out)
    return out.with_name(out.name + ".nrcache")


def export_records(
    paths: StrPath | Iterable[StrPath],
    out: StrPath | BinaryIO,
    *,
    format: Format = "parquet",  # noqa: A002  # the name the CLI option has
    body: bool = False,
    reveal: bool = False,
    incremental: bool = False,
    pattern: str = "*.md",
    progress: Callable[[int], object] | None = None,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> ExportResult:
    """Export every record file among *paths* into one file *out*, atomically.

    Args:
        paths: Files and folders (walked as :func:`newsrecord.iter_record_files` does).
        out: The file to write, replaced atomically; a symbolic link is written through.
            A binary file object (``sys.stdout.buffer``), a pipe or device, and a name of
            an open descriptor (``/dev/stdout``, ``/dev/fd/3``) are written to as they
            are, at their position: ``>> log`` appends, and nothing is renamed over a
            file the shell opened.
        format: ``"parquet"`` (typed columns, nested structs and lists), ``"jsonl"`` (one
            JSON object a line, the same columns) or ``"csv"`` (lists and objects as JSON
            text). JSON Lines and CSV write durations as seconds, an integer when whole
            (``36000``, else ``1.5``), and date-times in UTC (``2023-11-19T21:07:00Z``).
        body: Add the ``body`` column.
        reveal: Export secured blobs in full (by default shortened).
        incremental: Keep a cache next to *out* (the folder ``OUT.nrcache``): the row of
            a file whose size, modification and change times and inode are those of the
            last run is reused without reading the file; any other file is read, and
            parsed only if its content hash (SHA-256) changed. A file changed within two
            seconds before the last run is checked by its content hash, since an edit
            in the same tick of the file system's clock can leave every time unchanged.
            When no row changed and *out* is the file the last run wrote, it is not
            written again.
        pattern: File names to export in folders.
        progress: Called with the number of files handled since the last call.
        jobs: Worker processes that read and parse files, when there are enough of them
            (200 or more) to pay for starting processes; 1 (the default) parses in this
            process.
        limits: Safety limits for hostile input, as for :func:`newsrecord.load`: a file
            over one is left out, with a problem. The cache of an incremental export
            holds for the limits it was made with: with others, every file is read again.

    Returns:
        Counts of rows written, files parsed and rows reused, and the problems of files
        that could not be exported (these are left out; the rest is written): files
        that are not valid records, could not be read, or hold a value no column holds
        (a date-time outside the years 1 to 9999 in UTC, a duration longer than 64-bit
        microseconds).

    Raises:
        ModuleNotFoundError: pyarrow is not installed.
        ValueError: *format* is not one of the three, or *jobs* is below 1.
        FileError: *out* is a folder or is in a folder that does not exist, *incremental*
            was asked of a stream (a pipe, a device, a descriptor), or *paths* hold no
            record file (a wrong folder or *pattern*): *out* is then left as it was, not
            replaced by an empty table. All are raised before any file is read.
        PermissionError: *out* is read-only (it is kept; a file replaced keeps its
            permission bits).
        OSError: *out* could not be written.
    """
    if format not in ("parquet", "jsonl", "csv"):
        raise ValueError(f"format must be 'parquet', 'jsonl' or 'csv', not {format!r}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    pa = _pyarrow()
    schema = arrow_schema(body=body)
    out, stream = _target(out)
    if stream is not None and incremental:
        raise FileError(
            f"cannot export into {out} incrementally: the cache is kept next to a regular "
            "file, and this is a stream",
            path=str(out),
        )
    if stream is None:
        _replaced_mode(out)  # a read-only output is refused before the work, not after
    options: dict[str, Any] = {
        "version": _SCHEMA_VERSION,
        "cache": _CACHE_VERSION,
        "body": body,
        "reveal": reveal,
    }
    if limits != DEFAULT_LIMITS:
        # Which files are left out depends on them. (Only when not the defaults: a cache
        # made before the limits could be given holds for the defaults.)
        options["limits"] = attrs.asdict(limits)
    stamp = json.dumps(options)
    with _cache_lock(cache_path(out)) if incremental else contextlib.nullcontext():
        cache = _Cache.read(pa, cache_path(out), stamp, schema) if incremental else _Cache()
        # Taken before any file is looked at: see _Cache.write (the racy check).
        started = time.time_ns()
        run = _Run(cache, progress)
        names, stats, errors = _scan(paths, pattern, None if stream is not None else out)
        if not names:
            shown = ", ".join(map(str, as_paths(paths)))
            raise FileError(
                f"no record files ({pattern}) among {shown}: nothing exported, and {out} left "
                "as it was",
                path=str(out),
            )
        run.scan(names, stats, errors)
        run.read(_Options(body=body, reveal=reveal, limits=limits), jobs)
        result = run.result()
        fresh = _table(pa, run.lines, schema)
        table = _assemble(pa, cache.table, fresh, run.order)
        written = cache.output if run.unchanged_rows() else None
        if stream is not None:
            # A Python file: Arrow's own asks where it is (lseek), which a pipe cannot say.
            with stream() as sink:
                _encode(pa, table, format, sink)
                sink.flush()
        elif written is None or written != _output_identity(out, format):
            _write_through(pa, out, functools.partial(_encode, pa, table, format))
        if incremental:
            cache.write(pa, run, fresh, table, started, _output_identity(out, format))
    return result


_Stream = Callable[[], contextlib.AbstractContextManager[BinaryIO]]
"""Opens the stream an export writes into as it is (see :func:`_target`)."""

_DESCRIPTOR: Final = re.compile(
    r"/dev/(?:std(?P<standard>in|out|err)|fd/(?P<dev>\d+))|/proc/self/fd/(?P<proc>\d+)"
)
"""Names of a process's own open descriptors: opened again, they would start anew."""


@contextlib.contextmanager
def _cache_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of the cache *folder*: one incremental export into an output at a time.

    Two at once would each remove, as left over, the segments and temporary files the
    other is writing. The second waits (an incremental run is short), then finds the
    cache the first one wrote. Without ``flock`` (Windows) there is no lock.
    """
    if folder.is_file():
        folder.unlink()  # the single file of an older version
    folder.mkdir(exist_ok=True)
    handle = os.open(folder / _LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        if sys.platform != "win32":
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # which releases the lock


def _target(out: StrPath | BinaryIO) -> tuple[Path, _Stream | None]:
    """Where to write *out*: a regular file (a link's, followed), or a stream to open.

    A link is written through, not replaced by a file. A stream is written to as it is,
    with no temporary file to rename over it: a file object, a descriptor named by path
    (``/dev/stdout`` is a link to whatever the shell opened, ``>> log`` included: opened
    by name, the file would be truncated, or written from its start behind the shell's
    back), a pipe or a device.

    Raises:
        FileError: *out* is a folder, or a regular file in a folder that does not exist.
    """
    if not isinstance(out, str | os.PathLike):
        name = getattr(out, "name", None)
        given: BinaryIO = out  # the caller's to close
        return Path(name if isinstance(name, str) else "<stream>"), lambda: contextlib.nullcontext(
            given
        )
    path = Path(out)
    named = _DESCRIPTOR.fullmatch(str(path.absolute()))  # not resolved: /dev/stdout is a link
    if named is not None:
        standard = named["standard"]
        descriptor = (
            ("in", "out", "err").index(standard) if standard else int(named["dev"] or named["proc"])
        )
        return path, lambda: open(descriptor, "wb", closefd=False)
    try:
        mode = path.stat().st_mode  # of what a link names
    except OSError:
        mode = None  # not there yet (or a dangling link): the write tells what is wrong
    if mode is not None and stat.S_ISDIR(mode):
        raise FileError(
            f"cannot export into {path}: it is a folder", path=str(path), errno=errno.EISDIR
        )
    if mode is not None and not stat.S_ISREG(mode):
        return path, lambda: path.open("wb")  # a pipe or a device
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if not path.parent.is_dir():
        # Found now, not once every file is parsed.
        raise FileError(
            f"cannot export into {path}: there is no folder {path.parent}",
            path=str(path),
            errno=errno.ENOENT,
        )
    return path, None


def _output_identity(out: Path, format: str) -> list[Any] | None:  # noqa: A002
    """What tells that *out* is still the file an export wrote: format, size, times, inode."""
    try:
        info = out.stat()
    except OSError:
        return None
    return [format, info.st_size, info.st_mtime_ns, info.st_ino]


@attrs.frozen
class _Options:
    """What the workers need to know to make rows (it pickles)."""

    body: bool
    reveal: bool
    limits: Limits


_STAT: Final = struct.Struct("<qqqQ")
"""What ``stat`` says of a file, packed: size, modification and change times (ns), inode.

The change time cannot be set by a program (``os.utime`` sets it to now): an edit that
keeps the size and puts the old modification time back still changes it. A site's stats
are one ``bytes`` object, 32 bytes a file, so that the stats of a run and of the last one
are compared whole, and in blocks where they differ, rather than file by file.
"""

_SIZE: Final = _STAT.size
_NO_STAT: Final = bytes(_SIZE)
"""The packed stat of a file that could not be looked at."""

_NO_DIGEST: Final = bytes(32)
"""The digest of a file not read yet."""

_BLOCK: Final = 64
"""Files whose stats are compared at once while looking for those that changed."""

_RACY_NS: Final = 2_000_000_000
"""How close before a run a file's times must be for the next run to check its content.

A file written in the same tick of the file system's clock as the run's ``stat`` could
be written again within that tick, keeping every time. Ticks are milliseconds on ext4,
XFS, btrfs and APFS, but one second on some file systems and two on FAT. Times are
compared with this machine's clock: a network file system whose server clock runs more
than this ahead could hide such an edit.
"""

_DELTA_ROWS: Final = 256
_DELTA_SHARE: Final = 16
"""The rows that changed since the base segment was written are rewritten on each run
(the *delta*) until they are more than the larger of :data:`_DELTA_ROWS` and a
:data:`_DELTA_SHARE`-th of the site; then all rows are written again as one base."""

_KEYS: Final = "keys.arrow"
_LOCK: Final = "lock"

_NEW: Final = 1 << 48
"""Where a run's sources of rows (:attr:`_Run.sources`) say "the new row number n":
``_NEW + n``. Below it, a row of the cache; -1, a file without a row (not a record)."""


def _names_key(names: list[str]) -> str:
    """A digest of the walk's file names in order: equal, the walk found the same files."""
    joined = "\0".join(names).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(joined, digest_size=20).hexdigest()


def _fixed_width(column: Any, width: int) -> bytes:
    """The values of a column of fixed-width values as one ``bytes`` (*width* each)."""
    parts = []
    for chunk in column.chunks:
        data = chunk.buffers()[1]
        start = chunk.offset * width
        parts.append(data.to_pybytes()[start : start + len(chunk) * width])
    return b"".join(parts)


def _differing(now: bytes, then: bytes) -> list[int]:
    """The numbers of the 32-byte records that differ between two packings of as many."""
    found = []
    block = _BLOCK * _SIZE
    for start in range(0, len(now), block):
        end = start + block
        if now[start:end] != then[start:end]:
            found += [
                at // _SIZE
                for at in range(start, min(end, len(now)), _SIZE)
                if now[at : at + _SIZE] != then[at : at + _SIZE]
            ]
    return found


class _Cache:
    """An incremental cache: a folder of Arrow files.

    ``keys.arrow`` holds a row per file of the last run (path, packed stat, SHA-256, the
    number of its exported row or -1 for a file that is not a valid record, and whether
    it was racy) and, in its metadata, the option stamp, a digest of the paths in order,
    the names of the files of rows (the *segments*), the problems of invalid files and
    what the output file was. The rows are in two segments: the *base*, written when the
    cache is made, and the *delta*, the rows that changed since, written again by each
    run that changes rows. A run that changes ten files writes those rows, not the whole
    site; once the delta grows past a sixteenth of the site, all rows are written again as
    one base. Segments are memory-mapped, and the keys are read as whole columns: reading
    the cache makes no Python object per file but the row numbers (the paths only when
    the walk found other files than the last run).
    """

    def __init__(self, folder: Path | None = None, stamp: str = "") -> None:
        self.folder = folder
        self.stamp = stamp
        self.table: Any = None  # the rows of every segment, one after the other
        self.segments: list[str] = []
        self.paths: Any = None  # the path column of the keys
        self.names_key = ""
        self.stats = b""
        self.digests = b""
        self.rows: list[int] = []
        self.racy = b""
        self.problems: dict[str, list[Problem]] = {}
        self.output: list[Any] | None = None
        self.base = 0
        self._names: list[str] | None = None

    @classmethod
    def read(cls, pa: Any, folder: Path, stamp: str, schema: Any) -> _Cache:
        """The cache in *folder*; an empty one when there is none or it is unusable."""
        cache = cls(folder, stamp)
        try:
            with pa.memory_map(str(folder / _KEYS)) as source:
                keys = pa.ipc.open_file(source).read_all()
            metadata = keys.schema.metadata or {}
            if metadata.get(b"newsrecord") != stamp.encode():
                return cache  # another version or other options: start afresh
            segments = json.loads(metadata[b"newsrecord-segments"])
            identities = json.loads(metadata[b"newsrecord-segment-stats"])
            tables = []
            for name in segments:
                if _identity(folder / name) != identities[name]:
                    return cache  # rewritten since (a row changed in place): start afresh
                with pa.memory_map(str(folder / name)) as source:
                    tables.append(pa.ipc.open_file(source).read_all())
            if any(not table.schema.equals(schema) for table in tables):
                return cache
            failed = json.loads(metadata[b"newsrecord-failures"])
            output = json.loads(metadata[b"newsrecord-output"])
            names_key = metadata[b"newsrecord-names"].decode()
            count = keys.num_rows
            stats = _fixed_width(keys.column("stat"), _SIZE)
            digests = _fixed_width(keys.column("sha256"), 32)
            racy = _fixed_width(keys.column("racy"), 1)
            problems = {
                name: [Problem(**problem) for problem in found] for name, found in failed.items()
            }
        except (OSError, KeyError, ValueError, TypeError, pa.ArrowInvalid):
            return cache
        rows = keys.column("row").to_pylist()
        stored = sum(table.num_rows for table in tables)
        paths = keys.column("path")
        if (
            (len(stats), len(digests), len(racy)) != (count * _SIZE, count * 32, count)
            or max(rows, default=-1) >= stored
            or any(paths[number].as_py() not in problems for number in _failed(rows))
        ):
            return cache  # keys that do not match the rows: start afresh
        cache.table = pa.concat_tables(tables) if tables else None
        cache.base = tables[0].num_rows if tables else 0
        cache.segments = segments
        cache.paths = paths
        cache.names_key = names_key
        cache.stats, cache.digests, cache.rows, cache.racy = stats, digests, rows, racy
        cache.problems = problems
        cache.output = output
        return cache

    @property
    def names(self) -> list[str]:
        """The paths of the last run, in its walk order (made when first asked for)."""
        if self._names is None:
            self._names = [] if self.paths is None else self.paths.to_pylist()
        return self._names

    @property
    def stored(self) -> int:
        """Rows in the segments, replaced ones included."""
        return 0 if self.table is None else int(self.table.num_rows)

    def _write_rows(
        self, pa: Any, folder: Path, order: list[int], fresh: Any, table: Any
    ) -> tuple[list[str], list[int]]:
        """Write the rows of a run as segments: the delta, or all again as a new base.

        Returns the segments, and the number of each output row among their rows.
        """
        live = len(order)
        base = self.base
        delta = [source for source in order if source >= base]
        reused = live - len(delta)  # rows still read from the base segment
        if (
            self.table is None
            or len(delta) > max(_DELTA_ROWS, live // _DELTA_SHARE)
            or base - reused > live // 2
        ):
            # Written again as one segment: the first run, or enough rows changed since.
            segments = [_write_segment(pa, folder, table)] if live else []
            exported: list[int] = list(range(live))
        else:
            segments = self.segments[:1]
            if delta == list(range(base, self.stored)):
                segments = self.segments  # the same rows in the delta: kept as it is
            elif delta:
                segments.append(_write_segment(pa, folder, _assemble(pa, self.table, fresh, delta)))
            after = itertools.count(base)
            exported = [source if source < base else next(after) for source in order]
        return segments, exported

    def write(
        self, pa: Any, run: _Run, fresh: Any, table: Any, started: int, output: list[Any] | None
    ) -> None:
        """Write what *run* found: its new rows as a segment, then the keys.

        *output* tells what the output file written is, so that the next run can tell
        whether it is still there.
        """
        assert self.folder is not None  # noqa: S101  # only read caches are written
        folder = self.folder  # made by _cache_lock
        segments, exported = self._write_rows(pa, folder, run.order, fresh, table)
        # The keys: the row number of each file (-1 for a file without a row), and which
        # files are racy: a file whose times are this close to the start of the run may
        # change again without changing them, so the next run checks its content (git's
        # "racy" entries). Only files read in this run can be racy: any other file has
        # the times it had when the last run found it settled.
        numbers = iter(exported)
        rows = [-1 if source < 0 else next(numbers) for source in run.sources]
        edge = started - _RACY_NS
        racy = bytearray(len(rows))
        for number in run.read_files:
            _, mtime, ctime, _ = _STAT.unpack_from(run.stats, number * _SIZE)
            racy[number] = max(mtime, ctime) >= edge
        names, stats, digests = run.names, run.stats, bytes(run.digests)
        failures = {
            names[number]: [attrs.asdict(problem) for problem in run.problems_of(number)]
            for number in _failed(rows)
            if number not in run.forgotten
        }
        names_key = run.names_key
        if run.forgotten:
            # Files that could not be read are not remembered: the next run tries again.
            kept = [number for number in range(len(names)) if number not in run.forgotten]
            names = [names[number] for number in kept]
            stats = b"".join(stats[number * _SIZE : number * _SIZE + _SIZE] for number in kept)
            digests = b"".join(digests[number * 32 : number * 32 + 32] for number in kept)
            rows = [rows[number] for number in kept]
            racy = bytearray(racy[number] for number in kept)
            names_key = _names_key(names)
        if segments == self.segments and (names_key, stats, digests, rows, bytes(racy), output) == (
            self.names_key,
            self.stats,
            self.digests,
            self.rows,
            self.racy,
            self.output,
        ):
            return  # nothing to say that the cache does not say already
        metadata = {
            "newsrecord": self.stamp,
            "newsrecord-names": names_key,
            "newsrecord-segments": json.dumps(segments),
            "newsrecord-segment-stats": json.dumps(
                {name: _identity(folder / name) for name in segments}
            ),
            "newsrecord-failures": json.dumps(failures),
            "newsrecord-output": json.dumps(output),
        }
        same_paths = names_key == self.names_key and self.paths is not None
        keys = _keys_table(
            pa, self.paths if same_paths else names, stats, digests, rows, bytes(racy), metadata
        )
        _write_through(pa, folder / _KEYS, lambda sink: _write_ipc(pa, keys, sink))
        keep = {_KEYS, *segments}
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                ours = name.startswith("rows-") or (name[:1] == "." and name.endswith(".tmp"))
                if ours and name not in keep:
                    # A segment no longer used, or left by a run that was stopped; on
                    # Windows a mapped file cannot go yet: the next run removes it.
                    with contextlib.suppress(OSError):
                        Path(entry.path).unlink()


def _identity(path: Path) -> list[int]:
    """What tells that a segment is the file the cache wrote: size, modification time, inode.

    Segments are written once and never changed: another size or time means another
    program changed the file (or a damaged disk gave other bytes back); hashing them on
    every run would cost as much as the rest of an incremental export.
    """
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _write_segment(pa: Any, folder: Path, table: Any) -> str:
    name = f"rows-{secrets.token_hex(6)}.arrow"
    _write_through(pa, folder / name, lambda sink: _write_ipc(pa, table, sink))
    return name


def _write_ipc(pa: Any, table: Any, sink: Any) -> None:
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _keys_table(
    pa: Any,
    paths: Any,
    stats: bytes,
    digests: bytes,
    rows: list[int],
    racy: bytes,
    metadata: dict[str, str],
) -> Any:
    """The keys as an Arrow table, built from buffers (see _table on pyarrow and pandas).

    *paths* is the path column of the keys read, when the files are the same, else a list.
    """
    count = len(rows)
    if isinstance(paths, list):
        text = "".join(paths)
        if text.isascii():
            # One encoding of the whole text, and lengths in characters are lengths in bytes.
            data = text.encode("ascii")
            lengths: Iterable[int] = map(len, paths)
        else:
            encoded = [name.encode("utf-8", "surrogateescape") for name in paths]
            data = b"".join(encoded)
            lengths = map(len, encoded)
        offsets = array.array("q", [0])
        offsets.extend(itertools.accumulate(lengths))
        paths = pa.Array.from_buffers(
            pa.large_string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )

    def fixed(width: int, data: bytes) -> Any:
        return pa.Array.from_buffers(pa.binary(width), count, [None, pa.py_buffer(data)])

    columns = {
        "path": paths,
        "stat": fixed(_SIZE, stats),
        "sha256": fixed(32, digests),
        "row": pa.Array.from_buffers(
            pa.int64(), count, [None, pa.py_buffer(array.array("q", rows))]
        ),
        "racy": pa.Array.from_buffers(pa.int8(), count, [None, pa.py_buffer(racy)]),
    }
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    return table.replace_schema_metadata(metadata)


def _failed(rows: list[int]) -> list[int]:
    """The numbers of the files without a row (-1), found by ``list.index``, in C."""
    found = []
    start = 0
    with contextlib.suppress(ValueError):
        while True:
            start = rows.index(-1, start)
            found.append(start)
            start += 1
    return found


class _Run:
    """One export's walk: where each file's row comes from, which files are read, what failed.

    Attributes:
        names: The files, in walk order.
        names_key: :func:`_names_key` of *names*.
        stats: Their packed stats (:data:`_STAT`).
        digests: Their SHA-256 digests, 32 bytes each (as cached, or as read now).
        sources: Where each file's row comes from: a row number of the cache, ``_NEW +
            n`` for the n-th new row (its JSON line in *lines*), or -1 for none (not a
            valid record, or not readable).
        olds: Each file's number in the cache (-1: not in it); None when the walk found
            the same files as the last run, in the same order (each its own number).
        read_files: The files read in this run (and remembered).
        parsed: How many files were parsed in this run, whether they gave a row or not.
        forgotten: The files that could not be read: not remembered, so that the next
            run tries again.
        order: The output's rows: the *sources* that are rows, in walk order.
    """

    def __init__(self, cache: _Cache, progress: Callable[[int], object] | None) -> None:
        self.cache = cache
        self.progress = progress
        self.names: list[str] = []
        self.names_key = ""
        self.stats = b""
        self.digests = bytearray()
        self.sources: list[int] = []
        self.olds: list[int] | None = None
        self.waiting: list[int] = []
        self.read_files: list[int] = []
        self.parsed = 0
        self.forgotten: set[int] = set()
        self.found: dict[int, list[Problem]] = {}  # problems found in this run
        self.order: list[int] = []
        self.lines: list[bytes] = []

    def scan(self, names: list[str], stats: bytes, errors: dict[int, OSError]) -> None:
        """Take the files of the walk: reuse what the cache knows, or read them later."""
        cache = self.cache
        self.names, self.stats = names, stats
        self.names_key = _names_key(names)
        known, racy = cache.stats, cache.racy
        if self.names_key == cache.names_key and cache.paths is not None:
            # The same files as the last run, in the same order (the usual case): their
            # stats are compared whole, and in blocks where they differ.
            self.sources = list(cache.rows)
            self.digests = bytearray(cache.digests)
            waiting = set(_differing(stats, known))
            racy_at = racy.find(1)
            while racy_at >= 0:
                waiting.add(racy_at)
                racy_at = racy.find(1, racy_at + 1)
        else:
            at = dict(zip(cache.names, itertools.count()))
            olds = self.olds = [at.get(name, -1) for name in names]
            rows, digests = cache.rows, cache.digests
            self.sources = [rows[old] if old >= 0 else -1 for old in olds]
            self.digests = bytearray(
                b"".join(
                    digests[old * 32 : old * 32 + 32] if old >= 0 else _NO_DIGEST for old in olds
                )
            )
            waiting = {
                number
                for number, old in enumerate(olds)
                if old < 0
                or racy[old]
                or stats[number * _SIZE : number * _SIZE + _SIZE]
                != known[old * _SIZE : old * _SIZE + _SIZE]
            }
        for number, error in errors.items():
            waiting.discard(number)
            self.sources[number] = -1
            self.found[number] = [unreadable(names[number], error)]
            self.forgotten.add(number)
        self.waiting = sorted(waiting)
        if self.progress is not None and len(names) > len(self.waiting):
            self.progress(len(names) - len(self.waiting))

    def read(self, options: _Options, jobs: int) -> None:
        """Read, hash and parse the files that need it, in worker processes if many."""
        digests, olds = self.cache.digests, self.olds
        work = []
        for number in self.waiting:
            old = number if olds is None else olds[number]
            work.append(
                (self.names[number], digests[old * 32 : old * 32 + 32] if old >= 0 else None)
            )
        done = run_items(_read_batch, work, options, jobs)
        for number, (_, (what, digest, value)) in zip(self.waiting, done, strict=True):
            # "same": the same content with new times (a checkout, a touch): the cached
            # row (or problems) stays, and the new times are kept, so that the next run
            # does not read it.
            self.parsed += what in ("row", "bad")
            if what == "row":
                self.sources[number] = _NEW + len(self.lines)
                self.lines.append(value)
            elif what != "same":
                self.sources[number] = -1
                self.found[number] = value
                if what == "unreadable":
                    self.forgotten.add(number)
            if what != "unreadable":
                self.digests[number * 32 : number * 32 + 32] = digest
                self.read_files.append(number)
            if self.progress is not None:
                self.progress(1)
        self.waiting = []

    def problems_of(self, number: int) -> list[Problem]:
        """The problems of a file without a row: found now, or cached."""
        found = self.found.get(number)
        return found if found is not None else self.cache.problems[self.names[number]]

    def result(self) -> ExportResult:
        """The result; sets the output's rows (:attr:`order`)."""
        result = ExportResult()
        self.order = [source for source in self.sources if source >= 0]
        failed = _failed(self.sources)
        for number in failed:
            result.problems.extend(self.problems_of(number))
        result.left_out = len(failed)
        result.parsed = self.parsed
        result.rows = len(self.order)
        result.reused = result.rows - len(self.lines)
        return result

    def unchanged_rows(self) -> bool:
        """Whether the output holds the rows of the last run, in the same order."""
        return not self.lines and self.order == [row for row in self.cache.rows if row >= 0]


def _read_batch(
    work: list[tuple[str, bytes | None]], options: _Options
) -> list[tuple[str, bytes, Any]]:
    """Read, hash and parse files (in a worker process, or this one).

    For each ``(path, digest of its cached content or None)``: ``("same", digest,
    None)`` when the content is the cached one, ``("row", digest, JSON line)``,
    ``("bad", digest, problems)`` for a file that is not a valid record (or holds a
    value no column can hold), or
    ``("unreadable", b"", problems)``.
    """
    maker = _maker(options.body, options.reveal)
    done: list[tuple[str, bytes, Any]] = []
    for name, known in work:
        try:
            # Never blocks on a FIFO named on the line, never reads a file over the limit.
            data = read_limited(name, options.limits)
        except OSError as exc:
            done.append(("unreadable", b"", [unreadable(name, exc)]))
            continue
        except LimitError as exc:
            done.append(("unreadable", b"", list(exc.problems)))
            continue
        digest = hashlib.sha256(data).digest()
        if digest == known:
            done.append(("same", digest, None))
            continue
        try:
            line = maker.line(name, loads(data, path=name, limits=options.limits))
        except RecordError as exc:
            done.append(("bad", digest, list(exc.problems)))
            continue
        done.append(("row", digest, line))
    return done


def _scan(
    paths: StrPath | Iterable[StrPath], pattern: str, out: Path | None
) -> tuple[list[str], bytes, dict[int, OSError]]:
    """The record files in walk order, their stats packed, and the errors by file number.

    The output file *out* and its cache are left out: an export into the folder it
    exports (``-o site/all.md --format jsonl``) must not read itself the next time.

    The walk is :func:`newsrecord.files.walk_entries`; an incremental export of a large
    site is mostly this walk and its ``stat`` per file, which the native package makes in
    Rust (:func:`newsrecord.files.scan_folder`, the ``stat`` calls on two threads).
    """
    names: list[str] = []
    parts: list[bytes] = []
    errors: dict[int, OSError] = {}
    roots = list(as_paths(paths))
    for root in roots:
        top = os.fspath(root)
        first = len(names)
        scanned = scan_folder(top, pattern) if root.is_dir() else None
        if scanned is None:
            _scan_in_python(top, pattern, names, parts, errors)
        else:
            found, packed, failed = scanned
            kept_here = _kept_by_site(top, found)
            if kept_here is not None:
                # The native walk does not read _config.yml: leave out what the Python
                # walk (walk_entries) leaves out, so that both export the same files.
                renumbered = {old: new for new, old in enumerate(kept_here)}
                failed = [(renumbered[n], code) for n, code in failed if n in renumbered]
                packed = b"".join(packed[n * _SIZE : n * _SIZE + _SIZE] for n in kept_here)
                found = [found[n] for n in kept_here]
            for number, code in failed:
                errors[len(names) + number] = _os_error(code, found[number])
            names += found
            parts.append(packed)
        if top == os.curdir:
            # "x/a.md", not "./x/a.md": the path column as every other command writes it.
            names[first:] = [name[2:] for name in names[first:]]
    stats = b"".join(parts)
    inodes = [entry[3] for entry in _STAT.iter_unpack(stats)]
    kept = once_each(names, inodes, overlapping=len(roots) > 1)
    ours = _ours(names, inodes, out) if out is not None else set()
    if ours:
        every = range(len(names)) if kept is None else kept
        kept = [number for number in every if number not in ours]
    if kept is None:
        return names, stats, errors
    # Overlapping roots, links: each file once, where it was first found (as walk_entries).
    renumbered = {old: new for new, old in enumerate(kept)}
    return (
        [names[number] for number in kept],
        b"".join(stats[number * _SIZE : number * _SIZE + _SIZE] for number in kept),
        {renumbered[number]: error for number, error in errors.items() if number in renumbered},
    )


def _kept_by_site(top: str, found: list[str]) -> list[int] | None:
    """The numbers of the files of *found* (under *top*) that the site's ``exclude:`` keeps.

    None when the Jekyll site around *top* excludes nothing. A file is left out when it
    or a folder above it (up to *top*) is excluded, as the walk prunes such folders.
    """
    excluded = jekyll_exclusions(top)
    if excluded is None:
        return None
    folders: dict[str, bool] = {}

    def folder_out(folder: str) -> bool:
        if len(folder) <= len(top):
            return False
        if folder not in folders:
            folders[folder] = folder_out(folder.rpartition(os.sep)[0]) or excluded(folder, True)
        return folders[folder]

    return [
        number
        for number, name in enumerate(found)
        if not folder_out(name.rpartition(os.sep)[0]) and not excluded(name, False)
    ]


def _ours(names: list[str], inodes: list[int], out: Path) -> set[int]:
    """The numbers of the files among *names* that are *out* or in its cache folder."""
    try:
        output = out.stat()
    except OSError:
        output = None
    cache = cache_path(out).name
    found = set()
    for number, (name, inode) in enumerate(zip(names, inodes, strict=True)):
        # Cheap tests first: a site's every file passes here, and few are candidates.
        if output is not None and inode == output.st_ino:
            with contextlib.suppress(OSError):
                if Path(name).samefile(out):
                    found.add(number)
        elif cache in name and Path(name).parent.name == cache:
            with contextlib.suppress(OSError):
                if Path(name).parent.samefile(cache_path(out)):
                    found.add(number)
    return found


def _scan_in_python(
    top: str, pattern: str, names: list[str], parts: list[bytes], errors: dict[int, OSError]
) -> None:
    """:func:`_scan` of one root, adding to *names*, *parts* and *errors*."""
    first = len(names)
    for path, _, error in walk_entries([top], pattern):
        if error is not None:
            errors[len(names)] = error
        names.append(path)
    if native.stat_files is not None:
        packed, failed = native.stat_files(names[first:])
        for number, code in failed:
            errors.setdefault(first + number, _os_error(code, names[first + number]))
        parts.append(packed)
        return
    pack, stat_of = _STAT.pack, os.stat
    for number in range(first, len(names)):
        try:
            info = stat_of(names[number])
        except OSError as stat_error:
            errors.setdefault(number, stat_error)
            parts.append(_NO_STAT)
            continue
        parts.append(pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))


def _os_error(code: int, name: str) -> OSError:
    """The error ``os.stat`` would have raised for *name*, from the native package's errno.

    A link to nothing says so (and names its target), as the Python walk says it.
    """
    dangling = link_to_nothing(name) if code == errno.ENOENT else None
    return dangling or OSError(code, os.strerror(code), name)


def _assemble(pa: Any, cached: Any, fresh: Any, order: list[int]) -> Any:
    """The output table: the rows of *order* (see :attr:`_Run.sources`).

    They come from the cached rows and the new ones.
    """
    if cached is None or not order:
        return fresh
    # The rows in their new order, as slices of the cached and the new table: most runs
    # change a few files, so a few long slices hold everything, with no copy (and
    # without pyarrow.compute, whose import alone costs more than such a run).
    pieces = []
    start = 0
    while start < len(order):
        first = order[start]
        end = start + 1
        while end < len(order) and order[end] == first + end - start:
            end += 1
        if first >= _NEW:
            pieces.append(fresh.slice(first - _NEW, end - start))
        else:
            pieces.append(cached.slice(first, end - start))
        start = end
    # Not combined here: the segment written from a delta is small, and the Parquet
    # writer combines (see _encode).
    return pa.concat_tables(pieces)


def _write_through(pa: Any, path: Path, write: Callable[[Any], None]) -> None:
    """Write a file through pyarrow into a temporary file, then rename it over *path*.

    Readers see the old file or the new one. Arrow writes straight to the file: going
    through ``bytes`` and :func:`newsrecord.files.write_atomically` copied every byte
    once more, which was a good part of an incremental export. Not synced: an export
    can always be made again.
    """
    mode = _replaced_mode(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with pa.OSFile(str(temporary), "wb") as sink:
            write(sink)
        if mode is not None:
            temporary.chmod(mode)
        temporary.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if not error.errno:
            raise
        # Arrow's message names the temporary file: say what failed of the file asked for.
        raise type(error)(error.errno, os.strerror(error.errno), str(path)) from error
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _replaced_mode(path: Path) -> int | None:
    """The permission bits of the output file an export replaces, kept on the new one.

    Raises:
        PermissionError: the file is read-only (no write permission for us, or no write
            bit at all, which root ignores): its owner wants it kept, as record saves do.
    """
    try:
        status = path.stat()
    except OSError:
        return None  # a new file: the usual permissions
    if not stat.S_ISREG(status.st_mode):
        return None  # a pipe or a device (-o -): written into, never replaced
    if not status.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise PermissionError(
            errno.EACCES, "the file is read-only (chmod u+w replaces it)", str(path)
        )
    return stat.S_IMODE(status.st_mode)


def _encode(pa: Any, table: Any, format: str, sink: Any) -> None:  # noqa: A002
    if format == "parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        # One chunk a column first: writing the slices an incremental run assembles (a
        # few dozen a column) cost 31 ms for 10,000 rows, against 26 ms with the copy.
        pq.write_table(table.combine_chunks(), sink)
        return
    if format == "jsonl":
        lines = [
            json.dumps(row, ensure_ascii=False, allow_nan=False, default=_json_default)
            for row in _rows(table)
        ]
        write_whole(sink, "".join(line + "\n" for line in lines).encode("utf-8"))
        return
    from pyarrow import csv  # noqa: PLC0415

    flat = table
    for number, field in enumerate(table.schema):
        if pa.types.is_duration(field.type):
            lengths = table.column(number).to_pylist()
            values: list[Any] = [None if value is None else _seconds(value) for value in lengths]
            # Integers when every length is whole seconds, as JSON Lines writes them: a
            # float64 column would write a large whole value with an exponent (1e+12).
            whole = not any(isinstance(value, float) for value in values)
            kind = pa.int64() if whole else pa.float64()
        elif pa.types.is_nested(field.type):
            values = [
                None
                if value is None
                else json.dumps(
                    _json_ready(value), ensure_ascii=False, allow_nan=False, default=_json_default
                )
                for value in table.column(number).to_pylist()
            ]
            kind = pa.string()
        else:
            continue
        flat = flat.set_column(number, pa.field(field.name, kind), pa.array(values, kind))
    csv.write_csv(flat, sink)


def _rows(table: Any) -> Iterator[dict[str, Any]]:
    for row in table.to_pylist():
        yield _json_ready(row)


def _json_ready(value: Any) -> Any:
    """*value* as JSON Lines and CSV write it: no null member of an object, nulls for NaN.

    JSON has no NaN or infinity (``json.dumps`` would write ``NaN``, which jq and most
    readers take for null or refuse): such a float is null, and so left out, as pandas'
    ``to_json`` writes it.
    """
    kind = type(value)
    if kind is dict:
        ready = ((key, _json_ready(item)) for key, item in value.items())
        return {key: item for key, item in ready if item is not None}
    if kind is list:
        return [_json_ready(item) for item in value]
    if kind is float and not math.isfinite(value):
        return None
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.timedelta):
        return _seconds(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


_SECOND: Final = dt.timedelta(seconds=1)


def _seconds(length: dt.timedelta) -> int | float:
    """A length in seconds, as JSON Lines and CSV write it: an integer when whole.

    Not ``total_seconds()``, whose float wrote ``36000.0`` in JSON Lines.
    """
    whole, rest = divmod(length, _SECOND)
    return whole if not rest else length / _SECOND
