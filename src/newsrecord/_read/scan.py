"""A fast path for the YAML that records are made of, with ruamel.yaml as the fallback.

Record files use a small part of YAML: block mappings and lists, plain keys, and
one-line plain, single- or double-quoted values. This module reads that part line by
line, several times faster than building ruamel.yaml's events, and gives the very same
nodes (values, styles and spans) the full parser gives. Whenever a line goes beyond the
part it knows (flow collections other than one-line lists of scalars after a key, block
scalars, tags, anchors, multi-line scalars,
quoted keys, tabs, duplicate keys, anything odd), it gives up and returns None, and the
caller parses the text with ruamel.yaml, which also produces the error messages. A
differential test checks both parsers agree on every file the fast path accepts.
"""

from __future__ import annotations

import re
from typing import Final

from newsrecord._read.nodes import PLAIN, Mapping, Node, Scalar, Sequence
from newsrecord._read.yaml_core import BOOL_WORDS, ESCAPES, HEX_ESCAPES, INDICATORS, NULL_WORDS

__all__ = ["scan"]

# One content line: indentation, optional "- " dashes, then a key and the rest, or a
# lone scalar. Keys are plain words; anything else goes to the full parser. YAML refuses
# an implicit key longer than 1,024 characters, so longer ones are left to the full
# parser too (which says so), with room to spare.
MAX_KEY: Final = 1000
_KEY = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]{{0,{MAX_KEY - 1}}}):(?: +|$)")
_DASH = re.compile(r"- +")
# Characters YAML does not allow unescaped, the tab (its rules are subtle) and the line
# breaks of YAML 1.1 besides CR and LF: a text with any of them takes the full parser.
_UNUSUAL = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_LONE_CR = re.compile(r"\r(?!\n)")
_CONTENT_LINE = re.compile(r"^( *)([^ #\r\n][^\r\n]*)", re.MULTILINE)
# Plain keys that YAML reads as something other than a string: the full parser rejects
# them with a message.
_NOT_STRING_KEYS: Final = frozenset(BOOL_WORDS) | (NULL_WORDS - {""})
# "Unrolled" patterns: runs of ordinary characters are consumed in one step, which keeps
# long values (the secured blob, HTML excerpts) fast.
_DOUBLE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_SINGLE = re.compile(r"'([^']*(?:''[^']*)*)'")
# A plain item of a one-line flow list: words of letters, digits and a few signs, with
# single spaces between them (nothing YAML could read as an indicator or a comment).
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+/-]*(?: [A-Za-z0-9_.+/-]+)*")


class _OutOfSubsetError(Exception):
    """The text goes beyond the subset; the full parser takes it."""


def scan(text: str, start: int, end: int, max_depth: int, max_nodes: int) -> Mapping | None:
    """Return the root mapping of ``text[start:end]``, or None to use the full parser."""
    if _UNUSUAL.search(text, start, end) or _LONE_CR.search(text, start, end):
        return None
    try:
        return _Scanner(text, start, end, max_depth, max_nodes).document()
    except _OutOfSubsetError:
        return None


class _Scanner:
    def __init__(self, text: str, start: int, end: int, max_depth: int, max_nodes: int) -> None:
        self.text = text
        self.end = end
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        # The content lines: (indent column, offset of first character, offset of line
        # end). Blank lines and comment lines are no tokens; they are left out.
        self.lines = [
            (match.end(1) - match.start(1), match.start(2), match.end(2))
            for match in _CONTENT_LINE.finditer(text, start, end)
        ]
        self.index = 0
        # Items of one-line flow lists: nodes beyond the three a line makes at most.
        self.flow_items = 0
        # A line makes at most three nodes (a list item's mapping, a key, a value): near
        # the limit, the full parser counts them exactly and says so.
        if 3 * len(self.lines) + 1 > max_nodes:
            raise _OutOfSubsetError

    def document(self) -> Mapping | None:
        if not self.lines or self.lines[0][0] != 0:
            raise _OutOfSubsetError
        first = self.lines[0]
        key = _KEY.match(self.text, first[1], first[2])
        if key is None:
            raise _OutOfSubsetError
        root = self.mapping(0, first[1], 1)
        if self.index != len(self.lines):
            raise _OutOfSubsetError
        if 3 * len(self.lines) + 1 + self.flow_items > self.max_nodes:
            raise _OutOfSubsetError
        root.end = self.end
        return root

    # --- block collections ------------------------------------------------------------

    def mapping(self, indent: int, first: int, depth: int) -> Mapping:
        """Read the entries of a block mapping whose keys stand at column *indent*.

        The first key starts at offset *first* (after a dash, for a list item).
        """
        if depth > self.max_depth:
            raise _OutOfSubsetError
        node = Mapping([], False, first, first)
        pairs = node.pairs
        seen: set[str] = set()
        text = self.text
        lines = self.lines
        at = first
        while True:
            stop = lines[self.index][2]
            match = _KEY.match(text, at, stop)
            if match is None:
                raise _OutOfSubsetError
            name = match.group(1)
            if name in seen or name in _NOT_STRING_KEYS:
                raise _OutOfSubsetError
            seen.add(name)
            key_end = match.end(1)
            value_at = match.end()
            value: Node
            if value_at < stop:
                if text[value_at] == "[":
                    value = self.flow_sequence(value_at, stop, depth + 1)
                else:
                    value = self.inline_value(value_at, stop)
                self.index += 1
            else:
                self.index += 1
                value = self.nested(indent, key_end + 1, depth, in_mapping=True)
            pairs.append((Scalar(name, PLAIN, None, at, key_end), value))
            if self.index >= len(lines):
                break
            column, offset, _ = lines[self.index]
            if column < indent:
                break
            if column > indent or text[offset] == "-":
                # A continuation line, bad indentation, or a list where keys should be.
                raise _OutOfSubsetError
            at = offset
        node.end = self._next_token()
        return node

    def nested(self, indent: int, colon_end: int, depth: int, *, in_mapping: bool) -> Node:
        """The value of a key whose line ends after the colon: a block, or null."""
        if self.index < len(self.lines):
            column, offset, stop = self.lines[self.index]
            is_item = self.text.startswith("-", offset) and (
                offset + 1 == stop or self.text[offset + 1] == " "
            )
            if column > indent:
                if is_item:
                    return self.sequence(column, depth + 1)
                return self.mapping(column, offset, depth + 1)
            if column == indent and is_item and in_mapping:
                return self.sequence(column, depth + 1)  # dashes flush with the key
        return Scalar("", PLAIN, None, colon_end, colon_end)

    def sequence(self, indent: int, depth: int) -> Sequence:
        if depth > self.max_depth:
            raise _OutOfSubsetError
        start = self.lines[self.index][1]
        node = Sequence([], False, start, start)
        while True:
            column, offset, stop = self.lines[self.index]
            dash = _DASH.match(self.text, offset, stop)
            if dash is None:
                raise _OutOfSubsetError  # a lone "-" (a null item) or "-x": the full parser decides
            at = dash.end()
            if at >= stop or self.text.startswith("-", at):
                raise _OutOfSubsetError  # a null item, or a list in a list
            key = _KEY.match(self.text, at, stop)
            if key is not None:
                item: Node = self.mapping(column + (at - offset), at, depth + 1)
            else:
                item = self.inline_value(at, stop)
                self.index += 1
            node.items.append(item)
            if self.index >= len(self.lines):
                break
            next_column, next_offset, _ = self.lines[self.index]
            if next_column < indent:
                break
            if next_column > indent:
                raise _OutOfSubsetError
            if not self.text.startswith("-", next_offset):
                break  # a key of the mapping that holds these flush dashes
        node.end = self._next_token()
        return node

    def _next_token(self) -> int:
        return self.lines[self.index][1] if self.index < len(self.lines) else self.end

    # --- scalars on one line ------------------------------------------------------------

    def inline_value(self, at: int, stop: int) -> Scalar:
        """A scalar from *at* to the end of its line (a comment may follow).

        A more indented line after it would continue it (a multi-line plain scalar) or be
        an error; the collection loops give up on such a line.
        """
        text = self.text
        first = text[at]
        if first == '"':
            match = _DOUBLE.match(text, at, stop)
            if match is None:
                raise _OutOfSubsetError  # it goes on over the next line
            end = match.end()
            if end != stop:
                self._only_comment_after(end, stop)
            return Scalar(_unescape(match.group(1)), '"', None, at, end)
        if first == "'":
            match = _SINGLE.match(text, at, stop)
            if match is None:
                raise _OutOfSubsetError
            end = match.end()
            if end != stop:
                self._only_comment_after(end, stop)
            return Scalar(match.group(1).replace("''", "'"), "'", None, at, end)
        if first in INDICATORS and not (
            # "-5" is a plain scalar; "- 5" would be a list.
            first == "-" and at + 1 < stop and text[at + 1] not in " #"
        ):
            raise _OutOfSubsetError
        comment = text.find(" #", at, stop)
        value_end = comment if comment >= 0 else stop
        while text[value_end - 1] == " ":
            value_end -= 1
        value = text[at:value_end]
        if ": " in value or value.endswith(":"):
            raise _OutOfSubsetError
        return Scalar(value, PLAIN, None, at, value_end)

    def flow_sequence(self, at: int, stop: int, depth: int) -> Sequence:
        """A flow list of scalars on one line, ``[a, "b", 'c']``, from the ``[`` at *at*.

        Only quoted items and plain words are taken; nested collections, a comma with no
        item after it, or a list that goes on over the next line, go to the full parser.
        """
        if depth > self.max_depth:
            raise _OutOfSubsetError
        text = self.text
        node = Sequence([], True, at, at)
        items = node.items
        position = _skip_spaces(text, at + 1, stop)
        if position < stop and text[position] == "]":
            position += 1
        else:
            while True:
                item = self._flow_item(position, stop)
                items.append(item)
                position = _skip_spaces(text, item.end, stop)
                if position >= stop:
                    raise _OutOfSubsetError
                if text[position] == "]":
                    position += 1
                    break
                if text[position] != ",":
                    raise _OutOfSubsetError
                position = _skip_spaces(text, position + 1, stop)
        node.end = position
        if position != stop:
            self._only_comment_after(position, stop)
        self.flow_items += len(items)
        return node

    def _flow_item(self, at: int, stop: int) -> Scalar:
        text = self.text
        if at >= stop:
            raise _OutOfSubsetError
        first = text[at]
        if first == '"':
            match = _DOUBLE.match(text, at, stop)
            if match is None:
                raise _OutOfSubsetError
            return Scalar(_unescape(match.group(1)), '"', None, at, match.end())
        if first == "'":
            match = _SINGLE.match(text, at, stop)
            if match is None:
                raise _OutOfSubsetError
            return Scalar(match.group(1).replace("''", "'"), "'", None, at, match.end())
        match = _FLOW_PLAIN.match(text, at, stop)
        if match is None:
            raise _OutOfSubsetError
        return Scalar(match.group(), PLAIN, None, at, match.end())

    def _only_comment_after(self, position: int, stop: int) -> None:
        rest = self.text[position:stop]
        stripped = rest.lstrip(" ")
        if stripped and not (stripped.startswith("#") and len(stripped) < len(rest)):
            raise _OutOfSubsetError


def _skip_spaces(text: str, position: int, stop: int) -> int:
    while position < stop and text[position] == " ":
        position += 1
    return position


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    out: list[str] = []
    position = 0
    while True:
        slash = body.find("\\", position)
        if slash < 0:
            out.append(body[position:])
            return "".join(out)
        out.append(body[position:slash])
        code = body[slash + 1]
        simple = ESCAPES.get(code)
        if simple is not None:
            out.append(simple)
            position = slash + 2
            continue
        width = HEX_ESCAPES.get(code)
        digits = body[slash + 2 : slash + 2 + width] if width else ""
        if (
            not width
            or len(digits) != width
            or not all(c in "0123456789abcdefABCDEF" for c in digits)
        ):
            raise _OutOfSubsetError
        point = int(digits, 16)
        if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
            raise _OutOfSubsetError
        out.append(chr(point))
        position = slash + 2 + width
