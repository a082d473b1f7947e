"""`python -m bench`: generate the corpora, time every contender, print, write JSON and docs/performance.md."""
from __future__ import annotations

import argparse
import datetime
import os
import shlex
import sys
from pathlib import Path

from bench import corpus, report
from bench.contenders import REPO
from bench.machine import describe
from bench.run import NotEnoughSpace, run_set
from bench.trash import Trash

FULL = {"small": 20_000, "large": (4, 256), "scale": 100_000}
QUICK = {"small": 2_000, "large": (4, 16), "scale": 10_000}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="smaller corpora (2,000 files; 4 x 16 MiB; 10,000 with --scale), 3 runs; "
                        "results and page under the work directory, not bench/results and docs/")
    p.add_argument("--scale", action="store_true", help="also the 100,000-file set")
    p.add_argument("--only", choices=["small", "large", "scale"], help="run this set alone")
    p.add_argument("--runs", type=int, help="timed rounds (default 5; 3 with --quick)")
    p.add_argument("--warmup", type=int, default=1, help="untimed warm-up rounds (default 1)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for every contender")
    p.add_argument("--small-files", type=int, help="files in the small set")
    p.add_argument("--scale-files", type=int, help="files in the scale set")
    p.add_argument("--large-files", type=int, help="files in the large set")
    p.add_argument("--large-mib", type=int, help="MiB per file of the large set")
    p.add_argument("--work", type=Path, default=REPO / "bench" / "work", help="corpora and bags (git-ignored)")
    p.add_argument("--results", type=Path, help="where result JSON goes (default bench/results)")
    p.add_argument("--docs", type=Path, help="the page to regenerate (default docs/performance.md)")
    args = p.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    args.runs = args.runs or (3 if args.quick else 5)
    if args.runs < 1 or args.warmup < 0 or args.jobs < 1:
        p.error("--runs and --jobs must be at least 1, --warmup at least 0")
    args.small_files = args.small_files or sizes["small"]
    args.scale_files = args.scale_files or sizes["scale"]
    args.large_files = args.large_files or sizes["large"][0]
    args.large_mib = args.large_mib or sizes["large"][1]
    if args.results is None:
        args.results = args.work / "results-quick" if args.quick else REPO / "bench" / "results"
    if args.docs is None:
        args.docs = args.work / "performance-quick.md" if args.quick else REPO / "docs" / "performance.md"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    command = "python -m bench" + "".join(" " + shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    sets = [args.only] if args.only else ["small", "large"] + (["scale"] if args.scale else [])
    specs = {
        "small": corpus.small_spec(args.small_files),
        "large": corpus.large_spec(args.large_files, args.large_mib << 20),
        "scale": corpus.small_spec(args.scale_files, seed=100),
    }

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    machine = describe()
    broken = False
    trash = Trash(args.work / "trash", drop_caches=not args.quick)
    trash.empty(log)  # what an interrupted run left
    try:
        broken = _run_sets(args, sets, specs, command, machine, trash, log)
    finally:
        trash.empty(log)
    log(f"wrote {report.write_doc(args.results, args.docs)}")
    return 1 if broken else 0


def _run_sets(args, sets, specs, command, machine, trash, log) -> bool:
    broken = False
    for name in sets:
        spec = specs[name]
        log(f"[{name}] corpus {spec.name}")
        source, stamp = corpus.ensure_corpus(spec, args.work / "corpora")
        log(f"[{name}] {stamp['files']} files, {stamp['bytes'] / 1e6:.0f} MB; "
            f"{args.warmup} warm-up + {args.runs} rounds, jobs {args.jobs}")
        try:
            doc = run_set(name, source, stamp, args.work / "runs", args.jobs, args.runs, args.warmup, log, trash)
        except NotEnoughSpace as exc:
            log(f"[{name}] skipped: {exc}")
            broken = True
            continue
        doc.update(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                   quick=args.quick, command=command, machine=machine)
        print(report.console(doc), flush=True)
        log(f"[{name}] wrote {report.write_json(doc, args.results)}")
        broken |= any(r["status"] == "failed" for r in doc["results"])
    return broken


if __name__ == "__main__":
    sys.exit(main())
