"""File names in BagIt manifests (RFC 8493 §2.1.3) and in archiver's index files.

A manifest line names its file with CR, LF and `%` percent-encoded (`%0D`, `%0A`, `%25`); nothing else
is encoded. Decoding reverses exactly those three, case-insensitively, in one pass, so that a file
literally named `%0A.txt` (listed as `%250A.txt`) round-trips.
"""
from __future__ import annotations

import re

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
