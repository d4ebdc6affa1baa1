"""The ``newsrecord`` command line, built on the public API only.

Exit status: 0 on success, 1 when a record is invalid (or ``fmt --check`` finds files to
reformat, or a file changed on disk during an edit), 2 on usage errors (a bad option, an
unknown field, a value that does not fit its field).

The secured blob is never printed in full unless ``--reveal`` asks for it: ``show``,
``get`` and ``json`` print it shortened (``ltnXZZfa…rETA==``) by default.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn

__all__ = ["main", "run"]

EXIT_INTERRUPTED = 130
"""The exit status after a Ctrl-C (128 + SIGINT), as shells give a process it stops."""


def exit_interrupted() -> NoReturn:
    """End the command after a Ctrl-C: a line on stderr, status 130, no traceback."""
    # print, not click.echo: click may not be imported yet (see run).
    print("\nnewsrecord: interrupted", file=sys.stderr)
    sys.exit(EXIT_INTERRUPTED)


def run() -> None:
    """Run the command line: the ``newsrecord`` script and ``python -m newsrecord``.

    The click group :data:`main` is imported here, not when this package is: a Ctrl-C
    while it loads (click, the library) ends the command as one later does, with status
    130 and no traceback. The command modules load on demand (``_app._COMMANDS``).
    """
    try:
        app = importlib.import_module("newsrecord.cli._app")
    except KeyboardInterrupt:
        exit_interrupted()
    app.main(prog_name="newsrecord")


def __getattr__(name: str) -> Any:
    # `from newsrecord.cli import main`: the click group, for click's test runner.
    if name == "main":
        return importlib.import_module("newsrecord.cli._app").main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
