"""Deferred deletion: what a timed run leaves behind is moved aside, and deleted only when no
contender is timed any more.

Why: on an ext4 file system without a journal (this machine's), the kernel will not reuse an inode
freed in the last minute or so; every new file then scans past all the recently freed ones, so
creating a file right after 40,000 were deleted cost 200-500 us of kernel time instead of about 25
(measured with `perf`: `recently_deleted` and `find_get_block_common` under `__ext4_new_inode` took
78% of a file-creating loop). Deleting one run's bag just before the next contender runs would
charge that contender for the benchmark's own clean-up, and only the contenders that create files
(archiver bag, cp -r), not bagit-python, which renames a hard-linked copy. Renaming a tree aside
costs one rename; the trash is emptied after the last timed round.

Before each set is timed (`settle`), the kernel's cached inode tables are dropped when we may
(root: `sync` then `echo 1 > /proc/sys/vm/drop_caches`), so that no deletion made before the
benchmark (by it or by anyone) is still charged to file creation; the set's warm-up round then
reads its inputs back into the page cache. Without that permission, a set that follows an
emptying of the trash by this process waits out the window instead: measured here, files created
two minutes after 600,000 were deleted (and synced) still paid for them, so the wait is the
kernel's longest window (60 s + 300 s while the inode table was dirty).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Callable

SETTLE_SECONDS = 365.0   # ext4's recently-deleted window: 60 s, 360 s while the inode table block was dirty
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


class Trash:
    def __init__(self, root: Path, drop_caches: bool = True):
        self.root = root
        self.drop_caches = drop_caches   # off for --quick runs (the test suite must not drop caches)
        self._count = 0
        self._emptied_at: float | None = None

    def discard(self, path: Path) -> None:
        """Move `path` (file or tree) into the trash; nothing happens when it does not exist."""
        if not (path.exists() or path.is_symlink()):
            return
        self.root.mkdir(parents=True, exist_ok=True)
        while True:
            target = self.root / f"{os.getpid()}-{self._count}"
            self._count += 1
            if not (target.exists() or target.is_symlink()):
                break
        os.rename(path, target)

    def empty(self, log: Callable[[str], None] | None = None) -> None:
        """Delete everything in the trash (untimed), then write the deletions back."""
        if not self.root.exists():
            return
        started = time.monotonic()
        shutil.rmtree(self.root, ignore_errors=True)
        os.sync()
        self._emptied_at = time.monotonic()
        if log:
            log(f"  emptied the trash in {self._emptied_at - started:.1f} s")

    def settle(self, log: Callable[[str], None] | None = None) -> None:
        """Before timing a set: forget recently deleted inodes (drop the caches), else wait them out."""
        os.sync()
        try:
            if not self.drop_caches:
                raise PermissionError("not for quick runs")
            DROP_CACHES.write_text("1\n")
            if log:
                log("  dropped the page cache before timing (see bench/trash.py); the warm-up round re-reads")
            self._emptied_at = None
            return
        except OSError:
            pass
        if self._emptied_at is None:
            return
        wait = SETTLE_SECONDS - (time.monotonic() - self._emptied_at)
        if wait > 0:
            if log:
                log(f"  waiting {wait:.0f} s after deleting the last set's files, so that new files "
                    "do not pay for them (see bench/trash.py)")
            time.sleep(wait)
        self._emptied_at = None
