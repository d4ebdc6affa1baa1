"""The native scanner gives exactly what the pure-Python scanner gives: nodes, spans, None.

Skipped when the optional native package is not installed (``pip install ./native``).
"""

from __future__ import annotations

import collections
import copy
import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from tests.helpers import FRONT_MATTERS
from tests.strategies import styled_documents, subset_documents

from newsrecord._read import native, split
from newsrecord._read import scan as _pure
from newsrecord._read import text as _text
from newsrecord._read.events import parse_events
from newsrecord._read.limits import DEFAULT_LIMITS
from newsrecord._read.nodes import Mapping, Node, Scalar, Sequence
from newsrecord.errors import ParseError

newsrecord_native = pytest.importorskip(
    "newsrecord_native",
    reason="the native scanner is not installed (pip install ./native builds it with Rust)",
)

# Both ways of making nodes: filling the slots directly (what the glue picks for the node
# classes), and calling the classes.
_SCANNERS = {
    "direct": newsrecord_native.Scanner(Scalar, Mapping, Sequence, direct=True).scan,
    "called": newsrecord_native.Scanner(Scalar, Mapping, Sequence, direct=False).scan,
}
_LIMITS = (DEFAULT_LIMITS.max_depth, DEFAULT_LIMITS.max_nodes)


def _tree(node: Node) -> Any:
    """The whole tree, with exact types: an int end is not a bool, a str value not a subclass."""
    fields = tuple((name, type(value), value) for name, value in _fields(node))
    if isinstance(node, Mapping):
        return (Mapping, fields, [(_tree(key), _tree(value)) for key, value in node.pairs])
    if isinstance(node, Sequence):
        return (Sequence, fields, [_tree(item) for item in node.items])
    return (type(node), fields)


def _fields(node: Node) -> list[tuple[str, Any]]:
    names = ("value", "style", "tag") if isinstance(node, Scalar) else ("flow",)
    return [(name, getattr(node, name)) for name in (*names, "start", "end")]


def _same(text: str, start: int, end: int, max_depth: int, max_nodes: int) -> Any:
    """Scan with both scanners and both ways of making nodes; return the common tree."""
    expected = _pure.scan(text, start, end, max_depth, max_nodes)
    expected_tree = None if expected is None else _tree(expected)
    for name, scan in _SCANNERS.items():
        got = scan(text, start, end, max_depth, max_nodes)
        assert (None if got is None else _tree(got)) == expected_tree, name
    return expected_tree


def _outcome(tree: Any) -> str:
    """For Hypothesis's statistics: a differential test must see both outcomes."""
    return "declined" if tree is None else "accepted"


def _same_file(text: str) -> Any:
    parts = split.split(text)
    return _same(text, parts.yaml_start, parts.yaml_end, *_LIMITS)


# --- the glue -------------------------------------------------------------------------------


def test_the_native_scanner_is_the_one_in_use() -> None:
    if os.environ.get("NEWSRECORD_NO_NATIVE") or os.environ.get("NEWSRECORD_PURE_PYTHON"):
        assert not native.NATIVE
        pytest.skip("the native scanner is turned off in this run")
    assert native.NATIVE
    assert native.scan is not _pure.scan
    # The node classes allow the fast way of making nodes; if that changes, say so.
    assert native.direct_construction(Scalar, Mapping, Sequence)


@pytest.mark.parametrize("variable", ["NEWSRECORD_NO_NATIVE", "NEWSRECORD_PURE_PYTHON"])
def test_an_environment_variable_turns_it_off(variable: str) -> None:
    code = "from newsrecord._read import native, scan; print(native.scan is scan.scan)"
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("NEWSRECORD_NO_NATIVE", "NEWSRECORD_PURE_PYTHON")
    }
    environment[variable] = "1"
    finished = subprocess.run(  # noqa: S603  # this interpreter, our own code
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert finished.stdout.strip() == "True"


def test_classes_with_an_init_of_their_own_are_called() -> None:
    import attrs

    @attrs.define
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.define
    class Plain:
        value: int

    assert native.direct_construction(Scalar, Mapping, Sequence)
    assert native.direct_construction(Plain)
    assert not native.direct_construction(Checked)
    assert not native.direct_construction(dict)


def test_direct_nodes_are_ordinary_objects() -> None:
    text = "---\na: x\nb:\n- 1\n- c: 'd'\n---\n"
    root = _SCANNERS["direct"](text, 4, len(text) - 4, *_LIMITS)
    assert isinstance(root, Mapping)
    scalar = root.pairs[0][1]
    assert repr(scalar) == "Scalar(value='x', style='', tag=None, start=7, end=8)"
    # Trees of nodes hold no cycles: the scanner keeps them, their lists and pairs out of
    # the cycle collector's sight (which walked every node a program kept), and reference
    # counting alone frees them.
    assert not gc.is_tracked(root)
    assert not gc.is_tracked(scalar)
    assert not gc.is_tracked(root.pairs)
    assert not gc.is_tracked(root.pairs[0])
    alive = weakref.ref(scalar)
    assert alive() is scalar
    twin = copy.deepcopy(root)
    assert _tree(twin) == _tree(root)
    scalar.value = "changed"
    assert root.get("a") == (root.pairs[0][0], scalar)
    assert scalar.value == "changed"
    del root, scalar, twin
    assert alive() is None


def test_a_scanner_refuses_classes_without_the_slots() -> None:
    class NoSlots:
        pass

    with pytest.raises(AttributeError):
        newsrecord_native.Scanner(NoSlots, Mapping, Sequence, direct=True)
    assert not newsrecord_native.Scanner(NoSlots, Mapping, Sequence, direct=False).direct
    assert newsrecord_native.Scanner(Scalar, Mapping, Sequence, direct=True).direct


def test_a_scan_may_run_inside_a_scan() -> None:
    # Making a node may run Python code (a class's own __init__ here; a finalizer run by
    # the garbage collector in general) that scans again with the same scanner.
    inner: list[Any] = []

    class Reentrant(Scalar):
        __slots__ = ()

        def __init__(self, *arguments: Any) -> None:
            super().__init__(*arguments)
            if not inner:
                inner.append(None)
                inner[0] = scanner.scan("k: v\n", 0, 5, *_LIMITS)

    scanner = newsrecord_native.Scanner(Reentrant, Mapping, Sequence, direct=False)
    root = scanner.scan("a: b\n", 0, 5, *_LIMITS)
    assert isinstance(root, Mapping)
    assert root.pairs[0][1].value == "b"
    assert inner[0].pairs[0][1].value == "v"


def test_an_error_while_making_nodes_propagates() -> None:
    class Failing(Scalar):
        __slots__ = ()

        def __init__(self, *arguments: Any) -> None:
            if arguments[0] == "b":
                raise ValueError(arguments[0])
            super().__init__(*arguments)

    scanner = newsrecord_native.Scanner(Failing, Mapping, Sequence, direct=False)
    with pytest.raises(ValueError, match="b"):
        scanner.scan("a: x\nl:\n- b\n- c\n", 0, 17, *_LIMITS)
    assert scanner.scan("a: x\n", 0, 5, *_LIMITS) is not None


# --- real files and styled files ---------------------------------------------------------------


def test_seed_gives_the_same_nodes(seed_text: str) -> None:
    assert _same_file(seed_text) is not None


def test_every_corpus_file_gives_the_same_nodes(corpus_files: list[Path]) -> None:
    accepted = 0
    for path in corpus_files:
        text = path.read_bytes().decode("utf-8")
        try:
            tree = _same_file(text)
        except AssertionError as exc:
            raise AssertionError(path) from exc
        except ParseError:
            continue
        accepted += tree is not None
    # The corpus is what the scanner is for: nearly all of it must take the fast path.
    assert accepted >= 0.9 * len(corpus_files)


@given(subset_documents())
def test_files_in_the_subset_are_accepted_with_the_same_nodes(text: str) -> None:
    tree = _same_file(text)
    assert tree is not None, "the scanner declined a file of its subset"
    # And they are the nodes the full parser gives.
    parts = split.split(text)
    full = parse_events(text, parts.yaml_start, parts.yaml_end, _text.LineIndex(text))
    assert _tree(full) == tree


# Styled files are slow to draw and mostly leave the subset (flow and block collections,
# block scalars): a few suffice here; test_read_scan checks them against ruamel.yaml.
@settings(max_examples=40)
@given(styled_documents())
def test_styled_files_give_the_same_nodes(doc: Any) -> None:
    event(_outcome(_same_file(doc.text)))


# --- near-YAML: both must decline the same texts ---------------------------------------------

# Characters that matter to the scanner: indicators, quotes, escapes, spaces, line breaks,
# characters it refuses, and characters of each of Python's string widths.
_NEAR = [
    *" :-#'\"\\\n\r\tab1x_{}[]&*!|>%@`?,",
    "é",
    "😀",
    "中",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x00",
    "\ud800",
]


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    """A file of the subset with a few characters inserted, deleted or replaced."""
    text = draw(subset_documents())
    parts = split.split(text)
    front = list(text[parts.yaml_start : parts.yaml_end])
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(front)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            front.insert(at, draw(st.sampled_from(_NEAR)))
        elif front and at < len(front):
            if action == "delete":
                del front[at]
            else:
                front[at] = draw(st.sampled_from(_NEAR))
    return text[: parts.yaml_start] + "".join(front) + text[parts.yaml_end :]


@given(_mutated())
def test_mutated_files_agree_including_declining(text: str) -> None:
    try:
        parts = split.split(text)
    except ParseError:
        assume(False)
        return
    event(_outcome(_same(text, parts.yaml_start, parts.yaml_end, *_LIMITS)))


def _mostly(tokens: list[str]) -> st.SearchStrategy[str]:
    """One of *tokens*, or now and then one of the near-YAML characters."""
    return st.sampled_from(tokens * (2 * len(_NEAR) // len(tokens)) + _NEAR)


_NEAR_VALUES = ["v", "1", "'x'", "'it''s'", '"y\\t"', "", "-5", "a: b", "é"]
# Flow lists the scanners read, and some they must decline.
_NEAR_FLOW_LISTS = ["[]", "[a, 'b']", '["C#",x y]', "[ a ]", "[a,]", "[a, [b]]", "[a] x"]

# Lines built of the scanner's own tokens, with a stray character here and there.
_NEAR_LINE = st.tuples(
    st.sampled_from(["", "", "", " ", "  ", "    "]),
    _mostly(["k: ", "l: ", "k:", "- ", "- m: ", "-", "", "#"]),
    _mostly([*_NEAR_VALUES, *_NEAR_FLOW_LISTS]),
    _mostly(["", "", " ", " # c", "#"]),
).map("".join)


@given(
    st.sampled_from(["a: 1", "a:", "a: x #", ""]),
    st.lists(_NEAR_LINE, max_size=6),
    st.sampled_from(["\n", "\r\n"]),
)
def test_near_yaml_strings_agree(first: str, lines: list[str], newline: str) -> None:
    text = newline.join(["---", first, *lines, "---", ""])
    start, end = 3 + len(newline), len(text) - 3 - len(newline)
    event(_outcome(_same(text, start, end, *_LIMITS)))


@given(st.data())
def test_any_region_and_limits_agree(data: st.DataObject) -> None:
    text = data.draw(subset_documents())
    parts = split.split(text)
    near_start = st.integers(parts.yaml_start - 2, parts.yaml_start + 2)
    near_end = st.integers(parts.yaml_end - 2, parts.yaml_end + 2)
    start = data.draw(near_start | st.integers(-3, len(text) + 3))
    end = data.draw(near_end | st.integers(-3, len(text) + 3))
    max_depth = data.draw(st.integers(-1, 6) | st.just(64))
    max_nodes = data.draw(st.integers(-1, 60) | st.sampled_from([20_000, 2**63, 2**80, -(2**70)]))
    event(_outcome(_same(text, start, end, max_depth, max_nodes)))


@pytest.mark.parametrize(
    "front_matter",
    [
        *FRONT_MATTERS,
        "k: '😀 and é' # wide\nl: \"\\U0001F600\\N\\_\\L\\P\"\n",
        "k: é\nl: 中\n",
        'k: "\\ud800"\n',
        'k: "\\U00110000"\n',
        'k: "\\x4"\n',
        'k: "\\é"\n',
        "k: x\ud800\n",
        "k: x\r\n\r",
        "k: x\x85\n",
        "k: '' \n",
        "k: ''''\n",
        "k: 'a'' b' #c\n",
        "k: 'x'#c\n",
        'k: "x"#c\n',
        "k: 'x'  #c\n",
        "k: a:\n",
        "k: a: #c\n",
        "k: -\n",
        "k: -x\n",
        "k: - #\n",
        "k: x:\n",
        "k: x #: y\n",
        "k:   \n  l: 1\n",
        "k:\n  - a\n  -  b: 1\n     c: 2\n  - d\n",
        "k:\n- a\nl: 1\n",
        "TRUE: x\n",
        "k-1_: x\n_k: y\n",
        "k : x\n",
        "\ufeffk: x\n",
    ],
)
def test_chosen_front_matters_agree(front_matter: str) -> None:
    text = f"---\n{front_matter}---\n"
    _same(text, 4, len(text) - 4, *_LIMITS)


@pytest.mark.parametrize("body", ["", "\ud800 in the body", "😀", "é"])
def test_the_body_does_not_matter(body: str) -> None:
    # What lies outside the front matter (even a lone surrogate) changes nothing but the
    # width of the string.
    text = f"---\na: 'x'\nb: é\n---\n{body}"
    assert _same(text, 4, text.index("---", 4), *_LIMITS) is not None


def test_a_region_that_starts_inside_a_line() -> None:
    text = "---\nxa: 1\nb: 2\n---\n"
    _same(text, 5, len(text) - 4, *_LIMITS)
    _same(text, 0, len(text), *_LIMITS)
    assert _same("a: 1\n", 0, 5, *_LIMITS) is not None
    assert _same("a: 1", 0, 10**6, *_LIMITS) is not None


@pytest.mark.parametrize("length", [999, 1000, 1001, 5000])
def test_long_keys_agree(length: int) -> None:
    text = f"---\n{'k' * length}: v\n---\n"
    tree = _same(text, 4, len(text) - 4, *_LIMITS)
    assert (tree is None) == (length > _pure.MAX_KEY)


def test_deep_and_wide_front_matter() -> None:
    deep = "".join(f"{' ' * i}k{i}:\n" for i in range(70)) + " " * 70 + "v: 1\n"
    wide = "".join(f"key{i}: value {i}\n" for i in range(3000))
    for front in (deep, wide, wide + "key7: again\n"):
        text = f"---\n{front}---\n"
        _same(text, 4, len(text) - 4, *_LIMITS)
        _same(text, 4, len(text) - 4, 200, 10**9)


# --- the helpers of the edit path ----------------------------------------------------------

# Characters of each storage size of Python strings: ASCII, Latin-1, two bytes, four bytes.
_CHARS = st.sampled_from(["a", "\n", "é", "ÿ", "Ā", "一", "\uffff", "😀", "\U0010ffff"])
_TEXTS = st.lists(_CHARS, max_size=12).map("".join)


def _spliced(text: str, edits: list[tuple[int, int, str]]) -> str:
    """The native splice, begun and finished at once."""
    return str(newsrecord_native.start_splice(text, edits).finish())


def _joined(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, position = [], 0
    for start, end, new in edits:
        out += [text[position:start], new]
        position = end
    return "".join([*out, text[position:]])


@given(st.data())
def test_splice_gives_the_joined_text(data: st.DataObject) -> None:
    text = data.draw(_TEXTS)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    edits = [(start, end, data.draw(_TEXTS)) for start, end in pairs]
    spliced = _spliced(text, edits)
    joined = _joined(text, edits)
    removed = "".join(text[start:end] for start, end, _ in edits)
    event("a removed part held wide characters" if removed and max(removed) > "\x7f" else "")
    # Equal strings of the same storage: a string stored wider than it needs would compare
    # unequal to the same characters made by Python.
    assert spliced == joined
    assert type(spliced) is str
    assert sys.getsizeof(spliced) == sys.getsizeof(joined)


def test_splice_narrows_the_storage_when_the_wide_characters_are_cut() -> None:
    for text, edits in (
        ("a一b", [(1, 2, "")]),
        ("é一😀x", [(1, 3, "y")]),
        ("😀" * 3 + "é", [(0, 3, "")]),
        ("ab", [(1, 1, "😀")]),
        # Latin-1 cut from before ASCII text: CPython's PyUnicode_CopyCharacters would
        # check the source's first characters, not the copied ones, and refuse.
        ("éab", [(0, 1, "")]),
        ("aébcd", [(1, 2, "")]),
        ("ÿ" * 3 + "abc", [(0, 3, "")]),
    ):
        spliced = _spliced(text, edits)
        joined = _joined(text, edits)
        assert spliced == joined
        assert sys.getsizeof(spliced) == sys.getsizeof(joined)


@pytest.mark.parametrize("unit", ["a", "é", "\u2019", "😀"])  # 1, 1, 2, 4 bytes a character
def test_splice_of_a_large_text_copies_it_whole(unit: str) -> None:
    # Past 2 MB a copy is split between two threads: every byte of both halves must land
    # where it belongs, next to the edits, whatever the width of the storage.
    text = "".join(f"{unit}{number % 10}" for number in range(1_500_000)) + unit  # 3 MB+
    middle = len(text) // 2
    for edits in (
        [(1, 2, "X")],
        [(middle - 1, middle + 1, "middle")],
        [(0, 0, "head "), (len(text), len(text), " tail")],
        [(5, 9, ""), (middle, middle, unit * 3), (len(text) - 4, len(text) - 1, "z")],
    ):
        spliced = _spliced(text, edits)
        joined = _joined(text, edits)
        assert spliced == joined
        assert sys.getsizeof(spliced) == sys.getsizeof(joined)


def test_a_splice_begun_is_finished_once_or_cancelled() -> None:
    # Past 2 MB the copy goes on in another thread from start_splice() on; the strings
    # copied from are kept alive by the splice, whoever else lets go of them.
    size = 1_200_000
    splicing = newsrecord_native.start_splice("é" * size + "abc", [(size, size + 1, "😀" * size)])
    expected = "é" * size + "😀" * size + "bc"
    assert splicing.finish() == expected
    with pytest.raises(ValueError, match="finished or cancelled"):
        splicing.finish()
    cancelled = newsrecord_native.start_splice("\u2019" * 2_000_000, [(5, 6, "x")])
    cancelled.cancel()
    with pytest.raises(ValueError, match="finished or cancelled"):
        cancelled.finish()
    # Dropped unfinished: the other thread is waited for before the new string is freed.
    for _ in range(20):
        newsrecord_native.start_splice("a" * 3_000_000, [(1, 2, "b")])


def test_splice_refuses_edits_out_of_order_or_outside() -> None:
    for edits in ([(2, 3, "x"), (0, 1, "y")], [(0, 9, "x")], [(2, 1, "x")]):
        with pytest.raises(ValueError, match="sorted edits"):
            _spliced("abcd", edits)


def test_same_lists_is_identity_not_equality() -> None:
    first, second, empty = [1000, "x"], [object()], []
    olds = [tuple(first), [], second[:]]  # tuples, or lists (of texts) as loaded
    assert newsrecord_native.same_lists([first, empty, second], olds)
    assert newsrecord_native.same_lists([], [])
    equal_copy = [int("1000"), "x"]
    assert not newsrecord_native.same_lists([equal_copy, empty, second], olds)
    # Another length, or an item moved to the next list.
    assert not newsrecord_native.same_lists([first, [1000], second], olds)
    assert not newsrecord_native.same_lists([[1000], ["x"], second], olds)
    assert not newsrecord_native.same_lists([first], olds)
    with pytest.raises(TypeError):
        newsrecord_native.same_lists([tuple(first)], [tuple(first)])
    with pytest.raises(TypeError):
        newsrecord_native.same_lists([first], [{1000: "x"}])


_POOL = [object() for _ in range(6)]


@given(st.lists(st.lists(st.sampled_from(_POOL), max_size=4), max_size=40), st.data())
def test_same_lists_agrees_with_a_loop_in_python(lists: list[list[Any]], data: Any) -> None:
    olds: list[Any] = [data.draw(st.sampled_from([tuple, list]))(listed) for listed in lists]
    assert newsrecord_native.same_lists(lists, olds)
    # One change in place, or none: the answer is the loop's.
    changed = [list(listed) for listed in lists]
    if changed:
        target = data.draw(st.sampled_from(changed))
        action = data.draw(st.sampled_from(["append", "pop", "replace", "reverse", "none"]))
        if action == "append" or (action != "none" and not target):
            target.append(data.draw(st.sampled_from(_POOL)))
        elif action == "pop":
            target.pop(data.draw(st.integers(0, len(target) - 1)))
        elif action == "replace":
            target[data.draw(st.integers(0, len(target) - 1))] = data.draw(st.sampled_from(_POOL))
        elif action == "reverse":
            target.reverse()
    expected = all(
        len(now) == len(old) and all(a is b for a, b in zip(now, old, strict=True))
        for now, old in zip(changed, olds, strict=True)
    )
    assert newsrecord_native.same_lists(changed, olds) is expected


def test_all_empty() -> None:
    assert newsrecord_native.all_empty([])
    assert newsrecord_native.all_empty([{}, {}])
    assert not newsrecord_native.all_empty([{}, {"k": None}])
    assert not newsrecord_native.all_empty([{}] * 100 + [{"k": None}])
    # Emptied again after holding keys: empty (its storage is larger, its length 0).
    emptied = dict.fromkeys(range(100))
    emptied.clear()
    assert newsrecord_native.all_empty([{}, emptied, collections.OrderedDict()])
    with pytest.raises(TypeError):
        newsrecord_native.all_empty([[]])


def test_the_edit_path_uses_the_helpers() -> None:
    if os.environ.get("NEWSRECORD_NO_NATIVE") or os.environ.get("NEWSRECORD_PURE_PYTHON"):
        assert native.start_splice is native.same_lists is native.all_empty is None
        assert native.stat_files is None
        pytest.skip("the native helpers are turned off in this run")
    assert native.start_splice is newsrecord_native.start_splice
    assert native.same_lists is newsrecord_native.same_lists
    assert native.all_empty is newsrecord_native.all_empty
    assert native.stat_files is newsrecord_native.stat_files


@pytest.mark.parametrize("count", [3, 1500])  # one thread, then two
def test_stat_files_agrees_with_os_stat(tmp_path: Path, count: int) -> None:
    import struct

    names = []
    for number in range(count):
        path = tmp_path / f"f{number:04d}.md"
        path.write_bytes(b"x" * number)
        names.append(str(path))
    (tmp_path / "link.md").symlink_to(tmp_path / "f0002.md")
    names.append(str(tmp_path / "link.md"))
    odd = os.fsdecode(b"caf\xe9.md")  # not UTF-8: a lone surrogate in the str
    Path(tmp_path / odd).write_bytes(b"odd")
    names.append(str(tmp_path / odd))
    for at in (len(names), len(names) // 2, 0):  # last, in each half
        names.insert(at, str(tmp_path / f"gone{at}.md"))
    missing = [number for number, name in enumerate(names) if "gone" in name]
    assert len(missing) == 3
    packed, errors = newsrecord_native.stat_files(names)
    assert len(packed) == 32 * len(names)
    assert errors == [(at, 2) for at in missing]  # ENOENT, each numbered in the whole list
    for number, (name, stat) in enumerate(
        zip(names, struct.iter_unpack("<qqqQ", packed), strict=True)
    ):
        if number in missing:
            assert stat == (0, 0, 0, 0)
            continue
        info = Path(name).stat()
        assert stat == (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    assert newsrecord_native.stat_files([]) == (b"", [])
