"""Titles: the headline as printed, once, from the page header; never the first body sentence.

The first header line that is not noise, a date, a masthead, a byline or a label is the headline
when it looks like one: short, not ending like a sentence. A crawler's ` date YYYY-MM-DD ` prefix is
removed, and a headline repeated on its own line ("T T" or "T T T") is taken once.
"""
from __future__ import annotations

import os
import re
from typing import NamedTuple

CRAWLER_PREFIX = re.compile(r"^\s*date\s+(?P<date>(?:19|20)\d\d-\d\d-\d\d)\s+(?=\S)")
LABELLED = re.compile(r"^(?:title|headline|titre|عنوان|العنوان)\s*:\s*(?P<title>\S.{2,})$", re.I)
MAX_WORDS = 30
MAX_CHARS = 250


def strip_crawler_prefix(raw: str) -> tuple[str, str | None]:
    m = CRAWLER_PREFIX.match(raw)
    if not m:
        return raw, None
    return raw[m.end():], m.group("date")


# A line ending with a dash is the dateline of the first paragraph broken off ("Jakarta, CNN Indonesia --").
DANGLING = re.compile(r"\s(?:--?|–|—)\s*$")
# A ticker's label: "Breaking:", "تازہ ترین:", "عاجل:", "速報", "속보".
TICKER = re.compile(r"^(?:breaking|latest|live|just in|eilmeldung|última hora|ultim'ora|urgente|срочно|son dakika|"
                    r"عاجل|تازہ ترین|خبر فوری|فوری|速報|快讯|快訊|突发|속보|ताज़ा|ताजा|מבזק|terkini)\s*[:：|-]", re.I)


# "Stadtentwicklung:Neuer Park ...": a kicker glued to the headline by its colon, no space after it.
GLUED_KICKER = re.compile(r"^[^\W\d_][\w-]{2,30}:(?=[^\W\d_])")
# "ANSA.it > Abruzzo > Cronaca > Neve sugli Appennini ...": a breadcrumb ending in the headline.
CRUMBS = re.compile(r"^(?:[^>»›]{1,30}\s[>»›]\s){2,}")


def strip_furniture(text: str) -> tuple[str, str | None]:
    """(headline, rule suffix) of a line whose head is page furniture: a kicker glued by a colon, a
    breadcrumb path. The rule suffix is None when nothing was stripped."""
    m = GLUED_KICKER.match(text)
    if m:
        return text[m.end():], "-after-glued-kicker"
    m = CRUMBS.match(text)
    if m and len(text[m.end():].split()) >= 4:
        return text[m.end():], "-after-breadcrumb"
    return text, None


def once(title: str) -> str:
    """A headline repeated on the same line, two or three times, taken once."""
    half = len(title) // 2
    if half >= 4 and title[:half] == title[half:]:
        return title[:half]  # glued to its copy: "Big News TodayBig News Today"
    words = title.split()
    for k in (3, 2):
        if len(words) % k == 0 and len(words) >= 2 * k:
            part = len(words) // k
            if words[0] != words[part]:
                continue  # the first two chunks differ already
            chunks = [" ".join(words[i * part:(i + 1) * part]) for i in range(k)]
            if all(c == chunks[0] for c in chunks):
                return chunks[0]
    return title


def looks_like_headline(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_WORDS or len(text) > MAX_CHARS:
        return False
    cjk = bool(_CJK.search(text))  # Chinese and Japanese write a headline without spaces
    if (len(text) < 8 and not (cjk and len(text) >= 6)) or (len(words) < 2 and not cjk):
        return False
    first = text[0]
    if first.isalpha() and first.islower():
        return False
    # A sentence, not a headline: ends with a full stop (an ellipsis or an abbreviation aside); a
    # Chinese or Japanese headline holds no 。 at all.
    if (text.endswith(".") and not text.endswith("...")) or "。" in text:
        return False
    if text.isascii():  # str.isdigit holds for the ASCII digits only: count them by deleting them
        digits = len(text) - len(text.encode("ascii").translate(None, b"0123456789"))
    else:
        digits = sum(map(str.isdigit, text))
    if digits > len(text) / 2:
        return False
    return True


# --- The decision among candidate lines -------------------------------------------------------------
# Each header line that no other rule took (not chrome, not a date, byline, code, label or masthead)
# is a candidate. The headline is the candidate that stands where headlines stand: just above the
# article's furniture (stamps, bylines, codes) and its body, often printed twice (the page's <title>
# and its <h1>). A candidate far above the body, a short one, an organisation's name, a sentence, is
# weak evidence. The score is a sum of such general features, set by hand and kept readable; the
# decision abstains when the best score is low or a different candidate scores about as well.
ACCEPT = 3.0       # the least score a title needs
MARGIN = 1.5       # how far ahead of a different candidate it must be


class TitleCandidate(NamedTuple):
    line: object           # archiver.extract.text.Line
    value: str             # the headline as it would be recorded
    index: int             # position of the line in the header
    rule: str


_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                             "»": '"', "–": "-", "—": "-", "\u00a0": " "})


def _key(text: str) -> str:
    """A title's text for comparing its printed forms: case, spaces, quotes and dashes folded, the end
    punctuation off ("Israel's" and "Israel’s" are one title)."""
    return " ".join(text.casefold().translate(_QUOTE_FOLD).split()).strip(" .:;!?\"'-|")


# Relative times ("3 hours ago", "vor 3 Stunden", "منذ ساعتين"), never a headline and never a date.
RELATIVE = re.compile(r"\d+\s*(?:min(?:ute)?s?|hours?|hrs?|h|days?|weeks?|months?|years?)\s+ago\b|"
                      r"\bvor\s+\d+\s+(?:minuten|stunden|tagen)|\bhace\s+\d+|\bil y a\s+\d+|\bhá\s+\d+|"
                      r"\d+\s+(?:minuten|uur|dagen)\s+geleden|\d+\s+\w+\s+temu\b|\d+\s+\w+\s+назад|"
                      r"\d+\s+\w+\s+önce\b|\d+\s*(?:分钟|小时|天)前|\d+\s*(?:分|時間|日)前|\d+\s*(?:분|시간|일)\s*전|"
                      r"منذ\s+\S+|\d+\s+\S+\s+پیش", re.I)
# "Today, 14:05", "Yesterday": a day word alone or with a clock (in a headline, "today" is a word).
RELATIVE_DAY = re.compile(r"^(?:yesterday|today|gestern|heute|ayer|hoy|ieri|oggi|hier|aujourd'hui|вчера|сегодня|"
                          r"dün|bugün)\b[\s,.:]*(?:(?:at|um|a las|alle|à|в)?\s*\d{1,2}[:.h]\d{2}.*)?$", re.I)
# A line that carries a label ("Source: ...", "Editor: ...", "Tags: ..."): furniture, not a headline.
META_LABEL = re.compile(r"^(?:source|sources|editor|editors|edited by|publish(?:ed)?(?: date)?|date|posted|"
                        r"updated?|author|authors|by|photo|photos|image|credit|credits|caption|tags?|topics?|"
                        r"category|categories|section|filed under|keywords|reading time|read time|quelle|"
                        r"illustration|graphic|graphics|video|audio|listen|kategoria|categoría|categoria|kategorie|"
                        r"fuente|fonte|źródło|источник|kaynak|المصدر|منبع|来源|出典|출처|"
                        r"autor|autore|auteur|yazar|автор|نویسنده|كاتب)\s*[:：|]", re.I)
# A photo caption ending with its credit: "... in central London, 19 October 2023 (AP)".
CAPTION = re.compile(r"\((?:photo|image|file|foto)?[:\s]*[A-Z][\w&./ -]{0,30}\)\s*$|"
                     # "(Image: Outlet / Name)", "(Name / Outlet)", "Photograph: Name/Agency": credits
                     r"\((?:photo|photograph|image|picture|pic|foto|bild|imagen|credit|crédit|crédito)s?\s*:[^()]{1,80}\)\s*$|"
                     r"\([^()]{1,60}\s/\s[^()]{1,60}\)\s*$|"
                     r"\b(?:photograph|photo|image|picture|bild|foto|fotos|imagen|immagine|фото)\s*:\s*\S.{0,60}$|"
                     r"\b(?:photo|photograph|picture|image) by [A-Z]|"
                     r"^(?:photo|image|file photo|"
                     r"foto|bild|imagen|immagine|фото)\b|\b(?:photo|image|picture|video) ?(?:credit|courtesy|source)s?\b|"
                     r"\brepresentational (?:image|photo|picture)\b|\bfile (?:photo|image|picture)\b|"
                     r"\b(?:getty images|shutterstock|via reuters|via ap|afp via)\b|\|\s*(?:photo|image|file)\b|"
                     r"^(?:read next|read more|also read|read also|watch|listen|related|see also)\s*[:：]|"
                     r"^(?:watch|bekijk|kijk|schauen sie|sehen sie|mira|guarda|assista|veja|смотрите)\b.{0,80}"
                     r"\b(?:video|how|hoe|wie|cómo|come|como|как)\b|"
                     r"صورة أرشيفية|صورة من|تصوير|عکس از|عکس:|تصویر:|^[\[(（]\s*(?:사진|写真|图片|圖片|照片|फोटो|फ़ोटो|foto|صورة|عکس|צילום)|"
                     r"(?:사진|写真|图片|圖片|照片|फोटो|फ़ोटो|צילום)\s*[:：=]|"
                     r"[（(](?:档案照片|檔案照片|資料照片|资料照片|资料图|資料圖|资料图片|資料圖片|图|圖|写真|사진)[)）]\s*$", re.I)


# "Journalist ID: 40213", "Ref. No: 12/345": a label and a number.
LABELLED_NUMBER = re.compile(r"^[^:：]{1,30}[:：#]\s*[\d\s/#.-]+$")
READING_TIME = re.compile(r"\b\d+\s*(?:-\s*)?(?:min(?:ute)?s?|minuten|minutos|minuti|minutes?)\s*(?:read|lesezeit|de lecture|"
                          r"de lectura|di lettura|de leitura)\b|\b(?:lesezeit|reading time)\b", re.I)


# "PARIS – Owners said ...", "TEHRAN, March 3 (Tasnim) -": a dateline opening the body.
DATELINE_LEADIN = re.compile(r"^[A-Z][A-Z .'’-]{2,30}(?:,[^–—-]{0,30})?(?:\s*\([^)]{1,30}\))?\s*[–—-]{1,2}\s")


# Words a headline does not end with: a line ending so is a fragment of a wrapped sentence (lynx -dump
# and reader views wrap the body at ~70 characters).
FRAGMENT_END = frozenset("""the a an of to and or in on at by for with from as that which but than into
der die das des dem den und oder ein eine von zu mit im für auf el la los las del de y en con por para un una
le les du des et au aux sur pour il lo gli di e per con da dei della o a os as do da dos das em com
het een en van op voor met na i w z na do że и в на с по к от""".split())


def fragment(text: str) -> bool:
    """A line that ends in the middle of a sentence ("... subject to the")."""
    last = text.rsplit(" ", 1)[-1].casefold() if " " in text else ""
    return last in FRAGMENT_END or text.endswith((",", ";"))


def furniture(text: str) -> bool:
    """A header line that is page furniture rather than a headline: a stamp, a relative time, a
    labelled line or number, a reading time, a caption."""
    digits = any(map(str.isdigit, text))
    return bool(fragment(text) or DANGLING.search(text) or (" ـ " in text and text.count(" ") <= 5) or TICKER.match(text) or META_LABEL.match(text) or ((digits or "منذ" in text) and RELATIVE.search(text))
                or RELATIVE_DAY.match(text) or CAPTION.search(text) or DATELINE_LEADIN.match(text)
                or LABELLED_NUMBER.match(text) or (digits and READING_TIME.search(text))
                or (not digits and ("lesezeit" in text.lower() or "reading time" in text.lower())))


class Features(NamedTuple):
    """What the score of a candidate is made of (see score and archiver.extract.titlemodel)."""
    stack_top: bool        # the first of a run of candidate lines (a kicker aside): where a headline stands
    kicker: bool           # a short line (at most three words) right above another candidate
    longer_top: bool       # not the top of its run, and longer than the top: the standfirst under a headline
    meta_below: bool       # a stamp, byline or code follows its run within three lines
    last_run: bool         # no run of headline-like candidates stands between it and the body
    runs_below: int        # how many such runs stand below it
    repeats: int           # other lines of the page with the same text
    words: int
    org: bool              # an organisation's name (a masthead)
    first_line: bool       # the page's first content line
    alone: bool            # the only candidate
    # Used by the learned decision only (titlemodel): where the line stands and what surrounds it.
    rank: float = 0.0      # position among the candidates, 0 (first) to 1 (last)
    candidates: int = 1    # how many candidates the page has
    meta_gap: int = 99     # header lines from this line down to the first stamp, byline or code
    blank_before: bool = False
    blank_after: bool = False
    run_size: int = 1      # candidate lines in its run
    page_meta: int = 0     # stamps, bylines and codes in the page's header
    header_lines: int = 0  # lines in the page's header
    shape: tuple = ()      # the page's shape as its kind was decided (pagekind.Shape), or () when unknown


WEIGHTS = {"repeated": 3.0, "stack-top": 1.5, "meta-below": 1.5, "last-run": 1.5, "only-candidate": 0.5,
           "headline-length": 1.0, "kicker": -2.0, "standfirst": -1.0, "run-below": -1.0, "too-short": -3.0,
           "too-long": -3.0, "organisation-name": -3.0, "masthead-position": -1.0, "exclamation": -1.0,
           "sentence": -2.0}


def score(c: TitleCandidate, f: Features) -> tuple[float, list[str]]:
    """The score of one candidate: the sum of WEIGHTS of the features it has, and their names (for the
    evidence). Set by hand and kept readable; every weight is a general property of news pages."""
    why = []
    if f.repeats:
        why.append("repeated")
    if f.stack_top and not f.kicker:
        why.append("stack-top")
    if f.kicker:
        why.append("kicker")
    if f.longer_top:
        why.append("standfirst")
    if f.meta_below:
        why.append("meta-below")
    if f.last_run:
        why.append("last-run")
    why += ["run-below"] * min(f.runs_below, 3)
    if f.alone:
        why.append("only-candidate")
    if 4 <= f.words <= 22:
        why.append("headline-length")
    elif f.words <= 2:
        why.append("too-short")
    elif f.words > 30:
        why.append("too-long")
    if f.org:
        why.append("organisation-name")
    if f.first_line and not f.repeats and f.words <= 5 and not f.last_run:
        why.append("masthead-position")
    if c.value.endswith("!"):
        why.append("exclamation")
    if c.value.endswith(".") and not c.value.endswith("...") and f.words > 12:
        why.append("sentence")
    return sum(WEIGHTS[w] for w in why), why


def words_of(text: str) -> int:
    words = len(text.split())
    return max(words, len(text) // 3) if _CJK.search(text) else words


def decide(cands: list[TitleCandidate], header: list, meta: set, kept: list, is_org, active=None,
           shape: tuple = ()) -> list:
    """The candidates scored, best first, as (score, index, candidate, why): `active`'s score (the
    scorer in use, scorer(), when not given) and the names of what made it. `header`: the header's
    lines; `meta`: line numbers of stamps, bylines and codes; `kept`: the page's (number, raw) lines;
    `is_org(text)`: whether a text is an organisation's name; `shape`: the page's pagekind.Shape."""
    pairs = features(cands, header, meta, kept, is_org, shape)
    scores = (active or scorer()).score_page(pairs)
    scored = [(value, i, c, why) for i, ((c, _), (value, why)) in enumerate(zip(pairs, scores, strict=True))]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return scored


def verdict(ranked: list[tuple[float, str]], accept: float, margin: float) -> tuple[str, int | None]:
    """The decision over (score, value) pairs sorted best first: ("found", None) when the best scores
    `accept` or more and no different value scores within `margin` of it; ("abstained", None) below
    `accept`; ("conflict", k) with k the rival's position. One rule for extraction and for training
    (titletrain simulates it on held-out scores)."""
    best, value = ranked[0]
    if best < accept:
        return "abstained", None
    key = _key(value)
    for k, (other, other_value) in enumerate(ranked[1:], 1):
        if best - other < margin and _key(other_value) != key:
            return "conflict", k
    return "found", None


def features(cands: list[TitleCandidate], header: list, meta: set, kept: list, is_org, shape: tuple = ()) -> list:
    """[(candidate, Features)] in the candidates' order (arguments as for decide)."""
    keys: dict[str, int] = {}
    # Only a line about as long as a candidate (or twice as long: a title printed twice) can repeat it.
    sizes = set()
    for c in cands:
        n = len(c.line.text)
        sizes.update(range(n - 4, n + 5))
        sizes.update(range(2 * n - 4, 2 * n + 6))
    for _, raw in kept[:80]:
        if len(raw.strip()) not in sizes:
            continue
        norm = " ".join(raw.split())
        for k in {_key(norm), _key(once(norm))}:
            keys[k] = keys.get(k, 0) + 1
    # Runs of candidates on consecutive header lines, at most one blank line apart (two blank lines
    # part blocks of a page: an advert above the headline).
    runs: list[list[int]] = []
    for i, c in enumerate(cands):
        prev = cands[runs[-1][-1]] if runs else None
        if prev is not None and prev.index == c.index - 1 and c.line.number - prev.line.number <= 2:
            runs[-1].append(i)
        else:
            runs.append([i])
    words = [words_of(c.value) for c in cands]
    orgs = [is_org(c.value) for c in cands]
    real = [any(words[i] >= 3 and not orgs[i] for i in run) for run in runs]  # a run that could hold a headline
    first_content = min(c.line.number for c in cands)
    meta_index = sorted(k for k, ln in enumerate(header) if ln.number in meta)
    out = []
    for r, run in enumerate(runs):
        end_index = cands[run[-1]].index
        after = {ln.number for ln in header[end_index + 1:end_index + 4]}
        meta_below = bool(after & meta)
        below = sum(real[r + 1:])
        top = run[0]
        if len(run) > 1 and (words[top] <= 3 or orgs[top]):
            top = run[1]  # a kicker or a name above the headline
        elif (len(run) == 2 and words[top] <= 5 and words[top] + 2 <= words[run[1]] <= 14
              and cands[run[1]].value[-1:] not in ".。!?" and ":" not in cands[top].value):
            top = run[1]  # "Hochwasserschutz an der Mosel" / "Trier probt den Aufbau mobiler Deiche": a kicker
        elif len(run) > 2 and words[run[0]] < words[run[1]] < words[run[2]]:
            top = run[1]  # kicker, headline, standfirst: each longer than the one above
        for i in run:
            c = cands[i]
            doubled = once(c.line.text) != c.line.text
            k = c.index
            gap = next((m - k for m in meta_index if m > k), 99)
            f = Features(stack_top=i == top, kicker=(words[i] <= 3 or (i < top and len(run) == 2)) and i != run[-1],
                         longer_top=i != top and i > top and words[i] > words[top],
                         meta_below=meta_below, last_run=below == 0, runs_below=below,
                         repeats=max(0, keys.get(_key(c.value), 0) - 1) + (1 if doubled else 0), words=words[i],
                         org=orgs[i], first_line=c.line.number == first_content, alone=len(cands) == 1,
                         rank=i / (len(cands) - 1) if len(cands) > 1 else 0.0, candidates=len(cands),
                         meta_gap=min(gap, 99),
                         blank_before=k > 0 and header[k - 1].number < c.line.number - 1,
                         blank_after=k + 1 < len(header) and header[k + 1].number > c.line.number + 1,
                         run_size=len(run), page_meta=len(meta), header_lines=len(header), shape=shape)
            out.append((c, f))
    return out


class HandScorer:
    """The hand-set score (score, WEIGHTS): accepted at ACCEPT, a rival within MARGIN is a conflict."""
    name = "hand"
    accept = ACCEPT
    margin = MARGIN

    @staticmethod
    def score_page(pairs: list) -> list:
        return [score(c, f) for c, f in pairs]


SCORER_ENV = "ARCHIVER_TITLE_SCORER"


def scorer():
    """The scorer in use: the learned model (titlemodel.MODEL) unless ARCHIVER_TITLE_SCORER=hand
    chooses the hand-set score. Either has .name, .accept, .margin and .score_page([(candidate,
    Features)]) -> [(score, names of the features that made it)], one per candidate."""
    if os.environ.get(SCORER_ENV) == "hand":
        return HandScorer
    from archiver.extract import titlemodel
    return titlemodel.model()


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
