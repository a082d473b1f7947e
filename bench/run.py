"""Running the contenders of one corpus side by side: a warm-up round, then N rounds, each round
running every contender once (round-robin, the starting contender rotating), medians at the end.

Every figure is warm-cache, as in the issue's reference table; the warm-up round makes that equally
true for all contenders. What runs leave behind goes to the trash (bench/trash.py), emptied at the end.
"""
from __future__ import annotations

import os
import resource
import shutil
import statistics
from pathlib import Path
from typing import Callable

from bench import contenders as C
from bench.corpus import list_files
from bench.measure import measure
from bench.targets import evaluate
from bench.trash import Trash


class NotEnoughSpace(Exception):
    pass


def check_space(where: Path, needed: int) -> None:
    where.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(where).free
    if free < needed:
        raise NotEnoughSpace(f"{where}: {free / 1e9:.1f} GB free, the benchmark needs about {needed / 1e9:.1f} GB")


def run_rounds(contenders: list[C.Contender], runs: int, warmup: int, env: dict,
               log: Callable[[str], None], preset: dict | None = None, trash: Trash | None = None) -> dict:
    """{key: {"times": [...], "rss_kib": [...], "status": ..., "error": ...}} over `runs` recorded rounds."""
    if trash is not None:
        trash.settle(log)
    state = {c.key: {"times": [], "rss_kib": [], "status": "ok", "error": None} for c in contenders}
    for key, (status, error) in (preset or {}).items():
        state[key].update(status=status, error=error)
    n = len(contenders)
    for rnd in range(warmup + runs):
        tag = "warm-up" if rnd < warmup else f"run {rnd - warmup + 1}/{runs}"
        order = contenders[rnd % n:] + contenders[:rnd % n]
        line = []
        for c in order:
            st = state[c.key]
            if st["status"] != "ok":
                continue
            if c.setup:
                c.setup(rnd)
            # Untimed: write back what earlier contenders, set-ups and clean-ups left dirty, so that no
            # contender pays for another's writes (deleting a bag's 40,000 files costs the disk too).
            os.sync()
            try:
                m = measure(c.argv, cwd=c.cwd, env=env)
            finally:
                if c.teardown:
                    c.teardown()
            if m.returncode != 0:
                if c.optional and m.returncode == 2 and "no such option" in m.stderr.lower():
                    st.update(status="not available", error=m.stderr.strip()[-300:])
                else:
                    st.update(status="failed", error=f"exit {m.returncode}: {m.stderr.strip()[-600:]}")
                line.append(f"{c.key} {st['status'].upper()}")
                continue
            if rnd >= warmup:
                st["times"].append(m.seconds)
                st["rss_kib"].append(m.maxrss_kib)
            line.append(f"{c.key} {m.seconds:.2f}s")
        log(f"  {tag}: " + ", ".join(line))
    return state


def summarise(contenders: list[C.Contender], state: dict, files: int, size: int) -> tuple[list[dict], dict]:
    """Per-contender figures, and the floor: the faster of the two hashing baselines."""
    floors = {k: statistics.median(state[k]["times"]) for k in ("floor-coreutils", "floor-python")
              if state[k]["times"]}
    floor_key = min(floors, key=floors.get) if floors else None
    floor = {"seconds": floors.get(floor_key), "from": floor_key}
    results = []
    for c in contenders:
        st = state[c.key]
        r = {"key": c.key, "label": c.label, "phase": c.phase, "status": st["status"], "error": st["error"],
             "note": c.note, "times": [round(t, 6) for t in st["times"]], "rss_kib": st["rss_kib"],
             "median": None, "min": None, "max": None, "ratio_to_floor": None, "mb_per_s": None,
             "files_per_s": None, "peak_rss_mb": None}
        if st["status"] == "ok" and st["times"]:
            med = statistics.median(st["times"])
            r.update(median=round(med, 6), min=round(min(st["times"]), 6), max=round(max(st["times"]), 6),
                     peak_rss_mb=round(max(st["rss_kib"]) / 1024, 1))
            if floor["seconds"]:
                r["ratio_to_floor"] = round(med / floor["seconds"], 3)
            if c.phase != "update":  # --update reads only the changed files: a rate over all would mislead
                r["mb_per_s"] = round(size / 1e6 / med, 1)
                r["files_per_s"] = round(files / med)
        results.append(r)
    return results, floor


def run_set(name: str, source: Path, corpus_stamp: dict, runs_root: Path, jobs: int, runs: int,
            warmup: int, log: Callable[[str], None], trash: Trash | None = None) -> dict:
    """Benchmark one corpus; returns its result document (without machine and date)."""
    files = list_files(source)
    size = corpus_stamp["bytes"]
    small_files = corpus_stamp["spec"]["kind"] == "small"
    # The validation bag and a bag, a copy and a layout run per run; for small files also a copy plus its bag for
    # --update, and every run's bag and copy stay in the trash until the end (bench/trash.py).
    rounds = warmup + runs
    check_space(runs_root, size * ((4 + 3 * rounds) if small_files and trash else 4) + (256 << 20))
    env = C.child_env()
    ctx = C.SetContext(name, source, runs_root / name, jobs, files, small_files, env, trash=trash)
    try:
        prepared = C.prepare(ctx, log)
        contenders = C.build(ctx, prepared)
        preset = {}
        if small_files and prepared["update_ready"] is not True:
            preset["archiver-update"] = ("failed", f"could not make the bag to update: {prepared['update_ready']}")
        # Context rows that create as many files as a bag are timed apart, after the others: so that the
        # 40,000 files each of their runs leaves behind (and their page cache) do not weigh on the
        # contenders that are compared with each other, and so that their rounds start like the first
        # (caches dropped, inputs read back by their warm-up): the fair case for a lower bound.
        state = run_rounds([c for c in contenders if not c.apart], runs, warmup, env, log, preset, trash)
        apart = [c for c in contenders if c.apart]
        if apart:
            log("  context rows timed apart (their own warm-up and rounds)")
            state.update(run_rounds(apart, runs, warmup, env, log, None, trash))
    finally:
        ctx.dispose(ctx.runs_dir)
    results, floor = summarise(contenders, state, len(files), size)
    by_key = {r["key"]: r for r in results}
    return {
        "set": name,
        "corpus": {"files": len(files), "bytes": size, "spec": corpus_stamp["spec"]},
        "jobs": jobs, "runs": runs, "warmup": warmup,
        "cache": "warm: a warm-up round reads every input before the timed rounds",
        "rss": "peak RSS = ru_maxrss from os.wait4 on each contender's process: the largest single process "
               "of its tree (workers included), not their sum; the maximum over the timed runs. Linux carries "
               "the spawning process's high-water RSS into the child, so a figure at or below bench_rss_mb "
               "is an upper bound",
        "bench_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "floor": floor,
        "results": results,
        "targets": evaluate(name, by_key, floor["seconds"] or 0.0),
        "notes": ctx.notes,
    }
