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
import hashlib
import json
import os
import secrets
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from newsrecord._optional import require
from newsrecord._pool import run_items
from newsrecord.api import loads, to_dict
from newsrecord.document import Document
from newsrecord.errors import Problem, RecordError, unreadable
from newsrecord.files import StrPath, as_paths, open_regular, walk_entries
from newsrecord.model.duration import Duration
from newsrecord.model.fields import fields, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.price import Price
from newsrecord.model.records import KINDS
from newsrecord.model.secured import Secured

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ExportResult", "arrow_schema", "cache_path", "export_records", "to_arrow"]

Format = Literal["parquet", "jsonl", "csv"]

_SCHEMA_VERSION: Final = 2
"""Bumped whenever the columns change, so that an old cache is not reused."""


def _pyarrow() -> Any:
    return require("pyarrow", extra="export", feature="exporting records")


# --- the schema ---------------------------------------------------------------------------


def _is_model(tp: Any) -> bool:
    try:
        fields(tp)
    except TypeError:
        return False
    return True


def _arrow_type(tp: Any, pa: Any, seen: frozenset[type]) -> Any:
    """The Arrow type of a model annotation; None for what is kept as JSON text."""
    tp = optional_part(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        item = _arrow_type(typing.get_args(tp)[0], pa, seen)
        return None if item is None else pa.list_(item)
    if origin in (typing.Union, types.UnionType) or tp is Any:
        return None
    columns = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "duration": pa.duration("us"),
    }
    simple = {tp: columns[leaf.column] for tp, leaf in LEAVES.items()}
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
        record = doc.record
        plain: dict[str, Any] | None = None
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
                row[column.key] = self._typed(value)
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
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, Duration):
            value = value.timedelta
        if isinstance(value, dt.timedelta):
            return value // _MICROSECOND
        if isinstance(value, Secured):
            return value.raw if self.reveal else value.redacted()
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
        """Plain data with ``secured`` strings shortened (unless revealing)."""
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
        parsed: Files read and parsed in this run.
        reused: Rows taken from the cache of an earlier run without parsing the file.
        problems: Files that are not valid records, or could not be read (not written).
    """

    rows: int = 0
    parsed: int = 0
    reused: int = 0
    problems: list[Problem] = attrs.Factory(list)


_KEY_COLUMNS: Final = ("__size", "__mtime_ns", "__sha256")


def cache_path(out: StrPath) -> Path:
    """The incremental cache kept next to *out*."""
    out = Path(out)
    return out.with_name(out.name + ".nrcache")


def export_records(
    paths: StrPath | Iterable[StrPath],
    out: StrPath,
    *,
    format: Format = "parquet",  # noqa: A002  # the name the CLI option has
    body: bool = False,
    reveal: bool = False,
    incremental: bool = False,
    pattern: str = "*.md",
    progress: Callable[[int], object] | None = None,
    jobs: int = 1,
) -> ExportResult:
    """Export every record file among *paths* into one file *out*, atomically.

    Args:
        paths: Files and folders (walked as :func:`newsrecord.iter_record_files` does).
        out: The file to write.
        format: ``"parquet"`` (typed columns, nested structs and lists), ``"jsonl"`` (one
            JSON object a line, the same columns) or ``"csv"`` (lists and objects as JSON
            text, durations in seconds).
        body: Add the ``body`` column.
        reveal: Export secured blobs in full (by default shortened).
        incremental: Keep a cache next to *out* (``OUT.nrcache``): rows of files whose
            size and modification time are unchanged are reused without reading them;
            a file whose content hash (SHA-256) is unchanged is not parsed again. Only
            changed files are parsed.
        pattern: File names to export in folders.
        progress: Called with the number of files handled since the last call.
        jobs: Worker processes that read and parse files, when there are enough of them
            (200 or more) to pay for starting processes; 1 (the default) parses in this
            process.

    Returns:
        Counts of rows written, files parsed and rows reused, and the problems of files
        that could not be exported (these are left out; the rest is written).

    Raises:
        ModuleNotFoundError: pyarrow is not installed.
        ValueError: *format* is not one of the three, or *jobs* is below 1.
        OSError: *out* could not be written.
    """
    if format not in ("parquet", "jsonl", "csv"):
        raise ValueError(f"format must be 'parquet', 'jsonl' or 'csv', not {format!r}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    pa = _pyarrow()
    schema = arrow_schema(body=body)
    stamp = json.dumps({"version": _SCHEMA_VERSION, "body": body, "reveal": reveal})
    cached, index, failed = _read_cache(cache_path(out), stamp) if incremental else (None, {}, {})
    run = _Run(index, failed, progress)
    for name, stat, error in _scan(paths, pattern):
        run.add(name, stat, error)
    run.read(_Options(body=body, reveal=reveal), jobs)
    result, order, keys, lines = run.finish()
    table = _assemble(pa, schema, cached, lines, order)
    data_table = table.drop_columns(list(_KEY_COLUMNS))
    _write_through(pa, Path(out), lambda sink: _encode(pa, data_table, format, sink))
    if incremental:
        table = _with_keys(pa, table, keys)
        _write_cache(pa, cache_path(out), table, stamp, run.failures)
    return result


@attrs.frozen
class _Options:
    """What the workers need to know to make rows (it pickles)."""

    body: bool
    reveal: bool


_Key = tuple[int, int, str]  # size, mtime_ns, sha256

# What became of a file, in walk order: its row from the cache ("cache", row number,
# key), a new row ("new", JSON line, key), its problems ("failed", problems), or not known
# yet ("read", the cached entry or None, stat) while it waits to be read.
_Slot = tuple[str, Any, Any]


class _Run:
    """One export's walk: which rows come from the cache, which are new, what failed."""

    def __init__(
        self,
        index: dict[str, tuple[int, int, int, str]],
        failed: _Failures,
        progress: Callable[[int], object] | None,
    ) -> None:
        self.index = index
        self.failed = failed
        self.progress = progress
        self.names: list[str] = []
        self.slots: list[_Slot] = []
        self.waiting: list[int] = []  # the slots of files to read
        # Files that were not valid records, with their problems, so that an unchanged
        # invalid file is reported again without being read again.
        self.failures: _Failures = {}

    def add(self, name: str, stat: os.stat_result | None, error: OSError | None) -> None:
        """Take the next file of the walk: reuse what the cache knows, or read it later."""
        self.names.append(name)
        if error is not None:
            self._settled(("failed", [unreadable(name, error)], None))
            return
        try:
            info = stat if stat is not None else Path(name).stat()
        except OSError as exc:
            self._settled(("failed", [unreadable(name, exc)], None))
            return
        known = self.index.get(name)
        if known is not None and known[1:3] == (info.st_size, info.st_mtime_ns):
            self._settled(("cache", known[0], known[1:]))
            return
        bad = self.failed.get(name)
        if bad is not None and bad[:2] == (info.st_size, info.st_mtime_ns):
            self.failures[name] = bad
            self._settled(("failed", bad[3], None))
            return
        self.waiting.append(len(self.slots))
        self.slots.append(("read", known, (info.st_size, info.st_mtime_ns)))

    def _settled(self, slot: _Slot) -> None:
        self.slots.append(slot)
        if self.progress is not None:
            self.progress(1)

    def read(self, options: _Options, jobs: int) -> None:
        """Read, hash and parse the files that need it, in worker processes if many."""
        work = [
            (self.names[number], known[3] if known is not None else None)
            for number in self.waiting
            for known in [self.slots[number][1]]
        ]
        done = run_items(_read_batch, work, options, jobs)
        for number, (_, (what, digest, value)) in zip(self.waiting, done, strict=True):
            name = self.names[number]
            _, known, (size, mtime) = self.slots[number]
            key: _Key = (size, mtime, digest or "")
            if what == "same":
                # The same content with a new time (a checkout, a touch): reuse the row,
                # and keep the new time so that the next run does not read the file again.
                self.slots[number] = ("cache", known[0], key)
            elif what == "row":
                self.slots[number] = ("new", value, key)
            elif what == "bad":
                self.failures[name] = (*key, value)
                self.slots[number] = ("failed", value, None)
            else:
                self.slots[number] = ("failed", value, None)
            if self.progress is not None:
                self.progress(1)
        self.waiting = []

    def finish(
        self,
    ) -> tuple[ExportResult, list[tuple[str, int]], list[_Key], list[bytes]]:
        """The result, each output row's source, its key, and the new rows' lines."""
        result = ExportResult()
        # Each output row is ("cache", row number) or ("new", number among lines).
        order: list[tuple[str, int]] = []
        keys: list[_Key] = []
        lines: list[bytes] = []
        for what, value, key in self.slots:
            if what == "cache":
                order.append(("cache", value))
                keys.append(key)
                result.reused += 1
            elif what == "new":
                order.append(("new", len(lines)))
                keys.append(key)
                lines.append(value)
                result.parsed += 1
            else:
                result.problems.extend(value)
        result.rows = len(order)
        return result, order, keys, lines


def _read_batch(
    work: list[tuple[str, str | None]], options: _Options
) -> list[tuple[str, str | None, Any]]:
    """Read, hash and parse files (in a worker process, or this one).

    For each ``(path, digest of its cached row or None)``: ``("same", digest, None)``
    when the content is the cached one, ``("row", digest, JSON line)``, ``("bad",
    digest, problems)`` for a file that is not a valid record, or ``("unreadable",
    None, problems)``.
    """
    maker = _maker(options.body, options.reveal)
    done: list[tuple[str, str | None, Any]] = []
    for name, known in work:
        try:
            with open_regular(name) as stream:  # never blocks on a FIFO named on the line
                data = stream.read()
        except OSError as exc:
            done.append(("unreadable", None, [unreadable(name, exc)]))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest == known:
            done.append(("same", digest, None))
            continue
        try:
            doc = loads(data, path=name)
        except RecordError as exc:
            done.append(("bad", digest, list(exc.problems)))
            continue
        done.append(("row", digest, maker.line(name, doc)))
    return done


def _scan(
    paths: StrPath | Iterable[StrPath], pattern: str
) -> Iterator[tuple[str, os.stat_result | None, OSError | None]]:
    """Yield ``(path, stat or None, error or None)`` per record file, in ``walk``'s order.

    The walk is :func:`newsrecord.files.walk_entries`, with the ``stat`` of each file
    from its folder entry: an incremental export of a large site is mostly this walk.
    """
    for path, entry, error in walk_entries(as_paths(paths), pattern):
        if entry is None:
            yield path, None, error
            continue
        try:
            yield path, entry.stat(), None
        except OSError as stat_error:
            yield path, None, stat_error


_Failures = dict[str, tuple[int, int, str, list[Problem]]]


def _read_cache(
    path: Path, stamp: str
) -> tuple[Any, dict[str, tuple[int, int, int, str]], _Failures]:
    """The cached table, ``path -> (row, size, mtime_ns, sha256)`` and the failed files.

    All empty when there is no usable cache.
    """
    pa = _pyarrow()
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
    except (OSError, pa.ArrowInvalid):
        return None, {}, {}
    metadata = table.schema.metadata or {}
    if metadata.get(b"newsrecord") != stamp.encode():
        return None, {}, {}  # another version or other options: start afresh
    names = table.column("path").to_pylist()
    sizes = table.column("__size").to_pylist()
    times = table.column("__mtime_ns").to_pylist()
    digests = table.column("__sha256").to_pylist()
    index = {
        name: (number, size, mtime, digest)
        for number, (name, size, mtime, digest) in enumerate(
            zip(names, sizes, times, digests, strict=True)
        )
    }
    failed: _Failures = {}
    for name, (size, mtime, digest, problems) in json.loads(
        metadata.get(b"newsrecord-failures", b"{}")
    ).items():
        failed[name] = (size, mtime, digest, [Problem(**problem) for problem in problems])
    return table, index, failed


def _assemble(
    pa: Any,
    schema: Any,
    cached: Any,
    lines: list[bytes],
    order: list[tuple[str, int]],
) -> Any:
    full = schema
    for name, tp in zip(_KEY_COLUMNS, (pa.int64(), pa.int64(), pa.string()), strict=True):
        full = full.append(pa.field(name, tp))
    fresh = _table(pa, lines, full)
    if cached is None:
        return fresh
    cached = _conform(pa, cached, full)
    # The rows in their new order, as slices of the cached and the new table: most runs
    # change a few files, so a few long slices hold everything, with no copy (and
    # without pyarrow.compute, whose import alone costs more than such a run).
    pieces = []
    start = 0
    while start < len(order):
        source, number = order[start]
        end = start + 1
        while end < len(order) and order[end] == (source, number + end - start):
            end += 1
        table = cached if source == "cache" else fresh
        pieces.append(table.slice(number, end - start))
        start = end
    if not pieces:
        return fresh
    # No combine_chunks(): copying every column cost more than the writers reading the
    # slices where they lie.
    return pa.concat_tables(pieces)


def _with_keys(pa: Any, table: Any, keys: list[_Key]) -> Any:
    """*table* with its key columns set to *keys* (built from buffers: see _table)."""
    count = len(keys)
    sizes = array.array("q", (key[0] for key in keys))
    times = array.array("q", (key[1] for key in keys))
    digests = "".join(key[2] for key in keys).encode("ascii")
    width = len(keys[0][2]) if keys else 0
    offsets = array.array("i", range(0, width * count + 1, width) if width else [0] * (count + 1))
    columns = {
        "__size": pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(sizes)]),
        "__mtime_ns": pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(times)]),
        "__sha256": pa.Array.from_buffers(
            pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(digests)]
        ),
    }
    for name, column in columns.items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(name), column)
    return table


def _write_cache(pa: Any, path: Path, table: Any, stamp: str, failures: _Failures) -> None:
    failed = {
        name: (size, mtime, digest, [attrs.asdict(problem) for problem in problems])
        for name, (size, mtime, digest, problems) in failures.items()
    }
    table = table.replace_schema_metadata(
        {"newsrecord": stamp, "newsrecord-failures": json.dumps(failed)}
    )

    def write(sink: Any) -> None:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    _write_through(pa, path, write)


def _write_through(pa: Any, path: Path, write: Callable[[Any], None]) -> None:
    """Write a file through pyarrow into a temporary file, then rename it over *path*.

    Readers see the old file or the new one. Arrow writes straight to the file: going
    through ``bytes`` and :func:`newsrecord.files.write_atomically` copied every byte
    once more, which was a good part of an incremental export. Not synced: an export
    can always be made again.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with pa.OSFile(str(temporary), "wb") as sink:
            write(sink)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _encode(pa: Any, table: Any, format: str, sink: Any) -> None:  # noqa: A002
    if format == "parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        pq.write_table(table, sink)
        return
    if format == "jsonl":
        lines = [json.dumps(row, ensure_ascii=False, default=_json_default) for row in _rows(table)]
        sink.write("".join(line + "\n" for line in lines).encode("utf-8"))
        return
    from pyarrow import csv  # noqa: PLC0415

    flat = table
    for number, field in enumerate(table.schema):
        if pa.types.is_nested(field.type) or pa.types.is_duration(field.type):
            values = [
                None
                if value is None
                else (
                    value.total_seconds()
                    if isinstance(value, dt.timedelta)
                    else json.dumps(value, ensure_ascii=False, default=_json_default)
                )
                for value in table.column(number).to_pylist()
            ]
            kind = pa.float64() if pa.types.is_duration(field.type) else pa.string()
            flat = flat.set_column(number, pa.field(field.name, kind), pa.array(values, kind))
    csv.write_csv(flat, sink)


def _rows(table: Any) -> Iterator[dict[str, Any]]:
    for row in table.to_pylist():
        yield {key: value for key, value in row.items() if value is not None}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
