"""Render one value as YAML text in a given style (quotes, flow or block, escapes).

Both writers use these functions: the splicer, for values that changed in an existing
file, and the canonical writer, for records made from scratch.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any, Final

import attrs

from newsrecord._read import parse
from newsrecord._read.yaml_core import FLOW_INDICATORS, INDICATORS, double_quoted, is_printable
from newsrecord.model.fields import is_model, keys_of
from newsrecord.model.leaves import LEAVES

__all__ = ["Layout", "block_lines", "is_scalar", "render_scalar", "scalar_text"]

PLAIN: Final = parse.PLAIN
DOUBLE: Final = '"'
SINGLE: Final = "'"
LITERAL: Final = "|"
FOLDED: Final = ">"


@attrs.frozen
class Layout:
    """Indentation of the block collections of a file.

    Attributes:
        indent: Spaces from a key to the keys of its nested mapping.
        dash_indent: Spaces from a key to the dashes of its list (0 for flush dashes).
        newline: The line break.
    """

    indent: int = 2
    dash_indent: int = 2
    newline: str = "\n"


def is_scalar(value: Any) -> bool:
    """Whether *value* is written as a YAML scalar."""
    return not (isinstance(value, list | dict) or _is_record(value))


def _is_record(value: Any) -> bool:
    return is_model(value)


def scalar_text(value: Any) -> str:
    """Return the text of a scalar value, before any quoting."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    leaf = LEAVES.get(type(value))
    if leaf is not None and leaf.format is not None:
        return leaf.format(value)
    return str(value)


# --- quoting ----------------------------------------------------------------------------


# Plain words that some YAML reader takes for something other than a string: YAML 1.2's
# core schema, and YAML 1.1's booleans, numbers with underscores, colons or commas
# (Psych, and so Jekyll, reads `1,000` as 1000), and timestamps, which PyYAML and most
# front matter tools still use.
_NOT_A_STRING = re.compile(
    r"""(?x)
    (?: y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE
      | on|On|ON|off|Off|OFF|null|Null|NULL|~
      | [-+]?0x[0-9a-fA-F_,]+ | [-+]?0o[0-7_]+ | [-+]?0b[01_,]+
      | [-+]?(?:[0-9][0-9_:,]*)?(?:\.[0-9_,]*)?(?:[eE][-+]?[0-9]+)?
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt\s].*)?
      | = | << )"""
)


def can_be_plain(text: str, *, flow: bool = False) -> bool:
    """Whether a string reads back as the same string when written as a plain scalar.

    Strings that any common YAML reader would take for a number, boolean, null or date,
    and YAML 1.1's value and merge keys (``=``, ``<<``), are not plain, even where this
    library would read them as text, so that files stay readable by other tools.
    """
    if not text or text[0] in INDICATORS or text[0] in " \t" or text[-1] in " \t:":
        return False
    if ": " in text or " #" in text or not all(is_printable(ch) for ch in text):
        return False
    if text[:3] in ("---", "...") and text[3:4] in ("", " ", "\t"):
        return False  # at the start of a line, the end of the front matter
    if flow and any(ch in FLOW_INDICATORS for ch in text):
        return False
    return _NOT_A_STRING.fullmatch(text) is None


def key_text(key: str) -> str:
    """The text of a mapping key as written: plain where it can be, else double-quoted."""
    return key if can_be_plain(key) else double_quoted(key)


def _single_quoted(text: str) -> str | None:
    if not all(is_printable(ch) or ch == "\t" for ch in text):
        return None
    return "'" + text.replace("'", "''") + "'"


def _block_scalar(text: str, style: str, indent: str, newline: str) -> str | None:
    if not text or not all(is_printable(ch) or ch in "\t\n" for ch in text):
        return None
    body = text.rstrip("\n")
    if not body:
        # Only line breaks: a block scalar of empty lines reads back as "".
        return None
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = body.split("\n")
    if any(line[:1] in (" ", "\t") for line in lines) or any(
        line.endswith((" ", "\t")) for line in lines
    ):
        # Leading or trailing blanks need indentation indicators and more care than a
        # record's text is worth; a double-quoted scalar keeps them exactly.
        return None
    if style == FOLDED:
        # The line break after a line of text folds (to a space, or to nothing before
        # empty lines), so it is written twice; each empty line is one break as it is,
        # and so are the empty lines before the first text.
        joined: list[str] = []
        for i, line in enumerate(lines):
            if i and lines[i - 1]:
                joined.append("")
            joined.append(line)
        lines = joined
    rendered = [f"{indent}{line}" if line else "" for line in lines]
    rendered += [""] * (trailing - 1)
    return style + chomp + newline + newline.join(rendered)


def render_scalar(
    value: Any,
    style: str,
    *,
    flow: bool = False,
    indent: str = "  ",
    newline: str = "\n",
) -> str:
    """Write a scalar in *style*, or in the nearest style that can hold it.

    Plain falls back to double quotes when the value would read back differently; single
    quotes and block scalars fall back to double quotes for text they cannot hold.
    Block scalars put their lines at *indent*; the result starts with the indicator and
    ends without a final line break.

    Raises:
        ValueError: the text holds a lone surrogate, which no file can store.
    """
    if value is None:
        return "null"
    text = scalar_text(value)
    leaf = LEAVES.get(type(value))
    if leaf is None or not leaf.is_text:
        # Numbers and booleans are plain whatever the style: quoted, they become strings.
        return text
    if style == PLAIN:
        if type(value) is not dt.datetime:
            if can_be_plain(text, flow=flow):
                return text
        elif not (flow and any(ch in FLOW_INDICATORS for ch in text)):
            # A date-time is plain in a block, where YAML reads it as a timestamp; in a
            # flow collection its ':' would end it.
            return text
    if style == SINGLE:
        single = _single_quoted(text)
        if single is not None:
            return single
    if style in (LITERAL, FOLDED) and not flow:
        block = _block_scalar(text, style, indent, newline)
        if block is not None:
            return block
    return double_quoted(text)


# --- block collections ------------------------------------------------------------------

StyleFor = Callable[[str], str]
"""Given a style path (``images[].url``), the preferred scalar style there."""


def block_lines(
    value: Any,
    column: int,
    path: str,
    style_for: StyleFor,
    layout: Layout,
) -> list[str]:
    """Render a mapping (record or dict) or list as block lines starting at *column*.

    Lines carry their indentation and no line break. Empty collections are not handled
    here: callers write them in flow style (``[]``, ``{}``) after the key.
    """
    pad = " " * column
    lines: list[str] = []
    if isinstance(value, list):
        for item in value:
            item_lines = _item_lines(item, column + 2, f"{path}[]", style_for, layout)
            lines.append(f"{pad}- {item_lines[0].lstrip(' ')}")
            lines.extend(item_lines[1:])
        return lines
    for key, item in mapping_items(value):
        lines.extend(entry_lines(key, item, column, _join(path, key), style_for, layout))
    return lines


def _item_lines(
    item: Any,
    column: int,
    path: str,
    style_for: StyleFor,
    layout: Layout,
) -> list[str]:
    if is_scalar(item) or _is_empty(item):
        return [" " * column + _inline(item, path, style_for, column, layout)]
    if isinstance(item, list):
        return block_lines(item, column, path, style_for, layout)
    # A mapping inside a list: its keys line up after the dash.
    return block_lines(item, column, path, style_for, attrs.evolve(layout))


def entry_lines(
    key: str,
    value: Any,
    column: int,
    path: str,
    style_for: StyleFor,
    layout: Layout,
) -> list[str]:
    """Render ``key: value`` at *column*, as one line or a key line and a block."""
    pad = " " * column
    written_key = key_text(key)
    if is_scalar(value) or _is_empty(value):
        inline = _inline(value, path, style_for, column + layout.indent, layout)
        return [f"{pad}{written_key}: {inline}"]
    nested = column + (layout.dash_indent if isinstance(value, list) else layout.indent)
    return [
        f"{pad}{written_key}:",
        *block_lines(value, nested, path, style_for, layout),
    ]


def _inline(
    value: Any,
    path: str,
    style_for: StyleFor,
    indent: int,
    layout: Layout,
) -> str:
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict) or _is_record(value):
        return "{}"
    return render_scalar(
        value,
        style_for(path),
        indent=" " * indent,
        newline=layout.newline,
    )


def _is_empty(value: Any) -> bool:
    if isinstance(value, list | dict):
        return not value
    return _is_record(value) and not mapping_items(value)


def mapping_items(value: Any) -> list[tuple[str, Any]]:
    """Return the ``(YAML key, value)`` pairs of a record or dict, None fields left out."""
    if isinstance(value, dict):
        return list(value.items())
    items = [
        (key, getattr(value, name))
        for key, name in keys_of(type(value)).items()
        if getattr(value, name) is not None
    ]
    items.extend(value.extra.items())
    return items


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
