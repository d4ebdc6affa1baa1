"""What the model expects at each place of a front matter, for reading plain scalars.

A plain scalar such as ``2023`` or ``true`` is text where the model expects text (a
title, a price, a date-time written as text) and a YAML number or boolean elsewhere.
:func:`shape_of` derives that map from the field declarations and the leaf table once
per class; :func:`newsrecord._read.parse.to_data` follows it.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from newsrecord._read import parse
from newsrecord.model.fields import fields, is_model_class, optional_part
from newsrecord.model.leaves import LEAVES

__all__ = ["shape_of"]

_SHAPES: dict[type, parse.Shape] = {}


def shape_of(cls: type) -> parse.Shape:
    """Return the shape the model expects for a mapping of class *cls*."""
    shape = _SHAPES.get(cls)
    if shape is not None:
        return shape
    # Stored before it is filled, so that recursive classes (related articles) refer to
    # themselves instead of recursing forever.
    shape = _SHAPES[cls] = parse.Shape()
    for spec in fields(cls):
        shape.keys[spec.key] = _shape_of_type(spec.type)
    return shape


def _shape_of_type(tp: Any) -> parse.Shape:
    tp = optional_part(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        # A place that holds a mapping or a scalar (a related summary or a slug).
        merged = parse.Shape()
        for option in typing.get_args(tp):
            shape = _shape_of_type(option)
            merged.text = merged.text or shape.text
            merged.keys = merged.keys or shape.keys
            merged.item = merged.item or shape.item
        return merged
    leaf = LEAVES.get(tp)
    if leaf is not None and leaf.is_text:
        return parse.Shape(text=True)
    if typing.get_origin(tp) is list:
        return parse.Shape(item=_shape_of_type(typing.get_args(tp)[0]))
    if is_model_class(tp):
        return shape_of(tp)
    return parse.ANY
