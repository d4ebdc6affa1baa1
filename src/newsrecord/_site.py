"""What a Jekyll site's ``_config.yml`` tells: where the site is, what Jekyll leaves out.

The site is the nearest folder with a ``_config.yml``; its ``exclude:`` list names the
files and folders Jekyll does not read.

A walk of a site's folders (:func:`newsrecord.files.walk_entries`) leaves out what
Jekyll leaves out, so that ``newsrecord validate .`` at a site's root does not report its
notes and scripts as broken records.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache
from pathlib import Path
from typing import Final

from newsrecord._read.nodes import Mapping, Scalar, Sequence
from newsrecord._read.parse import find, parse
from newsrecord._read.text import LineIndex
from newsrecord.errors import RecordError

__all__ = ["CONFIG", "Exclusions", "exclusions", "find_site_root", "relative_to", "site_root_of"]

CONFIG: Final = "_config.yml"


def find_site_root(path: str | Path | None) -> Path | None:
    """The nearest folder above *path* that holds a ``_config.yml`` (Jekyll's site root)."""
    if path is None:
        return None
    return site_root_of(Path(path).resolve().parent)


@cache
def site_root_of(folder: Path) -> Path | None:
    """The nearest of *folder* (resolved) and the folders above it with a ``_config.yml``."""
    if (folder / CONFIG).is_file():
        return folder
    if folder.parent == folder:
        return None
    return site_root_of(folder.parent)


class Exclusions:
    """The ``exclude:`` patterns of a site, matched as Jekyll matches them.

    Jekyll (``EntryFilter#glob_include?``) leaves out a path relative to the site's root
    when a pattern matches it as a shell pattern (whose ``*`` crosses ``/``), when the
    path starts with the pattern (``docs`` leaves out ``docs/a.md``), or when the pattern
    is a folder's path and ``/``. A pattern that ``include:`` lists too is not applied.
    """

    def __init__(self, patterns: list[str]) -> None:
        """Compile *patterns* (relative to the site's root)."""
        self.patterns = patterns
        self._matches = [re.compile(fnmatch.translate(pattern)).match for pattern in patterns]

    def __call__(self, relative: str, is_folder: bool) -> bool:
        """Whether Jekyll leaves out the file or folder at *relative* (``/``-separated)."""
        for pattern, matches in zip(self.patterns, self._matches, strict=True):
            if relative.startswith(pattern) or matches(relative) is not None:
                return True
            if is_folder and pattern == relative + "/":
                return True
        return False


def exclusions(site_root: Path) -> Exclusions | None:
    """The exclusions the site at *site_root* declares; None if it declares none.

    A configuration that cannot be read (not UTF-8, not YAML newsrecord reads, over the
    limits of a front matter) declares none: the walk then goes everywhere, as it does
    without a site.
    """
    config = site_root / CONFIG
    try:
        status = config.stat()
    except OSError:
        return None
    # Read again when it changed: a long-running program walks the site more than once.
    return _exclusions_of(config, status.st_mtime_ns, status.st_size)


@cache
def _exclusions_of(config: Path, _mtime: int, _size: int) -> Exclusions | None:
    try:
        text = config.read_text(encoding="utf-8")
        root = parse(text, 0, len(text), LineIndex(text), CONFIG, duplicates=[])
    except (OSError, UnicodeDecodeError, RecordError):
        return None
    listed = {name: _strings(root, name) for name in ("exclude", "include")}
    patterns = [
        _relative(pattern) for pattern in listed["exclude"] if pattern not in listed["include"]
    ]
    patterns = [pattern for pattern in patterns if pattern]
    return Exclusions(patterns) if patterns else None


def _strings(root: Mapping, key: str) -> list[str]:
    """The strings of the list at *key* of a parsed mapping (anything else: none)."""
    node = find(root, (key,))
    if not isinstance(node, Sequence):
        return []
    return [item.value for item in node.items if isinstance(item, Scalar)]


def _relative(pattern: str) -> str:
    """A pattern as a path relative to the site's root (``/docs`` and ``./docs``: ``docs``)."""
    return pattern.lstrip("/").removeprefix("./") if pattern != "/" else ""


def relative_to(site_root: Path, folder: str) -> str | None:
    """*folder*'s path relative to *site_root*, ``/``-separated; None if it is outside."""
    try:
        relative = Path(folder).resolve().relative_to(site_root)
    except ValueError:
        return None
    return "" if relative == Path() else relative.as_posix()
