"""Three-way merges of records: newsrecord.merge_texts and the merge command."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers import ARTICLE as BASE
from tests.helpers import HUGE_TEXT, changed_lines

import newsrecord
from newsrecord import strategies
from newsrecord.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def edit(text: str, change: Callable[[newsrecord.Document], object]) -> str:
    doc = newsrecord.loads(text)
    change(doc)
    return doc.dumps()


def test_different_fields_merge_and_only_merged_lines_change() -> None:
    ours = edit(BASE, lambda d: setattr(d.record, "title", "New title"))
    theirs = edit(BASE, lambda d: setattr(d.record, "heat", 40))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    assert changed_lines(ours, result.text) == ["-heat: 38", "+heat: 40"]
    merged = newsrecord.loads(result.text).record
    assert (merged.title, merged.heat) == ("New title", 40)
    assert "# kept: a comment" in result.text
    assert "custom:   {odd: spacing}" in result.text


def test_versions_over_the_limits_merge_as_text_unless_the_limits_are_raised() -> None:
    ours = HUGE_TEXT.replace("heat: 38", "heat: 40")
    theirs = HUGE_TEXT.replace("quality: 38", "quality: 2")
    # quality and heat are next to each other: a text merge finds a conflict there.
    as_text = newsrecord.merge_texts(HUGE_TEXT, ours, theirs)
    assert (as_text.as_text, as_text.conflicts) == (True, ("text",))
    assert as_text.why is not None
    assert as_text.why.message.startswith("ours: the front matter is ")
    assert as_text.why.message.endswith("(Limits.max_front_matter)")
    raised = newsrecord.Limits(max_front_matter=2 << 20)
    result = newsrecord.merge_texts(HUGE_TEXT, ours, theirs, limits=raised)
    assert (result.as_text, result.clean) == (False, True)
    merged = newsrecord.loads(result.text, limits=raised).record
    assert (merged.heat, merged.quality) == (40, 2)


def test_the_same_change_on_both_sides_is_one_change() -> None:
    both = edit(BASE, lambda d: setattr(d.record, "heat", 40))
    result = newsrecord.merge_texts(BASE, both, both)
    assert result.clean
    assert result.text == both


def test_topics_merge_as_a_set_keeping_our_order() -> None:
    ours = edit(BASE, lambda d: setattr(d.record, "topics", ["Robots", "AI", "Vision"]))
    theirs = edit(BASE, lambda d: setattr(d.record, "topics", ["AI", "Robotics"]))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    # Theirs removed Robots and added Robotics after AI; ours reordered and added Vision
    # after AI too: ours first, then theirs.
    assert newsrecord.loads(result.text).record.topics == ["AI", "Vision", "Robotics"]


def topics_added(*topics: str, first: bool = False) -> Callable[[newsrecord.Document], None]:
    def change(doc: newsrecord.Document) -> None:
        old = doc.record.topics
        doc.record.topics = [*topics, *old] if first else [*old, *topics]

    return change


def test_items_both_sides_add_at_the_same_place_go_ours_first() -> None:
    ours = edit(BASE, topics_added("Vision", "Speech"))
    theirs = edit(BASE, topics_added("Robotics"))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    topics = ["AI", "Robots", "Vision", "Speech", "Robotics"]
    assert newsrecord.loads(result.text).record.topics == topics
    on_top = newsrecord.merge_texts(
        BASE,
        edit(BASE, topics_added("Vision", first=True)),
        edit(BASE, topics_added("Robotics", first=True)),
    )
    assert newsrecord.loads(on_top.text).record.topics == ["Vision", "Robotics", "AI", "Robots"]


def test_related_articles_both_sides_append_go_ours_first() -> None:
    def appended(url: str) -> Callable[[newsrecord.Document], None]:
        def change(doc: newsrecord.Document) -> None:
            fresh = newsrecord.RelatedArticle(title=url, web_url=url)
            doc.record.related = [*doc.record.related, fresh]

        return change

    ours = edit(BASE, appended("https://example.com/ours"))
    theirs = edit(BASE, appended("https://example.com/theirs"))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    related = newsrecord.loads(result.text).record.related
    assert [getattr(item, "web_url", item) for item in related][-2:] == [
        "https://example.com/ours",
        "https://example.com/theirs",
    ]


def test_related_merge_by_web_url() -> None:
    def bot(doc: newsrecord.Document) -> None:
        first, _second, _slug = doc.record.related
        fresh = newsrecord.RelatedArticle(title="Zero", web_url="https://example.com/r0")
        doc.record.related = [fresh, first]  # added one on top, removed the other two

    def editor(doc: newsrecord.Document) -> None:
        newsrecord.set_field(doc.record, "related[0].title", "First, fixed")

    result = newsrecord.merge_texts(BASE, edit(BASE, editor), edit(BASE, bot))
    assert result.clean
    related = newsrecord.loads(result.text).record.related
    assert [(r.title, r.web_url) for r in related] == [
        ("Zero", "https://example.com/r0"),
        ("First, fixed", "https://example.com/r1"),
    ]


def test_removed_on_one_side_changed_on_the_other_is_a_conflict() -> None:
    ours = edit(BASE, lambda d: newsrecord.set_field(d.record, "related[1].title", "Changed"))
    theirs = edit(BASE, lambda d: newsrecord.unset_field(d.record, "related[1]"))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.conflicts == ("related[webUrl=https://example.com/r2]",)
    assert "<<<<<<< ours" in result.text


def test_removed_by_us_changed_by_them_is_a_conflict_too() -> None:
    # The other way round: their edit must not be dropped with the item we removed.
    ours = edit(BASE, lambda d: newsrecord.unset_field(d.record, "related[1]"))
    theirs = edit(BASE, lambda d: newsrecord.set_field(d.record, "related[1].title", "Changed"))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.conflicts == ("related[webUrl=https://example.com/r2]",)
    assert "<<<<<<< ours" in result.text
    assert "Changed" in result.text


def test_an_item_removed_by_us_and_left_alone_by_them_stays_removed() -> None:
    ours = edit(BASE, lambda d: newsrecord.unset_field(d.record, "related[1]"))
    theirs = edit(BASE, lambda d: setattr(d.record, "heat", 1))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    merged = newsrecord.loads(result.text).record
    assert (len(merged.related), merged.heat) == (2, 1)


def test_their_changes_of_text_alone_are_kept_beside_our_edit() -> None:
    # Theirs re-quotes a value, adds a comment and spells a key's value another way:
    # no value changes, so a merge of values alone would drop all of it.
    theirs = BASE.replace('webUrl: "https://example.com/a"', "webUrl: https://example.com/a")
    theirs = theirs.replace("heat: 38", "heat: 38  # checked by a person")
    ours = edit(BASE, lambda d: setattr(d.record, "title", "New title"))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    assert changed_lines(theirs, result.text) == ['-title: "Old title"', '+title: "New title"']


def test_a_key_written_twice_that_they_removed_stays_removed() -> None:
    base = BASE.replace("heat: 38\n", "heat: 12\nheat: 38\n")  # Jekyll reads the last
    theirs = BASE  # `newsrecord fix` removed the earlier one
    ours = edit(base, lambda d: setattr(d.record, "title", "New title"))
    result = newsrecord.merge_texts(base, ours, theirs)
    assert result.clean
    assert "heat: 12" not in result.text
    assert newsrecord.loads(result.text).record.title == "New title"


def test_their_change_of_line_breaks_goes_into_the_merge_whole() -> None:
    base = BASE.replace("\n", "\r\n")
    ours = edit(base, lambda d: setattr(d.record, "title", "New title"))
    theirs = BASE  # an editor or an eol rule made every line break LF
    result = newsrecord.merge_texts(base, ours, theirs)
    assert result.clean
    assert "\r" not in result.text  # not CRLF in the front matter and LF in the body
    assert changed_lines(theirs, result.text) == ['-title: "Old title"', '+title: "New title"']


# --- removed on one side, changed on the other: that side's lines as written ----------------

# Two images and a provider, written otherwise than in house style (an unquoted url, a
# flow list, a comment): a value written anew would not look like this.
BLOCKS = BASE.replace(
    '  - url: "https://example.com/1.png"\n    width: 100\n',
    '  - url: "https://example.com/1.png"\n    width: 100\n'
    "  - url: https://example.com/2.png  # the wide one\n    width: 200\n"
    "provider:\n  name: Example\n  domain: example.com\n"
    "  images: [{url: /p.png, width: 50}]\n",
)


def conflict_hunk(text: str) -> str:
    """The lines from the first conflict marker to the last, both included."""
    return text[text.index("<<<<<<<") : text.index("\n", text.index(">>>>>>>")) + 1]


def test_a_list_we_removed_and_they_changed_is_their_lines_as_written() -> None:
    ours = edit(BLOCKS, lambda d: newsrecord.unset_field(d.record, "images"))
    theirs = BLOCKS.replace("width: 200", "width: 210")
    result = newsrecord.merge_texts(BLOCKS, ours, theirs)
    assert result.conflicts == ("images",)
    assert conflict_hunk(result.text) == (
        "<<<<<<< ours\n"
        "=======\n"
        "images:\n"
        '  - url: "https://example.com/1.png"\n'
        "    width: 100\n"
        "  - url: https://example.com/2.png  # the wide one\n"
        "    width: 210\n"
        ">>>>>>> theirs\n"
    )
    # Taking their side of the conflict gives their file, line for line.
    hunk = conflict_hunk(result.text)
    theirs_side = hunk.split("=======\n")[1].removesuffix(">>>>>>> theirs\n")
    assert result.text.replace(hunk, theirs_side) == theirs


def test_a_list_they_removed_and_we_changed_is_our_lines_as_written() -> None:
    ours = BLOCKS.replace("width: 200", "width: 210")
    theirs = edit(BLOCKS, lambda d: newsrecord.unset_field(d.record, "images"))
    result = newsrecord.merge_texts(BLOCKS, ours, theirs)
    assert conflict_hunk(result.text) == (
        "<<<<<<< ours\n"
        "images:\n"
        '  - url: "https://example.com/1.png"\n'
        "    width: 100\n"
        "  - url: https://example.com/2.png  # the wide one\n"
        "    width: 210\n"
        "=======\n"
        ">>>>>>> theirs\n"
    )


def test_a_mapping_we_removed_and_they_changed_is_their_lines_in_their_place() -> None:
    ours = edit(BLOCKS, lambda d: newsrecord.unset_field(d.record, "provider"))
    theirs = BLOCKS.replace("name: Example", "name: Other")
    result = newsrecord.merge_texts(BLOCKS, ours, theirs)
    assert result.conflicts == ("provider",)
    # After the images, where it is in their file (not where a new provider would go).
    assert "    width: 200\n<<<<<<< ours\n=======\nprovider:\n" in result.text
    assert conflict_hunk(result.text) == (
        "<<<<<<< ours\n"
        "=======\n"
        "provider:\n"
        "  name: Other\n"
        "  domain: example.com\n"
        "  images: [{url: /p.png, width: 50}]\n"
        ">>>>>>> theirs\n"
    )


def test_a_nested_key_we_removed_and_they_changed_is_their_lines() -> None:
    base = BLOCKS.replace(
        "  images: [{url: /p.png, width: 50}]\n",
        "  images:\n    - url: /p.png\n      width: 50\n  authors:\n    - name: A\n",
    )
    ours = edit(base, lambda d: newsrecord.unset_field(d.record, "provider.images"))
    theirs = base.replace("width: 50", "width: 60")
    result = newsrecord.merge_texts(base, ours, theirs)
    assert result.conflicts == ("provider.images",)
    assert "  domain: example.com\n<<<<<<< ours\n" in result.text
    assert conflict_hunk(result.text) == (
        "<<<<<<< ours\n=======\n  images:\n    - url: /p.png\n      width: 60\n>>>>>>> theirs\n"
    )


def test_a_list_item_we_removed_and_they_changed_is_their_lines() -> None:
    ours = edit(BASE, lambda d: newsrecord.unset_field(d.record, "related[1]"))
    theirs = BASE.replace('  - title: "Second"\n', "  - title: Second, fixed  # by hand\n")
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.conflicts == ("related[webUrl=https://example.com/r2]",)
    assert conflict_hunk(result.text) == (
        "<<<<<<< ours\n"
        "=======\n"
        "  - title: Second, fixed  # by hand\n"
        '    webUrl: "https://example.com/r2"\n'
        ">>>>>>> theirs\n"
    )


def test_their_lines_at_another_indent_are_written_anew() -> None:
    # Our provider is indented by four: their lines (by two) would not fit in it, so
    # their value is written in our file's way, and reads as theirs all the same.
    base = BLOCKS.replace(
        "  images: [{url: /p.png, width: 50}]\n", "  images:\n    - url: /p.png\n"
    )
    ours = base.replace(
        "  name: Example\n  domain: example.com\n  images:\n    - url: /p.png\n",
        "    name: Example\n    domain: example.com\n",
    )
    theirs = base.replace("url: /p.png", "url: /q.png")
    result = newsrecord.merge_texts(base, ours, theirs)
    assert result.conflicts == ("provider.images",)
    assert conflict_hunk(result.text) == (
        '<<<<<<< ours\n=======\n    images:\n      - url: "/q.png"\n>>>>>>> theirs\n'
    )


def test_a_true_conflict_is_marked_around_its_field_only() -> None:
    ours = edit(BASE, lambda d: setattr(d.record, "title", "Ours"))
    theirs = edit(
        BASE, lambda d: (setattr(d.record, "title", "Theirs"), setattr(d.record, "heat", 1))
    )
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.conflicts == ("title",)
    assert '<<<<<<< ours\ntitle: "Ours"\n=======\ntitle: "Theirs"\n>>>>>>> theirs\n' in result.text
    assert "heat: 1\n" in result.text  # the clean part merged all the same


def test_bodies_merge_with_git() -> None:
    ours = edit(BASE, lambda d: setattr(d, "body", d.body.replace("one", "ONE")))
    theirs = edit(BASE, lambda d: setattr(d, "body", d.body.replace("five", "FIVE")))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    assert newsrecord.loads(result.text).body == "ONE\ntwo\nthree\nfour\nFIVE\n"


def test_a_body_conflict_is_marked() -> None:
    ours = edit(BASE, lambda d: setattr(d, "body", d.body.replace("three", "3")))
    theirs = edit(BASE, lambda d: setattr(d, "body", d.body.replace("three", "III")))
    result = newsrecord.merge_texts(BASE, ours, theirs, marker_size=9)
    assert result.conflicts == ("body",)
    assert "<<<<<<<<< ours\n3\n=========\nIII\n>>>>>>>>> theirs\n" in result.text


def test_a_file_that_does_not_load_merges_as_text() -> None:
    broken = BASE.replace("heat: 38", "heat: [38")
    theirs = broken.replace("five", "FIVE")
    result = newsrecord.merge_texts(broken, broken, theirs)
    assert result.as_text
    assert result.clean
    assert result.text == theirs
    assert result.why is not None
    assert (result.why.message[:8], result.why.line, result.why.column) == ("ours: YA", 6, 7)
    assert newsrecord.merge_texts(BASE, BASE, BASE).why is None


def test_both_sides_adding_the_same_file() -> None:
    result = newsrecord.merge_texts("", BASE, BASE)
    assert result.clean
    assert result.text == BASE


def test_crlf_stays_crlf() -> None:
    base = BASE.replace("\n", "\r\n")
    ours = edit(base, lambda d: setattr(d.record, "title", "New title"))
    theirs = edit(base, lambda d: setattr(d.record, "heat", 40))
    result = newsrecord.merge_texts(base, ours, theirs)
    assert result.clean
    assert "\n" not in result.text.replace("\r\n", "")


@settings(max_examples=25, deadline=None)
@given(
    heat=st.integers(min_value=0, max_value=10**6),
    title=st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t),
)
def test_bot_and_editor_fields_always_merge(heat: int, title: str) -> None:
    ours = edit(BASE, lambda d: setattr(d.record, "title", title))
    theirs = edit(BASE, lambda d: setattr(d.record, "heat", heat))
    result = newsrecord.merge_texts(BASE, ours, theirs)
    assert result.clean
    merged = newsrecord.loads(result.text).record
    assert (merged.title, merged.heat) == (title, heat)


# --- the command, as git calls it ----------------------------------------------------------------


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_command_writes_into_ours_and_exits_0(tmp_path: Path) -> None:
    ours_text = edit(BASE, lambda d: setattr(d.record, "title", "New title"))
    theirs_text = edit(BASE, lambda d: setattr(d.record, "heat", 40))
    files = [write(tmp_path, n, t) for n, t in (("O", BASE), ("A", ours_text), ("B", theirs_text))]
    result = CliRunner().invoke(main, ["merge", "--marker-size", "7", "--path", "a.md", *files])
    assert result.exit_code == 0, result.output
    merged = newsrecord.load(files[1]).record
    assert (merged.title, merged.heat) == ("New title", 40)


def test_command_puts_our_new_items_before_theirs(tmp_path: Path) -> None:
    ours_text = edit(BASE, topics_added("Vision"))
    theirs_text = edit(BASE, topics_added("Robotics"))
    files = [write(tmp_path, n, t) for n, t in (("O", BASE), ("A", ours_text), ("B", theirs_text))]
    result = CliRunner().invoke(main, ["merge", "--path", "a.md", *files])
    assert result.exit_code == 0, result.output
    topics = newsrecord.load(files[1]).record.topics
    assert topics == ["AI", "Robots", "Vision", "Robotics"]


def test_command_exits_1_with_markers_on_conflict(tmp_path: Path) -> None:
    ours_text = edit(BASE, lambda d: setattr(d.record, "title", "Ours"))
    theirs_text = edit(BASE, lambda d: setattr(d.record, "title", "Theirs"))
    files = [write(tmp_path, n, t) for n, t in (("O", BASE), ("A", ours_text), ("B", theirs_text))]
    result = CliRunner().invoke(main, ["merge", "--path", "a.md", *files])
    assert result.exit_code == 1
    assert "conflict in title" in result.stderr
    text = Path(files[1]).read_text(encoding="utf-8")
    assert "<<<<<<< ours:a.md\n" in text
    assert ">>>>>>> theirs:a.md\n" in text


# --- properties over drawn records ----------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(base=strategies.records(newsrecord.Article), theirs=strategies.records(newsrecord.Article))
def test_an_unchanged_side_gives_the_other_side(
    base: newsrecord.Article, theirs: newsrecord.Article
) -> None:
    base_text = newsrecord.dumps(base, body="body\n")
    theirs_text = newsrecord.dumps(theirs, body="other body\n")
    result = newsrecord.merge_texts(base_text, base_text, theirs_text)
    assert result.clean
    assert newsrecord.to_dict(newsrecord.loads(result.text).record) == newsrecord.to_dict(
        newsrecord.loads(theirs_text).record
    )
    assert newsrecord.merge_texts(base_text, theirs_text, base_text).text == theirs_text


@settings(max_examples=30, deadline=None)
@given(record=strategies.records(newsrecord.Article), heat=st.integers(0, 999))
def test_a_merge_diffs_like_the_change_it_takes(record: newsrecord.Article, heat: int) -> None:
    base_text = newsrecord.dumps(record, body="")
    ours = edit(base_text, lambda d: setattr(d.record, "title", "Ours, edited"))
    theirs = edit(base_text, lambda d: setattr(d.record, "heat", heat))
    result = newsrecord.merge_texts(base_text, ours, theirs)
    assert result.clean
    expected = newsrecord.diff_records(newsrecord.loads(base_text), newsrecord.loads(theirs))
    assert newsrecord.diff_records(newsrecord.loads(ours), newsrecord.loads(result.text)) == (
        expected
    )


def test_a_list_item_that_loses_its_first_key_and_gains_another() -> None:
    # Found by the property above: the new key was anchored after the key that goes,
    # inside the lines being deleted (the splicer now anchors on keys that stay).
    base = newsrecord.dumps(
        newsrecord.Article(title="", images=[newsrecord.Image(width=0, is_cached=False)])
    )
    theirs = newsrecord.dumps(
        newsrecord.Article(title="", images=[newsrecord.Image(height=0, is_cached=False)])
    )
    result = newsrecord.merge_texts(base, base, theirs)
    assert result.clean
    assert result.text == theirs


def test_an_unknown_key_set_to_null_stays_null() -> None:
    theirs = BASE.replace("custom:", "nothing: null\ncustom:")
    result = newsrecord.merge_texts(BASE, BASE, theirs)
    assert changed_lines(BASE, result.text) == ["+nothing: null"]
    ours = edit(BASE, lambda d: setattr(d.record, "heat", 1))
    merged = newsrecord.merge_texts(BASE, ours, theirs)
    assert newsrecord.loads(merged.text).record.extra["nothing"] is None


def test_a_key_inserted_first_in_a_list_item_whose_value_is_rewritten() -> None:
    # Found by the properties above: the rewrite of otherNames took its whole line, the
    # dash with it, and the new first key went inside that line (overlapping edits).
    def article(organization: newsrecord.Organization) -> str:
        publishers = [newsrecord.Organization(), newsrecord.Organization(), organization]
        provider = newsrecord.Provider(publishers=publishers)
        return newsrecord.dumps(newsrecord.Article(title="", provider=provider))

    base = article(newsrecord.Organization(other_names=[""]))
    theirs = article(newsrecord.Organization(name="", other_names=[]))
    assert newsrecord.merge_texts(base, base, theirs).text == theirs


# --- versions that cannot merge at all ------------------------------------------------------------


@pytest.mark.parametrize("side", [0, 1, 2])
def test_a_binary_version_is_a_parse_error_naming_it(side: int) -> None:
    texts = [BASE, BASE, BASE.replace("heat: 38", "heat: 41")]
    texts[side] = "a\n\0"
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.merge_texts(*texts, path="a.md")
    assert caught.value.path == "a.md"
    assert caught.value.message.startswith(f"{('base', 'ours', 'theirs')[side]} holds NUL bytes:")


def test_command_leaves_ours_as_it_is_when_a_version_is_binary(tmp_path: Path) -> None:
    theirs_text = BASE.replace("heat: 38", "heat: 41")
    files = [write(tmp_path, n, t) for n, t in (("O", "\0"), ("A", BASE), ("B", theirs_text))]
    result = CliRunner().invoke(main, ["merge", "--path", "a.md", *files])
    assert result.exit_code == 1, result.output  # a conflict, for git
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("newsrecord merge: a.md: base holds NUL bytes")
    assert Path(files[1]).read_text(encoding="utf-8") == BASE


def test_bodies_with_nul_bytes_do_not_merge_either() -> None:
    # Both load as records; only their bodies need git's line merge, which refuses them.
    ours, theirs = BASE + "ours\0\n", BASE + "theirs\0\n"
    with pytest.raises(newsrecord.ParseError, match=r"^a\.md: ours holds NUL bytes:"):
        newsrecord.merge_texts(BASE, ours, theirs, path="a.md")
