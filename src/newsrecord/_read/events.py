"""Nodes from ruamel.yaml's events: the only module that talks to ruamel.yaml.

The front matter is parsed into events by ruamel.yaml (its C parser when
``ruamel.yaml.clib`` is installed, its pure-Python parser otherwise), and the events are
assembled here into small nodes that know their offsets in the file. Building the tree
ourselves, instead of using ruamel's composer, lets us reject aliases and unknown tags,
bound the nesting depth without recursion, keep the last of a key written twice, and
skip ruamel's implicit resolver, which is a third of its composing time. Every error of
the parser becomes a ``ParseError`` with the line and column of the problem.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from typing import Any, Final

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
from ruamel.yaml.scanner import ScannerError

from newsrecord._read.hints import Hint, starts_with_hint, syntax_hint
from newsrecord._read.limits import DEFAULT_LIMITS, Limits
from newsrecord._read.nodes import PLAIN, Duplicate, Link, Mapping, Node, Scalar, Sequence
from newsrecord._read.resolve import CORE_TAG, STR_TAG
from newsrecord._read.text import BOM, CONFLICT_MARKER, LineIndex, error_at
from newsrecord._read.yaml_core import NOT_PRINTABLE, NULL_WORDS
from newsrecord.errors import LimitError, ParseError, RecordError, brief

__all__ = ["HAVE_C_PARSER", "parse_events"]

try:  # pragma: no cover - which branch runs depends on the installation
    from ruamel.yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]

    # NEWSRECORD_PURE_PYTHON=1 forces the pure-Python parser, so that CI can show both
    # parsers give the same results.
    HAVE_C_PARSER = not os.environ.get("NEWSRECORD_PURE_PYTHON")
except ImportError:  # pragma: no cover
    HAVE_C_PARSER = False


class _Loader(BaseLoader):
    """ruamel.yaml's pure-Python loader, with its bookkeeping of simple keys made linear.

    The scanner keeps one possible simple key per open flow level and, before each token,
    looks at every one of them twice (which are stale, which comes first): on a line that
    opens a thousand flow levels (``[[[[...``) that is a million steps before the first
    event, whatever ``Limits.max_depth`` says. The keys are kept in the order of their
    levels, which is also the order of their offsets, lines and token numbers (a key is
    saved at the innermost open level, and closing a level removes its key), so the stale
    ones are the first ones and the nearest is the first: both stop at the first key.
    """

    def next_possible_simple_key(self) -> Any:
        for key in self.possible_simple_keys.values():
            return key.token_number
        return None

    def stale_possible_simple_keys(self) -> None:
        keys = self.possible_simple_keys
        reader = self.reader
        while keys:
            level = next(iter(keys))
            key = keys[level]
            if key.line == reader.line and reader.index - key.index <= _SIMPLE_KEY_LENGTH:
                return
            if key.required:
                raise ScannerError(
                    "while scanning a simple key",
                    key.mark,
                    "could not find expected ':'",
                    reader.get_mark(),
                )
            del keys[level]


_SIMPLE_KEY_LENGTH: Final = 1024
"""The longest simple key ruamel.yaml's scanner allows (YAML's limit for implicit keys)."""


def _event_source(text: str, *, c_parser: bool) -> tuple[Callable[[], Any], Callable[[], None]]:
    """Return ``(next_event, dispose)`` for the C parser or the pure-Python one."""
    if c_parser:
        return _CParser(text).get_event, _nothing
    loader = _Loader(text)
    return loader.get_event, loader.dispose


def _nothing() -> None:
    return None


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
    source, restore = _hide_yaml11_breaks(text, base, end, index, path)
    found = len(duplicates) if duplicates is not None else 0

    def parse_with(c_parser: bool) -> Mapping:
        next_event, dispose = _event_source(source, c_parser=c_parser)
        try:
            return _build(next_event, text, base, index, path, limits, duplicates, restore)
        finally:
            dispose()

    try:
        return parse_with(HAVE_C_PARSER)
    except RecordError:
        raise
    except Exception as exc:
        if HAVE_C_PARSER:
            # The libyaml that ruamel.yaml.clib bundles refuses plain scalars holding ':'
            # or '?' in flow collections ([{url: http://x.com/a.png}], [What?]), which
            # Jekyll's Psych (a newer libyaml) and the pure-Python parser read: ask that
            # one before calling the text broken. Only failures pay for it.
            if duplicates is not None:
                del duplicates[found:]  # the failed pass's findings
            with contextlib.suppress(Exception):
                return parse_with(c_parser=False)
        failure = _parser_failure(exc, text, base, end, index, path)
        if failure is None:
            raise
        # Not "from exc": the parser's own message quotes the source line, which may be
        # the secured blob, and tracebacks and log records print the cause in full. The
        # ParseError already says everything the cause does.
        raise failure from None


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
            raise error_at(
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
        return error_at(
            f"the character U+{char:04X} is {what}, which YAML does not allow",
            bad.start(),
            index,
            path,
        )
    directive = _DIRECTIVE.match(text, start, end)
    if directive is not None:
        # A directive needs a document after it, and the next '---' line closes the
        # front matter: the parsers fail on it, each at a different place.
        return error_at(
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
        return error_at(
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
    return error_at(
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
    # Anchors and aliases, read as YAML readers (Jekyll's Psych) read them: the nodes of
    # each anchor by name, the last one of a name counting, and the links of the text.
    shared = _Shared()
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
                raise error_at(
                    "YAML syntax error: found invalid Unicode character escape code "
                    "(a lone surrogate)",
                    _surrogate_escape(text, node),
                    index,
                    path,
                )
            if node.tag is not None and node.tag[0] == "!" and node.style == PLAIN:
                # A local tag on a block value ('title: !Important news') is text whose
                # writer did not know that '!' starts a tag: quoting it is the certain fix.
                # (resolve.to_data words the other unknown tags, flow items included.)
                hint = starts_with_hint(text, base, node.start)
                if hint is not None:
                    message = f"unknown tag {brief(node.tag, 60)}"
                    raise _with_hint(message, hint, node.start, index, path)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            offset = event.start_mark.index + base
            if event.tag is not None and event.tag != "!":
                expected = CORE_TAG + ("map" if kind is MappingStartEvent else "seq")
                if str(event.tag) != expected:
                    raise error_at(
                        f"unknown tag {brief(str(event.tag), 60)}: only plain YAML data is allowed",
                        offset,
                        index,
                        path,
                    )
            if len(stack) >= max_depth:
                raise error_at(
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
            closed = stack.pop()
            closed.end = event.end_mark.index + base
            waiting.pop()
            seen.pop()
            if id(closed) in shared.merging:
                shared.merge(closed, not stack, index, path, duplicates)  # type: ignore[arg-type]
            continue
        elif kind is AliasEvent:
            at = event.start_mark.index + base
            node = shared.copy(
                str(event.anchor), at, event.end_mark.index + base, stack, text, base, index, path
            )
            count += shared.copied
            if len(stack) + shared.depth > max_depth:
                raise error_at(
                    f"nesting deeper than {max_depth} levels (Limits.max_depth)",
                    at,
                    index,
                    path,
                    LimitError,
                )
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise error_at(
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
        if kind is not AliasEvent and event.anchor is not None:
            shared.anchor(str(event.anchor), node)
        count += 1
        if count > max_nodes:
            raise error_at(
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
                    if type(node) is not Scalar and _is_liquid(text, parent):
                        hint = starts_with_hint(text, base, parent.start)
                        message = (
                            "Liquid ({{ ... }}) is not YAML: Jekyll does not render it in "
                            "front matter, and YAML reads its braces as a mapping"
                        )
                        raise _with_hint(message, hint, parent.start, index, path)
                    _check_key(node, index, path)
                    if _is_merge_key(node):  # type: ignore[arg-type]  # a Scalar
                        # Applied when the mapping ends, where each merge of it counts.
                        shared.merging.add(id(parent))
                        waiting[-1] = node  # type: ignore[assignment]
                        continue
                    if node.value in seen[-1]:  # type: ignore[union-attr]  # a Scalar
                        if duplicates is None:
                            message = f"duplicate key {brief(node.value)}"  # type: ignore[union-attr]
                            raise error_at(message, node.start, index, path)
                        _shadow(parent, node, duplicates)  # type: ignore[arg-type]
                    seen[-1].add(node.value)  # type: ignore[union-attr]
                    waiting[-1] = node  # type: ignore[assignment]  # _check_key: a Scalar
                else:
                    if (
                        type(node) is Scalar
                        and kind is not AliasEvent
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
        if type(node) is not Scalar and kind is not AliasEvent:  # an alias is read whole
            stack.append(node)  # type: ignore[arg-type]  # a collection by the test above
            waiting.append(None)
            seen.append(set())
    if root is None:
        # Nothing but blank and comment lines (`---` then `---`): Jekyll publishes such
        # a page with no fields, and so it opens, as a record with none.
        return Mapping([], flow=False, start=base, end=base)
    if type(root) is Scalar and root.tag is None and _is_null(root):
        # `~` or `null`: Jekyll reads no fields, as from an empty front matter. A flow
        # mapping over the word, so that the first key written replaces it (like `{}`).
        return Mapping([], flow=True, start=root.start, end=root.end)
    if type(root) is not Mapping:
        what = f"a {type(root).__name__.lower()}, not a mapping"
        raise error_at(f"the front matter is {what}", base, index, path)
    shared.check_used(text, base, index, path)
    root.links = tuple(shared.links)
    return root


def _is_null(node: Scalar) -> bool:
    return node.style == PLAIN and node.value in NULL_WORDS and node.value != ""


def _is_merge_key(key: Scalar) -> bool:
    """Whether *key* is a merge key: ``<<``, quoted or not, as Psych reads it."""
    return key.value == "<<" and key.tag is None


class _Shared:
    """The anchors, aliases and merge keys of one front matter, as they are read.

    An alias reads as a copy of the nodes of its anchor, spanning the alias (where its
    value is, though not how it is written); a merge key's entries join the mapping that
    holds it. Each is a :class:`Link` of the root, which edits go by.
    """

    def __init__(self) -> None:
        self.anchors: dict[str, Node] = {}
        self.unused: dict[int, tuple[str, int]] = {}
        self.links: list[Link] = []
        self.merging: set[int] = set()
        self.copied = 0
        self.depth = 0

    def anchor(self, name: str, node: Node) -> None:
        self.anchors[name] = node
        if type(node) is Scalar and node.style == PLAIN:
            # '&amp; co' reads as an anchor and the word 'co': told apart from an anchor
            # by an alias using it (see check_used).
            self.unused[id(node)] = (name, node.start)  # (an empty one moves later)

    def copy(
        self,
        name: str,
        start: int,
        end: int,
        stack: list[Mapping | Sequence],
        text: str,
        base: int,
        index: LineIndex,
        path: str | None,
    ) -> Node:
        """The node an alias stands for: a copy of its anchor's, spanning the alias.

        :attr:`copied` is then the number of nodes copied, :attr:`depth` their depth.
        """
        target = self.anchors.get(name)
        if target is None:
            # '*Sponsored*' is text to whoever wrote it: say to quote it.
            hint = starts_with_hint(text, base, start)
            message = f"the alias {brief('*' + name)} has no anchor before it"
            raise _with_hint(message, hint, start, index, path)
        if any(target is open_node for open_node in stack):
            raise error_at(
                f"the alias {brief('*' + name)} is inside the value it names", start, index, path
            )
        self.unused.pop(id(target), None)
        self.links.append(Link(start, end, target.start))
        self.copied = self.depth = 0
        return self._copied(target, start, end, 1)

    def _copied(self, node: Node, start: int, end: int, depth: int) -> Node:
        # Recursion is bounded: the target's depth was checked when it was read.
        self.copied += 1
        self.depth = max(self.depth, depth)
        if isinstance(node, Scalar):
            return Scalar(node.value, node.style, node.tag, start, end)
        if isinstance(node, Mapping):
            pairs = [
                (
                    self._copied(key, start, end, depth + 1),
                    self._copied(value, start, end, depth + 1),
                )
                for key, value in node.pairs
            ]
            return Mapping(pairs, node.flow, start, end)  # type: ignore[arg-type]  # keys
        items = [self._copied(item, start, end, depth + 1) for item in node.items]
        return Sequence(items, node.flow, start, end)

    def merge(
        self,
        mapping: Mapping,
        top: bool,
        index: LineIndex,
        path: str | None,
        duplicates: list[Duplicate] | None,
    ) -> None:
        """Apply the merge keys of *mapping*, in order, as Psych does.

        Each ``<<`` entry adds the entries of its mapping (or of each mapping of its list,
        the first one winning) where it stands: they replace the entries before it with
        the same key, and those after it replace them. A replaced entry written in the
        mapping is a key written twice. *top*: the mapping is the front matter itself.
        """
        merged: dict[str, tuple[Scalar, Node]] = {}
        for key, value in mapping.pairs:
            if not _is_merge_key(key):
                merged[key.value] = (key, value)
                continue
            sources = [value] if type(value) is not Sequence else value.items
            if not sources or any(type(source) is not Mapping for source in sources):
                raise error_at(
                    "a merge key ('<<') takes a mapping, an alias of one, or a list of them",
                    key.start,
                    index,
                    path,
                )
            entries: dict[str, tuple[Scalar, Node]] = {}
            for source in reversed(sources):
                entries.update((name.value, (name, item)) for name, item in source.pairs)  # type: ignore[union-attr]
            for name, entry in entries.items():
                earlier = merged.get(name)
                if earlier is not None and not self._within(earlier[0].start):
                    if duplicates is None:
                        message = f"duplicate key {brief(name)}"
                        raise error_at(message, earlier[0].start, index, path)
                    duplicates.append(Duplicate(earlier[0], earlier[1], entry[0]))
                merged[name] = entry
            self.links.append(Link(key.start, value.end, None, top))
        mapping.pairs = list(merged.values())

    def _within(self, offset: int) -> bool:
        """Whether *offset* lies in a merge entry (a key merged in, not written)."""
        return any(link.source is None and link.start <= offset < link.end for link in self.links)

    def check_used(self, text: str, base: int, index: LineIndex, path: str | None) -> None:
        """Refuse an anchor of a plain value that no alias uses: text such as ``&amp; co``.

        YAML reads ``title: &amp; co`` as the title ``co``: its writer meant text, and
        the fix is to quote it.
        """
        if not self.unused:
            return
        name, start = min(self.unused.values(), key=lambda unused: unused[1])
        hint = starts_with_hint(text, base, start)
        message = f"{brief('&' + name)} reads as an anchor that no alias uses"
        raise _with_hint(message, hint, start, index, path)


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


def _with_hint(
    message: str, hint: Hint | None, offset: int, index: LineIndex, path: str | None
) -> ParseError:
    """The error *message* at *offset*; with a *hint*, its words added, at its place."""
    if hint is None:
        return error_at(message, offset, index, path)
    line, column = index.position(hint.offset)
    error = ParseError(
        f"{message}: {hint.text}", path=path, line=line, column=column, field=hint.field
    )
    if hint.fix is not None:
        error.fixes = (hint.fix,)
    return error


def _is_liquid(text: str, parent: Mapping | Sequence) -> bool:
    """Whether a collection is a flow mapping written ``{{``: Liquid, text to its writer."""
    return parent.flow and text.startswith("{{", parent.start)


def _check_key(node: Node, index: LineIndex, path: str | None) -> None:
    """Refuse a key that is no text: a collection, a block scalar, a tag other than ``!!str``.

    A plain key is read as the text written, even where YAML reads a number, a boolean or
    null (``2023: launch``): Jekyll publishes such records (Psych keeps the key as the
    number 2023), the model's keys are text, and the ``yaml11`` check says how Jekyll reads
    it and that quoting it makes it text to both.
    """

    def fail(message: str) -> ParseError:
        return error_at(f"a mapping key must be a plain string, {message}", node.start, index, path)

    if not isinstance(node, Scalar):
        raise fail("not a collection")
    if node.style in ("|", ">"):
        raise fail("not a block scalar")
    if node.tag is not None and node.tag != STR_TAG:
        raise fail(f"not tagged {brief(node.tag, 60)}")


def _located(
    exc: YAMLError, text: str, start: int, end: int, index: LineIndex, path: str | None
) -> ParseError:
    conflict = CONFLICT_MARKER.search(text, start, end)
    if conflict is not None:
        # What git leaves in a file it could not merge: YAML's own error would point at
        # the line after, with no word on why.
        return error_at(
            "an unresolved merge conflict (git's <<<<<<< ======= >>>>>>> lines): resolve it "
            "by hand and remove the markers; during a merge, while git's index holds the "
            "three versions, newsrecord git resolve FILE merges it field by field",
            conflict.start(),
            index,
            path,
        )
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
    context_mark = getattr(exc, "context_mark", None)
    context_at = min(start + context_mark.index, end) if context_mark is not None else None
    hint = syntax_hint(str(problem), context, text, start, end, index, offset, context_at)
    return _with_hint(message, hint, offset, index, path)
