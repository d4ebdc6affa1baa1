"""How model classes are declared: the type hints their fields are checked and exported by."""

from __future__ import annotations

import typing

import pytest

import newsrecord
from newsrecord.model import records
from newsrecord.model.fields import is_model_class, type_hints

MODEL_CLASSES = sorted(
    (value for value in vars(records).values() if is_model_class(value)),
    key=lambda cls: cls.__name__,
)


def test_every_kind_is_among_the_model_classes() -> None:
    assert set(newsrecord.KINDS) <= set(MODEL_CLASSES)
    assert len(MODEL_CLASSES) > len(newsrecord.KINDS)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_type_hints_are_those_typing_gives(cls: type) -> None:
    assert type_hints(cls) == typing.get_type_hints(cls)
    assert list(type_hints(cls)) == list(typing.get_type_hints(cls))
