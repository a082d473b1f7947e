"""The page read into zones: the lines rules read, and where the header, body, footer and tail are.

The header runs up to the first prose line; after the first lines of the body (a lead-in) the middle of
the article is skipped, and the last lines before the tail (credits, codes, mastheads) are read. The
tail of other stories ("Similar Posts", "Related News", "Read more", ...) is cut off because its titles
and dates belong to other stories; the page's own last lines after it are kept apart for signatures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.extract.dispatch import FirstCharacterDispatch
from archiver.extract.text import Line
from archiver.textfold import normalise

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

_new_line = tuple.__new__  # _new_line(Line, (number, raw, text)): Line(...) without its Python-level __new__


# TAIL_MARKERS.match, trying only the alternatives that can begin with the text's first character.
_tail_marker_match = FirstCharacterDispatch(TAIL_MARKERS).match


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
BODY_LINES = 6  # as many as the rules under the standfirst read (BYLINE_BODY_LINES)
FOOT_LINES = 20
_END_OF_SENTENCE = ".!?\"”»'’:؛.。"


_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _is_prose(raw: str, words: int | None = None) -> bool:
    """A long line, or a sentence of twelve words or more. `words`: len(raw.split()), when known."""
    if words is None:
        words = len(raw.split())
    if words >= 25 or (words >= 12 and raw.rstrip()[-1:] in _END_OF_SENTENCE):
        # "Latest news | New Zealand | World | Business | …": a menu of 25 words is no prose
        return raw.count("|") < 3 and raw.count("•") < 3 and raw.count("·") < 3
    # Chinese and Japanese write sentences without spaces: a long line ending a sentence is prose.
    return words < 12 and len(raw) >= 40 and raw.rstrip()[-1:] in "。．！？" and bool(_CJK_CHARS.search(raw))


def _wrapped(raw: str, following: str) -> bool:
    """A line of running prose that a dump wrapped (lynx -dump, reader views wrap at ~70 characters):
    eight words or more, no sentence end, and the next line (four words or more) goes on in lower case."""
    following = following.lstrip()
    return (following[:1].islower() and raw.rstrip()[-1:] not in _END_OF_SENTENCE
            and len(raw.split()) >= 8 and following.count(" ") >= 3)


# A cookie or consent notice near the top is prose, but not the article's: it does not end the header
# (the headline often stands below the banner).
NOTICE_LINES = 15
_NOTICE = re.compile(r"cookie|\bconsent|\bour partners\b|einwilligung|consentimiento|consenso|consentement|"
                     r"çerez|\bkakor\b|evästei|informasjonskapsler|ciasteczk|файлы cookie|קובצי|ملفات تعريف الارتباط|"
                     r"کوکی|クッキー|쿠키|"
                     # an archive's or a cache's banner above the captured page
                     r"google's cache of|snapshot of the page|wayback machine|internet archive|press ctrl\+f", re.I)


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
        if start_index is None and (i == HEAD_LINES or (
                (_is_prose(raw, norm.count(" ") + 1 if norm is raw else None)
                 or _wrapped(raw, kept[i + 1][1] if i + 1 < count else ""))
                and not (i < NOTICE_LINES and _NOTICE.search(raw)))):
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

