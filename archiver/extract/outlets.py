"""The outlet table (outlets.yaml) and the rules that recognise an outlet's signature on a page.

Rules, strongest first: a "CITY (Outlet) -" or "Outlet - " lead-in of the first body paragraph, a
masthead or footer line that is exactly an outlet's name (or "© 2024 Outlet", "Outlet | News"), and
the outlet's web domain in a header or footer line. A name that only resembles an outlet's
("Tehran Times Daily Digest") never matches: aliases are matched as whole lines or whole tokens.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from archiver.extract.dispatch import FirstCharacterDispatch
from archiver.textfold import normalise


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    labels: tuple[str, ...]
    first_line_aliases: tuple[str, ...] = ()
    photo_credit: bool = False
    taglines: tuple[str, ...] = ()


# Leave-one-outlet-out evaluation (archiver.evaluation --loo) names outlets here, "|"-separated, to
# score their pages with an extractor whose table lacks them (every rule that names them is off).
EXCLUDE_ENV = "ARCHIVER_EXCLUDE_OUTLETS"


def _load() -> list[Outlet]:
    data = yaml.safe_load(resources.files("archiver.extract").joinpath("outlets.yaml").read_text("utf-8"))
    excluded = {n.strip().casefold() for n in os.environ.get(EXCLUDE_ENV, "").split("|") if n.strip()}
    if excluded:
        data["outlets"] = [o for o in data["outlets"]
                           if not ({a.casefold() for a in [o["name"]] + o.get("aliases", [])} & excluded)]
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


# --- Outlets the table does not know -------------------------------------------------------------
# A page signs itself: a copyright line, a "Source:" tail, a masthead, a "(Outlet) -" lead-in, its
# title's "| Outlet" suffix, its web domain. These generators read the name as printed; the extractor
# records it with the rule that found it (a known outlet's alias still gives its canonical name).
_RIGHTS = (r"all rights reserved|alle rechte vorbehalten|todos los derechos reservados|tutti i diritti riservati|"
           r"todos os direitos reservados|alle rechten voorbehouden|wszelkie prawa zastrzeżone|все права защищены|"
           r"tüm hakları saklıdır|tous droits réservés|جميع الحقوق محفوظة|کلیه حقوق|تمامی حقوق|版权所有|版權所有|"
           r"無断転載|all rights reserved worldwide|جملہ حقوق محفوظ ہیں|جملہ حقوق محفوظ|כל הזכויות שמורות|"
           r"저작권자|무단 전재|कॉपीराइट|सर्वाधिकार सुरक्षित|hak cipta dilindungi")
COPYRIGHT_ANY = re.compile(rf"^(?:copyright\s*)?(?:©|\(c\)|copyright|℗)(?:\s*(?:©|copyright))?\s*"
                           rf"(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?)?"
                           rf"\s*,?\s*(?P<name>[^\d\W][^|©•·\n]{{1,60}}?)\s*"
                           # "© Mothership 2025", "© Aamulehti 2026": the year after the name
                           rf"(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*)?(?:[.,|•·]|\s(?:{_RIGHTS})|$)", re.I)
# "P.IVA 05050231008 - Copyright © 2025 Il Gazzettino": a footer's parts, the copyright one after a separator.
_COPYRIGHT_PART = re.compile(r"\s(?:-|–|—|\|)\s+(?=(?:copyright|©|\(c\)))", re.I)
COPYRIGHT_AFTER = re.compile(r"^(?P<name>[^\d\W][^|©•·\n]{1,50}?)\s*(?:©|\(c\))\s*(?:19|20)\d\d", re.I)
SOURCE_LINE = re.compile(r"^(?:source|sources|quelle|fuente|fonte|źródło|источник|kaynak|المصدر|منبع|来源|出典|출처)"
                         r"\s*[:：]\s*(?P<name>[^|\d\n]{2,50}?)\s*(?:[|.]|$)", re.I)
LEADIN_ANY = re.compile(r"^(?:[^\W\d][\w'’.\- ]{0,40}?(?:,\s*[^()\n]{0,30})?\s*)?\((?P<name>[A-Z][\w&'’.\-/ ]{1,30})\)\s*[-–—:]", re.U)
# "TEHRAN (defapress) –": a lower-case name in brackets after a city in capitals.
LEADIN_LOWER = re.compile(r"^[A-Z][A-Z .'’-]{2,30}\s*\((?P<name>[a-z][a-z0-9.]{3,20})\)\s*[-–—:]")
# "Tehran, Nov 27, IRNA – ", "Tehran, YJC. The ...": a city, perhaps a date, an agency's acronym.
LEADIN_ACRONYM = re.compile(r"^[A-Z][\w'’ .-]{1,25},(?:\s*[^,–—\n]{1,20},)?\s*(?P<name>[A-Z][A-Z.&]{1,12}[A-Z])\s*[.–—-]{1,2}\s+\S")
_NOT_AGENCY = {"AM", "PM", "GMT", "UTC", "EST", "EDT", "USA", "UK", "US", "UAE", "EU", "UN"}
_LEGAL = re.compile(r"[\s,]+(?:inc|ltd|llc|limited|gmbh|s\.?a|s\.?p\.?a|corp|co|plc|ag|b\.?v|s\.?l)\.?$", re.I)
_NOT_ORG = re.compile(rf"^(?:{_RIGHTS}|copyright|crown copyright|creative commons.*|cc[ -]by.*|riproduzione riservata|licencja.*|the author|the authors|author|photo|image|getty images|\w+ images|"
                      r"file|shutterstock|reuters pictures)$", re.I)


# Words of a company's legal or trade name: a copyright line often names the owner ("HT Digital Streams
# Ltd", "Gremi Media SA"), not the publication. The name is cut before a legal form; what still holds a
# company word is the owner, and is not taken.
_COMPANY_FORM = re.compile(r"\s+(?:private limited|limited|α\.\s?ε\.?|е?ад|е?оод|d\.\s?o\.\s?o\.?|d\.\s?d\.?|a\.\s?s\.?|s\.\s?r\.\s?o\.?|gmbh|s\.?\s?a\.?|s\.?\s?l\.?|s\.?p\.?a\.?|a\.?\s?ş\.?|ltd|llc|inc|pvt|plc|ag|kg|"
                           r"b\.?v\.?|n\.?v\.?|sp\.? z o\.?o\.?|oy|ab|as|dac|pty|bhd|sdn|gazetecilik|yayıncılık|verlag|ooo|ооо|зао|оао)\b.*$",
                           re.I)
_COMPANY_WORDS = re.compile(r"\b(?:media|digital|group|holdings?|publishing|publications|ediciones|editora|editorial|"
                            r"streams|communications|corporation|company|enterprises|ventures|printline|verlagsgruppe|publishers|"
                            r"medien|mediengruppe|gruppo|grupo|groupe|holding|services|медиа|холдинг|групп|"
                            r"comunicação|comunicações|comunicación|comunicaciones|comunicazione|participações|"
                            r"participaciones|edizioni|éditions|uitgeverij|förlag|forlag|kiadó|wydawnictwo|"
                            r"издательский дом|видавничий дім)\b|有限公司|株式会社|주식회사|㈜|"
                            r"בע\"מ|בע״מ|תקשורת|תאגיד|مؤسسة|لمؤسسة|شركة|للصحافة والنشر|للإعلام|شرکت|موسسه", re.I)


_FORM_FIRST = re.compile(r"^(?:АО|ПАО|ОАО|ЗАО|ООО|ТОВ|ПрАТ|ТОО|ДП)\s+(?=[«\"„“])")


def clean_name(name: str, owner_check: bool = False, lower_ok: bool = False) -> str | None:
    """A printed organisation name tidied for the record: legal suffixes off, and only a name: at most
    six words, capitalised (unless `lower_ok`: a brand the page confirms, "il Fatto Quotidiano",
    "kumparan"), no sentence. With `owner_check` (a copyright holder), a company's name
    (media, group, publishing...) is refused: it names the owner, not the publication."""
    # "© by X", "Copyright par X": the preposition only as a word ("Danas", "Dawn", "Bylock" keep theirs)
    name = re.sub(r"^(?:(?:copyright|©|\(c\))\s*)*(?:(?:by|par|von|por|di|da)\s+)?", "", name.strip(" .,:;-–—|"),
                  flags=re.I)
    name = _FORM_FIRST.sub("", name).strip(" «»\"„“”")   # "АО «Коммерсантъ»": the form first, the name quoted
    name = _COMPANY_FORM.sub("", name)
    name = _LEGAL.sub("", name.strip(" .,:;-–—|&")).strip(" .,:;-–—|&")
    if owner_check and _COMPANY_WORDS.search(name) and not canonical(name):
        return None
    if not name or _NOT_ORG.match(name) or len(name) > 60 or name.count("(") != name.count(")"):
        return None  # ("Express)": the end of a caption's credit, "(Photo | Express)")
    words = name.split()
    if len(words) > 6 or (name[0].islower() and not lower_ok) or any(ch.isdigit() for ch in name):
        return None
    if sum(w[:1].islower() for w in words) >= 3:
        return None  # "Nutzung ausschließlich für den privaten Eigenbedarf": a sentence, not a name
    known = canonical(name)
    return known or name


_RIGHTS_RE = re.compile(rf"(?:{_RIGHTS})", re.I)


_SENTENCE_STOP = re.compile(r"(?<=[^\W\d_]{4})\.\s+(?=[^\x00-\u024f])")  # "Press. 記事": a full word, a stop, another script
_LEGAL_ONLY = re.compile(r"^(?:inc|ltd|llc|limited|gmbh|s\.?\s?a|s\.?\s?l(?:\.?\s?u)?|s\.?p\.?a|corp|co|plc|ag|b\.?v|pvt)\.?$", re.I)
_CLAUSE = re.compile(r"[,，、。;；!！:：]")
# "Dar Al Khaleej for Press, Printing and Publishing": the house's descriptor after the paper's name.
_AR_HOUSE = re.compile(r"\s+(?:لل|ل)(?:صحافة|طباعة|طبع|نشر|إعلام|اعلام)\S*.*$")
# The word "copyright" (or "all rights") in other languages, printed before "©": "کاپی رائٹ © 2024 ڈان نیوز".
COPYRIGHT_WORDS = re.compile(r"^(?:کاپی رائٹ|جملہ حقوق|حقوق النشر|حقوق الطبع|版权|版權|著作権|저작권|कॉपीराइट|"
                             r"זכויות יוצרים|telif hakkı|авторское право|urheberrecht|derechos de autor|"
                             r"direitos autorais|diritto d'autore|prawa autorskie|hak cipta|auteursrecht)$", re.I)


_COPYRIGHT_WORD_FIRST = re.compile(COPYRIGHT_WORDS.pattern[:-1] + r"\s+(?=\S)", re.I)


def _holder(name: str) -> str:
    """A rights holder's name as printed, reduced to the publication's: the Arabic "ل" ("to") glued
    before it, a publishing house's "دار" and its descriptor, "& domain.com" beside the name."""
    name = name.strip(" .,:;-–—|۔")
    if re.match(r"[\u0600-\u06ff]", name):
        name = re.sub(r"^لـ?\s*(?=\S)", "", name)
        if re.match(r"دار\s+\S", name):  # "دار الخليج للصحافة والنشر": the house named after its paper
            name = _AR_HOUSE.sub("", name[3:].strip())
    head, amp, tail = name.partition(" & ")
    if amp and (DOMAIN.fullmatch(tail.strip()) or re.fullmatch(r"[a-z0-9-]+", tail.strip())):
        name = head  # "조선일보 & chosun.com": the name and its web address
    return name


_BELONGS_TO = re.compile(r"(?:متعلق به|متعلق ب|ملك|مملوكة ل)\s*(?P<name>.+?)\s*(?:است|می\u200cباشد|میباشد|می باشد|\.|$)")


def rights_name(text: str, owner_check: bool = True) -> str | None:
    """The holder of a line that reserves rights without ©: "دنیا نیوز۔ جملہ حقوق محفوظ ہیں", "כל הזכויות
    שמורות לישראל היום" (the name is what the line holds beside the phrase, in the same clause:
    "人民网版权所有，未经书面授权禁止使用" gives 人民网)."""
    m = _RIGHTS_RE.search(text)
    if not m or len(text) > 120:
        return None
    # the clause beside the phrase ("S.L.U." alone is a legal form: it belongs to the clause before it)
    before = [p for p in _CLAUSE.split(text[:m.start()]) if not _LEGAL_ONLY.match(p.strip(" ."))]
    after = [p for p in _CLAUSE.split(text[m.end():]) if not _LEGAL_ONLY.match(p.strip(" ."))]
    before, after = (before[-1] if before else ""), (after[0] if after else "")
    sentences = _SENTENCE_STOP.split(before)
    if len(sentences) > 1:
        # "© The Hokkaido Shimbun Press. 記事・写真などの無断転載は禁じます": the phrase stands in a sentence
        # of its own (no reproduction of articles...); the holder is the sentence before it
        before, after = sentences[-2], ""
    names = []
    for part in (before, after):
        owner = _BELONGS_TO.search(part)
        if owner:  # "کلیه حقوق این سایت متعلق به همشهری آنلاین است": the rights belong to the name
            part = owner.group("name")
        part = part.replace("©", " ")
        part = re.sub(r"(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?", " ", part)
        part = re.sub(r"^\s*ל", "", part.strip(" .,:;-–—|۔")) if "שמורות" in m.group(0) else part
        part = " ".join(part.split()).strip(" .,:;-–—|۔")
        part = _COPYRIGHT_WORD_FIRST.sub("", part)  # "کاپی رائٹ جیو نیوز": the word copyright, then the name
        if part and not COPYRIGHT_WORDS.match(part):
            names.append(part)
    rest = " ".join(names)
    return clean_name(_holder(rest), owner_check=owner_check) if rest else None


def copyright_name(text: str, owner_check: bool = True) -> str | None:
    """The holder named in a copyright line ("© 2024 Kathmandu Post. All rights reserved."); with
    `owner_check` False, also a company's name (legal form cut): a confirmation, not an outlet."""
    if _RIGHTS_RE.search(text) and not re.search(r"all rights reserved", text, re.I):
        return rights_name(text, owner_check)
    if "©" not in text and "(c)" not in text.lower() and "copyright" not in text.lower() and "℗" not in text:
        return None
    m = COPYRIGHT_ANY.match(text)
    if not m:
        part = _COPYRIGHT_PART.search(text)
        if part:
            return copyright_name(text[part.end():], owner_check)
        m = COPYRIGHT_AFTER.match(text)
        if m and COPYRIGHT_WORDS.match(m.group("name").strip()):
            # "کاپی رائٹ © 2024 ڈان نیوز": the word copyright, then the holder after the year
            m = COPYRIGHT_ANY.match(text[m.start("name") + len(m.group("name")):].strip())
    if not m:
        return None
    name, end = m.group("name"), m.end("name")
    # A stop that ends an abbreviation does not end the name: "© 2026 St. Joseph Communications", "LA VOZ DE
    # GALICIA S.A. Polígono...", "Η ΚΑΘΗΜΕΡΙΝΗ Α.Ε. Με ...": the name runs on to the next stop or comma (the
    # legal form and what follows it are then cut, or the whole is refused, by clean_name).
    while text[end:end + 1] == "." and _ABBREVIATION.fullmatch(name.split()[-1]):
        rest = _NAME_RUN.match(text, end + 1)
        if not rest or not rest.group(0).strip() or _RIGHTS_RE.search(rest.group(0)):
            break
        name, end = name + "." + rest.group(0).rstrip(), end + 1 + len(rest.group(0).rstrip())
    return clean_name(_holder(name), owner_check=owner_check)


_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,2}\.)*[^\W\d_]{1,2}|co|inc|ltd|st|jr|corp", re.I)
_NAME_RUN = re.compile(r"[^.,|•·©\n]*")


def names_a_company(text: str) -> bool:
    """Whether a copyright line's holder carries a company's legal form ("JoongAng Ilbo Co., Ltd.",
    "Икономедиа АД", "Mediahuis NV"): the owner, which other signatures of the page outrank."""
    m = COPYRIGHT_ANY.match(text)
    tail = text[m.start("name"):] if m else text
    return bool(_COMPANY_FORM.search(tail) or re.search(r"[\s,]+(?:inc|ltd|llc|corp|co|plc)\b\.?", tail, re.I))


def source_name(text: str) -> str | None:
    """The first organisation of a "Source: X" line ("Source: Al Jazeera and news agencies")."""
    m = SOURCE_LINE.match(text)
    if not m:
        return None
    name = m.group("name")
    if " - " in name or " – " in name:  # "المصدر: دبي - وام": a dateline, the agency after the dash
        name = re.split(r"\s[-–]\s", name)[-1]
        return clean_name(name)
    items = re.split(r"\s+(?:and|und|y|e|et|&)\s+|\s*[/,;]\s*", m.group("name"))
    # every item a name, or a generic credit in lower case ("and news agencies"): "Sources: Bulls,
    # Pistons discuss three-team trade" is a headline, not a list of sources
    if any(not clean_name(item) and not (item.islower() and len(item.split()) <= 3) for item in items[1:]):
        return None
    return clean_name(items[0])


def leadin_name(text: str) -> tuple[str, str] | None:
    """(name, span) of a "CITY (Outlet) -" lead-in naming any organisation ("(AP/UNB)": the last, the
    host), "CITY (outlet) -" in lower case, or "City, date, ACRONYM -"."""
    m = LEADIN_ACRONYM.match(text)
    # an unknown word of six capitals or more is a city in capitals ("REPUBLIKA.CO.ID, JAKARTA --"), not
    # an agency's acronym (the long ones, ANTARA, BERNAMA, XINHUA, are in the table)
    if m and len(m.group("name").replace(".", "")) > 5 and not canonical(m.group("name")):
        m = None
    if m and m.group("name").replace(".", "") not in _NOT_AGENCY:
        name = canonical(m.group("name")) or m.group("name")
        return name, m.group(0)[:-1].rstrip()
    m = LEADIN_LOWER.match(text) if "(" in text[:40] else None
    if m:
        return canonical(m.group("name")) or m.group("name"), m.group(0)
    if "(" not in text[:80]:
        return None
    m = LEADIN_ANY.match(text)
    if not m:
        return None
    inner = m.group("name")
    parts = [p.strip() for p in inner.split("/") if p.strip()]
    names = [clean_name(p) for p in parts]
    if not names or any(n is None for n in names):
        return None
    return names[-1] if len(names) > 1 else names[0], m.group(0)


def title_suffix_any(text: str) -> tuple[str, str] | None:
    """(name, headline) for "Headline | Some Outlet" with an organisation's name as the suffix."""
    from archiver.extract.chrome import org_like
    for sep in (" | ", " - ", " – ", " — "):
        head, found, tail = text.rpartition(sep)
        if found and head and len(head.split()) >= 3 and org_like(tail):
            name = clean_name(tail)
            if name:
                return name, head.strip()
    return None


_DOMAIN_ANY = re.compile(r"(?<![\w.@-])(?:https?://)?(?:www\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?![\w-])", re.I)
_EXTRACT = None


def domain_name(text: str) -> str | None:
    """The registered domain of a web address in `text` ("www.thehindu.com/news/..." -> "thehindu.com"),
    by the public-suffix list bundled with tldextract (never fetched)."""
    global _EXTRACT
    if "." not in text:
        return None
    for m in _DOMAIN_ANY.finditer(text):
        host = m.group("host").lower()
        if host.count(".") < 1 or host.replace(".", "").isdigit():
            continue
        if _EXTRACT is None:
            import tldextract
            _EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        parts = _EXTRACT(host)
        if parts.domain and parts.suffix:
            name = f"{parts.domain}.{parts.suffix}"
            return _DOMAIN.get(name) or _DOMAIN.get(host) or name
    return None


_GENERIC_TAIL = re.compile(r"(?:\s+(?:news|online|english|digital|tv|web|\.com))+$", re.I)


def same(a: str, b: str) -> bool:
    """Whether two printed names are one organisation's: the same key, or the same once a generic tail
    is cut ("RTÉ" and "RTÉ News", "Gulf News" and "gulfnews.com")."""
    if key(a) == key(b) or key(_GENERIC_TAIL.sub("", a)) == key(_GENERIC_TAIL.sub("", b)):
        return True
    # "سبق" and "صحيفة سبق الإلكترونية" (Sabq, the Sabq electronic newspaper): the shorter's words, in
    # order, among the longer's
    wa, wb = name_words(a), name_words(b)
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if not short or sum(map(len, short)) < 3:
        return False
    return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def name_words(name: str) -> list[str]:
    """A name's words, casefolded, without a leading English article ("The JoongAng", "JoongAng Ilbo")."""
    words = re.findall(r"[^\W_]+", name.casefold())
    return words[1:] if words[:1] == ["the"] else words


def key(name: str) -> str:
    """A name reduced for comparison across its printed forms: "The Hindu", "thehindu.com" and
    "THE HINDU" give "hindu"; "Gulf News" and "gulfnews.com" give "gulfnews"."""
    k = name.casefold()
    k = re.sub(r"^(?:https?://)?(?:www\.)?", "", k)
    k = re.sub(r"\.(?:[a-z]{2,6})(?:\.[a-z]{2})?$", "", k)  # a domain's suffix
    k = re.sub(r"^the\s*", "", k)
    k = re.sub(r"[^\w]|_", "", k)
    return k[3:] if k.startswith("the") and len(k) > 6 else k
