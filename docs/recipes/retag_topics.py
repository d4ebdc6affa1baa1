"""Rename a topic in every record: ``python retag_topics.py OLD NEW PATH...``.

A record that already has NEW keeps it once; the other topics keep their order. Only the
lines of the renamed topic change, and each file is saved atomically (a file someone
changed meanwhile is reported, not overwritten).
"""

from __future__ import annotations

import argparse
import sys

import newsrecord


def retag(topics: list[str], old: str, new: str) -> list[str]:
    """Return *topics* with *old* renamed to *new*, without duplicates of *new*."""
    renamed: list[str] = []
    for topic in topics:
        topic = new if topic == old else topic  # noqa: PLW2901  # the renamed topic
        if topic != new or new not in renamed:
            renamed.append(topic)
    return renamed


def main() -> int:
    """Rename the topic everywhere; return the exit status."""
    parser = argparse.ArgumentParser(description="Rename a topic in every record.")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("paths", nargs="+", help="record files or folders")
    args = parser.parse_args()
    status = 0
    for path in newsrecord.iter_record_files(args.paths):
        try:
            with newsrecord.edit(path) as doc:
                topics = newsrecord.get_field(doc.record, "topics") or []
                if args.old in topics:
                    newsrecord.set_field(doc.record, "topics", retag(topics, args.old, args.new))
            if args.old in topics:
                print(path)
        except newsrecord.RecordError as error:
            print(error, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
