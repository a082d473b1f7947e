"""A line of the page as the rules see it: the raw line that evidence quotes, and its normalised copy.

Matching sees the normalised copy (archiver.textfold.normalise: BOM and zero-width marks removed,
non-breaking and other spaces folded, Persian and Arabic-Indic digits made ASCII); evidence always
quotes the original line, and `as_printed` gives back a piece of the copy as the page prints it.
"""
from __future__ import annotations

from typing import NamedTuple

from archiver.textfold import _DIGITS, _INVISIBLE, _NEEDS_MAPPING


class Line(NamedTuple):  # a tuple: made tens of times per file, so cheap to create
    number: int          # 1-based, in the decoded text
    raw: str             # as in the file (without its line break)
    text: str            # normalised for matching


def as_printed(line: "Line", part: str) -> str:
    """`part` (a piece of the normalised line) as the page prints it: Persian and Arabic-Indic digits
    kept, since a title is quoted as printed. Only where the normalisation changed nothing but the
    digits and invisible marks; otherwise `part` itself."""
    raw = line.raw
    if raw.isascii() or not _NEEDS_MAPPING.search(raw):
        return part
    shown = " ".join(_INVISIBLE.sub("", raw).split())
    i = line.text.find(part)
    if i < 0 or len(shown) != len(line.text) or shown.translate(_DIGITS) != line.text:
        return part
    return shown[i:i + len(part)]
