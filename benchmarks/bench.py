"""Measure newsrecord against the tools people would use instead (issue 6).

Usage::

    python benchmarks/bench.py [FOLDER] [--repeat N] [--json [PATH]]

Every ``*.md`` record file under FOLDER (default ``$NEWSRECORD_CORPUS``, else
``../shared/corpus`` next to the repository; ``README.md`` files are not records) is read
into memory once, as text; files that newsrecord refuses are left out of every case.
Then, in one run and in interleaved rounds (the order of the cases rotates from round to
round), each case walks over every record:

* ``newsrecord.loads(text).record`` and ``python-frontmatter``'s ``frontmatter.loads(text)``;
* the same newsrecord load with the pure-Python scanner, when the native one
  (``pip install ./native``) is in use;
* ruamel.yaml's round-trip ``YAML().load`` of the front matter;
* load, change one field, write: newsrecord ``dumps()`` and ruamel.yaml round-trip
  ``load`` + ``dump``;
* for reference: splitting the text at its ``---`` lines (the floor every tool pays),
  rapidyaml's parse to its tree (C++, no Python objects), yaml_rs's ``loads`` (Rust, to
  plain Python objects) and PyYAML's C loader on the front matter. The tools of the
  ``bench`` extra that are not installed are left out of the table.

Each pass is timed with :func:`time.perf_counter`, the garbage collector off; the figures
are medians over the rounds, and each ratio is the median of the ratios of the same round,
so that a slow moment of a shared machine hits both sides of a ratio alike. The
pure-Python path of newsrecord (``NEWSRECORD_PURE_PYTHON=1``) runs in a child process,
which also reports whether its results are identical to this process's.

Only the public API of newsrecord is used, but for one private switch: the case with the
pure-Python scanner swaps ``newsrecord._read.native.scan`` while it runs, so that both
scanners are timed in the same rounds. Timing belongs here, never in the unit tests.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from ruamel.yaml import YAML

import newsrecord

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER: Final = Path(
    os.environ.get("NEWSRECORD_CORPUS") or ROOT.parent / "shared" / "corpus"
)
PURE_ENV: Final = "NEWSRECORD_PURE_PYTHON"

# Front matter for the tools that only read YAML, split the way python-frontmatter does.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE)

# Fields changed by the edit cases, in order of preference: the first one a record has.
_EDITED_FIELDS: Final = ("heat", "title", "name")
_SUFFIX: Final = " (edited)"

LOAD: Final = "newsrecord loads().record"
FRONTMATTER: Final = "python-frontmatter loads()"
RUAMEL_LOAD: Final = "ruamel.yaml rt load"
EDIT: Final = "newsrecord load+edit+dumps()"
RUAMEL_EDIT: Final = "ruamel.yaml rt load+edit+dump"
PYYAML: Final = "PyYAML CSafeLoader (reference)"
PURE: Final = "newsrecord loads().record, pure Python"
PYTHON_SCANNER: Final = "newsrecord loads().record, Python scanner"
SPLIT: Final = "split at the --- lines (floor)"
RAPIDYAML: Final = "rapidyaml parse, tree only (C++)"
YAML_RS: Final = "yaml_rs loads (Rust; untyped)"


@attrs.frozen
class Edit:
    """The one field a record's edit case changes.

    Attributes:
        name: The attribute of the newsrecord record.
        key: The YAML key, for the ruamel.yaml side.
        numeric: Add one to an integer; otherwise append a suffix to a string.
    """

    name: str
    key: str
    numeric: bool

    def value(self, old: Any) -> Any:
        return old + 1 if self.numeric else old + _SUFFIX


@attrs.frozen
class Sample:
    """One record file, held in memory.

    Attributes:
        name: Its path relative to the folder.
        text: The whole file, newlines as written.
        front_matter: The YAML between the ``---`` lines.
        edit: The field the edit cases change, or None when it has none of them.
    """

    name: str
    text: str
    front_matter: str
    edit: Edit | None


@attrs.frozen
class Target:
    """A ratio of issue 6 and its bound.

    Attributes:
        label: What is compared.
        slow: The case whose time is the numerator.
        fast: The case whose time is the denominator.
        bound: The target.
        at_least: The ratio must be at least *bound* (a speedup); else at most.
        aim: A stricter value to aim for, if any.
    """

    label: str
    slow: str
    fast: str
    bound: float
    at_least: bool
    aim: float | None = None


TARGETS: Final = (
    Target("loads().record time / frontmatter.loads() time", LOAD, FRONTMATTER, 1.0, False, 0.7),
    Target("ruamel rt load / newsrecord loads().record", RUAMEL_LOAD, LOAD, 12.0, True),
    Target("ruamel rt load+dump / newsrecord edit+dumps()", RUAMEL_EDIT, EDIT, 12.0, True),
    # Issue 15: typed and lossless at under a third of the untyped, lossy tool's time, and
    # within 3x of a Rust YAML loader's untyped load.
    Target("loads().record / frontmatter.loads() (issue 15)", LOAD, FRONTMATTER, 0.3, False),
    Target("loads().record / yaml_rs loads (issue 15)", LOAD, YAML_RS, 3.0, False),
    Target("ruamel rt load+edit+dump / edit+dumps() (issue 15)", RUAMEL_EDIT, EDIT, 30.0, True),
)


# --- the records --------------------------------------------------------------------------


def record_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.md") if p.name != "README.md" and p.is_file())


def choose_edit(record: Any) -> Edit | None:
    specs = {spec.name: spec for spec in newsrecord.fields(type(record))}
    for name in _EDITED_FIELDS:
        spec = specs.get(name)
        value = getattr(record, name, None)
        if spec is None or value is None:
            continue
        if type(value) is int:
            return Edit(name, spec.key, numeric=True)
        if type(value) is str:
            return Edit(name, spec.key, numeric=False)
    return None


def read_samples(folder: Path) -> tuple[list[Sample], list[str]]:
    """Return the records every tool can read, and a note for each file left out."""
    samples: list[Sample] = []
    skipped: list[str] = []
    for path in record_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            text = path.read_bytes().decode("utf-8")
            record = newsrecord.loads(text).record
        except (OSError, UnicodeDecodeError, newsrecord.RecordError) as exc:
            skipped.append(f"{name}: newsrecord: {first_line(exc)}")
            continue
        match = _FRONT_MATTER.match(text)
        if match is None:
            skipped.append(f"{name}: no front matter for the YAML-only tools")
            continue
        sample = Sample(name, text, match.group(1), choose_edit(record))
        refused = refusal(sample)
        if refused is not None:
            skipped.append(f"{name}: {refused}")
            continue
        samples.append(sample)
    return samples, skipped


def refusal(sample: Sample) -> str | None:
    """Run every other tool once on *sample*; say which one fails, if one does."""
    cases = {
        **frontmatter_cases([sample]),
        **ruamel_cases([sample]),
        **pyyaml_cases([sample]),
        **rapidyaml_cases([sample]),
        **yaml_rs_cases([sample]),
    }
    for name, case in cases.items():
        try:
            case()
        except Exception as exc:  # any failure of another tool leaves the file out
            return f"{name}: {first_line(exc)}"
    return None


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


# --- the cases ----------------------------------------------------------------------------

Case = Callable[[], object]


def newsrecord_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    texts = [sample.text for sample in samples]
    edited = [(sample.text, sample.edit) for sample in samples if sample.edit is not None]
    loads = newsrecord.loads

    def load() -> None:
        for text in texts:
            loads(text).record  # noqa: B018  # building the record is what is measured

    def edit() -> None:
        for text, change in edited:
            document = loads(text)
            record = document.record
            setattr(record, change.name, change.value(getattr(record, change.name)))
            document.dumps()

    return {LOAD: load, EDIT: edit}


def python_scanner_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    """The load with the pure-Python scanner, when the native one is the scanner in use."""
    native = importlib.import_module("newsrecord._read.native")
    if not native.NATIVE:
        return {}
    pure = importlib.import_module("newsrecord._read.scan").scan
    texts = [sample.text for sample in samples]
    loads = newsrecord.loads

    def load() -> None:
        native_scan = native.scan
        native.scan = pure
        try:
            for text in texts:
                loads(text).record  # noqa: B018  # building the record is what is measured
        finally:
            native.scan = native_scan

    return {PYTHON_SCANNER: load}


def split_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    """The floor: find the two ``---`` lines and cut the text into front matter and body."""
    texts = [sample.text for sample in samples]

    def split() -> None:
        for text in texts:
            start = text.find("\n") + 1
            end = text.find("\n---", start - 1) + 1
            text[start:end]  # the front matter
            text[text.find("\n", end) + 1 :]  # the body

    return {SPLIT: split}


def rapidyaml_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    ryml = optional("ryml")
    if ryml is None:
        return {}
    front = [sample.front_matter for sample in samples]
    parse = ryml.parse_in_arena

    def load() -> None:
        for text in front:
            parse(text)

    return {RAPIDYAML: load}


def yaml_rs_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    yaml_rs = optional("yaml_rs")
    if yaml_rs is None:
        return {}
    front = [sample.front_matter for sample in samples]
    parse = yaml_rs.loads

    def load() -> None:
        for text in front:
            parse(text)

    return {YAML_RS: load}


def optional(module: str) -> Any:
    """Import a tool of the bench extra, or return None: CI installs only the test extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def frontmatter_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    frontmatter = optional("frontmatter")
    if frontmatter is None:
        return {}
    texts = [sample.text for sample in samples]
    parse = frontmatter.loads

    def load() -> None:
        for text in texts:
            parse(text)

    return {FRONTMATTER: load}


def ruamel_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    # One instance for all files, as a careful user would do: creating it costs too.
    yaml = YAML(typ="rt")
    front = [sample.front_matter for sample in samples]
    edited = [(sample.front_matter, sample.edit) for sample in samples if sample.edit is not None]

    def load() -> None:
        for text in front:
            yaml.load(text)

    def edit() -> None:
        for text, change in edited:
            data = yaml.load(text)
            data[change.key] = change.value(data[change.key])
            yaml.dump(data, io.StringIO())

    return {RUAMEL_LOAD: load, RUAMEL_EDIT: edit}


def pyyaml_cases(samples: Sequence[Sample]) -> dict[str, Case]:
    yaml = optional("yaml")
    if yaml is None or not yaml.__with_libyaml__:
        return {}
    front = [sample.front_matter for sample in samples]
    loader = yaml.CSafeLoader

    def load() -> None:
        for text in front:
            yaml.load(text, Loader=loader)

    return {PYYAML: load}


def measure(cases: dict[str, Case], repeat: int) -> dict[str, list[float]]:
    """Run every case once to warm up, then *repeat* interleaved rounds; seconds per pass."""
    names = list(cases)
    for name in names:
        cases[name]()
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        # Rotate the order so that no case always runs right after the same neighbour.
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(timed(cases[name]))
    return seconds


def timed(case: Case) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        case()
        return time.perf_counter() - start
    finally:
        gc.enable()


def paired_ratio(seconds: dict[str, list[float]], slow: str, fast: str) -> float | None:
    if slow not in seconds or fast not in seconds:
        return None
    return statistics.median(s / f for s, f in zip(seconds[slow], seconds[fast], strict=True))


# --- identical results, and the pure-Python child -------------------------------------------


def digests(samples: Sequence[Sample]) -> dict[str, str]:
    """Fingerprint what newsrecord makes of each record: to_dict, dumps, an edit's dumps."""
    out: dict[str, str] = {}
    for sample in samples:
        digest = hashlib.sha256()
        try:
            document = newsrecord.loads(sample.text)
            data = newsrecord.to_dict(document.record)
            digest.update(json.dumps(data, ensure_ascii=False, default=repr).encode())
            digest.update(document.dumps().encode())
            if sample.edit is not None:
                record = document.record
                old = getattr(record, sample.edit.name)
                setattr(record, sample.edit.name, sample.edit.value(old))
                digest.update(document.dumps().encode())
        except newsrecord.RecordError as exc:
            digest.update(f"{type(exc).__name__}: {exc}".encode())
        out[sample.name] = digest.hexdigest()
    return out


def edit_problems(samples: Sequence[Sample]) -> dict[str, list[str]]:
    """Files whose edit does not read back, and files where it rewrote more than one line.

    Changing one scalar should change one line; more means the writer fell back to
    rewriting the front matter, which also makes the edit case slower than it should be.
    """
    wrong: list[str] = []
    rewritten: list[str] = []
    for sample in samples:
        if sample.edit is None:
            continue
        document = newsrecord.loads(sample.text)
        expected = sample.edit.value(getattr(document.record, sample.edit.name))
        setattr(document.record, sample.edit.name, expected)
        text = document.dumps()
        again = newsrecord.loads(text)
        if getattr(again.record, sample.edit.name) != expected or again.body != document.body:
            wrong.append(sample.name)
        before, after = sample.text.splitlines(), text.splitlines()
        changed = (
            len(before) != len(after)
            or sum(a != b for a, b in zip(before, after, strict=False)) > 1
        )
        if changed:
            rewritten.append(sample.name)
    return {"wrong": wrong, "rewritten": rewritten}


def run_worker(folder: Path, repeat: int) -> None:
    """The child process: time the load case and print the figures and digests as JSON."""
    samples, _ = read_samples(folder)
    cases = newsrecord_cases(samples)
    seconds = measure({LOAD: cases[LOAD]}, repeat)[LOAD]
    report = {
        "c_parser": c_parser_in_use(),
        "records": len(samples),
        "seconds": seconds,
        "digests": digests(samples),
    }
    print(json.dumps(report))


def run_pure_child(folder: Path, repeat: int, samples: Sequence[Sample]) -> dict[str, Any]:
    environment = {**os.environ, PURE_ENV: "1"}
    command = [sys.executable, str(Path(__file__).resolve()), str(folder), "--repeat", str(repeat)]
    finished = subprocess.run(  # noqa: S603  # this same script, run by this same interpreter
        [*command, "--worker"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        return {"error": finished.stderr.strip().splitlines()[-1:] or ["no output"]}
    child: dict[str, Any] = json.loads(finished.stdout)
    ours = digests(samples)
    theirs: dict[str, str] = child.pop("digests")
    different = sorted(
        name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name)
    )
    child["identical"] = len(ours) - len(different)
    child["compared"] = len(ours)
    child["different"] = different
    return child


# --- the machine ----------------------------------------------------------------------------


def c_parser_in_use() -> bool:
    """Whether newsrecord parses with ruamel.yaml's C parser in this process.

    newsrecord does not say so publicly, so this repeats its rule: the C parser when
    ``ruamel.yaml.clib`` imports, unless NEWSRECORD_PURE_PYTHON is set.
    """
    if os.environ.get(PURE_ENV):
        return False
    return importlib.util.find_spec("_ruamel_yaml") is not None


def native_scanner_in_use() -> bool:
    """Whether newsrecord reads front matter with its native scanner in this process."""
    return bool(importlib.import_module("newsrecord._read.native").NATIVE)


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Processor", "cpu model"):
            return value.strip()
    return platform.machine()


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    yaml = optional("yaml")
    libyaml = yaml is not None and bool(yaml.__with_libyaml__)
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "c_parser": c_parser_in_use(),
        "native_scanner": native_scanner_in_use(),
        "pyyaml_libyaml": libyaml,
        "versions": {
            name: version(name)
            for name in (
                "newsrecord",
                "newsrecord-native",
                "python-frontmatter",
                "PyYAML",
                "ruamel.yaml",
                "ruamel.yaml.clib",
                "attrs",
                "cattrs",
                "yaml_rs",
                "rapidyaml",
            )
        },
    }


# --- the report -----------------------------------------------------------------------------


def summary(seconds: dict[str, list[float]], counts: dict[str, int]) -> dict[str, Any]:
    cases = {}
    for name, passes in seconds.items():
        median = statistics.median(passes)
        cases[name] = {
            "records": counts[name],
            "median_seconds": median,
            "best_seconds": min(passes),
            "records_per_second": counts[name] / median,
            "us_per_record": median / counts[name] * 1e6,
            "best_us_per_record": min(passes) / counts[name] * 1e6,
            "rounds": passes,
        }
    return cases


def ratios(seconds: dict[str, list[float]], counts: dict[str, int]) -> dict[str, dict[str, float]]:
    """Each case's time per record against two references, as median per-round ratios."""
    out: dict[str, dict[str, float]] = {}
    for reference in (LOAD, FRONTMATTER):
        if reference not in seconds:
            continue
        for name in seconds:
            # The edit cases walk fewer records: compare times per record.
            scale = counts[reference] / counts[name]
            ratio = paired_ratio(seconds, name, reference)
            if ratio is not None:
                out.setdefault(name, {})[reference] = ratio * scale
    return out


def judge(seconds: dict[str, list[float]]) -> list[dict[str, Any]]:
    results = []
    for target in TARGETS:
        # Both sides of each ratio walk the same records, so times compare directly.
        ratio = paired_ratio(seconds, target.slow, target.fast)
        passed = None if ratio is None else (ratio >= target.bound) == target.at_least
        best = None
        if ratio is not None:
            # Noise only ever adds time, so the ratio of the best passes is a second opinion.
            best = min(seconds[target.slow]) / min(seconds[target.fast])
        # How far inside the target the ratio is: the share of the bound left over.
        margin = None
        if ratio is not None:
            margin = (ratio / target.bound - 1) if target.at_least else (1 - ratio / target.bound)
        results.append(
            {
                "label": target.label,
                "ratio": ratio,
                "margin": margin,
                "best_ratio": best,
                "target": f">= {target.bound:g}x" if target.at_least else f"<= {target.bound:.1f}",
                "aim": target.aim,
                "passed": passed,
            }
        )
    return results


def print_report(report: dict[str, Any]) -> None:
    info = report["machine"]
    print(
        f"newsrecord benchmark: {report['records']} records from {report['folder']} "
        f"({report['megabytes']:.1f} MB), {report['repeat']} interleaved rounds, medians"
    )
    print(
        f"Python {info['python']} | CPU {info['cpu']} | {info['cores']} cores "
        f"({info['usable_cores']} usable) | load average {info['load_average'][0]}"
    )
    versions = info["versions"]
    print(
        f"C parser used: {'yes' if info['c_parser'] else 'NO'} "
        f"(ruamel.yaml {versions['ruamel.yaml']}, ruamel.yaml.clib {versions['ruamel.yaml.clib']})"
        f" | PyYAML {versions['PyYAML']} with libyaml: {'yes' if info['pyyaml_libyaml'] else 'no'}"
        f" | python-frontmatter {versions['python-frontmatter']}"
    )
    print(
        f"native scanner used: {'yes' if info['native_scanner'] else 'no'} "
        f"(newsrecord-native {versions['newsrecord-native']})"
        f" | yaml_rs {versions['yaml_rs']} | rapidyaml {versions['rapidyaml']}"
    )
    for note in report["skipped"][:10]:
        print(f"  left out: {note}")
    if len(report["skipped"]) > 10:
        print(f"  ... and {len(report['skipped']) - 10} more files left out")
    print()
    print(
        f"{'case':<42}{'records/s':>12}{'us/record':>12}{'best us':>10}"
        f"{'x loads()':>11}{'x frontmatter':>15}"
    )
    for name, case in report["cases"].items():
        relative = report["ratios"].get(name, {})
        against = [relative.get(reference) for reference in (LOAD, FRONTMATTER)]
        shown = ["n/a" if ratio is None else f"{ratio:.3f}" for ratio in against]
        print(
            f"{name:<42}{case['records_per_second']:>12,.0f}"
            f"{case['us_per_record']:>12.1f}{case['best_us_per_record']:>10.1f}"
            f"{shown[0]:>11}{shown[1]:>15}"
        )
    print()
    print(
        f"{'target (judged on the median per-round ratio)':<52}{'median':>8}{'best':>8}"
        f"{'target':>10}{'margin':>8}  result"
    )
    for result in report["targets"]:
        ratio = "n/a" if result["ratio"] is None else f"{result['ratio']:.2f}"
        best = "n/a" if result["best_ratio"] is None else f"{result['best_ratio']:.2f}"
        margin = "n/a" if result["margin"] is None else f"{result['margin']:.0%}"
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[result["passed"]]
        if result["aim"] is not None and result["ratio"] is not None:
            met = "met" if result["ratio"] <= result["aim"] else "not yet"
            verdict += f" (aim {result['aim']:g}: {met})"
        print(
            f"{result['label']:<52}{ratio:>8}{best:>8}{result['target']:>10}{margin:>8}  {verdict}"
        )
    print()
    print_pure(report)
    problems = report["edit_problems"]
    for kind, what in (
        ("wrong", "the edited text did not read back with the new value"),
        ("rewritten", "the edit changed more than one line (a fallback rewrite?)"),
    ):
        if problems[kind]:
            shown = ", ".join(problems[kind][:3])
            print(f"WARNING: for {len(problems[kind])} files {what}: {shown}")


def print_pure(report: dict[str, Any]) -> None:
    pure = report["pure_python"]
    print(f"pure-Python path ({PURE_ENV}=1, in a child process)")
    if "error" in pure:
        print(f"  FAILED: {' '.join(pure['error'])}")
        return
    seconds = statistics.median(pure["seconds"])
    per_second = pure["records"] / seconds
    c_case = report["cases"].get(LOAD)
    slower = (
        f", {c_case['records_per_second'] / per_second:.1f}x slower than this process's"
        if c_case
        else ""
    )
    print(
        f"  {PURE:<40}{per_second:>10,.0f} records/s{seconds / pure['records'] * 1e6:>9.1f} us"
        f"/record{slower}"
    )
    parser = "pure Python" if not pure["c_parser"] else "the C parser (the variable had no effect)"
    print(f"  child process parsed with: {parser}")
    verdict = "PASS" if pure["identical"] == pure["compared"] else "FAIL"
    print(
        f"  identical to_dict, dumps() and edited dumps(): "
        f"{pure['identical']}/{pure['compared']} {verdict}"
    )
    for name in pure["different"][:5]:
        print(f"    differs: {name}")


# --- the command line ---------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=DEFAULT_FOLDER,
        help=f"folder of record files, searched recursively (default: {DEFAULT_FOLDER})",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="interleaved timed rounds (default: 5)"
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="also write the figures as JSON, to PATH or (without one) to standard output",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not arguments.folder.is_dir():
        parser.error(f"no such folder: {arguments.folder}")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    folder: Path = arguments.folder.resolve()
    if arguments.worker:
        run_worker(folder, arguments.repeat)
        return 0
    samples, skipped = read_samples(folder)
    if not samples:
        print(f"no record files that every tool reads under {folder}", file=sys.stderr)
        return 1
    # The order of issue 15's table: the references, then newsrecord.
    cases = {
        **split_cases(samples),
        **rapidyaml_cases(samples),
        **yaml_rs_cases(samples),
        **pyyaml_cases(samples),
        **frontmatter_cases(samples),
        **ruamel_cases(samples),
        **newsrecord_cases(samples),
        **python_scanner_cases(samples),
    }
    edited = sum(sample.edit is not None for sample in samples)
    counts = {name: edited if name in (EDIT, RUAMEL_EDIT) else len(samples) for name in cases}
    seconds = measure(cases, arguments.repeat)
    report = {
        "folder": str(folder),
        "records": len(samples),
        "edited_records": edited,
        "megabytes": sum(len(sample.text.encode()) for sample in samples) / 1e6,
        "repeat": arguments.repeat,
        "skipped": skipped,
        "machine": machine(),
        "cases": summary(seconds, counts),
        "ratios": ratios(seconds, counts),
        "targets": judge(seconds),
        "edit_problems": edit_problems(samples),
        "pure_python": run_pure_child(folder, arguments.repeat, samples),
    }
    print_report(report)
    if arguments.json == "-":
        print()
        print(json.dumps(report, indent=2))
    elif arguments.json:
        Path(arguments.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
