"""What is timed for one corpus: the two floor baselines, bagit-python and archiver, each as a command
run in its own process, with the untimed set-up and clean-up each run needs. archiver's exports (one
row per format) and a complete OAI-PMH harvest through `archiver serve` read the same bag as the
validators, so that each is priced against `archiver validate --fast` in the same rounds.

Everything a contender needs that is not part of its work (the hard-linked copy bagit-python bags in
place, the bag that the validators read, the 1% of files changed before `--update`) is made outside
the timed region.
"""
from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench.measure import measure
from bench.trash import Trash

REPO = Path(__file__).resolve().parent.parent
UPDATE_FRACTION = 0.01
# `archiver export --to FORMAT`, one row each (archiver/export/__init__.py FORMATS; a new format needs a
# row here and a target in bench/targets.py).
EXPORT_FORMATS = ("archivematica", "dspace-saf", "omeka-s", "ro-crate", "sqlite")

COREUTILS_FLOOR = (
    'xargs -0 sha256sum < "$1" > /dev/null & a=$!; '
    'xargs -0 sha512sum < "$1" > /dev/null & b=$!; '
    'wait $a; r=$?; wait $b; exit $((r | $?))'
)
COREUTILS_CHECK = (
    'sha256sum -c --quiet manifest-sha256.txt > /dev/null & a=$!; '
    'sha512sum -c --quiet manifest-sha512.txt > /dev/null & b=$!; '
    'wait $a; r=$?; wait $b; exit $((r | $?))'
)


@dataclass
class Contender:
    key: str
    label: str
    phase: str                      # floor, context, bag, validate, update, export, harvest
    argv: list[str]
    cwd: str | None = None
    setup: Callable[[int], None] | None = None   # called with the round number
    teardown: Callable[[], None] | None = None
    optional: bool = False          # "no such option" (exit 2) means "not available", not a failure
    note: str = ""
    apart: bool = False             # timed in rounds of its own after the others (see bench/run.py)


@dataclass
class SetContext:
    """Paths and commands shared by the contenders of one corpus."""
    name: str
    source: Path
    runs_dir: Path
    jobs: int
    files: list[str]
    small_files: bool
    env: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    trash: Trash | None = None

    def dispose(self, path: Path) -> None:
        """Remove what a run left: into the trash for the small-files sets (tens of thousands of inodes,
        see bench/trash.py), at once for the large set (four files, gigabytes of disk)."""
        if self.trash is not None and self.small_files:
            self.trash.discard(path)
        else:
            _rm(path)

    @property
    def file_list(self) -> Path:
        return self.runs_dir / "files.list"

    @property
    def validate_list(self) -> Path:
        return self.runs_dir / "validate-files.list"


def archiver_argv() -> list[str]:
    """The archiver CLI: the installed script when there is one, else the package of this checkout."""
    script = Path(sys.executable).parent / "archiver"
    return [str(script)] if script.exists() else [sys.executable, "-m", "archiver"]


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else ""


def _rm(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def remove_bag(path: Path, dispose: Callable[[Path], None] = _rm) -> None:
    """Remove a bag and what archiver keeps beside it (state file, leftovers of an interrupted run)."""
    dispose(path)
    for sibling in path.parent.glob(f".{path.name}.*"):
        dispose(sibling)


def _link_copy(source: Path, dest: Path, dispose: Callable[[Path], None] = _rm) -> None:
    dispose(dest)
    subprocess.run(["cp", "-al", str(source), str(dest)], check=True)


def regular_files(*roots: Path) -> list[str]:
    """Absolute paths of the regular files (not symbolic links) under the roots, sorted."""
    found = []
    for root in roots:
        for dirpath, _, names in os.walk(root):
            found += [p for p in (os.path.join(dirpath, n) for n in names) if stat.S_ISREG(os.lstat(p).st_mode)]
    return sorted(found)


def _write_list(path: Path, files: list[str]) -> None:
    path.write_bytes(b"".join(os.fsencode(p) + b"\0" for p in files))


def prepare(ctx: SetContext, log: Callable[[str], None]) -> dict:
    """Untimed: the file lists for the floors, the bag the validators read, the copy `--update` changes.

    Returns {"validation_bag": Path, "validate_list": Path, "update_ready": bool | str} — a string says
    why not ready. validate_list names every file of the validation bag that validate hashes: the
    payload and the provenance records.
    """
    ctx.dispose(ctx.runs_dir)
    ctx.runs_dir.mkdir(parents=True)
    _write_list(ctx.file_list, ctx.files)
    bag = ctx.runs_dir / "bag"
    log("  preparing the bag the validators read (archiver bag, untimed)")
    made = measure(archiver_argv() + ["bag", str(ctx.source), "-o", str(bag), "--quiet",
                                      "--jobs", str(ctx.jobs), "--force"], cwd=REPO, env=ctx.env)
    if made.returncode != 0:
        remove_bag(bag, ctx.dispose)
        ctx.notes.append("archiver bag failed while preparing; the validators read a bag made by "
                         f"bagit-python instead (archiver said: {last_line(made.stderr)})")
        log("  archiver bag failed; making the validation bag with bagit-python")
        _link_copy(ctx.source, bag, ctx.dispose)
        subprocess.run([sys.executable, "-m", "bench.bagit_child", "make", str(bag), "--jobs", str(ctx.jobs)],
                       check=True, cwd=REPO, env=ctx.env)
    _write_list(ctx.validate_list, regular_files(bag / "data", bag / "metadata" / "provenance"))
    update_ready: bool | str = False
    if ctx.small_files:
        log("  preparing the copy and bag that --update changes (untimed)")
        src = ctx.runs_dir / "update-src"
        subprocess.run(["cp", "-a", str(ctx.source), str(src)], check=True)
        base = measure(archiver_argv() + ["bag", str(src), "-o", str(ctx.runs_dir / "update-bag"), "--quiet",
                                          "--jobs", str(ctx.jobs), "--force"], cwd=REPO, env=ctx.env)
        update_ready = True if base.returncode == 0 else f"exit {base.returncode}: {last_line(base.stderr)}"
    return {"validation_bag": bag, "validate_list": ctx.validate_list, "update_ready": update_ready}


def change_files(root: Path, fraction: float, round_no: int) -> int:
    """Append a correction to `fraction` of the files under root (chosen by a seeded draw); return how many."""
    files = sorted(str(p) for p in root.rglob("*") if p.is_file())
    count = max(1, round(len(files) * fraction))
    rng = random.Random(7000 + round_no)
    for path in rng.sample(files, count):
        with open(path, "ab") as f:
            f.write(f"\nCorrection (round {round_no}): an earlier version of this story misstated a date.\n"
                    .encode("utf-8"))
    return count


def build(ctx: SetContext, prepared: dict) -> list[Contender]:
    """The contenders of one corpus, in the order of the first round."""
    py = sys.executable
    jobs = str(ctx.jobs)
    arch = archiver_argv()
    bag = prepared["validation_bag"]
    bag_run = ctx.runs_dir / "bag-run"
    copy_run = ctx.runs_dir / "copy-run"
    layout_run = ctx.runs_dir / "layout-run"
    bagit_copy = ctx.runs_dir / "bagit-copy"
    out: list[Contender] = [
        Contender("floor-coreutils", "floor: sha256sum ∥ sha512sum", "floor",
                  ["sh", "-c", COREUTILS_FLOOR, "sh", str(ctx.file_list)]),
        Contender("floor-python", "floor: Python sha256+sha512, one read", "floor",
                  [py, "-m", "bench.floor", str(ctx.file_list), "--jobs", jobs], cwd=str(REPO)),
        # Not a floor: what the copy alone costs on this file system (a bag must create a new file for
        # every payload file, and archiver a record beside it), for reading the bag figures.
        Contender("copy", "context: cp -r (the payload copy alone)", "context",
                  ["cp", "-r", str(ctx.source), str(copy_run)], teardown=lambda: ctx.dispose(copy_run),
                  note="not a floor: creating and writing a copy of every file, nothing else"),
        # Not a floor either: the lowest cost of the bag's layout itself (bench/layout.py).
        Contender("layout", "context: the bag's writes alone (copy + a record per file, hashed)", "context",
                  [py, "-m", "bench.layout", str(ctx.source), str(layout_run), "--jobs", jobs], cwd=str(REPO),
                  teardown=lambda: ctx.dispose(layout_run), apart=True,
                  note="not a floor: the payload copy plus a record-sized file per payload file, hashed; "
                       "what any bag of this layout writes, without extraction; timed in rounds of its own "
                       "after the others, from dropped caches like the first round"),
        Contender("archiver-bag", "archiver bag", "bag",
                  arch + ["bag", str(ctx.source), "-o", str(bag_run), "--quiet", "--jobs", jobs, "--force"],
                  cwd=str(REPO), teardown=lambda: remove_bag(bag_run, ctx.dispose)),
        Contender("bagit-make", "bagit-python make_bag", "bag",
                  [py, "-m", "bench.bagit_child", "make", str(bagit_copy), "--jobs", jobs], cwd=str(REPO),
                  setup=lambda r: _link_copy(ctx.source, bagit_copy, ctx.dispose),
                  teardown=lambda: ctx.dispose(bagit_copy),
                  note="on a hard-linked copy (cp -al, untimed)"),
        Contender("floor-validate-files", "context: hashing what validate reads (payload + records)", "context",
                  [py, "-m", "bench.floor", str(prepared["validate_list"]), "--jobs", jobs], cwd=str(REPO),
                  note="not a floor: bench/floor.py over every file validate must hash (payload and "
                       "provenance records, which are tag files)"),
        Contender("archiver-validate", "archiver validate", "validate",
                  arch + ["validate", str(bag), "--jobs", jobs], cwd=str(REPO)),
        Contender("archiver-validate-fast", "archiver validate --fast", "validate",
                  arch + ["validate", str(bag), "--fast", "--jobs", jobs], cwd=str(REPO), optional=True),
        Contender("bagit-validate", "bagit-python validate", "validate",
                  [py, "-m", "bench.bagit_child", "validate", str(bag), "--jobs", jobs], cwd=str(REPO)),
        Contender("bagit-validate-fast", "bagit-python fast validate", "validate",
                  [py, "-m", "bench.bagit_child", "fast", str(bag), "--jobs", jobs], cwd=str(REPO)),
        Contender("sha-check", "sha256sum -c ∥ sha512sum -c", "validate",
                  ["sh", "-c", COREUTILS_CHECK], cwd=str(bag)),
    ]
    out += export_contenders(ctx, bag)
    if ctx.small_files:
        noroom_run = ctx.runs_dir / "noroom-run"
        out.append(Contender(
            "archiver-bag-noroom", "context: archiver bag without the reading room", "bag",
            [py, "-m", "bench.noroom", "bag", str(ctx.source), "-o", str(noroom_run), "--quiet", "--jobs", jobs,
             "--force"], cwd=str(REPO), teardown=lambda: remove_bag(noroom_run, ctx.dispose),
            note="bench/noroom.py: archiver bag with item rendering and the pages taken out; the reading "
                 "room's cost is archiver bag minus this"))
        src = ctx.runs_dir / "update-src"
        out.append(Contender(
            "archiver-update", "archiver bag --update (1% changed)", "update",
            arch + ["bag", str(src), "-o", str(ctx.runs_dir / "update-bag"), "--update", "--quiet"],
            cwd=str(REPO), setup=lambda r: change_files(src, UPDATE_FRACTION, r), optional=True,
            note=f"{max(1, round(len(ctx.files) * UPDATE_FRACTION))} file(s) changed before each run (untimed)"))
    return out


def export_contenders(ctx: SetContext, bag: Path) -> list[Contender]:
    """A row per export format and one for a complete OAI-PMH harvest, all of the validators' bag (made
    by `archiver bag`, untimed, in `prepare`). Each export writes a new DEST that its teardown removes
    (with any `.DEST.partial-…` an interrupted export left beside it)."""
    arch = archiver_argv()
    out = []
    for fmt in EXPORT_FORMATS:
        dest = ctx.runs_dir / f"export-{fmt}"
        out.append(Contender(
            f"archiver-export-{fmt}", f"archiver export --to {fmt}", "export",
            arch + ["export", str(bag), "--to", fmt, str(dest)], cwd=str(REPO),
            teardown=lambda dest=dest: remove_bag(dest, ctx.dispose)))
    out.append(Contender(
        "archiver-harvest", "archiver serve: complete OAI-PMH harvest (ListRecords)", "harvest",
        [sys.executable, "-m", "bench.harvest", str(bag)], cwd=str(REPO),
        note="bench/harvest.py: the server started in-process on port 0 (opening the bag and building its "
             "index included), then ListRecords oai_dc followed through every resumption token with urllib"))
    return out
