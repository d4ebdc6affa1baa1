"""The house-style writer carries comments into its new layout (``newsrecord fmt``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import newsrecord
from newsrecord.cli import main

COMMENTED = """\
---
# Leading comment
heat: 3  # the heat
title:   'A title'    # the title

# about images
images:
  # first image
  - url: http://x/a.png   # on the item's line
    width: 100
  - {url: "http://x/b.png"}  # a flow item
provider:
    name: P  # provider name
    # before domain
    domain: d.com
excerpt: |
  # not a comment: text
  more
# trailing comment
---
body # not a comment
"""

FORMATTED = """\
---
title: "A title"  # the title
excerpt: "# not a comment: text\\nmore\\n"
# Leading comment
heat: 3  # the heat

provider:
  name: P  # provider name
  # before domain
  domain: d.com

# about images
images:
  # first image
  - url: http://x/a.png  # on the item's line
    width: 100
  - url: http://x/b.png  # a flow item

# trailing comment
---
body # not a comment
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fmt_keeps_full_line_and_end_of_line_comments_with_their_entries(
    tmp_path: Path, newline: str
) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(COMMENTED.replace("\n", newline).encode("utf-8"))
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 of 1 file reformatted" in result.output
    text = path.read_bytes().decode("utf-8")
    assert text == FORMATTED.replace("\n", newline)
    assert newsrecord.loads(text).record == newsrecord.loads(COMMENTED).record
    # Formatted once, formatted for good.
    again = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: T\ntopics: [a,  # in a flow list\n  b]\n---\n",
        "---\n? title\n: T  # after an explicit key's value\n---\n",
    ],
)
def test_fmt_keeps_a_file_whose_comments_have_no_place(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.md"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert "kept as it is: would drop comments" in result.output
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("line", "reading"),
    [
        ("quality: 0075", "'0075' as the integer 61"),  # octal in YAML 1.1
        ("title: yes", "'yes' as true"),
        ("length: 1:16", "'1:16' as the integer 4560"),  # sexagesimal
    ],
)
def test_fmt_keeps_a_file_whose_rewrite_jekyll_would_read_otherwise(
    tmp_path: Path, line: str, reading: str
) -> None:
    text = f"---\ntype: course\nheat: 1\n{line}\n---\n"
    if not line.startswith("title"):
        text = text.replace("---\n", "---\ntitle: T\n", 1)
    path = tmp_path / "r.md"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert "kept as it is: would change what Jekyll reads" in result.output
    assert f"reads {reading}" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_fmt_leaves_the_pages_of_a_site_alone(tmp_path: Path) -> None:
    page = "---\nlayout: page\ntitle: About\npermalink: /about/\n---\nHello\n"
    (tmp_path / "about.md").write_text(page, encoding="utf-8")
    record = "---\ntitle: T\nexcerpt: E\n---\n"  # no type either, but no page's keys
    (tmp_path / "r.md").write_text(record, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 of 2 files reformatted" in result.output
    assert "1 page of the site (layout: or permalink:) left alone" in result.output
    assert (tmp_path / "about.md").read_text(encoding="utf-8") == page
    assert (tmp_path / "r.md").read_text(encoding="utf-8") != record
