"""Publication dates: explicit formats only, normalised to ISO 8601 at the precision printed.

Each pattern matches a whole date expression (never fuzzy parsing over free text: dateutil's fuzzy
mode turns "in July ... 50 days" into 2050-07-01). A date needs a year; weekdays alone, "2 hours ago",
"yesterday" and datelines without a year are not dates. A UTC offset is written only when the text
names a zone. Solar Hijri (Persian) dates are converted to Gregorian with jdatetime; lunar Hijri dates
(a Hijri month name, or هـ / AH after the date) with hijridate (Umm al-Qura), when asked to.

The explicit patterns are the fast path. When they find nothing on a line that holds a plausible year,
the few tokens around the year that can belong to a date (numbers, month and weekday names of the
page's languages, connectors, times, zones) are cut out as one candidate, cleaned (weekdays, ordinals,
"Uhr", "14h05", "a.m.", dotted abbreviations and zones handled) and read by the patterns again, then
by dateparser (absolute dates only, on that candidate only); whatever it returns is checked against
the printed tokens, so that no day, month, time or zone is invented.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

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
    # Maghreb Arabic names (Algeria, Tunisia, Morocco: from the French)
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "جويليه": 7, "أوت": 8,
    "غشت": 8, "يوليوز": 7, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
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
    "wet": "+00:00", "west": "+01:00", "mez": "+01:00", "mesz": "+02:00", "trt": "+03:00",
    "gst": "+04:00", "aft": "+04:30", "npt": "+05:45", "bdt": "+06:00", "mmt": "+06:30",
    "wib": "+07:00", "wita": "+08:00", "wit": "+09:00", "ict": "+07:00", "sgt": "+08:00", "hkt": "+08:00",
    "pht": "+08:00", "myt": "+08:00", "awst": "+08:00", "jst": "+09:00", "kst": "+09:00",
    "acst": "+09:30", "acdt": "+10:30", "aest": "+10:00", "aedt": "+11:00", "nzst": "+12:00",
    "nzdt": "+13:00", "eat": "+03:00", "cat": "+02:00", "wat": "+01:00", "sast": "+02:00",
    "brt": "-03:00", "art": "-03:00", "mdt": "-06:00", "mst": "-07:00", "akdt": "-08:00",
    "akst": "-09:00", "hst": "-10:00", "adt": "-03:00", "мск": "+03:00",
}
# Zone abbreviations that are also common words ("eat", "cat", "art", "wit"): upper case only.
_UPPER_ONLY_ZONES = {"eat", "cat", "wat", "art", "wit", "gst", "mmt"}

_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_JALALI_NAMES = "|".join(sorted(JALALI_MONTHS, key=len, reverse=True))
_ZONE_NAMES = "|".join(sorted((re.escape(z) for z in ZONES if z not in _UPPER_ONLY_ZONES), key=len, reverse=True))
# "9:46 p.m. ET": a zone is named but not which offset (ET is EST or EDT): the time stands, no offset.
# Upper case only, as "et" is also French for "and".
_ZONE_NAMES += "|(?-i:ET|PT|" + "|".join(sorted(z.upper() for z in _UPPER_ONLY_ZONES)) + ")"


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
# Arabic "م" / "مساءً" (afternoon) and "ص" / "صباحًا" (morning) after a clock: read as PM / AM.
_AR_PM = "مساءً|مساءا|مساء|م"
_AR_HALF = rf"(?:{_AR_PM}|صباحًا|صباحاً|صباحا|ص)(?![\u0600-\u06ff])"
_TIME = (r"(?:\s*(?:,|\.(?=\s)|،|-|–|—|\||at|à|a las|a la|alle ore|alle|às|um|a|الساعة|ساعت)?\s*(?P<h>\d{1,2})[:h.](?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,9})?)?"
         rf"\s*(?P<ampm>(?i:[ap]\.?m\.?)|{_AR_HALF})?"
         rf"(?:\s*\(?(?P<zone>(?i:(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|{_ZONE_NAMES}))\)?)?)?")

# Solar Hijri years 1300-1419 (1921-2041). Lunar Hijri years (1445 = 2023/24) are printed on Arabic
# pages in the same shapes: they are above the range, and a lunar mark (هـ, ه.ق) rules a date out.
_JALALI_YEAR = r"(?:13\d\d|14[01]\d)(?!\d)"
_NOT_LUNAR = r"(?!\s*(?:هـ|ه\.?\s?ق|ق\.|قمری))"

PATTERNS = [
    # 2024-03-28T21:46:00Z, 2024-03-28 21:46, 2024/03/28
    ("iso", re.compile(rf"(?P<y>(?:19|20)\d\d)(?!\.\d(?!\d)|\.\d\d\.\d(?!\d))[-/.](?P<mo>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?:[T ]?{_TIME[3:]}", re.I)),
    # 28 Mar 2024 21:46 ; Saturday, 22 May 2021 8:13 AM ; 28 mars 2024 à 21h46 ; ۸ مارس ۲۰۲۴
    ("dmy", re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d){_TIME}", re.I)),
    # 08:13 GMT, 22 May 2021 (time first)
    ("tdmy", re.compile(rf"(?<!\d)(?P<h>\d{{1,2}})[:h.](?P<mi>\d{{2}})\s*(?P<ampm>(?i:[ap]\.?m\.?))?"
                        rf"(?:\s*\(?(?P<zone>(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|{_ZONE_NAMES})\)?)?"
                        rf"\s*[,|–—-]?\s*(?:{_WEEKDAY})?(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
    # March 28, 2024 8:13 AM EDT ; Sat May 22, 2021 08:13AM
    ("mdy", re.compile(rf"{_MONTH_START}(?<![^\W\d_])(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d){_TIME}", re.I)),
    # 6:41 PM EDT, August 3, 2023 (time first)
    ("tmdy", re.compile(rf"(?<!\d)(?P<h>\d{{1,2}})[:h.](?P<mi>\d{{2}})\s*(?P<ampm>(?i:[ap]\.?m\.?))?"
                        rf"(?:\s*\(?(?P<zone>(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|{_ZONE_NAMES})\)?)?"
                        rf"\s*[,|–—-]?\s*(?:{_WEEKDAY})?(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
    # 14.09.2023 (dots: day.month.year); 19/01/2023 or 03/14/2024 only when the order is unambiguous
    ("dmy-num", re.compile(rf"(?<![\d/.])(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d/.]){_TIME}")),
    # 09:41 26.01.2024 (time first; dots: day.month.year)
    ("tdmy-num", re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<mi>\d{2})\s*,?\s*(?P<a>\d{1,2})(?P<sep>\.)(?P<b>\d{1,2})\."
                            r"(?P<y>(?:19|20)\d\d)(?![\d.])")),
    # March 2024 (year and month only)
    ("my", re.compile(rf"{_MONTH_START}(?<![\w])(?<!\d\s)(?<!\d\.\s)(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)),
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


def _build(m: re.Match, kind: str, day_first: bool | None = None) -> str | None:
    """`day_first`: how an ambiguous numeric date (03/04/2024) reads: True day first, False month
    first, None not at all (no evidence)."""
    g = m.groupdict()
    try:
        year = int(g["y"])
        if kind in ("jalali", "jalali-num"):
            import jdatetime
            month = JALALI_MONTHS[g["jmon"]] if kind == "jalali" else int(g["mo"])
            greg = jdatetime.date(year, month, int(g["d"])).togregorian()
            year, month, day = greg.year, greg.month, greg.day
        elif kind in ("dmy-num", "tdmy-num"):
            a, b = int(g["a"]), int(g["b"])
            if g["sep"] == ".":
                day, month = a, b
            elif a > 12 >= b:
                day, month = a, b
            elif b > 12 >= a:
                day, month = b, a
            elif day_first or a == b:  # 05/05/2024 reads the same either way
                day, month = a, b
            elif day_first is False:  # the caller says the page writes the month first (US usage)
                day, month = b, a
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
    if ampm and not ampm.isascii():
        ampm = "pm" if ampm[0] == "م" else "am"
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
_NEEDS = {"tdmy-num": ":", "iso": "-/.", "tdmy": ":.hH", "tmdy": ":.hH", "dmy-num": "./", "jalali": "", "jalali-num": "/-"}
_SCAN = [(kind, pattern, _NEEDS.get(kind)) for kind, pattern in PATTERNS]

# Every pattern needs a four-digit year (Gregorian or Solar/lunar Hijri, also before 年 / 년): most
# lines have none, and this one cheap search spares them the month-name alternations (the extractor
# runs on every header line). Other scripts' digits are made ASCII first (only on lines that have any).
_YEAR = re.compile(r"(?<!\d)(?:19|20|13|14)\d\d(?!\d)")
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_WEEKDAY_RE = re.compile(_WEEKDAY, re.I)
_WORD = re.compile(r"\w{2,}")

# Decimal digits of other scripts, one character each: replaced one for one, so that the positions of
# a match in the normalised text are its positions in the text as printed.
_DIGIT_ZEROS = (0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
                0x0D66, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10)
_DIGITS = {zero + i: ord("0") + i for zero in _DIGIT_ZEROS for i in range(10)}
ASCII_DIGITS = _DIGITS  # str.translate table: digits of other scripts to ASCII
_NON_ASCII_DIGIT = re.compile("[" + "".join(f"{chr(z)}-{chr(z + 9)}" for z in _DIGIT_ZEROS) + "]")


# The line itself says that 03/04/2024 is the 3rd of April: a French, Spanish, Italian, Portuguese,
# German or Dutch stamp label, or Arabic or Persian
# script (pages in these languages write the day first; only US usage puts the month first).
DAY_FIRST = re.compile(r"\b(?:publié|mis à jour|modifié|mis en ligne|le|publicad[oa]|actualizad[oa]|pubblicato|"
                       r"aggiornato|postado|atualizado|veröffentlicht|aktualisiert|gepubliceerd|bijgewerkt)\b"
                       r"|[\u0600-\u06ff]", re.I)
# English outside the US writes the day first.
_DAY_FIRST_REGIONS = {"gb", "uk", "ie", "au", "nz", "in", "za", "pk", "ng", "ke", "gh", "sg", "my", "lk",
                      "bd", "hk", "mt", "jm", "ug", "tz", "zw"}
DEFAULT_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "tr", "ar", "fa", "ur", "id",
                     "zh", "ja", "ko", "hi", "he")


def _order_from_languages(languages) -> bool | None:
    """True (day first) for a page in a language other than English or in British-style English,
    False (month first) for a page the caller marks en-US, None otherwise."""
    if not languages:
        return None
    base, _, region = str(languages[0]).lower().replace("_", "-").partition("-")
    if not base:
        return None
    if base != "en":
        return True
    region = region.split("-")[-1]
    if region in _DAY_FIRST_REGIONS:
        return True
    if region == "us":
        return False
    return None


# Lunar Hijri months: Arabic names, and their usual Latin transliterations.
HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الاول": 3, "ربيع أول": 3, "ربيع اول": 3,
    "ربيع الآخر": 4, "ربيع الاخر": 4, "ربيع الثاني": 4, "ربيع ثاني": 4, "ربيع آخر": 4,
    "جمادى الأولى": 5, "جمادى الاولى": 5, "جمادى الأول": 5, "جمادى الاول": 5, "جمادي الأولى": 5,
    "جمادي الاولى": 5, "جمادى الآخرة": 6, "جمادى الاخرة": 6, "جمادى الآخر": 6, "جمادى الثانية": 6,
    "جمادى الثاني": 6, "جمادي الآخرة": 6, "جمادي الاخرة": 6, "جمادي الثانية": 6, "رجب": 7, "شعبان": 8,
    "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11, "ذو القعده": 11, "ذي القعده": 11,
    "ذو الحجة": 12, "ذي الحجة": 12, "ذو الحجه": 12, "ذي الحجه": 12,
}
_Q = "['‘’ʿʾ`]?"
_HIJRI_LATIN = [
    (1, r"muharram|muharrem"), (2, r"safar"),
    (3, rf"rabi{_Q}[\s-]?(?:(?:a|u|e)l[\s-]?)?(?:awwal|awal)|rabi{_Q}[\s-]i(?![iv\w])"),
    (4, rf"rabi{_Q}[\s-]?(?:(?:a|u|e)(?:l|th|s)[\s-]?)?(?:thani|akhir|akhar|sani)|rabi{_Q}[\s-]ii(?!\w)"),
    (5, r"jumad[aei][\s-]?(?:(?:a|u|e)l[\s-]?)?(?:ula|oola|ola|awwal|awal)|jumad[aei][\s-]i(?![iv\w])"),
    (6, r"jumad[aei][\s-]?(?:(?:a|u|e)(?:l|th|s)[\s-]?)?(?:akhirah|akhira|akhir|thaniyah|thani|sani)"
        r"|jumad[aei][\s-]ii(?!\w)"),
    (7, r"rajab"), (8, rf"sha{_Q}ban"), (9, r"rama[dz]h?an"), (10, r"shawwal|shawal"),
    (11, rf"(?:dhu|zu|thu)[\s-]?(?:a|u)?l[\s-]?q[ai]{_Q}d[ae]h?|dhul[\s-]?q[ai]{_Q}d[ae]h?|zul[\s-]?q[ai]{_Q}d[ae]h?"),
    (12, r"(?:dhu|zu|thu)[\s-]?(?:a|u)?l[\s-]?hijj?ah?|dhul[\s-]?hijj?ah?|zul[\s-]?hijj?ah?"),
]
_HIJRI_LATIN_RES = [(month, re.compile(rf"(?:{names})", re.I)) for month, names in _HIJRI_LATIN]
_HIJRI_NAMES = ("|".join(sorted((re.escape(n) for n in HIJRI_MONTHS), key=len, reverse=True)) + "|"
                + "|".join(names for _, names in _HIJRI_LATIN))
_HIJRI_MARK = r"(?:هـ|ه\s?\.?\s?ق|ه(?![^\W\d_])|A\.?\s?H\.?(?![^\W\d_]))"
_HIJRI_YEAR = r"1[34]\d\d(?!\d)"
HIJRI_PATTERNS = [
    # 18 رمضان 1445 هـ ; 18 Ramadan 1445 AH (a Hijri month name is its own marker)
    ("hijri-dmy", re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?:شهر\s+)?(?P<hmon>{_HIJRI_NAMES})\s*,?\s*(?P<y>{_HIJRI_YEAR})"
                             rf"(?:\s*(?P<mark>{_HIJRI_MARK}))?", re.I)),
    # Ramadan 18, 1445 AH
    ("hijri-mdy", re.compile(rf"(?<![^\W\d_])(?P<hmon>{_HIJRI_NAMES})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{_HIJRI_YEAR})"
                             rf"(?:\s*(?P<mark>{_HIJRI_MARK}))?", re.I)),
    # 1445/09/18 هـ ; 18/09/1445هـ (numbers only with the marker)
    ("hijri-num", re.compile(rf"(?<![\d/])(?:(?P<y>{_HIJRI_YEAR})[/-](?P<mo>\d{{1,2}})[/-](?P<d>\d{{1,2}})"
                             rf"|(?P<d2>\d{{1,2}})[/-](?P<mo2>\d{{1,2}})[/-](?P<y2>{_HIJRI_YEAR}))(?![\d/])"
                             rf"\s*(?P<mark>{_HIJRI_MARK})", re.I)),
]


def _hijri_month(name: str) -> int | None:
    name = re.sub(r"\s+", " ", name.strip())
    if name in HIJRI_MONTHS:
        return HIJRI_MONTHS[name]
    for month, pattern in _HIJRI_LATIN_RES:
        if pattern.fullmatch(name):
            return month
    return None


def _lunar_hijri(text: str, source: str, whole: bool) -> tuple[str, str] | None:
    """The first lunar Hijri date of `text` (digits made ASCII), converted to Gregorian."""
    best = None
    for kind, pattern in HIJRI_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            try:
                if kind == "hijri-num":
                    y, mo, d = ((g["y"], g["mo"], g["d"]) if g["y"] else (g["y2"], g["mo2"], g["d2"]))
                    year, month, day = int(y), int(mo), int(d)
                else:
                    year, day = int(g["y"]), int(g["d"])
                    month = _hijri_month(g["hmon"])
                    if month is None:
                        continue
                from hijridate import Hijri
                greg = Hijri(year, month, day).to_gregorian()
            except (ValueError, OverflowError, TypeError, ImportError):
                continue
            if whole and _has_other_words(source[:m.start()] + " " + source[m.end():]):
                continue
            if best is None or m.start() < best[2]:
                best = (f"{greg.year:04d}-{greg.month:02d}-{greg.day:02d}", source[m.start():m.end()].strip(),
                        m.start())
            break
    return (best[0], best[1]) if best else None


# Full weekday names of more languages (besides _WEEKDAY's), for the "nothing else on the line" test.
_MORE_WEEKDAYS = set("""
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag lunes martes miércoles miercoles
jueves viernes sábado sabado domingo lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi
venerdì venerdi sabato domenica segunda terça terca quarta quinta sexta feira maandag dinsdag woensdag
donderdag vrijdag zaterdag zondag poniedziałek wtorek środa czwartek piątek sobota niedziela
понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье pazartesi salı
çarşamba perşembe cuma cumartesi pazar senin selasa rabu kamis jumat sabtu minggu
सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार پیر منگل بدھ جمعرات جمعہ ہفتہ اتوار
월요일 화요일 수요일 목요일 금요일 토요일 일요일 יום ראשון שני שלישי רביעי חמישי שישי שבת
""".split())
_LETTER = (r"(?:[^\W\d_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0dff"
           r"\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u05b0-\u05c7\u05f3\u05f4\u200c\u200d])")
_WORDS = re.compile(r"(?:\w|" + _LETTER + ")+")  # words and numbers (with their scripts' marks)
_CJK_WEEKDAY = (r"星期[一二三四五六日天]|礼拜[一二三四五六日天]|[周週][一二三四五六日]|[（(][月火水木金土日][)）]"
                r"|[月火水木金土日]曜日?")
_CJK_WEEKDAY_RE = re.compile(_CJK_WEEKDAY)


# Weekdays written in more than one word or in two letters: Vietnamese "Thứ ba", "Chủ nhật"; Dutch,
# German, Nordic abbreviations before the day's number ("za 16 maart 2024", "Mo 4. März 2024").
_SHORT_WEEKDAY_RE = re.compile(r"(?<![^\W\d_])(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|"
                               r"(?:ma|di|wo|do|vr|za|zo|mo|mi|fr|sa|so|må|ti|on|to|fr|lø|sø|lö|sö)"
                               r"\.?(?=[\s,.]*(?:\d|$)))", re.I)


def _has_other_words(rest: str) -> bool:
    """Whether `rest` (a line without its date) has a word that is not a weekday or in brackets."""
    if "[" in rest or "(" in rest:
        rest = _BRACKETED.sub(" ", rest)
    rest = _WEEKDAY_RE.sub(" ", rest)
    rest = _SHORT_WEEKDAY_RE.sub(" ", rest)
    if not _WORD.search(rest):
        return False
    rest = _CJK_WEEKDAY_RE.sub(" ", rest)
    return any(len(w) >= 2 and w.lower() not in _MORE_WEEKDAYS for w in _WORDS.findall(rest))


# --- The dateparser fallback -------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<num>\d+)"
    rf"|(?P<cjkwd>{_CJK_WEEKDAY})"
    r"|(?P<cjkampm>上午|下午|午前|午後|凌晨|早上|中午|晚上)"
    r"|(?P<cjk>[\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])"
    r"|(?P<ampm>(?<![^\W\d_])[aApP]\.\s?[mM]\.?|(?<![^\W\d_])[aApP][mM](?![^\W\d_]))"
    rf"|(?P<word>{_LETTER}+)"
    r"|(?P<space>\s+)"
    r"|(?P<punct>.)", re.S)
_SEPARATORS = set(",./-:–—'()（）،+@")
_CJK_MARKS = set("年月日時时分秒")
_KO_MARKS = {"년", "월", "일", "시", "분", "초"}
_HOUR_MARKS = {"uhr", "h", "hr", "hrs", "hours", "heures", "hs", "horas", "ore", "saat", "uur", "óra", "giờ", "น"}
_ORDINALS = {"st", "nd", "rd", "th", "er", "re", "e", "ème", "eme", "º", "ª", "o", "a", "ro", "do", "vo", "to"}
_CONNECTORS = {"de", "del", "of", "the", "at", "on", "à", "a", "le", "um", "am", "em", "el", "às", "as",
               "alle", "ore", "om", "o", "w", "r", "roku", "г", "года", "в", "tanggal", "pukul", "jam",
               "t", "ב", "בשעה", "الساعة", "في",
               # the clock's prefix in Nordic, Polish, Czech, Vietnamese stamps: "kl. 05.30", "godz. 14:05"
               "kl", "klo", "godz", "lúc", "ngày", "v", "ve", "u", "у", "las", "los"}
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
_DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_ZONE = re.compile(rf"(?P<t>(?<!\d)\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*[AP]M)?)\s*\(?"
                        rf"(?P<zone>(?:gmt|utc)?\s*[+-]\d{{1,2}}(?::?\d{{2}})?(?!\d)|(?:{_ZONE_NAMES})(?![^\W\d_]))\)?",
                        re.I)
_CLOCK = re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?!\d)(?:\s*(?P<ampm>[AP]M))?")
_NORMALISE = [
    # 14:05 Uhr, 14.05 Uhr, 14h05, 14 Uhr, 1400 hrs, 14時05分, 14시 5분
    (re.compile(r"(?<![\d:])(\d{1,2})\s?[時时시]\s?(\d{1,2})\s?[分분](?:\s?(\d{1,2})\s?[秒초])?"),
     lambda m: f"{m.group(1)}:{int(m.group(2)):02d}" + (f":{int(m.group(3)):02d}" if m.group(3) else "")),
    (re.compile(r"(?<![\d:])(\d{1,2})\s?[時时시](?!\s?\d)"), r"\1:00"),
    (re.compile(r"(?<![\d:.])(\d{1,2})\s?[h:.](\d{2})\s?(?:uhr|hrs?|hours|heures|horas|hs|h)(?![^\W\d_])", re.I),
     r"\1:\2"),
    (re.compile(r"(?<![\d:.])(\d{1,2})\s?h\s?(\d{2})(?!\d)", re.I), r"\1:\2"),
    (re.compile(r"(?<![\d:.])(\d{1,2})\s?(?:uhr|hrs?|hours|heures|horas|hs|h)(?![^\W\d_])", re.I), r"\1:00"),
    (re.compile(r"(?<![\d:.])([01]\d|2[0-3])([0-5]\d)\s?(?:hrs?|hours|h)(?![^\W\d_])", re.I), r"\1:\2"),
    # "kl. 05.30", "om 03.00", "godz. 14.05": a dotted clock after its prefix word
    (re.compile(r"(?<![^\W\d_])(?:kl|klo|godz|lúc)\.?\s*(\d{1,2})[.:](\d{2})(?![\d.])", re.I), r" \1:\2"),
    (re.compile(r"(?<![^\W\d_])(om|alle|ore)\s+(\d{1,2})\.(\d{2})(?![\d.])", re.I), r"\1 \2:\3"),
    (re.compile(r"(?<![\d:.])(\d{1,2})[.:](\d{2})\s?(?:uur|óra|giờ|น)\.?(?![^\W\d_])", re.I), r"\1:\2"),
    # "오후 2:05", "下午 2:05", "午後2時5分" (after the rules above): the half of the day before the clock
    (re.compile(r"(?:오전|上午|午前|凌晨|早上)\s*(\d{1,2}:\d{2}(?::\d{2})?)(?!\d)"), r"\1 AM"),
    (re.compile(r"(?:오후|下午|午後|晚上)\s*(\d{1,2}:\d{2}(?::\d{2})?)(?!\d)"), r"\1 PM"),
    # "04:12 م", "21:47 مساء", "10:22 ص": Arabic afternoon and morning after the clock (after a year, "م"
    # is the Gregorian era, "2024 م": only after a clock is it the half of the day)
    (re.compile(r"(?<![\d:])(\d{1,2}:\d{2})\s*(?:م|مساء|مساءً|مساءا)(?![\u0600-\u06ff])"), r"\1 PM"),
    (re.compile(r"(?<![\d:])(\d{1,2}:\d{2})\s*(?:ص|صباحا|صباحًا|صباحاً)(?![\u0600-\u06ff])"), r"\1 AM"),
    # Sept. / janv. / Okt. / г.
    (re.compile(rf"({_LETTER}+)\.(?!\d)"), r"\1"),
]
_GREG_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGIT_NEAR = re.compile(r"\d")


@lru_cache(maxsize=None)
def _lexicon(code: str):
    """(month words -> month, weekday words, connector words, am/pm words) of one dateparser
    language, or None for a language dateparser does not know."""
    try:
        from dateparser.languages.loader import default_loader
        info = default_loader.get_locale(code).info
    except Exception:  # noqa: BLE001 - an unknown language code is just not used
        return None
    months: dict[str, int] = {}
    for number, key in enumerate(_MONTH_KEYS, 1):
        for name in info.get(key, ()):
            name = name.lower().rstrip(".")
            if name and not name[0].isdigit() and " " not in name:
                months.setdefault(name, number)
    # A dotted abbreviation the locale does not list ("ноем." for ноември): any start of four letters or
    # more of one month's full name that starts no other month's name.
    starts: dict[str, set[int]] = {}
    for name, number in months.items():
        for end in range(4, len(name)):
            starts.setdefault(name[:end], set()).add(number)
    for start, numbers in starts.items():
        if len(numbers) == 1 and start not in months:
            months[start] = next(iter(numbers))
    weekdays = set()
    for key in _DAY_KEYS:
        for name in info.get(key, ()):
            for part in re.split(r"[\s().-]+", name.lower()):
                if len(part) >= 3 and part not in months:
                    weekdays.add(part)
    skip = {s.lower() for s in info.get("skip", ()) if any(c.isalpha() for c in s)} - {"هـ"}
    ampm = {s.lower().rstrip(".") for key in ("am", "pm") for s in info.get(key, ())}
    return months, weekdays, skip, ampm


def _language_codes(languages) -> tuple[str, ...]:
    codes = []
    for code in languages or ():
        base = str(code).lower().replace("_", "-").split("-")[0]
        if base and base not in codes and _lexicon(base) is not None:
            codes.append(base)
    return tuple(codes) or DEFAULT_LANGUAGES


@lru_cache(maxsize=64)
def _vocabulary(codes: tuple[str, ...]):
    months: dict[str, dict[str, int]] = {}  # word -> {language: month}
    weekdays, skip, ampm = set(_MORE_WEEKDAYS), set(_CONNECTORS), {"am", "pm"}
    for code in codes:
        lex = _lexicon(code)
        if lex is None:
            continue
        for word, number in lex[0].items():
            months.setdefault(word, {})[code] = number
        weekdays |= lex[1]
        skip |= lex[2]
        ampm |= lex[3]
    for word, number in MONTHS.items():  # the patterns' own month names (English, French, Arabic, Persian)
        months.setdefault(word, {}).setdefault("*", number)
    weekdays -= months.keys()
    return months, weekdays, skip, ampm


_SETTINGS = {
    "PARSERS": ["absolute-time"],          # no "relative-time", no "timestamp"
    "REQUIRE_PARTS": ["month", "year"],    # never a year or a month taken from today
    "RETURN_TIME_AS_PERIOD": True,
    "PREFER_DAY_OF_MONTH": "first",        # a month stamp's day is dropped anyway (period "month")
    "RELATIVE_BASE": datetime(2000, 1, 1),
    "STRICT_PARSING": False,               # month stamps are dates too: the day is checked below
}


@lru_cache(maxsize=64)
def _parser(codes: tuple[str, ...]):
    from dateparser.date import DateDataParser
    return DateDataParser(languages=list(codes), try_previous_locales=False, settings=_SETTINGS)


@lru_cache(maxsize=4096)
def _parse(norm: str, codes: tuple[str, ...]):
    try:
        data = _parser(codes).get_date_data(norm)
    except Exception:  # noqa: BLE001 - dateparser's own failures are "no date"
        return None
    if data is None or data.date_obj is None:
        return None
    return data.date_obj, data.period


class _Kinds:
    """The date role of each token, worked out only for the tokens a window reaches."""

    def __init__(self, tokens, vocab):
        self.tokens, self.vocab, self.memo = tokens, vocab, {}

    def __getitem__(self, i: int) -> str:
        kind = self.memo.get(i)
        if kind is None:
            kind = self.memo[i] = self._kind(i)
        return kind

    def _kind(self, i: int) -> str:
        tokens = self.tokens
        kind, value, start, _ = tokens[i]
        if kind == "num":
            return "num" if len(value) <= 4 else "long"
        if kind == "space":
            return "sp"
        if kind == "punct":
            return "sep" if value in _SEPARATORS else "stop"
        if kind == "cjkwd":
            return "wd"
        if kind == "cjkampm":
            return "ampm"
        if kind == "cjk":
            return "mark" if value in _CJK_MARKS else "stop"
        months, weekdays, skip, ampm = self.vocab
        low = value.lower().rstrip(".") if kind == "ampm" else value.lower()
        glued = i > 0 and tokens[i - 1][0] == "num" and tokens[i - 1][3] == start
        before = tokens[max(0, i - 2):i]
        prev_num = any(t[0] == "num" for t in before) and all(t[0] in ("num", "space") for t in before)
        if kind == "ampm" or (low in ampm and low in ("am", "pm", "a", "p", "m")):
            # Latin am/pm only after a number ("am" is also German for "on the")
            return "ampm" if prev_num or glued else ("skip" if low in skip else "stop")  # "11:34am"
        if low in ampm:  # 오후, 午後, مساءً, अपराह्न
            return "ampm"
        if low in months:
            return "month"
        if low in _KO_MARKS:
            return "mark"
        if (low in ZONES and (low not in _UPPER_ONLY_ZONES or value.isupper())) or value in ("ET", "PT"):
            return "zone"
        if low in weekdays:
            return "wd"
        if low in _HOUR_MARKS and (glued or prev_num):
            return "hour"
        if low in _ORDINALS and glued:
            return "ord"
        if low in skip:
            return "skip"
        return "stop"


def _window_norm(tokens, kinds, left, right) -> str:
    parts = []
    for i in range(left, right + 1):
        kind, value, start, _ = tokens[i]
        k = kinds[i]
        if k in ("wd", "ord"):
            if k == "wd":
                parts.append(" ")
            continue
        if value == "@":  # "Ogos 19, 2026 @ 11:34am"
            parts.append(" ")
            continue
        if k == "ampm" and kind == "ampm":
            value = "PM" if value[0] in "pP" else "AM"
        if parts and i > left and tokens[i - 1][3] == start and (
                (kinds[i - 1] == "num" and k in ("month", "zone", "skip", "ampm"))
                or (kinds[i - 1] in ("month", "skip", "zone") and k == "num")):
            parts.append(" ")  # "5März", "Mar2024": glued words and numbers
        parts.append(value)
    return "".join(parts)


def _fallback(text: str, source: str, whole: bool, languages, order) -> tuple[str, str] | None:
    """Dates the patterns do not read: the tokens around each Gregorian year, cleaned, read by the
    patterns again, then (with a month name or 年/月 marks) by dateparser, and checked."""
    if not _GREG_YEAR.search(text):
        return None
    tokens = [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    anchors = [i for i, t in enumerate(tokens)
               if t[0] == "num" and len(t[1]) == 4 and t[1][:2] in ("19", "20")]
    if not anchors:
        return None
    codes = _language_codes(languages)
    page = codes[0] if languages and codes[0] == str(languages[0]).lower().split("-")[0] else None
    vocab = _vocabulary(codes)
    kinds = _Kinds(tokens, vocab)
    years = set(anchors)
    done = -1
    for anchor in anchors:
        if anchor <= done:
            continue
        left = right = anchor
        while left > 0 and kinds[left - 1] not in ("stop", "long") and (left - 1) not in years:
            left -= 1
        while right + 1 < len(tokens) and kinds[right + 1] not in ("stop", "long") and (right + 1) not in years:
            right += 1
        done = right
        if (left > 0 and kinds[left - 1] == "long") or (right + 1 < len(tokens) and kinds[right + 1] == "long"):
            continue  # "28 Mar 202429 Mar 2024": a number glued to the stamp
        while left < anchor and kinds[left] in ("sp", "sep", "skip"):
            left += 1
        while right > anchor and kinds[right] in ("sp", "sep", "skip"):
            right -= 1
        if right + 1 < len(tokens) and tokens[right + 1][1] in ")）" and sum(
                tokens[i][1] in "(（" for i in range(left, right + 1)) > sum(
                tokens[i][1] in ")）" for i in range(left, right + 1)):
            right += 1  # "14:05 (GMT+3)": the bracket the window opened
        found = _read_window(tokens, kinds, left, right, anchor, vocab, codes, order, page)
        if not found:
            continue
        span_start, span_end = tokens[left][2], tokens[right][3]
        if whole and _has_other_words(source[:span_start] + " " + source[span_end:]):
            continue
        return found, source[span_start:span_end].strip()
    return None


def _read_window(tokens, kinds, left, right, anchor, vocab, codes, order, page=None) -> str | None:
    """The date in tokens[left..right] around the year at `anchor`, or None. `page`: the page's own
    language, when known (its month names win over other languages' same words)."""
    window = range(left, right + 1)
    month_words = [tokens[i][1].lower() for i in window if kinds[i] == "month"]
    cjk_month = [i for i in window if kinds[i] == "mark" and tokens[i][1] in ("月", "월")]
    nums = [i for i in window if kinds[i] == "num" and i != anchor]
    if not month_words and not cjk_month and len(nums) < 2:
        return None  # no month: a year alone, "Room 2024", "© 2024"
    norm = _window_norm(tokens, kinds, left, right)
    for pattern, repl in _NORMALISE:
        norm = pattern.sub(repl, norm)
    offset = None
    zm = _TIME_ZONE.search(norm)
    if zm:
        offset = _zone(zm.group("zone"))
        norm = norm[:zm.start()] + zm.group("t") + norm[zm.end():]
    zone_words = {tokens[i][1] for i in window if kinds[i] == "zone"}
    for word in zone_words:  # a zone that follows no time says nothing
        norm = re.sub(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", " ", norm)
    norm = re.sub(r"\s+", " ", norm).strip(" ,.-/:–—،")
    norm = re.sub(r"(?<!\d)((?:19|20)\d\d)\.(?=\s|$)", r"\1", norm)  # "23.06.2026. u 15:40": a stop after the year
    clock = _CLOCK.search(norm)

    def with_offset(iso: str) -> str:
        if offset and "T" in iso and not re.search(r"[+-]\d\d:\d\d$", iso):
            return iso + offset
        return iso

    # The month names' languages: the page's own first (it knows "listopad" is October in Croatian, not
    # November as in Czech), else every language that has them all.
    langs: list[str] = []
    printed_months: set[int] = set()
    if month_words:
        if page and all(page in vocab[0].get(w, {}) for w in month_words):
            langs = [page]
        else:
            langs = [c for c in codes if all(c in vocab[0].get(w, {}) for w in month_words)]
        if not langs and all("*" in vocab[0].get(w, {}) for w in month_words):
            langs = [c for c in ("en", "fr", "ar", "fa") if c in codes]
        printed_months = {vocab[0][w].get(c, vocab[0][w].get("*")) for w in month_words for c in langs} - {None}
        if not langs:
            printed_months = {n for w in month_words for n in vocab[0][w].values()}
    # The patterns, on the cleaned candidate ("Publish date3 Oct 2022", "14h05", "Sept.", "05-03-2024"),
    # a month name of another language read as the English one ("21 ноем. 2026, 17:48").
    numeric = not month_words and not cjk_month
    probe = re.sub(r"(?<!\d)(\d{1,2})-(\d{1,2})-((?:19|20)\d\d)(?!\d)", r"\1/\2/\3", norm) if numeric else norm
    if numeric:  # "18. 11. 2025": a day and a month with a stop and a space each
        probe = re.sub(r"(?<![\d.])(\d{1,2})\.\s(\d{1,2})\.\s?((?:19|20)\d\d)(?!\d)", r"\1.\2.\3", probe)
    local_ampm = any(kinds[i] == "ampm" and tokens[i][0] != "ampm" for i in window)  # अपराह्न, 오후: dateparser's
    # connectors between the parts ("23.06.2026. u 15:40", "14 de marzo de 2024") say nothing to the patterns
    probe = " ".join(w for w in probe.split(" ") if w.lower() in ("am", "pm", "a", "p") or w.lower() not in vocab[2])
    if month_words and len(printed_months) == 1 and any(w not in MONTHS for w in month_words) and not local_ampm:
        english = _MONTH_KEYS[next(iter(printed_months)) - 1]
        for w in set(month_words):
            probe = re.sub(rf"(?<![^\W\d_]){re.escape(w)}\.?(?![^\W\d_])", english, probe, flags=re.I)
    best = None
    for kind, pattern in PATTERNS:
        m = pattern.search(probe)
        if not m:
            continue
        if _DIGIT_NEAR.search(probe[:m.start()] + " " + probe[m.end():]):
            continue  # "5 March 2024 12": numbers the date does not explain
        iso = _build(m, kind, order() if kind in ("dmy-num", "tdmy-num") else None)
        if iso and (best is None or m.start() < best[1] or (m.start() == best[1] and len(iso) > len(best[0]))):
            best = (iso, m.start())
    if best:
        if len(best[0]) == 7 and month_words and not any(len(w) >= 4 or w in MONTHS for w in month_words):
            return None  # "sie 2024": an abbreviation alone is too weak for a month stamp
        return with_offset(best[0])
    if numeric:
        return None  # numbers only: the patterns' reading (and its day/month-order rule) stands
    # dateparser, in the languages whose month names are printed.
    if not month_words:
        marks = {tokens[i][1] for i in cjk_month}
        langs = [c for c in codes if (c in ("zh", "ja") and "月" in marks) or (c == "ko" and "월" in marks)]
        printed_months = {int(tokens[i - 1][1]) for i in cjk_month if i > left and kinds[i - 1] == "num"}
    if not langs or len(printed_months) != 1:
        return None
    parsed = _parse(norm, tuple(langs))
    if parsed is None:
        return None
    dt, period = parsed
    year = int(tokens[anchor][1])
    if dt.year != year or dt.month not in printed_months or dt.tzinfo is not None:
        return None
    # The numbers printed besides the year, the month's number (月), the time and the zone: the day.
    rest = norm if not clock else norm[:clock.start()] + " " + norm[clock.end():]
    rest = re.sub(r"\d{1,2}\s?[月월]", " ", rest)
    rest = re.sub(rf"(?<!\d){year}(?!\d)", " ", rest, count=1)
    day_nums = [int(n) for n in re.findall(r"\d+", rest)]
    if period == "month":
        if day_nums or clock:
            return None  # "32 März 2024": a number that is not a day
        if month_words and not any(len(w) >= 4 or w in MONTHS for w in month_words):
            return None  # "sie 2024": an abbreviation alone is too weak for a month stamp
        return f"{year:04d}-{dt.month:02d}"
    if period not in ("day", "time") or day_nums != [dt.day]:
        return None
    out = f"{year:04d}-{dt.month:02d}-{dt.day:02d}"
    if period == "time" and clock:
        h, mi = int(clock.group("h")), int(clock.group("mi"))
        if mi != dt.minute or h % 12 != dt.hour % 12 or (clock.group("ampm") is None and h != dt.hour
                                                         and not any(kinds[i] == "ampm" for i in window)):
            return out
        out += f"T{dt.hour:02d}:{dt.minute:02d}"
        if clock.group("s"):
            out += f":{dt.second:02d}"
        return with_offset(out)
    return out


def find_date(text: str, whole: bool = False, day_first: bool | None = None,
              day_first_in: str | None = None, *, languages: tuple[str, ...] | None = None,
              lunar_hijri: bool = False) -> tuple[str, str] | None:
    """The first explicit date in `text` as (iso, matched span); with `whole`, the date must be all
    the text has (a dateline), bar a weekday, punctuation and an "[Updated ...]" tail.

    Numeric dates whose order is ambiguous (03/04/2024) are read day first when `day_first` is True,
    month first when it is False; when it is None, from `languages` (the page's languages, ISO 639-1
    codes, first the main one: a language other than English, or English of a day-first region such
    as en-GB, reads day first; en-US month first), else from the text itself (see DAY_FIRST), else not
    at all. `day_first_in`: a text (the whole line) whose convention decides instead of `text`,
    looked at only when an ambiguous numeric date needs it.

    `languages` also chooses the month names dateparser reads when the patterns find nothing (by
    default DEFAULT_LANGUAGES). `lunar_hijri`: convert lunar Hijri dates (a Hijri month name, or هـ /
    AH after the date) to Gregorian (Umm al-Qura); a Gregorian date on the same line wins. Off by
    default: the conversion depends on the calendar variant (sighting vs tables: a day either way).
    Digits of other scripts (Arabic-Indic, Persian, Devanagari...) are read as ASCII digits; the span
    returned is the text as printed."""
    source = text
    if not text.isascii() and _NON_ASCII_DIGIT.search(text):
        text = text.translate(_DIGITS)
    if not _YEAR.search(text):
        return None
    half = len(text) // 2
    if half >= 6 and text[:half] == text[half:]:
        text = text[:half]  # a stamp the scraper glued to its copy: "28 Mar 202428 Mar 2024"
        source = source[:half]

    resolved: list = []

    def order() -> bool | None:
        if not resolved:
            value = day_first
            if value is None:
                value = _order_from_languages(languages)
            if value is None and DAY_FIRST.search(text if day_first_in is None else day_first_in):
                value = True
            resolved.append(value)
        return resolved[0]

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
            if _WORD.search(_WEEKDAY_RE.sub(" ", rest)) and _has_other_words(rest):
                continue
        iso = _build(m, kind, order() if kind in ("dmy-num", "tdmy-num") else None)
        if iso is None:
            continue
        # Prefer the earliest match; among equal starts, the most precise.
        if best is None or m.start() < best[2] or (m.start() == best[2] and len(iso) > len(best[0])):
            best = (iso, source[m.start():m.end()].strip(), m.start())
    if best:
        if len(best[0]) == 10:
            # "5 March 2024, 1400 hrs": a time the patterns do not read may follow the date.
            end = best[2] + len(best[1])
            if _DIGIT_NEAR.search(text, end, end + 12):
                found = _fallback(text, source, whole, languages, order)
                if found and len(found[0]) > 10 and found[0].startswith(best[0]):
                    return found
        return best[0], best[1]
    found = _fallback(text, source, whole, languages, order)
    if found:
        return found
    if lunar_hijri:
        return _lunar_hijri(text, source, whole)
    return None
