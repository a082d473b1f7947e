"""Extractor 2.2's general fixes outside titles: a clock printed beside a day stamp is part of the date; a
copyright line's abbreviations do not cut the holder's name, and a company's legal name yields to the
page's other signatures; photographers, publications and desks are never the byline."""
from __future__ import annotations

import pytest

from archiver.extract import extract, outlets

BODY = ("The council said on Monday that the new route would open in the autumn after several rounds of "
        "consultation with residents, unions and business groups across the city.\n\n"
        "Officials said the first phase would cost about 40 million and run for three years, with a review "
        "after the first eighteen months.\n")
IT = ("Il consiglio comunale ha approvato lunedì il nuovo piano per il trasporto pubblico dopo una lunga "
      "discussione con i residenti e le associazioni dei commercianti della città.\n")
FA = ("شورای شهر روز دوشنبه اعلام کرد که خط جدید اتوبوس برقی از پاییز امسال راه‌اندازی می‌شود و ساکنان "
      "مناطق جنوبی شهر از آن استفاده خواهند کرد.\n")


@pytest.mark.parametrize("header, published", [
    ("By Eleanor Whitcombe\n12 February 2024 • 6:00am", "2024-02-12T06:00"),
    ("Published:Wednesday | April 2, 2025 | 12:08 AM", "2025-04-02T00:08"),
    ("Tanesha Blackwood\nApril 2, 2025 | 3:15 PM", "2025-04-02T15:15"),
    ("Redazione\nROMA\n22 gennaio 2024\n16:48", "2024-01-22T16:48"),
    ("Publish : 04 Mar 2025, 10:02 AM", "2025-03-04T10:02"),
])
def test_a_clock_beside_a_day_stamp_is_part_of_the_date(header, published):
    body = IT if "gennaio" in header else BODY
    fields = extract(f"City council backs the new cross-town bus route\n{header}\n\n{body}")
    assert fields["published"].value == published


def test_a_clock_before_a_labelled_solar_hijri_stamp():
    fields = extract(f"راه‌اندازی خط جدید اتوبوس برقی در تهران\nتاریخ انتشار: ۱۰:۳۲ - ۰۵ مهر ۱۴۰۲\n\n{FA}")
    assert fields["published"].value == "2023-09-27T10:32"


def test_a_clock_is_not_taken_from_an_update_stamp_or_a_far_line():
    fields = extract(f"City council backs the new cross-town bus route\n12 February 2024 | Updated 14:05\n\n{BODY}")
    assert fields["published"].value == "2024-02-12"
    far = extract(f"City council backs the new cross-town bus route\n12 February 2024\n\n\n\n16:48\n\n{BODY}")
    assert far["published"].value == "2024-02-12"


@pytest.mark.parametrize("footer, holder", [
    ("© Copyright LA VOZ DE GALICIA S.A. Polígono de Sabón, Arteixo, A Coruña (España)", "LA VOZ DE GALICIA"),
    ("© 2024 Η ΚΑΘΗΜΕΡΙΝΗ Α.Ε. Με την επιφύλαξη παντός δικαιώματος.", "Η ΚΑΘΗΜΕΡΙΝΗ"),
    ("© 2026 Икономедиа АД. Всички права запазени.", "Икономедиа"),
    ("© 2026 St. Joseph Communications. All rights reserved.", None),   # the owner, a company: not "St"
    ("Crown copyright", None),
    ("Alle Rechte vorbehalten. Nutzung ausschließlich für den privaten Eigenbedarf.", None),   # a sentence
])
def test_a_copyright_holder_is_read_across_abbreviations_and_is_never_a_sentence(footer, holder):
    assert outlets.copyright_name(footer) == holder


def test_a_companys_legal_name_yields_to_the_pages_other_signatures():
    page = (f"Примерни новини\nСофия пуска нова линия на метрото до Слатина\nprimernovini.bg\n12 February 2024\n\n"
            f"{BODY}\n© 2026 Икономедиа АД. Всички права запазени.\n")
    outlet = extract(page)["outlet"]
    assert outlet.value == "primernovini.bg"
    assert [(e.rule, e.outcome, e.value) for e in outlet.evidence[1:]] == [
        ("outlet.copyright-line", "overruled", "Икономедиа")]
    assert outlets.names_a_company("© 2026 Икономедиа АД. Всички права запазени.")
    assert not outlets.names_a_company("© 2024 Kathmandu Post. All rights reserved.")


@pytest.mark.parametrize("name, byline", [
    ("Na HAMISI NGOWA", "HAMISI NGOWA"),    # Swahili "by"
    ("USA TODAY", None),                    # a publication, not a person
    ("Fotografia Nuno Ribeiro", None),      # a photographer's credit
])
def test_a_bare_name_above_the_stamp(name, byline):
    fields = extract(f"City council backs the new cross-town bus route\n{name}\n12 February 2024\n\n{BODY}")
    assert fields["byline"].value == byline


def test_a_japanese_reporters_desk_is_not_part_of_the_byline():
    text = ("札幌市電、新停留場を2027年春開業へ\n\n2026年3月5日\n\n"
            "札幌市は市電のループ化区間に新しい停留場を設けると発表した。整備費は約6億円で、国の補助金も活用する。"
            "市交通局の担当者は「冬でも使いやすい停留場にしたい」と話した。\n\n"
            "市電は2015年にループ化され、現在は24の停留場がある。（報道センター　佐藤健太）\n\n関連記事\n市電の運賃改定へ\n")
    assert extract(text)["byline"].value == "佐藤健太"
    assert extract(text.replace("報道センター　", ""))["byline"].value == "佐藤健太"


def test_a_cookie_banner_above_the_headline_does_not_end_the_header(monkeypatch):
    monkeypatch.setenv("ARCHIVER_TITLE_SCORER", "hand")   # the candidates are what is tested here
    page = ("Hoppa till huvudinnehållet\nNyheter | Sport | Kultur\n\n"
            "We care about your privacy. We and our partners use cookies to store and access information on "
            "your device, for personalised ads and content, measurement and audience research.\n"
            "Accept | Reject | Manage options\n\n"
            "Council approves new cross-town bus lanes on Amiral Street\n\nBy Maria Lopez\n12 February 2024\n\n"
            f"{BODY}")
    assert extract(page)["title"].value == "Council approves new cross-town bus lanes on Amiral Street"


def test_a_headline_holding_a_date_is_still_a_headline(monkeypatch):
    monkeypatch.setenv("ARCHIVER_TITLE_SCORER", "hand")
    page = ("Hindustan Petroleum to add 1,200 EV chargers on highways by March 2027\n\nBy Maria Lopez\n"
            f"12 February 2024\n\n{BODY}")
    fields = extract(page)
    assert fields["title"].value == "Hindustan Petroleum to add 1,200 EV chargers on highways by March 2027"
    assert fields["published"].value == "2024-02-12"
