"""``--limit NAME=SIZE``: every command that reads records takes the safety limits."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from tests.helpers import HUGE_TEXT, SEED_TEXT

import newsrecord
from newsrecord.cli import main
from newsrecord.cli._app import _COMMANDS
from newsrecord.cli._limits import limit_arguments

RAISED = ("--limit", "max-front-matter=2M")
HINT = "(--limit max-front-matter=SIZE raises it)"


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def limits_of(*given: str) -> newsrecord.Limits:
    """The limits ``--limit`` makes of *given*: the ``limits`` parameter's value."""
    command = main.get_command(click.Context(main), "show")
    assert command is not None
    arguments = [part for value in given for part in ("--limit", value)]
    ctx = command.make_context("show", [*arguments, __file__])
    limits = ctx.params["limits"]
    assert isinstance(limits, newsrecord.Limits)
    return limits


@pytest.fixture
def huge(tmp_path: Path) -> Path:
    """A record whose front matter is over the default limit, alone in a folder."""
    folder = tmp_path / "big"
    folder.mkdir()
    path = folder / "huge.md"
    path.write_text(HUGE_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """200 records (enough for worker processes: see _pool.POOL_THRESHOLD) and a huge one."""
    root = tmp_path / "site"
    root.mkdir()
    for number in range(200):
        (root / f"{number:03d}.md").write_text(SEED_TEXT, encoding="utf-8")
    (root / "huge.md").write_text(HUGE_TEXT, encoding="utf-8")
    return root


# --- the option -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((), newsrecord.Limits()),
        (("max-front-matter=4M",), newsrecord.Limits(max_front_matter=4 << 20)),
        (("max_front_matter=4MiB",), newsrecord.Limits(max_front_matter=4 << 20)),
        (("max-file-size=2GB",), newsrecord.Limits(max_file_size=2_000_000_000)),
        (("max-file-size=512kib",), newsrecord.Limits(max_file_size=512 * 1024)),
        (("max-file-size=512 kB",), newsrecord.Limits(max_file_size=512_000)),
        (("max-file-size=1G",), newsrecord.Limits(max_file_size=1 << 30)),
        (("max-file-size=100B",), newsrecord.Limits(max_file_size=100)),
        (("MAX-NODES=100_000",), newsrecord.Limits(max_nodes=100_000)),
        (("max-depth=200",), newsrecord.Limits(max_depth=200)),
        (
            ("max-nodes=10", "max-depth=8", "max-nodes=30"),  # the last one counts
            newsrecord.Limits(max_nodes=30, max_depth=8),
        ),
    ],
)
def test_limits_are_given_by_name_and_size(given: tuple[str, ...], expected: object) -> None:
    assert limits_of(*given) == expected


@pytest.mark.parametrize(
    ("value", "told"),
    [
        ("max-frontmatter=4M", "no limit named 'max-frontmatter'; did you mean max-front-matter?"),
        ("front=4M", "no limit named 'front' (limits: max-depth, max-nodes, max-front-matter, "),
        ("4M", "'4M' is not NAME=SIZE, such as max-front-matter=4M (limits: max-depth,"),
        ("max-front-matter=4Q", "'4Q' is not a size for max-front-matter: give a whole number"),
        ("max-front-matter=1.5M", "'1.5M' is not a size for max-front-matter"),
        ("max-front-matter=", "'' is not a size for max-front-matter"),
        ("max-front-matter=-1", "'-1' is not a size"),
        ("max-front-matter=0", "max-front-matter must be an integer of at least 1, not 0"),
        ("max-nodes=5k", "max-nodes is a count: give a whole number, such as max-nodes=40000"),
        ("max-depth=500", "max-depth must be an integer of at least 1 and at most 200, not 500"),
    ],
)
def test_a_mistyped_limit_is_a_usage_error_naming_the_option(
    huge: Path, value: str, told: str
) -> None:
    result = run("validate", "--limit", value, huge)
    assert result.exit_code == 2
    assert "Invalid value for '--limit': " in result.output
    assert told in " ".join(result.output.split())


def test_every_command_that_reads_records_takes_the_option() -> None:
    ctx = click.Context(main)
    commands: dict[str, click.Command] = {}
    for name in _COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            commands |= {f"{name} {sub}": each for sub, each in command.commands.items()}
        else:
            commands[name] = command
    without = {
        name
        for name, command in commands.items()
        if "limits" not in [param.name for param in command.params]
    }
    assert without == {"schema"}


def test_help_tells_of_the_option_and_the_units() -> None:
    shown = " ".join(run("validate", "--help").output.split())
    assert "--limit NAME=SIZE Raise (or lower) a safety limit; repeatable." in shown
    assert "max-depth (levels, 64, at most 200)" in shown
    assert "KiB, MiB, GiB: powers of 1024) or kB, MB, GB (powers of 1000)" in shown
    # Wrapped where the terminal ends, maybe at a hyphen.
    assert "--limitNAME=SIZE,suchas--limitmax-file-size=1G" in "".join(run("--help").output.split())


@pytest.mark.parametrize(
    ("limit", "told"),
    [
        ("max-file-size=100", "more than the limit of 100 (--limit max-file-size=SIZE raises it)"),
        ("max-front-matter=1K", "than the limit of 1024 (--limit max-front-matter=SIZE raises it)"),
        ("max-nodes=5", "more than 5 YAML nodes (--limit max-nodes=N raises it)"),
        ("max-depth=1", "nesting deeper than 1 levels (--limit max-depth=N raises it)"),
    ],
)
def test_a_file_over_a_limit_is_told_the_option_that_raises_it(
    tmp_path: Path, limit: str, told: str
) -> None:
    path = tmp_path / "a.md"
    path.write_text(SEED_TEXT, encoding="utf-8")
    result = run("validate", "--limit", limit, path)
    assert result.exit_code == 1
    assert told in result.output
    assert "(Limits." not in result.output


# --- each command, a file over the default limit -------------------------------------------------


@pytest.mark.parametrize(
    ("command", "changes"),
    [
        (["validate", "{file}"], False),
        (["show", "{file}"], False),
        (["get", "{file}", "heat"], False),
        (["json", "{folder}"], False),
        (["find", "{folder}", "--where", "heat > 1"], False),
        (["export", "{folder}", "-o", "{out}.jsonl"], False),
        (["fmt", "--check", "{file}"], False),
        (["fix", "--check", "{file}"], False),
        (["diff", "{file}", "{other}"], False),
        (["diff", "--textconv", "{file}"], False),
        (["set", "{file}", "heat=40"], True),
        (["set", "{folder}", "--where", "heat > 1", "--", "heat=40"], True),
        (["unset", "{file}", "topics"], True),
        (["append", "{file}", "topics", "Music"], True),
        (["merge", "{base}", "{file}", "{other}"], True),
    ],
)
def test_each_command_reads_a_huge_record_with_the_option_only(
    huge: Path, tmp_path: Path, command: list[str], changes: bool
) -> None:
    other = tmp_path / "other.md"
    other.write_text(HUGE_TEXT.replace("quality: 38", "quality: 2"), encoding="utf-8")
    base = tmp_path / "base.md"
    base.write_text(HUGE_TEXT, encoding="utf-8")
    huge.write_text(HUGE_TEXT.replace("heat: 38", "heat: 39"), encoding="utf-8")
    names = {"file": huge, "folder": huge.parent, "other": other, "base": base}
    arguments = [part.format(out=tmp_path / "out", **names) for part in command]

    refused = run(*arguments)
    if command[0] == "merge":
        # A version that does not load merges as text: the lines of heat and quality,
        # next to each other, conflict there.
        assert refused.exit_code == 1
        assert "<<<<<<<" in huge.read_text(encoding="utf-8")
        huge.write_text(HUGE_TEXT.replace("heat: 38", "heat: 39"), encoding="utf-8")
    elif command[:2] == ["diff", "--textconv"]:
        assert refused.exit_code == 0
        assert refused.output.startswith("---\ncategory: news\n")  # the text as it is
    else:
        assert refused.exit_code == 1, refused.output
        assert HINT in refused.output, refused.output
        assert huge.read_text(encoding="utf-8") == HUGE_TEXT.replace("heat: 38", "heat: 39")

    done = run(arguments[0], *RAISED, *arguments[1:])
    assert "max-front-matter" not in done.output
    if command[0] == "diff" and command[1] != "--textconv":
        assert done.exit_code == 1  # differences
        assert done.output.splitlines() == ["quality: 38 -> 2", "heat: 39 -> 38"]
    else:
        assert done.exit_code == 0, done.output
    if command[:2] == ["diff", "--textconv"]:
        assert "heat: 39\n" in done.output
    if changes:
        assert huge.read_text(encoding="utf-8") != HUGE_TEXT.replace("heat: 38", "heat: 39")
        assert newsrecord.load(huge, limits=limits_of("max-front-matter=2M")).valid


def test_new_writes_a_huge_record_with_the_option_only(tmp_path: Path) -> None:
    data = newsrecord.to_dict(newsrecord.loads(HUGE_TEXT, limits=limits_of(RAISED[1])).record)
    source = tmp_path / "huge.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "new.md"
    refused = run("new", "--from-json", source, out)
    assert refused.exit_code == 1
    assert HINT in refused.output
    assert not out.exists()
    done = run("new", *RAISED, "--from-json", source, out)
    assert done.exit_code == 0, done.output
    assert newsrecord.load(out, limits=limits_of(RAISED[1])).record.title == data["title"]


# --- parallel runs: the workers get the limits too ----------------------------------------------


def test_validate_in_worker_processes_takes_the_limits(site: Path) -> None:
    def validate(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603  # this interpreter, our own module
            [sys.executable, "-m", "newsrecord", "validate", "--jobs", "2", *options, str(site)],
            capture_output=True,
            text=True,
            check=False,
        )

    refused = validate()
    assert refused.returncode == 1
    problem, summary = refused.stdout.splitlines()
    assert problem.startswith(f"{site / 'huge.md'}:2:1: the front matter is ")
    assert problem.endswith(f"characters long, more than the limit of 1048576 {HINT}")
    assert summary == "checked 201 files: 200 valid, 1 invalid (1 problem)"
    done = validate(*RAISED)
    assert (done.returncode, done.stdout) == (0, "checked 201 files: all valid\n")


def test_bulk_set_in_worker_processes_takes_the_limits(site: Path) -> None:
    refused = run("set", site, "--jobs", "2", "--", "heat=7")
    assert refused.exit_code == 1
    assert HINT in refused.output
    assert "matched 200 of 201 files: 200 changed" in refused.output
    assert "heat: 38" in (site / "huge.md").read_text(encoding="utf-8")
    done = run("set", site, "--jobs", "2", *RAISED, "--", "heat=7")
    assert done.exit_code == 0, done.output
    assert "matched 201 of 201 files: 1 changed, 200 unchanged, 0 failed" in done.output
    assert "heat: 7" in (site / "huge.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("incremental", [False, True])
def test_export_in_worker_processes_takes_the_limits(
    site: Path, tmp_path: Path, incremental: bool
) -> None:
    out = tmp_path / "out.jsonl"
    options = ["--jobs", "2", *(["--incremental"] if incremental else [])]
    refused = run("export", site, "-o", out, *options)
    assert refused.exit_code == 1
    assert HINT in refused.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 200
    # An incremental run has the huge file in its cache, left out: it is read again.
    done = run("export", site, "-o", out, *options, *RAISED)
    assert done.exit_code == 0, done.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 201
    assert (
        rows[-1]["title"] == newsrecord.loads(HUGE_TEXT, limits=limits_of(RAISED[1])).record.title
    )


# --- git ---------------------------------------------------------------------------------------


def test_limit_arguments_give_the_limits_again() -> None:
    assert limit_arguments(newsrecord.Limits()) == []
    limits = limits_of("max-front-matter=4M", "max-depth=100")
    assert limit_arguments(limits) == [
        "--limit",
        "max-depth=100",
        "--limit",
        "max-front-matter=4194304",
    ]
    assert limits_of(*limit_arguments(limits)[1::2]) == limits


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_setup_gives_the_drivers_the_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # noqa: S603, S607
    monkeypatch.chdir(tmp_path)
    result = run("git", "setup", "--command", "newsrecord", "--external-diff", *RAISED)
    assert result.exit_code == 0, result.output
    done = subprocess.run(
        ["git", "config", "--get-regexp", "^(merge|diff)[.]newsrecord[.]"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[1:] == [
        (
            "merge.newsrecord.driver newsrecord merge --limit max-front-matter=2097152 "
            "--marker-size %L --path %P %O %A %B"
        ),
        "diff.newsrecord.textconv newsrecord diff --limit max-front-matter=2097152 --textconv",
        "diff.newsrecord.cachetextconv true",
        "diff.newsrecord.command newsrecord diff --limit max-front-matter=2097152",
    ]


def test_an_edit_that_makes_the_front_matter_too_large_says_so(tmp_path: Path) -> None:
    # Told as the limit it passes, not as a bug of the writer's; the file is kept.
    doc = newsrecord.loads("---\ntitle: A\n---\n", limits=newsrecord.Limits(max_front_matter=100))
    doc.set("excerpt", "x" * 200)
    with pytest.raises(newsrecord.LimitError, match=r"more than the limit of 100"):
        doc.dumps()
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A\n---\n", encoding="utf-8")
    result = run("set", path, "excerpt=" + "x" * 200, "--limit", "max-front-matter=100")
    assert result.exit_code == 1, result.output
    assert HINT in result.output
    assert path.read_text(encoding="utf-8") == "---\ntitle: A\n---\n"
