"""Discovering a corpus: every regular file under SOURCE, in a stable order, without following links out.

The walk is one `os.scandir` pass with `follow_symlinks=False`. Anything that is not bagged is named:
symbolic links and special files (FIFOs, sockets, devices) are refused with a message listing them;
hidden files are bagged and named in a warning, because a receiver may not expect them.
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from archiver.bagit_names import LINE_BREAKS, NAME_MAX, RECORD_SUFFIX
from archiver.errors import SourceError

_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
# A name of fewer characters than this cannot be too long in bytes (UTF-8: at most 4 bytes a character).
_SHORT_NAME = (NAME_MAX - len(RECORD_SUFFIX)) // 4


class _Followed(NamedTuple):
    """A followed link's walk entry: its name in SOURCE, the path of its target (links resolved)."""

    name: str
    path: str


class SourceFile(NamedTuple):
    """One file of the corpus. `relpath` is POSIX, relative to the corpus root, as on disk (no normalisation).
    A named tuple: made once per file of corpora of 100,000 files (a frozen dataclass costs 3x as much)."""

    relpath: str
    abspath: str
    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int        # an edit in place that sets the mtime back still changes it


@dataclass
class Corpus:
    root: Path
    files: list[SourceFile]
    warnings: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def _inside(root_real: str, target: str) -> bool:
    try:
        return os.path.commonpath([root_real, target]) == root_real
    except ValueError:
        return False


def _same_after_normalization(files: list[SourceFile]) -> list[str]:
    """A refusal for each set of paths equal after Unicode normalization (NFC, hence NFD too): a
    validator matching names by their normalized form cannot tell them apart, and a file system that
    normalizes names (macOS) cannot hold both."""
    groups: dict[str, list[str]] = {}
    for f in files:
        if not f.relpath.isascii():
            groups.setdefault(unicodedata.normalize("NFC", f.relpath), []).append(f.relpath)
    return [f"{' and '.join(repr(p) for p in sorted(paths))} (names equal after Unicode normalization; "
            "rename all but one)" for paths in groups.values() if len(paths) > 1]


def discover(source: str | os.PathLike, *, follow_links_inside: bool = False) -> Corpus:
    """Walk SOURCE and return its files sorted by relative path (code-point order).

    Raises SourceError (exit 2) when SOURCE is missing, not a directory, holds no files, or holds links
    or special files (all of them named in one message). With `follow_links_inside`, a link whose target
    stays inside SOURCE is followed (its content bagged under the link's name); one that leaves is refused.
    """
    root = Path(source)
    if not root.exists() and not root.is_symlink():
        raise SourceError("no such directory", str(root))
    if not root.is_dir():
        raise SourceError("not a directory", str(root))
    root_real = os.path.realpath(root)
    files: list[SourceFile] = []
    refused: list[str] = []
    hidden: list[str] = []
    empty_dirs: list[str] = []
    stack = [(str(root), "")]
    new_file = SourceFile._make
    seen_dirs = {os.stat(root).st_ino}
    while stack:
        dirpath, prefix = stack.pop()
        try:
            entries = list(os.scandir(dirpath))
        except OSError as exc:
            raise SourceError(f"cannot list directory: {exc.strerror}", dirpath) from exc
        if not entries and prefix:
            empty_dirs.append(prefix.rstrip("/"))
        for entry in entries:
            rel = prefix + entry.name
            try:
                if not rel.isascii():
                    rel.encode("utf-8")
            except UnicodeEncodeError:
                # The name holds bytes that are not UTF-8; a BagIt manifest (UTF-8) cannot name it.
                shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
                refused.append(f"{shown} (file name is not valid UTF-8, which BagIt manifests require)")
                continue
            if _LINE_BREAK.search(entry.name):
                shown = "".join(f"\\u{ord(c):04x}" if c in LINE_BREAKS else c for c in rel)
                refused.append(f"{shown} (file name holds a character that BagIt manifest readers take for "
                               "a line break (U+000B, U+000C, U+001C-U+001E, U+0085, U+2028 or U+2029); "
                               "rename it)")
                continue
            if "\\" in entry.name:
                # archiver validate (B008), like any careful validator, refuses a backslash in a manifest
                # path: on Windows it is a separator, so the path would name another file there.
                refused.append(f"{rel} (file name holds a backslash, which BagIt validators read as a "
                               "Windows path separator; rename it)")
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                raise SourceError(f"cannot stat: {exc.strerror}", entry.path) from exc
            if stat.S_ISLNK(st.st_mode):
                if not follow_links_inside:
                    refused.append(f"{rel} (symbolic link; not followed)")
                    continue
                target = os.path.realpath(entry.path)
                if not _inside(root_real, target):
                    refused.append(f"{rel} (symbolic link to a place outside SOURCE)")
                    continue
                try:
                    st = os.stat(entry.path)
                except OSError:
                    refused.append(f"{rel} (broken symbolic link)")
                    continue
                # Read through the target's own path: a source file is opened without following links.
                entry = _Followed(entry.name, target)
            if stat.S_ISDIR(st.st_mode):
                if st.st_ino in seen_dirs:
                    refused.append(f"{rel} (directory loop)")
                    continue
                seen_dirs.add(st.st_ino)
                stack.append((entry.path, rel + "/"))
            elif stat.S_ISREG(st.st_mode):
                if len(entry.name) > _SHORT_NAME and len(os.fsencode(entry.name)) + len(RECORD_SUFFIX) > NAME_MAX:
                    refused.append(f"{rel} (file name of {len(os.fsencode(entry.name))} bytes: its provenance "
                                   f"record's name, {len(RECORD_SUFFIX)} bytes longer, would exceed the "
                                   f"{NAME_MAX}-byte limit of file names; rename it)")
                    continue
                if entry.name.startswith("."):
                    hidden.append(rel)
                files.append(new_file((rel, entry.path, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)))
            else:
                refused.append(f"{rel} (not a regular file)")
    refused += _same_after_normalization(files)
    if refused:
        listing = "\n  ".join(sorted(refused))
        raise SourceError(
            f"{len(refused)} entr{'y' if len(refused) == 1 else 'ies'} cannot be bagged "
            f"(nothing was written):\n  {listing}", str(root))
    if not files:
        raise SourceError("holds no files to bag", str(root))
    files.sort()   # by relpath: the first field, unique
    warnings = [f"hidden file bagged: {h}" for h in sorted(hidden)]
    # BagIt has no way to hold an empty directory; say so rather than drop it silently.
    warnings += [f"empty directory not bagged: {d}" for d in sorted(empty_dirs)]
    return Corpus(root, files, warnings)


def check_output_place(source, output) -> None:
    """Refuse an OUTPUT inside SOURCE (it would be walked, or hide files of it) or one that holds
    SOURCE (replacing OUTPUT would destroy it): SourceError (exit 2) naming OUTPUT."""
    src = os.path.realpath(source)
    out = os.path.realpath(output)
    if os.path.commonpath([src, out]) == src:
        raise SourceError("the output would be inside SOURCE; choose an OUTPUT outside it", str(output))
    if os.path.commonpath([src, out]) == out:
        raise SourceError("SOURCE is inside OUTPUT; replacing OUTPUT would destroy it", str(output))
