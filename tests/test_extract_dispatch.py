"""The first-character shortcuts of archiver.extract.dispatch are the same as plain matching.

FirstCharacterDispatch(p).match tries only the alternatives that can begin with the text's first
character, and ascii_non_starters(p) names the characters no match begins with (callers skip the
regex for lines beginning so). Both must give exactly what p.match gives, for every pattern that uses
them: this test is their contract (issue 16: keep the dispatch only with a property test proving it
equivalent to plain matching)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

import archiver.extract as ex
from archiver.extract import bylines, codes, outlets
from archiver.extract.dispatch import FirstCharacterDispatch, ascii_non_starters
from archiver.extract.noise import NOISE, SECTION
from archiver.extract.page import TAIL_MARKERS

GUARDED = {"code label": codes.LABEL, "reporting": bylines.REPORTING, "published label": ex.PUBLISHED_LABEL,
           "updated label": ex.UPDATED_LABEL, "read-more link": ex.READ_MORE_LINK,
           "read-more start": ex.READ_MORE_START, "by": bylines.BY}
DISPATCHED = {"section": SECTION, "tail": TAIL_MARKERS, "masthead": outlets.MASTHEAD,
              "lead-in name": outlets.LEADIN_NAME, "read-more link": ex.READ_MORE_LINK,
              "read-more start": ex.READ_MORE_START}


def _words(pattern: re.Pattern) -> list[str]:
    """Literal words of the pattern, to build texts that match it as well as texts that do not."""
    return sorted({w for w in re.findall(r"[^\W\d_]{2,}", pattern.pattern) if w not in ("P", "d", "s", "w")})[:400]


def _texts(pattern: re.Pattern):
    words = _words(pattern)
    piece = st.one_of(st.sampled_from(words), st.sampled_from([":", " ", "-", "|", "12", "2024", "By", "»", "("]),
                      st.text(max_size=4))
    return st.lists(piece, max_size=6).map(lambda parts: " ".join(parts)) | st.text(max_size=30)


@pytest.mark.parametrize("name", sorted(GUARDED))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_non_starters_never_begin_a_match(name, data):
    pattern = GUARDED[name]
    text = data.draw(_texts(pattern))
    variants = [text, text.capitalize(), text.upper()]
    skip = ascii_non_starters(pattern)
    for t in variants:
        if t[:1] in skip:
            assert pattern.match(t) is None, (name, t)


@pytest.mark.parametrize("name", sorted(DISPATCHED))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_dispatch_matches_exactly_as_the_pattern(name, data):
    pattern = DISPATCHED[name]
    dispatch = FirstCharacterDispatch(pattern)
    text = data.draw(_texts(pattern))
    for t in (text, text.capitalize(), text.upper(), text.lower()):
        a, b = pattern.match(t), dispatch.match(t)
        assert (a is None) == (b is None), (name, t)
        if a is not None:
            assert a.span() == b.span(), (name, t)


def test_the_noise_dispatch_agrees_on_real_lines():
    from archiver.extract.noise import noise_match
    for t in ["Share this article", "Home", "Breaking: storm", "12°C Tehran", "▲ 3%", "Source: Xinhua",
              "Iran says ready to talk", "Skip to main content", "tags: a, b", "Accept all cookies"]:
        assert bool(noise_match(t)) == bool(NOISE.match(t)), t
