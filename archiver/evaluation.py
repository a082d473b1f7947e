"""Scoring the extractor on a labelled corpus: precision and recall per field.

`python -m archiver.evaluation [CORPUS_DIR]` (or `make eval`) prints the table and every mismatch.
The truth is `CORPUS_DIR/truth.yaml`: for each file, the value a careful archivist reads in it, or
null where the text does not say. Per field: a true positive is a value equal to the truth; a false
positive is a value that differs from the truth (a wrong value, the worst outcome); a false negative
is a true value the extractor missed or got wrong. Values are compared after Unicode NFC and
whitespace folding only.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from archiver.model import FIELD_NAMES


def _norm(value):
    if value is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    files: int
    fields: dict[str, FieldScore]
    mismatches: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def table(self) -> str:
        lines = [f"{'field':<12} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for name, s in self.fields.items():
            lines.append(f"{name:<12} {s.precision:>9.3f} {s.recall:>7.3f} {s.tp:>4} {s.fp:>4} {s.fn:>4}")
        lines.append(f"({self.files} files)")
        return "\n".join(lines)


def load_truth(corpus: Path) -> dict[str, dict]:
    with open(corpus / "truth.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)["files"]


def predict(path: Path) -> dict[str, str | None]:
    """What archiver records for one file (the same path as bagging: decode, then extract)."""
    from archiver.extract import extract
    from archiver.textdecode import decode_text
    text, _ = decode_text(path.read_bytes())
    if text is None:
        return {name: None for name in FIELD_NAMES}
    return {name: f.value for name, f in extract(text).items()}


def score(corpus: str | Path, predictor=predict) -> Report:
    corpus = Path(corpus)
    truth = load_truth(corpus)
    scores = {name: FieldScore() for name in FIELD_NAMES}
    mismatches = []
    for name in sorted(truth):
        expected = truth[name]
        got = predictor(corpus / name)
        for f in FIELD_NAMES:
            want, have = _norm(expected.get(f)), _norm(got.get(f))
            s = scores[f]
            if have is not None and have == want:
                s.tp += 1
                continue
            if have is not None:
                s.fp += 1
            if want is not None:
                s.fn += 1
            if have != want:
                mismatches.append((name, f, want, have))
    return Report(len(truth), scores, mismatches)


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else Path("tests/corpus")
    report = score(corpus)
    print(report.table())
    if report.mismatches:
        print("\nmismatches (file, field, expected, got):")
        for m in report.mismatches:
            print("  " + " | ".join("null" if x is None else str(x) for x in m))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
