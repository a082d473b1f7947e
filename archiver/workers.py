"""Running the per-file work over a corpus: in this process for small jobs, else in worker processes.

Files are grouped into chunks (by count and by bytes, so four 256 MB files still spread over the
cores while 20,000 small files cost one task per few hundred) and results come back in corpus order,
so that the caller can stream manifests and indexes to disk as they arrive.
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections import deque
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator

CHUNK_FILES = 256
CHUNK_BYTES = 16 << 20
# Below this, starting processes costs more than it saves.
SERIAL_FILES = 64
SERIAL_BYTES = 8 << 20


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def chunks(files: list, size_of: Callable) -> Iterator[list]:
    chunk: list = []
    total = 0
    for item in files:
        chunk.append(item)
        total += size_of(item)
        if len(chunk) >= CHUNK_FILES or total >= CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def run_chunks(func: Callable, files: list, size_of: Callable, args: tuple, jobs: int | None) -> Iterable:
    """Yield func(chunk, *args) results, flattened, in the order of `files`."""
    total = sum(size_of(f) for f in files)
    yield from run_groups(func, chunks(files, size_of), len(files), total, args, jobs)


def run_groups(func: Callable, groups: Iterable[list], count: int, total: int, args: tuple,
               jobs: int | None) -> Iterable:
    """Like run_chunks, over chunks made as they are needed (`count` files of `total` bytes in all):
    the whole work list is never in memory at once."""
    jobs = jobs or default_jobs()
    groups = iter(groups)
    head = list(itertools.islice(groups, max(jobs, 2)))
    groups = itertools.chain(head, groups)
    if jobs <= 1 or len(head) <= 1 or (count <= SERIAL_FILES and total <= SERIAL_BYTES):
        for group in groups:
            yield from func(group, *args)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(jobs, len(head))
    # Workers are forked: freezing the parent's objects keeps the garbage collector from touching
    # (and so copying) every page of them in each worker.
    gc.freeze()
    try:
        yield from _pooled(func, groups, args, workers, ctx)
    finally:
        gc.unfreeze()


def _pooled(func: Callable, groups: Iterable[list], args: tuple, workers: int, ctx) -> Iterable:
    # A sliding window of chunks in flight: enough to keep every worker busy, few enough that results
    # waiting for the (in-order) consumer never pile up; memory stays flat whatever the corpus size.
    window = workers * 4
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: deque = deque()
        queue = iter(groups)
        try:
            for group in queue:
                pending.append(pool.submit(func, group, *args))
                if len(pending) >= window:
                    break
            while pending:
                results = pending.popleft().result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append(pool.submit(func, nxt, *args))
                yield from results
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
