"""Presenting results: a table on the console, a JSON document per set under the results directory,
and docs/performance.md regenerated from the newest result of every set found there."""
from __future__ import annotations

import json
from pathlib import Path

SET_ORDER = ["small", "large", "scale"]
SET_TITLES = {
    "small": "Small files (news-like text, 3–9 KB)",
    "large": "Large files",
    "scale": "Scale (small files, 100,000 in the full run)",
}


def _num(value, fmt: str, empty: str = "—") -> str:
    return empty if value is None else format(value, fmt)


def _status(r: dict) -> str:
    if r["status"] == "ok":
        return "ok"
    return f"{r['status']}: {(r['error'] or '').splitlines()[-1][:120] if r['error'] else ''}".rstrip(": ")


def _value(t: dict) -> str:
    v = t["value"]
    if v is None:
        return "—"
    if t["unit"] == "of a full bag":
        return f"{v * 100:.1f} %"
    if t["unit"] == "s":
        return f"{v:.2f} s"
    if t["unit"] == "MB":
        return f"{v:.0f} MB"
    if t["unit"] in ("× floor", "× validate --fast"):
        return f"{v:.2f}{t['unit']}"
    return f"{v:.2f}×"


def _limit(t: dict) -> str:
    op = {"<=": "≤", ">=": "≥", "<": "<"}[t["op"]]
    if t["unit"] == "of a full bag":
        return f"{op} {t['limit'] * 100:.0f} %"
    if t["unit"] in ("s", "MB"):
        return f"{op} {t['limit']:g} {t['unit']}"
    if t["unit"] in ("× floor", "× validate --fast"):
        return f"{op} {t['limit']:g}{t['unit']}"
    return f"{op} {t['limit']:g}×"


def _verdict(t: dict) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]


def corpus_line(doc: dict) -> str:
    c = doc["corpus"]
    spec = c["spec"]
    shape = (f"{c['files']} files of {spec['file_bytes'] / (1 << 20):g} MiB" if spec["kind"] == "large"
             else f"{c['files']:,} files of {spec['min_bytes'] // 1024}–{spec['max_bytes'] // 1024} KB")
    quick = " — quick run, not representative" if doc.get("quick") else ""
    return f"{shape}, {c['bytes'] / 1e6:,.0f} MB; jobs {doc['jobs']}; median of {doc['runs']} runs after " \
           f"{doc['warmup']} warm-up round(s){quick}"


def result_rows(doc: dict) -> list[list[str]]:
    rows = []
    for r in doc["results"]:
        span = f"{r['min']:.2f}–{r['max']:.2f}" if r["min"] is not None else "—"
        rows.append([r["label"], _num(r["median"], ".2f"), _num(r["ratio_to_floor"], ".2f"),
                     _num(r["mb_per_s"], ".0f"), _num(r["files_per_s"], ",.0f"), _num(r["peak_rss_mb"], ".0f"),
                     span, _status(r)])
    return rows


HEADER = ["contender", "median s", "× floor", "MB/s", "files/s", "peak RSS MB", "min–max s", "status"]


def console(doc: dict) -> str:
    rows = [HEADER] + result_rows(doc)
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [f"== {doc['set']}: {corpus_line(doc)}",
             f"   floor {doc['floor']['seconds'] or 0:.2f} s ({doc['floor']['from']})"]
    for row in rows:
        lines.append("   " + "  ".join(cell.ljust(w) if i in (0, 7) else cell.rjust(w)
                                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    for t in doc["targets"]:
        lines.append(f"   [{_verdict(t)}] {t['target']}: {_value(t)} (limit {_limit(t)})")
    for note in doc.get("notes", []):
        lines.append(f"   note: {note}")
    return "\n".join(lines)


def write_json(doc: dict, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if doc.get("quick") else ""
    path = results_dir / f"{doc['date'][:10]}-{doc['set']}{suffix}.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def latest(results_dir: Path) -> dict[str, dict]:
    """The newest result document of each set in results_dir."""
    found: dict[str, dict] = {}
    for path in sorted(Path(results_dir).glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if "set" in doc and "date" in doc:
            old = found.get(doc["set"])
            if old is None or doc["date"] >= old["date"]:
                found[doc["set"]] = doc
    return found


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return out


def _machine(m: dict) -> str:
    return (f"{m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB RAM; {m.get('os')}; "
            f"Python {m.get('python')}; archiver {m.get('archiver') or '?'} (commit {m.get('archiver_commit') or '?'}); "
            f"bagit {m.get('bagit')}; {m.get('coreutils') or 'coreutils ?'}")


def render_doc(results_dir: Path) -> str:
    docs = latest(results_dir)
    try:
        where = Path(results_dir).resolve().relative_to(Path(__file__).resolve().parent.parent).as_posix()
    except ValueError:
        where = str(results_dir)
    sets = [s for s in SET_ORDER if s in docs] + sorted(s for s in docs if s not in SET_ORDER)
    lines = [
        "# Performance",
        "",
        f"<!-- Generated by `python -m bench` (make bench, make bench-scale) from {where}/*.json. "
        "Do not edit by hand. -->",
        "",
        "archiver is measured against **the floor** — reading every byte once and hashing it with sha256 and "
        "sha512 — and against bagit-python. The floor is the faster of two baselines timed in the same run: "
        "`sha256sum` and `sha512sum` side by side (via `xargs` over the file list), and a minimal Python reader "
        "(`bench/floor.py`) that reads each file once into both digests with archiver's parallelism "
        "(worker processes over chunks of files).",
        "",
        "How: every contender runs in its own process; contenders alternate round-robin within each round; "
        "one warm-up round, then the median of the timed rounds; `sync` (untimed) before each run, so that no "
        "contender pays for the writes another left dirty; what a run leaves (bags, copies) is moved aside "
        "and deleted only after the last timed round, because on a journal-less ext4 (this machine's) every "
        "file created in the minute after a mass deletion scans past the freed inodes (200–500 µs instead "
        "of ~25 µs each; see `bench/trash.py`), and before each set the kernel's caches are dropped (as root; "
        "otherwise the benchmark waits the kernel's window out) so that no earlier deletion is charged either. "
        "All figures are **warm cache**, like the issue's reference figures: the warm-up round reads every "
        "input back. Peak RSS is `ru_maxrss` from `os.wait4` on the "
        "contender's process: the largest single process of its tree (workers included), not their sum; "
        "Linux carries the spawning benchmark's own high-water RSS into each child, so a figure at or below "
        "the benchmark's RSS (given per set) is only an upper bound. "
        "bagit-python's `make_bag` runs on a hard-linked copy of the corpus (`cp -al`, outside the timed "
        "region) with `checksums=[\"sha256\", \"sha512\"]` and as many processes as archiver; the validators "
        "all read the same bag, made by `archiver bag`. `--update` is timed after appending a line to 1% of "
        "the files of a copy of the corpus (outside the timed region).",
        "",
        "Rows marked *context* are not floors and set no target; they show what the bag's layout costs "
        "by itself on this file system. *The bag's writes alone* (`bench/layout.py`) reads and hashes "
        "each file once and writes its copy and a record-sized file beside it, with nothing else (no "
        "extraction, no YAML, no index): every bag of this layout (issue 2: a payload copy and a "
        "provenance record per source file) costs at least that. *Hashing what validate reads* is the "
        "Python floor over the payload and the provenance records, which are tag files that a full "
        "validation must hash too.",
        "",
        "Where the time of `archiver bag` and `archiver validate` goes, stage by stage (extraction, YAML "
        "records, Dublin Core index, reading room, events, hashing, copying, HTML sniffing, consistency "
        "checks), is in [profile.md](profile.md): a CPU profile of each at 20,000 files, attributed per "
        "stage, with what changed since the 2026-12-01 figures and why. In short (CPU seconds with "
        "`--jobs 1`, py-spy, `python -m bench.attribute`; 2026-12-06, code of 4634550 against e6a990b "
        "of the 2026-12-01 figures):",
        "",
        *_md_table(["stage", "bag, 12-01", "bag, 12-06", "validate, 12-06"], [
            ["extraction (`archiver/extract/`)", "2.15 s", "7.36 s (41 %)", "—"],
            ["creating (and writing) payload copies and records", "1.85 s", "4.42 s (25 %)", "—"],
            ["payload opened, read, hashed, written; records hashed", "1.60 s", "2.26 s (13 %)", "1.37 s (27 %)"],
            ["reading room (items in the workers, pages in the writer)", "—", "1.20 s (7 %)", "—"],
            ["YAML records and Dublin Core index formatted", "0.69 s", "0.80 s (4 %)", "—"],
            ["bag writer, tag files, walk, imports, other", "0.90 s", "1.90 s (11 %)", "0.78 s (16 %)"],
            ["HTML sniffing; events.yaml; output lock", "—", "0.01 s; < 0.01 s; < 0.01 s", "—"],
            ["consistency checks A010–A012", "—", "—", "2.84 s (57 %)"],
            ["total", "7.19 s", "17.97 s", "4.99 s"],
        ]),
        "",
        "## Targets",
        "",
    ]
    trows = []
    for s in sets:
        for t in docs[s]["targets"]:
            trows.append([s + (" (quick)" if docs[s].get("quick") else ""), t["target"], _value(t), _limit(t),
                          f"**{_verdict(t)}**"])
    lines += _md_table(["set", "target", "measured", "limit", "result"], trows) if trows else ["No results yet."]
    lines += ["", "\"n× faster\" is bagit-python's median time divided by archiver's. Ratios to the floor apply "
              "per corpus; the comparisons with bagit-python and `--update` apply to every small-files corpus; "
              "`--fast` and peak RSS to the 100,000-file corpus (`make bench-scale`). \"× validate --fast\" is a "
              "row's median time divided by `archiver validate --fast`'s in the same run (issue 15, item 7): "
              "each export (`archiver export BAG --to FORMAT DEST`) and a complete OAI-PMH harvest "
              "(`bench/harvest.py`: `archiver serve`'s server started in-process, ListRecords followed through "
              "every resumption token) of the bag the validators read. `--fast` hashes nothing and reads no "
              "record (it lists the payload and reads the manifests), while every export reads every payload "
              "file and record and a harvest reads every record."]
    for s in sets:
        doc = docs[s]
        lines += ["", f"## {SET_TITLES.get(s, s)}", "",
                  f"{corpus_line(doc)}. Measured {doc['date']} with `{doc.get('command', 'python -m bench')}`.",
                  f"Floor: **{doc['floor']['seconds'] or 0:.2f} s** ({doc['floor']['from']}).", ""]
        lines += _md_table(HEADER, result_rows(doc))
        notes = [r for r in doc["results"] if r.get("note")]
        if notes or doc.get("notes"):
            lines.append("")
            lines += [f"- {r['label']}: {r['note']}" for r in notes]
            lines += [f"- {n}" for n in doc.get("notes", [])]
        lines += ["", f"Machine: {_machine(doc['machine'])}. The benchmark process itself peaked at "
                      f"{doc.get('bench_rss_mb', '?')} MB RSS."]
    lines += ["", "## Reproduce", "", "```sh", "make bench         # small and large sets (python -m bench)",
              "make bench-scale   # also 100,000 files (python -m bench --scale)",
              "python -m bench --quick   # smaller corpora, 3 runs; results under bench/work/", "```", ""]
    return "\n".join(lines)


def write_doc(results_dir: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_doc(results_dir), encoding="utf-8")
    return path
