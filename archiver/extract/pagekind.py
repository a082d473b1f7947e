"""Is this page an article at all? Decided before any field is read.

A listing, a search page, an error page, a consent or paywall, a bot check, a sign-up or comments page
has no headline, author or publication date of its own: whatever the field rules found there would
belong to other stories or to the site. `classify` returns the page's kind and the line that shows it;
the extractor then records every field as unknown, with that evidence.

The evidence is general: phrases such pages print, in many languages (`KIND_PHRASES`), looked for in
the page's first lines, and the shape of the page (how much running prose it has, how many date stamps
and headline-like lines stand in it). An article needs a body: running prose of some length. A page
that prints a wall or error phrase and has little prose is that kind of page; a page with many stamped
short items and little prose is a listing.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from archiver.extract.dates import ASCII_DIGITS

ARTICLE = "article"

KIND_PHRASES = {
    "error": r"404|page not found|page cannot be found|this page (?:does not|doesn't) exist|error 404|"
             r"not found|seite nicht gefunden|página no encontrada|pagina non trovata|página não encontrada|"
             r"pagina niet gevonden|nie znaleziono strony|страница не найдена|sayfa bulunamadı|"
             r"page introuvable|la page demandée|الصفحة غير موجودة|الصفحة المطلوبة غير موجودة|"
             r"صفحه مورد نظر یافت نشد|صفحه یافت نشد|页面不存在|页面未找到|找不到页面|ページが見つかりません|"
             r"페이지를 찾을 수 없습니다|הדף לא נמצא|halaman tidak ditemukan|पेज नहीं मिला",
    "cdn-check": r"checking your browser|just a moment|performance (?:&|and) security by cloudflare|cloudflare|"
                 r"ddos-guard|tarayıcınız kontrol|browser wird überprüft|comprobando (?:tu|su) navegador|"
                 r"verifica del browser|проверка браузера|verify you are human|verifying you are human|"
                 r"enable javascript and cookies|ddos protection|attention required|ray id|"
                 r"are you a robot|security check|captcha|bot protection|access denied",
    "consent": r"we value your privacy|we care about your privacy|your privacy choices|manage (?:your )?consent|"
               r"consent preferences|accept all cookies|cookie consent|wir verwenden cookies|"
               r"ihre zustimmung|zustimmen und weiter|utilizamos cookies|usamos cookies|utilizziamo i cookie|"
               r"il tuo consenso|gebruik van cookies|używamy plików cookie|мы используем cookie|"
               r"çerez(?:ler)? kullan|nous utilisons des cookies|votre consentement|हम आपकी निजता|आपकी निजता|"
               r"कुकीज़|クッキーを使用|쿠키를 사용|אנו משתמשים בעוגיות|我们使用cookie|隐私政策|kami menggunakan cookie|"
               r"ما از کوکی|نستخدم ملفات تعريف الارتباط|موافقتك|بياناتك الشخصية|رضایت شما|הסכמתך|согласие на обработку|"
               r"ваше согласие|同意する|동의합니다|开启个性化|persetujuan anda",
    "paywall": r"subscribe to (?:continue|read)|to continue reading|this (?:article|content) is (?:for|only for|"
               r"available to) subscribers|already a subscriber|subscribers only|for subscribers|premium content|"
               r"become a member to read|unlock this article|jetzt abonnieren|weiterlesen mit|"
               r"exclusivo para suscriptores|contenuto riservato agli abbonati|conteúdo exclusivo para assinantes|"
               r"alleen voor abonnees|tylko dla prenumeratorów|только для подписчиков|abonelere özel|"
               r"réservé aux abonnés|للمشتركين فقط|مخص[ّ]?ص للمشتركين|لتقرأ هذا المقال|ویژه مشترکان|会员专享|有料会員|会員限定|"
               r"読者会員|유료 회원|כדי להמשיך לקרוא|זמינה למנויי|למנויים בלבד|untuk pelanggan|khusus pelanggan|"
               r"केवल सब्सक्राइबर|सब्सक्राइब करें|صرف سبسکرائبرز",
    "search": r"search results|results for|no results|showing results|suchergebnisse|resultados de (?:la )?búsqueda|"
              r"risultati (?:della )?ricerca|resultados da pesquisa|zoekresultaten|wyniki wyszukiwania|"
              r"результаты поиска|arama sonuçları|résultats de (?:la )?recherche|نتائج البحث|نتایج جستجو|"
              r"搜索结果|検索結果|검색 결과|תוצאות חיפוש|hasil pencarian|खोज परिणाम",
    "signup": r"masukkan (?:alamat )?email|daftar sekarang|berlangganan|create (?:an |your )?account|sign up for (?:our|the)|sign up now|join (?:now|for free)|"
              r"enter your email|your email address|newsletter sign.?up|konto erstellen|crea (?:una |tu )?cuenta|"
              r"crea un account|criar conta|utwórz konto|создать аккаунт|hesap oluştur|créer un compte|"
              r"إنشاء حساب|ایجاد حساب|创建账户|アカウント作成|회원가입",
    "login": r"forgot (?:your )?password|remember me|password|passwort|contraseña|senha|wachtwoord|hasło|"
             r"пароль|şifre|mot de passe|كلمة المرور|رمز عبور|密码|パスワード|비밀번호",
    "comments": r"\d+ comments?|comments? \(\d+\)|reply|replies|leave a comment|add a comment|post a comment|"
                r"תגובות|הגב|komentar|balas|टिप्पणी|टिप्पणियां|جواب|تبصرے|تبصرہ|답글|回复|回覆|返信|"
                r"kommentare|comentarios|commenti|comentários|reacties|komentarze|комментарии|yorumlar|"
                r"commentaires|التعليقات|نظرات|پاسخ|评论|コメント|댓글",
}
# A phrase stands as whole words in scripts that space their words (Latin, Greek, Cyrillic); in
# Arabic (prefixes glue on: "للمشتركين"), Hebrew and the CJK scripts (no spaces) it stands anywhere.
_EDGE_BEFORE = r"(?<![0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff_])"
_EDGE_AFTER = r"(?![0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff_])"
_KIND_RE = {kind: re.compile(rf"{_EDGE_BEFORE}(?:{pattern}){_EDGE_AFTER}", re.I) for kind, pattern in KIND_PHRASES.items()}
# Kinds whose phrase decides with little prose; "comments", "login" and "signup" (whose phrases are
# also the chrome of article pages: "Sign up for our newsletter") need two lines of them.
def literal_keys(alternation: str) -> tuple[str, ...]:
    """For each alternative of a phrase alternation, its longest literal word (lower case): every
    match contains one of them, so a text holding none is spared the regex (a substring test runs in C,
    the regex tries each position). Optional groups and escapes are dropped before the words are read."""
    keys = set()
    for alt in alternation.split("|"):
        plain = re.sub(r"\([^()]*\)\??|\\[dwsWDS][+*?]?|\\.|\[[^\]]*\][+*?]?|.\?", " ", alt)
        words = re.findall(r"[^\W\d_]{2,}|\d{3,}", plain)
        if not words:
            return ()  # an alternative with no literal word: no prefilter
        keys.add(max(words, key=len).lower())
    return tuple(sorted(keys))


_WALLS = ("cdn-check", "error", "paywall", "consent", "search")
_KEYS_OF = [literal_keys(KIND_PHRASES[kind]) for kind in _WALLS]
# No prefilter when a kind's phrases have an alternative without a literal key (empty tuple).
_WALL_KEYS = None if not all(_KEYS_OF) else tuple(k for keys in _KEYS_OF for k in keys)
_WALL_RE = re.compile("|".join(rf"(?P<{kind.replace('-', '_')}>{_EDGE_BEFORE}(?:{KIND_PHRASES[kind]}){_EDGE_AFTER})"
                               for kind in _WALLS), re.I)
_LOOK_LINES = 25
# A wall over an article often leaves its standfirst and first paragraph: that much prose is the article.
_TEASER_KINDS = ("paywall", "consent")
TEASER_CHARS = 250
PROSE_CHARS = 600       # an article's body has at least this much running prose
LISTING_STAMPS = 4      # a page with this many separate date stamps and little prose is a listing

_STAMP = re.compile(r"(?<!\d)(?:19|20|13|14)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20|13|14)\d\d|"
                    r"\b\d{1,2}\s+[^\W\d]{2,12}\.?,?\s+(?:19|20)\d\d\b|\b[^\W\d]{3,10}\.?\s+\d{1,2},?\s+(?:19|20)\d\d\b|"
                    r"\b\d+\s+(?:min(?:ute)?s?|hours?|hrs?|days?)\s+ago\b|(?:19|20)\d\d年\d{1,2}月\d{1,2}日|"
                    r"\b(?:today|yesterday|vandaag|gisteren|heute|gestern|hoy|ayer|oggi|ieri|hoje|ontem|aujourd'hui|"
                    r"hier|сегодня|вчера|bugün|dün|dzisiaj|wczoraj)\b[,\s]+\d{1,2}[:.h]\d{2}|^\d{1,2}:\d{2}$", re.I)


# A consent wall explains itself at length: many of its first lines speak of cookies, consent, partners.
_CONSENT_WORDS = re.compile(r"بياناتك|الشركاء|المصلحة المشروعة|موافقت|निजता|कुकी|クッキー|쿠키|עוגיות|隐私|隱私|کوکی|ملفات تعريف الارتباط|\bcookies?\b|\bconsent|\bour partners\b|\bsuoi partner\b|\bnostri partner\b|\bvendors\b|\bpersonal data\b|"
                            r"\blegitimate interest|\bprivacy (?:policy|settings|choices)|datenschutz|einwilligung|"
                            r"consentimiento|consenso|consentement|çerez|zgod[ay]|согласи", re.I)
CONSENT_LINES = 4
_CONSENT_ASCII = ("cookie", "consent", "partner", "vendors", "personal data", "legitimate interest", "privacy",
                  "datenschutz", "einwilligung", "consentimiento", "consenso", "consentement", "zgod")
HEAD_CHARS = 2000  # walls and consent notices stand at the top: their words are looked for this far
_CONSENT_KEY_RE = re.compile("निजता|कुकी|クッキー|쿠키|עוגיות|隐私|隱私|کوکی|ملفات تعريف|cookie|consent|partner|vendors|personal data|legitimate interest|privacy|"
                             "datenschutz|einwilligung|consentimiento|consenso|consentement|çerez|zgod|согласи")


def wall_phrase(text: str) -> str | None:
    """The kind of wall, error or search phrase `text` prints (KIND_PHRASES), or None."""
    if _WALL_KEYS is not None and not any(map(text.lower().__contains__, _WALL_KEYS)):
        return None
    m = _WALL_RE.search(text)
    return m.lastgroup.replace("_", "-") if m else None


def _may_speak_of_consent(low: str) -> bool:
    """The cheap test before _CONSENT_WORDS: a consent word's key in `low` (lower case)."""
    return any(map(low.__contains__, _CONSENT_ASCII)) if low.isascii() else _CONSENT_KEY_RE.search(low) is not None


def speaks_of_consent(text: str) -> bool:
    """Whether `text` speaks of cookies, consent, partners or personal data, in one of many languages."""
    return _may_speak_of_consent(text.lower()) and _CONSENT_WORDS.search(text) is not None


_WIDE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class Shape(NamedTuple):
    """What the decision measured, kept for the decisions that follow it (the title model weighs an
    article's shape softly where the kind rules cut at fixed counts)."""
    prose_chars: int = 0   # characters of running prose (_is_prose lines)
    prose_lines: int = 0
    stamps: int = 0        # date stamps on lines that are not prose
    phrase: str = ""       # the kind of the first wall phrase in the top lines ("" when none was seen, or the
    #                        page has an article's prose and none was looked for)
    consent_lines: int = 0  # top lines that speak of cookies, consent, partners (counted only when the head names one)
    teasers: int = 0       # short headline-like lines each followed by a prose line (a listing's, a live blog's items)


class PageKind(NamedTuple):
    kind: str              # ARTICLE or one of KIND_PHRASES' keys, or "listing"
    line: int | None       # the line that shows it (None for a decision from the page's shape)
    text: str              # that line, or a description of the shape
    rule: str
    shape: Shape = Shape()


def _is_prose(text: str) -> bool:
    words = text.count(" ") + 1
    if words >= 14 or (words >= 9 and text[-1:] in ".!?。؟»\"”"):
        return True
    return len(text) >= 60 and (text.count(" ") < 3)  # a sentence of a script without spaces (CJK)


def classify(lines: list[tuple[int, str]]) -> PageKind:
    """The page's kind from its non-empty lines, (line number, text) each, the tail of other stories
    cut off (archiver.extract.page.Page.kept). The shape counts every line; phrases are looked for
    in the first _LOOK_LINES lines only."""
    prose_chars = 0
    prose_lines = 0
    stamps = 0
    teasers = 0    # headline-like lines each followed by prose: the shape of a listing or a live blog
    heading = False
    prose = []
    for _, raw in lines:
        text = raw.strip()
        if _is_prose(text):
            # a character of Han, kana or Hangul says about what three Latin letters do
            prose_chars += len(text) * (3 if _WIDE.search(text, 0, 40) else 1)
            prose_lines += 1
            prose.append(text)
            teasers += heading
            heading = False
            continue
        words = text.count(" ") + 1
        heading = 3 <= words <= 20 and text[-1:] not in ".:;,!?。"
        if any(map(str.isdigit, text)) and _STAMP.search(text if text.isascii() else text.translate(ASCII_DIGITS)):
            stamps += 1
            heading = False
    top = lines[:_LOOK_LINES]
    head_low = "\n".join(raw for _, raw in top)[:HEAD_CHARS].lower()  # for the keys' substring tests

    def normalised():  # (number, as printed, whitespace folded) of the top lines, when phrases are looked for
        return [(number, raw.strip(), " ".join(raw.split()) if len(raw) <= 400 else raw) for number, raw in top]

    walls = _WALL_KEYS is None or any(map(head_low.__contains__, _WALL_KEYS))
    # Wall phrases are looked for line by line only on a page short of prose (the search is costly,
    # and a page with an article's prose is decided by its shape)
    phrases = []  # (number, raw, kind) of the top lines that print a wall phrase
    if walls and prose_chars < PROSE_CHARS:
        for number, raw, text in normalised():
            m = _WALL_RE.search(text) if len(text) <= 160 else None
            if m:
                phrases.append((number, raw, m.lastgroup.replace("_", "-")))
    consent = []  # the top lines that speak of consent, listed only when the consent-shape rule may need them
    consent_lines = 0
    if _may_speak_of_consent(head_low):
        consent_lines = len({head_low.count("\n", 0, m.start()) for m in _CONSENT_WORDS.finditer(head_low)})
        if consent_lines >= CONSENT_LINES and prose_chars >= PROSE_CHARS:
            consent = [ln for ln in normalised() if _CONSENT_WORDS.search(ln[2])]
    shape = Shape(prose_chars, prose_lines, stamps,
                  phrases[0][2] if phrases else "", consent_lines, teasers)
    if prose_chars < PROSE_CHARS:
        for number, raw, kind in phrases:
            if kind in _TEASER_KINDS and prose_chars >= TEASER_CHARS:
                # a paywalled or consent-gated article that still shows its opening; a consent
                # notice's own explanation (cookies, partners, personal data) is not that opening
                shown = prose_chars if kind != "consent" else sum(
                    len(t) for t in prose if not _CONSENT_WORDS.search(t))
                if shown >= TEASER_CHARS:
                    continue
            return PageKind(kind, number, raw, f"page.{kind}-phrase", shape)
        if stamps >= LISTING_STAMPS:
            return PageKind("listing", None, f"{stamps} date stamps, {prose_lines} prose lines",
                            "page.listing-shape", shape)
        whole = [" ".join(raw.split()) for _, raw in lines]
        hits = {kind: sum(1 for text in whole if len(text) <= 80 and _KIND_RE[kind].search(text))
                for kind in ("comments", "login", "signup")}
        for kind, count in hits.items():
            if count >= 2:
                return PageKind(kind, None, f"{count} {kind} lines, {prose_lines} prose lines",
                                f"page.{kind}-shape", shape)
    elif len(consent) >= CONSENT_LINES:
        first = consent[0]
        return PageKind("consent", first[0], first[1], "page.consent-shape", shape)
    elif stamps >= 2 * LISTING_STAMPS and stamps > 2 * prose_lines:
        return PageKind("listing", None, f"{stamps} date stamps, {prose_lines} prose lines", "page.listing-shape",
                        shape)
    return PageKind(ARTICLE, None, "", "page.article", shape)
