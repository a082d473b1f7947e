"""Extractor behaviour on the framings of real outlets, a few lines each: stamps as scrapers leave
them, zones, calendars, lead-ins in Arabic script, bylines with roles."""
from __future__ import annotations

import pytest

from archiver.extract import extract

EN = ("Officials said on Monday that the new plan would be presented to parliament next month after "
      "several rounds of consultation with regional governments and business groups across the country.")
FR = ("Le gouvernement a présenté mercredi un projet de loi destiné à accélérer la construction de "
      "logements, alors que les prix continuent d'augmenter dans les grandes villes du pays.")
AR = ("وقال الوزير في مؤتمر صحفي إن الخطة ستنفذ على مراحل خلال الأشهر الستة المقبلة بالتعاون مع "
      "البنوك المحلية والحكومة والقطاع الخاص في جميع المحافظات.")
FA = ("وزیر امور خارجه کشورمان در این دیدار با اشاره به روابط دو کشور گفت که همکاری‌های اقتصادی باید "
      "در ماه‌های آینده گسترش یابد و دو طرف بر ادامه گفت‌وگوها تأکید کردند.")


def value(text, name):
    return extract(text)[name].value


@pytest.mark.parametrize("stamp, expected", [
    # an update stamp glued to the dateline before it (the date beside it is the dateline)
    ("March 28, 2024 9:46 PM GMT+3Updated 2 hours ago", "2024-03-28T21:46+03:00"),
    # a stamp line that looks like a menu (three short items between bars)
    ("Source: Xinhua | 2024-03-28 21:46:00 | Editor: huaxia", "2024-03-28T21:46:00"),
    # the scraper glued the stamp to its own copy: the day is still printed
    ("Published On 28 Mar 202428 Mar 2024", "2024-03-28"),
    # a named zone that does not say which offset: the time stands, no offset is invented
    ("March 28, 2024, 9:46 p.m. ET", "2024-03-28T21:46"),
    ("Thu 28 Mar 2024 21.46 GMT", "2024-03-28T21:46+00:00"),
    # a month and year after a day that did not parse are not a month-precision date
    ("Published On 28 Mar 202429 Mar 2024", None),
])
def test_stamps_as_scrapers_leave_them(stamp, expected):
    assert value(f"Headline Here\n\n{stamp}\n\n{EN}\n", "published") == expected


def test_persian_stamp_with_persian_comma_and_digits_is_converted():
    text = f"دیدار وزیر خارجه با همتای عمانی\n\n۸ فروردین ۱۴۰۳، ۲۱:۴۶\n\n{FA}\n"
    assert value(text, "published") == "2024-03-27T21:46"


@pytest.mark.parametrize("stamp", ["1445/09/18 هـ", "18 رمضان 1445 هـ", "1445/09/18"])
def test_lunar_hijri_dates_are_not_read_as_solar(stamp):
    assert value(f"عنوان الخبر هنا\n\n{stamp}\n\n{AR}\n", "published") is None


def test_ambiguous_numeric_dates_read_day_first_only_where_the_line_says_so():
    assert value(f"Titre ici\n\nPublié le 05/03/2024 à 21:46\n\n{FR}\n", "published") == "2024-03-05T21:46"
    assert value(f"عنوان الخبر هنا\n\nتاريخ النشر: 05/03/2024\n\n{AR}\n", "published") == "2024-03-05"
    assert value(f"Headline Here\n\n05/03/2024\n\n{EN}\n", "published") is None


def test_arabic_city_slash_and_parenthesised_lead_ins():
    field = extract(f"تركيا ترسل مساعدات إلى ليبيا\n\nأنقرة/ الأناضول\n\n{AR}\n")["outlet"]
    assert field.value == "Anadolu Agency" and field.evidence[0].line == 3
    assert value(f"عنوان الخبر هنا\n\nغزة (أ ف ب) - {AR}\n", "outlet") == "AFP"


def test_a_name_that_is_also_a_menu_item_is_a_masthead_only_as_the_first_line():
    assert value(f"العربية\n\nعنوان الخبر هنا\n\n{AR}\n", "outlet") == "Al Arabiya"
    # a language menu flattened into lines: "العربية" is the Arabic link, not the publisher
    assert value(f"Headline Here\n\nEnglish\nالعربية\n\n{EN}\n", "outlet") is None


@pytest.mark.parametrize("line, expected", [
    ("By Lyse Doucet, Chief international correspondent", "Lyse Doucet"),
    ("Par Benjamin Barthe (Beyrouth, correspondant)", "Benjamin Barthe"),
    ("By ZEKE MILLER and SEUNG MIN KIM", "ZEKE MILLER and SEUNG MIN KIM"),
    ("By Staff, Agencies", "Staff, Agencies"),
    ("Translated by Sara Ahmadi", None),
])
def test_bylines_keep_the_name_not_the_role_or_place(line, expected):
    assert value(f"Headline Here\n\n{line}\n\n{EN}\n", "byline") == expected


def test_wire_lead_ins_name_the_outlet_and_evidence_quotes_the_span():
    text = f"Iran FM meets Omani counterpart\n\nTEHRAN, Mar. 28 (MNA) – {EN}\n"
    field = extract(text)["outlet"]
    assert field.value == "Mehr News Agency"
    assert field.evidence[0].text == "TEHRAN, Mar. 28 (MNA) –"
    assert value(f"Headline Here\n\nMOSCOW, March 28. /TASS/. {EN}\n", "outlet") == "TASS"
    assert value(f"دیدار وزیر خارجه\n\nتهران- ایرنا- {FA}\n", "outlet") == "IRNA"


def test_an_agency_name_under_the_headline_is_a_photo_credit_not_the_masthead():
    assert value(f"Headline Here Today\n\nAFP\n\n{EN}\n", "outlet") is None
    assert value(f"Reuters\n\nHeadline Here Today\n\n{EN}\n", "outlet") == "Reuters"
    assert value(f"Headline Here Today\n\n{EN}\n\n© 2024 Reuters\n", "outlet") == "Reuters"
    # a broadcaster's or paper's name under the headline is its masthead (seeds/004)
    assert value(f"Headline Here Today\n\nPress TV\n\n{EN}\n", "outlet") == "Press TV"


def test_a_page_title_suffix_names_the_site_and_is_not_part_of_the_headline():
    fields = extract(f"Iran says ready to talk | Press TV\n\n{EN}\n")
    assert fields["title"].value == "Iran says ready to talk"
    assert fields["outlet"].value == "Press TV"
    assert fields["outlet"].evidence[0].rule == "outlet.title-suffix"


@pytest.mark.usefixtures("hand_scorer")
def test_section_labels_and_glued_copies_are_not_the_headline():
    assert value(f"Middle East\n\nIran says ready to talk\n\n{EN}\n", "title") == "Iran says ready to talk"
    assert value(f"Big News TodayBig News Today\n\n{EN}\n", "title") == "Big News Today"


def test_a_bare_date_label_in_the_body_is_an_event_date():
    text = f"Conference Opens in Doha\n\n{EN}\n\nDate: 15 April 2024\nVenue: Doha Exhibition Centre\n\n{EN}\n"
    assert value(text, "published") is None
