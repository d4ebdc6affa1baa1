"""Documents: a record file's text, its parsed nodes and its typed record, together.

The text a document was loaded from stays the source of truth. ``dumps()`` compares the
record as loaded with the record as it is now and splices only the differences into the
original text; a document nobody changed gives its text back unchanged.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsrecord import _build, _convert, _emit, _nodes, _splice
from newsrecord._fields import fields
from newsrecord._nodes import DEFAULT_LIMITS, Limits, check_file_size
from newsrecord._split import split
from newsrecord._style import style_of
from newsrecord._text import LineIndex, decode, newline_of
from newsrecord.errors import ParseError, Problem, RecordError, ValidationError
from newsrecord.model import AnyRecord

__all__ = ["Document", "dumps", "from_dict", "load", "loads", "to_dict"]

StrPath = str | os.PathLike[str]


class Document:
    r"""A record file: the text it was read from, its typed record and its body.

    Make one with :func:`loads` or :func:`load`. Edit ``record`` (or assign a new one) and
    ``body``, then call :meth:`dumps` or :meth:`save`: only the lines of what changed are
    rewritten.

    Attributes:
        path: The file it was loaded from or last saved to, if any.
        newline: The file's line break (``"\\n"`` or ``"\\r\\n"``); new lines use it too.
    """

    __slots__ = (
        "_index",
        "_kind",
        "_limits",
        "_parts",
        "_plain",
        "_root",
        "_text",
        "body",
        "newline",
        "path",
        "record",
    )

    record: AnyRecord
    """The typed record; edit it in place or assign another."""
    body: str
    """Everything after the closing ``---`` line, exactly as in the file."""

    def __init__(
        self,
        text: str,
        *,
        path: str | None = None,
        kind: type[AnyRecord] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        """Parse *text*; prefer :func:`loads`, which also accepts bytes."""
        self.path = path
        self._text = text
        # Kept so that reading an edit back, and the saved text, use the same limits.
        self._limits = limits
        self._index = LineIndex(text)
        self._parts = split(text, path)
        self._root = _nodes.parse(
            text, self._parts.yaml_start, self._parts.yaml_end, self._index, path, limits
        )
        self.newline = newline_of(text)
        self.body = text[self._parts.body_start :]
        cls = kind or _convert.kind_of_node(self._root)
        self._kind = cls
        # The fast path builds a valid record straight from the nodes; a forced kind, or
        # any value it does not take, goes through plain data and cattrs, which report
        # every problem.
        fast = _build.build(self._root, cls) if kind is None else None
        self._plain: Any = None
        if fast is not None:
            self.record = fast
            return
        errors: list[tuple[str, int, str]] = []
        self._plain = _nodes.to_data(self._root, _convert.shape_of(cls), errors)
        if errors:
            raise ParseError(
                [self._problem_at(offset, message, field) for field, offset, message in errors]
            )
        built = _convert.structure(self._data, cls)
        problems = built if isinstance(built, list) else []
        if kind is not None:
            problems = _convert.mismatches(self._data, kind) + problems
        if problems:
            raise ValidationError([self._locate(where, message) for where, message in problems])
        assert not isinstance(built, list)  # noqa: S101  # problems would have been raised
        self.record = built

    @property
    def _data(self) -> Any:
        """The front matter as plain data, as loaded; made when first needed."""
        if self._plain is None:
            errors: list[tuple[str, int, str]] = []
            self._plain = _nodes.to_data(self._root, _convert.shape_of(self._kind), errors)
        return self._plain

    @property
    def text(self) -> str:
        """The text the document was loaded from (or last saved as)."""
        return self._text

    def _problem_at(self, offset: int, message: str, field: str | None) -> Problem:
        line, column = self._index.position(offset)
        return Problem(message, self.path, line, column, field or None)

    def _locate(self, where: _convert.FieldPath, message: str) -> Problem:
        node = _nodes.find(self._root, where)
        offset = node.start if node is not None else self._parts.yaml_start
        if isinstance(node, _nodes.Mapping) and where:
            # The key is missing: point at the mapping that lacks it.
            pair = node.get(str(where[-1]))
            offset = pair[0].start if pair else node.start
        return self._problem_at(offset, message, _convert.field_path_text(where))

    def locate(self, field: str) -> tuple[int, int] | None:
        """Return the 1-based line and column of a field's value in the text.

        Args:
            field: A field path with YAML keys, such as ``images[0].width``.

        Returns:
            The place of the value as the document was loaded (or last saved), or None
            when the text does not have that field.

        Raises:
            ValidationError: *field* is not a field path.
        """
        node: _nodes.Node = self._root
        for step in _convert.parse_field_path(field):
            if isinstance(node, _nodes.Mapping) and isinstance(step, str):
                pair = node.get(step)
                if pair is None:
                    return None
                node = pair[1]
            elif isinstance(node, _nodes.Sequence) and isinstance(step, int):
                if not -len(node.items) <= step < len(node.items):
                    return None
                node = node.items[step]
            else:
                return None
        return self._index.position(node.start)

    def original(self) -> AnyRecord:
        """Return a fresh copy of the record as it was loaded (or last saved)."""
        fast = _build.build(self._root, self._kind)
        if fast is not None:
            return fast
        built = _convert.structure(self._data, self._kind)
        if isinstance(built, list):  # pragma: no cover - the same data structured at load
            raise ValidationError(_convert.problems_of(built, self.path))
        return built

    def is_modified(self) -> bool:
        """Whether the record or the body differ from the text."""
        return self.body != self._text[self._parts.body_start :] or not _splice.same(
            self.original(), self.record
        )

    def dumps(self) -> str:
        """Return the text of the document with its edits spliced in.

        Raises:
            ValidationError: the edited record breaks the model (every problem listed).
        """
        body_changed = self.body != self._text[self._parts.body_start :]
        original = self.original()
        changed = (
            _convert.changed_keys(original, self.record)
            if type(original) is type(self.record)
            else {spec.key for spec in fields(type(self.record))} | {"extra"}
        )
        if not changed:
            if not body_changed:
                return self._text
            edits = []
        else:
            problems = _convert.check(self.record, changed)
            if problems:
                raise ValidationError(_convert.problems_of(problems, self.path))
            edits = _splice.plan_edits(self._text, self._root, original, self.record, self.newline)
        if body_changed:
            self._check_body()
            edits.append(_splice.Edit(self._parts.body_start, len(self._text), self.body))
        text = _splice.apply_edits(self._text, edits)
        return self._verified(text, changed)

    def _check_body(self) -> None:
        if not isinstance(self.body, str):
            raise ValidationError(
                f"the body must be a string, not {type(self.body).__name__}",
                path=self.path,
                field="body",
            )
        try:
            self.body.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError(
                f"the body holds a lone surrogate (U+{ord(self.body[exc.start]):04X}), which "
                "no UTF-8 file can store",
                path=self.path,
                field="body",
            ) from None

    def _verified(self, text: str, changed: set[str]) -> str:
        # Read the result back: the splice must give exactly the edited record. If it ever
        # does not, rewrite the front matter in the house style rather than save a file
        # that says something else.
        try:
            parts = split(text, self.path)
            root = _nodes.parse(
                text, parts.yaml_start, parts.yaml_end, LineIndex(text), self.path, self._limits
            )
            errors: list[tuple[str, int, str]] = []
            data = _nodes.to_data(root, _convert.shape_of(type(self.record)), errors)
            good = (
                not errors
                and text[parts.body_start :] == self.body
                and _convert.reads_as(data, self.record, changed, self._data)
            )
        except RecordError:
            good = False
        if good:
            return text
        if STRICT_SPLICES:
            raise AssertionError(f"the splice did not give the edited record:\n{text}")
        return self._text[: self._parts.yaml_start - len(self._opening())] + _write(
            self.record, self.body, self.newline
        )

    def _opening(self) -> str:
        return self._text[: self._parts.yaml_start].lstrip("\ufeff")

    def save(self, path: StrPath | None = None) -> None:
        """Write the document atomically: a temporary file in the same folder, fsync, rename.

        The file's permissions are kept. Afterwards the document stands for the new text,
        so further edits are relative to it.

        Raises:
            ValidationError: the edited record breaks the model.
            RecordError: no path was given and the document has none.
            OSError: the file could not be written; the old file is left intact.
        """
        target = os.fspath(path) if path is not None else self.path
        if target is None:
            raise RecordError("save() needs a path: this document was not loaded from a file")
        text = self.dumps()
        write_atomically(target, text.encode("utf-8"))
        self._reset(text, target)

    def _reset(self, text: str, path: str | None) -> None:
        fresh = Document(text, path=path, kind=type(self.record), limits=self._limits)
        for name in self.__slots__:
            setattr(self, name, getattr(fresh, name))

    def __repr__(self) -> str:
        """Show the path and the record's kind and title."""
        title = getattr(self.record, "title", None)
        return f"<Document {self.path or '(text)'} {type(self.record).__name__} {title!r}>"


STRICT_SPLICES = False
"""Tests set this so that a wrong splice fails loudly instead of falling back."""


def write_atomically(
    path: StrPath,
    data: bytes,
    *,
    guard: Callable[[Path], contextlib.AbstractContextManager[object]] | None = None,
) -> None:
    """Replace the file at *path* with *data*, or leave it untouched on any failure.

    The data goes to a new temporary file in the same folder (so that the rename stays on
    one file system), is flushed to disk with fsync, then renamed over the file with
    ``os.replace``, which is atomic: readers see the old file or the new one, never a
    mix. The file's permission bits are kept; a new file gets the usual ones (the umask
    applies). A symbolic link is followed, so the link stays and its target changes.

    Args:
        path: The file to replace (or create).
        data: Its new bytes.
        guard: Called with the target path; the context manager it returns is held
            around the rename, after the slow work is done (``edit()`` takes a lock and
            checks that nobody changed the file, raising to keep it).

    Raises:
        OSError: the data could not be written (a full disk, no permission); the old file
            is intact and the temporary file removed.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    handle, temporary = _create_temporary(target)
    try:
        try:
            # os.write, not a buffered file: a short write (a full disk) must not be lost
            # in a buffer that reports the failure only at close.
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        if mode is not None:
            temporary.chmod(mode)
        with guard(target) if guard is not None else contextlib.nullcontext():
            temporary.replace(target)  # os.replace: atomic, on POSIX and Windows alike
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    with contextlib.suppress(OSError):
        # Make the rename itself durable; not every platform can open a directory.
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _create_temporary(target: Path) -> tuple[int, Path]:
    # Not tempfile.mkstemp: it creates files readable by their owner only, and a new
    # record file should get the permissions every other new file gets.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file next to {target}")


def loads(
    text: str | bytes,
    *,
    kind: type[AnyRecord] | None = None,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Document:
    """Parse a record file's text (or UTF-8 bytes) into a :class:`Document`.

    Args:
        text: The whole file.
        kind: The record class to build; by default chosen from ``type`` and the keys.
            When the file looks like another kind (its ``type`` selects another class,
            or it has keys only another kind knows), every such mismatch is reported
            with the other problems. Keys no kind knows stay in ``extra``.
        path: The file name to put in error messages.
        limits: Safety limits for hostile input (see :class:`Limits`).

    Raises:
        ParseError: not a record: no front matter, bad UTF-8 or lone surrogates,
            malformed or non-plain YAML.
        LimitError: the text is over one of *limits* (a ParseError too).
        ValidationError: the values do not fit the model; lists every problem.
    """
    check_file_size(len(text), limits, path, "bytes" if isinstance(text, bytes) else "characters")
    return Document(decode(text, path), path=path, kind=kind, limits=limits)


def load(
    path: StrPath, *, kind: type[AnyRecord] | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read and parse a record file.

    A file larger than ``limits.max_file_size`` is refused before it is read.

    Raises:
        ParseError: not a record (see :func:`loads`).
        LimitError: the file is over one of *limits* (a ParseError too).
        ValidationError: the values do not fit the model.
        OSError: the file cannot be read.
    """
    name = os.fspath(path)
    with Path(path).open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        check_file_size(size, limits, name)
        # read(n) allocates n bytes up front: ask for what the file holds, then read on
        # only if it grew since fstat, and never more than one byte past the limit.
        data = stream.read(size + 1)
        if len(data) > size:
            data += stream.read(limits.max_file_size + 1 - len(data))
    return loads(data, kind=kind, path=name, limits=limits)


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
    problems = _convert.check(record)
    if problems:
        raise ValidationError(_convert.problems_of(problems))
    return _write(record, body, newline)


def _write(record: AnyRecord, body: str, newline: str) -> str:
    cls = type(record)
    house = style_of(cls)

    def style_for(path: str) -> str:
        return _emit.DOUBLE if path in house.quoted else _emit.PLAIN

    layout = _emit.Layout(newline=newline)
    lines = ["---"]
    for key, value in _emit.mapping_items(record):
        if key in house.blank_before and len(lines) > 1:
            lines.append("")
        lines.extend(_emit.entry_lines(key, value, 0, key, style_for, layout))
    if len(lines) == 1:
        # Empty front matter is not a record; an empty mapping is.
        lines.append("{}")
    elif house.blank_at_end and getattr(record, "secured", None) is None:
        lines.append("")
    lines.append("---")
    return newline.join(lines) + newline + body


def to_dict(record: AnyRecord) -> dict[str, Any]:
    """Return the record as plain data: YAML keys in file order, JSON-compatible values.

    Date-times become ISO 8601 text, the secured blob its raw text; None fields are left
    out; unknown keys follow the known ones.
    """
    data: dict[str, Any] = _convert.unstructure(record)
    return data


def from_dict(data: dict[str, Any], *, kind: type[AnyRecord] | None = None) -> AnyRecord:
    """Build a record from plain data with YAML keys (the inverse of :func:`to_dict`).

    Raises:
        ValidationError: the data does not fit the model; lists every problem.
    """
    cls = kind or _convert.kind_of(data)
    built = _convert.structure(data, cls)
    if isinstance(built, list):
        raise ValidationError(_convert.problems_of(built))
    return built
