"""Titles: the headline as printed, once, from the page header; never the first body sentence.

The first header line that is not noise, a date, a masthead, a byline or a label is the headline
when it looks like one: short, not ending like a sentence. A crawler's ` date YYYY-MM-DD ` prefix is
removed, and a headline repeated on its own line ("T T" or "T T T") is taken once.
"""
from __future__ import annotations

import re

CRAWLER_PREFIX = re.compile(r"^\s*date\s+(?P<date>(?:19|20)\d\d-\d\d-\d\d)\s+(?=\S)")
LABELLED = re.compile(r"^(?:title|headline|titre|عنوان|العنوان)\s*:\s*(?P<title>\S.{2,})$", re.I)
MAX_WORDS = 30
MAX_CHARS = 250


def strip_crawler_prefix(raw: str) -> tuple[str, str | None]:
    m = CRAWLER_PREFIX.match(raw)
    if not m:
        return raw, None
    return raw[m.end():], m.group("date")


def once(title: str) -> str:
    """A headline repeated on the same line, two or three times, taken once."""
    half = len(title) // 2
    if half >= 4 and title[:half] == title[half:]:
        return title[:half]  # glued to its copy: "Big News TodayBig News Today"
    words = title.split()
    for k in (3, 2):
        if len(words) % k == 0 and len(words) >= 2 * k:
            part = len(words) // k
            if words[0] != words[part]:
                continue  # the first two chunks differ already
            chunks = [" ".join(words[i * part:(i + 1) * part]) for i in range(k)]
            if all(c == chunks[0] for c in chunks):
                return chunks[0]
    return title


def looks_like_headline(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_WORDS or len(text) > MAX_CHARS:
        return False
    if len(text) < 8 or len(words) < 2:
        return False
    first = text[0]
    if first.isalpha() and first.islower():
        return False
    # A sentence, not a headline: ends with a full stop (an ellipsis or an abbreviation aside).
    if text.endswith(".") and not text.endswith("..."):
        return False
    if text.isascii():  # str.isdigit holds for the ASCII digits only: count them by deleting them
        digits = len(text) - len(text.encode("ascii").translate(None, b"0123456789"))
    else:
        digits = sum(map(str.isdigit, text))
    if digits > len(text) / 2:
        return False
    return True
