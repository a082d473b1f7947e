"""Publication dates: explicit formats only, normalised to ISO 8601 at the precision printed.

Each pattern matches a whole date expression (never fuzzy parsing over free text: dateutil's fuzzy
mode turns "in July ... 50 days" into 2050-07-01). A date needs a year; weekdays alone, "2 hours ago",
"yesterday" and datelines without a year are not dates. A UTC offset is written only when the text
names a zone. Solar Hijri (Persian) dates are converted to Gregorian with jdatetime.
"""
from __future__ import annotations

import re
from datetime import date

MONTHS = {
    # English
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "avr": 4, "juil": 7, "déc": 12,
    # Arabic (Egyptian/Gulf and Levantine names of the Gregorian months)
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6,
    "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6,
    "تموز": 7, "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    # Persian names of Gregorian months
    "ژانویه": 1, "فوریه": 2, "مارس‌": 3, "آوریل": 4, "مه": 5, "ژوئن": 6, "ژوئیه": 7, "اوت": 8,
    "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
}
JALALI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "شهریور": 6, "مهر": 7,
    "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}
ZONES = {
    "gmt": "+00:00", "utc": "+00:00", "z": "+00:00", "bst": "+01:00", "cet": "+01:00", "cest": "+02:00",
    "eet": "+02:00", "eest": "+03:00", "msk": "+03:00", "ast": "+03:00", "irst": "+03:30", "irdt": "+04:30",
    "edt": "-04:00", "est": "-05:00", "cdt": "-05:00", "cst": "-06:00", "pdt": "-07:00", "pst": "-08:00",
    "ist": "+05:30", "pkt": "+05:00", "tehran time": "+03:30",
}

_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_JALALI_NAMES = "|".join(sorted(JALALI_MONTHS, key=len, reverse=True))
_ZONE_NAMES = "|".join(sorted((re.escape(z) for z in ZONES), key=len, reverse=True))
# "9:46 p.m. ET": a zone is named but not which offset (ET is EST or EDT): the time stands, no offset.
# Upper case only, as "et" is also French for "and".
_ZONE_NAMES += "|(?-i:ET|PT)"


def _starts_with_one_of(names) -> str:
    """A lookahead for the first letters of `names`: put before an alternation of the names (matched
    with IGNORECASE, like the lookahead), it changes no match and spares the regex engine trying every
    name at every position of a line that has none."""
    return "(?=[" + "".join(sorted({re.escape(name[0]) for name in names})) + "])"


_MONTH_START = _starts_with_one_of(MONTHS)
_WEEKDAY_STEMS = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
_WEEKDAY_NAMES = ("lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
                  "الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|"
                  "شنبه|یکشنبه|دوشنبه|سه‌شنبه|سه شنبه|چهارشنبه|پنجشنبه|پنج‌شنبه|جمعه")
_WEEKDAY = (_starts_with_one_of((_WEEKDAY_STEMS + "|" + _WEEKDAY_NAMES).split("|"))
            + rf"(?:(?:{_WEEKDAY_STEMS})(?:day|nesday|sday|rsday|urday)?|{_WEEKDAY_NAMES})\.?,?\s*")
_TIME = (r"(?:\s*(?:,|،|-|–|—|\||at|à|a|الساعة|ساعت)?\s*(?P<h>\d{1,2})[:h.](?P<mi>\d{2})(?::(?P<s>\d{2}))?"
         r"\s*(?P<ampm>[ap]\.?m\.?)?"
         rf"(?:\s*\(?(?P<zone>(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|{_ZONE_NAMES})\)?)?)?")

# Solar Hijri years 1300-1419 (1921-2041). Lunar Hijri years (1445 = 2023/24) are printed on Arabic
# pages in the same shapes: they are above the range, and a lunar mark (هـ, ه.ق) rules a date out.
_JALALI_YEAR = r"(?:13\d\d|14[01]\d)(?!\d)"
_NOT_LUNAR = r"(?!\s*(?:هـ|ه\.?\s?ق|ق\.|قمری))"

PATTERNS = [
    # 2024-03-28T21:46:00Z, 2024-03-28 21:46, 2024/03/28
    ("iso", re.compile(rf"(?P<y>(?:19|20)\d\d)[-/.](?P<mo>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?:[T ]?{_TIME[3:]}", re.I)),
    # 28 Mar 2024 21:46 ; Saturday, 22 May 2021 8:13 AM ; 28 mars 2024 à 21h46 ; ۸ مارس ۲۰۲۴
    ("dmy", re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d){_TIME}", re.I)),
    # 08:13 GMT, 22 May 2021 (time first)
    ("tdmy", re.compile(rf"(?<!\d)(?P<h>\d{{1,2}})[:h.](?P<mi>\d{{2}})\s*(?P<ampm>[ap]\.?m\.?)?"
                        rf"(?:\s*\(?(?P<zone>(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|{_ZONE_NAMES})\)?)?"
                        rf"\s*[,|–—-]?\s*(?:{_WEEKDAY})?(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
    # March 28, 2024 8:13 AM EDT ; Sat May 22, 2021 08:13AM
    ("mdy", re.compile(rf"{_MONTH_START}(?<![^\W\d_])(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d){_TIME}", re.I)),
    # 6:41 PM EDT, August 3, 2023 (time first)
    ("tmdy", re.compile(rf"(?<!\d)(?P<h>\d{{1,2}})[:h.](?P<mi>\d{{2}})\s*(?P<ampm>[ap]\.?m\.?)?"
                        rf"(?:\s*\(?(?P<zone>(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|{_ZONE_NAMES})\)?)?"
                        rf"\s*[,|–—-]?\s*(?:{_WEEKDAY})?(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
    # 14.09.2023 (dots: day.month.year); 19/01/2023 or 03/14/2024 only when the order is unambiguous
    ("dmy-num", re.compile(rf"(?<![\d/.])(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d/.]){_TIME}")),
    # March 2024 (year and month only)
    ("my", re.compile(rf"{_MONTH_START}(?<![\w])(?<!\d\s)(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
    # Solar Hijri: ۸ فروردین ۱۴۰۳ (digits already ASCII), 1403/01/08
    ("jalali", re.compile(rf"(?P<d>\d{{1,2}})\s+(?P<jmon>{_JALALI_NAMES})\s+(?P<y>{_JALALI_YEAR}){_TIME}{_NOT_LUNAR}")),
    ("jalali-num", re.compile(rf"(?<![\d/])(?P<y>{_JALALI_YEAR})[/-](?P<mo>\d{{1,2}})[/-](?P<d>\d{{1,2}})(?![\d/]){_TIME}{_NOT_LUNAR}")),
]


def _zone(raw: str | None) -> str | None:
    if not raw:
        return None
    z = raw.strip().lower()
    if z in ZONES:
        return ZONES[z]
    m = re.fullmatch(r"(?:gmt|utc)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", z)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return None
    return f"{m.group(1)}{hours:02d}:{minutes:02d}"


def _build(m: re.Match, kind: str, day_first: bool = False) -> str | None:
    g = m.groupdict()
    try:
        year = int(g["y"])
        if kind in ("jalali", "jalali-num"):
            import jdatetime
            month = JALALI_MONTHS[g["jmon"]] if kind == "jalali" else int(g["mo"])
            greg = jdatetime.date(year, month, int(g["d"])).togregorian()
            year, month, day = greg.year, greg.month, greg.day
        elif kind == "dmy-num":
            a, b = int(g["a"]), int(g["b"])
            if g["sep"] == ".":
                day, month = a, b
            elif a > 12 >= b:
                day, month = a, b
            elif b > 12 >= a:
                day, month = b, a
            elif day_first or a == b:  # 05/05/2024 reads the same either way
                day, month = a, b
            else:
                return None  # 03/04/2024: April or March? Not a date we can read.
        else:
            month = MONTHS[g["mon"].lower()] if g.get("mon") else int(g["mo"])
            if kind == "my":
                date(year, month, 1)
                return f"{year:04d}-{month:02d}"
            day = int(g["d"])
        date(year, month, day)
    except (ValueError, KeyError, TypeError):
        return None
    out = f"{year:04d}-{month:02d}-{day:02d}"
    if g.get("h") is None:
        return out
    hour, minute = int(g["h"]), int(g["mi"])
    ampm = (g.get("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    out += f"T{hour:02d}:{minute:02d}"
    if g.get("s"):
        if int(g["s"]) > 59:
            return None
        out += f":{g['s']}"
    zone = _zone(g.get("zone"))
    if zone:
        out += zone
    return out


# One of these characters is in every match of the pattern (its date separators, its time's [:h.]),
# "" for non-ASCII text (the Solar Hijri month names), None for no cheap test: a line without them is
# spared the search (none of these characters has another case).
_NEEDS = {"iso": "-/.", "tdmy": ":.hH", "tmdy": ":.hH", "dmy-num": "./", "jalali": "", "jalali-num": "/-"}
_SCAN = [(kind, pattern, _NEEDS.get(kind)) for kind, pattern in PATTERNS]

# Every pattern needs a four-digit year (Gregorian or Solar Hijri): most lines have none, and this one
# cheap search spares them the month-name alternations (the extractor runs on every header line).
_YEAR = re.compile(r"(?<!\d)(?:19|20|13|14)\d\d(?!\d)")
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_WEEKDAY_RE = re.compile(_WEEKDAY, re.I)
_WORD = re.compile(r"\w{2,}")


# The line itself says that 03/04/2024 is the 3rd of April: a French stamp, or Arabic or Persian
# script (pages in these languages write the day first; only US usage puts the month first).
DAY_FIRST = re.compile(r"\b(?:publié|mis à jour|modifié|mis en ligne|le)\b|[\u0600-\u06ff]", re.I)


def find_date(text: str, whole: bool = False, day_first: bool | None = None,
              day_first_in: str | None = None) -> tuple[str, str] | None:
    """The first explicit date in `text` as (iso, matched span); with `whole`, the date must be all
    the text has (a dateline), bar a weekday, punctuation and an "[Updated ...]" tail. Numeric dates
    whose order is ambiguous are read day first only when `day_first` (by default: when the text
    itself shows a day-first convention, see DAY_FIRST). `day_first_in`: a text (the whole line) whose
    convention decides instead, looked at only when an ambiguous numeric date needs it."""
    if not _YEAR.search(text):
        return None
    half = len(text) // 2
    if half >= 6 and text[:half] == text[half:]:
        text = text[:half]  # a stamp the scraper glued to its copy: "28 Mar 202428 Mar 2024"
    best = None
    ascii_text = text.isascii()
    for kind, pattern, needs in _SCAN:
        if needs is not None:
            if needs == "":  # the Solar Hijri month names: Persian script
                if ascii_text:
                    continue
            else:
                for ch in needs:
                    if ch in text:
                        break
                else:
                    continue  # a character every match holds is missing
        m = pattern.search(text)
        if not m:
            continue
        if whole:
            rest = (text[:m.start()] + " " + text[m.end():])
            if "[" in rest or "(" in rest:
                rest = _BRACKETED.sub(" ", rest)
            if _WORD.search(_WEEKDAY_RE.sub(" ", rest)):
                continue
        if kind == "dmy-num" and day_first is None:
            day_first = bool(DAY_FIRST.search(text if day_first_in is None else day_first_in))
        iso = _build(m, kind, bool(day_first))
        if iso is None:
            continue
        # Prefer the earliest match; among equal starts, the most precise.
        if best is None or m.start() < best[2] or (m.start() == best[2] and len(iso) > len(best[0])):
            best = (iso, m.group(0).strip(), m.start())
    return (best[0], best[1]) if best else None
