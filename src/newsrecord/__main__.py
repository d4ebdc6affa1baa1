"""``python -m newsrecord``: the command line."""

from newsrecord.cli import run

run()
