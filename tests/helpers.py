"""Helpers the test modules share: the seed record, comparing texts line by line, a small
course and article, chosen front matters, and running code in a fresh interpreter."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_9841d82d5199b387.txt"
"""Our copy of the reference record (the ``seed_text`` fixture holds its text)."""
SEED_BYTES = SEED.read_bytes()
SEED_TEXT = SEED_BYTES.decode("utf-8")
SECURED = SEED_TEXT.split('secured: "')[1].split('"')[0]
"""The seed's whole ``secured`` blob: what output must never show unasked."""
HUGE_TEXT = SEED_TEXT.replace('title: "', 'title: "' + "x" * (1 << 20), 1)
"""The seed with a title of over a mebibyte: a front matter over the default limit
(``Limits.max_front_matter``), in a file under every other one."""


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run *code* in a fresh interpreter (imports counted from nothing); output as text."""
    return subprocess.run(  # noqa: S603  # our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )


def run_ruby(script: str, data: object, reader: str) -> Any:
    """Run a Ruby *script* on *data* (JSON on its stdin); return what it prints, as JSON.

    Ruby's Psych is what Jekyll reads YAML with: the tests compare against it, and skip,
    naming *reader*, where Ruby is not installed.
    """
    ruby = shutil.which("ruby")
    if ruby is None:
        pytest.skip(f"ruby is not installed (apt-get install ruby): cannot compare with {reader}")
    done = subprocess.run(  # noqa: S603  # ruby from PATH, our own script
        [ruby, "-e", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a unified diff of two texts removes (``-``) and adds (``+``), in order."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


COURSE = """\
---
title: "Learn things"
type: course
price: Free
length: PT13M34S
ratings:
  count: 10
  average: 4.5
heat: 3

topics:
  - AI

---
"""
"""A course in the house style (``fmt`` leaves it as it is): a price, a duration, ratings
and a topic, and no images or ``published`` key."""


ARTICLE = """\
---
# kept: a comment
title: "Old title"
webUrl: "https://example.com/a"
type: article
heat: 38
topics: [AI, Robots]
images:
  - url: "https://example.com/1.png"
    width: 100
related:
  - title: "First"
    webUrl: "https://example.com/r1"
  - title: "Second"
    webUrl: "https://example.com/r2"
  - some-slug
secured: "c2VjcmV0;aXZpdml2aXZpdml2aXZpdg=="
custom:   {odd: spacing}
---
one
two
three
four
five
"""
"""A small article the diff and merge tests change: list items named by ``webUrl`` and by
slug, a ``secured`` blob, an unknown key, and text a merge must keep as it is (the comment,
the flow list, the odd spacing)."""

FRONT_MATTERS = [
    "a: 1\nb:\n  c: x  # c\n\n  d: y\n# com\ne:\n- 1\n- k: v\n  z: w\nf:\n  - p\n\ng: \n",
    "heat: -2147483598\ndomain:\nname: 'it''s'\nx: \"\\u00e9\\x41\\t\\\"q\\\"\"\n",
    "a:\n    b:\n        - c: 1\n          d: 2\n        -   e: 3\n            f: 4\n",
    "a: b # c\r\nd:\r\n  - e\r\n",
    "t: C# and F#\nu: a:b\nv: [1]\n",
    "k: x\n  continued\n",
    "k: |\n  block\n",
    "true: x\n",
    "k: v\nk: w\n",
    'k: "unclosed\n  more"\n',
    "k: &a x\nl: *a\n",
    "k: !!str x\n",
    "- a\n",
    "k:\n- a\n-\n",
    "k: - a\n",
]
"""Front matters (the text between the two ``---`` lines) at the edges of the fast scanners'
subset: comments and blank lines, CRLF, deep indents, and what they must leave to the full
parser (block scalars, anchors, tags, flow lists, keys written twice)."""
