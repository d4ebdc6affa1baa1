"""Documents: a record file's text, its parsed nodes and its typed record, together.

The text a document was loaded from stays the source of truth. ``dumps()`` compares the
record as loaded with the record as it is now and splices only the differences into the
original text; a document nobody changed gives its text back unchanged.
"""

from __future__ import annotations

import builtins
import copy
import datetime as dt
import functools
import itertools
import os
import weakref
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, cast, overload

from newsrecord import editing
from newsrecord._bind import build, compare, convert, kinds, validate
from newsrecord._bind.paths import FieldPath, field_path_text, parse_field_path
from newsrecord._bind.shapes import shape_of
from newsrecord._bind.snapshot import Entry, Snapshot
from newsrecord._read import native, parse
from newsrecord._read.nodes import Duplicate, Scalar
from newsrecord._read.parse import DEFAULT_LIMITS, Limits
from newsrecord._read.split import Parts, split
from newsrecord._read.text import (
    LineIndex,
    decode,
    line_end,
    line_start,
    newline_of,
    other_encoding,
)
from newsrecord._write.repair import (
    LINE_UP_KEYS,
    QUOTE_VALUES,
    REPAIRS,
    TO_UTF8,
    Source,
    read_repaired,
    removals_of_shadowed,
)
from newsrecord.errors import (
    LimitError,
    ParseError,
    Problem,
    RecordError,
    ValidationError,
    brief,
)
from newsrecord.files import Durability, StrPath, same_file, write_atomically
from newsrecord.model.fields import fields
from newsrecord.model.records import AnyRecord

if TYPE_CHECKING:
    # A type variable with a default (typing has them from Python 3.13 only), for type
    # checkers alone: at run time a plain one does, and importing typing_extensions would
    # add to the start-up of every run that loads a record.
    from typing_extensions import TypeVar

    # The writer (splice, fresh and the rendering they import) is imported where a
    # document is first written with changes, not with this module: reading records
    # (validate, show, an export) never writes one, and the writer is a good part of a
    # short run's start-up. A document with no changes gives its text back without it.
    from newsrecord._write import splice

    RecordT_co = TypeVar("RecordT_co", bound=AnyRecord, default=AnyRecord, covariant=True)
else:
    from typing import TypeVar

    RecordT_co = TypeVar("RecordT_co", bound=AnyRecord, covariant=True)

K = TypeVar("K", bound=AnyRecord)

__all__ = ["Document"]


class Document(Generic[RecordT_co]):
    r"""A record file: the text it was read from, its typed record and its body.

    Make one with :func:`loads` or :func:`load`. Edit ``record`` (or assign a new one) and
    ``body``, then call :meth:`dumps` or :meth:`save`: only the lines of what changed are
    rewritten.

    To type checkers a document is generic in the class of its record:
    ``load(path, kind=Article)`` gives a ``Document[Article]``, whose ``record`` is an
    :class:`Article`; a plain ``Document`` is ``Document[AnyRecord]``, the document of a
    file whose kind is read from the file. The parameter is covariant, so a
    ``Document[Article]`` goes wherever a ``Document`` is expected.

    A document opened with ``strict=False`` may hold values that do not fit the model: it
    lists them in :attr:`problems`, its :attr:`record` raises :class:`ValidationError`
    until they are fixed, and :meth:`get`, :meth:`set`, :meth:`unset` and :meth:`append`
    edit it by field path all the same. Setting a bad field to a good value makes the
    record valid, with a one-line diff.

    Attributes:
        path: The file it was loaded from or last saved to, if any.
        newline: The file's line break (``"\\n"`` or ``"\\r\\n"``); new lines use it too.
        problems: What is wrong with the front matter, located in the text: values that
            do not fit the model (only with ``strict=False``) and keys written twice
            (the last one counts, as Jekyll reads it; ``newsrecord fix`` removes the
            earlier ones). Empty for a clean record.
    """

    __slots__ = (
        "__weakref__",  # the errors of assignments to its record name it weakly
        "_current",
        "_duplicates",
        "_forced",
        "_index",
        "_invalid",
        "_keep_parsed_back",
        "_kind",
        "_limits",
        "_made",
        "_parts",
        "_plain",
        "_raw",
        "_read_from",
        "_record",
        "_repairs_made",
        "_root",
        "_snapshot",
        "_text",
        "body",
        "newline",
        "path",
    )

    body: str
    """Everything after the closing ``---`` line, exactly as in the file."""

    @overload
    def __init__(
        self: Document[K],
        text: str,
        *,
        path: str | None = None,
        kind: type[K],
        limits: Limits = DEFAULT_LIMITS,
        strict: bool = True,
    ) -> None: ...
    @overload
    def __init__(
        self: Document[AnyRecord],
        text: str,
        *,
        path: str | None = None,
        kind: None = None,
        limits: Limits = DEFAULT_LIMITS,
        strict: bool = True,
    ) -> None: ...
    def __init__(
        self,
        text: str,
        *,
        path: str | None = None,
        # type[Any]: mypy does not read type[K] (K bound to a union) as a type[AnyRecord].
        kind: type[Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
        strict: bool = True,
    ) -> None:
        """Parse *text*; prefer :func:`loads`, which also accepts bytes."""
        self.path = path
        self._text = text
        # The file that held _text when it was read (load) or written (save): save()
        # checks that it still does. None for a text given by the caller (loads).
        self._read_from: str | None = None
        # Kept so that reading an edit back, and the saved text, use the same limits.
        self._limits = limits
        self._forced: type[RecordT_co] | None = kind
        self.newline = newline_of(text)
        # What dumps() made of its last text, for the save that follows (see _stand_for):
        # scalars written alone, or the text read back whole, parsed.
        self._made: _Spliced | _ParsedBack | None = None
        self._keep_parsed_back = False
        # What repair=True did to open the text (see _opened_repaired), until repair() says.
        self._repairs_made: list[Problem] = []
        # The bytes read, when they were not UTF-8 (the utf-8 repair read them): what a
        # save checks the file still holds. None: the text's own UTF-8.
        self._raw: bytes | None = None
        self._read(text, strict=strict)
        self.body = text[self._parts.body_start :]

    @classmethod
    def _opened_repaired(
        cls,
        data: str | bytes,
        repairs: Collection[str],
        *,
        path: str | None = None,
        kind: type[AnyRecord] | None = None,
        limits: Limits = DEFAULT_LIMITS,
        strict: bool = True,
    ) -> Document[Any]:
        """Read *data* with the *repairs* made while reading; prefer ``loads(..., repair=)``.

        The document stands for the repaired text (:meth:`dumps`), while :attr:`text` is
        the text as read, as for a document repaired after it was opened; a file read from
        another encoding counts as changed until it is saved.
        """
        done: list[Problem] = []
        raw = None
        try:
            text = decode(data, path)
        except ParseError:
            if TO_UTF8 not in repairs or not isinstance(data, bytes):
                raise
            found = other_encoding(data)
            if found is None:
                raise
            text, encoding = found
            raw = data
            done.append(Problem(f"{TO_UTF8}: wrote the file as UTF-8 (it was {encoding})", path))

        def read(fixed: str) -> Document[Any]:
            return cls(fixed, path=path, kind=kind, limits=limits, strict=strict)

        if QUOTE_VALUES in repairs or LINE_UP_KEYS in repairs:
            doc, fixed = read_repaired(text, read, repairs)
            done += fixed
        else:
            doc = read(text)
        doc._text = text
        doc._raw = raw
        doc._repairs_made = done
        return doc

    def _read(self, text: str, *, strict: bool) -> None:
        """Parse *text* as the document's current front matter (the body aside)."""
        self._parse(text)
        kind = self._forced
        # Without a forced kind the document is a Document[AnyRecord] (see __init__).
        cls = kind or cast("type[RecordT_co]", kinds.kind_of_node(self._root, self.path))
        self._kind = cls
        self._invalid: list[Problem] = []
        self._record: RecordT_co | None = None
        self._snapshot: Snapshot | None = None
        # The fast path builds a valid record straight from the nodes; a forced kind, or
        # any value it does not take, goes through plain data and cattrs, which report
        # every problem.
        notes: list[build.Note] = []
        fast = build.build(self._root, cls, notes) if kind is None else None
        self._plain: Any = None
        if fast is not None:
            self._record = fast
            self._snapshot = self._watching(Snapshot(fast, self._root, notes))
            return
        errors: list[tuple[str, int, str]] = []
        self._plain = parse.to_data(self._root, shape_of(cls), errors)
        if errors:
            raise ParseError(
                [self._problem_at(offset, message, field) for field, offset, message in errors]
            )
        built = convert.structure(self._data, cls)
        problems = built if isinstance(built, list) else []
        if kind is not None:
            # mypy does not read type[RecordT_co] (bound to a union) as a type[AnyRecord].
            problems = kinds.mismatches(self._data, cast("type[AnyRecord]", kind)) + problems
        if problems:
            self._invalid = [self._locate(where, message) for where, message in problems]
            if strict:
                raise ValidationError(self.problems)
            return
        assert not isinstance(built, list)  # noqa: S101  # problems would have been raised
        self._record = built
        self._snapshot = self._watching(Snapshot(built, self._root))

    def _parse(self, text: str, parsed_back: _ParsedBack | None = None) -> None:
        """Make *text* the current text and parse its nodes; build no record.

        *parsed_back* is what :meth:`dumps` parsed of it, if it read it back whole.
        """
        self._current = text
        if parsed_back is not None and parsed_back.text is text:
            # Parsed by dumps() to read it back, just before this save.
            self._index, self._parts, self._root, self._duplicates = parsed_back[1:]
            return
        self._index = LineIndex(text)
        self._parts = split(text, self.path)
        self._duplicates = []
        self._root = parse.parse(
            text,
            self._parts.yaml_start,
            self._parts.yaml_end,
            self._index,
            self.path,
            self._limits,
            self._duplicates,
        )

    @property
    def record(self) -> RecordT_co:
        """The typed record; edit it in place or assign another.

        Raises:
            ValidationError: the document was opened with ``strict=False`` and its values
                do not fit the model (see :attr:`problems`).
        """
        if self._record is None:
            raise ValidationError(self._invalid)
        return self._record

    @record.setter
    # mypy refuses a covariant type variable as a parameter: through a Document[Article]
    # seen as a plain Document any record can be assigned, as at run time. Covariance is
    # what lets a Document[Article] go where a Document is expected, which matters more.
    def record(self, value: RecordT_co) -> None:  # type: ignore[misc]
        self._record = value

    @property
    def valid(self) -> bool:
        """Whether the values fit the model, so that :attr:`record` is there."""
        return self._record is not None

    @property
    def kind(self) -> type[RecordT_co]:
        """The record class of the document, chosen from ``type`` and the folder."""
        return type(self._record) if self._record is not None else self._kind

    @property
    def problems(self) -> list[Problem]:
        """What is wrong with the front matter, in the order of the text (see the class)."""
        found = [self._duplicate_problem(duplicate) for duplicate in self._duplicates]
        found += self._invalid
        return sorted(found, key=lambda problem: (problem.line or 0, problem.column or 0))

    @property
    def duplicates(self) -> list[tuple[str, int, int]]:
        """Keys written twice: ``(field path, line of the earlier, line of the later)``."""
        return [
            (
                self._path_of(duplicate.winner),
                self._index.position(duplicate.key.start)[0],
                self._index.position(duplicate.winner.start)[0],
            )
            for duplicate in self._duplicates
        ]

    def _duplicate_problem(self, duplicate: Duplicate) -> Problem:
        where = self._path_of(duplicate.winner)
        earlier = self._index.position(duplicate.key.start)[0]
        later = self._index.position(duplicate.winner.start)[0]
        lines = f"twice on line {later}" if earlier == later else f"on lines {earlier} and {later}"
        remedy = (
            "an alias reads an anchor in the earlier: write that value out in place of the "
            "alias, then newsrecord fix removes the earlier"
            if duplicate.holds_anchor(self._root)
            else "newsrecord fix removes the earlier"
        )
        message = (
            f"duplicate key {brief(duplicate.key.value)} {lines}: the last one counts ({remedy})"
        )
        # A key may be anything, a pasted secret too: a long one is not repeated as a field.
        return self._problem_at(duplicate.key.start, message, where if len(where) <= 80 else None)

    def _path_of(self, key: parse.Scalar) -> str:
        """The field path of the mapping entry whose key node is *key*."""
        found = parse.path_to(self._root, key)
        return field_path_text(found) if found is not None else key.value

    @property
    def _data(self) -> Any:
        """The front matter as plain data, as loaded; made when first needed."""
        if self._plain is None:
            errors: list[tuple[str, int, str]] = []
            self._plain = parse.to_data(self._root, shape_of(self._kind), errors)
        return self._plain

    @property
    def text(self) -> str:
        """The text the document was loaded from (or last saved as)."""
        return self._text

    # --- editing by field path ------------------------------------------------------------

    def get(self, field: str, *, plain: bool = False, strict: bool = False) -> Any:
        """Return the value at a field path such as ``images[0].width`` (None if absent).

        Typed values come from a valid record (:func:`get_field`); a document whose values
        do not fit the model gives plain data, as the file holds it.

        Args:
            field: The field path.
            plain: Return plain, JSON-compatible data as :func:`to_dict` gives it.
            strict: Refuse a key that neither the model nor the file knows (a typo such
                as ``images[0].widht``, which would otherwise read as absent).

        Raises:
            ValidationError: the path is malformed or goes into a value without fields;
                with *strict*, a key nobody knows.
        """
        if strict:
            editing.check_path(self._kind, self._data, field)
        if self._record is not None:
            # Unknown keys are refused only when asked (above), valid record or not.
            return editing.get_field(self._record, field, plain=plain, strict=False)
        return copy.deepcopy(editing.get_field_of_data(self._data, field))

    def set(self, field: str, value: Any, *, parse: bool = False, strict: bool = True) -> None:
        """Set the value at a field path (None unsets it), valid record or not.

        On a valid record this is :func:`set_field`; on a document whose values do not fit
        the model, the value goes into its front matter (with ``parse=True``, read from
        text as the field's type asks), and the record becomes valid when every value
        fits. A value that does not fit its field is refused there too, unless the value
        it replaces did not fit either: a repair can go step by step, but an edit never
        turns a good value bad.

        Args:
            field: The field path.
            value: The new value: typed, plain data, or text with ``parse=True``.
            parse: Read *value* from text as the field's type asks.
            strict: Refuse a key no model class along the path knows (a typo).

        Raises:
            ValidationError: a malformed path, a value that does not fit (see above), or
                with *strict* an unknown key.
        """
        if self._record is not None:
            editing.set_field(self._record, field, value, parse=parse, strict=strict)
        else:
            self._edit_data(field, "set", value, parse=parse, strict=strict)

    def unset(self, field: str) -> None:
        """Remove the value at a field path, valid record or not (see :meth:`set`)."""
        if self._record is not None:
            editing.unset_field(self._record, field)
        else:
            self._edit_data(field, "unset")

    def append(self, field: str, value: Any, *, parse: bool = False, strict: bool = True) -> None:
        """Append to the list at a field path, valid record or not (see :meth:`set`)."""
        if self._record is not None:
            editing.append_field(self._record, field, value, parse=parse, strict=strict)
        else:
            self._edit_data(field, "append", value, parse=parse, strict=strict)

    def repair(self, only: Iterable[str] | None = None) -> list[Problem]:
        """Apply the known repairs of real files to the document; return what they did.

        Repairs (``newsrecord.REPAIRS`` lists them) change only the text they repair and
        never what the record says: ``duplicate-keys`` removes the earlier entries of keys
        written twice (the last one is what Jekyll reads), ``mixed-line-breaks`` gives
        every line the file's own line break. Edits made before are kept. Afterwards
        :meth:`dumps` and :meth:`save` give the repaired text.

        Args:
            only: The names of the repairs to apply; all of them by default.

        Returns:
            One problem per repair made, located in the text before the repair; first
            those that ``loads(..., repair=True)`` made to open the text (``utf-8``,
            ``quote-values``), whatever *only* names.

        Raises:
            ValidationError: a name in *only* is not a known repair, or the record as
                edited breaks the model.
        """
        names = list(REPAIRS) if only is None else list(only)
        unknown = [name for name in names if name not in REPAIRS]
        if unknown:
            known = ", ".join(REPAIRS)
            raise ValidationError(f"no repair named {unknown[0]!r} (known: {known})")
        text = self.dumps()
        if text != self._current:
            self._stand_for(text)
        done, self._repairs_made = self._repairs_made, []
        for name in names:
            source = Source(
                self._current,
                self._root,
                tuple(self._duplicates),
                self.newline,
                self._parts.yaml_start,
                self._parts.yaml_end,
            )
            findings = REPAIRS[name].find(source)
            if not findings:
                continue
            for finding in findings:
                field = self._path_of(finding.key) if isinstance(finding.key, Scalar) else None
                field = field if field is None or len(field) <= 80 else None
                done.append(self._problem_at(finding.offset, f"{name}: {finding.message}", field))
            before_text, before = self._current, self._data
            edits = [edit for finding in findings for edit in finding.edits]
            from newsrecord._write import splice  # noqa: PLC0415  # the writer: see the imports

            try:
                repaired = splice.apply_edits(self._current, edits)
                self._stand_for(repaired)
                safe = compare.plain_reads_as(self._data, before)
            except (splice.SpliceError, RecordError):
                safe = False
            if not safe:
                # A bug of ours, never to be saved: stand for the text as it was.
                self._stand_for(before_text)
                raise RecordError(
                    f"the repair {name!r} would change what the record says, so it was not "
                    "made (a bug of newsrecord's: please report the file)",
                    path=self.path,
                )
            self.body = repaired[self._parts.body_start :]
        return done

    def _edit_data(
        self,
        field: str,
        action: Literal["set", "unset", "append"],
        value: Any = None,
        *,
        parse: bool = False,
        strict: bool = False,
    ) -> None:
        # No typed record to compare: the edit is spliced into the current text at once,
        # and the text read again, so that the record is there as soon as it is valid.
        old = self._data
        new = copy.deepcopy(old)
        try:
            editing.edit_data(new, self._kind, field, action, value, parse=parse, strict=strict)
        except ValidationError as error:
            raise self._placed_error(error) from None
        current, body, duplicates = self._current, self.body, len(self._duplicates)
        from newsrecord._write import splice  # noqa: PLC0415  # the writer: see the imports

        try:
            edits = splice.plan_edits(current, self._root, old, new, self.newline, self._kind)
            text = splice.apply_edits(current, self._with_shadowed(current, edits))
            self._read(text, strict=False)
            # No key written twice more than before (an unset removes its earlier entries).
            good = (
                compare.plain_reads_as(self._data, new, key_order=False)
                and len(self._duplicates) <= duplicates
            )
        except (splice.SpliceError, RecordError):
            text, good = "", False
        self.body = body
        if good:
            return
        # A value whose text reads back as another value under the field's type (the
        # number 3 as a title reads as "3") cannot be written: say so, not "a bug".
        wrong_type = None
        if action != "unset" and not parse:
            wrong_type = editing.type_problem(self._kind, field, action, value)
        if STRICT_SPLICES and wrong_type is None:
            raise AssertionError(f"the splice did not give the edited data:\n{text}")
        # No record to write the front matter from anew: leave the text as it was.
        self._read(current, strict=False)
        self.body = body
        if wrong_type is not None:
            raise self._placed_error(wrong_type)
        raise ValidationError(
            "this edit could not be written into the file's text without changing other "
            "values (a bug of newsrecord's: please report it); the file was left as it was",
            path=self.path,
            field=field,
        )

    def _problem_at(self, offset: int, message: str, field: str | None) -> Problem:
        line, column = self._index.position(offset)
        return Problem(message, self.path, line, column, field or None)

    def _placed(self, problems: Iterable[tuple[FieldPath, str]]) -> list[Problem]:
        """Problems of edited values, at the line of the value they replace, if any.

        An item added to a list is shown at the list; a value the text does not have
        yet has no line.
        """
        placed = []
        for where, message in problems:
            steps = where
            node = parse.find(self._root, steps, exact=True) if steps else None
            while node is None and steps and isinstance(steps[-1], int):
                steps = steps[:-1]
                node = parse.find(self._root, steps, exact=True) if steps else None
            line, column = (None, None) if node is None else self._index.position(node.start)
            field = field_path_text(where) or None
            placed.append(Problem(message, self.path, line, column, field))
        return placed

    def _placed_error(self, error: RecordError, within: FieldPath = ()) -> RecordError:
        """*error*, of an edit, with each problem placed in this document's file.

        A problem's field path is relative to *within*; it is given the line and column of
        the value the edit would replace (see :meth:`_placed`) and the document's path.
        """
        where = []
        for problem in error.problems:
            try:
                steps = parse_field_path(problem.field) if problem.field else ()
            except ValidationError:
                return error if self.path is None else error.with_path(self.path)
            where.append((within + steps, problem.message))
        return type(error)(self._placed(where))

    def _watching(self, snapshot: Snapshot) -> Snapshot:
        """*snapshot*, placing the errors of assignments to its objects in this file."""
        snapshot.touched.place = functools.partial(_place_assignment, weakref.ref(self))
        return snapshot

    def _locate(self, where: FieldPath, message: str) -> Problem:
        node = parse.find(self._root, where)
        offset = node.start if node is not None else self._parts.yaml_start
        if isinstance(node, parse.Mapping) and where:
            # The key is missing: point at the mapping that lacks it.
            pair = node.get(str(where[-1]))
            offset = pair[0].start if pair else node.start
        return self._problem_at(offset, message, field_path_text(where))

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
        node = parse.find(self._root, parse_field_path(field), exact=True)
        return None if node is None else self._index.position(node.start)

    def original(self) -> RecordT_co:
        """Return a fresh copy of the record as it was loaded (or last saved)."""
        fast = build.build(self._root, self._kind)
        if fast is not None:
            return fast
        built = convert.structure(self._data, self._kind)
        if isinstance(built, list):  # pragma: no cover - the same data structured at load
            raise ValidationError(convert.problems_of(built, self.path))
        return built

    def is_modified(self) -> bool:
        """Whether the record or the body differ from the text (or the file's encoding)."""
        if self._raw is not None:
            return True  # read from another encoding: saving writes UTF-8
        if self._current != self._text or self._body_changed(self._text):
            return True
        if self._record is None:
            return False
        snapshot = self._snapshot
        changes = snapshot.changes(self._record) if snapshot is not None else None
        if snapshot is None or changes is None:
            return not compare.same(self.original(), self._record)
        return any(
            snapshot.live(entry) and not compare.same(snapshot.view(entry), entry.value)
            for entry in changes
        )

    def dumps(self) -> str:
        """Return the text of the document with its edits spliced in.

        Raises:
            ValidationError: the edited record breaks the model (every problem listed).
        """
        current = self._current
        self._made = None
        body_changed = self._body_changed(current)
        if self._record is None:
            # Values that do not fit the model: only edits by field path, already in the
            # current text, and the body can have changed.
            if not body_changed:
                return current
            self._check_body()
            from newsrecord._write import splice  # noqa: PLC0415  # the writer: see the imports

            return splice.apply_edits(current, [self._body_edit(current)])
        snapshot = self._snapshot
        if snapshot is None or self._root.links:
            # Links (aliases, merge keys) are planned from the top-level entries that
            # change, which the whole comparison tells (see splice._write_out_links).
            return self._dumps_compared(body_changed)
        if native.start_splice is not None and len(current) >= OVERLAPPED_CHECKS:
            text = self._dumps_changes(snapshot, current, body_changed, overlapped=True)
            if text is not None:
                return text
        text = self._dumps_changes(snapshot, current, body_changed, overlapped=False)
        assert text is not None  # noqa: S101  # only an overlapped check gives None
        return text

    def _dumps_changes(
        self, snapshot: Snapshot, current: str, body_changed: bool, *, overlapped: bool
    ) -> str | None:
        """:meth:`dumps` from what the snapshot finds changed.

        Only that is checked, planned and read back, so that an edit costs what it
        changed, not what the record holds.

        With *overlapped*, the lists and ``extra`` dicts of the record are looked at
        (:meth:`Snapshot.changed_in_place`) only once the text is being copied, in
        another thread (``native.start_splice``): on a large record, both take a while,
        and take it at the same time. When one of them did change, the text made is
        dropped, and None tells the caller to start again without overlap.
        """
        changes = snapshot.changes(self._record, in_place=not overlapped)
        if changes is None:
            return self._dumps_compared(body_changed)
        if not changes and not body_changed:
            return None if overlapped and snapshot.changed_in_place() else current
        problems = self._check_changes(snapshot, changes)
        if problems:
            if overlapped:
                return None  # all the problems, those in place too, are told without
            raise ValidationError(self._placed(problems))
        if body_changed:
            self._check_body()
        from newsrecord._write import splice  # noqa: PLC0415  # the writer: see the imports

        try:
            plan = splice.plan_changes(
                current, self._root, self._record, changes, snapshot, self.newline
            )
            edits = self._with_shadowed(current, list(plan.edits))
            if body_changed:
                edits.append(self._body_edit(current))
            splicing = splice.begin_edits(current, edits)
            if overlapped and snapshot.changed_in_place():
                splicing.cancel()
                return None
            readings = self._read_back(plan) if plan.only_scalars else None
            text = splicing.finish()
        except Exception as error:
            if overlapped:
                # Planned from the assigned values alone, which may hold lists changed in
                # place under them: whatever went wrong, plan again from all changes.
                return None
            if not isinstance(error, splice.SpliceError) or STRICT_SPLICES:
                raise
            # A bug of the change planner's: plan again from the whole record.
            return self._dumps_compared(body_changed)
        if readings is not None:
            # Kept for save(): the nodes of this text are those of the current text,
            # moved, with these scalars read in (see _stand_for).
            self._made = _Spliced(text, plan.scalars, readings, changes)
            return text
        return self._verified(text, _top_keys(snapshot, changes))

    def _body_changed(self, text: str) -> bool:
        """Whether the body is not the end of *text* (compared in place, not sliced)."""
        body = self.body
        return (
            type(body) is not str
            or len(body) != len(text) - self._parts.body_start
            or not text.endswith(body)
        )

    def _check_changes(
        self, snapshot: Snapshot, changes: list[Entry]
    ) -> list[tuple[FieldPath, str]]:
        """Check what was assigned or changed in place since the load, as loading would."""
        problems: list[tuple[FieldPath, str]] = []
        for entry in changes:
            if not snapshot.live(entry):
                continue
            owner = entry.parent if entry.is_list else entry
            assert owner is not None  # noqa: S101  # lists are held by objects
            names = [str(entry.step)] if entry.is_list else _assigned(entry)
            problems += validate.check_assigned(owner.value, names, owner.path(), snapshot.objects)
        return problems

    def _read_back(self, plan: splice.Plan) -> list[Scalar] | None:
        """Read each scalar planned back as a node; None if one does not read as its value.

        None also when the body may not stay the body. Each scalar is read on its own, in
        a one-line document that holds it as the text around it does (after a key, or in
        a flow list), with the rest of its line. The closing ``---`` line and the body
        stay when every edit of the plan ends before that line (not compared: that would
        read the body again).
        """
        yaml_end = self._parts.yaml_end
        if any(edit.end > yaml_end for edit in plan.edits):
            return None
        readings: list[Scalar] = []
        shapes = shape_of(type(self._record))
        for scalar in plan.scalars:
            edit = scalar.edit
            if scalar.flow:
                head = "k: ["
                mini = head + edit.text + "]\n"
            else:
                head = "k:" if scalar.lead else "k: "
                rest = self._current[edit.end : line_end(self._current, edit.end)]
                mini = head + edit.text + rest.rstrip("\r\n") + "\n"
            try:
                root = parse.parse(mini, 0, len(mini), LineIndex(mini), None, self._limits, [])
            except RecordError:
                return None
            node = root.pairs[0][1] if len(root.pairs) == 1 else None
            if scalar.flow:
                items = node.items if isinstance(node, parse.Sequence) else []
                node = items[0] if len(items) == 1 else None
            start = len(head) + scalar.lead
            if not (
                isinstance(node, Scalar) and node.start == start and node.end == start + scalar.size
            ):
                return None
            errors: list[tuple[str, int, str]] = []
            data = parse.to_data(node, _shape_at(shapes, scalar.path), errors)
            value = scalar.value
            intended = value if isinstance(value, dt.datetime) else convert.unstructure(value)
            if errors or not compare.plain_reads_as(data, intended):
                return None
            readings.append(node)
        return readings

    def _dumps_compared(self, body_changed: bool) -> str:
        """dumps() by comparing the whole record with the record as loaded.

        For a record that was replaced (``document.record = other``), which no snapshot
        knows.
        """
        current = self._current
        original = self.original()
        changed = (
            compare.changed_keys(original, self.record)
            if type(original) is type(self.record)
            else {spec.key for spec in fields(type(self.record))} | {"extra"}
        )
        if not changed and not body_changed:
            return current
        from newsrecord._write import splice  # noqa: PLC0415  # the writer: see the imports

        if not changed:
            edits = []
        else:
            problems = validate.check(self.record, changed)
            if problems:
                raise ValidationError(self._placed(problems))
            try:
                edits = self._with_shadowed(
                    current,
                    splice.plan_edits(current, self._root, original, self.record, self.newline),
                )
            except splice.SpliceError:
                if STRICT_SPLICES:
                    raise
                return self._rewritten()
        if body_changed:
            self._check_body()
            edits.append(self._body_edit(current))
        try:
            text = splice.apply_edits(current, edits)
        except splice.SpliceError:
            if STRICT_SPLICES:
                raise
            return self._rewritten()
        return self._verified(text, changed)

    def _with_shadowed(self, current: str, edits: list[splice.Edit]) -> list[splice.Edit]:
        """*edits*, and the removal of earlier entries of the keys they take away."""
        if not self._duplicates:
            return edits
        return edits + removals_of_shadowed(current, self._root, self._duplicates, edits)

    def _body_edit(self, current: str) -> splice.Edit:
        """The edit that puts the (checked) body in place of the body of *current*.

        A file may end with its closing ``---`` and no line break: the body then needs
        one before it, or it would join the closing line and the file would never close.
        """
        start, body = self._parts.body_start, self.body
        if body and start == len(current) and not current.endswith(("\n", "\r")):
            body = self.newline + body
        from newsrecord._write.splice import Edit  # noqa: PLC0415  # the writer: see the imports

        return Edit(start, len(current), body)

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

    def _verified(self, text: str, changed: builtins.set[str]) -> str:
        # Read the result back: the splice must give exactly the edited record. If it ever
        # does not, rewrite the front matter in the house style rather than save a file
        # that says something else.
        if self._reads_back(text, changed):
            return text
        if STRICT_SPLICES:
            raise AssertionError(f"the splice did not give the edited record:\n{text}")
        return self._rewritten()

    def _rewritten(self) -> str:
        """The text with its front matter written anew in the house style, checked.

        The last resort when a splice goes wrong: comments and the file's own quoting are
        lost, but never data.
        """
        text = self._current[: self._parts.yaml_start - len(self._opening())] + write_fresh(
            self.record, self.body, self.newline
        )
        every = {spec.key for spec in fields(type(self.record))} | {"extra"}
        if not self._reads_back(text, every):
            raise ValidationError(
                "the edited record could not be written so that it reads back the same "
                "(a bug of newsrecord's: please report it)",
                path=self.path,
            )
        return text

    def _reads_back(self, text: str, changed: builtins.set[str]) -> bool:
        """Whether *text* holds the edited record and body (*changed*: the keys to compare).

        The keys in *changed* are read and compared with the record; the others must
        read as they did in the current text. A top-level key whose lines are the very
        lines it had is read the same way (a value of a record's YAML depends on its own
        lines alone, unless links such as aliases say otherwise), so only the others are read again:
        an edit of one key of a large record reads back that key, not the record.
        """
        try:
            parts = split(text, self.path)
            index = LineIndex(text)
            duplicates: list[Duplicate] = []
            root = parse.parse(
                text,
                parts.yaml_start,
                parts.yaml_end,
                index,
                self.path,
                self._limits,
                duplicates,
            )
            if self._keep_parsed_back:
                self._made = _ParsedBack(text, index, parts, root, duplicates)
            errors: list[tuple[str, int, str]] = []
            shape = shape_of(type(self.record))
            kept = None if duplicates else self._kept_keys(text, root, parts.yaml_end, changed)
            if kept is None:
                data = parse.to_data(root, shape, errors)
                original = self._data
            else:
                data = _read_pairs(root, shape, errors, kept)
                # The record was read from the current text: its data has no errors.
                original = _read_pairs(self._root, shape, [], kept | changed)
            good = (
                not errors
                and text[parts.body_start :] == self.body
                and compare.reads_as(data, self.record, changed, original)
            )
        except LimitError:
            raise  # the edit made the front matter too large: the user's to know, no bug
        except RecordError:
            good = False
        return good

    def _kept_keys(
        self, text: str, root: parse.Mapping, yaml_end: int, changed: builtins.set[str]
    ) -> builtins.set[str] | None:
        """The known keys outside *changed* whose lines in *text* are those of the current text.

        None when that cannot be told key by key: a flow mapping at the top, a key written
        twice in the current text, or a record of another kind than the one read. (A key
        written twice in *text* is the caller's to rule out: its last value is read, which
        need not be where its lines are.)
        """
        old_root = self._root
        if (
            root.flow
            or old_root.flow
            or root.links
            or old_root.links
            or self._duplicates
            or type(self.record) is not self._kind
        ):
            return None  # (links: a value read through one depends on other lines)
        new_lines = _top_lines(text, root, yaml_end)
        old_lines = _top_lines(self._current, old_root, self._parts.yaml_end)
        if new_lines is None or old_lines is None:
            return None
        known = {spec.key for spec in fields(type(self.record))}
        current = self._current
        kept = builtins.set()
        for key, (start, end) in new_lines.items():
            old = old_lines.get(key)
            if (
                key in known
                and key not in changed
                and old is not None
                and end - start == old[1] - old[0]
                and text.startswith(current[old[0] : old[1]], start)
            ):
                kept.add(key)
        return kept

    def _opening(self) -> str:
        return self._current[: self._parts.yaml_start].lstrip("\ufeff")

    def save(
        self,
        path: StrPath | None = None,
        *,
        durability: Durability = "full",
        overwrite: bool = False,
    ) -> None:
        """Write the document atomically: a temporary file in the same folder, fsync, rename.

        The file's permissions are kept. Afterwards the document stands for the new text,
        so further edits are relative to it.

        No lost updates: saved to the file it was loaded from (or last saved to), the
        document is written only if that file still holds the text it had then, checked
        right before the rename under the file's lock, as :func:`edit` does. Another
        writer's change in between (an editor, a bot, ``git checkout``) raises
        :class:`ConflictError` and is kept, unless *overwrite* is true.

        Args:
            path: Where to write; by default the document's own path.
            durability: ``"full"``, ``"batch"`` (inside a :class:`Batch`) or ``"none"``;
                see :func:`write_atomically`.
            overwrite: Write over the file whatever it holds now.

        Raises:
            ValidationError: the edited record breaks the model.
            RecordError: no path was given and the document has none.
            ConflictError: the file changed or was removed since it was loaded or saved;
                nothing was written.
            OSError: the file could not be written; the old file is left intact.
        """
        target = os.fspath(path) if path is not None else self.path
        if target is None:
            raise RecordError("save() needs a path: this document was not loaded from a file")
        text = self._dumps_to_save()
        read_from = self._read_from
        expected = None
        if not overwrite and read_from is not None and same_file(target, read_from):
            expected = self._bytes_read()
        write_atomically(target, text.encode("utf-8"), expected=expected, durability=durability)
        self._reset(text, target)

    def _dumps_to_save(self) -> str:
        """:meth:`dumps`, keeping the nodes of a text it reads back whole for the save.

        The document then stands for that text without parsing it again. Only for a
        save: the nodes of a large record take far more memory than its text.
        """
        self._keep_parsed_back = True
        try:
            return self.dumps()
        finally:
            self._keep_parsed_back = False

    def _bytes_read(self) -> bytes:
        """The bytes the document was read from (or last saved as)."""
        if self._raw is not None:
            return self._raw
        # Decoding is lossless (strict UTF-8, BOM and line breaks kept): the text encodes
        # back to the very bytes read or written.
        return self._text.encode("utf-8")

    def _reset(self, text: str, path: str | None) -> None:
        """Stand for *text*, now on disk at *path*: further edits are relative to it."""
        self.path = path
        self._read_from = path
        self._text = text
        self._raw = None
        self._repairs_made = []
        self._stand_for(text)
        self.body = text[self._parts.body_start :]

    def _stand_for(self, text: str) -> None:
        """Make *text*, which reads as the document's record, its current text.

        *text* is what :meth:`dumps` gave, or a repair of it, both checked to read back as
        the record. So no record is built again: only the nodes of the new text are
        parsed (the next edit needs their spans), and the record the caller may hold
        (``rec = doc.record; rec.heat = 2; doc.save()``) stays the document's record,
        watched by its snapshot, so that an edit made through it afterwards is seen: the
        snapshot takes the values assigned since (:meth:`Snapshot.settle`), or a new
        snapshot walks the record when more than values changed.
        A document whose values do not fit the model is read again whole (its edits by
        field path are in its current text already).
        """
        record = self._record
        if record is None:
            if text != self._current:
                self._read(text, strict=False)
            return
        self.newline = newline_of(text)
        made, self._made = self._made, None
        changes = None  # what changed since the snapshot, if dumps() just found it
        if type(made) is _Spliced and made.text is text:
            try:
                self._respan(text, made.scalars, made.readings)
                changes = made.changes
            except TypeError:
                # The native mover met what it does not know (a bug): parse instead.
                if STRICT_SPLICES:
                    raise
                self._parse(text)
        else:
            self._parse(text, made if type(made) is _ParsedBack else None)
        self._kind = type(record)
        self._invalid = []
        self._plain = None
        snapshot = self._snapshot
        if snapshot is None or not snapshot.settle(record, self._root, changes):
            self._snapshot = self._watching(Snapshot(record, self._root))

    def _respan(self, text: str, scalars: list[splice.ScalarEdit], readings: list[Scalar]) -> None:
        """Make *text*, which dumps() made by writing *scalars* alone, the current text.

        Its nodes are the current nodes moved (:func:`splice.respan`): no parse.
        """
        from newsrecord._write import splice  # noqa: PLC0415  # the writer: see the imports

        duplicates = [node for entry in self._duplicates for node in (entry.key, entry.value)]
        moved = splice.respan([self._root, *duplicates], scalars, readings)
        parts = self._parts
        self._parts = Parts(parts.yaml_start, moved(parts.yaml_end), moved(parts.body_start))
        self._current = text
        self._index = LineIndex(text)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the text, the record and the body; the nodes are parsed again on load.

        Parsing is a pure function of the text, so the copy is the same document, edits
        included, at a fraction of the size of the parsed tree.
        """
        if self._record is None:
            # Values that do not fit the model: the edits by field path are in the
            # current text, which is parsed again as leniently as it was.
            current = self._current
            return (
                _restore_invalid,
                (
                    self._text,
                    current,
                    self.path,
                    self._forced,
                    self._limits,
                    self.body,
                    self._read_from,
                    self._raw,
                ),
            )
        return (
            _restore,
            (
                self._text,
                self.path,
                self._kind,
                self._limits,
                self.record,
                self.body,
                self._read_from,
                # What it stands for, when a repair (made on opening or since) changed it.
                None if self._current is self._text else self._current,
                self._raw,
            ),
        )

    def __repr__(self) -> str:
        """Show the path and the record's kind and title."""
        title = getattr(self._record, "title", None)
        state = "" if self._record is not None else " (invalid)"
        return f"<Document {self.path or '(text)'} {self.kind.__name__}{state} {title!r}>"


def _place_assignment(
    document: weakref.ref[Document], instance: object, error: RecordError
) -> RecordError:
    """*error*, of an assignment to a model object of *document*, placed in its file."""
    doc = document()
    snapshot = doc._snapshot if doc is not None else None
    within = snapshot.field_of(instance) if snapshot is not None else None
    if doc is None or within is None:
        return error
    return doc._placed_error(error, within)


def _restore(
    text: str,
    path: str | None,
    kind: type[AnyRecord],
    limits: Limits,
    record: AnyRecord,
    body: str,
    read_from: str | None = None,
    current: str | None = None,
    raw: bytes | None = None,
) -> Document:
    read = text if current is None else current
    doc = Document(read, path=path, limits=limits)
    if type(doc.record) is not kind:
        doc = Document(read, path=path, kind=kind, limits=limits)
    doc._text = text  # the text it was loaded from, for is_modified and edit
    doc.record = record
    doc.body = body
    doc._read_from = read_from
    doc._raw = raw
    return doc


def _restore_invalid(
    text: str,
    current: str,
    path: str | None,
    kind: type[AnyRecord] | None,
    limits: Limits,
    body: str,
    read_from: str | None = None,
    raw: bytes | None = None,
) -> Document:
    doc = Document(current, path=path, kind=kind, limits=limits, strict=False)
    doc._text = text  # the text it was loaded from, for is_modified and edit
    doc.body = body
    doc._read_from = read_from
    doc._raw = raw
    return doc


class _ParsedBack(NamedTuple):
    """A text :meth:`Document.dumps` read back whole, parsed (see ``_dumps_to_save``)."""

    text: str
    lines: LineIndex
    parts: Parts
    root: parse.Mapping
    duplicates: list[Duplicate]


class _Spliced(NamedTuple):
    """What :meth:`Document.dumps` made by writing scalars alone, kept for a save.

    Attributes:
        text: The text it gave.
        scalars: The scalars written.
        readings: Each scalar read back from *text*: its new node.
        changes: What the snapshot found changed (the objects assigned to).
    """

    text: str
    scalars: list[splice.ScalarEdit]
    readings: list[Scalar]
    changes: list[Entry]


STRICT_SPLICES = False
"""Tests set this so that a wrong splice fails loudly instead of falling back."""


def write_fresh(record: AnyRecord, body: str, newline: str) -> str:
    """Write *record* and *body* anew in the house style (the writer's ``write_fresh``).

    Imported when first called (see the imports); tests replace it to break the rewrite.
    """
    from newsrecord._write import fresh  # noqa: PLC0415  # the writer: see the imports

    return fresh.write_fresh(record, body, newline)


OVERLAPPED_CHECKS = 1 << 20
"""From this many characters of text on (and with the native package), :meth:`dumps`
looks for lists and dicts changed in place while the new text is being copied.

Below it the copy is too short to hide anything (about 0.1 ms a million characters), and
a miss would plan the edits twice; tests set it to 0 to take this path on every record.
"""


def _assigned(entry: Entry) -> list[str]:
    """The attributes of an object's entry that hold other values than as loaded."""
    value = entry.value
    names = _layout_names(type(value))
    now = [getattr(value, name) for name in names]
    changed = [name for name, old, new in zip(names, entry.old, now, strict=True) if old is not new]
    if "extra" not in changed and entry.extra_changed():
        changed.append("extra")  # changed in place
    return changed


def _layout_names(cls: type) -> tuple[str, ...]:
    return (*(spec.name for spec in fields(cls)), "extra")


def top_lines(doc: Document) -> dict[str, tuple[int, int]] | None:
    """Each top-level key's lines in the document's current text (see ``_top_lines``)."""
    return _top_lines(doc._current, doc._root, doc._parts.yaml_end)


def _top_lines(text: str, root: parse.Mapping, yaml_end: int) -> dict[str, tuple[int, int]] | None:
    """Each top-level key's lines: from the start of its line to that of the next key.

    None if a key is written twice or two keys share a line.
    """
    if not root.pairs:
        return {}  # an empty front matter
    starts = [line_start(text, key.start) for key, _ in root.pairs]
    if any(later <= earlier for earlier, later in itertools.pairwise(starts)):
        return None
    lines = {
        key.value: (start, end)
        for (key, _), start, end in zip(root.pairs, starts, [*starts[1:], yaml_end], strict=True)
    }
    return lines if len(lines) == len(root.pairs) else None


def entry_lines(doc: Document, path: tuple[str | int, ...]) -> tuple[int, int, str] | None:
    """The lines of one entry (a key and its value, or a list item) in *doc*'s current text.

    *path* names the entry by YAML keys and list indexes. Its lines run from the start of
    its first line to the end of its last, with the blank lines after it, and stop where
    the next entry of the same mapping or list begins.

    Returns:
        ``(start, end, indent)``: the lines' span and the text before the key (before the
        dash of a list item); None when the entry is not there or has no lines of its
        own: it is in a flow collection, or shares a line with another entry (the first
        key of a list item, ``- key: value``).
    """
    if not path:
        return None
    text, step = doc._current, path[-1]
    parent = parse.find(doc._root, path[:-1], exact=True)
    if isinstance(parent, parse.Mapping) and not parent.flow and isinstance(step, str):
        keys = [key for key, _ in parent.pairs]
        index = next((i for i, key in enumerate(keys) if key.value == step), None)
        if index is None:
            return None
        starts = [key.start for key in keys]
        content_end = max(keys[index].end, _last_end(parent.pairs[index][1]))
    elif (
        isinstance(parent, parse.Sequence)
        and not parent.flow
        and isinstance(step, int)
        and 0 <= step < len(parent.items)
    ):
        index = step
        starts = [item.start for item in parent.items]
        content_end = _last_end(parent.items[index])
    else:
        return None
    start = line_start(text, starts[index])
    prefix = text[start : starts[index]]
    dash = prefix.rstrip(" \t")
    if isinstance(parent, parse.Sequence):
        if not dash.endswith("-") or dash[:-1].strip(" \t") or dash == prefix:
            return None  # not `- item` with the dash first on its line
        indent = dash[:-1]
    elif prefix.strip(" \t"):
        return None
    else:
        indent = prefix
    limit = line_start(text, starts[index + 1]) if index + 1 < len(starts) else doc._parts.yaml_end
    end = line_end(text, max(content_end, starts[index] + 1) - 1)
    if end > limit:
        return None  # the next entry starts on this entry's last line
    # The blank lines after an entry go with it: a file's blocks are set off by them.
    while end < limit and not text[end : line_end(text, end)].strip():
        end = line_end(text, end)
    return start, min(end, limit), indent


def scalars_under(doc: Document, key: str) -> list[Scalar]:
    """Every scalar written as the value of a mapping key *key*, or inside one, at any depth.

    The entries of keys written twice that the record does not read (see
    :class:`~newsrecord._read.nodes.Duplicate`) are searched too: their text is in the file.
    """
    found: list[Scalar] = []
    stack: list[tuple[parse.Node, bool]] = [(doc._root, False)]
    stack += [(duplicate.value, duplicate.key.value == key) for duplicate in doc._duplicates]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, Scalar):
            if inside:
                found.append(node)
        elif isinstance(node, parse.Mapping):
            stack += [(value, inside or name.value == key) for name, value in node.pairs]
        else:
            stack += [(item, inside) for item in node.items]
    return sorted(found, key=lambda scalar: scalar.start)


def _last_end(node: parse.Node) -> int:
    """Where the last character written of *node* ends (a block collection's last value)."""
    if isinstance(node, parse.Mapping) and node.pairs and not node.flow:
        key, value = node.pairs[-1]
        return max(key.end, _last_end(value))
    if isinstance(node, parse.Sequence) and node.items and not node.flow:
        return _last_end(node.items[-1])
    return node.end


def _read_pairs(
    root: parse.Mapping,
    shape: parse.Shape,
    errors: list[tuple[str, int, str]],
    left_out: builtins.set[str],
) -> dict[str, Any]:
    """The top-level pairs of *root* as plain data, but those of the keys *left_out*."""
    keys = shape.keys
    return {
        key.value: parse.to_data(value, keys.get(key.value, parse.ANY), errors, key.value)
        for key, value in root.pairs
        if key.value not in left_out
    }


def _top_keys(snapshot: Snapshot, changes: list[Entry]) -> builtins.set[str]:
    """The top-level keys under which something changed ("extra" for unknown keys)."""
    keys: builtins.set[str] = builtins.set()
    for entry in changes:
        path = entry.path()
        if path:
            keys.add(str(path[0]))
            continue
        value = entry.value
        specs = fields(type(value))
        keys.update(
            spec.key
            for spec, old in zip(specs, entry.old, strict=False)
            if getattr(value, spec.name) is not old
        )
        keys.add("extra")
    return keys


def _shape_at(shape: parse.Shape, path: str) -> parse.Shape:
    """The shape at a style path such as ``related[].title``."""
    found: parse.Shape | None = shape
    for part in path.split("."):
        name = part.rstrip("[]")
        found = found.keys.get(name) if found is not None else None
        for _ in range((len(part) - len(name)) // 2):
            found = found.item if found is not None else None
    return found if found is not None else parse.ANY
