"""Bulk edits from the command line (find, set/unset/append --where) and save durability."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.helpers import COURSE, SECURED, SEED_TEXT

import newsrecord
from newsrecord.cli import main


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def make_site(root: Path, count: int = 12) -> Path:
    """Our own site: seed variations in two folders, a course, and one invalid file."""
    site = root / "site"
    for folder in ("news", "archive"):
        (site / folder).mkdir(parents=True)
    for number in range(count):
        doc = newsrecord.loads(SEED_TEXT)
        doc.record.heat = number
        doc.record.topics = ["AI", "Robots"] if number % 2 else ["Robots"]
        doc.record.published = number % 3 == 0
        folder = "news" if number < count // 2 else "archive"
        (site / folder / f"{number:03d}.md").write_text(doc.dumps(), encoding="utf-8")
    (site / "news" / "course.md").write_text(COURSE, encoding="utf-8")
    (site / "news" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (site / "README.md").write_text("# not a record\n", encoding="utf-8")
    return site


def git(repo: Path, *arguments: str) -> str:
    done = subprocess.run(  # noqa: S603  # our own arguments
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *arguments],  # noqa: S607
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the site, committed."""
    make_site(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "site")
    return tmp_path


def python_loop(site: Path, where: str, change: Callable[[newsrecord.AnyRecord], object]) -> None:
    """The same edit as a script would do it: load, test, change, save."""
    query = newsrecord.where(where)
    for path, doc in newsrecord.iter_records(site, errors="collect"):
        if isinstance(doc, newsrecord.RecordError) or not query.matches(doc):
            continue
        with newsrecord.edit(path) as fresh:
            change(fresh.record)


def tree_bytes(site: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_bulk_set_gives_the_files_of_the_python_loop(repo: Path, tmp_path: Path) -> None:
    site = repo / "site"
    twin = tmp_path / "twin"
    shutil.copytree(site, twin)
    where = '"AI" in topics and not published'
    result = run("set", site, "--where", where, "--", "published=true", "heat=100")
    python_loop(
        twin,
        where,
        lambda record: (setattr(record, "published", True), setattr(record, "heat", 100)),
    )
    assert tree_bytes(site) == tree_bytes(twin)
    # 000..011: odd numbers have "AI", and 3 and 9 are published already; the course has
    # "AI" and no published key.
    assert "matched 5 of 14 files: 5 changed, 0 unchanged, 0 failed; 1 not valid records" in (
        result.stderr
    )
    assert result.exit_code == 1  # the invalid file is reported
    assert "broken.md:2:8: title: " in result.stderr
    numstat = [line.split("\t") for line in git(repo, "diff", "--numstat").splitlines()]
    counts = {Path(name).name: (added, removed) for added, removed, name in numstat}
    # Each file: exactly the lines of the two fields (the course gains a published line).
    assert counts == {
        "001.md": ("2", "2"),
        "005.md": ("2", "2"),
        "007.md": ("2", "2"),
        "011.md": ("2", "2"),
        "course.md": ("2", "1"),
    }


def test_bulk_edits_in_worker_processes_match_the_python_loop(tmp_path: Path) -> None:
    # Enough files for the runner to start worker processes.
    site = make_site(tmp_path, count=240)
    twin = tmp_path / "twin"
    shutil.copytree(site, twin)
    where = 'heat >= 100 and "AI" in topics'
    result = run("set", site, "--where", where, "-j", "2", "--", "heat=0")
    python_loop(twin, where, lambda record: setattr(record, "heat", 0))
    assert tree_bytes(site) == tree_bytes(twin)
    assert "matched 70 of 242 files: 70 changed" in result.stderr


def test_each_changed_file_gets_a_one_line_diff(repo: Path) -> None:
    site = repo / "site"
    result = run("set", site, "--where", "heat >= 6", "--", "published=true")
    assert result.exit_code == 1  # broken.md
    numstat = [line.split("\t") for line in git(repo, "diff", "--numstat").splitlines()]
    # 6..11 are the archive; 6 and 9 were published already.
    assert sorted(Path(name).name for _, _, name in numstat) == [
        "007.md",
        "008.md",
        "010.md",
        "011.md",
    ]
    assert all((added, removed) == ("1", "1") for added, removed, _ in numstat)
    assert "4 changed, 2 unchanged" in result.stderr


def test_a_failing_file_does_not_stop_the_others(repo: Path) -> None:
    site = repo / "site"
    # The course has no images, so images[0].width cannot be set in it.
    result = run("set", site, "--where", "exists(heat)", "--", "images[0].width=640")
    assert result.exit_code == 1
    assert "course.md" in result.stderr
    assert "images" in result.stderr
    assert "matched 13 of 14 files: 12 changed, 0 unchanged, 1 failed" in result.stderr
    assert len(git(repo, "diff", "--numstat").splitlines()) == 12
    assert "Learn things" in (site / "news" / "course.md").read_text(encoding="utf-8")


def test_several_paths_go_before_two_dashes(repo: Path) -> None:
    site = repo / "site"
    result = run(
        "unset", site / "news" / "001.md", site / "archive", "--where", "heat > 5", "--", "images"
    )
    assert result.exit_code == 0, result.output
    names = sorted(
        Path(line.split("\t")[2]).name for line in git(repo, "diff", "--numstat").splitlines()
    )
    assert names == [f"{n:03d}.md" for n in range(6, 12)]
    assert "matched 6 of 7 files: 6 changed" in result.stderr


def test_overlapping_paths_edit_each_file_once(repo: Path) -> None:
    # A shell's `archive archive/*.md`, and the same file named two ways.
    site = repo / "site"
    archive = site / "archive"
    named = [archive, *sorted(archive.glob("*.md")), f"{archive}/./006.md"]
    result = run("append", *named, "--", "topics", "Once")
    assert result.exit_code == 0, result.output
    assert newsrecord.load(archive / "006.md").record.topics == ["Robots", "Once"]
    assert "matched 6 of 6 files: 6 changed" in result.stderr
    assert len(list(newsrecord.iter_record_files(named))) == 6


def test_bulk_append_and_unset(repo: Path) -> None:
    site = repo / "site"
    assert run("append", site / "archive", "topics", "Bulk").exit_code == 0
    doc = newsrecord.load(site / "archive" / "006.md")
    assert doc.record.topics == ["Robots", "Bulk"]
    assert run("unset", site / "archive", "topics[-1]").exit_code == 0
    assert newsrecord.load(site / "archive" / "006.md").record.topics == ["Robots"]
    assert git(repo, "status", "--porcelain") == ""


def test_bulk_append_of_a_new_key(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run("append", site / "archive", "--new-key", "--", "reviewers", "ada")
    assert result.exit_code == 0, result.output
    assert newsrecord.load(site / "archive" / "006.md").get("reviewers") == ["ada"]


def test_bulk_append_leaves_lists_that_hold_the_item_already(repo: Path) -> None:
    # Half the records hold "AI" already: they stay as they are, and a second run of the
    # same command changes nothing.
    site = repo / "site"
    result = run("append", site / "archive", "topics", "AI")
    assert result.exit_code == 0
    assert "matched 6 of 6 files: 3 changed, 3 unchanged, 0 failed" in result.stderr
    for path in sorted((site / "archive").glob("*.md")):
        assert newsrecord.load(path).record.topics.count("AI") == 1
    changed = git(repo, "diff", "--stat")
    again = run("append", site / "archive", "topics", "AI")
    assert "0 changed, 6 unchanged" in again.stderr
    assert git(repo, "diff", "--stat") == changed
    image = '{"url": "https://example.com/a.png"}'
    for _ in range(2):
        assert run("append", "--json", site / "news" / "000.md", "images", image).exit_code == 0
    assert len(newsrecord.load(site / "news" / "000.md").record.images) == 2  # one added


def test_dry_run_writes_nothing_and_lists_the_files(repo: Path) -> None:
    site = repo / "site"
    result = run("set", site, "--where", "heat < 2", "--dry-run", "--", "title=New")
    assert result.exit_code == 1
    assert git(repo, "status", "--porcelain") == ""
    lines = result.stdout.splitlines()
    assert lines == [f"{site / 'news' / '000.md'}: +1 -1", f"{site / 'news' / '001.md'}: +1 -1"]
    assert "matched 2 of 14 files: 2 would change, 0 unchanged" in result.stderr


def test_dry_run_diffs_shorten_the_secured_blob(repo: Path) -> None:
    site = repo / "site"
    new_blob = "A" * 43 + "=;" + "B" * 22 + "=="  # well formed: set refuses others
    result = run(
        "set",
        site / "news",
        "--where",
        "heat == 1",
        "--dry-run",
        "--diff",
        "--",
        f"secured={new_blob}",
    )
    assert "-secured:" in result.stdout
    assert "+secured:" in result.stdout
    assert SECURED not in result.stdout
    assert new_blob not in result.stdout
    assert '-secured: "(secured blob, 561 characters, sha256 fe2a1896…)"\n' in result.stdout
    assert '+secured: "(secured blob, 69 characters, sha256 06ab5220…)"\n' in result.stdout
    assert git(repo, "status", "--porcelain") == ""


def test_dry_run_diffs_of_a_record_being_repaired(repo: Path, tmp_path: Path) -> None:
    # A record that does not fit the model is edited too (the edit may be a step of its
    # repair); its diff is shown with the blob shortened, on one file and in bulk.
    folder = tmp_path / "repairs"
    folder.mkdir()
    path = folder / "000.md"
    path.write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    assert not newsrecord.load(path, strict=False).valid
    for arguments in ([path, "published=true"], [folder, "--", "published=true"]):
        result = run("set", "--dry-run", "--diff", *arguments)
        assert result.exit_code == 0, result.output
        assert "+published: true" in result.stdout
        assert SECURED not in result.stdout
    assert path.read_text(encoding="utf-8") == SEED_TEXT.replace("heat: 38", "heat: hot")


def test_single_file_usage_is_unchanged(repo: Path) -> None:
    path = repo / "site" / "news" / "000.md"
    result = run("set", path, "heat=7", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"--- a/{path}")
    assert run("set", path, "heat=7").exit_code == 0
    assert newsrecord.load(path).record.heat == 7
    assert run("set", path, "heat=hot").exit_code == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["set", "{site}", "--where", "heat >> 1", "--", "heat=1"], "column 7"),
        (["set", "{site}", "--", "titel=x"], "has no field 'titel'"),
        (["set", "{site}", "--", "heat=hot"], "expected an integer"),
        (["set", "{site}", "--where", "heat > 1"], "nothing to change"),
        (["set", "{site}/nope", "--where", "heat > 1", "--", "heat=1"], "does not exist"),
        (["append", "{site}", "--", "topics"], "takes one FIELD and one VALUE, not 1 argument"),
        (["append", "{site}", "--", "topics", "a", "b"], "one FIELD and one VALUE"),
    ],
)
def test_usage_errors_stop_before_any_file_is_touched(
    repo: Path, arguments: list[str], message: str
) -> None:
    site = repo / "site"
    result = run(*(argument.replace("{site}", str(site)) for argument in arguments))
    assert result.exit_code == 2
    assert message in result.stderr
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("command", [["set", "", "--", "heat=1"], ["unset", "", "--", "heat"]])
def test_an_empty_path_is_refused_not_taken_for_the_current_folder(
    repo: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # newsrecord set "$SITE" -- heat=1 with SITE unset: Path("") is the current folder.
    monkeypatch.chdir(repo / "site")
    result = run(*command)
    assert result.exit_code == 2
    assert "'' does not exist" in result.stderr
    assert git(repo, "status", "--porcelain") == ""


def test_where_errors_show_a_caret(repo: Path) -> None:
    result = run("find", repo / "site", "--where", 'title == "x" and')
    assert result.exit_code == 2
    assert 'title == "x" and\n' in result.stderr
    assert "\n" + " " * 18 + "^\n" in result.stderr


def test_find_lists_paths_tables_and_json(repo: Path) -> None:
    site = repo / "site"
    paths = run("find", site, "--where", "heat > 9")
    assert paths.stdout.splitlines() == [
        str(site / "archive" / "010.md"),
        str(site / "archive" / "011.md"),
    ]
    assert "matched 2 of 14 files, 1 failed" in paths.stderr
    table = run("find", site / "archive", "--where", "heat > 9", "-f", "heat", "-f", "topics")
    assert table.stdout.splitlines()[0].split() == ["path", "heat", "topics"]
    assert table.stdout.splitlines()[1].split()[1:] == ["10", '["Robots"]']
    lines = run(
        "find",
        site / "news",
        "--where",
        'type == "course"',
        "--format",
        "json",
        "-f",
        "price",
        "-f",
        "secured",
    )
    assert lines.stdout.splitlines() == [
        f'{{"path": "{site / "news" / "course.md"}", "price": "Free", "secured": null}}'
    ]
    secret = run("find", site / "news" / "000.md", "-f", "secured", "--format", "json")
    assert SECURED not in secret.stdout
    assert newsrecord.Secured(SECURED).redacted() in secret.stdout
    revealed = run(
        "find", site / "news" / "000.md", "-f", "secured", "--reveal", "--format", "json"
    )
    assert SECURED in revealed.stdout


# --- durability ------------------------------------------------------------------------


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counting(handle: int) -> None:
        calls.append(handle)
        real(handle)

    monkeypatch.setattr(os, "fsync", counting)
    return calls


def _edit_all(paths: list[Path], durability: newsrecord.Durability) -> None:
    for number, path in enumerate(paths):
        with newsrecord.edit(path, durability=durability) as doc:
            doc.record.heat = 1000 + number


def test_full_durability_syncs_each_file_and_folder(tmp_path: Path, fsyncs: list[int]) -> None:
    site = make_site(tmp_path)
    paths = sorted((site / "news").glob("0*.md"))
    _edit_all(paths, "full")
    assert len(fsyncs) == 2 * len(paths)


def test_batch_durability_syncs_once_at_the_end(tmp_path: Path, fsyncs: list[int]) -> None:
    site = make_site(tmp_path)
    paths = sorted((site / "news").glob("0*.md")) + sorted((site / "archive").glob("0*.md"))
    with newsrecord.Batch() as batch:
        _edit_all(paths, "batch")
        assert fsyncs == []
        assert batch.files == [path.resolve() for path in paths]
    # Every file once, then each of the two folders once.
    assert len(fsyncs) == len(paths) + 2
    assert batch.files == []
    assert [newsrecord.load(path).record.heat for path in paths] == [
        1000 + number for number in range(len(paths))
    ]


def test_a_large_batch_ends_with_one_sync_per_file_system(
    tmp_path: Path, fsyncs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord import files

    site = make_site(tmp_path, count=40)
    synced: list[int] = []

    def syncfs(handle: int) -> int:
        synced.append(os.fstat(handle).st_dev)
        return 0

    monkeypatch.setattr(files, "_syncfs", lambda: syncfs)
    monkeypatch.setattr(os, "sync", lambda: pytest.fail("sync() flushes every disk"))
    paths = sorted((site / "news").glob("0*.md")) + sorted((site / "archive").glob("0*.md"))
    with newsrecord.Batch():
        _edit_all(paths, "batch")
    if sys.platform == "linux":
        # Two folders on one file system: one syncfs().
        assert (synced, len(fsyncs)) == ([site.stat().st_dev], 0)
    else:
        assert (synced, len(fsyncs)) == ([], len(paths) + 2)


@pytest.mark.skipif(sys.platform != "linux", reason="syncfs() is Linux's")
def test_a_failed_write_back_fails_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord import files

    monkeypatch.setattr(files, "_syncfs", lambda: lambda handle: errno.EIO)
    site = make_site(tmp_path, count=40)
    with pytest.raises(OSError, match="Input/output error") as raised, newsrecord.Batch():
        _edit_all(sorted(site.glob("*/0*.md")), "batch")
    assert raised.value.errno == errno.EIO


@pytest.mark.skipif(sys.platform != "linux", reason="syncfs() is Linux's")
def test_syncfs_is_called_for_real_and_falls_back_to_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord import files

    files.sync_file_systems([tmp_path, tmp_path / "gone"])  # the real call: no error
    synced: list[None] = []
    monkeypatch.setattr(files, "_syncfs", lambda: None)
    monkeypatch.setattr(os, "sync", lambda: synced.append(None))
    files.sync_file_systems([tmp_path])
    assert synced == [None]


def test_no_durability_never_syncs(tmp_path: Path, fsyncs: list[int]) -> None:
    site = make_site(tmp_path)
    paths = sorted((site / "news").glob("0*.md"))
    _edit_all(paths, "none")
    doc = newsrecord.load(paths[0])
    doc.record.heat = 5
    doc.save(durability="none")
    assert fsyncs == []
    assert newsrecord.load(paths[0]).record.heat == 5


def test_batch_durability_needs_a_batch_and_is_checked_first(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    path = site / "news" / "000.md"
    before = path.read_bytes()
    ran = False
    with pytest.raises(ValueError, match="Batch"), newsrecord.edit(path, durability="batch"):
        ran = True
    assert not ran
    with pytest.raises(ValueError, match="durability"):
        newsrecord.load(path).save(durability="fast")  # type: ignore[arg-type]
    assert path.read_bytes() == before


def test_bulk_cli_syncs_per_batch_not_per_file(repo: Path, fsyncs: list[int]) -> None:
    site = repo / "site"
    result = run("set", site, "-j", "1", "--", "heat=5")
    assert "12 changed" in result.stderr
    # Thirteen files (the twelve articles and the course) in one batch: one syncfs() call on
    # Linux, else one fsync per file and folder, all at the end of the batch.
    assert len(fsyncs) <= 13 + 2


def test_a_word_without_quotes_gets_a_note_and_fails_the_run(repo: Path) -> None:
    result = run("find", repo / "site" / "news", "--where", "type == course")
    assert result.stderr.splitlines()[0] == (
        "newsrecord: note: 'course' is not a field of any kind of record, so only an unknown "
        'key can match it; text goes in quotes ("course"), a key as written in backquotes '
        "(`course`)"
    )
    # No record has a "course" key: the expression cannot have matched as meant.
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for --where: no record had a value at 'course' (7 records "
        "read), so the expression could not match as meant: a misspelt field, or text "
        "without quotes? Write `course` in backquotes to ask for such a key all the same"
    )
    quoted = run("find", repo / "site" / "news", "--where", 'type == "course"')
    assert "note" not in quoted.stderr
    assert quoted.stdout.splitlines() == [str(repo / "site" / "news" / "course.md")]


MISSPELT = [
    (
        "Error: Invalid value for --where: column 1: 'haet' is not a field; did you mean 'heat'? "
        "(`haet` in backquotes asks for a key of that name)"
    ),
    "  haet > 30",
    "  ^",
]


@pytest.mark.parametrize(
    "command",
    [
        ["find", "SITE", "--where", "haet > 30"],
        ["set", "SITE", "--where", "haet > 30", "--", "heat=31"],
        ["unset", "SITE", "--where", "haet > 30", "--", "heat"],
        ["append", "SITE", "--where", "haet > 30", "--", "topics", "AI"],
        ["set", "SITE", "--where", "haet > 30", "--dry-run", "--", "heat=31"],
    ],
)
def test_a_misspelt_field_in_where_is_a_usage_error_before_any_file_is_read(
    repo: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord.cli import _bulk

    def no_reading(*arguments: object, **options: object) -> None:
        raise AssertionError("a file was looked for or read")

    monkeypatch.setattr(_bulk, "record_files", no_reading)
    monkeypatch.setattr(newsrecord, "load", no_reading)
    site = str(repo / "site")
    result = run(*(site if word == "SITE" else word for word in command))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-3:] == MISSPELT
    assert git(repo, "status", "--porcelain") == ""


def test_a_misspelt_nested_field_and_a_word_meant_as_text_are_told_apart(repo: Path) -> None:
    nested = run("find", repo / "site", "--where", 'provider.nmae == "AOL"')
    assert nested.exit_code == 2
    assert nested.stderr.splitlines()[-3] == (
        "Error: Invalid value for --where: column 1: 'provider.nmae' is not a field; did you "
        "mean 'provider.name'? (`provider.nmae` in backquotes asks for a key of that name)"
    )
    word = run("find", repo / "site", "--where", "type == video")
    assert word.exit_code == 2
    assert word.stderr.splitlines()[-3:] == [
        (
            "Error: Invalid value for --where: column 9: 'video' is not a field; did you mean "
            "'videos'? (text goes in quotes: \"video\"; `video` in backquotes asks for a key of "
            "that name)"
        ),
        "  type == video",
        "          ^",
    ]


def test_a_key_close_to_a_field_is_asked_for_in_backquotes(repo: Path) -> None:
    archive = repo / "site" / "archive"
    added = run("set", archive / "006.md", "--new-key", "haet=31")
    assert added.exit_code == 0, added.output
    found = run("find", archive, "--where", "`haet` > 30")
    assert (found.exit_code, found.stdout, found.stderr) == (
        0,
        f"{archive / '006.md'}\n",
        "matched 1 of 6 files\n",
    )
    edited = run("set", archive, "--where", "`haet` > 30", "--", "heat=31")
    assert (edited.exit_code, edited.stderr) == (
        0,
        "matched 1 of 6 files: 1 changed, 0 unchanged, 0 failed\n",
    )
    assert newsrecord.load(archive / "006.md").record.heat == 31
    # Unquoted, it is refused even though a record has the key: that is what quotes say.
    assert run("find", archive, "--where", "haet > 30").exit_code == 2


def test_an_unknown_key_no_record_has_fails_the_run_even_after_edits(repo: Path) -> None:
    archive = repo / "site" / "archive"
    result = run("set", archive, "--where", "not exists(locale)", "--", "heat=1")
    # Every record matched (none has the key), and was changed: said, and status 2.
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        "matched 6 of 6 files: 6 changed, 0 unchanged, 0 failed",
        (
            "Error: Invalid value for --where: no record had a value at 'locale' (6 records "
            "read), so the expression could not match as meant: a misspelt field, or text "
            "without quotes? Write `locale` in backquotes to ask for such a key all the same"
        ),
    ]
    # In backquotes the key is taken as asked for: no note, no failure.
    quoted = run("find", archive, "--where", "`locale` == 'en'")
    assert (quoted.exit_code, quoted.stderr) == (0, "matched 0 of 6 files\n")


def test_an_unknown_key_some_record_has_is_a_note_only(repo: Path) -> None:
    archive = repo / "site" / "archive"
    assert run("set", archive / "007.md", "--new-key", "locale=en").exit_code == 0
    result = run("unset", archive, "--where", 'locale == "en"', "--", "locale")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        (
            "newsrecord: note: 'locale' is not a field of any kind of record, so only an unknown "
            'key can match it; text goes in quotes ("locale"), a key as written in backquotes '
            "(`locale`)"
        ),
        "matched 1 of 6 files: 1 changed, 0 unchanged, 0 failed",
    ]


def test_a_field_no_kind_declares_gets_a_note(repo: Path) -> None:
    archive = repo / "site" / "archive"
    assert run("set", archive / "007.md", "--new-key", "locale=en").exit_code == 0
    result = run("find", archive, "-f", "locale", "-f", "provider.name")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("note") == 1
    assert "'locale' is not a field of any kind of record" in result.stderr
    assert "an unknown key can fill its column" in result.stderr


@pytest.mark.parametrize("field", ["haet", "provider.nmae"])
def test_a_misspelt_field_asked_for_is_a_usage_error_before_any_file_is_read(
    repo: Path, field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord.cli import _bulk

    def no_reading(*arguments: object, **options: object) -> None:
        raise AssertionError("a file was looked for or read")

    monkeypatch.setattr(_bulk, "record_files", no_reading)
    result = run("find", repo / "site", "-f", field)
    assert (result.exit_code, result.stdout) == (2, "")
    close = "heat" if field == "haet" else "provider.name"
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --field: {field!r} is not a field; did you mean "
        f"{close!r}? (`{field}` in backquotes asks for a key of that name)"
    )


def test_a_field_asked_for_is_judged_as_where_judges_it(repo: Path) -> None:
    archive = repo / "site" / "archive"
    # In backquotes a key is taken as written, as in --where: no error, note or check.
    quoted = run("find", archive, "-f", "`haet`")
    assert (quoted.exit_code, quoted.stderr) == (0, "matched 6 of 6 files\n")
    # An unknown key no record has: its column was null in every row, a typo most likely.
    never = run("find", archive, "-f", "locale")
    assert never.exit_code == 2
    assert never.stderr.splitlines()[-1] == (
        "Error: Invalid value for --field: no record had a value at 'locale' (6 records "
        "read), so its column is null in every row: a misspelt field? Write `locale` in "
        "backquotes to ask for such a key all the same"
    )


def _meddle(monkeypatch: pytest.MonkeyPatch, victim: Path, change: Callable[[str], str]) -> None:
    """Make someone else save *victim* (heat 4) between a bulk edit's read and its write."""
    from newsrecord.cli import _bulk

    real = _bulk.apply_changes

    def meddling(doc: newsrecord.Document, changes: tuple[_bulk.Change, ...]) -> None:
        # (A Document: the changes are tried on empty records first, not read from files.)
        if isinstance(doc, newsrecord.Document) and getattr(doc.record, "heat", None) == 4:
            victim.write_text(change(victim.read_text(encoding="utf-8")))
        real(doc, changes)

    monkeypatch.setattr(_bulk, "apply_changes", meddling)


def test_a_file_changed_meanwhile_is_reported_not_overwritten(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = repo / "site"
    victim = site / "news" / "004.md"
    _meddle(monkeypatch, victim, lambda text: text.replace("heat: 4", "heat: 44"))
    result = run("set", site / "news", "-j", "1", "--", "quality=1")
    assert result.exit_code == 1
    assert "004.md: the file changed on disk after it was loaded" in result.stderr
    assert "matched 7 of 8 files: 6 changed, 0 unchanged, 1 failed" in result.stderr
    assert "heat: 44" in victim.read_text(encoding="utf-8")
    assert "quality: 38" in victim.read_text(encoding="utf-8")


def test_a_lost_update_names_the_file_as_given_and_says_to_run_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = repo / "site"
    victim = site / "news" / "004.md"
    _meddle(monkeypatch, victim, lambda text: text + "More.\n")  # every time
    monkeypatch.chdir(site)
    result = run("set", ".", "-j", "1", "--", "quality=1")
    assert result.exit_code == 1
    assert (
        "news/004.md: the file changed on disk after it was loaded; nothing was written "
        "(run the command again)\n"
    ) in result.stderr
    assert str(site) not in result.stderr
    one = run("set", "news/004.md", "quality=2")
    assert one.exit_code == 1
    assert one.stderr == (
        "news/004.md: the file changed on disk after it was loaded; nothing was written "
        "(run the command again)\n"
    )


def test_find_notes_a_comparison_with_the_wrong_type(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["find", str(tmp_path), "--where", 'heat > "30"'])
    assert result.exit_code == 0
    assert 'note: heat is a number in every kind that declares it, so heat > "30"' in (
        result.stderr
    )
    assert "matched 0 of 1 file" in result.stderr


# --- progress bars and summaries on a terminal ----------------------------------------------


def on_terminal(cwd: Path, *arguments: str) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal and stdout into a file.

    Returns the exit status, stdout and what the terminal showed.
    """
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    with (cwd / ".stdout").open("w+b") as out:
        environment = dict(os.environ, COLUMNS="100")
        process = subprocess.Popen(  # noqa: S603  # our own interpreter and package
            [sys.executable, "-m", "newsrecord", *arguments],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=slave,
            env=environment,
        )
        os.close(slave)
        shown = []
        while True:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the command closed the terminal
                break
            if not chunk:
                break
            shown.append(chunk)
        status = process.wait()
        os.close(master)
        out.seek(0)
        printed = out.read().decode("utf-8")
    (cwd / ".stdout").unlink()
    return status, printed, b"".join(shown).decode("utf-8", "replace")


LONG_RUNS = {
    "validate": (["validate", "site"], "validating", "checked 122 files: 121 valid"),
    "fmt": (["fmt", "--check", "site"], "formatting", "files"),
    "json": (["json", "site"], "exporting", "exported 121 records as JSON Lines"),
    "export": (["export", "site", "-o", "out.parquet"], "exporting", "exported 121 records"),
    "find": (["find", "site", "--where", "heat > 100"], "searching", "matched 19 of 122 files"),
    "set": (["set", "site", "--where", "heat > 100", "--", "quality=1"], "editing", "matched 19"),
    "unset": (["unset", "site", "--where", "heat > 110", "--", "quality"], "editing", "9 changed"),
    "append": (["append", "site", "--", "topics", "Bulk"], "editing", "121 changed"),
    "fix": (["fix", "site"], "repairing", "of 122 files repaired"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals")
@pytest.mark.parametrize("command", LONG_RUNS, ids=list(LONG_RUNS))
def test_long_runs_show_progress_on_a_terminal_and_end_with_a_summary(
    tmp_path: Path, command: str
) -> None:
    make_site(tmp_path, 120)
    arguments, label, summary = LONG_RUNS[command]
    if command != "fix":  # fix runs in one process
        arguments = [arguments[0], "-j", "2", *arguments[1:]]
    status, printed, shown = on_terminal(tmp_path, *arguments)
    assert label in shown, shown
    assert "100%" in shown
    assert summary in shown + printed  # validate prints its report, summary last, on stdout
    # The bar goes to the terminal (stderr), never into the output.
    assert label not in printed
    assert status == 1  # broken.md is reported


def test_without_a_terminal_there_is_no_bar(tmp_path: Path) -> None:
    make_site(tmp_path, 120)
    done = subprocess.run(  # our own interpreter and package
        [sys.executable, "-m", "newsrecord", "validate", "site"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "validating" not in done.stderr
    assert "checked 122 files" in done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT")
def test_ctrl_c_in_a_bulk_set_leaves_each_file_old_or_new(tmp_path: Path) -> None:
    import signal
    import time

    site = make_site(tmp_path, 3000)
    before = tree_bytes(site)
    folders = [site / "news", site / "archive"]
    started = [folder.stat().st_mtime_ns for folder in folders]
    process = subprocess.Popen(  # noqa: S603  # our own interpreter and package
        [sys.executable, "-m", "newsrecord", "set", "-j", "2", str(site), "--", "quality=7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's job is
    )
    # Interrupt as soon as the first save begins: the workers are busy then, with most of
    # the files still to do (a fixed sleep let a fast machine finish first). A save writes
    # a temporary file beside the record, which changes its folder's mtime: two stats a
    # turn, where looking at the 3,000 files took long enough on a loaded machine for the
    # command to finish first.
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if [folder.stat().st_mtime_ns for folder in folders] != started:
            break
        time.sleep(0.002)
    with contextlib.suppress(ProcessLookupError):  # ended first: the assert below says so
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err, err
    after = tree_bytes(site)
    assert after.keys() == before.keys()  # no temporary file left behind
    changed = would_change = 0
    for name, data in after.items():
        try:
            doc = newsrecord.loads(before[name])
        except newsrecord.RecordError:
            assert data == before[name], name  # the invalid file is never touched
            continue
        doc.set("quality", 7)
        edited = doc.dumps().encode("utf-8")
        would_change += edited != before[name]
        if data != before[name]:
            changed += 1
            assert data == edited, name  # each file is old or wholly new, never half
    assert changed < would_change  # it was stopped part way
    # The summary of what was done, marked as interrupted: the tree is half edited.
    summary, last = [line for line in err.splitlines() if line][-2:]
    assert last == "newsrecord: interrupted"
    told = re.fullmatch(
        r"interrupted: matched (\d+) of (\d+) files? so far: (\d+) changed, 0 unchanged, "
        r"0 failed(?:; 1 not valid records)?(?:; of (\d+) files? under way, some may be "
        r"saved too)?; the rest not done",
        summary,
    )
    assert told is not None, err
    # Every batch that ended is counted, even those that waited behind one still running;
    # what the batches stopped part way saved is not, but their files are counted as
    # under way: the count is never more, nor less than what that leaves out.
    under_way = int(told[4] or 0)
    assert int(told[3]) <= changed <= int(told[3]) + under_way


def test_an_interrupted_export_leaves_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    from newsrecord import export

    site = make_site(tmp_path, 3)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out)
    old = out.read_bytes()

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    def encode(_pa: object, _table: object, _format: str, sink: object) -> None:
        sink.write(b"PAR1")  # type: ignore[attr-defined]  # a pyarrow file
        interrupted()

    monkeypatch.setattr(export, "_encode", encode)
    with pytest.raises(KeyboardInterrupt):
        newsrecord.export_records(site, out)
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site.parquet"]


def test_replaced_files_are_closed_before_a_fork(tmp_path: Path) -> None:
    import queue

    from newsrecord import files

    # A closer whose thread has not started: what waits, sent or still being gathered,
    # is closed by drain() alone.
    closer = files._Closer()
    closer._queue = queue.Queue()
    sent = os.open(tmp_path / "old.md", os.O_CREAT | os.O_RDONLY)
    gathered = os.open(tmp_path / "old.md", os.O_RDONLY)
    closer._queue.put([sent])
    closer.close(gathered)
    assert closer._pending == [gathered]  # gathered, not sent: the group is not full
    closer.drain()
    for handle in (sent, gathered):
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fstat(handle)


def _open_descriptors() -> set[str]:
    return {entry.name for entry in Path("/proc/self/fd").iterdir()}


def _closed_soon(before: set[str]) -> bool:
    for _ in range(500):
        if _open_descriptors() <= before:
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd (Linux)")
def test_a_batch_closes_the_replaced_files_when_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    from newsrecord import files

    # A closer of our own that would wait an hour for a group to fill: only the end of
    # the batch sends it.
    closer = files._Closer()
    monkeypatch.setattr(closer, "_GATHER", 3600.0)
    monkeypatch.setattr(files, "_CLOSER", closer)
    paths = [tmp_path / f"{number}.md" for number in range(3)]
    for path in paths:
        path.write_text(SEED_TEXT, encoding="utf-8")
    before = _open_descriptors()
    olds = [path.open("rb") for path in paths]  # the files about to be replaced
    try:
        with newsrecord.Batch():
            for path in paths:
                with newsrecord.edit(path, durability="batch") as doc:
                    doc.record.heat = 3
            # Each replaced file is held open until its group goes to the closer, but
            # its lock is free already: a writer waiting on it goes on at once.
            assert len(closer._pending) == len(paths)
            for old in olds:
                fcntl.flock(old, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert closer._pending == []
    finally:
        for old in olds:
            old.close()
    assert _closed_soon(before)
    assert all(newsrecord.load(path).record.heat == 3 for path in paths)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd (Linux)")
def test_replaced_files_are_closed_soon_without_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord import files

    closer = files._Closer()
    monkeypatch.setattr(files, "_CLOSER", closer)
    paths = [tmp_path / f"{number}.md" for number in range(3)]
    for path in paths:
        path.write_text(SEED_TEXT, encoding="utf-8")
    before = _open_descriptors()
    for path in paths:
        with newsrecord.edit(path, durability="none") as doc:
            doc.record.heat = 4
    # No batch ends and the group never fills: the closer takes it a moment after its
    # first descriptor came.
    assert _closed_soon(before)
    assert closer._pending == []


def test_saves_through_a_linked_path_replace_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "link").symlink_to(real)
    # A linked folder, then a climb out of it: the save lands where the OS resolves it.
    climbing = tmp_path / "link" / ".." / "real" / "a.md"
    with newsrecord.edit(climbing) as doc:
        doc.record.heat = 1
    assert newsrecord.load(real / "a.md").record.heat == 1
    (tmp_path / "b.md").symlink_to(real / "a.md")
    with newsrecord.edit(tmp_path / "b.md", durability="none") as doc:
        doc.record.heat = 2
    assert (tmp_path / "b.md").is_symlink()
    assert newsrecord.load(real / "a.md").record.heat == 2


def test_a_pattern_too_slow_on_a_value_stops_the_run_as_a_usage_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord import query

    site = repo / "site"
    monkeypatch.setattr(query, "_TIMEOUT", 1e-6)
    long = newsrecord.Article(title="x" * 200_000, type="article")
    (site / "news" / "long.md").write_text(newsrecord.dumps(long), encoding="utf-8")
    result = run("set", site, "--where", 'title matches "x.*y.*z.*=$"', "--", "heat=1")
    assert result.exit_code == 2
    assert "took more than" in result.stderr
    assert "Traceback" not in result.output
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


def test_diff_alone_previews_and_writes_nothing(repo: Path) -> None:
    # As fmt --diff and fix --diff do: a user asking for diffs does not expect writes.
    site = repo / "site"
    bulk = run("set", site, "--where", "heat < 2", "--diff", "--", "title=New")
    assert bulk.exit_code == 1  # broken.md
    assert bulk.stdout.count('+title: "New"') == 2
    assert "2 would change" in bulk.stderr
    one = run("set", site / "news" / "000.md", "--diff", "heat=7")
    assert one.exit_code == 0, one.output
    assert "+heat: 7" in one.stdout
    assert git(repo, "status", "--porcelain") == ""


def test_unset_of_a_field_no_record_has_and_no_kind_knows_is_a_usage_error(repo: Path) -> None:
    site = repo / "site"
    one = run("unset", site / "news" / "000.md", "featuredContnet")
    assert one.exit_code == 2
    assert "did you mean 'featuredContent'?" in one.output
    many = run("unset", site, "--", "featuredContnet")
    assert many.exit_code == 2
    assert "no record had 'featuredContnet'" in many.output
    # A key no kind knows, but that files hold (kept in extra), is removed as asked.
    doc = newsrecord.load(site / "news" / "000.md")
    doc.set("localNote", "x", strict=False)
    doc.save()
    assert run("unset", site, "--", "localNote").exit_code == 1  # broken.md, as ever
    assert "localNote" not in (site / "news" / "000.md").read_text(encoding="utf-8")


def test_unset_of_a_misspelt_nested_field_names_the_nested_field(repo: Path) -> None:
    result = run("unset", repo / "site", "--", "provider.nmae")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for FIELD: no record had 'provider.nmae' (did you mean "
        "'provider.name'?), and no kind of record has such a field"
    )
    assert git(repo, "status", "--porcelain") == ""


def test_unset_tells_a_second_file_from_a_field(repo: Path) -> None:
    news = repo / "site" / "news"
    result = run("unset", news / "000.md", news / "001.md", "heat")
    assert result.exit_code == 2
    assert "is a file, not a field" in result.output
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("second", ["news/001.md", "archive"])
def test_set_tells_a_second_path_from_a_change(repo: Path, second: str) -> None:
    site = repo / "site"
    result = run("set", site / "news" / "000.md", site / second, "heat=1")
    assert result.exit_code == 2
    assert f"'{site / second}' is a path, not FIELD=VALUE" in result.output
    assert f"{site / second} -- FIELD=VALUE" in result.output
    assert git(repo, "status", "--porcelain") == ""


def test_a_bulk_edit_without_where_tells_of_records_still_broken(repo: Path) -> None:
    news = repo / "site" / "news"
    (news / "broken.md").unlink()
    bad = (news / "000.md").read_text(encoding="utf-8").replace("heat: 0", "heat: hot")
    (news / "000.md").write_text(bad, encoding="utf-8")
    result = run("set", news, "--", "quality=1")
    assert result.exit_code == 1
    assert f"{news / '000.md'}:" in result.stderr
    assert "heat: expected an integer, found the string 'hot'" in result.stderr
    assert "7 changed, 0 unchanged, 0 failed (1 still not fitting the model)" in result.stderr
    assert "quality: 1" in (news / "000.md").read_text(encoding="utf-8")  # edited all the same


def test_every_command_over_folders_takes_a_pattern(repo: Path) -> None:
    site = repo / "site"
    texts = repo / "texts"
    texts.mkdir()
    (texts / "seed.txt").write_text(SEED_TEXT, encoding="utf-8")
    found = run("find", texts, "--pattern", "*.txt")
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines() == [str(texts / "seed.txt")]
    assert run("json", texts, "--pattern", "*.txt").stdout.startswith("{")
    edited = run("set", texts, "--pattern", "*.txt", "--", "heat=3")
    assert edited.exit_code == 0, edited.output
    assert newsrecord.load(texts / "seed.txt").record.heat == 3
    # Without it, nothing is found: said, with the way out, and not a success.
    for command in (["find", texts], ["json", texts], ["set", texts, "--", "heat=4"]):
        result = run(*command)
        assert result.exit_code == 1, command
        assert "--pattern '*.txt'" in result.stderr, command
    assert run("find", site, "--pattern", "0*.md").stdout.count(".md") == 12


@pytest.mark.parametrize(
    "command",
    [
        ["find"],
        ["validate"],
        ["fmt", "--check"],
        ["fix", "--check"],
        ["json"],
        ["export", "-o", "out.jsonl"],
        ["set", "--", "heat=1"],
    ],
)
@pytest.mark.parametrize(
    ("pattern", "told"),
    [
        ("", "an empty pattern matches no file"),
        ("**/*.md", "'**/*.md' has a folder in it, but a pattern matches file names only"),
        ("news/*.md", "give --pattern '*.md'; to search one folder, give it as a PATH (news)"),
    ],
)
def test_a_pattern_that_can_match_no_file_name_is_a_usage_error(
    repo: Path, command: list[str], pattern: str, told: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    name, *rest = command
    arguments = [name, "--pattern", pattern, "site", *rest]
    if name == "set":
        arguments = [name, "--pattern", pattern, "site", "site/news", *rest]
    result = run(*arguments)
    assert result.exit_code == 2, result.output
    assert told in result.stderr
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("command", ["find", "set", "unset", "append"])
def test_the_where_example_of_the_help_matches_a_record_it_describes(
    tmp_path: Path, command: str
) -> None:
    # The example was 'published > 2024-01-01 and "AI" in topics': published is true or
    # false, and the command itself said the query could never match.
    shown = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
    example = shown.split("Only records matching EXPR, such as '", 1)[1].split("'. ", 1)[0]
    (tmp_path / "seed.md").write_text(SEED_TEXT, encoding="utf-8")  # 2023, topics: AI
    result = CliRunner().invoke(main, ["find", str(tmp_path), "--where", example])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.output
    assert result.output.splitlines()[-1] == "matched 1 of 1 file"


@pytest.mark.parametrize(
    "arguments",
    [["find", "--where", "quality > 1"], ["set", "--", "quality=3"], ["unset", "tags"]],
)
def test_a_folder_without_records_is_told_once(tmp_path: Path, arguments: list[str]) -> None:
    # They printed "matched 0 of 0 files" and then why there was nothing to match.
    (tmp_path / "notes.html").write_text("<p>not a record</p>\n", encoding="utf-8")
    result = run(arguments[0], tmp_path, *arguments[1:])
    assert result.exit_code == 1
    assert result.stderr == "newsrecord: no record files found: folders are searched for *.md\n"


def test_summaries_count_one_file_as_one_file(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    assert run("set", tmp_path, "--", "quality=3").stderr == (
        "matched 1 of 1 file: 1 changed, 0 unchanged, 0 failed\n"
    )
    assert run("find", tmp_path, "--where", "quality == 3").stderr == "matched 1 of 1 file\n"
    assert run("fmt", tmp_path).stderr == "0 of 1 file reformatted\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_read_only_folder_is_told_once_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path, 6)
    news = site / "news"
    (news / "broken.md").unlink()
    monkeypatch.chdir(site)
    news.chmod(0o555)
    try:
        edited = run("set", "news", "--", "heat=99")
        alone = run("set", "news/000.md", "heat=99")
    finally:
        news.chmod(0o755)
    assert edited.exit_code == 1
    lines = edited.stderr.splitlines()
    names = ["000.md", "001.md", "002.md", "course.md"]
    assert lines == [
        *(f"news/{name}: cannot save the record: its folder is read-only" for name in names),
        (
            "news: the folder is read-only, so 4 files in it could not be saved (make it "
            "writable, for example with 'chmod u+w news', then run the command again)"
        ),
        "matched 4 of 4 files: 0 changed, 0 unchanged, 4 failed",
    ]
    # The one file of the one-file form: the whole message, which names the folder.
    assert alone.exit_code == 1
    assert (
        f"news/000.md: cannot save the record: its folder {news} is read-only (make it "
        f"writable, for example with 'chmod u+w {news}', to save it)"
    ) in alone.stderr


def _doubled(batch: list[int], _: object) -> list[int]:
    return [number * 2 for number in batch]


def _first_batch_stopped(batch: list[int], _: object) -> list[int]:
    if batch[0] == 0:
        time.sleep(1)  # the other worker ends every other batch meanwhile
        raise KeyboardInterrupt  # comes back to the parent as its Ctrl-C would
    return _doubled(batch, None)


def test_a_run_stopped_early_tells_what_it_did_but_did_not_hand_out() -> None:
    from newsrecord import _pool

    # Stopped by the caller part way through a batch in hand: the rest of it was done.
    unfinished = _pool.Unfinished()
    results = _pool.run_items(_doubled, range(100), None, 1, unfinished)
    taken = [next(results) for _ in range(40)]  # the first batch (32) and 8 of the second
    results.close()
    assert taken[-1] == (39, 78)
    assert unfinished.results == [(number, number * 2) for number in range(40, 96)]
    assert unfinished.under_way == 0
    # Stopped inside a batch: what it did is unknown, and counted as under way.
    unfinished = _pool.Unfinished()
    with pytest.raises(KeyboardInterrupt):
        list(_pool.run_items(_first_batch_stopped, range(100), None, 1, unfinished))
    assert (unfinished.results, unfinished.under_way) == ([], 32)
    # In worker processes: the batches that ended behind the one stopped are told.
    unfinished = _pool.Unfinished()
    with pytest.raises(KeyboardInterrupt):
        list(_pool.run_items(_first_batch_stopped, range(400), None, 2, unfinished))
    assert unfinished.results == [(number, number * 2) for number in range(32, 400)]
