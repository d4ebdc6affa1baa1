"""Every ```python block of the docs and the README runs, and shown diffs are real.

The blocks of one page run in order in one namespace, so a page can build on its earlier
blocks, in a temporary folder holding a copy of ``seeds/`` and the seed again as
``news/ai.md`` (the path examples use for "an article"). Conventions, in HTML comments
(invisible on the site) on the line right before a fence:

- ``<!-- docs-test: skip -->``: the next ```python block is not run (keep these rare);
- ``<!-- docs-test: diff FILE -->``: the next ```diff block must be exactly the unified
  diff (``-U1``) between FILE in ``seeds/`` and FILE after the page's earlier blocks ran.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import attrs
import pytest
from tests.helpers import SEED

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
SKIP = "<!-- docs-test: skip -->"
_DIFF = re.compile(r"<!-- docs-test: diff (?P<file>\S+) -->")
_FENCE = re.compile(r"(?P<indent>[ \t]*)```(?P<lang>[\w-]*)")


@attrs.frozen
class Block:
    """One fenced block of a page."""

    lang: str
    code: str
    line: int
    marker: str


def blocks(path: Path) -> list[Block]:
    """Return the fenced blocks of a Markdown page, with the marker line before each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    while index < len(lines):
        opening = _FENCE.fullmatch(lines[index])
        if opening is None:
            index += 1
            continue
        indent = opening["indent"]
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        body = [line.removeprefix(indent) for line in lines[index + 1 : end]]
        marker = lines[index - 1].strip() if index else ""
        found.append(Block(opening["lang"], "\n".join(body) + "\n", index + 2, marker))
        index = end + 1
    return found


def pages_with(lang: str) -> list[Path]:
    return [page for page in PAGES if any(b.lang == lang for b in blocks(page))]


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / "news").mkdir()
    shutil.copyfile(SEED, tmp_path / "news" / "ai.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as stream:
        return stream.read()


@pytest.mark.parametrize("page", pages_with("python"), ids=lambda p: p.relative_to(ROOT).name)
def test_python_examples_run(page: Path, seeded: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page):
        if block.lang == "python" and block.marker != SKIP:
            # Blank lines in front, so that a traceback gives the line in the page.
            code = "\n" * (block.line - 1) + block.code
            exec(compile(code, str(page), "exec"), namespace)  # noqa: S102  # the docs' own code
        diff = _DIFF.fullmatch(block.marker)
        if diff is not None:
            assert block.lang == "diff", f"{page}:{block.line}: a diff marker needs a diff"
            file = diff["file"]
            expected = "".join(
                difflib.unified_diff(
                    _read(ROOT / file).splitlines(keepends=True),
                    _read(seeded / file).splitlines(keepends=True),
                    f"before/{file}",
                    f"after/{file}",
                    n=1,
                )
            )
            assert block.code == expected, f"{page}:{block.line}: the diff shown is not real"


def test_the_home_page_shows_a_real_diff() -> None:
    markers = [b for b in blocks(ROOT / "docs" / "index.md") if _DIFF.fullmatch(b.marker)]
    assert len(markers) == 1


def test_skipped_examples_are_rare() -> None:
    skipped = [
        f"{page.name}:{block.line}"
        for page in PAGES
        for block in blocks(page)
        if block.lang == "python" and block.marker == SKIP
    ]
    ran = sum(block.lang == "python" for page in PAGES for block in blocks(page))
    assert len(skipped) <= max(2, ran // 10), skipped


def test_every_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r"^\s+- [^:\n]+: (\S+\.md)$", config, re.MULTILINE))
    pages = {page.name for page in (ROOT / "docs").glob("*.md")}
    assert pages <= nav, f"pages missing from the nav of mkdocs.yml: {pages - nav}"


def test_the_changelog_page_includes_the_changelog() -> None:
    assert '--8<-- "CHANGELOG.md"' in (ROOT / "docs" / "changelog.md").read_text("utf-8")
