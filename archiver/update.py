"""Incremental bags: what of an existing bag can be carried over unchanged into its next version.

archiver keeps, beside each bag directory it writes, a small state file `.<bag name>.archiver-state`
(outside the bag, so the bag stays byte-identical for the same input). It lists each source file's size,
mtime and inode as they were when bagged, in the order the bag lists them; what the records depended on
(archiver's version, a digest of its code, the overrides file's digest); and the sha256 of the bag's
manifests, tag manifests and Dublin Core index as written.

A file whose size, mtime and inode are unchanged is carried over: its payload and record are hard-linked
from the old bag into the new one (neither read nor copied), and its manifest, tag-manifest and Dublin
Core entries are copied as bytes from the old bag's files. Those files are not parsed: their digests
must match the state file (so they are exactly what archiver wrote, in the state's order), and entry k
of each is then the k-th file of the state. They are read forward only, in blocks, as the new bag is
written, so memory does not grow with the corpus. Anything else is read and processed as new. Without a
usable state file (moved bag, another tool, another archiver, an edited manifest or index), every file
is processed.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from archiver import __version__
from archiver.dublincore import csv_header, xml_header
from archiver.errors import ArchiverError

STATE_FORMAT = "archiver-state/2"
# The old bag's files that hold one entry per payload file, in payload order.
ENTRY_FILES = ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
               "tagmanifest-sha512.txt", "metadata/dublin-core.xml", "metadata/dublin-core.csv")
_STATE_BATCH = 4096     # state entries per line of the state file
_BLOCK = 1 << 20
_XML_END = b"  </idx:record>\n"


def state_path(bag_dir: Path) -> Path:
    return bag_dir.parent / f".{bag_dir.name}.archiver-state"


def _code_digest() -> str:
    """A digest of archiver's own code and data: records depend on the extractor, not just the version."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml", ".json") and p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def dependencies(overrides: str | os.PathLike | None) -> dict:
    """What a bag's records depend on besides the source bytes; a change means a full rebuild."""
    digest = None
    if overrides is not None:
        digest = hashlib.sha256(Path(overrides).read_bytes()).hexdigest()
    return {"format": STATE_FORMAT, "archiver": __version__, "code": _code_digest(), "overrides": digest}


def write_state(bag_dir: Path, corpus, deps: dict, entry_digests: dict[str, str]) -> None:
    """`entry_digests`: {name in ENTRY_FILES: sha256 of the file as written}."""
    path = state_path(bag_dir)
    tmp = path.with_name(path.name + ".partial")
    files = corpus.files
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps({**deps, "files": entry_digests}, sort_keys=True) + "\n")
        for start in range(0, len(files), _STATE_BATCH):
            batch = [[f.relpath, f.size, f.mtime_ns, f.inode] for f in files[start:start + _STATE_BATCH]]
            out.write(json.dumps(batch, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _read_state(bag_dir: Path, deps: dict) -> tuple[dict, list] | None:
    """(digests of the entry files, [[relpath, size, mtime_ns, inode], ...]) or None if unusable."""
    try:
        with open(state_path(bag_dir), encoding="utf-8") as fh:
            header = json.loads(fh.readline())
            digests = header.pop("files", None) if isinstance(header, dict) else None
            if header != deps or not isinstance(digests, dict) or set(digests) != set(ENTRY_FILES):
                return None
            entries = []
            for line in fh:
                entries.extend(json.loads(line))
            return digests, entries
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _scan(path: Path) -> tuple[str, int]:
    """(sha256, number of LF) of a file, read in blocks."""
    h = hashlib.sha256()
    lines = 0
    with open(path, "rb", buffering=0) as fh:
        while True:
            block = fh.read(_BLOCK)
            if not block:
                break
            h.update(block)
            lines += block.count(b"\n")
    return h.hexdigest(), lines


class _Entries:
    """Entries of one of the old bag's files, read forward only, in blocks. Entry 0 is the first one
    after `skip` bytes of header and `base` entries that belong to no payload file (the tag files' own
    lines at the top of a tag manifest). Entries end with `end`; a CSV row ends only where its quotes
    are balanced (a quoted cell may hold a line break)."""

    def __init__(self, path: Path, end: bytes, skip: int = 0, base: int = 0, csv: bool = False):
        self._fh = open(path, "rb", buffering=0)
        self._fh.seek(skip)
        self._end, self._csv, self._base = end, csv, base
        self._buf = b""
        self._pos = 0            # start of the next entry in _buf
        self._mark = 0           # start of the run being read (kept when more is read)
        self._next = 0           # index (with base) of the next entry

    def close(self) -> None:
        self._fh.close()

    def _boundary(self) -> int:
        """End offset in _buf of the entry starting at _pos, reading more of the file as needed."""
        scan = self._pos
        while True:
            i = self._buf.find(self._end, scan)
            if i >= 0:
                j = i + len(self._end)
                if self._csv and self._buf.count(b'"', self._pos, j) % 2:
                    scan = j                      # inside a quoted cell: not the end of the row
                    continue
                return j
            block = self._fh.read(_BLOCK)
            if not block:
                raise ArchiverError("the previous bag ends before its state file says; run without --update",
                                    self._fh.name)
            keep = min(self._mark, self._pos)
            scan = max(scan, len(self._buf) - len(self._end) + 1) - keep   # an end may straddle blocks
            self._buf = self._buf[keep:] + block
            self._pos -= keep
            self._mark -= keep

    def run(self, first: int, stop: int) -> bytes:
        """The bytes of entries first..stop-1 (consecutive), skipping any before `first`."""
        first += self._base
        stop += self._base
        if first < self._next:
            raise ArchiverError("entries of the previous bag were asked for out of order; run without --update",
                                self._fh.name)
        self._mark = self._pos
        while self._next < first:
            self._pos = self._mark = self._boundary()
            self._next += 1
        while self._next < stop:
            self._pos = self._boundary()
            self._next += 1
        out = self._buf[self._mark:self._pos]
        self._mark = self._pos
        return out


@dataclass
class CarryOver:
    """What of the old bag is carried over: {relpath: its index in the old bag} and that bag's entries."""

    old_bag: str
    index: dict[str, int]
    entry_lines: dict[str, int]          # entry file -> LF count (to find the records in tag manifests)
    count: int                           # files in the old bag
    _open: dict | None = None

    def open(self) -> None:
        bag = Path(self.old_bag)
        n = self.count
        self._open = {
            "manifest-sha256.txt": _Entries(bag / "manifest-sha256.txt", b"\n"),
            "manifest-sha512.txt": _Entries(bag / "manifest-sha512.txt", b"\n"),
            "metadata/dublin-core.xml": _Entries(bag / "metadata/dublin-core.xml", _XML_END,
                                                 skip=len(xml_header().encode("utf-8"))),
            "metadata/dublin-core.csv": _Entries(bag / "metadata/dublin-core.csv", b"\r\n",
                                                 skip=len(csv_header().encode("utf-8")), csv=True),
        }
        for name in ("tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
            # A tag manifest lists the bag's own tag files first, then one record per payload file.
            self._open[name] = _Entries(bag / name, b"\n", base=self.entry_lines[name] - n)

    def run(self, name: str, first: int, stop: int) -> bytes:
        return self._open[name].run(first, stop)

    def close(self) -> None:
        for entries in (self._open or {}).values():
            entries.close()
        self._open = None


def plan_reuse(bag_dir: Path, corpus, deps: dict) -> CarryOver | None:
    """What can be carried over from the bag at `bag_dir` into a new bag of `corpus`, or None."""
    state = _read_state(bag_dir, deps)
    if not state:
        return None
    digests, entries = state
    lines = {}
    try:
        for name in ENTRY_FILES:
            digest, lines[name] = _scan(bag_dir / name)
            if digest != digests[name]:
                return None         # edited since it was written: nothing is carried over
    except OSError:
        return None
    n = len(entries)
    if any(lines[name] != n for name in ("manifest-sha256.txt", "manifest-sha512.txt")) or \
            any(lines[name] < n for name in ("tagmanifest-sha256.txt", "tagmanifest-sha512.txt")):
        return None
    old = {}
    try:
        for k, (rel, size, mtime, ino) in enumerate(entries):
            old[rel] = (k, size, mtime, ino)
    except (TypeError, ValueError):
        return None
    index = {}
    for f in corpus.files:
        o = old.get(f.relpath)
        if o is not None and o[1] == f.size and o[2] == f.mtime_ns and o[3] == f.inode:
            index[f.relpath] = o[0]
    return CarryOver(str(bag_dir), index, lines, n)
