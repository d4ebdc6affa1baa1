"""Documents: a record file's text, its parsed nodes and its typed record, together.

The text a document was loaded from stays the source of truth. ``dumps()`` compares the
record as loaded with the record as it is now and splices only the differences into the
original text; a document nobody changed gives its text back unchanged.
"""

from __future__ import annotations

import os
from typing import Any

from newsrecord._bind import build, convert
from newsrecord._read import parse
from newsrecord._read.parse import DEFAULT_LIMITS, Limits
from newsrecord._read.split import split
from newsrecord._read.text import LineIndex, newline_of
from newsrecord._write import splice
from newsrecord._write.fresh import write_fresh
from newsrecord.errors import ParseError, Problem, RecordError, ValidationError
from newsrecord.files import Durability, StrPath, write_atomically
from newsrecord.model.fields import fields
from newsrecord.model.records import AnyRecord

__all__ = ["Document"]


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
        self._root = parse.parse(
            text, self._parts.yaml_start, self._parts.yaml_end, self._index, path, limits
        )
        self.newline = newline_of(text)
        self.body = text[self._parts.body_start :]
        cls = kind or convert.kind_of_node(self._root)
        self._kind = cls
        # The fast path builds a valid record straight from the nodes; a forced kind, or
        # any value it does not take, goes through plain data and cattrs, which report
        # every problem.
        fast = build.build(self._root, cls) if kind is None else None
        self._plain: Any = None
        if fast is not None:
            self.record = fast
            return
        errors: list[tuple[str, int, str]] = []
        self._plain = parse.to_data(self._root, convert.shape_of(cls), errors)
        if errors:
            raise ParseError(
                [self._problem_at(offset, message, field) for field, offset, message in errors]
            )
        built = convert.structure(self._data, cls)
        problems = built if isinstance(built, list) else []
        if kind is not None:
            problems = convert.mismatches(self._data, kind) + problems
        if problems:
            raise ValidationError([self._locate(where, message) for where, message in problems])
        assert not isinstance(built, list)  # noqa: S101  # problems would have been raised
        self.record = built

    @property
    def _data(self) -> Any:
        """The front matter as plain data, as loaded; made when first needed."""
        if self._plain is None:
            errors: list[tuple[str, int, str]] = []
            self._plain = parse.to_data(self._root, convert.shape_of(self._kind), errors)
        return self._plain

    @property
    def text(self) -> str:
        """The text the document was loaded from (or last saved as)."""
        return self._text

    def _problem_at(self, offset: int, message: str, field: str | None) -> Problem:
        line, column = self._index.position(offset)
        return Problem(message, self.path, line, column, field or None)

    def _locate(self, where: convert.FieldPath, message: str) -> Problem:
        node = parse.find(self._root, where)
        offset = node.start if node is not None else self._parts.yaml_start
        if isinstance(node, parse.Mapping) and where:
            # The key is missing: point at the mapping that lacks it.
            pair = node.get(str(where[-1]))
            offset = pair[0].start if pair else node.start
        return self._problem_at(offset, message, convert.field_path_text(where))

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
        node: parse.Node = self._root
        for step in convert.parse_field_path(field):
            if isinstance(node, parse.Mapping) and isinstance(step, str):
                pair = node.get(step)
                if pair is None:
                    return None
                node = pair[1]
            elif isinstance(node, parse.Sequence) and isinstance(step, int):
                if not -len(node.items) <= step < len(node.items):
                    return None
                node = node.items[step]
            else:
                return None
        return self._index.position(node.start)

    def original(self) -> AnyRecord:
        """Return a fresh copy of the record as it was loaded (or last saved)."""
        fast = build.build(self._root, self._kind)
        if fast is not None:
            return fast
        built = convert.structure(self._data, self._kind)
        if isinstance(built, list):  # pragma: no cover - the same data structured at load
            raise ValidationError(convert.problems_of(built, self.path))
        return built

    def is_modified(self) -> bool:
        """Whether the record or the body differ from the text."""
        return self.body != self._text[self._parts.body_start :] or not splice.same(
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
            convert.changed_keys(original, self.record)
            if type(original) is type(self.record)
            else {spec.key for spec in fields(type(self.record))} | {"extra"}
        )
        if not changed:
            if not body_changed:
                return self._text
            edits = []
        else:
            problems = convert.check(self.record, changed)
            if problems:
                raise ValidationError(convert.problems_of(problems, self.path))
            edits = splice.plan_edits(self._text, self._root, original, self.record, self.newline)
        if body_changed:
            self._check_body()
            edits.append(splice.Edit(self._parts.body_start, len(self._text), self.body))
        text = splice.apply_edits(self._text, edits)
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
            root = parse.parse(
                text, parts.yaml_start, parts.yaml_end, LineIndex(text), self.path, self._limits
            )
            errors: list[tuple[str, int, str]] = []
            data = parse.to_data(root, convert.shape_of(type(self.record)), errors)
            good = (
                not errors
                and text[parts.body_start :] == self.body
                and convert.reads_as(data, self.record, changed, self._data)
            )
        except RecordError:
            good = False
        if good:
            return text
        if STRICT_SPLICES:
            raise AssertionError(f"the splice did not give the edited record:\n{text}")
        return self._text[: self._parts.yaml_start - len(self._opening())] + write_fresh(
            self.record, self.body, self.newline
        )

    def _opening(self) -> str:
        return self._text[: self._parts.yaml_start].lstrip("\ufeff")

    def save(self, path: StrPath | None = None, *, durability: Durability = "full") -> None:
        """Write the document atomically: a temporary file in the same folder, fsync, rename.

        The file's permissions are kept. Afterwards the document stands for the new text,
        so further edits are relative to it.

        Args:
            path: Where to write; by default the document's own path.
            durability: ``"full"``, ``"batch"`` (inside a :class:`Batch`) or ``"none"``;
                see :func:`write_atomically`.

        Raises:
            ValidationError: the edited record breaks the model.
            RecordError: no path was given and the document has none.
            OSError: the file could not be written; the old file is left intact.
        """
        target = os.fspath(path) if path is not None else self.path
        if target is None:
            raise RecordError("save() needs a path: this document was not loaded from a file")
        text = self.dumps()
        write_atomically(target, text.encode("utf-8"), durability=durability)
        self._reset(text, target)

    def _reset(self, text: str, path: str | None) -> None:
        # The kind is forced only when the text alone would choose another: forcing it
        # takes the slower checked path.
        fresh = Document(text, path=path, limits=self._limits)
        if type(fresh.record) is not type(self.record):
            fresh = Document(text, path=path, kind=type(self.record), limits=self._limits)
        for name in self.__slots__:
            setattr(self, name, getattr(fresh, name))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the text, the record and the body; the nodes are parsed again on load.

        Parsing is a pure function of the text, so the copy is the same document, edits
        included, at a fraction of the size of the parsed tree.
        """
        return (
            _restore,
            (self._text, self.path, self._kind, self._limits, self.record, self.body),
        )

    def __repr__(self) -> str:
        """Show the path and the record's kind and title."""
        title = getattr(self.record, "title", None)
        return f"<Document {self.path or '(text)'} {type(self.record).__name__} {title!r}>"


def _restore(
    text: str,
    path: str | None,
    kind: type[AnyRecord],
    limits: Limits,
    record: AnyRecord,
    body: str,
) -> Document:
    doc = Document(text, path=path, limits=limits)
    if type(doc.record) is not kind:
        doc = Document(text, path=path, kind=kind, limits=limits)
    doc.record = record
    doc.body = body
    return doc


STRICT_SPLICES = False
"""Tests set this so that a wrong splice fails loudly instead of falling back."""
