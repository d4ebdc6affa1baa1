"""Code written as the docs show passes ``mypy --strict``; a real mistake does not.

mypy runs once, in a process of its own, on a folder of small scripts: typed code that
uses the API as documented (each ``reveal_type`` line says what it must reveal), the
docs' own "Typed code" example, and scripts that each hold one mistake mypy must report.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.test_docs import ROOT, blocks

pytest.importorskip("mypy", reason="mypy (the lint extra) is not installed")

TYPED = """
import datetime as dt
from pathlib import Path

import newsrecord


def heat_of(doc: newsrecord.Document) -> int | None:
    return doc.record.heat if isinstance(doc.record, newsrecord.Record) else None


def typed(path: Path, text: str) -> None:
    doc = newsrecord.load(path, kind=newsrecord.Article)
    reveal_type(doc)  # Document[Article]
    reveal_type(doc.record)  # Article
    reveal_type(doc.kind)  # type[Article]
    doc.record.heat = 40
    doc.record.category = "news"
    heat_of(doc)  # a Document[Article] is a Document
    plain: newsrecord.Document = doc
    reveal_type(plain.record)  # Record | Organization

    reveal_type(newsrecord.loads(text, kind=newsrecord.Video).record)  # Video
    reveal_type(newsrecord.loads(text).record)  # Record | Organization
    reveal_type(newsrecord.load(path).record)  # Record | Organization
    reveal_type(newsrecord.from_dict({}, kind=newsrecord.Event))  # Event
    reveal_type(newsrecord.Document(text, kind=newsrecord.Book))  # Document[Book]
    reveal_type(newsrecord.Document(text))  # Document[Record | Organization]

    with newsrecord.edit(path, kind=newsrecord.Article) as edited:
        reveal_type(edited.record)  # Article
        edited.record.heat = (edited.record.heat or 0) + 1
    with newsrecord.edit(path) as any_doc:
        if isinstance(any_doc.record, newsrecord.Record):
            any_doc.record.heat = 1

    with newsrecord.edit(path, kind=newsrecord.Course) as course:
        reveal_type(course.record.length)  # Duration | None
        course.record.length = dt.timedelta(hours=54)
        course.record.length = newsrecord.Duration("53 hours")
        course.record.length = None

    video = newsrecord.Video(title="A", length=dt.timedelta(minutes=13, seconds=34))
    reveal_type(video.length)  # Duration | None
    newsrecord.Video(title="A", length=newsrecord.Duration("PT1H"))

    for found_path, found in newsrecord.iter_records([path], kind=newsrecord.Article):
        reveal_type(found)  # Document[Article]
        found.record.heat = 1
        found_path.name
    for _, any_found in newsrecord.iter_records([path]):
        reveal_type(any_found)  # Document[Record | Organization]
    for _, item in newsrecord.iter_records([path], errors="collect", kind=newsrecord.Video):
        if not isinstance(item, newsrecord.RecordError):
            reveal_type(item.record)  # Video
    assert newsrecord.diff_records(doc, newsrecord.load(path)) is not None
"""

MISTAKES = {
    "heat_is_text": (
        'doc = newsrecord.load("a.md", kind=newsrecord.Article)\ndoc.record.heat = "hot"\n',
        (
            'Incompatible types in assignment (expression has type "str", variable has type '
            '"int | None")  [assignment]'
        ),
    ),
    "kind_unknown": (
        'doc = newsrecord.load("a.md")\ndoc.record.heat = 40\n',
        'Item "Organization" of "Record | Organization" has no attribute "heat"  [union-attr]',
    ),
    "length_is_text": (
        'newsrecord.Video(length="PT1H")\n',
        (
            'Argument "length" to "Video" has incompatible type "str"; '
            'expected "Duration | timedelta | None"  [arg-type]'
        ),
    ),
    "length_assigned_text": (
        'newsrecord.Video().length = "PT1H"\n',
        (
            'Incompatible types in assignment (expression has type "str", variable has type '
            '"Duration | timedelta | None")  [assignment]'
        ),
    ),
    "wrong_kind_kept": (
        (
            "doc: newsrecord.Document[newsrecord.Video] = newsrecord.load(\n"
            '    "a.md", kind=newsrecord.Article\n)\n'
        ),
        # A Document[Video] is asked for: mypy infers the kind it must be given.
        (
            'Argument "kind" to "load" has incompatible type "type[Article]"; '
            'expected "type[Video]"  [arg-type]'
        ),
    ),
    "price_is_text": (
        'newsrecord.Course(price="Free")\n',
        (
            'Argument "price" to "Course" has incompatible type "str"; '
            'expected "Price | None"  [arg-type]'
        ),
    ),
}

_REVEALED = re.compile(r"^\s*reveal_type\(.*\)  # (?P<expected>.+)$")
_REPORT = re.compile(r"^(?P<file>[\w.]+):(?P<line>\d+): (?P<level>\w+): (?P<message>.*)$")


def _typed_docs_example() -> str:
    """The python block of the editing guide's "Typed code" section."""
    page = ROOT / "docs" / "editing.md"
    heading = page.read_text(encoding="utf-8").splitlines().index("## Typed code") + 1
    return next(b.code for b in blocks(page) if b.lang == "python" and b.line > heading)


def _mypy_reports(folder: Path) -> dict[str, list[tuple[int, str, str]]]:
    scripts = {"typed.py": textwrap.dedent(TYPED), "docs_typed.py": _typed_docs_example()}
    for name, (code, _) in MISTAKES.items():
        scripts[f"{name}.py"] = "import newsrecord\n\n" + code
    for name, code in scripts.items():
        (folder / name).write_text(code, encoding="utf-8")
    options = ["--strict", "--cache-dir", ".mypy_cache", "--hide-error-context"]
    options += ["--no-error-summary", "--no-pretty", "--show-error-codes"]
    done = subprocess.run(  # noqa: S603  # this interpreter's mypy, on the scripts above
        [sys.executable, "-m", "mypy", *options, *sorted(scripts)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert not done.stderr, done.stderr
    reports: dict[str, list[tuple[int, str, str]]] = {name: [] for name in scripts}
    for line in done.stdout.splitlines():
        match = _REPORT.match(line)
        assert match is not None, line
        reports[match["file"]].append((int(match["line"]), match["level"], match["message"]))
    return reports


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[int, str, str]]]:
    return _mypy_reports(tmp_path_factory.mktemp("typing"))


def test_code_written_as_documented_passes_mypy_strict(
    reports: dict[str, list[tuple[int, str, str]]],
) -> None:
    assert [report for report in reports["typed.py"] if report[1] != "note"] == []
    assert reports["docs_typed.py"] == []


def test_reveal_type_shows_the_record_of_each_kind(
    reports: dict[str, list[tuple[int, str, str]]],
) -> None:
    lines = textwrap.dedent(TYPED).splitlines()
    expected = {
        number: f'Revealed type is "{match["expected"]}"'
        for number, line in enumerate(lines, 1)
        if (match := _REVEALED.match(line))
    }
    revealed = {
        line: re.sub(r"newsrecord\.(model\.\w+|document)\.", "", message)
        for line, level, message in reports["typed.py"]
        if level == "note"
    }
    assert revealed == expected
    assert len(expected) >= 15


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_real_mistake_fails_mypy_strict(
    reports: dict[str, list[tuple[int, str, str]]], mistake: str
) -> None:
    errors = [message for _, level, message in reports[f"{mistake}.py"] if level == "error"]
    assert errors == [MISTAKES[mistake][1]]
