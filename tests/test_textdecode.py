"""Legacy encodings are detected, not assumed: each sample is written in the encoding its language used
on the web and must come back as the same text, with the encoding named in the record."""
import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.textdecode import decode_text

SAMPLES = {
    "pl": "Zażółć gęślą jaźń. Warszawa, 12 marca 2024. Rząd ogłosił nowe przepisy dotyczące środowiska.",
    "cs": "Vláda schválila nový zákon o ochraně přírody. Praha, 12. března 2024. Ministr řekl, že vstoupí.",
    "tr": "Türkiye'de seçim sonuçları açıklandı. İstanbul, 12 Mart 2024 Salı. Güncelleme: 13 Mart.",
    "de": "Die Regierung hat ein neues Gesetz beschlossen. München, 12. März 2024, 14:05 Uhr. „sehr gut“.",
    "es": "El Gobierno aprobó una nueva ley. Madrid, 12 de marzo de 2024. ¿Qué dijo el ministro? Un año.",
    "fr": "Le gouvernement a adopté une loi. Paris, le 12 mars 2024 à 14h05. « C’est très bien ». Œuvre.",
    "en": "The minister said the café would reopen – “soon” – after the £2m refit.",
    "ru": "Правительство приняло новый закон. Москва, 12 марта 2024 года. Министр заявил об этом журналистам.",
    "uk": "Уряд ухвалив новий закон. Київ, 12 березня 2024 року. Міністр заявив про це журналістам.",
    "ar": "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية. القاهرة، 12 مارس 2024",
    "fa": "دولت امروز طرح جدیدی برای حمایت از کشاورزان در مناطق روستایی اعلام کرد. تهران، ۱۲ خرداد ۱۴۰۳",
    "el": "Η κυβέρνηση ανακοίνωσε σήμερα νέο σχέδιο για τους αγρότες. Αθήνα, 12 Μαρτίου 2024.",
    "he": "הממשלה הודיעה היום על תוכנית חדשה לתמיכה בחקלאים באזורים הכפריים.",
    "ja": "東京都は12日、新しい条例を発表した。2024年3月12日 14時05分 記者 山田太郎",
    "zh": "政府今天宣布了一项新的计划，以支持农村地区的农民。2024年3月12日",
    "ko": "정부는 오늘 농촌 지역 농민을 지원하기 위한 새로운 계획을 발표했다. 2024년 3월 12일",
}
CASES = [("pl", "cp1250", "windows-1250"), ("pl", "iso8859_2", "iso-8859-2"), ("cs", "cp1250", "windows-1250"),
         ("tr", "cp1254", "windows-1254"), ("tr", "iso8859_9", "windows-1254"), ("de", "cp1252", "windows-1252"),
         ("es", "cp1252", "windows-1252"), ("fr", "cp1252", "windows-1252"), ("en", "cp1252", "windows-1252"),
         ("ru", "cp1251", "windows-1251"), ("ru", "koi8_r", "koi8-r"), ("uk", "cp1251", "windows-1251"),
         ("ar", "cp1256", "windows-1256"), ("el", "cp1253", "windows-1253"), ("he", "cp1255", "windows-1255"),
         ("ja", "shift_jis", "shift_jis"), ("ja", "euc_jp", "euc-jp"), ("zh", "gb2312", "gb18030"),
         ("ko", "euc_kr", "euc-kr")]


@pytest.mark.parametrize("lang,codec,name", CASES)
def test_legacy_encoding_is_detected(lang, codec, name):
    text, found = decode_text(SAMPLES[lang].encode(codec))
    assert (text, found) == (SAMPLES[lang], name)


def test_utf8_and_boms_are_kept():
    s = SAMPLES["ru"]
    assert decode_text(s.encode("utf-8")) == (s, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + s.encode("utf-8")) == (s, "utf-8-sig")
    assert decode_text(s.encode("utf-16")) == (s, "utf-16")
    assert decode_text(b"\x00\x01binary") == (None, None)


def test_record_names_the_encoding_and_the_title_is_not_mojibake(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    title = "Правительство приняло новый закон о защите природы"
    body = ("Москва. Правительство России в среду приняло новый закон о защите природы, сообщили "
            "в пресс-службе кабинета министров, добавив, что закон вступит в силу в следующем году. ") * 3
    (src / "ru.txt").write_bytes(f"{title}\n\n{body}\n".encode("cp1251"))
    out = tmp_path / "records"
    result = CliRunner().invoke(main, ["manifest", str(src), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    import yaml
    record = yaml.safe_load((out / "ru.txt.yaml").read_text("utf-8"))
    assert record["source"]["encoding"] == "windows-1251"
    assert record["fields"]["title"]["value"] == title
