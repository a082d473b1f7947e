"""Shortcuts that spare the regex engine work, each giving the answer plain matching gives.

The extractor tries long alternations ("^(published|posted|...)") on every header line, and most lines
begin with a character that no alternative can begin with. `FirstCharacterDispatch` keeps, for each
ASCII first character, only the alternatives that can begin there; `ascii_non_starters` names the first
characters that spare a pattern altogether; `may_contain` says when no word of a list can occur in a
line. They are kept only because tests/test_extract_dispatch.py proves the first two equal to plain
matching (issue 16); `split_top` also serves the noise patterns (archiver.extract.noise).
"""
from __future__ import annotations

import re
from functools import lru_cache


def ascii_non_starters(pattern: re.Pattern) -> frozenset[str]:
    """The ASCII characters that begin no match of `pattern.match`: those that none of the pattern's
    possible first literals (read by _heads) matches, as the regex engine decides with the pattern's
    flags. A text that begins with one of these is spared the pattern. Empty when the start of the
    pattern is not analysed; non-ASCII characters are never in the set (the pattern decides for them)."""
    starts: set[str] = set()
    for alt in split_top(pattern.pattern):
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


def split_top(alternation: str) -> list[str]:
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
        for part in split_top(inner):
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
    return ["(?:" + part + ")" + rest for part in split_top(alt[3:end])]


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
        prefix, alternatives, suffix = source[:m.end()], split_top(source[m.end():end]), source[end:]
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
