"""Fix a provider's domain everywhere: ``python fix_provider_domain.py OLD NEW PATH...``.

Changes ``provider.domain`` of the records, and of their related articles, from OLD to
NEW; nothing else in the files changes.
"""

from __future__ import annotations

import argparse
import sys

import newsrecord


def fix(record: newsrecord.AnyRecord, old: str, new: str) -> bool:
    """Replace the provider domain *old* by *new* in *record*; return whether it did."""
    changed = False
    if not isinstance(record, newsrecord.Record):
        return changed  # organizations have no provider
    for item in [record, *(record.related or [])]:
        provider = item.provider if isinstance(item, newsrecord.Record) else None
        if provider is not None and provider.domain == old:
            provider.domain = new
            changed = True
    return changed


def main() -> int:
    """Fix the domain everywhere; return the exit status."""
    parser = argparse.ArgumentParser(description="Change a provider domain everywhere.")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("paths", nargs="+", help="record files or folders")
    args = parser.parse_args()
    status = 0
    for path in newsrecord.iter_record_files(args.paths):
        try:
            with newsrecord.edit(path) as doc:
                changed = fix(doc.record, args.old, args.new)
            if changed:
                print(path)
        except newsrecord.RecordError as error:
            print(error, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
