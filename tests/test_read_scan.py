"""The fast path gives exactly the nodes the full parser gives, wherever it accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import FRONT_MATTERS
from tests.strategies import Styled, styled_documents

from newsrecord._read import parse as _nodes
from newsrecord._read import scan as _fastscan
from newsrecord._read import split as _split
from newsrecord._read import text as _text
from newsrecord._read.parse import DEFAULT_LIMITS
from newsrecord._read.yaml_core import ESCAPES
from newsrecord.errors import ParseError

# --- block YAML inside the scanner's subset -------------------------------------------
# The scanner must accept every document these strategies draw (the tests assert it), so
# the differential tests compare real work instead of a few percent of lucky inputs.

_KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True).filter(
    lambda key: key not in _fastscan._NOT_STRING_KEYS
)
# Characters inside scalars: YAML indicators, quotes, non-ASCII and non-BMP ones.
_CHARS = st.sampled_from(list("ab Zz09.,:/#-_'\"[]{}!&*|>%@`~?=<é€😀\u00a0"))
_PLAIN_START = st.sampled_from(list("abZ09._(/~=<é€😀"))
_ESCAPE_TEXTS = st.sampled_from(
    [f"\\{code}" for code in ESCAPES]
    + ["\\x41", "\\xe9", "\\u00e9", "\\u2028", "\\uFFFD", "\\U0001F600", "\\U0010FFFF"]
)


@st.composite
def _plain(draw: st.DrawFn, *, item: bool = False) -> str:
    rest = draw(st.text(_CHARS, max_size=12))
    value = draw(_PLAIN_START) + rest
    # What ends or splits a plain scalar: ": ", " #", a final ":" (trailing blanks are
    # allowed: they are not part of the value).
    value = value.replace(": ", ":x").replace(" #", " x").rstrip(" ").rstrip(":") or "a"
    if not item and draw(st.booleans()):
        value = "-" + value  # "-5": a plain scalar, not a list
    return value + draw(st.sampled_from(["", "", " ", "  "]))


@st.composite
def _single(draw: st.DrawFn) -> str:
    return "'" + draw(st.text(_CHARS, max_size=12)).replace("'", "''") + "'"


@st.composite
def _double(draw: st.DrawFn) -> str:
    pieces = draw(
        st.lists(
            st.one_of(st.text(_CHARS.filter(lambda c: c not in '"\\'), max_size=4), _ESCAPE_TEXTS),
            max_size=5,
        )
    )
    return '"' + "".join(pieces) + '"'


def _scalar(*, item: bool = False) -> st.SearchStrategy[str]:
    comment = st.sampled_from(["", "", " # note", "   #", " # a: [b] 'c'"])
    return st.tuples(st.one_of(_plain(item=item), _single(), _double()), comment).map("".join)


@st.composite
def subset_documents(draw: st.DrawFn) -> str:
    """A front matter in the scanner's subset, in a record file (LF or CRLF)."""
    lines: list[str] = []

    def filler(indent: int) -> None:
        if draw(st.integers(0, 3)) == 0:
            comment = " " * indent + "# note"
            lines.append(draw(st.sampled_from(["", "  ", comment, "#: x", "  # - y"])))

    def mapping(indent: int, depth: int, first_prefix: str | None = None) -> None:
        for n, key in enumerate(draw(st.lists(_KEYS, min_size=1, max_size=4, unique=True))):
            if n == 0 and first_prefix is not None:
                prefix = first_prefix
            else:
                filler(indent)
                prefix = " " * indent
            kinds = ["scalar", "scalar", "null", "map", "list", "flush"]
            kind = draw(st.sampled_from(kinds if depth < 4 else kinds[:1]))
            head = f"{prefix}{key}:"
            if kind == "scalar":
                lines.append(head + " " * draw(st.integers(1, 3)) + draw(_scalar()))
            elif kind == "null":
                lines.append(head + draw(st.sampled_from(["", " "])))
            elif kind == "map":
                lines.append(head)
                mapping(indent + draw(st.integers(1, 4)), depth + 1)
            else:
                lines.append(head)
                sequence(indent + (0 if kind == "flush" else draw(st.integers(1, 3))), depth + 1)

    def sequence(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            filler(indent)
            dash = " " * indent + "-" + " " * draw(st.integers(1, 3))
            if depth < 4 and draw(st.booleans()):
                mapping(len(dash), depth + 1, first_prefix=dash)
            else:
                lines.append(dash + draw(_scalar(item=True)))

    filler(0)
    mapping(0, 1)
    filler(0)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(st.sampled_from(["", "body\n", "---\n"]))
    return newline.join(["---", *lines, "---", ""]) + body.replace("\n", newline)


# The full parser alone: ruamel.yaml's events, never the fast path.
_full = _nodes.parse_events


def _tree(node: _nodes.Node) -> Any:
    if isinstance(node, _nodes.Scalar):
        return ("scalar", node.value, node.style, node.tag, node.start, node.end)
    if isinstance(node, _nodes.Mapping):
        pairs = [(_tree(key), _tree(value)) for key, value in node.pairs]
        return ("mapping", node.flow, node.start, node.end, pairs)
    return ("sequence", node.flow, node.start, node.end, [_tree(item) for item in node.items])


def _both(text: str, duplicates: list[Any] | None = None) -> tuple[Any, Any]:
    parts = _split.split(text)
    fast = _fastscan.scan(
        text, parts.yaml_start, parts.yaml_end, DEFAULT_LIMITS.max_depth, DEFAULT_LIMITS.max_nodes
    )
    full = _full(
        text, parts.yaml_start, parts.yaml_end, _text.LineIndex(text), duplicates=duplicates
    )
    return (None if fast is None else _tree(fast)), _tree(full)


def _agrees_or_declines(text: str) -> None:
    """Assert the fast path declines *text* (always where the full parser refuses it) or
    gives the full parser's nodes.
    """
    parts = _split.split(text)
    fast = _fastscan.scan(text, parts.yaml_start, parts.yaml_end, 64, 20_000)
    try:
        full = _full(text, parts.yaml_start, parts.yaml_end, _text.LineIndex(text))
    except ParseError:
        assert fast is None, text
        return
    assert fast is None or _tree(fast) == _tree(full), text


def test_seed_takes_the_fast_path(seed_text: str) -> None:
    fast, full = _both(seed_text)
    assert fast is not None
    assert fast == full


def test_every_corpus_file_takes_the_fast_path_with_the_same_nodes(
    corpus_files: list[Path],
) -> None:
    declined = []
    for path in corpus_files:
        text = path.read_bytes().decode("utf-8")
        duplicates: list[Any] = []
        fast, full = _both(text, duplicates)
        if fast is None:
            # Flow collections and keys written twice are the full parser's.
            declined.append(path.name)
            continue
        assert not duplicates, path
        assert fast == full, path
    print(f"\nthe fast path declined {len(declined)} of {len(corpus_files)} files")
    assert len(declined) <= len(corpus_files) / 20, declined


@pytest.mark.parametrize("front_matter", FRONT_MATTERS)
def test_fast_path_agrees_or_declines(front_matter: str) -> None:
    _agrees_or_declines(f"---\n{front_matter}---\n")


@given(styled_documents())
def test_fast_path_agrees_on_styled_files(doc: Styled) -> None:
    fast, full = _both(doc.text)
    assert fast is None or fast == full


@given(st.text(st.sampled_from("[],ab: #'\"\\x1.-é{}"), max_size=30), st.booleans())
def test_fast_path_agrees_on_near_flow_lists(value: str, nested: bool) -> None:
    front_matter = f"k:\n  l: [{value}\n" if nested else f"k: [{value}\n"
    _agrees_or_declines(f"---\n{front_matter}\n---\n")


@given(st.text(st.sampled_from("ab: -#'\"\\\n x1é"), max_size=60))
def test_fast_path_agrees_on_near_yaml(front_matter: str) -> None:
    _agrees_or_declines(f"---\n{front_matter}\n---\n")


@given(subset_documents())
def test_fast_path_accepts_the_subset_and_gives_the_full_parsers_nodes(text: str) -> None:
    fast, full = _both(text)
    assert fast is not None, text
    assert fast == full, text


_NEAR_MISSES = st.sampled_from(
    [
        "\t",
        " ",
        "  ",
        "-",
        "- ",
        ":",
        ": ",
        "#",
        " #",
        "'",
        '"',
        "\\",
        "\n",
        "\r",
        "\n  ",
        "[",
        "{",
        "&a ",
        "*a",
        "!!str ",
        "|",
        ">",
        "? ",
        "%",
        "@",
        "\x85",
        "\u2028",
        "\ufeff",
        "\\x4",
        "\\u00",
        "\\q",
        "\\ud800",
        "true",
        "null",
        "~",
        "k" * 1030,
    ]
)


@given(subset_documents(), st.data())
def test_fast_path_declines_or_agrees_on_near_misses(text: str, data: st.DataObject) -> None:
    front = text[4 : text.rindex("---")]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(front)))
        if data.draw(st.booleans()):
            front = front[:at] + data.draw(_NEAR_MISSES) + front[at:]
        else:
            front = front[:at] + front[at + data.draw(st.integers(1, 3)) :]
    _agrees_or_declines(f"---\n{front}\n---\n")
