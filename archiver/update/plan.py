"""What of an existing bag is carried over unchanged into its next version, and the work list of the
files that are not.

A source file whose size, mtime, inode and ctime are as the old bag's state file recorded them is
carried over (ctime: an edit in place that keeps the size and sets the mtime back still changes it;
with --link, where bagging itself links the source file and so changes its ctime, it is not
recorded): its payload and record are hard-linked from the old bag into the new one, or stay where
they are in a patched spare (archiver.update.spare), neither read nor copied; and its entries in each
of ENTRY_FILES are copied as bytes from the old bag's files, read where the state's lengths put them.
Those files are not parsed: their identity must match the state file (so they are exactly what
archiver wrote, in the state's order). Anything else is read and processed as new. Without a usable
state file (moved bag, another tool, another archiver, an edited manifest or index), every file is
processed.
"""
from __future__ import annotations

import itertools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from archiver.errors import ArchiverError
from archiver.records import CarriedSpan, FileJob
from archiver.update.state import (
    ENTRY_FILES,
    EntryColumns,
    Lineage,
    State,
    identity,
    read_state,
    state_path,
    unchanged_since,
)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BLOCK = 1 << 20


@dataclass
class Plan:
    """What of the old bag at `old_bag` is carried over into the new one: `index` maps the relpath of
    each unchanged file to its position in the old bag; the rest describes the old bag as its state
    file recorded it. `spare` is filled in by spare.claim(): the files of a claimed spare that can stay
    where they are (the new bag is then that spare, patched)."""

    old_bag: str
    index: dict[str, int]
    old: EntryColumns                    # the old bag's entry columns (its files' generations too)
    lineage: Lineage                     # the old bag's
    dirs: list                           # the old bag's directories' fingerprint, as written
    pristine: bool                       # the old bag's directories are as written: it can be the spare
    spare: set[str] | None = None        # spare.claim(): the spare's files that can stay
    spare_files: list[str] | None = None  # spare.claim(): every file of the spare
    spare_dirs: list[str] | None = None   # spare.claim(): every directory of the spare (as bag_dirs())
    _fds: dict = field(default_factory=dict)
    _offsets: dict = field(default_factory=dict)

    @property
    def generation(self) -> int:
        """The generation of the bag this plan makes."""
        return self.lineage.generation + 1

    @property
    def patching(self) -> bool:
        """Whether the new bag is the claimed spare, patched (else a new tree)."""
        return self.spare is not None

    def work(self, corpus) -> list:
        """The work list of the new bag, in corpus order: a FileJob per file to process or to
        hard-link from the old bag, except that consecutive files already in place (in the patched
        spare, and consecutive in the old bag too) are one CarriedSpan: an update that changed 1% of
        20,000 files hands the workers a few hundred items, not 20,000."""
        index = self.index
        keep = self.spare if self.patching else ()
        work: list = []
        span = None           # [first, stop, size] of the run being gathered
        for f in corpus.files:
            k = index.get(f.relpath)
            if k is not None and f.relpath in keep:
                if span is not None and span[1] == k:
                    span[1] += 1
                    span[2] += f.size
                    continue
                if span is not None:
                    work.append(CarriedSpan(*span))
                span = [k, k + 1, f.size]
                continue
            if span is not None:
                work.append(CarriedSpan(*span))
                span = None
            work.append(FileJob(f.relpath, f.abspath, k, f.size))
        if span is not None:
            work.append(CarriedSpan(*span))
        return work

    def __enter__(self) -> "Plan":
        """Open the old bag's entry files, for carry()."""
        bag = Path(self.old_bag)
        try:
            for name in ENTRY_FILES:
                self._fds[name] = os.open(bag / name, os.O_RDONLY | _NOFOLLOW)
                self._offsets[name] = list(itertools.accumulate(self.old.lengths[name],
                                                                initial=self.old.starts[name]))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        self._offsets.clear()

    def carry(self, name: str, first: int, stop: int) -> Iterator[bytes]:
        """The bytes of the entries of the old bag's files first..stop-1 (consecutive) in entry file
        `name`, in blocks of at most 1 MiB (a run can be most of a 100,000-file index). Only inside
        `with plan:`."""
        offsets = self._offsets[name]
        pos, end = offsets[first], offsets[stop]
        while pos < end:
            data = os.pread(self._fds[name], min(_BLOCK, end - pos), pos)
            if not data:
                raise ArchiverError("the previous bag ends before its state file says; run without --update",
                                    os.path.join(self.old_bag, name))
            pos += len(data)
            yield data

    def carry_columns(self, into: EntryColumns, first: int, stop: int) -> None:
        """Record in `into` the old bag's columns of its files first..stop-1, carried over."""
        into.gens.extend(self.old.gens[first:stop])
        for name in ENTRY_FILES:
            into.lengths[name].extend(self.old.lengths[name][first:stop])


def fresh_work(corpus) -> list:
    """The work list of a bag made from nothing: a FileJob per file."""
    return [FileJob(f.relpath, f.abspath, None, f.size) for f in corpus.files]


def plan_update(bag_dir: Path, corpus, deps: dict) -> Plan | None:
    """What can be carried over from the bag at `bag_dir` into a new bag of `corpus` made with `deps`
    (state.dependencies()), or None: no state file, one of another format, archiver or dependencies,
    or entry files that are not exactly as it recorded them."""
    state = read_state(state_path(bag_dir), deps)
    if not state:
        return None
    starts = _entry_starts(bag_dir, state)
    if starts is None:
        return None
    old = {rel: k for k, rel in enumerate(state.names)}
    sizes, mtimes, inodes, ctimes = state.sizes, state.mtimes, state.inodes, state.ctimes
    index = {}
    for f in corpus.files:
        k = old.get(f.relpath)
        if (k is not None and sizes[k] == f.size and mtimes[k] == f.mtime_ns and inodes[k] == f.inode
                and ctimes[k] in (f.ctime_ns, -1)):
            index[f.relpath] = k
    return Plan(str(bag_dir), index, EntryColumns(state.gens, state.lengths, starts), state.lineage, state.dirs,
                unchanged_since(bag_dir, state.dirs))


def _entry_starts(bag_dir: Path, state: State) -> dict[str, int] | None:
    """{entry file: offset of its first payload file's entry}, if every entry file is the very file the
    state recorded (identity) and holds its entries where the state says; else None."""
    starts = {}
    try:
        for name in ENTRY_FILES:
            st = os.lstat(bag_dir / name)
            start, *recorded = state.files[name]
            if not stat.S_ISREG(st.st_mode) or identity(st) != recorded:
                return None         # replaced or written since: nothing is carried over
            # The entries lie within the file (manifests hold nothing else).
            end = start + sum(state.lengths[name])
            if start < 0 or end > st.st_size or (name.startswith("manifest-") and (start, end) != (0, st.st_size)):
                return None
            starts[name] = start
    except OSError:
        return None
    return starts
