"""Where the CPU time of one archiver run goes, per stage: a py-spy profile attributed to the stages of
docs/profile.md (extraction, YAML records, Dublin Core index, reading room, events, hashing, copying,
HTML sniffing, consistency checks, ...).

    pip install py-spy      # into .venv, for your own use: it is no dependency of archiver
    py-spy record --format raw -r 250 --nonblocking -o bag.raw -- \\
        .venv/bin/python -m archiver bag CORPUS -o OUT --jobs 1
    python -m bench.attribute bag.raw --rate 250 [--root CHECKOUT]

With `--jobs 1` one process does all the work, so the profile sees all of it; py-spy counts samples of
running threads only (idle ones are left out), so the figures are CPU seconds. Each sample goes to the
first stage whose rule matches its stack, in the order of STAGES; a sample in `archiver/reader.py` or
in `process_file` is told apart by the source line it stands on (read, hash, create, write).
"""
from __future__ import annotations

import argparse
import collections
import linecache
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*):(?P<line>\d+)\)$")


def _frames(stack: str) -> list[tuple[str, str, int]]:
    out = []
    for frame in stack.split(";"):
        m = _FRAME.match(frame)
        if m:
            out.append((m["func"], m["file"], int(m["line"])))
    return out


ROOT = [REPO]     # where the profiled code is (--root): py-spy names its files relative to sys.path


def _source(file: str, line: int) -> str:
    path = file if file.startswith("/") else str(ROOT[0] / file)
    return linecache.getline(path, line)


def _io_stage(frames, file_suffix: str, kinds: list[tuple[str, str]], default: str) -> str | None:
    """The stage of a sample standing in `file_suffix`: by the text of its innermost line there."""
    for _func, file, line in reversed(frames):
        if file.endswith(file_suffix):
            text = _source(file, line)
            for needle, stage in kinds:
                if needle in text:
                    return stage
            return default
    return None


_READER = [("update(", "payload: hash (sha256+sha512)"), ("open_new", "payload copy: create file"),
           (".read(", "payload: read"), ("out.write", "payload copy: write"), ("finish(", "payload copy: write"),
           ("out.close", "payload copy: write"), ("opener=", "payload: open source"), ("fstat", "payload: open source")]
_RECORD = [("open_new", "YAML records: create + write file"), ("out.write", "YAML records: create + write file"),
           ("finish(", "YAML records: create + write file"), ("hexdigest", "YAML records: hash (sha256+sha512)")]


def stage(stack: str) -> str:
    frames = _frames(stack)
    files = " ".join(f for _, f, _ in frames)
    funcs = {f for f, _, _ in frames}
    if "_find_and_load" in funcs:
        return "start-up: imports"
    if "archiver/extract/" in files:
        return "extraction"
    if "sourcekind.py" in files or "htmlsource.py" in files:
        return "HTML sniffing"
    if "item_entry" in funcs:
        return "reading room: items rendered (workers)"
    if "readingroom.py" in files or "_RoomWriter" in " ".join(funcs):
        return "reading room: pages written (writer)"
    if "provenance.py" in files or "yamlout.py" in files:
        return "YAML records: formatting"
    if "consistency.py" in files:
        return "consistency checks (A010-A012)"
    if "dublincore.py" in files:
        return "Dublin Core index: formatting"
    if "events.py" in files:
        return "events.yaml"
    if "outputlock.py" in files:
        return "output lock"
    if "textdecode.py" in files:
        return "text decoding"
    found = _io_stage(frames, "archiver/reader.py", _READER, "payload: other")
    if found:
        return found
    if "process_file" in funcs:
        found = _io_stage(frames, "archiver/records.py", _RECORD, None)
        if found:
            return found
    if "_Background._run" in funcs or any(f.startswith("_HashingWriter") for f in funcs):
        return "tag files: write + hash (writer thread)"
    if "validate/hashing.py" in files:
        return "validate: hashing payload and tag files"
    if "bagit_rules.py" in files:
        return "validate: walk, manifests, bag-info"
    if "archiver_rules.py" in files:
        return "validate: records' source block, index lists"
    if "corpus.py" in files:
        return "discovery (walk of SOURCE)"
    if "bag.py" in files or "workers.py" in files or "records.py" in files:
        return "bag writer: chunks, entries, pool"
    return "other"


def attribute(path: Path) -> collections.Counter:
    samples: collections.Counter = collections.Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if stack:
                samples[stage(stack)] += int(count)
    return samples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.attribute", description=__doc__.splitlines()[0])
    ap.add_argument("raw", type=Path, help="py-spy record --format raw output")
    ap.add_argument("--rate", type=float, default=250, help="the sampling rate given to py-spy (-r)")
    ap.add_argument("--root", type=Path, default=REPO, help="the checkout that was profiled (default: this one)")
    a = ap.parse_args(argv)
    ROOT[0] = a.root
    samples = attribute(a.raw)
    total = sum(samples.values()) or 1
    print("| stage | CPU s | share |\n|---|---|---|")
    for name, n in samples.most_common():
        print(f"| {name} | {n / a.rate:.2f} | {100 * n / total:.1f} % |")
    print(f"| total | {total / a.rate:.2f} | 100 % |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
