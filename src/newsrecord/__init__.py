"""newsrecord: typed, lossless reading and editing of article-record files.

An article record is a UTF-8 text file: YAML front matter between ``---`` lines, then a
body. ``loads``/``load`` give a :class:`Document` whose ``record`` is a typed attrs
object; ``Document.dumps``/``save`` write back only what changed.
"""

from newsrecord._fields import FieldSpec, fields
from newsrecord._nodes import Limits
from newsrecord.document import Document, dumps, from_dict, load, loads, to_dict
from newsrecord.errors import (
    ConflictError,
    LimitError,
    ParseError,
    Problem,
    RecordError,
    ValidationError,
)
from newsrecord.model import (
    Article,
    Author,
    Image,
    Organization,
    Provider,
    Record,
    RelatedArticle,
    Secured,
)

__all__ = [
    "Article",
    "Author",
    "ConflictError",
    "Document",
    "FieldSpec",
    "Image",
    "LimitError",
    "Limits",
    "Organization",
    "ParseError",
    "Problem",
    "Provider",
    "Record",
    "RecordError",
    "RelatedArticle",
    "Secured",
    "ValidationError",
    "dumps",
    "fields",
    "from_dict",
    "load",
    "loads",
    "to_dict",
]
