"""Add to the heat of records: ``python bump_heat.py AMOUNT PATH... [--topic TOPIC]``.

A record without ``heat`` gets AMOUNT. With ``--topic``, only records that have that
topic change. AMOUNT may be negative.
"""

from __future__ import annotations

import argparse
import sys

import newsrecord


def main() -> int:
    """Bump the heat; return the exit status."""
    parser = argparse.ArgumentParser(description="Add to the heat of records.")
    parser.add_argument("amount", type=int)
    parser.add_argument("paths", nargs="+", help="record files or folders")
    parser.add_argument("--topic", help="only records with this topic")
    args = parser.parse_args()
    status = 0
    for path in newsrecord.iter_record_files(args.paths):
        try:
            with newsrecord.edit(path) as doc:
                record = doc.record
                if not isinstance(record, newsrecord.Record):
                    continue  # organizations have no heat
                if args.topic is not None and args.topic not in (record.topics or []):
                    continue
                record.heat = (record.heat or 0) + args.amount
            print(f"{path}: heat {record.heat}")
        except newsrecord.RecordError as error:
            print(error, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
