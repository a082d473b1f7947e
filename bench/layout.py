"""Context, not a floor: the writes of a bag of archiver's layout alone, with nothing else done.

Every payload file of such a bag is a new file (data/<path>), and so is its provenance record
(metadata/provenance/<path>.yaml), so on a given file system no bag of this layout can be made faster
than creating those files. This program does just that, and hashes: it reads each file once into
sha256 and sha512, writes the bytes to data/<path>, writes a record-sized file holding the two digests
(RECORD_BYTES, the mean size of archiver's records on the benchmark corpus), and writes the two
manifests. No text extraction, no YAML, no tag files beyond the manifests. It uses the parallelism of
bench/floor.py (worker processes over the same chunks of files).

    python -m bench.layout SOURCE OUT [--jobs N]     # OUT must not exist
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from bench.floor import BLOCK, chunks

RECORD_BYTES = 1280
NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL  # never overwrite: every file is a new file


def walk(source: str) -> tuple[list[str], list[str]]:
    """The directories and regular files under source, as sorted relative POSIX paths."""
    dirs, files, todo = [], [], [""]
    while todo:
        rel = todo.pop()
        with os.scandir(os.path.join(source, rel)) as entries:
            for e in entries:
                path = f"{rel}/{e.name}" if rel else e.name
                if e.is_dir(follow_symlinks=False):
                    dirs.append(path)
                    todo.append(path)
                elif e.is_file(follow_symlinks=False):
                    files.append(path)
    return sorted(dirs), sorted(files)


def write_new(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def create(path: str, data: bytes) -> None:
    fd = os.open(path, NEW, 0o666)
    try:
        write_new(fd, data)
    finally:
        os.close(fd)


def lay_file(src: str, out: str, rel: str) -> tuple[str, str]:
    """Copy one payload file into the bag, hashing it on the way; write its record; return the digests."""
    h256, h512, size = hashlib.sha256(), hashlib.sha512(), 0
    fin = os.open(src, os.O_RDONLY)
    try:
        fout = os.open(os.path.join(out, "data", rel), NEW, 0o666)
        try:
            while block := os.read(fin, BLOCK):
                size += len(block)
                h256.update(block)
                h512.update(block)
                write_new(fout, block)
        finally:
            os.close(fout)
    finally:
        os.close(fin)
    d256, d512 = h256.hexdigest(), h512.hexdigest()
    head = f"file: data/{rel}\nbytes: {size}\nsha256: {d256}\nsha512: {d512}\n".encode("utf-8", "surrogateescape")
    pad = max(0, RECORD_BYTES - len(head) - 3)
    create(os.path.join(out, "metadata", "provenance", rel + ".yaml"), head + b"# " + b"-" * pad + b"\n")
    return d256, d512


def lay_chunk(source: str, out: str, paths: list[str]) -> tuple[str, str]:
    """Lay out every file of the chunk; return its lines of manifest-sha256.txt and manifest-sha512.txt."""
    lines256, lines512 = [], []
    prefix = len(os.path.join(source, ""))
    for path in paths:
        rel = path[prefix:]
        d256, d512 = lay_file(path, out, rel)
        lines256.append(f"{d256}  data/{rel}\n")
        lines512.append(f"{d512}  data/{rel}\n")
    return "".join(lines256), "".join(lines512)


def lay_all(source: str, out: str, jobs: int) -> int:
    """Make the bag's layout of source at out (which must not exist); return the number of files."""
    dirs, files = walk(source)
    for top in ("data", os.path.join("metadata", "provenance")):
        os.makedirs(os.path.join(out, top))  # fails if out holds a bag already
        for d in dirs:
            os.mkdir(os.path.join(out, top, d))
    groups = chunks([os.path.join(source, rel) for rel in files])
    work = functools.partial(lay_chunk, source, out)
    if jobs <= 1 or len(groups) <= 1:
        parts = [work(g) for g in groups]
    else:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=ctx) as pool:
            parts = list(pool.map(work, groups))
    for i, algorithm in enumerate(("sha256", "sha512")):
        text = "".join(p[i] for p in parts)
        create(os.path.join(out, f"manifest-{algorithm}.txt"), text.encode("utf-8", "surrogateescape"))
    return len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.layout")
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    try:
        print(lay_all(os.path.abspath(args.source), os.path.abspath(args.out), args.jobs))
    except FileExistsError as e:
        print(f"python -m bench.layout: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
