"""The typed model: the attrs classes of every kind of record, their parts and values.

Everything here is re-exported by :mod:`newsrecord`; import it from there.
"""

from newsrecord.model.duration import Duration
from newsrecord.model.fields import FieldSpec, fields
from newsrecord.model.price import Price
from newsrecord.model.records import (
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
    Profile,
    Provider,
    Ratings,
    Record,
    RelatedArticle,
    Twitter,
    Video,
)
from newsrecord.model.secured import Secured

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
    "Course",
    "Download",
    "Duration",
    "FieldSpec",
    "Image",
    "LearningResource",
    "LinkedIn",
    "Organization",
    "Price",
    "Profile",
    "Provider",
    "Ratings",
    "Record",
    "RelatedArticle",
    "Secured",
    "Twitter",
    "Video",
    "fields",
]
