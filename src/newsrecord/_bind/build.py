"""Records straight from nodes: the fast path of loading a valid record.

Loading a record normally goes nodes -> plain data -> cattrs, which checks every value
and reports every problem. For a valid record the same result can be built in one walk
over the nodes, with a converter per field compiled once per class from the same type
annotations and the same value hooks. This module does that walk; at the first value it
does not accept it gives up (returns None) and the caller takes the cattrs path, which
then reports the problems. A differential test checks both paths build equal records.

The walk also notes what the snapshot of the record needs (``newsrecord._bind.snapshot``):
for each model object and each list, where it sits and its values as built. Noting them
while building costs a list per object; walking the record again afterwards cost about as
much as building it.

Each model class gets a build function generated as Python source (once per class): the
fields are dispatched by index, text fields (most of a record) are converted inline, and
the attributes are set in straight-line code. Calling a converter per field and setting
attributes in a loop cost about twice as much.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from itertools import accumulate
from typing import Any, Final, TypeVar

import attrs

from newsrecord._read import parse
from newsrecord._read.parse import (
    MAX_INT_DIGITS,
    PLAIN,
    Mapping,
    Node,
    Scalar,
    Sequence,
    resolve_plain,
)
from newsrecord._read.yaml_core import BOOL_WORDS, NULL_WORDS
from newsrecord.model.fields import fields, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.records import AnyRecord, RelatedArticle

__all__ = ["DEPTH", "KEY", "NOTES", "OLD", "PARENT", "STEP", "VALUE", "Note", "build"]

Note = list[Any]
"""What the walk notes of one model object or list, as a list indexed by the constants
below (a list, not an object: one is made for every object of every record loaded)."""

VALUE: Final = 0
"""The object or list."""
PARENT: Final = 1
"""The note of the object or list that holds it (None for the record)."""
STEP: Final = 2
"""The attribute name in the parent object, or the index in the parent list."""
KEY: Final = 3
"""The YAML key in the parent object (None in a list)."""
DEPTH: Final = 4
"""The nesting depth the splice planner gives its node."""
OLD: Final = 5
"""Its values as built: the attribute values in field order, ``extra`` last; or the items
(a list for a list of text, else a tuple)."""
NOTES: Final = 7
"""The length of a note (slot 6 is the snapshot's, for the entry it makes of the note)."""


class _NotAcceptedError(Exception):
    """A value the fast path does not take: the cattrs path decides."""


Converter = Callable[[Node], Any]
# Converters of values that hold model objects or lists take where they are too:
# (node, notes, parent note, step, key, depth).
Structural = Callable[[Node, list[Note], Note, str, str, int], Any]


K = TypeVar("K", bound=AnyRecord)


def build(root: Mapping, cls: type[K], notes: list[Note] | None = None) -> K | None:
    """Build the record of *root* as class *cls*, or None to use the cattrs path.

    When *notes* is given, a note for every model object and list of the record is
    appended to it (children before the objects that hold them).
    """
    try:
        record: K = _builder(cls)(root, [] if notes is None else notes, None, None, None, 0)
    except (_NotAcceptedError, ValueError, TypeError, OverflowError):
        if notes is not None:
            notes.clear()
        return None
    return record


def _text(node: Node) -> str | None:
    """The text of a scalar where the model expects text; None for a null."""
    if type(node) is not Scalar or node.tag is not None:
        raise _NotAcceptedError
    if node.style == PLAIN and node.value in NULL_WORDS:
        return None
    return node.value


def _plain_value(node: Node) -> Any:
    """The YAML value of an untagged plain scalar (numbers, booleans, null)."""
    if type(node) is not Scalar or node.tag is not None or node.style != PLAIN:
        raise _NotAcceptedError
    return resolve_plain(node.value)


def _to_int(node: Node) -> int | None:
    value = _plain_value(node)
    if value is None or type(value) is int:
        return value
    raise _NotAcceptedError


def _to_float(node: Node) -> float | None:
    value = _plain_value(node)
    if value is None or type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise _NotAcceptedError


def _to_bool(node: Node) -> bool | None:
    value = _plain_value(node)
    if value is None or type(value) is bool:
        return value
    raise _NotAcceptedError


def _wrapping(make: Callable[[str], Any]) -> Converter:
    def convert(node: Node) -> Any:
        text = _text(node)
        return None if text is None else make(text)

    return convert


_SCALARS: Final[dict[Any, Converter]] = {
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    str: _text,
    **{
        tp: _wrapping(leaf.parse)
        for tp, leaf in LEAVES.items()
        if leaf.parse is not None and tp is not str
    },
}


def _extra_value(node: Node) -> Any:
    errors: list[tuple[str, int, str]] = []
    value = parse.to_data(node, parse.ANY, errors)
    if errors:
        raise _NotAcceptedError
    return value


def _not_none(value: Any) -> Any:
    # A null list item is an error the cattrs path reports.
    if value is None:
        raise _NotAcceptedError
    return value


def _item_class(tp: Any) -> type | None:
    """The model class of a list item (or a field); None where it is a scalar.

    The one union of the model, a related summary or a slug, gives the summary's class.
    """
    tp = optional_part(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        # The one union of the model: a related summary or a slug.
        if set(typing.get_args(tp)) != {RelatedArticle, str}:
            raise TypeError(f"no fast converter for {tp!r}")
        return RelatedArticle
    if attrs.has(tp) and tp not in _SCALARS:
        return tp
    return None


def _text_items(nodes: list[Node]) -> list[str]:
    """The items of a list of text, none of them null."""
    items = []
    for node in nodes:
        if type(node) is not Scalar or node.tag is not None:
            raise _NotAcceptedError
        text = node.value
        if node.style == PLAIN and text in NULL_WORDS:
            raise _NotAcceptedError
        items.append(text)
    return items


def _structural(tp: Any) -> Structural | None:
    """The converter of a field holding a model object or a list; None for scalars."""
    tp = optional_part(tp)
    if typing.get_origin(tp) is list:
        item_type = typing.get_args(tp)[0]
        cls = _item_class(item_type)
        if cls is None:
            scalar = _scalar(item_type)

            def convert_scalars(
                node: Node, notes: list[Note], parent: Note, step: Any, key: Any, depth: int
            ) -> list[Any] | None:
                if type(node) is Sequence:
                    # Lists of text keep a list of their items as built, others a tuple
                    # (the snapshot compares each kind its own way).
                    if scalar is _text:
                        items = _text_items(node.items)
                        notes.append([items, parent, step, key, depth, items[:], None])
                    else:
                        items = [_not_none(scalar(child)) for child in node.items]
                        notes.append([items, parent, step, key, depth, tuple(items), None])
                    return items
                if _text(node) is None:
                    return None
                raise _NotAcceptedError

            return convert_scalars
        item_class: type = cls
        slugs = optional_part(item_type) is not item_class

        def convert_objects(
            node: Node, notes: list[Note], parent: Note, step: Any, key: Any, depth: int
        ) -> list[Any] | None:
            if type(node) is Sequence:
                note: Note = [None, parent, step, key, depth, None, None]
                below = depth + 1
                nested = _builder(item_class)
                if slugs:
                    items = [
                        nested(child, notes, note, number, None, below)
                        if type(child) is Mapping
                        else _not_none(_text(child))
                        for number, child in enumerate(node.items)
                    ]
                else:
                    items = [
                        nested(child, notes, note, number, None, below)
                        for number, child in enumerate(node.items)
                    ]
                note[VALUE] = items
                note[OLD] = tuple(items)
                notes.append(note)
                return items
            if _text(node) is None:
                return None
            raise _NotAcceptedError

        return convert_objects
    if tp in _SCALARS or tp is typing.Any:
        return None
    cls = _item_class(tp)
    if cls is None:
        raise TypeError(f"no fast converter for {tp!r}")
    slug = tp is not cls

    def convert_model(
        node: Node, notes: list[Note], parent: Note, step: Any, key: Any, depth: int
    ) -> Any:
        if type(node) is Mapping:
            return _builder(cls)(node, notes, parent, step, key, depth)
        text = _text(node)
        if text is None or slug:
            return text
        raise _NotAcceptedError

    return convert_model


def _scalar(tp: Any) -> Converter:
    tp = optional_part(tp)
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp is typing.Any:
        return _extra_value
    raise TypeError(f"no fast converter for {tp!r}")


Builder = Callable[[Node, list[Note], Any, Any, Any, int], Any]


_BUILDERS: dict[type, Builder] = {}


def _builder(cls: type) -> Builder:
    found = _BUILDERS.get(cls)
    if found is None:
        found = _BUILDERS[cls] = _compile(cls)
    return found


def _compile(cls: type) -> Builder:
    """Generate the build function of *cls* (see the module's docstring)."""
    specs = fields(cls)
    structural = {spec.name: _structural(spec.type) for spec in specs}

    def of_type(tp: Any) -> list[Any]:
        return [spec for spec in specs if optional_part(spec.type) is tp]

    texts, ints, bools = of_type(str), of_type(int), of_type(bool)
    inline = [*texts, *ints, *bools]
    scalars = [spec for spec in specs if spec not in inline and structural[spec.name] is None]
    nested = [spec for spec in specs if structural[spec.name] is not None]
    # Slots of the value list by how a field is converted, so that comparing the index
    # with the bounds of each group chooses the conversion.
    order = [*inline, *scalars, *nested]
    slot = {spec.name: number for number, spec in enumerate(order)}
    converters = [structural[spec.name] or _scalar(spec.type) for spec in order]
    bounds = list(accumulate(map(len, (texts, ints, bools, scalars))))
    required = " or ".join(f"v[{slot[spec.name]}] is None" for spec in specs if spec.required)
    lines = [
        "def build_model(node, notes, parent, step, key, depth):",
        "    if type(node) is not Mapping:",
        "        raise NotAccepted",
        "    note = [None, parent, step, key, depth, None, None]",
        f"    v = [None] * {len(order)}",
        "    extra = {}",
        "    for name, value in node.pairs:",
        "        name = name.value",
        "        i = slots(name)",
        "        if i is None:",
        "            extra[name] = extra_value(value)",
        f"        elif i < {bounds[0]}:",
        "            if type(value) is not Scalar or value.tag is not None:",
        "                raise NotAccepted",
        "            text = value.value",
        "            v[i] = None if value.style == PLAIN and text in NULL_WORDS else text",
        # Plain decimal integers and booleans inline; anything else (null, octal, ...)
        # through the converter, which resolves it as YAML's core schema does.
        f"        elif i < {bounds[1]}:",
        "            text = value.value if type(value) is Scalar else ''",
        "            if (",
        "                text.isdigit() and text.isascii() and len(text) <= MAX_INT_DIGITS",
        "                and value.style == PLAIN and value.tag is None",
        "            ):",
        "                v[i] = int(text)",
        "            else:",
        "                v[i] = converters[i](value)",
        f"        elif i < {bounds[2]}:",
        "            flag = BOOL_WORDS.get(value.value) if type(value) is Scalar else None",
        "            if flag is not None and value.style == PLAIN and value.tag is None:",
        "                v[i] = flag",
        "            else:",
        "                v[i] = converters[i](value)",
        f"        elif i < {bounds[3]}:",
        "            v[i] = converters[i](value)",
        "        else:",
        "            v[i] = converters[i](value, notes, note, names[i], keys[i], depth + 1)",
    ]
    if required:
        lines += [f"    if {required}:", "        raise NotAccepted"]
    lines.append("    made = new(cls)")
    # The values are checked as strictly as the validators would; setting them directly
    # skips running every validator a second time.
    lines += [f"    setter(made, {spec.name!r}, v[{slot[spec.name]}])" for spec in order]
    values = ", ".join(f"v[{slot[spec.name]}]" for spec in specs)
    lines += [
        "    setter(made, 'extra', extra)",
        "    note[0] = made",
        f"    note[5] = ({values}, extra)",
        "    notes.append(note)",
        "    return made",
    ]
    namespace: dict[str, Any] = {
        "Mapping": Mapping,
        "Scalar": Scalar,
        "PLAIN": PLAIN,
        "NULL_WORDS": NULL_WORDS,
        "BOOL_WORDS": BOOL_WORDS,
        "MAX_INT_DIGITS": MAX_INT_DIGITS,
        "NotAccepted": _NotAcceptedError,
        "slots": {spec.key: slot[spec.name] for spec in specs}.get,
        "extra_value": _extra_value,
        "converters": converters,
        "names": [spec.name for spec in order],
        "keys": [spec.key for spec in order],
        "new": object.__new__,
        "cls": cls,
        "setter": object.__setattr__,
    }
    source = "\n".join(lines)
    exec(compile(source, f"<newsrecord build of {cls.__name__}>", "exec"), namespace)  # noqa: S102  # generated from the model's own field names
    made: Builder = namespace["build_model"]
    return made
