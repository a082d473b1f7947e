"""Running the per-file work over a corpus: in this process for small jobs, else in worker processes.

Files are grouped into chunks (by count and by bytes, so four 256 MB files still spread over the
cores while 20,000 small files cost one task per few hundred) and results come back in corpus order,
so that the caller can stream manifests and indexes to disk as they arrive.

A caller that knows early that it will need workers (an update of a large bag) can start them before
its own preparation (`start_pool`): they fork at once and import what the work needs (the extractor
compiles its patterns at import, about 0.1 s) while the parent walks SOURCE and reads the old bag.
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

from archiver.errors import WorkerDiedError

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


def chunks(files: Iterable, size_of: Callable, limit: int = CHUNK_FILES) -> Iterator[list]:
    chunk: list = []
    total = 0
    for item in files:
        chunk.append(item)
        total += size_of(item)
        if len(chunk) >= limit or total >= CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def run_chunks(func: Callable, files: list, size_of: Callable, args: tuple, jobs: int | None,
               pool: ProcessPoolExecutor | None = None, preload: Callable[[], None] | None = None) -> Iterable:
    """Yield func(chunk, *args) results, flattened, in the order of `files`. A short list is cut into
    smaller chunks, so that each worker still gets several (the 200 changed files of an update)."""
    total = sum(size_of(f) for f in files)
    limit = min(CHUNK_FILES, max(16, -(-len(files) // (4 * (jobs or default_jobs())))))
    yield from run_groups(func, chunks(files, size_of, limit), len(files), total, args, jobs, pool, preload)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _worker_start(preload: Callable[[], None] | None = None) -> None:
    """In each worker, first: SIGTERM ends it, as by default. The CLI turns SIGTERM into
    KeyboardInterrupt in its own process (to clean up), and a forked worker inherits that; a worker the
    pool terminates (after another one died) would then hand a KeyboardInterrupt back as its result,
    and the run would end as "interrupted" (exit 130) instead of with the dead worker's error."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if preload is not None:
        preload()


def start_pool(workers: int, preload: Callable[[], None]) -> ProcessPoolExecutor:
    """`workers` processes started now, each running `preload` (imports) at once."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_start,
                               initargs=(preload,))
    # The first task starts every worker (a forking pool starts them all together).
    pool.submit(int)
    return pool


def run_groups(func: Callable, groups: Iterable[list], count: int, total: int, args: tuple,
               jobs: int | None, pool: ProcessPoolExecutor | None = None,
               preload: Callable[[], None] | None = None) -> Iterable:
    """Like run_chunks, over chunks made as they are needed (`count` files of `total` bytes in all):
    the whole work list is never in memory at once. With `pool` (start_pool), its workers do the
    work whatever its size (they are already paid for); the caller shuts it down. Else `preload` runs
    here before workers are forked, so that they inherit what it imports."""
    jobs = jobs or default_jobs()
    groups = iter(groups)
    head = list(itertools.islice(groups, max(jobs, 2)))
    groups = itertools.chain(head, groups)
    if pool is not None:
        yield from _pooled(func, groups, args, pool, jobs)
        return
    if jobs <= 1 or len(head) <= 1 or (count <= SERIAL_FILES and total <= SERIAL_BYTES):
        for group in groups:
            yield from func(group, *args)
        return
    if preload is not None:
        preload()
    workers = min(jobs, len(head))
    # Workers are forked: freezing the parent's objects keeps the garbage collector from touching
    # (and so copying) every page of them in each worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_start) as own:
            yield from _pooled(func, groups, args, own, workers)
    finally:
        gc.unfreeze()


def _pooled(func: Callable, groups: Iterable[list], args: tuple, pool: ProcessPoolExecutor,
            workers: int) -> Iterable:
    # A sliding window of chunks in flight: enough to keep every worker busy, few enough that results
    # waiting for the (in-order) consumer never pile up; memory stays flat whatever the corpus size.
    window = workers * 4
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
    except BrokenProcessPool as exc:
        # A worker was killed (the OOM killer's SIGKILL, say): its chunk is lost, and so is the run.
        for fut in pending:
            fut.cancel()
        raise WorkerDiedError("a worker process died before finishing its files (killed, perhaps for "
                              "lack of memory); try again, or with fewer --jobs") from exc
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
