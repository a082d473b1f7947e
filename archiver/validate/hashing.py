"""Verifying checksums: each file read once for all the algorithms it is listed under, in parallel.

Only paths found by the walk (regular files inside the bag, never links) are opened, joined to the
bag root by components.
"""
from __future__ import annotations

import hashlib
import os
from typing import NamedTuple

from archiver.validate.bagit_rules import DIGEST_LENGTHS, BagState, open_regular
from archiver.workers import chunks, run_groups

BLOCK = 1 << 20


class Shared(NamedTuple):
    """What every hashing task shares (handed to each worker once: archiver.workers): the bag's root
    and state after its manifests were read, the manifests' listings, whether records are checked,
    and the sorted walk that tasks index into."""

    root: str
    state: BagState
    listings: tuple[list, list]
    check_records: bool
    order: list[str]


def _hash_chunk(chunk: range, shared: Shared) -> list:
    """Hash and judge a chunk of walked files, a range of positions in the sorted walk, right where it
    runs (a worker, or this process): only what is wrong comes back, [("finding", Finding),
    ("unverified", record), ("dropped", counts)]."""
    root, state, listings, check_records, order = shared
    mark = state.findings.mark()
    unverified: set[str] = set()
    for i in chunk:
        algorithms = _algorithms(state, order[i], listings)
        if algorithms:
            _judge(state, listings, check_records, unverified, *_hash_file(root, order[i], algorithms))
    found = state.findings.take(mark)
    out = [("finding", f) for f in found] + [("unverified", rel) for rel in unverified]
    return out + [("dropped", found.dropped)] if found.dropped else out


def _hash_file(root: str, rel: str, algorithms: tuple[str, ...]) -> tuple:
    """(rel, {algorithm: digest} or None, error or None, record source or None) of one walked file."""
    from archiver.validate.archiver_rules import RECORDS, read_source_safely
    hashers = {alg: hashlib.new(alg) for alg in algorithms}
    first = None
    blocks = 0
    try:
        # A file swapped for a link, FIFO or device after the walk is refused, never followed or
        # waited on (open_regular).
        with open_regular(os.path.join(root, *rel.split("/")), buffering=0) as fh:
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
        return rel, None, exc.strerror or str(exc), None
    # A provenance record is parsed here, from the bytes just hashed, so it is read only once.
    record = read_source_safely(first or b"") if _is_record(rel, RECORDS) and blocks <= 1 else None
    return rel, {alg: h.digest() for alg, h in hashers.items()}, None, record


def _judge(state: BagState, listings, check_records: bool, unverified: set, rel: str, digests, error,
           record) -> None:
    """One file's result against the manifests (findings into state) and, for a provenance record,
    against its payload; a record that could not be checked goes into `unverified`."""
    from archiver.validate.archiver_rules import RECORDS, check_record
    if check_records and _is_record(rel, RECORDS):
        if record is not None:
            check_record(state, rel, *record)
        else:
            unverified.add(rel)
    if error is not None:
        state.add("B028", rel, detail=error)
        return
    for alg, digest in expected(state, rel, listings):
        if digests[alg] != digest and not _same_hex(digests[alg], digest):
            _mismatch(state, rel, alg, digest, digests[alg])


_ALGORITHM_SETS: dict[tuple, tuple] = {}   # one tuple object per set of algorithms, not one per file


def _algorithms(state: BagState, rel: str, listings: tuple[list, list]) -> tuple[str, ...]:
    """The algorithms a walked file is listed under (by the manifests or the plan's unusual entries)."""
    algorithms = tuple(alg for alg, m in listings[0 if rel.startswith("data/") else 1] if rel in m)
    plan = state.plan
    if rel in plan:
        algorithms = tuple(sorted(set(algorithms) | {alg for alg, _ in plan[rel]}))
    return _ALGORITHM_SETS.setdefault(algorithms, algorithms)


def _is_record(rel: str, records: str) -> bool:
    return rel.startswith(records) and rel.endswith(".yaml")


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
    each provenance record is checked against its payload as soon as its bytes are read (nothing of it
    is kept). Nothing but the walk's own list of regular files is ever opened.

    The workers receive the state after the manifests were read (archiver.workers: once, when they
    start), so they compare the digests and check the records themselves and send back only findings:
    at 20,000 files that took a quarter of a second of this process's time (receiving 40,000 results
    and comparing them) off the hashing's two cores."""
    listings = manifest_listings(state)
    files = state.walk.files
    order = sorted(files)
    state.records_verified = check_records
    # Positions in `order` (a range pickles in a few bytes); the workers plan the files.
    groups = (range(c[0], c[-1] + 1) for c in chunks(range(len(order)), lambda i: files[order[i]]))
    shared = Shared(str(state.root), state, listings, check_records, order)
    for result in run_groups(_hash_chunk, groups, len(files), sum(files.values()), shared, jobs):
        if result[0] == "finding":
            state.findings.append(result[1])
        elif result[0] == "unverified":
            state.records_unverified.add(result[1])
        else:                                   # "dropped": findings a worker counted but did not keep
            state.findings.dropped.update(result[1])


def _same_hex(actual: bytes, expected_digest) -> bool:
    """A digest kept as text (one that is not whole bytes of hex) against the computed one."""
    return isinstance(expected_digest, str) and actual.hex() == expected_digest


def _mismatch(state: BagState, rel: str, alg: str, expected_digest, actual: bytes) -> None:
    expected_hex = expected_digest.hex() if isinstance(expected_digest, bytes) else expected_digest
    manifest = f"{'' if rel.startswith('data/') else 'tag'}manifest-{alg}.txt"
    state.add("B015", rel, algorithm=alg, manifest=manifest, expected=expected_hex, actual=actual.hex())
