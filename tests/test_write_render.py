"""The write stage's scalar renderer: whatever style it picks, the text reads back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsrecord
from newsrecord._write import render

# Text with the characters that make block scalars hard: line breaks (runs of them,
# leading and trailing), spaces, tabs, and text beyond ASCII.
_TEXTS = st.text(st.sampled_from(["a", "b", "\n", "\n", " ", "\t", "¹", "#", ":"]), max_size=14)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("style", [">", "|", "'", '"', ""])
@given(text=_TEXTS)
def test_a_rendered_scalar_reads_back_as_its_text(text: str, style: str, newline: str) -> None:
    rendered = render.render_scalar(text, style, indent="  ", newline=newline)
    source = newline.join(["---", "title: x", f"excerpt: {rendered}", "---", ""])
    assert newsrecord.loads(source).record.excerpt == text


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("a\nb", ">-\n  a\n\n  b"),  # one break: one empty line
        ("a\n\nb", ">-\n  a\n\n\n  b"),  # two breaks: two empty lines
        ("\na", ">-\n\n  a"),  # a leading break is an empty line as it is
        ("a\n", ">\n  a"),
    ],
)
def test_folded_text_writes_one_empty_line_per_break(text: str, folded: str) -> None:
    assert render.render_scalar(text, ">", indent="  ") == folded


@pytest.mark.parametrize(
    "text", ["1,000", "0,7", "1,2,3", "+1,000", "1,000.5", "0x1,F", "0b1,0", "1,.5"]
)
def test_numbers_with_commas_are_quoted_for_jekyll(text: str) -> None:
    # Psych (YAML 1.1, and so Jekyll) reads a plain 1,000 as the number 1000.
    assert not render.can_be_plain(text)
    written = newsrecord.dumps(newsrecord.Article(title="x", type="article", topics=[text]))
    assert f'  - "{text}"' in written.splitlines()


@pytest.mark.parametrize("text", ["a,b", "1, 2", "Hello, world"])
def test_text_with_commas_stays_plain(text: str) -> None:
    assert render.can_be_plain(text)


@pytest.mark.parametrize("key", ["... x", "---", "...", "--- y", "...\tz"])
def test_keys_and_values_that_would_end_the_front_matter_are_quoted(key: str) -> None:
    record = newsrecord.from_dict({"type": "article", "title": key, key: [key]})
    text = newsrecord.dumps(record)
    assert newsrecord.to_dict(newsrecord.loads(text).record) == newsrecord.to_dict(record)
    doc = newsrecord.loads("---\ntitle: a\n---\n")
    doc.record.extra[key] = 1
    assert newsrecord.loads(doc.dumps()).record.extra == {key: 1}


def test_a_key_longer_than_yaml_readers_take_is_refused_by_name() -> None:
    longest = newsrecord.from_dict({"title": "a", "k" * 1024: 1})
    assert newsrecord.loads(newsrecord.dumps(longest)).record.extra == {"k" * 1024: 1}
    for too_long in ("k" * 1025, "x: " + "y" * 1020):  # the second, quoted: 1,025
        with pytest.raises(newsrecord.ValidationError, match="longer than 1,024 characters"):
            newsrecord.dumps(newsrecord.from_dict({"title": "a", too_long: 1}))
    quoted = newsrecord.from_dict({"title": "a", "x: " + "y" * 1019: 1})  # 1,024 quoted
    assert newsrecord.loads(newsrecord.dumps(quoted)).record.extra == {"x: " + "y" * 1019: 1}
    doc = newsrecord.loads("---\ntitle: a\n---\n")
    doc.record.extra["k" * 1025] = 1
    with pytest.raises(newsrecord.ValidationError, match="longer than 1,024 characters"):
        doc.dumps()
