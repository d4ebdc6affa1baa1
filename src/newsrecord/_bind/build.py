"""Records straight from nodes: the fast path of loading a valid record.

Loading a record normally goes nodes -> plain data -> cattrs, which checks every value
and reports every problem. For a valid record the same result can be built in one walk
over the nodes, with a converter per field compiled once per class from the same type
annotations and the same value hooks. This module does that walk; at the first value it
does not accept it gives up (returns None) and the caller takes the cattrs path, which
then reports the problems. A differential test checks both paths build equal records.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Final

import attrs

from newsrecord._read import parse
from newsrecord._read.parse import PLAIN, Mapping, Node, Scalar, Sequence, resolve_plain
from newsrecord._read.yaml_core import NULL_WORDS
from newsrecord.model.fields import fields, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.records import AnyRecord, RelatedArticle

__all__ = ["build"]


class _NotAcceptedError(Exception):
    """A value the fast path does not take: the cattrs path decides."""


Converter = Callable[[Node], Any]


def build(root: Mapping, cls: type[AnyRecord]) -> AnyRecord | None:
    """Build the record of *root* as class *cls*, or None to use the cattrs path."""
    try:
        record: AnyRecord = _builder(cls)(root)
    except (_NotAcceptedError, ValueError, TypeError, OverflowError):
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


def _to_str(node: Node) -> str | None:
    return _text(node)


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
    str: _to_str,
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


def _converter(tp: Any) -> Converter:
    tp = optional_part(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        item = _converter(typing.get_args(tp)[0])

        def convert_list(node: Node) -> list[Any] | None:
            if type(node) is Sequence:
                return [_not_none(item(child)) for child in node.items]
            if _text(node) is None:
                return None
            raise _NotAcceptedError

        return convert_list
    if origin in (typing.Union, types.UnionType):
        # The one union of the model: a related summary or a slug.
        if set(typing.get_args(tp)) != {RelatedArticle, str}:
            raise TypeError(f"no fast converter for {tp!r}")
        summary = _lazy_builder(RelatedArticle)

        def convert_related(node: Node) -> Any:
            if type(node) is Mapping:
                return summary(node)
            return _text(node)

        return convert_related
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp is typing.Any:
        return _extra_value
    if attrs.has(tp):
        nested = _lazy_builder(tp)

        def convert_model(node: Node) -> Any:
            if type(node) is Mapping:
                return nested(node)
            if _text(node) is None:
                return None
            raise _NotAcceptedError

        return convert_model
    raise TypeError(f"no fast converter for {tp!r}")


def _not_none(value: Any) -> Any:
    # A null list item is an error the cattrs path reports.
    if value is None:
        raise _NotAcceptedError
    return value


def _lazy_builder(cls: type) -> Callable[[Mapping], Any]:
    # Classes refer to each other (a record to its related summaries): compile on use.
    def build_nested(node: Mapping) -> Any:
        return _builder(cls)(node)

    return build_nested


_BUILDERS: dict[type, Callable[[Mapping], Any]] = {}


def _builder(cls: type) -> Callable[[Mapping], Any]:
    found = _BUILDERS.get(cls)
    if found is not None:
        return found
    specs = fields(cls)
    table = {spec.key: (spec.name, _converter(spec.type)) for spec in specs}
    names = [spec.name for spec in specs]
    required = [spec.name for spec in specs if spec.required]
    setter = object.__setattr__

    def build_model(node: Mapping) -> Any:
        if type(node) is not Mapping:
            raise _NotAcceptedError
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in node.pairs:
            entry = table.get(key.value)
            if entry is None:
                extra[key.value] = _extra_value(value)
            else:
                values[entry[0]] = entry[1](value)
        for name in required:
            if values.get(name) is None:
                raise _NotAcceptedError
        # The values are checked as strictly as the validators would; setting them
        # directly skips running every validator a second time.
        record: Any = object.__new__(cls)
        for name in names:
            setter(record, name, values.get(name))
        setter(record, "extra", extra)
        return record

    _BUILDERS[cls] = build_model
    return build_model
