"""The text as lines, normalised for matching only, and where each line stands on the page.

Evidence always quotes the original line; matching sees a normalised copy (BOM and zero-width marks
removed, non-breaking and other spaces folded, Persian and Arabic-Indic digits made ASCII). The page
is split into zones: the header (before the body starts), the body, a footer (the last short lines of
the article) and a tail of other stories ("Similar Posts", "Related News", "Read more", ...) that is
cut off because its titles and dates belong to other stories.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from archiver.textfold import _NEEDS_MAPPING, _is_folded, normalise  # noqa: F401 - re-exported

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_INVISIBLE = re.compile("[\ufeff\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]")

# A line that starts the tail of other stories. Matched against the whole (short) line.
TAIL_MARKERS = re.compile(
    r"^(similar posts|related (news|posts|articles|stories|content|topics)|read more|read also|"
    r"more (from|on|stories|news)|you may (also )?like|recommended( for you)?|most (read|popular|viewed)|"
    r"latest news|also read|see also|trending|top stories|more in|keep reading|"
    r"related|read next|up next|more on this story|explore more( on these topics)?|most read \w+|"
    r"à lire aussi|lire aussi|sur le même sujet|les plus lus|"
    r"اخبار مرتبط|مطالب مرتبط|خبرهای مرتبط|بیشتر بخوانید|پربازدیدترین|"
    r"أخبار ذات صلة|اقرأ أيضا|اقرأ أيضاً|مواضيع ذات صلة|الأكثر قراءة|ذات صلة)\s*:?$",
    re.IGNORECASE)

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


def ascii_non_starters(pattern: re.Pattern) -> frozenset[str]:
    """The ASCII characters that begin no match of `pattern.match`: those that none of the pattern's
    possible first literals (read by _heads) matches, as the regex engine decides with the pattern's
    flags. A text that begins with one of these is spared the pattern. Empty when the start of the
    pattern is not analysed; non-ASCII characters are never in the set (the pattern decides for them)."""
    starts: set[str] = set()
    for alt in _split_top(pattern.pattern):
        starts |= _ascii_starts(_heads(alt[1:] if alt.startswith("^") else alt), pattern.flags)
    return _ALL_ASCII - starts


def _tokens(regex: str):
    """(index, character, depth) of each character of `regex` that is not escaped and not inside a
    character class, depth counting the groups open before it (a ")" has its group's depth)."""
    depth, i = 0, 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class, to its closing "]" ("]" right after "[" or "[^" is a member)
            j = i + 1
            if regex[j:j + 1] == "^":
                j += 1
            if regex[j:j + 1] == "]":
                j += 1
            while regex[j] != "]":
                j += 2 if regex[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "(":
            depth += 1
            yield i, ch, depth
        elif ch == ")":
            yield i, ch, depth
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced group in {regex!r}")
        else:
            yield i, ch, depth
        i += 1
    if depth:
        raise ValueError(f"unbalanced group in {regex!r}")


def _split_top(alternation: str) -> list[str]:
    """`alternation` cut at its top-level "|" (not inside a group or a character class, not escaped)."""
    parts, start = [], 0
    for i, ch, depth in _tokens(alternation):
        if ch == "|" and depth == 0:
            parts.append(alternation[start:i])
            start = i + 1
    parts.append(alternation[start:])
    for part in parts:
        if "(" in part or "[" in part:
            re.compile(part)  # a regex of its own: raises if the cut fell inside a class or group
    return parts


def _group_end(text: str) -> int:
    """The index of the ")" closing the group that opens text[0]."""
    for i, ch, depth in _tokens(text):
        if ch == ")" and depth == 1:
            return i
    raise ValueError(f"unbalanced group in {text!r}")


def _heads(alt: str) -> list[str] | None:
    """Regexes for the characters a match of the regex `alt` can begin with (single literals or \\d),
    or None for any character (an empty alternative, ".", a class, a lookaround: not analysed)."""
    if not alt:
        return None
    if alt[0] == "(":
        end = _group_end(alt)
        inner = alt[1:end]
        if inner.startswith("?:"):
            inner = inner[2:]
        elif inner.startswith("?"):
            return None  # a lookaround or a named group: not analysed
        heads: list[str] = []
        for part in _split_top(inner):
            part_heads = _heads(part)
            if part_heads is None:
                return None
            heads += part_heads
        token_end = end + 1
    elif alt[0] == "\\" and (alt[1:2] == "d" or not alt[1:2].isalnum()):
        heads, token_end = [alt[:2]], 2  # \d, or an escaped punctuation character
    elif alt[0] in ".[\\^$*+?{}|)":
        return None
    else:
        heads, token_end = [re.escape(alt[0])], 1
    if alt[token_end:token_end + 1] in ("?", "*", "{"):  # the first token may be absent: what follows may begin
        rest = alt[token_end + 1:]
        if alt[token_end] == "{":
            rest = rest[rest.index("}") + 1:]
        if rest[:1] in ("?", "+"):  # a lazy or possessive quantifier
            rest = rest[1:]
        rest_heads = _heads(rest)
        if rest_heads is None:
            return None
        heads += rest_heads
    return heads


def _distribute(alt: str) -> list[str]:
    """"(?:A|B)REST" as ["(?:A)REST", "(?:B)REST"]: an alternation tries A then B, each followed by
    REST, in this order either way. Only for a group without capturing groups and not repeated."""
    if not alt.startswith("(?:") or re.compile(alt).groups:
        return [alt]
    end = _group_end(alt)
    rest = alt[end + 1:]
    if rest[:1] in ("?", "*", "+", "{"):
        return [alt]
    return ["(?:" + part + ")" + rest for part in _split_top(alt[3:end])]


class FirstCharacterDispatch:
    """`pattern.match` for an alternation that opens a pattern ("^(A|B|...)REST", the group at the very
    start), with fewer alternatives to try: for each ASCII character, the pattern keeps only the
    alternatives a match can begin with at that character (as the regex engine itself decides for each
    alternative's first literals, with the pattern's flags), in their order. An alternative that fails on
    the text's first character is no match, so the result is the same: the same truth, span and named
    groups outside the alternation (groups numbered inside it may shift). A text that begins with any
    other character gets the whole pattern."""

    def __init__(self, pattern: re.Pattern):
        source = pattern.pattern
        m = re.match(r"\^\((?:\?:|\?P<\w+>)?", source)
        if not m:
            raise ValueError(f"not an alternation that opens the pattern: {source!r}")
        end = 1 + _group_end(source[1:])
        prefix, alternatives, suffix = source[:m.end()], _split_top(source[m.end():end]), source[end:]
        if suffix[1:2] in ("?", "*", "{"):
            raise ValueError(f"the alternation may be absent: {source!r}")
        alternatives = [part for alt in alternatives for part in _distribute(alt)]
        starts = [_ascii_starts(_heads(alt), pattern.flags) for alt in alternatives]
        self.pattern = pattern
        self._source = (prefix, suffix, pattern.flags)
        # ASCII character -> the alternatives kept for it; compiled on first use (most characters never
        # begin a line), then the table holds the pattern, or None when no alternative is kept.
        self._keep = {ch: tuple(alt for alt, chars in zip(alternatives, starts, strict=True) if ch in chars)
                      for ch in map(chr, range(128))}
        self._table: dict[str, re.Pattern | None] = {}
        self._compiled: dict[tuple[str, ...], re.Pattern] = {}
        # The ASCII characters no match begins with: `first not in non_starters` is a guard for callers.
        self.non_starters = frozenset(ch for ch, keep in self._keep.items() if not keep)

    def _pattern_for(self, first: str) -> re.Pattern | None:
        keep = self._keep.get(first)
        if keep is None:
            return self.pattern  # a non-ASCII first character, or an empty text
        if not keep:
            pattern = None
        else:
            pattern = self._compiled.get(keep)
            if pattern is None:
                prefix, suffix, flags = self._source
                pattern = self._compiled[keep] = re.compile(prefix + "|".join(keep) + suffix, flags)
        self._table[first] = pattern
        return pattern

    def match(self, text: str) -> re.Match | None:
        first = text[:1]
        try:
            pattern = self._table[first]
        except KeyError:
            pattern = self._pattern_for(first)
        return pattern.match(text) if pattern is not None else None


def _ascii_starts(heads: list[str] | None, flags: int) -> frozenset[str]:
    """The ASCII characters one of `heads` (see _heads; None: any character) matches under `flags`."""
    if heads is None:
        return _ALL_ASCII
    return frozenset().union(*(_ascii_matches(h, flags) for h in heads))


_ALL_ASCII = frozenset(map(chr, range(128)))


@lru_cache(maxsize=None)
def _ascii_matches(head: str, flags: int) -> frozenset[str]:
    one = re.compile(head, flags)
    return frozenset(ch for ch in _ALL_ASCII if one.fullmatch(ch))


def may_contain(text: str, words: tuple[str, ...]) -> bool:
    """False only when no IGNORECASE regex for one of `words` (written in lower case) can match in
    `text`. str.lower() agrees with IGNORECASE matching character for character, bar three characters
    (checked over all of Unicode): "İ" lowers to two characters, "ı" and "ſ" match "i" and "s" without
    lowering to them; with any of those the answer is True."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        return True
    low = text.lower()
    return any(word in low for word in words)


class Line(NamedTuple):  # a tuple: made tens of times per file, so cheap to create
    number: int          # 1-based, in the decoded text
    raw: str             # as in the file (without its line break)
    text: str            # normalised for matching


_new_line = tuple.__new__  # _new_line(Line, (number, raw, text)): Line(...) without its Python-level __new__


# Any character that the slow steps below would change: invisible marks and non-ASCII digits.
def as_printed(line: "Line", part: str) -> str:
    """`part` (a piece of the normalised line) as the page prints it: Persian and Arabic-Indic digits
    kept, since a title is quoted as printed. Only where the normalisation changed nothing but the
    digits and invisible marks; otherwise `part` itself."""
    raw = line.raw
    if raw.isascii() or not _NEEDS_MAPPING.search(raw):
        return part
    shown = " ".join(_INVISIBLE.sub("", raw).split())
    i = line.text.find(part)
    if i < 0 or len(shown) != len(line.text) or shown.translate(_DIGITS) != line.text:
        return part
    return shown[i:i + len(part)]


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


# SECTION.match and TAIL_MARKERS.match, trying only the alternatives that can begin with the text's
# first character.
_section_match = FirstCharacterDispatch(SECTION).match
_tail_marker_match = FirstCharacterDispatch(TAIL_MARKERS).match


def _noise_parts() -> tuple[FirstCharacterDispatch, list[tuple[str, re.Pattern]]]:
    """NOISE as a dispatch on the first character for its alternatives that open with a literal, and,
    for those that open with ".*" (anywhere in the line), each alone behind a character it needs."""
    source = NOISE.pattern
    assert source.startswith("^(") and source.endswith(")$")
    rest, anywhere = [], []
    for alt in _split_top(source[2:-2]):
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


@dataclass
class Page:
    lines: list[Line]      # the non-empty lines any rule reads (see read_page), in order
    tail_start: int | None  # line number where the tail of other stories begins
    body_start: int = 1    # line number of the first long prose line
    header_count: int = 0  # how many of `lines` stand before body_start (the header)
    kept: list[tuple[int, str]] | None = None  # every non-empty line before the tail: (number, raw)
    foot: list[tuple[int, str]] | None = None  # the page's last lines after the tail (signatures only)

    def header(self, body_start: int) -> list[Line]:
        return [ln for ln in self.lines if ln.number < body_start]


# What speaks for the page is the header (up to the first prose line), the first lines of the body
# (a lead-in) and the last lines before any tail (credits, codes, mastheads). The middle of an article
# is body text no rule reads, so it is not even normalised.
HEAD_LINES = 40
FOOT_AFTER_TAIL = 6
BODY_LINES = 3
FOOT_LINES = 20
_END_OF_SENTENCE = ".!?\"”»'’:؛.。"


_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _is_prose(raw: str, words: int | None = None) -> bool:
    """A long line, or a sentence of twelve words or more. `words`: len(raw.split()), when known."""
    if words is None:
        words = len(raw.split())
    if words >= 25 or (words >= 12 and raw.rstrip()[-1:] in _END_OF_SENTENCE):
        return True
    # Chinese and Japanese write sentences without spaces: a long line ending a sentence is prose.
    return words < 12 and len(raw) >= 40 and raw.rstrip()[-1:] in "。．！？" and bool(_CJK_CHARS.search(raw))


def _wrapped(raw: str, following: str) -> bool:
    """A line of running prose that a dump wrapped (lynx -dump, reader views wrap at ~70 characters):
    eight words or more, no sentence end, and the next line (four words or more) goes on in lower case."""
    following = following.lstrip()
    return (following[:1].islower() and raw.rstrip()[-1:] not in _END_OF_SENTENCE
            and len(raw.split()) >= 8 and following.count(" ") >= 3)


def read_page(text: str, head_limit: int = 64 * 1024) -> Page:
    """The lines rules read, normalised, and where the body starts; the tail of other stories is cut."""
    if len(text) > head_limit:
        text = text[:head_limit]
    kept: list[tuple[int, str]] = []
    tail = None
    all_lines = text.splitlines()
    foot: list[tuple[int, str]] = []
    for number, raw in enumerate(all_lines, 1):
        if not raw or raw.isspace():
            continue
        # A tail marker only counts after some article text, never as the page's first lines.
        if len(raw) <= 60 and len(kept) >= 3 and _tail_marker_match(normalise(raw)):
            tail = number
            # The page's own last lines (a copyright line) stand after the other stories: kept apart.
            for back in range(len(all_lines), number, -1):
                if all_lines[back - 1].strip():
                    foot.append((back, all_lines[back - 1]))
                    if len(foot) == FOOT_AFTER_TAIL:
                        break
            foot.reverse()
            break
        kept.append((number, raw))
    # With no lynx bracket, no two spaces in a row and no tab or \x1f (the only whitespace bar the
    # space that str.splitlines leaves inside a line) anywhere in the text, an ASCII line whose ends are
    # not spaces is its own normalised form (see _is_folded): one scan of the text spares each line its own.
    plain = "  " not in text and "[" not in text and "\t" not in text and "\x1f" not in text
    count = len(kept)
    lines: list[Line] = []
    append = lines.append
    # The header runs up to the first prose line (looked for in the first HEAD_LINES lines), then
    # BODY_LINES more lines.
    start_index = None
    head_end = min(count, HEAD_LINES + BODY_LINES)
    header_count = 0
    for i in range(head_end):
        if i >= head_end:
            break
        number, raw = kept[i]
        norm = raw if plain and raw.isascii() and raw[0] != " " and raw[-1] != " " else normalise(raw)
        if start_index is None and (i == HEAD_LINES or _is_prose(raw, norm.count(" ") + 1 if norm is raw else None)
                                    or _wrapped(raw, kept[i + 1][1] if i + 1 < count else "")):
            start_index = i
            head_end = min(count, i + BODY_LINES)
            header_count = len(lines)
        if norm:
            append(_new_line(Line, (number, raw, norm)))
    if start_index is None:
        start_index = count  # fewer than HEAD_LINES lines and none of them prose
        header_count = len(lines)
    body_start = kept[start_index][0] if start_index < count else (kept[-1][0] + 1 if kept else 1)
    for number, raw in kept[max(head_end, count - FOOT_LINES):]:
        norm = raw if plain and raw.isascii() and raw[0] != " " and raw[-1] != " " else normalise(raw)
        if norm:
            append(_new_line(Line, (number, raw, norm)))
    return Page(lines, tail, body_start, header_count, kept, foot)


def body_start(page: Page) -> int:
    """The line number where the article body begins: the first long prose line."""
    return page.body_start
