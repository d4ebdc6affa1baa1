"""The format's JSON Schema and its Markdown reference, generated from the model.

The attrs classes of :mod:`newsrecord.model` are the single source of truth: every key,
type, description and example here is read from :func:`newsrecord.fields` and the type
annotations, so neither the schema nor its documentation can drift from what the library
loads. In a source checkout, ``python -m newsrecord.schema`` rewrites the two committed
copies, ``src/newsrecord/schema.json`` (shipped as package data) and ``docs/schema.md``;
``python -m newsrecord.schema --check`` fails when either is stale.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from newsrecord.model.fields import FieldSpec, fields, is_model_class, optional_part
from newsrecord.model.leaves import LEAVES
from newsrecord.model.records import (
    KINDS,
    AnyRecord,
    Article,
    CompanyProfile,
    Image,
    Organization,
    Profile,
    Record,
)

__all__ = ["json_schema", "main", "schema_markdown"]

_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_SCALARS: Final[dict[Any, dict[str, Any]]] = {tp: leaf.schema for tp, leaf in LEAVES.items()}

# Which text fields hold addresses is a convention of the format's key names, not of the
# Python types (they are all ``str``). Every value of these keys in the real corpus is an
# absolute URI, except pictures: the publishing site writes its own as paths
# (``/assets/images/...``), hence ``uri-reference`` for ``Image.url``.
_URL_KEY: Final = re.compile(r"url|.+Url|website")
_RELATIVE_URLS: Final = frozenset({(Image, "url")})

_SECURED_TEXT: Final = (
    "The opaque, encrypted blob, one string: `base64(ciphertext);base64(iv)`, where the "
    "ciphertext is whole 16-byte blocks and the IV is 16 bytes (24 base64 characters). "
    "newsrecord never alters it: a file keeps the blob's exact text, quotes and position "
    "through every edit, and nothing re-encodes, re-wraps or re-quotes it."
)


# --- the JSON Schema --------------------------------------------------------------------


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a record's front matter as files write it.

    Keys are the YAML keys; date-times are strings in RFC 3339 ``date-time`` format (with
    a time zone); durations, prices and the ``secured`` blob are strings. Every optional
    field also accepts null (an absent key and a null value mean the same), unknown keys
    are allowed everywhere (the library keeps them in ``extra``), and each model class
    has its definition under ``$defs``.

    The record kinds are a ``oneOf`` whose branches are made mutually exclusive by the
    rule :func:`newsrecord.loads` uses to choose a kind: ``category: news`` makes an
    article; otherwise ``type`` decides, compared without regard to case; a record
    without a ``type`` but with ``taxonomy`` or ``_id`` is an organization; anything else
    is a generic :class:`~newsrecord.Record`. Each branch is ``if`` (its selection rule)
    ``then`` (its class) ``else: false``, so exactly one branch applies to any mapping,
    and a validator reports the errors of that kind only.

    The schema describes JSON-compatible data: a YAML loader that turns timestamps into
    date-time objects must have them written back as ISO 8601 strings before validation.

    Returns:
        A new dict on every call, ready for ``json.dumps``.
    """
    classes = list(_classes())
    return {
        "$schema": _DIALECT,
        "title": "newsrecord front matter",
        "description": (
            "The YAML front matter of an article-record file, as plain JSON-compatible "
            "data with the file's key names. Generated from the newsrecord model."
        ),
        "$comment": (
            "oneOf over the record kinds: each branch is if (the kind's selection rule) "
            "then (the kind's definition) else false. The rules exclude one another the "
            "way newsrecord chooses a kind: category 'news' first, then type (ignoring "
            "case), then organizations (no type; a taxonomy or _id key), then the generic "
            "Record for any other type."
        ),
        "type": "object",
        "oneOf": [_branch(kind) for kind in KINDS],
        "$defs": {cls.__name__: _definition(cls) for cls in classes},
    }


def _classes() -> Iterator[type]:
    """Yield every model class a record can hold: the kinds, then nested classes."""
    seen: dict[type, None] = {}
    pending: list[type] = list(KINDS)
    while pending:
        cls = pending.pop(0)
        if cls in seen:
            continue
        seen[cls] = None
        pending.extend(
            inner for spec in fields(cls) for inner in _models_in(spec.type) if inner not in seen
        )
    yield from seen


def _models_in(tp: Any) -> Iterator[type]:
    tp = optional_part(tp)
    if typing.get_origin(tp) in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            yield from _models_in(arg)
    elif _is_model(tp):
        yield tp


def _is_model(tp: Any) -> bool:
    return is_model_class(tp)


def _summary(cls: type) -> str:
    doc = inspect.getdoc(cls) or cls.__name__
    return " ".join(doc.split("\n\n", 1)[0].split()).replace("``", "`")


def _definition(cls: type) -> dict[str, Any]:
    specs = fields(cls)
    schema: dict[str, Any] = {
        "title": cls.__name__,
        "description": _summary(cls),
        "type": "object",
        "properties": {spec.key: _property(cls, spec) for spec in specs},
    }
    required = [spec.key for spec in specs if spec.required]
    if required:
        schema["required"] = required
    # Files keep keys the model does not know; the library carries them in ``extra``.
    schema["additionalProperties"] = True
    return schema


def _property(cls: type, spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": spec.description}
    value = _value_schema(optional_part(spec.type))
    url_format = _url_format(cls, spec)
    if url_format is not None:
        value["format"] = url_format
    if not spec.required:
        value = _nullable(value)
    schema.update(value)
    if spec.example is not None:
        schema["examples"] = [spec.example]
    return schema


def _url_format(cls: type, spec: FieldSpec) -> str | None:
    if optional_part(spec.type) is not str or not _URL_KEY.fullmatch(spec.key):
        return None
    relative = any((base, spec.name) in _RELATIVE_URLS for base in cls.__mro__)
    return "uri-reference" if relative else "uri"


def _value_schema(tp: Any) -> dict[str, Any]:
    """Return the schema of a non-null value of annotation *tp*."""
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        return {"type": "array", "items": _value_schema(item)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_value_schema(arg) for arg in typing.get_args(tp)]}
    if _is_model(tp):
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if tp is typing.Any:
        return {}
    raise TypeError(f"no JSON Schema for the annotation {tp!r}")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if "anyOf" in schema:
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    if not schema:
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


# The selection rules of the kinds, as data; :func:`_selector` turns them into schemas and
# the tests check them against the library's own choice on every corpus file.
_NEWS: Final = {"properties": {"category": {"const": "news"}}, "required": ["category"]}
_UNTYPED: Final = {"properties": {"type": {"type": "null"}}}
_ORGANIZATION_KEYS: Final = {"anyOf": [{"required": ["taxonomy"]}, {"required": ["_id"]}]}
_COMPANY: Final = {"anyOf": [{"required": [key]} for key in CompanyProfile.SIGNS]}


def _typed(values: Sequence[str]) -> dict[str, Any]:
    return {
        "properties": {"type": {"type": "string", "pattern": _any_case(values)}},
        "required": ["type"],
    }


def _any_case(values: Sequence[str]) -> str:
    """Return a pattern matching any of *values* in any case (ECMA 262 has no ``(?i)``)."""

    def letters(value: str) -> str:
        return "".join(
            f"[{c.upper()}{c.lower()}]" if c.upper() != c.lower() else re.escape(c) for c in value
        )

    return "^(?:" + "|".join(letters(value) for value in values) + ")$"


def _selector(kind: type[AnyRecord]) -> dict[str, Any]:
    """Return the schema of the rule that makes the library choose *kind*."""
    if kind is Article:
        return {"anyOf": [_NEWS, _typed(Article.TYPES)]}
    if kind is Organization:
        return {"allOf": [{"not": _NEWS}, _UNTYPED, _ORGANIZATION_KEYS]}
    if kind is Record:
        every_type = [value for other in KINDS for value in other.TYPES]
        known = [_NEWS, _typed(every_type), {"allOf": [_UNTYPED, _ORGANIZATION_KEYS]}]
        return {"not": {"anyOf": known}}
    if kind is CompanyProfile:
        return {"allOf": [{"not": _NEWS}, _typed(Profile.TYPES), _COMPANY]}
    if kind is Profile:
        return {"allOf": [{"not": _NEWS}, _typed(Profile.TYPES), {"not": _COMPANY}]}
    return {"allOf": [{"not": _NEWS}, _typed(kind.TYPES)]}


def _selection_text(kind: type[AnyRecord]) -> str:
    if kind is Article:
        return "`category: news`, or `type: article`"
    if kind is Organization:
        return "no `type`, and a `taxonomy` or `_id` key"
    if kind is Record:
        return "any other `type`, or no `type` and neither `taxonomy` nor `_id`"
    company = ", ".join(f"`{key}`" for key in CompanyProfile.SIGNS)
    if kind is CompanyProfile:
        return f"`type: profile` and one of {company}; or no `type`, in a `_companies` folder"
    if kind is Profile:
        return f"`type: profile` and none of {company}"
    return " or ".join(f"`type: {value}`" for value in kind.TYPES)


def _branch(kind: type[AnyRecord]) -> dict[str, Any]:
    return {
        "title": kind.__name__,
        "description": f"Selected by {_selection_text(kind).replace('`', '')}.",
        "if": _selector(kind),
        "then": {"$ref": f"#/$defs/{kind.__name__}"},
        "else": False,
    }


# --- the Markdown reference -------------------------------------------------------------

_GENERATED_NOTE: Final = (
    "<!-- Generated from the newsrecord model by `python -m newsrecord.schema`; "
    "do not edit by hand. -->"
)


def schema_markdown() -> str:
    """Return the format reference in Markdown: the kinds, a table per class, the blob.

    Each class gets a table of its fields (YAML key, Python attribute, type, whether it is
    required, description and example), generated like :func:`json_schema` from the
    model, so that the two always agree.
    """
    classes = list(_classes())
    lines = [_GENERATED_NOTE, "", "# Format reference", "", *_INTRODUCTION, ""]
    lines += ["## Record kinds", "", *_KINDS_INTRODUCTION, ""]
    lines += ["| kind | chosen when the front matter has | description |", "| --- | --- | --- |"]
    lines += [
        f"| [{kind.__name__}](#{_anchor(kind)}) | {_selection_text(kind)} | {_summary(kind)} |"
        for kind in KINDS
    ]
    lines += ["", "## Value types", "", *_VALUE_TYPES, ""]
    tabled: list[type] = []
    for cls in classes:
        lines += [f"## {cls.__name__}", "", _escape(_summary(cls)), ""]
        specs = fields(cls)
        same = next((other for other in tabled if fields(other) == specs), None)
        if same is not None:
            lines += [f"Same fields as [{same.__name__}](#{_anchor(same)}).", ""]
            continue
        tabled.append(cls)
        lines += [
            "| YAML key | Python attribute | type | required | description | example |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [_row(cls, spec) for spec in specs]
        lines.append("")
    lines += ["## The secured blob", "", _SECURED_TEXT, "", *_SECURED_DETAILS, ""]
    lines += ["## Validating files with the JSON Schema", "", *_VALIDATING]
    return "\n".join(lines) + "\n"


_INTRODUCTION: Final = (
    "An article-record file is UTF-8 text: YAML front matter between two `---` lines, then",
    "the body (HTML or Markdown). This page lists every key the front matter may hold, for",
    "every kind of record. It is generated from the model classes, which are also what",
    "`newsrecord.json_schema()` and the package's `schema.json` are generated from.",
    "",
    "- Every key is optional unless marked required; an absent key and a null value mean",
    "  the same (the Python attribute is `None`).",
    "- Keys not listed here are allowed and kept, in file order, in the `extra` dict of",
    "  the object where they appear; they are written back unchanged.",
    "- Python attributes are the snake_case of the YAML keys.",
)

_KINDS_INTRODUCTION: Final = (
    "`newsrecord.loads` chooses the kind of a record from its front matter, in this order:",
    "`category: news` makes an article whatever its `type`; otherwise `type` decides,",
    "ignoring case (`type: profile` is a company when it has a company's fields); without",
    "a `type`, a `taxonomy` or `_id` key makes an organization. A record without a `type`,",
    "or with one no kind knows, then takes the kind of its folder, the Jekyll collection",
    "it is published from (`_events`, `_projects`, `_challenges`, `_companies`, `_people`,",
    "`_news`, `_samples`, `_communities`, `_learning/videos`, `courses`, `collections`,",
    "`books`, `organizations`), when the file is loaded from a path; any other record is a",
    "generic `Record`. The JSON Schema's `oneOf` follows the same rules, the folder aside:",
    "it sees only the front matter.",
)

_VALUE_TYPES: Final = (
    "| type | in the file | in Python |",
    "| --- | --- | --- |",
    *(f"| {leaf.reference} | {leaf.written} | {leaf.python} |" for leaf in LEAVES.values()),
    "| string (uri) | an absolute URI | `str` |",
    "| string (uri-reference) | a URI, or a path on the publishing site | `str` |",
    "",
    "When reading, newsrecord also accepts a date-time without a time zone (it means UTC,",
    "as YAML says; a site's `timezone` in `_config.yml`, which Jekyll applies to such",
    "times, is not read); it always writes one. `newsrecord set` reads one given without",
    "an offset as UTC too, with a note; the API refuses a naive `datetime`. A fraction",
    "of a second is read to the microsecond, as Python's `datetime` holds it (digits past",
    "the sixth stay in the file, untouched unless the value is set). A duration",
    "keeps its text; its `timedelta` counts a month as 30 days and a year as 365. An",
    'unquoted value in a text field is text: `title: 2023` is the string `"2023"`.',
)

_SECURED_DETAILS: Final = (
    "| part | encoding | size |",
    "| --- | --- | --- |",
    "| ciphertext | standard base64, before the `;` | whole 16-byte blocks |",
    "| IV | standard base64, after the `;` | 16 bytes |",
    "",
    "`Secured.raw` holds the exact text; `Secured.ciphertext` and `Secured.iv` decode the",
    "two parts (and raise `ValidationError` for a blob of another shape, which still loads",
    "and round-trips unchanged); `repr()` shows only a few characters of each end. The",
    "schema only requires a string, because the library accepts and keeps a blob of any",
    "shape.",
    "",
    "What is for display shortens the blob: `repr()`, `str()`, errors, `show`, `find`,",
    "`json` and `export` (unless asked with `--reveal`). What is data to write back gives",
    "it whole: `Secured.raw`, `to_dict()`, and `attrs.asdict()` of a record (`Secured` is",
    "an attrs class too); print those with care.",
)

_VALIDATING: Final = (
    "The package ships the schema as `newsrecord/schema.json` for any JSON Schema tool;",
    "`newsrecord.json_schema()` returns the same schema as a dict. The schema describes",
    "JSON-compatible data, so a YAML loader's output needs one step first: plain YAML",
    "loaders turn `2023-11-19T21:07:00Z` into a date-time object, which must be written",
    "back as an ISO 8601 string. With PyYAML and the `jsonschema` package:",
    "",
    "```python",
    "import datetime as dt",
    "",
    "import jsonschema",
    "import yaml",
    "",
    "import newsrecord",
    "",
    "",
    "def json_view(value):",
    '    """Return YAML data with date-times as ISO 8601 strings, as in JSON."""',
    "    if isinstance(value, dict):",
    "        return {key: json_view(item) for key, item in value.items()}",
    "    if isinstance(value, list):",
    "        return [json_view(item) for item in value]",
    "    if isinstance(value, dt.datetime) and value.utcoffset() is None:",
    '        return value.isoformat() + "Z"  # YAML: a time without a zone is UTC',
    "    if isinstance(value, dt.date):",
    "        return value.isoformat()",
    "    return value",
    "",
    "",
    'with open("seeds/000_9841d82d5199b387.txt", encoding="utf-8") as stream:',
    "    text = stream.read()",
    'front_matter = yaml.safe_load(text.split("\\n---", 1)[0])  # up to the closing ---',
    "",
    "validator = jsonschema.Draft202012Validator(",
    "    newsrecord.json_schema(),",
    "    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,",
    ")",
    "assert not list(validator.iter_errors(json_view(front_matter)))",
    "```",
    "",
    "Format checks (`date-time`, `duration`, `uri`) need the optional checkers of",
    "`jsonschema` (`pip install 'jsonschema[format-nongpl]'`); without them the formats",
    "are only annotations. A validator may be stricter or looser than newsrecord on a few",
    "edges: JSON Schema counts `5.0` as an integer, and YAML 1.1 loaders such as PyYAML read",
    "an unquoted `yes` as `true` and an unquoted `2023` as a number.",
)


def _anchor(cls: type) -> str:
    # The id Python-Markdown's table of contents gives a ``## ClassName`` heading.
    return cls.__name__.lower()


def _row(cls: type, spec: FieldSpec) -> str:
    cells = [
        f"`{spec.key}`",
        f"`{spec.name}`",
        _type_text(cls, spec),
        "**yes**" if spec.required else "no",
        _escape(spec.description),
        _example_text(spec.example),
    ]
    return "| " + " | ".join(cells) + " |"


def _type_text(cls: type, spec: FieldSpec) -> str:
    tp = optional_part(spec.type)
    url_format = _url_format(cls, spec)
    if url_format is not None:
        return f"string ({url_format})"
    return _type_name(tp)


def _type_name(tp: Any) -> str:
    leaf = LEAVES.get(tp)
    if leaf is not None:
        return leaf.reference
    origin = typing.get_origin(tp)
    if origin is list:
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(arg) for arg in typing.get_args(tp))
    if _is_model(tp):
        return f"[{tp.__name__}](#{_anchor(tp)})"
    return "any"


def _example_text(example: Any) -> str:
    if example is None:
        return ""
    text = example if isinstance(example, str) else json.dumps(example, ensure_ascii=False)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text.replace('|', '&#124;')}{fence}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


# --- the committed copies ---------------------------------------------------------------


def render_json() -> str:
    """Return :func:`json_schema` as the text of ``schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def generated_files(root: Path) -> dict[Path, str]:
    """Return the generated files of the source checkout at *root* and their contents."""
    return {
        root / "src" / "newsrecord" / "schema.json": render_json(),
        root / "docs" / "schema.md": schema_markdown(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite ``src/newsrecord/schema.json`` and ``docs/schema.md`` of a checkout.

    Args:
        argv: Command-line arguments; ``sys.argv[1:]`` when None.

    Returns:
        The exit status: 0, or 1 when ``--check`` finds a stale file.
    """
    parser = argparse.ArgumentParser(
        prog="python -m newsrecord.schema",
        description="Regenerate the JSON Schema and the format reference from the model.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parents[2],
        help="the source checkout (default: the one this module is in)",
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; fail if a file is stale"
    )
    options = parser.parse_args(argv)
    if not (options.root / "pyproject.toml").is_file():
        parser.error(f"{options.root} is not a newsrecord source checkout")
    stale = []
    for path, text in generated_files(options.root).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not options.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    for path in stale:
        sys.stderr.write(f"{path}: {'is stale' if options.check else 'written'}\n")
    return 1 if options.check and stale else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
