"""The benchmark (`python -m bench`) end to end on a tiny corpus, and its parts. No timing assertions."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import ensure_corpus, large_spec, small_spec
from bench.measure import measure
from bench.targets import evaluate

REPO = Path(__file__).resolve().parent.parent
EXPORTS = ("archivematica", "dspace-saf", "omeka-s", "ro-crate", "sqlite")   # every `archiver export --to`


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_bench_runs_end_to_end_on_a_tiny_corpus(tmp_path):
    results, docs, work = tmp_path / "results", tmp_path / "performance.md", tmp_path / "work"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "small", "--small-files", "30", "--runs", "1",
         "--warmup", "0", "--work", str(work), "--results", str(results), "--docs", str(docs)],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    [path] = list(results.glob("*-small-quick.json"))
    doc = json.loads(path.read_text())
    assert doc["set"] == "small" and doc["quick"] is True and doc["runs"] == 1
    [corpus_dir] = [p for p in (work / "corpora").iterdir() if p.is_dir()]
    assert doc["corpus"]["files"] == 30 == len(_tree(corpus_dir))
    assert doc["corpus"]["bytes"] == sum(len(b) for b in _tree(corpus_dir).values())
    assert doc["machine"]["cores"] == os.cpu_count() and doc["machine"]["bagit"]

    by_key = {r["key"]: r for r in doc["results"]}
    assert set(by_key) == {"floor-coreutils", "floor-python", "copy", "layout", "archiver-bag", "bagit-make",
                           "floor-validate-files", "archiver-validate", "archiver-validate-fast", "bagit-validate",
                           "bagit-validate-fast", "sha-check", "archiver-update",
                           "archiver-bag-noroom", "archiver-harvest"} | {f"archiver-export-{fmt}" for fmt in EXPORTS}
    for r in doc["results"]:
        if r["key"] == "archiver-update" and r["status"] == "not available":
            continue
        assert r["status"] == "ok", r
        assert len(r["times"]) == 1 and r["median"] > 0 and r["rss_kib"][0] > 0
        assert r["ratio_to_floor"] == pytest.approx(r["median"] / doc["floor"]["seconds"], rel=0.005)
    floors = {k: by_key[k]["median"] for k in ("floor-coreutils", "floor-python")}
    assert doc["floor"]["from"] == min(floors, key=floors.get)
    assert {t["key"] for t in doc["targets"]} == {"bag-floor-small", "bag-vs-bagit", "validate-floor-small",
                                                   "validate-vs-bagit", "update", "reading-room",
                                                   "harvest"} | {f"export-{fmt}" for fmt in EXPORTS}
    # Exports and the harvest are judged against validate --fast of the same run (pass or fail, not n/a).
    targets = {t["key"]: t for t in doc["targets"]}
    fast = by_key["archiver-validate-fast"]["median"]
    for fmt in EXPORTS:
        t = targets[f"export-{fmt}"]
        assert t["value"] == pytest.approx(by_key[f"archiver-export-{fmt}"]["median"] / fast)
        assert t["pass"] is (t["value"] <= 2.0)
    assert targets["harvest"]["value"] == pytest.approx(by_key["archiver-harvest"]["median"] / fast)
    assert not (work / "runs" / "small").exists()  # bags are cleaned up
    assert not (work / "trash").exists()  # ... and the trash they were moved to is emptied at the end

    page = docs.read_text()
    for r in doc["results"]:
        assert f"| {r['label']} |" in page
    for t in doc["targets"]:
        assert t["target"] in page
    assert doc["machine"]["cpu"] in page


def test_corpora_are_deterministic_news_like_and_reused(tmp_path):
    spec = small_spec(40, seed=5)
    a, stamp = ensure_corpus(spec, tmp_path / "a")
    b, _ = ensure_corpus(spec, tmp_path / "b")
    files = _tree(a)
    assert files == _tree(b) and len(files) == stamp["files"] == 40
    assert len({name.split("/")[0] for name in files}) > 1            # a few subdirectories
    for data in files.values():
        assert 3 * 1024 <= len(data) <= 12 * 1024 and b"Story Code: " in data
    assert _tree(ensure_corpus(small_spec(40, seed=6), tmp_path / "a")[0]) != files

    # Reused, not rewritten, when the stamp matches.
    again = tmp_path / "c"
    first, _ = ensure_corpus(spec, again)
    one = sorted(first.rglob("*.txt"))[0]
    before = one.stat().st_mtime_ns
    os.utime(one, ns=(before - 10**9, before - 10**9))
    ensure_corpus(spec, again)
    assert one.stat().st_mtime_ns == before - 10**9

    big, stamp = ensure_corpus(large_spec(2, (3 << 20) + 5), tmp_path / "big")
    sizes = sorted(p.stat().st_size for p in big.iterdir())
    assert sizes == [(3 << 20) + 5] * 2 and stamp["bytes"] == sum(sizes)
    assert _tree(big) == _tree(ensure_corpus(large_spec(2, (3 << 20) + 5), tmp_path / "big2")[0])


def test_measure_reports_exit_code_stderr_and_the_child_peak_rss():
    m = measure([sys.executable, "-c",
                 "import sys; b = bytearray(120 << 20); sys.stderr.write('done'); sys.exit(3)"])
    assert m.returncode == 3 and m.stderr == "done"
    assert m.maxrss_kib >= 120 * 1024


def test_targets_pass_and_fail_on_the_measured_figures():
    def judged(bag: float) -> dict:
        results = {"archiver-bag": {"median": bag}, "bagit-make": {"median": 8.0}}
        return {t["key"]: t["pass"] for t in evaluate("small", results, 1.0)}
    assert judged(2.5)["bag-floor-small"] is True and judged(2.5)["bag-vs-bagit"] is True
    assert judged(3.5)["bag-floor-small"] is False and judged(3.5)["bag-vs-bagit"] is False
    assert judged(2.5)["validate-floor-small"] is None   # not measured: neither pass nor fail


def test_trash_moves_aside_then_deletes_everything(tmp_path):
    from bench.trash import Trash
    trash = Trash(tmp_path / "trash")
    for name in ("bag", "copy"):
        (tmp_path / name / "data").mkdir(parents=True)
        (tmp_path / name / "data" / "a.txt").write_text("x")
    (tmp_path / "file").write_text("y")
    for name in ("bag", "copy", "file", "missing"):
        trash.discard(tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trash"]
    assert len(list((tmp_path / "trash").iterdir())) == 3
    trash.empty()
    assert list(tmp_path.iterdir()) == []


def test_every_export_format_has_a_bench_row():
    from archiver.export import formats
    from bench.contenders import EXPORT_FORMATS
    assert sorted(EXPORT_FORMATS) == formats() == sorted(EXPORTS)


def test_harvest_follows_resumption_tokens_to_the_end(tmp_path):
    """bench/harvest.py over a bag of more files than one OAI-PMH page holds."""
    from archiver.serve import oai
    src = tmp_path / "src"
    src.mkdir()
    count = oai.PAGE_SIZE + 5
    for i in range(count):
        (src / f"{i:04d}.txt").write_text(f"Headline {i}\n\nBody {i}.\n", encoding="utf-8")
    bag = tmp_path / "bag"
    subprocess.run([sys.executable, "-m", "archiver", "bag", str(src), "-o", str(bag), "--quiet"],
                   cwd=REPO, check=True)
    done = subprocess.run([sys.executable, "-m", "bench.harvest", str(bag)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{count} records in 2 responses" in done.stderr
    (bag / "metadata").rename(tmp_path / "gone")                        # no records: the harvest fails
    assert subprocess.run([sys.executable, "-m", "bench.harvest", str(bag)], cwd=REPO,
                          capture_output=True).returncode != 0


def test_extraction_row_measures_microseconds_per_page(capsys):
    from bench import extraction
    pages = extraction.generated_pages(count=20)
    assert len(pages) == 20 and all(5000 <= len(p) <= 7500 for p in pages)
    assert extraction.per_page(pages) > 0
    assert extraction.labelled_pages()  # needs ../shared: fails when it is missing
