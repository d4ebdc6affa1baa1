"""Field-level diffs: newsrecord.diff_records, summaries and the diff command on files."""

from __future__ import annotations

import copy
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import ARTICLE, SECURED, SEED_TEXT

import newsrecord
from newsrecord.cli import main


def edited(text: str, change: object) -> newsrecord.Document:
    doc = newsrecord.loads(text)
    change(doc)  # type: ignore[operator]
    return newsrecord.loads(doc.dumps())


def lines(old: str, new: newsrecord.Document) -> list[str]:
    return [str(change) for change in newsrecord.diff_records(newsrecord.loads(old), new)]


def test_same_data_gives_no_changes() -> None:
    assert newsrecord.diff_records(newsrecord.loads(ARTICLE), newsrecord.loads(ARTICLE)) == []


def test_scalar_change_shows_old_and_new() -> None:
    new = edited(ARTICLE, lambda d: setattr(d.record, "heat", 40))
    assert lines(ARTICLE, new) == ["heat: 38 -> 40"]
    (change,) = newsrecord.diff_records(newsrecord.loads(ARTICLE), new)
    assert (change.field, change.change, change.old, change.new) == ("heat", "changed", 38, 40)


def test_topics_are_a_set_added_and_removed_items() -> None:
    new = edited(ARTICLE, lambda d: setattr(d.record, "topics", ["Robots", "Robotics"]))
    assert lines(ARTICLE, new) == ["topics: + Robotics", "topics: - AI"]


def test_reordered_topics_say_so() -> None:
    new = edited(ARTICLE, lambda d: setattr(d.record, "topics", ["Robots", "AI"]))
    assert lines(ARTICLE, new) == ["topics: reordered"]


def test_related_items_are_named_by_web_url_or_slug() -> None:
    def change(doc: newsrecord.Document) -> None:
        _first, second, _slug = doc.record.related
        second = copy.deepcopy(second)
        second.title = "Second, fixed"
        doc.record.related = [second, "other-slug"]

    new = edited(ARTICLE, change)
    assert lines(ARTICLE, new) == [
        "related[webUrl=https://example.com/r2].title: Second -> Second, fixed",
        "related[slug=other-slug]: added",
        "related[webUrl=https://example.com/r1]: removed",
        "related[slug=some-slug]: removed",
    ]


def test_an_item_added_at_the_top_is_one_change_not_every_item() -> None:
    def change(doc: newsrecord.Document) -> None:
        doc.record.images = [newsrecord.Image(url="https://example.com/0.png"), *doc.record.images]

    assert lines(ARTICLE, edited(ARTICLE, change)) == [
        "images[url=https://example.com/0.png]: added"
    ]


def test_secured_is_only_ever_changed() -> None:
    blob = "bmV3;aXZpdml2aXZpdml2aXZpdg=="
    new = edited(ARTICLE, lambda d: newsrecord.set_field(d.record, "secured", blob))
    (change,) = newsrecord.diff_records(newsrecord.loads(ARTICLE), new)
    assert str(change) == "secured: changed"
    assert change.old is None
    assert change.new is None
    assert "c2VjcmV0" not in json.dumps(change.to_json())
    assert blob not in json.dumps(change.to_json())


def test_body_changes_are_counted_in_lines() -> None:
    body = "one\n2\nthree\nfour\nfive\nsix\nseven\n"
    new = edited(ARTICLE, lambda d: setattr(d, "body", body))
    assert lines(ARTICLE, new) == ["body: changed (+3 -1 lines)"]


def test_unknown_keys_added_and_removed() -> None:
    def change(doc: newsrecord.Document) -> None:
        doc.record.extra = {"fresh": "x"}

    assert lines(ARTICLE, edited(ARTICLE, change)) == ["fresh: added x", "custom: removed"]


def test_summary_counts_files_per_kind_of_change() -> None:
    old = newsrecord.loads(ARTICLE)
    more = edited(ARTICLE, lambda d: setattr(d.record, "topics", ["AI", "Robots", "Robotics"]))
    hotter = edited(ARTICLE, lambda d: setattr(d.record, "heat", 1))
    by_file = {
        "a.md": newsrecord.diff_records(old, more),
        "b.md": newsrecord.diff_records(old, more),
        "c.md": newsrecord.diff_records(old, hotter),
        "d.md": [],
    }
    assert newsrecord.summarize_changes(by_file) == (
        "4 records, 3 changed: topics +1 in 2; heat changed in 1"
    )


def test_summary_of_one_record_or_none() -> None:
    hotter = edited(ARTICLE, lambda d: setattr(d.record, "heat", 1))
    by_file = {"a.md": newsrecord.diff_records(newsrecord.loads(ARTICLE), hotter)}
    assert newsrecord.summarize_changes(by_file) == "1 record, 1 changed: heat changed in 1"
    assert newsrecord.summarize_changes({"a.md": []}) == "1 record: no changes"
    assert newsrecord.summarize_changes({}) == "0 records: no changes"


@given(
    heat=st.integers(min_value=0, max_value=10_000),
    topic=st.sampled_from(["AI", "Robots"]) | st.text(min_size=1, max_size=20),
)
def test_diff_agrees_with_the_data(heat: int, topic: str) -> None:
    old = newsrecord.loads(ARTICLE)
    doc = newsrecord.loads(ARTICLE)
    doc.record.heat = heat
    doc.record.topics = [*doc.record.topics, topic]
    new = newsrecord.loads(doc.dumps())
    changes = newsrecord.diff_records(old, new)
    expected = []
    if heat != 38:
        expected.append(("heat", "changed", 38, heat))
    # A topic the list has already is added all the same: a second "AI" (it was once told
    # by its number, as "topics[2]: added", and this test did not expect it at all).
    expected.append(("topics", "added", None, topic))
    assert [(c.field, c.change, c.old, c.new) for c in changes] == expected


def _with_topics(topics: list[str]) -> newsrecord.Document:
    doc = newsrecord.loads(ARTICLE)
    doc.record.topics = topics
    return doc


@given(
    old=st.lists(st.sampled_from("abc"), max_size=8),
    new=st.lists(st.sampled_from("abc"), max_size=8),
)
def test_a_list_of_scalars_is_compared_as_values(old: list[str], new: list[str]) -> None:
    changes = newsrecord.diff_records(_with_topics(old), _with_topics(new))
    added = Counter(c.new for c in changes if c.change == "added")
    removed = Counter(c.old for c in changes if c.change == "removed")
    assert all(c.field == "topics" and (c.item or c.change == "reordered") for c in changes)
    assert Counter(old) - removed + added == Counter(new)
    assert not added & removed  # a value on both sides moved: "reordered", not -a +a
    # Moved only when no order of the kept items fits both: the longest common
    # subsequence is shorter than what was kept.
    reordered = any(c.change == "reordered" for c in changes)
    assert reordered == (_common_length(old, new) < len(old) - removed.total())


@given(old=st.lists(st.sampled_from("abc"), max_size=8), data=st.data())
def test_items_added_anywhere_are_only_added(old: list[str], data: st.DataObject) -> None:
    new = list(old)
    for item in data.draw(st.lists(st.sampled_from("abcd"), max_size=3)):
        new.insert(data.draw(st.integers(0, len(new))), item)
    changes = newsrecord.diff_records(_with_topics(old), _with_topics(new))
    assert {c.change for c in changes} <= {"added"}
    assert Counter(c.new for c in changes) == Counter(new) - Counter(old)


def _common_length(old: list[str], new: list[str]) -> int:
    """The length of the longest common subsequence (by the textbook table)."""
    table = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i, left in enumerate(old):
        for j, right in enumerate(new):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if left == right else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


# --- the command on two files --------------------------------------------------------------------


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    old = tmp_path / "old.md"
    new = tmp_path / "new.md"
    old.write_text(ARTICLE, encoding="utf-8")
    new.write_text(ARTICLE.replace("heat: 38", "heat: 40"), encoding="utf-8")
    return old, new


def test_command_prints_changes_and_exits_1(two_files: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(main, ["diff", *map(str, two_files)])
    assert result.exit_code == 1
    assert result.stdout == "heat: 38 -> 40\n"


def test_command_exits_0_for_the_same_data(two_files: tuple[Path, Path]) -> None:
    old, _ = two_files
    result = CliRunner().invoke(main, ["diff", str(old), str(old)])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_command_json(two_files: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(main, ["diff", "--format", "json", *map(str, two_files)])
    data = json.loads(result.stdout)
    assert data["files"][0]["changes"] == [
        {"field": "heat", "change": "changed", "old": 38, "new": 40}
    ]


def test_command_json_keys_are_camel_case(tmp_path: Path) -> None:
    # One style for every key, the records' own (as renamedFrom): addedLines, removedLines.
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(ARTICLE, encoding="utf-8")
    new.write_text(ARTICLE.replace("heat: 38", "heat: 40") + "six\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "--format", "json", str(old), str(new)])
    assert result.exit_code == 1
    assert result.stdout == (
        "{\n"
        '  "files": [\n'
        "    {\n"
        f'      "path": "{new}",\n'
        '      "status": "modified",\n'
        '      "changes": [\n'
        "        {\n"
        '          "field": "heat",\n'
        '          "change": "changed",\n'
        '          "old": 38,\n'
        '          "new": 40\n'
        "        },\n"
        "        {\n"
        '          "field": "body",\n'
        '          "change": "changed",\n'
        '          "addedLines": 1,\n'
        '          "removedLines": 0\n'
        "        }\n"
        "      ]\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_external_diff_arguments_exit_0(two_files: tuple[Path, Path]) -> None:
    old, new = two_files
    args = ["a.md", str(old), "1" * 40, "100644", str(new), "2" * 40, "100644"]
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == "diff --newsrecord a/a.md b/a.md\n  heat: 38 -> 40\n"


def test_external_diff_of_an_added_file(two_files: tuple[Path, Path]) -> None:
    _, new = two_files
    args = ["a.md", "/dev/null", "0" * 40, ".", str(new), "2" * 40, "100644"]
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 0
    assert "a/a.md" in result.stdout


def test_external_diff_of_a_renamed_file(two_files: tuple[Path, Path]) -> None:
    old, new = two_files
    # For a rename git gives nine arguments: the new path and its similarity note follow.
    args = ["a.md", str(old), "1" * 40, "100644", str(new), "2" * 40, "100644", "b.md"]
    result = CliRunner().invoke(main, ["diff", *args, "similarity index 90%\n"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["diff --newsrecord a/a.md b/b.md", "  renamed from a.md"]
    assert any(line.startswith("  heat:") for line in lines)


def test_external_diff_of_a_file_that_is_not_a_record_shows_its_text(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_text("# Site\n", encoding="utf-8")
    new.write_text("# Site\nmore\n", encoding="utf-8")
    args = ["README.md", str(old), "1" * 40, "100644", str(new), "2" * 40, "100644"]
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 0
    assert "+more" in result.stdout.splitlines()
    assert "--- a/README.md" in result.stdout


def test_textconv_hides_the_blob_and_names_items(two_files: tuple[Path, Path]) -> None:
    old, _ = two_files
    result = CliRunner().invoke(main, ["diff", "--textconv", str(old)])
    assert result.exit_code == 0
    assert "c2VjcmV0" not in result.stdout
    assert 'topics[]: "AI"' in result.stdout
    assert 'related[webUrl=https://example.com/r1].title: "First"' in result.stdout
    assert result.stdout.endswith("--- body\none\ntwo\nthree\nfour\nfive\n")


def test_textconv_of_a_file_that_is_not_a_record(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(b"# Hello\r\n")
    result = CliRunner().invoke(main, ["diff", "--textconv", str(readme)])
    assert result.stdout_bytes == b"# Hello\r\n"


def test_textconv_of_a_conflicted_record_still_hides_the_blob(
    two_files: tuple[Path, Path], tmp_path: Path
) -> None:
    old, _ = two_files
    conflicted = tmp_path / "conflicted.md"
    markers = '<<<<<<< ours\ntitle: "A"\n=======\ntitle: "B"\n>>>>>>>'
    text = old.read_text(encoding="utf-8").replace('title: "Old title"', markers)
    conflicted.write_text(text, encoding="utf-8")
    whole = CliRunner().invoke(main, ["diff", "--textconv", str(old)]).stdout
    shown = CliRunner().invoke(main, ["diff", "--textconv", str(conflicted)]).stdout
    assert "<<<<<<< ours" in shown  # the text as it is, to diff as text
    assert "c2VjcmV0" not in shown
    # Told as the record's view tells it (so that an unchanged blob shows no change), in
    # the quotes it is written in.
    told = [line for line in whole.splitlines() if line.startswith("secured:")]
    assert told
    assert told[0].replace("secured: ", 'secured: "', 1) + '"' in shown.splitlines()


def test_a_file_that_does_not_load_is_reported_not_crashed(tmp_path: Path) -> None:
    old = tmp_path / "old.md"
    bad = tmp_path / "bad.md"
    old.write_text(ARTICLE, encoding="utf-8")
    bad.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(bad)])
    assert result.exit_code == 1
    assert "not a record" in result.stdout


def test_unknown_revision_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", "nope1", "nope2"])
    assert result.exit_code == 2


def test_a_missing_second_file_is_the_one_named(two_files: tuple[Path, Path]) -> None:
    old, _ = two_files
    missing = old.with_name("nope.md")
    result = CliRunner().invoke(main, ["diff", str(old), str(missing)])
    assert result.exit_code == 2
    assert "nope.md" in result.output
    assert str(old) not in result.output


def test_a_broken_old_file_is_the_one_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    good = tmp_path / "good.md"
    broken.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    good.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(broken), str(good)])
    assert result.exit_code == 1
    assert f"not a record ({broken}:2:8: title: YAML syntax error: " in result.stdout
    assert ': a value starting with "[" is a list, closed by "]"; if it is text, quote it ' in (
        result.stdout
    )
    assert str(good) not in result.stdout


@pytest.mark.parametrize("side", [0, 1])
def test_one_side_read_from_stdin(two_files: tuple[Path, Path], side: int) -> None:
    args = [str(path) for path in two_files]
    piped = two_files[side].read_bytes()
    args[side] = "-"
    result = CliRunner().invoke(main, ["diff", *args], input=piped)
    assert result.exit_code == 1, result.output
    assert result.stdout == "heat: 38 -> 40\n"


def test_stdin_is_named_as_such(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "-", str(good)], input="---\ntitle: [\n---\n")
    assert result.exit_code == 1
    assert "not a record (<stdin>:2:8: title: " in result.stdout


def test_stdin_for_both_sides_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["diff", "-", "-"], input=ARTICLE)
    assert result.exit_code == 2
    assert "stdin" in result.output


def test_a_pipe_is_read_as_a_file(two_files: tuple[Path, Path]) -> None:
    # What `newsrecord diff <(git show HEAD:F) F` gives: a /dev/fd path to a pipe.
    old, new = two_files
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, old.read_bytes())  # smaller than a pipe's buffer
        os.close(write_end)
        result = CliRunner().invoke(main, ["diff", f"/dev/fd/{read_end}", str(new)])
    finally:
        os.close(read_end)
    assert result.exit_code == 1, result.output
    assert result.stdout == "heat: 38 -> 40\n"


def test_dev_null_on_one_side_is_a_record_added(two_files: tuple[Path, Path]) -> None:
    _, new = two_files
    result = CliRunner().invoke(main, ["diff", "/dev/null", str(new)])
    assert result.exit_code == 1, result.output
    assert result.stdout == "record added\n"


# --- the same data written otherwise --------------------------------------------------------------


def textconv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "record.md"
    path.write_bytes(text.encode("utf-8"))
    result = CliRunner().invoke(main, ["diff", "--textconv", str(path)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_textconv_of_a_record_in_house_style_is_its_fields_and_body(tmp_path: Path) -> None:
    shown = textconv(tmp_path, SEED_TEXT)
    assert "--- as written" not in shown
    assert SECURED not in shown


@pytest.mark.parametrize(
    ("old", "new", "told"),
    [
        # Jekyll reads YAML 1.1, where 0038 is octal: 31 on the site, 38 here.
        ("\nquality: 38\n", "\nquality: 0038\n", "9: quality: 0038"),
        ("\nheat: 38\n", "\n# set by the bot\nheat: 38\n", "10: # set by the bot"),
        ("\n\nprovider:\n", "\nprovider:\n", '12: (missing: "")'),
        ("\nheat: 38\n", "\nheat:   38\n", "10: heat:   38"),
    ],
)
def test_textconv_tells_the_same_data_written_otherwise(
    tmp_path: Path, old: str, new: str, told: str
) -> None:
    text = SEED_TEXT.replace(old, new, 1)
    assert text != SEED_TEXT
    assert newsrecord.diff_records(newsrecord.loads(SEED_TEXT), newsrecord.loads(text)) == []
    shown = textconv(tmp_path, text)
    assert told in shown.splitlines()
    assert shown.splitlines()[0] == textconv(tmp_path, SEED_TEXT).splitlines()[0]
    assert SECURED not in shown


def test_textconv_of_a_blob_over_lines_keeps_its_lines(tmp_path: Path) -> None:
    # The masked text keeps every line, so a blob folded over lines is told as written
    # otherwise than in house style (one line), with the number of its line.
    folded = f'secured: "{SECURED[:100]}\n  {SECURED[100:]}"'
    text = SEED_TEXT.replace(f'secured: "{SECURED}"', folded)
    lines = textconv(tmp_path, text).splitlines()
    start = lines.index("--- as written, where not in house style")
    assert lines[start - 1 : start + 4] == [
        "secured: (secured blob, 562 characters, sha256 e78f1ab7…)",
        "--- as written, where not in house style",
        # The blob's first line, its quote left open, then its second line and the quote.
        '43: secured: "(secured blob, 562 characters, sha256 e78f1ab7…)',
        '44:   …"',
        "--- body",
    ]
    assert SECURED[100:150] not in "\n".join(lines)


def test_textconv_of_a_text_that_is_not_a_record_masks_blobs_line_for_line(
    tmp_path: Path,
) -> None:
    text = f'---\n<<<<<<< ours\n  - secured: "{SECURED[:50]}\n      {SECURED[50:]}"\n=======\n'
    assert textconv(tmp_path, text) == (
        '---\n<<<<<<< ours\n  - secured: "(secured blob, 562 characters, sha256 117e4d8d…)\n'
        '      …"\n=======\n'
    )


def test_a_blob_changed_in_the_middle_shows_as_changed_in_every_diff(tmp_path: Path) -> None:
    middle = len(SECURED) // 2
    blob = SECURED[:middle] + ("A" if SECURED[middle] != "A" else "B") + SECURED[middle + 1 :]
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(SEED_TEXT, encoding="utf-8")
    new.write_text(SEED_TEXT.replace(SECURED, blob), encoding="utf-8")
    shown = textconv(tmp_path, new.read_text(encoding="utf-8"))
    assert "secured: (secured blob, 561 characters, sha256 245223e7…)" in shown.splitlines()
    result = CliRunner().invoke(main, ["set", "--dry-run", "--diff", str(old), f"secured={blob}"])
    assert result.stdout.endswith(
        "@@ -40,6 +40,6 @@\n"
        "         height: 760\n"
        "         isCached: true\n"
        " \n"
        '-secured: "(secured blob, 561 characters, sha256 fe2a1896…)"\n'
        '+secured: "(secured blob, 561 characters, sha256 245223e7…)"\n'
        " ---\n"
        " \n"
    )


def test_textconv_tells_crlf_line_breaks(tmp_path: Path) -> None:
    shown = textconv(tmp_path, SEED_TEXT.replace("\n", "\r\n"))
    assert '--- as written, where not in house style (line breaks "\\r\\n")' in shown
    assert SECURED not in shown


def test_external_diff_of_the_same_data_shows_the_lines(two_files: tuple[Path, Path]) -> None:
    old, new = two_files
    new.write_text(ARTICLE.replace("heat: 38", "heat: 0038"), encoding="utf-8")
    args = ["a.md", str(old), "1" * 40, "100644", str(new), "2" * 40, "100644"]
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["diff --newsrecord a/a.md b/a.md", "  text changed, data unchanged"]
    assert [line for line in lines if "heat" in line] == ["-heat: 38", "+heat: 0038"]
    assert "c2VjcmV0" not in result.stdout


@given(
    shared=st.text(min_size=50, max_size=120),
    old_tail=st.text(min_size=1, max_size=80),
    new_tail=st.text(min_size=1, max_size=80),
)
def test_a_changed_value_never_looks_unchanged(shared: str, old_tail: str, new_tail: str) -> None:
    # Two long excerpts with the same first 60 characters both showed as those.
    old, new = shared + old_tail, shared + new_tail
    if old == new:
        return
    line = str(newsrecord.FieldChange("excerpt", "changed", old=old, new=new))
    shown_old, shown_new = line.removeprefix("excerpt: ").split(" -> ", 1)
    assert shown_old != shown_new or " -> " in old + new  # an arrow in a value may split
    assert len(shown_old) <= 60
    assert len(shown_new) <= 60


def test_a_long_value_is_shown_from_a_little_before_its_change() -> None:
    start = "In this overview video, we will highlight some of the new capabilities and "
    change = newsrecord.FieldChange(
        "excerpt", "changed", old=start + "updates coming.", new=start + "changes."
    )
    assert str(change) == "excerpt: …pabilities and updates coming. -> …pabilities and changes."
    short = newsrecord.FieldChange("title", "changed", old="A", new="B")
    assert str(short) == "title: A -> B"


def test_a_change_of_the_blob_s_style_alone_shows_in_a_diff(tmp_path: Path) -> None:
    # fix quoting a plain blob showed "-secured: (secured blob ...)" and the same "+" line.
    plain = tmp_path / "plain.md"
    plain.write_text(SEED_TEXT.replace(f'"{SECURED}"', SECURED), encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--diff", str(plain)])
    removed = [line for line in result.stdout.splitlines() if line.startswith("-secured:")]
    added = [line for line in result.stdout.splitlines() if line.startswith("+secured:")]
    assert removed == ["-secured: (secured blob, 561 characters, sha256 fe2a1896…)"]
    assert added == ['+secured: "(secured blob, 561 characters, sha256 fe2a1896…)"']
    folded = SEED_TEXT.replace(f'"{SECURED}"', f">-\n  {SECURED}")
    assert "secured: >- (secured blob, 561 characters" in textconv(tmp_path, folded)
