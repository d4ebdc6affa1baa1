"""Prices of learning resources, kept as written."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["Price"]

# Each part takes characters the next cannot: no text can be split two ways, so matching
# stays linear (the marks around the amount keep their spaces, stripped when read).
_AMOUNT = re.compile(r"(?P<before>[^\d.,-]*)(?P<amount>\d+(?:[.,]\d+)?)(?P<after>\D*)")
_CURRENCIES: Final = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}


@attrs.frozen
class Price:
    """A price as the file writes it (``Free``, ``Free+``, ``$40.34``), with its parts.

    Attributes:
        text: The price exactly as written.
    """

    text: str = attrs.field(validator=attrs.validators.instance_of(str))

    def __str__(self) -> str:
        """Return the price as written."""
        return self.text

    @property
    def is_free(self) -> bool:
        """Whether the resource costs nothing to start (``Free``, ``Free+``, ``0``)."""
        return self.text.strip().lower().startswith("free") or self.amount == 0

    @property
    def amount(self) -> Decimal | None:
        """The number in the price, or None when it has none (``Free``)."""
        # decimal is imported here, not by every command that loads the model.
        from decimal import Decimal, InvalidOperation  # noqa: PLC0415

        match = _AMOUNT.fullmatch(self.text.strip())
        if match is None:
            return None
        try:
            return Decimal(match.group("amount").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None

    @property
    def currency(self) -> str | None:
        """The ISO 4217 code of the price's currency, when its symbol or code says so."""
        match = _AMOUNT.fullmatch(self.text.strip())
        if match is None:
            return None
        marks = (match.group("before") + match.group("after")).strip()
        if marks in _CURRENCIES:
            return _CURRENCIES[marks]
        if re.fullmatch(r"[A-Z]{3}", marks):
            return marks
        return None
