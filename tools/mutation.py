"""A small mutation tester: does the test suite notice when a module is broken?

It breaks the module on purpose, one change at a time, and runs the tests each time.

Usage::

    python tools/mutation.py src/newsrecord/_read/scan.py \
        -- tests/test_read_scan.py -k "not corpus"
    python tools/mutation.py splice --every 4     # a preset: module and test stages

Several ``--`` groups are stages: each mutant runs the first (the quick tests), and the
next only if it survived, so that slow property tests run for the few mutants the quick
ones miss. A mutant that makes the tests hang past the timeout counts as killed.

Each mutant changes one thing in the module's syntax tree: a comparison (``<`` to
``<=``, ``==`` to ``!=``, ``in`` to ``not in``), an arithmetic or boolean operator, a
number (n to n + 1), a string (emptied, or one character more), True and False, a
``not`` dropped, or a ``raise``, ``continue`` or ``break`` replaced by ``pass``. The
mutated module goes into a copy of ``src/`` in a temporary folder, first on
``PYTHONPATH``, and the given pytest arguments run against it (stopping at the first
failure, with a fixed Hypothesis seed). A mutant is *killed* when the tests fail, and
*survives* when they pass; survivors are listed with their line, and each is either a
gap in the tests or a change that does not change behaviour (an equivalent mutant).

It runs each mutant in turn on one core: minutes, not seconds, so it is not part of CI.
``mutmut`` does the same with more operators; this script needs nothing but the standard
library and fits the ``src/`` layout and our Hypothesis profiles as they are.
"""

from __future__ import annotations

import argparse
import ast
import copy
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SLOW = "random_edits or memory_flat or concurrent or two_processes or unchanged_side or diffs_like"
_SPLICER_QUICK = [
    "tests/test_write_splice.py", "tests/test_document.py", "tests/test_merge.py",
    "tests/test_editing.py", "-k", f"not ({_SLOW})",
]  # fmt: skip
_SPLICER_PROPERTIES = [
    "tests/test_write_splice.py", "tests/test_properties.py", "tests/test_merge.py",
    "-k", "random_edits or edits_change_only or unchanged_side or diffs_like",
]  # fmt: skip

PRESETS: dict[str, tuple[str, list[list[str]]]] = {
    "scan": ("src/newsrecord/_read/scan.py", [["tests/test_read_scan.py", "-k", "not corpus"]]),
    "splice": ("src/newsrecord/_write/splice.py", [_SPLICER_QUICK, _SPLICER_PROPERTIES]),
    "render": ("src/newsrecord/_write/render.py", [_SPLICER_QUICK, _SPLICER_PROPERTIES]),
}
"""Named runs: the module, and its test stages (quick ones first)."""

_SWAPS: dict[type[ast.AST], type[ast.AST]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.And: ast.Or,
    ast.Or: ast.And,
}


def _skipped(tree: ast.Module) -> set[int]:
    """Nodes never mutated: docstrings, annotations, ``__all__``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            skipped.update(id(n) for n in ast.walk(body[0]))
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if annotation is not None:
                skipped.update(id(n) for n in ast.walk(annotation))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


def _sites(tree: ast.Module) -> Iterator[tuple[ast.AST, str, int]]:
    """Yield ``(node, description, choice)`` for every mutation of *tree*."""
    skipped = _skipped(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for index, op in enumerate(node.ops):
                if type(op) in _SWAPS:
                    new = _SWAPS[type(op)].__name__
                    yield node, f"{line}: {type(op).__name__} -> {new}", index
        elif isinstance(node, ast.BinOp | ast.BoolOp | ast.AugAssign) and type(node.op) in _SWAPS:
            yield node, f"{line}: {type(node.op).__name__} -> {_SWAPS[type(node.op)].__name__}", 0
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                yield node, f"{line}: {value} -> {not value}", 0
            elif isinstance(value, int):
                yield node, f"{line}: {value} -> {value + 1}", 0
            elif isinstance(value, str):
                if value:  # emptying an empty string changes nothing
                    yield node, f"{line}: {value[:20]!r} -> ''", 0
                yield node, f"{line}: {value[:20]!r} -> one character more", 1
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            yield node, f"{line}: {type(node.op).__name__} dropped", 0
        elif isinstance(node, ast.Raise | ast.Continue | ast.Break):
            yield node, f"{line}: {type(node).__name__.lower()} -> pass", 0


class _Apply(ast.NodeTransformer):
    def __init__(self, target: ast.AST, choice: int) -> None:
        self.target = target
        self.choice = choice

    def visit(self, node: ast.AST) -> ast.AST:
        if node is not self.target:
            return super().visit(node)
        if isinstance(node, ast.Compare):
            node.ops[self.choice] = _SWAPS[type(node.ops[self.choice])]()
        elif isinstance(node, ast.BinOp | ast.BoolOp | ast.AugAssign):
            node.op = _SWAPS[type(node.op)]()
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                node.value = not value
            elif isinstance(value, int):
                node.value = value + 1
            else:
                node.value = "" if self.choice == 0 else value + (value[-1:] or "x")
        elif isinstance(node, ast.UnaryOp):
            return node.operand
        else:
            return ast.copy_location(ast.Pass(), node)
        return node


def mutants(source: str) -> Iterator[tuple[str, str]]:
    """Yield ``(description, mutated source)`` for every mutant of *source*."""
    tree = ast.parse(source)
    count = sum(1 for _ in _sites(tree))
    for number in range(count):
        fresh = ast.parse(source)
        node, description, choice = list(_sites(fresh))[number]
        mutated = _Apply(node, choice).visit(copy.copy(fresh))
        yield description, ast.unparse(ast.fix_missing_locations(mutated))


def _run_tests(src: Path, pytest_args: list[str], timeout: float) -> bool:
    """Whether the tests pass with the package in *src* (a hang is a failure)."""
    env = {
        "HYPOTHESIS_PROFILE": "mutation",  # tests/conftest.py: fewer examples, derandomized
        **os.environ,
        "PYTHONPATH": str(src),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    try:
        done = subprocess.run(  # noqa: S603  # this interpreter, the user's own arguments
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             "--hypothesis-seed=0", *pytest_args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def _stages(argv: list[str]) -> tuple[list[str], list[list[str]]]:
    """Split the command line at each ``--``: the tool's options, then the test stages."""
    cuts = [i for i, arg in enumerate(argv) if arg == "--"]
    bounds = [*cuts, len(argv)]
    stages = [argv[start + 1 : end] for start, end in itertools.pairwise(bounds)]
    return argv[: bounds[0]], [stage for stage in stages if stage]


def main() -> None:
    """Mutate the module, run the tests per mutant, print the kill rate and survivors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help=f"a module under src/, or a preset: {', '.join(PRESETS)}")
    parser.add_argument("--limit", type=int, default=0, help="only the first N mutants")
    parser.add_argument(
        "--every", type=int, default=1, help="a sample: about one mutant in N, always the same"
    )
    parser.add_argument(
        "--only", type=Path, help="a file of mutant descriptions (a survivors list) to rerun"
    )
    parser.add_argument("--survivors", type=Path, help="write the survivors' list to this file")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds a stage may take (then: killed)"
    )
    own, stages = _stages(sys.argv[1:])
    options = parser.parse_args(own)
    preset = PRESETS.get(options.module)
    if preset is not None:
        options.module = preset[0]
        stages = stages or preset[1]
    module = (ROOT / options.module).resolve()
    relative = module.relative_to(ROOT / "src")
    source = module.read_text(encoding="utf-8")
    only = None
    if options.only is not None:
        lines = options.only.read_text(encoding="utf-8").splitlines()
        only = {line.removeprefix("SURVIVED ") for line in lines if line.startswith("SURVIVED ")}
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "src"
        shutil.copytree(ROOT / "src", src)
        target = src / relative
        target.write_text(ast.unparse(ast.parse(source)), encoding="utf-8")
        if not all(_run_tests(src, stage, options.timeout) for stage in stages):
            sys.exit("the tests fail on the unmutated module: fix them first")
        killed = total = 0
        survivors = []
        started = time.perf_counter()
        for description, mutated in mutants(source):
            if options.limit and total >= options.limit:
                break
            # A hash of the description, not the position: an unbiased sample (strings
            # make two mutants each), the same one for any test selection.
            if zlib.crc32(description.encode()) % options.every:
                continue
            if only is not None and description not in only:
                continue
            total += 1
            target.write_text(mutated, encoding="utf-8")
            if all(_run_tests(src, stage, options.timeout) for stage in stages):
                survivors.append(description)
                print(f"SURVIVED {description}", flush=True)
            else:
                killed += 1
        elapsed = time.perf_counter() - started
    print(f"\n{relative}: {killed} of {total} mutants killed ({killed / max(total, 1):.0%}), "
          f"{len(survivors)} survived, in {elapsed:.0f} s")  # fmt: skip
    if options.survivors is not None:
        options.survivors.write_text(
            "".join(f"SURVIVED {line}\n" for line in survivors), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
