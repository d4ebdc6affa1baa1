"""How long a learning resource takes, kept as the file writes it."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, Final

import attrs

from newsrecord.errors import FieldTypeError, ValidationError, brief

__all__ = ["Duration"]

# ISO 8601: P1Y2M3W4DT5H6M7.5S. Each part is optional but in this order.
_ISO: Final = re.compile(
    r"P(?:(?P<years>[0-9]+(?:\.[0-9]+)?)Y)?(?:(?P<months>[0-9]+(?:\.[0-9]+)?)M)?"
    r"(?:(?P<weeks>[0-9]+(?:\.[0-9]+)?)W)?(?:(?P<days>[0-9]+(?:\.[0-9]+)?)D)?"
    r"(?:T(?:(?P<hours>[0-9]+(?:\.[0-9]+)?)H)?(?:(?P<minutes>[0-9]+(?:\.[0-9]+)?)M)?"
    r"(?:(?P<seconds>[0-9]+(?:\.[0-9]+)?)S)?)?"
)
# A clock: H:MM or H:MM:SS (``1:16`` is an hour and sixteen minutes, as course pages
# write lengths).
_CLOCK: Final = re.compile(
    r"(?P<hours>[0-9]+):(?P<minutes>[0-5][0-9])(?::(?P<seconds>[0-5][0-9]))?"
)
# Words: ``53 hours``, ``6 Weeks``, ``1h 49m``, ``2 hrs, 30 mins``, ``1.5 hours``. One
# amount and unit per match; the caller checks that the matches cover the whole text.
_AMOUNT: Final = re.compile(r"([0-9]+(?:[.,][0-9]+)?) ?([A-Za-z]+)")
_SEPARATOR: Final = re.compile(r"(?:[ ,]+(?:and )?)?")

_MONTH: Final = dt.timedelta(days=30)
_YEAR: Final = dt.timedelta(days=365)
# A month or a year has no fixed length; they count as 30 and 365 days. The text, which
# says what the file says, stays as written while the value is not changed.
_UNITS: Final = {
    "years": _YEAR,
    "months": _MONTH,
    "weeks": dt.timedelta(weeks=1),
    "days": dt.timedelta(days=1),
    "hours": dt.timedelta(hours=1),
    "minutes": dt.timedelta(minutes=1),
    "seconds": dt.timedelta(seconds=1),
}
_UNIT_WORDS: Final = {
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "years"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "months"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "seconds"),
}
_LONGEST: Final = 200
"""Longer texts are not durations; the limit keeps parsing cheap on hostile input."""


def _any_case(word: str) -> str:
    return "".join(f"[{ch.upper()}{ch.lower()}]" for ch in word)


def _schema_pattern() -> str:
    # The forms parse_duration accepts, as one ECMA-262 regex for the JSON Schema (which
    # has no case-insensitive flag, hence the character classes).
    number = r"[0-9]+(?:\.[0-9]+)?"
    iso = (
        f"P(?=.*[0-9])(?:{number}Y)?(?:{number}M)?(?:{number}W)?(?:{number}D)?"
        f"(?:T(?=[0-9])(?:{number}H)?(?:{number}M)?(?:{number}S)?)?"
    )
    clock = r"[0-9]+:[0-5][0-9](?::[0-5][0-9])?"
    unit = "(?:" + "|".join(_any_case(w) for w in sorted(_UNIT_WORDS, key=len, reverse=True)) + ")"
    amount = rf"[0-9]+(?:[.,][0-9]+)? ?{unit}"
    words = rf"{amount}(?:(?:[ ,]+(?:and )?)?{amount})*(?:[ ,]+(?:and )?)?"
    return rf"^\s*(?:{iso}|{clock}|{words})\s*$"


def parse_duration(text: str) -> dt.timedelta:
    """Return the length of a duration written in any of the forms files use.

    ISO 8601 (``PT13M34S``, ``P1M``), a clock (``1:16`` = 1 h 16 min, ``0:42:10``), or
    amounts with units (``53 hours``, ``6 Weeks``, ``1h 49m``, ``1.5 hours``).

    Raises:
        ValueError: the text is none of these, or too long to be a duration.
    """
    stripped = text.strip()
    if len(stripped) > _LONGEST:
        raise ValueError(f"expected a duration such as PT13M34S or 2 hours, found {brief(text)}")
    parts = _iso_parts(stripped) or _clock_parts(stripped) or _word_parts(stripped)
    if parts is None:
        raise ValueError(
            f"expected a duration such as PT13M34S, 2 hours, 1h 30m or 1:30, found {brief(text)}"
        )
    total = dt.timedelta()
    try:
        for unit, amount in parts:
            total += _UNITS[unit] * amount
    except OverflowError:
        raise ValueError(f"the duration {brief(text)} is too long") from None
    return total


def _number(text: str) -> float | int:
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def _iso_parts(text: str) -> list[tuple[str, float | int]] | None:
    match = _ISO.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        return None
    return [(unit, _number(amount)) for unit, amount in match.groupdict().items() if amount]


def _clock_parts(text: str) -> list[tuple[str, float | int]] | None:
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    return [(unit, int(amount)) for unit, amount in match.groupdict().items() if amount]


def _word_parts(text: str) -> list[tuple[str, float | int]] | None:
    parts = []
    at = 0
    while at < len(text):
        match = _AMOUNT.match(text, at)
        if match is None:
            return None
        unit = _UNIT_WORDS.get(match.group(2).lower())
        if unit is None:
            return None
        parts.append((unit, _number(match.group(1))))
        at = match.end()
        separator = _SEPARATOR.match(text, at)
        at = separator.end() if separator else at
    return parts or None


def format_duration(value: dt.timedelta) -> str:
    """Write a length as ISO 8601 (``PT13M34S``; whole days as ``D``, never months).

    Raises:
        ValueError: the length is negative.
    """
    if value < dt.timedelta():
        raise ValidationError(f"a duration cannot be negative: {value}")
    days = value.days
    hours, rest = divmod(value.seconds, 3600)
    minutes, whole = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if whole or value.microseconds:
        second_text = f"{whole + value.microseconds / 1_000_000:.6f}".rstrip("0").rstrip(".")
        clock += f"{second_text}S"
    if clock:
        text += "T" + clock
    return text if text != "P" else "PT0S"


def _valid_text(instance: Duration, attribute: attrs.Attribute[str], text: str) -> None:
    if not isinstance(text, str):
        raise FieldTypeError(f"a duration's text must be a string, not {type(text).__name__}")
    try:
        length = parse_duration(text)
    except ValueError as error:
        # A RecordError, as every error of newsrecord, and still a ValueError.
        raise ValidationError(str(error)) from None
    object.__setattr__(instance, "_length", length)


@attrs.frozen
class Duration:
    """How long something takes, exactly as the file writes it, with its length.

    Files write lengths in many ways (``PT13M34S``, ``P1M``, ``53 hours``, ``6 Weeks``,
    ``1:16``, ``1h 49m``); the text is kept, so an unchanged value is written back as it
    was. Two durations are equal when their texts are; compare :attr:`timedelta` to
    compare lengths. Make one from a length with :meth:`of`; a field typed ``Duration``
    also takes a :class:`datetime.timedelta` and converts it so.

    Attributes:
        text: The duration exactly as written.
    """

    SCHEMA_PATTERN: ClassVar[str] = _schema_pattern()
    """The texts :class:`Duration` takes, as a JSON Schema (ECMA-262) pattern."""

    text: str = attrs.field(validator=_valid_text)
    _length: dt.timedelta = attrs.field(init=False, eq=False, repr=False, default=None)

    @classmethod
    def of(cls, value: dt.timedelta) -> Duration:
        """Return the duration of a length, written in ISO 8601 (``PT1H30M``).

        Raises:
            ValueError: the length is negative.
        """
        return cls(format_duration(value))

    @property
    def timedelta(self) -> dt.timedelta:
        """The length; a month counts 30 days and a year 365."""
        return self._length

    def __str__(self) -> str:
        """Return the duration as written."""
        return self.text
