"""Every value type a field can hold, each described once for every stage.

A leaf is a value that is one YAML scalar: a string, a number, a date-time, a duration, a
price, the secured blob. What the stages need to know about it (how to read it from the
text of a scalar, how to write it, how to check a Python value, how to name it in a
message, its JSON Schema, its line in the format reference, how Hypothesis draws one)
is one :class:`Leaf` in :data:`LEAVES`. The builder, the cattrs hooks, the writer, the
schema, the strategies and the field-path editor all read this table, so adding a value
type means adding one entry here.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable
from typing import Any, Final

import attrs

from newsrecord._read.yaml_core import YAML_TIMESTAMP
from newsrecord.errors import brief
from newsrecord.model.duration import Duration
from newsrecord.model.price import Price
from newsrecord.model.secured import Secured

__all__ = ["LEAVES", "Leaf", "format_datetime", "is_text", "leaf_of", "parse_datetime"]

_ZULU: Final = re.compile(r"[zZ]$")


def parse_datetime(text: str) -> dt.datetime:
    """Parse an ISO 8601 / YAML timestamp; a missing time zone means UTC, as YAML says.

    Raises:
        ValueError: the text is not a date-time.
    """
    try:
        value = dt.datetime.fromisoformat(_ZULU.sub("+00:00", text.strip()))
    except ValueError:
        value = _yaml_timestamp(text.strip())
    if value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


_OFFSET: Final = re.compile(r"([-+])(\d{1,2})(?::?(\d\d))?")


def _yaml_timestamp(text: str) -> dt.datetime:
    """Parse the YAML 1.1 timestamp forms ISO 8601 parsers refuse, as Jekyll reads them.

    One-digit months, days and hours (``2020-4-1``), a space before the offset, an offset
    of hours alone (``+5``): Ruby's Psych reads them all as times.
    """
    match = YAML_TIMESTAMP.fullmatch(text)
    # Psych's zone is Z or an offset of hours, maybe minutes; the pattern takes more (it
    # also serves to write a date-time as the old one was), so the zone is checked here.
    zone_text = match["zone"] if match is not None else None
    offset = _OFFSET.fullmatch(zone_text) if zone_text else None
    if match is None or (zone_text not in (None, "", "Z") and offset is None):
        raise ValueError(f"expected an ISO 8601 date-time, found {brief(text)}")
    zone = dt.UTC
    if offset is not None:
        sign, hours, minutes = offset.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta >= dt.timedelta(hours=24):  # Psych reads it as text; Python would not say
            raise ValueError(
                f"expected an ISO 8601 date-time, found {brief(text)} (its offset "
                f"{zone_text} is not within -23:59 and +23:59)"
            )
        zone = dt.timezone(-delta if sign == "-" else delta)
    try:
        return dt.datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            int((match["fraction"] or "").ljust(6, "0")[:6]),
            tzinfo=zone,
        )
    except ValueError as error:
        raise ValueError(f"expected an ISO 8601 date-time, found {brief(text)} ({error})") from None


def format_datetime(value: dt.datetime) -> str:
    """Write a date-time as ISO 8601, with ``Z`` for UTC as the format's files do."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@attrs.frozen
class Leaf:
    """What every stage needs to know about one value type.

    Attributes:
        type: The Python type of the values.
        description: How messages name it (``a date-time with a time zone``).
        reference: Its type column in the Markdown format reference.
        written: How files write it, for the format reference.
        python: The Python type, as the format reference names it.
        schema: Its JSON Schema.
        is_text: Whether files write it as a string: a plain scalar where such a value is
            expected is text (``2024-01-01``, ``P1M``), never a number or a date.
        parse: Makes a value from the text of a scalar; raises ValueError for bad text.
            None for YAML's own scalars (numbers, booleans), which the YAML reader makes.
        format: The text a value is written as; None for YAML's own scalars.
        check: Whether a Python value is a good value of this type.
        strategy: Returns a Hypothesis strategy drawing values (imports Hypothesis).
        column: Its column type in a columnar export: ``string``, ``int64``,
            ``float64``, ``bool``, ``timestamp`` (UTC) or ``duration``.
        coerce: Turns a handier Python value into this type when a field is assigned
            (a ``timedelta`` into a ``Duration``), or None.
    """

    type: type
    description: str
    reference: str
    written: str
    python: str
    schema: dict[str, Any]
    is_text: bool
    parse: Callable[[str], Any] | None
    format: Callable[[Any], str] | None
    check: Callable[[Any], bool]
    strategy: Callable[[], Any]
    column: str = "string"
    coerce: Callable[[Any], Any] | None = None


# --- strategies: Hypothesis is imported only when a strategy is asked for -----------------


def _texts() -> Any:
    from newsrecord.strategies import texts

    return texts()


def _integers() -> Any:
    from hypothesis import strategies as st

    return st.integers(-(2**64), 2**64) | st.sampled_from([-2147483598, 0, -1, 2**31])


def _floats() -> Any:
    from hypothesis import strategies as st

    return st.floats(allow_nan=False, allow_infinity=False)


def _booleans() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


def _datetimes() -> Any:
    from hypothesis import strategies as st

    # UTC and whole-minute offsets, microseconds included.
    zones = st.sampled_from([dt.UTC]) | st.integers(-14 * 60, 14 * 60).map(
        lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
    )
    return st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=zones
    )


def _durations() -> Any:
    from hypothesis import strategies as st

    # ISO 8601 lengths up to a year, and the other ways real files write them.
    lengths = st.integers(0, 366 * 24 * 3600).map(lambda s: Duration.of(dt.timedelta(seconds=s)))
    words = st.builds(
        lambda amount, unit: Duration(f"{amount} {unit}"),
        st.integers(1, 500),
        st.sampled_from(["hours", "Weeks", "minutes", "days", "h", "mins"]),
    )
    clocks = st.builds(
        lambda hours, minutes: Duration(f"{hours}:{minutes:02d}"),
        st.integers(0, 99),
        st.integers(0, 59),
    )
    return st.one_of(lengths, words, clocks, st.just(Duration("P1M")))


def _prices() -> Any:
    from hypothesis import strategies as st

    from newsrecord.strategies import texts

    amounts = st.decimals(min_value=0, max_value=10_000, places=2).map(lambda d: f"${d}")
    return st.one_of(
        st.sampled_from(["Free", "Free+", "$40.34", "€12", "Paid"]), amounts, texts(min_size=1)
    ).map(Price)


def _secured_blobs() -> Any:
    import base64

    from hypothesis import strategies as st

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    real = st.tuples(
        st.binary(min_size=16, max_size=160).map(lambda b: b + bytes(-len(b) % 16)),
        st.binary(min_size=16, max_size=16),
    ).map(lambda pair: b64(pair[0]) + ";" + b64(pair[1]))
    return st.one_of(real, st.text(string.ascii_letters + "+/=;", max_size=60)).map(Secured)


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_MAX_INT_BITS: Final = 3322
"""About 1,000 decimal digits: the longest integer loading reads (and Python converts)."""


def is_text(value: Any) -> bool:
    """Whether *value* is a string a UTF-8 file can hold (no lone surrogate)."""
    return isinstance(value, str) and (value.isascii() or _SURROGATE.search(value) is None)


def _is_int(value: Any) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value.bit_length() <= _MAX_INT_BITS
    )


def _is_aware(value: Any) -> bool:
    if not isinstance(value, dt.datetime):
        return False
    offset = value.utcoffset()
    # An offset with seconds (+05:21:10, local mean time before 1900 in zoneinfo) has no
    # YAML timestamp form: Jekyll would read it as text.
    return offset is not None and not offset % dt.timedelta(minutes=1)


def _yaml_scalar(
    tp: type,
    description: str,
    reference: str,
    written: str,
    *,
    check: Callable[[Any], bool],
    strategy: Callable[[], Any],
    column: str,
) -> Leaf:
    """A scalar YAML reads and writes itself (a number, a boolean): no text of ours."""
    return Leaf(
        tp,
        description,
        reference,
        written,
        f"`{tp.__name__}`",
        {"type": reference},
        is_text=False,
        parse=None,
        format=None,
        check=check,
        strategy=strategy,
        column=column,
    )


def _value_class(
    cls: type,
    description: str,
    reference: str,
    written: str,
    *,
    strategy: Callable[[], Any],
    schema: dict[str, Any] | None = None,
    coerce: Callable[[Any], Any] | None = None,
    format: Callable[[Any], str] = str,  # noqa: A002  # the Leaf attribute it fills
    column: str = "string",
) -> Leaf:
    """A value class of the model, written as text: made from its text, kept as its class."""
    return Leaf(
        cls,
        description,
        reference,
        written,
        f"`newsrecord.{cls.__name__}`",
        schema or {"type": "string"},
        is_text=True,
        parse=cls,
        format=format,
        check=lambda value: isinstance(value, cls),
        strategy=strategy,
        column=column,
        coerce=coerce,
    )


def _as_duration(value: Any) -> Any:
    # A length given as a timedelta becomes a Duration written in ISO 8601; a negative
    # one stays as it is, for the validator to refuse with the field's name.
    if isinstance(value, dt.timedelta) and value >= dt.timedelta():
        return Duration.of(value)
    return value


LEAVES: Final[dict[type, Leaf]] = {
    leaf.type: leaf
    for leaf in (
        Leaf(
            str,
            "a string",
            "string",
            "any YAML string; plain, quoted or block",
            "`str`",
            {"type": "string"},
            is_text=True,
            parse=str,
            format=str,
            check=is_text,
            strategy=_texts,
        ),
        _yaml_scalar(
            int,
            "an integer",
            "integer",
            "a whole number, possibly negative",
            check=_is_int,
            strategy=_integers,
            column="int64",
        ),
        _yaml_scalar(
            float,
            "a number",
            "number",
            "a number",
            check=lambda value: isinstance(value, float) or _is_int(value),
            strategy=_floats,
            column="float64",
        ),
        _yaml_scalar(
            bool,
            "true or false",
            "boolean",
            "`true` or `false`",
            check=lambda value: isinstance(value, bool),
            strategy=_booleans,
            column="bool",
        ),
        Leaf(
            dt.datetime,
            "a date-time with a time zone",
            "string (date-time)",
            "ISO 8601 / RFC 3339 with a time zone: `2023-11-19T21:07:00Z`",
            "time-zone-aware `datetime.datetime`",
            {"type": "string", "format": "date-time"},
            is_text=True,
            parse=parse_datetime,
            format=format_datetime,
            check=_is_aware,
            strategy=_datetimes,
            column="timestamp",
        ),
        _value_class(
            Duration,
            "a duration such as PT13M34S, 2 hours or 1:30",
            "string (duration)",
            "as written: ISO 8601 (`PT13M34S`, `P1M`), words (`53 hours`, `6 Weeks`, "
            "`1h 49m`) or a clock (`1:16`, hours and minutes)",
            strategy=_durations,
            schema={"type": "string", "pattern": Duration.SCHEMA_PATTERN},
            coerce=_as_duration,
            column="duration",
        ),
        _value_class(
            Price,
            "a price such as 'Free' or '$40.34'",
            "string (price)",
            "the price as written: `Free`, `Free+`, `$40.34`",
            strategy=_prices,
        ),
        _value_class(
            Secured,
            "the secured blob as a string",
            "string ([secured](#the-secured-blob))",
            "see [the secured blob](#the-secured-blob)",
            strategy=_secured_blobs,
            format=lambda value: value.raw,
        ),
    )
}
"""Every leaf type, by Python type."""

VALUE_CLASSES: Final = tuple(
    tp for tp, leaf in LEAVES.items() if leaf.is_text and tp not in (str, dt.datetime)
)
"""The value classes of the model (attrs classes that are one scalar, not a mapping)."""


def leaf_of(tp: Any) -> Leaf | None:
    """Return the leaf of type *tp*, or None when it is not a leaf type."""
    return LEAVES.get(tp)
