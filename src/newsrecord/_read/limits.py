"""Safety limits for hostile input: how large, how deep and how many nodes a record may be."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs

from newsrecord.errors import LimitError

__all__ = ["DEFAULT_LIMITS", "MAX_DEPTH_CEILING", "Limits", "check_file_size"]

MAX_DEPTH_CEILING: Final = 200
"""The highest ``max_depth`` allowed: deeper trees would exhaust Python's recursion limit
when they are converted to plain data."""


def _positive(ceiling: int | None = None) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if type(value) is not int or value < 1 or (ceiling is not None and value > ceiling):
            bound = f" and at most {ceiling}" if ceiling is not None else ""
            raise ValueError(f"{attribute.name} must be an integer of at least 1{bound}")

    return check


@attrs.frozen
class Limits:
    """Safety limits for hostile input; the defaults are far above any real record.

    A real record's front matter is a few kilobytes with at most a few hundred YAML
    nodes nested five levels deep. The defaults leave hundreds of times that room while
    keeping the worst case small: with the C parser any input is refused or loaded
    within half a second, in memory proportional to its size (the pure-Python parser
    is several times slower). Input over a limit raises :class:`~newsrecord.LimitError`,
    whose message names the limit. Change them by passing your own, for example
    ``loads(text, limits=Limits(max_file_size=1 << 30))``.

    Attributes:
        max_depth: Deepest nesting of collections (mappings and lists, the front matter
            itself included), 64 by default; at most 200, because deeper trees would
            exhaust Python's recursion limit.
        max_nodes: Most YAML nodes (keys, scalars and collections) in one front matter,
            20,000 by default (real records have fewer than a hundred). Each node costs
            time to parse and check: 20,000 take about 0.1 s with the C parser.
        max_front_matter: Longest front matter, in characters, 1 MiB by default.
        max_file_size: Largest file, body included, 64 MiB by default: in bytes for
            :func:`newsrecord.load` and for bytes given to :func:`newsrecord.loads`, in
            characters for text. ``load`` checks the size before reading the file, so a
            huge file is never read.
    """

    max_depth: int = attrs.field(default=64, validator=_positive(MAX_DEPTH_CEILING))
    max_nodes: int = attrs.field(default=20_000, validator=_positive())
    max_front_matter: int = attrs.field(default=1024 * 1024, validator=_positive())
    max_file_size: int = attrs.field(default=64 * 1024 * 1024, validator=_positive())


DEFAULT_LIMITS: Final = Limits()


def check_file_size(
    size: int, limits: Limits, path: str | None = None, unit: str = "bytes"
) -> None:
    """Refuse a file of *size* bytes (or characters) over ``limits.max_file_size``.

    Raises:
        LimitError: the file is too large; it points at the file's first line.
    """
    if size > limits.max_file_size:
        raise LimitError(
            f"the file is {size} {unit} long, more than the limit of "
            f"{limits.max_file_size} (Limits.max_file_size)",
            path=path,
            line=1,
            column=1,
        )
