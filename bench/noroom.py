"""`archiver bag` with the reading room's work taken out (python -m bench.noroom bag ...), for the
`make bench` row that prices the reading room: its cost is `archiver bag` minus this, timed in the
same rounds on the same corpus, and the target is at most 10% of `archiver bag`.

What is taken out: rendering each item in the workers (`archiver.readingroom.item_entry` returns a
constant three-byte line; workers are forked, so they see the replacement) and everything the bag
writer does with the lines (`ReadingRoom`: parsing, the item pages, index.html, their hashing).
items.tsv is still written, of those short lines. Everything else is archiver's own code, unchanged.
"""
from __future__ import annotations

import archiver.bag
import archiver.readingroom


def _no_entry(relpath, fields, text, origin=None) -> str:
    return "{}\t\n"


class _NoRoom:
    def __init__(self, *args, **kwargs):
        pass

    def feed(self, block: bytes) -> None:
        pass

    def finish(self, *args) -> None:
        pass


def main() -> None:
    archiver.readingroom.item_entry = _no_entry
    archiver.bag.ReadingRoom = _NoRoom
    from archiver.cli import main as cli
    cli()


if __name__ == "__main__":
    main()
