"""Decoding a source file's bytes into text for extraction, and naming the encoding used.

The payload is never changed: decoding exists only so that the extractor can read the text. UTF-8
(with or without a BOM) is tried first because it is self-validating; a file that is not UTF-8 but
looks like text is read as Windows-1252 (the usual legacy encoding of scraped Western pages; it
decodes every byte but five, which we map through Latin-1). A file with NUL bytes or many control
characters is not text: its encoding is None and nothing is extracted from it.
"""
from __future__ import annotations

# Control bytes that plain text does not contain (tab, LF, FF, CR and ESC are allowed).
_CONTROLS = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
_NOT_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS)


def _looks_binary(data: bytes) -> bool:
    if not data:
        return False
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    # bytes.translate counts in C: deleting every non-control byte leaves the controls.
    controls = len(sample.translate(None, _NOT_CONTROLS))
    return controls > max(8, len(sample) // 100)


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """Return (text, encoding name) for `data`, or (None, None) when it is not text.

    Encoding names are: "utf-8", "utf-8-sig" (UTF-8 with a byte-order mark), "utf-16" (with a BOM),
    "windows-1252". An empty file is text: ("", "utf-8").
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, None
    if _looks_binary(data):
        return None, None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("windows-1252"), "windows-1252"
    except UnicodeDecodeError:
        # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252; browsers map them to C1 controls.
        return data.decode("latin-1"), "windows-1252"


def decode_head(data: bytes, complete: bool) -> tuple[str | None, str | None]:
    """Decode a prefix of a file; when the prefix is cut (`complete` False), drop a split character."""
    if complete:
        return decode_text(data)
    # Back off up to 3 bytes so that a UTF-8 sequence cut at the end does not force a legacy codec.
    for cut in range(0, 4):
        chunk = data[: len(data) - cut] if cut else data
        text, enc = decode_text(chunk)
        if enc != "windows-1252" or cut == 3:
            return text, enc
    return decode_text(data)
