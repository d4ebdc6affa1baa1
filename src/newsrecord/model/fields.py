"""How model classes are declared: YAML keys, descriptions and type checks in one place.

Every model class is an attrs class made by :func:`model`, and every field by
:func:`field`. The decorator derives each field's YAML key (camelCase of the attribute name unless
given) and the validator, built from the type annotation, that runs on ``__init__`` and
on every assignment. The converter module and the schema generator read the same metadata, so
a field is declared once.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, overload

import attrs

from newsrecord.errors import FieldTypeError, RecordError, ValidationError, brief, shorten
from newsrecord.model.leaves import LEAVES, VALUE_CLASSES, is_text
from newsrecord.model.secured import Secured

__all__ = [
    "Coerced",
    "FieldInfo",
    "FieldSpec",
    "field",
    "fields",
    "info",
    "is_model",
    "is_model_class",
    "keys_of",
    "model",
    "place_error",
    "type_hints",
    "walk",
]

_META: Final = "newsrecord"

T = TypeVar("T")
Held = TypeVar("Held")
Taken = TypeVar("Taken")


# A field whose leaf converts a handier value on the way in (a ``timedelta`` given to a
# ``Duration`` field, see ``Leaf.coerce``) is annotated ``Coerced[Held, Taken]``. Type
# checkers read that as a descriptor, as PEP 681 has them read a dataclass field's
# descriptor type: reading gives *Held*; ``__init__`` and assignments take *Held* or
# *Taken*. At run time the annotation is *Held* alone, so that every stage that reads
# annotations (checks, cattrs, the schema, the export) sees exactly the held type.
if TYPE_CHECKING:

    class Coerced(Generic[Held, Taken]):
        """The type of a field that holds *Held* and also takes *Taken*, converted."""

        @overload
        def __get__(self, instance: None, owner: type[Any]) -> Coerced[Held, Taken]: ...
        @overload
        def __get__(self, instance: object, owner: type[Any]) -> Held: ...
        def __get__(self, instance: object, owner: type[Any]) -> Any:
            """Read the field: a *Held*."""

        def __set__(self, instance: object, value: Held | Taken) -> None:
            """Assign the field a *Held*, or a *Taken* that is converted to one."""

else:

    class Coerced:
        """The type of a field that holds *Held* and also takes *Taken*, converted."""

        __slots__ = ()

        def __class_getitem__(cls, params: tuple[Any, Any]) -> Any:
            """``Coerced[Held, Taken]`` is *Held* at run time."""
            return params[0]


@attrs.frozen
class FieldInfo:
    """What the format says about one field.

    Attributes:
        key: The YAML key in files.
        description: One sentence for the schema documentation.
        example: A typical value as it appears in files, or None.
        required: Whether the record is invalid without it.
    """

    key: str
    description: str
    example: Any = None
    required: bool = False


def field(
    description: str,
    *,
    key: str | None = None,
    example: Any = None,
    required: bool = False,
    default: None = None,
) -> Any:
    """Declare a model field; every field defaults to None (absent), required ones too.

    Call sites pass ``default=None`` explicitly: type checkers read it there to know that
    the generated ``__init__`` does not require the argument.

    Args:
        description: One sentence for the schema documentation.
        key: The YAML key, when it is not the camelCase of the attribute name.
        example: A typical value as written in files.
        required: The record is invalid when this is None.
        default: Always None; declared so that type checkers see that the field has one.
    """
    metadata = {_META: FieldInfo(key or "", description, example, required)}
    return attrs.field(default=default, metadata=metadata)


def extra_field(*, factory: type[dict[str, Any]] = dict) -> Any:
    """Declare the ``extra`` dict that keeps unknown keys, in file order.

    Args:
        factory: Always ``dict``; declared so that type checkers see the field's default.
    """
    return attrs.field(
        factory=factory,
        metadata={_META: FieldInfo("", "Keys the model does not know, kept in file order.")},
        validator=_check_extra,
    )


def info(attribute: attrs.Attribute[Any]) -> FieldInfo:
    """Return the :class:`FieldInfo` of a model attribute."""
    found: FieldInfo = attribute.metadata[_META]
    return found


def camel_case(name: str) -> str:
    """Return the camelCase form of a snake_case attribute name."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@typing.dataclass_transform(kw_only_default=True, field_specifiers=(field, extra_field))
def model(
    *,
    key_order: str | None = None,
    types: tuple[str, ...] | None = None,
    folders: tuple[str, ...] | None = None,
    required: tuple[str, ...] = (),
) -> Callable[[type[T]], type[T]]:
    """Make a class a model class: mutable, slotted, keyword-only, validated on assignment.

    A kind of record says here what selects it when a file is loaded; a subclass keeps
    what it does not say again.

    Args:
        key_order: The YAML keys in the order files write them, separated by spaces
            (``"url width height"``); keys left out follow in field order. None keeps the
            base class's order.
        types: The ``type`` values that select this kind (its ``TYPES``).
        folders: The folders (Jekyll collections) whose records without a ``type`` are of
            this kind (its ``FOLDERS``).
        required: Attribute names, inherited ones included, that must not be None here.
    """

    def make(cls: type[T]) -> type[T]:
        if not required and _declares_nothing(cls):
            made = _sharing_methods(cls)
        else:
            made = _attrs_class(cls)
        if key_order is not None or not hasattr(made, _ORDER_ATTRIBUTE):
            setattr(made, _ORDER_ATTRIBUTE, tuple((key_order or "").split()))
        for name, value in (("TYPES", types), ("FOLDERS", folders)):
            if value is not None:
                setattr(made, name, value)
        return made

    def _attrs_class(cls: type[T]) -> type[T]:
        made = attrs.define(
            cls,
            kw_only=True,
            repr=False,
            on_setattr=attrs.setters.pipe(
                attrs.setters.convert, attrs.setters.validate, _note_assignment
            ),
            field_transformer=functools.partial(_complete, required=frozenset(required)),
        )
        made.__repr__ = _compact_repr  # type: ignore[method-assign]
        made.__delattr__ = _refuse_delete  # type: ignore[method-assign]
        return made

    return make


_PLAIN_CLASS_KEYS: Final = frozenset(
    {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__"}
    | {"__firstlineno__", "__static_attributes__"}  # Python 3.13
)


def _declares_nothing(cls: type) -> bool:
    """Whether *cls* only names a kind of its one model base: no field, method or value."""
    return (
        len(cls.__bases__) == 1
        and is_model_class(cls.__bases__[0])
        and set(cls.__dict__) <= _PLAIN_CLASS_KEYS
    )


def _sharing_methods(cls: type[T]) -> type[T]:
    """*cls* made a slotted subclass that keeps its base's fields and methods.

    attrs would generate ``__init__`` and ``__eq__`` again for fields that did not change,
    and compiling them is most of what creating a model class costs; a command pays for
    every class at start-up. Inherited, they do the same: ``__eq__`` compares the classes
    of its operands, validators name fields by key, ``__repr__`` the object's class.
    """
    body: dict[str, Any] = {"__slots__": (), "__qualname__": cls.__qualname__}
    body |= {key: cls.__dict__[key] for key in ("__module__", "__doc__") if key in cls.__dict__}
    # The base's __init__ under this class's name, for the messages of a wrong call
    # (``Video.__init__() got an unexpected keyword argument``); its code is shared.
    init: types.FunctionType = cls.__bases__[0].__dict__["__init__"]
    named = types.FunctionType(
        init.__code__, init.__globals__, init.__name__, init.__defaults__, init.__closure__
    )
    named.__kwdefaults__ = init.__kwdefaults__
    named.__annotations__ = init.__annotations__
    named.__doc__ = init.__doc__
    named.__qualname__ = f"{cls.__qualname__}.__init__"
    body["__init__"] = named
    return typing.cast("type[T]", type(cls.__name__, cls.__bases__, body))


_ORDER_ATTRIBUTE: Final = "__newsrecord_order__"


class Watch(set[int]):
    """What a document keeps of the model objects it watches: the ids of those assigned to.

    Attributes:
        place: Gives an error of an assignment to one of the objects its place in the
            document's file (path, line, column, whole field path); None: as it is.
    """

    __slots__ = ("place",)

    def __init__(self) -> None:
        """Start with no object assigned to, and no place for errors."""
        super().__init__()
        self.place: Callable[[object, RecordError], RecordError] | None = None


WATCHED: Final[dict[int, Watch]] = {}
"""``id(model object) -> Watch``: a document watching the object; assignments add the id.

A document's record may be large; knowing which objects were assigned to lets saving
look at those alone instead of comparing every field (see ``newsrecord._bind.snapshot``).
"""


def place_error(instance: object, error: RecordError) -> RecordError:
    """*error*, of an assignment to *instance*, placed in the file of a document that holds it."""
    watch = WATCHED.get(id(instance))
    place = watch.place if watch is not None else None
    return error if place is None else place(instance, error)


def _note_assignment(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> Any:
    touched = WATCHED.get(id(instance))
    if touched is not None:
        touched.add(id(instance))
    return value


def is_model_class(tp: Any) -> bool:
    """Whether *tp* is a model class (a record or a part), not a value class or type."""
    return isinstance(tp, type) and hasattr(tp, _ORDER_ATTRIBUTE)


def is_model(value: Any) -> bool:
    """Whether *value* is a model object (with fields), not a value such as ``Secured``."""
    return hasattr(type(value), _ORDER_ATTRIBUTE)


@attrs.frozen
class FieldSpec:
    """One field of a model class, as the format documents it.

    Attributes:
        key: The YAML key in files.
        name: The Python attribute.
        type: The attribute's type annotation, resolved.
        description: One sentence for the schema documentation.
        example: A typical value as written in files, or None.
        required: Whether the record is invalid without it.
    """

    key: str
    name: str
    type: Any
    description: str
    example: Any
    required: bool


_SPECS: dict[type, tuple[FieldSpec, ...]] = {}

_OWN_HINTS: dict[type, dict[str, Any]] = {}
"""Each class's own annotations, evaluated (see :func:`type_hints`)."""


def type_hints(cls: type) -> dict[str, Any]:
    """Return ``typing.get_type_hints(cls)`` for a model class: its annotations, evaluated.

    typing evaluates the annotations of every class of the MRO again for each subclass
    (Record's two dozen for each kind), compiling each text anew: that was most of what
    building an export's schema cost, and a good part of its start-up. Here each class's
    own annotations are evaluated once, each text compiled once.
    """
    hints: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        own = _OWN_HINTS.get(base)
        if own is None:
            own = _OWN_HINTS[base] = _evaluated(base)
        hints.update(own)
    return hints


def _evaluated(cls: type) -> dict[str, Any]:
    """The annotations *cls* itself declares, evaluated as typing evaluates them."""
    declared = inspect.get_annotations(cls)  # attrs imports inspect: no cost
    # Names are looked up in the module, then in the class (typing's order for classes).
    module, own = vars(sys.modules[cls.__module__]), dict(vars(cls))
    return {
        name: type(None)
        if value is None
        # Our own classes' annotations, as typing.get_type_hints evaluates them.
        else eval(_compiled(value), own, module)  # noqa: S307
        if isinstance(value, str)
        else value
        for name, value in declared.items()
    }


@functools.cache
def _compiled(annotation: str) -> types.CodeType:
    # Many fields share an annotation text (str | None): each is compiled once.
    return compile(annotation, "<annotation>", "eval")


def fields(cls: type) -> tuple[FieldSpec, ...]:
    """Return the fields of a model class in the order files write them (``extra`` aside).

    Raises:
        TypeError: *cls* is not a model class.
    """
    specs = _SPECS.get(cls)
    if specs is None:
        if not hasattr(cls, _ORDER_ATTRIBUTE):
            raise TypeError(f"{cls!r} is not a newsrecord model class")
        hints = type_hints(cls)
        by_key = {
            info(a).key: FieldSpec(
                info(a).key,
                a.name,
                hints[a.name],
                info(a).description,
                info(a).example,
                info(a).required,
            )
            for a in attrs.fields(cls)
            if a.name != "extra"
        }
        order = [key for key in getattr(cls, _ORDER_ATTRIBUTE) if key in by_key]
        order += [key for key in by_key if key not in order]
        specs = _SPECS[cls] = tuple(by_key[key] for key in order)
    return specs


def _without_secured(value: Any) -> Any:
    """*value* with every ``secured`` key's value hidden, however deep it is nested."""
    if isinstance(value, dict):
        return {k: "<secured>" if k == "secured" else _without_secured(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secured(item) for item in value]
    return value


def _refuse_delete(self: Any, name: str) -> None:
    # A deleted slot would make the record unreadable (and unwritable) later on.
    key = next((spec.key for spec in fields(type(self)) if spec.name == name), name)
    raise ValidationError(f"{key} cannot be deleted; set it to None to remove it", field=key)


def walk(value: Any, where: str = "", key: str = "") -> Iterator[tuple[str, str, Any]]:
    """Yield ``(field path, key, value)`` for *value* and every value inside it.

    Parents come before what they hold: a model object, then its fields that are set (in
    key order), then its ``extra`` keys and the plain data in them; list items are at
    ``path[index]`` under their list's key.
    """
    yield where, key, value
    if is_model(value):
        for spec in fields(type(value)):
            item = getattr(value, spec.name)
            if item is not None:
                yield from walk(item, f"{where}.{spec.key}" if where else spec.key, spec.key)
        value = value.extra
    if isinstance(value, dict):
        for name, item in value.items():
            yield from walk(item, f"{where}.{name}" if where else name, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{where}[{index}]", key)


_KEYS: dict[type, dict[str, str]] = {}


def keys_of(cls: type) -> dict[str, str]:
    """Return ``{YAML key: attribute name}`` of a model class in canonical key order."""
    keys = _KEYS.get(cls)
    if keys is None:
        keys = _KEYS[cls] = {spec.key: spec.name for spec in fields(cls)}
    return keys


def _compact_repr(self: Any) -> str:
    # Records have twenty fields, most of them None: show only what is set.
    shown = [
        f"{spec.name}={getattr(self, spec.name)!r}"
        for spec in fields(type(self))
        if getattr(self, spec.name) is not None
    ]
    if self.extra:
        # A secured blob in a kind that has no such field is still a secret.
        shown.append(f"extra={_without_secured(self.extra)!r}")
    return f"{type(self).__name__}({', '.join(shown)})"


def _complete(
    cls: type, fields: list[attrs.Attribute[Any]], *, required: frozenset[str]
) -> list[attrs.Attribute[Any]]:
    done = []
    for attribute in fields:
        meta = attribute.metadata.get(_META)
        if (
            meta is None
            or attribute.name == "extra"
            # Completed in the base class already, and as required there as here: its
            # validator checks the same annotation (creating these is start-up time).
            or (_inherited(attribute) and (meta.required or attribute.name not in required))
        ):
            done.append(attribute)
            continue
        key = meta.key or camel_case(attribute.name)
        meta = attrs.evolve(meta, key=key, required=meta.required or attribute.name in required)
        done.append(
            attribute.evolve(
                metadata={_META: meta},
                validator=_Validator(cls, attribute.name, key, meta.required),
                converter=_coercion(attribute.type),
            )
        )
    return done


def _inherited(attribute: attrs.Attribute[Any]) -> bool:
    inherited: bool = attribute.inherited  # type: ignore[attr-defined]  # not in attrs' stubs
    return inherited


def _coercion(annotation: Any) -> Callable[[Any], Any] | None:
    # Annotations are still text here (the classes they name may not exist yet); a value
    # class is named in it as it is in the leaf table.
    text = str(annotation)
    for leaf in LEAVES.values():
        if leaf.coerce is not None and leaf.type.__name__ in text:
            return leaf.coerce
    return None


def optional_part(tp: Any) -> Any:
    """Return X for ``X | None``; *tp* itself otherwise."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
        return typing.Union[tuple(args)]  # noqa: UP007  # built at run time
    return tp


def _checker(tp: Any) -> Callable[[Any], bool]:
    tp = optional_part(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        check_item = _checker(item)
        return lambda value: isinstance(value, list) and all(check_item(v) for v in value)
    if origin in (typing.Union, types.UnionType):
        checks = [_checker(arg) for arg in typing.get_args(tp)]
        return lambda value: any(check(value) for check in checks)
    leaf = LEAVES.get(tp)
    if leaf is not None:
        return leaf.check
    if tp is typing.Any:
        return lambda value: True
    return lambda value: isinstance(value, tp)


def _describe(tp: Any) -> str:
    tp = optional_part(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        return f"a list, each item {_describe(typing.get_args(tp)[0])}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in typing.get_args(tp))
    leaf = LEAVES.get(tp)
    if leaf is not None:
        return leaf.description
    return _a(str(getattr(tp, "__name__", tp)))


def _a(name: str) -> str:
    """*name* with its article: "an Image", "a Price"."""
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


class _Validator:
    """Checks one field's values against its annotation, resolved on first use.

    Annotations are strings until every class of the model exists (a record refers to
    related articles, defined after it), so the check is built lazily.
    """

    __slots__ = ("_check", "_expected", "_key", "_name", "_owner", "_required")

    def __init__(self, owner: type, name: str, key: str, required: bool) -> None:
        self._owner = owner
        self._name = name
        self._key = key
        self._required = required
        self._check: Callable[[Any], bool] | None = None
        self._expected = ""

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if TRUSTED.get():
            return
        if value is None:
            if self._required:
                error = ValidationError(f"{self._key} is required", field=self._key)
                raise place_error(instance, error)
            return
        if self._check is None:
            tp = type_hints(self._owner)[self._name]
            self._check = _checker(tp)
            self._expected = _describe(tp)
        if not self._check(value):
            declared = optional_part(type_hints(self._owner)[self._name])
            if typing.get_origin(declared) is list and isinstance(value, list):
                # Name the item that does not fit, not the whole list.
                (item_type,) = typing.get_args(declared)
                check_item = _checker(item_type)
                index = next(i for i, item in enumerate(value) if not check_item(item))
                field = f"{self._key}[{index}]"
                message = _not_fitting(field, item_type, value[index])
            else:
                field = self._key
                message = _not_fitting(field, declared, value, self._expected)
            raise place_error(instance, FieldTypeError(message, field=field))


def _not_fitting(field: str, tp: Any, value: Any, expected: str | None = None) -> str:
    """The message for *value*, which does not fit the type *tp* of *field*."""
    if type(value) is str and tp in VALUE_CLASSES:
        # Text is how files write it, but an attribute holds the object.
        name = tp.__name__
        return (
            f"{field} must be {_a(name)}, not text: "
            f"wrap it, {name}(text), or set it from text with set_field"
        )
    if type(value) is str and tp is str:
        return f"{field} must be a string without lone surrogates, not {_show(value)}"
    return f"{field} must be {expected or _describe(tp)}, not {_show(value)}"


TRUSTED: Final = contextvars.ContextVar("newsrecord_trusted_values", default=False)
"""True while the converter builds records from values it has already checked: the
validators then return at once. A context variable, so other threads still check."""


def _show(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 3000:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    return f"{type(value).__name__} {shorten(repr(value), 40)}"


def _check_extra(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if TRUSTED.get():
        # Plain data the parser made: nothing in it is out of a file's reach.
        return
    if not isinstance(value, dict):
        message = f"extra must be a dict with string keys, not {_show(value)}"
        raise place_error(instance, FieldTypeError(message, field="extra"))
    known = keys_of(type(instance))
    for key, item in value.items():
        if key in known:
            # Written, it would take the field's line while the field kept its value.
            message = (
                f"extra cannot hold {key!r}, the key of the field {known[key]!r}: set "
                "that field instead (extra holds only the keys the model does not know)"
            )
            raise place_error(instance, FieldTypeError(message, field="extra"))
        problem = _not_plain(key, item, 1)
        if problem is not None:
            raise place_error(instance, FieldTypeError(f"extra: {problem}", field="extra"))


_MAX_DEPTH: Final = 64
"""Nesting deeper than loading reads (``Limits.max_depth``) could not be read back."""
_MAX_KEY: Final = 1024
"""The longest key YAML readers take (libyaml and Psych: a simple key is on one line of at
most 1,024 characters)."""


def _written_length(key: str) -> int:
    """The length of *key* as the writer writes it (with its quotes and escapes)."""
    # The writer imports this module: imported here, once the model is built.
    from newsrecord._write.render import key_text  # noqa: PLC0415

    try:
        return len(key_text(key))
    except ValueError:  # a lone surrogate: refused as such elsewhere
        return len(key)


def naive_datetime_told(value: dt.datetime | None = None) -> str:
    """What to say of a ``datetime`` without a time zone (*value*: to show it)."""
    shown = "" if value is None else f", not {value!r}"
    return f"a date-time needs a time zone{shown} (for the current time in UTC: datetime.now(UTC))"


def _not_plain(key: Any, value: Any, depth: int) -> str | None:
    """Why *value* under *key* cannot be written as plain YAML data, or None."""
    if not is_text(key):
        return f"keys must be strings a file can hold, not {_show(key)}"
    where = brief(key)
    if len(key) > _MAX_KEY - 100 and _written_length(key) > _MAX_KEY:
        return (
            f"the key {where} is longer than {_MAX_KEY:,} characters as written (quoted and "
            "escaped where it must be), which YAML readers refuse"
        )
    if depth > _MAX_DEPTH:
        return f"{where} is nested more than {_MAX_DEPTH} levels deep"
    if isinstance(value, dict):
        for inner_key, item in value.items():
            problem = _not_plain(inner_key, item, depth + 1)
            if problem is not None:
                return problem
        return None
    if isinstance(value, list):
        for item in value:
            problem = _not_plain(key, item, depth + 1)
            if problem is not None:
                return problem
        return None
    if isinstance(value, VALUE_CLASSES):
        # Unknown keys hold what a file reads back (text), not the model's value classes.
        text = "its .raw" if isinstance(value, Secured) else "str(value)"
        return (
            f"{where} holds {_show(value)}, which keys the model does not know cannot "
            f"hold (they hold plain data): give its text, {text}"
        )
    if isinstance(value, dt.datetime) and value.utcoffset() is None:
        return f"{where} holds {_show(value)}: {naive_datetime_told()}"
    leaf = LEAVES.get(type(value))
    if value is None or (leaf is not None and leaf.check(value)):
        return None
    return (
        f"{where} holds {_show(value)}, which a file cannot hold (use text, numbers, "
        "true/false, null, date-times, lists or mappings)"
    )
