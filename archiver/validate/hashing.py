"""Verifying checksums: each file read once for all the algorithms it is listed under, in parallel.

Only paths found by the walk (regular files inside the bag, never links) are opened, joined to the
bag root by components.
"""
from __future__ import annotations

import hashlib
import os

from archiver.validate.bagit_rules import BagState
from archiver.workers import run_chunks

BLOCK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _hash_chunk(chunk: list[tuple[str, tuple[str, ...], int]], root: str) -> list:
    from archiver.validate.archiver_rules import RECORDS, read_source_safely
    out = []
    for rel, algorithms, _size in chunk:
        hashers = {alg: hashlib.new(alg) for alg in algorithms}
        first = None
        try:
            # O_NOFOLLOW: a file swapped for a link after the walk is refused, not followed.
            fd = os.open(os.path.join(root, *rel.split("/")), os.O_RDONLY | _NOFOLLOW)
            with open(fd, "rb", buffering=0) as fh:
                while True:
                    block = fh.read(BLOCK)
                    if not block:
                        break
                    if first is None:
                        first = block
                    for h in hashers.values():
                        h.update(block)
        except OSError as exc:
            out.append((rel, None, exc.strerror or str(exc), None))
            continue
        # A provenance record is parsed here, from the bytes just hashed, so it is read only once.
        record = read_source_safely(first or b"") if rel.startswith(RECORDS) and rel.endswith(".yaml") \
            and _size <= BLOCK else None
        out.append((rel, {alg: h.hexdigest() for alg, h in hashers.items()}, None, record))
    return out


def verify(state: BagState, jobs: int | None, check_records: bool = False) -> None:
    """Hash every planned file once; with `check_records`, each provenance record is checked against
    its payload as soon as its bytes come back (nothing of it is kept)."""
    from archiver.validate.archiver_rules import check_record
    work = []
    for rel in sorted(state.plan):
        algorithms = tuple(sorted({alg for alg, _ in state.plan[rel]}))
        work.append((rel, algorithms, state.walk.files.get(rel, 0)))
    for rel, digests, error, record in run_chunks(_hash_chunk, work, lambda item: item[2], (str(state.root),), jobs):
        if record is not None and check_records:
            check_record(state, rel, *record)
            state.records_checked.add(rel)
        if error is not None:
            state.add("B028", rel, detail=error)
            continue
        for alg, expected in state.plan.pop(rel):
            expected = expected.hex() if isinstance(expected, bytes) else expected
            if digests[alg] != expected:
                manifest = f"{'' if rel.startswith('data/') else 'tag'}manifest-{alg}.txt"
                state.add("B015", rel, algorithm=alg, manifest=manifest, expected=expected, actual=digests[alg])
