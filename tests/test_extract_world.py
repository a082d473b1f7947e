"""Dates, languages and captions of pages in the world's forms, from the outside (`extract` on page
text): stamps under labels of more languages, clocks written "kl. 05.30", "om 03.00 uur", "오후 2:05",
weekdays in two letters or two words, the language of scripts several languages share, and photo
credits that are never a title."""
from __future__ import annotations

import pytest

from archiver.extract import extract
from archiver.extract.language import identify

BODIES = {
    "sv": "Regeringen meddelade på tisdagen att det nya tåget kommer att gå mellan Stockholm och Göteborg "
          "från och med hösten. Enligt Trafikverket är det en stor förändring för resenärerna som har väntat "
          "länge på beskedet, och det är inte första gången som frågan har varit uppe.",
    "nl": "Het kabinet heeft op dinsdag besloten dat de nieuwe trein vanaf het najaar tussen Amsterdam en "
          "Brussel gaat rijden. Volgens de minister is het een grote verandering voor de reizigers die al "
          "lang op het besluit wachten, en het is niet de eerste keer dat de vraag op tafel ligt.",
    "vi": "Theo kế hoạch của thành phố, các tuyến xe buýt điện mới sẽ được đưa vào hoạt động trong năm nay. "
          "Người dân cho biết họ đã chờ đợi những tuyến này từ lâu, và đây là một thay đổi lớn cho việc đi lại "
          "của các khu dân cư ở ngoại thành.",
    "uk": "Уряд України ухвалив рішення про будівництво нової лінії метро у Києві. Про це повідомила "
          "прем'єр-міністр під час засідання. Вартість проєкту становить два мільярди гривень, і його "
          "реалізація триватиме чотири роки, повідомили у міністерстві інфраструктури.",
    "ko": "서울시는 올해 안에 새로운 전기버스 노선 다섯 개를 개통한다고 밝혔다. 시 관계자는 시민들의 "
          "요청이 많았던 지역을 중심으로 노선을 정했다고 설명했다. 새 노선은 출퇴근 시간에 더 자주 운행된다.",
}


def page(title: str, stamp: str, lang: str) -> str:
    return f"{title}\n\n{stamp}\n\n{BODIES[lang]}\n"


@pytest.mark.parametrize("title, stamp, lang, published", [
    ("Nytt tåg mellan Stockholm och Göteborg", "Publicerad 2024-03-21 kl. 05.30", "sv", "2024-03-21T05:30"),
    ("Nieuwe trein tussen Amsterdam en Brussel", "za 16 maart 2024 om 03.00 uur", "nl", "2024-03-16T03:00"),
    ("TP HCM sẽ mở thêm 12 tuyến xe buýt điện", "Thứ ba, 12/3/2024, 14:05 (GMT+7)", "vi", "2024-03-12T14:05+07:00"),
    ("Київ збудує нову лінію метро", "Вівторок, 2 квітня 2024, 16:45", "uk", "2024-04-02T16:45"),
    ("서울시, 전기버스 노선 5개 신설", "기사입력 2024.03.12. 오후 2:05", "ko", "2024-03-12T14:05"),
])
def test_stamps_in_more_languages_are_read_with_their_clock(title, stamp, lang, published):
    fields = extract(page(title, stamp, lang))
    assert fields["published"].value == published
    assert fields["title"].value == title
    assert fields["language"].value == lang


def test_an_update_stamp_in_another_language_is_not_the_publication_date():
    fields = extract(page("Nytt tåg mellan Stockholm och Göteborg", "Uppdaterad 2024-03-22 kl. 07.12", "sv"))
    assert fields["published"].value is None
    assert fields["updated"].value == "2024-03-22T07:12"


@pytest.mark.parametrize("text, lang", [
    (BODIES["uk"], "uk"),
    ("Правительство России утвердило план строительства новой линии метро. Об этом сообщили в "
     "пресс-службе. Стоимость проекта составит два миллиарда рублей, а работы будут вестись четыре года, "
     "и это вызывает вопросы у жителей района.", "ru"),
    ("北京市政府今天宣布，将在今年年底前开通三条新的地铁线路，以缓解城市交通压力。据介绍，新线路总长约八十公里。", "zh"),
    ("東京都は今日、新しい地下鉄の路線を来年開業すると発表しました。総工費は約三千億円となる見込みです。", "ja"),
    (BODIES["sv"], "sv"),
    (BODIES["vi"], "vi"),
])
def test_languages_of_shared_scripts_and_more_latin_ones(text, lang):
    assert identify(text)[0] == lang


def test_cyrillic_without_a_telling_letter_is_left_unknown():
    assert identify("Министр сказал, что план будет представлен в парламенте в марте и что работа "
                    "начнется в апреле.") is None   # no і ї є ґ, no ы э ё: Russian or Bulgarian or ...


@pytest.mark.parametrize("caption", [
    "A tram at St Peter's Square in Manchester city centre (Image: Manchester Evening News / Sam Riley)",
    "Commuters wait for a train at the Lynnwood City Center station. (Erin Halvorsen / The Seattle Times)",
    "Passengers on the new platform at Central station. Photograph: Lena Ortiz/Reuters",
])
def test_a_photo_caption_with_its_credit_is_never_the_title(caption):
    body = ("Trams will run later on weekends from May, the operator said on Monday, after a survey of "
            "passengers found that most wanted services after midnight. The change will cost the network "
            "about two million pounds a year, and the council has agreed to pay for it.")
    fields = extract(f"Home\nNews\n\n{caption}\n\n{body}\n")
    assert fields["title"].value != caption
    titled = extract(f"Trams to run later on weekends from May\n\n{caption}\n\n{body}\n")
    assert titled["title"].value == "Trams to run later on weekends from May"


ARTICLE = ("Headline of the day about the new tram line\n\nBy Ana Costa\n\n"
           "The city will open a new tram line next year, the mayor said on Monday, after two years of "
           "planning and a public consultation that drew more than ten thousand responses from residents.\n\n")


@pytest.mark.parametrize("masthead, footer, outlet", [
    # a name that reads like a person's, printed as the first line and held in the copyright line
    ("Correio Braziliense\n", "© Copyright 2024 Correio Braziliense. Todos os direitos reservados.", "Correio Braziliense"),
    # the Russian legal form first, the name in quotes: the name is the publication's
    ("", "© АО «Коммерсантъ». Все права защищены.", "Коммерсантъ"),
    # owners, not publications: a company's words after the legal form is cut
    ("", "© 2024 Premium Times Services Ltd. All rights reserved.", None),
    ("", "© АО «Бизнес Ньюс Медиа», 2024", None),
])
def test_copyright_holders_name_the_publication_not_its_owner(masthead, footer, outlet):
    assert extract(f"{masthead}{ARTICLE}{footer}\n")["outlet"].value == outlet


def test_a_newsletter_authors_copyright_does_not_make_the_author_an_outlet():
    page = ("The Gulf Ledger\n\nRail link finally gets its funding\n\nHamid Rezvani\nMar 4, 2024\n\n"
            + ARTICLE.split("\n\n", 2)[2] + "Subscribe to The Gulf Ledger\n\n© 2024 Hamid Rezvani\n")
    assert extract(page)["outlet"].value != "Hamid Rezvani"


@pytest.mark.parametrize("between", ["Transport Reporter", "The Canadian Press", "4 min read"])
def test_a_bare_name_above_its_role_an_agency_or_a_reading_time_and_a_stamp_is_the_byline(between):
    body = ARTICLE.split("\n\n", 2)[2]
    page = (f"Home\nNews\n\nOttawa to double rural internet grant fund for small providers\n\n"
            f"Jordan Whitfield\n{between}\nPublished Tuesday, March 12, 2024 4:51PM EDT\n\n{body}")
    fields = extract(page)
    assert fields["byline"].value == "Jordan Whitfield"
    assert fields["title"].value == "Ottawa to double rural internet grant fund for small providers"


JA_LEDE = ("明石港で十五日、海の日を祝うイベントが開かれ、多くの親子連れでにぎわった。市によると、来場者は"
           "昨年を上回る約二万人に上り、港内では帆船の一般公開や体験乗船などが行われた。")


@pytest.mark.parametrize("page, byline", [
    # a Korean reporter's name, title and address on their own line under the story
    ("서울시, 전기버스 노선 5개 신설\n\n2024.03.12\n\n" + BODIES["ko"] + "\n\n김지훈 기자 kjh@hani.co.kr\n\n"
     "많이 본 기사\n서울 봄철 황사 경보 첫 발령\n", "김지훈"),
    # a Korean wire lead-in; a header line "name 기자 기자 페이지" (the role is not the name)
    ("서울시, 전기버스 노선 5개 신설\n\n김민수 기자 기자 페이지\n\n(서울=연합뉴스) 김민수 기자 = " + BODIES["ko"] + "\n",
     "김민수"),
    # a Chinese reporter in brackets at the head of the first paragraph
    ("北京今年开通三条地铁新线\n\n【环球时报特约记者 陈思远】北京市政府今天宣布，将在今年年底前开通三条新的地铁线路，"
     "以缓解城市交通压力。据介绍，新线路总长约八十公里。\n", "陈思远"),
    # a Japanese reporter in brackets after the story's last sentence, related headlines below it
    ("明石港で海の日イベント\n\n2024年7月15日\n\n" + JA_LEDE + "\n\n当日は会場周辺で交通規制が実施されるため、実行委は"
     "公共交通機関の利用を呼びかけている。（小林大輔）\n\n関連記事\n市民花火大会の協賛金募集始まる\n", "小林大輔"),
])
def test_reporters_of_korean_chinese_and_japanese_stories(page, byline):
    assert extract(page)["byline"].value == byline


def test_a_photo_note_in_brackets_is_no_japanese_byline():
    page = ("明石港で海の日イベント\n\n2024年7月15日\n\n" + JA_LEDE + "\n\n当日は会場周辺で交通規制が実施されるため、"
            "実行委は公共交通機関の利用を呼びかけている。（写真は昨年）\n")
    assert extract(page)["byline"].value is None


def test_a_line_with_only_a_lunar_hijri_date_is_no_title_and_no_date():
    body = ("أعلنت أمانة منطقة الرياض اليوم عن إطلاق مبادرة جديدة لزراعة الأشجار في الأحياء السكنية، في إطار "
            "جهودها لتحسين جودة الحياة وزيادة المساحات الخضراء في المدينة خلال العام الحالي.")
    title = "أمانة الرياض تطلق مبادرة لزراعة الأشجار في الأحياء السكنية"
    for stamp in ("الأربعاء 14 ذو القعدة 1445 هـ - 10:22 ص", "الثلاثاء - 2 شهر رمضان 1445"):
        fields = extract(f"{stamp}\n\n{title}\n\n{body}\n")
        assert fields["title"].value == title
        assert fields["published"].value is None     # not converted: the calendar variant decides the day


def test_a_chinese_headline_between_menu_lines_is_no_menu_item():
    page = ("中時新聞網\n首頁 即時 政治 生活 社會 財經 國際\n即時 > 生活\n\n台北捷運環狀線北環段 預計明年底部分通車\n\n"
            "中國時報 陳怡君／台北報導\n2024/05/16 18:20\n\n台北市捷運工程局16日表示，捷運環狀線北環段工程目前整體進度約"
            "百分之六十二，預計明年底先行通車部分路段，全線則視土建與機電工程進度再行評估。\n")
    assert extract(page)["title"].value == "台北捷運環狀線北環段 預計明年底部分通車"


AR_BODY = ("أعلنت الحكومة اليوم عن خطة جديدة لتطوير شبكة النقل العام في العاصمة، تشمل إنشاء خطوط حافلات "
           "جديدة وتوسيع محطات القطار خلال السنوات الثلاث المقبلة، وفق ما ذكرت وزارة النقل في بيان.")


@pytest.mark.parametrize("stamp, published", [
    ("الثلاثاء، 9 تموز 2024 04:12 م", "2024-07-09T16:12"),        # م after the clock: afternoon
    ("نُشر: 9 تموز 2024 10:05 ص", "2024-07-09T10:05"),           # ص: morning; نُشر: published
    ("الثلاثاء 12 مارس 2024 م", "2024-03-12"),                    # م after the year: the era, no clock
])
def test_arabic_stamps_with_the_half_of_the_day_and_the_era(stamp, published):
    page = f"الحكومة تعلن خطة لتطوير النقل العام في العاصمة\n\n{stamp}\n\n{AR_BODY}\n"
    assert extract(page)["published"].value == published


def test_labels_with_a_slash_and_korean_sent_time():
    page = ("新加坡推出新一轮社区家居改善计划\n\n发布/2024年5月20日 15:32\n更新/2024年5月20日 17:10\n\n"
            "新加坡建屋发展局今天宣布，将推出新一轮社区家居改善计划，符合条件的组屋居民可申请免费安装扶手、防滑地砖等设施。\n")
    fields = extract(page)
    assert (fields["published"].value, fields["updated"].value) == ("2024-05-20T15:32", "2024-05-20T17:10")
    page = "서울시, 전기버스 노선 5개 신설\n\n송고시간2024-09-05 14:05\n\n" + BODIES["ko"] + "\n"
    assert extract(page)["published"].value == "2024-09-05T14:05"


def test_a_masthead_printed_again_at_the_foot_of_the_page_names_the_outlet():
    body = ARTICLE.split("\n\n", 2)[2]
    page = (f"Skip to content\nHarbour Lights\nNews | Sport | Opinion\n\n{ARTICLE.split(chr(10))[0]}\n\n"
            f"By Ana Costa\n\n{body}\nAbout us | Contact\nHarbour Lights\n")
    assert extract(page)["outlet"].value == "Harbour Lights"
    alone = page.replace("About us | Contact\nHarbour Lights\n", "About us | Contact\n")
    assert extract(alone)["outlet"].value is None          # printed once, unconfirmed: silent


def test_a_lower_case_brand_confirmed_by_its_web_address():
    body = ARTICLE.split("\n\n", 2)[2]
    page = f"kumparan\nNews | Bisnis\n\n{ARTICLE.split(chr(10))[0]}\n\nBy Ana Costa\n\n{body}\nkumparan.com\n"
    assert extract(page)["outlet"].value == "kumparan"


@pytest.mark.parametrize("top, foot, outlet", [
    # the first line atop a one-item-a-line menu; the publisher's company named after it at the foot
    ("La Vanguardia\nPortada\nInternacional\nPolítica\n", "© La Vanguardia Ediciones, S.L.U. Todos los derechos reservados",
     "La Vanguardia"),
    # the rights of the site "belong to" the name (Persian)
    ("همشهری آنلاین\n", "کلیه حقوق این سایت متعلق به همشهری آنلاین است", "همشهری آنلاین"),
])
def test_mastheads_confirmed_by_the_publishers_rights_line(top, foot, outlet):
    assert extract(f"{top}\n{ARTICLE}{foot}\n")["outlet"].value == outlet


@pytest.mark.usefixtures("hand_scorer")
def test_a_four_word_kicker_above_the_headline_is_not_the_title():
    body = ("Bis zu drei Kilometer Schutzwände sollen im Ernstfall binnen zwölf Stunden stehen. Bei einer Übung "
            "am Wochenende halfen erstmals auch Freiwillige aus den betroffenen Stadtteilen, wie die Stadt mitteilte.")
    page = (f"DER SPIEGEL\nPanorama\n\nHochwasserschutz an der Mosel\nTrier probt den Aufbau mobiler Deiche\n\n"
            f"{body}\n\nVon Katharina Brenner, Trier\n05.03.2024, 17.32 Uhr\n")
    assert extract(page)["title"].value == "Trier probt den Aufbau mobiler Deiche"


@pytest.mark.parametrize("caption", [
    "符合条件的组屋居民可申请免费安装扶手、防滑地砖等设施。(档案照片)",
    "Erkundet ihr neues Revier: Tigerweibchen Kirana im neuen Gehege des Zoos. Bild: Wonge Bergmann",
])
def test_captions_in_more_languages_are_no_title(caption):
    body = ARTICLE.split("\n\n", 2)[2]
    assert extract(f"Home\nNews\n\n{caption}\n\n{body}")["title"].value != caption


@pytest.mark.parametrize("stamp, published", [
    ("KYODO NEWS - Nov 22, 2023 - 18:34 | Japan, Business, All", "2023-11-22T18:34"),   # agency, dateline, sections
    ("Valencia - 07 may 2024 - 05:30 CEST", "2024-05-07T05:30+02:00"),                  # place, dateline
    ("09:41 26.01.2024 (обновлено: 11:02 26.01.2024)", "2024-01-26T09:41"),              # clock before a dotted date
    ("Publicada 12/2/2024 a las 11:05", "2024-02-12T11:05"),                             # "a las" before the clock
])
def test_datelines_after_a_name_and_clocks_before_or_after_connectors(stamp, published):
    page = f"Parliament approves the new budget plan\n\n{stamp}\n\n{ARTICLE.split(chr(10) * 2, 2)[2]}"
    assert extract(page)["published"].value == published
