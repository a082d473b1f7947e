"""Bylines: who wrote the story, without the leading "By"; an organisation credit counts.

Editors, translators and photographers are not authors: "Editing by", "Translated by", "Photo by"
lines never give a byline, and from "Reporting by A; Editing by B" only A is taken.
"""
from __future__ import annotations

import re

NOT_AUTHORS = re.compile(r"^(?:edit(?:ing|ed)|translat(?:ion|ed)|photo(?:s|graph|graphs)?|picture|image|"
                         r"video|compil(?:ed|ation)|produc(?:ed|tion)|design(?:ed)?|illustrat(?:ed|ion)|"
                         r"graphics?|fact[- ]checked|reviewed|moderated)\s+by\b", re.I)
BY = re.compile(r"^(?:by|written by|words by|par|بقلم|به قلم|نویسنده|كتب|کتب)\s*:?\s+(?P<who>\S.*)$", re.I)
REPORTING = re.compile(r"^(?:additional\s+)?reporting\s+by\s+(?P<who>[^;]+?)\s*(?:;|$)", re.I)
_CUT = re.compile(r"\s*(?:\||•|·|—|–| - |,?\s+(?:published|updated|posted|on)\b|\d{1,2}\s+\w+\s+\d{4}|"
                  r"\b(?:19|20)\d\d-\d\d-\d\d).*$", re.I)
MAX_WORDS = 12


# "Par Benjamin Barthe (Beyrouth, correspondant)", "By Lyse Doucet, Chief international correspondent":
# the place and the role are not the name.
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
_ROLE = re.compile(r"\s*,\s*[^,]*\b(?:correspondent|correspondante?|editor|reporter|analyst|journalist|"
                   r"columnist|writer|contributor|envoyée?|spécial|rédact(?:eur|rice))\b[^,]*$", re.I)


def _clean(who: str) -> str | None:
    who = _CUT.sub("", who).strip().rstrip(",;:")
    who = _ROLE.sub("", _PAREN.sub("", who)).strip().rstrip(",;:")
    if not who or len(who.split()) > MAX_WORDS or len(who) > 100:
        return None
    if who.endswith(".") and not re.search(r"\b[A-Z]\.$", who):
        return None
    if any(ch.isdigit() for ch in who):
        return None
    first = who[0]
    if first.isalpha() and first.islower():
        return None
    return who


def header_byline(text: str) -> str | None:
    if NOT_AUTHORS.match(text):
        return None
    m = BY.match(text)
    return _clean(m.group("who")) if m else None


def reporting_credit(text: str) -> str | None:
    m = REPORTING.match(text)
    return _clean(m.group("who")) if m else None
