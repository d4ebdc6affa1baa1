"""Field paths: ``images[0].width`` as text and as steps, the way every stage names a place."""

from __future__ import annotations

import re
from typing import Final

from newsrecord.errors import ValidationError

__all__ = ["FieldPath", "field_path_text", "parse_field_path", "top_key"]

FieldPath = tuple[str | int, ...]


_FIRST_STEP: Final = re.compile(r"[^.\[\]]+")
_NEXT_STEP: Final = re.compile(r"\.([^.\[\]]+)|\[(-?\d+)\]")


def parse_field_path(text: str) -> FieldPath:
    """Read ``images[0].width`` as ``("images", 0, "width")``.

    Raises:
        ValidationError: the text is not a field path.
    """
    first = _FIRST_STEP.match(text)
    if first is None:
        raise _path_error(text)
    steps: list[str | int] = [first.group()]
    position = first.end()
    while position < len(text):
        match = _NEXT_STEP.match(text, position)
        if match is None:
            raise _path_error(text)
        key, index = match.groups()
        steps.append(key if key is not None else int(index))
        position = match.end()
    return tuple(steps)


def _path_error(text: str) -> ValidationError:
    return ValidationError(
        f"not a field path: {text!r} (write YAML keys and list indexes, like "
        "'provider.name' or 'images[0].width')",
        field=text or None,
    )


def field_path_text(path: FieldPath) -> str:
    """Render ``("images", 0, "width")`` as ``images[0].width``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def top_key(text: str) -> str:
    """Return the top-level key of a field path: ``images`` for ``images[0].width``."""
    first = _FIRST_STEP.match(text)
    return first.group() if first is not None else text
