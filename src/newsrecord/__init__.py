"""newsrecord: typed, lossless reading and editing of article-record files.

An article record is a UTF-8 text file: YAML front matter between ``---`` lines, then a
body. ``loads``/``load`` give a :class:`Document` whose ``record`` is a typed attrs
object; ``Document.dumps``/``save`` write back only what changed.
"""

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
from newsrecord.editing import (
    append_field,
    get_field,
    set_field,
    unset_field,
)
from newsrecord.errors import (
    ConflictError,
    FieldTypeError,
    FileError,
    LimitError,
    ParseError,
    Problem,
    RecordError,
    ValidationError,
)
from newsrecord.export import ExportResult, arrow_schema, export_records, to_arrow
from newsrecord.files import Batch, Durability, iter_record_files
from newsrecord.merge import MergeResult, merge_texts
from newsrecord.model import *  # noqa: F403  # the model names, listed in model.__all__
from newsrecord.query import Query, QueryError, where
from newsrecord.schema import json_schema, schema_markdown

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
# The model's names are listed once, in newsrecord.model.__all__; mypy and other type
# checkers read this ``+=`` as re-exporting them. Sorted, so that the list reads in order.
__all__ += model.__all__
__all__.sort()
