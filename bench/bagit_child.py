"""bagit-python as a contender, one operation per process so that its time and peak RSS are its own.

    python -m bench.bagit_child make DIR --jobs N       # make_bag(DIR, checksums=[sha256, sha512])
    python -m bench.bagit_child validate DIR --jobs N   # Bag(DIR).validate()
    python -m bench.bagit_child fast DIR --jobs N       # Bag(DIR).validate(fast=True): Payload-Oxum only
"""
from __future__ import annotations

import argparse
import os
import sys

import bagit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bagit_child")
    parser.add_argument("operation", choices=["make", "validate", "fast"])
    parser.add_argument("dir")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    try:
        if args.operation == "make":
            bagit.make_bag(args.dir, checksums=["sha256", "sha512"], processes=args.jobs)
        else:
            bagit.Bag(args.dir).validate(processes=args.jobs, fast=args.operation == "fast")
    except bagit.BagError as exc:  # BagValidationError is a BagError
        print(f"bagit: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
