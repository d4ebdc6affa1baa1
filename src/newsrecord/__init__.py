"""newsrecord: typed, lossless reading and editing of article-record files.

An article record is a UTF-8 text file: YAML front matter between ``---`` lines, then a
body. ``loads``/``load`` give a :class:`Document` whose ``record`` is a typed attrs
object; ``Document.dumps``/``save`` write back only what changed.
"""

from newsrecord._read.parse import Limits
from newsrecord.api import dumps, edit, from_dict, iter_records, load, loads, to_dict
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
    LimitError,
    ParseError,
    Problem,
    RecordError,
    ValidationError,
)
from newsrecord.files import iter_record_files
from newsrecord.merge import MergeResult, merge_texts
from newsrecord.model import (
    KINDS,
    Action,
    AnyRecord,
    Article,
    Author,
    Book,
    Challenge,
    Collection,
    Community,
    Company,
    Course,
    Download,
    Image,
    LearningResource,
    LinkedIn,
    Organization,
    Price,
    Profile,
    Provider,
    Ratings,
    Record,
    RelatedArticle,
    Secured,
    Twitter,
    Video,
)
from newsrecord.model.fields import FieldSpec, fields
from newsrecord.schema import json_schema, schema_markdown

__all__ = [
    "KINDS",
    "RULES",
    "Action",
    "AnyRecord",
    "Article",
    "Author",
    "Book",
    "Challenge",
    "Collection",
    "Community",
    "Company",
    "ConflictError",
    "Course",
    "Document",
    "Download",
    "FieldChange",
    "FieldSpec",
    "Image",
    "LearningResource",
    "LimitError",
    "Limits",
    "LinkedIn",
    "MergeResult",
    "Organization",
    "ParseError",
    "Price",
    "Problem",
    "Profile",
    "Provider",
    "Ratings",
    "Record",
    "RecordError",
    "RecordFacts",
    "RelatedArticle",
    "Rule",
    "Secured",
    "Twitter",
    "ValidationError",
    "Video",
    "append_field",
    "check_document",
    "check_records",
    "cross_record_problems",
    "diff_records",
    "dumps",
    "edit",
    "facts_of",
    "fields",
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
    "to_dict",
    "unset_field",
]
