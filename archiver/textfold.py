"""How the extractor folds a line before reading it (`normalise`), in a module of its own so that the
validator can fold an evidence line the same way (A012) without importing the extractor, whose import
costs half a second per process (dateparser, the outlet table, the rules).

Takes: a raw line. Returns: the line with lynx link numbers removed, invisible marks dropped, Persian
and Arabic-Indic digits made ASCII, NFKC-normalised and whitespace folded to single spaces.
"""
from __future__ import annotations

import re
import unicodedata

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_INVISIBLE = re.compile("[\ufeff\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]")
_NEEDS_MAPPING = re.compile("[\ufeff\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad\u06f0-\u06f9\u0660-\u0669]")


_LYNX_REF = re.compile(r"\[\d{1,4}\]")


def normalise(raw: str) -> str:
    if "[" in raw:  # lynx -dump numbers its links: "[3]Home [4]Politics"
        raw = _LYNX_REF.sub("", raw)
    if raw.isascii():  # most lines of English pages: str.split folds ASCII whitespace, fast
        return raw if _is_folded(raw) else " ".join(raw.split())
    # Each step runs only where a cheap C-level check says it would change something (str.translate
    # with a table costs ~25 us on a paragraph; the search costs ~1 us). str.split folds the same
    # whitespace as the regex \s (every character for which str.isspace() is true).
    text = raw
    # A printable line has no invisible mark (each is a format character) and no whitespace but the
    # space; its Arabic-Indic and Persian digits are the only characters left to map, and their UTF-8
    # forms begin with the bytes D9 and DB: two byte searches spare most lines the character-class scan.
    printable = text.isprintable()
    if printable:
        data = text.encode("utf-8")
        mapped = (b"\xd9" in data or b"\xdb" in data) and _NEEDS_MAPPING.search(text)
    else:
        mapped = _NEEDS_MAPPING.search(text)
    if mapped:
        text = _INVISIBLE.sub("", text).translate(_DIGITS)  # a printable text stays printable
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        printable = False  # not known
    if printable:
        folded = "  " not in text and text[:1] != " " and text[-1:] != " "
    else:
        folded = _is_folded(text)
    return text if folded else " ".join(text.split())


def _is_folded(text: str) -> bool:
    """" ".join(text.split()) would return `text` unchanged: its only whitespace is single spaces
    between words. Every character str.split() splits on, bar the ASCII space, is unprintable
    (checked over all of Unicode), so three C-level scans replace splitting and joining."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
