"""The Dask integration on a local distributed cluster, and pickling records and documents."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from tests.helpers import HUGE_TEXT, SEED_TEXT

import newsrecord


def _site(root: Path, count: int = 12) -> Path:
    """Our own small site: the seed with a different heat and topics per file, one bad file."""
    site = root / "site"
    (site / "news").mkdir(parents=True)
    for number in range(count):
        doc = newsrecord.loads(SEED_TEXT)
        doc.record.heat = number
        doc.record.topics = ["AI"] if number % 3 == 0 else ["Robots"]
        (site / "news" / f"{number:02d}.md").write_text(doc.dumps(), encoding="utf-8")
    (site / "news" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (site / "README.md").write_text("# Our site\n", encoding="utf-8")  # no record
    return site


def test_documents_pickle_with_their_edits() -> None:
    doc = newsrecord.loads(SEED_TEXT, path="a.md")
    doc.record.heat = 99
    doc.body = "New body.\n"
    copy = pickle.loads(pickle.dumps(doc))  # noqa: S301  # our own bytes
    assert copy.text == doc.text
    assert copy.path == "a.md"
    assert copy.record == doc.record
    assert copy.dumps() == doc.dumps()
    assert copy.is_modified()
    # The parsed tree is not pickled: the text is parsed again.
    assert len(pickle.dumps(doc)) < 3 * len(SEED_TEXT)


def test_records_and_errors_pickle() -> None:
    record = newsrecord.loads(SEED_TEXT).record
    assert pickle.loads(pickle.dumps(record)) == record  # noqa: S301
    with pytest.raises(newsrecord.ParseError) as caught:
        newsrecord.loads("---\ntitle: [\n---\n", path="b.md")
    again = pickle.loads(pickle.dumps(caught.value))  # noqa: S301
    assert again.problems == caught.value.problems


def test_loads_is_a_pure_function_of_the_text() -> None:
    first, second = newsrecord.loads(SEED_TEXT), newsrecord.loads(SEED_TEXT)
    assert first.record == second.record
    assert first.dumps() == second.dumps() == SEED_TEXT


def test_record_paths_takes_globs_files_and_folders(tmp_path: Path) -> None:
    from newsrecord.integrations.dask import record_paths

    site = _site(tmp_path, 3)
    by_glob = record_paths(str(site / "**" / "*.md"))
    by_folder = record_paths(site)
    assert by_glob == by_folder
    assert len(by_glob) == 4
    assert record_paths([by_glob[0]]) == [by_glob[0]]


def test_a_glob_that_matches_no_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It gave an empty bag: run from inside the site, "site/**/*.md" read no record and
    # the result looked like an empty site.
    from newsrecord.integrations.dask import record_paths

    site = _site(tmp_path, 1)
    monkeypatch.chdir(site)
    with pytest.raises(FileNotFoundError, match=r"no file matches this glob \(relative to "):
        record_paths("site/**/*.md")
    (site / "README.md").write_text("# about\n", encoding="utf-8")
    assert record_paths("README.md*") == []  # a match, left out: not a mistake


def test_a_bag_and_a_frame_on_a_local_cluster(tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    pytest.importorskip("dask.dataframe")
    pytest.importorskip("pyarrow")
    distributed = pytest.importorskip("distributed")
    from newsrecord.integrations.dask import read_dataframe, read_records

    site = _site(tmp_path)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        bag = read_records(str(site / "**" / "*.md"), files_per_partition=4, errors="skip")
        assert bag.npartitions == 4
        records = client.compute(bag).result()
        assert sorted(record.heat for record in records) == list(range(12))
        assert all(isinstance(record, newsrecord.Article) for record in records)
        ai = bag.filter(newsrecord.where('"AI" in topics').matches).count()
        assert client.compute(ai).result() == 4

        collected = read_records(site, files_per_partition=5, errors="collect", with_path=True)
        errors = [
            item for item in client.compute(collected).result() if isinstance(item[1], Exception)
        ]
        assert [Path(path).name for path, _ in errors] == ["broken.md"]
        assert isinstance(errors[0][1], newsrecord.ParseError)

        with pytest.raises(newsrecord.ParseError):
            client.compute(read_records(site, errors="raise")).result()

        # broken.md fails the frame, as it fails the bag, unless skipped.
        with pytest.raises(newsrecord.ParseError, match=r"broken\.md"):
            client.compute(read_dataframe(site, files_per_partition=5)).result()
        frame = read_dataframe(site, files_per_partition=5, errors="skip")
        assert list(frame.columns) == newsrecord.arrow_schema().names
        table = client.compute(frame).result()
        assert len(table) == 12
        assert sorted(table["heat"]) == list(range(12))
        assert set(table["kind"]) == {"Article"}
        assert str(table["publishedDateTime"].dtype).startswith("datetime64")
        # Lists and structs come back as lists and dicts, not as their text (Dask turns
        # object columns into strings); whole numbers and bools stay so, with nulls.
        by_heat = table.sort_values("heat")
        topics = [list(value) for value in by_heat["topics"][:3]]
        assert topics == [["AI"], ["Robots"], ["Robots"]]
        assert isinstance(by_heat["provider"].iloc[0], dict)
        assert isinstance(by_heat["images"].iloc[0][0]["width"], int)
        assert str(table["heat"].dtype) == "Int64"
        assert str(table["published"].dtype) == "boolean"
        assert not table["published"].any()
        # The secured blob is shortened unless asked for.
        assert all("…" in blob for blob in table["secured"])


def test_a_frame_leaves_out_what_the_export_leaves_out(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    pytest.importorskip("pyarrow")
    from newsrecord.integrations.dask import read_dataframe

    site = _site(tmp_path)
    far = SEED_TEXT.replace("2023-11-19T21:07:00Z", "9999-12-31T23:59:59-14:00")  # 10000 in UTC
    (site / "news" / "far.md").write_text(far, encoding="utf-8")
    table = read_dataframe(site, files_per_partition=20, errors="skip").compute(scheduler="sync")
    assert len(table) == 12
    assert not any(path.endswith("far.md") for path in table["path"])
    (site / "news" / "broken.md").unlink()
    with pytest.raises(newsrecord.ValidationError, match="falls outside the years 1 to 9999"):
        read_dataframe(site, files_per_partition=20).compute(scheduler="sync")
    with pytest.raises(ValueError, match="errors must be 'raise' or 'skip'"):
        read_dataframe(site, errors="collect")  # type: ignore[arg-type]


def test_a_path_that_is_not_there_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mistyped folder gave an empty frame, as a glob matching nothing did.
    from newsrecord.integrations.dask import record_paths

    _site(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"no such file or folder \(relative to ") as raised:
        record_paths(["site", "stie"])
    assert raised.value.filename == "stie"


def test_a_glob_skips_the_folders_the_walk_skips(tmp_path: Path) -> None:
    from newsrecord.integrations.dask import record_paths

    site = _site(tmp_path, 2)
    for folder in ("_site", "vendor/bundle", "node_modules/x"):
        (site / folder).mkdir(parents=True)
        (site / folder / "copy.md").write_text(SEED_TEXT, encoding="utf-8")
    assert record_paths(str(site / "**" / "*.md")) == record_paths(site)
    # A folder the glob names by its name is given, as a path to the walk is.
    assert record_paths(str(site / "_site" / "*.md")) == [str(site / "_site" / "copy.md")]


def test_the_readers_take_the_limits(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    pytest.importorskip("pyarrow")
    from newsrecord.integrations.dask import read_dataframe, read_records

    site = _site(tmp_path, count=2)
    (site / "news" / "broken.md").unlink()
    (site / "news" / "huge.md").write_text(HUGE_TEXT, encoding="utf-8")
    bag = read_records(site, errors="collect", with_path=True).compute(scheduler="sync")
    refused = [item for path, item in bag if path.endswith("huge.md")]
    assert isinstance(refused[0], newsrecord.LimitError)
    raised = newsrecord.Limits(max_front_matter=2 << 20)
    bag = read_records(site, errors="collect", limits=raised).compute(scheduler="sync")
    assert not any(isinstance(item, newsrecord.RecordError) for item in bag)
    assert len(read_dataframe(site, errors="skip").compute(scheduler="sync")) == 2
    frame = read_dataframe(site, limits=raised).compute(scheduler="sync")
    assert len(frame) == 3
