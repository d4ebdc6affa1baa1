"""The scanner to use: the native one when ``newsrecord-native`` is installed.

The optional package ``newsrecord-native`` (``pip install ./native``, built with Rust) reads
the same subset of YAML as :mod:`newsrecord._read.scan` and gives the very same nodes and
spans, and declines the very same texts, several times faster. Without it, or with
``NEWSRECORD_NO_NATIVE=1`` (or ``NEWSRECORD_PURE_PYTHON=1``, which asks for no compiled
code of ours at all), :func:`scan` is the pure-Python scanner. A differential test keeps
the two equal.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Final, Protocol, TypeAlias, cast

import attrs

from newsrecord._read import scan as _pure
from newsrecord._read.nodes import Mapping, Scalar, Sequence

__all__ = [
    "NATIVE",
    "Scan",
    "Splicing",
    "all_empty",
    "direct_construction",
    "move_spans",
    "same_lists",
    "scan",
    "scan_folder",
    "start_splice",
    "stat_files",
]

Scan: TypeAlias = Callable[[str, int, int, int, int], Mapping | None]
"""``scan(text, start, end, max_depth, max_nodes)``: the root mapping, or None."""


def direct_construction(*classes: type) -> bool:
    """Whether instances of *classes* may be made by filling their slots directly.

    True for slotted attrs classes whose ``__init__`` only stores its arguments: no
    validators, converters or init hooks. The native scanner then skips calling
    ``__init__``, which is most of the cost of making a node.
    """
    for cls in classes:
        if (
            not attrs.has(cls)
            or "__slots__" not in vars(cls)
            or hasattr(cls, "__attrs_pre_init__")
            or hasattr(cls, "__attrs_post_init__")
        ):
            return False
        for field in attrs.fields(cls):
            if field.validator is not None or field.converter is not None or not field.init:
                return False
    return True


def _module() -> Any:
    """The extension module, or None when it is not installed or turned off."""
    if os.environ.get("NEWSRECORD_NO_NATIVE") or os.environ.get("NEWSRECORD_PURE_PYTHON"):
        return None
    try:
        import newsrecord_native  # noqa: PLC0415  # optional: a missing package is no error
    except ImportError:
        return None
    return newsrecord_native


def _native_scanner() -> Any:
    """The native scanner bound to the node classes, or None when it is not installed."""
    try:
        import newsrecord_native  # noqa: PLC0415  # optional: a missing package is no error
    except ImportError:
        return None
    return newsrecord_native.Scanner(
        Scalar, Mapping, Sequence, direct=direct_construction(Scalar, Mapping, Sequence)
    )


_scanner = None if _module() is None else _native_scanner()
# The extension returns the classes it was given; its stub cannot say so.
_native = None if _scanner is None else cast("Scan", _scanner.scan)

move_spans: Final[Callable[..., None] | None] = (
    _scanner.move_spans if _scanner is not None and _scanner.direct else None
)
"""``move_spans(roots, first, last, total, ends, shifts)``: the loop of
``newsrecord._write.splice.respan``, through the node classes' slots; None without the
native package (or when it makes nodes through ``__init__``)."""

NATIVE: Final = _native is not None
"""Whether :func:`scan` is the native scanner."""

scan: Final[Scan] = _pure.scan if _native is None else _native
"""The scanner: the native one when it is installed and not turned off, else the
pure-Python one; both give the same results."""

_helpers = _module()

same_lists: Final[Callable[[list[list[Any]], list[list[Any] | tuple[Any, ...]]], bool] | None] = (
    getattr(_helpers, "same_lists", None)
)
"""``same_lists(lists, olds)``: whether each list holds the very objects of the list or
tuple at its place in *olds*, in order (the snapshot's check of lists changed in place,
in one loop); None without the native package, or with a build of it that predates it."""

all_empty: Final[Callable[[list[dict[str, Any]]], bool] | None] = getattr(
    _helpers, "all_empty", None
)
"""``all_empty(dicts)``: whether every dict is empty; None without the native package."""

scan_folder: Final[
    Callable[[str, str, list[str]], tuple[list[str], bytes, list[tuple[int, int]]]] | None
] = getattr(_helpers, "scan_folder", None)
"""``scan_folder(top, suffix, skipped)``: the record files under the folder *top* in the
order of ``newsrecord.files.walk_entries`` (names ending with *suffix*, no file nor
folder named one of *skipped*; links to files of the walk kept, for the caller to drop
by inode), their stats packed as :data:`stat_files` packs them, and ``(number, errno)``
of each place that could not be looked at; found and ``stat``-ed in Rust, without the
GIL. None without the native package (or on Windows)."""

stat_files: Final[Callable[[list[str]], tuple[bytes, list[tuple[int, int]]]] | None] = getattr(
    _helpers, "stat_files", None
)
"""``stat_files(paths)``: each file's size, modification and change times (ns) and inode,
packed as ``struct.Struct("<qqqQ")`` packs them (zeros where it failed), and ``(number,
errno)`` of each file that could not be looked at; the system calls on two threads,
without the GIL. None without the native package (or on Windows)."""


class Splicing(Protocol):
    """A splice under way (``newsrecord_native.Splicing``): see :data:`start_splice`."""

    def finish(self) -> str:
        """The new text, once all of it is copied (only once)."""

    def cancel(self) -> None:
        """Stop the copy and drop the new text."""


start_splice: Final[Callable[[str, list[tuple[int, int, str]]], Splicing] | None] = getattr(
    _helpers, "start_splice", None
)
"""``start_splice(text, edits)``: the text with sorted, non-overlapping ``(start, end, new)``
edits, made with one copy of the text (joining slices makes two), begun: a copy of more
than 2 MB goes on in another thread until ``finish()``, which copies the rest and returns
the text. None without the native package."""
