"""Extractor 2.3's general fixes, each on a minimal page through extract(): stamps of other stories at the
foot do not silence the page's own; month names of the page's language (and their dotted abbreviations),
a stop after the year, a stamp in brackets; a menu of many words does not end the header; a stamp a few
lines under the standfirst is read; an outlet's name is never cut inside a word; a headline beginning
"Sources:" names no source; a caption's photographer, a data credit, a role and a glued "By" stay out
of the byline; the languages whose month names the dates need are told apart."""
from __future__ import annotations

import pytest

from archiver.extract import extract, language
from tests.test_extract_signals import BODY  # the same minimal article body

HEADLINE = "City council backs the new cross-town bus route"
HR = ("Gradsko vijeće je u ponedjeljak odobrilo novu autobusnu liniju koja će povezati središte grada s "
      "naseljima na istoku, a prvi autobusi trebali bi krenuti već na proljeće prema planu prijevoznika.\n\n"
      "Gradonačelnik je rekao da je to samo prvi korak i da će se mreža linija širiti i sljedeće godine.\n")
BG = ("Общинският съвет одобри в понеделник новата автобусна линия, която ще свърже центъра на града с "
      "източните квартали, а първите автобуси ще тръгнат през пролетта, съобщиха от общината.\n\n"
      "Кметът каза, че това е само първата стъпка и че мрежата ще се разшири и през следващата година.\n")
MS = ("Majlis bandaraya berkata pada hari Isnin bahawa laluan baharu itu akan dibuka kerana permintaan "
      "penduduk meningkat, dan beliau menambah bahawa kerja pembinaan akan bermula daripada bulan depan "
      "bagi memastikan projek siap mengikut jadual yang ditetapkan oleh kerajaan negeri.\n")
AR = ("أعلنت ولاية وهران يوم الاثنين عن إطلاق مشروع جديد لتهيئة الواجهة البحرية للمدينة قبل بداية فصل "
      "الصيف، وقال المسؤولون إن الأشغال ستنطلق خلال الأسابيع المقبلة بمشاركة عدة مؤسسات محلية.\n")
RELATED = "\n\nRelated stories\n\nBus fares to rise in spring\n24 January 2026\n\nNew tram depot approved\n9 January 2026\n"


def test_dates_of_other_stories_at_the_foot_leave_the_page_s_own_stamp():
    page = f"{HEADLINE}\nPublished 6 February 2026, 05:00\n\n{BODY}\nBus fares to rise in spring\n30 January 2026\n" \
           "New tram depot approved\n2 February 2026\n"
    assert extract(page)["published"].value == "2026-02-06T05:00"


def test_one_date_alone_at_the_foot_is_still_the_stamp_when_the_top_has_none():
    assert extract(f"{HEADLINE}\n\n{BODY}\n6 February 2026\n")["published"].value == "2026-02-06"


@pytest.mark.parametrize("page, published", [
    (f"Novi autobusi za istok grada\n23.06.2026. u 15:40\n\n{HR}", "2026-06-23T15:40"),
    (f"Novi autobusi za istok grada\nObjavljeno: 28. kolovoza 2026. u 19:40\n\n{HR}", "2026-08-28T19:40"),
    (f"Нова автобусна линия за източните квартали\n21 ноем. 2026, 17:48\n\n{BG}", "2026-11-21T17:48"),
    (f"Laluan bas baharu ke pinggir bandar\nOgos 19, 2026 @ 11:34am\n\n{MS}", "2026-08-19T11:34"),
    (f"ولاية وهران تطلق مشروع تهيئة الواجهة البحرية\nنُشر في 05 جوان 2026، 10:15\n\n{AR}", "2026-06-05T10:15"),
    ("Stadtrat plant Tempo 30 auf der Rosengartenstrasse\nPubliziert: 03.07.2026, 16:25\n\n"
     "Der Stadtrat will die stark befahrene Achse beruhigen und hat am Montag einen Plan vorgestellt, der "
     "von den Anwohnern seit Jahren gefordert wird und nun im Herbst umgesetzt werden soll.\n", "2026-07-03T16:25"),
])
def test_month_names_and_stamps_of_the_page_s_language(page, published):
    assert extract(page)["published"].value == published


def test_a_month_name_s_language_is_the_page_s_when_languages_disagree():
    # "listopad" is October in Croatian, November in Czech and Polish
    page = f"Novi autobusi za istok grada\n28. listopada 2026.\n\n{HR}"
    assert extract(page)["published"].value == "2026-10-28"


def test_an_update_stamp_in_brackets_is_the_update():
    page = f"{HEADLINE}\n18 March 2025,\n(Updated 18 March 2025, 5:02 PM IST)\n\n{BODY}"
    fields = extract(page)
    assert fields["published"].value == "2025-03-18"
    assert fields["updated"].value == "2025-03-18T17:02+05:30"


def test_a_long_menu_line_does_not_end_the_header():
    menu = "Latest news | New Zealand | World | Business | Sport | Entertainment | Lifestyle | Travel | " \
           "Opinion | Auckland | Wellington | Northland | Waikato | Bay of Plenty | Canterbury | Otago"
    page = f"The Daily Example\n{menu}\n\n{HEADLINE}\n\nBy Hana Te Rangi\n6 May, 2025 04:30 PM\n\n{BODY}"
    fields = extract(page)
    assert fields["byline"].value == "Hana Te Rangi"
    assert fields["published"].value == "2025-05-06T16:30"


def test_a_stamp_under_the_standfirst_and_the_byline_is_read():
    page = (f"{HEADLINE}\n\nA thin film applied in a single dipping step keeps the road surface from cracking, "
            "engineers reported this week.\n\nHelena Varga | City News\nPublication Date:\nMarch 12, 2025\n\n" + BODY)
    assert extract(page)["published"].value == "2025-03-12"


@pytest.mark.parametrize("name", ["Danas", "Daily Trust", "Dagens Nyheter"])
def test_a_masthead_keeps_its_first_letters(name):
    # "Da…", "By…", "Di…" at the start of a name are not the preposition "da", "by", "di"
    page = f"{name}\nHome | News | Sport\n\n{HEADLINE}\n\n{BODY}\n© 2026 {name}. All rights reserved.\n"
    assert extract(page)["outlet"].value == name


def test_a_city_above_the_masthead_s_company_is_not_the_outlet():
    page = f"Göteborg\n\n{HEADLINE}\n\n{BODY}\n© 2026 Göteborgs-Posten\n"
    assert extract(page)["outlet"].value != "Göteborg"


def test_a_headline_beginning_sources_names_no_source():
    page = f"The Daily Example Sports\n\nSources: Bulls, Pistons discuss three-team trade\n\n{BODY}"
    assert extract(page)["outlet"].value != "Bulls"


def test_a_copyright_sentence_after_the_holder_is_not_part_of_the_name():
    page = f"{HEADLINE}\n\n{BODY}\nCopyright © The Hokkaido Shimbun Press. 記事・写真などの無断転載は禁じます。\n"
    assert extract(page)["outlet"].value in ("The Hokkaido Shimbun Press", "Hokkaido Shimbun")


@pytest.mark.parametrize("lines, byline", [
    ("Madeline Kovac\nPublished Jan 22, 2026\n\nCrews at work in Calgary in June 2024. Photo by Gavin Ostrowski /Postmedia",
     "Madeline Kovac"),
    ("by Ana Reyes and Thomas Whitfield, with data analysis by\nKendra Ollie\nNov. 20, 2025", "Ana Reyes and Thomas Whitfield"),
    ("ByCatriona Baird\nPublished 14th Feb 2024, 16:45 GMT", "Catriona Baird"),
    ("By Daniel Holland Local Democracy Reporter\n12:03, 23 NOV 2025", "Daniel Holland"),
])
def test_captions_credits_roles_and_glued_by_stay_out_of_the_byline(lines, byline):
    assert extract(f"{HEADLINE}\n{lines}\n\n{BODY}")["byline"].value == byline


@pytest.mark.parametrize("text, code", [(HR, "hr"), (BG, "bg"), (MS, "ms"),
                                        ("Pemerintah kota mengatakan pada hari Senin bahwa jalur baru tersebut akan "
                                         "dibuka karena permintaan warga meningkat, dan kepada wartawan ia menambahkan "
                                         "bahwa pembangunan adalah prioritas yang tidak bisa ditunda lagi.", "id")])
def test_languages_the_dates_need_are_told_apart(text, code):
    found = language.identify(text)
    assert found is not None and found[0] == code, found


STANDFIRST = ("Cal/OSHA has fewer than half the inspectors it is budgeted for, leaving advocates worried the rules "
              "will go unenforced this summer.\n")


@pytest.mark.parametrize("lines, byline", [
    ("Maya Castellanos\nLabor reporter\nOctober 8, 2026", "Maya Castellanos"),
    ("Daniela Ruiz\nMonterrey / 01.12.2026 16:48:00", "Daniela Ruiz"),
    ("Colm Whelan\n2 hours ago", "Colm Whelan"),
    ("Eduarda Klein\neduarda.klein@example.com", "Eduarda Klein"),
    ("21.11.2025, 11:40\nΜαρία Παπαδάκη", "Μαρία Παπαδάκη"),
    ("Ingrid Haugland\nJournalist\nSindre Myklebust\nJournalist", "Ingrid Haugland, Sindre Myklebust"),
    ("Helena Varga | MIT News\nPublication Date:\nMarch 12, 2025", "Helena Varga"),
    ("Tanesha Blackwood/Staff Reporter", "Tanesha Blackwood"),
    ("Text: Elin Bergqvist", "Elin Bergqvist"),
])
def test_a_name_under_the_standfirst_by_its_role_stamp_or_address(lines, byline):
    page = f"{HEADLINE}\n\n{STANDFIRST}\n{lines}\n\n{BODY}"
    assert extract(page)["byline"].value == byline


def test_a_masthead_with_a_word_of_chrome_above_or_in_it_and_a_section_are_told_apart():
    # "Kyiv Independent - News" is a masthead and its section, not an author and the outlet
    page = f"Kyiv Independent - News\n\n{HEADLINE}\n\n{BODY}"
    assert extract(page)["byline"].value is None


@pytest.mark.parametrize("foot, outlet", [
    ("Follow Planet Rugby on X and Instagram", "Planet Rugby"),
    ("© Mothership 2025", "Mothership"),
    ("P.IVA 05050231008 - Copyright © 2025 Il Gazzettino", "Il Gazzettino"),
    ("© Copyright 2026 The Globe and Mail Inc. All rights reserved.", "The Globe and Mail"),
])
def test_the_masthead_under_a_skip_link_is_confirmed_by_the_page_naming_it_again(foot, outlet):
    page = f"Skip to main content\n{outlet}\nNews | Sport | Business\n\n{HEADLINE}\n\n{BODY}\n{foot}\n"
    assert extract(page)["outlet"].value == outlet


def test_a_section_name_named_again_in_a_menu_is_not_the_outlet():
    page = f"Politics\nHome | Politics | World\n\n{HEADLINE}\n\n{BODY}\nMore from Home | Politics\n"
    assert extract(page)["outlet"].value is None


def test_a_short_and_a_long_form_of_one_name_agree():
    # the same outlet as a masthead and with its generic tail: no conflict, the name without the tail
    page = f"RTÉ\nNews | Sport\n\nRTÉ News\n\n{HEADLINE}\n\n{BODY}\n© RTÉ 2025\n"
    assert extract(page)["outlet"].value in ("RTÉ", "RTÉ News")


def test_a_city_in_capitals_is_no_agency():
    page = f"{HEADLINE}\n\nEXAMPLE.CO.ID, JAKARTA -- {BODY}"
    assert extract(page)["credit"].value != "JAKARTA"


def test_a_share_button_is_no_masthead():
    page = f"The Kariba Notebook\nSubscribe   Sign in\n\nShare this post\n\n{HEADLINE}\n\n{BODY}"
    assert extract(page)["outlet"].value != "Share this post"


def test_an_owner_s_legal_name_alone_is_evidence_not_the_outlet():
    page = f"{HEADLINE}\n\n{BODY}\nCopyright © Examplecorp 2025. Examplecorp Pte Ltd. All rights reserved.\n"
    field = extract(page)["outlet"]
    assert field.value is None
    assert field.evidence and field.evidence[0].outcome == "abstained"
    # named as the publication elsewhere on the page, it is the outlet
    page = f"Toronto Star\n\n{HEADLINE}\n\n{BODY}\n© Copyright Toronto Star Newspapers Ltd. All rights reserved.\n"
    assert extract(page)["outlet"].value in ("Toronto Star", "Toronto Star Newspapers")


def test_a_site_clock_above_the_headline_yields_to_the_stamp_under_it():
    page = f"The Daily Example\nThursday, 20 Nov 2025\n\n{HEADLINE}\n\nPublished 19 Nov 2025, 3:45 PM\n\n{BODY}"
    assert extract(page)["published"].value == "2025-11-19T15:45"


@pytest.mark.parametrize("stamp, published", [("18. 11. 2025. у 12:40", "2025-11-18T12:40"),
                                              ("5. 3. 2025", "2025-03-05")])
def test_day_and_month_with_a_stop_and_a_space(stamp, published):
    assert extract(f"{HEADLINE}\n{stamp}\n\n{BODY}")["published"].value == published


def test_an_author_a_hyphen_and_the_stamp_under_the_standfirst():
    page = f"{HEADLINE}\n\n{STANDFIRST}\nFarah Liyana Kamal - 19 Nov 2025, 3:45 PM\n\n{BODY}"
    fields = extract(page)
    assert fields["published"].value == "2025-11-19T15:45"
    assert fields["byline"].value == "Farah Liyana Kamal"


def test_a_cache_banner_above_the_page_does_not_end_its_header():
    page = ("This is Google's cache of https://www.example.com/news/article-871234. It is a snapshot of the page "
            "as it appeared on 21 Nov 2025 09:12:44 GMT.\nFull version    Text-only version    View source\n\n"
            f"The Daily Example\n\n{HEADLINE}\n\n{STANDFIRST}\nBy TAMAR HAREL\nNOVEMBER 19, 2025 14:27\n\n{BODY}")
    fields = extract(page)
    assert fields["byline"].value == "TAMAR HAREL"
    assert fields["published"].value == "2025-11-19T14:27"


def test_a_short_article_in_hangul_is_not_a_listing():
    # five short paragraphs: fewer than 600 characters, as much said as 1,000 Latin letters say
    ko = ("서울시는 18일 심야 시간대 공공자전거 요금을 절반으로 낮추는 방안을 발표했다고 밝혔다.\n\n"
          "대중교통이 끊긴 시간대 시민들의 이동을 돕기 위한 조치로 내년 1월부터 시행된다고 전했다.\n\n"
          "시는 심야 이용자의 안전을 위해 주요 대여소 주변에 조명과 폐쇄회로 카메라를 늘리기로 했다.\n\n"
          "서울시 관계자는 지하철과 버스가 끊긴 뒤 택시를 잡기 어려운 시민들이 많다고 설명했다.\n\n"
          "다만 음주 후 자전거 이용이 늘어날 수 있다는 우려도 나와 시는 단속을 함께 강화할 방침이다.\n")
    related = "".join(f"\n관련 기사 {i}번 제목입니다\n2025.11.{10 + i:02d}\n" for i in range(4))
    page = f"서울시, 내년부터 심야 따릉이 요금 절반으로 낮춘다\n\n김지현 기자\n입력 2025.11.18 16:20\n\n{ko}{related}"
    fields = extract(page)
    assert fields["published"].value == "2025-11-18T16:20"
    assert fields["byline"].value == "김지현"


def test_the_word_copyright_before_the_holder_is_not_part_of_its_name():
    page = f"{HEADLINE}\n\n{BODY}\nکاپی رائٹ © 2025 جیو نیوز۔ جملہ حقوق محفوظ ہیں۔\n"
    assert extract(page)["outlet"].value != "کاپی رائٹ جیو نیوز"
