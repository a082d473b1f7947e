"""find_date on publication stamps in the world's forms: the ISO value at the precision printed, never a
relative, yearless or ambiguous date, and the span it was read from."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from archiver.extract.dates import _DIGITS, find_date

# (stamp, keyword arguments, expected ISO value), each computed by hand from the printed text.
DATES = [
    # English
    ("28 March 2024", {}, "2024-03-28"),
    ("March 2024", {}, "2024-03"),
    ("Sept. 5, 2024, 2:05 p.m. EDT", {}, "2024-09-05T14:05-04:00"),
    ("5 Sept. 2024", {}, "2024-09-05"),
    ("Mar. 3, 2024 11:30 a.m.", {}, "2024-03-03T11:30"),
    ("3rd March 2024", {}, "2024-03-03"),
    ("Publish date3 Oct 2022", {}, "2022-10-03"),
    ("Published: Tuesday 5 March 2024 09:15 GMT", {}, "2024-03-05T09:15+00:00"),
    ("Tue, 05 Mar 2024 14:00:00 +0000", {}, "2024-03-05T14:00:00+00:00"),
    ("Mon, 4 Mar 2024 23:59:01 GMT", {}, "2024-03-04T23:59:01+00:00"),
    ("March 28, 2024, 9:46 p.m. ET", {}, "2024-03-28T21:46"),
    ("5 Mar 2024 10:00 IST", {}, "2024-03-05T10:00+05:30"),
    ("March 5, 2024 8:00 AM PKT", {}, "2024-03-05T08:00+05:00"),
    ("5 March 2024, 1400 hrs", {}, "2024-03-05T14:00"),
    ("05 Mar 2024 09:00 AEDT", {}, "2024-03-05T09:00+11:00"),
    ("5 March 2024 10:15 SAST", {}, "2024-03-05T10:15+02:00"),
    ("5 March 2024 09:30 EAT", {}, "2024-03-05T09:30+03:00"),
    ("03/04/2024", {"languages": ("en-GB",)}, "2024-04-03"),
    ("03/04/2024", {"languages": ("en-US",)}, "2024-03-04"),
    ("03/04/2024", {"day_first": False}, "2024-03-04"),
    ("19/01/2023", {}, "2023-01-19"),
    # ISO and feeds
    ("2024-03-05T14:00:00Z", {}, "2024-03-05T14:00:00+00:00"),
    ("2024-03-05T14:00:00.123+05:30", {}, "2024-03-05T14:00:00+05:30"),
    ("2024-03-05 14:00 +0300", {}, "2024-03-05T14:00+03:00"),
    ("2024/03/05 14:05 KST", {}, "2024-03-05T14:05+09:00"),
    ("2024.03.05", {}, "2024-03-05"),
    # French
    ("1er mars 2024", {}, "2024-03-01"),
    ("Publié le mardi 5 mars 2024 à 14h05", {}, "2024-03-05T14:05"),
    ("Mis à jour le 05/03/2024 à 21:46", {}, "2024-03-05T21:46"),
    ("févr. 2024", {}, "2024-02"),
    ("5 mars 2024 14h05 CET", {}, "2024-03-05T14:05+01:00"),
    # German
    ("Veröffentlicht am03.04.2024", {}, "2024-04-03"),
    ("Dienstag, 5. März 2024, 14:05 Uhr", {}, "2024-03-05T14:05"),
    ("5. März 2024 um 14:05 Uhr MEZ", {}, "2024-03-05T14:05+01:00"),
    ("März 2024", {}, "2024-03"),
    ("5. Mai 2024", {}, "2024-05-05"),
    ("05-03-2024", {"languages": ("de",)}, "2024-03-05"),
    ("03/04/2024", {"languages": ("de",)}, "2024-04-03"),
    ("4. Okt. 2023, 18 Uhr", {}, "2023-10-04T18:00"),
    # Spanish
    ("martes, 5 de marzo de 2024", {}, "2024-03-05"),
    ("5 de marzo de 2024, 14:05 h", {}, "2024-03-05T14:05"),
    ("3º de marzo de 2024", {}, "2024-03-03"),
    ("15 de abril de 2024 09:05 a.m.", {}, "2024-04-15T09:05"),
    ("marzo de 2024", {}, "2024-03"),
    # Italian
    ("5 marzo 2024 alle ore 14:05", {}, "2024-03-05T14:05"),
    ("martedì 5 marzo 2024", {}, "2024-03-05"),
    # Portuguese
    ("5 de março de 2024 às 14h05", {}, "2024-03-05T14:05"),
    ("terça-feira, 5 de março de 2024", {}, "2024-03-05"),
    # Dutch
    ("5 maart 2024 om 14:05", {}, "2024-03-05T14:05"),
    # Polish
    ("5 marca 2024 r., 14:05", {}, "2024-03-05T14:05"),
    # Russian
    ("5 марта 2024 г., 14:05 МСК", {}, "2024-03-05T14:05+03:00"),
    ("5 марта 2024 г.", {}, "2024-03-05"),
    # Turkish
    ("5 Mart 2024 Salı 14:05", {}, "2024-03-05T14:05"),
    ("5 Nisan 2024 Cuma", {}, "2024-04-05"),
    ("05.03.2024 14:05 TRT", {}, "2024-03-05T14:05+03:00"),
    # Indonesian
    ("Selasa, 5 Maret 2024 14:05 WIB", {}, "2024-03-05T14:05+07:00"),
    ("Jumat, 5 April 2024 | 14:05 WITA", {}, "2024-04-05T14:05+08:00"),
    # Chinese, Japanese, Korean
    ("2024年3月5日 14時05分", {}, "2024-03-05T14:05"),
    ("2024年3月5日 星期二 下午3:05", {}, "2024-03-05T15:05"),
    ("2024年3月5日(火) 14:05 JST", {}, "2024-03-05T14:05+09:00"),
    ("2024年3月", {}, "2024-03"),
    ("2024년 3월 5일 오후 2:05", {}, "2024-03-05T14:05"),
    ("2024년 3월 5일 화요일", {}, "2024-03-05"),
    # Hindi (Devanagari digits too), Urdu, Hebrew
    ("5 मार्च 2024", {}, "2024-03-05"),
    ("५ मार्च २०२४", {}, "2024-03-05"),
    ("5 مارچ 2024", {"languages": ("ur",)}, "2024-03-05"),
    ("5 במרץ 2024", {}, "2024-03-05"),
    # Arabic (Gregorian month names, Arabic-Indic digits)
    ("٥ مارس ٢٠٢٤", {}, "2024-03-05"),
    ("3 آذار 2024", {}, "2024-03-03"),
    ("تاريخ النشر: 05/03/2024", {}, "2024-03-05"),
    # Persian: Solar Hijri, and Gregorian month names
    ("۸ فروردین ۱۴۰۳", {}, "2024-03-27"),
    ("۸ فروردین ۱۴۰۳، ۲۱:۴۶", {}, "2024-03-27T21:46"),
    ("1402/11/15", {}, "2024-02-04"),
    # Lunar Hijri (converted when asked to); a Gregorian date on the same line wins
    ("18 رمضان 1445 هـ", {"lunar_hijri": True}, "2024-03-28"),
    ("1445/09/18 هـ", {"lunar_hijri": True}, "2024-03-28"),
    ("18 Ramadan 1445 AH", {"lunar_hijri": True}, "2024-03-28"),
    ("الخميس 18 رمضان 1445 هـ الموافق 28 مارس 2024", {"lunar_hijri": True}, "2024-03-28"),
    ("الجمعة 1 شوال 1445 هـ - 12 أبريل 2024", {"lunar_hijri": True}, "2024-04-12"),
]


@pytest.mark.parametrize("stamp, kwargs, expected", DATES)
def test_stamps_read_at_the_printed_precision(stamp, kwargs, expected):
    found = find_date(stamp, **kwargs)
    assert found is not None, stamp
    assert found[0] == expected
    assert found[1] in stamp


def test_the_table_covers_many_languages_and_forms():
    assert len(DATES) >= 60
    assert sum(1 for _, _, iso in DATES if len(iso) == 7) >= 5  # month precision
    assert sum(1 for _, _, iso in DATES if iso[-6] in "+-" and "T" in iso) >= 10  # zones


@pytest.mark.parametrize("stamp, parts", [
    ("Dhu al-Hijjah 10, 1445 AH", (1445, 12, 10)),
    ("١٠ ذو الحجة ١٤٤٥ هـ", (1445, 12, 10)),
    ("1 محرم 1446 هـ", (1446, 1, 1)),
    ("27 رجب 1445هـ", (1445, 7, 27)),
    ("15/8/1445 هـ", (1445, 8, 15)),
])
def test_lunar_hijri_dates_are_converted_as_hijridate_does(stamp, parts):
    from hijridate import Hijri
    expected = Hijri(*parts).to_gregorian().isoformat()
    assert find_date(stamp, lunar_hijri=True)[0] == expected


def test_lunar_hijri_is_not_converted_unless_asked_and_never_read_as_solar():
    for stamp in ("18 رمضان 1445 هـ", "1445/09/18 هـ", "1445/09/18"):
        assert find_date(stamp) is None
    assert find_date("1445/09/18", lunar_hijri=True) is None  # no marker, no month name


NOT_DATES = [
    ("3 hours ago", {}), ("2 hours ago, 2024 edition", {}), ("vor 3 Stunden", {}), ("hace 2 días", {}),
    ("il y a 3 heures", {}), ("منذ ساعتين", {}), ("3 саат önce", {}), ("昨天", {}), ("昨天 2024", {}),
    ("yesterday", {}), ("Updated yesterday at 10:30", {}), ("Thursday", {}), ("Dienstag", {}),
    ("BEIRUT, June 4", {}), ("5 mars", {}), ("5. März, 14:05 Uhr", {}), ("3月5日 14:05", {}),
    ("03/04/2024", {}), ("03/04/2024", {"languages": ("en",)}), ("05-03-2024", {}),
    ("Call +1 (202) 555-2024", {}), ("Tel: 020 2024 1234", {}), ("version 2024.1.3", {}), ("v2024.1.3", {}),
    ("Room 2024", {}), ("Copyright 2024 The Associated Press", {}), ("© 2024 Reuters", {}),
    ("2024", {}), ("In 2024, prices rose", {}), ("sie 2024 haben", {}),
    ("Published On 28 Mar 202429 Mar 2024", {}), ("32 März 2024", {}), ("31 February 2024", {}),
    ("5 Mart 2024", {"languages": ("en",)}),  # Turkish month name, the caller says English
]


@pytest.mark.parametrize("stamp, kwargs", NOT_DATES)
def test_relative_yearless_ambiguous_and_non_dates_are_none(stamp, kwargs):
    assert find_date(stamp, **kwargs) is None


def test_whole_means_nothing_else_but_a_weekday():
    assert find_date("Dienstag, 5. März 2024, 14:05 Uhr", whole=True)[0] == "2024-03-05T14:05"
    assert find_date("Selasa, 5 Maret 2024 14:05 WIB", whole=True)[0] == "2024-03-05T14:05+07:00"
    assert find_date("Publish date3 Oct 2022", whole=True) is None
    assert find_date("Veröffentlicht am 5. März 2024", whole=True) is None


def test_the_span_is_the_date_expression():
    assert find_date("Publish date3 Oct 2022") == ("2022-10-03", "3 Oct 2022")
    assert find_date("Veröffentlicht am 5. März 2024 · Lesezeit 3 Min.")[1] == "5. März 2024"
    assert find_date("Room 12 | 5 de marzo de 2024 | Madrid")[1] == "5 de marzo de 2024"
    assert find_date("٥ مارس ٢٠٢٤")[1] == "٥ مارس ٢٠٢٤"  # as printed


def test_the_earlier_date_and_the_gregorian_one_win():
    assert find_date("5 mars 2024, mis à jour le 6 mars 2024")[0] == "2024-03-05"
    assert find_date("18 رمضان 1445 هـ / 28 مارس 2024", lunar_hijri=True)[0] == "2024-03-28"


TEXT = st.lists(st.sampled_from(list("0123456789 ./-:,+年月日년월일hHTZ") + [
    "March ", "mars ", "März ", "marzo ", "марта ", "Mart ", "2024", "1445", "1403", "هـ", "رمضان ", "فروردین ",
    "a.m.", "p.m.", "Uhr", "GMT", "WIB", "ago", "Tuesday ", "Dienstag ", "星期二", "오후", "٢٠٢٤", "۱۴۰۳", "२०२४",
    "(", ")", "|", "3rd", "1er", "Sept.", "de ", "г.", "\n"]), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.booleans(), st.sampled_from([None, ("en",), ("de",), ("en-US",), ("ja", "zh"), ("xx",)]),
       st.booleans())
def test_never_raises_and_the_span_is_in_the_text(text, whole, languages, lunar):
    found = find_date(text, whole=whole, languages=languages, lunar_hijri=lunar)
    if found is not None:
        iso, span = found
        assert span and span in text
        assert span.translate(_DIGITS) in text.translate(_DIGITS)
        assert len(iso) in (7, 10, 16, 19, 22, 25)
