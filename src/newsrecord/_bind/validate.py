"""Checking records built or edited in code, as loading would check their values.

A record read from a file was checked value by value as it was built; one made or
changed in code is checked here, before it is written, by running each field's validator
(declared in :mod:`newsrecord.model.fields`). Every problem is collected with its field
path, so that one error lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import Any

import attrs

from newsrecord._bind.convert import Located
from newsrecord._bind.paths import FieldPath, parse_field_path
from newsrecord.errors import RecordError
from newsrecord.model.fields import info, is_model

__all__ = ["check", "check_assigned"]


def check(record: Any, only: set[str] | None = None) -> list[Located]:
    """Check a record built or edited in code, as loading would; return every problem.

    With *only* (top-level YAML keys, "extra" for unknown keys), the other fields are
    taken as checked already: they are as they were loaded.
    """
    problems: list[Located] = []
    wanted = None if only is None else (lambda attribute: _key(attribute) in only)
    _check(record, (), problems, wanted)
    return problems


def check_assigned(
    owner: Any, names: Iterable[str], path: FieldPath, known: Container[int] = ()
) -> list[Located]:
    """Check attributes *names* of the model object *owner*, as :func:`check` does.

    Model objects whose ``id`` is in *known* are taken as checked (they are as loaded, or
    checked on their own): only what was assigned is looked into, so that checking an
    edit costs what the edit changed.
    """
    problems: list[Located] = []
    wanted = set(names)
    _check(owner, path, problems, lambda attribute: attribute.name in wanted, known)
    return problems


def _key(attribute: attrs.Attribute[Any]) -> str:
    return "extra" if attribute.name == "extra" else info(attribute).key


def _check(
    owner: Any,
    path: FieldPath,
    out: list[Located],
    wanted: Callable[[attrs.Attribute[Any]], bool] | None = None,
    known: Container[int] = (),
) -> None:
    """Validate *owner*'s attributes (those *wanted*) and the model objects inside them."""
    for attribute in attrs.fields(type(owner)):
        if wanted is not None and not wanted(attribute):
            continue
        item = getattr(owner, attribute.name)
        here = path if attribute.name == "extra" else (*path, info(attribute).key)
        if not _valid(owner, attribute, item, here, out):
            continue
        if is_model(item):
            if id(item) not in known:
                _check(item, here, out)
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if is_model(element) and id(element) not in known:
                    _check(element, (*here, index), out)


def _valid(
    owner: Any, attribute: attrs.Attribute[Any], item: Any, here: FieldPath, out: list[Located]
) -> bool:
    """Run the field's validator on *item*; note a problem in *out* and say whether none."""
    try:
        if attribute.validator is not None:
            attribute.validator(owner, attribute, item)
    except RecordError as exc:
        if exc.field is not None and exc.field.endswith("]") and here:
            # The validator named an item of the list (topics[1]): point at it.
            here = (*here, parse_field_path(exc.field)[-1])
        out.append((here, exc.message))
        return False
    except (TypeError, ValueError) as exc:
        out.append((here, str(exc)))
        return False
    return True
