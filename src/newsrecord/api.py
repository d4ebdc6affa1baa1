"""The facade: reading, writing and converting records, and editing files in place."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, TypeVar, overload

from newsrecord._bind import convert, kinds, validate
from newsrecord._read.parse import DEFAULT_LIMITS, Limits, check_file_size
from newsrecord._read.text import check_text_type, decode
from newsrecord._write.repair import OPENING_REPAIRS
from newsrecord._write.repair import REPAIRS as _REPAIRS
from newsrecord.document import Document
from newsrecord.errors import RecordError, ValidationError, unreadable
from newsrecord.files import (
    Durability,
    StrPath,
    as_paths,
    check_durability,
    iter_record_files,
    open_regular,
    replace_if_unchanged,
    same_file,
    walk,
)
from newsrecord.model.records import AnyRecord

__all__ = ["REPAIRS", "dumps", "edit", "from_dict", "iter_records", "load", "loads", "to_dict"]

K = TypeVar("K", bound=AnyRecord)

REPAIRS: Final[Mapping[str, str]] = MappingProxyType(
    {name: repair.description for name, repair in _REPAIRS.items()}
)
"""The known repairs of real files (``Document.repair``, ``newsrecord fix``): name to
what it repairs, in the order they are applied."""


@overload
def loads(
    text: str | bytes,
    *,
    kind: type[K],
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
) -> Document[K]: ...
@overload
def loads(
    text: str | bytes,
    *,
    kind: None = None,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
) -> Document: ...
def loads(
    text: str | bytes,
    *,
    kind: type[Any] | None = None,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
) -> Document[Any]:
    """Parse a record file's text (or UTF-8 bytes) into a :class:`Document`.

    Args:
        text: The whole file.
        kind: The record class to build; by default chosen from ``type`` and the keys.
            When the file looks like another kind (its ``type`` selects another class,
            or it has keys only another kind knows), every such mismatch is reported
            with the other problems. Keys no kind knows stay in ``extra``. Type
            checkers then see a ``Document[kind]``, whose ``record`` is a *kind*.
        path: The file name to put in error messages, and whose folder (a Jekyll
            collection such as ``_events``) names the kind of a record without ``type``.
        limits: Safety limits for hostile input (see :class:`Limits`).
        strict: Raise :class:`ValidationError` when values do not fit the model. With
            ``strict=False`` such a document opens all the same: it lists the problems
            in ``Document.problems``, and can be edited by field path (``Document.set``)
            to repair it; its ``record`` is there once it is valid.
        repair: Make the repairs without which a file does not open (True: all three;
            or their names): ``utf-8`` reads bytes saved as UTF-16 (with its byte order
            mark) or Windows-1252 as such; ``quote-values`` writes YAML that cannot be
            read as it is written, where its fix is certain (``title: &amp; co``,
            ``title: Foo: bar``, ``title: !Important news``, an unescaped quote inside a
            quoted value), as the error's hint shows (``ParseError.fixes``);
            ``line-up-keys`` lines up a field's key indented under a line of text
            (``title: A`` then ``  type: article``). The document then stands for the repaired text:
            :attr:`Document.text` is the text as read, :meth:`Document.dumps` and
            ``save`` give the repaired one (in UTF-8), and :meth:`Document.repair`
            reports what was done.

    Raises:
        ParseError: not a record: no front matter, bad UTF-8 or lone surrogates,
            malformed or non-plain YAML (with *repair*, YAML that has no certain fix).
        LimitError: the text is over one of *limits* (a ParseError too).
        ValidationError: with *strict*, the values do not fit the model; lists every
            problem.
    """
    check_text_type(text, "loads")
    check_file_size(len(text), limits, path, "bytes" if isinstance(text, bytes) else "characters")
    repairs = _opening_repairs(repair)
    if repairs:
        return Document._opened_repaired(
            text, repairs, path=path, kind=kind, limits=limits, strict=strict
        )
    return Document(decode(text, path), path=path, kind=kind, limits=limits, strict=strict)


def _opening_repairs(repair: bool | Iterable[str]) -> tuple[str, ...]:
    """The repairs made while reading that *repair* asks for (True: all of them)."""
    if isinstance(repair, bool):
        return OPENING_REPAIRS if repair else ()
    names = [repair] if isinstance(repair, str) else list(repair)
    unknown = [name for name in names if name not in _REPAIRS]
    if unknown:
        raise ValidationError(f"no repair named {unknown[0]!r} (known: {', '.join(_REPAIRS)})")
    return tuple(name for name in OPENING_REPAIRS if name in names)


@overload
def load(
    path: StrPath,
    *,
    kind: type[K],
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
) -> Document[K]: ...
@overload
def load(
    path: StrPath,
    *,
    kind: None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
) -> Document: ...
def load(
    path: StrPath,
    *,
    kind: type[Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
) -> Document[Any]:
    """Read and parse a record file (see :func:`loads` for *kind*, *strict* and *repair*).

    A file larger than ``limits.max_file_size`` is refused before it is read. The kind of
    a record without ``type`` comes from its folder (``_events``, ``_projects``, ...).

    Raises:
        ParseError: not a record (see :func:`loads`).
        LimitError: the file is over one of *limits* (a ParseError too).
        ValidationError: with *strict*, the values do not fit the model.
        FileError: the path is a folder, FIFO, device or socket: it is never read (a
            FIFO would block forever).
        OSError: the file cannot be read (``FileError`` is one too).
    """
    name = os.fspath(path)
    data = read_limited(name, limits)
    doc = loads(data, kind=kind, path=name, limits=limits, strict=strict, repair=repair)
    doc._read_from = name  # what save() checks the file still holds
    return doc


def dumps(record: AnyRecord | Document, *, body: str = "", newline: str = "\n") -> str:
    """Return the text of a document, or of a record written from scratch in house style.

    Args:
        record: A :class:`Document` (its edited text is returned) or a record.
        body: The body to put after the front matter of a new record.
        newline: The line break of a new record's text.

    Raises:
        ValidationError: the record breaks the model.
    """
    if isinstance(record, Document):
        return record.dumps()
    problems = validate.check(record)
    if problems:
        raise ValidationError(convert.problems_of(problems))
    # Imported here, as by Document: a run that only reads records never loads the writer.
    from newsrecord._write.fresh import write_fresh  # noqa: PLC0415

    return write_fresh(record, body, newline)


def read_limited(name: str, limits: Limits) -> bytes:
    """The bytes of the file *name*, never read into memory when over *limits*.

    Raises:
        LimitError: the file is larger than ``limits.max_file_size``.
        FileError: the path is a folder, FIFO, device or socket.
        OSError: the file cannot be read.
    """
    with open_regular(name) as stream:
        size = os.fstat(stream.fileno()).st_size
        check_file_size(size, limits, name)
        # read(n) allocates n bytes up front: ask for what the file holds, then read on
        # only if it grew since fstat, and never more than one byte past the limit.
        data = stream.read(size + 1)
        if len(data) > size:
            data += stream.read(limits.max_file_size + 1 - len(data))
    return data


def to_dict(record: AnyRecord) -> dict[str, Any]:
    """Return the record as plain data: YAML keys in file order, JSON-compatible values.

    Date-times become ISO 8601 text, the secured blob its raw text; None fields are left
    out; unknown keys follow the known ones.
    """
    data: dict[str, Any] = convert.unstructure(record)
    return data


@overload
def from_dict(data: dict[str, Any], *, kind: type[K]) -> K: ...
@overload
def from_dict(data: dict[str, Any], *, kind: None = None) -> AnyRecord: ...
def from_dict(data: dict[str, Any], *, kind: type[Any] | None = None) -> AnyRecord:
    """Build a record from plain data with YAML keys (the inverse of :func:`to_dict`).

    Raises:
        ValidationError: the data does not fit the model; lists every problem.
    """
    cls = kind or kinds.kind_of(data)
    built = convert.structure(data, cls)
    if isinstance(built, list):
        raise ValidationError(convert.problems_of(built))
    return built


@overload
def edit(
    path: StrPath,
    *,
    kind: type[K],
    limits: Limits | None = None,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
    durability: Durability = "full",
) -> contextlib.AbstractContextManager[Document[K]]: ...
@overload
def edit(
    path: StrPath,
    *,
    kind: None = None,
    limits: Limits | None = None,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
    durability: Durability = "full",
) -> contextlib.AbstractContextManager[Document]: ...
@contextlib.contextmanager
def edit(
    path: StrPath,
    *,
    kind: type[Any] | None = None,
    limits: Limits | None = None,
    strict: bool = True,
    repair: bool | Iterable[str] = False,
    durability: Durability = "full",
) -> Iterator[Document[Any]]:
    """Load a record file, let the block edit it, then save it atomically.

    The file is saved only when the block ends without an exception, and only when the
    document changed (``doc.dumps() != doc.text``): an edit that sets a value to what it
    already was writes nothing, not even the file's modification time. Saving writes a
    temporary file in the same folder, syncs it, and renames it over the original, keeping
    the file's permissions.

    No lost updates: right before the rename the file on disk is read again and compared,
    byte for byte, with what was loaded; if anything changed it (another ``edit``, an
    editor, ``git checkout``), :class:`ConflictError` is raised and the other change is
    kept. Load again and redo the edit to retry. Two ``edit`` blocks (in any processes on
    one machine) never both succeed on the same version of a file: the check and the
    rename happen under an exclusive ``flock`` on the file, so they are serialized. A
    program that writes the file *without* that lock can still slip in between the check
    and the rename (a window of microseconds: no parsing or syncing happens in it); on
    Windows, which has no ``flock``, that window is all the protection there is.

    Example::

        with newsrecord.edit("news/ai.md") as doc:
            doc.record.heat += 1

    Args:
        path: The record file.
        kind: The record class to build; by default chosen from the file.
        limits: Safety limits for hostile input, as for :func:`load`.
        strict: As for :func:`load`: with ``strict=False`` a file whose values do not fit
            the model opens too, to be repaired by field path (``doc.set(...)``).
        repair: As for :func:`loads`: a file those repairs open opens, repaired (the
            repaired text is saved even when the block changes nothing else).
        durability: ``"full"`` syncs the file and its folder before returning;
            ``"batch"`` leaves that to the open :class:`Batch` (one sync per file and
            folder at its end, for bulk edits); ``"none"`` never syncs. See
            :func:`write_atomically`.

    Yields:
        The loaded :class:`Document`. After a successful save it stands for the new text
        (``doc.text``), so ``doc.is_modified()`` is False again.

    Raises:
        ParseError: the file is not a record.
        LimitError: the file is over one of *limits*.
        ValidationError: the file, or the record as edited, breaks the model; nothing is
            written.
        ConflictError: the file changed or disappeared after it was loaded; nothing is
            written.
        OSError: the file cannot be read or written; the old file is left intact.
    """
    target = os.fspath(path)
    # Checked before the block runs, so that a wrong choice does not cost the edit.
    check_durability(durability)
    limits = limits or Limits()
    doc = load(target, kind=kind, limits=limits, strict=strict, repair=repair)
    loaded = doc._bytes_read()
    yield doc
    new_text = doc._dumps_to_save()  # the nodes it reads back serve _reset below
    # What the file holds now: what was loaded, or what a save() inside the block wrote
    # to it (a save to another file, "save as", leaves this one as it was).
    saved_here = doc.path is not None and same_file(doc.path, target)
    on_disk = doc._bytes_read() if saved_here else loaded
    new = new_text.encode("utf-8")
    if new == on_disk:
        return
    replace_if_unchanged(target, new, on_disk, durability)
    # Let the document stand for the text now on disk, as Document.save() does.
    doc._reset(new_text, target)  # the facade and the document are one unit


@overload
def iter_records(
    paths: StrPath | Iterable[StrPath],
    *,
    errors: Literal["raise"] = "raise",
    pattern: str = "*.md",
    kind: type[K],
    limits: Limits | None = None,
) -> Iterator[tuple[Path, Document[K]]]: ...
@overload
def iter_records(
    paths: StrPath | Iterable[StrPath],
    *,
    errors: Literal["raise"] = "raise",
    pattern: str = "*.md",
    kind: None = None,
    limits: Limits | None = None,
) -> Iterator[tuple[Path, Document]]: ...
@overload
def iter_records(
    paths: StrPath | Iterable[StrPath],
    *,
    errors: Literal["collect"],
    pattern: str = "*.md",
    kind: type[K],
    limits: Limits | None = None,
) -> Iterator[tuple[Path, Document[K] | RecordError]]: ...
@overload
def iter_records(
    paths: StrPath | Iterable[StrPath],
    *,
    errors: Literal["collect"],
    pattern: str = "*.md",
    kind: None = None,
    limits: Limits | None = None,
) -> Iterator[tuple[Path, Document | RecordError]]: ...
def iter_records(
    paths: StrPath | Iterable[StrPath],
    *,
    errors: Literal["raise", "collect"] = "raise",
    pattern: str = "*.md",
    kind: type[Any] | None = None,
    limits: Limits | None = None,
) -> Iterator[tuple[Path, Document[Any]]] | Iterator[tuple[Path, Document[Any] | RecordError]]:
    """Load every record file among *paths*, one at a time.

    Files are found as :func:`iter_record_files` finds them (folders recursively, ``*.md``
    but not ``README.md``, in name order). It is a generator: a file is read only when
    the previous one has been handed over, and nothing is kept, so memory stays flat
    however large the tree.

    Example::

        for path, doc in newsrecord.iter_records(["news"], errors="collect"):
            if isinstance(doc, newsrecord.RecordError):
                print(doc)

    Args:
        paths: A file or folder, or several.
        errors: ``"raise"`` stops at the first file that cannot be read or is not a valid
            record; ``"collect"`` yields ``(path, error)`` for it and goes on. A file or
            folder that cannot be read is reported as a :class:`RecordError` whose cause
            is the :class:`OSError`.
        pattern: A shell-style pattern matched against file names in folders.
        kind: The record class to build; by default chosen from each file.
        limits: Safety limits for hostile input, as for :func:`load` (a file over
            ``max_file_size`` is refused without being read).

    Yields:
        ``(path, document)`` pairs, or ``(path, error)`` with ``errors="collect"``.

    Raises:
        RecordError: with ``errors="raise"``, the first invalid record.
        OSError: with ``errors="raise"``, the first file or folder that cannot be read.
        ValueError: *errors* is neither ``"raise"`` nor ``"collect"`` (raised at once).
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    limits = limits or Limits()
    if errors == "raise":
        return _records(paths, pattern, kind, limits)
    return _collected(paths, pattern, kind, limits)


def _records(
    paths: StrPath | Iterable[StrPath],
    pattern: str,
    kind: type[Any] | None,
    limits: Limits,
) -> Iterator[tuple[Path, Document[Any]]]:
    for path in iter_record_files(paths, pattern=pattern):
        yield path, load(path, kind=kind, limits=limits)


def _collected(
    paths: StrPath | Iterable[StrPath],
    pattern: str,
    kind: type[Any] | None,
    limits: Limits,
) -> Iterator[tuple[Path, Document[Any] | RecordError]]:
    for path, error in walk(as_paths(paths), pattern):
        if error is not None:
            yield path, _unreadable(path, error)
            continue
        try:
            doc = load(path, kind=kind, limits=limits)
        except RecordError as exc:
            yield path, exc
        except OSError as exc:
            yield path, _unreadable(path, exc)
        else:
            yield path, doc


def _unreadable(path: Path, error: OSError) -> RecordError:
    wrapped = RecordError([unreadable(str(path), error)])
    wrapped.__cause__ = error
    return wrapped
