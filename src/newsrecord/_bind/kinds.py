"""Which kind of record a front matter is: from its ``type``, its keys and its folder.

The rules are the model's own facts (each kind's ``TYPES``, ``FOLDERS`` and, for
companies, ``SIGNS``); this module applies them to nodes, to plain data and to a kind a
caller forces.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, Final

from newsrecord._bind.paths import FieldPath
from newsrecord._read import parse
from newsrecord._read.yaml_core import NULL_WORDS
from newsrecord.model.fields import keys_of
from newsrecord.model.records import (
    KINDS,
    AnyRecord,
    Article,
    CompanyProfile,
    Organization,
    Profile,
    Record,
)

__all__ = ["kind_of", "kind_of_node", "mismatches"]


def kind_of(data: Any) -> type[AnyRecord]:
    """Choose the model class for plain data from its ``type`` and keys."""
    if not isinstance(data, dict):
        return Record
    return _kind(data.get("type"), data.get("category"), data.keys())


def kind_of_node(root: parse.Mapping, path: str | None = None) -> type[AnyRecord]:
    """Choose the model class for a parsed front matter from its ``type``, keys and folder."""
    scalars = {
        key.value: None if value.style == parse.PLAIN and value.value in NULL_WORDS else value.value
        for key, value in root.pairs
        if isinstance(value, parse.Scalar)
    }
    return _kind(scalars.get("type"), scalars.get("category"), scalars.keys(), path)


def _kind(
    type_: Any, category: Any, keys: Iterable[str], path: str | None = None
) -> type[AnyRecord]:
    if category == "news":
        return Article
    if type_ is None:
        # Organization records have no type; they are known by their identifying keys.
        keys = set(keys)
        if "taxonomy" in keys or "_id" in keys:
            return Organization
        return _kind_of_folder(path) or Record
    chosen = _BY_TYPE.get(str(type_).lower())
    if chosen is Profile and (
        not _COMPANY_KEYS.isdisjoint(keys) or _kind_of_folder(path) is CompanyProfile
    ):
        # People and companies both say "profile"; the fields or the folder tell them apart.
        return CompanyProfile
    # The folder is looked at only when the type does not decide: most records say it.
    return chosen or _kind_of_folder(path) or Record


# Jekyll collections: the folder a record is published from names its kind.
_FOLDERS: Final = {folder: kind for kind in KINDS for folder in getattr(kind, "FOLDERS", ())}
_COMPANY_KEYS: Final = frozenset(CompanyProfile.SIGNS)


def _kind_of_folder(path: str | None) -> type[AnyRecord] | None:
    # The nearest folder that names a kind counts (``_learning/videos``, ``_archive/_news``).
    if path is None:
        return None
    for folder in reversed(PurePath(path).parent.parts):
        kind = _FOLDERS.get(folder)
        if kind is not None:
            return kind
    return None


_BY_TYPE: Final = {value: kind for kind in KINDS for value in kind.TYPES}


def mismatches(data: Any, cls: type[AnyRecord]) -> list[tuple[FieldPath, str]]:
    """List the signs that *data* is another kind of record than *cls*.

    Used when a caller forces a kind: a ``type`` that selects another kind, and top-level
    keys that *cls* does not know but another kind does (``bio`` in a video). Keys no kind
    knows are not mismatches: they are kept in ``extra`` as usual.
    """
    if not isinstance(data, dict) or kind_of(data) is cls:
        # The kind the file itself selects (a news article may say type: video).
        return []
    found: list[tuple[FieldPath, str]] = []
    declared = data.get("type")
    chosen = _BY_TYPE.get(str(declared).lower()) if declared is not None else None
    if chosen is not None and chosen is not cls and not issubclass(cls, chosen):
        found.append(
            (("type",), f"type {declared!r} is for {chosen.__name__} records, not {cls.__name__}")
        )
    own = keys_of(cls)
    for key in data:
        if key not in own:
            other = next((kind for kind in KINDS if key in keys_of(kind)), None)
            if other is not None:
                found.append(
                    ((key,), f"{key!r} is a field of {other.__name__}, not of {cls.__name__}")
                )
    return found
