"""The fast path gives exactly the nodes the full parser gives, wherever it accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import Styled, styled_documents

from newsrecord._read import parse as _nodes
from newsrecord._read import scan as _fastscan
from newsrecord._read import split as _split
from newsrecord._read import text as _text
from newsrecord._read.parse import DEFAULT_LIMITS
from newsrecord.errors import ParseError

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


@pytest.mark.parametrize(
    "front_matter",
    [
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
    ],
)
def test_fast_path_agrees_or_declines(front_matter: str) -> None:
    text = f"---\n{front_matter}---\n"
    parts = _split.split(text)
    fast = _fastscan.scan(text, parts.yaml_start, parts.yaml_end, 64, 20_000)
    try:
        full = _full(text, parts.yaml_start, parts.yaml_end, _text.LineIndex(text))
    except ParseError:
        assert fast is None
        return
    assert fast is None or _tree(fast) == _tree(full)


@given(styled_documents())
def test_fast_path_agrees_on_styled_files(doc: Styled) -> None:
    fast, full = _both(doc.text)
    assert fast is None or fast == full


@given(st.text(st.sampled_from("ab: -#'\"\\\n x1é"), max_size=60))
def test_fast_path_agrees_on_near_yaml(front_matter: str) -> None:
    text = f"---\n{front_matter}\n---\n"
    parts = _split.split(text)
    fast = _fastscan.scan(text, parts.yaml_start, parts.yaml_end, 64, 20_000)
    try:
        full = _full(text, parts.yaml_start, parts.yaml_end, _text.LineIndex(text))
    except ParseError:
        assert fast is None, front_matter
        return
    assert fast is None or _tree(fast) == _tree(full), front_matter
