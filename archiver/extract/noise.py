"""Page furniture: scraper noise, section labels, navigation menus and breadcrumbs.

A line of these is never a title, a byline or a date (`is_noise`): share buttons, cookie notices, log-in
links and tickers (NOISE), the section label a scraper keeps above the headline (SECTION), menus whose
items stand between separators, runs of spaces or single spaces (`is_nav`, `is_spaced_nav`,
`is_word_menu`). Chrome phrases matched as words inside short lines are archiver.extract.chrome's.
"""
from __future__ import annotations

import re

from archiver.extract.dispatch import FirstCharacterDispatch, split_top
from archiver.textfold import normalise

# Scraper noise that is never a title, byline or date: QR codes, share buttons, cookie notices,
# navigation, tickers.
NOISE = re.compile(
    r"^(qr ?code(qr ?code)?|share( this)?( article| story)?|tweet|print|email|e-mail|facebook|twitter|"
    r"whatsapp|telegram|linkedin|copy link|comments?|\d+ comments?|save|listen( to this article)?|"
    r"font size|a\+?\s*a-?|home|accueil|الرئيسية|صفحه اصلی|صفحه نخست|menu|search|log ?in|sign ?in|advertisement|"
    r"breaking( news)?\s*[:|–-].*|breaking news|live:?|news link ?:?|short link ?:?|permalink|tags?:.*|"
    r"(we|this (site|website)) uses? cookies.*|accept( all)?( cookies)?|cookie (policy|settings)|"
    r"skip to (site index|navigation|search)|skip links?|skip next section.*|"
    r"navigation( menu)?|welcome to (my|our) .*|back to top|photo:.*|image:.*|file photo.*|"
    r"skip to (main )?(content|navigation)(skip to (site index|navigation))?|skip to main navigation|"
    r"(print )?subscriptions?|subscribe( now| for .{1,20})?|subscribe to our newsletter|sign up( for .{1,30})?|"
    r"sign in( join our community)?|register|my news|more|donate|sections|edit|live tv|audio live tv|audio|"
    r"your account|accessibility help|search jobs|(bbc )?homepage|page not found|language:.{1,20}|"
    r"(weather|markets):.*|newsletters?|log ?in \| register|"
    r"aller au contenu principal|passer au contenu principal|s[’']abonner|se connecter|regarder le direct|"
    r"cookies on this site|click here to (share|subscribe|sign up|read|listen)\b.*|share\d+|forgot (your )?password\??|.*\d ?°[cf]\b.*|.*[▲▼].*|هل نسيت كلمة المرور.*|"
    r"source: ?[^|\d]{1,40}|editor: ?[^|\d]{1,40}|please (log|sign) ?in\b.*|"
    r"يرجى تسجيل الدخول.*|پرش به محتوای اصلی|ورود کاربران|ورود|ثبت ?نام|ورود \| ثبت ?نام|تسجيل الدخول|اشترك الآن|اشترك|"
    r"اشتراک ?گذاری|چاپ|ارسال|بازگشت|مشاركة|طباعة|partager|imprimer)$",
    re.IGNORECASE)
# Section labels a scraper keeps above the headline ("Middle East", "World News", "Politique"): never
# a headline, and the headline is the line after them.
SECTION = re.compile(
    r"^(?:(?:world|latest|top|breaking|regional|international|local|national|iran|middle east|business|"
    r"sports?|economy|politics|culture|science|tech(?:nology)?|health|opinion|analysis|features?|"
    r"video|videos|photos?|multimedia|interviews?|editorial|op-?ed|columns?|society|environment|blogs?|liveblog|"
    r"africa|asia|europe|americas|us|uk|gaza|palestine|lebanon|syria|iraq|yemen)\s*(?:news|stories|"
    r"affairs)?|news|world news|middle east news|international|"
    r"monde|international|politique|économie|société|culture|sport|afrique|moyen-orient|asie|amériques|"
    r"سياسة|اقتصاد|دولي|عربي|محليات|رياضة|ثقافة|سیاسی|اقتصادی|بین‌الملل|بین الملل|ورزشی|فرهنگی|اجتماعی)$",
    re.IGNORECASE)
_NAV_SEP = re.compile(r"\s[|•·»›/]\s")
# A menu whose items a scraper joined with runs of spaces: "Home  Iran  West Asia  World".
_SPACED_SEP = re.compile(r"[ \t\u00a0]{2,}|\t")


def is_nav(text: str) -> bool:
    """A navigation menu or breadcrumb: several short items between separators."""
    if ("|" not in text and "/" not in text and "•" not in text and "·" not in text and "»" not in text
            and "›" not in text):
        return False  # no separator: one part
    parts = _NAV_SEP.split(" " + text + " ")
    parts = [p for p in parts if p.strip()]
    return len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts)


def is_spaced_nav(raw: str) -> bool:
    """Menu items joined by runs of spaces (the separators are only in the raw line): three or more
    short items, at least two of them menu words ("Home", "Politics", "News", "Sport")."""
    if "  " not in raw and "\t" not in raw and "\u00a0" not in raw:
        return False
    parts = [p for p in _SPACED_SEP.split(raw.strip()) if p]
    if len(parts) < 3 or any(len(p.split()) > 4 for p in parts):
        return False
    return sum(1 for p in parts if is_noise(normalise(p))) >= 2


# Words of a site's menu. A line of four or more words nearly all of which are menu words is a menu
# whose items a scraper joined with single spaces ("Home World Politics Business Tech Sport").
MENU_WORDS = frozenset("""
home news world politics business tech technology sport sports culture economy opinion video videos
programs program society science analysis interview interviews multimedia photo photos markets
weather iran middle east africa asia europe americas us u.s. uk canada latin america pacific
features lifestyle entertainment health travel style climate environment podcasts podcast
newsletters live tv more tourism international national local regional sections iplayer sounds
bitesize cbeebies search menu jobs investigations legal sustainability breakingviews & and
infographs infographics blogs blog education arts books food fashion cars property media
politique économie société sport monde afrique france europe moyen-orient amériques asie-pacifique
idées planète sciences opinions discover français english
صفحه نخست سیاست اقتصاد جامعه فرهنگ ورزش بین الملل استان‌ها استانها سیاسی اقتصادی اجتماعی فرهنگی ورزشی
الرئيسية أخبار اقتصاد رياضة منوعات العالم سياسة ثقافة فيديو صور مقالات
""".split())


# A language switcher: "Deutsch English Español Français Русский العربية فارسی Türkçe".
LANGUAGE_NAMES = frozenset("""
english français francais español espanol deutsch русский türkçe turkce italiano português فارسی
العربية عربي اردو 中文 pashto dari kurdî kurdi
""".split())


def is_word_menu(text: str) -> bool:
    words = text.casefold().split()
    if len(words) >= 2 and LANGUAGE_NAMES.issuperset(words):
        return True
    if len(words) < 4:
        return False
    if "," in text or "." in text:
        words = [w.strip(",.") for w in words]
    hits = sum(map(MENU_WORDS.__contains__, words))
    return hits >= len(words) - (len(words) // 8) or (hits >= 5 and hits >= 0.55 * len(words))


# SECTION.match, trying only the alternatives that can begin with the text's first character.
_section_match = FirstCharacterDispatch(SECTION).match


def _noise_parts() -> tuple[FirstCharacterDispatch, list[tuple[str, re.Pattern]]]:
    """NOISE as a dispatch on the first character for its alternatives that open with a literal, and,
    for those that open with ".*" (anywhere in the line), each alone behind a character it needs."""
    source = NOISE.pattern
    assert source.startswith("^(") and source.endswith(")$")
    rest, anywhere = [], []
    for alt in split_top(source[2:-2]):
        if not alt.startswith(".*"):
            rest.append(alt)
            continue
        # The characters the alternative needs, one of which must be in the line; none has a case.
        needs = "°" if "°" in alt else "▲▼" if alt == ".*[▲▼].*" else None
        if needs is None:
            raise ValueError(f"say which character NOISE's {alt!r} needs")
        anywhere.append((needs, re.compile(f"^({alt})$", NOISE.flags)))
    return FirstCharacterDispatch(re.compile("^(" + "|".join(rest) + ")$", NOISE.flags)), anywhere


_NOISE_BY_FIRST, _NOISE_ANYWHERE = _noise_parts()


def noise_match(text: str) -> bool:
    """bool(NOISE.match(text)): an alternation matches when one of its alternatives does."""
    if _NOISE_BY_FIRST.match(text):
        return True
    for needs, pattern in _NOISE_ANYWHERE:
        for ch in needs:
            if ch in text:
                if pattern.match(text):
                    return True
                break
    return False


def is_noise(text: str) -> bool:
    return (bool(noise_match(text)) or bool(_section_match(text)) or is_nav(text)
            or is_word_menu(text))
