"""Running the per-file work over a corpus: in this process for small jobs, else in one pool of
worker processes.

Files are grouped into chunks (by count and by bytes, so four 256 MB files still spread over the
cores while 20,000 small files cost one task per few hundred) and results come back in corpus order,
so that the caller can stream manifests and indexes to disk as they arrive.

One way to share state with the workers: the caller names a `shared` object (a bag's paths and
overrides, a validation's parsed manifests), and every call is `func(chunk, shared)`. In this
process that is a plain call; in a worker, `shared` was handed over once, by the pool's initializer
(forked workers receive it without pickling), never through module globals a fork happens to copy.

One pool per run, started before the caller starts any thread (`Workers` forks every worker when it
is created): forking a process that runs threads can deadlock it (a lock held by another thread is
copied locked), which Python 3.12+ warns about.
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
from typing import Any, Callable, Iterable, Iterator

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


def chunk_limit(count: int, jobs: int | None) -> int:
    """Files per chunk for a list of `count`: a short list is cut into smaller chunks, so that each
    worker still gets several (the 200 changed files of an update)."""
    return min(CHUNK_FILES, max(16, -(-count // (4 * (jobs or default_jobs())))))


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


_shared: Any = None    # in a worker: what its pool's initializer was handed (Workers(shared=...))


def _worker_start(shared: Any, preload: Callable[[], None] | None) -> None:
    """In each worker, first: keep `shared` for the calls to come; SIGTERM ends the worker, as by
    default (the CLI turns SIGTERM into KeyboardInterrupt in its own process, to clean up, and a forked
    worker inherits that: a worker the pool terminates after another one died would hand a
    KeyboardInterrupt back as its result, and the run would end as "interrupted", exit 130, instead of
    with the dead worker's error); then `preload` (imports the work needs)."""
    global _shared
    _shared = shared
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if preload is not None:
        preload()


def _call(func: Callable, group: list) -> Any:
    """In a worker: one task, with the state its pool was started with."""
    return func(group, _shared)


class Workers:
    """Where `func(chunk, shared)` runs for a job of `count` files of `total` bytes: here (`jobs` 1, or
    too small a job to pay for processes), or in worker processes forked now, before this returns.

    Use as a context manager (the pool is shut down on leaving it), and create it before starting
    any thread. `preload` runs in each worker as it starts (the extractor's imports), so that a parent
    that only hands out work never pays for them."""

    def __init__(self, jobs: int | None, count: int, total: int, shared: Any = None,
                 preload: Callable[[], None] | None = None, groups: int | None = None):
        self.jobs = jobs or default_jobs()
        self.shared = shared
        self.pool: ProcessPoolExecutor | None = None
        small = count <= SERIAL_FILES and total <= SERIAL_BYTES
        wanted = min(self.jobs, groups if groups is not None else self.jobs)
        if self.jobs <= 1 or wanted <= 1 or small:
            return
        self.processes = wanted
        # Forked workers: freezing the parent's objects keeps the garbage collector from touching (and
        # so copying) every page of them in each worker.
        gc.freeze()
        try:
            self.pool = ProcessPoolExecutor(max_workers=wanted, mp_context=_context(), initializer=_worker_start,
                                            initargs=(shared, preload))
            # The first task forks every worker (a forking pool starts them all together), before the
            # pool's own threads start: nothing else runs in this process while it forks.
            self.pool.submit(int)
        except BaseException:
            gc.unfreeze()
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
            raise

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            gc.unfreeze()

    def run(self, func: Callable, groups: Iterable[list]) -> Iterable:
        """Yield func(group, shared) results, flattened, in the order of `groups` (made as they are
        needed: the whole work list is never in memory at once)."""
        if self.pool is None:
            for group in groups:
                yield from func(group, self.shared)
            return
        yield from _pooled(func, groups, self.pool, self.processes)


def run_chunks(func: Callable, files: list, size_of: Callable, shared: Any, jobs: int | None,
               preload: Callable[[], None] | None = None) -> Iterable:
    """Yield func(chunk, shared) results, flattened, in the order of `files`, in a pool of its own
    (Workers) when the job is large enough."""
    total = sum(size_of(f) for f in files)
    groups = chunks(files, size_of, chunk_limit(len(files), jobs))
    yield from run_groups(func, groups, len(files), total, shared, jobs, preload)


def run_groups(func: Callable, groups: Iterable[list], count: int, total: int, shared: Any,
               jobs: int | None, preload: Callable[[], None] | None = None) -> Iterable:
    """Like run_chunks, over chunks made as they are needed (`count` files of `total` bytes in all):
    the whole work list is never in memory at once."""
    jobs = jobs or default_jobs()
    groups = iter(groups)
    head = list(itertools.islice(groups, max(jobs, 2)))
    with Workers(jobs, count, total, shared, preload, len(head)) as workers:
        yield from workers.run(func, itertools.chain(head, groups))


def _pooled(func: Callable, groups: Iterable[list], pool: ProcessPoolExecutor, workers: int) -> Iterable:
    # A sliding window of chunks in flight: enough to keep every worker busy, few enough that results
    # waiting for the (in-order) consumer never pile up; memory stays flat whatever the corpus size.
    window = workers * 4
    pending: deque = deque()
    queue = iter(groups)
    try:
        for group in queue:
            pending.append(pool.submit(_call, func, group))
            if len(pending) >= window:
                break
        while pending:
            results = pending.popleft().result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append(pool.submit(_call, func, nxt))
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
