"""What kind of file a source is: its media type, from its content, never from its name alone.

Three answers matter to the record: `text/html` (its metadata is read from its tags:
`archiver.htmlsource`), `text/plain` (the text extractor reads it), and anything else, named by its
magic bytes (`application/pdf`, `image/png`, ...; `application/octet-stream` when nothing is
recognised), of which nothing is read.

HTML is recognised the way a browser sniffs an unlabelled resource (WHATWG MIME Sniffing, §7.1): after
a byte-order mark, white space, an XML declaration and comments, the text begins with
`<!DOCTYPE html`, `<html` or `<head` (case-insensitive). A `.html` name on plain text is not HTML,
and a page saved as `.txt` is.

Magic bytes are read by `puremagic` (pure Python, its signature table kept up to date upstream),
imported only for a file that is not text, or that is text but begins as a PDF, PostScript or RTF file
does (all three can be pure ASCII): plain-text bagging never imports it.
"""
from __future__ import annotations

import re

HTML = "text/html"
PLAIN = "text/plain"
UNKNOWN_BINARY = "application/octet-stream"

# What may stand before the first tag of an HTML page (WHATWG sniffing skips white space; pages in
# the wild also open with an XML declaration or comments).
_PREAMBLE = re.compile(r"(?:\s+|<\?xml[^>]{0,200}\?>|<!--.{0,2000}?-->)*", re.S)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head)(?=[\s>/])", re.I)
# Formats whose files may be all ASCII, so that they decode as text.
_TEXT_LIKE_MAGIC = (b"%PDF-", b"%!PS", b"{\\rtf")
SNIFF_CHARS = 4096


def media_type_of(encoding: str | None, media_type: str | None) -> str:
    """A provenance record's media type: its `source.media_type`, or what a record without one means
    (records of text files carry none, nor did any record before HTML sources were read)."""
    return media_type or (PLAIN if encoding is not None else UNKNOWN_BINARY)


def is_html(text: str) -> bool:
    """Whether decoded text begins as an HTML document does (see the module's docstring)."""
    head = text[:SNIFF_CHARS].lstrip("\ufeff")
    return _HTML_START.match(head, _PREAMBLE.match(head).end()) is not None


def media_type(head: bytes, text: str | None) -> str:
    """The media type of a file whose first bytes are `head` and whose decoded text is `text` (None:
    not text, as `archiver.textdecode.decode_text` decides). Never raises."""
    if text is not None and not head.startswith(_TEXT_LIKE_MAGIC):
        return HTML if is_html(text) else PLAIN
    return magic_type(head) or (PLAIN if text is not None else UNKNOWN_BINARY)


# Office Open XML files are zip files; puremagic, reading bytes without the file, ranks every zip-based
# format alike, so a zip's kind is told by the folder of its first entries (in their local headers).
_OOXML = ((b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
          (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
          (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"))
_MIME = re.compile(r"[a-z0-9.+-]+/[a-zA-Z0-9.+-]+")


def magic_type(head: bytes) -> str | None:
    """The media type `puremagic` reads from a file's first bytes (its first choice; for a zip, see
    _OOXML), or None."""
    if not head:
        return None
    try:
        import puremagic
        found = puremagic.magic_string(head)
    except Exception:  # noqa: BLE001 - puremagic raises PureError, and any guess may fail: not known
        return None
    found = [m for m in found if isinstance(m.mime_type, str) and _MIME.fullmatch(m.mime_type)]
    if not found:
        return None
    best = max(m.confidence for m in found)
    if head.startswith(b"PK\x03\x04") and len({m.mime_type for m in found if m.confidence == best}) > 1:
        names = head[:4096]
        return next((kind for folder, kind in _OOXML if names[30:].startswith(folder) or b"\x00" + folder in names),
                    "application/zip")
    return found[0].mime_type          # puremagic's own first choice, as its from_string gives it
