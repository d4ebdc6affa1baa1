"""Columnar export: the schema, Parquet/JSON Lines/CSV output, the incremental cache."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.helpers import HUGE_TEXT, run_python

import newsrecord
import newsrecord.api
import newsrecord.export
import newsrecord.files
from newsrecord.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "seeds" / "000_9841d82d5199b387.txt").read_text(encoding="utf-8")
SECURED = SEED_TEXT.split('secured: "')[1].split('"')[0]

VIDEO = """\
---
title: "A talk"
type: video
publishedDateTime: 2021-05-01T10:00:00+02:00
price: Free
length: PT1H2M3S
levels:
  - Beginner
ratings:
  count: 3
  average: 4.5
  source: {name: imdb, secured: "SECURED"}
heat: 7
customKey: {a: 1}
---
Talk body.
""".replace("SECURED", SECURED)


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def make_site(root: Path, count: int = 6) -> Path:
    site = root / "site"
    site.mkdir()
    for number in range(count):
        doc = newsrecord.loads(SEED_TEXT)
        doc.record.heat = number
        (site / f"a{number:02d}.md").write_text(doc.dumps(), encoding="utf-8")
    (site / "video.md").write_text(VIDEO, encoding="utf-8")
    (site / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    return site


def test_the_schema_is_typed_from_the_model() -> None:
    schema = newsrecord.arrow_schema()
    assert schema.names[:2] == ["path", "kind"]
    assert schema.names[-1] == "extra"
    assert "body" not in schema.names
    assert newsrecord.arrow_schema(body=True).names[-1] == "body"
    assert schema.field("publishedDateTime").type == pa.timestamp("us", tz="UTC")
    assert schema.field("heat").type == pa.int64()
    assert schema.field("published").type == pa.bool_()
    assert schema.field("topics").type == pa.list_(pa.string())
    assert schema.field("length").type == pa.duration("us")
    assert schema.field("ratings").type.field("average").type == pa.float64()
    provider = schema.field("provider").type
    assert pa.types.is_struct(provider)
    assert provider.field("name").type == pa.string()
    images = schema.field("images").type
    assert images.value_type.field("width").type == pa.int64()
    # An article or a URL: JSON text.
    assert schema.field("related").type == pa.string()
    # Every key of every kind has a column, once.
    keys = {spec.key for kind in newsrecord.KINDS for spec in newsrecord.fields(kind)}
    assert keys <= set(schema.names)
    assert len(schema.names) == len(set(schema.names))


def test_parquet_export_has_a_typed_row_per_record(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "site.parquet"
    result = newsrecord.export_records(site, out)
    assert (result.rows, result.parsed, result.reused) == (7, 8, 0)  # the invalid file too
    assert [Path(p.path or "").name for p in result.problems] == ["broken.md"]
    table = pq.read_table(out)
    assert table.schema == newsrecord.arrow_schema()
    rows = {Path(row["path"]).name: row for row in table.to_pylist()}
    assert set(rows) == {f"a{n:02d}.md" for n in range(6)} | {"video.md"}
    article = rows["a03.md"]
    assert article["kind"] == "Article"
    assert article["heat"] == 3
    assert article["published"] is False
    assert article["publishedDateTime"] == dt.datetime(2023, 11, 19, 21, 7, tzinfo=dt.UTC)
    assert article["topics"] == ["AI in Robotics", "AI"]
    assert article["provider"]["name"] == "The Statesman"
    assert article["images"][0]["width"] == 2001
    assert article["secured"] == newsrecord.Secured(SECURED).redacted()
    assert json.loads(article["related"])[0]["provider"]["name"] == "AOL"
    assert article["extra"] is None
    video = rows["video.md"]
    assert video["kind"] == "Video"
    # 10:00 at +02:00 is 08:00 UTC.
    assert video["publishedDateTime"] == dt.datetime(2021, 5, 1, 8, 0, tzinfo=dt.UTC)
    assert video["length"] == dt.timedelta(hours=1, minutes=2, seconds=3)
    assert video["price"] == "Free"
    # Keys the model does not know inside an object: its member extra, JSON text, with
    # secured blobs shortened there too.
    redacted = newsrecord.Secured(SECURED).redacted()
    assert video["ratings"]["count"] == 3
    assert video["ratings"]["average"] == 4.5
    assert json.loads(video["ratings"]["extra"]) == {
        "source": {"name": "imdb", "secured": redacted}
    }
    assert article["provider"]["extra"] is None
    assert json.loads(video["extra"]) == {"customKey": {"a": 1}}
    assert video["provider"] is None


def test_reveal_and_body(tmp_path: Path) -> None:
    site = make_site(tmp_path, 1)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out, reveal=True, body=True)
    rows = {Path(row["path"]).name: row for row in pq.read_table(out).to_pylist()}
    assert rows["a00.md"]["secured"] == SECURED
    assert rows["video.md"]["body"] == "Talk body.\n"
    assert json.loads(rows["video.md"]["ratings"]["extra"])["source"]["secured"] == SECURED


def test_jsonl_and_csv(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    newsrecord.export_records(site, tmp_path / "out.jsonl", format="jsonl")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    video = next(line for line in lines if line["kind"] == "Video")
    assert video["publishedDateTime"] == "2021-05-01T08:00:00Z"
    assert video["length"] == 3723.0
    assert video["levels"] == ["Beginner"]
    assert "provider" not in video  # nulls are left out
    newsrecord.export_records(site, tmp_path / "out.csv", format="csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert len(rows) == 3
    article = next(row for row in rows if row["kind"] == "Article")
    assert json.loads(article["topics"]) == ["AI in Robotics", "AI"]
    assert json.loads(article["provider"])["name"] == "The Statesman"
    with pytest.raises(ValueError, match="format"):
        newsrecord.export_records(site, tmp_path / "out.xml", format="xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lengths", "written"),
    [
        (["10 hours", "PT1H2M3S"], ["36000", "3723"]),
        (["10 hours", "PT1.5S", "P1000D"], ["36000", "1.5", "86400000"]),
    ],
)
def test_json_lines_and_csv_write_durations_alike(
    tmp_path: Path, lengths: list[str], written: list[str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for number, length in enumerate(lengths):
        text = VIDEO.replace("PT1H2M3S", length)
        (site / f"v{number}.md").write_text(text, encoding="utf-8")
    newsrecord.export_records(site, tmp_path / "out.jsonl", format="jsonl")
    newsrecord.export_records(site, tmp_path / "out.csv", format="csv")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    in_json = [json.dumps(json.loads(line)["length"]) for line in lines]
    in_csv = [row["length"] for row in read_rows(tmp_path / "out.csv", "csv")]
    # Seconds, an integer when whole: not 36000.0 (JSON Lines wrote the float).
    assert in_json == in_csv == written
    # Date-times: ISO 8601 in UTC, with a Z; CSV as Arrow writes timestamps.
    assert json.loads(lines[0])["publishedDateTime"] == "2021-05-01T08:00:00Z"
    assert read_rows(tmp_path / "out.csv", "csv")[0]["publishedDateTime"] == (
        "2021-05-01 08:00:00.000000Z"
    )
    # newsrecord json keeps the duration as the file writes it.
    shown = run("json", site / "v0.md")
    assert json.loads(shown.stdout)["length"] == "10 hours"


def read_rows(out: Path, format: str) -> list[dict[str, object]]:  # noqa: A002
    """The rows of an export file of any format, as dicts (CSV values as text)."""
    if format == "parquet":
        return list(pq.read_table(out).to_pylist())
    if format == "jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("output", ["parquet", "jsonl", "csv"])
@pytest.mark.parametrize(
    ("field", "written", "line"),
    [
        ("publishedDateTime", "9999-12-31T23:59:59-14:00", 5),  # year 10000 in UTC
        ("publishedDateTime", "0001-01-01T00:00:00+14:00", 5),  # year 0 in UTC
        ("length", "P300000Y", 6),  # past 64-bit microseconds
    ],
)
def test_a_value_no_column_holds_leaves_its_file_out_with_a_problem(
    tmp_path: Path, output: str, field: str, written: str, line: int
) -> None:
    site = make_site(tmp_path, 1)
    (site / "broken.md").unlink()
    original = "PT1H2M3S" if field == "length" else "2023-11-19T21:07:00Z"
    text = (VIDEO if field == "length" else SEED_TEXT).replace(original, written)
    assert newsrecord.loads(text).valid  # a record newsrecord reads: only the export balks
    (site / "far.md").write_text(text, encoding="utf-8")
    out = tmp_path / f"out.{output}"
    result = newsrecord.export_records(site, out, format=output)  # type: ignore[arg-type]
    assert result.rows == 2
    [problem] = result.problems
    assert (problem.path, problem.line, problem.field) == (str(site / "far.md"), line, field)
    assert written in str(problem)
    assert "not exported" in problem.message
    assert sorted(Path(str(row["path"])).name for row in read_rows(out, output)) == [
        "a00.md",
        "video.md",
    ]
    with pytest.raises(newsrecord.ValidationError) as raised:
        newsrecord.to_arrow([("far.md", newsrecord.loads(text))])
    assert raised.value.field == field
    cli = run("export", site, "-o", out, "--format", output)
    assert cli.exit_code == 1
    assert f"far.md:{line}:" in cli.stderr
    assert "exported 2 records" in cli.stderr


@pytest.mark.parametrize("incremental", [False, True])
def test_overlapping_paths_give_each_record_one_row(tmp_path: Path, incremental: bool) -> None:
    site = make_site(tmp_path, 4)
    named = [site, *sorted(site.rglob("*.md"))]
    out = tmp_path / "out.jsonl"
    result = newsrecord.export_records(named, out, format="jsonl", incremental=incremental)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == result.rows == len({row["path"] for row in rows})
    alone = newsrecord.export_records(site, tmp_path / "alone.jsonl", format="jsonl")
    assert result.rows == alone.rows


def test_incremental_export_reparses_only_what_changed(tmp_path: Path) -> None:
    site = make_site(tmp_path, 20)
    out = tmp_path / "site.parquet"
    first = newsrecord.export_records(site, out, incremental=True)
    assert (first.parsed, first.reused) == (22, 0)  # the invalid file is parsed too
    again = newsrecord.export_records(site, out, incremental=True)
    assert (again.parsed, again.reused) == (0, 21)
    # Change three files, touch one without changing it, remove one, add one.
    for number in (2, 5, 11):
        with newsrecord.edit(site / f"a{number:02d}.md") as doc:
            doc.record.heat = 100 + number
    os.utime(site / "a03.md", ns=(1, 1))
    (site / "a07.md").unlink()
    (site / "new.md").write_text(VIDEO.replace("A talk", "New talk"), encoding="utf-8")
    third = newsrecord.export_records(site, out, incremental=True)
    assert (third.parsed, third.reused, third.rows) == (4, 17, 21)
    incremental = pq.read_table(out)
    full = tmp_path / "full.parquet"
    newsrecord.export_records(site, full)
    assert incremental.equals(pq.read_table(full))
    heats = dict(
        zip(
            incremental.column("path").to_pylist(),
            incremental.column("heat").to_pylist(),
            strict=True,
        )
    )
    assert heats[str(site / "a05.md")] == 105
    # Other options make other rows: the cache is not used for them.
    with_body = newsrecord.export_records(site, out, incremental=True, body=True)
    assert with_body.parsed == 22


def same_as_a_full_export(site: Path, out: Path) -> bool:
    full = out.with_name("full-" + out.name)
    newsrecord.export_records(site, full)
    return bool(pq.read_table(out).equals(pq.read_table(full)))


def rewrite_keys(cache: Path, change: dict[bytes, bytes]) -> None:
    """Change the metadata of the cache's keys, as a damaged or foreign cache would."""
    # Read into memory, not mapped: the file is overwritten below.
    with pa.OSFile(str(cache / "keys.arrow")) as source:
        keys = pa.ipc.open_file(source).read_all()
    keys = keys.replace_schema_metadata({**(keys.schema.metadata or {}), **change})
    with (
        pa.OSFile(str(cache / "keys.arrow"), "wb") as sink,
        pa.ipc.new_file(sink, keys.schema) as writer,
    ):
        writer.write_table(keys)


@pytest.mark.parametrize(
    "damage",
    [
        "old single file",
        "garbage keys",
        "segment gone",
        "segment changed in place",
        "rows past the segments",
        "no problems",
    ],
)
def test_a_broken_cache_only_costs_a_full_export(tmp_path: Path, damage: str) -> None:
    site = make_site(tmp_path, 2)
    out = tmp_path / "site.parquet"
    cache = newsrecord.export.cache_path(out)
    if damage == "old single file":
        cache.write_bytes(b"not arrow")
    else:
        newsrecord.export_records(site, out, incremental=True)
        if damage == "garbage keys":
            (cache / "keys.arrow").write_bytes(b"not arrow")
        elif damage == "segment gone":
            for segment in cache.glob("rows-*"):
                segment.unlink()
        elif damage == "segment changed in place":
            # The same size, another row: only the segment's times and inode tell.
            (segment,) = cache.glob("rows-*")
            data = segment.read_bytes()
            assert data.count(b"a00.md") == 1
            segment.write_bytes(data.replace(b"a00.md", b"a99.md"))
        elif damage == "rows past the segments":
            rewrite_keys(cache, {b"newsrecord-segments": b"[]"})
        else:
            rewrite_keys(cache, {b"newsrecord-failures": b"{}"})
    result = newsrecord.export_records(site, out, incremental=True)
    assert result.parsed == 4  # the site's invalid file too
    assert newsrecord.export_records(site, out, incremental=True).reused == 3
    assert same_as_a_full_export(site, out)


def exported_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[Path, Path]:
    """A site exported once with a cache, and no racy window from now on (as if each
    later run came long after the writes before it)."""
    monkeypatch.setattr(newsrecord.export, "_RACY_NS", 0)
    site = make_site(tmp_path, count)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out, incremental=True)
    return site, out


def test_renamed_deleted_added_and_touched_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, out = exported_site(tmp_path, monkeypatch, 8)
    (site / "a01.md").rename(site / "z01.md")
    (site / "a02.md").unlink()
    (site / "sub").mkdir()
    (site / "sub" / "a00.md").write_bytes((site / "a00.md").read_bytes())
    os.utime(site / "a03.md")  # touched, the same content
    (site / "broken.md").write_text(SEED_TEXT, encoding="utf-8")  # fixed
    (site / "video.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")  # broken
    hashed = count_reads(monkeypatch)
    again = newsrecord.export_records(site, out, incremental=True)
    # Parsed: the renamed file, the new one, the fixed one, and the newly broken one,
    # which fails.
    assert (again.parsed, again.reused, again.rows) == (4, 6, 9)
    assert [Path(problem.path or "").name for problem in again.problems] == ["video.md"]
    assert len(hashed) == 5  # the four above and the touched one
    assert same_as_a_full_export(site, out)
    paths = pq.read_table(out).column("path").to_pylist()
    assert str(site / "z01.md") in paths
    assert str(site / "a01.md") not in paths
    assert str(site / "a02.md") not in paths


def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long after the last run (no racy window): the change time and inode tell.
    site, out = exported_site(tmp_path, monkeypatch, 2)
    path = site / "a01.md"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "heat: 1\n" in text
    path.write_text(text.replace("heat: 1\n", "heat: 9\n"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = newsrecord.export_records(site, out, incremental=True)
    assert (again.parsed, again.reused) == (1, 2)
    assert same_as_a_full_export(site, out)


def test_racy_files_are_checked_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file system whose clock ticks coarsely, or an edit within one tick of the last
    # run: every time and the inode stay the same, only the content changes.
    from newsrecord import export

    site = make_site(tmp_path, 2)
    out = tmp_path / "site.parquet"
    now = time.time_ns()
    real = export._scan

    def frozen(
        paths: object, pattern: str, out: Path | None
    ) -> tuple[list[str], bytes, dict[int, OSError]]:
        names, stats, errors = real(paths, pattern, out)  # type: ignore[arg-type]
        times = [(size, now, now, inode) for size, _, _, inode in export._STAT.iter_unpack(stats)]
        return names, b"".join(export._STAT.pack(*stat) for stat in times), errors

    monkeypatch.setattr(export, "_scan", frozen)
    newsrecord.export_records(site, out, incremental=True)
    path = site / "a01.md"
    path.write_text(path.read_text(encoding="utf-8").replace("heat: 1\n", "heat: 9\n"))
    again = newsrecord.export_records(site, out, incremental=True)
    assert (again.parsed, again.reused) == (1, 2)
    assert same_as_a_full_export(site, out)
    # Without the racy check, such an edit would go unseen.
    monkeypatch.setattr(export, "_RACY_NS", -(10**18))
    newsrecord.export_records(site, out, incremental=True)
    path.write_text(path.read_text(encoding="utf-8").replace("heat: 9\n", "heat: 8\n"))
    assert newsrecord.export_records(site, out, incremental=True).parsed == 0


def test_an_unchanged_site_does_not_write_the_output_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, out = exported_site(tmp_path, monkeypatch, 2)
    newsrecord.export_records(site, out, incremental=True)  # the racy files settle
    before = out.stat()
    assert newsrecord.export_records(site, out, incremental=True).reused == 3
    assert (out.stat().st_ino, out.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # The output removed, replaced, or asked in another format: written again.
    out.unlink()
    newsrecord.export_records(site, out, incremental=True)
    assert same_as_a_full_export(site, out)
    out.write_bytes(b"mine")
    newsrecord.export_records(site, out, incremental=True)
    assert same_as_a_full_export(site, out)
    newsrecord.export_records(site, out, incremental=True, format="jsonl")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    # A removed file changes the rows: written again.
    (site / "a00.md").unlink()
    newsrecord.export_records(site, out, incremental=True)
    assert same_as_a_full_export(site, out)


def test_the_cache_writes_only_the_rows_changed_since_its_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newsrecord.export, "_RACY_NS", 0)
    # A delta of more than two rows is merged into the base.
    monkeypatch.setattr(newsrecord.export, "_DELTA_ROWS", 2)
    monkeypatch.setattr(newsrecord.export, "_DELTA_SHARE", 1000)
    site = make_site(tmp_path, 6)
    out = tmp_path / "site.parquet"
    cache = newsrecord.export.cache_path(out)
    newsrecord.export_records(site, out, incremental=True)
    segments = []
    for round_ in range(6):
        with newsrecord.edit(site / f"a{round_:02d}.md") as doc:
            doc.record.heat = 50 + round_
        assert newsrecord.export_records(site, out, incremental=True).parsed == 1
        assert same_as_a_full_export(site, out)
        segments.append(sorted(path.name for path in cache.glob("rows-*")))
    assert [len(names) for names in segments] == [2, 2, 1, 2, 2, 1]
    # The base stays while only the delta changes.
    assert segments[0][0] in segments[1] or segments[0][1] in segments[1]
    # Nothing changed: nothing written, the same files.
    assert newsrecord.export_records(site, out, incremental=True).parsed == 0
    assert sorted(path.name for path in cache.glob("rows-*")) == segments[-1]
    assert sorted(path.name for path in cache.iterdir() if path.name[:5] != "rows-") == [
        "keys.arrow",
        "lock",  # the lock of one export at a time, never removed (a waiting run holds it open)
    ]
    # Files of rows left by a stopped run go; files that are not the cache's stay.
    (cache / "rows-left.arrow").write_bytes(b"")
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    with newsrecord.edit(site / "a00.md") as doc:
        doc.record.heat = 99
    newsrecord.export_records(site, out, incremental=True)
    assert not (cache / "rows-left.arrow").exists()
    assert (cache / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_duckdb_reads_the_parquet(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    site = make_site(tmp_path, 4)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out)
    rows = duckdb.sql(
        f"SELECT kind, count(*), max(heat), max(provider.name), min(publishedDateTime) "  # noqa: S608
        f"FROM '{out}' GROUP BY kind ORDER BY kind"
    ).fetchall()
    assert [row[:4] for row in rows] == [
        ("Article", 4, 3, "The Statesman"),
        ("Video", 1, 7, None),
    ]
    assert rows[0][4] == dt.datetime(2023, 11, 19, 21, 7, tzinfo=dt.UTC)
    ai = duckdb.sql(f"SELECT count(*) FROM '{out}' WHERE list_contains(topics, 'AI')").fetchall()  # noqa: S608
    assert ai == [(4,)]
    described = duckdb.sql(f"DESCRIBE SELECT * FROM '{out}'").fetchall()  # noqa: S608
    types = {row[0]: row[1] for row in described}
    assert types["publishedDateTime"] == "TIMESTAMP WITH TIME ZONE"
    assert types["heat"] == "BIGINT"
    assert types["published"] == "BOOLEAN"
    assert types["topics"] == "VARCHAR[]"
    assert types["provider"].startswith("STRUCT(")
    assert types["images"].startswith("STRUCT(")
    assert types["images"].endswith("[]")
    nested = duckdb.sql(
        f"SELECT json_extract_string(ratings.extra, '$.source.name') FROM '{out}' "  # noqa: S608
        "WHERE kind = 'Video'"
    ).fetchall()
    assert nested == [("imdb",)]


def test_pandas_reads_typed_columns(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    site = make_site(tmp_path, 2)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out)
    frame = pd.read_parquet(out)
    assert len(frame) == 3  # one row per valid record
    assert str(frame["publishedDateTime"].dtype) == "datetime64[us, UTC]"
    assert frame["heat"].dtype.kind == "i"
    # A column with nulls (the video has no published) keeps its type with nullable dtypes.
    nullable = pd.read_parquet(out, dtype_backend="numpy_nullable")
    assert str(nullable["published"].dtype) == "boolean"
    assert str(nullable["heat"].dtype) == "Int64"
    topics = frame.set_index(frame["path"].map(lambda p: Path(p).name))["topics"]
    assert list(topics["a00.md"]) == ["AI in Robotics", "AI"]
    assert frame.loc[frame["kind"] == "Article", "provider"].iloc[0]["name"] == "The Statesman"


def test_worker_processes_export_the_same_table(tmp_path: Path) -> None:
    # 200 files or more go to worker processes (fewer are parsed in this process).
    site = make_site(tmp_path, 230)
    one = newsrecord.export_records(site, tmp_path / "one.parquet")
    two = newsrecord.export_records(site, tmp_path / "two.parquet", jobs=2, incremental=True)
    assert (two.rows, two.parsed, len(two.problems)) == (one.rows, one.parsed, 1)
    assert pq.read_table(tmp_path / "two.parquet").equals(pq.read_table(tmp_path / "one.parquet"))
    (site / "a07.md").write_text(SEED_TEXT.replace("heat: ", "heat: 1"), encoding="utf-8")
    again = newsrecord.export_records(site, tmp_path / "two.parquet", jobs=2, incremental=True)
    assert (again.parsed, again.reused) == (1, one.rows - 1)
    with pytest.raises(ValueError, match="jobs"):
        newsrecord.export_records(site, tmp_path / "x.parquet", jobs=0)


def test_limits_decide_which_files_are_left_out_and_the_cache_keeps_to_them(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path, 3)
    (site / "huge.md").write_text(HUGE_TEXT, encoding="utf-8")
    out = tmp_path / "site.parquet"
    first = newsrecord.export_records(site, out, incremental=True)
    assert first.left_out == 2  # the site's invalid file, and the huge one
    assert "(Limits.max_front_matter)" in str(first.problems[-1])
    raised = newsrecord.Limits(max_front_matter=2 << 20)
    # The huge file is unchanged since the last run, where it was left out: with other
    # limits, the cache holds no more and every file is read again.
    done = newsrecord.export_records(site, out, incremental=True, limits=raised)
    assert (done.rows, done.parsed, done.reused, done.left_out) == (5, 6, 0, 1)
    rows = pq.read_table(out).to_pylist()
    assert rows[3]["path"].endswith("huge.md")
    assert "x" * 1000 in rows[3]["title"]
    again = newsrecord.export_records(site, out, incremental=True, limits=raised)
    assert (again.rows, again.parsed, again.reused) == (5, 0, 5)
    # Back to the defaults: a cache of other limits does not hold for them either.
    back = newsrecord.export_records(site, out, incremental=True)
    assert (back.rows, back.parsed, back.left_out) == (4, 6, 2)


class _Counting:
    """A file object that notes the name of each file read from."""

    def __init__(self, stream: Any, name: str, reads: list[str]) -> None:
        self._stream = stream
        self._name = name
        self._reads = reads

    def read(self, size: int = -1) -> bytes:
        self._reads.append(self._name)
        data: bytes = self._stream.read(size)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def test_a_file_over_the_size_limit_is_left_out_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As load() does: its size is told before a byte of it is read.
    site = make_site(tmp_path, 2)
    (site / "big.md").write_text(SEED_TEXT + "x" * 5000, encoding="utf-8")
    small = newsrecord.Limits(max_file_size=4096)
    reads: list[str] = []
    real_open = newsrecord.files.open_regular

    @contextlib.contextmanager
    def counted(path: str) -> Iterator[Any]:
        with real_open(path) as stream:
            yield _Counting(stream, os.fspath(path), reads)

    for module in (newsrecord.api, newsrecord.export):
        monkeypatch.setattr(module, "open_regular", counted, raising=False)
    done = newsrecord.export_records(site, tmp_path / "site.jsonl", format="jsonl", limits=small)
    assert [name for name in reads if name.endswith("big.md")] == []
    assert len(reads) == 4  # each other file was read
    assert done.left_out == 2  # the site's invalid file, and the big one
    assert "(Limits.max_file_size)" in " ".join(str(problem) for problem in done.problems)


def test_the_cli_exports_and_reports(tmp_path: Path) -> None:
    site = make_site(tmp_path, 3)
    out = tmp_path / "site.parquet"
    result = run("export", site, "-o", out, "--incremental")
    assert result.exit_code == 1  # broken.md
    assert "broken.md:2:8: title: " in result.stderr
    assert "exported 4 records" in result.stderr
    assert "(5 files parsed, 0 unchanged rows reused); 1 file left out" in result.stderr
    again = run("export", site / "a00.md", site / "video.md", "-o", out, "--incremental")
    assert again.exit_code == 0
    assert "(0 files parsed, 2 unchanged rows reused)" in again.stderr
    assert pq.read_table(out).num_rows == 2
    # The same rows again: the output is left as it is.
    before = out.stat()
    third = run("export", site / "a00.md", site / "video.md", "-o", out, "--incremental")
    assert "(0 files parsed, 2 unchanged rows reused)" in third.stderr
    assert (out.stat().st_ino, out.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert newsrecord.export.cache_path(out).is_dir()


def test_the_summary_counts_files_left_out_not_problems(tmp_path: Path) -> None:
    site = make_site(tmp_path, 7)
    # One file, two problems: both listed, one file left out (of nine).
    (site / "broken.md").write_text("---\nheat: hot\nimages: 5\n---\n", encoding="utf-8")
    out = tmp_path / "x.parquet"
    for _ in range(2):  # the second run reports the cached problems
        result = newsrecord.export_records(site, out, incremental=True)
        assert (result.rows, result.left_out, len(result.problems)) == (8, 1, 2)
        cli = run("export", site, "-o", out)
        assert cli.exit_code == 1
        assert "broken.md:2:" in cli.stderr
        assert "broken.md:3:" in cli.stderr
        assert "exported 8 records" in cli.stderr
        assert cli.stderr.rstrip().endswith("; 1 file left out")


def test_an_output_in_a_missing_folder_is_named_in_the_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, 1)
    out = tmp_path / "missing" / "site.parquet"
    handled: list[int] = []
    with pytest.raises(newsrecord.FileError) as raised:
        newsrecord.export_records(site, out, progress=handled.append)
    assert raised.value.path == str(out)
    assert raised.value.message == (
        f"cannot export into {out}: there is no folder {tmp_path / 'missing'}"
    )
    assert handled == []  # refused before any file is read, not once all are parsed
    result = run("export", site, "-o", out)
    assert result.exit_code == 2
    assert f"there is no folder {tmp_path / 'missing'}" in result.stderr
    assert ".tmp" not in result.stderr


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("site.csv", b'"path",'),
        ("site.JSONL", b'{"path"'),
        ("site.ndjson", b'{"path"'),
        ("site.parquet", b"PAR1"),
        ("site.out", b"PAR1"),
    ],
)
def test_the_format_follows_the_output_extension(tmp_path: Path, name: str, first: bytes) -> None:
    site = make_site(tmp_path, 1)
    out = tmp_path / name
    assert run("export", site, "-o", out).exit_code == 1  # broken.md
    assert out.read_bytes().startswith(first)
    # An explicit --format wins over the extension.
    assert run("export", site, "-o", out, "--format", "jsonl").exit_code == 1
    assert out.read_bytes().startswith(b'{"path"')


def test_the_module_imports_without_pyarrow() -> None:
    code = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "import newsrecord\n"
        "try:\n"
        "    newsrecord.arrow_schema()\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    done = run_python(code)
    assert 'pip install "newsrecord[export]"' in done.stdout


def test_the_export_walks_the_files_iter_record_files_finds(tmp_path: Path) -> None:
    from newsrecord.export import _STAT, _scan

    site = make_site(tmp_path, 3)
    (site / "deep" / "er").mkdir(parents=True)
    (site / "deep" / "er" / "b.md").write_text(VIDEO, encoding="utf-8")
    (site / "deep" / "notes.txt").write_text("x", encoding="utf-8")
    (site / ".hidden").mkdir()
    (site / ".hidden" / "c.md").write_text(VIDEO, encoding="utf-8")
    (site / "README.md").write_text("# readme\n", encoding="utf-8")
    (site / "Z.md").symlink_to(site / "video.md")
    (site / "link").symlink_to(site / "deep")
    roots = [site, site / "a00.md"]
    names, packed, errors = _scan(roots, "*.md", None)
    assert names == [str(path) for path in newsrecord.iter_record_files(roots)]
    assert errors == {}
    stats = list(_STAT.iter_unpack(packed))
    assert len(stats) == len(names)
    # "Z.md", a link to "video.md", comes first ("Z" < "v"): the file is there once, as Z.md.
    assert str(site / "Z.md") in names
    assert str(site / "video.md") not in names
    for name, (size, mtime, ctime, inode) in zip(names, stats, strict=True):
        info = Path(name).stat()
        assert (size, mtime, ctime, inode) == (
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_ino,
        )
    names, packed, errors = _scan([site, tmp_path / "missing.md"], "*.md", None)
    assert names[-1] == str(tmp_path / "missing.md")
    assert list(errors) == [len(names) - 1]
    missing = errors[len(names) - 1]
    assert isinstance(missing, FileNotFoundError)
    assert missing.filename == str(tmp_path / "missing.md")
    assert packed[-_STAT.size :] == bytes(_STAT.size)


def test_the_native_scan_finds_what_the_walk_in_python_finds(tmp_path: Path) -> None:
    from newsrecord._read import native
    from newsrecord.export import _scan_in_python
    from newsrecord.files import scan_folder

    if native.scan_folder is None:
        pytest.skip("the native package is not installed (or is turned off)")
    site = tmp_path / "site"
    for number in range(600):  # past the chunks the threads take in turn
        folder = site / f"f{number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:04d}.md").write_text(f"{number}", encoding="utf-8")
    # Names Python orders by code point: a byte that is not UTF-8 (read as U+DC80-U+DCFF)
    # after "é" (U+00E9) and "一" (U+4E00), before "\ue000"; bytes would order it first.
    odd = os.fsencode(site) + b"/f1/\x81.md"
    Path(os.fsdecode(odd)).write_bytes(b"x")
    for name in ("é.md", "一.md", "\ue000.md", "ReadMe.MD", "readme.md.md", ".md", "md", "a.mdx"):
        (site / "f1" / name).write_text("x", encoding="utf-8")
    (site / "f1" / ".git").mkdir()
    (site / "f1" / ".git" / "x.md").write_text("x", encoding="utf-8")
    (site / "f2" / "link.md").symlink_to(site / "f1" / "é.md")
    (site / "f2" / "broken.md").symlink_to(site / "nowhere.md")
    (site / "f2" / "folder-link").symlink_to(site / "f0")
    (site / "f2" / "sub.md").mkdir()  # a folder, whatever its name
    (site / "f2" / "sub.md" / "in.md").write_text("x", encoding="utf-8")
    for skipped in ("_site", "vendor/bundle", "node_modules/pkg", "f0/_SITE"):
        (site / skipped).mkdir(parents=True)
        (site / skipped / "copy.md").write_text("x", encoding="utf-8")
    for top in (str(site), str(site) + "/", str(site / "f2")):
        names: list[str] = []
        parts: list[bytes] = []
        errors: dict[int, OSError] = {}
        _scan_in_python(top, "*.md", names, parts, errors)
        scanned = scan_folder(top, "*.md")
        assert scanned is not None
        assert not any("copy.md" in name for name in names)
        # The native scan lists every file; the link to a file the walk finds too is left
        # out after it (by its inode), as the walk in Python leaves it out.
        link = str(site / "f2" / "link.md")
        assert (link in names) is (top == str(site / "f2"))
        assert [name for name in scanned[0] if name != link or link in names] == names
        packed = b"".join(parts)
        assert (
            b"".join(
                scanned[1][n * 32 : n * 32 + 32]
                for n, name in enumerate(scanned[0])
                if name in names
            )
            == packed
        )
        # The link to nothing: found by both, as a file that cannot be looked at.
        _assert_one_link_to_nothing(site, top, scanned, names, packed, errors)
        if top == str(site):
            order = [Path(name).name for name in names if "/f1/" in name]
            odd_name = os.fsdecode(b"\x81.md")
            assert order.index("一.md") < order.index(odd_name) < order.index("\ue000.md")
    # A folder that is gone: one error, named, as the walk in Python gives it.
    gone = str(tmp_path / "gone")
    found, _, failed = scan_folder(gone, "*.md") or ([], b"", [])
    assert (found, failed) == ([gone], [(0, errno.ENOENT)])
    # Other patterns are matched in Python.
    assert scan_folder(str(site), "0*.md") is None
    assert scan_folder(str(site), "*.[mM]d") is None


def _assert_one_link_to_nothing(
    site: Path,
    top: str,
    scanned: tuple[list[str], bytes, list[tuple[int, int]]],
    names: list[str],
    packed: bytes,
    errors: dict[int, OSError],
) -> None:
    from newsrecord.export import _scan

    broken = str(site / "f2" / "broken.md")
    assert [scanned[0][number] for number, _ in scanned[2]] == [broken]
    assert [code for _, code in scanned[2]] == [errno.ENOENT]
    assert [names[number] for number in errors] == [broken]
    told = f"a link to nothing ({site / 'nowhere.md'})"
    assert [error.strerror for error in errors.values()] == [told]
    found, stats, failed = _scan([top], "*.md", None)
    assert (found, stats) == (names, packed)
    assert [(names[n], e.errno, e.strerror) for n, e in failed.items()] == [
        (broken, errno.ENOENT, told)
    ]


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the files the export reads from now on (each is hashed once)."""
    hashed: list[int] = []
    real = newsrecord.export.hashlib.sha256

    def counting(data: bytes) -> object:
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(newsrecord.export.hashlib, "sha256", counting)
    return hashed


def test_unchanged_files_are_not_read_again_even_after_a_touch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path, 4)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out, incremental=True)
    hashed = count_reads(monkeypatch)
    # Files written just before the last run are racy: their content is checked once.
    # (Without a racy window from now on, as if this run came long after the writes.)
    monkeypatch.setattr(newsrecord.export, "_RACY_NS", 0)
    again = newsrecord.export_records(site, out, incremental=True)
    assert (again.parsed, again.reused, len(hashed)) == (0, 5, 6)
    hashed.clear()
    assert newsrecord.export_records(site, out, incremental=True).reused == 5
    assert hashed == []
    # A checkout rewrites files with the same bytes: new times, same content.
    for path in site.glob("a0*.md"):
        os.utime(path, ns=(2, 2))
    again = newsrecord.export_records(site, out, incremental=True)
    assert (again.parsed, again.reused, len(hashed)) == (0, 5, 4)
    # The invalid file is reported again from the cache, without being read.
    assert [Path(p.path or "").name for p in again.problems] == ["broken.md"]
    hashed.clear()
    third = newsrecord.export_records(site, out, incremental=True)
    assert (third.parsed, third.reused, len(hashed)) == (0, 5, 0)
    assert third.problems == again.problems


def test_the_export_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    from newsrecord.cli._app import _COMMANDS

    site = tmp_path / "site"
    site.mkdir()
    (site / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    code = (
        "import sys\n"
        "from newsrecord.cli import main\n"
        "try:\n"
        f"    main(['export', {str(site)!r}, '-o', {str(tmp_path / 'a.parquet')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = {'numpy', 'pandas', 'concurrent.futures.process'}\n"
        # Without the fast scanner every file goes to ruamel.yaml (the pure-path CI run).
        "from newsrecord._read.parse import FAST_PATH\n"
        "heavy |= {'ruamel.yaml'} if FAST_PATH else set()\n"
        "heavy |= {'newsrecord.cli.' + name for name in ('_git', '_check', '_bulk', '_read')}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = run_python(code)
    assert done.stdout == "[]\n", done.stderr
    assert pq.read_table(tmp_path / "a.parquet").num_rows == 1
    # Every command is listed where the group finds it without importing every module.
    for module in set(_COMMANDS.values()):
        __import__(f"newsrecord.cli.{module}")
    assert set(main.commands) == set(_COMMANDS)


def test_an_output_link_is_written_through_not_replaced(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    target = tmp_path / "shared" / "site.jsonl"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "site.jsonl"
    link.symlink_to(target)
    newsrecord.export_records(site, link, format="jsonl", incremental=True)
    assert link.is_symlink()
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3
    assert newsrecord.export.cache_path(target).is_dir()  # kept next to the file itself


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    pipe = tmp_path / "rows.jsonl"
    os.mkfifo(pipe)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()))
    reader.start()
    newsrecord.export_records(site, pipe, format="jsonl")
    reader.join(timeout=30)
    assert len(read[0].splitlines()) == 3
    assert pipe.is_fifo()
    with pytest.raises(newsrecord.FileError, match=r"incrementally: .* this is a stream"):
        newsrecord.export_records(site, pipe, format="jsonl", incremental=True)
    with pytest.raises(newsrecord.FileError, match="folder"):
        newsrecord.export_records(site, tmp_path, format="jsonl")


def test_the_cli_writes_to_standard_output_and_wants_a_known_extension(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    done = subprocess.run(  # noqa: S603  # our own interpreter and package
        [sys.executable, "-m", "newsrecord", "export", str(site), "-o", "-", "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr  # broken.md, left out
    assert len(done.stdout.splitlines()) == 3
    assert not (tmp_path / "-").exists()
    unknown = run("export", site, "-o", tmp_path / "site.json")
    assert unknown.exit_code == 2
    assert ".jsonl" in unknown.output
    assert not (tmp_path / "site.json").exists()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="POSIX terminals")
def test_parquet_is_not_written_to_a_terminal_unasked(tmp_path: Path) -> None:
    site = make_site(tmp_path, 1)
    command = [sys.executable, "-m", "newsrecord", "export", str(site), "-o", "-"]
    leader, terminal = os.openpty()
    shown = bytearray()

    def drain() -> None:
        # A terminal nobody reads would block a writer once its buffer is full.
        with contextlib.suppress(OSError):  # EIO once the terminal is closed
            while chunk := os.read(leader, 1 << 16):
                shown.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        refused = subprocess.run(  # noqa: S603  # our own interpreter and package
            command, stdout=terminal, stderr=subprocess.PIPE, text=True, check=False, timeout=120
        )
    finally:
        os.close(terminal)
        reader.join(timeout=30)
        os.close(leader)
    assert refused.returncode == 2, refused.stderr
    assert not shown
    assert "--format jsonl" in refused.stderr
    assert "redirect" in refused.stderr
    # Into a pipe (or a file), Parquet is written as asked.
    piped = subprocess.run(  # noqa: S603  # our own interpreter and package
        command, capture_output=True, check=False
    )
    assert piped.returncode == 1  # broken.md
    assert piped.stdout.startswith(b"PAR1")
    assert pq.read_table(pa.BufferReader(piped.stdout)).num_rows == 2


@pytest.mark.parametrize("incremental", [False, True])
def test_the_path_column_is_written_as_the_other_commands_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, incremental: bool
) -> None:
    make_site(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.jsonl"
    newsrecord.export_records(".", out, format="jsonl", incremental=incremental)
    exported = sorted(json.loads(line)["path"] for line in out.read_text().splitlines())
    walked = sorted(str(path) for path in newsrecord.iter_record_files("."))
    assert exported == [path for path in walked if not path.endswith("broken.md")]
    assert not any(path.startswith("./") for path in exported)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_output_keeps_its_permissions_and_a_read_only_one_is_refused(
    tmp_path: Path,
) -> None:
    # It was replaced by a new file with the usual bits: a read-only table became
    # writable, and a table kept private (0600) became readable by all.
    site = make_site(tmp_path)
    out = tmp_path / "site.csv"
    newsrecord.export_records(site, out, format="csv")
    out.chmod(0o600)
    newsrecord.export_records(site, out, format="csv")
    assert out.stat().st_mode & 0o777 == 0o600
    out.chmod(0o444)
    before = out.read_bytes()
    with pytest.raises(PermissionError, match="read-only"):
        newsrecord.export_records(site, out, format="csv")
    assert (out.read_bytes(), out.stat().st_mode & 0o777) == (before, 0o444)
    refused = run("export", site, "-o", out)
    assert refused.exit_code == 1
    assert "read-only" in refused.stderr


def export_to_standard_output(site: Path, stdout: int, *options: str) -> int:
    """Run ``newsrecord export SITE -o - --format jsonl`` with *stdout* as its descriptor 1."""
    return subprocess.run(  # noqa: S603  # our own interpreter and package
        [sys.executable, "-m", "newsrecord", "export", str(site), "--format", "jsonl", *options],
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        check=False,
    ).returncode


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_standard_output_redirected_to_a_file_is_written_where_the_shell_left_it(
    tmp_path: Path, name: str
) -> None:
    if name != "-" and not Path(name).exists():
        pytest.skip(f"no {name} here")
    site = make_site(tmp_path, 2)
    log = tmp_path / "log.txt"
    log.write_bytes(b"kept 1\nkept 2\n")
    inode = log.stat().st_ino
    # `>> log`: appended, and the file (and its inode) stays the shell's.
    with log.open("ab") as appending:
        assert export_to_standard_output(site, appending.fileno(), "-o", name) == 1
    lines = log.read_bytes().splitlines()
    assert lines[:2] == [b"kept 1", b"kept 2"]
    assert [json.loads(line)["path"] for line in lines[2:]] == [
        str(site / name) for name in ("a00.md", "a01.md", "video.md")
    ]
    assert log.stat().st_ino == inode
    # `{ echo header; newsrecord export ...; echo footer; } > combined`: one descriptor,
    # written in turn, each after the other.
    combined = tmp_path / "combined.jsonl"
    with combined.open("wb") as shared:
        shared.write(b"header\n")
        shared.flush()
        export_to_standard_output(site, shared.fileno(), "-o", name)
        shared.write(b"footer\n")
    written = combined.read_bytes().splitlines()
    assert (written[0], written[-1], len(written)) == (b"header", b"footer", 5)


def test_standard_output_takes_no_incremental_cache_even_redirected(tmp_path: Path) -> None:
    site = make_site(tmp_path, 1)
    with (tmp_path / "o.txt").open("wb") as stdout:
        assert export_to_standard_output(site, stdout.fileno(), "-o", "-", "--incremental") == 2
    assert (tmp_path / "o.txt").read_bytes() == b""
    assert not (tmp_path / "o.txt.nrcache").exists()
    assert not (tmp_path / "-.nrcache").exists()


def test_a_file_object_is_written_to_as_it_is(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    sink = io.BytesIO(b"before\n")
    sink.seek(0, io.SEEK_END)
    result = newsrecord.export_records(site, sink, format="jsonl")
    assert result.rows == 3
    assert not sink.closed  # the caller's, to close
    assert sink.getvalue().splitlines()[0] == b"before"
    assert len(sink.getvalue().splitlines()) == 4
    with pytest.raises(newsrecord.FileError, match="this is a stream"):
        newsrecord.export_records(site, io.BytesIO(), format="jsonl", incremental=True)


def test_a_wrong_folder_or_pattern_keeps_the_last_export(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out)
    before = out.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(newsrecord.FileError, match=r"no record files \(\*\.md\) among .*empty"):
        newsrecord.export_records(empty, out)
    with pytest.raises(newsrecord.FileError, match=r"no record files \(\*\.txt\)"):
        newsrecord.export_records(site, out, pattern="*.txt", incremental=True)
    for arguments in ([empty], [site, "--pattern", "*.txt"]):
        result = run("export", *arguments, "-o", out)
        assert result.exit_code == 1
        assert "no record files found" in result.stderr
    assert out.read_bytes() == before


def test_a_number_past_64_bits_leaves_its_file_out_not_the_export(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    big = site / "a01.md"
    big.write_text(
        big.read_text(encoding="utf-8").replace("heat: 1\n", "heat: 9223372036854775808\n"),
        encoding="utf-8",
    )
    line = big.read_text(encoding="utf-8").splitlines().index("heat: 9223372036854775808") + 1
    out = tmp_path / "site.parquet"
    result = newsrecord.export_records(site, out)
    assert (result.rows, result.left_out) == (2, 2)  # broken.md and a01.md
    assert pq.read_table(out).column("path").to_pylist() == [
        str(site / "a00.md"),
        str(site / "video.md"),
    ]
    assert (
        f"{big}:{line}:7: heat: the number 9223372036854775808 is outside the 64-bit "
        "integers exported numbers hold: the file is not exported"
    ) in [str(problem) for problem in result.problems]
    # The smallest and the largest 64-bit numbers fit; one past the smallest does not.
    for heat, rows in ((-(2**63), 3), (2**63 - 1, 3), (-(2**63) - 1, 2)):
        big.write_text(re_heat(big, heat), encoding="utf-8")
        assert newsrecord.export_records(site, out).rows == rows
    cli = run("export", site, "-o", out)
    assert cli.exit_code == 1
    assert "outside the 64-bit integers" in cli.stderr


def re_heat(path: Path, heat: int) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(f"heat: {heat}\n" if line.startswith("heat:") else line for line in lines)


@pytest.mark.parametrize("incremental", [False, True])
def test_an_export_into_the_folder_it_exports_does_not_read_itself(
    tmp_path: Path, incremental: bool
) -> None:
    site = make_site(tmp_path, 2)
    out = site / "all.md"  # found by the walk: *.md
    options = ["--incremental"] if incremental else []
    for _ in range(2):
        result = run("export", site, "-o", out, "--format", "jsonl", "--pattern", "*", *options)
        assert result.exit_code == 1  # broken.md only
        problems = result.stderr.splitlines()[:-1]  # then the summary line
        # Only broken.md's (in the words of whichever YAML parser runs).
        assert [line.partition(": YAML syntax error: ")[0] for line in problems] == [
            f"{site / 'broken.md'}:2:8: title"
        ]
    paths = [json.loads(line)["path"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert paths == [str(site / name) for name in ("a00.md", "a01.md", "video.md")]


def test_json_has_no_nan_and_objects_no_nulls(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name, average in (("nan.md", ".nan"), ("inf.md", "-.inf"), ("half.md", "4.5")):
        text = VIDEO.replace("average: 4.5", f"average: {average}")
        (site / name).write_text(text, encoding="utf-8")
    out = tmp_path / "site.jsonl"
    newsrecord.export_records(site, out, format="jsonl")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # Standard JSON (json.loads takes NaN; a strict reader does not), nulls left out.
    assert "NaN" not in out.read_text(encoding="utf-8")
    assert "Infinity" not in out.read_text(encoding="utf-8")
    assert "null" not in out.read_text(encoding="utf-8")
    extra = rows[0]["ratings"]["extra"]  # source: the unknown key, as JSON text
    assert [row["ratings"] for row in rows] == [
        {"count": 3, "average": 4.5, "extra": extra},  # half.md, then inf.md and nan.md
        {"count": 3, "extra": extra},
        {"count": 3, "extra": extra},
    ]
    # CSV writes objects as the same JSON text.
    newsrecord.export_records(site, tmp_path / "site.csv", format="csv")
    with (tmp_path / "site.csv").open(encoding="utf-8", newline="") as stream:
        ratings = [json.loads(row["ratings"]) for row in csv.DictReader(stream)]
    assert ratings == [row["ratings"] for row in rows]


def test_incremental_exports_into_one_output_take_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two at once each removed the other's segments and temporary files as left over
    # (FileNotFoundError, 13 runs of 40 in a user's stress test).
    from newsrecord import export

    site = make_site(tmp_path, 3)
    out = tmp_path / "site.parquet"
    newsrecord.export_records(site, out, incremental=True)
    inside, go_on = threading.Event(), threading.Event()
    real = export._scan

    def held(*arguments: Any) -> object:
        if threading.current_thread().name == "first":
            inside.set()
            assert go_on.wait(30)
        return real(*arguments)

    monkeypatch.setattr(export, "_scan", held)
    results: dict[str, newsrecord.ExportResult] = {}

    def run_export() -> None:
        name = threading.current_thread().name
        results[name] = newsrecord.export_records(site, out, incremental=True)

    first = threading.Thread(target=run_export, name="first")
    first.start()
    assert inside.wait(30)
    (site / "a01.md").write_text(re_heat(site / "a01.md", 9), encoding="utf-8")
    second = threading.Thread(target=run_export, name="second")
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first to be done with the cache
    go_on.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert sorted(results) == ["first", "second"]
    assert same_as_a_full_export(site, out)


def test_a_file_left_out_for_a_value_no_column_holds_counts_as_parsed(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        SEED_TEXT.replace("heat: 38", "heat: 99999999999999999999999999"), encoding="utf-8"
    )
    result = run("export", "-o", tmp_path / "out.parquet", tmp_path / "a.md")
    assert result.exit_code == 1
    assert "is outside the 64-bit integers" in result.stderr
    assert "exported 0 records to" in result.stderr
    assert "(1 file parsed); 1 file left out" in result.stderr


@pytest.mark.parametrize("scan", ["native", "python", "python without native stats"])
def test_a_link_to_nothing_is_an_unreadable_file_of_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan: str
) -> None:
    from newsrecord._read import native

    if scan == "native" and native.scan_folder is None:
        pytest.skip("the native package is not installed (or is turned off)")
    if scan != "native":
        monkeypatch.setattr(native, "scan_folder", None)
    if scan == "python without native stats":
        monkeypatch.setattr(native, "stat_files", None)
    site = make_site(tmp_path, 2)
    (site / "gone.md").symlink_to("drafts/moved.md")
    (site / "elsewhere").symlink_to("nothere")  # a link to a folder is never followed
    result = newsrecord.export_records(site, tmp_path / "out.jsonl", format="jsonl")
    assert result.rows == 3
    assert [str(problem) for problem in result.problems if "gone" in str(problem)] == [
        f"{site / 'gone.md'}: cannot be read: a link to nothing (drafts/moved.md)"
    ]
    told = run("export", site, "-o", tmp_path / "out.jsonl")
    assert told.exit_code == 1
    assert f"{site / 'gone.md'}: cannot be read: a link to nothing (drafts/moved.md)" in (
        told.stderr
    )


@pytest.mark.parametrize("scan", ["native", "python"])
@pytest.mark.parametrize("incremental", [False, True])
def test_the_export_leaves_out_what_the_site_excludes_as_every_command_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan: str, incremental: bool
) -> None:
    # The native walk did not read _config.yml: the export read drafts/ that validate,
    # find and set leave out, and only with the native package installed.
    from newsrecord._read import native

    if scan == "native" and native.scan_folder is None:
        pytest.skip("the native package is not installed (or is turned off)")
    if scan != "native":
        monkeypatch.setattr(native, "scan_folder", None)
    site = make_site(tmp_path, 2)
    (site / "_config.yml").write_text(
        # '[o]ld' matches the folder's path but not its files' (as Jekyll matches): the
        # walk prunes the folder, so the export must look at the folders above a file.
        "exclude:\n  - drafts\n  - notes-*.md\n  - '[o]ld'\n",
        encoding="utf-8",
    )
    for folder, name in [("drafts", "a.md"), ("drafts/deep", "b.md"), ("old", "c.md")]:
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / name).write_text(SEED_TEXT, encoding="utf-8")
    (site / "notes-1.md").write_text(SEED_TEXT, encoding="utf-8")
    (site / "kept").mkdir()
    (site / "kept" / "notes-2.md").write_text(SEED_TEXT, encoding="utf-8")  # not at the root
    walked = sorted(str(path) for path in newsrecord.iter_record_files(site))
    assert sorted(Path(name).relative_to(site).as_posix() for name in walked) == [
        "a00.md",
        "a01.md",
        "broken.md",
        "kept/notes-2.md",
        "video.md",
    ]
    out = tmp_path / "out.jsonl"
    newsrecord.export_records(site, out, format="jsonl", incremental=incremental)
    exported = sorted(json.loads(line)["path"] for line in out.read_text().splitlines())
    valid = [name for name in walked if not name.endswith("broken.md")]
    assert exported == valid
