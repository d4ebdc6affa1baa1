"""Known repairs of real files: each finds what it repairs and the edits that do it.

A repair changes only the text it repairs. Each one is a :class:`Repair` in
:data:`REPAIRS`; the document applies the edits, reads the text again and checks that
the repair did what it says (see ``Document.repair``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Final, TypeVar

import attrs

from newsrecord._read.nodes import Duplicate, Mapping, Node
from newsrecord._read.nodes import Sequence as SequenceNode
from newsrecord._read.text import line_end, line_start
from newsrecord.errors import ParseError, Problem, TextFix, brief, shorten

if TYPE_CHECKING:
    # The splicer is imported where a repair is made: a document imports this module to
    # be repaired, and reading one needs no splicer (see newsrecord.document).
    from newsrecord._write.splice import Edit

__all__ = [
    "LINE_UP_KEYS",
    "OPENING_REPAIRS",
    "QUOTE_VALUES",
    "REPAIRS",
    "TO_UTF8",
    "Finding",
    "Repair",
    "Source",
    "entry_span",
    "read_repaired",
    "removals_of_shadowed",
]

_T = TypeVar("_T")


def _edit(start: int, end: int, text: str) -> Edit:
    """The splicer's edit that replaces ``text[start:end]`` with *text*."""
    from newsrecord._write.splice import Edit  # noqa: PLC0415  # see the imports

    return Edit(start, end, text)


@attrs.frozen
class Source:
    """What a repair looks at: the text, its root mapping and the keys written twice.

    Attributes:
        text: The whole file.
        root: The root mapping of the front matter.
        duplicates: The keys written twice, earlier entries first.
        newline: The file's line break.
        yaml_start: Offset of the front matter.
        yaml_end: Offset just past the front matter.
    """

    text: str
    root: Mapping
    duplicates: Sequence[Duplicate]
    newline: str
    yaml_start: int
    yaml_end: int


@attrs.frozen
class Finding:
    """One thing a repair fixes: where it is, what it is, and the edits that fix it.

    Attributes:
        offset: Where the problem is in the text.
        message: What the repair does there.
        edits: The splices that repair it.
        key: The key it concerns, if any.
    """

    offset: int
    message: str
    edits: tuple[Edit, ...]
    key: Node | None = None


@attrs.frozen
class Repair:
    """A known repair.

    Attributes:
        name: Its name on the command line (``newsrecord fix --only NAME``).
        description: What it repairs, in one sentence.
        find: Returns the findings in a source.
    """

    name: str
    description: str
    find: Callable[[Source], list[Finding]]


def _duplicate_keys(source: Source) -> list[Finding]:
    text = source.text
    findings = []
    spans = sorted(
        ((entry_span(text, source.root, duplicate), duplicate) for duplicate in source.duplicates),
        key=lambda pair: pair[0],
    )
    removed_to = -1
    for (start, end), duplicate in spans:
        if duplicate.holds_anchor(source.root):
            continue  # an alias reads it: left to a person (see Document.problems)
        if start < removed_to:
            # A key written twice inside an entry that goes whole (`provider:` written
            # twice, the earlier one with `name:` twice): removed with it.
            continue
        removed_to = end
        later = text.count("\n", 0, duplicate.winner.start) + 1
        message = f"removed the earlier {brief(duplicate.key.value)}, which line {later} overrides"
        edit = _edit(start, end, "")
        findings.append(Finding(duplicate.key.start, message, (edit,), duplicate.winner))
    return sorted(findings, key=lambda finding: finding.offset)


def removals_of_shadowed(
    text: str, root: Mapping, duplicates: Sequence[Duplicate], edits: Sequence[Edit]
) -> list[Edit]:
    """The edits that remove the earlier entries of keys that *edits* remove or rewrite.

    Unsetting a key written twice removes the entry that counts; the earlier one would
    then count (``heat: 1 ... heat: 2``, unset ``heat``, reads ``heat: 1``). So each
    earlier entry of a key whose last entry an edit takes away goes too, unless an edit
    covers it already.
    """
    # Each earlier entry names the one that shadowed it, which may be shadowed in turn
    # (a key written three times): follow the chain to the entry that counts.
    counting: dict[int, int] = {}  # earlier key -> the key that counts
    for duplicate in sorted(duplicates, key=lambda d: -d.key.start):  # later ones first
        winner = duplicate.winner.start
        counting[duplicate.key.start] = counting.get(winner, winner)
    starts = sorted(edit.start for edit in edits)
    ends = {edit.start: edit.end for edit in edits}

    def covered(start: int, end: int) -> bool:
        # The edits do not overlap: only the last one starting before *end* can.
        at = bisect.bisect_left(starts, end) - 1
        return at >= 0 and ends[starts[at]] > start

    removals = []
    for duplicate in duplicates:
        last = counting[duplicate.key.start]
        if not covered(last, last + 1):
            continue
        # Its own lines only: the blank lines around it may be what an edit takes.
        start, end = entry_span(text, root, duplicate, gap=False)
        if not covered(start, end):
            removals.append(_edit(start, end, ""))
    return removals


def entry_span(
    text: str, root: Mapping, duplicate: Duplicate, *, gap: bool = True
) -> tuple[int, int]:
    """The text of a shadowed entry: its lines, or its part of a line.

    With *gap*, a block entry owns the blank lines after it, and takes them too: what
    follows moves up into its place, set off as it was (by the blank lines above it, or
    by none, first in its mapping). So no blank line comes between entries that had none
    (``type:``, then ``items:`` twice with a blank line between), and one gap stays where
    there were two.
    """
    key, value = duplicate.key, duplicate.value
    following = _next_key_start(root, value.end)
    first = line_start(text, key.start)
    if _in_flow(root, duplicate.winner) or text[first : key.start].strip(" "):
        # In a flow mapping, or right after a list item's dash: the entry ends where the
        # next one starts, which moves up into its place.
        return key.start, following
    # A block entry: whole lines, up to the end of its value's last line (comments that
    # follow belong to what comes next).
    end = line_end(text, _content_end(text, key.start, value))
    if gap:
        # (A shadowed entry is never the last of its mapping: the one that counts comes
        # after it, so these blank lines are never the end of the front matter's.)
        while end < len(text):
            after = line_end(text, end)
            if text[end:after].strip():
                break
            end = after
    return first, end


def _content_end(text: str, key_start: int, value: Node) -> int:
    """Offset just past the last character of an entry's value (a comment stays)."""
    end = max(value.end, key_start + 1)
    while True:
        while end > key_start and text[end - 1] in " \t\r\n":
            end -= 1
        line = line_start(text, end - 1)
        if text[line:end].lstrip(" ").startswith("#") and line > key_start:
            end = line
            continue
        return end


def _next_key_start(node: Node, after: int) -> int:
    """The smallest key offset at or past *after* in the tree (the next entry)."""
    best = -1
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            for name, value in current.pairs:
                if name.start >= after and (best < 0 or name.start < best):
                    best = name.start
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.items)
    return best if best >= 0 else after


def _in_flow(root: Mapping, key: Node) -> bool:
    stack: list[Node] = [root]
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            if any(name is key for name, _ in current.pairs):
                return current.flow
            stack.extend(value for _, value in current.pairs)
        elif isinstance(current, SequenceNode):
            stack.extend(current.items)
    return False


def _mixed_line_breaks(source: Source) -> list[Finding]:
    text, newline = source.text, source.newline
    other = "\n" if newline == "\r\n" else "\r\n"
    edits = []
    at = 0
    while True:
        found = text.find("\n", at)
        if found < 0:
            break
        is_crlf = found > 0 and text[found - 1] == "\r"
        if (other == "\r\n") == is_crlf:
            start = found - 1 if is_crlf else found
            edits.append(_edit(start, found + 1, newline))
        at = found + 1
    if not edits:
        return []
    shown = "CRLF" if newline == "\r\n" else "LF"
    message = f"wrote the file's own line break ({shown}) at the end of {len(edits)} line(s)"
    return [Finding(edits[0].start, message, tuple(edits))]


def _byte_order_mark(source: Source) -> list[Finding]:
    if not source.text.startswith("\ufeff"):
        return []
    # Jekyll looks for front matter in the file's raw bytes (Utils.has_yaml_header?): a
    # BOM before --- makes a page or a collection's document a static file, unrendered.
    return [Finding(0, "removed the byte order mark before ---", (_edit(0, 1, ""),))]


def _lone_cr_line_breaks(source: Source) -> list[Finding]:
    text = source.text
    edits = []
    at = text.find("\r")
    while at >= 0:
        if not text.startswith("\n", at + 1):
            edits.append(_edit(at, at + 1, "\n"))
        at = text.find("\r", at + 1)
    if source.newline != "\r" or not edits:
        return []
    # Jekyll's front matter pattern needs a \n after ---: it finds none in such a file.
    message = f"wrote LF for the lone CR at the end of {len(edits)} line(s)"
    return [Finding(edits[0].start, message, tuple(edits))]


TO_UTF8: Final = "utf-8"
QUOTE_VALUES: Final = "quote-values"
LINE_UP_KEYS: Final = "line-up-keys"
OPENING_REPAIRS: Final = (TO_UTF8, QUOTE_VALUES, LINE_UP_KEYS)
"""The repairs made while a text is read (``loads(..., repair=...)``): without them, the
files they repair do not open."""

_MAX_FIXES: Final = 1000
"""The most fixes one text gets: each costs a parse of the whole text."""


def read_repaired(
    text: str, read: Callable[[str], _T], repairs: Collection[str] = (QUOTE_VALUES,)
) -> tuple[_T, list[Problem]]:
    """Read *text*, making the certain fixes its parse errors name until it reads.

    These are the ``quote-values`` repair: YAML that cannot be read as it is written, where
    the error's hint shows the one way to write it (``title: &amp; co``, ``title: Foo:
    bar``, ``title: !Important news``, a quote inside a quoted value), is
    written so; and the ``line-up-keys`` repair (see :func:`lined_up`).
    Nothing else in the text changes, and no fix adds or removes a line.

    Args:
        text: The whole file.
        read: Parses a text, raising :class:`ParseError` when it cannot.
        repairs: Which of the two to make.

    Returns:
        What *read* gave for the repaired text, and one problem per fix, located where the
        error was (line numbers are those of *text*).

    Raises:
        ParseError: the first error of *text*, when the fixes do not make it readable: an
            error without a fix, a fix that did not help, more than ``_MAX_FIXES`` fixes.
            (The first, as ``validate`` reports it: a later one could follow from a fix,
            as from quoting the first line of a value that goes on over more lines.)
    """
    done: list[Problem] = []
    fixed: set[int] = set()
    first: ParseError | None = None
    while True:
        try:
            return read(text), done
        except ParseError as error:
            first = first or error
            fixes = error.fixes if QUOTE_VALUES in repairs else ()
            messages = [f"{QUOTE_VALUES}: wrote {shorten(fix.text, 60)}" for fix in fixes]
            if not fixes and LINE_UP_KEYS in repairs:
                found = lined_up(text, error)
                if found is not None:
                    fixes, messages = (found[0],), [f"{LINE_UP_KEYS}: {found[1]}"]
            if not fixes or len(done) >= _MAX_FIXES or fixed.intersection(f[0] for f in fixes):
                raise first from None
            for fix, message in zip(fixes, messages, strict=True):
                fixed.add(fix.start)
                done.append(attrs.evolve(error.problems[0], message=message))
            from newsrecord._write.splice import apply_edits  # noqa: PLC0415  # see the imports

            text = apply_edits(text, [_edit(*fix) for fix in fixes])


_INDENTED_KEY: Final = re.compile(r"([ \t]+)([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]|$)")
_TOP_ENTRY: Final = re.compile(
    r"""[A-Za-z_][A-Za-z0-9_-]*:[ \t]+"""
    r"""(?:[^\s|>"'\[{&*!#%@`]|"(?:[^"\\\r\n]|\\.)*"[ \t]*$|'(?:[^'\r\n]|'')*'[ \t]*$)"""
)
"""A top-level entry whose value is plain text, or quoted text that ends on its line: no
key indented below it can be its."""


def lined_up(text: str, error: ParseError) -> tuple[TextFix, str] | None:
    """The fix of a field's key indented under a line that cannot hold it, and its words.

    ``title: A`` then ``  type: article``: YAML reads the second line as more of the
    title, and fails on its ``: ``. When the line above is a top-level entry with plain
    text for its value (so that nothing indented below it can be its), and the key is a
    top-level field of the model that the front matter does not have yet, the line was
    meant as that field: its indentation (spaces or a tab) goes. A line that is not a
    field of the model may be text that goes on the value above; it is left to a person.
    """
    if error.line is None or error.line < 2:
        return None
    lines = text.splitlines(keepends=True)
    if error.line > len(lines):
        return None
    line = lines[error.line - 1]
    found = _INDENTED_KEY.match(line)
    if found is None or found[2] not in _top_level_keys():
        return None
    above = next(
        (
            earlier
            for earlier in reversed(lines[1 : error.line - 1])
            if earlier.strip() and not earlier.lstrip().startswith("#")
        ),
        None,
    )
    if above is None or _TOP_ENTRY.match(above) is None:
        return None
    written = itertools.takewhile(lambda other: other.rstrip() not in ("---", "..."), lines[1:])
    if any(other.startswith(f"{found[2]}:") for other in written):
        return None  # the field is there already: this line may be the value's
    start = sum(len(earlier) for earlier in lines[: error.line - 1])
    fix = TextFix(start, start + len(found[1]), "")
    return fix, f"lined {found[2]!r} up with the keys above"


@functools.cache
def _top_level_keys() -> frozenset[str]:
    """The YAML keys of every kind's fields, at the top of a front matter."""
    from newsrecord.model import KINDS  # noqa: PLC0415  # the model loads with any record
    from newsrecord.model.fields import keys_of  # noqa: PLC0415

    return frozenset(key for kind in KINDS for key in keys_of(kind))


def _none_left(_source: Source) -> list[Finding]:
    # utf-8, quote-values and line-up-keys are made while the text is read
    # (OPENING_REPAIRS): a text
    # that parsed has nothing left for them to do.
    return []


REPAIRS: Final[dict[str, Repair]] = {
    repair.name: repair
    for repair in (
        Repair(
            TO_UTF8,
            "Write a file saved as UTF-16 (with its byte order mark, as Windows PowerShell "
            "writes) or as Windows-1252/Latin-1 as UTF-8, the encoding Jekyll reads.",
            _none_left,
        ),
        Repair(
            QUOTE_VALUES,
            "Quote a value that YAML cannot read as it is written (title: &amp; co, "
            "title: Foo: bar, title: !Important news, a quote inside a quoted value), so "
            "that it reads as the text written; Jekyll drops such front matter, or the "
            "value's first word.",
            _none_left,
        ),
        Repair(
            LINE_UP_KEYS,
            "Line up a field's key that is indented under a line of plain text (title: x "
            "then '  type: article', or a tab before it), where the model knows the field "
            "and the front matter does not have it yet; YAML reads it as more of the text "
            "above, and fails.",
            _none_left,
        ),
        Repair(
            "duplicate-keys",
            "Remove the earlier entries of keys written twice in a mapping; the last one "
            "is what Jekyll reads, and stays.",
            _duplicate_keys,
        ),
        Repair(
            "mixed-line-breaks",
            "Give every line the file's own line break (that of its first line), where "
            "editors mixed LF and CRLF.",
            _mixed_line_breaks,
        ),
        Repair(
            "byte-order-mark",
            "Remove a byte order mark before the opening ---: Jekyll then finds no front "
            "matter in a page or a collection's document and copies it unrendered.",
            _byte_order_mark,
        ),
        Repair(
            "lone-cr-line-breaks",
            "Give LF line breaks to a file whose lines end in CR alone (old Mac style), "
            "where Jekyll finds no front matter.",
            _lone_cr_line_breaks,
        ),
    )
}
"""Every known repair, by name, in the order they are applied."""
