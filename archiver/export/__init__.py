"""`archiver export BAG --to FORMAT DEST`: a bag's payload and metadata in the form another system
ingests (Archivematica, DSpace, Omeka S, RO-Crate, SQLite).

One interface for every target. A target is a module of this package, named in FORMATS, with:

- `OUTPUT`: "dir" when DEST is a directory the target fills, "file" when DEST is one file;
- `write(reader, dest, epoch)`: write the export at `dest` (an empty directory that exists, or a file
  path that does not), from `reader` (an `archiver.bagreader.BagReader`: it reads nothing outside the
  bag and follows no links). `epoch` (seconds since 1970, UTC) is the one date the export may write
  (for "when was this made"): SOURCE_DATE_EPOCH when set, else the bag's Bagging-Date, else 0 — so
  the same bag gives the same bytes. Raises `ArchiverError` for a bag it cannot export.

`export` does what every target shares: it refuses a DEST that exists (a non-empty directory, or a
file) unless `force`; it builds in a temporary sibling of DEST and renames it into place only when the
target has finished, so an interrupted or failed export leaves DEST as it was.
"""
from __future__ import annotations

import calendar
import importlib
import os
import secrets
import shutil
import time
from pathlib import Path

from archiver.errors import ArchiverError, OutputExistsError

# FORMAT -> module (imported only when asked for: each may need a library of its own field).
FORMATS: dict[str, str] = {
    "archivematica": "archiver.export.archivematica",
    "dspace-saf": "archiver.export.dspace_saf",
    "omeka-s": "archiver.export.omeka_s",
    "ro-crate": "archiver.export.rocrate",
    "sqlite": "archiver.export.sqlite",
}


def formats() -> list[str]:
    return sorted(FORMATS)


def export_epoch(reader) -> int:
    """SOURCE_DATE_EPOCH when set (a whole number), else the bag's Bagging-Date (midnight UTC), else 0."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env is not None and env.strip().isdigit():
        return int(env.strip())
    for value in reader.bag_info().get("Bagging-Date", []):
        try:
            return calendar.timegm(time.strptime(value.strip(), "%Y-%m-%d"))
        except ValueError:
            continue
    return 0


def export(bag: str | os.PathLike, fmt: str, dest: str | os.PathLike, force: bool = False) -> Path:
    """Export BAG (a bag directory or serialized bag) as `fmt` to `dest`; returns `dest` as a Path.

    Raises ArchiverError (exit 2) for an unknown format, a BAG that cannot be read
    (`archiver.bagreader.BagReadError`), or a DEST that exists without `force` (OutputExistsError);
    the target's own errors pass through. DEST's parent must exist.
    """
    from archiver.bagreader import open_bag
    if fmt not in FORMATS:
        raise ArchiverError(f"unknown export format {fmt!r} (known: {', '.join(formats())})")
    target = importlib.import_module(FORMATS[fmt])
    dest = Path(dest)
    if os.path.lexists(dest):
        occupied = dest.is_symlink() or not dest.is_dir() or any(dest.iterdir()) or target.OUTPUT == "file"
        if occupied and not force:
            raise OutputExistsError("already exists (use --force to replace it)", str(dest))
    if not dest.parent.is_dir():
        raise ArchiverError("the folder to write into does not exist", str(dest.parent))
    partial = dest.parent / f".{dest.name}.partial-{secrets.token_hex(6)}"
    try:
        with open_bag(bag) as reader:
            if target.OUTPUT == "dir":
                partial.mkdir()
            target.write(reader, partial, export_epoch(reader))
        if os.path.lexists(dest):
            old = dest.parent / f".{dest.name}.old-{secrets.token_hex(6)}"
            os.rename(dest, old)
            os.rename(partial, dest)
            _remove(old)
        else:
            os.rename(partial, dest)
    except BaseException:
        _remove(partial)
        raise
    return dest


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()
