"""Incremental bags: what of an existing bag can be carried over unchanged into its next version.

archiver keeps, beside each bag directory it writes, a small state file `.<bag name>.archiver-state`
(outside the bag, so the bag stays byte-identical for the same input). It lists each source file's size,
mtime and inode as they were when bagged, in the order the bag lists them; what the records depended on
(archiver's version, a digest of its code, the overrides file's digest); and, for the bag's manifests,
tag manifests and Dublin Core index, their sha256, line count and identity as written (inode, size,
mtime and ctime).

A file whose size, mtime and inode are unchanged is carried over: its payload and record are hard-linked
from the old bag into the new one (neither read nor copied), and its manifest, tag-manifest and Dublin
Core entries are copied as bytes from the old bag's files. Those files are not parsed: their identity
must match the state file (so they are exactly what archiver wrote, in the state's order), and entry k
of each is then the k-th file of the state. Identity, not a digest: any write to a file changes its
ctime, which no user can set back, and checking four numbers costs nothing where hashing 28 MB of
manifests and index at 20,000 files cost a tenth of an update. They are read forward only, in blocks, as the new bag is
written, so memory does not grow with the corpus. Anything else is read and processed as new. Without a
usable state file (moved bag, another tool, another archiver, an edited manifest or index), every file
is processed.

The bag an update replaces is not deleted: it is kept beside the new one as the *spare*
(`.<bag name>.archiver-spare/`, with its state file), and the next update patches the spare into the
new version instead of building a whole new tree. Building a new tree costs a hard link per payload
file and per record, and deleting the replaced one an unlink for each (for 20,000 files about 0.6 s of
file-system work, most of an update); patching the spare costs only the files that changed since it
was current. The spare shares every unchanged file with the bag (hard links), so it holds little more
than the previous tag files and the previous versions of changed files, and deleting it is always safe.

Which of the spare's files can stay is known without looking at them: every file's state entry
carries the generation of the bag in which its payload and record were written, and a file with the
same generation in the spare and in the current bag is the same pair of files (hard links of one
another). That holds only while nobody has changed the trees: the state file records the identity and
times (inode, mtime, ctime) of every directory of the bag it describes, and a bag whose directories
changed since does not become a spare, nor is a spare whose directories changed since used. Any
entry added, removed, renamed or replaced in a directory changes that directory's times.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from archiver import __version__
from archiver.dublincore import csv_header, xml_header
from archiver.errors import ArchiverError

STATE_FORMAT = "archiver-state/4"
# The old bag's files that hold one entry per payload file, in payload order.
ENTRY_FILES = ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
               "tagmanifest-sha512.txt", "metadata/dublin-core.xml", "metadata/dublin-core.csv")
_STATE_BATCH = 4096     # state entries per line of the state file
_BLOCK = 1 << 20
_XML_END = b"  </idx:record>\n"


def state_path(bag_dir: Path) -> Path:
    return bag_dir.parent / f".{bag_dir.name}.archiver-state"


def spare_path(bag_dir: Path) -> Path:
    """The previous version of the bag, kept for the next update: `<spare>/<bag name>/` is the bag tree,
    `<spare>/state` its state file, `<spare>/dirs` its directories' fingerprints."""
    return bag_dir.parent / f".{bag_dir.name}.archiver-spare"


def bag_dirs(parents: set[str]) -> list[str]:
    """Every directory of a bag whose payload files are in `parents` (relative to data/), relative to the
    bag ('' is the bag itself)."""
    out = {"", "data", "metadata", "metadata/provenance"}
    for parent in parents:
        while parent:
            out.add(f"data/{parent}")
            out.add(f"metadata/provenance/{parent}")
            parent = os.path.dirname(parent)
    return sorted(out)


def fingerprint(root: Path, dirs: list[str]) -> list | None:
    """[[dir, inode, mtime_ns, ctime_ns], ...] of the directories `dirs` under root; None if one of
    them is missing or not a directory."""
    out = []
    base = os.path.join(root, "")
    try:
        for rel in dirs:
            st = os.lstat(base + rel if rel else root)
            if not stat.S_ISDIR(st.st_mode):
                return None
            out.append([rel, st.st_ino, st.st_mtime_ns, st.st_ctime_ns])
    except OSError:
        return None
    return out


def unchanged_since(root: Path, recorded) -> bool:
    """Are the directories under root exactly as `recorded` by fingerprint()?"""
    try:
        return bool(recorded) and fingerprint(root, [d[0] for d in recorded]) == recorded
    except (TypeError, IndexError):
        return False


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


@dataclass
class Lineage:
    """Which bag a state file belongs to: an identifier kept through updates (a full bag gets a new one)
    and the generation (1 for a full bag, one more at each update)."""

    ident: str
    generation: int

    @staticmethod
    def new() -> "Lineage":
        return Lineage(os.urandom(12).hex(), 1)


def _identity(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def write_state(bag_dir: Path, corpus, deps: dict, entry_files: dict[str, tuple[str, int]], lineage: Lineage,
                gens: list[int], dirs: list) -> None:
    """`entry_files`: {name in ENTRY_FILES: (sha256, LF count) of the file as written}, which is then
    at bag_dir/name; `gens`: the generation in which each file's payload and record were written;
    `dirs`: the bag's fingerprint()."""
    path = state_path(bag_dir)
    tmp = path.with_name(path.name + ".partial")
    files = corpus.files
    recorded = {name: [digest, lines] + _identity(os.lstat(bag_dir / name))
                for name, (digest, lines) in entry_files.items()}
    header = {**deps, "files": recorded, "lineage": lineage.ident, "generation": lineage.generation,
              "dirs": dirs}
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(header, sort_keys=True, ensure_ascii=False) + "\n")
        for start in range(0, len(files), _STATE_BATCH):
            batch = [[f.relpath, f.size, f.mtime_ns, f.inode, g]
                     for f, g in zip(files[start:start + _STATE_BATCH], gens[start:start + _STATE_BATCH])]
            out.write(json.dumps(batch, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


@dataclass
class _State:
    files: dict          # name in ENTRY_FILES -> [sha256, LF count, inode, size, mtime_ns, ctime_ns]
    lineage: Lineage
    dirs: list           # fingerprint() of the bag as written
    entries: list        # [[relpath, size, mtime_ns, inode, generation], ...] in bag order


def _read_state(path: Path, deps: dict) -> _State | None:
    """The state file at `path`, or None if it is missing, of another format or archiver, or malformed."""
    try:
        with open(path, encoding="utf-8") as fh:
            header = json.loads(fh.readline())
            if not isinstance(header, dict):
                return None
            digests, ident, generation, dirs = (header.pop(k, None) for k in ("files", "lineage", "generation", "dirs"))
            if header != deps or not isinstance(digests, dict) or set(digests) != set(ENTRY_FILES) \
                    or not isinstance(ident, str) or type(generation) is not int or not isinstance(dirs, list):
                return None
            if not all(type(v) is list and len(v) == 6 and all(type(x) is int for x in v[1:])
                       for v in digests.values()):
                return None
            entries = []
            for line in fh:
                entries.extend(json.loads(line))
            if not all(type(e) is list and len(e) == 5 for e in entries):
                return None
            return _State(digests, Lineage(ident, generation), dirs, entries)
    except (OSError, ValueError, TypeError, AttributeError):
        return None


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

    def _fill(self) -> None:
        """Read one more block, dropping what is before both _mark and _pos."""
        block = self._fh.read(_BLOCK)
        if not block:
            raise ArchiverError("the previous bag ends before its state file says; run without --update",
                                self._fh.name)
        keep = min(self._mark, self._pos)
        self._buf = self._buf[keep:] + block
        self._pos -= keep
        self._mark -= keep

    def _skip(self, count: int, keep: bool) -> None:
        """Move past `count` entries, those wholly in the buffer in one tight loop; an entry cut by the
        buffer's end is scanned again from its start once more is read (so an end that straddles two
        blocks is found). `keep`: keep the bytes from _mark on (else they may go)."""
        end, n, csv = self._end, len(self._end), self._csv
        while count:
            buf = self._buf
            find = buf.find
            pos = scan = self._pos
            done = 0
            while done < count:
                i = find(end, scan)
                if i < 0:
                    break
                scan = i + n
                if csv and buf.count(b'"', pos, scan) % 2:
                    continue                      # inside a quoted cell: not the end of the row
                pos = scan
                done += 1
            self._pos = pos
            self._next += done
            count -= done
            if count:
                if not keep:
                    self._mark = self._pos
                self._fill()

    def run(self, first: int, stop: int) -> bytes:
        """The bytes of entries first..stop-1 (consecutive), skipping any before `first`."""
        first += self._base
        stop += self._base
        if first < self._next:
            raise ArchiverError("entries of the previous bag were asked for out of order; run without --update",
                                self._fh.name)
        self._mark = self._pos
        self._skip(first - self._next, keep=False)
        self._mark = self._pos
        self._skip(stop - self._next, keep=True)
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
    gens: list[int]                      # generation of each of the old bag's files, in its order
    lineage: Lineage                     # the old bag's
    dirs: list                           # the old bag's directories' fingerprint, as written
    pristine: bool                       # the old bag's directories are as written: it can be the spare
    spare: set[str] | None = None        # claim_spare(): the spare's files that can stay
    spare_files: list[str] | None = None  # claim_spare(): every file of the spare
    spare_dirs: list[str] | None = None   # claim_spare(): every directory of the spare (as bag_dirs())
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
    state = _read_state(state_path(bag_dir), deps)
    if not state:
        return None
    recorded, entries = state.files, state.entries
    lines = {}
    try:
        for name in ENTRY_FILES:
            st = os.lstat(bag_dir / name)
            if not stat.S_ISREG(st.st_mode) or _identity(st) != recorded[name][2:]:
                return None         # replaced or written since: nothing is carried over
            lines[name] = recorded[name][1]
    except OSError:
        return None
    n = len(entries)
    if any(lines[name] != n for name in ("manifest-sha256.txt", "manifest-sha512.txt")) or \
            any(lines[name] < n for name in ("tagmanifest-sha256.txt", "tagmanifest-sha512.txt")):
        return None
    old = {}
    gens = []
    try:
        for k, (rel, size, mtime, ino, gen) in enumerate(entries):
            old[rel] = (k, size, mtime, ino)
            gens.append(gen)
    except (TypeError, ValueError):
        return None
    index = {}
    for f in corpus.files:
        o = old.get(f.relpath)
        if o is not None and o[1] == f.size and o[2] == f.mtime_ns and o[3] == f.inode:
            index[f.relpath] = o[0]
    return CarryOver(str(bag_dir), index, lines, n, gens, state.lineage, state.dirs,
                     unchanged_since(bag_dir, state.dirs))


def claim_spare(bag_dir: Path, carry: CarryOver, deps: dict, into: Path) -> bool:
    """Move the spare of `bag_dir` (if there is one) to `into` (an empty directory) and check it.

    True when it is usable: then `into/<bag name>` is the spare's tree and carry.spare names the files in
    it that can stay (same generation as in the current bag, and unchanged in the source). False when
    there is none or it cannot be trusted (another lineage, a state that does not read, a directory
    changed since it became the spare); what was claimed is left in `into` to be deleted.
    """
    spare = spare_path(bag_dir)
    try:
        os.rename(spare, into)
    except OSError:
        return False
    state = _read_state(into / "state", deps)
    if state is None or state.lineage.ident != carry.lineage.ident:
        return False
    try:
        with open(into / "dirs", encoding="utf-8") as fh:
            dirs = json.load(fh)
    except (OSError, ValueError):
        return False
    if not unchanged_since(into / bag_dir.name, dirs):
        return False
    gens = carry.gens
    index = carry.index
    keep = set()
    try:
        for rel, _size, _mtime, _ino, gen in state.entries:
            k = index.get(rel)
            if k is not None and gens[k] == gen:
                keep.add(rel)
    except (TypeError, ValueError):
        return False
    carry.spare = keep
    carry.spare_files = [e[0] for e in state.entries]
    carry.spare_dirs = [d[0] for d in dirs]
    return True


def keep_spare(bag_dir: Path, old_tree: Path, carry: CarryOver) -> bool:
    """After an update: make the replaced bag (now `old_tree`, alone in its temporary directory) the
    spare, with its state file. False (the caller deletes it) if it cannot be."""
    holder = old_tree.parent
    if not carry.pristine or os.path.lexists(spare_path(bag_dir)):
        return False
    dirs = fingerprint(old_tree, [d[0] for d in carry.dirs])
    if dirs is None:
        return False
    try:
        for leftover in ("state", "dirs"):     # a claimed spare's own, if the update patched one
            if os.path.lexists(holder / leftover):
                os.unlink(holder / leftover)
        if sorted(os.listdir(holder)) != [old_tree.name]:
            return False
        with open(holder / "dirs", "w", encoding="utf-8") as fh:
            json.dump(dirs, fh, ensure_ascii=False)
        os.replace(state_path(bag_dir), holder / "state")
        os.rename(holder, spare_path(bag_dir))
    except OSError:
        return False
    return True
