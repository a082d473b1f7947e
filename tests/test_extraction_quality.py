"""The extractor scored as acceptance scores it: the dev set's own scorer (../shared/extraction-dev-set/
score.py) on the dev set and on tests/corpus, in sample and leave-one-outlet-out. Precision must stay
at the targets (a wrong value is worse than unknown); recall must not fall below what is reached today.
These tests need ../shared: they fail when it is missing."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from archiver import evaluation
from archiver.extract import extract
from archiver.model import CORE_FIELD_NAMES
from archiver.textdecode import decode_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
DEV = ROOT.parent / "shared" / "extraction-dev-set"
SCORED = ("outlet", "date", "story_code", "title", "byline")
# Floors: what the extractor reaches today (make eval prints the tables; docs/extraction.md keeps them).
# Precision floors are the targets where they are met, else today's value; raise them as the
# extractor improves, never lower them to let a change through.
FLOORS = {
    "corpus": {"precision": {"outlet": 0.99, "date": 0.99, "story_code": 0.99, "title": 0.99, "byline": 0.99},
               "recall": {"outlet": 0.99, "date": 0.97, "story_code": 0.99, "title": 0.91, "byline": 0.90}},
    # dev title precision 0.98: one wrong title since the title model reads the page's shape (2.3): a
    # nine-line live blog (045) whose first entry's headline is taken for the page's.
    "dev": {"precision": {"outlet": 0.99, "date": 0.95, "story_code": 0.99, "title": 0.98, "byline": 0.99},
            "recall": {"outlet": 0.78, "date": 0.84, "story_code": 0.90, "title": 0.85, "byline": 0.99}},
}
# The blind corpus-web parts the extractor was since tuned on (in-sample now: these floors guard the
# gains against regressions; they say nothing about unseen pages, which part f measures).
WEB = ROOT / "tests" / "corpus-web"
WEB_FLOORS = {  # part: {field: (precision floor, recall floor)}, today's values less a page or two
    "a": {"title": (0.99, 0.83), "outlet": (0.96, 0.76), "date": (0.99, 0.72), "byline": (0.99, 0.56)},
    "b": {"title": (0.99, 0.70), "outlet": (0.99, 0.66), "date": (0.96, 0.85), "byline": (0.99, 0.62)},
    "c": {"title": (0.99, 0.77), "outlet": (0.96, 0.68), "date": (0.92, 0.63), "byline": (0.99, 0.52)},
    "d": {"title": (0.99, 0.68), "outlet": (0.95, 0.57), "date": (0.85, 0.57), "byline": (0.99, 0.33)},
}
ISO_PUBLISHED = re.compile(r"\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?)?)?")


@pytest.fixture(scope="module")
def corpus_report():
    return evaluation.run(CORPUS, CORPUS / "truth.yaml", loo=False)[1]


@pytest.fixture(scope="module")
def dev_report():
    return evaluation.run(DEV / "cases", DEV / "truth.yaml", loo=False)[1]


def test_corpus_is_large_and_fully_labelled():
    truth = yaml.safe_load((CORPUS / "truth.yaml").read_text("utf-8"))["files"]
    files = {p.name for p in CORPUS.iterdir() if p.name != "truth.yaml"}
    assert len(files) >= 80
    assert files == set(truth)
    for name, entry in truth.items():
        assert set(CORE_FIELD_NAMES) <= set(entry), name
        assert entry["published"] is None or ISO_PUBLISHED.fullmatch(entry["published"]), name
        assert entry["story_code"] is None or re.fullmatch(r"[0-9]+", entry["story_code"]), name
        assert entry["byline"] is None or not entry["byline"].lower().startswith("by "), name
    langs = [e["language"] for e in truth.values()]
    for lang in ("fr", "fa", "ar"):
        assert langs.count(lang) >= 5, lang


@pytest.mark.parametrize("which", ["corpus", "dev"])
def test_precision_and_recall_hold(which, corpus_report, dev_report):
    report = corpus_report if which == "corpus" else dev_report
    for field in SCORED:
        s = report["fields"][field]
        bad = {case: v[field] for case, v in report["cases"].items() if v[field]["verdict"] not in ("ok", "ok-null")}
        if s["precision"] is not None:
            assert s["precision"] >= FLOORS[which]["precision"][field], (field, bad)
        if s["recall"] is not None:
            assert s["recall"] >= FLOORS[which]["recall"][field], (field, bad)


@pytest.mark.parametrize("part", sorted(WEB_FLOORS))
def test_the_tuned_corpus_web_parts_keep_their_gains(part):
    report = evaluation.run(WEB / "cases", WEB / f"truth-{part}.yaml", loo=False)[1]
    for field, (precision, recall) in WEB_FLOORS[part].items():
        s = report["fields"][field]
        bad = {case: v[field] for case, v in report["cases"].items() if v[field]["verdict"] not in ("ok", "ok-null")}
        assert s["precision"] >= precision, (part, field, s["precision"], bad)
        assert s["recall"] >= recall, (part, field, s["recall"], bad)


def test_language_recall_on_the_corpus():
    truth = yaml.safe_load((CORPUS / "truth.yaml").read_text("utf-8"))["files"]
    right = wrong = 0
    for name, entry in truth.items():
        text, _ = decode_text((CORPUS / name).read_bytes())
        got = extract(text)["language"].value if text is not None else None
        if got is not None:
            right += got == entry["language"]
            wrong += got != entry["language"]
    assert wrong == 0
    assert right >= 0.96 * len(truth)


def _page(tmp_path, name, text):
    (tmp_path / name).write_text(text, "utf-8")


BODY = ("Officials said on Monday that the new plan would be presented to parliament next month after "
        "several rounds of consultation with regional governments and business groups across the country.")


def test_the_scorer_counts_a_wrong_value_as_both_errors(tmp_path):
    _page(tmp_path, "a.txt", f"Parliament approves the new budget plan\n\n{BODY}\n\n© 2024 Reuters\n")
    _page(tmp_path, "b.txt", f"Parliament approves the new budget plan\n\n{BODY}\n")
    truth = {"cases": [
        {"file": "a.txt", "outlet": "Reuters", "title": "Parliament approves the new budget plan",
         "date": None, "story_code": None, "byline": None},
        {"file": "b.txt", "outlet": None, "title": "Another headline", "date": None, "story_code": None,
         "byline": None}], "aliases": {"Reuters": ["reuters.com"]}}
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump(truth), "utf-8")
    text, report = evaluation.run(tmp_path, tmp_path / "truth.yaml", loo=False)
    t = report["fields"]["title"]
    assert (t["tp"], t["fp"], t["fn"]) == (1, 1, 1)
    assert report["fields"]["outlet"]["tp"] == 1
    assert "title" in text


def test_leave_one_outlet_out_turns_off_the_rules_that_name_the_outlet(tmp_path):
    # Only outlets.yaml knows "Tasnim" as an outlet: left out, its lead-in no longer names it. (The
    # lead-in rule for any organisation, "CITY (Name) -", still credits it: that is the general rule.)
    _page(tmp_path, "t.txt", f"Iranian wrestlers win three golds in Asia\n\ntasnimnews.com\n\n{BODY}\n")
    truth = {"cases": [{"file": "t.txt", "outlet": "Tasnim News Agency", "title": None, "date": None,
                        "story_code": None, "byline": None}], "aliases": {}}
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump(truth), "utf-8")
    inside = evaluation.run(tmp_path, tmp_path / "truth.yaml", loo=False)[1]
    left_out = evaluation.run(tmp_path, tmp_path / "truth.yaml", loo=True)[1]
    assert inside["cases"]["t"]["outlet"]["got"] == "Tasnim News Agency"
    assert left_out["cases"]["t"]["outlet"]["got"] != "Tasnim News Agency"


def test_the_command_prints_the_table(tmp_path, capsys):
    _page(tmp_path, "a.txt", f"Parliament approves the new budget plan\n\n{BODY}\n")
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump({"files": {"a.txt": {
        "title": "Parliament approves the new budget plan", "outlet": None, "published": None,
        "story_code": None, "byline": None, "language": "en"}}}), "utf-8")
    assert evaluation.main([str(tmp_path), "--truth", str(tmp_path / "truth.yaml")]) == 0
    out = capsys.readouterr().out
    assert "title" in out and "truth cases: 1" in out
