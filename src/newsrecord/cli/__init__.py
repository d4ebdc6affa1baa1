"""The ``newsrecord`` command line, built on the public API only.

Exit status: 0 on success, 1 when a record is invalid (or ``fmt --check`` finds files to
reformat, or a file changed on disk during an edit), 2 on usage errors (a bad option, an
unknown field, a value that does not fit its field).

The secured blob is never printed in full unless ``--reveal`` asks for it: ``show``,
``get`` and ``json`` print it shortened (``ltnXZZfa…rETA==``) by default.
"""

from newsrecord.cli import _bulk, _check, _edit, _export, _fix, _git, _read  # noqa: F401  # each registers its commands
from newsrecord.cli._app import main

__all__ = ["main"]
