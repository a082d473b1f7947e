"""`archiver manifest`: the provenance records of a corpus, on their own, as files `DIR/<path>.yaml`.

The records are the same bytes as in a bag of the same corpus. `check_records` writes nothing and lists
every record that is missing, stale (differs from what the extractor now writes) or orphaned (no such
source file), so that a repository can keep its records under version control and CI can catch drift.
"""
from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from archiver.bagit_names import makedirs, remove_tree
from archiver.corpus import check_output_place, discover
from archiver.errors import ArchiverError, OverrideError
from archiver.provenance import RECORD_TYPE
from archiver.records import FileJob, Task, preload, process_chunk
from archiver.workers import run_chunks


@dataclass(frozen=True)
class RecordProblem:
    kind: str        # "missing" | "stale" | "orphaned"
    path: str        # the record's path relative to DIR

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}"


def _records(source, overrides, jobs, follow_links_inside=False, sources=None):
    corpus = discover(source, follow_links_inside=follow_links_inside)
    override_map = None
    if overrides is not None or sources is not None:
        from archiver.sources import load_assertions
        override_map = load_assertions(overrides, sources, {f.relpath for f in corpus.files})
    work = [FileJob(f.relpath, f.abspath, None, f.size) for f in corpus.files]
    results = run_chunks(process_chunk, work, lambda item: item.size,
                         Task(None, None, override_map, keep_data=True), jobs, preload=preload)
    return corpus, results


def _existing_records(out: Path) -> set[str]:
    """The POSIX paths, relative to OUT, of everything under it but directories (as os.walk lists
    them: a link to a directory is neither listed nor entered), walked with a stack, not recursion
    (os.walk recursed once per level: RecursionError at 1,000)."""
    found = set()
    if not out.is_dir():
        return found
    stack = [(str(out), "")]
    while stack:
        dirpath, prefix = stack.pop()
        try:
            entries = list(os.scandir(dirpath))
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():
                    stack.append((entry.path, prefix + entry.name + "/"))
            else:
                found.add(prefix + entry.name)
    return found


RECORD_HEAD = f'record: "{RECORD_TYPE}"\n'.encode()


def _not_records(out: Path, existing: set[str], limit: int = 5) -> list[str]:
    """The first `limit` (in sorted order) of `existing` that are not records archiver wrote: not a
    regular .yaml file starting as every record does (opened without following a link or waiting)."""
    foreign = []
    for rel in sorted(existing):
        ours = False
        if rel.endswith(".yaml"):
            try:
                fd = os.open(out.joinpath(*rel.split("/")), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                fd = None
            if fd is not None:
                try:
                    ours = stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(RECORD_HEAD)) == RECORD_HEAD
                except OSError:
                    pass
                finally:
                    os.close(fd)
        if not ours:
            foreign.append(rel)
            if len(foreign) == limit:
                break
    return foreign


def write_records(source, out, *, overrides=None, jobs=None, follow_links_inside=False, sources=None) -> int:
    """Write every record under OUT, replacing what is there; returns the number of records.

    Refuses (exit 2), writing nothing, an OUT inside SOURCE or holding it, an OUT that is not a
    directory, and one holding anything but records archiver wrote: nothing else is ever deleted."""
    out = Path(out)
    check_output_place(source, out)
    if os.path.lexists(out) and (out.is_symlink() or not out.is_dir()):
        raise ArchiverError("exists and is not a directory of records; refusing to replace it", str(out))
    foreign = _not_records(out, _existing_records(out))
    if foreign:
        raise ArchiverError(f"holds files that are not records archiver wrote ({', '.join(foreign)}); "
                            "refusing to replace it", str(out))
    corpus, results = _records(source, overrides, jobs, follow_links_inside, sources)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        staged = tmp / "records"
        stale = []
        count = 0
        for outcome, data in results:
            if outcome.override_problem:
                stale.append(f"{outcome.relpath}: {outcome.override_problem}")
            dest = staged.joinpath(*(outcome.relpath + ".yaml").split("/"))
            makedirs(str(dest.parent))
            dest.write_bytes(data)
            count += 1
        if stale:
            raise OverrideError("stale override(s), nothing was written:\n  " + "\n  ".join(stale))
        if out.exists():
            os.rename(out, tmp / "replaced")
        os.rename(staged, out)
    finally:
        remove_tree(tmp)
    return count


def check_records(source, out, *, overrides=None, jobs=None, follow_links_inside=False,
                  sources=None) -> list[RecordProblem]:
    """Compare OUT with the records the corpus gives now; writes nothing."""
    out = Path(out)
    existing = _existing_records(out)
    corpus, results = _records(source, overrides, jobs, follow_links_inside, sources)
    problems: list[RecordProblem] = []
    expected = set()
    for outcome, data in results:
        if outcome.override_problem:
            raise OverrideError(f"{outcome.relpath}: {outcome.override_problem}")
        rel = outcome.relpath + ".yaml"
        expected.add(rel)
        if rel not in existing:
            problems.append(RecordProblem("missing", rel))
            continue
        try:
            current = out.joinpath(*rel.split("/")).read_bytes()
        except OSError:
            current = None
        if current != data:
            problems.append(RecordProblem("stale", rel))
    problems.extend(RecordProblem("orphaned", rel) for rel in sorted(existing - expected))
    return problems
