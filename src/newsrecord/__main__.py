"""``python -m newsrecord``: the command line."""

from newsrecord.cli import main

main(prog_name="newsrecord")
