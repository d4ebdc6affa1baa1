"""Saves are atomic: a failure at any step leaves the original file intact, and no litter.

``Document.save`` writes a temporary file in the same folder, fsyncs it, keeps the old
file's mode and renames it over the file with ``os.replace``. Each test breaks one step
(the write, a short write on a full disk, fsync, chmod, close, the rename, an interrupt)
by monkeypatching ``os`` and checks the original bytes and the folder listing.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import newsrecord
from newsrecord.files import write_atomically

ORIGINAL = (
    "---\r\n"
    "category: news\r\n"
    'title: "Before"\r\n'
    "heat: 38\r\n"
    'secured: "AAAAAAAAAAAAAAAAAAAAAA==;BBBBBBBBBBBBBBBBBBBBBB=="\r\n'
    "---\r\n"
    "Body.\r\n"
)


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "records" / "article.md"
    path.parent.mkdir()
    path.write_bytes(ORIGINAL.encode())
    path.chmod(0o640)
    return path


@pytest.fixture
def edited(record: Path) -> newsrecord.Document:
    doc = newsrecord.load(record)
    doc.record.title = "After"
    doc.record.heat = 41
    return doc


def _assert_untouched(path: Path) -> None:
    assert path.read_bytes() == ORIGINAL.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def _failing(error: BaseException, real: Callable[..., Any], *, after: int = 0) -> Any:
    calls = 0

    def fake(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > after:
            raise error
        return real(*args, **kwargs)

    return fake


def _full_disk() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# --- what a good save does --------------------------------------------------------------


def test_save_replaces_the_file_and_keeps_its_mode(
    record: Path, edited: newsrecord.Document
) -> None:
    with record.open("rb") as before:
        edited.save()
        # The old file was replaced, not rewritten in place: a reader holding it open
        # still sees every byte of the old text.
        assert before.read() == ORIGINAL.encode()
    text = record.read_bytes().decode()
    assert 'title: "After"\r\n' in text
    assert "heat: 41\r\n" in text
    assert stat.S_IMODE(record.stat().st_mode) == 0o640
    assert sorted(p.name for p in record.parent.iterdir()) == [record.name]
    assert newsrecord.load(record).record.heat == 41


def test_steps_run_in_order_in_the_same_folder(
    record: Path, edited: newsrecord.Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[tuple[str, Any]] = []
    real_write, real_fsync, real_replace = os.write, os.fsync, os.replace

    def write(fd: int, data: Any) -> int:
        steps.append(("write", fd))
        return real_write(fd, data)

    def fsync(fd: int) -> None:
        steps.append(("fsync", fd))
        real_fsync(fd)

    def replace(source: Any, target: Any) -> None:
        steps.append(("replace", (Path(source), Path(target))))
        real_replace(source, target)

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    edited.save()
    names = [name for name, _ in steps]
    assert names[:3] == ["write", "fsync", "replace"]
    assert steps[0][1] == steps[1][1]  # the temporary file's own descriptor is synced
    source, target = steps[2][1]
    assert source.parent == target.parent == record.parent
    assert source.name.startswith(f".{record.name}.")
    assert source.name.endswith(".tmp")
    # Then the folder, so that the rename itself survives a crash.
    assert names[3:] == ["fsync"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    doc = newsrecord.loads(ORIGINAL)
    old = os.umask(0o022)
    try:
        doc.save(tmp_path / "new.md")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_a_symbolic_link_stays_a_link(record: Path, edited: newsrecord.Document) -> None:
    link = record.parent.parent / "link.md"
    link.symlink_to(record)
    doc = newsrecord.load(link)
    doc.record.heat = 7
    doc.save()
    assert link.is_symlink()
    assert newsrecord.load(record).record.heat == 7


def test_saving_elsewhere_leaves_the_original_alone(
    record: Path, edited: newsrecord.Document
) -> None:
    edited.save(record.parent.parent / "copy.md")
    _assert_untouched(record)
    assert edited.path == str(record.parent.parent / "copy.md")


# --- a failure at each step -------------------------------------------------------------

STEPS = {
    "create": ("open", OSError(errno.EACCES, "Permission denied"), 0),
    "write": ("write", _full_disk(), 0),
    "short write, then a full disk": ("write", _full_disk(), 1),
    "fsync": ("fsync", OSError(errno.EIO, "Input/output error"), 0),
    "close": ("close", _full_disk(), 0),
    "chmod": ("fchmod", OSError(errno.EPERM, "Operation not permitted"), 0),
    "replace": ("replace", OSError(errno.EXDEV, "Invalid cross-device link"), 0),
    "interrupt during the write": ("write", KeyboardInterrupt(), 0),
    "interrupt before the rename": ("replace", KeyboardInterrupt(), 0),
}


@pytest.fixture
def short_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make os.write write at most ten bytes a call, as a nearly full disk does."""
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:10])))


@pytest.mark.parametrize("step", STEPS, ids=list(STEPS))
def test_a_failed_step_leaves_the_file_intact(
    step: str,
    record: Path,
    edited: newsrecord.Document,
    monkeypatch: pytest.MonkeyPatch,
    short_writes: None,
) -> None:
    name, error, after = STEPS[step]
    real = getattr(os, name)
    if name == "close":
        # Closing fails after the descriptor is closed, as NFS reports a full disk.
        def close(fd: int) -> None:
            real(fd)
            raise error

        monkeypatch.setattr(os, "close", close)
    elif name == "open":
        monkeypatch.setattr(os, "open", _failing_when_creating(real, error))
    else:
        monkeypatch.setattr(os, name, _failing(error, real, after=after))
    # A file that cannot be created is reported as the record's, not the temporary's.
    expected = newsrecord.FileError if step == "create" else type(error)
    with pytest.raises(expected) as caught:
        edited.save()
    if step == "create":
        assert str(caught.value).startswith(f"{record}: cannot save the record: no file can")
    if isinstance(error, OSError):
        assert caught.value.errno == error.errno
    monkeypatch.undo()
    _assert_untouched(record)
    # The document still holds the edit, and saving again once the fault is gone works.
    assert edited.record.heat == 41
    edited.save()
    assert newsrecord.load(record).record.heat == 41
    assert sorted(p.name for p in record.parent.iterdir()) == [record.name]


def _failing_when_creating(real_open: Callable[..., int], error: OSError) -> Any:
    def fake(path: Any, flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:
            raise error
        return real_open(path, flags, mode)

    return fake


def test_a_failure_to_sync_the_folder_after_the_rename_is_harmless(
    record: Path, edited: newsrecord.Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second fsync is the folder's: the new file is in place by then.
    monkeypatch.setattr(os, "fsync", _failing(OSError(errno.EINVAL, "no"), os.fsync, after=1))
    edited.save()
    assert newsrecord.load(record).record.heat == 41
    assert sorted(p.name for p in record.parent.iterdir()) == [record.name]


def test_replacing_a_folder_fails_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "inside").write_text("x")
    with pytest.raises(OSError):  # noqa: PT011  # IsADirectoryError or ENOTEMPTY by platform
        write_atomically(folder, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert (folder / "inside").read_text() == "x"


def test_an_invalid_record_is_not_saved(record: Path, edited: newsrecord.Document) -> None:
    edited.record.title = "After"
    object.__setattr__(edited.record, "heat", "hot")  # past the assignment check
    with pytest.raises(newsrecord.ValidationError):
        edited.save()
    _assert_untouched(record)


def test_saving_with_raised_limits_keeps_them(tmp_path: Path) -> None:
    # Deeper than the default limit: the saved text is read back with the raised one.
    text = "---\ntitle: a\nx: " + "[" * 70 + "]" * 70 + "\n---\n"
    path = tmp_path / "deep.md"
    path.write_text(text)
    with pytest.raises(newsrecord.LimitError):
        newsrecord.load(path)
    limits = newsrecord.Limits(max_depth=100)
    doc = newsrecord.load(path, limits=limits)
    doc.record.heat = 1
    doc.save()
    assert doc.text == path.read_text()
    assert newsrecord.load(path, limits=limits).record.heat == 1


# --- newsrecord.edit() saves the same way -------------------------------------------------

EDIT_STEPS = {
    "create": ("open", OSError(errno.ENOSPC, "No space left on device")),
    "fsync": ("fsync", OSError(errno.EIO, "Input/output error")),
    "chmod": ("fchmod", OSError(errno.EPERM, "Operation not permitted")),
    "replace": ("replace", OSError(errno.EXDEV, "Invalid cross-device link")),
    "interrupt before the rename": ("replace", KeyboardInterrupt()),
}


@pytest.mark.parametrize("step", EDIT_STEPS, ids=list(EDIT_STEPS))
def test_a_failed_step_of_edit_leaves_the_file_intact(
    step: str, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, error = EDIT_STEPS[step]
    real = getattr(os, name)
    if name == "open":
        monkeypatch.setattr(os, "open", _failing_when_creating(real, error))
    else:
        monkeypatch.setattr(os, name, _failing(error, real))
    with pytest.raises(type(error)), newsrecord.edit(record) as doc:
        doc.record.heat = 41
    monkeypatch.undo()
    _assert_untouched(record)
    with newsrecord.edit(record) as doc:
        doc.record.heat = 41
    assert newsrecord.load(record).record.heat == 41
    assert sorted(p.name for p in record.parent.iterdir()) == [record.name]


def test_a_bulk_fmt_that_fails_half_way_leaves_each_file_old_or_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from newsrecord.cli import main

    seed = (Path(__file__).parent.parent / "seeds" / "000_9841d82d5199b387.txt").read_bytes()
    # A single-quoted title is not the house style: fmt rewrites every file.
    messy = seed.replace(b'title: "', b"title: '", 1).replace(
        b'film industries"\n', b"film industries'\n", 1
    )
    expected = newsrecord.dumps(newsrecord.loads(messy).record, body="\n").encode("utf-8")
    assert expected == seed
    paths = [tmp_path / f"record-{number}.md" for number in range(6)]
    for path in paths:
        path.write_bytes(messy)

    real_replace = os.replace
    calls = 0

    def replace_failing_once(source: Any, target: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_failing_once)
    result = CliRunner().invoke(main, ["fmt", "--jobs", "1", str(tmp_path)])
    assert result.exit_code != 0
    contents = [path.read_bytes() for path in paths]
    assert contents.count(expected) == 5
    assert contents.count(messy) == 1
    assert sorted(tmp_path.iterdir()) == sorted(paths)  # no temporary file left behind


def _pickled(error: BaseException) -> Any:
    import pickle

    return pickle.loads(pickle.dumps(error))  # noqa: S301  # our own bytes


def test_a_read_only_file_is_a_permission_error_with_its_errno_and_name(
    record: Path, edited: newsrecord.Document
) -> None:
    record.chmod(0o444)
    with pytest.raises(PermissionError) as caught:
        edited.save()
    error = caught.value
    assert isinstance(error, newsrecord.ReadOnlyError)
    assert isinstance(error, newsrecord.FileError)
    assert (error.errno, error.filename, error.folder) == (errno.EACCES, str(record), None)
    # The message stays ours, not OSError's "[Errno 13] None: 'article.md'".
    assert str(error) == (
        f"{record}: cannot save the record: the file is read-only (make it writable, "
        "for example with 'chmod u+w', to save it)"
    )
    again = _pickled(error)
    assert type(again) is newsrecord.ReadOnlyError
    assert (again.errno, again.filename, str(again)) == (error.errno, error.filename, str(error))


def test_a_read_only_folder_is_a_permission_error_naming_the_folder(
    record: Path, edited: newsrecord.Document
) -> None:
    folder = record.parent
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError) as caught:
            edited.save()
    finally:
        folder.chmod(0o755)
    error = caught.value
    assert isinstance(error, newsrecord.ReadOnlyError)
    assert (error.errno, error.filename, error.folder) == (errno.EACCES, str(record), str(folder))
    assert str(error) == (
        f"{record}: cannot save the record: its folder {folder} is read-only (make it "
        f"writable, for example with 'chmod u+w {folder}', to save it)"
    )
    again = _pickled(error)
    assert (again.errno, again.filename, again.folder) == (errno.EACCES, str(record), str(folder))
    _assert_untouched(record)


@pytest.mark.parametrize(
    ("number", "read_only"), [(errno.EROFS, True), (errno.EACCES, True), (errno.EMFILE, False)]
)
def test_a_folder_where_no_file_can_be_created_gives_the_system_errno(
    record: Path,
    edited: newsrecord.Document,
    monkeypatch: pytest.MonkeyPatch,
    number: int,
    *,
    read_only: bool,
) -> None:
    failure = OSError(number, os.strerror(number))
    monkeypatch.setattr(os, "open", _failing_when_creating(os.open, failure))
    with pytest.raises(newsrecord.FileError) as caught:
        edited.save()
    error = caught.value
    assert isinstance(error, PermissionError) is read_only
    assert (error.errno, error.filename) == (number, str(record))
    assert str(error).startswith(f"{record}: cannot save the record: no file can be created")


def test_conflicts_and_refused_paths_give_an_errno_and_a_file_name(
    record: Path, edited: newsrecord.Document
) -> None:
    record.unlink()
    with pytest.raises(newsrecord.ConflictError) as removed:
        edited.save()
    assert (removed.value.errno, removed.value.filename) == (errno.ENOENT, str(record))
    assert str(removed.value).startswith(f"{record}: the file was removed on disk")
    assert _pickled(removed.value).errno == errno.ENOENT
    record.write_bytes(ORIGINAL.replace("38", "39").encode())
    with pytest.raises(newsrecord.ConflictError) as changed:
        edited.save()
    assert (changed.value.errno, changed.value.filename) == (None, str(record))
    with pytest.raises(newsrecord.FileError) as folder:
        newsrecord.load(record.parent)
    assert (folder.value.errno, folder.value.filename) == (errno.EISDIR, str(record.parent))
    with pytest.raises(newsrecord.FileError) as over_folder:
        edited.save(record.parent)
    assert over_folder.value.errno == errno.EISDIR
    assert not isinstance(over_folder.value, PermissionError)
