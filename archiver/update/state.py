"""The state file of a bag: what the next `--update` needs to know of it, kept beside the bag.

archiver keeps, beside each bag directory it writes, a small state file `.<bag name>.archiver-state`
(outside the bag, so the bag stays byte-identical for the same input). It lists each source file's size,
mtime, inode and ctime as they were when bagged, in the order the bag lists them, the generation in
which its payload and record were written, and the length in bytes of its entry in each of
ENTRY_FILES (the bag's manifests, tag manifests, Dublin Core index and reading-room items); what the
records depended on (archiver's version, a digest of its code, the overrides and sources files'
digests); for each of ENTRY_FILES, where its first payload file's entry starts and its identity as
written (inode, size, mtime and ctime); and the identity and times of every directory of the bag.

Identity, not a digest: any write to a file changes its ctime, which no user can set back, and
checking four numbers costs nothing where hashing the 27 MB of manifests, tag manifests and index of
20,000 files cost a tenth of an update. Any entry added, removed, renamed or replaced in a directory
changes that directory's times.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from archiver._version import __version__
from archiver.readingroom import ITEMS

STATE_FORMAT = "archiver-state/8"
DC_XML = "metadata/dublin-core.xml"
DC_CSV = "metadata/dublin-core.csv"


def manifest(alg: str) -> str:
    return f"manifest-{alg}.txt"


def tagmanifest(alg: str) -> str:
    return f"tagmanifest-{alg}.txt"


# The bag's files that hold one entry per payload file, in payload order: the one definition of
# their order, wherever entries are gathered, written, recorded in the state file or carried over.
ENTRY_FILES = (manifest("sha256"), manifest("sha512"), tagmanifest("sha256"), tagmanifest("sha512"),
               DC_XML, DC_CSV, ITEMS)


def state_path(bag_dir: Path) -> Path:
    return bag_dir.parent / f".{bag_dir.name}.archiver-state"


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
    root = Path(__file__).resolve().parents[1]    # the archiver package
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


def identity(st: os.stat_result) -> list[int]:
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


@dataclass
class EntryColumns:
    """What a bag's writing records of each payload file for the next update, in bag order: the
    generation in which its payload and record were written (`gens`) and the byte length of its entry
    in each of ENTRY_FILES (`lengths`); and, per entry file, the offset of the first payload file's
    entry in the file as written (`starts`)."""

    gens: array = field(default_factory=lambda: array("q"))
    lengths: dict[str, array] = field(default_factory=lambda: {name: array("I") for name in ENTRY_FILES})
    starts: dict[str, int] = field(default_factory=dict)


def write_state(bag_dir: Path, corpus, deps: dict, lineage: Lineage, columns: EntryColumns, dirs: list,
                ctimes: bool = True) -> None:
    """Write the state file of the bag at `bag_dir`, made of `corpus` with `deps` (dependencies()):
    `columns` as its writing recorded them, each entry file then being at bag_dir/name; `dirs`: the
    bag's fingerprint(); `ctimes`: whether the source files' ctimes are recorded (not with --link:
    linking a file changes its ctime).

    Written to a new file beside it, created exclusively under an unpredictable name (mkstemp:
    O_EXCL, never through a link planted at a name known in advance), then renamed into place."""
    starts, gens, lengths = columns.starts, columns.gens, columns.lengths
    path = state_path(bag_dir)
    files = corpus.files
    names = b"".join(f.relpath.encode("utf-8") + b"\0" for f in files)
    recorded = {name: [start] + identity(os.lstat(bag_dir / name)) for name, start in starts.items()}
    header = {**deps, "files": recorded, "lineage": lineage.ident, "generation": lineage.generation,
              "dirs": dirs, "count": len(files), "names": len(names)}
    ints = (_column("q", (f.size for f in files)), _column("q", (f.mtime_ns for f in files)),
               _column("q", (f.inode for f in files)), _column("q", gens),
               _column("q", (f.ctime_ns if ctimes else -1 for f in files)))
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".partial-", dir=path.parent)
    try:
        with open(fd, "wb") as out:
            out.write(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n")
            out.write(names)
            for col in ints + tuple(lengths[name] for name in ENTRY_FILES):
                out.write(_to_bytes(col))
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@dataclass
class State:
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
            if identity(st) != files[name][1:]:
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
            if identity(st) == files[name][1:]:
                continue
            if not stat.S_ISREG(st.st_mode) or _region(bag_dir / name, files[name][0], size) != region:
                return
            files[name] = [files[name][0]] + identity(st)
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


def read_state(path: Path, deps: dict) -> State | None:
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
            return State(files, Lineage(ident, generation), dirs, names, *ints, lengths)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
