"""File names in BagIt manifests (RFC 8493 §2.1.3) and in archiver's index files.

A manifest line names its file with CR, LF and `%` percent-encoded (`%0D`, `%0A`, `%25`); nothing else
is encoded. Decoding reverses exactly those three, case-insensitively, in one pass, so that a file
literally named `%0A.txt` (listed as `%250A.txt`) round-trips.
"""
from __future__ import annotations

import os
import re
import shutil
import stat

_DECODE = re.compile(r"%(0[aAdD]|25)")
_DECODED = {"0a": "\n", "0d": "\r", "25": "%"}
# Characters other than LF and CR that str.splitlines() takes for line breaks: bagit-python and archiver's
# own validator read manifests that way, so a manifest line naming such a file is cut in two. archiver
# refuses such names in SOURCE (corpus.discover) rather than write a bag its validator rejects.
LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# A file's provenance record is named <name>.yaml; with this many bytes of name (NAME_MAX, 255 on
# ext4, XFS, btrfs, APFS and NTFS) and more the record's name could not be created.
NAME_MAX = 255
RECORD_SUFFIX = ".yaml"
# Characters XML 1.0 cannot hold at all; in index files they are percent-encoded as well.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def encode_path(path: str) -> str:
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(encoded: str) -> str:
    return _DECODE.sub(lambda m: _DECODED[m.group(1).lower()], encoded)


def encode_index_path(path: str) -> str:
    """A payload path as written in dublin-core.xml/.csv: the manifest form, and XML-forbidden
    characters percent-encoded too (unambiguous, since `%` itself is already encoded)."""
    return _XML_FORBIDDEN.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")),
                              encode_path(path))


def decode_index_path(encoded: str) -> str:
    """Reverse `encode_index_path`: there every literal '%' is '%25', so every %XX is an escape."""
    from urllib.parse import unquote
    return unquote(encoded, encoding="utf-8", errors="surrogatepass")


def makedirs(path: str, mode: int = 0o777) -> None:
    """Create directory `path` and any missing parents, like os.makedirs(path, mode, exist_ok=True) but
    without recursion: os.makedirs calls itself once per missing level, so a tree 1,000 directories
    deep (a hostile source or archive member) ended in RecursionError.
    Raises OSError as os.mkdir does (FileExistsError only when something else than a directory is there)."""
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for p in reversed(missing):
        try:
            os.mkdir(p, mode)
        except FileExistsError:
            if not os.path.isdir(p):
                raise


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def remove_tree(path) -> None:
    """shutil.rmtree(path, ignore_errors=True): never follows a link (its fd-based walk), errors are
    ignored. Its walk recurses once per level, so a tree deeper than Python's recursion limit (a
    source 1,000 directories deep, bagged) raised RecursionError, leaving the rest behind: that rest
    is then removed by `_remove_deep`, which does not recurse."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except RecursionError:
        _remove_deep(os.fspath(path))


def _remove_deep(path: str) -> None:
    """Remove the tree at `path` with a stack, not recursion; each directory is opened with
    O_NOFOLLOW | O_DIRECTORY and its entries removed through that descriptor (a link is unlinked,
    never followed). Errors are ignored: what cannot be removed stays."""
    stack = [(path, False)]
    while stack:
        top, listed = stack.pop()
        if listed:
            try:
                os.rmdir(top)
            except OSError:
                pass
            continue
        stack.append((top, True))     # removed once everything below it is
        try:
            fd = os.open(top, _DIR_FLAGS)
        except OSError:
            continue
        try:
            for entry in os.scandir(fd):
                try:
                    if stat.S_ISDIR(os.lstat(entry.name, dir_fd=fd).st_mode):
                        stack.append((os.path.join(top, entry.name), False))
                    else:
                        os.unlink(entry.name, dir_fd=fd)
                except OSError:
                    pass
        finally:
            os.close(fd)
