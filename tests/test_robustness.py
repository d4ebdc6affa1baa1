"""Robustness properties: nothing but RecordError escapes, and whatever loads round-trips.

(a) Arbitrary text and bytes, with and without a front matter around them.
(b) Real-looking records of our own (``fuzz/mutations.py``: the seed, style variants,
    CRLF and BOM forms) with random mutations: deleted, inserted and duplicated
    characters, swapped and re-indented lines, YAML metacharacters, hostile values.
    Whenever a mutated text loads, ``loads(t).dumps() == t``.
"""

from __future__ import annotations

import pytest
from fuzz.mutations import TOKENS, check, mutate, seed_texts
from hypothesis import example, given
from hypothesis import strategies as st

import newsrecord
from newsrecord._read import events as _events

# Every code point, surrogates and controls included: what a hostile str can hold.
ANY_TEXT = st.text(st.characters(codec=None, min_codepoint=0))
YAML_TEXT = st.lists(st.one_of(st.sampled_from(TOKENS), ANY_TEXT, st.sampled_from(["a", "b"])))


def _only_record_errors(data: str | bytes) -> None:
    error: newsrecord.RecordError | None = None
    try:
        newsrecord.loads(data)
    except newsrecord.RecordError as caught:
        error = caught
    if error is not None:
        # Every error can be shown: its message renders, and its place is in the text.
        assert str(error)
        assert error.line is None or error.line >= 1
        assert error.column is None or error.column >= 1


@given(ANY_TEXT)
@example("---\n---\n")
@example("\ufeff---\r\n\r\n---")
def test_arbitrary_text_raises_only_record_errors(text: str) -> None:
    _only_record_errors(text)


@given(st.binary())
@example(b"---\n\xff\n---\n")
def test_arbitrary_bytes_raise_only_record_errors(data: bytes) -> None:
    _only_record_errors(data)


@given(YAML_TEXT.map("".join), ANY_TEXT)
@example("!!python/object/apply:os.system [ls]", "")
@example("a: &x [*x]", "")
def test_arbitrary_front_matter_raises_only_record_errors(front: str, body: str) -> None:
    text = f"---\n{front}\n---\n{body}"
    try:
        check(text)
    except UnicodeEncodeError:
        pytest.fail("a lone surrogate escaped as UnicodeEncodeError")


@st.composite
def mutated_records(draw: st.DrawFn) -> str:
    """A seed record with one to four random mutations."""
    text = draw(st.sampled_from(seed_texts()))

    def choose(n: int) -> int:
        return draw(st.integers(0, n - 1)) if n > 1 else 0

    return mutate(text, choose, draw(st.integers(1, 4)))


@given(mutated_records())
def test_mutated_records_raise_only_record_errors_or_round_trip(text: str) -> None:
    check(text)


@given(mutated_records())
def test_mutated_records_as_bytes_behave_like_text(text: str) -> None:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate: no UTF-8 file can hold it
    check(data)


@pytest.mark.parametrize("text", seed_texts(), ids=range(len(seed_texts())))
def test_every_seed_loads_and_round_trips(text: str) -> None:
    assert check(text) is not None


@pytest.mark.parametrize("c_parser", [True, False], ids=["C parser", "pure-Python parser"])
def test_a_bom_starting_the_front_matter_keeps_every_offset(
    c_parser: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The C parser drops such a BOM and counted its offsets without it: edits landed one
    # character early, and errors pointed one column off.
    if c_parser and not _events.HAVE_C_PARSER:
        pytest.skip("the C parser is not installed or is turned off")
    monkeypatch.setattr(_events, "HAVE_C_PARSER", c_parser)
    text = "---\n\ufefftitle: abc\nheat: 5\n---\n"
    doc = newsrecord.loads(text)
    assert doc.dumps() == text
    doc.record.title = "New"
    assert doc.dumps() == "---\n\ufefftitle: New\nheat: 5\n---\n"
    with pytest.raises(newsrecord.ValidationError) as caught:
        newsrecord.loads(text.replace("5", "x"))
    assert (caught.value.line, caught.value.column) == (3, 7)
