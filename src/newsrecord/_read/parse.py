"""Parsed YAML nodes with spans: the only module that talks to ruamel.yaml.

The front matter is parsed into events by ruamel.yaml (its C parser when
``ruamel.yaml.clib`` is installed, its pure-Python parser otherwise), and the events are
assembled here into small nodes that know their offsets in the file. Building the tree
ourselves, instead of using ruamel's composer, lets us reject aliases and unknown tags,
bound the nesting depth without recursion, and skip ruamel's implicit resolver, which is
a third of its composing time.

Plain scalars are resolved later, by :func:`to_data`, which knows what the model expects
at each place (a ``title: 2023`` is the string ``"2023"``, not an int).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from typing import Any, Final

import attrs
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.loader import BaseLoader

from newsrecord._read import native
from newsrecord._read.nodes import PLAIN, Duplicate, Mapping, Node, Scalar, Sequence
from newsrecord._read.text import BOM, LineIndex
from newsrecord._read.yaml_core import BOOL_WORDS, NOT_PRINTABLE, NULL_WORDS
from newsrecord.errors import LimitError, ParseError, RecordError, brief

try:  # pragma: no cover - which branch runs depends on the installation
    from ruamel.yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]

    # NEWSRECORD_PURE_PYTHON=1 forces the pure-Python parser, so that CI can show both
    # parsers give the same results.
    HAVE_C_PARSER = not os.environ.get("NEWSRECORD_PURE_PYTHON")
except ImportError:  # pragma: no cover
    HAVE_C_PARSER = False

FAST_PATH: Final = not os.environ.get("NEWSRECORD_NO_FAST_PATH")
"""Whether the fast line scanner is tried first; NEWSRECORD_NO_FAST_PATH=1 turns it off,
so that tests can run ruamel.yaml's parser on everything."""

__all__ = [
    "FAST_PATH",
    "HAVE_C_PARSER",
    "PLAIN",
    "Limits",
    "Mapping",
    "Node",
    "Scalar",
    "Sequence",
    "Shape",
    "check_file_size",
    "parse",
    "parse_events",
    "to_data",
]

_CORE = "tag:yaml.org,2002:"
_STR_TAG = _CORE + "str"


MAX_DEPTH_CEILING: Final = 200
"""The highest ``max_depth`` allowed: deeper trees would exhaust Python's recursion limit
when they are converted to plain data."""


def _positive(ceiling: int | None = None) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if type(value) is not int or value < 1 or (ceiling is not None and value > ceiling):
            bound = f" and at most {ceiling}" if ceiling is not None else ""
            raise ValueError(f"{attribute.name} must be an integer of at least 1{bound}")

    return check


@attrs.frozen
class Limits:
    """Safety limits for hostile input; the defaults are far above any real record.

    A real record's front matter is a few kilobytes with at most a few hundred YAML
    nodes nested five levels deep. The defaults leave hundreds of times that room while
    keeping the worst case small: with the C parser any input is refused or loaded
    within half a second, in memory proportional to its size (the pure-Python parser
    is several times slower). Input over a limit raises :class:`~newsrecord.LimitError`,
    whose message names the limit. Change them by passing your own, for example
    ``loads(text, limits=Limits(max_file_size=1 << 30))``.

    Attributes:
        max_depth: Deepest nesting of collections (mappings and lists, the front matter
            itself included), 64 by default; at most 200, because deeper trees would
            exhaust Python's recursion limit.
        max_nodes: Most YAML nodes (keys, scalars and collections) in one front matter,
            20,000 by default (real records have fewer than a hundred). Each node costs
            time to parse and check: 20,000 take about 0.1 s with the C parser.
        max_front_matter: Longest front matter, in characters, 1 MiB by default.
        max_file_size: Largest file, body included, 64 MiB by default: in bytes for
            :func:`newsrecord.load` and for bytes given to :func:`newsrecord.loads`, in
            characters for text. ``load`` checks the size before reading the file, so a
            huge file is never read.
    """

    max_depth: int = attrs.field(default=64, validator=_positive(MAX_DEPTH_CEILING))
    max_nodes: int = attrs.field(default=20_000, validator=_positive())
    max_front_matter: int = attrs.field(default=1024 * 1024, validator=_positive())
    max_file_size: int = attrs.field(default=64 * 1024 * 1024, validator=_positive())


DEFAULT_LIMITS: Final = Limits()


def check_file_size(
    size: int, limits: Limits, path: str | None = None, unit: str = "bytes"
) -> None:
    """Refuse a file of *size* bytes (or characters) over ``limits.max_file_size``.

    Raises:
        LimitError: the file is too large; it points at the file's first line.
    """
    if size > limits.max_file_size:
        raise LimitError(
            f"the file is {size} {unit} long, more than the limit of "
            f"{limits.max_file_size} (Limits.max_file_size)",
            path=path,
            line=1,
            column=1,
        )


def _event_source(text: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    """Return ``(next_event, dispose)`` for the fastest parser installed."""
    if HAVE_C_PARSER:
        return _CParser(text).get_event, _nothing
    loader = BaseLoader(text)
    return loader.get_event, loader.dispose


def _nothing() -> None:
    return None


def parse(
    text: str,
    start: int,
    end: int,
    index: LineIndex,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    duplicates: list[Duplicate] | None = None,
) -> Mapping:
    """Parse ``text[start:end]`` as YAML and return its root mapping with absolute offsets.

    The fast line scanner reads what records are usually made of; anything else, and
    every error, goes to ruamel.yaml's parser. Both give the same nodes. A key written
    twice in a mapping counts once, with its last value, as YAML readers such as Jekyll's
    read it; each such key is appended to *duplicates* (when given), and is an error
    otherwise.

    Raises:
        ParseError: the YAML is malformed, holds more than one document, is not a mapping,
            has keys that are not strings (or repeat, without *duplicates*), or uses anchors,
            aliases or unknown tags.
        LimitError: the front matter exceeds one of *limits*.
    """
    if end - start > limits.max_front_matter:
        raise _error(
            f"the front matter is {end - start} characters long, more than the limit of "
            f"{limits.max_front_matter} (Limits.max_front_matter)",
            start,
            index,
            path,
            LimitError,
        )
    if FAST_PATH:
        root = native.scan(text, start, end, limits.max_depth, limits.max_nodes)
        if root is not None:
            return root
    return parse_events(text, start, end, index, path, limits, duplicates)


def parse_events(
    text: str,
    start: int,
    end: int,
    index: LineIndex,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    duplicates: list[Duplicate] | None = None,
) -> Mapping:
    """Parse ``text[start:end]`` with ruamel.yaml's parser alone (see :func:`parse`)."""
    # The C parser drops a BOM that starts its text and counts offsets without it; the
    # pure-Python one counts it. Neither gives it a meaning, so neither is shown it.
    base = start + 1 if text.startswith(BOM, start, end) else start
    dispose = _nothing
    try:
        source, restore = _hide_yaml11_breaks(text, base, end, index, path)
        next_event, dispose = _event_source(source)
        return _build(next_event, text, base, index, path, limits, duplicates, restore)
    except RecordError:
        raise
    except Exception as exc:
        failure = _parser_failure(exc, text, base, end, index, path)
        if failure is None:
            raise
        # Not "from exc": the parser's own message quotes the source line, which may be
        # the secured blob, and tracebacks and log records print the cause in full. The
        # ParseError already says everything the cause does.
        raise failure from None
    finally:
        dispose()


# YAML 1.1 (and so both of ruamel's parsers) ends a line at NEL, LS and PS as well as at
# CR and LF; YAML 1.2 does not, and neither do the front matter delimiters, the line
# numbers of our messages, the fast scanner or the editors people use. So the parsers are
# shown each of them as a private-use character that occurs nowhere in the source (not
# even as an escape), which YAML reads as an ordinary printable character, and scalar
# values get the original characters back: one behaviour, YAML 1.2's, whichever parser
# runs. A character replaces a character, so every offset stays where it was.
_YAML11_BREAKS: Final = "\x85\u2028\u2029"
_YAML11_BREAK: Final = re.compile(f"[{_YAML11_BREAKS}]")
_HEX_ESCAPE: Final = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")
_PRIVATE_USE: Final = range(0xE000, 0xF900)


def _hide_yaml11_breaks(
    text: str, start: int, end: int, index: LineIndex, path: str | None
) -> tuple[str, dict[int, str] | None]:
    """Return the text for the parser, and the table that restores scalar values (or None).

    Raises:
        ParseError: the front matter holds NEL, LS or PS and every private-use character
            besides (only a hostile file does), so that no stand-in is left.
    """
    source = text[start:end]
    found = _YAML11_BREAK.search(source)
    if found is None:
        return source, None
    taken = {ord(char) for char in set(source) if 0xE000 <= ord(char) < 0xF900}
    for match in _HEX_ESCAPE.finditer(source):
        taken.add(int(match.group(1) or match.group(2) or match.group(3), 16))
    free = (code for code in _PRIVATE_USE if code not in taken)
    hide: dict[int, int] = {}
    for char in _YAML11_BREAKS:
        stand_in = next(free, None)
        if stand_in is None:
            raise _error(
                f"U+{ord(char):04X} cannot be read here: the front matter uses every "
                "private-use character as well",
                start + found.start(),
                index,
                path,
            )
        hide[ord(char)] = stand_in
    return source.translate(hide), {code: chr(char) for char, code in hide.items()}


def _parser_failure(
    exc: Exception, text: str, start: int, end: int, index: LineIndex, path: str | None
) -> ParseError | None:
    """Return the ParseError for an exception out of the YAML parser, or None for a bug.

    Both parsers refuse control characters, but the C one does not say where and the
    pure-Python one complains before any syntax error, so the first such character is
    located here, whatever the parser said, and both parsers report the same place.
    """
    bad = NOT_PRINTABLE.search(text, start, end)
    if bad is not None:
        char = ord(bad.group())
        if 0xD800 <= char <= 0xDFFF:
            what = "a lone surrogate"
        elif char >= 0xFFFE:
            what = "a noncharacter"
        else:
            what = "a control character"
        return _error(
            f"the character U+{char:04X} is {what}, which YAML does not allow",
            bad.start(),
            index,
            path,
        )
    directive = _DIRECTIVE.match(text, start, end)
    if directive is not None:
        # A directive needs a document after it, and the next '---' line closes the
        # front matter: the parsers fail on it, each at a different place.
        return _error(
            "YAML directives ('%YAML', '%TAG') are not allowed in a front matter",
            directive.end() - 1,
            index,
            path,
        )
    if isinstance(exc, YAMLError):
        return _located(exc, text, start, end, index, path)
    escape = _bad_escape(text, start, end)
    if escape is not None:
        # The pure-Python parser fails on "\U00110000" with chr()'s ValueError.
        return _error(
            "YAML syntax error: found invalid Unicode character escape code",
            escape,
            index,
            path,
        )
    if isinstance(exc, MemoryError) or not (
        isinstance(exc, UnicodeError) or _raised_by_ruamel(exc)
    ):
        return None
    # ruamel's pure-Python parser crashes on a few inputs (a %YAML directive with no
    # document after it raises AttributeError); the C parser reports those at the end.
    return _error(
        f"YAML syntax error: the parser could not read this ({type(exc).__name__})",
        end,
        index,
        path,
    )


def _raised_by_ruamel(exc: BaseException) -> bool:
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(tb.tb_frame.f_globals.get("__name__", "")).startswith("ruamel.")


def _build(
    next_event: Callable[[], Any],
    text: str,
    base: int,
    index: LineIndex,
    path: str | None,
    limits: Limits,
    duplicates: list[Duplicate] | None,
    restore: dict[int, str] | None = None,
) -> Mapping:
    # The hot loop of loading: one pass over the events with the open collections on an
    # explicit stack (no recursion, so nesting depth is bounded by a check, not the C
    # stack). For each open mapping, `keys` holds the key still waiting for its value and
    # `seen` the keys so far, to reject duplicates.
    stack: list[Mapping | Sequence] = []
    waiting: list[Scalar | None] = []
    seen: list[set[str]] = []
    root: Node | None = None
    documents = 0
    count = 0
    max_depth = limits.max_depth
    max_nodes = limits.max_nodes
    while True:
        event = next_event()
        kind = type(event)
        node: Node
        if kind is ScalarEvent:
            tag = event.tag
            node = Scalar(
                event.value if restore is None else event.value.translate(restore),
                event.style or PLAIN,
                None if tag is None or tag == "!" else str(tag),
                event.start_mark.index + base,
                event.end_mark.index + base,
            )
            if (
                node.style == '"'
                and not node.value.isascii()
                and _SURROGATE.search(node.value) is not None
            ):
                # The C parser refuses "\ud800"; the pure-Python one decodes it.
                raise _error(
                    "YAML syntax error: found invalid Unicode character escape code "
                    "(a lone surrogate)",
                    _surrogate_escape(text, node),
                    index,
                    path,
                )
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            offset = event.start_mark.index + base
            if event.tag is not None and event.tag != "!":
                expected = _CORE + ("map" if kind is MappingStartEvent else "seq")
                if str(event.tag) != expected:
                    raise _error(
                        f"unknown tag {brief(str(event.tag), 60)}: only plain YAML data is allowed",
                        offset,
                        index,
                        path,
                    )
            if len(stack) >= max_depth:
                raise _error(
                    f"nesting deeper than {max_depth} levels (Limits.max_depth)",
                    offset,
                    index,
                    path,
                    LimitError,
                )
            if kind is MappingStartEvent:
                node = Mapping([], bool(event.flow_style), offset, offset)
            else:
                node = Sequence([], bool(event.flow_style), offset, offset)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop().end = event.end_mark.index + base
            waiting.pop()
            seen.pop()
            continue
        elif kind is AliasEvent:
            raise _error(
                "anchors and aliases are not allowed in records",
                event.start_mark.index + base,
                index,
                path,
            )
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _error(
                    "the front matter holds more than one YAML document",
                    event.start_mark.index + base,
                    index,
                    path,
                )
            continue
        elif kind is StreamEndEvent:
            break
        else:
            continue
        if event.anchor is not None:
            raise _error("anchors and aliases are not allowed in records", node.start, index, path)
        count += 1
        if count > max_nodes:
            raise _error(
                f"more than {max_nodes} YAML nodes (Limits.max_nodes)",
                node.start,
                index,
                path,
                LimitError,
            )
        if stack:
            parent = stack[-1]
            if type(parent) is Sequence:
                parent.items.append(node)
            else:
                key = waiting[-1]
                if key is None:
                    _check_key(node, index, path)
                    if node.value in seen[-1]:  # type: ignore[union-attr]  # a Scalar
                        if duplicates is None:
                            message = f"duplicate key {brief(node.value)}"  # type: ignore[union-attr]
                            raise _error(message, node.start, index, path)
                        _shadow(parent, node, duplicates)  # type: ignore[arg-type]
                    seen[-1].add(node.value)  # type: ignore[union-attr]
                    waiting[-1] = node  # type: ignore[assignment]  # _check_key: a Scalar
                else:
                    if (
                        type(node) is Scalar
                        and not node.value
                        and node.style == PLAIN
                        and node.tag is None
                    ):
                        # Parsers disagree on where an empty value is; put it right
                        # after its key's colon, where an edit will write the value.
                        # (A tagged one has a place: its tag.)
                        colon = text.find(":", key.end)
                        if colon >= 0:
                            node.start = node.end = colon + 1
                    parent.pairs.append((key, node))  # type: ignore[union-attr]
                    waiting[-1] = None
        else:
            root = node
        if type(node) is not Scalar:
            stack.append(node)  # type: ignore[arg-type]  # a collection by the test above
            waiting.append(None)
            seen.append(set())
    if type(root) is not Mapping:
        what = "empty" if root is None else f"a {type(root).__name__.lower()}, not a mapping"
        raise _error(f"the front matter is {what}", base, index, path)
    return root


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# Blank and comment lines, then a '%'. Each line must match in exactly one way: with
# "\r\n|\n|\r" a CRLF could also be read as a CR line and an empty LF line, and the
# failing match of a file with N comment lines tried all 2**N readings (issue 11). The
# possessive "*+" never gives a line back either.
_DIRECTIVE: Final = re.compile(r"(?:[ \t]*+(?:#[^\r\n]*+)?(?:\r\n|\r(?!\n)|\n))*+%")
_ESCAPE: Final = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|.)", re.DOTALL)


def _surrogate_escape(text: str, node: Scalar) -> int:
    """Return the offset of the first hex digit of a surrogate escape, as libyaml does."""
    found = _bad_escape(text, node.start, node.end)
    return node.start if found is None else found


def _bad_escape(text: str, start: int, end: int) -> int | None:
    """Return the offset of the first hex digit of an escape of no character, if any."""
    for match in _ESCAPE.finditer(text, start, end):
        digits = match.group(1) or match.group(2)
        if digits is not None:
            code = int(digits, 16)
            if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                return match.start() + 2
    return None


def _shadow(parent: Mapping, key: Scalar, duplicates: list[Duplicate]) -> None:
    """Take the earlier entry of *key* out of *parent*: the later one wins."""
    for position, (earlier, value) in enumerate(parent.pairs):
        if earlier.value == key.value:
            del parent.pairs[position]
            duplicates.append(Duplicate(earlier, value, key))
            return


def _check_key(node: Node, index: LineIndex, path: str | None) -> None:
    def fail(message: str) -> ParseError:
        return _error(f"a mapping key must be a plain string, {message}", node.start, index, path)

    if not isinstance(node, Scalar):
        raise fail("not a collection")
    if node.style in ("|", ">"):
        raise fail("not a block scalar")
    if node.tag is not None and node.tag != _STR_TAG:
        raise fail(f"not tagged {brief(node.tag, 60)}")
    if node.style == PLAIN and node.tag is None:
        if node.value == "<<":
            raise _error("merge keys ('<<') are not allowed in records", node.start, index, path)
        try:
            value = resolve_plain(node.value)
        except ValueError:  # an integer too long to convert: not a string either
            raise fail(f"not an integer of {len(node.value)} characters") from None
        if not isinstance(value, str):
            raise fail(f"not {brief(node.value)}")


def _error(
    message: str,
    offset: int,
    index: LineIndex,
    path: str | None,
    error: type[ParseError] = ParseError,
) -> ParseError:
    line, column = index.position(offset)
    return error(message, path=path, line=line, column=column)


def _located(
    exc: YAMLError, text: str, start: int, end: int, index: LineIndex, path: str | None
) -> ParseError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).strip().splitlines() or ["?"])[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    offset = min(start + mark.index, end) if mark is not None else start
    if (
        str(problem).startswith("found unknown escape character")
        and text[offset] != "\\"
        and text[offset - 1] == "\\"
    ):
        # The C parser points at the backslash, the pure-Python one after it.
        offset -= 1
    return _error(message, offset, index, path)


# --- resolution of plain scalars (YAML 1.2 core schema) -------------------------------

_NULL_TEXTS: Final[dict[str, None]] = dict.fromkeys(NULL_WORDS)
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o([0-7]+)")
_HEX = re.compile(r"0x([0-9a-fA-F]+)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS: Final = {
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_NUMBER_START: Final = frozenset("0123456789+-.")

MAX_INT_DIGITS: Final = 1000


class _TooLargeError(ValueError):
    """An integer with more than ``MAX_INT_DIGITS`` digits: slow to convert, never real."""


def resolve_plain(text: str) -> Any:
    """Return the value of a plain scalar under the YAML 1.2 core schema.

    Raises:
        ValueError: an integer has more than ``MAX_INT_DIGITS`` digits.
    """
    if text in NULL_WORDS:
        return None
    boolean = BOOL_WORDS.get(text)
    if boolean is not None:
        return boolean
    if text[0] not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        if len(text) > MAX_INT_DIGITS:
            raise _TooLargeError(f"an integer of {len(text)} digits is too large")
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    match = _OCT.fullmatch(text) or _HEX.fullmatch(text)
    if match:
        if len(text) > MAX_INT_DIGITS:
            raise _TooLargeError(f"an integer of {len(text)} digits is too large")
        return int(match.group(1), 8 if text[1] == "o" else 16)
    return text


@attrs.define(slots=True, eq=False)
class Shape:
    """What the model expects at one place of the tree, for resolving plain scalars.

    Attributes:
        text: A plain scalar here is text (a string, date or duration field), not a number.
        keys: For a mapping here, the shape under each key.
        item: For a sequence here, the shape of its items.
    """

    text: bool = False
    keys: dict[str, Shape] = attrs.Factory(dict)
    item: Shape | None = None


ANY: Final = Shape()
"""The shape of a place the model does not know: plain scalars resolve as YAML says."""


def _tagged_int(text: str) -> int:
    # Hexadecimal and octal have no digit limit in int(); a huge one would make the
    # record's repr fail later, so cap every base as resolve_plain does.
    if len(text) > MAX_INT_DIGITS:
        raise _TooLargeError(f"an integer of {len(text)} digits is too large")
    return int(text, 0)


_TAGGED: Final[dict[str, Callable[[str], Any]]] = {
    _STR_TAG: str,
    _CORE + "int": _tagged_int,
    _CORE + "float": float,
    _CORE + "bool": lambda text: BOOL_WORDS[text],
    _CORE + "null": lambda text: _NULL_TEXTS[text],
}


def to_data(node: Node, shape: Shape, errors: list[tuple[str, int, str]], where: str = "") -> Any:
    """Return the plain Python value of *node*: dicts, lists, strings, numbers, None.

    Mapping keys stay in file order. Problems are appended to *errors* as ``(field path,
    offset, message)`` and the faulty value becomes None, so that one pass reports all.
    """
    if isinstance(node, Scalar):
        if node.tag is not None:
            convert = _TAGGED.get(node.tag)
            if convert is None:
                errors.append((where, node.start, f"unknown tag {brief(node.tag, 60)}"))
                return None
            try:
                return convert(node.value)
            except _TooLargeError as exc:
                errors.append((where, node.start, str(exc)))
                return None
            except (ValueError, KeyError):
                errors.append((where, node.start, f"{brief(node.value)} is not a valid {node.tag}"))
                return None
        if node.style != PLAIN:
            return node.value
        if shape.text:
            return None if node.value in NULL_WORDS else node.value
        try:
            return resolve_plain(node.value)
        except ValueError as exc:
            errors.append((where, node.start, str(exc)))
            return None
    if isinstance(node, Mapping):
        keys = shape.keys
        prefix = f"{where}." if where else ""
        return {
            key.value: to_data(value, keys.get(key.value, ANY), errors, prefix + key.value)
            for key, value in node.pairs
        }
    item = shape.item or ANY
    return [to_data(child, item, errors, f"{where}[{i}]") for i, child in enumerate(node.items)]


def find(root: Node, field: tuple[str | int, ...], *, exact: bool = False) -> Node | None:
    """Return the node at *field* (keys and indexes; negative ones count from the end).

    When the text does not have that field, return the deepest node on the way that it
    has (where a problem about the field is best shown), or None with *exact*.
    """
    node = root
    for step in field:
        if isinstance(node, Mapping) and isinstance(step, str):
            pair = node.get(step)
            if pair is None:
                return None if exact else node
            node = pair[1]
        elif (
            isinstance(node, Sequence)
            and isinstance(step, int)
            and -len(node.items) <= step < len(node.items)
        ):
            node = node.items[step]
        else:
            return None if exact else node
    return node


def path_to(root: Node, key: Scalar) -> tuple[str | int, ...] | None:
    """Return the field path of the mapping entry whose key node is *key*, if any."""
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, Mapping):
            for name, value in node.pairs:
                if name is key or (name.start == key.start and name.value == key.value):
                    return (*where, name.value)
                stack.append((value, (*where, name.value)))
        elif isinstance(node, Sequence):
            stack.extend((item, (*where, number)) for number, item in enumerate(node.items))
    return None
