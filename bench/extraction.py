"""Extraction alone, in µs per page on one core: the cost the extractor adds to every file of a bag.

Two page sets, both read once into memory (no file I/O is timed), each extracted in one process:
`generated` (1,000 pages of about 6 KB from bench.corpus's news-like generator, the bag benchmark's
own pages) and `labelled` (the 253 real-layout pages of tests/corpus and the dev set, 0.2–8 KB). Median
of five rounds after a warm-up round. The issue's budget is about 150 µs per 6 KB page.

    python -m bench.extraction [--json PATH]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from bench import corpus as bc

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 5


def generated_pages(count: int = 1000, size: int = 6000) -> list[str]:
    rng = random.Random(7)
    pool = bc._sentences(rng, 400)
    return [bc._article(rng, pool, i, bc.OUTLETS[i % len(bc.OUTLETS)], bc.YEARS[i % len(bc.YEARS)], size)
            .decode("utf-8") for i in range(count)]


def labelled_pages() -> list[str]:
    from archiver.textdecode import decode_text
    paths = sorted((REPO / "tests" / "corpus").glob("*.txt"))
    paths += sorted((REPO.parent / "shared" / "extraction-dev-set" / "cases").glob("*.txt"))
    texts = [decode_text(p.read_bytes())[0] for p in paths]
    return [t for t in texts if t]


def per_page(texts: list[str]) -> float:
    """Median µs per page over ROUNDS rounds (after one warm-up round)."""
    from archiver.extract import extract
    for t in texts:
        extract(t)
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for t in texts:
            extract(t)
        runs.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.median(runs)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    a = ap.parse_args(argv)
    rows = {}
    for name, texts in (("generated", generated_pages()), ("labelled", labelled_pages())):
        mean = sum(map(len, texts)) / len(texts)
        rows[name] = {"pages": len(texts), "mean_chars": round(mean), "us_per_page": round(per_page(texts), 1)}
    print("| pages | count | mean size | µs per page (one core) |\n|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['pages']} | {r['mean_chars']} chars | {r['us_per_page']} |")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
