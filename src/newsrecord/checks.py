"""Named checks beyond the model: rules that ``validate`` can turn on and off one by one.

Each :class:`Rule` has a name (``url``, ``yaml11``, ...). Rules of one record look at a
loaded :class:`~newsrecord.Document`; rules across records (duplicate ``webUrl``s or
slugs, ``related`` slugs that name no record) look at what every record of a run says
about itself, collected as :class:`RecordFacts`. :func:`check_document` runs the first
kind, :func:`check_records` both.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Final

import attrs

from newsrecord._bind.paths import parse_field_path
from newsrecord._read import nodes
from newsrecord._read.parse import resolve_plain
from newsrecord._read.yaml_core import YAML11_BREAK, YAML11_BREAKS
from newsrecord._site import find_site_root
from newsrecord.document import Document
from newsrecord.editing import declared_type, get_field
from newsrecord.errors import Problem, ValidationError, brief, shorten
from newsrecord.model.fields import is_model, optional_part, walk
from newsrecord.model.leaves import VALUE_CLASSES, format_datetime
from newsrecord.model.secured import Secured

__all__ = [
    "RULES",
    "RecordFacts",
    "Rule",
    "check_document",
    "check_records",
    "cross_record_problems",
    "facts_of",
]

_URL_KEYS: Final = frozenset({"url", "website"})
_SIZE_KEYS: Final = frozenset({"width", "height"})
_DATE_PREFIX: Final = re.compile(r"\d{4}-\d{1,2}-\d{1,2}-")
# A conflict git left: its three marker lines in order (any line break; a lone "=======" is
# a Markdown heading's underline, so all three are needed).
_CONFLICT: Final = re.compile(
    r"^<{7}(?:[ \t][^\r\n]*)?\r?$"
    r".*?^={7}\r?$"
    r".*?^>{7}(?:[ \t][^\r\n]*)?\r?$",
    re.MULTILINE | re.DOTALL,
)


@attrs.frozen
class Rule:
    """A named check.

    Attributes:
        name: What ``validate --rule NAME`` calls it.
        summary: One line saying what it finds.
        strict: Whether ``validate --strict`` runs it.
        across: Whether it compares records with each other (it then needs every record
            of the run, not one).
    """

    name: str
    summary: str
    strict: bool = False
    across: bool = False


RULES: Final[dict[str, Rule]] = {
    rule.name: rule
    for rule in (
        Rule("secured-blob", "secured blobs that are not base64(ciphertext);base64(IV)", True),
        Rule("url", "URL fields (url, website, *Url) that are not http(s) URLs or /paths", True),
        Rule("size", "negative image widths and heights", True),
        Rule("yaml11", "plain values and keys Jekyll (YAML 1.1, Ruby's Psych) reads differently"),
        Rule(
            "jekyll-header",
            "files whose front matter Jekyll does not see (a byte order mark, lone CRs)",
            True,
        ),
        Rule(
            "conflict-markers",
            "git's conflict markers (<<<<<<< ======= >>>>>>>) left in the body",
            True,
        ),
        Rule("image-path", "image paths on the site (/assets/...) with no file under its root"),
        Rule("duplicate-web-url", "two records with the same webUrl", across=True),
        Rule("duplicate-slug", "two records with the same slug (file name)", across=True),
        Rule("related-slug", "related slugs that name no record of the run", across=True),
    )
}
"""Every rule, by name."""


def _problem(doc: Document, path: str | None, where: str, message: str) -> Problem:
    line, column = doc.locate(where) or (None, None)
    return Problem(message, path, line, column, where or None)


def check_document(
    doc: Document,
    rules: Iterable[str],
    *,
    path: str | None = None,
    site_root: str | Path | None = None,
) -> list[Problem]:
    """Run the one-record rules among *rules* on a loaded document.

    Args:
        doc: The document.
        rules: Rule names; names of rules across records are ignored here.
        path: The file name for the problems (default: the document's path).
        site_root: The site's root folder for ``image-path``; by default the nearest
            folder above the file with a ``_config.yml``.

    Returns:
        The problems, in the order of the text.

    Raises:
        ValueError: a name is not a rule.
    """
    selected = _known(rules)
    path = path if path is not None else doc.path
    problems: list[Problem] = []
    if selected & {"secured-blob", "url", "size"}:
        for where, key, value in _scalars(doc.record):
            message = _leaf_message(key, value, selected)
            if message is not None:
                problems.append(_problem(doc, path, where, message))
    if "yaml11" in selected:
        problems.extend(_yaml11_problems(doc, path))
    if "jekyll-header" in selected:
        problems.extend(_header_problems(doc, path))
    if "conflict-markers" in selected:
        problems.extend(_conflict_problems(doc, path))
    if "image-path" in selected:
        root = Path(site_root) if site_root is not None else find_site_root(path)
        if root is not None:
            problems.extend(_image_path_problems(doc, path, root))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _known(rules: Iterable[str]) -> set[str]:
    selected = set(rules)
    unknown = selected - RULES.keys()
    if unknown:
        raise ValueError(f"no such rule: {', '.join(sorted(unknown))}")
    return selected


# --- rules on values -------------------------------------------------------------------------


def _scalars(record: Any) -> Iterator[tuple[str, str, Any]]:
    """Yield ``(field path, key, value)`` for every scalar of a record, known or not."""
    for where, key, value in walk(record):
        if not (is_model(value) or isinstance(value, dict | list)):
            yield where, key, value


def _leaf_message(key: str, value: Any, selected: set[str]) -> str | None:
    if isinstance(value, Secured):
        flaw = value.flaw if "secured-blob" in selected else None
        return None if flaw is None else f"malformed: {flaw}"
    if isinstance(value, str) and (key.lower() in _URL_KEYS or key.endswith("Url")):
        if "url" in selected and not is_url(value):
            return _not_a_url(value)
        return None
    if (
        "size" in selected
        and key in _SIZE_KEYS
        and isinstance(value, int)
        and not isinstance(value, bool)
        and value < 0
    ):
        return f"must not be negative, found {value}"
    return None


def _not_a_url(text: str) -> str:
    space = next((number for number, char in enumerate(text) if char.isspace()), None)
    if space is None or space < 50:
        return f"not a URL: {brief(text, 60)} (expected http(s)://host/... or /path)"
    # The start of a long URL looks right: show where it goes wrong.
    around = "..." + text[space - 30 : space + 10]
    return f"not a URL: {text[space]!r} at character {space + 1}: {brief(around, 60)}"


def is_url(text: str) -> bool:
    """An absolute http(s) URL with a host name, or a path on the site (``/assets/...``)."""
    if not text or any(character.isspace() for character in text):
        return False
    if text.startswith("/") and not text.startswith("//"):
        return True
    try:
        parts = urllib.parse.urlsplit("https:" + text if text.startswith("//") else text)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    return "." in host or ":" in host or host == "localhost"


# --- image paths -------------------------------------------------------------------------------


def _image_path_problems(doc: Document, path: str | None, root: Path) -> Iterator[Problem]:
    for where, key, value in _scalars(doc.record):
        if key != "url" or not isinstance(value, str) or "images[" not in where:
            continue
        if not value.startswith("/") or value.startswith("//"):
            continue
        local = urllib.parse.unquote(urllib.parse.urlsplit(value).path).lstrip("/")
        if not (root / PurePosixPath(local)).is_file():
            yield _problem(doc, path, where, f"no such file under the site root {root}: {value}")


# --- YAML 1.1 as Jekyll reads it ----------------------------------------------------------------

_PSYCH_STRING: Final = re.compile(r"[^\d.:-]?(?:[^\W\d_]|[_\s!@#$%^&*(){}<>|/\\~;=])+")
_PSYCH_TIME: Final = re.compile(
    r"-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?"
    r"(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?"
)
_PSYCH_DATE: Final = re.compile(r"\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)")
_PSYCH_SEXAGESIMAL_INT: Final = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}")
_PSYCH_SEXAGESIMAL_FLOAT: Final = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}\.[0-9_]*")
_PSYCH_FLOAT: Final = re.compile(r"[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?")
_PSYCH_INT: Final = re.compile(
    r"[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+"
)
_SHORT_WORD: Final = 5
_SHOWN: Final = 60
"""The most characters of a value or key a message of the ``yaml11`` rule shows."""


def jekyll_reading(text: str) -> tuple[str, Any]:
    """How Ruby's Psych (Jekyll's YAML 1.1 reader) reads a plain scalar.

    This follows Psych's ``ScalarScanner.tokenize`` rule by rule; a test compares it
    with Ruby's own reading.

    Returns:
        ``(kind, value)``: kind is ``"str"``, ``"null"``, ``"bool"``, ``"int"``,
        ``"float"``, ``"date"``, ``"time"`` or ``"symbol"``; dates and times are given as
        the ISO text Psych would read, floats as Python floats.
    """
    if not text:
        return "null", None
    if _PSYCH_STRING.match(text) or "\n" in text:
        lowered = text.lower()
        if len(text) > _SHORT_WORD or lowered[0] not in "ytonf~":
            return "str", text
        if text == "~" or lowered == "null":
            return "null", None
        if lowered in ("yes", "true", "on"):
            return "bool", True
        if lowered in ("no", "false", "off"):
            return "bool", False
        return "str", text
    if _PSYCH_TIME.fullmatch(text):
        return _psych_time(text)
    if _PSYCH_DATE.fullmatch(text):
        year, month, day = (int(part) for part in text.split("-"))
        try:
            return "date", dt.date(year, month, day).isoformat()
        except ValueError:
            return "str", text
    lowered = text.lower()
    if lowered in (".inf", "+.inf"):
        return "float", math.inf
    if lowered == "-.inf":
        return "float", -math.inf
    if lowered == ".nan":
        return "float", math.nan
    if len(text) > 1 and text[0] == ":":
        return "symbol", text[1:].strip("\"'")
    if _PSYCH_SEXAGESIMAL_INT.fullmatch(text) or _PSYCH_SEXAGESIMAL_FLOAT.fullmatch(text):
        return _sexagesimal(text)
    if _PSYCH_FLOAT.fullmatch(text):
        if text.lstrip("+-") == ".":
            return "str", text
        cleaned = re.sub(r"\.([Ee]|$)", r"\1", text.replace(",", "").replace("_", ""))
        return "float", float(cleaned)
    if _PSYCH_INT.fullmatch(text):
        try:
            return "int", _ruby_integer(text.replace(",", "").replace("_", ""))
        except ValueError:  # 0b_, 0x,: Psych's Integer() raises, and Jekyll fails the file
            return "error", None
    return "str", text


def _psych_time(text: str) -> tuple[str, Any]:
    match = re.match(r"(-?\d{4})-(\d{1,2})-(\d{1,2})([ \tTt]+)(\d+):(\d+):(\d+)", text)
    if match is None:  # pragma: no cover - the time pattern matched already
        return "str", text
    if not set(match.group(4)) - {"\t"}:
        # Psych splits the date from the time at a space or a T, not at a tab: with
        # tabs alone it finds no time and raises, and Jekyll fails the page.
        return "error", None
    year, month, day, hour, minute, second = (int(match.group(n)) for n in (1, 2, 3, 5, 6, 7))
    try:
        # Only to see whether Ruby would accept it: Time.utc refuses what this refuses.
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return "str", text
    return "time", text


def _sexagesimal(text: str) -> tuple[str, Any]:
    # Psych multiplies part i by 60 ** |i - 2| and reads each part with to_i/to_f, which
    # keep the sign of the first part only: "1:16" is 4560, not 76. Reproduced as it is
    # (newer Psych versions may differ; either way the value is a number, not text).
    parts = text.split(":")
    if "." in parts[-1]:
        total = sum(_ruby_to_f(part) * 60 ** abs(i - 2) for i, part in enumerate(parts))
        return "float", total
    return "int", sum(_ruby_to_i(part) * 60 ** abs(i - 2) for i, part in enumerate(parts))


def _ruby_to_i(part: str) -> int:
    match = re.match(r"[-+]?\d[\d_]*", part)
    return int(match.group().replace("_", "")) if match else 0


def _ruby_to_f(part: str) -> float:
    match = re.match(r"[-+]?\d[\d_]*(\.\d[\d_]*)?", part)
    return float(match.group().replace("_", "")) if match else 0.0


def _ruby_integer(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith(("0b", "0B")):
        return sign * int(digits[2:], 2)
    if digits.startswith(("0x", "0X")):
        return sign * int(digits[2:], 16)
    if len(digits) > 1 and digits.startswith("0"):
        return sign * int(digits[1:], 8)
    return sign * int(digits)


def core_reading(text: str) -> tuple[str, Any]:
    """How YAML 1.2's core schema reads a plain scalar, as ``(kind, value)``."""
    try:
        value = resolve_plain(text) if text else None
    except ValueError:
        return "int", None
    if value is None:
        return "null", None
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, int):
        return "int", value
    if isinstance(value, float):
        return "float", value
    return "str", value


def _same_reading(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "float" and math.isnan(a[1]) and math.isnan(b[1]):
        return True
    return bool(a[1] == b[1])


def _describe(reading: tuple[str, Any], text: str) -> str:
    kind, value = reading
    if kind == "str":
        return f"the text {brief(text, _SHOWN)}"
    if kind == "null":
        return "null"
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("date", "time"):
        return f"a {'Date' if kind == 'date' else 'Time'}"
    if kind == "symbol":
        return f"the Ruby symbol :{shorten(value, _SHOWN)}"
    if kind == "error":
        return "nothing (Psych raises an error, and Jekyll cannot build the page)"
    return f"the {'integer' if kind == 'int' else 'number'} {shorten(repr(value), _SHOWN)}"


def _yaml11_problems(doc: Document, path: str | None) -> Iterator[Problem]:
    root = doc._root  # the nodes keep each scalar's style, the record not
    for where, node in _plain_values(root, ""):
        psych = jekyll_reading(node.value)
        ours = _our_reading(doc, where, node.value)
        if _same_reading(psych, ours):
            if psych[0] in ("str", "int", "float") and _declares_date(doc, where) and node.value:
                # newsrecord reads it as a date-time (20240105, 2024-01-05T10:00Z).
                read_as = "text" if psych[0] == "str" else _describe(psych, node.value)
                yield _problem(
                    doc,
                    path,
                    where,
                    f"Jekyll (YAML 1.1) reads {brief(node.value, _SHOWN)} as {read_as}, not "
                    f"as a date-time (sorting by it fails there): {_date_time_form(doc, where)}",
                )
            continue
        if psych[0] in ("date", "time") and _is_dated(doc, where):
            continue
        message = (
            f"Jekyll (YAML 1.1) reads {brief(node.value, _SHOWN)} as "
            f"{_describe(psych, node.value)}, "
            f"newsrecord (YAML 1.2) as {_describe(ours, node.value)}: quote it"
        )
        yield _problem(doc, path, where, message)
    for field, key in _keys(root, ""):
        told = _key_message(key)
        if told is not None:
            yield doc._problem_at(key.start, told, field if len(field) <= 80 else None)
    yield from _yaml11_line_breaks(doc)


def _yaml11_line_breaks(doc: Document) -> Iterator[Problem]:
    """Line breaks of YAML 1.1 alone, written as they are in the front matter.

    Psych ends a line at NEL, U+2028 and U+2029 (YAML 1.1 counts them as line breaks;
    1.2 does not): a value pasted with one is cut there, a comment with one ends early
    and what follows it is read as a key, or the page fails to build.
    """
    parts = doc._parts
    text = doc._current
    found = YAML11_BREAK.search(text, parts.yaml_start, parts.yaml_end)
    if found is not None:
        message = (
            f"a {YAML11_BREAKS[found.group()]} character, which Jekyll (YAML 1.1) reads as "
            "a line break, not as part of the text: delete it, or write it as an escape "
            "in double quotes (\\L, \\P, \\N)"
        )
        count = len(YAML11_BREAK.findall(text, parts.yaml_start, parts.yaml_end))
        if count > 1:
            message += f" ({count} in the front matter)"
        yield doc._problem_at(found.start(), message, None)


def _header_problems(doc: Document, path: str | None) -> Iterator[Problem]:
    """What makes Jekyll miss the front matter that newsrecord reads.

    Jekyll decides whether a page or a collection's document has front matter from the
    file's first bytes (``Utils.has_yaml_header?``: ``---`` then a line feed), read
    raw; posts and drafts are read as text, without a byte order mark. Its front matter
    pattern needs line feeds: a file whose lines end in CR alone has none (one whose
    lines end in CR CR LF, CRLF converted twice, has them: Jekyll reads it).
    """
    if doc.newline == "\r" and not _jekyll_finds_front_matter(doc._current):
        yield Problem(
            "the lines end in CR alone: Jekyll finds no front matter in the file and "
            "publishes it as it is (newsrecord fix writes LF line breaks)",
            path,
            1,
            1,
        )
    folders = Path(path).parts[:-1] if path else ()
    if doc._current.startswith("\ufeff") and not {"_posts", "_drafts"} & set(folders):
        yield Problem(
            "a byte order mark before ---: Jekyll finds no front matter in a page or a "
            "collection's document that starts with one, and copies the file unrendered "
            "(newsrecord fix removes it)",
            path,
            1,
            1,
        )


# Jekyll's front matter pattern, \A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?) (multi-line, with
# Ruby's ^ and $ at line feeds only), split in two so that no part backtracks over a run of
# blanks: the same files match.
_JEKYLL_OPENING: Final = re.compile(r"---[ \t\r\f\v]*+\n")
_JEKYLL_CLOSING: Final = re.compile(r"^(?:---|\.\.\.)[ \t\r\f\v]*+(?:\n|\Z)", re.MULTILINE)


def _jekyll_finds_front_matter(text: str) -> bool:
    """Whether Jekyll's front matter pattern matches *text* (without a byte order mark)."""
    opening = _JEKYLL_OPENING.match(text)
    return opening is not None and _JEKYLL_CLOSING.search(text, opening.end()) is not None


def _conflict_problems(doc: Document, path: str | None) -> Iterator[Problem]:
    """Conflicts git left in the body (in the front matter they stop the parse).

    Jekyll publishes the markers and both sides as the page's text.
    """
    body = doc.body
    first_line = doc._current.count("\n", 0, doc._parts.body_start) + 1
    for found in _CONFLICT.finditer(body):
        line = first_line + body.count("\n", 0, found.start())
        yield Problem(
            "an unresolved merge conflict in the body (git's <<<<<<< ======= >>>>>>> "
            "lines): Jekyll publishes the markers and both versions; keep the text meant "
            "and remove the marker lines",
            path,
            line,
            1,
        )


def _key_message(key: nodes.Scalar) -> str | None:
    """What Jekyll reads otherwise in a key: a plain key it resolves as no string.

    (A ``<<`` key, quoted or not, is a merge key to both readers: no key once read.)
    """
    if key.tag is not None or key.style != nodes.PLAIN:
        return None
    psych = jekyll_reading(key.value)
    if psych[0] == "str":
        return None
    shown = brief(key.value, _SHOWN)
    return (
        f"Jekyll (YAML 1.1) reads the key {shown} as {_describe(psych, key.value)}, so no "
        f"field named {shown} is there (two such keys are one): quote it"
    )


def _keys(node: nodes.Node, where: str) -> Iterator[tuple[str, nodes.Scalar]]:
    """Yield ``(field, key)`` for every key of every mapping."""
    if isinstance(node, nodes.Mapping):
        for key, value in node.pairs:
            here = f"{where}.{key.value}" if where else key.value
            yield here, key
            yield from _keys(value, here)
    elif isinstance(node, nodes.Sequence):
        for index, item in enumerate(node.items):
            yield from _keys(item, f"{where}[{index}]")


def _declared_at(doc: Document, where: str) -> Any:
    """The type the model declares at *where* (None left out), or None if it declares none."""
    try:
        return optional_part(declared_type(doc.kind, parse_field_path(where)))
    except ValidationError:
        return None


def _declares_date(doc: Document, where: str) -> bool:
    """Whether the model declares a date or date-time at *where*."""
    return _declared_at(doc, where) in (dt.datetime, dt.date)


def _date_time_form(doc: Document, where: str) -> str:
    """How to write the date-time at *where* so that Jekyll reads it as one too."""
    try:
        value = get_field(doc.record, where)
    except ValidationError:
        value = None
    if isinstance(value, dt.datetime):
        return f"write it as {format_datetime(value)}"
    if isinstance(value, dt.date):
        return f"write it as {value.isoformat()}"
    return "write it as 2024-01-05T10:00:00Z or 2024-01-05 10:00:00 +00:00"


def _our_reading(doc: Document, where: str, text: str) -> tuple[str, Any]:
    """How newsrecord reads a plain value at *where*.

    As text where the model declares text (a title, a topic, a duration, a price), null
    aside; as YAML 1.2's core schema reads it everywhere else.
    """
    declared = _declared_at(doc, where)
    core = core_reading(text)
    if (declared is str or declared in VALUE_CLASSES) and core[0] != "null":
        return "str", text  # null (an empty value, ~) is no value there either
    return core


def _is_dated(doc: Document, where: str) -> bool:
    """Whether the value at *where* is meant as a date: the model says so, or its key does.

    Keys the model does not know but whose name says date (``startDateTime``,
    ``endDate``) hold dates on purpose; Jekyll reading them as dates is what the site
    wants.
    """
    key = where.rsplit(".", 1)[-1].split("[", 1)[0].lower()
    if key.endswith(("date", "datetime", "time")):
        return True
    try:
        value = get_field(doc.record, where)
    except ValidationError:
        return False
    return isinstance(value, dt.date)


def _plain_values(node: nodes.Node, where: str) -> Iterator[tuple[str, nodes.Scalar]]:
    """Yield ``(field, scalar)`` for every plain, untagged value."""
    if isinstance(node, nodes.Mapping):
        for key, value in node.pairs:
            yield from _plain_values(value, f"{where}.{key.value}" if where else key.value)
    elif isinstance(node, nodes.Sequence):
        for index, item in enumerate(node.items):
            yield from _plain_values(item, f"{where}[{index}]")
    elif node.style == nodes.PLAIN and node.tag is None:
        yield where, node


# --- rules across records -------------------------------------------------------------------


@attrs.frozen
class RecordFacts:
    """What one record says about itself that rules across records compare.

    Attributes:
        path: The file.
        slug: Its slug: the file name without extension and ``YYYY-MM-DD-`` prefix.
        web_url: Its ``webUrl``, if any, with the line and column of the value.
        related_slugs: Each slug in its ``related`` list, with field, line and column.
    """

    path: str
    slug: str
    web_url: tuple[str, int | None, int | None] | None = None
    related_slugs: tuple[tuple[str, str, int | None, int | None], ...] = ()


def slug_of(path: str) -> str:
    """Jekyll's slug of a file: its name without extension and without a date prefix."""
    stem = PurePosixPath(path.replace("\\", "/")).stem
    match = _DATE_PREFIX.match(stem)
    return stem[match.end() :] if match else stem


def facts_of(doc: Document, path: str) -> RecordFacts:
    """Collect what rules across records need from one document."""
    web_url = None
    value = getattr(doc.record, "web_url", None)
    if isinstance(value, str):
        line, column = doc.locate("webUrl") or (None, None)
        web_url = (value, line, column)
    slugs = []
    for index, item in enumerate(getattr(doc.record, "related", None) or ()):
        if isinstance(item, str):
            where = f"related[{index}]"
            line, column = doc.locate(where) or (None, None)
            slugs.append((item, where, line, column))
    return RecordFacts(path, slug_of(path), web_url, tuple(slugs))


def cross_record_problems(facts: Iterable[RecordFacts], rules: Iterable[str]) -> list[Problem]:
    """Run the rules across records among *rules* on the facts of every record of a run."""
    selected = _known(rules)
    every = list(facts)
    problems: list[Problem] = []
    if "duplicate-web-url" in selected:
        problems.extend(_duplicates(every, lambda f: f.web_url[0] if f.web_url else None))
    if "duplicate-slug" in selected:
        problems.extend(_duplicates(every, lambda f: f.slug))
    if "related-slug" in selected:
        known = {fact.slug for fact in every}
        for fact in every:
            for slug, where, line, column in fact.related_slugs:
                if slug not in known:
                    message = f"no record has the slug {slug!r}"
                    problems.append(Problem(message, fact.path, line, column, where))
    return problems


def _duplicates(
    every: list[RecordFacts], key: Callable[[RecordFacts], str | None]
) -> Iterator[Problem]:
    seen: dict[str, list[RecordFacts]] = {}
    for fact in every:
        value = key(fact)
        if value is not None:
            seen.setdefault(value, []).append(fact)
    for value, group in seen.items():
        if len(group) < 2:
            continue
        for fact in group:
            others = ", ".join(other.path for other in group if other is not fact)
            if fact.web_url is not None and fact.web_url[0] == value:
                _, line, column = fact.web_url
                yield Problem(f"the same webUrl as {others}", fact.path, line, column, "webUrl")
            else:
                yield Problem(f"the same slug {value!r} as {others}", fact.path)


def check_records(
    docs: Iterable[Document], rules: Iterable[str], *, site_root: str | Path | None = None
) -> list[Problem]:
    """Run *rules* (one-record rules and rules across records) on several documents.

    Documents without a path are named by their position (``<record 3>``) in problems.
    """
    selected = _known(rules)
    problems: list[Problem] = []
    facts = []
    for number, doc in enumerate(docs):
        path = doc.path or f"<record {number}>"
        problems.extend(check_document(doc, selected, path=path, site_root=site_root))
        facts.append(facts_of(doc, path))
    return problems + cross_record_problems(facts, selected)
