"""Splitting a file at its ``---`` lines: the front matter's and the body's offsets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsrecord._read.split import split
from newsrecord.errors import ParseError

# The rule, as one regular expression: a closing line is "---" (or YAML's end marker
# "...", which Jekyll's pattern takes too), blanks, then a line break or the end, at the
# start of a line after the opening one.
_RULE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\r|\Z)", re.MULTILINE)


@pytest.mark.parametrize(
    ("text", "front", "body"),
    [
        ("---\na: 1\n---\nbody", "a: 1\n", "body"),
        ("---\n---\n", "", ""),
        ("---\na: 1\n---", "a: 1\n", ""),
        ("---  \r\na: 1\r\n--- \t\r\nbody\r\n", "a: 1\r\n", "body\r\n"),
        ("---\na: '----'\n----\n--- x\nb: 2\n---\nbody", "a: '----'\n----\n--- x\nb: 2\n", "body"),
        ("\ufeff---\na: 1\n---\n", "a: 1\n", ""),
        ("---\ra: 1\r---\rbody", "a: 1\r", "body"),
        ("---\na: 1\n...\nbody\n---\n", "a: 1\n", "body\n---\n"),
        ("---\na: 1\n....\n... x\n--- \nbody", "a: 1\n....\n... x\n", "body"),
        ("---\ra: 1\r...\rbody", "a: 1\r", "body"),
    ],
)
def test_split_finds_the_closing_line(text: str, front: str, body: str) -> None:
    parts = split(text)
    assert text[parts.yaml_start : parts.yaml_end] == front
    assert text[parts.body_start :] == body


@pytest.mark.parametrize(
    "text", ["", "a: 1\n", "---\na: 1\n", "---\na: 1\n----\n", "--- \na: 1\n--"]
)
def test_a_file_without_both_lines_is_refused(text: str) -> None:
    with pytest.raises(ParseError):
        split(text)


_LINES = st.sampled_from(
    ["---", "----", "--- x", "---  ", "a: 1", "", " ---", "-- -", "b: '---'", "...", "....", "... "]
)


@given(st.lists(_LINES, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_split_follows_the_rule_on_any_lines(lines: list[str], newline: str, final: bool) -> None:
    text = "---" + newline + newline.join(lines) + (newline if final else "")
    opening_end = 3 + len(newline)
    expected = _RULE.search(text, opening_end)
    if expected is None:
        with pytest.raises(ParseError):
            split(text)
        return
    parts = split(text)
    assert (parts.yaml_start, parts.yaml_end, parts.body_start) == (
        opening_end,
        expected.start(),
        expected.end(),
    )
