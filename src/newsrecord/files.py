"""Files on disk: atomic replacement, the lost-update lock, and walking record trees.

Nothing here knows what a record is: the document layer hands over bytes, and the walk
hands back paths.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import errno
import fnmatch
import itertools
import operator
import os
import queue
import re
import shlex
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Final, Literal

from newsrecord._read import native
from newsrecord._site import exclusions, relative_to, site_root_of
from newsrecord.errors import ConflictError, FileError, ReadOnlyError

if sys.platform != "win32":
    import fcntl

__all__ = [
    "Batch",
    "Durability",
    "StrPath",
    "as_paths",
    "check_durability",
    "iter_record_files",
    "jekyll_exclusions",
    "link_to_nothing",
    "once_each",
    "open_regular",
    "replace_if_unchanged",
    "same_file",
    "sync_file_systems",
    "walk",
    "walk_entries",
    "write_atomically",
]

StrPath = str | os.PathLike[str]
"""A file system path as the public functions accept it."""


Durability = Literal["full", "batch", "none"]
"""How much a save waits for the disk (see :func:`write_atomically`)."""


def write_atomically(
    path: StrPath,
    data: bytes,
    *,
    expected: bytes | None = None,
    durability: Durability = "full",
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
        expected: If given, the bytes the file must still hold: right before the rename,
            under an exclusive lock on the file (see :func:`replace_if_unchanged`), the
            file is read again and nothing is written unless it holds exactly these.
        durability: ``"full"`` (the default) syncs the file before the rename and its
            folder after it: once the call returns, the new file survives a power cut.
            ``"batch"`` syncs nothing now and hands the file to the open :class:`Batch`,
            which syncs every file and folder it was given when it closes. ``"none"``
            never syncs: the rename is still atomic for readers, but after a crash the
            file may hold the old or (on some file systems) no data.

    Raises:
        FileError: the target is not a regular file (a folder, FIFO or device: it is
            never opened), is read-only, or its folder cannot hold a new file; nothing
            was written. The message and ``filename`` name *path*. The read-only cases
            (the file, its folder, or a folder where the system refuses to create a
            file) are :class:`ReadOnlyError`, also a ``PermissionError``.
        ConflictError: with *expected*, the file changed or was removed; nothing was
            written.
        OSError: the data could not be written (a full disk, no permission); the old file
            is intact and the temporary file removed.
        ValueError: *durability* is not one of the three, or ``"batch"`` outside a
            :class:`Batch`.
    """
    batch = check_durability(durability)
    name = os.fspath(path)
    # Plain strings and os.path from here on: a save is a handful of system calls, and
    # pathlib's objects cost as much again in Python.
    target, status = _resolve(name)
    folder = os.path.dirname(target)
    mode = _writable_mode(target, folder, name, status, batch)
    # The temporary file's name is known before it is created: an interrupt that comes as
    # the file is being created (a worker stopped by Ctrl-C) still finds what to remove.
    named: list[str] = []
    try:
        try:
            handle = _create_temporary(target, folder, named)
        except OSError as exc:
            # The error would name the temporary file, which the user never asked for.
            raise _file_error(
                f"no file can be created in its folder {folder} ({exc.strerror or exc})",
                name,
                exc,
                folder,
            ) from exc
        temporary = named[-1]
        try:
            # os.write, not a buffered file: a short write (a full disk) must not be lost
            # in a buffer that reports the failure only at close.
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            if mode is not None:
                _chmod(handle, temporary, mode)
            if durability == "full":
                os.fsync(handle)
        finally:
            os.close(handle)
        if expected is not None:
            _replace_under_lock(temporary, target, expected)
        else:
            # The old file is held open across the rename (see _hold).
            replaced = _hold(target) if mode is not None else None
            try:
                os.replace(temporary, target)  # atomic, on POSIX and Windows alike
            finally:
                if replaced is not None:
                    _CLOSER.close(replaced)
    except BaseException:
        for each in named:
            with contextlib.suppress(OSError):
                os.unlink(each)
        raise
    if batch is not None:
        batch.add(target)
    elif durability == "full":
        _sync_folder(folder)


def _resolve(name: str) -> tuple[str, os.stat_result | None]:
    """The file a save replaces (a symbolic link is followed), and its ``lstat`` if known.

    ``realpath`` costs a lookup per folder of the path, on every save; only a link, or a
    ``..`` that could climb out of a linked folder, needs it.
    """
    if ".." not in name.replace("\\", "/").split("/"):
        try:
            status = os.lstat(name)
        except OSError:
            status = None
        if status is not None and not stat.S_ISLNK(status.st_mode):
            return os.path.abspath(name), status
    return os.path.realpath(name), None


def _chmod(handle: int, path: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(handle, mode)
    else:  # pragma: no cover - Windows
        os.chmod(path, mode)


def _hold(target: str) -> int | None:
    """Open the file about to be replaced, so that its last close is :data:`_CLOSER`'s.

    The old file's data is freed when the rename has removed its name and its last
    descriptor closes; on ext4 under load that took 0.1 to 1.7 ms a file, more than the
    rest of a save. Holding it open across the rename moves that work to the closer's
    thread, where it overlaps the next file's edit. None where that cannot work (on
    Windows an open file cannot be renamed over) or the file cannot be opened.
    """
    if sys.platform == "win32":  # pragma: no cover - not run on Windows in CI
        return None
    try:
        # O_NONBLOCK: _writable_mode found a regular file, but one could be swapped in
        # since; opening a FIFO must not hang.
        return os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None


class _Closer:
    """Closes the descriptors of replaced files in a background thread (see :func:`_hold`).

    The descriptors go over in groups: waking the thread and handing it the interpreter's
    lock for every file cost more than a tenth of a bulk save. A group goes when it is
    full, when a :class:`Batch` ends, or a moment after its first descriptor came (the
    thread is woken then, waits a little for more, and takes what is there), so none
    waits long. They hold no lock (it is released right after the rename), only disk
    space until they are closed.
    """

    _GROUP: Final = 32
    """Descriptors go to the thread this many at a time."""

    _GATHER: Final = 0.02
    """Seconds the thread waits for a group to fill once its first descriptor came."""

    _BACKLOG: Final = 8
    """At most this many groups wait: a closer that falls behind slows the saves down
    instead of running the process out of descriptors."""

    def __init__(self) -> None:
        self._queue: queue.Queue[list[int]] | None = None
        self._lock = threading.Lock()
        self._pending: list[int] = []

    def close(self, handle: int) -> None:
        """Close *handle* soon, in the closer's thread."""
        with self._lock:
            self._pending.append(handle)
            count = len(self._pending)
            full = count >= self._GROUP
            if full:
                group, self._pending = self._pending, []
        if full:
            self._send(group)
        elif count == 1:
            self._send([])  # wakes the thread, which takes what was gathered soon

    def flush(self) -> None:
        """Send the group being gathered to the thread now (a batch has ended)."""
        group = self._take()
        if group:
            self._send(group)

    def _take(self) -> list[int]:
        with self._lock:
            group, self._pending = self._pending, []
        return group

    def _send(self, group: list[int]) -> None:
        waiting = self._queue or self._start()
        waiting.put(group)

    def _start(self) -> queue.Queue[list[int]]:
        with self._lock:
            if self._queue is None:
                waiting: queue.Queue[list[int]] = queue.Queue(self._BACKLOG)
                # A daemon: at exit, the process's end closes what is left.
                threading.Thread(
                    target=self._run, args=(waiting,), name="newsrecord-closer", daemon=True
                ).start()
                self._queue = waiting
            return self._queue

    def _run(self, waiting: queue.Queue[list[int]]) -> None:
        while True:
            group = waiting.get()
            if not group:
                # A group was started: let it fill a little (a full group, or the end of
                # a batch, cuts the wait short), then close what is there too.
                with contextlib.suppress(queue.Empty):
                    group = waiting.get(timeout=self._GATHER)
                group = group + self._take()
            _close_all(group)

    def drain(self) -> None:
        """Close what waits, now (before a fork: a child must not inherit old files).

        A child holding a copy of a replaced file's descriptor would keep its disk space
        taken until the child exits.
        """
        _close_all(self._take())
        waiting = self._queue
        while waiting is not None:
            try:
                group = waiting.get_nowait()
            except queue.Empty:
                return
            _close_all(group)

    def forget(self) -> None:
        """After a fork: the thread did not come along; start another when needed."""
        self._queue = None
        self._lock = threading.Lock()
        self._pending = []


def _close_all(handles: list[int]) -> None:
    for handle in handles:
        with contextlib.suppress(OSError):
            os.close(handle)


_CLOSER: Final = _Closer()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_CLOSER.drain, after_in_child=_CLOSER.forget)


def open_regular(path: StrPath) -> BinaryIO:
    """Open the file at *path* for reading in binary mode, if it is a regular file.

    A FIFO would block ``open()`` until a writer came (forever, in a batch job) and a
    device can be endless, so the file is opened without blocking and refused unless
    ``fstat`` of what was opened says it is a regular file: no race with a swap between
    a check and the open.

    Raises:
        FileError: the path is a folder, FIFO, device or socket (also an ``OSError``).
        OSError: the file cannot be opened (missing: ``FileNotFoundError``, which says
            ``a link to nothing (TARGET)`` for a symbolic link whose target is not there;
            no permission: ``PermissionError``).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        dangling = link_to_nothing(os.fspath(path))
        if dangling is None:
            raise
        raise dangling from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        raise FileError(
            f"cannot read the record: it is {_kind_of(mode)}, not a regular file",
            path=os.fspath(path),
            errno=_errno_of(mode),
        )
    if hasattr(os, "set_blocking"):
        os.set_blocking(handle, True)
    return os.fdopen(handle, "rb")


def link_to_nothing(path: str) -> FileNotFoundError | None:
    """The error of *path* if it is a symbolic link to nothing (a target not there).

    Its message names the target, as the link holds it: ``a link to nothing
    (../drafts/x.md)``, where the system would say ``No such file or directory`` of a
    path that is plainly there. None when *path* is not such a link.
    """
    try:
        target = os.readlink(path)
    except (OSError, ValueError):
        return None  # not a link (EINVAL), or gone
    try:
        os.stat(path)
    except FileNotFoundError:
        return FileNotFoundError(errno.ENOENT, f"a link to nothing ({target})", path)
    except OSError:
        return None  # a link that loops (ELOOP): the system's error says it
    return None


def write_whole(stream: BinaryIO, data: bytes | bytearray | memoryview) -> None:
    """Write all of *data* to a binary stream, which may take less than it is given.

    A buffered writer given more than its buffer passes it on and returns what the file
    took: into a pipe whose reader went away, what fitted (64 KiB), not an error. Written
    again, the rest finds the pipe closed and raises :class:`BrokenPipeError`, where
    ``export -o - | head -1`` said it had exported every record.
    """
    view = memoryview(data).cast("B")
    while view:
        written = stream.write(view)
        # None: a non-blocking stream that would block; it is tried again.
        view = view[written or 0 :]


def _sync_folder(folder: StrPath) -> None:
    with contextlib.suppress(OSError):
        # Make the rename itself durable; not every platform can open a directory.
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _writable_mode(
    target: str, folder: str, name: str, status: os.stat_result | None, batch: Batch | None
) -> int | None:
    """Return the permission bits of the file at *target* (None when there is none yet).

    *folder* is the folder of *target*, *name* the path the caller gave, and *status*
    the file's ``lstat`` when the caller has it (not a link). A *batch* remembers the
    folders found writable, so that a bulk edit looks at each once.

    Raises:
        FileError: the target is not a regular file, or is read-only (a
            :class:`ReadOnlyError`, as is a read-only folder). Saving over either would
            put a regular file in its place (the rename does not need the file's own
            permission); a read-only file says its owner wants it kept as it is.
    """
    # Read-only means "no write permission for us, or no write bit at all": the second
    # holds for root too, who may write anything but should not replace a file its owner
    # marked read-only (as editors refuse without a forced write).
    if batch is None or folder not in batch.writable_folders:
        try:
            folder_status = os.stat(folder)
        except OSError as exc:
            raise _file_error(str(exc.strerror or exc), name, exc, folder) from exc
        if not folder_status.st_mode & 0o222:
            raise ReadOnlyError(
                f"cannot save the record: {read_only_folder(folder)}",
                path=name,
                errno=errno.EACCES,
                folder=folder,
            )
        if batch is not None:
            batch.writable_folders.add(folder)
    if status is None:
        try:
            status = os.stat(target)  # never open(): opening a FIFO blocks until a writer comes
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _file_error(str(exc.strerror or exc), name, exc) from exc
    if not stat.S_ISREG(status.st_mode):
        raise FileError(
            f"cannot save the record: it is {_kind_of(status.st_mode)}, not a regular file",
            path=name,
            errno=_errno_of(status.st_mode),
        )
    if not status.st_mode & 0o222 or not _may_write(target, status):
        raise ReadOnlyError(
            "cannot save the record: the file is read-only (make it writable, for "
            "example with 'chmod u+w', to save it)",
            path=name,
            errno=errno.EACCES,
        )
    return status.st_mode & 0o7777


def _may_write(target: str, status: os.stat_result) -> bool:
    """Whether we may write the file: its owner's bit for our own files, else ask."""
    if hasattr(os, "geteuid") and status.st_uid == os.geteuid() != 0:
        return bool(status.st_mode & stat.S_IWUSR)
    # Root, a group's or another user's file (access control lists, too): the system knows.
    return os.access(target, os.W_OK)


def read_only_folder(folder: str) -> str:
    """What is wrong when *folder* has no write bit, and how to fix it."""
    return (
        f"its folder {folder} is read-only (make it writable, for example with "
        f"'chmod u+w {shlex.quote(folder)}', to save it)"
    )


_REFUSED: Final = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
"""What the system says when it will not let us write: a :class:`ReadOnlyError`."""


def _file_error(message: str, name: str, cause: OSError, folder: str | None = None) -> FileError:
    """The error of a save that *cause* stopped: read-only (*folder*'s fault) or not."""
    text = f"cannot save the record: {message}"
    # Callers that test the errno of an OSError, or catch PermissionError, keep working.
    if cause.errno in _REFUSED:
        return ReadOnlyError(text, path=name, errno=cause.errno, folder=folder)
    return FileError(text, path=name, errno=cause.errno)


def _errno_of(mode: int) -> int | None:
    """The errno of a file that is not a regular one: a folder's; none fits the others."""
    return errno.EISDIR if stat.S_ISDIR(mode) else None


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
_BATCH: Final[contextvars.ContextVar[Batch | None]] = contextvars.ContextVar(
    "newsrecord_batch", default=None
)


def check_durability(durability: str) -> Batch | None:
    """Return the batch a save with *durability* goes to, or raise ValueError."""
    if durability not in ("full", "batch", "none"):
        raise ValueError(f"durability must be 'full', 'batch' or 'none', not {durability!r}")
    if durability != "batch":
        return None
    batch = _BATCH.get()
    if batch is None:
        raise ValueError("durability='batch' needs an open newsrecord.Batch()")
    return batch


_SYNC_ALL_FROM: Final = 16
"""From this many files on, a batch ends with one ``syncfs()`` per file system (on Linux)
rather than an ``fsync`` per file and folder."""


def _syncfs() -> Callable[[int], int] | None:
    """The C library's ``syncfs(fd)``, or None where there is none (it is Linux's)."""
    import ctypes  # noqa: PLC0415  # only batches of many files need it

    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int

    def call(handle: int) -> int:
        return 0 if function(handle) == 0 else ctypes.get_errno() or errno.EIO

    return call


def sync_file_systems(folders: Iterable[StrPath]) -> None:
    """Write out every file system that holds one of *folders*, each once, and wait.

    ``syncfs()`` flushes only the file system of the files saved, not every disk of the
    machine as ``sync()`` does, and (since Linux 5.8) reports a failed write-back, which
    ``sync()`` cannot. Where the C library has no ``syncfs``, ``os.sync()`` does it.

    Raises:
        OSError: a folder could not be opened, or its file system reported a failed
            write-back (the first such error, after trying all).
    """
    syncfs = _syncfs()
    if syncfs is None:
        os.sync()
        return
    done: set[int] = set()
    failure: OSError | None = None
    for folder in folders:
        try:
            handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except FileNotFoundError:
            continue  # removed since: nothing of ours to sync there
        except OSError as error:
            failure = failure or error
            continue
        try:
            device = os.fstat(handle).st_dev
            if device not in done:
                done.add(device)
                number = syncfs(handle)
                if number:
                    failure = failure or OSError(number, os.strerror(number), os.fspath(folder))
        finally:
            os.close(handle)
    if failure is not None:
        raise failure


class Batch:
    """Saves made with ``durability="batch"`` inside the block are synced once, at its end.

    Syncing each file as it is saved costs two disk flushes per file, often more than
    the edit itself. Inside ``with Batch():`` such saves only write and rename; when
    the block ends (normally or by an exception) every file written is synced, then every
    folder holding one, each once; on Linux, from 16 files on, one ``syncfs()`` call per
    file system does it for all (it writes out that file system, and waits until that is
    done). After
    the block, everything saved in it is as durable as with ``durability="full"``; a
    crash *during* the block can lose any of its saves (each file is then its old or its
    new version, or, on file systems that do not order data before renames, empty).

    Example::

        with newsrecord.Batch():
            for path in paths:
                with newsrecord.edit(path, durability="batch") as doc:
                    doc.record.heat = 0

    Batches nest (a save goes to the innermost); a batch belongs to the thread or task
    that opened it.
    """

    def __init__(self) -> None:
        """Make an empty batch; enter it with ``with``."""
        self._files: list[str] = []
        # Folders a save found writable: a bulk edit checks each once.
        self.writable_folders: set[str] = set()
        self._token: contextvars.Token[Batch | None] | None = None

    @property
    def files(self) -> list[Path]:
        """The files written so far and not yet synced."""
        return [Path(name) for name in self._files]

    def add(self, path: StrPath) -> None:
        """Sync *path* (and its folder) when the batch ends."""
        self._files.append(os.fspath(path))

    def sync(self) -> None:
        """Sync every file added so far and their folders, then forget them.

        Raises:
            OSError: a file could not be synced (the first such error, after trying all).
        """
        # The replaced files' descriptors gathered for the closer go now, not at some
        # later batch: their disk space is freed when they are closed.
        _CLOSER.flush()
        files = list(dict.fromkeys(self._files))  # a file saved twice is synced once
        self._files = []
        if len(files) >= _SYNC_ALL_FROM and sys.platform == "linux":
            # One syncfs() per file system writes out every file and folder and returns
            # when that is done; an fsync per file would cost a journal commit each.
            sync_file_systems(dict.fromkeys(os.path.dirname(name) for name in files))
            return
        failure: OSError | None = None
        folders: dict[str, None] = {}
        for name in files:
            folders.setdefault(os.path.dirname(name))
            try:
                handle = os.open(name, os.O_RDONLY)
            except FileNotFoundError:
                continue  # replaced or removed since: whoever did that syncs it
            except OSError as error:
                failure = failure or error
                continue
            try:
                os.fsync(handle)
            except OSError as error:
                failure = failure or error
            finally:
                os.close(handle)
        for folder in folders:
            _sync_folder(folder)
        if failure is not None:
            raise failure

    def __enter__(self) -> Batch:
        """Make this the batch that ``durability="batch"`` saves go to."""
        self._token = _BATCH.set(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc_info: object) -> None:
        """Sync what was written, and stop collecting.

        When the block raised, what it wrote is still synced, but a failure to sync does
        not hide the block's own exception.
        """
        if self._token is not None:
            _BATCH.reset(self._token)
            self._token = None
        if kind is None:
            self.sync()
            return
        with contextlib.suppress(OSError):
            self.sync()


class _Names:
    """Random parts of temporary names: a random prefix per process, then a counter.

    Not a fresh random token per file, which costs a system call each. ``O_EXCL`` makes
    the name safe to guess (creating it never follows or reuses what is there), and a
    name that is taken is simply passed over. The prefix is drawn for the first name:
    most commands write nothing, and ``secrets`` loads OpenSSL's hashes (for ``hmac``),
    which would be a few milliseconds of their start-up.
    """

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Start over (in a forked child, whose parent goes on with the same numbers)."""
        self._prefix = ""
        self._count = itertools.count()

    def next(self) -> str:
        """Twelve hex digits, different from the last 16 million of this process."""
        if not self._prefix:
            import secrets  # noqa: PLC0415  # see the class docstring

            self._count = itertools.count(secrets.randbelow(1 << 24))
            self._prefix = secrets.token_hex(3)
        return f"{self._prefix}{next(self._count) & 0xFFFFFF:06x}"


_NAMES: Final = _Names()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_NAMES.forget)


def _create_temporary(target: str, folder: str, named: list[str]) -> int:
    """Create a temporary file next to *target*; its name goes to *named* before it exists."""
    # Not tempfile.mkstemp: it creates files readable by their owner only, and a new
    # record file should get the permissions every other new file gets.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    prefix = os.path.join(folder, f".{os.path.basename(target)}{TEMPORARY_INFIX}")
    for _ in range(100):
        named.append(f"{prefix}{_NAMES.next()}.tmp")
        try:
            return os.open(named[-1], flags, 0o666)
        except FileExistsError:
            named.pop()  # someone else's: never removed
            continue
    raise FileExistsError(f"could not create a temporary file next to {target}")


def replace_if_unchanged(
    target: StrPath, data: bytes, expected: bytes, durability: Durability = "full"
) -> None:
    """Write *data* over *target* atomically, unless *target* no longer holds *expected*.

    The check and the rename happen under an exclusive ``flock`` on the file, after the
    slow writing and syncing, so that the window in which a writer that does not take the
    lock could slip in stays small. Every cooperating writer replaces the file under the
    lock of the file it replaces, so two of them never both succeed on one version.

    Raises:
        ConflictError: the file changed or was removed; nothing was written.
        FileError, OSError: as :func:`write_atomically`.
    """
    write_atomically(target, data, expected=expected, durability=durability)


def _replace_under_lock(temporary: str, target: str, expected: bytes) -> None:
    """Rename *temporary* over *target* if it holds *expected*, under *target*'s lock.

    The lock is taken on the file's inode. A rename by the previous holder puts a new inode
    at the path, so after getting the lock we check that ours is still the one at the path
    and otherwise lock the new one: every replace happens under the lock of the file it
    replaces, which serializes all cooperating writers. Once the file is replaced, its
    lock is released and its descriptor goes to :data:`_CLOSER` (see :func:`_hold`);
    writers waiting on the lock find a new inode and try again.

    Raises:
        ConflictError: the file changed or was removed; nothing was renamed.
    """
    # Not blocking: a FIFO put at the path since it was checked (slow writes and syncs
    # ago) would block open() until a writer came, forever in a batch job.
    flags = (
        os.O_RDONLY
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_NONBLOCK", 0)
    )
    while True:
        try:
            handle = os.open(target, flags)
        except FileNotFoundError:
            raise _conflict(target, "was removed", errno.ENOENT) from None
        replaced = False
        try:
            mode = os.fstat(handle).st_mode
            if not stat.S_ISREG(mode):
                raise _conflict(target, f"was replaced by {_kind_of(mode)}", _errno_of(mode))
            if sys.platform != "win32":
                fcntl.flock(handle, fcntl.LOCK_EX)
            held = os.fstat(handle)
            try:
                now = os.stat(target)
            except FileNotFoundError:
                continue
            if (held.st_dev, held.st_ino) != (now.st_dev, now.st_ino):
                continue
            if _read_all(handle, held.st_size) != expected:
                raise _conflict(target, "changed")
            os.replace(temporary, target)
            replaced = True
            if sys.platform != "win32":
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            if replaced and sys.platform != "win32":
                _CLOSER.close(handle)
            else:
                os.close(handle)
        return


def _conflict(target: str, what: str, number: int | None = None) -> ConflictError:
    return ConflictError(
        f"the file {what} on disk after it was loaded; nothing was written "
        "(load it again and redo the edit)",
        path=target,
        errno=number,
    )


def _read_all(handle: int, size: int) -> bytes:
    """The rest of the file at *handle*, of about *size* bytes (it may have grown)."""
    chunks = [os.read(handle, size + 1)]
    while len(chunks[-1]) > (size if len(chunks) == 1 else 0):
        chunks.append(os.read(handle, 1 << 16))
    return b"".join(chunks)


# --- walking trees--------------------------------------------------------------------------

SKIPPED_NAMES: Final = frozenset({"readme.md", "_site", "node_modules", "vendor"})
"""Names (lowercase) a walk passes over: a folder's README, which documents it, and the
folders of a site that hold no records of its own: Jekyll's output (``_site``, copies of
the records as built) and the packages of its build (``vendor`` for Ruby's gems,
``node_modules``), which Jekyll leaves out of a site too. A path given by name is walked
whatever its name."""


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
    being a record; names starting with ``.`` (``.git``, editor files) and the folders a
    site builds into or installs into (``_site``, ``vendor``, ``node_modules``:
    :data:`SKIPPED_NAMES`) are skipped, and so is what the Jekyll site around a folder
    leaves out (the ``exclude:`` of the nearest ``_config.yml`` at or above it, matched as
    Jekyll matches it; a folder or file given by name is walked all the same). Symbolic
    links to folders are not followed, so a
    link cannot make the walk loop, and a file found twice (by its name and through a
    link, or by two hard links: the same device and inode) comes once, where it is first
    found, so that an edit is not made twice. A link whose name matches but that cannot
    be followed is not passed over in silence: a link to nothing (its target is not
    there) gives a :class:`FileNotFoundError` whose message is ``a link to nothing
    (TARGET)``, and a link that loops the system's ``OSError`` (``ELOOP``); either goes
    to *onerror*, with the link as its ``filename``, or is raised.
    Entries come in name order, so runs are reproducible. Only one folder listing per
    level of depth is held in memory, never the whole tree.

    Args:
        paths: A file or folder, or several.
        pattern: A shell-style pattern matched against file names in folders.
        onerror: Called with the :class:`OSError` of a folder that cannot be listed, or of
            a link to a record file that cannot be followed (see above); the walk then
            goes on. Without it the error is raised.

    Yields:
        The paths of the files, each starting with the path it was found under.

    Raises:
        OSError: a folder cannot be listed, or a link cannot be followed (a link to
            nothing: :class:`FileNotFoundError`), and no *onerror* was given.
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
    given: object = paths  # bytes are outside the type, but users pass them
    if isinstance(given, bytes):  # one path in the file system's bytes, not its numbers
        yield Path(os.fsdecode(given))
    elif isinstance(paths, str | os.PathLike):
        yield Path(paths)
    else:
        for path in paths:
            yield Path(path)


def walk(roots: Iterable[Path], pattern: str) -> Iterator[tuple[Path, OSError | None]]:
    """Yield ``(path, None)`` per record file under *roots*, or ``(path, error)``."""
    for path, _, error in walk_entries(roots, pattern):
        yield Path(path), error


def walk_entries(
    roots: Iterable[StrPath], pattern: str
) -> Iterator[tuple[str, os.DirEntry[str] | None, OSError | None]]:
    """Yield ``(path, folder entry, None)`` per record file under *roots*, or errors.

    The entry is None for a root that is a file itself (given, not found); its ``stat()``
    comes from the folder listing, without another lookup. On ``str`` paths, because a
    walk of a large site is mostly this loop.
    """
    # The pattern compiled once, as fnmatch.fnmatchcase() compiles it (which would look
    # up its cache of patterns for every file).
    matches = re.compile(fnmatch.translate(pattern)).match
    roots = list(roots)
    # Roots that overlap (a folder and a file in it, "x" and "./x", a shell's `_news
    # _news/*.md`) would give a file twice, and an edit would be made twice: with more
    # than one root, each file is yielded once, where it is first found.
    seen: set[str] | None = set() if len(roots) > 1 else None
    # So would a file reached both by its name and through a link (to it, or to a folder
    # holding it), or by two hard links: each file comes once, by device and inode. The
    # inode of an entry comes with the listing, and its device is its folder's (a stat a
    # folder); only a link is looked at on its own.
    files: set[tuple[int, int]] = set()
    for root in roots:
        top = os.fspath(root)
        if not Path(top).is_dir():
            if _first_find(top, files, seen):
                yield top, None, None
            continue
        excluded = jekyll_exclusions(top)
        # A stack of iterators over sorted listings, rather than recursion: no depth limit,
        # and nothing but the listings of the folders on the current branch is held.
        stack: list[tuple[Iterator[os.DirEntry[str]], int]] = []
        try:
            stack.append((_listing(top), os.stat(top).st_dev))
        except OSError as error:
            yield top, None, error
        while stack:
            listing, device = stack[-1]
            for entry in listing:
                name = entry.name
                if name[:1] == ".":
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if name.lower() in SKIPPED_NAMES:
                            continue
                        if excluded is not None and excluded(entry.path, True):
                            continue
                        stack.append((_listing(entry.path), os.stat(entry.path).st_dev))
                        break  # into the folder; its parent's listing goes on after it
                    # The name first: it rules out most other files without a look at them.
                    if not matches(name) or name.lower() in SKIPPED_NAMES:
                        continue
                    if not entry.is_file():
                        if (dangling := _dangling(entry, excluded)) is not None:
                            yield entry.path, None, dangling
                        continue
                    if excluded is not None and excluded(entry.path, False):
                        continue
                    key = _file_key(entry.path) if entry.is_symlink() else (device, entry.inode())
                    if key is None or key in files:
                        continue  # found already (or a link gone since it was listed)
                    files.add(key)
                except OSError as error:
                    yield entry.path, None, error
                    continue
                if seen is None or _first_time(entry.path, seen):
                    yield entry.path, entry, None
            else:
                stack.pop()


def _first_find(top: str, files: set[tuple[int, int]], seen: set[str] | None) -> bool:
    """Whether the root *top*, a file, is found for the first time (by inode and path)."""
    key = _file_key(top)
    if key in files:
        return False
    if key is not None:
        files.add(key)
    return seen is None or _first_time(top, seen)


def _dangling(
    entry: os.DirEntry[str], excluded: Callable[[str, bool], bool] | None
) -> FileNotFoundError | None:
    """The error of *entry*, not a file, if it is a link to nothing the walk keeps.

    A link to something else (a folder, a FIFO) is passed over, as that thing would be;
    a link to nothing is a record file gone (moved, or a link made in the wrong place).
    """
    if not entry.is_symlink() or (excluded is not None and excluded(entry.path, False)):
        return None
    return link_to_nothing(entry.path)


def jekyll_exclusions(top: str) -> Callable[[str, bool], bool] | None:
    """What the Jekyll site around the folder *top* leaves out (its ``exclude:``).

    The test takes the path of a file or folder found under *top* and whether it is a
    folder. None when the site excludes nothing, and for a folder given by name that
    the site excludes: the user asked for it.
    """
    site = site_root_of(Path(top).resolve())
    excluded = exclusions(site) if site is not None else None
    base = relative_to(site, top) if site is not None else None
    if excluded is None or base is None or (base and excluded(base, True)):
        return None
    prefix = base + "/" if base else ""
    cut = len(top) if top.endswith(os.sep) else len(top) + 1

    def test(path: str, is_folder: bool) -> bool:
        return excluded(prefix + path[cut:].replace(os.sep, "/"), is_folder)

    return test


def _file_key(path: str) -> tuple[int, int] | None:
    """The device and inode of the file at *path* (a link followed); None if not there."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _first_time(path: str, seen: set[str]) -> bool:
    """Whether *path* is not in *seen* (by its normalized absolute form); add it."""
    key = os.path.normpath(os.path.abspath(path))
    if key in seen:
        return False
    seen.add(key)
    return True


def first_occurrences(paths: list[str]) -> list[int] | None:
    """The numbers of the paths that name a file no earlier path names; None if all do."""
    seen: set[str] = set()
    kept = [number for number, path in enumerate(paths) if _first_time(path, seen)]
    return None if len(kept) == len(paths) else kept


def once_each(paths: list[str], inodes: Sequence[int], *, overlapping: bool) -> list[int] | None:
    """The numbers of the paths to keep so that each file comes once; None if all are.

    As :func:`walk_entries` keeps them: a file found twice (by its name and through a
    link, or by two hard links; *inodes*: each path's, links followed, 0 where unknown)
    where it is first found, and with *overlapping* roots, the first path to name it.
    Paths that share an inode are compared whole (device and inode), since files on
    two file systems may share the number.
    """
    kept = first_occurrences(paths) if overlapping else None
    numbers = range(len(paths)) if kept is None else kept
    if len(set(inodes)) == len(inodes):
        return kept  # no inode twice: no file found twice
    counts = collections.Counter(inodes)
    firsts: dict[int, list[int]] = {}
    chosen = []
    for number in numbers:
        inode = inodes[number]
        if inode and counts[inode] > 1:
            earlier = firsts.setdefault(inode, [])
            if any(same_file(paths[other], paths[number]) for other in earlier):
                continue
            earlier.append(number)
        chosen.append(number)
    return chosen if len(chosen) < len(numbers) else kept


def same_file(one: str, other: str) -> bool:
    """Whether two paths name one file: the same absolute path, or one inode (a link)."""
    if os.path.abspath(one) == os.path.abspath(other):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def scan_folder(top: str, pattern: str) -> tuple[list[str], bytes, list[tuple[int, int]]] | None:
    """The record files under the folder *top*, with their stats, from the native package.

    The files of :func:`walk_entries` in its order, their stats packed (``<qqqQ``: size,
    modification and change times in nanoseconds, inode) and ``(number, errno)`` of each
    place that could not be looked at (see ``newsrecord_native.scan_folder``). None
    without the native package, or when *pattern* is not ``*`` followed by a plain suffix
    (``*.md``): other patterns are matched in Python.
    """
    if native.scan_folder is None or pattern[:1] != "*" or any(c in "*?[" for c in pattern[1:]):
        return None
    return native.scan_folder(top, pattern[1:], sorted(SKIPPED_NAMES))


_NAME: Final = operator.attrgetter("name")


def _listing(folder: str) -> Iterator[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        listed = sorted(entries, key=_NAME)
    return iter(listed)
