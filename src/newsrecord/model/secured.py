"""The opaque ``secured`` blob."""

from __future__ import annotations

import base64
import binascii
from typing import Final

import attrs

from newsrecord.errors import ValidationError

__all__ = ["Secured"]

_SHOWN: Final = 8
_BLOCK: Final = 16


@attrs.frozen(repr=False)
class Secured:
    """The ``secured`` blob: kept exactly as written, never re-encoded or re-wrapped.

    Every real blob is ``base64(ciphertext);base64(iv)`` with a ciphertext of whole 16-byte
    blocks and a 16-byte IV, but a blob of any other shape loads and round-trips unchanged;
    only the decoding properties complain about it. ``repr`` shows a few characters of each
    end, never the whole blob, and so do ``str`` and f-strings (a record printed or logged
    by accident must not leak it); :attr:`raw` is the one way to ask for the whole text.

    Attributes:
        raw: The blob's text, exactly as in the file.
    """

    raw: str = attrs.field(validator=attrs.validators.instance_of(str))

    def __str__(self) -> str:
        """Return the shortened blob (see :meth:`redacted`); :attr:`raw` holds all of it."""
        return self.redacted()

    def __repr__(self) -> str:
        """Show a shortened blob: enough to tell two apart, never enough to leak one."""
        return f"Secured({self.redacted()!r}, {len(self.raw)} chars)"

    def redacted(self) -> str:
        """Return the blob with its middle elided, for display."""
        if len(self.raw) <= 3 * _SHOWN:
            return "…" if self.raw else ""
        return f"{self.raw[:_SHOWN]}…{self.raw[-_SHOWN:]}"

    @property
    def parts(self) -> tuple[str, ...]:
        """The ``;``-separated pieces of the blob, as text."""
        return tuple(self.raw.split(";"))

    @property
    def ciphertext(self) -> bytes:
        """The decoded first piece.

        Raises:
            ValidationError: the blob is not ``base64;base64`` with whole 16-byte blocks.
        """
        return self._decoded()[0]

    @property
    def iv(self) -> bytes:
        """The decoded 16-byte initialisation vector (the second piece).

        Raises:
            ValidationError: the blob is not ``base64;base64`` with a 16-byte IV.
        """
        return self._decoded()[1]

    @property
    def is_well_formed(self) -> bool:
        """Whether the blob has the shape every real blob has."""
        return self.flaw is None

    @property
    def flaw(self) -> str | None:
        """What keeps the blob from the shape of a real one (never showing it), or None."""
        try:
            self._decoded()
        except ValidationError as error:
            return error.message
        return None

    def _decoded(self) -> tuple[bytes, bytes]:
        parts = self.parts
        if len(parts) != 2:
            raise ValidationError(
                f"expected 'ciphertext;iv', found {len(parts)} part(s)",
                field="secured",
            )
        try:
            ciphertext, iv = (base64.b64decode(part, validate=True) for part in parts)
        except (binascii.Error, ValueError) as exc:
            if any(character.isspace() for character in self.raw):
                # A blob wrapped over lines: YAML reads each line break as a space.
                raise ValidationError(
                    "not base64: it holds spaces, as a blob wrapped over lines "
                    "does (YAML reads each line break in it as a space); "
                    "write it on one line",
                    field="secured",
                ) from None
            raise ValidationError(f"not base64 ({exc})", field="secured") from None
        if not ciphertext or len(ciphertext) % _BLOCK:
            raise ValidationError(
                f"the ciphertext is {len(ciphertext)} bytes, not whole {_BLOCK}-byte blocks",
                field="secured",
            )
        if len(iv) != _BLOCK:
            raise ValidationError(f"the IV is {len(iv)} bytes, not {_BLOCK}", field="secured")
        return ciphertext, iv
