"""Helpers the test modules share: comparing texts line by line."""

from __future__ import annotations

import difflib


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a unified diff of two texts removes (``-``) and adds (``+``), in order."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
