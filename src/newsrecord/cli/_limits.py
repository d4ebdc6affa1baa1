"""The ``--limit NAME=SIZE`` option: the safety limits (:class:`newsrecord.Limits`) of a run.

Every command that reads records takes it; the :class:`~newsrecord.Limits` it makes go
to every place the command reads one, worker processes included (as part of what each
batch is given: a worker may be started rather than forked, and inherit nothing).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs
import click

import newsrecord
from newsrecord._read.limits import DEFAULT_LIMITS, MAX_DEPTH_CEILING, Limits

__all__ = ["LIMIT_OPTION", "limit_arguments", "with_limit_hints"]

_NAMES: Final = tuple(field.name for field in attrs.fields(Limits))
"""The limits, as :class:`Limits` names its fields (``max_front_matter``)."""

_COUNTS: Final = frozenset({"max_depth", "max_nodes"})
"""Limits that count (levels, nodes) rather than measure: no unit of size fits them."""

_UNITS: Final = {
    "": 1,
    "b": 1,
    "k": 1 << 10,
    "kib": 1 << 10,
    "kb": 1000,
    "m": 1 << 20,
    "mib": 1 << 20,
    "mb": 1000**2,
    "g": 1 << 30,
    "gib": 1 << 30,
    "gb": 1000**3,
}
"""Units of a SIZE, as GNU coreutils reads them (``head -c 2M``): K, M and G, and KiB,
MiB and GiB, are powers of 1024; kB, MB and GB powers of 1000. Case does not matter."""

_SIZE: Final = re.compile(r"\s*(?P<number>\d+(?:_\d+)*)\s*(?P<unit>[a-z]*)\s*", re.IGNORECASE)


def _dashed(name: str) -> str:
    return name.replace("_", "-")


def _listed() -> str:
    return ", ".join(_dashed(name) for name in _NAMES)


def _parsed(text: str) -> tuple[str, int]:
    """One ``NAME=SIZE``: the limit's field name and its value, checked as Limits checks it.

    Raises:
        click.BadParameter: not NAME=SIZE, no such limit, or a value it refuses.
    """
    given, equals, size = text.partition("=")
    name = given.strip().lower().replace("-", "_")
    if not equals:
        raise click.BadParameter(
            f"{text!r} is not NAME=SIZE, such as max-front-matter=4M (limits: {_listed()})"
        )
    if name not in _NAMES:
        close = difflib.get_close_matches(name, _NAMES, n=1)
        guess = f"; did you mean {_dashed(close[0])}?" if close else ""
        raise click.BadParameter(f"no limit named {given.strip()!r}{guess} (limits: {_listed()})")
    found = _SIZE.fullmatch(size)
    unit = found["unit"].lower() if found is not None else None
    if name in _COUNTS and (found is None or unit):
        example = f"{_dashed(name)}={2 * getattr(DEFAULT_LIMITS, name)}"
        raise click.BadParameter(
            f"{_dashed(name)} is a count: give a whole number, such as {example}, not {size!r}"
        )
    if found is None or unit not in _UNITS:
        raise click.BadParameter(
            f"{size!r} is not a size for {_dashed(name)}: give a whole number, or one with "
            "a unit: K, M, G or KiB, MiB, GiB (powers of 1024), kB, MB, GB (powers of "
            "1000), such as 4M"
        )
    number = int(found["number"].replace("_", "")) * _UNITS[unit or ""]
    try:
        Limits(**{name: number})
    except ValueError as exc:
        # Limits' own words (at least 1; at most 200 levels), with the option's name.
        raise click.BadParameter(f"{str(exc).replace(name, _dashed(name))}, not {number}") from None
    return name, number


def _size(value: int) -> str:
    """*value* as the help shows a default: in M when it is whole mebibytes."""
    return f"{value >> 20}M" if value and value % (1 << 20) == 0 else str(value)


def _limits_of(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> Limits:
    # The last of a limit given twice counts, as with any repeated option.
    given = dict(_parsed(value) for value in values)
    return attrs.evolve(DEFAULT_LIMITS, **given) if given else DEFAULT_LIMITS


LIMIT_OPTION: Final[Callable[[Callable[..., Any]], Callable[..., Any]]] = click.option(
    "--limit",
    "limits",
    multiple=True,
    callback=_limits_of,
    metavar="NAME=SIZE",
    help=(
        "Raise (or lower) a safety limit; repeatable. NAME: max-front-matter "
        f"(characters, default {_size(DEFAULT_LIMITS.max_front_matter)}), max-file-size "
        f"(bytes, {_size(DEFAULT_LIMITS.max_file_size)}), max-nodes (YAML nodes, "
        f"{DEFAULT_LIMITS.max_nodes}), max-depth (levels, {DEFAULT_LIMITS.max_depth}, at "
        f"most {MAX_DEPTH_CEILING}). SIZE: a whole number, or with K, M, G "
        "(or KiB, MiB, GiB: powers of 1024) or kB, MB, GB (powers of 1000). Example: "
        "--limit max-front-matter=4M."
    ),
)
"""``--limit NAME=SIZE`` (repeatable), into the parameter ``limits`` as a :class:`Limits`."""


def limit_arguments(limits: Limits) -> list[str]:
    """The ``--limit`` arguments that give *limits* (none for the defaults), in bytes."""
    arguments = []
    for name in _NAMES:
        value = getattr(limits, name)
        if value != getattr(DEFAULT_LIMITS, name):
            arguments += ["--limit", f"{_dashed(name)}={value}"]
    return arguments


_CITED: Final = re.compile(r"\(Limits\.(?P<name>\w+)\)")
"""How a :class:`~newsrecord.LimitError`'s message names the limit: ``(Limits.max_nodes)``."""


def _hinted(message: str) -> str:
    def hint(found: re.Match[str]) -> str:
        name = found["name"]
        if name not in _NAMES:
            return found[0]
        value = "N" if name in _COUNTS else "SIZE"
        return f"(--limit {_dashed(name)}={value} raises it)"

    return _CITED.sub(hint, message)


def with_limit_hints(problems: Iterable[newsrecord.Problem]) -> list[newsrecord.Problem]:
    """*problems*, those of a limit telling the ``--limit`` that raises it.

    The library names the limit as the API knows it (``Limits.max_front_matter``), which
    means nothing on the command line.
    """
    return [
        attrs.evolve(problem, message=_hinted(problem.message))
        if "(Limits." in problem.message
        else problem
        for problem in problems
    ]
