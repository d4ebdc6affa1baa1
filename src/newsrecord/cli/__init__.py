"""The ``newsrecord`` command line, built on the public API only.

Exit status: 0 on success, 1 when a record is invalid (or ``fmt --check`` finds files to
reformat, or a file changed on disk during an edit), 2 on usage errors (a bad option, an
unknown field, a value that does not fit its field).

The secured blob is never printed in full unless ``--reveal`` asks for it: ``show``,
``get`` and ``json`` print it shortened (``ltnXZZfa…rETA==``) by default.
"""

from newsrecord.cli._app import main  # the command modules are imported on demand (_COMMANDS)

__all__ = ["main"]
