"""The Python half of the floor: read each file once into sha256 and sha512, nothing else.

It uses the same parallelism as archiver (worker processes over chunks of files, by count and by bytes)
so that the floor and archiver differ only in what archiver does beyond hashing.

    python -m bench.floor LIST [--jobs N]     # LIST: NUL-separated absolute paths
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

CHUNK_FILES = 256
CHUNK_BYTES = 16 << 20
BLOCK = 1 << 20


def hash_chunk(paths: list[str]) -> int:
    """Hash every file of the chunk; return the bytes read (so the work cannot be optimised away)."""
    total = 0
    for path in paths:
        h256 = hashlib.sha256()
        h512 = hashlib.sha512()
        with open(path, "rb", buffering=0) as f:
            while True:
                block = f.read(BLOCK)
                if not block:
                    break
                total += len(block)
                h256.update(block)
                h512.update(block)
        h256.digest()
        h512.digest()
    return total


def chunks(paths: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for path in paths:
        chunk.append(path)
        size += os.stat(path).st_size
        if len(chunk) >= CHUNK_FILES or size >= CHUNK_BYTES:
            groups.append(chunk)
            chunk, size = [], 0
    if chunk:
        groups.append(chunk)
    return groups


def hash_all(paths: list[str], jobs: int) -> int:
    groups = chunks(paths)
    if jobs <= 1 or len(groups) <= 1:
        return sum(hash_chunk(g) for g in groups)
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=ctx) as pool:
        return sum(pool.map(hash_chunk, groups))


def read_list(path: str) -> list[str]:
    with open(path, "rb") as f:
        return [os.fsdecode(p) for p in f.read().split(b"\0") if p]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("list")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    total = hash_all(read_list(args.list), args.jobs)
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
