"""Files on disk: atomic replacement, the lost-update lock, and walking record trees.

Nothing here knows what a record is: the document layer hands over bytes, and the walk
hands back paths.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Final

from newsrecord.errors import ConflictError, FileError

if sys.platform != "win32":
    import fcntl

__all__ = [
    "StrPath",
    "as_paths",
    "iter_record_files",
    "replace_if_unchanged",
    "walk",
    "write_atomically",
]

StrPath = str | os.PathLike[str]
"""A file system path as the public functions accept it."""


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
        FileError: the target is not a regular file (a folder, FIFO or device: it is
            never opened), is read-only, or its folder cannot hold a new file; nothing
            was written. The message names *path*.
        OSError: the data could not be written (a full disk); the old file is intact and
            the temporary file removed.
    """
    target = Path(os.path.realpath(path))
    mode = _writable_mode(target, os.fspath(path))
    try:
        handle, temporary = _create_temporary(target)
    except OSError as exc:
        # The error would name the temporary file, which the user never asked for.
        raise _file_error(
            f"no file can be created in its folder {target.parent} ({exc.strerror or exc})",
            os.fspath(path),
            exc,
        ) from exc
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


def _writable_mode(target: Path, name: str) -> int | None:
    """Return the permission bits of the file at *target* (None when there is none yet).

    Raises:
        FileError: the target is not a regular file, or is read-only. Saving over either
            would put a regular file in its place (the rename does not need the file's
            own permission); a read-only file says its owner wants it kept as it is.
    """
    # Read-only means "no write permission for us, or no write bit at all": the second
    # holds for root too, who may write anything but should not replace a file its owner
    # marked read-only (as editors refuse without a forced write).
    try:
        folder = target.parent.stat()
    except OSError as exc:
        raise _file_error(str(exc.strerror or exc), name, exc) from exc
    if not folder.st_mode & 0o222:
        raise FileError(
            f"cannot save the record: its folder {target.parent} is read-only",
            path=name,
        )
    try:
        status = target.stat()  # never open(): opening a FIFO blocks until a writer comes
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _file_error(str(exc.strerror or exc), name, exc) from exc
    if not stat.S_ISREG(status.st_mode):
        raise FileError(
            f"cannot save the record: it is {_kind_of(status.st_mode)}, not a regular file",
            path=name,
        )
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise FileError(
            "cannot save the record: the file is read-only (make it writable, for "
            "example with 'chmod u+w', to save it)",
            path=name,
        )
    return status.st_mode & 0o7777


def _file_error(message: str, name: str, cause: OSError) -> FileError:
    error = FileError(f"cannot save the record: {message}", path=name)
    # Callers that test the errno of an OSError keep working. (Not strerror: with both
    # set, OSError.__str__ would show "[Errno 13] ..." instead of the message.)
    error.errno = cause.errno
    return error


def _kind_of(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((what for test, what in kinds if test(mode)), "a special file")


TEMPORARY_INFIX: Final = ".newsrecord-"
"""Temporary files are named ``.<name>.newsrecord-<random>.tmp`` next to the record: the
leading dot keeps :func:`iter_record_files` (and most tools) off them, and the infix
makes the leftovers of a killed save easy to find and delete."""


def _create_temporary(target: Path) -> tuple[int, Path]:
    # Not tempfile.mkstemp: it creates files readable by their owner only, and a new
    # record file should get the permissions every other new file gets.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = target.parent / f".{target.name}{TEMPORARY_INFIX}{secrets.token_hex(6)}.tmp"
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file next to {target}")


def replace_if_unchanged(target: Path, data: bytes, expected: bytes) -> None:
    """Write *data* over *target* atomically, unless *target* no longer holds *expected*."""
    if not target.exists():
        raise _conflict(target, "was removed")

    @contextlib.contextmanager
    def unchanged(real: Path) -> Iterator[None]:
        # Held around the rename only, after the slow writing and fsync, so that the
        # window in which a writer that does not take the lock could slip in stays small.
        with _locked(real) as current:
            _check_unchanged(real, current, expected)
            yield

    write_atomically(target, data, guard=unchanged)


def _check_unchanged(target: Path, current: bytes | None, expected: bytes) -> None:
    if current is None:
        raise _conflict(target, "was removed")
    if current != expected:
        raise _conflict(target, "changed")


def _conflict(target: Path, what: str) -> ConflictError:
    return ConflictError(
        f"the file {what} on disk after it was loaded; nothing was written "
        "(load it again and redo the edit)",
        path=str(target),
    )


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[bytes | None]:
    """Hold an exclusive lock on the file now at *target*; yield its bytes (None if gone).

    The lock is taken on the file's inode. A rename by the previous holder puts a new inode
    at the path, so after getting the lock we check that ours is still the one at the path
    and otherwise lock the new one: every replace happens under the lock of the file it
    replaces, which serializes all cooperating writers.
    """
    while True:
        try:
            stream = target.open("rb")
        except FileNotFoundError:
            yield None
            return
        with stream:
            if sys.platform != "win32":
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
            held = os.fstat(stream.fileno())
            try:
                now = target.stat()
            except FileNotFoundError:
                continue
            if (held.st_dev, held.st_ino) != (now.st_dev, now.st_ino):
                continue
            yield stream.read()
            return


# --- walking trees--------------------------------------------------------------------------

_SKIPPED_NAMES: Final = frozenset({"readme.md"})


def iter_record_files(
    paths: StrPath | Iterable[StrPath],
    *,
    pattern: str = "*.md",
    onerror: Callable[[OSError], object] | None = None,
) -> Iterator[Path]:
    """Yield the record files among *paths*, walking folders recursively and lazily.

    A path that is not a folder is yielded as it is, whatever its name (reading it is what
    tells whether it is a record). In folders, files whose name matches *pattern* are
    yielded, except ``README.md`` (in any case), which documents a folder rather than
    being a record; names starting with ``.`` (``.git``, editor files) are skipped, and
    symbolic links to folders are not followed, so a link cannot make the walk loop.
    Entries come in name order, so runs are reproducible. Only one folder listing per
    level of depth is held in memory, never the whole tree.

    Args:
        paths: A file or folder, or several.
        pattern: A shell-style pattern matched against file names in folders.
        onerror: Called with the :class:`OSError` of a folder that cannot be listed; the
            walk then goes on. Without it the error is raised.

    Yields:
        The paths of the files, each starting with the path it was found under.

    Raises:
        OSError: a folder cannot be listed and no *onerror* was given.
    """
    for path, error in walk(as_paths(paths), pattern):
        if error is None:
            yield path
        elif onerror is None:
            raise error
        else:
            onerror(error)


def as_paths(paths: StrPath | Iterable[StrPath]) -> Iterator[Path]:
    """Yield *paths* (one path or several) as :class:`Path` objects."""
    if isinstance(paths, str | os.PathLike):
        yield Path(paths)
    else:
        for path in paths:
            yield Path(path)


def walk(roots: Iterable[Path], pattern: str) -> Iterator[tuple[Path, OSError | None]]:
    """Yield ``(path, None)`` per record file under *roots*, or ``(path, error)``."""
    for root in roots:
        if not root.is_dir():
            yield root, None
            continue
        # A stack of iterators over sorted listings, rather than recursion: no depth limit,
        # and nothing but the listings of the folders on the current branch is held.
        stack: list[Iterator[os.DirEntry[str]]] = []
        try:
            stack.append(_listing(root))
        except OSError as error:
            yield root, error
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(_listing(Path(entry.path)))
                    continue
                is_file = entry.is_file()
            except OSError as error:
                yield Path(entry.path), error
                continue
            if (
                is_file
                and fnmatch.fnmatchcase(name, pattern)
                and name.lower() not in _SKIPPED_NAMES
            ):
                yield Path(entry.path), None


def _listing(folder: Path) -> Iterator[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        listed = sorted(entries, key=lambda entry: entry.name)
    return iter(listed)
