"""The extractor scored on the labelled corpus (tests/corpus, truth in truth.yaml): precision must be 1.0
on every field (a wrong value is worse than unknown); recall must not fall below what it reaches."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from archiver import evaluation
from archiver.model import FIELD_NAMES

CORPUS = Path(__file__).parent / "corpus"
# Floors: what the extractor reached on this corpus when they were last set (the targets are
# title/outlet/published/story_code 0.95, byline 0.85, language 0.90); raise them as recall improves.
# Blind set 2 (c_*) brought misses the extractor does not yet fix (an ambiguous 01/08/2024 beside its
# written date, 'Name in City' and 'Par : FRANCE 24' bylines, too little text to name a language):
# the floors are what is reached with it.
RECALL_FLOORS = {"title": 1.0, "outlet": 1.0, "published": 0.98, "story_code": 1.0, "byline": 0.88, "language": 0.98}
# The spec's canonical outlet names: the truth may use no other spelling.
CANONICAL_OUTLETS = {
    "Islam Times", "Press TV", "Tehran Times", "Mehr News Agency", "IRNA", "Tasnim News Agency",
    "Fars News Agency", "ISNA", "Al-Ahed News", "Al Mayadeen", "Al Jazeera", "Reuters", "Associated Press",
    "AFP", "Xinhua", "Anadolu Agency", "TASS", "Middle East Eye", "The Times of Israel", "BBC News",
    "The Guardian", "The New York Times", "Kayhan International", "Al Arabiya", "France 24", "Le Monde",
    "IRIB News", "Al-Manar",
    # and outlets of the extractor's table (outlets.yaml) that the blind set (b_*) shows
    "The Washington Post", "Deutsche Welle", "CNN",
}
ISO_PUBLISHED = re.compile(r"\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?)?)?")


@pytest.fixture(scope="module")
def report():
    return evaluation.score(CORPUS)


def test_corpus_is_large_and_fully_labelled():
    truth = evaluation.load_truth(CORPUS)
    files = {p.name for p in CORPUS.iterdir() if p.name != "truth.yaml"}
    assert len(files) >= 80
    assert files == set(truth)
    for name, entry in truth.items():
        assert set(FIELD_NAMES) <= set(entry), name
    langs = [e["language"] for e in truth.values()]
    for lang in ("fr", "fa", "ar"):
        assert langs.count(lang) >= 5, lang


def test_truth_values_are_well_formed():
    """A typo in the truth would silently cost the extractor recall (or reward a wrong value)."""
    for name, e in evaluation.load_truth(CORPUS).items():
        assert e["outlet"] is None or e["outlet"] in CANONICAL_OUTLETS, name
        assert e["published"] is None or ISO_PUBLISHED.fullmatch(e["published"]), name
        assert e["story_code"] is None or re.fullmatch(r"[0-9]+", e["story_code"]), name
        assert e["byline"] is None or not e["byline"].lower().startswith("by "), name
        for f in ("title", "byline"):
            assert e[f] is None or e[f] == e[f].strip(), (name, f)


def test_corpus_covers_the_encodings():
    data = [p.read_bytes() for p in CORPUS.iterdir() if p.name != "truth.yaml"]
    assert sum(b.startswith(b"\xef\xbb\xbf") for b in data) >= 3
    assert sum(b"\r\n" in b for b in data) >= 3
    assert any("\u00a0" in b.decode("utf-8", "replace") for b in data)

    def not_utf8(b):
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False
    assert sum(not_utf8(b) for b in data) >= 3


@pytest.mark.parametrize("field", FIELD_NAMES)
def test_precision_is_perfect_and_recall_holds(report, field):
    s = report.fields[field]
    wrong = [m for m in report.mismatches if m[1] == field and m[3] is not None]
    assert s.precision == 1.0, f"wrong values: {wrong}"
    assert s.recall >= RECALL_FLOORS[field], [m for m in report.mismatches if m[1] == field]


def test_the_scorer_counts_correctly(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "c.txt").write_text("x")
    truth = {"files": {
        "a.txt": {f: None for f in FIELD_NAMES} | {"title": "Right", "outlet": "Reuters"},
        "b.txt": {f: None for f in FIELD_NAMES} | {"title": "Other"},
        "c.txt": {f: None for f in FIELD_NAMES},
    }}
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump(truth))
    answers = {"a.txt": {"title": "Right", "outlet": None}, "b.txt": {"title": "Wrong"},
               "c.txt": {"title": "Invented", "byline": "Someone"}}
    report = evaluation.score(tmp_path, predictor=lambda p: answers[p.name])
    t = report.fields["title"]
    assert (t.tp, t.fp, t.fn) == (1, 2, 1)
    assert t.precision == pytest.approx(1 / 3) and t.recall == pytest.approx(1 / 2)
    o = report.fields["outlet"]
    assert (o.tp, o.fp, o.fn) == (0, 0, 1) and o.precision == 1.0 and o.recall == 0.0
    assert report.fields["byline"].fp == 1


def test_the_command_prints_the_table_and_mismatches(tmp_path, monkeypatch, capsys):
    """`python -m archiver.evaluation DIR` goes through decode + extract; a fake extract shows the wiring."""
    import archiver.extract

    class Value:  # stands in for archiver.model.Field: the scorer reads only .value
        def __init__(self, value):
            self.value = value

    (tmp_path / "a.txt").write_bytes("\ufeffHeadline\r\nBody.\r\n".encode("utf-8"))
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump({"files": {
        "a.txt": {f: None for f in FIELD_NAMES} | {"title": "Headline", "language": "en"}}}))
    seen = []

    def fake_extract(text):
        seen.append(text)
        return {f: Value(None) for f in FIELD_NAMES} | {"title": Value("Headline"), "outlet": Value("Reuters")}

    monkeypatch.setattr(archiver.extract, "extract", fake_extract)
    assert evaluation.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert seen and "Headline" in seen[0]
    assert "(1 files)" in out
    assert "a.txt | outlet | null | Reuters" in out
    assert "a.txt | language | en | null" in out
