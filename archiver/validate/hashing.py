"""Verifying checksums: each file read once for all the algorithms it is listed under, in parallel.

Only paths found by the walk (regular files inside the bag, never links) are opened, joined to the
bag root by components.
"""
from __future__ import annotations

import hashlib
import os

from archiver.validate.bagit_rules import DIGEST_LENGTHS, BagState
from archiver.workers import CHUNK_BYTES, CHUNK_FILES, chunks, run_groups

BLOCK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


_SHARED: tuple | None = None   # (state, listings, check_records) for the chunk workers: see verify()


def _hash_chunk(chunk: list[tuple[str, tuple[str, ...], int]], root: str) -> list:
    """Hash a chunk of walked files. Where verify() shared the bag's state (workers forked after the
    manifests were read, or this process), each digest is compared and each record checked right here,
    and only what is wrong comes back: [("finding", Finding), ("unverified", record)]. Otherwise every
    file comes back as (rel, digests, error, record source)."""
    from archiver.validate.archiver_rules import RECORDS, check_record, read_source_safely
    shared = _SHARED
    out = []
    if shared is not None:
        state, listings, check_records, order = shared
        mark = len(state.findings)
        if type(chunk) is range:     # positions in `order`: the work is planned here, not in the parent
            chunk = [(rel, algorithms, 0) for rel, algorithms in
                     ((order[i], _algorithms(state, order[i], listings)) for i in chunk) if algorithms]
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
            error = exc.strerror or str(exc)
            if shared is None:
                out.append((rel, None, error, None))
            else:
                if check_records and _is_record(rel, RECORDS):
                    out.append(("unverified", rel))
                state.add("B028", rel, detail=error)
            continue
        # A provenance record is parsed here, from the bytes just hashed, so it is read only once.
        record = read_source_safely(first or b"") if _is_record(rel, RECORDS) and blocks <= 1 else None
        digests = {alg: h.digest() for alg, h in hashers.items()}
        if shared is None:
            out.append((rel, digests, None, record))
            continue
        if check_records and _is_record(rel, RECORDS):
            if record is not None:
                check_record(state, rel, *record)
            else:
                out.append(("unverified", rel))
        _compare(state, rel, digests, listings)
    if shared is not None:
        out.extend(("finding", f) for f in state.findings[mark:])
        del state.findings[mark:]
    return out


_ALGORITHM_SETS: dict[tuple, tuple] = {}   # one tuple object per set of algorithms, not one per file


def _algorithms(state: BagState, rel: str, listings: tuple[list, list]) -> tuple[str, ...]:
    """The algorithms a walked file is listed under (by the manifests or the plan's unusual entries)."""
    algorithms = tuple(alg for alg, m in listings[0 if rel.startswith("data/") else 1] if rel in m)
    plan = state.plan
    if rel in plan:
        algorithms = tuple(sorted(set(algorithms) | {alg for alg, _ in plan[rel]}))
    return _ALGORITHM_SETS.setdefault(algorithms, algorithms)


def _ranges(order: list[str], sizes: dict[str, int]):
    """Chunks of `order` as ranges of positions, cut like workers.chunks() cuts lists."""
    start = total = 0
    for i, rel in enumerate(order):
        total += sizes[rel]
        if i + 1 - start >= CHUNK_FILES or total >= CHUNK_BYTES:
            yield range(start, i + 1)
            start, total = i + 1, 0
    if start < len(order):
        yield range(start, len(order))


def _is_record(rel: str, records: str) -> bool:
    return rel.startswith(records) and rel.endswith(".yaml")


def _compare(state: BagState, rel: str, digests: dict, listings: tuple[list, list]) -> None:
    for alg, digest in expected(state, rel, listings):
        if digests[alg] != digest and not _same_hex(digests[alg], digest):
            _mismatch(state, rel, alg, digest, digests[alg])


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

    The workers are forked after the manifests were read, so they compare the digests and check the
    records themselves and send back only findings: at 20,000 files that took a quarter of a second of
    this process's time (receiving 40,000 results and comparing them) off the hashing's two cores.
    Where workers are not forked, every result comes back and is compared here."""
    global _SHARED
    import multiprocessing
    listings = manifest_listings(state)
    files = state.walk.files
    order = sorted(files)

    def work():  # made as the workers need it: at 100,000 files a whole list would cost ~13 MB
        for rel in order:
            algorithms = _algorithms(state, rel, listings)
            if algorithms:
                yield rel, algorithms, files[rel]

    state.records_verified = check_records
    forking = "fork" in multiprocessing.get_all_start_methods()
    _SHARED = (state, listings, check_records, order) if forking else None
    try:
        # Forked workers get positions in `order` (a range pickles in a few bytes) and plan the files.
        groups = _ranges(order, files) if forking else chunks(work(), lambda item: item[2])
        results = run_groups(_hash_chunk, groups, len(files), sum(files.values()), (str(state.root),), jobs)
        for result in results:
            if result[0] == "finding":
                state.findings.append(result[1])
            elif result[0] == "unverified":
                state.records_unverified.add(result[1])
            else:
                _check_result(state, listings, check_records, *result)
    finally:
        _SHARED = None


def _check_result(state: BagState, listings, check_records: bool, rel: str, digests, error, record) -> None:
    """One file's result, for workers that did not share the state."""
    from archiver.validate.archiver_rules import RECORDS, check_record
    if check_records and _is_record(rel, RECORDS):
        if record is not None:
            check_record(state, rel, *record)
        else:
            state.records_unverified.add(rel)
    if error is not None:
        state.add("B028", rel, detail=error)
        return
    _compare(state, rel, digests, listings)


def _same_hex(actual: bytes, expected_digest) -> bool:
    """A digest kept as text (one that is not whole bytes of hex) against the computed one."""
    return isinstance(expected_digest, str) and actual.hex() == expected_digest


def _mismatch(state: BagState, rel: str, alg: str, expected_digest, actual: bytes) -> None:
    expected_hex = expected_digest.hex() if isinstance(expected_digest, bytes) else expected_digest
    manifest = f"{'' if rel.startswith('data/') else 'tag'}manifest-{alg}.txt"
    state.add("B015", rel, algorithm=alg, manifest=manifest, expected=expected_hex, actual=actual.hex())
