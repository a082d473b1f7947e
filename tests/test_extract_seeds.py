"""The five seed files give exactly the values of the spec table, each known value with evidence
quoting its own line of the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract import extract
from archiver.textdecode import decode_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# The spec table (issue): title, outlet, published, story_code, byline; language is en for all.
EXPECTED = {
    "000_": ("Gaza Victory Heralds Greater Triumphs", None, None, None, None),
    "001_": ("Imam Khamenei: Victory of Gaza People A Triumph over US", None, None, None, "Staff, Agencies"),
    "002_": ("Zionist Regime Unable to Defeat Resistance Forces: Ayatollah Khamenei", "Islam Times",
             "2024-03-28T21:46", "1125546", None),
    "003_": ("Leader Praises Hamas for Bold Stand Against Israel's Actions", None, None, None, None),
    "004_": ("IRGC Reiterates Iran’s Support for Palestine After Resistance Victory Against Israel",
             "Press TV", "2021-05-22T08:13", None, None),
}
FIELDS = ("title", "outlet", "published", "story_code", "byline")


def _seed(prefix: str) -> tuple[str, dict]:
    [path] = [p for p in SEEDS.iterdir() if p.name.startswith(prefix)]
    text, encoding = decode_text(path.read_bytes())
    assert encoding is not None
    return text, extract(text)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_values_match_the_spec_table(prefix):
    _, fields = _seed(prefix)
    got = tuple(fields[name].value for name in FIELDS)
    assert got == EXPECTED[prefix]
    assert fields["language"].value == "en"


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_every_known_seed_value_has_evidence_from_the_file(prefix):
    text, fields = _seed(prefix)
    lines = text.splitlines()
    for name, field in fields.items():
        if field.value is None:
            assert field.status == "unknown"
            continue
        assert field.status == "extracted" and field.evidence, name
        for e in field.evidence:
            assert e.rule.startswith(name + "."), e
            if e.line is None:
                assert name == "language"
            else:
                assert e.text and e.text in lines[e.line - 1], e


def test_seed_000_quoted_agency_and_event_dates_are_not_taken():
    _, fields = _seed("000_")
    # "the Mehr news agency quoted him", "Thursday", "July", "August 26" are in the body.
    assert not fields["outlet"].evidence
    assert not fields["published"].evidence


def test_seed_004_crawler_prefix_is_not_in_the_title():
    _, fields = _seed("004_")
    assert not fields["title"].value.startswith("date")
    assert fields["title"].evidence[0].line == 1
