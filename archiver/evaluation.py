"""Scoring the extractor on labelled pages: per-field precision and recall, in sample and
leave-one-outlet-out.

`python -m archiver.evaluation CASES_DIR --truth TRUTH [--loo]` (or `make eval`) extracts every page
of CASES_DIR, writes one small record per page, and scores the records with the extraction dev set's
own scorer (`../shared/extraction-dev-set/score.py`, the rules acceptance is measured by). TRUTH is in
the dev set's format (a `cases` list and `aliases`); a truth in the older `files:` mapping of
`tests/corpus/truth.yaml` is converted on the fly, with the outlet table's names as aliases.

With `--loo`, pages are grouped by outlet (the truth's outlet, else the `site` the page copies, else
the file itself) and each group is extracted by a process whose outlet table lacks that outlet
(`outlets.EXCLUDE_ENV`): no rule that names it can fire. What is learned (the title model) is
trained without it too: the labelled pages are cut into titletrain.FOLDS folds by outlet
(titletrain.fold_of), one model is trained per fold on the other folds' pages (`--title-models DIR`
reuses models written by `python -m archiver.extract.titletrain --folds DIR`; otherwise they are
trained first, which needs the test extra's scikit-learn), and each group is extracted with the model
of its own fold (titlemodel.MODEL_ENV). That is what an outlet archiver has never seen would get:
the number that predicts unseen outlets.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from archiver.model import FIELD_NAMES

SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "extraction-dev-set" / "score.py"
FIELD_MAP = ("outlet=fields.outlet.value,date=fields.published.value,story_code=fields.story_code.value,"
             "title=fields.title.value,byline=fields.byline.value")


def load_cases(truth_path: Path) -> tuple[list[dict], dict]:
    """(cases, aliases) in the dev set's format, converting the older `files:` mapping."""
    doc = yaml.safe_load(truth_path.read_text("utf-8"))
    if "cases" in doc:
        return doc["cases"], doc.get("aliases", {})
    from archiver.extract.outlets import OUTLETS
    cases = [{"file": name, "outlet": t.get("outlet"), "date": t.get("published"),
              "story_code": t.get("story_code"), "title": t.get("title"), "byline": t.get("byline")}
             for name, t in doc["files"].items()]
    aliases = {o.name: list(o.aliases) + list(o.domains) for o in OUTLETS}
    return cases, aliases


def group_of(case: dict) -> str:
    outlet = case.get("outlet")
    if isinstance(outlet, list):
        return "|".join(outlet)
    return outlet or case.get("site") or case["file"]


def predict(files: list[Path], out: Path) -> None:
    """Extract each file and write OUT/<name>.yaml with its fields' values."""
    from archiver.extract import extract
    from archiver.textdecode import decode_text
    out.mkdir(parents=True, exist_ok=True)
    for path in files:
        text, _ = decode_text(path.read_bytes())
        fields = extract(text) if text is not None else {}
        values = {name: {"value": fields[name].value if name in fields else None} for name in FIELD_NAMES}
        (out / (path.name + ".yaml")).write_text(yaml.safe_dump({"file": path.name, "fields": values},
                                                                allow_unicode=True), "utf-8")


def run(cases_dir: Path, truth: Path, loo: bool, verbose: bool = False, scorer: Path = SCORER,
        title_models: Path | None = None) -> tuple[str, dict]:
    """Extract and score. Returns the scorer's printed report and its JSON report (per field: tp, fp,
    fn, tn, precision, recall; per case: verdicts). With `loo`, `title_models` is a directory of fold
    models (titletrain --folds); without one they are trained here. Raises FileNotFoundError when the
    scorer or a fold model is missing and subprocess.CalledProcessError when extraction or scoring
    fails."""
    if not scorer.exists():
        raise FileNotFoundError(f"the scorer {scorer} is missing (../shared/extraction-dev-set)")
    from archiver.extract import titlemodel, titles, titletrain
    cases, aliases = load_cases(truth)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        learned = loo and os.environ.get(titles.SCORER_ENV) != "hand"
        if learned and title_models is None:
            title_models = tmp / "title-models"
            titletrain.fold_models(titletrain.pages(), title_models)
        truth_file = tmp / "truth.yaml"
        truth_file.write_text(yaml.safe_dump({"cases": cases, "aliases": aliases}, allow_unicode=True), "utf-8")
        groups: dict[str, list[str]] = {}
        for case in cases:
            groups.setdefault(group_of(case) if loo else "", []).append(case["file"])
        records = tmp / "records"
        for group, names in sorted(groups.items()):
            env = dict(os.environ)
            from archiver.extract.outlets import EXCLUDE_ENV
            env[EXCLUDE_ENV] = group if loo else ""
            if learned:
                model = title_models / f"title-model-fold-{titletrain.fold_of(group)}.json"
                if not model.exists():
                    raise FileNotFoundError(f"no fold model {model} (python -m archiver.extract.titletrain --folds)")
                env[titlemodel.MODEL_ENV] = str(model)
            subprocess.run([sys.executable, "-m", "archiver.evaluation", "--predict", str(records)]
                           + [str(cases_dir / n) for n in names], env=env, check=True)
        report = tmp / "report.json"
        args = [sys.executable, str(scorer), str(records), "--truth", str(truth_file), "--field-map", FIELD_MAP,
                "--json", str(report)]
        if verbose:
            args.append("--verbose")
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        return done.stdout, json.loads(report.read_text("utf-8"))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--predict"]:
        predict([Path(a) for a in argv[2:]], Path(argv[1]))
        return 0
    ap = argparse.ArgumentParser(prog="python -m archiver.evaluation", description=__doc__.splitlines()[0])
    ap.add_argument("cases", type=Path)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--loo", action="store_true", help="leave-one-outlet-out")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--scorer", type=Path, default=SCORER)
    ap.add_argument("--title-models", type=Path, metavar="DIR",
                    help="with --loo: the fold models `python -m archiver.extract.titletrain --folds DIR` wrote")
    a = ap.parse_args(argv)
    try:
        text, _ = run(a.cases, a.truth, a.loo, a.verbose, a.scorer, a.title_models)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
