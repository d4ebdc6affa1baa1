"""Queries over records: a small, safe expression language on field paths.

``where('publishedDateTime > 2024-01-01 and "AI" in topics')`` parses an expression into a
:class:`Query`; ``query.matches(record)`` tells whether a record satisfies it. The parser
is a hand-written recursive descent over a handful of tokens (a grammar this small needs
no parsing library, and its errors can point at the exact column); nothing is ever
evaluated as Python.

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | test
    test       := "(" expr ")"
                | "exists" "(" PATH ")"
                | operand [operator operand | "not" "in" operand | "exists"]
    operator   := "==" | "!=" | "<" | "<=" | ">" | ">=" | "in"
                | "contains" | "startswith" | "endswith" | "matches"
    operand    := PATH | literal
    literal    := STRING | NUMBER | DATE | DATETIME | "true" | "false" | "null"
                | "[" [literal ("," literal)*] "]"

A ``PATH`` is a field path of YAML keys (``provider.name``, ``images[0].width``), or any
path in backquotes (`` `odd-key`.x ``): a path in backquotes is a key asked for as
written, which :meth:`Query.misspellings` and :meth:`Query.unknown_fields` leave alone. A
test that is a path alone is true when the field is ``true``. The rules that give values
their meaning are in :class:`Query`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, Final

import attrs

from newsrecord._bind.paths import parse_field_path
from newsrecord._write.render import scalar_text
from newsrecord.document import Document
from newsrecord.editing import closest_field, declared_type, get_field, no_kind_declares
from newsrecord.errors import Problem, RecordError, ValidationError, brief, shorten
from newsrecord.model.duration import Duration
from newsrecord.model.fields import optional_part
from newsrecord.model.price import Price
from newsrecord.model.records import KINDS, AnyRecord
from newsrecord.model.secured import Secured

__all__ = ["Query", "QueryError", "where"]


_AROUND: Final = 30
"""Characters of an expression shown on each side of an error's column."""


class QueryError(RecordError, ValueError):
    """A query expression is malformed; ``column`` (1-based) points into the expression.

    Attributes:
        expression: The expression as given (when known).
    """

    expression: str

    def __init__(self, message: str, *, expression: str = "", column: int = 1) -> None:
        """Create the error for *message* at *column* of *expression*."""
        self.expression = expression
        super().__init__([Problem(message, line=1, column=column, field=None)])

    def _summary(self) -> str:
        problem = self.problems[0]
        if not self.expression:  # not about a place in an expression (a search too slow)
            return problem.message
        return f"column {problem.column}: {problem.message}"

    def pointer(self) -> str:
        """Return the expression with a caret under the column, for a terminal.

        A long expression is shown around the column only (``...`` for the rest): it
        may quote a secured blob, which no message shows in full, and a caret far to
        the right of a wrapped line points nowhere.
        """
        column = self.column or 1
        start = max(column - 1 - _AROUND, 0)
        end = column - 1 + _AROUND
        shown = self.expression[start:end]
        before = "..." if start else ""
        after = "..." if end < len(self.expression) else ""
        return f"{before}{shown}{after}\n{' ' * (len(before) + column - 1 - start)}^"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by message, expression and column."""
        return (_query_error, (self.message, self.expression, self.column or 1))


def _query_error(message: str, expression: str, column: int) -> QueryError:
    return QueryError(message, expression=expression, column=column)


# --- tokens ------------------------------------------------------------------------------

_KEYWORDS: Final = frozenset(
    {
        "and",
        "or",
        "not",
        "in",
        "contains",
        "startswith",
        "endswith",
        "matches",
        "exists",
        "true",
        "false",
        "null",
    }
)
_WORD_OPERATORS: Final = ("in", "contains", "startswith", "endswith", "matches")
_SYMBOL_OPERATORS: Final = ("==", "!=", "<=", ">=", "<", ">")

_DATETIME: Final = (
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
)
_TOKEN: Final = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<date>{_DATETIME})(?![\w.:-])
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)(?![\w.])
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<quoted>`[^`]*`(?:\.[A-Za-z_$@][\w$@-]*|\[-?\d+\])*)
  | (?P<path>[A-Za-z_$@][\w$@-]*(?:\.[A-Za-z_$@][\w$@-]*|\[-?\d+\])*)
  | (?P<symbol>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
"""One token: ``date`` before ``number`` (both start with digits), and a date only when
it ends where a date can end."""


@attrs.frozen
class _Token:
    kind: str
    text: str
    column: int


_HINTS: Final = {
    "=": " (compare with ==)",
    "!": " (write != or not)",
    '"': " (the string is not closed)",
    "'": " (the string is not closed)",
    "`": " (the field name is not closed)",
    "&": " (write and)",
    "|": " (write or)",
}


def _tokens(expression: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            character = expression[position]
            hint = _HINTS.get(character, " (strings go in quotes)")
            raise QueryError(
                f"unexpected {character!r}{hint}", expression=expression, column=position + 1
            )
        kind = match.lastgroup or ""
        if kind != "space":
            text = match.group()
            if kind == "path" and text.lower() in _KEYWORDS:
                # AND, Or, NULL: keywords in any case, as SQL hands have them typed.
                kind, text = "keyword", text.lower()
            tokens.append(_Token(kind, text, position + 1))
        position = match.end()
    tokens.append(_Token("end", "", len(expression) + 1))
    return tokens


# --- the tree ----------------------------------------------------------------------------

Value = str | int | float | bool | dt.datetime | dt.date | None | tuple[Any, ...]
"""A literal's value; a list literal is a tuple of them."""


@attrs.frozen
class Field:
    """A field path in a query.

    Attributes:
        path: The path as written (without backquotes).
        quoted: Written in backquotes: a key asked for as written, which the checks for
            misspelt and unknown fields leave alone. Not part of equality: it changes
            no match.
        column: Where the path starts in the expression (1-based; 0 when the field was
            not parsed from one), for messages about it.
    """

    path: str
    quoted: bool = attrs.field(default=False, eq=False)
    column: int = attrs.field(default=0, eq=False, repr=False)

    def __str__(self) -> str:
        """Render as written, in backquotes when it was or when it is not a plain path."""
        plain = _TOKEN.fullmatch(self.path)
        if (
            not self.quoted
            and plain is not None
            and plain.lastgroup == "path"
            and self.path.lower() not in _KEYWORDS
        ):
            return self.path
        return f"`{self.path}`"


@attrs.frozen
class Literal:
    """A literal value in a query.

    Attributes:
        value: The value: text, a number, a boolean, a date, a date-time, None, or a
            tuple of literal values for a list.
    """

    value: Value

    def __str__(self) -> str:
        """Render so that parsing the text gives the same literal back."""
        return _render(self.value)


Operand = Field | Literal


@attrs.frozen
class Compare:
    """``left OP right``, for every binary operator.

    Attributes:
        op: ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``, ``contains``,
            ``startswith``, ``endswith`` or ``matches``.
        left: The left operand.
        right: The right operand.
    """

    op: str
    left: Operand
    right: Operand

    def __str__(self) -> str:
        """Render as ``left op right``."""
        return f"{self.left} {self.op} {self.right}"


@attrs.frozen
class _OnField:
    field: Field


@attrs.frozen
class Exists(_OnField):
    """``exists(path)``: the field is present and not null.

    Attributes:
        field: The field.
    """

    def __str__(self) -> str:
        """Render as ``exists(path)``."""
        return f"exists({self.field})"


@attrs.frozen
class Truth(_OnField):
    """A field path alone: true when the field is ``true``.

    Attributes:
        field: The field.
    """

    def __str__(self) -> str:
        """Render as the path."""
        return str(self.field)


@attrs.frozen
class Not:
    """``not expr``.

    Attributes:
        operand: The negated expression.
    """

    operand: Node

    def __str__(self) -> str:
        """Render as ``not (...)`` where the operand needs it."""
        inner = str(self.operand)
        if isinstance(self.operand, And | Or):
            inner = f"({inner})"
        return f"not {inner}"


@attrs.frozen
class _Joined:
    operands: tuple[Node, ...]

    def _joined(self, word: str, grouped: type | types.UnionType) -> str:
        return f" {word} ".join(
            f"({operand})" if isinstance(operand, grouped) else str(operand)
            for operand in self.operands
        )


@attrs.frozen
class And(_Joined):
    """``a and b and ...``.

    Attributes:
        operands: Two or more expressions.
    """

    def __str__(self) -> str:
        """Render with parentheses around ``and`` and ``or`` operands."""
        return self._joined("and", And | Or)


@attrs.frozen
class Or(_Joined):
    """``a or b or ...``.

    Attributes:
        operands: Two or more expressions.
    """

    def __str__(self) -> str:
        """Render as the operands joined by ``or``, nested ``or`` in parentheses."""
        return self._joined("or", Or)


Node = Compare | Exists | Truth | Not | And | Or


def _render(value: Value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    return scalar_text(value)  # null, true, numbers and dates read here as YAML writes them


# --- the parser --------------------------------------------------------------------------


_MAX_NESTING: Final = 64
"""How deep parentheses, ``not`` and list literals may nest: far beyond what a person
writes, and well within Python's recursion limit (the parser and the evaluation recurse)."""


class _Parser:
    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.index = 0
        self.depth = 0

    def nested(self, token: _Token) -> None:
        """Go one level deeper (a parenthesis, a ``not``, a list), or refuse to."""
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise self.error(f"nested more than {_MAX_NESTING} levels deep", token)

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str, token: _Token | None = None) -> QueryError:
        token = token or self.token
        return QueryError(message, expression=self.expression, column=token.column)

    def found(self) -> str:
        token = self.token
        return "the end of the expression" if token.kind == "end" else repr(token.text)

    def take(self, *texts: str) -> _Token | None:
        token = self.token
        if token.kind in ("keyword", "symbol") and token.text in texts:
            self.index += 1
            return token
        return None

    def expect(self, text: str, what: str) -> _Token:
        token = self.take(text)
        if token is None:
            raise self.error(f"expected {what}, found {self.found()}")
        return token

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise self.error("the expression is empty")
        node = self.or_()
        if self.token.kind != "end":
            raise self.error(f"expected 'and', 'or' or the end, found {self.found()}")
        return node

    def or_(self) -> Node:
        operands = [self.and_()]
        while self.take("or"):
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_(self) -> Node:
        operands = [self.not_()]
        while self.take("and"):
            operands.append(self.not_())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_(self) -> Node:
        token = self.take("not")
        if token is not None:
            self.nested(token)
            node: Node = Not(self.not_())
            self.depth -= 1
            return node
        return self.test()

    def test(self) -> Node:
        token = self.take("(")
        if token is not None:
            self.nested(token)
            node = self.or_()
            self.expect(")", "')'")
            self.depth -= 1
            return node
        start = self.token
        if self.take("exists"):
            self.expect("(", "'(' after exists")
            field = self.field()
            self.expect(")", "')'")
            return Exists(field)
        left = self.operand()
        if self.take("exists"):
            if not isinstance(left, Field):
                raise self.error("'exists' follows a field path, not a value", start)
            return Exists(left)
        op_token = self.token
        op: str | None = None
        if self.take(*_SYMBOL_OPERATORS, *_WORD_OPERATORS):
            op = op_token.text
        elif self.take("not"):
            self.expect("in", "'in' after 'not'")
            op = "not in"
        if op is None:
            if isinstance(left, Field):
                return Truth(left)
            raise self.error(f"expected an operator after {start.text}, found {self.found()}")
        right = self.operand()
        node = Compare(op, left, right)
        _check(node, self, op_token)
        return node

    def field(self) -> Field:
        token = self.token
        if token.kind not in ("path", "quoted"):
            raise self.error(f"expected a field path, found {self.found()}")
        self.index += 1
        return _field(token, self)

    def operand(self) -> Operand:
        token = self.token
        if token.kind in ("path", "quoted"):
            self.index += 1
            return _field(token, self)
        return Literal(self.literal())

    def literal(self) -> Value:
        token = self.token
        if self.take("["):
            self.nested(token)
            items: list[Value] = []
            if not self.take("]"):
                items.append(self.literal())
                while self.take(","):
                    items.append(self.literal())
                self.expect("]", "',' or ']'")
            self.depth -= 1
            return tuple(items)
        self.index += 1
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind == "number":
            return _number(token, self)
        if token.kind == "date":
            return _date(token, self)
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token.text]
        self.index -= 1
        raise self.error(f"expected a field path or a value, found {self.found()}")


def _field(token: _Token, parser: _Parser) -> Field:
    text = token.text
    if token.kind == "quoted":
        closing = text.index("`", 1)
        text = text[1:closing] + text[closing + 1 :]
        if closing == 1:
            raise parser.error("an empty field name", token)
    try:
        parse_field_path(text)
    except ValidationError:
        raise parser.error(f"not a field path: {text!r}", token) from None
    return Field(text, quoted=token.kind == "quoted", column=token.column)


_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def _number(token: _Token, parser: _Parser) -> int | float:
    text = token.text
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    value = float(text)
    if math.isinf(value):
        raise parser.error(f"the number {text} is too large", token)
    return value


def _date(token: _Token, parser: _Parser) -> dt.date | dt.datetime:
    text = token.text
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise parser.error(f"not a date: {text}", token) from None
    # A date-time without an offset means UTC, as nearly every record writes its times.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _check(node: Compare, parser: _Parser, op: _Token) -> None:
    """Refuse, at parse time, what could never be evaluated."""
    if node.op == "matches":
        if not isinstance(node.right, Literal) or not isinstance(node.right.value, str):
            raise parser.error("'matches' takes a pattern in quotes", op)
        try:
            _compile(node.right.value)
        except QueryError as exc:
            raise parser.error(exc.message, op) from None
    if node.op in ("startswith", "endswith") and not (
        isinstance(node.right, Literal) and isinstance(node.right.value, str)
    ):
        raise parser.error(f"'{node.op}' takes a string in quotes", op)


# --- regular expressions ------------------------------------------------------------------

_MAX_PATTERN: Final = 200
_REPEATS: Final = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_CACHE: dict[str, Any] = {}
_CACHE_SIZE: Final = 256
_TIMEOUT: Final = 1.0
"""Seconds one ``matches`` search may take: far above any pattern that does not backtrack
badly (microseconds), far below a hung run."""


def _compile(pattern: str) -> Any:
    """Compile a ``matches`` pattern once, refusing the shapes that backtrack badly.

    Patterns are Python's syntax, run by the ``regex`` package, which takes a time limit
    (see :func:`_search`): a backtracking engine can take exponential time on a short
    string (``(a+)+$``), or polynomial time that is as bad (``.*.*.*.*=x``). The shapes
    known to cause it are refused at once, at parse time: a repetition of something that
    itself holds a repetition or an alternation, backreferences, and patterns longer than
    200 characters.
    """
    compiled = _CACHE.get(pattern)
    if compiled is not None:
        return compiled
    if len(pattern) > _MAX_PATTERN:
        raise QueryError(f"the pattern is longer than {_MAX_PATTERN} characters")
    # Imported here: it costs 25 ms, which only a query with a pattern should pay.
    import regex  # noqa: PLC0415

    try:
        re.compile(pattern)  # Python's syntax, and its messages, are the promise
        compiled = regex.compile(pattern, flags=regex.VERSION0)
    except (re.error, regex.error) as exc:
        raise QueryError(f"not a regular expression: {exc}") from None
    # The standard library's own parser gives the pattern's tree (a private module, so we
    # look it up at run time; without it only the length limit applies).
    try:
        parser: Any = importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - every CPython from 3.11 has it
        parser = None
    if parser is not None:
        _check_tree(parser.parse(pattern), inside_repeat=False)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[pattern] = compiled
    return compiled


def _check_tree(tree: Any, *, inside_repeat: bool) -> None:
    for op, argument in tree:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            raise QueryError("backreferences are not allowed in patterns")
        if name in _REPEATS:
            if inside_repeat:
                raise QueryError(
                    "a repeated part holds another repetition, which can take exponential "
                    "time (write (ab)+ rather than (a+b)+)"
                )
            _low, high, sub = argument
            _check_tree(sub, inside_repeat=high > 1)
        elif name == "BRANCH":
            if inside_repeat:
                raise QueryError(
                    "a repeated part holds an alternation, which can take exponential time "
                    "(use a character class: [ab]+ rather than (a|b)+)"
                )
            for branch in argument[1]:
                _check_tree(branch, inside_repeat=inside_repeat)
        elif name == "SUBPATTERN":
            _check_tree(argument[-1], inside_repeat=inside_repeat)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _check_tree(argument[1], inside_repeat=inside_repeat)


# --- evaluation --------------------------------------------------------------------------


def _resolve(record: AnyRecord, field: Field) -> Any:
    try:
        return get_field(record, field.path)
    except ValidationError:
        # An index past the end, or a path into a value with no fields: nothing there.
        return None


def _comparable(value: Any) -> Any:
    """Bring a record value to the types literals have."""
    if isinstance(value, str | int | float | bool | dt.datetime | dt.date | list | tuple):
        return value
    if value is None:
        return None
    if isinstance(value, Duration):  # before its text: a duration compares as its seconds
        return value.timedelta.total_seconds()
    text = getattr(value, "text", None)  # Price keeps its text as written
    if isinstance(text, str):
        return text
    raw = getattr(value, "raw", None)  # the secured blob
    if isinstance(raw, str):
        return raw
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _instant(value: Any) -> dt.datetime | None:
    """A value as an aware date-time, when it is one (or ISO text, or a date)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        # A date stands for its first instant, in UTC, as in SQL: publishedDateTime > 2024-01-01.
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str) and len(value) >= 10:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list | tuple):
        return "list"
    return "other"


def _pair(left: Any, right: Any) -> tuple[Any, Any] | None:
    """Both values in one comparable type, or None when they cannot be compared."""
    kinds = {_kind(left), _kind(right)}
    if kinds in ({"date"}, {"date", "str"}):
        a, b = _instant(left), _instant(right)
        return None if a is None or b is None else (a, b)
    if len(kinds) != 1 or "other" in kinds or "null" in kinds:
        return None
    if "list" in kinds:
        return (list(left), list(right))
    return (left, right)


def _equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(_equal, left, right))
    pair = _pair(left, right)
    return pair is not None and bool(pair[0] == pair[1])


_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _ordered(op: str, left: Any, right: Any) -> bool:
    pair = _pair(left, right)
    if pair is None or isinstance(pair[0], bool | list):
        return False
    return _ORDER[op](*pair)


def _member(item: Any, container: Any) -> bool:
    if isinstance(container, list | tuple):
        return any(_equal(item, element) for element in container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


def _text_test(op: str, value: Any, argument: str) -> bool:
    if isinstance(value, list | tuple):
        return any(_text_test(op, item, argument) for item in value)
    if not isinstance(value, str):
        return False
    if op == "startswith":
        return value.startswith(argument)
    if op == "endswith":
        return value.endswith(argument)
    return _search(argument, value)


def _search(pattern: str, value: str) -> bool:
    """Whether *pattern* is found in *value*, within :data:`_TIMEOUT` seconds.

    Raises:
        QueryError: the search took longer: the pattern backtracks too much.
    """
    try:
        return _compile(pattern).search(value, timeout=_TIMEOUT) is not None
    except TimeoutError:
        raise QueryError(
            f"the pattern {shorten(pattern, 60)!r} took more than {_TIMEOUT:g} s on one value "
            "(it backtracks too much): make it more specific, such as [^=]* for .*"
        ) from None


def _evaluate(node: Node, record: AnyRecord) -> bool:
    if isinstance(node, Compare):
        left = _operand(node.left, record)
        right = _operand(node.right, record)
        op = node.op
        if op == "==":
            return _equal(left, right)
        if op == "!=":
            return not _equal(left, right)
        if op in _ORDER:
            return _ordered(op, left, right)
        if op == "in":
            return _member(left, right)
        if op == "not in":
            return not _member(left, right)
        if op == "contains":
            return _member(right, left)
        assert isinstance(right, str)  # noqa: S101  # the parser checked the argument
        return _text_test(op, left, right)
    if isinstance(node, Exists):
        return _resolve(record, node.field) is not None
    if isinstance(node, Truth):
        return _resolve(record, node.field) is True
    if isinstance(node, Not):
        return not _evaluate(node.operand, record)
    if isinstance(node, And):
        return all(_evaluate(operand, record) for operand in node.operands)
    return any(_evaluate(operand, record) for operand in node.operands)


def _operand(operand: Operand, record: AnyRecord) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    return _comparable(_resolve(record, operand))


# --- the public face ----------------------------------------------------------------------


@attrs.frozen
class Query:
    """A parsed query expression; :meth:`matches` tests a record against it.

    How values compare:

    - A missing field (or a path through a missing parent, or past the end of a list) is
      ``null``: ``field == null`` is true, every ordering (``<``, ``>``...) is false.
    - Numbers compare with numbers, text with text, lists with lists; ``true``/``false``
      only with ``==``/``!=``. Comparing values of different types is false (``!=``
      true), never an error, so one query runs over records of every kind.
    - Dates and date-times compare as instants, with their time zones: a date-time
      literal without an offset is UTC, a date is its first instant in UTC
      (``publishedDateTime > 2024-01-01`` is after midnight UTC). Date text in unknown keys is
      read as ISO 8601.
    - ``x in [a, b]`` is membership in a literal list; ``"AI" in topics`` (or
      ``topics contains "AI"``) membership in a list field; on text, both test for a
      substring.
    - ``startswith``, ``endswith`` and ``matches`` (a Python regular expression,
      searched anywhere in the value) test text; on a list, any of its items.
    - A price compares as its text, a duration as its seconds.

    Attributes:
        expression: The text the query was parsed from.
        tree: The parsed expression.
    """

    expression: str
    tree: Node = attrs.field(repr=False, eq=False)

    @classmethod
    def parse(cls, expression: str) -> Query:
        """Parse *expression*.

        Raises:
            QueryError: the expression is malformed; its ``column`` points at the place.
        """
        if not isinstance(expression, str):
            raise QueryError(f"a query is text, not {type(expression).__name__}")
        return cls(expression, _Parser(expression).parse())

    def matches(self, record: AnyRecord | Document) -> bool:
        """Whether *record* (or a document's record) satisfies the query."""
        if isinstance(record, Document):
            record = record.record
        return _evaluate(self.tree, record)

    def fields(self) -> list[str]:
        """The field paths the query reads, in order of first use."""
        seen: dict[str, None] = {}
        for node in _walk(self.tree):
            for operand in _operands(node):
                if isinstance(operand, Field):
                    seen.setdefault(operand.path)
        return list(seen)

    def type_clashes(self) -> list[str]:
        """Say which comparisons are false for every record whose kind declares the field.

        ``heat > "40"`` compares an integer field with text, which is false (see the rules
        above) for every kind that declares ``heat``: most often a literal written with
        the wrong quotes. Keys no kind declares are never judged: they can hold anything.
        """
        notes: list[str] = []
        for node in _walk(self.tree):
            if not isinstance(node, Compare) or node.op not in _TYPED_OPS:
                continue
            sides = (node.left, node.right)
            field = next((side for side in sides if isinstance(side, Field)), None)
            literal = next((side for side in sides if isinstance(side, Literal)), None)
            if field is None or literal is None or literal.value is None:
                continue
            given = _kind(literal.value)
            declared = _declared_kinds(field.path)
            if declared and all({given, kind} not in _COMPARABLE for kind in declared):
                types = " or ".join(sorted(_KIND_NAMES[kind] for kind in declared))
                notes.append(
                    f"{field} is {types} in every kind that declares it, so {node} compares "
                    f"it with {_KIND_NAMES[given]} and is false for those records"
                )
        return notes

    def unknown_fields(self) -> list[str]:
        """The field paths the query reads that no kind of record declares, in order.

        Only keys the model does not know (kept in ``extra``) can be there: such a path is
        most often a misspelt field (see :meth:`misspellings`) or text written without
        quotes (``type == video``). Paths in backquotes are left out: they ask for a key
        as written.
        """
        return list(dict.fromkeys(field.path for field, _ in self._unknown()))

    def misspellings(self, *, cutoff: float = 0.7) -> list[QueryError]:
        """Name the unknown fields (see :meth:`unknown_fields`) that are close to a field.

        ``haet > 30`` can only match records with a ``haet`` key, which none is likely to
        have: ``heat`` was meant. Each error points at the first place the path is
        written, says which declared path is closest (``difflib`` with *cutoff*, over the
        keys the model declares at the misspelt step, nested ones too:
        ``provider.nmae``), and how to ask for the key as written: in backquotes. Nothing
        is raised: the caller decides (the command line refuses the expression).
        """
        errors: list[QueryError] = []
        seen: set[str] = set()
        for field, as_value in self._unknown():
            close = closest_field(field.path, cutoff=cutoff)
            if close is None or field.path in seen:
                continue
            seen.add(field.path)
            shown = shorten(field.path, 30)
            text = f"text goes in quotes: {_render(shown)}; " if as_value else ""
            message = (
                f"{brief(field.path)} is not a field; did you mean {brief(close)}? "
                f"({text}`{shown}` in backquotes asks for a key of that name)"
            )
            errors.append(QueryError(message, expression=self.expression, column=field.column or 1))
        return errors

    def _unknown(self) -> Iterator[tuple[Field, bool]]:
        """Yield each field no kind declares and not in backquotes, with a flag.

        The flag tells a field compared with another field, where text without quotes
        is the likelier mistake (``type == video``).
        """
        for node in _walk(self.tree):
            operands = _operands(node)
            both = len(operands) == 2 and all(isinstance(side, Field) for side in operands)
            for operand in operands:
                if (
                    isinstance(operand, Field)
                    and not operand.quoted
                    and no_kind_declares(operand.path)
                ):
                    yield operand, both

    def __str__(self) -> str:
        """The query in canonical form; parsing it gives the same tree."""
        return str(self.tree)


_TYPED_OPS: Final = frozenset({"==", "<", "<=", ">", ">="})
_COMPARABLE: Final = (
    *({"date", "str"}, {"date"}, {"str"}, {"number"}, {"bool"}, {"list"}),
    *({"duration", "number"}, {"duration"}),
)
_KIND_NAMES: Final = {
    "bool": "true/false",
    "number": "a number",
    "duration": "a duration (compared as its seconds)",
    "str": "text",
    "date": "a date-time",
    "list": "a list",
    "null": "null",
    "other": "a value",
}


def _declared_kinds(path: str) -> set[str]:
    """The query kinds (see ``_kind``) of the leaf types the model declares at *path*."""
    try:
        steps = parse_field_path(path)
    except ValidationError:
        return set()
    found: set[str] = set()
    for record_kind in KINDS:
        tp = optional_part(declared_type(record_kind, steps))
        if tp is Any:
            continue
        if typing.get_origin(tp) is list:
            found.add("list")
        elif tp is bool:
            found.add("bool")
        elif tp in (int, float):
            found.add("number")
        elif tp is Duration:
            found.add("duration")  # compares as its seconds, as a number
        elif tp is dt.datetime:
            found.add("date")
        elif tp in (str, Price, Secured):
            found.add("str")
        else:
            return set()  # a model object or a union: not judged
    return found


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from _walk(operand)


def _operands(node: Node) -> tuple[Operand, ...]:
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Exists | Truth):
        return (node.field,)
    return ()


def where(expression: str) -> Query:
    """Parse a query expression: ``where('"AI" in topics').matches(record)``.

    Raises:
        QueryError: the expression is malformed; its ``column`` points at the place.
    """
    return Query.parse(expression)
