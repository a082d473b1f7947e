"""Verifying checksums: each file read once for all the algorithms it is listed under, in parallel.

Only paths found by the walk (regular files inside the bag, never links) are opened, joined to the
bag root by components.
"""
from __future__ import annotations

import hashlib
import os

from archiver.validate.bagit_rules import DIGEST_LENGTHS, BagState
from archiver.workers import chunks, run_groups

BLOCK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _hash_chunk(chunk: list[tuple[str, tuple[str, ...], int]], root: str) -> list:
    from archiver.validate.archiver_rules import RECORDS, read_source_safely
    out = []
    for rel, algorithms, _size in chunk:
        hashers = {alg: hashlib.new(alg) for alg in algorithms}
        first = None
        blocks = 0
        try:
            # O_NOFOLLOW: a file swapped for a link after the walk is refused, not followed.
            fd = os.open(os.path.join(root, *rel.split("/")), os.O_RDONLY | _NOFOLLOW)
            with open(fd, "rb", buffering=0) as fh:
                while True:
                    block = fh.read(BLOCK)
                    if not block:
                        break
                    blocks += 1
                    if first is None:
                        first = block
                    for h in hashers.values():
                        h.update(block)
        except OSError as exc:
            out.append((rel, None, exc.strerror or str(exc), None))
            continue
        # A provenance record is parsed here, from the bytes just hashed, so it is read only once.
        record = read_source_safely(first or b"") if rel.startswith(RECORDS) and rel.endswith(".yaml") \
            and blocks <= 1 else None
        out.append((rel, {alg: h.digest() for alg, h in hashers.items()}, None, record))
    return out


def manifest_listings(state: BagState) -> tuple[list, list]:
    """[(algorithm, {path: digest})] of the payload and of the tag manifests whose algorithm we know."""
    payload = [(alg, m) for alg, m in sorted(state.manifests.items()) if alg in DIGEST_LENGTHS]
    tags = [(alg, m) for alg, m in sorted(state.tagmanifests.items()) if alg in DIGEST_LENGTHS]
    return payload, tags


def expected(state: BagState, rel: str, listings: tuple[list, list]) -> list[tuple[str, bytes]]:
    """[(algorithm, expected digest)] of a walked file: its manifest entries, then the unusual ones."""
    found = [(alg, m[rel]) for alg, m in listings[0 if rel.startswith("data/") else 1] if rel in m]
    return found + state.plan.get(rel, [])


def verify(state: BagState, jobs: int | None, check_records: bool = False) -> None:
    """Hash every walked file that a manifest lists, once for all its algorithms; with `check_records`,
    each provenance record is checked against its payload as soon as its bytes come back (nothing of it
    is kept). Nothing but the walk's own list of regular files is ever opened."""
    from archiver.validate.archiver_rules import RECORDS, check_record
    listings = manifest_listings(state)
    payload, tags = listings
    plan = state.plan
    shared: dict[tuple, tuple] = {}   # one tuple object per set of algorithms, not one per file
    files = state.walk.files

    def work():  # made as the workers need it: at 100,000 files a whole list would cost ~13 MB
        for rel in sorted(files):
            algorithms = tuple(alg for alg, m in (payload if rel.startswith("data/") else tags) if rel in m)
            if rel in plan:
                algorithms = tuple(sorted(set(algorithms) | {alg for alg, _ in plan[rel]}))
            if algorithms:
                yield rel, shared.setdefault(algorithms, algorithms), files[rel]

    groups = chunks(work(), lambda item: item[2])
    results = run_groups(_hash_chunk, groups, len(files), sum(files.values()), (str(state.root),), jobs)
    state.records_verified = check_records
    for rel, digests, error, record in results:
        is_payload = rel.startswith("data/")
        if check_records and not is_payload and rel.startswith(RECORDS) and rel.endswith(".yaml"):
            if record is not None:
                check_record(state, rel, *record)
            else:
                state.records_unverified.add(rel)
        if error is not None:
            state.add("B028", rel, detail=error)
            continue
        for alg, digest in expected(state, rel, listings):
            if digests[alg] != digest and not _same_hex(digests[alg], digest):
                _mismatch(state, rel, alg, digest, digests[alg])


def _same_hex(actual: bytes, expected_digest) -> bool:
    """A digest kept as text (one that is not whole bytes of hex) against the computed one."""
    return isinstance(expected_digest, str) and actual.hex() == expected_digest


def _mismatch(state: BagState, rel: str, alg: str, expected_digest, actual: bytes) -> None:
    expected_hex = expected_digest.hex() if isinstance(expected_digest, bytes) else expected_digest
    manifest = f"{'' if rel.startswith('data/') else 'tag'}manifest-{alg}.txt"
    state.add("B015", rel, algorithm=alg, manifest=manifest, expected=expected_hex, actual=actual.hex())
