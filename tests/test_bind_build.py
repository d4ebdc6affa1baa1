"""The fast record builder gives the records cattrs gives, wherever it accepts."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from tests.strategies import Styled, styled_documents

import newsrecord
from newsrecord._bind import build as _build
from newsrecord._bind import compare as _compare
from newsrecord._bind import convert as _convert
from newsrecord._bind import shapes as _shapes
from newsrecord._bind.kinds import kind_of_node
from newsrecord._read import parse as _nodes
from newsrecord._read import split as _split
from newsrecord._read import text as _text


def _both(text: str, kind: type[newsrecord.AnyRecord] | None = None) -> tuple[object, object]:
    parts = _split.split(text)
    root = _nodes.parse(
        text, parts.yaml_start, parts.yaml_end, _text.LineIndex(text), duplicates=[]
    )
    cls = kind or kind_of_node(root)
    errors: list[tuple[str, int, str]] = []
    data = _nodes.to_data(root, _shapes.shape_of(cls), errors)
    checked = None if errors else _convert.structure(data, cls)
    return _build.build(root, cls), checked


def test_the_seed_is_built_fast_and_equal(seed_text: str) -> None:
    fast, checked = _both(seed_text)
    assert fast is not None
    assert _compare.same(fast, checked)


def test_every_corpus_record_is_built_fast_and_equal(corpus_files: list[Path]) -> None:
    for path in corpus_files:
        fast, checked = _both(path.read_bytes().decode("utf-8"))
        assert fast is not None, path
        assert _compare.same(fast, checked), path


@given(styled_documents())
def test_fast_and_checked_records_agree_on_styled_files(doc: Styled) -> None:
    fast, checked = _both(doc.text, type(doc.record))
    if fast is not None:
        assert _compare.same(fast, checked)
        assert _compare.same(fast, doc.record)


def test_invalid_values_are_left_to_the_checked_path(seed_text: str) -> None:
    for bad in ("heat: 38\n", "width: 2001\n", "published: false\n"):
        text = seed_text.replace(bad, bad.split(":")[0] + ': "oops"\n', 1)
        fast, checked = _both(text)
        assert fast is None
        assert isinstance(checked, list)  # the problems, with their places
