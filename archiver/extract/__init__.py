"""The extractor: from the text of a scraped article to its fields, each with evidence, or unknown.

`extract(text)` reads the page once into lines and zones (`page`), lets each rule family propose
candidates (`outlets`, `dates`, `codes`, `titles`, `bylines`, `language`), and resolves them here:
the strongest rule wins and weaker disagreeing candidates are kept in the evidence as "overruled";
when two strong rules disagree the field is unknown and both are kept as "conflict". A wrong value is
worse than unknown, so every rule looks only where its kind of value stands on a page (header and
footer speak for the page; the body speaks about the world).
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

from archiver.extract import bylines, chrome, codes, dates, language, outlets, pagekind, titles
from archiver.extract.dispatch import FirstCharacterDispatch, ascii_non_starters, may_contain
from archiver.extract.noise import is_noise, is_spaced_nav, noise_match
from archiver.extract.page import read_page
from archiver.extract.text import Line, as_printed
from archiver.model import FIELD_NAMES, Evidence, Field
from archiver.textfold import normalise

STRONG, MEDIUM, WEAK, LEAST = 3, 2, 1, 0
PUBLISHED_LABEL = re.compile(r"^(?:(?:(?:first\s+|originally\s+)?(?:published|posted|issued on|publication date|date published|release date|"
                             r"publish(?:ed)? date|publish(?=\s*:)|publié(?:e)? le|publié(?:e)?|mis en ligne le|"
                             r"veröffentlicht(?: am)?|publiziert(?: am)?|erschienen(?: am)?|publicado(?: el| em| a las)?|fecha de publicación|"
                             r"pubblicato(?: il)?|data di pubblicazione|gepubliceerd(?: op)?|opublikowano|data publikacji|"
                             r"опубликовано|дата публикации|yayınlanma(?: tarihi)?|yayın tarihi|yayınlandı|publicat|"
                             r"publicada(?: el| em)?|publikacja|dodano|oluşturulma tarihi|oluşturulma|giriş|yayınlanma|"
                             r"diterbitkan|dipublikasikan|tanggal terbit|发布时间|發布時間|发表时间|公開日|掲載日|게시일|입력|"
                             r"פורסם|प्रकाशित|تاريخ النشر|نشر في|نشر بتاريخ|تاریخ انتشار|تاریخ نشر|منتشر شده|"
                             # Nordic, Finnish, Czech, Slovak, Hungarian, Romanian, South Slavic, Ukrainian,
                             # Bulgarian, Greek, Vietnamese, Thai, Swahili, Malay, Bengali, Japanese, Korean
                             r"postado em|publicerad|publiceret|publisert|julkaistu|zveřejněno|publikováno|"
                             r"publikované|közzétéve|megjelent|publicat(?: la| pe)?|objavljeno|опубліковано|"
                             r"публикувано|δημοσιεύθηκε|δημοσίευση|ngày đăng|đăng lúc|đăng ngày|เผยแพร่|"
                             r"imechapishwa|diposting|disiarkan|প্রকাশিত|প্রকাশ|配信日時|配信|投稿日|기사입력|등록|송고시간|"
                             r"شائع|نُشر|نشر|发布|發布)"
                             r"\s*(?:on|:|：|/|／)?)|"
                             r"(?:date|تاريخ|تاریخ|datum|fecha|data|дата|tarih|tanggal|日期|日付|날짜)\s*[:：])\s*", re.I)
UPDATED_LABEL = re.compile(r"^(?:last\s+)?(?:updated?|modified|mis à jour(?: le)?|actualisé(?: le)?|modifié(?: le)?|"
                           r"aktualisiert(?: am)?|zuletzt aktualisiert(?: am)?|actualizado(?: el| a las)?|"
                           r"última actualización|aggiornato(?: il| alle)?|ultimo aggiornamento|atualizado(?: em| a)?|"
                           r"bijgewerkt(?: op)?|laatst bijgewerkt(?: op)?|aangepast(?: op| om)?|aktualizacja|son güncelleme|"
                           r"güncellenme(?: tarihi)?|atualizado há|zaktualizowano|aktualizacja|обновлено|"
                           r"güncelleme(?: tarihi)?|güncellendi|son güncelleme|diperbarui|更新时间|更新時間|更新日|"
                           r"更新|수정|업데이트|עודכן|अपडेट|آخر تحديث|تم التحديث|به‌روزرسانی|بروزرسانی|به روزرسانی|"
                           r"uppdaterad|uppdaterat|opdateret|oppdatert|päivitetty|aktualizováno|aktualizované|"
                           r"frissítve|frissítés|actualizat(?: la| pe)?|ažurirano|posodobljeno|оновлено|обновено|"
                           r"ενημερώθηκε|ενημέρωση|cập nhật|ปรับปรุง|อัปเดต|ilisasishwa|dikemaskini|আপডেট|最終更新|اپ ڈیٹ|"
                           r"آپ ڈیٹ|تحديث|최종수정)"
                           r"\s*(?:on|:|：|/|／)?\s*", re.I)
# "Read more: <another story's headline>" inside the article: the stamp printed under it is that story's.
_READ_MORE = ("read more|read also|also read|see also|more on this|lire aussi|à lire aussi|"
              "اقرأ أيضا|اقرأ أيضاً|بیشتر بخوانید")
READ_MORE_LINK = re.compile(rf"^(?:{_READ_MORE}|اقرأ المزيد|بخوانید)\s*[:：»]\s*\S", re.I)
READ_MORE_START = re.compile(rf"^(?:{_READ_MORE})\b", re.I)
_LINK_MARK = re.compile("[:：»]")  # cheap guard: READ_MORE_LINK needs one of these near the start
# ASCII characters that begin no match of READ_MORE_LINK, READ_MORE_START: a line beginning so is spared them.
_NOT_LINK_START = FirstCharacterDispatch(READ_MORE_LINK).non_starters
_NOT_READ_MORE_START = FirstCharacterDispatch(READ_MORE_START).non_starters
BARE_DATE_LABEL = re.compile(r"^(?:date|تاريخ|تاریخ)\s*:", re.I)
# Stamps on one line: "Published: … | Updated: …"; also an update stamp glued to the date before it.
_UPDATE_WORDS = ("update", "modified", "mis à jour", "aktualisiert", "actualizado", "aggiornato",
                 "atualizado", "bijgewerkt", "обновлено", "güncelle", "diperbarui", "uppdater", "opdateret",
                 "oppdatert", "päivitetty", "aktualizov", "frissít", "actualizat", "ažurirano", "оновлено",
                 "ενημερ", "cập nhật")  # STAMP_SPLIT's lookahead words
STAMP_SPLIT = re.compile(r"\s*[|•·]\s*|(?<![^\W\d_])\s*(?=(?:last\s+)?(?:updated?|modified|mis à jour|aktualisiert|"
                         r"actualizado|aggiornato|atualizado|bijgewerkt|обновлено|güncelle\w*|diperbarui|uppdaterad|"
                         r"opdateret|oppdatert|päivitetty|aktualizováno|frissítve|actualizat|ažurirano|оновлено|"
                         r"ενημερώθηκε|cập nhật)\b)", re.I)
FOOTER_LINES = 5
# An update stamp is kept in the record's `updated` field, never taken for the publication date.
UPDATE_RULE = "updated.stamp"
COPYRIGHT_LINE = re.compile(r"^(?:(?:copyright|©|\(c\)).*?)?(?:all rights reserved|tous droits réservés|"
                            r"جميع الحقوق محفوظة|کلیه حقوق.*)\.?$", re.I)
LEADIN_LINES = 2
# First characters that start no story-code label, no "Reporting by" credit, no stamp label (see
# ascii_non_starters): lines beginning so are spared those regexes.
_NOT_CODE_START = ascii_non_starters(codes.LABEL)
_NOT_REPORTING_START = ascii_non_starters(bylines.REPORTING)
_NOT_PUBLISHED_START = ascii_non_starters(PUBLISHED_LABEL)
_NOT_UPDATED_START = ascii_non_starters(UPDATED_LABEL)
# A body line beginning with one of these starts no story code, no 'Read more' link, no credit.
_BODY_QUIET_START = _NOT_CODE_START & _NOT_LINK_START & _NOT_REPORTING_START
BYLINE_BODY_LINES = 6
_YEARISH = re.compile(r"(?:19|20)\d\d|1[34]\d\d|[۰-۹٠-٩]{4}")
_BY_AFTER = re.compile(r"\s(?:by|von|por|par|di|door|av|oleh)\s+\S.*$", re.I)


@dataclass
class Candidate:
    value: str
    strength: int
    line: Line
    rule: str
    span: str | None = None

    def evidence(self, outcome=None, value=None) -> Evidence:
        return Evidence(self.line.number, self.span if self.span is not None else self.line.raw.strip(),
                        self.rule, value, outcome)


def _resolve(cands: list[Candidate], compatible=None, choose=max) -> Field:
    """Strongest wins; equal-strength disagreement is a conflict. `compatible(a, b)` lets a more
    precise value stand with a less precise one of the same meaning (dates: the longest is chosen);
    `choose` picks among compatible values by length (outlets: min, the name without what a copyright
    line or a masthead prints around it)."""
    if not cands:
        return Field.unknown()
    if len(cands) == 1:  # the usual case; the same as below, shorter
        return Field.found(cands[0].value, [cands[0].evidence()])
    top = max(c.strength for c in cands)
    strong = [c for c in cands if c.strength == top]
    values = []
    for c in strong:
        if c.value not in values:
            values.append(c.value)
    if len(values) > 1 and compatible:
        best = choose(values, key=len)
        if all(compatible(best, v) for v in values):
            values = [best]
    if len(values) > 1:
        return Field.unknown([c.evidence("conflict", c.value) for c in strong])
    winner = values[0]
    ev = []
    for c in sorted(cands, key=lambda c: (-c.strength, c.line.number)):
        if c.value == winner:
            ev.append(c.evidence())
        elif compatible and compatible(winner, c.value):
            ev.append(c.evidence(None, c.value))  # agrees, less precisely
        else:
            ev.append(c.evidence("overruled", c.value))
    # Keep one piece of evidence per line and rule.
    seen, unique = set(), []
    for e in ev:
        if (e.line, e.rule, e.outcome) not in seen:
            seen.add((e.line, e.rule, e.outcome))
            unique.append(e)
    return Field.found(winner, unique)


def _same_date(precise: str, other: str) -> bool:
    return precise.startswith(other)


# The page's language while one page is read: dates.find_date reads month names in it first and
# decides day/month order from it (set and reset by _extract).
_HAN = re.compile("[\u4e00-\u9fff]")
_HANGUL = re.compile("[\uac00-\ud7af]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_WORD_THEN_STOP = re.compile(r"[^\W\d_]{3,}\.\s")
_LONG_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u9fff]{8,}")
_LANGUAGES: ContextVar[tuple[str, ...] | None] = ContextVar("page_languages", default=None)


def _find_date(text: str, **kwargs):
    return dates.find_date(text, languages=_LANGUAGES.get(), **kwargs)


def _date_in(text: str, line: Line, rule: str, strength: int, cands: list, whole=False) -> None:
    # The whole line decides whether 03/04/2024 reads day first ("Publié le 03/04/2024").
    found = _find_date(text, whole=whole, day_first_in=line.text)
    if found:
        cands.append(Candidate(found[0], strength, line, rule, line.raw.strip()))


def _published_from_label(line: Line, cands: list, text: str | None = None) -> bool:
    """'Published: …' (strong) and 'Updated: …' (weak) stamps, also both on one line."""
    text = line.text if text is None else text
    if "|" in text or "•" in text or "·" in text or may_contain(text, _UPDATE_WORDS):
        parts = STAMP_SPLIT.split(text)
    else:
        parts = [text]  # nothing STAMP_SPLIT splits on: no separator, no update word for its lookahead
    hit = False
    bare = []
    for part in parts:
        if part[:1] in "([（【":  # "(Updated 18 March 2025, 5:02 PM IST)": a stamp in brackets
            part = part.lstrip("([（【 ").rstrip(")]）】 ")
        first = part[:1]
        m = UPDATED_LABEL.match(part) if first not in _NOT_UPDATED_START else None
        if m:
            _date_in(part[m.end():], line, UPDATE_RULE, WEAK, cands)
            hit = True
            continue
        m = PUBLISHED_LABEL.match(part) if first not in _NOT_PUBLISHED_START else None
        if m and m.end() > 0:
            before = len(cands)
            _date_in(part[m.end():], line, "published.labelled", STRONG, cands)
            hit = hit or len(cands) > before
        else:
            bare.append(part)
    if hit and len(parts) > 1:
        # "March 28, 2024 9:46 PM GMT+3Updated 2 hours ago": the unlabelled date beside an update
        # stamp is the dateline.
        for part in bare:
            _date_in(part, line, "published.dateline-before-update", STRONG, cands, whole=True)
    return hit


# What separates the parts of a stamp line: "By Nadia Rahimi | 12 December 2023", "Jakarta ● Mon, March 4,
# 2024 / 03:36 pm", "27 januari 2024 om 09:14 • Aangepast om 11:02", "Nada El-Sayed , Tuesday 2 Apr 2024".
_SEGMENT_SEP = re.compile(r"\s*[|•·●]\s*|\s+[–—]\s+|\s,\s")


def _date_segments(line: Line, text: str, cands: list, strength: int = STRONG) -> bool:
    """The first part of a separated stamp line that is a date and nothing else (an update stamp among
    the parts goes to `updated`); True when one was found."""
    for segment in _SEGMENT_SEP.split(text):
        segment = segment.strip()
        if not segment or not any(map(str.isdigit, segment)):
            continue
        m = UPDATED_LABEL.match(segment)
        if m and m.end() > 0:
            _date_in(segment[m.end():], line, UPDATE_RULE, WEAK, cands)
            continue
        m = PUBLISHED_LABEL.match(segment)
        before = len(cands)
        _date_in(segment[m.end():] if m else segment, line, "published.dateline-segment", strength, cands,
                 whole=m is None)
        if len(cands) > before:
            return True
    return False


# A clock printed beside a day-precision stamp, in a part of its own: the stamp's next part ("12 February
# 2024 • 6:00am", "April 2, 2025 | 12:08 AM", "2024.06.13 (21:15)"), the part before it ("10:32 - 05 Mehr
# 1402"), or alone on the next line ("22 gennaio 2024" / "16:48"). A printed time is part of the date.
_CLOCK_PART = re.compile(r"(?P<h>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
                         r"\s*(?:uhr|uur|hrs?|h|น\.)?\.?\s*(?P<zone>[A-Za-z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?)?", re.I)
_PART_SEP = re.compile(r"\s*[|•·●()（）]\s*|\s+[-–—/]\s+|\s,\s")
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _clock_part(part: str) -> str | None:
    """'HH:MM[:SS][±HH:MM]' when `part` is a clock and nothing else (a zone word may follow), else None."""
    m = _CLOCK_PART.fullmatch(part.strip())
    if not m:
        return None
    h, mi = int(m.group("h")), int(m.group("mi"))
    ampm = (m.group("ampm") or "").lower()[:1]
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = (0 if h == 12 else h) + (12 if ampm == "p" else 0)
    if h > 23 or mi > 59:
        return None
    clock = f"{h:02d}:{mi:02d}" + (f":{m.group('s')}" if m.group("s") else "")
    zone = m.group("zone")
    if zone:
        offset = dates._zone(zone)
        if offset is None:
            return None  # a word that is no zone: not a clock alone
        clock += offset
    return clock


def _clock_beside(field: Field, page) -> Field:
    """`field` with the time of day added when its value is a day and its stamp's line prints a clock
    in a part of its own beside the date, or the next line is that clock alone; else `field`."""
    if field.value is None or not _DAY_ONLY.fullmatch(field.value) or not field.evidence:
        return field
    ev = field.evidence[0]
    kept = page.kept or []
    at = next((k for k, (number, _) in enumerate(kept) if number == ev.line), None)
    if at is None:
        return field
    text = normalise(kept[at][1])
    parts = [p for p in _PART_SEP.split(text) if p and p.strip()]
    found = [_find_date(p, day_first_in=text) for p in parts]
    dated = [k for k, f in enumerate(found) if f and f[0] == field.value]
    clock, where = None, None
    if dated:
        k = dated[0]
        for j in (k + 1, k - 1):
            if 0 <= j < len(parts) and not (j == k - 1 and k > 1):
                part = parts[j]
                label, colon, rest = part.partition(": ")
                if j == k - 1 and colon and not any(map(str.isdigit, label)):
                    part = rest  # "Published: 10:32 - 05 Mehr 1402": the label before the clock
                clock = _clock_part(part)
                if clock:
                    where = (ev.line, kept[at][1].strip(), "published.clock-beside")
                    break
    if clock is None and len(parts) == len(dated) == 1 and at + 1 < len(kept):
        number, raw = kept[at + 1]
        if number <= ev.line + 2:
            clock = _clock_part(normalise(raw))
            if clock:
                where = (number, raw.strip(), "published.clock-next-line")
    if clock is None:
        return field
    rule = where[2] if field.evidence[0].rule != UPDATE_RULE else where[2].replace("published.", "updated.")
    return Field.found(f"{field.value}T{clock}", list(field.evidence) + [Evidence(where[0], where[1], rule)])


def _story_code(line: Line, text: str, code_c: list, pub_c: list) -> bool:
    """A labelled story code on its own line, or with a date stamp after it on the same line ("News
    ID: 497812 - Sunday, March 31, 2024 - 10:15")."""
    found = codes.story_code_parts(text)
    if not found:
        return False
    if found[1] is None:
        code_c.append(Candidate(found[0], STRONG, line, "story_code.label"))
        return True
    stamp = _find_date(found[1], whole=True)
    if not stamp:
        return False
    code_c.append(Candidate(found[0], STRONG, line, "story_code.label-before-date"))
    pub_c.append(Candidate(stamp[0], STRONG, line, "published.dateline-after-code", line.raw.strip()))
    return True


def _is_menu_item(ln: Line) -> bool:
    text = ln.text
    # A Line's text is normalised: its words are separated by single spaces, so they number
    # text.count(" ") + 1 (here and below, cheaper than len(text.split())).
    if len(text) > 30 or text.count(" ") > 2 or text[:3].casefold() == "by ":
        return False
    if _LONG_CJK_RUN.search(text):
        return False  # a Chinese or Japanese headline has few spaces; a menu item is a word of 2-6 characters
    return not _find_date(text, whole=False)


def _menu_runs(header: list[Line]) -> set[int]:
    """Line numbers of menus printed one item a line: three or more consecutive short header lines
    (at most three words, no date, no byline)."""
    found: set[int] = set()
    run: list[int] = []
    for ln in header + [None]:
        if ln is not None and _is_menu_item(ln):
            run.append(ln.number)
            continue
        if len(run) >= 3:
            found.update(run)
        run = []
    return found


def _headline_segment(text: str) -> str | None:
    """The headline among the " | "-separated fields of a wire-list line ("Nicosia (AFP) | 23/05/2024 -
    17:45:08 | Headline"): the one field that is not a date, a dateline, chrome or a name. None when no
    field, or more than one, is left."""
    parts = [p.strip() for p in text.split(" | ") if p.strip()]
    left = [p for p in parts if len(p.split()) >= 3 and not _find_date(p, whole=True)
            and not chrome.chrome_line(p) and not chrome.org_like(p) and not re.search(r"\(\w[^)]{0,30}\)\s*$", p)]
    if len(left) == 1:
        return left[0]
    return None if len(parts) > 2 else text


def _signatures(ln: Line, text: str, outlet_c: list, credit_c: list, first_line: bool = False) -> bool:
    """Outlets the table may not know, from the page's own signatures on one header or footer line:
    a copyright line, a "Source:" line, a masthead (an organisation's name as the page's first line), a
    web address. True when the line was such a signature (it is then no headline)."""
    name = outlets.copyright_name(text)
    if name and bylines.bare_name(name) and not chrome.org_like(name) and " " in name and not name.isupper():
        return True  # "© 2024 Hamid Rezvani": a person holds the rights (a newsletter's author), not an outlet
    if name:
        outlet_c.append(_copyright_candidate(name, text, ln))
        return True
    name = outlets.source_name(text)
    if name:
        credit_c.append(Candidate(name, WEAK, ln, "outlet.source-line"))
        return True
    if first_line and len(text) <= 60 and not chrome.chrome_line(text):  # "Share this post": a button
        found = chrome.masthead_name(text)
        name = outlets.clean_name(found) if found else None
        if name:
            outlet_c.append(Candidate(name, MEDIUM, ln, "outlet.masthead-name"))
            return True
    if text.count(" ") < 6 and "." in text:
        name = outlets.domain_name(text)
        if name:
            outlet_c.append(Candidate(name, WEAK, ln, "outlet.web-address"))
            return True
    return False


def _stamp_like(line: Line, meta: set) -> bool:
    """A line that stands under a byline: a stamp, a dateline, a byline's role, or one the other rules
    took as meta (a date, a code)."""
    return line.number in meta or bool(bylines.ROLE_ALONE.match(line.text)) or _dated(line.text)


_EMAIL = re.compile(r"^\S+@\S+\.\w{2,}$")


def _bare_name_under_standfirst(header: list, body: list, byline_c: list) -> None:
    lines = body[:BYLINE_BODY_LINES]
    for k, ln in enumerate(lines):
        who = bylines.bare_name(ln.text)
        if not who:
            who = bylines.name_beside_role(ln.text)
            if who:  # "Helena Varga | MIT News" under the standfirst
                byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-beside-role"))
                return
            continue
        nxt = lines[k + 1] if k + 1 < len(lines) and lines[k + 1].number == ln.number + 1 else None
        prev = (lines[k - 1] if k > 0 else (header[-1] if header else None))
        if prev is not None and prev.number != ln.number - 1:
            prev = None
        if nxt is not None and bylines.ROLE_ALONE.match(nxt.text):
            # "Ingrid Haugland" / "Journalist" / "Sindre Myklebust" / "Journalist": every author with a role
            names, j = [who], k + 2
            while (j + 1 < len(lines) and lines[j].number == lines[j - 1].number + 1
                   and lines[j + 1].number == lines[j].number + 1 and bylines.bare_name(lines[j].text)
                   and bylines.ROLE_ALONE.match(lines[j + 1].text)):
                names.append(lines[j].text)
                j += 2
            byline_c.append(Candidate(", ".join(names), MEDIUM, ln, "byline.name-under-standfirst"))
            return
        if nxt is not None and (_dated(nxt.text) or _EMAIL.match(nxt.text)
                                or (titles.RELATIVE.search(nxt.text) and nxt.text.count(" ") <= 4)):
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-under-standfirst"))
            return
        if prev is not None and _dated(prev.text) and (nxt is None or not bylines.bare_name(nxt.text)):
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-under-stamp"))
            return


def _bare_name_bylines(title_cands: list, header: list, meta: set, byline_c: list) -> None:
    """A line that is only a person's name, right above a stamp, a dateline or the author's role
    ("Faraz Qureshi" / "Published February 3, 2024"; "Tan Hui Ling" / "Correspondent"), is the byline,
    not a headline candidate: it moves from `title_cands` to `byline_c`. Only under another candidate
    (the headline stands above its byline), and only two or three words: a short Title Case headline
    ("Parliament Debates Water Bill") above its dateline looks like a name too."""
    for c in list(title_cands):
        if c.index + 1 >= len(header) or c is title_cands[0] or len(c.line.text.split()) > 3:
            continue
        if titles.once(c.line.text) != c.line.text:
            continue  # a line printed twice is a headline
        if bylines.ROLE_ALONE.match(c.line.text):
            continue  # "Transport Reporter": the role under the name, not a name
        if _WORD_THEN_STOP.search(c.line.text):
            continue  # "EFE. Zaragoza": an agency and a desk, not a name ("J. Smith" keeps its initial)
        below = header[c.index + 1]
        if not _stamp_like(below, meta):
            # "Jordan Whitfield" / "The Canadian Press" / "Published …"; "Tom Hollingsworth" / "4 min read" /
            # "March 15, 2024": an organisation or a reading time between the name and its stamp
            between = below.text
            further = header[c.index + 2] if c.index + 2 < len(header) else None
            if not (further is not None and _stamp_like(further, meta) and (
                    titles.READING_TIME.search(between) or outlets.canonical(between)
                    or chrome.org_like(between, strong=True))):
                continue
        who = bylines.bare_name(c.line.text)
        if who:
            byline_c.append(Candidate(who, MEDIUM, c.line, "byline.name-above-stamp"))
            title_cands.remove(c)
            meta.add(c.line.number)


def _copyright_candidate(name: str, text: str, line: Line) -> Candidate:
    """The holder of a copyright line as an outlet candidate. The holder is often the owner ("Allied
    Press", "Sky UK"): weaker than a masthead (WEAK); a company's legal name ("… Co., Ltd.", "… АД")
    yields to any other signature of the page (LEAST)."""
    strength = LEAST if outlets.names_a_company(text) else WEAK
    return Candidate(name, strength, line, "outlet.copyright-line")


_BY_WORD = re.compile(r"(?<![^\W\d_])(?:by|von|par|por|door|di|av|af|oleh)(?![^\W\d_])", re.I)


def _without_site_clock(cands: list, title: Field) -> list:
    """The publication-date candidates without a site's clock: a bare date line above the headline
    ("Thursday, 20 Nov 2025" in the masthead) when a stamp under the headline says another day."""
    if title.value is None or not title.evidence or title.evidence[0].line is None:
        return cands
    at = title.evidence[0].line
    below = {c.value[:10] for c in cands if c.line.number > at}
    if not below:
        return cands
    return [c for c in cands if not (c.line.number < at and c.rule == "published.dateline"
                                     and c.value[:10] not in below)]


def _lines_naming(name: str, page):
    """(number, raw) of the page's lines (kept and foot) that name `name` as a whole phrase, in order."""
    if len(name) < 2:
        return
    pattern = re.compile(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", re.I)
    for number, raw in list(page.kept or []) + list(page.foot or []):
        if pattern.search(raw):
            yield number, raw


def _named_elsewhere(name: str, page, line_number: int) -> bool:
    """Whether a line of the page other than `line_number` (not a menu) names `name` as a whole phrase."""
    return any(number != line_number and len(raw) <= 200 and "|" not in raw
               for number, raw in _lines_naming(name, page))


def _skip_line(text: str) -> bool:
    """Noise, or chrome in words of which some are lower case ("Skip to main content", "Siirry
    pääsisältöön"): not the page's first line of content. A name in capitals ("LA STAMPA") is no chrome."""
    return is_noise(text) or (chrome.chrome_line(text) and any(w[:1].islower() for w in text.split()))


def _mentioned(name: str, page, header_end: int) -> int | None:
    """The number of a short line below the header (not prose, not a menu) that names `name` again ("Follow
    Planet Rugby on X", "Sign up to the Liverpool ECHO newsletter", "Source: Graphic Online"), or None."""
    for number, raw in _lines_naming(name, page):
        if number <= header_end or len(raw) > 120 or raw.count(" ") > 10:
            continue
        if "|" in raw or ">" in raw or "»" in raw or "›" in raw:
            continue  # a menu or a breadcrumb names sections
        if _BY_WORD.search(raw) or bylines.header_byline(raw.strip()):
            continue  # "Written by Hamid Rezvani": a newsletter's author at the top is named so again
        return number
    return None


def _confirmed_mastheads(guesses: list, page, outlet_c: list, header_end: int = 0) -> None:
    """A short line near the top is the masthead when the page names the same organisation elsewhere: its
    web domain ("The Hindu" and thehindu.com), a copyright line, a title's suffix. Added to `outlet_c`
    as printed, with the rule outlet.masthead-confirmed."""
    if not guesses:
        return
    keys = {outlets.key(c.value): c.line.number for c in outlet_c}
    held: dict[str, int] = {}
    for number, raw in list(page.kept or []) + list(page.foot or []):
        if "." in raw and raw.count(" ") < 8:
            name = outlets.domain_name(raw)
            if name:
                keys.setdefault(outlets.key(name), number)
        if "©" in raw or "opyright" in raw:
            # a holder that reads like a person's name ("© 2024 Correio Braziliense") is no outlet on its
            # own (_signatures), but it confirms the same name printed as the page's very first line (a
            # newsletter's author, under its masthead, is no masthead: "The Gulf Ledger" / "Hamid Rezvani")
            name = outlets.copyright_name(" ".join(raw.split()), owner_check=False)
            if name:
                held.setdefault(outlets.key(name), (number, outlets.name_words(name)))
    # The masthead printed again among the page's last lines (a footer's logo text): the same short line.
    echoed: dict[str, int] = {}
    for number, raw in list(page.kept or [])[-12:] + list(page.foot or []):
        if len(raw) <= 60 and raw.count(" ") <= 6:
            echoed[outlets.key(" ".join(raw.split()))] = number     # the last time it is printed
    # the first lines of content: a skip link or a noise line above the masthead does not count
    content = [number for number, raw in (page.kept or [])[:12] if not _skip_line(" ".join(raw.split()))]
    first = content[0] if content else (page.kept[0][0] if page.kept else None)
    top = set(content[:3]) or {number for number, _ in (page.kept or [])[:3]}
    for ln in guesses:
        k = outlets.key(ln.text)
        if len(k) >= 3 and k not in keys and k in held and (ln.number == first or not bylines.bare_name(ln.text)):
            keys[k] = held[k][0]
        if len(k) >= 4 and k not in keys:
            # "La Vanguardia" above, "© La Vanguardia Ediciones, S.L.U." below: the publisher's company
            # is named after the masthead
            # (whole words more: "Göteborg" is not confirmed by "© Göteborgs-Posten")
            words = outlets.name_words(ln.text)
            owner = next((n for hk, (n, held_words) in held.items()
                          if hk.startswith(k) and len(held_words) > len(words) and held_words[:len(words)] == words), None)
            if owner is not None:
                keys[k] = owner
        if (len(k) >= 3 and k not in keys and echoed.get(k, ln.number) - ln.number > 8
                and (ln.number in top or not bylines.bare_name(ln.text))):
            # (on a short page the masthead's own line, or a section's kicker printed again a few lines
            # below, is among the last lines: not a footer's echo)
            keys[k] = echoed[k]
        if len(k) >= 3 and k not in keys and ln.number == first:
            said = _mentioned(ln.text, page, header_end)
            if said is not None:
                keys[k] = said
        if len(k) >= 3 and k in keys and keys[k] != ln.number:
            name = outlets.clean_name(ln.text, lower_ok=True)
            if name:
                outlet_c.append(Candidate(name, MEDIUM, ln, "outlet.masthead-confirmed"))
                return


def _dated(text: str) -> bool:
    """A short line holding a date stamp: a dateline, a clock, a stamp with a label glued on."""
    if text.count(" ") >= 12:
        return False
    found = _find_date(text)
    if found is not None:
        # "Hindustan Petroleum to add 1,200 EV chargers on highways by March 2027": a headline holding a
        # date in its sentence; a stamp is mostly its date (a label, a weekday, a place beside it)
        return len(text.replace(found[1], " ").split()) <= 6
    # a line holding only a lunar Hijri date ("الثلاثاء - 2 شهر رمضان 1445") is a date line too, though
    # the date is not converted for the record (the calendar variant decides the day)
    return _ARABIC_SCRIPT.search(text) is not None and dates.find_date(text, lunar_hijri=True) is not None


def _decide_title(cands: list, header: list, meta: set, page, outlet_names: set, shape: tuple = ()) -> Field:
    """The headline among the candidate lines of the header (titles.decide), or unknown with the best
    candidate as evidence when its score is below the scorer's `accept` or a different candidate scores
    within its `margin` of it. The evidence names the scorer, its score and threshold, and the features
    that made the score."""
    if not cands:
        return Field.unknown()

    def is_org(text: str) -> bool:
        return (chrome.org_like(text, strong=True) or outlets.canonical(text) is not None
                or text.casefold() in outlet_names)

    active = titles.scorer()
    scored = titles.decide(cands, header, meta, page.kept or [], is_org, active, shape)
    best_score, _, best, why = scored[0]
    note = f"{active.name} >= {active.accept}: " + ",".join(why)
    evidence = Evidence(best.line.number, best.line.raw.strip(), best.rule, None, None,
                        round(best_score, 3), note)
    outcome, k = titles.verdict([(t[0], t[2].value) for t in scored], active.accept, active.margin)
    if outcome == "abstained":
        return Field.unknown([evidence.with_outcome("abstained", best.value)])
    if outcome == "conflict":
        s, _, other, why2 = scored[k]
        rival = Evidence(other.line.number, other.line.raw.strip(), other.rule, other.value, "conflict",
                         round(s, 3), f"{active.name}: " + ",".join(why2))
        return Field.unknown([evidence.with_outcome("conflict", best.value), rival])
    return Field.found(best.value, [evidence])


def _language(header: list, body: list) -> Field:
    """The page's language from its prose (the body's longer lines; the header's too on a page of short
    lines)."""
    prose_lines, size = [], 0
    for ln in body:
        if size >= language.SAMPLE_CHARS:
            break
        if ln.text.count(" ") >= 5:
            prose_lines.append(ln.text)
            size += len(ln.text) + 1
    guess = language.identify("\n".join(prose_lines))
    if guess is None and size < language.SAMPLE_CHARS // 3:
        # A page of short lines has next to no body: its header's sentences are text to read too.
        more = [ln.text for ln in header if ln.text.count(" ") >= 5 and not is_noise(ln.text)]
        if more:
            guess = language.identify("\n".join(more + prose_lines))
    if guess:
        lang, why = guess
        return Field.found(lang, [Evidence(None, why, "language.script-and-function-words")])
    return Field.unknown()


def extract(text: str) -> dict[str, Field]:
    """The fields of one article. Never raises: a failure inside a rule leaves its field unknown."""
    try:
        return _extract(text)
    except Exception:  # noqa: BLE001 - a record must be written whatever the text holds
        return {name: Field.unknown() for name in FIELD_NAMES}


# Outlet rules that read the site's own signature, not a story's: on a page that is not an article
# (a listing, a wall, an error page) only these name its outlet.
SITE_SIGNATURES = frozenset({"outlet.masthead-line", "outlet.footer-line", "outlet.copyright-line",
                             "outlet.domain", "outlet.web-address", "outlet.masthead-name",
                             "outlet.masthead-confirmed"})


def _extract(text: str) -> dict[str, Field]:
    page = read_page(text)
    if not page.lines:
        return {name: Field.unknown() for name in FIELD_NAMES}
    kind = pagekind.classify(page.kept or [])
    header = page.lines[:page.header_count]  # the lines before page.body_start
    body = page.lines[page.header_count:]
    lang_field = _language(header, body)
    if kind.kind != pagekind.ARTICLE:
        # Not an article: nothing on it is this page's headline, author, date or id. The site still
        # signs the page (its masthead, copyright line, web address): that is the page's outlet.
        why = [Evidence(kind.line, kind.text, kind.rule, kind.kind, "not-an-article")]
        fields = {name: Field.unknown(why) for name in FIELD_NAMES}
        fields["language"] = lang_field
        outlet = _fields(page, header, body, kind.shape)["outlet"]
        if outlet.value is not None and all(e.rule in SITE_SIGNATURES for e in outlet.evidence if e.outcome is None):
            fields["outlet"] = Field.found(outlet.value, list(outlet.evidence) + why)
        return fields
    # The page's language leads (it decides 03/04/2024); month names of the other languages are still
    # read (a page quotes its stamps in the site's language, whatever the body's).
    token = _LANGUAGES.set((lang_field.value,) + tuple(c for c in dates.DEFAULT_LANGUAGES if c != lang_field.value)
                           if lang_field.value else None)
    try:
        result = _fields(page, header, body, kind.shape)
    finally:
        _LANGUAGES.reset(token)
    result["language"] = lang_field
    return result


def _fields(page, header: list, body: list, shape: tuple = ()) -> dict[str, Field]:
    """Every field but the language, from an article's lines (`shape`: the page's pagekind.Shape)."""
    footer = [ln for ln in body[-FOOTER_LINES:] if ln.text.count(" ") < 10] if len(body) > 1 else []

    title_c, outlet_c, pub_c, code_c, byline_c = [], [], [], [], []
    title_cands: list[titles.TitleCandidate] = []
    credit_c: list[Candidate] = []  # organisations credited for the story (lead-ins, "Source:" lines)
    guesses: list[Line] = []        # short lines near the top that may be the masthead
    crawler_date = None
    title_done = False
    seen_content = False  # a content line (not noise, not a story code) came before this one

    menu_run = _menu_runs(header)
    # "by" alone on its line and the name on the next (lynx -dump, some reader views).
    split_by = set()
    for i, ln in enumerate(header[:-1]):
        if ln.text.casefold() in bylines.BY_ALONE:
            who = bylines.bare_name(header[i + 1].text)
            if who:
                byline_c.append(Candidate(who, STRONG, header[i + 1], "byline.by-line-split"))
                split_by.update((ln.number, header[i + 1].number))
    for index, ln in enumerate(header):
        if ln.number in split_by:
            continue
        raw_text = ln.text
        if index == 0:
            stripped, crawler_date = titles.strip_crawler_prefix(raw_text)
            if crawler_date:
                span = ln.raw.strip()
                pub_c.append(Candidate(crawler_date, MEDIUM, ln, "published.crawler-date-prefix", span))
                raw_text = stripped
        if is_noise(raw_text) or is_spaced_nav(ln.raw):
            if ("|" in raw_text or "·" in raw_text or "•" in raw_text) and not noise_match(raw_text):
                # a stamp line that looks like a menu: "Name · Outlet · Posted: Mar 14, 2024 4:00 AM EDT"; MEDIUM:
                # a site's clock sits in such bars too ("Sun 10 Mar 2024 | TEHRAN 12°C")
                _date_segments(ln, raw_text, pub_c, MEDIUM)
            continue
        if raw_text[:1] not in _NOT_CODE_START and _story_code(ln, raw_text, code_c, pub_c):
            continue
        name = outlets.masthead(raw_text, first_line=not seen_content)
        seen_content = True
        if name:
            outlet_c.append(Candidate(name, STRONG, ln, "outlet.masthead-line"))
            continue
        found = outlets.city_slash(raw_text)
        if found:
            outlet_c.append(Candidate(found[0], STRONG, ln, "outlet.city-slash-line"))
            continue
        if "|" in raw_text:  # "Aylin Kaya | 31.03.2024 - Update : 01.04.2024": a name beside the stamp
            who = bylines.name_before_bar(raw_text)
            stamp = raw_text.split("|")[1] if who else ""
            if who and _find_date(STAMP_SPLIT.split(stamp)[0].strip(" -–—"), whole=True):
                byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-beside-date"))
        if "|" in raw_text or "/" in raw_text or " - " in raw_text:
            who = bylines.name_beside_role(raw_text)
            if who:  # "Helena Varga | MIT News", "Tanesha Blackwood/Staff Reporter": no headline either
                byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-beside-role"))
                continue
        if ("·" in raw_text or "•" in raw_text or "—" in raw_text or "–" in raw_text) and _find_date(raw_text):
            who = bylines.name_before_stamp(raw_text)
            if who:  # "Priya Ramdas · CBC News · Posted: Mar 14, 2024": the name before the stamp
                byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-before-stamp", who))
        m = _BY_AFTER.search(raw_text)
        # a stamp before "by", not a sentence holding a date: "… in June 2024. Photo by X /Agency" is a caption
        if m and _dated(raw_text[:m.start()]) and not bylines.NOT_AUTHORS.match(
                raw_text[:m.start()].rsplit(None, 1)[-1] + m.group(0)):
            who = bylines.header_byline(m.group(0).strip())
            if who:  # "Posted on 23/03/2024 by Ruth Okafor"
                byline_c.append(Candidate(who, STRONG, ln, "byline.after-stamp", m.group(0).strip()))
        if _published_from_label(ln, pub_c, raw_text):
            continue
        before = len(pub_c)
        _date_in(raw_text, ln, "published.dateline", STRONG, pub_c, whole=True)
        if len(pub_c) > before:
            continue
        if _SEGMENT_SEP.search(raw_text):  # "By Nadia Rahimi | 12 December 2023", "Jakarta ● Mon, 4 March 2024"
            _date_segments(ln, raw_text, pub_c)
        if len(pub_c) == before and " - " in raw_text:
            # "KYODO NEWS - Nov 22, 2023 - 18:34", "Valencia - 07 may 2024 - 05:30 CEST": a name or a place,
            # then the dateline (the first " | " part: a section list may follow)
            head, _, rest = raw_text.partition(" - ")
            if len(head) <= 40 and not any(map(str.isdigit, head)):
                _date_in(rest.split(" | ")[0], ln, "published.dateline-after-name", STRONG, pub_c, whole=True)
        who = bylines.header_byline(raw_text)
        if who:
            byline_c.append(Candidate(who, STRONG, ln, "byline.by-line"))
            if chrome.org_like(who, strong=True) or outlets.canonical(who):
                # "By The Associated Press": an organisation credited as the author
                credit_c.append(Candidate(outlets.canonical(who) or outlets.clean_name(who) or who, WEAK, ln,
                                          "outlet.organisation-byline"))
            continue
        m = titles.RELATIVE.search(raw_text) if any(map(str.isdigit, raw_text)) or "منذ" in raw_text else None
        if m and m.start() > 2:
            name = raw_text[:m.start()].strip(" ·|-–—")
            if chrome.org_like(name, strong=True) or outlets.canonical(name):
                # "Al Mayadeen8 hours ago": the source an aggregator credits, glued to its time
                credit_c.append(Candidate(outlets.canonical(name) or name, WEAK, ln, "outlet.source-before-time", name))
                continue
        head, comma, _ = raw_text.partition(", ")
        if comma and raw_text.count(" ") <= 5 and (outlets.canonical(head) or chrome.masthead_name(head)):
            # "BBC News, Beirut": the outlet and the author's desk
            outlet_c.append(Candidate(outlets.canonical(head) or head, MEDIUM, ln, "outlet.desk-line", head))
            continue
        who = bylines.cjk_byline(raw_text)
        if who:  # "澎湃新闻记者 李想", "홍길동 기자"
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.cjk-reporter", who))
            continue
        who = bylines.by_segment(raw_text)
        if who:  # "ABC Rural / By Hannah Corbett": the "By" part of a line of separated parts
            byline_c.append(Candidate(who, STRONG, ln, "byline.by-segment", who))
            continue
        who = bylines.names_line(raw_text)
        if who:  # "Mark Hollis and Anna Petrou": a line of people's names
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.names-line"))
            continue
        who = bylines.name_with_role(raw_text)
        if who:  # "Gwyn Topham Transport correspondent": a bare name line with the author's role
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.name-with-role"))
            continue
        who = bylines.staff_credit(raw_text)
        if who:  # "Press TV Staff Writer", "Al Jazeera Staff": an organisation's credit without "By"
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.staff-credit"))
            continue
        if bylines.NOT_AUTHORS.match(raw_text):
            continue
        name = outlets.domain(raw_text) if raw_text.count(" ") < 6 else None
        if name:
            outlet_c.append(Candidate(name, MEDIUM, ln, "outlet.domain"))
            continue
        m = titles.LABELLED.match(raw_text)
        if m and not title_done:
            title_c.append(Candidate(as_printed(ln, titles.once(m.group("title").strip())), STRONG, ln,
                                     "title.labelled"))
            title_done = True
            continue
        if _signatures(ln, raw_text, outlet_c, credit_c, first_line=not title_cands and index < 3):
            continue
        if title_done:
            continue
        if ln.number in menu_run and index == 0 and len(raw_text) <= 40 and not any(map(str.isdigit, raw_text)):
            guesses.append(ln)  # the page's first line atop a one-item-a-line menu: the masthead, if confirmed
        if ln.number in menu_run or COPYRIGHT_LINE.match(raw_text) or outlets.tagline(raw_text) \
                or outlets.lookalike_masthead(raw_text) or chrome.chrome_line(raw_text) \
                or (chrome.breadcrumb(raw_text) and titles.strip_furniture(raw_text)[1] is None):
            continue  # a menu, a copyright line, a slogan, another site's masthead, site chrome
        if outlets.leadin(raw_text):
            continue
        if index < 6 and len(raw_text) <= 40 and raw_text.count(" ") <= 3 and not any(map(str.isdigit, raw_text)):
            guesses.append(ln)  # a short line near the top: a masthead, if the page confirms it below
        candidate, stripped = titles.strip_furniture(titles.once(raw_text))
        rule = "title.header-line" + ("-after-crawler-prefix" if crawler_date and index == 0 else "") + (stripped or "")
        suffix = outlets.title_suffix(candidate) or outlets.title_suffix_any(candidate)
        if suffix:  # "Iran says ready | Press TV": the site's name is not part of the headline
            outlet_c.append(Candidate(suffix[0], MEDIUM, ln, "outlet.title-suffix"))
            candidate = suffix[1]
            head, bar, section = candidate.rpartition(" | ")
            if bar and head and len(section.split()) <= 3:
                candidate = head  # "Headline | Section | The Guardian": the section is not the title
        elif " | " in candidate:
            segment = _headline_segment(candidate)
            if segment is None:
                continue
            if segment != candidate:
                candidate, rule = segment, "title.segment-of-header-line"
        if (titles.looks_like_headline(candidate) and not chrome.has_symbols(candidate)
                and not titles.furniture(candidate) and not _dated(candidate)):
            title_cands.append(titles.TitleCandidate(ln, as_printed(ln, candidate), index, rule))

    meta = {c.line.number for c in pub_c + byline_c + code_c}
    _bare_name_bylines(title_cands, header, meta, byline_c)
    if not title_c:
        title_c_field = _decide_title(title_cands, header, meta, page, {c.value.casefold() for c in outlet_c},
                                        shape)
    else:
        title_c_field = _resolve(title_c)

    # A byline under a standfirst ("By Jane Doe" after the summary that opened the body, perhaps below a
# "Listen to this article" button and a picture's caption): a short line.
    for ln in body[1:BYLINE_BODY_LINES]:
        if ln.text[0] not in _NOT_READ_MORE_START and READ_MORE_START.match(ln.text):
            break  # the byline under an inline "Read more:" link is the other story's
        if ln.text[-1:] not in ".!?" and ln.text.count(" ") < 10:
            who = bylines.header_byline(ln.text)
            if who:
                byline_c.append(Candidate(who, STRONG, ln, "byline.by-line-under-standfirst"))
                break

    # A name alone on its line under the standfirst, right above its role, a stamp, an address or a
    # relative time ("Maya Castellanos" / "Labor reporter"; "Daniela Ruiz" / "Monterrey / 01.12.2026
    # 16:48"; "Colm Whelan" / "2 hours ago"), or right under the stamp ("21 Νοεμβρίου 2025, 11:40" /
    # "Μαρία Παπαδάκη"): MEDIUM, as a name above a stamp in the header.
    if not any(c.strength == STRONG for c in byline_c):
        _bare_name_under_standfirst(header, body, byline_c)

    # Stamps under the standfirst or the lede (the body starts at the first prose line): labelled, alone
    # on their line, or a part of a separated line. MEDIUM: a stamp in the header wins.
    for ln in body[:BYLINE_BODY_LINES]:
        if ln.text.count(" ") > 10 or not _YEARISH.search(ln.text) or BARE_DATE_LABEL.match(ln.text):
            continue  # ("Date: 15 April" in the body is an event's)
        before = len(pub_c)
        if not _published_from_label(ln, pub_c):
            _date_in(ln.text, ln, "published.dateline-under-lede", MEDIUM, pub_c, whole=True)
            if len(pub_c) == before:
                _date_segments(ln, ln.text, pub_c, MEDIUM)
            if len(pub_c) == before and " - " in ln.text:
                # "Farah Liyana Kamal - 19 Nov 2025, 3:45 PM": the author, a hyphen, the stamp
                who, _, stamp = ln.text.partition(" - ")
                if bylines.bare_name(who.strip()):
                    _date_in(stamp, ln, "published.dateline-segment", MEDIUM, pub_c, whole=True)
                    if len(pub_c) > before:
                        byline_c.append(Candidate(who.strip(), MEDIUM, ln, "byline.name-beside-date"))
        if len(pub_c) > before:
            for c in pub_c[before:]:
                if c.strength == STRONG:
                    c.strength = MEDIUM
            break
    for ln in body[:LEADIN_LINES]:
        found = outlets.leadin(ln.text)
        if found:
            outlet_c.append(Candidate(found[0], STRONG, ln, "outlet.lead-in", found[1]))
            break
        found = outlets.leadin_name(ln.text)
        if found:  # "CITY (Some Agency) -": whoever wrote the story; the page's publisher may differ
            credit_c.append(Candidate(found[0], WEAK, ln, "outlet.lead-in-name", found[1]))
            break

    link_line = -9  # the last inline "Read more: <other story>" line: the stamp under it is that story's
    # Every body line goes through these: each rule's own regex is tried first, here, so that the rule
    # (which matches it again) runs only on the few lines it can take.
    code_label = codes.LABEL.match
    reporting = bylines.REPORTING.match
    for ln in body:
        text = ln.text
        first = text[0]
        if first in _BODY_QUIET_START and len(text) > 120:
            continue  # no rule below takes it (a long line beginning with none of their first letters)
        if first not in _NOT_CODE_START and code_label(text) and _story_code(ln, text, code_c, pub_c):
            pass
        elif first not in _NOT_LINK_START and _LINK_MARK.search(text, 0, 24) and READ_MORE_LINK.match(text):
            link_line = ln.number
        elif ln.number - link_line <= 2:
            pass
        elif (len(text) <= 120
              and ((first not in _NOT_PUBLISHED_START and PUBLISHED_LABEL.match(text))
                   or (first not in _NOT_UPDATED_START and UPDATED_LABEL.match(text)))
              and not BARE_DATE_LABEL.match(text)):  # "Date: 15 April" in the body is an event's
            before = len(pub_c)
            _published_from_label(ln, pub_c)
            for c in pub_c[before:]:  # a stamp deep in the body (a print edition's) yields to the header's
                c.strength = min(c.strength, MEDIUM)
        if first not in _NOT_REPORTING_START and reporting(text):
            credit = bylines.reporting_credit(text)
            if credit:
                byline_c.append(Candidate(credit, MEDIUM, ln, "byline.reporting-credit"))

    for ln in body[:LEADIN_LINES]:
        who = (bylines.cjk_leadin_byline(ln.text) if _HAN.search(ln.text, 0, 60)
               else bylines.ko_leadin_byline(ln.text) if _HANGUL.search(ln.text, 0, 40) else None)
        if who:  # "【环球时报特约记者 陈思远】…", "本报北京3月11日电 （记者王明远）…"
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.cjk-reporter-leadin", who))
            break
    # "…呼びかけている。（小林大輔）": a Japanese story's reporter after its last sentence (the last such
    # line: the links below the story are headlines, they end with no "。"); "김지훈 기자 kjh@hani.co.kr":
    # a Korean reporter's name, title and address on their own line, wherever the story ends
    for ln in reversed(body):
        text = ln.text
        if text[-1:] in "）)" and "。" in text[-45:]:
            who = bylines.ja_trailing_byline(text)
            if who:
                byline_c.append(Candidate(who, MEDIUM, ln, "byline.ja-trailing-name", who))
                break
        elif "@" in text and len(text) <= 60 and _HANGUL.search(text):
            who = bylines.ko_byline_with_address(text)
            if who:
                byline_c.append(Candidate(who, MEDIUM, ln, "byline.ko-reporter-address", who))
                break
    for ln in header + body[:BYLINE_BODY_LINES] + footer:
        found = bylines.bio_line(ln.text)
        if found:  # "Lior Ben-Ami is The Times of Israel's diplomatic correspondent."
            byline_c.append(Candidate(found[0], MEDIUM, ln, "byline.bio-line", found[0]))
            outlet_c.append(Candidate(outlets.canonical(found[1]) or found[1], MEDIUM, ln, "outlet.bio-line", found[1]))
            break
    read_more = [ln.number for ln in body if READ_MORE_START.match(ln.text) or READ_MORE_LINK.match(ln.text)]
    footer_dates = []
    for ln in footer:
        after_link = any(0 < ln.number - n <= 3 for n in read_more)  # the byline of a linked story
        who = bylines.header_byline(ln.text) if ln.text.count(" ") < 8 and not after_link else None
        if who:  # "By Park Ji-won" at the foot of a wire story
            byline_c.append(Candidate(who, MEDIUM, ln, "byline.footer-by-line"))
            continue
        found = _find_date(ln.text, whole=True)
        if found:
            footer_dates.append(Candidate(found[0], WEAK, ln, "published.footer-dateline", ln.raw.strip()))
            continue
        name = outlets.masthead(ln.text)
        if name:
            outlet_c.append(Candidate(name, STRONG, ln, "outlet.footer-line"))
            continue
        name = outlets.domain(ln.text) if ln.text.count(" ") < 6 else None
        if name:
            outlet_c.append(Candidate(name, MEDIUM, ln, "outlet.domain"))
            continue
        _signatures(ln, ln.text, outlet_c, credit_c)
    # A date alone at the foot of the story (some outlets print the stamp there): WEAK, so any stamp at
    # the top outranks it (a comment's time, a related story's). Two or more different dates at the foot
    # are a list of other stories ("Related: … / 12 March 2024"): none is this story's.
    if len({c.value for c in footer_dates}) == 1:
        pub_c.extend(footer_dates)

    # An "Updated" stamp (WEAK) is the publication date only when nothing stronger is printed.
    for number, raw in page.foot or []:  # the page's copyright line, below the other stories
        folded = " ".join(raw.split())
        name = outlets.copyright_name(folded)
        if name:
            outlet_c.append(_copyright_candidate(name, folded, Line(number, raw, folded)))
    _confirmed_mastheads(guesses, page, outlet_c, header[-1].number if header else 0)
    if outlet_c and all(c.strength == LEAST for c in outlet_c):
        # A company's legal name in a copyright line ("© Mediacorp Pte Ltd", "GPlusMedia Inc.") is the
        # owner; alone it names the publication only when the page names it so elsewhere too ("Toronto
        # Star" above "© Toronto Star Newspapers Ltd."); otherwise it stays evidence, not the value.
        named = [c for c in outlet_c if _named_elsewhere(c.value, page, c.line.number)]
        outlet_field = (_resolve(named, outlets.same, min) if named
                        else Field.unknown([c.evidence("abstained", c.value) for c in outlet_c]))
    else:
        outlet_field = _resolve(outlet_c, outlets.same, min)
    if outlet_field.value is None and not outlet_field.evidence and credit_c:
        outlet_field = _resolve(credit_c[:1])  # the page names no publisher: the credited organisation
    credit = [c for c in credit_c if outlet_field.value is None or c.value.casefold() != outlet_field.value.casefold()]
    result = {"title": title_c_field, "outlet": outlet_field,
              "credit": _resolve(credit[:1]) if outlet_field.value is not None else Field.unknown(),
              "published": _clock_beside(_resolve(_without_site_clock([c for c in pub_c if c.rule != UPDATE_RULE],
                                                                      title_c_field), _same_date), page),
              "updated": _clock_beside(_resolve([c for c in pub_c if c.rule == UPDATE_RULE], _same_date), page),
              "story_code": _resolve(code_c),
              "byline": _resolve(byline_c)}

    return result
