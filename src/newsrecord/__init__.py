"""newsrecord: typed, lossless reading and editing of article-record files.

An article record is a UTF-8 text file: YAML front matter between ``---`` lines, then a
body. ``loads``/``load`` give a :class:`Document` whose ``record`` is a typed attrs
object; ``Document.dumps``/``save`` write back only what changed.
"""

# Every public name is imported when it is first used (PEP 562), so that ``import
# newsrecord`` costs next to nothing and the command line, which every run imports,
# starts without building the model classes, compiling the query language or loading
# the merge, diff and check modules it does not need. Type checkers read the imports
# below as the package's names and types.

from __future__ import annotations

import importlib

__version__ = "0.1.0"
"""The package's version; the build reads it from here (pyproject's dynamic version)."""

# typing.TYPE_CHECKING without importing typing, which (with the re, enum and collections
# modules it imports) would be most of what ``import newsrecord`` costs; type checkers
# take any name TYPE_CHECKING as true. The annotations here are never evaluated.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any, Final

    from newsrecord import model
    from newsrecord._read.parse import Limits
    from newsrecord.api import REPAIRS, dumps, edit, from_dict, iter_records, load, loads, to_dict
    from newsrecord.checks import (
        RULES,
        RecordFacts,
        Rule,
        check_document,
        check_records,
        cross_record_problems,
        facts_of,
    )
    from newsrecord.diff import FieldChange, diff_records, summarize_changes
    from newsrecord.document import Document
    from newsrecord.editing import append_field, get_field, set_field, unset_field
    from newsrecord.errors import (
        ConflictError,
        FieldTypeError,
        FileError,
        LimitError,
        ParseError,
        Problem,
        ReadOnlyError,
        RecordError,
        ValidationError,
    )
    from newsrecord.export import ExportResult, arrow_schema, export_records, to_arrow
    from newsrecord.files import Batch, Durability, iter_record_files
    from newsrecord.merge import MergeResult, merge_texts
    from newsrecord.model import *  # noqa: F403  # the model names, listed in model.__all__
    from newsrecord.query import Query, QueryError, where
    from newsrecord.schema import json_schema, schema_markdown

_HOMES: Final[dict[str, str]] = {
    "newsrecord._read.parse": "Limits",
    "newsrecord.api": "REPAIRS dumps edit from_dict iter_records load loads to_dict",
    "newsrecord.checks": (
        "RULES RecordFacts Rule check_document check_records cross_record_problems facts_of"
    ),
    "newsrecord.diff": "FieldChange diff_records summarize_changes",
    "newsrecord.document": "Document",
    "newsrecord.editing": "append_field get_field set_field unset_field",
    "newsrecord.errors": (
        "ConflictError FieldTypeError FileError LimitError ParseError Problem "
        "ReadOnlyError RecordError ValidationError"
    ),
    "newsrecord.export": "ExportResult arrow_schema export_records to_arrow",
    "newsrecord.files": "Batch Durability iter_record_files",
    "newsrecord.merge": "MergeResult merge_texts",
    # newsrecord.model.__all__, repeated so that importing the package need not import
    # the model to read it; tests/test_startup.py checks that the two agree.
    "newsrecord.model": (
        "KINDS Account Action AnyRecord Article Author Book Challenge Collection "
        "Community Company CompanyProfile Course Download Duration Event FieldSpec "
        "Funding GitHub Image LearningResource Link LinkedIn Organization Price Profile "
        "Project Provider Ratings Record RelatedArticle Scholar Secured Twitter Video "
        "fields"
    ),
    "newsrecord.query": "Query QueryError where",
    "newsrecord.schema": "json_schema schema_markdown",
}
"""Which module defines each public name (names separated by spaces)."""

_HOME_OF: Final = {name: module for module, names in _HOMES.items() for name in names.split()}

__all__ = [
    "REPAIRS",
    "RULES",
    "Batch",
    "ConflictError",
    "Document",
    "Durability",
    "ExportResult",
    "FieldChange",
    "FieldTypeError",
    "FileError",
    "LimitError",
    "Limits",
    "MergeResult",
    "ParseError",
    "Problem",
    "Query",
    "QueryError",
    "ReadOnlyError",
    "RecordError",
    "RecordFacts",
    "Rule",
    "ValidationError",
    "append_field",
    "arrow_schema",
    "check_document",
    "check_records",
    "cross_record_problems",
    "diff_records",
    "dumps",
    "edit",
    "export_records",
    "facts_of",
    "from_dict",
    "get_field",
    "iter_record_files",
    "iter_records",
    "json_schema",
    "load",
    "loads",
    "merge_texts",
    "schema_markdown",
    "set_field",
    "summarize_changes",
    "to_arrow",
    "to_dict",
    "unset_field",
    "where",
]
# The model's names are listed in newsrecord.model.__all__; type checkers read this ``+=``
# as re-exporting them. Sorted, so that the list reads in order.
if TYPE_CHECKING:
    __all__ += model.__all__
else:
    __all__ += _HOMES["newsrecord.model"].split()  # noqa: PLE0605  # strings, from one string
__all__.sort()


def _import_on_first_use(name: str) -> Any:
    """Import a public name, or a submodule (``newsrecord.export``), on first use."""
    home = _HOME_OF.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home), name)
        # Kept, so that the next use is a plain attribute look-up.
        globals()[name] = value
        return value
    if name.isidentifier() and not name.startswith("__"):
        # Importing the package used to import most submodules, which made them
        # attributes of it; code that reads ``newsrecord.export`` after a bare ``import
        # newsrecord`` still works. Importing a submodule makes it an attribute.
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names and the names already imported, as ``dir()`` lists them."""
    return sorted(set(globals()) | set(__all__))


if not TYPE_CHECKING:
    # Hidden from type checkers: they would type every unknown name (a typo) as Any.
    __getattr__ = _import_on_first_use
