"""Site chrome in many languages: the words of menus, toolbars, banners, notices and walls.

A line of chrome is never a title, a byline or a date. The lexicon is general (what sites print
around an article, in the languages archiver meets), not any one site's layout: it lists phrases,
and `chrome_line` matches them as whole words inside short lines. `ORG_WORDS` are the words of
organisation names (a masthead is an organisation's name, a headline rarely is).
"""
from __future__ import annotations

import re

# Phrases that, found in a short line, make it chrome. Lower case; matched on word boundaries.
CHROME_PHRASES = """
skip to content|skip to main content|skip to navigation|skip navigation|jump to|go to content|
main menu|toggle navigation|open menu|close menu|navigation|breadcrumb|you are here|
sign in|sign up|log in|login|log out|logout|register|subscribe|subscription|subscriber|my account|
create account|forgot password|newsletter|get the app|open in app|download the app|install the app|
open app|read in app|continue in browser|use app|
cookie|cookies|privacy policy|privacy settings|privacy notice|terms of use|terms of service|terms and conditions|
consent|we value your privacy|we care about your privacy|your privacy|manage preferences|accept all|reject all|
vi bryr oss om din integritet|din integritet|wir respektieren ihre privatsphäre|ihre privatsphäre|
votre vie privée|su privacidad|tu privacidad|la tua privacy|a sua privacidade|uw privacy|twoja prywatność|
personvern|yksityisyytesi|ваша конфиденциальность|gizliliğiniz|
advertisement|sponsored|promoted|paid content|
share|share this|share on|share article|share story|copy link|print this|email this|tweet|whatsapp|telegram|
follow us|like us|join us|版权所有|版權所有|著作権|저작권|all rights reserved|does not represent the views|views expressed|tidak mewakili pandangan|opinions expressed|contact|about us|especial para o|especial para|special to the|exclusivo para|exclusive to|support our journalism|support independent journalism|support truly independent journalism|independent journalism|donate|become a member|contact us|about us|all rights reserved|
back to top|scroll to top|scroll up|scroll down|load more|show more|read more|see more|view more|
previous article|next article|previous story|next story|related articles|related stories|related news|
most read|most popular|trending|top stories|latest news|breaking news|live updates|
photo mode|close photo|gallery|slideshow|enlarge|zoom|fullscreen|
please wait|loading|no script|enable javascript|javascript is disabled|your browser|
wayback machine|internet archive|captures|google cache|this is google's cache|cached|
rss|feed|feedly|inoreader|reader view|reading list|save article|save for later|bookmark|listen to this article|listen to this story|listen to article|audio version|play audio|mark all as read|mark as read|marcar todo como leído|marcar como leído|alle als gelesen markieren|tout marquer comme lu|segna tutti come letti|marcar tudo como lido|alles als gelezen markeren|news desk|from the desk|lesen sie jetzt weiter|lesen sie weiter|jetzt weiterlesen|weiterlesen mit|
font size|text size|dark mode|min read|minute read|minutes read|
page \\d+ of \\d+|
zum inhalt springen|zur navigation|anmelden|abmelden|registrieren|abonnieren|abonnement|datenschutz|
impressum|zustimmen|einwilligung|werbung|teilen|drucken|mehr lesen|weiterlesen|startseite|
saltar al contenido|iniciar sesión|inicia sesión|suscríbete|suscribirse|suscripción|política de privacidad|
aceptar|publicidad|compartir|imprimir|leer más|portada|
vai al contenuto|accedi|registrati|abbonati|abbonamento|informativa|accetta|pubblicità|condividi|stampa|
leggi anche|
ir para o conteúdo|entrar|assine|assinatura|aceitar|publicidade|compartilhar|partilhar|leia mais|
naar inhoud|inloggen|abonneer|abonnement|accepteren|advertentie|delen|lees meer|
przejdź do treści|zaloguj|zarejestruj|subskrybuj|prenumerata|akceptuj|reklama|udostępnij|czytaj więcej|
перейти к содержанию|войти|регистрация|подписаться|подписка|реклама|поделиться|читать также|читайте также|
главная|
içeriğe geç|giriş yap|üye ol|abone ol|reklam|paylaş|devamını oku|ana sayfa|
aller au contenu|se connecter|s'abonner|abonnez-vous|publicité|partager|imprimer|lire aussi|accueil|
تسجيل الدخول|اشترك|اشتراك|إعلان|شارك|مشاركة|طباعة|اقرأ أيضا|الرئيسية|سياسة الخصوصية|
ورود|ثبت نام|اشتراک|تبلیغات|اشتراک گذاری|چاپ|صفحه اصلی|بیشتر بخوانید|
लॉग इन|सदस्यता|विज्ञापन|शेयर|होम|
登录|注册|订阅|广告|分享|打印|首页|登入|註冊|訂閱|廣告|
ログイン|会員登録|広告|シェア|印刷|トップ|
로그인|회원가입|구독|광고|공유|인쇄|홈|
התחברות|הרשמה|מנוי|פרסומת|שתף|הדפס|ראשי|
masuk|daftar|berlangganan|iklan|bagikan|baca juga|beranda|
لاگ ان|اشتہار|شیئر|
hoppa till huvudinnehållet|hoppa till innehållet|hopp til hovedinnhold|hopp til innhold|spring til indhold|
spring til hovedindhold|siirry sisältöön|siirry pääsisältöön|saltar para o conteúdo|ir para o conteúdo principal|
ir al contenido|ir al contenido principal|saltar al contenido principal|salta al contenuto|
vai al contenuto principale|ga naar de inhoud|naar de hoofdinhoud|spring naar de inhoud|zum hauptinhalt|
direkt zum inhalt|zum inhalt|μετάβαση στο περιεχόμενο|μετάβαση στο κύριο περιεχόμενο|перейти до змісту|
перейти до основного змісту|přejít na obsah|přeskočit na obsah|prejsť na obsah|ugrás a tartalomra|
sari la conținut|preskoči na sadržaj|прескочи на садржај|към съдържанието|премини към съдържанието|
ข้ามไปยังเนื้อหา|ข้ามไปที่เนื้อหา|chuyển đến nội dung|bỏ qua nội dung|langsung ke konten|langsung ke isi|
lompat ke kandungan|langkau ke kandungan|lumaktaw sa nilalaman|ruka hadi maudhui|ruka hadi kwenye maudhui|
דלג לתוכן|דלג לתוכן הראשי|انتقل إلى المحتوى|تخطى إلى المحتوى|الانتقال إلى المحتوى|پرش به محتوا|
رفتن به محتوا|本文へスキップ|メインコンテンツへスキップ|본문 바로가기|본문으로 바로가기|跳到主要内容|跳至主要內容|
跳到主要內容|सामग्री पर जाएं|मुख्य सामग्री पर जाएं|உள்ளடக்கத்திற்குச் செல்|
logga in|logg inn|log ind|kirjaudu sisään|iniciar sessão|přihlásit se|bejelentkezés|
đăng nhập|เข้าสู่ระบบ|log masuk|mag-login|התחבר
"""
_PHRASES = sorted({p.strip() for p in CHROME_PHRASES.replace("\n", "").split("|") if p.strip()},
                  key=len, reverse=True)
CHROME = re.compile(r"(?<!\w)(?:" + "|".join(_PHRASES) + r")(?!\w)", re.I)
# Every phrase's first word (lower case, letters only): a line holding none of them is spared CHROME (one
# set intersection instead of a search of every phrase at every position). Phrases in scripts written
# without spaces are looked for by CHROME whenever such a script is in the line.
_FIRST_WORDS = frozenset(re.split(r"[^\w'’-]", p.lower(), maxsplit=1)[0] for p in _PHRASES)
_WORD_SPLIT = re.compile(r"[^\w'’-]+")

# Words of organisation names: a short line made of these and capitalised names is a masthead. STRONG
# ones name a news organisation by themselves; the others ("Today", "Star", "Review") are also
# ordinary words of headlines and count only where the name is confirmed elsewhere on the page.
STRONG_ORG_WORDS = frozenset("""
news agency times post herald tribune journal daily gazette press tv radio broadcasting telegraph
chronicle newspaper zeitung nachrichten tagblatt rundschau allgemeine diario periódico periodico
noticias agencia giornale corriere notizie gazzetta agenzia jornal notícias folha gazeta krant dagblad
nieuws dziennik wiadomości новости газета известия агентство gazetesi ajansı ajans quotidien agence
وكالة صحيفة جريدة للأنباء خبرگزاری روزنامه 新闻 新聞 日报 日報 时报 時報 通讯社 新聞社 신문 일보 뉴스
समाचार
""".split())
ORG_WORDS = STRONG_ORG_WORDS | frozenset("""
monitor network media telegraph observer express mail star sun today weekly review channel online
group corporation service wire bulletin courier dispatch standard guardian independent kurier presse
anzeiger prensa correo heraldo stampa haber gazete dépêche أخبار اخبار خبر 通信 放送 통신
""".split())

_SYMBOLS = re.compile(r"[☐☑☒☆★✇✓✔✕✖✗✘►▶◀▲▼◆◇■□●○•→←↑↓⇒≡☰⋮…]{1}")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|html?|php|aspx?)\b|@\w", re.I)
_CLOCK = re.compile(r"^\W*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\W*$", re.I)


def _words(text: str) -> int:
    """Words of a line; a line of Chinese, Japanese or Korean counts a word for every four characters."""
    n = text.count(" ") + 1
    return max(n, len(text) // 4) if _CJK.search(text) else n


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


_HANGUL = re.compile("[\uac00-\ud7af]")
_HAN_KANA = re.compile("[\u3040-\u30ff\u3400-\u9fff]")


def _cjk_menu(text: str) -> bool:
    """A menu in a script without spaces between words: five or more short items (at most four
    characters each, CJK) separated by spaces."""
    items = text.split()
    if not (len(items) >= 5 and all(len(i) <= 8 for i in items) and sum(bool(_CJK.search(i)) for i in items) >= 4):
        return False
    # Korean puts spaces between words, so a headline is short items too: a Korean menu's items are
    # section names of two or three syllables ("정치 경제 사회 국제 문화").
    if _HANGUL.search(text) and not _HAN_KANA.search(text):
        return all(len(i) <= 3 for i in items)
    return True


def chrome_line(text: str) -> bool:
    """A line that is site chrome: a short line holding a phrase of the lexicon, any line holding two
    of them or one of several words, a URL or handle, or a clock. A headline may hold one chrome word
    ("Party says the feed is down"): in a line of more than five words a single one-word phrase is not
    enough."""
    if len(text) > 200:
        return False
    if "©" in text or "[ ]" in text or "[x]" in text.lower() or _cjk_menu(text):
        return True  # a copyright line, a form's checkbox, a menu of CJK items
    low = text.lower()
    if _FIRST_WORDS.isdisjoint(_WORD_SPLIT.split(low)) and not _CJK.search(text):
        hits = None
    else:
        hits = CHROME.findall(text)
    if hits:
        if _words(text) <= 5 or len(hits) >= 2 or any(" " in h for h in hits):
            return True
    return bool(_URL.search(text)) or bool(_CLOCK.match(text))


def has_symbols(text: str) -> bool:
    return bool(_SYMBOLS.search(text))


_PAIR = re.compile(r"\s+[-–—|:]\s+|:\s+")


def org_like(text: str, strong: bool = False) -> bool:
    """See _org_like; also "Org, Place" ("BBC News, Beirut": a credit line with the desk's city)."""
    head, comma, _ = text.partition(", ")
    if comma and len(text.split()) <= 7 and _org_like(head, strong):
        return True
    return _org_like(text, strong)


def _org_like(text: str, strong: bool = False) -> bool:
    """An organisation's name: at most four words (a leading "The" aside) with an organisation word
    first or last ("Daily Star", "Agencia EFE", "The Kathmandu Post", "وكالة الأنباء"), or such a name
    beside a descriptor ("IRNA - Islamic Republic News Agency", "Foo News: Breaking news"). With
    `strong`, only STRONG_ORG_WORDS count."""
    parts = _PAIR.split(text)
    if len(parts) == 2:
        return any(_org_name(p, strong) for p in parts)
    return _org_name(text, strong)


def _org_name(text: str, strong: bool = False) -> bool:
    words = [w.casefold().strip(".,:;|()") for w in text.replace("-", " ").split()]
    if words[:1] == ["the"]:
        words = words[1:]
    if not 1 <= len(words) <= 4:
        return False
    lexicon = STRONG_ORG_WORDS if strong else ORG_WORDS
    return words[0] in lexicon or words[-1] in lexicon


def masthead_name(text: str) -> str | None:
    """The organisation's name of a masthead line: the whole line when it is a name with a strong
    organisation word, or the first part of a "Name - Descriptor" pair whose first part is such a
    name. ("Headline | The Outlet" has its name last: that is a title's suffix, not a masthead.)"""
    if breadcrumb(text) and not _PAIR.search(text):
        return None  # "News / Nasional": a section path
    parts = _PAIR.split(text)
    name = parts[0] if len(parts) == 2 else text
    if len(parts) > 2 or not _org_name(name, strong=True):
        return None
    words = name.casefold().split()
    if len(words) == 1 and words[0] in ORG_WORDS:
        return None  # "News", "Nieuws": a section's name, not an organisation's
    return name


_CRUMB_MARK = re.compile(r"\s*[»›>]\s*|\s+<<\s+")
_DASHED = re.compile(r"\s+[-–—|/]\s+|\|")


def breadcrumb(text: str) -> bool:
    """A breadcrumb or section path: "Iran » Culture", "Home > World > Asia", "Forums - Politics -
    Regional news thread", "News|Economy". Its separators are breadcrumb marks, or it has three or more
    short parts, or two parts of at most two words each."""
    if _CRUMB_MARK.search(text):
        parts = [p for p in _CRUMB_MARK.split(text) if p.strip()]
        return len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts)
    parts = [p for p in _DASHED.split(text) if p.strip()]
    if len(parts) >= 3:
        return all(len(p.split()) <= 4 for p in parts)
    return len(parts) == 2 and all(len(p.split()) <= 2 for p in parts)
