"""Serialized bags (BagIt draft 14 §4; RFC 8493 leaves serialization out): writing deterministic .tar.gz and .zip files, and reading any
.tar, .tar.gz, .tgz or .zip safely for validation.

Writing: one top-level directory named like the bag; entries sorted (a directory before its
contents); times from the bagging date; owner and group 0 with no names; fixed permissions; no
gzip file name or timestamp of its own. The same bag and date give the same bytes.

Reading: members are streamed one by one into a private temporary directory (mode 0700) that is
removed afterwards, whatever happens. A member with an absolute path, a '..' component, a drive or
UNC path, a NUL, a link, a device or FIFO, a second copy, or outside the one top-level directory is
refused, as is an archive that unpacks to more than the bag's Payload-Oxum (plus a margin for tag
files) or, before bag-info.txt is seen, to more than a multiple of its own size (every member, a
directory or an empty file too, counts MEMBER_COST bytes), or that holds more than MAX_MEMBERS members
(a zip's count is read before its central directory): nothing is written outside the temporary
directory and an archive bomb fills no disk.
"""
from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import stat
import tarfile
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

from archiver.bagit_names import makedirs, remove_tree
from archiver.errors import CannotValidateError
from archiver.validate.bagit_rules import safe_path
from archiver.validate.findings import Finding, finding

BLOCK = 1 << 20
SUFFIXES = {".tar": "tar", ".tar.gz": "tar.gz", ".tgz": "tar.gz", ".zip": "zip"}
MAX_MEMBERS = 2_000_000
EXPANSION = 200              # before bag-info.txt is read: at most this many times the archive's size
BASE_ALLOWANCE = 64 << 20    # ... plus this
TAG_MARGIN_PER_FILE = 16 << 10
# What every member costs on disk whatever its size (a directory's block, an inode), counted against
# the byte limit: else an archive of millions of empty directories or files, a few bytes each once
# compressed, unpacks to gigabytes of directories within the limit.
MEMBER_COST = 4096


class ArchiveRefused(Exception):
    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


def archive_kind(path) -> str | None:
    name = str(path).lower()
    for suffix in (".tar.gz", ".tgz", ".tar", ".zip"):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


# ---------------------------------------------------------------------------------------------- writing

def _entries(bag_dir: Path):
    """(relative POSIX path, is_dir, absolute path), sorted, each directory before its contents.
    Walked with a stack of directories being listed, not by recursion (no limit on depth)."""
    out = []

    def listing(directory):
        return iter(sorted(os.scandir(directory), key=lambda e: e.name))

    stack = [(listing(bag_dir), "")]
    while stack:
        entries, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            out.append((rel, True, entry.path))
            stack.append((listing(entry.path), rel + "/"))
        elif entry.is_file(follow_symlinks=False):
            out.append((rel, False, entry.path))
    return out


def write_archive(bag_dir: Path, dest: Path, fmt: str, mtime: int) -> Path:
    bag_dir, dest = Path(bag_dir), Path(dest)
    top = bag_dir.name
    tmp = dest.with_name(f".{dest.name}.partial")
    try:
        if fmt == "tar.gz":
            _write_tar_gz(bag_dir, top, tmp, mtime)
        elif fmt == "zip":
            _write_zip(bag_dir, top, tmp, mtime)
        else:
            raise ValueError(f"unknown archive format {fmt!r}")
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def _tarinfo(name: str, is_dir: bool, size: int, mtime: int) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.DIRTYPE if is_dir else tarfile.REGTYPE
    ti.mode = 0o755 if is_dir else 0o644
    ti.size = 0 if is_dir else size
    ti.mtime = mtime
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    return ti


def _write_tar_gz(bag_dir: Path, top: str, tmp: Path, mtime: int) -> None:
    with open(tmp, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime, compresslevel=6) as gz, \
            tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(_tarinfo(top, True, 0, mtime))
        for rel, is_dir, path in _entries(bag_dir):
            if is_dir:
                tar.addfile(_tarinfo(f"{top}/{rel}", True, 0, mtime))
            else:
                with open(path, "rb") as fh:
                    tar.addfile(_tarinfo(f"{top}/{rel}", False, os.fstat(fh.fileno()).st_size, mtime), fh)


def _write_zip(bag_dir: Path, top: str, tmp: Path, mtime: int) -> None:
    stamp = time.gmtime(max(mtime, 315532800))[:6]  # zip dates start in 1980
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        def info(name: str, is_dir: bool) -> zipfile.ZipInfo:
            zi = zipfile.ZipInfo(name + ("/" if is_dir else ""), date_time=stamp)
            zi.create_system = 3
            zi.external_attr = ((0o40755 << 16) | 0x10) if is_dir else (0o100644 << 16)
            zi.compress_type = zipfile.ZIP_STORED if is_dir else zipfile.ZIP_DEFLATED
            return zi
        zf.writestr(info(top, True), b"")
        for rel, is_dir, path in _entries(bag_dir):
            if is_dir:
                zf.writestr(info(f"{top}/{rel}", True), b"")
                continue
            size = os.path.getsize(path)
            with open(path, "rb") as src, zf.open(info(f"{top}/{rel}", False), "w",
                                                  force_zip64=size > (1 << 31)) as out:
                shutil.copyfileobj(src, out, BLOCK)


# ---------------------------------------------------------------------------------------------- reading

_OXUM = re.compile(rb"^Payload-Oxum\s*:\s*(\d+)\.(\d+)\s*$", re.M)


def _unsafe(name: str) -> str | None:
    """Why an archive member's name is unsafe to unpack, or None: the manifest-path rules of the
    validator (judged by components), plus no backslashes, which only Windows treats as separators."""
    if "\\" in name:
        return "a backslash (a Windows path separator)"
    return safe_path(name[:-1] if name.endswith("/") else name)


class _Unpacker:
    """Writes members under `root`, enforcing every rule; collects findings instead of raising early
    where the rest of the archive can still be listed without writing it."""

    def __init__(self, root: str, archive_size: int):
        self.root = root
        self.findings: list[Finding] = []
        self.seen: set[str] = set()
        self.tops: set[str] = set()
        self.members = 0
        self.top_file = False          # a file at the top: no bag, whatever else is there
        self.written = 0
        self.limit = archive_size * EXPANSION + BASE_ALLOWANCE
        self.limit_reason = f"{EXPANSION} times the archive's size"

    def refuse(self, code, name=None, **fields):
        self.findings.append(finding(code, name, **fields))

    def admit(self, name: str, kind: str) -> bool:
        """Check a member's name and type; True when it may be written."""
        self.members += 1
        if self.members > MAX_MEMBERS:
            self.refuse("S007", None, limit=MAX_MEMBERS)
            raise ArchiveRefused(self.findings)
        self.written += MEMBER_COST
        if self.written > self.limit:
            self.refuse("S005", None, limit=self.limit, reason=self.limit_reason)
            raise ArchiveRefused(self.findings)
        why = _unsafe(name)
        shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
        if why:
            self.refuse("S001", shown, detail=why)
            return False
        if kind != "file" and kind != "dir":
            self.refuse("S002", shown, kind=kind)
            return False
        key = name.rstrip("/")
        if key in self.seen:
            self.refuse("S003", shown)
            return False
        self.seen.add(key)
        top = key.split("/", 1)[0]
        if "/" not in key and kind == "file":
            self.tops.add(key + " (a file)")
            self.top_file = True
        else:
            self.tops.add(top)
        if len(self.tops) > 1:
            self.refuse("S004", None, found=", ".join(sorted(self.tops)))
            raise ArchiveRefused(self.findings)
        return not self.findings

    def _target(self, name: str) -> str:
        return os.path.join(self.root, *name.rstrip("/").split("/"))

    def make_dir(self, name: str) -> None:
        makedirs(self._target(name), mode=0o700)

    def write_file(self, name: str, declared: int | None, stream) -> None:
        if declared is not None and self.written + declared > self.limit:
            self.refuse("S005", None, limit=self.limit, reason=self.limit_reason)
            raise ArchiveRefused(self.findings)
        target = self._target(name)
        makedirs(os.path.dirname(target), mode=0o700)
        head = b""
        # O_EXCL|O_NOFOLLOW: never write through something already there (there can be no link,
        # since we never create one, but this costs nothing).
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            while True:
                block = stream.read(BLOCK)
                if not block:
                    break
                self.written += len(block)
                if self.written > self.limit:
                    self.refuse("S005", None, limit=self.limit, reason=self.limit_reason)
                    raise ArchiveRefused(self.findings)
                if len(head) < 65536:
                    head += block[:65536 - len(head)]
                out.write(block)
        if name.rstrip("/").count("/") == 1 and name.endswith("/bag-info.txt"):
            m = _OXUM.search(head)
            if m:
                # Now that the payload size is known, that is the bound (with room for tag files).
                # Each payload file brings at most four members: itself, its record, and, at most,
                # a directory for each.
                oxum = (int(m.group(1)) + BASE_ALLOWANCE
                        + int(m.group(2)) * (TAG_MARGIN_PER_FILE + 4 * MEMBER_COST))
                if oxum < self.limit:
                    self.limit = oxum
                    self.limit_reason = "the bag's Payload-Oxum plus a margin for tag files"
                if self.written > self.limit:
                    self.refuse("S005", None, limit=self.limit, reason=self.limit_reason)
                    raise ArchiveRefused(self.findings)


def _tar_kind(m: tarfile.TarInfo) -> str:
    if m.isreg():
        return "file"
    if m.isdir():
        return "dir"
    if m.issym():
        return "symbolic link"
    if m.islnk():
        return "hard link"
    if m.ischr() or m.isblk():
        return "device"
    if m.isfifo():
        return "FIFO"
    return "special member"


def _unpack_tar(path: str, up: _Unpacker) -> None:
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                kind = _tar_kind(member)
                if not up.admit(member.name, kind):
                    continue
                if kind == "dir":
                    up.make_dir(member.name)
                else:
                    up.write_file(member.name, member.size, tar.extractfile(member))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        up.refuse("S006", None, detail=str(exc)[:160] or type(exc).__name__)


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "dir"
    if mode and stat.S_ISLNK(mode):
        return "symbolic link"
    if mode and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
        return "device"
    if mode and stat.S_ISFIFO(mode):
        return "FIFO"
    return "file"


def _zip_entries(path: str) -> int | None:
    """The number of entries a zip's end record declares (zip64 too), or None if it has none: read
    before its central directory is, which zipfile reads whole into memory (an object per entry)."""
    with open(path, "rb") as fh:
        end = zipfile._EndRecData(fh)   # noqa: SLF001 - the one reader of the end record; stable since 2.6
    return None if end is None else end[zipfile._ECD_ENTRIES_TOTAL]


def _unpack_zip(path: str, up: _Unpacker) -> None:
    try:
        declared = _zip_entries(path)
        if declared is not None and declared > MAX_MEMBERS:
            up.refuse("S007", None, limit=MAX_MEMBERS)
            raise ArchiveRefused(up.findings)
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                kind = _zip_kind(info)
                if not up.admit(info.filename, kind):
                    continue
                if kind == "dir":
                    up.make_dir(info.filename)
                else:
                    with zf.open(info) as stream:
                        up.write_file(info.filename, info.file_size, stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error,
            NotImplementedError, RuntimeError) as exc:
        up.refuse("S006", None, detail=str(exc)[:160] or type(exc).__name__)


@contextlib.contextmanager
def open_serialized(path, tmp_parent=None):
    """Unpack a serialized bag safely; yield its directory; remove everything afterwards."""
    kind = archive_kind(path)
    if kind is None:
        raise CannotValidateError("not a bag directory or a .tar, .tar.gz, .tgz or .zip file", str(path))
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise CannotValidateError(f"cannot read: {exc.strerror}", str(path)) from exc
    tmp = tempfile.mkdtemp(prefix=".archiver-unpack-", dir=tmp_parent)
    try:
        os.chmod(tmp, 0o700)
        up = _Unpacker(tmp, size)
        if kind == "zip":
            _unpack_zip(str(path), up)
        else:
            _unpack_tar(str(path), up)
        if not up.findings and (len(up.tops) != 1 or up.top_file):
            up.refuse("S004", None, found=", ".join(sorted(up.tops)) or "nothing")
        if up.findings:
            raise ArchiveRefused(up.findings)
        top = next(iter(up.tops))
        yield Path(tmp) / top, kind
    finally:
        remove_tree(tmp)
