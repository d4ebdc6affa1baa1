"""Delete the records marked ``published: false``: ``python drop_unpublished.py PATH...``.

A record without ``published`` is kept. ``--dry-run`` lists the files without deleting
them. Invalid records are reported and kept.
"""

from __future__ import annotations

import argparse
import sys

import newsrecord


def main() -> int:
    """Delete the unpublished records; return the exit status."""
    parser = argparse.ArgumentParser(description="Delete the records not published.")
    parser.add_argument("paths", nargs="+", help="record files or folders")
    parser.add_argument("--dry-run", action="store_true", help="list, do not delete")
    args = parser.parse_args()
    status = 0
    for path, doc in newsrecord.iter_records(args.paths, errors="collect"):
        if isinstance(doc, newsrecord.RecordError):
            print(doc, file=sys.stderr)
            status = 1
        elif newsrecord.get_field(doc.record, "published") is False:
            print(path)
            if not args.dry_run:
                # Safe while walking: a folder is listed before its files are handed out.
                path.unlink()
    return status


if __name__ == "__main__":
    sys.exit(main())
