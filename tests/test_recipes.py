"""The editing recipes of docs/recipes.md: each script, run on a tree of our own records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers import SEED_TEXT

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ROOT / "docs" / "recipes"

# A second article: published, another provider, and both spellings of a topic.
ROBOTS = (
    SEED_TEXT.replace("heat: 38", "heat: 10")
    .replace("published: false", "published: true")
    .replace("  name: The Statesman\n  domain: sbstatesman.com", "  name: AOL\n  domain: aol.com")
    .replace("  - AI in Robotics\n  - AI\n", "  - Robots\n  - AI\n  - Artificial intelligence\n")
)

PROFILE = """\
---
name: "Ada Example"
type: profile
heat: 12

topics:
  - Power Apps
---
"""

ORGANIZATION = """\
---
taxonomy: organization
_id: example.org
name: Example
domain: example.org
---
"""

INVALID = SEED_TEXT.replace("heat: 38", "heat: hot")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    files = {
        "news/ai.md": SEED_TEXT,
        "news/robots.md": ROBOTS,
        "people/ada.md": PROFILE,
        "organizations/example.org.md": ORGANIZATION,
        "README.md": "# Our records\n\nNot a record: the recipes leave it alone.\n",
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(script: str, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # this interpreter, our own scripts
        [sys.executable, str(RECIPES / script), *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def replaced(text: str, old: str, new: str) -> list[str]:
    assert old in text
    return text.replace(old, new).splitlines()


def unchanged(tree: Path, *relatives: str) -> None:
    for relative in relatives:
        original = {
            "news/ai.md": SEED_TEXT,
            "news/robots.md": ROBOTS,
            "people/ada.md": PROFILE,
            "organizations/example.org.md": ORGANIZATION,
        }[relative]
        assert lines(tree / relative) == original.splitlines(), relative


def test_every_recipe_is_on_the_recipes_page() -> None:
    page = (ROOT / "docs" / "recipes.md").read_text(encoding="utf-8")
    scripts = sorted(RECIPES.glob("*.py"))
    assert [script.name for script in scripts] == [
        "bump_heat.py",
        "drop_unpublished.py",
        "fix_provider_domain.py",
        "retag_topics.py",
    ]
    for script in scripts:
        assert f"```python\n{script.read_text(encoding='utf-8')}```" in page, script.name


def test_retag_topics(tree: Path) -> None:
    done = run("retag_topics.py", "AI", "Artificial intelligence", tree)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{tree}/news/ai.md", f"{tree}/news/robots.md"]
    assert lines(tree / "news" / "ai.md") == replaced(
        SEED_TEXT, "  - AI\n", "  - Artificial intelligence\n"
    )
    # Robots had both spellings: the renamed one goes, the other stays where it was.
    assert lines(tree / "news" / "robots.md") == replaced(ROBOTS, "  - AI\n", "")
    unchanged(tree, "people/ada.md", "organizations/example.org.md")


def test_fix_provider_domain(tree: Path) -> None:
    done = run("fix_provider_domain.py", "aol.com", "aol.co.uk", tree)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{tree}/news/ai.md", f"{tree}/news/robots.md"]
    # In the seed, only the related article's provider is AOL.
    assert lines(tree / "news" / "ai.md") == replaced(
        SEED_TEXT, "      domain: aol.com\n", "      domain: aol.co.uk\n"
    )
    assert (
        lines(tree / "news" / "robots.md")
        == ROBOTS.replace("domain: aol.com\n", "domain: aol.co.uk\n").splitlines()
    )
    assert ROBOTS.count("domain: aol.com\n") == 2
    unchanged(tree, "people/ada.md", "organizations/example.org.md")


def test_drop_unpublished(tree: Path) -> None:
    listed = run("drop_unpublished.py", "--dry-run", tree)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [f"{tree}/news/ai.md"]
    assert (tree / "news" / "ai.md").exists()
    done = run("drop_unpublished.py", tree)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{tree}/news/ai.md"]
    assert not (tree / "news" / "ai.md").exists()
    remaining = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert remaining == [
        "README.md",
        "news/robots.md",
        "organizations/example.org.md",
        "people/ada.md",
    ]
    unchanged(tree, "news/robots.md", "people/ada.md", "organizations/example.org.md")


def test_bump_heat_of_one_topic(tree: Path) -> None:
    done = run("bump_heat.py", "5", tree, "--topic", "AI")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{tree}/news/ai.md: heat 43",
        f"{tree}/news/robots.md: heat 15",
    ]
    assert lines(tree / "news" / "ai.md") == replaced(SEED_TEXT, "heat: 38\n", "heat: 43\n")
    assert lines(tree / "news" / "robots.md") == replaced(ROBOTS, "heat: 10\n", "heat: 15\n")
    unchanged(tree, "people/ada.md", "organizations/example.org.md")


def test_bump_heat_everywhere_by_a_negative_amount(tree: Path) -> None:
    done = run("bump_heat.py", "--", "-20", tree)
    assert done.returncode == 0, done.stderr
    assert lines(tree / "news" / "ai.md") == replaced(SEED_TEXT, "heat: 38\n", "heat: 18\n")
    assert lines(tree / "news" / "robots.md") == replaced(ROBOTS, "heat: 10\n", "heat: -10\n")
    assert lines(tree / "people" / "ada.md") == replaced(PROFILE, "heat: 12\n", "heat: -8\n")
    unchanged(tree, "organizations/example.org.md")


@pytest.mark.parametrize(
    ("script", "arguments"),
    [
        ("retag_topics.py", ["AI", "Artificial intelligence"]),
        ("fix_provider_domain.py", ["aol.com", "aol.co.uk"]),
        ("drop_unpublished.py", []),
        ("bump_heat.py", ["1"]),
    ],
)
def test_recipes_report_invalid_records_and_go_on(
    tree: Path, script: str, arguments: list[str]
) -> None:
    bad = tree / "news" / "0-bad.md"  # walked before the others: they must still be done
    bad.write_text(INVALID, encoding="utf-8")
    done = run(script, *arguments, tree)
    assert done.returncode == 1
    assert done.stderr == f"{bad}:10:7: heat: expected an integer, found the string 'hot'\n"
    assert bad.read_text(encoding="utf-8") == INVALID
    assert f"{tree}/news/ai.md" in done.stdout
