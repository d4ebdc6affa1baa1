"""The scripting API: edit(), iter_records(), iter_record_files() and field paths."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import re
import stat
import tracemalloc
import weakref
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import COURSE, SECURED, SEED_BYTES, SEED_TEXT, changed_lines

import newsrecord
from newsrecord import ConflictError, RecordError, ValidationError
from newsrecord.cli import main

# A profile written for these tests: unknown keys (nested plain data) and a Twitter block.
PROFILE = """\
---
name: "Ada Example"
type: profile
heat: 12
zip: "01234"
counts:
  views: 10
  tags:
    - one
twitter:
  username: ada
  followers: 5
topics:
  - Power Apps
---
Body text.
"""


PATH_HINT = "(write YAML keys and list indexes, like 'provider.name' or 'images[0].width')"


# --- edit -----------------------------------------------------------------------------------


def test_edit_saves_only_the_changed_lines(seed_file: Path) -> None:
    with newsrecord.edit(seed_file) as doc:
        doc.record.heat = 40
        doc.record.images[0].width = 12
    after = seed_file.read_text(encoding="utf-8")
    assert changed_lines(SEED_TEXT, after) == [
        "-heat: 38",
        "+heat: 40",
        "-    width: 2001",
        "+    width: 12",
    ]


def test_edit_leaves_the_document_standing_for_the_saved_text(seed_file: Path) -> None:
    with newsrecord.edit(seed_file) as doc:
        doc.record.heat = 40
    assert doc.text == seed_file.read_text(encoding="utf-8")
    assert not doc.is_modified()
    assert doc.path == str(seed_file)


def test_edit_writes_nothing_when_nothing_changed(seed_file: Path) -> None:
    before = seed_file.stat()
    with newsrecord.edit(seed_file) as doc:
        doc.record.heat = 38  # the value it already has
        doc.record.topics = ["AI in Robotics", "AI"]
    after = seed_file.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert seed_file.read_bytes() == SEED_BYTES


def test_edit_saves_nothing_when_the_block_raises(seed_file: Path) -> None:
    def attempt() -> None:
        with newsrecord.edit(seed_file) as doc:
            doc.record.heat = 40
            raise KeyError("stop")

    with pytest.raises(KeyError):
        attempt()
    assert seed_file.read_bytes() == SEED_BYTES


def test_edit_saves_nothing_when_the_edited_record_is_invalid(seed_file: Path) -> None:
    with pytest.raises(ValidationError) as caught, newsrecord.edit(seed_file) as doc:
        doc.record.topics.append(3)
    assert caught.value.field == "topics[2]"
    assert seed_file.read_bytes() == SEED_BYTES


def test_edit_refuses_to_overwrite_a_change_made_on_disk(seed_file: Path) -> None:
    theirs = SEED_TEXT.replace("quality: 38", "quality: 99")

    def attempt() -> None:
        with newsrecord.edit(seed_file) as doc:
            doc.record.heat = 40
            seed_file.write_text(theirs, encoding="utf-8")

    with pytest.raises(ConflictError) as caught:
        attempt()
    assert seed_file.read_text(encoding="utf-8") == theirs
    error = caught.value
    assert isinstance(error, RecordError)
    assert isinstance(error, OSError)
    assert error.path == str(seed_file)
    assert "changed on disk after it was loaded" in str(error)


def test_edit_refuses_when_the_file_was_removed(seed_file: Path) -> None:
    def attempt() -> None:
        with newsrecord.edit(seed_file) as doc:
            doc.record.heat = 40
            seed_file.unlink()

    with pytest.raises(ConflictError, match="removed"):
        attempt()
    assert not seed_file.exists()


def test_edit_of_a_file_saved_inside_the_block_is_no_conflict(seed_file: Path) -> None:
    with newsrecord.edit(seed_file) as doc:
        doc.record.heat = 40
        doc.save()
        doc.record.quality = 41
    after = seed_file.read_text(encoding="utf-8")
    assert changed_lines(SEED_TEXT, after) == [
        "-quality: 38",
        "-heat: 38",
        "+quality: 41",
        "+heat: 40",
    ]


def test_edit_keeps_permissions_and_leaves_no_temporary_file(seed_file: Path) -> None:
    seed_file.chmod(0o640)
    with newsrecord.edit(seed_file) as doc:
        doc.record.heat = 40
    assert stat.S_IMODE(seed_file.stat().st_mode) == 0o640
    assert [p.name for p in seed_file.parent.iterdir()] == ["seed.md"]


def test_edit_keeps_crlf_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(SEED_BYTES.replace(b"\n", b"\r\n"))
    with newsrecord.edit(path) as doc:
        newsrecord.append_field(doc.record, "topics", "Robots")
    assert path.read_bytes() == SEED_BYTES.replace(b"  - AI\n", b"  - AI\n  - Robots\n").replace(
        b"\n", b"\r\n"
    )


def test_edit_reports_an_invalid_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught, newsrecord.edit(path):
        pass  # pragma: no cover - loading fails first
    assert str(caught.value.problems[0]) == (
        f"{path}:10:7: heat: expected an integer, found the string 'hot'"
    )


def test_edit_and_iter_records_refuse_files_over_the_limits(seed_file: Path) -> None:
    small = newsrecord.Limits(max_file_size=1000)
    with (
        pytest.raises(newsrecord.LimitError, match="max_file_size"),
        newsrecord.edit(seed_file, limits=small),
    ):
        pass  # pragma: no cover - loading fails first
    [(path, error)] = newsrecord.iter_records(seed_file, errors="collect", limits=small)
    assert path == seed_file
    assert isinstance(error, newsrecord.LimitError)
    assert error.path == str(seed_file)


def _edit_after_barrier(path: str, heat: int, barrier: Barrier, results: Queue[str]) -> None:
    """Load, wait until the other process has loaded too, then try to save."""
    try:
        with newsrecord.edit(path) as doc:
            doc.record.heat = heat
            barrier.wait(timeout=60)
    except ConflictError:
        results.put(f"{heat}: conflict")
    else:
        results.put(f"{heat}: saved")


def test_two_processes_editing_one_version_never_both_save(seed_file: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results: Queue[str] = context.Queue()
    workers = [
        context.Process(target=_edit_after_barrier, args=(str(seed_file), heat, barrier, results))
        for heat in (1, 2)
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert outcomes in (["1: conflict", "2: saved"], ["1: saved", "2: conflict"])
    winner = 1 if outcomes[0] == "1: saved" else 2
    assert newsrecord.load(seed_file).record.heat == winner


def _increment(path: str, times: int) -> int:
    """Add 1 to the heat *times* times, redoing an edit after each conflict."""
    conflicts = 0
    done = 0
    while done < times:
        try:
            with newsrecord.edit(path) as doc:
                doc.record.heat += 1
        except ConflictError:
            conflicts += 1
            continue
        done += 1
    return conflicts


def test_concurrent_editors_never_lose_an_update(seed_file: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pool.starmap(_increment, [(str(seed_file), 40), (str(seed_file), 40)])
    assert newsrecord.load(seed_file).record.heat == 38 + 80


def _cli_until_saved(path: str, arguments: list[str]) -> int:
    """Run a command of the CLI in this process, again after each lost-update refusal."""
    refusals = 0
    while True:
        result = CliRunner().invoke(main, [*arguments[:1], path, *arguments[1:]])
        if result.exit_code == 0:
            return refusals
        assert "changed on disk" in result.output, result.output
        refusals += 1


def _set_and_fmt(path: str, times: int) -> int:
    """Add keys with `set` and reformat with `fmt`, in turns, as a second writer."""
    refusals = 0
    for number in range(times):
        refusals += _cli_until_saved(path, ["set", "--new-key", f"k{number}={number}"])
        refusals += _cli_until_saved(path, ["fmt"])
    return refusals


def test_edit_set_and_fmt_together_never_lose_an_update(seed_file: Path) -> None:
    # A bot's edit() loop, and a person's set and fmt, on one file at once: every change
    # that said it was saved is in the file at the end, and fmt kept its data.
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        editing = pool.apply_async(_increment, (str(seed_file), 30))
        setting = pool.apply_async(_set_and_fmt, (str(seed_file), 8))
        editing.get(timeout=300)
        setting.get(timeout=300)
    record = newsrecord.load(seed_file).record
    assert record.heat == 38 + 30
    assert {key: record.extra[key] for key in record.extra if key.startswith("k")} == {
        f"k{number}": number for number in range(8)
    }
    assert record.title == newsrecord.loads(SEED_TEXT).record.title


# --- iter_record_files and iter_records ---------------------------------------------------------


def make_tree(root: Path) -> Path:
    """A tree with records, a README, a hidden folder, a text file and an invalid record."""
    for relative in ["b/two.md", "a/one.md", "a/deeper/three.md", "zero.md", ".hidden/x.md"]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SEED_BYTES.replace(b"heat: 38", f"heat: {len(relative)}".encode()))
    (root / "README.md").write_text("# About these records\n", encoding="utf-8")
    (root / "a" / "readme.md").write_text("# About a\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a record\n", encoding="utf-8")
    (root / "b" / "bad.md").write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    return root


def names(paths: Iterator[Path] | list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def test_iter_record_files_walks_folders_in_name_order(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assert names(newsrecord.iter_record_files(root), root) == [
        "a/deeper/three.md",
        "a/one.md",
        "b/bad.md",
        "b/two.md",
        "zero.md",
    ]


def test_iter_record_files_yields_named_files_whatever_their_name(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    found = newsrecord.iter_record_files([root / "notes.txt", root / "README.md", root / "b"])
    assert names(found, root) == ["notes.txt", "README.md", "b/bad.md", "b/two.md"]


def test_iter_record_files_matches_a_pattern(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assert names(newsrecord.iter_record_files(str(root), pattern="*.txt"), root) == ["notes.txt"]


def test_iter_record_files_does_not_follow_folder_links(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    assert len(list(newsrecord.iter_record_files(root))) == 5


def test_iter_record_files_passes_over_build_output_and_packages(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    for folder in ("_site", "vendor/bundle/gems", "node_modules/x", "a/_site"):
        (root / folder).mkdir(parents=True)
        (root / folder / "copy.md").write_bytes(SEED_BYTES)
    assert "copy.md" not in [path.name for path in newsrecord.iter_record_files(root)]
    # Named, a folder is walked whatever its name.
    assert names(newsrecord.iter_record_files(root / "_site"), root) == ["_site/copy.md"]


def test_iter_record_files_leaves_out_what_the_jekyll_site_excludes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    files = [
        "_news/a.md",
        "_news/b.draft.md",
        "_news/sub/c.md",
        "docs/guide.md",
        "scripts/x.md",
        "scriptsy.md",
        "notes.md",
        "keep.md",
    ]
    for name in files:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(SEED_BYTES)
    config = site / "_config.yml"
    config.write_text(
        "title: A site\n"
        "exclude:\n  - docs/\n  - scripts\n  - '*.draft.md'\n  - /notes.md\n  - keep.md\n"
        "include: [keep.md]\n",
        encoding="utf-8",
    )
    # As Jekyll matches: a shell pattern whose * crosses /, or a prefix of the path
    # (scripts leaves out scriptsy.md too); include: takes keep.md back.
    kept = ["_news/a.md", "_news/sub/c.md", "keep.md"]
    assert names(newsrecord.iter_record_files(site), site) == kept
    assert names(newsrecord.iter_record_files(site / "_news"), site) == kept[:2]
    # Named, an excluded folder or file is walked: the user asked for it.
    assert names(newsrecord.iter_record_files(site / "docs"), site) == ["docs/guide.md"]
    assert names(newsrecord.iter_record_files(site / "notes.md"), site) == ["notes.md"]
    result = CliRunner().invoke(main, ["validate", str(site)])
    assert "checked 3 files: all valid" in result.output, result.output
    config.write_text("exclude: [scripts, notes.md]\n", encoding="utf-8")  # changed since
    assert "docs/guide.md" in names(newsrecord.iter_record_files(site), site)
    # A configuration newsrecord cannot read excludes nothing, as without a site.
    other = tmp_path / "other"
    (other / "docs").mkdir(parents=True)
    (other / "docs" / "guide.md").write_bytes(SEED_BYTES)
    (other / "_config.yml").write_text("exclude:\n\t- docs\n", encoding="utf-8")
    assert names(newsrecord.iter_record_files(other), other) == ["docs/guide.md"]


def test_a_file_found_by_its_name_and_through_a_link_comes_once(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (root / "a" / "alias.md").symlink_to(root / "zero.md")  # the link comes first
    (root / "c").mkdir()
    (root / "c" / "alias.md").symlink_to(root / "a" / "one.md")  # the file comes first
    (root / "outside.md").symlink_to(tmp_path.parent / "nowhere")  # broken: told, no file
    broken: list[OSError] = []
    found = names(newsrecord.iter_record_files(root, onerror=broken.append), root)
    assert found == ["a/alias.md", "a/deeper/three.md", "a/one.md", "b/bad.md", "b/two.md"]
    assert [error.filename for error in broken] == [str(root / "outside.md")]
    result = CliRunner().invoke(main, ["append", str(root), "--", "topics", "Once"])
    assert "matched 5 of 6 files: 5 changed" in result.output, result.output
    assert "outside.md: cannot be read: a link to nothing" in result.output
    assert (root / "zero.md").read_text(encoding="utf-8").count("- Once") == 1


def test_a_file_named_and_found_again_by_the_walk_comes_once(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (root / "b" / "link.md").symlink_to(root / "zero.md")
    (root / "linked").symlink_to(root / "a", target_is_directory=True)
    os.link(root / "b" / "two.md", root / "b" / "two-again.md")  # a hard link
    found = newsrecord.iter_record_files([root / "b" / "link.md", root / "linked", root])
    assert names(found, root) == [
        "b/link.md",  # zero.md, named first
        "linked/deeper/three.md",  # a's files, through the linked folder first
        "linked/one.md",
        "b/bad.md",
        "b/two-again.md",  # two.md, by its other name first ("-" < ".")
    ]


def test_once_each_drops_only_paths_to_the_same_file(tmp_path: Path) -> None:
    from newsrecord.files import once_each

    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_text("1", encoding="utf-8")
    two.write_text("2", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(one)
    paths = [str(one), str(two), str(tmp_path / "link.md")]
    # The same inode number on two file systems is two files: compared whole, both stay.
    assert once_each(paths[:2], [7, 7], overlapping=False) is None
    assert once_each(
        paths, [one.stat().st_ino, two.stat().st_ino, one.stat().st_ino], overlapping=False
    ) == [0, 1]


def test_iter_record_files_reports_unlistable_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_tree(tmp_path)
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "b":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    errors: list[OSError] = []
    found = names(newsrecord.iter_record_files(root, onerror=errors.append), root)
    assert found == ["a/deeper/three.md", "a/one.md", "zero.md"]
    assert [e.filename for e in errors] == [str(root / "b")]
    with pytest.raises(PermissionError):
        list(newsrecord.iter_record_files(root))
    collected = list(newsrecord.iter_records(root, errors="collect"))
    failed = [(p, d) for p, d in collected if isinstance(d, RecordError)]
    assert [(str(p), str(d)) for p, d in failed] == [
        (str(root / "b"), f"{root / 'b'}: cannot be read: Permission denied")
    ]


def test_iter_records_raises_at_the_first_invalid_record(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    seen = []

    def walk() -> None:
        for path, doc in newsrecord.iter_records(root):
            seen.append((path.relative_to(root).as_posix(), doc.record.heat))

    with pytest.raises(ValidationError) as caught:
        walk()
    assert seen == [("a/deeper/three.md", 17), ("a/one.md", 8)]
    assert caught.value.path == str(root / "b" / "bad.md")


def test_iter_records_collects_errors_and_goes_on(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    outcome = [
        (path.relative_to(root).as_posix(), str(doc) if isinstance(doc, RecordError) else "ok")
        for path, doc in newsrecord.iter_records([root, root / "missing.md"], errors="collect")
    ]
    assert outcome == [
        ("a/deeper/three.md", "ok"),
        ("a/one.md", "ok"),
        ("b/bad.md", f"{root}/b/bad.md:10:7: heat: expected an integer, found the string 'hot'"),
        ("b/two.md", "ok"),
        ("zero.md", "ok"),
        ("missing.md", f"{root}/missing.md: cannot be read: No such file or directory"),
    ]


def test_iter_records_checks_its_errors_argument_at_once() -> None:
    with pytest.raises(ValueError, match="'raise' or 'collect'"):
        newsrecord.iter_records(".", errors="ignore")


def test_iter_records_is_lazy(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    records = newsrecord.iter_records(root, errors="collect")
    first, _ = next(records)
    assert first == root / "a" / "deeper" / "three.md"
    # A file created after the walk started, in a folder it has not entered yet.
    (root / "b" / "new.md").write_bytes(SEED_BYTES)
    assert root / "b" / "new.md" in [path for path, _ in records]


def test_iter_records_keeps_memory_flat(tmp_path: Path) -> None:
    for folder in range(20):
        for number in range(40):
            path = tmp_path / f"f{folder:02d}" / f"r{number:02d}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(SEED_BYTES)
    # Small limits: load() reads at most max_file_size + 1 bytes at once, and that
    # buffer (64 MiB by default) would dwarf what this test looks for.
    limits = newsrecord.Limits(max_file_size=100_000)
    # A first walk, not measured: the interpreter's own tables (the interned path names)
    # grow the first time they meet these names, by a megabyte or two when one doubles,
    # depending on what earlier tests of the process left in them.
    assert sum(1 for _ in newsrecord.iter_records(tmp_path, limits=limits)) == 800
    alive: list[weakref.ref[newsrecord.Document]] = []
    most_alive = 0
    tracemalloc.start()
    try:
        count = 0
        records = newsrecord.iter_records(tmp_path, limits=limits)
        for count, (_, doc) in enumerate(records, start=1):
            assert doc.record.heat == 38
            alive = [ref for ref in alive if ref() is not None]
            alive.append(weakref.ref(doc))
            most_alive = max(most_alive, len(alive))
            if count == 50:
                tracemalloc.reset_peak()
                baseline = tracemalloc.get_traced_memory()[0]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 800
    # Walking lazily needs one document at a time: the one in hand, and the one the walk
    # gives next (a document holds no reference cycle, so none waits for the collector).
    assert most_alive <= 2
    # 750 documents of about 40 kB each were read after the baseline: keeping them, or a
    # growing list, would be 30 megabytes. The bound leaves room for what other threads
    # of a long test process allocate meanwhile (traced too: 4 MB once, in CI).
    assert peak - baseline < 8_000_000


# --- field paths: reading ---------------------------------------------------------------------


def test_get_field_reads_typed_values_by_yaml_keys() -> None:
    record = newsrecord.loads(SEED_TEXT).record
    assert newsrecord.get_field(record, "title") == (
        "Artificial intelligence makes its way into the music and film industries"
    )
    assert newsrecord.get_field(record, "publishedDateTime") == dt.datetime(
        2023, 11, 19, 21, 7, tzinfo=dt.UTC
    )
    assert newsrecord.get_field(record, "images[0].width") == 2001
    assert newsrecord.get_field(record, "images[-1].isCached") is True
    assert newsrecord.get_field(record, "provider.name") == "The Statesman"
    assert newsrecord.get_field(record, "related[0].provider.domain") == "aol.com"
    assert newsrecord.get_field(record, "topics") == ["AI in Robotics", "AI"]
    assert newsrecord.get_field(record, "provider") == newsrecord.Provider(
        name="The Statesman", domain="sbstatesman.com"
    )
    assert newsrecord.get_field(record, "secured") == newsrecord.Secured(SECURED)


def test_get_field_gives_none_for_what_is_absent() -> None:
    record = newsrecord.loads(SEED_TEXT).record
    assert newsrecord.get_field(record, "updatedDateTime") is None
    assert newsrecord.get_field(record, "noSuchKey", strict=False) is None
    assert newsrecord.get_field(record, "noSuchKey.deeper[3]", strict=False) is None
    assert newsrecord.get_field(record, "provider.images") is None
    # A field of another kind of record: not set here, as an organization has no topics.
    assert newsrecord.get_field(record, "twitter") is None
    assert newsrecord.get_field(newsrecord.loads(PROFILE).record, "yearFounded") is None


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (SEED_TEXT, "heta", "seed.md: heta: Article has no field 'heta'; did you mean 'heat'?"),
        (SEED_TEXT, "noSuchKey.deeper[3]", "seed.md: noSuchKey: Article has no field 'noSuchKey'"),
        (
            SEED_TEXT,
            "provider.nmae",
            "seed.md: provider.nmae: Provider has no field 'nmae'; did you mean 'name'?",
        ),
        (
            PROFILE,
            "twiter",
            "seed.md: twiter: Profile has no field 'twiter'; did you mean 'twitter'?",
        ),
    ],
)
def test_get_field_refuses_a_key_nobody_knows_as_set_field_does(
    text: str, path: str, message: str
) -> None:
    doc = newsrecord.loads(text, path="seed.md")
    record = doc.record
    with pytest.raises(ValidationError) as caught:
        newsrecord.get_field(record, path, strict=True)
    assert str(caught.value) == message
    with pytest.raises(ValidationError) as refused:
        newsrecord.set_field(record, path, 1)
    assert str(refused.value) == message
    # Outside a document, the same words without the file.
    fresh = newsrecord.from_dict(newsrecord.to_dict(record), kind=type(record))
    with pytest.raises(ValidationError, match=re.escape(message.removeprefix("seed.md: "))):
        newsrecord.get_field(fresh, path, plain=True, strict=True)
    # Off by default, as for Document.get: keys the model does not know read as absent.
    assert newsrecord.get_field(record, path) is None
    assert newsrecord.loads(text).get(path) is None


def test_get_field_plain_gives_data_as_to_dict_does() -> None:
    record = newsrecord.loads(SEED_TEXT).record
    assert newsrecord.get_field(record, "publishedDateTime", plain=True) == "2023-11-19T21:07:00Z"
    assert newsrecord.get_field(record, "provider", plain=True) == {
        "name": "The Statesman",
        "domain": "sbstatesman.com",
    }
    assert newsrecord.get_field(record, "secured", plain=True) == SECURED
    course = newsrecord.loads(COURSE).record
    assert newsrecord.get_field(course, "length", plain=True) == "PT13M34S"
    length = newsrecord.get_field(course, "length")
    assert length == newsrecord.Duration("PT13M34S")
    assert length.timedelta == dt.timedelta(minutes=13, seconds=34)


def test_get_field_reads_unknown_keys() -> None:
    record = newsrecord.loads(PROFILE).record
    assert newsrecord.get_field(record, "counts.tags[0]") == "one"
    assert newsrecord.get_field(record, "zip") == "01234"
    assert newsrecord.get_field(record, "twitter.followers") == 5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("images[1]", "images[1]: images has 1 item(s); there is no item 1"),
        ("images.url", "images.url: images is a list: index it, like [0]"),
        ("title[0]", "title[0]: title is the string 'Artificial intelligence mak...', not a list"),
        (
            "title.x",
            "title.x: title is the string 'Artificial intelligence mak...', which has no fields",
        ),
        ("images[x]", f"images[x]: not a field path: 'images[x]' {PATH_HINT}"),
        ("", f"not a field path: '' {PATH_HINT}"),
        (".title", f".title: not a field path: '.title' {PATH_HINT}"),
    ],
)
def test_get_field_explains_bad_paths(path: str, message: str) -> None:
    record = newsrecord.loads(SEED_TEXT).record
    with pytest.raises(ValidationError) as caught:
        newsrecord.get_field(record, path)
    assert str(caught.value) == message


# --- field paths: changing ----------------------------------------------------------------------


def edited(text: str, *changes: tuple[str, str]) -> tuple[newsrecord.Document, list[str]]:
    """Set each field from text as the command line does; return the doc and changed lines."""
    doc = newsrecord.loads(text)
    for path, value in changes:
        newsrecord.set_field(doc.record, path, value, parse=True)
    return doc, changed_lines(text, doc.dumps())


def test_set_field_reads_text_as_the_fields_type() -> None:
    doc, lines = edited(
        SEED_TEXT,
        ("heat", "-5"),
        ("published", "true"),
        ("updatedDateTime", "2024-05-01T12:00:00+02:00"),
        ("title", "42"),
        ("topics", '["Robots", "AI"]'),
        ("images[0].isCached", "false"),
    )
    assert lines == [
        '-title: "Artificial intelligence makes its way into the music and film industries"',
        '+title: "42"',
        "+updatedDateTime: 2024-05-01T12:00:00+02:00",
        "-heat: 38",
        "-published: false",
        "+heat: -5",
        "+published: true",
        "-  - AI in Robotics",
        "+  - Robots",
        "-    isCached: true",
        "+    isCached: false",
    ]
    record = newsrecord.loads(doc.dumps()).record
    assert record.title == "42"
    assert record.updated_date_time == dt.datetime(
        2024, 5, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )


def test_set_field_null_unsets_and_now_is_the_current_time() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    doc, lines = edited(SEED_TEXT, ("provider.domain", "null"), ("updatedDateTime", "now"))
    after = dt.datetime.now(dt.UTC)
    assert lines[1:] == ["-  domain: sbstatesman.com"]
    assert lines[0].startswith("+updatedDateTime: ")
    stamp = doc.record.updated_date_time
    assert stamp is not None
    assert before <= stamp <= after


def test_set_field_converts_durations_prices_and_objects() -> None:
    doc, lines = edited(COURSE, ("length", "PT1H"), ("price", "$40.34"), ("ratings.count", "11"))
    assert lines == [
        "-price: Free",
        "-length: PT13M34S",
        "+price: $40.34",
        "+length: PT1H",
        "-  count: 10",
        "+  count: 11",
    ]
    assert doc.record.length == newsrecord.Duration("PT1H")


def test_set_field_creates_missing_parents() -> None:
    text = SEED_TEXT.replace("provider:\n  name: The Statesman\n  domain: sbstatesman.com\n\n", "")
    doc, lines = edited(text, ("provider.name", "The Statesman"))
    assert lines == ["+", "+provider:", "+  name: The Statesman"]
    assert doc.record.provider == newsrecord.Provider(name="The Statesman")


def test_set_field_takes_typed_values_and_plain_data() -> None:
    doc = newsrecord.loads(SEED_TEXT)
    record = doc.record
    newsrecord.set_field(record, "updatedDateTime", dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    newsrecord.set_field(record, "images[0]", newsrecord.Image(url="/a.png", width=1))
    newsrecord.set_field(record, "related[0].publishedDateTime", "2024-01-03T00:00:00Z")
    assert changed_lines(SEED_TEXT, doc.dumps()) == [
        "+updatedDateTime: 2024-01-02T00:00:00Z",
        '-  - url: "https://sbstatesman.com/wp-content/uploads/2023/11/AI-In-music-and-film.png"',
        "-    width: 2001",
        "-    height: 1001",
        "-    isCached: true",
        '+  - url: "/a.png"',
        "+    width: 1",
        "-    publishedDateTime: 2023-11-24T12:30:00Z",
        "+    publishedDateTime: 2024-01-03T00:00:00Z",
    ]


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("heat", "hot", "heat: expected an integer, found the string 'hot'"),
        ("heat", "1.5", "heat: expected an integer, found the number 1.5"),
        ("published", "yes", "published: expected true or false, found the string 'yes'"),
        (
            "publishedDateTime",
            "yesterday",
            "publishedDateTime: expected an ISO 8601 date-time, found 'yesterday'",
        ),
        ("topics", "AI", "topics: expected a list, found the string 'AI'"),
        ("images[0].width", "[1]", "images[0].width: expected an integer, found a list"),
        ("images[3].width", "1", "images[3]: images has 1 item(s); there is no item 3"),
    ],
)
def test_set_field_refuses_values_that_do_not_fit(path: str, text: str, message: str) -> None:
    doc = newsrecord.loads(SEED_TEXT)
    with pytest.raises(ValidationError) as caught:
        newsrecord.set_field(doc.record, path, text, parse=True)
    # At the place of the value it would replace (or of the list an item is missing from).
    place, told = str(caught.value).split(": ", 1)
    field = message.split(":", maxsplit=1)[0]
    at = doc.locate(field) or doc.locate(field.rsplit("[", 1)[0])  # no item 3: the list
    assert at is not None
    assert (told, place) == (message, "{}:{}".format(*at))
    assert doc.dumps() == SEED_TEXT


def test_set_field_refuses_to_unset_a_required_field() -> None:
    doc = newsrecord.loads(SEED_TEXT)
    with pytest.raises(ValidationError, match=r"^3:8: title: .*required"):
        newsrecord.set_field(doc.record, "title", "null", parse=True)
    assert doc.dumps() == SEED_TEXT


def test_set_field_strict_refuses_new_unknown_keys_and_suggests() -> None:
    doc = newsrecord.loads(SEED_TEXT)
    with pytest.raises(ValidationError) as caught:
        newsrecord.set_field(doc.record, "publishedDatetime", "now", parse=True, strict=True)
    assert str(caught.value) == (
        "publishedDatetime: Article has no field 'publishedDatetime'; "
        "did you mean 'publishedDateTime'?"
    )
    doc.record.provider = None
    with pytest.raises(ValidationError) as caught:
        newsrecord.append_field(doc.record, "provider.imags", "{}", parse=True, strict=True)
    assert str(caught.value) == (
        "provider.imags: Provider has no field 'imags'; did you mean 'images'?"
    )
    doc.record.provider = doc.original().provider
    # strict is the default (it was not: a typo became a new key, silently).
    with pytest.raises(ValidationError, match="did you mean 'topics'"):
        newsrecord.append_field(doc.record, "topic", "AI")
    with pytest.raises(ValidationError, match="Provider has no field 'nmae'"):
        newsrecord.set_field(doc.record, "provider.nmae", "X")
    assert not doc.is_modified()
    newsrecord.set_field(doc.record, "newKey", "[1, 2]", parse=True, strict=False)
    assert changed_lines(SEED_TEXT, doc.dumps()) == ["+newKey:", "+  - 1", "+  - 2"]


@pytest.mark.parametrize(
    ("path", "undeclared", "closest"),
    [
        ("heat", False, None),
        ("images[0].width", False, None),
        ("haet", True, "heat"),
        ("provider.nmae", True, "provider.name"),
        ("provdier.name", True, "provider.name"),
        ("images[0].widht", True, "images[0].width"),
        ("locale", True, None),
        ("locale.nmae", True, None),  # under a key no kind declares: anything goes
        ("heat.x", True, None),  # a number has no fields to be close to
        ("images[", False, None),  # malformed: whatever takes it says so
    ],
)
def test_closest_field_names_the_declared_path_a_typo_meant(
    path: str, undeclared: bool, closest: str | None
) -> None:
    from newsrecord.editing import closest_field, no_kind_declares

    assert no_kind_declares(path) is undeclared
    assert closest_field(path) == closest


def test_closest_field_takes_a_cutoff() -> None:
    from newsrecord.editing import closest_field

    assert closest_field("lang") == "length"  # difflib's own cutoff, 0.6
    assert closest_field("lang", cutoff=0.7) is None


def test_set_field_on_unknown_keys_keeps_their_type_and_the_loaded_record() -> None:
    doc = newsrecord.loads(PROFILE)
    newsrecord.set_field(doc.record, "zip", "99999", parse=True)
    newsrecord.set_field(doc.record, "counts.views", "11", parse=True)
    newsrecord.set_field(doc.record, "counts.tags[0]", "first", parse=True)
    newsrecord.set_field(doc.record, "twitter.followers", "6", parse=True, strict=True)
    # The edits are seen (nothing shared with the record as loaded was changed in place).
    assert doc.is_modified()
    assert changed_lines(PROFILE, doc.dumps()) == [
        '-zip: "01234"',
        '+zip: "99999"',
        "-  views: 10",
        "+  views: 11",
        "-    - one",
        "+    - first",
        "-  followers: 5",
        "+  followers: 6",
    ]
    assert doc.original().extra["counts"] == {"views": 10, "tags": ["one"]}


def test_unset_field_removes_fields_keys_and_items() -> None:
    doc = newsrecord.loads(PROFILE)
    for path in ("counts.tags[0]", "zip", "twitter.followers", "heat", "updatedDateTime"):
        newsrecord.unset_field(doc.record, path)
    newsrecord.unset_field(doc.record, "noSuchKey.deeper")
    assert changed_lines(PROFILE, doc.dumps()) == [
        "-heat: 12",
        '-zip: "01234"',
        "-  tags:",
        "-    - one",
        "+  tags: []",
        "-  followers: 5",
    ]


def test_unset_field_refuses_a_required_field() -> None:
    doc = newsrecord.loads(SEED_TEXT)
    with pytest.raises(ValidationError, match=r"^3:8: title: .*required"):
        newsrecord.unset_field(doc.record, "title")
    assert doc.dumps() == SEED_TEXT


def test_append_field_adds_items_of_the_lists_type() -> None:
    doc = newsrecord.loads(SEED_TEXT)
    newsrecord.append_field(doc.record, "topics", "Machine learning", parse=True)
    newsrecord.append_field(doc.record, "images", '{"url": "/b.png", "width": 5}', parse=True)
    newsrecord.append_field(doc.record, "provider.images", {"url": "/logo.png"})
    assert changed_lines(SEED_TEXT, doc.dumps()) == [
        "+  images:",
        '+    - url: "/logo.png"',
        "+  - Machine learning",
        '+  - url: "/b.png"',
        "+    width: 5",
    ]
    assert doc.original().topics == ["AI in Robotics", "AI"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "title",
            "x",
            "title: append needs a list here, not the string 'Artificial intelligence mak...'",
        ),
        ("images", "5", "images[1]: expected a mapping, found the integer 5"),
        ("topics", "null", "topics: a list item cannot be null"),
    ],
)
def test_append_field_explains_what_does_not_fit(path: str, value: str, message: str) -> None:
    doc = newsrecord.loads(SEED_TEXT)
    with pytest.raises(ValidationError) as caught:
        newsrecord.append_field(doc.record, path, value, parse=True)
    place, told = str(caught.value).split(": ", 1)
    assert (told, place) == (message, "{}:{}".format(*doc.locate(path)))
    assert doc.dumps() == SEED_TEXT


@given(st.integers(min_value=-(2**63), max_value=2**63))
def test_integers_set_from_text_read_back_the_same(value: int) -> None:
    doc = newsrecord.loads(SEED_TEXT)
    newsrecord.set_field(doc.record, "images[0].width", str(value), parse=True)
    reloaded = newsrecord.loads(doc.dumps()).record
    assert newsrecord.get_field(reloaded, "images[0].width") == value
    assert len(changed_lines(SEED_TEXT, doc.dumps())) == (0 if value == 2001 else 2)


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_strings_set_from_text_read_back_the_same(value: str) -> None:
    doc = newsrecord.loads(SEED_TEXT)
    newsrecord.set_field(doc.record, "provider.name", value, parse=True)
    reloaded = newsrecord.loads(doc.dumps()).record
    assert newsrecord.get_field(reloaded, "provider.name") == (None if value == "null" else value)


def test_edit_saves_its_own_file_after_a_save_as_in_the_block(seed_file: Path) -> None:
    copy = seed_file.with_name("copy.md")
    with newsrecord.edit(seed_file) as doc:
        doc.record.heat = 7
        doc.save(copy)  # "save as": the file being edited is left as it was, for now
        doc.record.quality = 8
    saved = newsrecord.load(seed_file).record
    assert (saved.heat, saved.quality) == (7, 8)
    assert newsrecord.load(copy).record.heat == 7
    assert newsrecord.load(copy).text != newsrecord.load(seed_file).text


def test_edit_still_refuses_a_lost_update_after_a_save_as(seed_file: Path) -> None:
    def edit_after_a_save_as() -> None:
        with newsrecord.edit(seed_file) as doc:
            doc.save(seed_file.with_name("copy.md"))
            seed_file.write_bytes(SEED_BYTES.replace(b"heat: 38", b"heat: 50"))  # someone else
            doc.record.heat = 7

    with pytest.raises(ConflictError):
        edit_after_a_save_as()
    assert b"heat: 50" in seed_file.read_bytes()


def test_set_field_refuses_a_naive_datetime_as_assignment_does() -> None:
    record = newsrecord.loads(SEED_TEXT).record
    local = dt.datetime(2024, 1, 1, 9, 0)  # the mistake under test
    with pytest.raises(newsrecord.FieldTypeError, match="needs a time zone") as caught:
        newsrecord.set_field(record, "publishedDateTime", local)
    assert caught.value.problems[0].field == "publishedDateTime"
    with pytest.raises(newsrecord.FieldTypeError):
        record.published_date_time = local
    # Text without a zone reads as UTC, as in a file; so does an aware value.
    newsrecord.set_field(record, "publishedDateTime", "2024-01-01T09:00:00")
    assert record.published_date_time == dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)


def test_a_time_in_a_daylight_saving_gap_is_written_at_its_offset() -> None:
    from zoneinfo import ZoneInfo

    doc = newsrecord.loads(SEED_TEXT)
    # 02:30 does not exist in New York on that day; Python gives it the offset before.
    doc.record.published_date_time = dt.datetime(
        2024, 3, 10, 2, 30, tzinfo=ZoneInfo("America/New_York")
    )
    assert "publishedDateTime: 2024-03-10T02:30:00-05:00\n" in doc.dumps()


@pytest.mark.parametrize(
    ("value", "told"),
    [
        (dt.datetime(2024, 1, 5, 10), "a date-time needs a time zone"),
        ({"at": [dt.datetime(2024, 1, 5, 10)]}, "a date-time needs a time zone"),
        (newsrecord.Secured(SECURED), "give its text, its .raw"),
        (newsrecord.Duration("PT1M"), "give its text, str(value)"),
    ],
)
def test_extra_values_a_file_cannot_read_back_are_refused_by_name(value: object, told: str) -> None:
    # They were taken, then the read-back failed with "a bug of newsrecord's".
    doc = newsrecord.loads("---\ntitle: A\n---\n", path="a.md")
    doc.record.extra["checked"] = value
    with pytest.raises(
        ValidationError, match=f"^a.md: extra: '.+' holds .*{re.escape(told)}"
    ) as info:
        doc.dumps()
    assert SECURED not in str(info.value)
    with pytest.raises(ValidationError, match=re.escape(told)):
        doc.record.extra = {"checked": value}


def test_save_keeps_a_change_made_on_disk_since_the_load(tmp_path: Path) -> None:
    # save() wrote over it: only edit() checked for lost updates.
    path = tmp_path / "a.md"
    path.write_bytes(SEED_BYTES)
    doc = newsrecord.load(path)
    doc.record.heat = 2
    theirs = SEED_BYTES.replace(b"heat: 38", b"heat: 39")
    path.write_bytes(theirs)
    with pytest.raises(ConflictError, match="changed on disk after it was loaded"):
        doc.save()
    assert path.read_bytes() == theirs
    # A copy made in another process keeps the check, and overwrite=True skips it.
    copied = pickle.loads(pickle.dumps(doc))  # noqa: S301  # our own bytes
    with pytest.raises(ConflictError):
        copied.save()
    doc.save(overwrite=True)
    assert b"heat: 2\n" in path.read_bytes()
    # Saved, the document stands for what it wrote: a second save checks that.
    doc.record.heat = 3
    doc.save()
    path.unlink()
    with pytest.raises(ConflictError, match="removed"):
        doc.save()


def test_save_of_a_text_or_to_another_file_checks_nothing(tmp_path: Path) -> None:
    path, other = tmp_path / "a.md", tmp_path / "b.md"
    path.write_bytes(b"whatever was there\n")
    other.write_bytes(b"and here\n")
    doc = newsrecord.loads(SEED_TEXT, path=path)  # the caller's text: nothing to keep
    doc.save()
    doc.save(other)  # save as
    assert path.read_bytes() == other.read_bytes() == SEED_BYTES


@pytest.mark.parametrize(
    ("path", "text", "where"),
    [
        ("topics", '["AI",', "character 7"),
        ("provider", '{"name": "x"', "character 13"),
        ("misc", "[a, b", "character 2"),
    ],
)
def test_set_field_tells_malformed_json_as_such(path: str, text: str, where: str) -> None:
    # It said "expected a list, found the string '[\"AI\",'" for a list missing its end.
    record = newsrecord.loads(SEED_TEXT).record
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.set_field(record, path, text, parse=True, strict=False)
    assert caught.value.field == path
    assert caught.value.message.startswith("not valid JSON: ")
    assert f"(at {where})" in caught.value.message
    # Text is still text where the model wants text, and a JSON string is text anywhere.
    newsrecord.set_field(record, "title", "[draft] news", parse=True)
    assert record.title == "[draft] news"
    newsrecord.set_field(record, "misc", '"[a, b"', parse=True, strict=False)
    assert record.extra["misc"] == "[a, b"
