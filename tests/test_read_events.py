"""ruamel.yaml's pure-Python parser path (NEWSRECORD_PURE_PYTHON=1): same events, no hang.

The events module replaces two methods of ruamel.yaml's pure-Python scanner (its
bookkeeping of possible simple keys) with linear ones; these tests hold that the scanner
gives exactly the events and errors of the original, and that hostile inputs stay within
the hang guard's budget on that path too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError
from ruamel.yaml.loader import BaseLoader
from tests.hostile_inputs import assert_within_budget

import newsrecord
from newsrecord._read import events as _events
from newsrecord.checks import check_document

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 2.0
# ruamel.yaml's pure-Python parser costs about 0.25 ms a key: "many keys" at its guard
# size (6,000 keys) takes over a second alone on a busy machine. Linear, not a hang; a
# quadratic family at these sizes would take minutes, so the guard still tells them apart.
EVENTS_ONLY_BUDGET = 3 * BUDGET


def _events_of(loader_class: type, text: str) -> list[Any]:
    """Every event (type, value, start and end) until the end or the error, and the error."""
    loader = loader_class(text)
    out: list[Any] = []
    try:
        while True:
            event = loader.get_event()
            mark, end = event.start_mark, event.end_mark
            out.append((type(event).__name__, getattr(event, "value", None), mark.index, end.index))
            if type(event).__name__ == "StreamEndEvent":
                return out
    except YAMLError as error:
        problem = getattr(error, "problem_mark", None)
        out.append(("error", str(getattr(error, "problem", "")), problem and problem.index))
        return out
    finally:
        loader.dispose()


_PIECES = [
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    ":",
    "a",
    "bc",
    "- ",
    "? ",
    "\n",
    "\n  ",
    " ",
    "'q'",
    '"d"',
    "#c",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_the_linear_scanner_gives_the_events_and_errors_of_ruamel_yaml(text: str) -> None:
    assert _events_of(_events._Loader, text) == _events_of(BaseLoader, text)


@pytest.mark.parametrize("length", [1000, 1024, 1025, 1030])
def test_the_linear_scanner_keeps_the_simple_key_length_limit(length: int) -> None:
    for text in (
        "[" + "a" * length + ": b]",
        "{" * 3 + "k" * length + ": v}}}",
        "x" * length + ": y",
    ):
        assert _events_of(_events._Loader, text) == _events_of(BaseLoader, text)


def test_deep_flow_nesting_is_refused_at_the_limit_by_the_pure_python_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_events, "HAVE_C_PARSER", False)
    with pytest.raises(newsrecord.LimitError) as caught:
        newsrecord.loads("---\nx: " + "[" * 100_000 + "\n---\n")
    assert (caught.value.line, caught.value.column) == (2, 67)


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "events-only"])
def test_every_family_runs_within_the_budget_on_the_pure_python_path(fast_path: bool) -> None:
    env = {**os.environ, "NEWSRECORD_PURE_PYTHON": "1"}
    budget = BUDGET
    if not fast_path:
        env["NEWSRECORD_NO_FAST_PATH"] = "1"
        budget = EVENTS_ONLY_BUDGET
    assert_within_budget(budget, env)


@pytest.mark.parametrize(
    ("flow", "items"),
    [
        ("[{url: http://x.com/a.png}]", [{"url": "http://x.com/a.png"}]),
        ("[What?, a:b, 12:30]", ["What?", "a:b", "12:30"]),
        ("[https://x.com]", ["https://x.com"]),
        ("[{q: Why?}]", [{"q": "Why?"}]),
    ],
)
def test_flow_collections_jekyll_reads_open_with_either_parser(flow: str, items: list[Any]) -> None:
    # The libyaml bundled with ruamel.yaml.clib refuses these; Psych reads them (found by
    # comparing with Jekyll): the pure-Python parser is asked before the file is refused.
    import newsrecord

    text = f"---\ntitle: x\ntype: article\nextraItems: {flow}\n---\nbody\n"
    doc = newsrecord.loads(text)
    assert doc.get("extraItems", plain=True) == items
    assert doc.dumps() == text
    doc.record.heat = 3
    assert "heat: 3" in doc.dumps()


@pytest.mark.parametrize(
    ("key", "jekyll_reads"),
    [
        ("0o17", None),  # YAML 1.2's octal: text to Psych
        ("1e3", None),  # YAML 1.2's float: text to Psych (its floats need a dot)
        ("1", "the integer 1"),
        ("1.5", "the number 1.5"),
        ("true", "true"),
        ("null", "null"),
        ("~", "null"),
        ("2023-01-02", "a Date"),
    ],
)
def test_a_key_yaml_reads_as_no_text_opens_as_the_text_written(
    key: str, jekyll_reads: str | None
) -> None:
    # Jekyll publishes such records (Psych keeps the key as a number, a boolean, nil or a
    # Date): they open, the key as its text, and the yaml11 rule tells how Jekyll reads it.
    text = f"---\ntitle: T\n{key}: 1\nprovider:\n  {key}: x\n---\n"
    doc = newsrecord.loads(text)
    assert doc.record.extra == {key: 1}
    assert doc.record.provider is not None
    assert doc.record.provider.extra == {key: "x"}
    assert doc.dumps() == text
    doc.record.extra[key] = 2
    assert doc.dumps() == text.replace(f"{key}: 1", f"{key}: 2")
    told = [problem.message for problem in check_document(doc, ["yaml11"])]
    message = (
        f"Jekyll (YAML 1.1) reads the key {key!r} as {jekyll_reads}, so no field named "
        f"{key!r} is there (two such keys are one): quote it"
    )
    assert told == ([] if jekyll_reads is None else [message, message])
    quoted = newsrecord.loads(f"---\ntitle: T\n'{key}': 1\n---\n")
    assert quoted.record.extra == {key: 1}
    assert check_document(quoted, ["yaml11"]) == []
