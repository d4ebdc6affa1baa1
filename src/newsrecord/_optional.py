"""Optional dependencies: imported when a feature needs them, with a message that helps."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["require"]


def require(*modules: str, extra: str, feature: str) -> Any:
    """Import *modules* and return the package of the first one.

    Raises:
        ModuleNotFoundError: one is not installed; the message names the extra of
            newsrecord that installs it (``pip install "newsrecord[export]"``).
    """
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError as exc:
        package = modules[0].partition(".")[0]
        raise ModuleNotFoundError(
            f'{feature} needs {package}: pip install "newsrecord[{extra}]"', name=package
        ) from exc
    return importlib.import_module(modules[0].partition(".")[0])
