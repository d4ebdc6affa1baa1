"""Smoke tests of the benchmark scripts: they run and report. No timing is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers import SEED

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


def run(script: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # our own scripts, run by this interpreter
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def small_tree(root: Path) -> Path:
    seed = SEED.read_bytes()
    for number, folder in enumerate(["news", "news", "learning/videos"]):
        path = root / "records" / folder / f"record-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(seed.replace(b"heat: 38", f"heat: {number}".encode()))
    (root / "records" / "README.md").write_text("# not a record\n", encoding="utf-8")
    return root / "records"


def test_bench_runs_on_a_small_tree_and_prints_its_table(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    finished = run("bench.py", str(small_tree(tmp_path)), "--repeat", "1", "--json", str(figures))
    assert finished.returncode == 0, finished.stderr
    out = finished.stdout
    assert "newsrecord benchmark: 3 records" in out
    for heading in ("case", "records/s", "us/record", "target", "median", "best", "result"):
        assert heading in out
    assert "newsrecord loads().record" in out
    assert "pure-Python path" in out
    assert "C parser used:" in out
    report = json.loads(figures.read_text(encoding="utf-8"))
    assert report["records"] == 3
    assert report["pure_python"]["identical"] == 3


def test_bench_rejects_a_missing_folder(tmp_path: Path) -> None:
    finished = run("bench.py", str(tmp_path / "absent"), "--repeat", "1")
    assert finished.returncode == 2
    assert "no such folder" in finished.stderr


def test_memory_runs_on_a_few_generated_records(tmp_path: Path) -> None:
    finished = run("memory.py", "--count", "5", "--dir", str(tmp_path / "tree"))
    assert finished.returncode == 0, finished.stderr
    assert "records iterated" in finished.stdout
    assert "peak RSS" in finished.stdout
    assert len(list((tmp_path / "tree").rglob("*.md"))) == 5


def test_bad_inputs_growth_prints_an_exponent_per_family() -> None:
    finished = run("bad_inputs.py", "--growth", "--scale", "0.01", "-k", "comment lines")
    assert finished.returncode == 0, finished.stderr
    assert "CRLF comment lines, then a YAML error" in finished.stdout
    assert "exp" in finished.stdout


def test_bulk_runs_on_a_small_tree_and_prints_ratios(tmp_path: Path) -> None:
    finished = run("bulk.py", str(small_tree(tmp_path)), "--files", "12", "--jobs", "2")
    assert finished.returncode == 0, finished.stderr
    out = finished.stdout
    assert "newsrecord bulk edits: 12 files (3 distinct records)" in out
    for case in ('durability="full"', 'durability="batch"', 'durability="none"', "CLI set"):
        assert case in out
    assert "x in-memory" in out


def test_export_benchmark_runs_on_a_small_tree(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    finished = run("export.py", str(small_tree(tmp_path)), "--files", "12", "--changed", "2")
    assert finished.returncode == 0, finished.stderr
    assert "newsrecord export: 12 files, 2 changed, parquet" in finished.stdout
    assert finished.stdout.count("x  ") >= 2


def test_startup_benchmark_times_every_case_against_another_tree(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    finished = run(
        "startup.py",
        str(small_tree(tmp_path)),
        "--files",
        "6",
        "--changed",
        "2",
        "--runs",
        "1",
        "--against",
        str(ROOT / "src"),
    )
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert "median of 1 runs" in lines[0]
    assert lines[1].split() == ["case", "this", "against", "change"]
    assert [line[:36].strip() for line in lines[2:]] == [
        "python -c pass",
        "import newsrecord",
        "newsrecord --help",
        "newsrecord validate SEED",
        "export --incremental, 2 changed",
    ]
    for line in lines[2:]:
        assert len(line[36:].split()) == 6  # wall (cpu), for this, against and the change


def test_startup_benchmark_rejects_a_tree_without_the_package(tmp_path: Path) -> None:
    finished = run("startup.py", str(small_tree(tmp_path)), "--against", str(tmp_path))
    assert finished.returncode == 2
    assert "no newsrecord package" in finished.stderr


def test_edit_growth_prints_each_family_with_an_exponent() -> None:
    finished = run("edit_growth.py", "--largest", "100", "--repeat", "1")
    assert finished.returncode == 0, finished.stderr
    out = finished.stdout
    for label in (
        "one edit + dumps(), record of N related",
        "one edit + save() to a file",
        "N edits (set_field on list items)",
        "N unknown keys set",
        "floor: one copy of the text",
        "floor: dumps() of the unchanged document",
    ):
        line = next(line for line in out.splitlines() if line.startswith(label))
        assert len(line.split()) >= 3, line  # two sizes and the exponent
    assert "N=10" in out
    assert "N=100" in out
    assert "exponent" in out
    assert "ruamel.yaml round trip" in out
    assert "the edit beyond the floor (one copy)" in out
    assert "growth exponent of k edits against k" in out
    assert "align, interleaved reorder of N related" in out
    assert "N=200" in out  # twice the largest
    assert "SequenceMatcher alone, N=50" in out
