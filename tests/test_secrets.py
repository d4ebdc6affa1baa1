"""The secured blob never shows in full: not in a repr, an error, a traceback or a log.

Every test uses a long blob of our own and asserts that neither it nor any 40-character
stretch of it appears in what the library shows: ``repr`` of the blob, the record and
the document; ``str``, ``repr`` and the problems of every error we can provoke (parse
errors on, inside and after the secured line, wrong types for it, validation errors
elsewhere in the file, limit errors, errors on assignment and on saving); tracebacks with
their chained causes and log records, under both YAML parsers; and the command line.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz.mutations import mutate
from hypothesis import given
from hypothesis import strategies as st

import newsrecord
from newsrecord import cli
from newsrecord._read import events as _events

_CIPHERTEXT = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(10))
BLOB = (
    base64.b64encode(_CIPHERTEXT).decode()
    + ";"
    + base64.b64encode(hashlib.md5(b"iv").digest()).decode()  # noqa: S324  # not security
)
WINDOWS = [BLOB[i : i + 40] for i in range(0, len(BLOB) - 40, 20)]


def record_text(secured: str = f'"{BLOB}"', *, before: str = "", after: str = "") -> str:
    """A small article with the blob, and optional lines around the secured line."""
    return (
        "---\n"
        "category: news\n"
        'title: "A record with a secret"\n'
        "heat: 38\n"
        "related:\n"
        "  - title: Related\n"
        f'    secured: "{BLOB}"\n'
        f"{before}"
        f"secured: {secured}\n"
        f"{after}"
        "---\n"
        "Body.\n"
    )


def assert_hidden(shown: str) -> None:
    assert BLOB not in shown
    for window in WINDOWS:
        assert window not in shown


def everything_shown(error: BaseException) -> str:
    """All an error shows: str, repr, each problem, and the traceback with its causes."""
    assert isinstance(error, newsrecord.RecordError)
    parts = [str(error), repr(error), *(str(p) for p in error.problems)]
    parts += [repr(p) for p in error.problems]
    parts.append(repr(getattr(error, "fixes", ())))  # a fix may quote the whole blob
    parts += traceback.format_exception(error)
    return "\n".join(parts)


@pytest.fixture(params=["C parser", "pure-Python parser"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "C parser" and not _events.HAVE_C_PARSER:
        pytest.skip("the C parser is not installed or is turned off")
    monkeypatch.setattr(_events, "HAVE_C_PARSER", request.param == "C parser")
    return str(request.param)


# --- reprs ------------------------------------------------------------------------------


def test_reprs_never_show_the_blob(parser: str) -> None:
    doc = newsrecord.loads(record_text())
    record = doc.record
    assert isinstance(record, newsrecord.Article)
    assert record.secured is not None
    assert record.secured.raw == BLOB  # raw is the way to ask for it
    assert record.related is not None
    related = record.related[0]
    assert not isinstance(related, str)
    shown_forms = (repr(record.secured), str(record.secured), f"{record.secured}", repr(record))
    for shown in (*shown_forms, str(record), repr(doc), repr(related)):
        assert_hidden(shown)
    assert f"{len(BLOB)} chars" in repr(record.secured)


def test_a_merge_result_never_shows_the_blob() -> None:
    base = record_text()
    ours = base.replace("heat: 38", "heat: 40")
    theirs = base.replace("heat: 38", "heat: 41")
    result = newsrecord.merge_texts(base, ours, theirs, path="a.md")
    assert result.conflicts == ("heat",)
    assert BLOB in result.text  # the text itself is whole: only what is shown is short
    assert_hidden(repr(result))
    assert_hidden(str(result))


def test_a_short_blob_is_not_shown_at_all() -> None:
    assert repr(newsrecord.Secured("abc;def")) == "Secured('…', 7 chars)"


# --- errors while loading ----------------------------------------------------------------

ERRORS = {
    "validation error elsewhere": record_text(before="quality: best\n"),
    "many validation errors": record_text(before="quality: best\npublished: maybe\n"),
    "parse error after the line": record_text(after="topics: [a, b\n"),
    "bad indentation after the line": record_text(after="  provider: x\n"),
    "unclosed quote": record_text(f'"{BLOB}'),
    "unclosed single quote": record_text(f"'{BLOB}"),
    "unknown escape inside": record_text(f'"{BLOB[:50]}\\q{BLOB[50:]}"'),
    "control character inside": record_text(f'"{BLOB[:50]}\x07{BLOB[50:]}"'),
    "tab-indented blob": record_text(f'\n\t"{BLOB}"'),
    "lone surrogate inside": record_text(f'"{BLOB[:50]}\ud800{BLOB[50:]}"'),
    "colon inside a plain blob": record_text(f"{BLOB}: x"),
    "wrong type: a list": record_text(f'["{BLOB}"]'),
    "wrong type: a mapping": record_text(f'{{value: "{BLOB}"}}'),
    "wrong type: a block list": record_text(f'\n  - "{BLOB}"'),
    "int tag": record_text(f'!!int "{BLOB}"'),
    "float tag": record_text(f'!!float "{BLOB}"'),
    "bool tag": record_text(f'!!bool "{BLOB}"'),
    "binary tag": record_text(f"!!binary {BLOB}"),
    "unknown tag": record_text(f'!secret "{BLOB}"'),
    "anchor": record_text(f"&blob {BLOB}"),
    "blob as a complex key": record_text(after=f'? ["{BLOB}"]\n: 1\n'),
    "blob as an integer": record_text(before=f'quality: "{BLOB}"\n'),
    "blob as a boolean": record_text(before=f'published: "{BLOB}"\n'),
    "blob as a title of a related": record_text(after=f'related: "{BLOB}"\n'),
}


# Keys written twice open (the last one counts) and are reported as problems.
DUPLICATES = {
    "duplicate key after the line": record_text(after="heat: 1\nheat: 2\n"),
    "duplicate secured": record_text(after=f'secured: "{BLOB}"\n'),
    "blob as a key, twice": record_text(after=f'"{BLOB}": 1\n"{BLOB}": 2\n'),
}


@pytest.mark.parametrize("text", DUPLICATES.values(), ids=list(DUPLICATES))
def test_duplicate_key_problems_never_show_the_blob(text: str, tmp_path: Path) -> None:
    doc = newsrecord.loads(text)
    assert doc.problems
    assert_hidden("\n".join(str(problem) for problem in doc.problems))
    assert_hidden(repr(doc))
    path = tmp_path / "twice.md"
    path.write_text(text)
    commands = [
        ["validate", str(path)],
        ["validate", "--format", "github", str(path)],
        ["show", str(path)],
    ]
    if f'"{BLOB}":' not in text:
        # A diff shows the file's lines; a blob pasted as a key is no secured value.
        commands.append(["fix", "--diff", str(path)])
    for command in commands:
        result = CliRunner().invoke(cli.main, command)
        assert_hidden(result.output)


@pytest.mark.parametrize("text", ERRORS.values(), ids=list(ERRORS))
def test_errors_never_show_the_blob(text: str, parser: str) -> None:
    with pytest.raises(newsrecord.RecordError) as caught:
        newsrecord.loads(text)
    assert_hidden(everything_shown(caught.value))


# The blob pasted into a field of another type: the message quotes a short part only.
LONG_VALUES = {
    "blob as a date": record_text(before=f'publishedDateTime: "{BLOB}"\n'),
    "blob as a duration": f'---\ntype: video\ntitle: v\nlength: "{BLOB}"\n---\n',
}


@pytest.mark.parametrize("text", LONG_VALUES.values(), ids=list(LONG_VALUES))
def test_errors_about_long_values_never_show_them(text: str) -> None:
    with pytest.raises(newsrecord.RecordError) as caught:
        newsrecord.loads(text)
    assert_hidden(everything_shown(caught.value))


def test_invalid_utf8_inside_the_blob() -> None:
    data = record_text().replace(BLOB, BLOB[:60] + "\udcff" + BLOB[60:], 1)
    raw = data.encode("utf-8", "surrogateescape")
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads(raw)
    assert_hidden(everything_shown(caught.value))


@pytest.mark.parametrize(
    "limits",
    [
        newsrecord.Limits(max_file_size=100),
        newsrecord.Limits(max_front_matter=100),
        newsrecord.Limits(max_nodes=10),
        newsrecord.Limits(max_depth=2),
    ],
    ids=["file size", "front matter", "nodes", "depth"],
)
def test_limit_errors_never_show_the_blob(limits: newsrecord.Limits) -> None:
    with pytest.raises(newsrecord.LimitError) as caught:
        newsrecord.loads(record_text(), limits=limits)
    assert_hidden(everything_shown(caught.value))


def test_a_video_with_the_blob_in_the_wrong_place() -> None:
    for key in ("ratings", "levels", "heat"):
        text = f'---\ntype: video\ntitle: v\n{key}: "{BLOB}"\nsecured: "{BLOB}"\n---\n'
        with pytest.raises(newsrecord.ValidationError) as caught:
            newsrecord.loads(text)
        assert_hidden(everything_shown(caught.value))


def test_load_errors_name_the_file_but_not_the_blob(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text(ERRORS["unclosed quote"])
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.load(path)
    assert str(path) in str(caught.value)
    assert_hidden(everything_shown(caught.value))


# --- errors while editing and saving ------------------------------------------------------


def test_assignment_errors_never_show_the_blob() -> None:
    doc = newsrecord.loads(record_text())
    record = doc.record
    for name, value in (("heat", BLOB), ("secured", BLOB), ("published", BLOB)):
        with pytest.raises(TypeError) as caught:
            setattr(record, name, value)
        assert_hidden(str(caught.value))
        assert_hidden("".join(traceback.format_exception(caught.value)))


def test_saving_an_invalid_record_never_shows_the_blob(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text(record_text())
    doc = newsrecord.load(path)
    # Past the assignment check, into a new summary added to the related list: saving
    # checks what changed since the load (a loaded object changed past the assignment
    # check, with object.__setattr__, is not seen as changed at all).
    related = newsrecord.RelatedArticle(title="Related")
    object.__setattr__(related, "heat", BLOB)
    doc.record.related = [*(doc.record.related or []), related]
    for attempt in (doc.dumps, doc.save):
        with pytest.raises(newsrecord.ValidationError) as caught:
            attempt()
        assert_hidden(everything_shown(caught.value))


def test_decoding_a_malformed_blob_never_shows_it() -> None:
    for broken in (BLOB + "!", BLOB.replace(";", ""), BLOB + ";" + BLOB):
        with pytest.raises(newsrecord.ValidationError) as caught:
            _ = newsrecord.Secured(broken).ciphertext
        shown = everything_shown(caught.value)
        assert broken not in shown
        assert_hidden(shown)


# --- logs and the command line -------------------------------------------------------------


def test_logged_errors_never_show_the_blob(caplog: pytest.LogCaptureFixture, parser: str) -> None:
    logger = logging.getLogger("an.application")
    for text in ERRORS.values():
        try:
            newsrecord.loads(text)
        except newsrecord.RecordError:
            logger.exception("could not load a record")
        try:
            newsrecord.loads(text)
        except newsrecord.RecordError as error:
            logger.warning("bad record: %s (%r)", error, error)
    assert len(caplog.records) == 2 * len(ERRORS)
    assert_hidden(caplog.text)


def test_the_command_line_hides_the_blob_unless_revealed(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text(record_text())
    runner = CliRunner()
    shown = runner.invoke(cli.main, ["show", str(path)])
    assert shown.exit_code == 0, shown.output
    assert_hidden(shown.output)
    revealed = runner.invoke(cli.main, ["show", "--reveal", str(path)])
    assert BLOB in revealed.output


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "expected 'ciphertext;iv', found 1 part(s)"),
        (BLOB[:-1], "not base64"),
        (BLOB.replace(";", " ;"), "holds spaces"),
        (BLOB.split(";")[0] + ";" + BLOB.split(";")[0], "the IV is"),
    ],
    ids=["a word", "cut short", "a space", "a long IV"],
)
def test_set_refuses_a_blob_that_is_not_one(typed: str, reason: str, tmp_path: Path) -> None:
    # A user's run: `set FILE secured=abc` replaced the 345-character blob with "abc".
    path = tmp_path / "secret.md"
    path.write_text(record_text())
    result = CliRunner().invoke(cli.main, ["set", str(path), f"secured={typed}"])
    assert result.exit_code == 2
    assert "secured: not a secured blob (base64(ciphertext);base64(IV)): " in result.output
    assert reason in result.output
    assert typed not in result.output
    assert path.read_text() == record_text()
    new_blob = base64.b64encode(_CIPHERTEXT[16:]).decode() + ";" + BLOB.split(";")[1]
    done = CliRunner().invoke(cli.main, ["set", str(path), f"secured={new_blob}"])
    assert done.exit_code == 0, done.output
    assert path.read_text() == record_text(f'"{new_blob}"')


@pytest.mark.parametrize("text", list(ERRORS.values())[::4], ids=list(ERRORS)[::4])
def test_the_command_line_hides_the_blob_of_a_bad_file(text: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text(text, errors="surrogateescape")
    result = CliRunner().invoke(cli.main, ["show", str(path)])
    assert result.exit_code != 0
    assert_hidden(result.output)


# --- any error at all ---------------------------------------------------------------------


@st.composite
def mutated_secret_records(draw: st.DrawFn) -> str:
    def choose(n: int) -> int:
        return draw(st.integers(0, n - 1)) if n > 1 else 0

    return mutate(record_text(), choose, draw(st.integers(1, 3)))


@given(mutated_secret_records())
def test_no_error_of_a_mutated_record_shows_the_blob(text: str) -> None:
    try:
        newsrecord.loads(text)
    except newsrecord.RecordError as error:
        shown = everything_shown(error)
    else:
        return
    assert_hidden(shown)


def test_a_secured_key_in_extra_is_hidden_too() -> None:
    # Organization records have no secured field: the blob lands in extra.
    doc = newsrecord.loads(f'---\ntaxonomy: organization\nname: X\nsecured: "{BLOB}"\n---\n')
    assert_hidden(repr(doc.record))


def test_command_line_usage_errors_never_echo_the_blob(tmp_path: Path) -> None:
    from newsrecord.cli import main

    path = tmp_path / "secret.md"
    path.write_text(record_text())
    runner = CliRunner()
    # The blob pasted where JSON is expected, where a FIELD=VALUE is, and into a query.
    for arguments in (
        ["set", "--json", str(path), f"secured={BLOB}"],
        ["set", str(path), BLOB],
        ["find", str(path), "--where", f"secured == {BLOB}"],
    ):
        result = runner.invoke(main, arguments)
        assert result.exit_code == 2, result.output
        assert_hidden(result.output)


def test_a_blob_wrapped_over_lines_is_told_to_be_written_on_one_line() -> None:
    blob = BLOB
    wrapped = f'---\ntitle: T\ntype: article\nsecured: "{blob[:60]}\n  {blob[60:]}"\n---\n'
    doc = newsrecord.loads(wrapped)
    assert doc.record.secured is not None
    assert doc.record.secured.raw == f"{blob[:60]} {blob[60:]}"  # the break read as a space
    (problem,) = newsrecord.check_document(doc, ["secured-blob"])
    assert problem.message == (
        "malformed: not base64: it holds spaces, as a blob wrapped over lines does (YAML "
        "reads each line break in it as a space); write it on one line"
    )
    assert (problem.line, problem.field) == (4, "secured")
    one_line = newsrecord.loads(wrapped.replace(f"{blob[:60]}\n  ", blob[:60]))
    assert newsrecord.check_document(one_line, ["secured-blob"]) == []


def test_a_bad_blob_names_its_field_once() -> None:
    with pytest.raises(newsrecord.ValidationError) as caught:
        _ = newsrecord.Secured("abc").ciphertext
    assert str(caught.value) == "secured: expected 'ciphertext;iv', found 1 part(s)"
