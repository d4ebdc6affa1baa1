"""mkdocs hooks for the newsrecord documentation (not a page: excluded from the site).

The package's docstrings use Sphinx roles (``:class:`Document```), which Markdown does not
know: mkdocstrings would show the role's name in front of the code. This hook drops the
role and keeps the code, shortening ``~package.Name`` to ``Name`` as Sphinx does.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):<code>(~?)([^<]*)</code>")


def _code(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"<code>{target.rsplit('.', 1)[-1] if tilde else target}</code>"


def on_page_content(html: str, **_: Any) -> str:
    """Render Sphinx roles in docstrings as plain code."""
    return _ROLE.sub(_code, html)
