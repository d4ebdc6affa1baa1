"""Hints for YAML syntax errors: what the parser's problem means in a record, and the fix.

The parsers say what they found where they noticed it ("mapping values are not allowed
in this context"); someone editing a record needs to know what to change. A hint keeps
the parser's words (people search for them) and adds what the text around the mark
shows: a value that must be quoted because of what it holds or starts with (with the
quoted line to write), a tab in the indentation, a bracket or quote never closed, keys
that do not line up. It may move the place to where the mistake is (the ``[`` or quote
that opens the value, as Jekyll's Psych points there too), and names the field when the
line's key and its parents can be read off the indentation.

libyaml and ruamel's pure-Python parser word their problems differently; each rule here
matches both. Hints read the text only, never the parser's state, so that a rule that
does not recognise the text adds nothing rather than something wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, NamedTuple

from newsrecord._read.text import LineIndex
from newsrecord._read.yaml_core import YAML11_BREAK, YAML11_BREAKS, double_quoted
from newsrecord.errors import TextFix, brief, shorten

__all__ = ["Hint", "anchor_hint", "must_quote", "starts_with_hint", "syntax_hint"]


class Hint(NamedTuple):
    """What to add to a parser's problem, and where the problem is.

    Attributes:
        text: The words added after the parser's problem and a colon.
        offset: Where the mistake is, in the whole text.
        field: The field path of the line's key, when the indentation tells it.
        fix: The edit the hint shows, when it is certain: the value quoted or its quote
            escaped, written whole (the hint's words may show it cut).
    """

    text: str
    offset: int
    field: str | None = None
    fix: TextFix | None = None


class _Line(NamedTuple):
    start: int
    end: int
    indent: int  # the number of leading spaces


_SHOWN: Final = 40
"""The longest value a hint's example quotes whole (a secured blob is cut, as messages do)."""

_BREAK: Final = re.compile(r"[\r\n]")
# A block mapping entry: an optional "- ", a plain or quoted key, and its colon. A plain
# key cannot start with an indicator and ends at the first ": " (YAML's own rule).
_ENTRY: Final = re.compile(
    r"(?P<item>- +)?(?P<key>[^\s#'\"\[\]{},&*!|>%@`?:-][^\r\n]*?|\"[^\"\\\r\n]*\"|'[^'\r\n]*')"
    r"[ \t]*:(?:[ \t]+|$)"
)
_COMMENT: Final = re.compile(r"[ \t]#")
_ALONE: Final = re.compile(r"[ \t]*(?:#.*)?$")


def syntax_hint(
    problem: str,
    context: str | None,
    text: str,
    start: int,
    end: int,
    index: LineIndex,
    problem_at: int,
    context_at: int | None,
) -> Hint | None:
    """Return the hint for a parser's *problem* (and *context*), or None if none is clear.

    Args:
        problem: The parser's problem, in either parser's words.
        context: The parser's context (``while parsing a flow sequence``), if any.
        text: The whole text; the front matter is ``text[start:end]``.
        start: Where the front matter starts.
        end: Where the front matter ends.
        index: The text's lines, for the line numbers a hint names.
        problem_at: The offset of the problem's mark.
        context_at: The offset of the context's mark, if any.
    """
    char = text[problem_at] if problem_at < end else ""
    if problem.startswith("mapping values are not allowed"):
        return _colon_in_value(text, start, end, problem_at, index)
    if "cannot start any token" in problem or "tab character that violates" in problem:
        if char == "\t":
            return _tab(text, start, end, problem_at)
        if char in ("@", "`", "%"):
            return _starts_with(text, start, end, problem_at)
        return None
    if context_at is None:
        return None
    if context in ("while scanning an alias", "while scanning an anchor") or (
        context == "while scanning a block scalar"
        and ("comment or" in problem or "chomp" in problem)
    ):
        return _starts_with(text, start, end, context_at)
    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        return _unclosed_flow(text, start, end, context_at)
    if context == "while parsing a flow node":
        # The parser marks where it wanted an item (the end of the front matter, for
        # "topics: [" left open), not where the list opened: that is found from the text.
        opening = _still_open(text, start, end, problem_at)
        return None if opening is None else _unclosed_flow(text, start, end, opening)
    if context == "while scanning a quoted scalar" and "end of stream" in problem:
        return Hint(
            "the quote that opens this value is never closed",
            context_at,
            _field_path(text, start, _line_of(text, start, end, context_at)),
        )
    if context == "while parsing a block mapping" and (
        problem == "did not find expected key" or problem.startswith("expected <block end>")
    ):
        return _after_value(text, start, end, problem_at, index) or _misaligned(
            text, start, end, problem_at, index
        )
    return None


def must_quote(reason: str, key: str | None, value: str) -> str:
    """Return ``a value REASON must be quoted (KEY: "VALUE")``, the value cut if long."""
    return f"a value {reason} must be quoted ({_quoted(key, value)})"


def starts_with_hint(text: str, start: int, at: int, end: int | None = None) -> Hint | None:
    """Return the hint for a block value at *at* that must be quoted for its first character.

    None when *at* does not start the value of a ``key:`` line or a list item, where no
    quoted line can be shown (an anchor on a flow list is not text gone wrong).
    """
    line = _line_of(text, start, len(text) if end is None else end, at)
    key, value = _entry_at(text, line, at)
    if value is None:
        return None
    reason = f'starting with "{text[at]}"'
    return Hint(
        must_quote(reason, key, value), at, _field_path(text, start, line), _quote(at, value)
    )


def _quote(at: int, value: str) -> TextFix:
    """The fix that writes the plain *value* at *at* double-quoted: the same text, read as is."""
    return TextFix(at, at + len(value), double_quoted(value))


def anchor_hint(text: str, start: int, at: int, other: str, name: str) -> Hint | None:
    """The hint for an anchor or alias named *name* at *at*: text to quote, unless used.

    An anchor with an alias of that name (*other* is the alias's ``*``, or the anchor's
    ``&``) is YAML's own sharing of a value, not text gone wrong: quoting it would change
    what the record says, so it is told to be written out, with no fix.
    """
    if re.search(rf"(?:^|[\s\[{{,]){re.escape(other + name)}(?:[\s\]}},]|$)", text[start:]):
        field = _field_path(text, start, _line_of(text, start, len(text), at))
        shown = brief(other + name)
        return Hint(f"write the value out in place of each alias (shared with {shown})", at, field)
    return starts_with_hint(text, start, at)


def _quoted(key: str | None, value: str) -> str:
    """The line to write, ``KEY: "VALUE"``, with the value cut if long (a secured blob)."""
    quoted = double_quoted(shorten(value, _SHOWN))
    return f"{shorten(key, _SHOWN)}: {quoted}" if key else quoted


def _starts_with(text: str, start: int, end: int, at: int) -> Hint:
    """A value that starts with an indicator: quote it (the line to write, if it can)."""
    hint = starts_with_hint(text, start, at, end)
    # Not a block value (a key, an item of a flow list): no line to show.
    return hint or Hint(f'text starting with "{text[at]}" must be quoted', at)


def _colon_in_value(text: str, start: int, end: int, at: int, index: LineIndex) -> Hint | None:
    line = _line_of(text, start, end, at)
    entry = _ENTRY.match(text, line.start + line.indent, line.end)
    if entry is None:
        return None
    if entry.end() <= at:
        value_at = entry.end()
        if text[value_at] in "\"'[{":
            return None
        _, value = _entry_at(text, line, value_at)
        if value is None:
            return None
        broken = YAML11_BREAK.search(text, value_at, at)
        if broken is not None:
            # Jekyll ends the line there and reads what follows as another key: quoted, the
            # value would say something else than the page. Which was meant is for a person.
            return Hint(
                f"a {YAML11_BREAKS[broken.group()]} character before it, which Jekyll (YAML "
                "1.1) reads as a line break: write a line break there if it parts two "
                "fields, or quote the value if it is text",
                broken.start(),
                _field_path(text, start, line),
            )
        after = text[at + 1 : at + 2]
        reason = 'ending with ":"' if after in ("", "\r", "\n") else 'holding ": "'
        return Hint(
            must_quote(reason, _key_text(entry), value),
            at,
            _field_path(text, start, line),
            _quote(value_at, value),
        )
    above = next(_lines_above(text, start, line), None)
    if above is None or above.indent >= line.indent:
        return None
    return Hint(
        f"this line is indented more than line {index.position(above.start)[0]} above, so "
        "YAML reads it as more of that line's value: line its key up with the keys it "
        "belongs with, or quote that value if the line is part of it",
        at,
    )


def _tab(text: str, start: int, end: int, at: int) -> Hint | None:
    line = _line_of(text, start, end, at)
    if text[line.start : at].strip(" \t"):
        return None  # not in the indentation
    return Hint("a tab: YAML indents with spaces only", at)


def _unclosed_flow(text: str, start: int, end: int, at: int) -> Hint | None:
    opening = text[at]
    if opening not in "[{":
        return None
    closing, what = ("]", "list") if opening == "[" else ("}", "mapping")
    line = _line_of(text, start, end, at)
    key, value = _entry_at(text, line, at)
    hint = f'a value starting with "{opening}" is a {what}, closed by "{closing}"'
    if value is None:
        return Hint(hint, at)
    return Hint(
        f"{hint}; if it is text, quote it ({_quoted(key, value)})",
        at,
        _field_path(text, start, line),
    )


def _still_open(text: str, start: int, end: int, at: int) -> int | None:
    """Where the list or mapping in brackets that is still open at *at* opens, or None.

    Only brackets that start a block entry's or a list item's value open one (``title: a
    [b`` is text); quoted items and comments are skipped.
    """
    position = start
    while position < at:
        line = _line_of(text, start, end, position)
        entry = _ENTRY.match(text, line.start + line.indent, line.end)
        value = entry.end() if entry is not None else line.start + line.indent
        while value < line.end and text[value] in "- " and entry is None:
            value += 1  # the "- " of list items
        if value >= position and value < line.end and text[value] in "[{":
            closed = _flow_end(text, value, at)
            if closed is None:
                return value
            position = closed
            continue
        position = line.end + 1
    return None


def _flow_end(text: str, at: int, end: int) -> int | None:
    """Where the bracketed collection opening at *at* ends, or None if still open at *end*."""
    depth = 0
    position = at
    while position < end:
        char = text[position]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position + 1
        elif char in "\"'" and text[position - 1] in "[{,: \t\r\n":
            position = _quote_end(text, position, end)
        elif char == "#" and text[position - 1] in " \t\r\n":
            found = _BREAK.search(text, position, end)
            position = found.start() if found is not None else end
        position += 1
    return None


def _quote_end(text: str, at: int, end: int) -> int:
    """The position of the quote that closes the one at *at* (or *end*)."""
    quote = text[at]
    position = at + 1
    while position < end:
        if quote == '"' and text[position] == "\\":
            position += 2
            continue
        if text[position] == quote:
            if quote == "'" and text[position + 1 : position + 2] == "'":
                position += 2  # '' is a quote inside single quotes
                continue
            return position
        position += 1
    return end


def _after_value(text: str, start: int, end: int, at: int, index: LineIndex) -> Hint | None:
    """More on the line after a value ended: a bracketed or quoted start, or a lost quote."""
    line = _line_of(text, start, end, at)
    before = text[line.start : at].rstrip(" \t")
    if not before:
        return None
    last = len(before) - 1 + line.start
    quote = text[last]
    if quote in "\"'":
        opening = _opening_quote(text, start, last)
        if opening is None:
            return None
        opened = _line_of(text, start, end, opening)
        if opened.start != line.start and _entry_at(text, opened, opening)[1] is not None:
            return Hint(
                "the quote that opens this value is not closed on its line, so the value "
                f"runs on to line {index.position(line.start)[0]}",
                opening,
                _field_path(text, start, opened),
            )
        key, value = _entry_at(text, line, opening)
        if value is None or not value.endswith(quote) or len(value) < 2:
            return None
        inner = value[1:-1]
        if quote == '"':
            fixed = '"' + re.sub(r'(?<!\\)"', r'\\"', inner) + '"'
            words = "a '\"' inside a double-quoted value must be escaped as '\\\"'"
        else:
            fixed = "'" + inner.replace("''", "'").replace("'", "''") + "'"
            words = "a \"'\" inside a single-quoted value must be doubled ('')"
        fix = TextFix(opening, opening + len(value), fixed)
        field = _field_path(text, start, line)
        if len(fixed) > _SHOWN:  # cutting escaped text could show a broken escape
            return Hint(words, last, field, fix)
        example = f"{shorten(key, _SHOWN)}: {fixed}" if key else fixed
        return Hint(f"{words} ({example})", last, field, fix)
    # Words after a closed bracket ("[Video] How to"), not a stray bracket or comma ("[a]]").
    entry = _ENTRY.match(text, line.start + line.indent, line.end)
    if entry is None or entry.end() >= at or text[entry.end()] not in "[{" or text[at] in ",[]{}":
        return None
    return _starts_with(text, start, end, entry.end())


def _misaligned(text: str, start: int, end: int, at: int, index: LineIndex) -> Hint | None:
    line = _line_of(text, start, end, at)
    above = next(_lines_above(text, start, line), None)
    if line.start + line.indent != at or above is None or above.indent <= line.indent:
        return None
    number = index.position(above.start)[0]
    spaces = "1 space" if line.indent == 1 else f"{line.indent} spaces"
    return Hint(
        f"this line is indented by {spaces}, line {number} above it by {above.indent}: the "
        "keys of one mapping (and the items of one list) line up",
        at,
    )


def _opening_quote(text: str, start: int, closing: int) -> int | None:
    """Return where the quoted scalar that *closing* ends starts, reading backwards."""
    quote = text[closing]
    at = closing
    while True:
        at = text.rfind(quote, start, at)
        if at < 0:
            return None
        if quote == '"' and text[at - 1] == "\\":
            continue
        if quote == "'" and text[at - 1] == "'":
            at -= 1  # an escaped '' inside the scalar
            continue
        return at


def _line_of(text: str, start: int, end: int, at: int) -> _Line:
    first = max(start, text.rfind("\n", start, at) + 1, text.rfind("\r", start, at) + 1)
    found = _BREAK.search(text, at, end)
    last = found.start() if found is not None else end
    indent = first
    while indent < last and text[indent] == " ":
        indent += 1
    return _Line(first, last, indent - first)


def _lines_above(text: str, start: int, line: _Line) -> Iterator[_Line]:
    """The lines above *line*, nearest first, without blank and comment-only ones."""
    while line.start > start:
        line = _line_of(text, start, line.start - 1, line.start - 1)
        if _ALONE.match(text, line.start + line.indent, line.end) is None:
            yield line


def _entry_at(text: str, line: _Line, at: int) -> tuple[str | None, str | None]:
    """Return the key of the value that starts at *at* (None in a list) and that value.

    The value is the rest of the line without a comment; (None, None) when *at* is not
    where a block entry's or a list item's value starts.
    """
    head = text[line.start + line.indent : at]
    entry = _ENTRY.match(text, line.start + line.indent, line.end)
    if entry is not None and entry.end() == at:
        key: str | None = _key_text(entry)
    elif head.startswith("-") and not head.strip("- "):
        key = None
    else:
        return None, None
    rest = text[at : line.end]
    comment = _COMMENT.search(rest)
    return key, (rest[: comment.start()] if comment else rest).rstrip(" \t")


def _key_text(entry: re.Match[str]) -> str:
    """The key as written, with the "- " of a list item."""
    return (entry.group("item") or "") + entry.group("key")


def _field_path(text: str, start: int, line: _Line) -> str | None:
    """Return the field path of *line*'s key, as its indentation tells, or None.

    Walks up the lines: the parent of a key is the nearest line indented less, when it is
    ``key:`` alone or a list item holding the key (counted among its siblings for its
    index); a list's own key may stand at the list's indentation. Anything else, or a
    tab, means the structure cannot be told from the lines alone.
    """
    entry = _ENTRY.match(text, line.start + line.indent, line.end)
    if entry is None:
        return None
    path: list[str | int] = [entry.group("key").strip("\"'")]
    level = line.indent
    in_list = entry.group("item") is not None
    if in_list:
        path.insert(0, _item_index(text, start, line))
    for above in _lines_above(text, start, line):
        head = text[above.start + above.indent : above.end]
        if head.startswith("\t"):
            return None
        if level == 0 and not in_list:
            break
        if above.indent > level or (above.indent == level and not in_list):
            continue
        if in_list and above.indent == level and head.startswith("-"):
            continue  # an item above, of the same list
        parent = _ENTRY.match(head)
        if parent is None:
            return None
        item = parent.group("item")
        if item is not None and not in_list and above.indent + len(item) == level:
            path.insert(0, _item_index(text, start, above))
            in_list = True
        elif item is None and _ALONE.match(head, parent.end()):
            path.insert(0, parent.group("key").strip("\"'"))
            in_list = False
        else:
            return None
        level = above.indent
    if level or in_list:
        return None
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)[1:]


def _item_index(text: str, start: int, item: _Line) -> int:
    """Return which item of its list *item* is, counting the items above it."""
    index = 0
    for above in _lines_above(text, start, item):
        if above.indent < item.indent:
            break
        if above.indent == item.indent:
            if not text.startswith("-", above.start + above.indent):
                break  # the list's key, at the list's own indentation
            index += 1
    return index
