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

__all__ = [
    "KINDS",
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
    "FieldSpec",
    "Image",
    "LearningResource",
    "LimitError",
    "Limits",
    "LinkedIn",
    "Organization",
    "ParseError",
    "Price",
    "Problem",
    "Profile",
    "Provider",
    "Ratings",
    "Record",
    "RecordError",
    "RelatedArticle",
    "Secured",
    "Twitter",
    "ValidationError",
    "Video",
    "dumps",
    "fields",
    "from_dict",
    "load",
    "loads",
    "to_dict",
]
