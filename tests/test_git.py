"""newsrecord in real git repositories: merge driver, diff, resolve, validate, pre-commit.

Every test builds its own repository in a temporary folder, with records copied from the
real corpus (and our seed) at test time.
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.helpers import HUGE_TEXT, SECURED, SEED

import newsrecord

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ROOT = Path(__file__).resolve().parent.parent
COMMAND = f"{shlex.quote(sys.executable)} -m newsrecord"
RECORDS = 6


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    # git from PATH with our own arguments: nothing untrusted runs.
    done = subprocess.run(  # noqa: S603
        ["git", *args],  # noqa: S607
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def newsrecord_cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # this Python, our arguments
        [sys.executable, "-m", "newsrecord", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def news_with_related(corpus_files: list[Path]) -> list[Path]:
    chosen = [
        path
        for path in corpus_files
        if path.parent.name == "_news" and "\nrelated:" in path.read_text(encoding="utf-8")
    ]
    if len(chosen) < RECORDS:
        pytest.skip("the corpus has too few news records with related articles")
    return chosen[:RECORDS]


def make_repo(tmp_path: Path, records: list[Path], *, driver: bool = True) -> Path:
    repo = tmp_path / "site"
    (repo / "_news").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    for record in records:
        shutil.copyfile(record, repo / "_news" / record.name)
    shutil.copyfile(SEED, repo / "_news" / "2023-11-19-seed.md")
    if driver:
        done = newsrecord_cli(repo, "git", "setup", "--command", COMMAND)
        assert done.returncode == 0, done.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "records")
    return repo


def edit_all(repo: Path, change: Callable[[newsrecord.Document], None]) -> None:
    for path in sorted((repo / "_news").glob("*.md")):
        with newsrecord.edit(path) as doc:
            change(doc)


def bot(doc: newsrecord.Document) -> None:
    doc.record.heat = (doc.record.heat or 0) + 7
    related = list(doc.record.related or [])
    fresh = newsrecord.RelatedArticle(title="Added by the bot", web_url="https://example.com/new")
    doc.record.related = [fresh, *related[1:]]  # one added on top, the first one dropped


def editor(doc: newsrecord.Document) -> None:
    doc.record.title = f"{doc.record.title} (edited)"


def changed_lines(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def show(repo: Path, revision: str, path: str) -> str:
    return git(repo, "show", f"{revision}:{path}").stdout


@pytest.fixture
def branches(tmp_path: Path, corpus_files: list[Path]) -> Path:
    """A repository with the driver, a bot branch and an editor's commit on main."""
    repo = make_repo(tmp_path, news_with_related(corpus_files))
    git(repo, "checkout", "-q", "-b", "bot")
    edit_all(repo, bot)
    git(repo, "commit", "-q", "-am", "bot: heat and related")
    git(repo, "checkout", "-q", "main")
    edit_all(repo, editor)
    git(repo, "commit", "-q", "-am", "editor: titles")
    return repo


def test_setup_is_idempotent(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, [])
    again = newsrecord_cli(repo, "git", "setup", "--command", COMMAND)
    assert again.returncode == 0
    attributes = (repo / ".gitattributes").read_text(encoding="utf-8")
    assert attributes == "*.md merge=newsrecord diff=newsrecord\n"
    driver = git(repo, "config", "--get-all", "merge.newsrecord.driver").stdout
    assert driver == f"{COMMAND} merge --marker-size %L --path %P %O %A %B\n"


def test_bot_and_editor_branches_merge_without_conflicts(branches: Path) -> None:
    repo = branches
    done = git(repo, "merge", "--no-edit", "bot", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    names = git(repo, "ls-files", "_news").stdout.split()
    assert len(names) == RECORDS + 1
    for name in names:
        base, theirs = show(repo, "main~2", name), show(repo, "bot", name)
        ours, merged = show(repo, "main~1", name), show(repo, "HEAD", name)
        # The merge changed exactly the lines the bot changed, nothing else.
        assert changed_lines(ours, merged) == changed_lines(base, theirs), name
        record = newsrecord.loads(merged).record
        assert record.title.endswith(" (edited)")
        assert record.heat == (newsrecord.loads(base).record.heat or 0) + 7
        assert record.related[0].web_url == "https://example.com/new"


def test_a_true_conflict_is_marked_and_fails(branches: Path) -> None:
    repo = branches
    git(repo, "checkout", "-q", "bot")
    edit_all(repo, lambda doc: setattr(doc.record, "title", "The bot's title"))
    git(repo, "commit", "-q", "-am", "bot: titles too")
    git(repo, "checkout", "-q", "main")
    done = git(repo, "merge", "--no-edit", "bot", check=False)
    assert done.returncode != 0
    conflicted = git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split()
    assert len(conflicted) == RECORDS + 1
    text = (repo / conflicted[0]).read_text(encoding="utf-8")
    assert f"<<<<<<< ours:{conflicted[0]}" in text
    assert 'title: "The bot\'s title"' in text or "title: The bot's title" in text
    # Outside the markers the file is merged: the bot's heat is there.
    assert text.count("<<<<<<<") == 1


def test_diff_between_revisions(branches: Path) -> None:
    repo = branches
    done = newsrecord_cli(repo, "diff", "main~1", "bot")
    assert done.returncode == 1, done.stderr
    assert "  heat: " in done.stdout
    assert "  related[webUrl=https://example.com/new]: added" in done.stdout
    last = done.stdout.splitlines()[-1]
    assert last.startswith(f"{RECORDS + 1} records, {RECORDS + 1} changed: ")
    assert f"heat changed in {RECORDS + 1}" in last
    as_json = json.loads(newsrecord_cli(repo, "diff", "--format", "json", "main~1", "bot").stdout)
    assert len(as_json["files"]) == RECORDS + 1
    same = newsrecord_cli(repo, "diff", "main", "main")
    assert same.returncode == 0


def test_diff_between_revisions_follows_renamed_records(branches: Path) -> None:
    repo = branches
    names = sorted(git(repo, "ls-files", "_news").stdout.split())
    moved, edited = names[0], names[1]
    git(repo, "mv", moved, "_news/a-new-slug.md")
    git(repo, "mv", edited, "_news/another-slug.md")
    with newsrecord.edit(repo / "_news" / "another-slug.md") as doc:
        doc.record.heat = 99
    git(repo, "commit", "-q", "-am", "new slugs")
    done = newsrecord_cli(repo, "diff", "HEAD~1", "HEAD")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert f"_news/a-new-slug.md (renamed from {moved})" in lines
    assert f"_news/another-slug.md (renamed from {edited})" in lines
    assert any(line.startswith("  heat: ") and line.endswith("-> 99") for line in lines)
    assert lines[-1].startswith("2 records, 1 changed: ")
    assert lines[-1].endswith("; files renamed 2")
    as_json = json.loads(newsrecord_cli(repo, "diff", "--format", "json", "HEAD~1", "HEAD").stdout)
    assert {file["renamedFrom"] for file in as_json["files"]} == {moved, edited}


def seed_repo(tmp_path: Path) -> Path:
    """A repository with the seed record, then a commit that raises its heat to 40."""
    repo = make_repo(tmp_path, [], driver=False)
    with newsrecord.edit(repo / "_news" / "2023-11-19-seed.md") as doc:
        doc.record.heat = 40
    git(repo, "commit", "-q", "-am", "heat")
    return repo


def test_diff_of_a_path_that_names_nothing_is_a_usage_error(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path)
    done = newsrecord_cli(repo, "diff", "HEAD~1", "HEAD", "nosuchdir")
    assert done.returncode == 2
    assert "'nosuchdir' names nothing in HEAD~1, HEAD or the working tree" in done.stderr
    assert done.stdout == ""
    typo = newsrecord_cli(repo, "diff", "HEAD~1", "HEAD", "_new")
    assert typo.returncode == 2
    assert "did you mean '_news'?" in typo.stderr
    nested = newsrecord_cli(repo, "diff", "HEAD~1", "HEAD", "_news/2023-11-19-sed.md")
    assert "did you mean '_news/2023-11-19-seed.md'?" in nested.stderr
    # What a revision holds counts, though the working tree no longer has it; and a
    # pathspec that matches files is a path.
    git(repo, "rm", "-q", "-r", "_news")
    for paths in (["_news"], ["_news/*.md"]):
        done = newsrecord_cli(repo, "diff", "HEAD~1", "HEAD", *paths)
        assert done.returncode == 1, done.stderr
        assert "  heat: 38 -> 40" in done.stdout


def test_diff_tells_an_unknown_revision_and_a_folder_outside_any_repository(
    tmp_path: Path,
) -> None:
    repo = seed_repo(tmp_path)
    far = newsrecord_cli(repo, "diff", "HEAD", "HEAD~5")
    assert far.returncode == 2
    assert (
        "Invalid value for REV2: unknown revision 'HEAD~5': HEAD has 2 commits in its "
        "first-parent history"
    ) in far.stderr
    assert "names nothing" not in far.stderr
    alone = newsrecord_cli(repo, "diff", "HEAD~5")
    assert alone.returncode == 2
    assert "unknown revision 'HEAD~5': HEAD has 2 commits" in alone.stderr
    reflog = newsrecord_cli(repo, "diff", "HEAD", "main@{9}")
    assert "Invalid value for REV2: unknown revision 'main@{9}'" in reflog.stderr
    # A plain word could be either: both are said.
    word = newsrecord_cli(repo, "diff", "HEAD", "mian")
    assert "'mian' names nothing in HEAD or the working tree and is no revision" in word.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    done = subprocess.run(  # this Python, our arguments
        [sys.executable, "-m", "newsrecord", "diff", "HEAD"],
        cwd=outside,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 2
    assert (
        "there is no git repository here to read revision 'HEAD' in, and no file by that name"
    ) in done.stderr
    assert "not a file nor a revision" not in done.stderr


def test_validate_changed_since_runs_git_in_the_repository_of_the_paths(
    tmp_path: Path,
) -> None:
    repo = seed_repo(tmp_path)
    news = repo / "_news"
    with newsrecord.edit(news / "2023-11-19-seed.md") as doc:
        doc.record.heat = 41
    shutil.copyfile(SEED, news / "untracked.md")
    (news / "untracked.md").write_text(
        (news / "untracked.md").read_text(encoding="utf-8").replace("heat: 38", "heat: x"),
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for given in (str(news), os.path.relpath(news, elsewhere), str(repo)):
        done = newsrecord_cli(elsewhere, "validate", "--changed-since", "HEAD", given)
        assert done.returncode == 1, done.stderr
        assert "checked 2 files: 1 valid, 1 invalid" in done.stdout
        shown = str(Path(given, "untracked.md" if given != str(repo) else "_news/untracked.md"))
        assert f"{shown}:" in done.stdout
    # Two repositories at once: each compared with its own HEAD.
    other = make_repo(tmp_path / "second", [], driver=False)
    both = newsrecord_cli(
        elsewhere, "validate", "--changed-since", "HEAD", str(news), str(other / "_news")
    )
    assert "checked 2 files" in both.stdout, both.stderr
    outside = newsrecord_cli(elsewhere, "validate", "--changed-since", "HEAD", ".")
    assert outside.returncode == 2
    assert "'.' is not in a git repository" in outside.stderr
    unknown = newsrecord_cli(elsewhere, "validate", "--changed-since", "HEAD~9", str(news))
    assert unknown.returncode == 2
    assert "unknown revision 'HEAD~9': HEAD has 2 commits" in unknown.stderr


def test_diff_of_a_revision_and_the_working_tree(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path)
    seed = repo / "_news" / "2023-11-19-seed.md"
    with newsrecord.edit(seed) as doc:
        doc.record.heat = 41
        doc.record.topics = [*doc.record.topics, "Bulk"]
    shutil.copyfile(seed, repo / "_news" / "untracked.md")
    done = newsrecord_cli(repo, "diff", "HEAD")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "_news/2023-11-19-seed.md",
        "  heat: 40 -> 41",
        "  topics: + Bulk",
        "1 record, 1 changed: heat changed in 1; topics +1 in 1",
    ]
    for paths in (["."], ["_news"], ["_news/2023-11-19-seed.md"]):
        assert newsrecord_cli(repo, "diff", "HEAD", *paths).stdout == done.stdout
    older = newsrecord_cli(repo, "diff", "HEAD~1", "_news")
    assert "  heat: 38 -> 41" in older.stdout.splitlines()
    as_json = json.loads(newsrecord_cli(repo, "diff", "--format", "json", "HEAD").stdout)
    assert [file["path"] for file in as_json["files"]] == ["_news/2023-11-19-seed.md"]
    assert as_json["summary"] == done.stdout.splitlines()[-1]
    # An untracked file is left out, as git diff leaves it; git add -N counts it in.
    git(repo, "add", "-N", "_news/untracked.md")
    added = newsrecord_cli(repo, "diff", "HEAD").stdout.splitlines()
    assert "_news/untracked.md (added)" in added
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "reset", "-q")
    (repo / "_news" / "untracked.md").unlink()
    same = newsrecord_cli(repo, "diff", "HEAD", "_news")
    assert (same.returncode, same.stdout) == (0, "0 records: no changes\n")


def test_diff_tells_its_argument_forms_apart(tmp_path: Path) -> None:
    repo = seed_repo(tmp_path)
    # A revision and six paths are not the seven arguments of an external diff.
    done = newsrecord_cli(repo, "diff", "HEAD~1", *["_news"] * 6)
    assert done.returncode == 1, done.stderr
    assert "  heat: 38 -> 40" in done.stdout
    # A name that is both a branch and a folder is refused; ./NAME is the folder.
    git(repo, "branch", "_news")
    both = newsrecord_cli(repo, "diff", "HEAD~1", "_news")
    assert both.returncode == 2
    assert "'_news' is both a revision and a path in the working tree" in both.stderr
    assert "./_news" in both.stderr
    folder = newsrecord_cli(repo, "diff", "HEAD~1", "./_news")
    assert folder.returncode == 1, folder.stderr
    assert "  heat: 38 -> 40" in folder.stdout
    alone = newsrecord_cli(repo, "diff", "_news/2023-11-19-seed.md")
    assert alone.returncode == 2
    assert "not a revision: '_news/2023-11-19-seed.md' (diff takes OLD NEW files" in alone.stderr
    # Two files are two files, even where the first names a revision too.
    (repo / "HEAD").write_text(show(repo, "HEAD~1", "_news/2023-11-19-seed.md"), encoding="utf-8")
    files = newsrecord_cli(repo, "diff", "HEAD", "_news/2023-11-19-seed.md")
    assert (files.returncode, files.stdout) == (1, "heat: 38 -> 40\n")


def test_git_diff_uses_the_textconv_and_external_diff(branches: Path) -> None:
    repo = branches
    text = git(repo, "diff", "main~1", "bot").stdout
    assert "+heat: " in text  # the flattened view, one line per field
    assert "secured: (secured blob" in text or "secured" not in text
    external = git(repo, "-c", f"diff.newsrecord.command={COMMAND} diff", "diff", "main~1", "bot")
    assert "diff --newsrecord a/_news/2023-11-19-seed.md" in external.stdout
    assert "  heat: 38 -> 45" in external.stdout


def test_resolve_for_hosts_without_merge_drivers(tmp_path: Path, corpus_files: list[Path]) -> None:
    repo = make_repo(tmp_path, news_with_related(corpus_files), driver=False)
    git(repo, "checkout", "-q", "-b", "bot")
    # The line next to the title: git's line merge conflicts on neighbours.
    edit_all(repo, lambda doc: setattr(doc.record, "category", "robots"))
    git(repo, "commit", "-q", "-am", "bot")
    git(repo, "checkout", "-q", "main")
    edit_all(repo, editor)
    git(repo, "commit", "-q", "-am", "editor")
    assert git(repo, "merge", "--no-edit", "bot", check=False).returncode != 0
    # Run in the records' folder, naming them as a shell there would: relative paths.
    names = sorted(path.name for path in (repo / "_news").glob("*.md"))
    done = newsrecord_cli(repo / "_news", "git", "resolve", *names)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(names)} of {len(names)} conflicted records resolved" in done.stdout
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == ""
    git(repo, "commit", "-q", "--no-edit")
    for path in (repo / "_news").glob("*.md"):
        record = newsrecord.load(path).record
        assert record.category == "robots"
        assert record.title.endswith(" (edited)")


SEED_NAME = "_news/2023-11-19-seed.md"


def change_neighbouring_lines(repo: Path, path: Path) -> None:
    """Branch ``bot`` changes heat, ``main`` quality: lines next to each other, which git's
    line merge takes for a conflict though the fields merge cleanly."""
    git(repo, "checkout", "-q", "-b", "bot")
    replace_line(path, "heat: 38", "heat: 45")
    git(repo, "commit", "-q", "-am", "bot")
    git(repo, "checkout", "-q", "main")
    replace_line(path, "quality: 38", "quality: 40")
    git(repo, "commit", "-q", "-am", "main")


def replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert f"\n{old}\n" in text, old
    path.write_text(text.replace(f"\n{old}\n", f"\n{new}\n", 1), encoding="utf-8")


def conflicted_seed(tmp_path: Path, ours: str, theirs: str, *, driver: bool) -> Path:
    """The seed with `heat: 38` changed to *ours* on main and to *theirs* on bot, merged."""
    repo = make_repo(tmp_path, [], driver=driver)
    git(repo, "checkout", "-q", "-b", "bot")
    replace_line(repo / SEED_NAME, "heat: 38", theirs)
    git(repo, "commit", "-q", "-am", "bot")
    git(repo, "checkout", "-q", "main")
    replace_line(repo / SEED_NAME, "heat: 38", ours)
    git(repo, "commit", "-q", "-am", "main")
    assert git(repo, "merge", "--no-edit", "bot", check=False).returncode == 1
    return repo


def unmerged(repo: Path) -> str:
    return git(repo, "diff", "--name-only", "--diff-filter=U").stdout


def edited_message(name: str, line: int, shown: str) -> str:
    return (
        f"{name}: edited since the merge left it (line {line} differs); left as it is. "
        f"Finish it by hand and git add it, or start over: git checkout -m -- {shown} "
        "recreates the conflicted file; --force overwrites your edits\n"
    )


@pytest.mark.parametrize("driver", [True, False], ids=["driver", "no-driver"])
def test_resolve_leaves_a_file_edited_since_the_merge_as_it_is(
    tmp_path: Path, *, driver: bool
) -> None:
    repo = conflicted_seed(tmp_path, "heat: 222", "heat: 111", driver=driver)
    path = repo / SEED_NAME
    replace_line(path, "quality: 38", "quality: 99  # my manual fix")
    edited = path.read_bytes()
    done = newsrecord_cli(repo / "_news", "git", "resolve", path.name)
    assert done.returncode == 1
    assert done.stdout == "0 of 1 conflicted record resolved\n"
    assert done.stderr == edited_message(SEED_NAME, 9, path.name)
    assert path.read_bytes() == edited
    assert unmerged(repo) == f"{SEED_NAME}\n"
    # Started over as the message says, the file is what the merge left: resolve runs.
    git(repo, "checkout", "-m", "--", SEED_NAME)
    again = newsrecord_cli(repo, "git", "resolve", SEED_NAME)
    assert again.returncode == 1
    assert again.stdout == "0 of 1 conflicted record resolved\n"
    assert again.stderr == f"{SEED_NAME}: conflicts in heat\n"


def test_resolve_does_not_stage_a_file_edited_since_the_merge(tmp_path: Path) -> None:
    # Neighbouring lines: git's line merge conflicts where the fields merge cleanly.
    repo = make_repo(tmp_path, [], driver=False)
    path = repo / SEED_NAME
    change_neighbouring_lines(repo, path)
    assert git(repo, "merge", "--no-edit", "bot", check=False).returncode == 1
    replace_line(path, "type: article", "type: article  # checked")
    edited = path.read_bytes()
    done = newsrecord_cli(repo, "git", "resolve")
    assert done.returncode == 1
    assert done.stdout == "0 of 1 conflicted record resolved\n"
    assert done.stderr == edited_message(SEED_NAME, 8, SEED_NAME)
    assert path.read_bytes() == edited
    assert unmerged(repo) == f"{SEED_NAME}\n"
    # --force overwrites on purpose, and says so.
    forced = newsrecord_cli(repo, "git", "resolve", "--force")
    assert forced.returncode == 0
    assert forced.stdout == f"{SEED_NAME}: resolved\n1 of 1 conflicted record resolved\n"
    assert forced.stderr == f"{SEED_NAME}: edited since the merge left it; overwritten (--force)\n"
    record = newsrecord.load(path).record
    assert (record.quality, record.heat, record.type) == (40, 45, "article")
    assert "# checked" not in path.read_text(encoding="utf-8")
    assert unmerged(repo) == ""


def test_resolve_that_resolves_nothing_leaves_the_file_as_git_wrote_it(tmp_path: Path) -> None:
    repo = conflicted_seed(tmp_path, "heat: 222", "heat: 111", driver=False)
    path = repo / SEED_NAME
    merged = path.read_bytes()
    assert b"<<<<<<< HEAD\n" in merged
    done = newsrecord_cli(repo, "git", "resolve", SEED_NAME)
    assert done.returncode == 1
    assert done.stdout == "0 of 1 conflicted record resolved\n"
    assert done.stderr == f"{SEED_NAME}: conflicts in heat\n"
    assert path.read_bytes() == merged  # not even its markers relabelled


def test_resolve_after_a_failed_merge_driver_writes_the_merge(tmp_path: Path) -> None:
    # The bulk merge of docs/git.md: a driver that fails leaves our version in the file.
    repo = make_repo(tmp_path, [])
    path = repo / SEED_NAME
    change_neighbouring_lines(repo, path)
    merged = git(
        repo, "-c", "merge.newsrecord.driver=false", "merge", "--no-edit", "bot", check=False
    )
    assert merged.returncode == 1
    assert path.read_bytes() == git(repo, "show", f":2:{SEED_NAME}").stdout.encode()
    done = newsrecord_cli(repo, "git", "resolve")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{SEED_NAME}: resolved\n1 of 1 conflicted record resolved\n"
    record = newsrecord.load(path).record
    assert (record.quality, record.heat) == (40, 45)
    assert unmerged(repo) == ""


def huge_conflict(tmp_path: Path, *setup: str) -> Path:
    """A repository whose seed's front matter is over the default limit, in conflict: bot
    changed heat, main quality (see :func:`change_neighbouring_lines`), with the merge
    driver set up with *setup* when given."""
    repo = make_repo(tmp_path, [], driver=False)
    if setup:
        done = newsrecord_cli(repo, "git", "setup", "--command", COMMAND, *setup)
        assert done.returncode == 0, done.stderr
    path = repo / SEED_NAME
    path.write_text(HUGE_TEXT, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a huge title")
    change_neighbouring_lines(repo, path)
    return repo


def test_resolve_merges_records_over_the_default_limits_with_the_option(tmp_path: Path) -> None:
    repo = huge_conflict(tmp_path)
    assert git(repo, "merge", "--no-edit", "bot", check=False).returncode == 1
    refused = newsrecord_cli(repo, "git", "resolve")
    assert refused.returncode == 1
    assert refused.stdout == "0 of 1 conflicted record resolved\n"
    done = newsrecord_cli(repo, "git", "resolve", "--limit", "max-front-matter=2M")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{SEED_NAME}: resolved\n1 of 1 conflicted record resolved\n"
    assert unmerged(repo) == ""
    text = (repo / SEED_NAME).read_text(encoding="utf-8")
    assert text == HUGE_TEXT.replace("heat: 38", "heat: 45").replace("quality: 38", "quality: 40")


def test_the_merge_driver_says_why_a_record_merged_as_text(tmp_path: Path) -> None:
    repo = huge_conflict(tmp_path, "--limit", "max-depth=64")  # the driver, default limits
    merged = git(repo, "merge", "--no-edit", "bot", check=False)
    assert merged.returncode == 1
    said = merged.stdout + merged.stderr
    assert f"newsrecord merge: {SEED_NAME}: merged as text (ours: the front matter is " in said
    assert "(--limit max-front-matter=SIZE raises it)); conflicts in the text" in said


def test_the_merge_driver_set_up_with_limits_merges_such_records(tmp_path: Path) -> None:
    repo = huge_conflict(tmp_path, "--limit", "max-front-matter=2M")
    merged = git(repo, "merge", "--no-edit", "bot", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = (repo / SEED_NAME).read_text(encoding="utf-8")
    assert text == HUGE_TEXT.replace("heat: 38", "heat: 45").replace("quality: 38", "quality: 40")


def test_resolve_refuses_markers_that_no_merge_left_in_the_index(tmp_path: Path) -> None:
    repo = conflicted_seed(tmp_path, "heat: 222", "heat: 111", driver=False)
    git(repo, "commit", "-q", "-am", "markers committed by mistake")
    done = newsrecord_cli(repo / "_news", "git", "resolve", Path(SEED_NAME).name)
    assert done.returncode == 1
    assert done.stdout == "0 of 0 conflicted records resolved\n"
    assert done.stderr == (
        f"{Path(SEED_NAME).name}: not conflicted in git's index (no merge in progress for it), "
        "but holds conflict markers (line 10): resolve them by hand (during a merge, "
        "git checkout -m -- FILE recreates a conflicted file)\n"
    )


def test_validate_changed_since_and_baseline(tmp_path: Path, corpus_files: list[Path]) -> None:
    repo = make_repo(tmp_path, news_with_related(corpus_files))
    names = sorted((repo / "_news").glob("*.md"))
    for path in names[:2]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nwebUrl: ", "\nwebUrl: not-a-url-", 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "two bad urls")
    # Nothing changed since HEAD: nothing to check.
    done = newsrecord_cli(repo, "validate", "--strict", "--changed-since", "HEAD", "_news")
    assert done.returncode == 0, done.stdout
    assert "checked 0 files" in done.stdout
    done = newsrecord_cli(repo, "validate", "--strict", "--changed-since", "HEAD~1", "_news")
    assert done.returncode == 1
    assert "checked 2 files" in done.stdout
    assert done.stdout.count("not a URL") == 2
    # Adopt the rule with a baseline: the old problems stop failing the run...
    baseline = repo / ".newsrecord-baseline.json"
    written = newsrecord_cli(
        repo, "validate", "--strict", "--write-baseline", str(baseline), "_news"
    )
    assert written.returncode == 0, written.stderr
    done = newsrecord_cli(repo, "validate", "--strict", "--baseline", str(baseline), "_news")
    assert done.returncode == 0, done.stdout
    # ...even after edits elsewhere in the file move their lines...
    text = names[0].read_text(encoding="utf-8")
    names[0].write_text(text.replace("---\n", "---\nextraKey: 1\n", 1), encoding="utf-8")
    done = newsrecord_cli(repo, "validate", "--strict", "--baseline", str(baseline), "_news")
    assert done.returncode == 0, done.stdout
    # ...but a new problem does.
    text = names[3].read_text(encoding="utf-8")
    names[3].write_text(text.replace("\nwebUrl: ", "\nwebUrl: bad-", 1), encoding="utf-8")
    done = newsrecord_cli(repo, "validate", "--strict", "--baseline", str(baseline), "_news")
    assert done.returncode == 1
    assert done.stdout.count("not a URL") == 1


def run_pre_commit(
    pre_commit: str, repo: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # the pre-commit next to this Python
        [pre_commit, "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_pre_commit_hooks_from_another_repository(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(pre_commit).exists():
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    if git(ROOT, "status", "--porcelain", "--", ".pre-commit-hooks.yaml", "src").stdout:
        pytest.skip("the hooks run from a commit: commit .pre-commit-hooks.yaml and src first")
    revision = git(ROOT, "rev-parse", "HEAD").stdout.strip()
    repo = tmp_path / "content"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {revision}\n    hooks:\n"
        "      - id: newsrecord-validate\n      - id: newsrecord-fmt\n",
        encoding="utf-8",
    )
    (repo / "good.md").write_bytes(SEED.read_bytes())
    (repo / "bad.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    done = run_pre_commit(pre_commit, repo, env)
    if "Could not find a version" in done.stdout + done.stderr:
        pytest.skip("pre-commit could not install the package's dependencies (no index)")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "newsrecord validate" in done.stdout
    assert "bad.md:2:8: title: YAML syntax error" in done.stdout
    assert "newsrecord fmt --check" in done.stdout
    (repo / "bad.md").unlink()
    git(repo, "add", "-A")
    done = run_pre_commit(pre_commit, repo, env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_setup_from_a_virtual_environment_names_a_command_git_can_find(tmp_path: Path) -> None:
    # It wrote 'newsrecord', which a shell outside the virtual environment does not find:
    # every git diff of a record then failed ("unable to read files to diff").
    repo = make_repo(tmp_path, [], driver=False)
    done = newsrecord_cli(repo, "git", "setup")
    assert done.returncode == 0, done.stderr
    textconv = git(repo, "config", "diff.newsrecord.textconv").stdout.strip()
    if sys.prefix == sys.base_prefix:
        assert textconv == "newsrecord diff --textconv"
        assert "--command" not in done.stderr
    else:
        script = Path(sys.executable).with_name("newsrecord")
        expected = shlex.quote(str(script)) if script.is_file() else COMMAND
        assert textconv == f"{expected} diff --textconv"
        assert "--command newsrecord" in done.stderr
        seed = repo / "_news" / "2023-11-19-seed.md"
        seed.write_text(seed.read_text("utf-8").replace("heat: 38", "heat: 39"), "utf-8")
        outside = {**os.environ, "PATH": os.pathsep.join(["/usr/bin", "/bin"])}
        shown = subprocess.run(  # noqa: S603  # git from a fixed PATH, our arguments
            [shutil.which("git") or "git", "diff"],
            cwd=repo,
            env=outside,
            capture_output=True,
            text=True,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        assert "+heat: 39" in shown.stdout.splitlines()
    named = newsrecord_cli(repo, "git", "setup", "--command", COMMAND)
    assert "--command" not in named.stderr  # the user said how git should run it
    assert git(repo, "config", "diff.newsrecord.textconv").stdout.strip() == (
        f"{COMMAND} diff --textconv"
    )


def test_setup_caches_the_field_view_and_a_new_setup_empties_the_cache(tmp_path: Path) -> None:
    # git show of a bulk edit started newsrecord twice per file, every time (46 s for 127
    # records in a user's run).
    repo = make_repo(tmp_path, [])
    assert git(repo, "config", "diff.newsrecord.cachetextconv").stdout.strip() == "true"
    seed = repo / "_news" / "2023-11-19-seed.md"
    seed.write_text(seed.read_text("utf-8").replace("heat: 38", "heat: 39"), "utf-8")
    git(repo, "commit", "-q", "-am", "heat")
    shown = git(repo, "show", "HEAD").stdout
    assert "+heat: 39" in shown.splitlines()
    cache = "refs/notes/textconv/newsrecord"
    assert git(repo, "rev-parse", "--verify", "-q", cache, check=False).returncode == 0
    assert git(repo, "show", "HEAD").stdout == shown  # from the cache
    again = newsrecord_cli(repo, "git", "setup", "--command", COMMAND)
    assert again.returncode == 0, again.stderr
    assert git(repo, "rev-parse", "--verify", "-q", cache, check=False).returncode != 0


def test_git_diff_shows_text_changes_that_leave_the_data_as_it_is(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, [])
    seed = repo / "_news" / "2023-11-19-seed.md"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("\nheat: 38\n", "\n# the bot sets heat\nheat: 38\n"), "utf-8")
    git(repo, "commit", "-q", "-am", "a comment")
    # Jekyll (YAML 1.1) reads 0038 as octal 31: the same data for newsrecord, not for the site.
    seed.write_text(text.replace("\nquality: 38\n", "\nquality: 0038\n"), encoding="utf-8")
    assert git(repo, "diff", "--stat").stdout.strip()
    shown = git(repo, "diff").stdout
    assert "+9: quality: 0038" in shown.splitlines()
    assert "-10: # the bot sets heat" in shown.splitlines()
    assert SECURED not in shown
    external = git(repo, "-c", f"diff.newsrecord.command={COMMAND} diff", "diff").stdout
    assert "  text changed, data unchanged" in external.splitlines()
    assert "+quality: 0038" in external.splitlines()
    assert "-# the bot sets heat" in external.splitlines()
    assert SECURED not in external


def test_resolve_refuses_a_path_that_names_nothing(tmp_path: Path) -> None:
    repo = conflicted_seed(tmp_path, "heat: 222", "heat: 111", driver=False)
    typo = Path(SEED_NAME).name.replace("seed", "sede")
    done = newsrecord_cli(repo / "_news", "git", "resolve", typo)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        f"Error: Invalid value for PATHS: {typo!r} names nothing in the working tree or "
        f"git's index; did you mean {Path(SEED_NAME).name!r}?"
    )
    assert unmerged(repo) == f"{SEED_NAME}\n"
    # A conflicted file deleted from the working tree is in the index: not refused.
    (repo / SEED_NAME).unlink()
    done = newsrecord_cli(repo / "_news", "git", "resolve", "--no-add", Path(SEED_NAME).name)
    assert done.returncode != 2, done.stderr
