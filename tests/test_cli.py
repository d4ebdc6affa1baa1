"""The ``newsrecord`` command: every command's output, exit status and effect on files."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from tests.helpers import COURSE, SECURED, SEED_BYTES, SEED_TEXT, changed_lines

import newsrecord
from newsrecord.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHORT_SECURED = newsrecord.Secured(SECURED).redacted()
RELATED_TITLE_LINE = next(line for line in SEED_TEXT.splitlines() if line.startswith("  - title:"))

# The same article as a careless hand would write it: keys out of order, other quotes,
# a flow list. The canonical house style rewrites all of that.
SLOPPY = """\
---
title: 'Hello'
heat: 5
category: news
topics: [b, a]
---
Body.
"""


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    for number, relative in enumerate(["news/a.md", "news/b.md", "more/c.md"]):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SEED_BYTES.replace(b"heat: 38", f"heat: {number}".encode()))
    (root / "learning").mkdir()
    (root / "learning" / "course.md").write_text(COURSE, encoding="utf-8")
    (root / "README.md").write_text("# Our records\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a record\n", encoding="utf-8")
    return root


# --- the command itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["", "show", "validate", "get", "set", "unset", "append", "fmt", "json", "new"]
)
def test_every_command_has_help(command: str) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")


def test_usage_errors_exit_with_status_2(tmp_path: Path) -> None:
    assert run("validate").exit_code == 2
    assert run("validate", tmp_path / "missing").exit_code == 2
    assert run("frobnicate").exit_code == 2
    assert run("validate", "--format", "xml", tmp_path).exit_code == 2


def test_python_dash_m_newsrecord_runs_in_a_real_process(tree: Path) -> None:
    (tree / "news" / "b.md").write_text(
        SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8"
    )
    done = subprocess.run(  # noqa: S603  # this interpreter, our own module
        [sys.executable, "-m", "newsrecord", "validate", "--jobs", "2", str(tree)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tree.parent,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{tree}/news/b.md:10:7: heat: expected an integer, found the string 'hot'",
        "checked 4 files: 3 valid, 1 invalid (1 problem)",
    ]
    assert done.stderr == ""


# --- show ----------------------------------------------------------------------------------------


def test_show_prints_the_table_with_the_blob_shortened(seed_file: Path) -> None:
    result = run("show", seed_file)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Article ({seed_file})"
    assert "  heat                         38" in lines
    assert "  published                    false" in lines
    assert "  images[0].width              2001" in lines
    assert "  publishedDateTime            2023-11-19T21:07:00Z" in lines
    assert f"  secured                      {SHORT_SECURED} ({len(SECURED)} chars)" in lines
    assert lines[-1] == "round trip: identical, byte for byte"
    assert SECURED not in result.output
    assert f"  secured                      {SECURED}" in run("show", "--reveal", seed_file).stdout


def test_show_shortens_a_long_value_and_says_how_to_get_it(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    long = "word " * 10_000
    doc = newsrecord.loads(SEED_TEXT)
    doc.record.excerpt = long.strip()
    path.write_text(doc.dumps(), encoding="utf-8")
    result = run("show", path)
    assert result.exit_code == 0
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("  excerpt ")]
    assert row == f"  excerpt                      {long[:399]}… (49999 characters)"
    assert f"long values are shortened: newsrecord get {path} FIELD prints one whole" in (
        result.stdout.splitlines()
    )
    assert run("get", path, "excerpt").stdout == long.strip() + "\n"


def test_show_of_an_invalid_file_prints_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    result = run("show", path)
    assert result.exit_code == 1
    assert result.stderr == f"{path}:10:7: heat: expected an integer, found the string 'hot'\n"


# --- validate ------------------------------------------------------------------------------------


def test_validate_passes_a_valid_tree(tree: Path) -> None:
    result = run("validate", tree)
    assert result.exit_code == 0
    assert result.stdout == "checked 4 files: all valid\n"


def test_validate_pinpoints_an_injected_bad_file(tree: Path) -> None:
    bad = tree / "news" / "b.md"
    bad.write_text(
        SEED_TEXT.replace("heat: 38", "heat: hot").replace("quality: 38", "quality: [1]"),
        encoding="utf-8",
    )
    result = run("validate", tree)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:9:10: quality: expected an integer, found a list",
        f"{bad}:10:7: heat: expected an integer, found the string 'hot'",
        "checked 4 files: 3 valid, 1 invalid (2 problems)",
    ]


def test_validate_reports_files_that_are_not_records(tree: Path) -> None:
    result = run("validate", tree / "notes.txt", tree / "README.md")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{tree}/notes.txt:1:1: the file has no front matter: a record starts with a line '---'",
        f"{tree}/README.md:1:1: the file has no front matter: a record starts with a line '---'",
        "checked 2 files: 0 valid, 2 invalid (2 problems)",
    ]


def test_validate_strict_checks_blobs_urls_and_sizes(tree: Path) -> None:
    bad = tree / "news" / "a.md"
    bad.write_text(
        SEED_TEXT.replace("    width: 2001", "    width: -2001")
        .replace('webUrl: "https://sbstatesman.com/122531/arts/', 'webUrl: "sbstatesman/')
        .replace(";FOdXFgfOB6jYEf82o4rETA==", ";FOdXFgf"),
        encoding="utf-8",
    )
    assert run("validate", tree).exit_code == 0
    result = run("validate", "--strict", tree)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        (
            f"{bad}:7:9: webUrl: not a URL: 'sbstatesman/artificial-intelligence-makes-its-way-"
            "into-th...' (expected http(s)://host/... or /path)"
        ),
        f"{bad}:23:12: images[0].width: must not be negative, found -2001",
        f"{bad}:43:10: secured: malformed: not base64 (Incorrect padding)",
        "checked 4 files (strict): 3 valid, 1 invalid (3 problems)",
    ]


def test_validate_json_format(tree: Path) -> None:
    bad = tree / "news" / "b.md"
    bad.write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    result = run("validate", "--format", "json", tree)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "checked": 4,
        "valid": 3,
        "invalid": 1,
        "problems": [
            {
                "path": str(bad),
                "line": 10,
                "column": 7,
                "field": "heat",
                "message": "expected an integer, found the string 'hot'",
            }
        ],
    }


def test_validate_github_format_prints_one_annotation_per_problem(tree: Path) -> None:
    bad = tree / "news" / "b.md"
    bad.write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    result = run("validate", "--format", "github", tree)
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={bad},line=10,col=7,title=heat::"
        "expected an integer, found the string 'hot'\n"
    )
    # The summary is for the log: stdout holds workflow commands only.
    assert result.stderr == "checked 4 files: 3 valid, 1 invalid (1 problem)\n"
    valid = run("validate", "--format", "github", tree / "more")
    assert (valid.exit_code, valid.stdout, valid.stderr) == (
        0,
        "",
        "checked 1 file: all valid\n",
    )


def test_validate_github_format_warns_of_problems_known_in_the_baseline(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    Path("news/b.md").write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    assert run("validate", "--write-baseline", "known.json", ".").exit_code == 0
    Path("news/a.md").write_text(SEED_TEXT.replace("quality: ", "quality: x", 1), encoding="utf-8")
    result = run("validate", "--format", "github", "--baseline", "known.json", ".")
    assert result.exit_code == 1  # a.md is new
    assert result.stdout.splitlines() == [
        (
            "::error file=news/a.md,line=9,col=10,title=quality::"
            "expected an integer, found the string 'x38'"
        ),
        (
            "::warning file=news/b.md,line=10,col=7,title=heat::"
            "expected an integer, found the string 'hot' (known in the baseline)"
        ),
    ]
    assert result.stderr == (
        "checked 4 files: 3 valid, 1 invalid (1 problem) (1 more known in the baseline)\n"
    )


def test_github_annotations_escape_what_ends_a_command_or_a_property() -> None:
    from newsrecord.cli._check import _annotation

    problem = newsrecord.Problem("100% sure:\r\nsecond line, third", "a,b:c%.md", 3, 4, "odd,key:x")
    assert _annotation("error", problem) == (
        "::error file=a%2Cb%3Ac%25.md,line=3,col=4,title=odd%2Ckey%3Ax::"
        "100% sure:%0D%0Asecond line, third".replace("100%", "100%25")
    )
    # Unknown places are left out; a long field is shortened as in every report.
    bare = newsrecord.Problem("no place", field="x" * 50)
    assert _annotation("warning", bare) == f"::warning title={'x' * 33}...::no place"
    assert _annotation("error", newsrecord.Problem("nothing")) == "::error::nothing"


def test_validate_in_parallel_gives_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    # Enough files for several batches, so that worker processes really run.
    for number in range(300):
        path = tmp_path / f"d{number % 7}" / f"r{number:03d}.md"
        path.parent.mkdir(exist_ok=True)
        text = SEED_TEXT if number % 50 else SEED_TEXT.replace("heat: 38", "heat: x")
        path.write_text(text, encoding="utf-8")
    single = run("validate", "--jobs", "1", tmp_path)
    parallel = run("validate", "--jobs", "2", tmp_path)
    assert single.exit_code == parallel.exit_code == 1
    assert parallel.stdout == single.stdout
    lines = parallel.stdout.splitlines()
    assert len(lines) == 7
    assert lines[-1] == "checked 300 files: 294 valid, 6 invalid (6 problems)"
    assert lines[:-1] == sorted(lines[:-1])


def test_parallel_runs_read_their_input_lazily(seed_file: Path) -> None:
    from newsrecord.cli import _check, _runner

    # An endless stream of files: reading it all before starting would never end.
    no_rules = ((), None, newsrecord.Limits())
    results = _runner.run_batches(_check._validate_batch, itertools.repeat(seed_file), no_rules, 2)
    first = list(itertools.islice(results, 1000))
    results.close()
    assert [(path, problems) for path, (problems, _) in first] == [(str(seed_file), [])] * 1000


def test_validate_and_json_cover_the_real_corpus(
    corpus_files: list[Path], pytestconfig: pytest.Config
) -> None:
    root = Path(pytestconfig.getoption("--corpus"))
    result = run("validate", root)
    *problems, summary = result.stdout.splitlines()
    # Published files are all valid; some write a key twice, which fix repairs.
    assert all("duplicate key" in line for line in problems), problems
    assert summary.startswith(f"checked {len(corpus_files)} files: ")
    assert result.exit_code == (1 if problems else 0)
    exported = run("json", "--with-path", root)
    assert exported.exit_code == 0, exported.stderr
    paths = [json.loads(line)["path"] for line in exported.stdout.splitlines()]
    assert sorted(paths) == sorted(str(path) for path in corpus_files)


# --- get -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "output"),
    [
        ("title", "Artificial intelligence makes its way into the music and film industries\n"),
        ("heat", "38\n"),
        ("published", "false\n"),
        ("publishedDateTime", "2023-11-19T21:07:00Z\n"),
        ("images[0].width", "2001\n"),
        ("provider.name", "The Statesman\n"),
        ("topics", '[\n  "AI in Robotics",\n  "AI"\n]\n'),
        ("provider", '{\n  "name": "The Statesman",\n  "domain": "sbstatesman.com"\n}\n'),
        ("updatedDateTime", "null\n"),
        ("topics[-1]", "AI\n"),
    ],
)
def test_get_prints_strings_raw_and_everything_else_as_json(
    seed_file: Path, field: str, output: str
) -> None:
    result = run("get", seed_file, field)
    assert result.exit_code == 0
    assert result.stdout == output


def test_get_body_prints_the_body_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("---\ntitle: a\nheat: hot\n---\n<p>One</p>\n\nTwo", encoding="utf-8")
    assert run("get", path, "body").output == "<p>One</p>\n\nTwo"  # an invalid record too
    path.write_text("---\ntitle: a\nbody: in the front matter\n---\nbody\n", encoding="utf-8")
    assert run("get", path, "body").output == "in the front matter\n"


def test_get_shortens_the_blob_unless_revealed(seed_file: Path) -> None:
    result = run("get", seed_file, "secured")
    assert result.exit_code == 0
    assert result.stdout == f"{SHORT_SECURED}\n"
    assert result.stderr == "newsrecord: the secured blob is shortened; --reveal prints it\n"
    revealed = run("get", "--reveal", seed_file, "secured")
    assert revealed.stdout == f"{SECURED}\n"
    assert revealed.stderr == ""


def test_a_blob_the_model_does_not_type_is_shortened_too(tmp_path: Path) -> None:
    # Organizations have no secured field: a blob there is an unknown key, plain text.
    path = tmp_path / "org.md"
    path.write_text(
        f'---\ntaxonomy: organization\n_id: example.org\nsecured: "{SECURED}"\n---\n',
        encoding="utf-8",
    )
    outputs = [run("show", path), run("json", path), run("get", path, "secured")]
    for result in outputs:
        assert result.exit_code == 0
        assert SHORT_SECURED in result.stdout
        assert SECURED not in result.output
    assert f'  secured                      "{SHORT_SECURED}" (unknown key)' in outputs[0].stdout
    assert json.loads(outputs[1].stdout)["secured"] == SHORT_SECURED
    assert run("get", "--reveal", path, "secured").stdout == f"{SECURED}\n"


def test_get_of_a_bad_path_is_a_usage_error(seed_file: Path) -> None:
    result = run("get", seed_file, "images[5].width")
    assert result.exit_code == 2
    assert "images[5]: images has 1 item(s); there is no item 5" in result.stderr


# --- set, unset, append --------------------------------------------------------------------------


def test_set_two_fields_changes_exactly_those_two_lines(seed_file: Path) -> None:
    result = run("set", seed_file, "heat=40", "provider.name=The Daily Statesman")
    assert result.exit_code == 0
    assert result.output == ""
    assert changed_lines(SEED_TEXT, seed_file.read_text(encoding="utf-8")) == [
        "-heat: 38",
        "+heat: 40",
        "-  name: The Statesman",
        "+  name: The Daily Statesman",
    ]


def test_set_dry_run_prints_a_unified_diff_and_writes_nothing(seed_file: Path) -> None:
    result = run("set", "--dry-run", seed_file, "heat=40", "images[0].isCached=false")
    assert result.exit_code == 0
    assert result.stdout == (
        f"--- a/{seed_file}\n"
        f"+++ b/{seed_file}\n"
        "@@ -7,7 +7,7 @@\n"
        " webUrl: "
        '"https://sbstatesman.com/122531/arts/artificial-intelligence-makes-its-way-into-the-'
        'music-and-film-industries/"\n'
        " type: article\n"
        " quality: 38\n"
        "-heat: 38\n"
        "+heat: 40\n"
        " published: false\n"
        " \n"
        " provider:\n"
        "@@ -22,7 +22,7 @@\n"
        '   - url: "https://sbstatesman.com/wp-content/uploads/2023/11/AI-In-music-and-film.png"\n'
        "     width: 2001\n"
        "     height: 1001\n"
        "-    isCached: true\n"
        "+    isCached: false\n"
        " \n"
        " related:\n"
        f" {RELATED_TITLE_LINE}\n"
    )
    assert seed_file.read_bytes() == SEED_BYTES


@pytest.mark.parametrize(
    ("value", "noted"),
    [
        ("2024-05-01T12:00", True),
        ("2024-05-01", True),
        ("2024-05-01 12:00:00.5", True),
        ("2024-05-01T12:00:00Z", False),
        ("2024-05-01T12:00:00+02:00", False),
        ("now", False),
    ],
)
def test_a_date_time_without_an_offset_is_read_as_utc_with_a_note(
    seed_file: Path, value: str, noted: bool
) -> None:
    result = run("set", seed_file, f"updatedDateTime={value}", "title=2024-05-01")
    assert result.exit_code == 0, result.stderr
    note = f"note: updatedDateTime={value} has no UTC offset and is read as UTC"
    assert (note in result.stderr) is noted
    assert "title=" not in result.stderr  # a text field takes a date as text, no note
    written = newsrecord.load(seed_file).record.updated_date_time
    assert written is not None
    assert written.utcoffset() == (dt.timedelta(hours=2) if "+02:00" in value else dt.timedelta(0))


def test_set_parses_each_value_as_its_fields_type(seed_file: Path) -> None:
    result = run(
        "set",
        seed_file,
        "updatedDateTime=2024-05-01T12:00:00Z",
        'topics=["Robots", "AI"]',
        "published=true",
        "provider.domain=null",
    )
    assert result.exit_code == 0
    assert changed_lines(SEED_TEXT, seed_file.read_text(encoding="utf-8")) == [
        "+updatedDateTime: 2024-05-01T12:00:00Z",
        "-published: false",
        "+published: true",
        "-  domain: sbstatesman.com",
        "-  - AI in Robotics",
        "+  - Robots",
    ]


def test_set_json_reads_values_as_json(seed_file: Path) -> None:
    assert run("set", "--json", seed_file, 'title="null"', "heat=7").exit_code == 0
    record = newsrecord.load(seed_file).record
    assert (record.title, record.heat) == ("null", 7)
    bad = run("set", "--json", seed_file, "title=null!")
    assert bad.exit_code == 2
    assert "not JSON: 'null!'" in bad.stderr


@pytest.mark.parametrize("json_flag", [["--json"], []])
def test_values_nested_past_any_reader_are_usage_errors(
    seed_file: Path, json_flag: list[str]
) -> None:
    deep = "[" * 10_000 + "]" * 10_000  # past Python's recursion limit
    result = run("set", *json_flag, seed_file, f"topics={deep}")
    assert result.exit_code == 2
    expected = "JSON nested too deep to read" if json_flag else "expected a list, found the string"
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert seed_file.read_bytes() == SEED_BYTES


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("heat=hot", "heat: expected an integer, found the string 'hot'"),
        ("heat", "'heat' is not FIELD=VALUE"),
        (
            "publishedDatetime=now",
            (
                "publishedDatetime: Article has no field 'publishedDatetime'; did you mean"
                " 'publishedDateTime'? (--new-key adds a key the model does not know)"
            ),
        ),
    ],
)
def test_set_refuses_bad_values_with_status_2_and_writes_nothing(
    seed_file: Path, assignment: str, message: str
) -> None:
    result = run("set", seed_file, "quality=1", assignment)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for FIELD=VALUE: {message}"
    assert seed_file.read_bytes() == SEED_BYTES


def test_set_refuses_to_unset_a_required_field(seed_file: Path) -> None:
    result = run("set", seed_file, "title=null")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(
        "Error: Invalid value for FIELD=VALUE: title: "
    )
    assert "required" in result.stderr
    assert seed_file.read_bytes() == SEED_BYTES


def test_set_new_key_adds_a_key_the_model_does_not_know(seed_file: Path) -> None:
    assert run("set", "--new-key", seed_file, "reviewedBy=ada").exit_code == 0
    assert changed_lines(SEED_TEXT, seed_file.read_text(encoding="utf-8")) == ["+reviewedBy: ada"]


BAD_TEXT = SEED_TEXT.replace("heat: 38", "heat: hot")


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    """The seed record with a value that does not fit the model (heat: hot)."""
    path = tmp_path / "bad.md"
    path.write_text(BAD_TEXT, encoding="utf-8")
    return path


def test_set_on_an_invalid_file_saves_and_exits_with_status_1(bad_file: Path) -> None:
    path, bad = bad_file, BAD_TEXT
    result = run("set", path, "quality=1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}: saved; the record still does not fit the model:\n"
        f"{path}:10:7: heat: expected an integer, found the string 'hot'\n"
    )
    assert changed_lines(bad, path.read_text(encoding="utf-8")) == ["-quality: 38", "+quality: 1"]
    again = run("set", path, "quality=1")  # nothing to change: nothing saved
    assert again.exit_code == 1
    assert again.stderr.startswith(f"{path}: unchanged; the record still does not fit the model:")


def test_set_on_an_invalid_file_refuses_a_value_that_does_not_fit(bad_file: Path) -> None:
    # The file is broken elsewhere: that is no reason to let a good value turn bad.
    path, bad = bad_file, BAD_TEXT
    result = run("set", path, "quality=abc")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        # The value is what is wrong, wherever it goes: no file or line in a usage error.
        "Error: Invalid value for FIELD=VALUE: quality: expected an integer, found the string 'abc'"
    )
    assert path.read_text(encoding="utf-8") == bad


def test_set_repairs_the_field_that_makes_a_file_invalid(bad_file: Path) -> None:
    path, bad = bad_file, BAD_TEXT
    assert run("get", path, "heat").output == "hot\n"
    result = run("set", path, "heat=40")
    assert result.exit_code == 0, result.stderr
    assert changed_lines(bad, path.read_text(encoding="utf-8")) == ["-heat: hot", "+heat: 40"]
    assert newsrecord.load(path).record.heat == 40


def test_set_the_same_value_writes_nothing(seed_file: Path) -> None:
    before = seed_file.stat()
    assert run("set", seed_file, "heat=38").exit_code == 0
    after = seed_file.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_unset_removes_the_lines_of_fields_and_items(seed_file: Path) -> None:
    result = run("unset", seed_file, "topics[0]", "provider.domain", "related[0].quality")
    assert result.exit_code == 0
    assert changed_lines(SEED_TEXT, seed_file.read_text(encoding="utf-8")) == [
        "-  domain: sbstatesman.com",
        "-  - AI in Robotics",
        "-    quality: 31",
    ]
    required = run("unset", seed_file, "title")
    assert required.exit_code == 2
    assert "title: " in required.stderr
    assert "required" in required.stderr


def test_append_adds_an_item_of_the_lists_type(seed_file: Path) -> None:
    assert run("append", seed_file, "topics", "Machine learning").exit_code == 0
    image = '{"url": "https://example.com/a.png", "width": 800}'
    assert run("append", seed_file, "images", image).exit_code == 0
    assert changed_lines(SEED_TEXT, seed_file.read_text(encoding="utf-8")) == [
        "+  - Machine learning",
        '+  - url: "https://example.com/a.png"',
        "+    width: 800",
    ]
    wrong = run("append", seed_file, "heat", "1")
    assert wrong.exit_code == 2
    assert "heat: append needs a list here, not the integer 38" in wrong.stderr


def test_append_dry_run_writes_nothing(seed_file: Path) -> None:
    result = run("append", "--dry-run", seed_file, "topics", "Robots")
    assert result.exit_code == 0
    assert "+  - Robots\n" in result.stdout
    assert seed_file.read_bytes() == SEED_BYTES


# --- fmt -----------------------------------------------------------------------------------------


def canonical(text: str) -> str:
    doc = newsrecord.loads(text)
    record = newsrecord.from_dict(newsrecord.to_dict(doc.record), kind=type(doc.record))
    return newsrecord.dumps(record, body=doc.body, newline=doc.newline)


def test_fmt_rewrites_records_in_the_house_style(tree: Path) -> None:
    sloppy = tree / "news" / "sloppy.md"
    sloppy.write_text(SLOPPY, encoding="utf-8")
    result = run("fmt", tree)
    assert result.exit_code == 0
    assert result.stderr == "1 of 5 files reformatted\n"
    text = sloppy.read_text(encoding="utf-8")
    assert text == canonical(SLOPPY)
    assert text.splitlines()[:3] == ["---", "category: news", 'title: "Hello"']
    assert text.endswith("---\nBody.\n")
    assert newsrecord.to_dict(newsrecord.loads(text).record) == newsrecord.to_dict(
        newsrecord.loads(SLOPPY).record
    )
    assert (tree / "news" / "a.md").read_bytes() == SEED_BYTES.replace(b"heat: 38", b"heat: 0")
    again = run("fmt", tree)
    assert again.stderr == "0 of 5 files reformatted\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_fmt_tells_a_file_it_could_not_save_from_one_it_could_not_read(tree: Path) -> None:
    sloppy = tree / "news" / "sloppy.md"
    sloppy.write_text(SLOPPY, encoding="utf-8")
    sloppy.chmod(0o444)
    result = run("fmt", tree)
    assert result.exit_code == 1
    assert "1 file could not be saved" in result.stderr
    assert "could not be read" not in result.stderr
    assert sloppy.read_text(encoding="utf-8") == SLOPPY


def test_fmt_check_lists_the_files_and_exits_1(tree: Path) -> None:
    sloppy = tree / "news" / "sloppy.md"
    sloppy.write_text(SLOPPY, encoding="utf-8")
    result = run("fmt", "--check", tree)
    assert result.exit_code == 1
    assert result.stdout == f"{sloppy}\n"
    assert result.stderr == "1 of 5 files would be reformatted\n"
    assert sloppy.read_text(encoding="utf-8") == SLOPPY
    sloppy.unlink()
    assert run("fmt", "--check", tree).exit_code == 0


def test_fmt_diff_shows_the_change(tree: Path) -> None:
    sloppy = tree / "sloppy.md"
    sloppy.write_text(SLOPPY, encoding="utf-8")
    result = run("fmt", "--diff", sloppy)
    assert result.exit_code == 0
    expected = "".join(
        difflib.unified_diff(
            SLOPPY.splitlines(keepends=True),
            canonical(SLOPPY).splitlines(keepends=True),
            fromfile=f"a/{sloppy}",
            tofile=f"b/{sloppy}",
        )
    )
    assert result.stdout == expected
    assert "-title: 'Hello'\n" in result.stdout
    assert sloppy.read_text(encoding="utf-8") == SLOPPY


# --- json and new --------------------------------------------------------------------------------


def test_json_exports_every_record_as_a_line(tree: Path) -> None:
    result = run("json", tree)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    files = ["learning/course.md", "more/c.md", "news/a.md", "news/b.md"]
    assert len(lines) == len(files)
    for line, relative in zip(lines, files, strict=True):
        expected = newsrecord.to_dict(newsrecord.load(tree / relative).record)
        if "secured" in expected:
            expected["secured"] = SHORT_SECURED
        assert json.loads(line) == expected
    assert SECURED not in result.stdout


def test_json_with_path_body_and_the_blob_revealed(seed_file: Path) -> None:
    result = run("json", "--with-path", "--with-body", "--reveal", seed_file)
    data = json.loads(result.stdout)
    assert next(iter(data)) == "path"
    assert data["path"] == str(seed_file)
    assert data["body"] == "\n"
    assert data["secured"] == SECURED
    assert data["heat"] == 38


def test_json_reports_invalid_records_and_exits_1(tree: Path) -> None:
    bad = tree / "news" / "b.md"
    bad.write_text(SEED_TEXT.replace("heat: 38", "heat: hot"), encoding="utf-8")
    result = run("json", tree)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == (
        f"{bad}:10:7: heat: expected an integer, found the string 'hot'\n"
        "exported 3 records as JSON Lines; 1 file left out (not valid records)\n"
    )


def test_new_from_json_recreates_an_exported_record(tmp_path: Path, seed_file: Path) -> None:
    exported = tmp_path / "seed.json"
    exported.write_text(
        run("json", "--with-body", "--with-path", "--reveal", seed_file).stdout, encoding="utf-8"
    )
    out = tmp_path / "again.md"
    result = run("new", "--from-json", exported, out)
    assert result.exit_code == 0
    assert out.read_bytes() == SEED_BYTES
    refused = run("new", "--from-json", exported, out)
    assert refused.exit_code == 2  # a usage error: OUT is taken
    assert "exists; use --force" in refused.stderr
    assert run("new", "--from-json", exported, "--force", out).exit_code == 0


def test_new_from_json_writes_the_house_style(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"heat": 5, "title": "Hi", "category": "news"}), encoding="utf-8")
    out = tmp_path / "out.md"
    assert run("new", "--from-json", source, out).exit_code == 0
    assert out.read_text(encoding="utf-8") == '---\ncategory: news\ntitle: "Hi"\nheat: 5\n\n---\n'


def test_new_from_json_refuses_an_invalid_record(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"category": "news", "heat": "hot"}), encoding="utf-8")
    result = run("new", "--from-json", source, tmp_path / "out.md")
    # What the input gets wrong is a usage error, as an unknown key in it is.
    assert result.exit_code == 2
    told = result.stderr.splitlines()[-1]
    assert told.startswith(
        f"Error: Invalid value for --from-json: {source}: heat: expected an integer, found "
        "the string 'hot'; title: "
    )
    assert "required" in told
    assert not (tmp_path / "out.md").exists()


def test_new_names_its_input_for_a_value_of_the_wrong_type(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    result = CliRunner().invoke(main, ["new", "--from-json", "-", str(out)], input='{"title": 3}')
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for --from-json: <stdin>: title: expected a string, found the "
        "integer 3"
    )
    assert not out.exists()


def test_new_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"title": "Hi", "category": "news"}), encoding="utf-8")
    out = tmp_path / "nodir" / "n.md"
    result = run("new", "--from-json", source, out)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for OUT: cannot create {out}: there is no folder {out.parent}"
    )


# --- schema --------------------------------------------------------------------------------------


def test_schema_prints_the_json_schema() -> None:
    if not hasattr(newsrecord, "json_schema"):
        pytest.skip("newsrecord.json_schema() is not there yet (the schema issue)")
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == newsrecord.json_schema()


def test_schema_markdown_prints_the_reference() -> None:
    if not hasattr(newsrecord, "schema_markdown"):
        pytest.skip("newsrecord.schema_markdown() is not there yet (the schema issue)")
    result = run("schema", "--markdown")
    assert result.exit_code == 0
    assert result.stdout == newsrecord.schema_markdown()


# --- the parallel benchmark still runs -----------------------------------------------------------


def test_validate_parallel_benchmark_runs_on_a_small_tree(tree: Path) -> None:
    done = subprocess.run(  # noqa: S603  # this interpreter, our own script
        [
            sys.executable,
            str(ROOT / "benchmarks" / "validate_parallel.py"),
            str(tree),
            "--files",
            "8",
            "--rounds",
            "1",
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("8 files under ")
    assert "speed-up: " in done.stdout


def test_append_with_set_s_equals_sign_shows_the_command_to_type(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(SEED_TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["append", str(path), "topics=Machine learning"])
    assert result.exit_code == 2
    assert f"append {path} topics 'Machine learning'" in result.output
    assert path.read_text(encoding="utf-8") == SEED_TEXT


def test_a_required_field_is_named_once(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(SEED_TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["unset", str(path), "title"])
    assert result.exit_code == 2
    assert "Invalid value for FIELD: title: title is required" in result.output


def test_a_mistyped_command_is_told_the_command_it_may_mean() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["exprot", "site"])
    assert result.exit_code == 2
    assert "No such command 'exprot'. Did you mean export?" in result.output
    result = runner.invoke(main, ["vaildate"])
    assert "Did you mean validate?" in result.output
    result = runner.invoke(main, ["zzz"])
    assert result.exit_code == 2
    assert "No such command 'zzz'." in result.output
    assert "Did you mean" not in result.output


def test_no_help_shows_click_markup_or_runs_its_lines_together() -> None:
    commands = [[name] for name in main.list_commands(click.Context(main))]
    commands += [["git", "setup"], ["git", "resolve"]]
    for command in commands:
        result = CliRunner().invoke(main, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "\\b" not in result.output, command  # a raw docstring's \b, shown as is
    usage = CliRunner().invoke(main, ["diff", "--help"]).output
    assert "\n  newsrecord diff OLD NEW " in usage  # the usage forms stay one a line


def test_show_keeps_a_multi_line_value_on_its_row(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(
        "---\ntitle: T\ntype: article\nexcerpt: |\n  line one\n  line two\n---\nbody\n",
        encoding="utf-8",
    )
    result = run("show", record)
    assert result.exit_code == 0
    assert '  excerpt                      "line one\\nline two\\n"' in result.stdout.splitlines()


def test_fix_checks_then_repairs_keys_written_twice(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    text = SEED_TEXT.replace("heat: 38\n", "heat: 12\nheat: 38\n")
    record.write_text(text, encoding="utf-8")
    check = run("fix", "--check", record)
    assert check.exit_code == 1
    assert "duplicate-keys: would remove the earlier 'heat', which line 11 overrides" in (
        check.stdout
    )
    assert record.read_text(encoding="utf-8") == text  # nothing written
    done = run("fix", record)
    assert done.exit_code == 0
    assert "duplicate-keys: removed the earlier 'heat'" in done.stdout
    assert record.read_text(encoding="utf-8") == SEED_TEXT
    assert run("fix", "--check", record).exit_code == 0


def test_fix_quotes_the_values_yaml_cannot_read_and_keeps_every_other_byte(
    tmp_path: Path,
) -> None:
    # Published this way: Jekyll's Psych drops such front matter (or the "!Breaking"),
    # and newsrecord could not open the file to repair it.
    broken = (
        SEED_TEXT.replace("type: article\n", "type: article # kept\n")
        .replace('title: "Artificial intelligence', "title: !Breaking AI: news ", 1)
        .replace("  - AI\n", "  - @AI\n", 1)
        .replace("\n", "\r\n")
    )
    record = tmp_path / "a.md"
    record.write_bytes(broken.encode())
    check = run("fix", "--check", record)
    assert check.exit_code == 1
    assert f"{record}:3:8: title: quote-values: would write " in check.stdout
    assert record.read_bytes() == broken.encode()  # nothing written
    assert run("fix", "--only", "duplicate-keys", record).exit_code == 1  # not asked for
    assert record.read_bytes() == broken.encode()
    done = run("fix", record)
    assert done.exit_code == 0, done.output
    fixed = record.read_bytes().decode()
    title = "!Breaking AI: news  makes its way into the music and film industries"
    assert changed_lines(broken, fixed) == [
        f'-title: {title}"',
        f'+title: "{title}\\""',
        "-  - @AI",
        '+  - "@AI"',
    ]
    assert fixed.count("\r\n") == fixed.count("\n")  # its own line breaks
    doc = newsrecord.load(record)
    assert doc.record.title == title + '"'
    assert doc.record.topics == ["AI in Robotics", "@AI"]
    assert run("fix", "--check", record).exit_code == 0
    # What cannot be repaired is reported, the file left as it was.
    (tmp_path / "b.md").write_text("---\ntitle: Foo: bar\n  baz\n---\n", encoding="utf-8")
    failed = run("fix", tmp_path / "b.md")
    assert failed.exit_code == 1
    assert 'must be quoted (title: "Foo: bar")' in failed.output
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == "---\ntitle: Foo: bar\n  baz\n---\n"


def test_fix_writes_a_utf16_or_windows_1252_file_as_utf8(tmp_path: Path) -> None:
    # Windows PowerShell's "> a.md" writes UTF-16; Jekyll reads UTF-8 and fails on it.
    utf16, cp1252 = tmp_path / "ps.md", tmp_path / "old.md"
    utf16.write_bytes(SEED_TEXT.replace("\n", "\r\n").encode("utf-16"))
    cp1252.write_bytes(SEED_TEXT.replace("music", "música").encode("cp1252", "replace"))
    before = cp1252.read_bytes()
    assert run("validate", utf16).exit_code == 1
    assert run("fix", "--only", "quote-values", utf16, cp1252).exit_code == 1  # not asked
    done = run("fix", tmp_path)
    assert done.exit_code == 0, done.output
    assert f"{utf16}: utf-8: wrote the file as UTF-8 (it was UTF-16)" in done.stdout
    assert f"{cp1252}: utf-8: wrote the file as UTF-8 (it was Windows-1252)" in done.stdout
    assert utf16.read_bytes() == SEED_TEXT.replace("\n", "\r\n").encode("utf-8")
    assert cp1252.read_bytes() == before.decode("cp1252").encode("utf-8")
    assert run("validate", tmp_path).exit_code == 0


def test_fix_says_which_files_it_could_not_save(tmp_path: Path) -> None:
    twice = SEED_TEXT.replace("heat: 38\n", "heat: 12\nheat: 38\n")
    (tmp_path / "ro.md").write_text(twice, encoding="utf-8")
    (tmp_path / "ro.md").chmod(0o444)
    (tmp_path / "bad.md").write_text("no front matter\n", encoding="utf-8")
    result = run("fix", tmp_path)
    assert result.exit_code == 1
    assert "ro.md: cannot save the record: the file is read-only" in result.stderr
    assert result.stderr.splitlines()[-3:] == [
        "0 of 2 files repaired",
        "1 file could not be saved",
        "1 file could not be read as records",
    ]
    assert (tmp_path / "ro.md").read_text(encoding="utf-8") == twice


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_fix_and_fmt_tell_a_read_only_folder_once(tmp_path: Path) -> None:
    twice = SEED_TEXT.replace("heat: 38\n", "heat: 12\nheat: 38\n")
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("a.md", "b.md"):
        (folder / name).write_text(twice, encoding="utf-8")
    (folder / "c.md").write_text(SEED_TEXT.replace("heat: 38", "heat:   38"), encoding="utf-8")
    folder.chmod(0o555)
    try:
        fixed = run("fix", folder)
        formatted = run("fmt", folder / "c.md")
    finally:
        folder.chmod(0o755)
    fix = (
        f"{folder}: the folder is read-only, so 2 files in it could not be saved (make it "
        f"writable, for example with 'chmod u+w {folder}', then run the command again)"
    )
    assert fixed.stderr.splitlines()[:3] == [
        f"{folder}/a.md: cannot save the record: its folder is read-only",
        f"{folder}/b.md: cannot save the record: its folder is read-only",
        fix,
    ]
    assert formatted.stderr.splitlines()[:2] == [
        f"{folder}/c.md: cannot save the record: its folder is read-only",
        fix.replace("2 files", "1 file"),
    ]


def test_fix_and_export_fail_where_they_find_no_record(tmp_path: Path) -> None:
    # They said "0 of 0 files would be repaired" and wrote an empty table, exit 0: a CI
    # step on a wrong folder passed.
    (tmp_path / "a.txt").write_text(SEED_TEXT.replace("heat: 38\n", "heat: 1\nheat: 38\n"))
    fixing = run("fix", "--check", tmp_path)
    assert fixing.exit_code == 1
    assert "no record files found" in fixing.stderr
    assert "--pattern '*.txt'" in fixing.stderr  # the hint fix itself now takes
    found = run("fix", "--check", "--pattern", "*.txt", tmp_path)
    assert found.exit_code == 1
    assert "1 of 1 file would be repaired" in found.stderr
    pytest.importorskip("pyarrow")
    exporting = run("export", tmp_path, "-o", tmp_path / "out.parquet")
    assert exporting.exit_code == 1
    assert "no record files found" in exporting.stderr


def test_usage_of_validate_and_fix_shows_paths_as_needed() -> None:
    for command in ("validate", "fix"):
        usage = run(command, "--help").stdout.splitlines()[0]
        assert usage.endswith(f" {command} [OPTIONS] PATHS..."), usage


def test_a_date_time_that_is_refused_gets_no_note(seed_file: Path) -> None:
    result = run("set", seed_file, "publishedDateTime=2020-13-45")
    assert result.exit_code == 2
    assert "note" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for FIELD=VALUE: publishedDateTime: expected an ISO 8601 "
        "date-time, found '2020-13-45' (month must be in 1..12)"
    )


def test_a_link_that_loops_is_a_file_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "loop.md").symlink_to("loop.md")
    monkeypatch.chdir(tmp_path)
    unreadable = "loop.md: cannot be read: Too many levels of symbolic links"
    found = run("validate", ".")
    # Checked, and invalid: the summary agrees with the exit status, and the path has the
    # form of every other path.
    assert (found.exit_code, found.stdout) == (
        1,
        f"{unreadable}\nchecked 2 files: 1 valid, 1 invalid (1 problem)\n",
    )
    summary = json.loads(run("validate", "--format", "json", ".").stdout)
    assert (summary["checked"], summary["valid"], summary["invalid"]) == (2, 1, 1)
    given = run("validate", "loop.md")
    assert (given.exit_code, given.stdout) == (
        1,
        f"{unreadable}\nchecked 1 file: 0 valid, 1 invalid (1 problem)\n",
    )
    _every_command_tells_one_unreadable_file_of_two(unreadable)


def _every_command_tells_one_unreadable_file_of_two(unreadable: str) -> None:
    """fmt, fix, find and set in the current folder: *unreadable* told, counted, failing."""
    for command in (["fmt", "--check", "."], ["fix", "--check", "."], ["find", "."]):
        result = run(*command)
        assert result.exit_code == 1, command
        assert result.stderr.splitlines()[0] == unreadable, command
        assert "of 2 files" in result.stderr, command
    edited = run("set", ".", "--", "heat=3")
    assert edited.exit_code == 1
    assert edited.stderr == (
        f"{unreadable}\nmatched 1 of 2 files: 1 changed, 0 unchanged, 0 failed; 1 not valid "
        "records\n"
    )


def test_a_link_to_nothing_in_a_folder_is_a_file_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "gone.md").symlink_to("drafts/moved.md")
    (tmp_path / "notes.txt").symlink_to("nothere.txt")  # not a record's name: not told
    (tmp_path / "elsewhere").symlink_to("nothere")  # a link to a folder is never followed
    monkeypatch.chdir(tmp_path)
    unreadable = "gone.md: cannot be read: a link to nothing (drafts/moved.md)"
    found = run("validate", ".")
    assert (found.exit_code, found.stdout) == (
        1,
        f"{unreadable}\nchecked 2 files: 1 valid, 1 invalid (1 problem)\n",
    )
    _every_command_tells_one_unreadable_file_of_two(unreadable)
    # From Python: the walk raises it, or gives it to onerror, as it does a link that loops.
    with pytest.raises(FileNotFoundError, match=r"a link to nothing \(drafts/moved.md\)"):
        list(newsrecord.iter_record_files("."))
    errors: list[OSError] = []
    assert list(newsrecord.iter_record_files(".", onerror=errors.append)) == [Path("a.md")]
    assert [(error.errno, error.filename) for error in errors] == [(2, "./gone.md")]
    collected = dict(newsrecord.iter_records(".", errors="collect"))
    assert str(collected[Path("gone.md")]).endswith(unreadable.split(": ", 1)[1])
    with pytest.raises(FileNotFoundError, match="a link to nothing"):
        newsrecord.load("gone.md")


def test_a_link_to_nothing_given_by_name_is_told_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gone.md").symlink_to("nothere.md")
    monkeypatch.chdir(tmp_path)
    result = run("validate", "gone.md")
    assert result.exit_code == 2
    assert "'gone.md' is a link to nothing (nothere.md)" in result.stderr


def test_an_interrupted_fix_or_fmt_prints_what_it_did_so_far(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsrecord.cli import _check, _fix

    calls = []

    def stop_second(*arguments: object, **options: object) -> list[newsrecord.Problem]:
        calls.append(arguments)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return []

    monkeypatch.setattr(_fix, "_repair", stop_second)
    fixed = run("fix", tree)
    assert fixed.exit_code == 130
    assert fixed.stderr.splitlines()[0] == (
        "interrupted: 0 of 2 files repaired so far; the rest not done"
    )

    def stop(*arguments: object, **options: object) -> list[object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(_check, "_fmt_batch", stop)
    formatted = run("fmt", "-j", "1", tree)
    assert formatted.exit_code == 130
    assert formatted.stderr.splitlines()[0] == (
        "interrupted: 0 of 0 files reformatted so far; of 4 files under way, some may be "
        "saved too; the rest not done"
    )
