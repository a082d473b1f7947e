"""Reading a source file once: the same buffers feed the copy into the bag, sha256, sha512 and the text
the extractor sees.

Small files (the usual news article) are read with a single `read`; large ones in 1 MiB blocks, of
which only the first `TEXT_LIMIT` bytes are kept for extraction, so memory never grows with file size.
"""
from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass

from archiver.errors import ArchiverError, UnreadableFileError
from archiver.textdecode import decode_head

BLOCK = 1 << 20
# How much of a file the extractor sees. A news article is a few KB; a file larger than this is not
# an article we could read a headline from anyway, and its head is where the headline would be.
TEXT_LIMIT = 256 * 1024


@dataclass
class FileFacts:
    relpath: str
    size: int
    sha256: str
    sha512: str
    head: bytes          # the first TEXT_LIMIT bytes (all of a small file)
    complete: bool       # head holds the whole file

    def decoded(self) -> tuple[str | None, str | None]:
        return decode_head(self.head, self.complete)


def read_source(relpath: str, abspath: str, dest: str | None = None, link: bool = False) -> FileFacts:
    """Hash `abspath` in one read, copying it to `dest` (or hard-linking it with `link`) on the way.

    Raises UnreadableFileError naming the file when it cannot be read (or the copy cannot be written).
    """
    h256 = hashlib.sha256()
    h512 = hashlib.sha512()
    size = 0
    head = b""
    try:
        with open(abspath, "rb", buffering=0) as src:
            out = None
            if dest is not None:
                if link:
                    os.link(abspath, dest)
                else:
                    out = open(dest, "wb")
            try:
                while True:
                    block = src.read(BLOCK)
                    if not block:
                        break
                    if size < TEXT_LIMIT:
                        head += block[: TEXT_LIMIT - size]
                    size += len(block)
                    h256.update(block)
                    h512.update(block)
                    if out is not None:
                        out.write(block)
            finally:
                if out is not None:
                    out.close()
    except OSError as exc:
        if link and exc.errno == errno.EXDEV:
            raise ArchiverError("--link needs SOURCE and OUTPUT on the same file system", relpath) from exc
        raise UnreadableFileError(f"cannot read: {exc.strerror or exc}", relpath) from exc
    return FileFacts(relpath, size, h256.hexdigest(), h512.hexdigest(), head, size <= TEXT_LIMIT)
