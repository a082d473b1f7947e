"""Titles: the headline as printed, once, from the page header; never the first body sentence.

The first header line that is not noise, a date, a masthead, a byline or a label is the headline
when it looks like one: short, not ending like a sentence. A crawler's ` date YYYY-MM-DD ` prefix is
removed, and a headline repeated on its own line ("T T" or "T T T") is taken once.
"""
from __future__ import annotations

import re
from typing import NamedTuple

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


# --- The decision among candidate lines -------------------------------------------------------------
# Each header line that no other rule took (not chrome, not a date, byline, code, label or masthead)
# is a candidate. The headline is the candidate that stands where headlines stand: just above the
# article's furniture (stamps, bylines, codes) and its body, often printed twice (the page's <title>
# and its <h1>). A candidate far above the body, a short one, an organisation's name, a sentence, is
# weak evidence. The score is a sum of such general features, set by hand and kept readable; the
# decision abstains when the best score is low or a different candidate scores about as well.
ACCEPT = 3.0       # the least score a title needs
MARGIN = 1.5       # how far ahead of a different candidate it must be


class TitleCandidate(NamedTuple):
    line: object           # archiver.extract.lines.Line
    value: str             # the headline as it would be recorded
    index: int             # position of the line in the header
    rule: str


def _key(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .:;!?\"'“”‘’«»-–—|")


# Relative times ("3 hours ago", "vor 3 Stunden", "منذ ساعتين"), never a headline and never a date.
RELATIVE = re.compile(r"\d+\s*(?:min(?:ute)?s?|hours?|hrs?|h|days?|weeks?|months?|years?)\s+ago\b|"
                      r"\bvor\s+\d+\s+(?:minuten|stunden|tagen)|\bhace\s+\d+|\bil y a\s+\d+|\bhá\s+\d+|"
                      r"\d+\s+(?:minuten|uur|dagen)\s+geleden|\d+\s+\w+\s+temu\b|\d+\s+\w+\s+назад|"
                      r"\d+\s+\w+\s+önce\b|\d+\s*(?:分钟|小时|天)前|\d+\s*(?:分|時間|日)前|\d+\s*(?:분|시간|일)\s*전|"
                      r"منذ\s+\S+|\d+\s+\S+\s+پیش", re.I)
# "Today, 14:05", "Yesterday": a day word alone or with a clock (in a headline, "today" is a word).
RELATIVE_DAY = re.compile(r"^(?:yesterday|today|gestern|heute|ayer|hoy|ieri|oggi|hier|aujourd'hui|вчера|сегодня|"
                          r"dün|bugün)\b[\s,.:]*(?:(?:at|um|a las|alle|à|в)?\s*\d{1,2}[:.h]\d{2}.*)?$", re.I)
# A line that carries a label ("Source: ...", "Editor: ...", "Tags: ..."): furniture, not a headline.
META_LABEL = re.compile(r"^(?:source|sources|editor|editors|edited by|publish(?:ed)?(?: date)?|date|posted|"
                        r"updated?|author|authors|by|photo|photos|image|credit|credits|caption|tags?|topics?|"
                        r"category|categories|section|filed under|keywords|reading time|read time|quelle|"
                        r"fuente|fonte|źródło|источник|kaynak|المصدر|منبع|来源|出典|출처|"
                        r"autor|autore|auteur|yazar|автор|نویسنده|كاتب)\s*[:：|]", re.I)
# A photo caption ending with its credit: "... in central London, 19 October 2023 (AP)".
CAPTION = re.compile(r"\((?:photo|image|file|foto)?[:\s]*[A-Z][\w&./ -]{0,30}\)\s*$|^(?:photo|image|file photo|"
                     r"foto|bild|imagen|immagine|фото)\b|\b(?:photo|image|picture|video) ?(?:credit|courtesy|source)s?\b|"
                     r"\brepresentational (?:image|photo|picture)\b|\bfile (?:photo|image|picture)\b|"
                     r"\b(?:getty images|shutterstock|via reuters|via ap|afp via)\b|\|\s*(?:photo|image|file)\b|"
                     r"^(?:read next|read more|also read|read also|watch|listen|related|see also)\s*[:：]", re.I)


# "Journalist ID: 40213", "Ref. No: 12/345": a label and a number.
LABELLED_NUMBER = re.compile(r"^[^:：]{1,30}[:：#]\s*[\d\s/#.-]+$")
READING_TIME = re.compile(r"\b\d+\s*(?:-\s*)?(?:min(?:ute)?s?|minuten|minutos|minuti|minutes?)\s*(?:read|lesezeit|de lecture|"
                          r"de lectura|di lettura|de leitura)\b|\b(?:lesezeit|reading time)\b", re.I)


# "PARIS – Owners said ...", "TEHRAN, March 3 (Tasnim) -": a dateline opening the body.
DATELINE_LEADIN = re.compile(r"^[A-Z][A-Z .'’-]{2,30}(?:,[^–—-]{0,30})?(?:\s*\([^)]{1,30}\))?\s*[–—-]{1,2}\s")


def furniture(text: str) -> bool:
    """A header line that is page furniture rather than a headline: a stamp, a relative time, a
    labelled line or number, a reading time, a caption."""
    return bool(META_LABEL.match(text) or RELATIVE.search(text) or RELATIVE_DAY.match(text) or CAPTION.search(text)
                or DATELINE_LEADIN.match(text)
                or LABELLED_NUMBER.match(text) or READING_TIME.search(text))


# Where a candidate stands relative to the body, and what that is worth: the headline stands last
# above the body, or right above its standfirst (the summary under it, which stands last).
POSITION = {"last": 2.5, "above-standfirst": 2.5, "standfirst": 0.5, "second-last": 1.0}


def score(c: TitleCandidate, position: str, later: int, repeats: int, meta_after: bool, org: bool,
          first_line: bool, alone: bool = False) -> tuple[float, list[str]]:
    """The score of one candidate and the features that made it (for the evidence).

    `position`: a key of POSITION, or "far" for a candidate with `later` candidates below it."""
    s, why = 0.0, []
    words = len(c.value.split())
    if _CJK.search(c.value):
        words = max(words, len(c.value) // 3)
    if repeats:
        s += 3.0
        why.append("repeated")
    if position in POSITION:
        s += POSITION[position]
    else:
        s -= 0.75 * (later - 1)
    why.append(position)
    if meta_after:
        s += 1.0
        why.append("above-stamp-or-byline")
    if alone:
        s += 0.5
        why.append("only-candidate")
    if 4 <= words <= 22:
        s += 1.0
        why.append("headline-length")
    elif words <= 2:
        s -= 3.0
        why.append("too-short")
    elif words > 30:
        s -= 3.0
        why.append("too-long")
    if org:
        s -= 3.0
        why.append("organisation-name")
    if first_line and later > 0 and not repeats and words <= 5:
        s -= 1.0
        why.append("masthead-position")
    if c.value.endswith("!"):
        s -= 1.0
        why.append("exclamation")
    if c.value.endswith(".") and not c.value.endswith("...") and words > 12:
        s -= 2.0
        why.append("sentence")
    return s, why


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
