"""Incremental bags: what of an existing bag can be carried over unchanged into its next version.

archiver keeps, beside each bag directory it writes, a small state file `.<bag name>.archiver-state`
(outside the bag, so the bag stays byte-identical for the same input). It lists each source file's size,
mtime, inode and ctime as they were when bagged, in the order the bag lists them, and the length in bytes of
its entry in each of the bag's manifests, tag manifests, Dublin Core index and reading-room items
(archiver.readingroom); what the records depended on (archiver's version, a digest of its code, the
overrides and sources files' digests); and, for each of those seven files, where its first payload file's entry
starts and its identity as written (inode, size, mtime and ctime).

A file whose size, mtime, inode and ctime are unchanged is carried over (ctime: an edit in place that
keeps the size and sets the mtime back still changes it; with --link, where bagging itself links the
source file and so changes its ctime, it is not recorded): its payload and record are hard-linked
from the old bag into the new one (neither read nor copied), and its manifest, tag-manifest, Dublin
Core and reading-room entries are copied as bytes from the old bag's files, read where the state's
lengths put them. Those files are not parsed: their identity must match the state file (so they are
exactly what archiver wrote, in the state's order). Identity, not a digest: any write to a file changes its ctime, which no
user can set back, and checking four numbers costs nothing where hashing the 27 MB of manifests, tag
manifests and index of 20,000 files cost a tenth of an update. Anything else is read and processed as
new. Without a
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
import itertools
import json
import os
import stat
import sys
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archiver._version import __version__
from archiver.errors import ArchiverError
from archiver.outputlock import PARTIAL_MARKER

STATE_FORMAT = "archiver-state/8"
# The old bag's files that hold one entry per payload file, in payload order.
ENTRY_FILES = ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
               "tagmanifest-sha512.txt", "metadata/dublin-core.xml", "metadata/dublin-core.csv",
               "metadata/reading-room/items.tsv")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BLOCK = 1 << 20


def state_path(bag_dir: Path) -> Path:
    return bag_dir.parent / f".{bag_dir.name}.archiver-state"


def spare_path(bag_dir: Path) -> Path:
    """The previous version of the bag, kept for the next update: `<spare>/<bag name>/` is the bag tree,
    `<spare>/state` its state file, `<spare>/dirs` its directories' fingerprints."""
    return bag_dir.parent / f".{bag_dir.name}.archiver-spare"


def bag_dirs(parents: set[str]) -> list[str]:
    """Every directory of a bag whose payload files are in `parents` (relative to data/), relative to the
    bag ('' is the bag itself)."""
    out = {"", "data", "metadata", "metadata/provenance", "metadata/reading-room"}
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


def dependencies(overrides: str | os.PathLike | None, sources: str | os.PathLike | None = None) -> dict:
    """What a bag's records depend on besides the source bytes; a change means a full rebuild."""
    digest = None
    if overrides is not None:
        digest = hashlib.sha256(Path(overrides).read_bytes()).hexdigest()
    deps = {"format": STATE_FORMAT, "archiver": __version__, "code": _code_digest(), "overrides": digest}
    if sources is not None:
        # Its name too: the records say which sources file stated each origin.
        deps["sources"] = hashlib.sha256(Path(sources).name.encode("utf-8", "surrogateescape") + b"\0"
                                         + Path(sources).read_bytes()).hexdigest()
    return deps


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


# The state file: one line of JSON (the header), then binary columns, little-endian, one value per file
# in bag order: the relative paths (UTF-8, each followed by NUL, which no path holds), then size,
# mtime_ns, inode, generation and ctime_ns (int64 each; ctime -1: not recorded), then for each of ENTRY_FILES the length in bytes of the
# file's entry there (uint32). Reading it costs a few milliseconds at 20,000 files, where JSON lists cost
# 15-20 ms each time (an update reads two state files and writes one).
_INTS = ("sizes", "mtimes", "inodes", "gens", "ctimes")
_LITTLE = sys.byteorder == "little"


def _column(typecode: str, values=()) -> array:
    col = array(typecode, values)
    assert col.itemsize == (8 if typecode == "q" else 4)
    return col


def _to_bytes(col: array) -> bytes:
    if _LITTLE:
        return col.tobytes()
    swapped = array(col.typecode, col)
    swapped.byteswap()
    return swapped.tobytes()


def write_state(bag_dir: Path, corpus, deps: dict, starts: dict[str, int], lineage: Lineage,
                gens: array, dirs: list, lengths: dict[str, array], ctimes: bool = True) -> None:
    """`starts`: {name in ENTRY_FILES: offset of its first payload file's entry in the file as written,
    which is then at bag_dir/name}; `gens`: the generation in which each file's payload and record were
    written; `dirs`: the bag's fingerprint(); `lengths`: {name in ENTRY_FILES: the byte length of each
    payload file's entry there}; `ctimes`: whether the source files' ctimes are recorded (not with
    --link: linking a file changes its ctime).

    Written to a new file beside it, created exclusively under an unpredictable name (mkstemp:
    O_EXCL, never through a link planted at a name known in advance), then renamed into place."""
    path = state_path(bag_dir)
    files = corpus.files
    names = b"".join(f.relpath.encode("utf-8") + b"\0" for f in files)
    recorded = {name: [start] + _identity(os.lstat(bag_dir / name)) for name, start in starts.items()}
    header = {**deps, "files": recorded, "lineage": lineage.ident, "generation": lineage.generation,
              "dirs": dirs, "count": len(files), "names": len(names)}
    columns = (_column("q", (f.size for f in files)), _column("q", (f.mtime_ns for f in files)),
               _column("q", (f.inode for f in files)), _column("q", gens),
               _column("q", (f.ctime_ns if ctimes else -1 for f in files)))
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".partial-", dir=path.parent)
    try:
        with open(fd, "wb") as out:
            out.write(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n")
            out.write(names)
            for col in columns + tuple(lengths[name] for name in ENTRY_FILES):
                out.write(_to_bytes(col))
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@dataclass
class _State:
    files: dict          # name in ENTRY_FILES -> [start, inode, size, mtime_ns, ctime_ns]
    lineage: Lineage
    dirs: list           # fingerprint() of the bag as written
    names: list          # relpath of each file, in bag order
    sizes: array
    mtimes: array
    inodes: array
    gens: array
    ctimes: array        # -1 where not recorded
    lengths: dict        # name in ENTRY_FILES -> array of each file's entry length there


def _read_column(fh, typecode: str, count: int) -> array:
    col = _column(typecode)
    data = fh.read(col.itemsize * count)
    if len(data) != col.itemsize * count:
        raise ValueError("state file too short")
    col.frombytes(data)
    if not _LITTLE:
        col.byteswap()
    return col


def restamp_state(bag_dir: Path, rewrite) -> None:
    """Call `rewrite()`, which replaces some of the bag's tag files but not the payload entries in them
    (`archiver fixity`: the tag manifests, whose metadata/events.yaml line changes), and keep the state
    file beside the bag true for it, so that the next --update still carries files over.

    Only a state that held before (every entry file's identity and every directory as recorded) is
    brought up to date, and only if each replaced entry file still holds, from its recorded start to its
    old end, the very bytes it held: then its new identity and the directories' new fingerprint are
    written into the state (by a new file renamed over it). Otherwise the state is left as it was, and
    the next update processes every file."""
    path = state_path(bag_dir)
    try:
        with open(path, "rb") as fh:
            head = fh.readline()
            rest = fh.read()
        header = json.loads(head)
        files, dirs = header["files"], header["dirs"]
        before = {}
        for name in ENTRY_FILES:
            st = os.lstat(bag_dir / name)
            if _identity(st) != files[name][1:]:
                files = None
                break
            before[name] = (st.st_size, _region(bag_dir / name, files[name][0], st.st_size))
        usable = files is not None and unchanged_since(bag_dir, dirs)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        usable = False
    rewrite()
    if not usable:
        return
    try:
        for name, (size, region) in before.items():
            st = os.lstat(bag_dir / name)
            if _identity(st) == files[name][1:]:
                continue
            if not stat.S_ISREG(st.st_mode) or _region(bag_dir / name, files[name][0], size) != region:
                return
            files[name] = [files[name][0]] + _identity(st)
        header["dirs"] = fingerprint(bag_dir, [d[0] for d in dirs])
        if header["dirs"] is None:
            return
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".partial-", dir=path.parent)
        try:
            with open(fd, "wb") as out:
                out.write(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n")
                out.write(rest)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return


def _region(path: Path, start: int, end: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(start)
        return fh.read(end - start)


def recorded_files(bag_dir: Path) -> int | None:
    """How many files the state file beside `bag_dir` lists (its header alone is read); None without one."""
    try:
        with open(state_path(bag_dir), "rb") as fh:
            count = json.loads(fh.readline()).get("count")
    except (OSError, ValueError, AttributeError):
        return None
    return count if type(count) is int else None


def _read_state(path: Path, deps: dict) -> _State | None:
    """The state file at `path`, or None if it is missing, of another format or archiver, or malformed."""
    try:
        with open(path, "rb") as fh:
            header = json.loads(fh.readline())
            if not isinstance(header, dict):
                return None
            files, ident, generation, dirs, count, size = (
                header.pop(k, None) for k in ("files", "lineage", "generation", "dirs", "count", "names"))
            if header != deps or not isinstance(files, dict) or set(files) != set(ENTRY_FILES) \
                    or not isinstance(ident, str) or type(generation) is not int or not isinstance(dirs, list) \
                    or type(count) is not int or type(size) is not int or count < 0 or size < 0:
                return None
            if not all(type(v) is list and len(v) == 5 and all(type(x) is int for x in v)
                       for v in files.values()):
                return None
            blob = fh.read(size)
            names = blob.decode("utf-8").split("\0")
            if len(blob) != size or names.pop() != "" or len(names) != count:
                return None
            ints = [_read_column(fh, "q", count) for _ in _INTS]
            lengths = {name: _read_column(fh, "I", count) for name in ENTRY_FILES}
            if fh.read(1):
                return None
            return _State(files, Lineage(ident, generation), dirs, names, *ints, lengths)
    except (OSError, ValueError, TypeError, AttributeError):
        return None


@dataclass
class CarryOver:
    """What of the old bag is carried over: {relpath: its index in the old bag} and that bag's entries."""

    old_bag: str
    index: dict[str, int]
    starts: dict[str, int]               # entry file -> offset of its first payload file's entry
    lengths: dict[str, array]            # entry file -> each old file's entry length there
    gens: array                          # generation of each of the old bag's files, in its order
    lineage: Lineage                     # the old bag's
    dirs: list                           # the old bag's directories' fingerprint, as written
    pristine: bool                       # the old bag's directories are as written: it can be the spare
    spare: set[str] | None = None        # claim_spare(): the spare's files that can stay
    spare_files: list[str] | None = None  # claim_spare(): every file of the spare
    spare_dirs: list[str] | None = None   # claim_spare(): every directory of the spare (as bag_dirs())
    _open: dict | None = None
    _offsets: dict | None = None

    def open(self) -> None:
        bag = Path(self.old_bag)
        self._open = {}
        self._offsets = {}
        for name in ENTRY_FILES:
            self._open[name] = os.open(bag / name, os.O_RDONLY | _NOFOLLOW)
            self._offsets[name] = list(itertools.accumulate(self.lengths[name], initial=self.starts[name]))

    def run(self, name: str, first: int, stop: int) -> Iterator[bytes]:
        """The bytes of the entries of the old bag's files first..stop-1 (consecutive) in entry file
        `name`, in blocks of at most 1 MiB (a run can be most of a 100,000-file index)."""
        offsets = self._offsets[name]
        pos, end = offsets[first], offsets[stop]
        while pos < end:
            data = os.pread(self._open[name], min(_BLOCK, end - pos), pos)
            if not data:
                raise ArchiverError("the previous bag ends before its state file says; run without --update",
                                    os.path.join(self.old_bag, name))
            pos += len(data)
            yield data

    def close(self) -> None:
        for fd in (self._open or {}).values():
            os.close(fd)
        self._open = None
        self._offsets = None


def plan_reuse(bag_dir: Path, corpus, deps: dict) -> CarryOver | None:
    """What can be carried over from the bag at `bag_dir` into a new bag of `corpus`, or None."""
    state = _read_state(state_path(bag_dir), deps)
    if not state:
        return None
    starts = {}
    try:
        for name in ENTRY_FILES:
            st = os.lstat(bag_dir / name)
            start, *identity = state.files[name]
            if not stat.S_ISREG(st.st_mode) or _identity(st) != identity:
                return None         # replaced or written since: nothing is carried over
            # The entries lie within the file (manifests hold nothing else).
            end = start + sum(state.lengths[name])
            if start < 0 or end > st.st_size or (name.startswith("manifest-") and (start, end) != (0, st.st_size)):
                return None
            starts[name] = start
    except OSError:
        return None
    old = {rel: k for k, rel in enumerate(state.names)}
    sizes, mtimes, inodes, ctimes = state.sizes, state.mtimes, state.inodes, state.ctimes
    index = {}
    for f in corpus.files:
        k = old.get(f.relpath)
        if (k is not None and sizes[k] == f.size and mtimes[k] == f.mtime_ns and inodes[k] == f.inode
                and ctimes[k] in (f.ctime_ns, -1)):
            index[f.relpath] = k
    return CarryOver(str(bag_dir), index, starts, state.lengths, state.gens, state.lineage, state.dirs,
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
    for rel, gen in zip(state.names, state.gens, strict=True):
        k = index.get(rel)
        if k is not None and gens[k] == gen:
            keep.add(rel)
    carry.spare = keep
    carry.spare_files = state.names
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
        for leftover in ("state", "dirs", PARTIAL_MARKER):   # a claimed spare's own; the partial's mark
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
