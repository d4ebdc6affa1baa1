"""The public error hierarchy.

Every error newsrecord raises about a record, its text or its values is a
:class:`RecordError`. Each subclass also subclasses the builtin a caller would naturally
catch (``ValueError`` for bad text or types, ``OSError`` for a file that changed under an
editor), so ``except ValueError`` keeps working in code that does not know newsrecord.
Errors of the operating system (a missing file) stay the ``OSError`` it gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NamedTuple

import attrs

__all__ = [
    "ConflictError",
    "FieldTypeError",
    "FileError",
    "LimitError",
    "ParseError",
    "Problem",
    "ReadOnlyError",
    "RecordError",
    "TextFix",
    "ValidationError",
]


@attrs.frozen
class Problem:
    """One thing wrong with a record, located as precisely as the source allows.

    Attributes:
        message: What is wrong, in plain words.
        path: The file the record came from, when known.
        line: 1-based line in the file, when the problem has a place in the text.
        column: 1-based column in the file.
        field: The field path with YAML keys, such as ``images[0].width``.
    """

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        """Render as ``PATH:LINE:COL: field: message``, leaving out what is unknown."""
        where = ":".join(
            str(part) for part in (self.path, self.line, self.column) if part is not None
        )
        field = shown_field(self.field) if self.field else None
        text = f"{field}: {self.message}" if field else self.message
        return f"{where}: {text}" if where else text


_FIELD_SHOWN: Final = 36


def shown_field(field: str) -> str:
    """Return a problem's field path as every report shows it, shortened when long.

    A field path is the user's (or the file's) text: shortened like any quoted value, in
    case it is a secured blob typed where a field goes. Messages quote values through
    :func:`brief` when they are made; this is the one place for the field.
    """
    return shorten(field, _FIELD_SHOWN)


def shorten(text: str, limit: int) -> str:
    """Return *text*, cut to *limit* characters with ``...`` when it is longer."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def brief(text: str, limit: int = 30) -> str:
    """Return ``repr(text)``, shortened when longer than *limit* characters.

    Messages quote values and source text through this, so that they stay short and never
    carry a whole value (a secured blob in the wrong place, a megabyte of key).
    """
    return repr(shorten(text, limit))


def counted(number: int, noun: str) -> str:
    """Return ``1 file``, ``2 files``: a count and its noun, for summary lines."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def describe_value(value: Any) -> str:
    """Name a plain value's type for a message, quoting strings briefly."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        # The value, so that a reader sees which one (a huge one by its size alone).
        shown = str(value) if value.bit_length() < 200 else f"of {len(str(value))} digits"
        return f"the integer {shown}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {brief(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


class RecordError(Exception):
    """Base of every error newsrecord raises about a record, its text or its values.

    Attributes:
        problems: Every problem found, first one first (never empty).
        path: File of the first problem, when known.
        line: 1-based line of the first problem, when known.
        column: 1-based column of the first problem, when known.
        field: Field path of the first problem (``images[0].width``), when known.
    """

    problems: tuple[Problem, ...]

    def __init__(
        self,
        message: str | Sequence[Problem],
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        """Create the error from one message or from a list of problems."""
        if isinstance(message, str):
            problems: tuple[Problem, ...] = (Problem(message, path, line, column, field),)
        else:
            problems = tuple(message)
            if not problems:
                raise ValueError("a RecordError needs at least one problem")
        self.problems = problems
        super().__init__(self._summary())

    # The first problem's place, one property each: written out rather than made by a
    # factory, so that each keeps its type for checkers and its docstring for readers.
    @property
    def path(self) -> str | None:
        """File of the first problem, when known."""
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        """1-based line of the first problem, when known."""
        return self.problems[0].line

    @property
    def column(self) -> int | None:
        """1-based column of the first problem, when known."""
        return self.problems[0].column

    @property
    def field(self) -> str | None:
        """Field path of the first problem, when known."""
        return self.problems[0].field

    @property
    def message(self) -> str:
        """The first problem's message without its location."""
        return self.problems[0].message

    def with_path(self, path: str) -> RecordError:
        """Return a copy of this error whose problems name *path* as their file."""
        clone = type(self)([attrs.evolve(p, path=path) for p in self.problems])
        clone.__cause__ = self.__cause__
        return clone

    def _summary(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return f"{first} (and {more} more)" if more else first

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by problems: errors cross process boundaries in the parallel validator."""
        state = {name: value for name, value in vars(self).items() if name != "problems"}
        return (type(self), (list(self.problems),), state or None)


class TextFix(NamedTuple):
    """A replacement that makes a text readable as a parse error's message says.

    Attributes:
        start: Where the replaced text starts, as an offset in the whole text.
        end: Where it ends (exclusive).
        text: What to write there.
    """

    start: int
    end: int
    text: str

    def __repr__(self) -> str:
        """Show the text shortened: it may be a whole secured blob, quoted."""
        return f"TextFix(start={self.start}, end={self.end}, text={brief(self.text)})"


class ParseError(RecordError, ValueError):
    """The text is not a record: bad UTF-8, no front matter, or YAML that is not plain data.

    Attributes:
        fixes: For YAML that cannot be read as it is written but whose fix is certain (a
            value to quote, as in ``title: &amp; co``; a quote to escape), the fix the
            message shows; empty otherwise. ``load(..., repair=True)`` and ``newsrecord
            fix`` (the ``quote-values`` repair) apply them.
    """

    fixes: tuple[TextFix, ...] = ()


class ValidationError(RecordError, ValueError):
    """The front matter parsed, but values do not fit the model; lists every problem."""


class FieldTypeError(ValidationError, TypeError):
    """A value assigned to a field does not fit it; also a TypeError, as Python's own are."""


class LimitError(ParseError):
    """The input exceeds a safety limit (size, nesting depth, number of nodes)."""


class _SystemError(RecordError, OSError):
    """A record error that is also an ``OSError``: ``errno`` and ``filename`` are filled in.

    ``filename`` is the file of the first problem (:attr:`path`); ``errno`` is the
    system's error number of what went wrong (``EACCES`` for a read-only file,
    ``ENOENT`` for a file removed), or None where no number fits (a file that changed).
    ``strerror`` stays None: the message is ``str(error)``, in our words.
    """

    def __init__(
        self,
        message: str | Sequence[Problem],
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        errno: int | None = None,
    ) -> None:
        """Create the error from one message or from a list of problems, with its errno."""
        super().__init__(message, path=path, line=line, column=column, field=field)
        self.errno = errno
        self.filename = self.path

    def __str__(self) -> str:
        """The message, as every :class:`RecordError` gives it.

        Not ``OSError``'s ``[Errno 13] None: 'path'``, which it makes once ``filename``
        is set.
        """
        return self._summary()

    def with_path(self, path: str) -> RecordError:
        """Return a copy of this error whose problems name *path* as their file."""
        clone = super().with_path(path)
        vars(clone).update(self._state())
        if isinstance(clone, OSError):
            clone.errno = self.errno
        return clone

    def _state(self) -> dict[str, Any]:
        return {name: value for name, value in vars(self).items() if name != "problems"}

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by problems, and the errno (``filename`` follows from the problems)."""
        return (type(self), (list(self.problems),), {**self._state(), "errno": self.errno})


class ConflictError(_SystemError):
    """The file changed on disk after it was loaded; saving would lose that change.

    Also an ``OSError``: ``filename`` is the file, ``errno`` is ``ENOENT`` when it was
    removed (``EISDIR`` when a folder took its place), None when it changed.
    """


class FileError(_SystemError):
    """A record file cannot be read or saved where asked; a failed save wrote nothing.

    The path is not a regular file (a folder, FIFO or device: never opened for writing, and
    never read, since a FIFO blocks its reader), or, for a save, the file is read-only or
    lies in a folder where no file can be created (those are :class:`ReadOnlyError`). The
    message names the record file, and so does ``filename``; ``errno`` is the system's
    number where one fits (``EISDIR`` for a folder, the error of a folder that cannot be
    looked at), else None.
    """


class ReadOnlyError(FileError, PermissionError):
    """A save was refused because the file or its folder may not be written; nothing was.

    The file is read-only (no write permission for us, or no write bit at all, which
    stops root too), or its folder is (no write bit), or the system refused to create a
    file in the folder (no permission, a read-only file system). Also a
    ``PermissionError``, whose ``errno`` is ``EACCES`` (or what the system said:
    ``EROFS``, ``EPERM``) and ``filename`` the record file.

    Attributes:
        folder: The folder when it is what may not be written, else None.
    """

    folder: str | None = None

    def __init__(
        self,
        message: str | Sequence[Problem],
        *,
        path: str | None = None,
        errno: int | None = None,
        folder: str | None = None,
    ) -> None:
        """Create the error; *folder* when the folder is what may not be written."""
        super().__init__(message, path=path, errno=errno)
        if folder is not None:
            self.folder = folder


def unreadable(path: str | None, error: OSError) -> Problem:
    """Return the problem of a file that cannot be read, as *error* tells it.

    A :class:`FileError` (a FIFO, a folder) already says what is wrong in our words; any
    other ``OSError`` gives its reason (``No such file or directory``), not its repr.
    """
    if isinstance(error, RecordError):
        return Problem(error.message, path or error.path)
    return Problem(f"cannot be read: {error.strerror or error}", path)
