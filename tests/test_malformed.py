"""Malformed and hostile input: every case raises the exact error, at the exact place.

The cases live in ``tests/malformed_cases.py`` so that ``benchmarks/bad_inputs.py`` can
time them too; timing is never asserted here. Memory is: hostile input must not make
the library allocate much more than the input itself.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from tests.malformed_cases import (
    CASES,
    EMPTY_FRONT_MATTERS,
    MIB,
    Case,
    fm,
    huge_body_file,
    model_classes,
    unplaced_model_classes,
    wrong_type_cases,
)

import newsrecord
from newsrecord import LimitError, Limits, ParseError, RecordError, ValidationError

WRONG_TYPE_CASES = wrong_type_cases()


def _params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(strict=True, reason=case.known_bug)] if case.known_bug else [],
        )
        for case in cases
    ]


def _error_of(case: Case, path: str | None = None) -> RecordError:
    with pytest.raises(RecordError) as caught:
        case.load(path)
    return caught.value


def _assert_located(case: Case, error: RecordError) -> None:
    assert type(error) is case.error, error
    assert (error.line, error.column) == (case.line, case.column), error
    assert error.field == (case.field or None), error
    assert case.message in error.message, error


@pytest.mark.parametrize("case", _params(CASES))
def test_malformed_input_raises_the_exact_error(case: Case) -> None:
    _assert_located(case, _error_of(case))


@pytest.mark.parametrize("case", _params(WRONG_TYPE_CASES))
def test_wrong_type_at_every_field_of_every_class(case: Case) -> None:
    error = _error_of(case)
    _assert_located(case, error)
    assert len(error.problems) == 1, error.problems


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 60
    names = [case.name for case in CASES + WRONG_TYPE_CASES]
    assert len(names) == len(set(names))


def test_every_model_class_has_wrong_type_cases() -> None:
    assert unplaced_model_classes() == []
    covered = {case.name.split(" at ")[1].split(".")[0] for case in WRONG_TYPE_CASES}
    assert covered == {cls.__name__ for cls in model_classes()}
    fields = sum(len(newsrecord.fields(cls)) for cls in model_classes())
    assert len(WRONG_TYPE_CASES) == fields


@pytest.mark.parametrize(
    "case", [c for c in CASES if not (c.big or c.known_bug)][::7], ids=lambda case: case.name
)
def test_errors_name_the_file(case: Case) -> None:
    error = _error_of(case, path="records/bad.md")
    assert error.path == "records/bad.md"
    assert all(problem.path == "records/bad.md" for problem in error.problems)
    where = ":".join(str(part) for part in ("records/bad.md", error.line, error.column))
    assert str(error).startswith(where + ": ")


def test_parse_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="expected an integer"):
        newsrecord.loads(fm("title: a", "heat: hot"))
    assert issubclass(LimitError, ParseError)


def test_validation_lists_every_problem_in_file_order() -> None:
    text = fm(
        "title: a",
        "heat: hot",
        "published: maybe",
        "images:",
        "  - width: wide",
        "    height: tall",
    )
    with pytest.raises(ValidationError) as caught:
        newsrecord.loads(text)
    found = sorted((p.line, p.column, p.field) for p in caught.value.problems)
    assert found == [
        (3, 7, "heat"),
        (4, 12, "published"),
        (6, 12, "images[0].width"),
        (7, 13, "images[0].height"),
    ]


def test_nothing_is_executed_by_python_tags(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = fm(f'title: !!python/object/apply:os.system ["touch {marker}"]')
    with pytest.raises(ParseError):
        newsrecord.loads(text)
    text = fm(f'title: !!python/object/apply:os.system "touch {marker}"')
    with pytest.raises(ParseError):
        newsrecord.loads(text)
    assert not marker.exists()


def test_escaped_control_characters_are_data() -> None:
    # Raw control characters are not YAML; escaped ones are ordinary string content.
    text = fm('title: "tab\\tnul\\0bell\\a"')
    doc = newsrecord.loads(text)
    assert doc.record.title == "tab\tnul\x00bell\x07"
    assert doc.dumps() == text


def test_old_mac_line_breaks_are_line_breaks() -> None:
    text = "---\rtitle: a\rheat: hot\r---\rbody\r"
    with pytest.raises(ValidationError) as caught:
        newsrecord.loads(text)
    assert (caught.value.line, caught.value.column, caught.value.field) == (3, 7, "heat")
    good = text.replace("hot", "5")
    assert newsrecord.loads(good).dumps() == good


# --- files ------------------------------------------------------------------------------


def test_a_1_gb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = huge_body_file(tmp_path)
    assert path.stat().st_size == 1024 * MIB
    tracemalloc.start()
    try:
        with pytest.raises(LimitError) as caught:
            newsrecord.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MIB
    error = caught.value
    assert (error.path, error.line, error.column) == (str(path), 1, 1)
    assert "1073741824 bytes" in error.message
    assert "max_file_size" in error.message


def test_the_file_size_limit_can_be_raised(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    text = fm("title: a", body="x" * 5000)
    path.write_text(text)
    with pytest.raises(LimitError):
        newsrecord.load(path, limits=Limits(max_file_size=4096))
    assert newsrecord.load(path, limits=Limits(max_file_size=8192)).dumps() == text


def test_a_file_that_grows_after_its_size_was_read_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.md"
    path.write_text(fm("title: a", body="x" * 5000))
    real_fstat = os.fstat

    def fstat_before_growth(fd: int) -> os.stat_result:
        small = list(real_fstat(fd))
        small[6] = 10  # st_size: what the size was a moment earlier
        return os.stat_result(small)

    monkeypatch.setattr(os, "fstat", fstat_before_growth)
    with pytest.raises(LimitError) as caught:
        newsrecord.load(path, limits=Limits(max_file_size=1000))
    assert "1001 bytes" in caught.value.message


def test_load_reports_bad_bytes_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: café\n---\n".encode("latin-1"))
    with pytest.raises(ParseError) as caught:
        newsrecord.load(path)
    assert str(caught.value) == (
        f"{path}:2:11: invalid UTF-8 byte 0xe9: the file looks Windows-1252 or Latin-1 "
        "encoded (this byte would be 'é'); Jekyll reads UTF-8: newsrecord fix writes it as UTF-8"
    )


@pytest.mark.parametrize(
    ("data", "told"),
    [
        (
            "---\r\ntitle: café\r\n---\r\n".encode("utf-16"),
            (
                "1:1: invalid UTF-8 byte 0xff: the file is UTF-16 (it starts with UTF-16's byte "
                "order mark); Jekyll reads UTF-8: newsrecord fix writes it as UTF-8"
            ),
        ),
        (
            "---\ntitle: Say “hi”\n---\n".encode("cp1252"),
            (
                "2:12: invalid UTF-8 byte 0x93: the file looks Windows-1252 or Latin-1 encoded "
                "(this byte would be '“'); Jekyll reads UTF-8: newsrecord fix writes it as UTF-8"
            ),
        ),
        # UTF-8 with a damaged character: no guess at another encoding.
        (b"---\ntitle: caf\xc3\xa9 \xe9\n---\n", None),
        (b"---\ntitle: caf\xc3\n---\n\xe2\x80\x9c", None),
        (b"---\ntitle: \x81\n---\n", None),  # no Windows-1252 text holds 0x81
    ],
)
def test_bad_bytes_say_which_encoding_they_look_like(data: bytes, told: str | None) -> None:
    with pytest.raises(ParseError) as caught:
        newsrecord.loads(data)
    if told is None:
        assert caught.value.message.startswith("invalid UTF-8 byte 0x")
        assert "encoded" not in caught.value.message
    else:
        assert str(caught.value) == told


# --- limits -----------------------------------------------------------------------------


def test_limits_have_documented_defaults() -> None:
    limits = Limits()
    assert (limits.max_depth, limits.max_nodes) == (64, 20_000)
    assert (limits.max_front_matter, limits.max_file_size) == (MIB, 64 * MIB)
    for name in ("max_depth", "max_nodes", "max_front_matter", "max_file_size"):
        assert name in (Limits.__doc__ or "")


@pytest.mark.parametrize(
    "options",
    [{"max_depth": 0}, {"max_depth": 201}, {"max_nodes": -1}, {"max_file_size": 1.5}],
)
def test_limits_refuse_nonsense(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be an integer"):
        Limits(**options)  # type: ignore[arg-type]


def test_raised_limits_let_big_input_through() -> None:
    text = fm("title: a", "x: " + "[" * 100 + "]" * 100)
    with pytest.raises(LimitError):
        newsrecord.loads(text)
    assert newsrecord.loads(text, limits=Limits(max_depth=200)).dumps() == text


@pytest.mark.parametrize("case", [c for c in CASES if c.big], ids=lambda case: case.name)
def test_big_input_is_refused_in_bounded_memory(case: Case) -> None:
    text = case.text()
    tracemalloc.start()
    try:
        with pytest.raises(LimitError):
            newsrecord.loads(text, kind=case.kind, limits=case.limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Refused before any copy of the input is made.
    assert peak < len(text) // 4


@pytest.mark.parametrize("name", sorted(EMPTY_FRONT_MATTERS))
def test_an_empty_front_matter_opens_as_a_record_without_fields(name: str) -> None:
    # Jekyll publishes `---` then `---` as a page with no fields (found by comparing with
    # Jekyll's reader): it opens, comes back byte for byte, and takes a first key.
    text = EMPTY_FRONT_MATTERS[name]
    doc = newsrecord.loads(text)
    assert type(doc.record) is newsrecord.Record
    assert newsrecord.to_dict(doc.record) == {}
    assert doc.dumps() == text
    doc.record.title = "First"
    edited = doc.dumps()
    assert newsrecord.loads(edited).record.title == "First"
    assert edited.count("\n") == text.count("\n") + 1  # one line added, nothing else
    # In a folder whose kind needs a title, it opens to be repaired, with the problem.
    article = newsrecord.loads(text, path="_news/a.md", strict=False)
    assert [problem.field for problem in article.problems] == ["title"]


def test_a_front_matter_ended_by_dots_gives_the_rest_to_the_body() -> None:
    # Jekyll's pattern ends the front matter at "---" or "...", YAML's document end: what
    # follows "..." is body, as Jekyll publishes it, even if it looks like YAML.
    text = fm("title: a", "...", "excerpt: b")
    doc = newsrecord.loads(text)
    assert (doc.record.title, doc.record.excerpt) == ("a", None)
    assert doc.body == "excerpt: b\n---\n"
    assert doc.dumps() == text
    doc.record.heat = 1
    assert doc.dumps() == text.replace("title: a\n", "title: a\nheat: 1\n")


def test_conflict_markers_say_when_git_resolve_can_help() -> None:
    text = fm("title: a", "<<<<<<< ours", "heat: 1", "=======", "heat: 2", ">>>>>>> theirs")
    with pytest.raises(ParseError) as info:
        newsrecord.loads(text, path="a.md")
    assert str(info.value) == (
        "a.md:3:1: an unresolved merge conflict (git's <<<<<<< ======= >>>>>>> lines): "
        "resolve it by hand and remove the markers; during a merge, while git's index "
        "holds the three versions, newsrecord git resolve FILE merges it field by field"
    )
