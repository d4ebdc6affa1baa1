"""Records on a Dask cluster: a bag of typed records, or a data frame of the export schema.

Needs ``pip install "newsrecord[dask]"`` (dask, distributed and pyarrow). Files are the
unit of partitioning: each partition reads its own list of files, on whichever worker
runs it, so nothing but file names travels from the client. Records and documents
pickle, so they can cross processes and machines; :func:`newsrecord.loads` is a pure
function of the text, so a partition computed twice gives the same records.

Example::

    from newsrecord.integrations.dask import read_dataframe, read_records

    bag = read_records("site/**/*.md")
    bag.filter(newsrecord.where('"AI" in topics').matches).count().compute()

    frame = read_dataframe("site/**/*.md")
    frame.groupby("kind").heat.mean().compute()
"""

from __future__ import annotations

import errno
import glob
import importlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from newsrecord._optional import require
from newsrecord._read.limits import DEFAULT_LIMITS, Limits
from newsrecord.api import load
from newsrecord.errors import RecordError, ValidationError
from newsrecord.export import arrow_schema, to_arrow
from newsrecord.files import SKIPPED_NAMES, iter_record_files

__all__ = ["read_dataframe", "read_records", "record_paths"]


def _dask() -> Any:
    return require("dask.bag", "dask.dataframe", extra="dask", feature="the Dask integration")


def record_paths(urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """The record files named by *urlpath*, sorted: globs (``**`` included), files, folders.

    A folder stands for every record file under it, found as
    :func:`newsrecord.iter_record_files` finds them; a glob skips what that walk skips
    below the folder it starts from: ``README.md``, which documents a folder, names
    starting with ``.``, and the folders a site builds or installs into (``_site``,
    ``vendor``, ``node_modules``), which hold copies, not records.

    Raises:
        FileNotFoundError: a glob matches no file at all (as ``dask.bag.read_text``
            says), or a file or folder named is not there: most often a relative path
            run from another folder, which would else give an empty bag and a result
            that looks like an empty site.
    """
    names = [urlpath] if isinstance(urlpath, str | os.PathLike) else list(urlpath)
    found: list[str] = []
    for name in names:
        text = os.fspath(name)
        where = "" if Path(text).is_absolute() else f" (relative to {Path.cwd()})"
        if not _is_pattern(text):
            if not Path(text).exists():
                raise FileNotFoundError(errno.ENOENT, f"no such file or folder{where}", text)
            found.extend(str(path) for path in iter_record_files(text))
            continue
        # glob.glob, not Path.glob: the pattern may be absolute and hold "**".
        matches = sorted(glob.glob(text, recursive=True))  # noqa: PTH207
        if not matches:
            raise FileNotFoundError(errno.ENOENT, f"no file matches this glob{where}", text)
        # The folders the pattern names literally are given, as a path to the walk is.
        given = next(
            (number for number, part in enumerate(Path(text).parts) if _is_pattern(part)),
            0,
        )
        found.extend(
            path
            for path in matches
            if not any(part.lower() in SKIPPED_NAMES for part in Path(path).parts[given:])
            and Path(path).is_file()
        )
    return found


def _is_pattern(text: str) -> bool:
    """Whether *text* holds a character :mod:`glob` reads as a pattern."""
    return any(character in text for character in "*?[")


def _chunks(paths: list[str], size: int) -> list[list[str]]:
    if size < 1:
        raise ValueError(f"files_per_partition must be at least 1, not {size}")
    return [paths[start : start + size] for start in range(0, len(paths), size)]


def _load_partition(
    paths: Iterable[str], errors: str, with_path: bool, limits: Limits
) -> list[Any]:
    items: list[Any] = []
    for path in paths:
        try:
            record: Any = load(path, limits=limits).record
        except (RecordError, OSError) as exc:
            if errors == "raise":
                raise
            if errors == "skip":
                continue
            record = exc if isinstance(exc, RecordError) else RecordError(str(exc), path=path)
        items.append((path, record) if with_path else record)
    return items


def read_records(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    files_per_partition: int = 256,
    errors: Literal["raise", "skip", "collect"] = "raise",
    with_path: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Any:
    """A ``dask.bag.Bag`` of the typed records of the files *urlpath* names.

    Args:
        urlpath: A glob (``"site/**/*.md"``), a file or folder, or a list of them.
        files_per_partition: Files each partition reads.
        errors: ``"raise"`` fails the computation on the first invalid file; ``"skip"``
            leaves invalid files out; ``"collect"`` puts their :class:`RecordError` in the
            bag in place of the record.
        with_path: Make the items ``(path, record)`` pairs.
        limits: The safety limits each file is read with (see :class:`newsrecord.Limits`).

    Raises:
        ModuleNotFoundError: dask is not installed.
        FileNotFoundError: a glob matches no file (see :func:`record_paths`).
    """
    dask = _dask()
    if errors not in ("raise", "skip", "collect"):
        raise ValueError(f"errors must be 'raise', 'skip' or 'collect', not {errors!r}")
    chunks = _chunks(record_paths(urlpath), files_per_partition)
    # One partition per chunk of file names: the workers read the files themselves.
    names = dask.bag.from_sequence(chunks, npartitions=max(len(chunks), 1))
    return names.map_partitions(_flatten_load, errors=errors, with_path=with_path, limits=limits)


def _flatten_load(
    chunks: Iterable[list[str]], errors: str, with_path: bool, limits: Limits
) -> list[Any]:
    return [item for chunk in chunks for item in _load_partition(chunk, errors, with_path, limits)]


def _frame_partition(
    paths: list[str], body: bool, reveal: bool, errors: str, limits: Limits
) -> Any:
    documents = []
    for path in paths:
        try:
            documents.append((path, load(path, limits=limits)))
        except (RecordError, OSError):
            if errors == "raise":
                raise
            continue  # a data frame has no place for an error; read_records() reports them
    while True:
        try:
            return _to_pandas(to_arrow(documents, body=body, reveal=reveal))
        except ValidationError as exc:
            if errors == "raise":
                raise
            # A record with a value no column holds (a date-time past the year 9999 in
            # UTC) is left out as the export leaves it out; such files are rare enough
            # that making the table again costs little.
            kept = [(path, doc) for path, doc in documents if path != exc.path]
            if len(kept) == len(documents):
                raise
            documents = kept


def _to_pandas(table: Any) -> Any:
    """The pandas frame of an export table, every column typed.

    pandas holds a list or struct as a Python object, which Dask (with its default
    ``dataframe.convert-string``) turns into the *text* of the object; a whole number or a
    bool with nulls becomes a float or an object. So nested columns and durations stay
    Arrow-backed (``pd.ArrowDtype``; a value is a list or a dict), and whole numbers and
    bools take pandas' nullable types.
    """
    # dask.dataframe needs pandas, so it is there; to_arrow needed pyarrow already.
    pd = importlib.import_module("pandas")
    pa = importlib.import_module("pyarrow")

    def dtype_of(arrow_type: Any) -> Any:
        if pa.types.is_nested(arrow_type) or pa.types.is_duration(arrow_type):
            return pd.ArrowDtype(arrow_type)
        if pa.types.is_integer(arrow_type):
            return pd.Int64Dtype()
        if pa.types.is_boolean(arrow_type):
            return pd.BooleanDtype()
        return None  # pandas' own: strings, floats, timestamps in UTC

    return table.to_pandas(types_mapper=dtype_of)


def read_dataframe(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    files_per_partition: int = 256,
    body: bool = False,
    reveal: bool = False,
    errors: Literal["raise", "skip"] = "raise",
    limits: Limits = DEFAULT_LIMITS,
) -> Any:
    """A ``dask.dataframe.DataFrame`` of the records, with the columns of the export.

    The columns are :func:`newsrecord.arrow_schema`'s, each typed: timestamps in UTC,
    whole numbers and bools as pandas' nullable ``Int64`` and ``boolean``, lists, structs
    and durations Arrow-backed (``pd.ArrowDtype``: a value is a Python list or dict, and
    Dask does not turn it into text as it does object columns).

    Args:
        urlpath: A glob, a file or folder, or a list of them.
        files_per_partition: Files each partition reads.
        body: Add the ``body`` column.
        reveal: Keep secured blobs in full (by default shortened).
        errors: ``"raise"`` fails the computation on the first file that is not a valid
            record, cannot be read, or holds a value no column holds (as
            :func:`newsrecord.export_records` would leave out); ``"skip"`` leaves such
            files out, silently: a data frame has no place for an error, so use
            :func:`read_records` with ``errors="collect"`` to see them.
        limits: The safety limits each file is read with (see :class:`newsrecord.Limits`).

    Raises:
        ModuleNotFoundError: dask or pyarrow is not installed.
        FileNotFoundError: a glob matches no file, or a path is not there (see
            :func:`record_paths`).
        ValueError: *errors* is not one of the two.
    """
    dask = _dask()
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be 'raise' or 'skip', not {errors!r}")
    chunks = _chunks(record_paths(urlpath), files_per_partition)
    meta = _to_pandas(arrow_schema(body=body).empty_table())
    if not chunks:
        return dask.dataframe.from_pandas(meta, npartitions=1)
    return dask.dataframe.from_map(
        _frame_partition,
        chunks,
        body=body,
        reveal=reveal,
        errors=errors,
        limits=limits,
        meta=meta,
        enforce_metadata=False,
    )
