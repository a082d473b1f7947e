"""Bylines: who wrote the story, without the leading "By"; an organisation credit counts.

Editors, translators and photographers are not authors: "Editing by", "Translated by", "Photo by"
lines never give a byline, and from "Reporting by A; Editing by B" only A is taken.
"""
from __future__ import annotations

import re

from archiver.extract import chrome, outlets
from archiver.extract.dispatch import ascii_non_starters
from archiver.extract.noise import is_noise

NOT_AUTHORS = re.compile(r"^(?:edit(?:ing|ed)|translat(?:ion|ed)|photo(?:s|graph|graphs)?|picture|image|"
                         r"video|compil(?:ed|ation)|produc(?:ed|tion)|design(?:ed)?|illustrat(?:ed|ion)|"
                         r"graphics?|fact[- ]checked|reviewed|moderated)\s+by\b", re.I)
# "By" in the languages archiver meets, and author labels ("Autor:", "Текст:"): what precedes a byline.
_BY_WORDS = ("by", "written by", "words by", "story by", "par", "von", "por", "di", "door", "av", "af", "oleh",
             "autor", "autora", "autorka", "autore", "auteur", "author", "auteurs", "автор", "текст", "yazan",
             "yazar", "penulis", "reporter", "redakcja", "بقلم", "به قلم", "نویسنده", "كتب", "کتب", "كتبت",
             "خبرنگار", "گزارش", "مراسل", "記者", "기자", "लेखक", "संवाददाता", "מאת", "כתב",
             # "Text: Elin Bergqvist", "Texto Marta Gonçalves", "Words: Callum Rennie", Thai "writer:",
             # Greek "of" before a genitive name ("Της Ελένης Παπαδοπούλου")
             "text", "texto", "words", "ผู้เขียน", "της", "του")
BY = re.compile(r"^(?:" + "|".join(sorted(_BY_WORDS, key=len, reverse=True)) + r")\s*[:：]?\s+(?P<who>\S.*)$", re.I)
REPORTING = re.compile(r"^(?:additional\s+)?reporting\s+by\s+(?P<who>[^;]+?)\s*(?:;|$)", re.I)
_CUT = re.compile(r"\s*(?:,?\s*(?:edited by|editor|editing|bearbeitet von|editado por|a cura di)\b|"
                  r",?\s+with\s+(?:additional\s+)?(?:reporting|data|research|analysis|graphics|photos?|video|contributions?)\b|\||•|·|—|–| - |,?\s+(?:published|updated|posted|on)\b|\d{1,2}\s+\w+\s+\d{4}|"
                  r"\b(?:19|20)\d\d-\d\d-\d\d).*$", re.I)
MAX_WORDS = 12


# "Par Benjamin Barthe (Beyrouth, correspondant)", "By Lyse Doucet, Chief international correspondent":
# the place and the role are not the name.
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
_ROLE = re.compile(r"\s*,\s*[^,]*\b(?:correspondent|correspondante?|editor|reporter|analyst|journalist|"
                   r"columnist|writer|contributor|envoyée?|spécial|rédact(?:eur|rice))\b[^,]*$", re.I)


def _clean(who: str) -> str | None:
    who = _CUT.sub("", who).strip().rstrip(",;:")
    # "By Sam Thompson  Global News": columns of a text capture, the name in the first
    column = who.split("  ", 1)
    if len(column) == 2 and len(column[0].split()) >= 2:
        who = column[0].strip()
    if "(" in who:  # _PAREN needs one
        who = _PAREN.sub("", who)
    if "," in who:  # _ROLE needs one
        who = _ROLE.sub("", who)
    elif who.count(" ") >= 2 and _ROLE_END.search(who):
        who = name_with_role(who) or who  # "Daniel Holland Local Democracy Reporter": the role after the name
    who = who.strip().rstrip(",;:")
    if not who or len(who.split()) > MAX_WORDS or len(who) > 100:
        return None
    if who.endswith(".") and not re.search(r"\b[A-Z]\.$", who):
        return None
    if any(map(str.isdigit, who)) or any(ch in who for ch in ":+=@#"):
        return None  # "Text Size: A- A+", an address: not a name
    first = who[0]
    if first.isalpha() and first.islower():
        return None
    # "Ana Rivera, CNN", "Jane Doe, BBC News": the outlet beside the name is not part of it; nor is a
    # place ("Ritika Sharma, New Delhi"): a name of two or more words, a comma, one or two words, no "and".
    head, sep, last = who.rpartition(",")
    if sep and head.strip() and outlets.canonical(last.strip()):
        who = head.strip().rstrip(",;:")
    elif (sep and "," not in head and len(head.split()) >= 2 and 1 <= len(last.split()) <= 2
          and not re.search(r"\b(?:and|und|y|et|e|en|i|и|ve)\b|&", who)):
        who = head.strip()
    return who


# "Press TV Staff Writer", "Al Jazeera Staff", "Staff Reporter": an organisation's credit, as printed.
STAFF = re.compile(r"^(?:(?P<org>.{2,40}?)\s+)?staff(?:\s+(?:writer|reporter|correspondent)s?)?$", re.I)


def staff_credit(text: str) -> str | None:
    m = STAFF.match(text) if "staff" in text.lower() else None
    if not m or (m.group("org") and not outlets.canonical(m.group("org"))):
        return None
    return text if m.group("org") or len(text.split()) > 1 else None


# "Aylin Kaya | 31.03.2024": a person's name of two or three capitalised words beside a date stamp.
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’.-]+$")
_NOT_NAME = {"news", "press", "release", "report", "update", "updates", "live", "agency", "staff", "desk",
             # words of publications' names ("USA TODAY", "Evening Herald")
             "today", "tonight", "weekly", "herald", "tribune", "journal", "gazette", "chronicle", "telegraph",
             "magazine", "online", "newspaper", "radio", "tv", "television", "channel", "network",
             # a photographer's credit line ("Fotografia Nuno Ribeiro"), never the byline
             "fotografia", "fotografía", "foto", "fotos", "photography", "photograph", "bild", "bilder",
             "imagen", "immagine", "image", "images", "picture", "pictures", "φωτογραφία", "фото",
             "editorial", "analysis", "opinion", "video", "photo", "photos", "gallery", "world", "times",
             "daily", "the", "of", "and", "in", "breaking", "latest", "home", "top", "stories", "feature",
             # words of section and place names ("Foreign Policy | …", "Saudi Arabia | …")
             "policy", "rights", "affairs", "economy", "business", "politics", "security", "energy",
             "society", "culture", "science", "technology", "sports", "sport", "health", "environment",
             "international", "national", "local", "regional", "middle", "east", "west", "north", "south",
             "arabia", "strip", "bank", "state", "states", "republic", "union", "kingdom", "emirates",
             "sea", "gulf", "city", "province", "region", "asia", "africa", "europe", "america", "iran",
             "iraq", "israel", "syria", "lebanon", "turkey", "palestine", "yemen", "saudi", "gaza",
             "tehran", "united", "new", "war", "media", "interview", "column", "blog"}


def name_before_bar(text: str) -> str | None:
    first = text.split("|", 1)[0].strip()
    words = first.split()
    if not 2 <= len(words) <= 3 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if any(w.casefold() in _NOT_NAME for w in words) or outlets.canonical(first) or is_noise(first):
        return None
    return first


# ASCII characters that start no "By ..." line (see ascii_non_starters): such a line is no byline.
_NOT_BY_START = ascii_non_starters(BY)


def by_segment(text: str) -> str | None:
    """The byline of a "Section / By Name" or "By Name | 12 March 2024" line: the part that is a byline."""
    parts = _SEPARATED.split(text) if ("/" not in text) else re.split(r"\s+/\s+|" + _SEPARATED.pattern, text)
    if len(parts) < 2:
        return None
    for part in parts:
        who = header_byline(part.strip())
        if who:
            return who
    return None


_GLUED_BY = re.compile(r"^By(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+\s+[A-ZÀ-ÖØ-Þ])")  # "ByCatriona Baird": a scrape glued "By" on


def header_byline(text: str) -> str | None:
    if text[:1] in _NOT_BY_START:
        return None  # BY cannot match
    if NOT_AUTHORS.match(text):
        return None
    m = BY.match(text)
    if m is None and text.startswith("By"):
        glued = _GLUED_BY.match(text)
        return _clean(text[glued.end():]) if glued else None
    return _clean(m.group("who")) if m else None


def reporting_credit(text: str) -> str | None:
    m = REPORTING.match(text)
    return _clean(m.group("who")) if m else None


# "Gwyn Topham Transport correspondent", "Jane Doe, Senior Correspondent", "Ana Pérez, corresponsal en
# Bruselas": a bare name line with the author's role (never an editor's: "Editor" alone is a desk).
ROLE_WORDS = ("correspondent|reporter|writer|journalist|columnist|contributor|analyst|"
              "korrespondentin|korrespondent|redakteurin|redakteur|reporterin|"
              "corresponsal|periodista|redactora?|corrispondente|giornalista|inviat[oa]|"
              "correspondente|repórter|jornalista|correspondante?|journaliste|envoyée? spéciale?|"
              "correspondent|verslaggever|korespondent(?:ka)?|dziennikarz|dziennikarka|"
              "корреспондент|журналист|обозреватель|muhabiri?|yazarı|muhabir|"
              "مراسل|مراسلة|محرر|خبرنگار|گزارشگر|記者|기자|संवाददाता|wartawan|jurnalis|כתב|כתבת")
_ROLE_END = re.compile(rf"\b(?:{ROLE_WORDS})$", re.I)
_ROLE_LINE = re.compile(rf"^(?P<who>(?:[^\W\d_][\w'’.-]*\s+){{1,3}}?[^\W\d_][\w'’.-]*)\s*,?\s+"
                        rf"(?:[\w-]+\s+){{0,3}}(?:{ROLE_WORDS})\b[\w\s]{{0,30}}$", re.I)


def name_with_role(text: str) -> str | None:
    """The name of a bare "Name Role" byline line, or None."""
    if len(text) > 90 or text.count(" ") > 9:
        return None
    m = _ROLE_LINE.match(text)
    if not m:
        return None
    who = m.group("who")
    words = who.split()
    # The name is capitalised (in scripts with case) and is not an organisation or a section.
    if any(w[:1].islower() for w in words) or any(w.casefold() in _NOT_NAME for w in words[:1]):
        return None
    if outlets.canonical(who) or is_noise(who):
        return None
    return _clean(who)


# "Mark Hollis and Anna Petrou": a line of two or three people's names (two or three capitalised words
# each), joined by "and", "&" or commas.
_PERSON = r"[^\W\d_][\w'’.-]+(?:\s+[^\W\d_][\w'’.-]+){1,2}"
_NAMES_LINE = re.compile(rf"^{_PERSON}(?:\s*,\s*{_PERSON})*\s*(?:,?\s+(?:and|und|y|e|et|en|i|и|ve|و)\s+|\s*&\s*){_PERSON}$")


def names_line(text: str) -> str | None:
    """The names of a line that is only two or three people's names, or None."""
    if len(text) > 80 or not _NAMES_LINE.match(text):
        return None
    names = re.split(r"\s*,\s*|\s+(?:and|und|y|e|et|en|i|и|ve|و)\s+|\s*&\s*", text)
    for name in names:
        words = name.split()
        if any(w[:1].islower() for w in words) or any(w.casefold() in _NOT_NAME for w in words):
            return None
        if outlets.canonical(name) or is_noise(name):
            return None
    return text


# A person's name alone on its line: two to four capitalised words (initials allowed).
_NAME_LINE = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯΆ-Ω][\w'’-]*\.?\s+){1,3}[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯΆ-Ω][\w'’-]+$")


BY_ALONE = frozenset({"by", "by:", "par", "von", "por", "di", "door", "oleh", "autor:", "автор:"})


def bare_name(text: str) -> str | None:
    """The name of a line that is only a person's name ("Faraz Qureshi", "T. Nandakumar Menon"), or
    None. The caller decides from the neighbours (a stamp or a role under it) that it is a byline."""
    if len(text) > 50 or any(ch.isdigit() for ch in text):
        return None
    # Only in scripts with case: without capitals a short headline and a name look alike.
    if not _NAME_LINE.match(text):
        return None
    words = text.split()
    if words[0] == "Na" and len(words) >= 3:
        return bare_name(" ".join(words[1:]))  # "Na HAMISI NGOWA": Swahili "by" before the name
    if any(w.casefold().strip(".") in _NOT_NAME for w in words) or outlets.canonical(text) or is_noise(text):
        return None
    return text


ROLE_ALONE = re.compile(rf"^(?:[\w-]+\s+){{0,3}}(?:{ROLE_WORDS})\b[\w\s,]{{0,40}}$", re.I)
_SEPARATED = re.compile(r"\s+[·•|—–]\s+|\s*\|\s*")


_BESIDE = re.compile(r"\s*\|\s*|\s*/\s*|\s+[-–—·•]\s+")


def name_beside_role(text: str) -> str | None:
    """"Helena Varga | MIT News", "Tanesha Blackwood/Staff Reporter": a person's name, a separator, and
    the author's role or the organisation the author writes for (the outlet table, or a name of two words
    or more that chrome.org_like takes for one); the name, or None. A line with a digit is a stamp's."""
    if len(text) > 90 or any(map(str.isdigit, text)):
        return None
    parts = _BESIDE.split(text, maxsplit=1)
    if len(parts) != 2:
        return None
    who, rest = bare_name(parts[0].strip()), parts[1].strip()
    if not who or not rest or _org_name(who):
        return None  # "Kyiv Independent - News": a masthead
    if ROLE_ALONE.match(rest) or re.match(r"^staff\b", rest, re.I) or outlets.canonical(rest):
        return who
    return who if " " in rest and _org_name(rest) else None  # "… - News": a masthead and its section


def _org_name(text: str) -> bool:
    return len(text) <= 40 and chrome.org_like(text, strong=True)


def name_before_stamp(text: str) -> str | None:
    """"Priya Ramdas · CBC News · Posted: Mar 14, 2024": a name first, then separated parts of which
    one is the page's stamp or the outlet; the name, or None."""
    parts = _SEPARATED.split(text)
    if len(parts) < 2:
        return None
    return bare_name(parts[0].strip())


# "Lior Ben-Ami is The Times of Israel's diplomatic correspondent.": an author's bio line names both
# the author and the outlet.
BIO = re.compile(rf"^(?P<who>(?:[A-ZÀ-ÖØ-Þ][\w'’.-]+\s){{1,3}})is (?:a |an |the )?(?P<org>(?:The |the )?[A-Z][\w&.'’ -]{{1,40}}?)['’]s?"
                 rf"\s+(?:[\w-]+\s+){{0,3}}(?:{ROLE_WORDS}|editor)\b", re.U)


def bio_line(text: str) -> tuple[str, str] | None:
    """(author, outlet) of an author's bio line, or None."""
    m = BIO.match(text) if " is " in text[:60] else None
    if not m:
        return None
    who = _clean(m.group("who").strip())
    return (who, m.group("org").strip()) if who else None


# "澎湃新闻记者 李想", "记者：王明", "홍길동 기자", "（山田太郎）": bylines of Chinese, Japanese and Korean
# pages, where the label stands before or after the name.
CJK_BY = re.compile(r"^(?:\S{0,12}?(?:记者|記者|通讯员|通訊員|特派员|特派員))\s*[:：]?\s*"
                    r"(?P<who>[\u4e00-\u9fff·]{2,4}(?:[\s、,，][\u4e00-\u9fff·]{2,4}){0,2})\s*$")
KO_BY = re.compile(r"^(?:\S+\s)?(?P<who>[\uac00-\ud7af]{2,4})\s*(?:기자|특파원|선임기자)(?:\s|$|[^\uac00-\ud7af])")


# "【环球时报特约记者 陈思远】…", "本报北京3月11日电 （记者王明远）…": the reporter in brackets at the
# head of a Chinese story's first paragraph.
CJK_LEADIN_BY = re.compile(r"[【\[（(]\s*[^【】\[\]（）()\s]{0,12}?(?:记者|記者|特约记者|特約記者)\s*[:：]?\s*"
                           r"(?P<who>[\u4e00-\u9fff·]{2,4}(?:[\s、][\u4e00-\u9fff·]{2,4}){0,2})\s*[】\]）)]")
# "…呼びかけている。（小林大輔）": a Japanese story's reporter in brackets after its last sentence (not a
# photo note, an agency or an editor's mark).
JA_TRAILING_BY = re.compile(r"[。」）)]\s*[（(](?P<who>[\u4e00-\u9fff\u3005][\u4e00-\u9fff\u3005\u3040-\u30ff]{1,5}"
                            r"(?:[\s\u3000][\u4e00-\u9fff\u3005\u3040-\u30ff]{1,4})?)[）)]\s*$")
_NOT_JA_NAME = re.compile(r"写真|撮影|共同|時事|資料|提供|図|注|完|編集|敬称略|ロイター|AFP|AP|一部|地図|同|右|左|中央")


def cjk_leadin_byline(text: str) -> str | None:
    """The reporter named in brackets within the first 60 characters of a Chinese paragraph, or None."""
    m = CJK_LEADIN_BY.search(text, 0, 60 + 30)
    return m.group("who") if m and m.start() <= 60 else None


def ja_trailing_byline(text: str) -> str | None:
    """The name in brackets that closes a Japanese story's last paragraph, or None."""
    m = JA_TRAILING_BY.search(text[-40:])
    if not m or _NOT_JA_NAME.search(m.group("who")):
        return None
    desk = _JA_DESK.match(m.group("who"))
    return desk.group("name") if desk else m.group("who")


# "報道センター 佐藤健太", "東京支社 山田花子": the reporter's desk before the name.
_JA_DESK = re.compile(r"^(?P<desk>\S+(?:センター|支局|総局|支社|本社|編集局|報道局|部))[\s\u3000]+(?P<name>\S+)$")


KO_BY_ADDRESS = re.compile(r"^(?P<who>[\uac00-\ud7af]{2,4})\s*(?:기자|특파원|선임기자|객원기자)\s+"
                           r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*$")


def ko_byline_with_address(text: str) -> str | None:
    """"김지훈 기자 kjh@hani.co.kr": the reporter's name, or None."""
    m = KO_BY_ADDRESS.match(text)
    return m.group("who") if m else None


def cjk_byline(text: str) -> str | None:
    if len(text) > 40:
        return None
    m = CJK_BY.match(text)
    if m:
        return m.group("who")
    for pattern in (_KO_BY_FIRST, KO_BY):      # "김민수 기자 기자 페이지": the name first, if it is one
        m = pattern.match(text)
        if m and m.group("who") not in _KO_ROLES:
            return m.group("who")
    return None


_KO_BY_FIRST = re.compile(r"^(?P<who>[\uac00-\ud7af]{2,4})\s*(?:기자|특파원|선임기자)(?:\s|$|[^\uac00-\ud7af])")
_KO_ROLES = {"기자", "특파원", "선임기자", "객원기자", "페이지"}
# "(서울=연합뉴스) 김민수 기자 = 서울시가 …": a Korean wire story's lead-in names its reporter.
KO_LEADIN_BY = re.compile(r"^[(\[]\s*[^()\[\]=]{1,20}=\s*[^()\[\]]{1,20}[)\]]\s*(?P<who>[\uac00-\ud7af]{2,4}"
                          r"(?:\s*[·ㆍ,]\s*[\uac00-\ud7af]{2,4}){0,2})\s*(?:기자|특파원)\s*=")


def ko_leadin_byline(text: str) -> str | None:
    m = KO_LEADIN_BY.match(text)
    return m.group("who") if m else None
