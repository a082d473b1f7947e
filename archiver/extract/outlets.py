"""The outlet table (outlets.yaml) and the rules that recognise an outlet's signature on a page.

Rules, strongest first: a "CITY (Outlet) -" or "Outlet - " lead-in of the first body paragraph, a
masthead or footer line that is exactly an outlet's name (or "© 2024 Outlet", "Outlet | News"), and
the outlet's web domain in a header or footer line. A name that only resembles an outlet's
("Tehran Times Daily Digest") never matches: aliases are matched as whole lines or whole tokens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import yaml

from archiver.extract.lines import FirstCharacterDispatch, normalise


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    labels: tuple[str, ...]
    first_line_aliases: tuple[str, ...] = ()
    photo_credit: bool = False
    taglines: tuple[str, ...] = ()


def _load() -> list[Outlet]:
    data = yaml.safe_load(resources.files("archiver.extract").joinpath("outlets.yaml").read_text("utf-8"))
    return [Outlet(o["name"], tuple(o.get("aliases", [])), tuple(o.get("domains", [])),
                   tuple(o.get("labels", [])), tuple(o.get("first_line_aliases", [])),
                   bool(o.get("photo_credit", False)), tuple(o.get("taglines", []))) for o in data["outlets"]]


OUTLETS = _load()
# alias (case-folded, normalised) -> canonical name; short all-caps abbreviations are kept apart, as
# they count only in a parenthesised lead-in or as a whole line.
_ALIAS: dict[str, str] = {}
_SHORT: set[str] = set()
for _o in OUTLETS:
    for _a in (_o.name,) + _o.aliases:
        key = normalise(_a).casefold()
        _ALIAS[key] = _o.name
        if len(_a) <= 3:
            _SHORT.add(key)
_PHOTO_CREDIT = {o.name for o in OUTLETS if o.photo_credit}
_FIRST_LINE = {normalise(a).casefold(): o.name for o in OUTLETS for a in o.first_line_aliases}
_DOMAIN = {d.lower(): o.name for o in OUTLETS for d in o.domains}
_TAGLINE_OF = {normalise(t).casefold(): o.name for o in OUTLETS for t in o.taglines}
_ALIAS_RE = "|".join(sorted((re.escape(normalise(a)) for o in OUTLETS for a in (o.name,) + o.aliases),
                            key=len, reverse=True))
# "TEHRAN (Tasnim) -", "LONDON, May 22 (Reuters) -", "(AP) —", "Gaza, 3 juin (AFP) -"
LEADIN_PAREN = re.compile(rf"^(?:[^()\n]{{0,60}}?\s*)?\((?P<alias>{_ALIAS_RE})\)\s*[-–—:]", re.I)
# "Islam Times - The Leader ...", "Mehr News Agency – ..."
LEADIN_NAME = re.compile(rf"^(?P<alias>{_ALIAS_RE})\s*[-–—]\s+\S", re.I)
# "Tehran, IRNA - ...", "تهران - ایرنا - ..." (a city of one to three words, then the outlet)
LEADIN_CITY = re.compile(rf"^(?:[^\W\d_][\w'.]*\s?){{1,3}}\s*[,،\-–—]\s*(?P<alias>{_ALIAS_RE})\s*[-–—]\s+\S", re.I)
# "MOSCOW, August 1. /TASS/. ..."
LEADIN_SLASH = re.compile(rf"^[^/\n]{{0,60}}/(?P<alias>{_ALIAS_RE})/\.?", re.I)
# "أنقرة/ الأناضول", "إسطنبول / الأناضول" (Anadolu's Arabic service): a city, a slash and the outlet,
# on its own line or opening the first paragraph before a dash.
LEADIN_CITY_SLASH = re.compile(rf"^(?:[^\W\d_][\w'.]*\s?){{1,3}}\s*/\s*(?P<alias>{_ALIAS_RE})\s*(?:$|[-–—:]\s*)", re.I)
# Site-type words: a short line naming a known outlet with one of these is another site's masthead.
LOOKALIKE_WORDS = re.compile(r"\b(?:blog|weekly|daily|digest|fans?|magazine|online|network|channel|radio|"
                             r"review|journal|gazette|club|forum|watch)\b", re.I)
_ALIAS_TOKEN = re.compile(rf"(?<!\w)(?:{_ALIAS_RE})(?!\w)", re.I)
COPYRIGHT = re.compile(rf"^(?:©|\(c\)|copyright)\s*(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?)?\s*,?\s*(?P<alias>{_ALIAS_RE})"
                       r"(?:\.|,?\s*all rights reserved\.?)?$", re.I)
MASTHEAD = re.compile(rf"^(?P<alias>{_ALIAS_RE})(?:\s*[|:–-]\s*(?:news|home|latest news|breaking news|"
                      r"english|online|world|middle east|iran)|\s+english)?\s*$", re.I)
# "ISNA - Iranian Students' News Agency", "خبرگزاری دانشجویان ایران - ایسنا": two names of one outlet.
_PAIR_SEP = re.compile(r"\s+[-–—|]\s+")
DOMAIN = re.compile(r"(?<![\w.-])(?:https?://)?(?:www\.)?(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?![\w-])", re.I)


def canonical(alias: str) -> str | None:
    return _ALIAS.get(normalise(alias).casefold())


def leadin(text: str) -> tuple[str, str] | None:
    """(outlet, the matched lead-in) for "CITY (Outlet) -" or "Outlet - " at the start of `text`."""
    # Cheap guards first (this runs on many lines): each lead-in needs its punctuation near the start.
    head = text[:120]
    if "(" in head:
        m = LEADIN_PAREN.match(text)
        if m:
            name = canonical(m.group("alias"))
            return (name, m.group(0)) if name else None
    slash = "/" in head
    dash = "-" in head or "–" in head or "—" in head
    for pattern, match, after_slash in _LEADIN_RULES:
        m = match(text) if (slash if after_slash else dash) else None
        if m and (pattern is LEADIN_SLASH or normalise(m.group("alias")).casefold() not in _SHORT):
            name = canonical(m.group("alias"))
            span = m.group(0) if pattern in (LEADIN_SLASH, LEADIN_CITY_SLASH) else m.group(0)[:-1].rstrip()
            return (name, span) if name else None
    return None


TITLE_SUFFIX = re.compile(rf"\s+[|–—-]\s+(?P<alias>{_ALIAS_RE})\s*$", re.I)


def title_suffix(text: str) -> tuple[str, str] | None:
    """(outlet, the headline without it) for a page title such as "Iran says ready | Press TV"."""
    if "|" not in text and "-" not in text and "–" not in text and "—" not in text:
        return None  # TITLE_SUFFIX needs one of its separators
    m = TITLE_SUFFIX.search(text)
    if m and normalise(m.group("alias")).casefold() not in _SHORT:
        name = canonical(m.group("alias"))
        if name:
            return name, text[:m.start()].rstrip()
    return None


# MASTHEAD.match and LEADIN_NAME.match, trying only the aliases that can begin with the text's first character.
_masthead_match = FirstCharacterDispatch(MASTHEAD).match
# The lead-in rules after LEADIN_PAREN: (pattern, its match, whether it needs a slash (else a dash) near the start).
_LEADIN_RULES = ((LEADIN_SLASH, LEADIN_SLASH.match, True), (LEADIN_CITY_SLASH, LEADIN_CITY_SLASH.match, True),
                 (LEADIN_NAME, FirstCharacterDispatch(LEADIN_NAME).match, False), (LEADIN_CITY, LEADIN_CITY.match, False))


def city_slash(text: str) -> tuple[str, str] | None:
    """(outlet, line) for a header line that is only "CITY/ Outlet"."""
    m = LEADIN_CITY_SLASH.match(text) if "/" in text[:60] else None
    if m and m.end() == len(text):
        name = canonical(m.group("alias"))
        return (name, m.group(0)) if name else None
    return None


def lookalike_masthead(text: str) -> bool:
    """A short line that names a known outlet inside another site's name ("Garden Guardian Weekly")."""
    # The same tests as a conjunction, the cheapest and rarest first (the alias search scans the line).
    return (len(text.split()) <= 6 and bool(LOOKALIKE_WORDS.search(text)) and canonical(text) is None
            and bool(_ALIAS_TOKEN.search(text)))


def tagline(text: str) -> bool:
    """An outlet's slogan beside its masthead ("Democracy Dies in Darkness"): never a headline."""
    return text.casefold() in _TAGLINE_OF


def masthead(text: str, first_line: bool = False) -> str | None:
    if first_line and text.casefold() in _FIRST_LINE:
        return _FIRST_LINE[text.casefold()]
    if len(text) <= 80 and (" - " in text or " | " in text or "–" in text or "—" in text):
        parts = _PAIR_SEP.split(text)
        if len(parts) == 2:
            a, b = canonical(parts[0]), canonical(parts[1])
            if a and a == b and (first_line or a not in _PHOTO_CREDIT):
                return a
            # "Al Jazeera - Breaking News, World News and Video from Al Jazeera": name and its own slogan
            if a and first_line and _TAGLINE_OF.get(parts[1].strip().casefold()) == a:
                return a
    m = COPYRIGHT.match(text)
    if m:
        return canonical(m.group("alias"))
    m = _masthead_match(text)
    if m:
        name = canonical(m.group("alias"))
        # "Reuters" under a picture is the picture's credit, not the page's masthead.
        return name if first_line or name not in _PHOTO_CREDIT else None
    return None


def domain(text: str) -> str | None:
    if "." not in text:
        return None  # DOMAIN needs a dot
    for m in DOMAIN.finditer(text):
        d = m.group("domain").lower()
        while d:
            if d in _DOMAIN:
                return _DOMAIN[d]
            d = d.partition(".")[2] if d.count(".") > 1 else ""
    return None


def story_code_labels() -> list[str]:
    return sorted({label for o in OUTLETS for label in o.labels}, key=len, reverse=True)
