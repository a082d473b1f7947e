"""One archiver run per OUTPUT at a time, and the clean-up of what killed runs left beside it.

`archiver bag` builds beside OUTPUT and swaps the result into place; two runs on one OUTPUT at once
(say two `--update`s) would swap each other's bags and spares. A run holds an exclusive `flock` on
`.NAME.archiver-lock` beside OUTPUT from before it reads the old bag until it is done; a second run is
refused at once, naming the lock and its holder's pid. The lock file is opened without following a
link and removed, while still held, when the run ends.

Holding the lock, a run may remove the partial directories earlier runs on the same OUTPUT left when
they were killed: only those that hold archiver's marker file, so nothing archiver did not make is
ever removed.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from archiver.bagit_names import remove_tree
from archiver.errors import OutputLockedError

PARTIAL_MARKER = ".archiver-partial"    # in each temporary directory beside OUTPUT that archiver made

def lock_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.archiver-lock")


def _partial_prefix(final: Path) -> str:
    return f".{final.name}.partial-"


@contextlib.contextmanager
def output_lock(final: Path) -> Iterator[None]:
    """Hold the lock of OUTPUT `final` (whose parent exists) for the duration of the block.

    Raises OutputLockedError (exit 2) when another run holds it, or when its name is taken by a link
    or by something that is not a regular file (never followed, never removed)."""
    path = lock_path(final)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise OutputLockedError(f"cannot use the lock file of OUTPUT ({exc.strerror}; a link or "
                                    f"something else in its place is never followed or removed)",
                                    str(path)) from exc
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OutputLockedError("the lock file of OUTPUT is not a regular file; remove it", str(path))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                raise OutputLockedError(f"another archiver run (pid {holder}) is writing this OUTPUT; it "
                                        f"holds the lock {path}; wait for it to finish", str(final)) from None
            # The holder before us removes the file while holding it: a lock on a removed file is no lock.
            same = os.fstat(fd)
            try:
                now = os.lstat(path)
            except FileNotFoundError:
                now = None
            if now is None or (now.st_ino, now.st_dev) != (same.st_ino, same.st_dev):
                os.close(fd)
                continue
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
        break
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)



def make_partial(final: Path, marked: bool = True) -> Path:
    """A new temporary directory beside OUTPUT `final`, marked archiver's own (mark() it later when
    it must be empty at first, to have a directory renamed over it)."""
    tmp = Path(tempfile.mkdtemp(prefix=_partial_prefix(final), dir=final.parent))
    if marked:
        mark(tmp)
    return tmp


def mark(tmp: Path) -> None:
    """Write archiver's marker, with this process's pid, into the temporary directory `tmp`."""
    fd = os.open(tmp / PARTIAL_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    finally:
        os.close(fd)


def remove_stale_partials(final: Path) -> None:
    """Remove the partial directories of OUTPUT `final` that killed runs left (call with the lock
    held: no other run is using them). Only real directories holding archiver's marker, a regular
    file, are removed; anything else with a look-alike name stays."""
    prefix = _partial_prefix(final)
    try:
        entries = [e for e in os.scandir(final.parent) if e.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if not stat.S_ISREG(os.lstat(os.path.join(entry.path, PARTIAL_MARKER)).st_mode):
                continue
        except OSError:
            continue
        with contextlib.suppress(OSError):
            remove_tree(Path(entry.path))
