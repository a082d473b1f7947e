"""The interface of `--update` (archiver.update) and of the worker pool (archiver.workers), from the
outside: the CLI and the Python API on real files in a temporary directory."""
from __future__ import annotations

import os
import shutil

import bagit
from test_update import make_source, same_content

from archiver import make_bag
from archiver.corpus import discover
from archiver.records import CarriedSpan, FileJob
from archiver.update import ENTRY_FILES, Update, dependencies, spare_path, state_path
from archiver.update.state import read_state
from archiver.workers import Workers, run_chunks
from conftest import run


def _changed(src, *names):
    for name in names:
        (src / name).write_text(f"Changed {name}\n\nIslam Times - new body.\n")


def _fresh(tmp_path, src):
    fresh = tmp_path / "fresh"
    if fresh.exists():
        shutil.rmtree(fresh)
    assert run("bag", src, "-o", fresh, "--quiet").exit_code == 0
    return fresh


def test_no_spare_keeps_none_and_removes_an_earlier_one(tmp_path):
    src, bag = tmp_path / "src", tmp_path / "bag"
    make_source(src, 30)
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    _changed(src, "part0/story-000.txt")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    assert spare_path(bag).is_dir()                       # the default: the replaced bag is the spare
    _changed(src, "part1/story-001.txt")
    result = run("bag", src, "-o", bag, "--update", "--no-spare")
    assert result.exit_code == 0, result.stderr
    assert "(29 unchanged, carried over)" in result.stdout
    assert not spare_path(bag).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-state", "bag", "src"]
    assert same_content(bag) == same_content(_fresh(tmp_path, src))
    bagit.Bag(str(bag)).validate()
    # The next update, with a spare again, builds a new tree and keeps the replaced one.
    _changed(src, "part2/story-002.txt")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    assert spare_path(bag).is_dir()
    assert same_content(bag) == same_content(_fresh(tmp_path, src))


def test_the_python_api_takes_spare_false(tmp_path):
    src, bag = tmp_path / "src", tmp_path / "bag"
    make_source(src, 12)
    make_bag(src, bag)
    _changed(src, "part0/story-003.txt")
    result = make_bag(src, bag, update=True, spare=False)
    assert (result.reused, result.changes.changed) == (11, ["data/part0/story-003.txt"])
    assert not spare_path(bag).exists()


def test_update_plans_what_is_carried_over_and_hands_out_named_work(tmp_path):
    src, bag = tmp_path / "src", tmp_path / "bag"
    make_source(src, 9)
    make_bag(src, bag)
    _changed(src, "part1/story-004.txt")
    (src / "part2" / "story-005.txt").unlink()
    (src / "part0" / "new.txt").write_text("New\n")
    corpus = discover(src)
    update = Update(bag, corpus, dependencies(None), carry=True)
    assert update.plan is not None and update.generation == 2 and not update.patching
    assert set(update.plan.index) == {f.relpath for f in corpus.files} - {"part1/story-004.txt", "part0/new.txt"}
    work = update.work()            # no spare claimed: every file is a FileJob, in bag order
    assert all(type(item) is FileJob for item in work)
    assert [item.relpath for item in work] == [f.relpath for f in corpus.files]
    assert {item.relpath for item in work if item.old_index is None} == {"part1/story-004.txt", "part0/new.txt"}
    # The carried entries are the old bag's own bytes, entry file by entry file.
    first = update.plan.index["part0/story-000.txt"]
    with update.plan as plan:
        for name in ENTRY_FILES:
            entry = b"".join(plan.carry(name, first, first + 1))
            assert entry in (bag / name).read_bytes() and entry.count(b"\n") >= 1
    # Without --update (or with --verify) nothing is planned: one FileJob per file, generation 1.
    full = Update(bag, corpus, dependencies(None), carry=False)
    assert full.plan is None and full.generation == 1
    assert [item.old_index for item in full.work()] == [None] * len(corpus.files)


def test_a_patched_spare_carries_runs_of_files_as_spans(tmp_path):
    src, bag = tmp_path / "src", tmp_path / "bag"
    make_source(src, 20)
    make_bag(src, bag)
    _changed(src, "part0/story-000.txt")
    make_bag(src, bag, update=True)                 # the first bag becomes the spare
    _changed(src, "part1/story-010.txt")
    corpus = discover(src)
    update = Update(bag, corpus, dependencies(None), carry=True)
    holder = tmp_path / "claimed"
    holder.mkdir()
    assert update.wants_spare and update.claim_spare(holder)
    assert update.patching and (holder / "bag" / "bagit.txt").is_file()
    work = update.work()
    spans = [item for item in work if type(item) is CarriedSpan]
    jobs = [item for item in work if type(item) is FileJob]
    assert sum(span.stop - span.first for span in spans) == 18   # unchanged since the spare was written
    # story-000 (changed in the update before: the spare holds its old version) is linked from the
    # bag; story-010 (changed now) is processed.
    assert {(j.relpath, j.old_index is None) for j in jobs} == {("part0/story-000.txt", False),
                                                               ("part1/story-010.txt", True)}


def test_the_state_file_records_each_entry_in_entry_file_order(tmp_path):
    """The state's lengths, in ENTRY_FILES order, cut each entry file into exactly its entries."""
    src, bag = tmp_path / "src", tmp_path / "bag"
    make_source(src, 7)
    make_bag(src, bag)
    state = read_state(state_path(bag), dependencies(None))
    assert state is not None and list(state.lengths) == list(ENTRY_FILES)
    for name in ENTRY_FILES:
        data = (bag / name).read_bytes()
        start = state.files[name][0]
        cuts = [start]
        for length in state.lengths[name]:
            cuts.append(cuts[-1] + length)
        entries = [data[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
        assert len(entries) == 7 and b"".join(entries) == data[start:cuts[-1]]
        for rel, entry in zip(state.names, entries, strict=True):   # each file's entry, in bag order
            if name.startswith("tagmanifest-"):
                assert entry.endswith(f"  metadata/provenance/{rel}.yaml\n".encode())
            elif name.startswith("manifest-"):
                assert entry.endswith(f"  data/{rel}\n".encode())
            else:
                assert f"data/{rel}".encode() in entry


def _whose(chunk, shared):
    return [(item, shared, os.getpid()) for item in chunk]


def test_workers_hand_the_shared_state_to_each_worker_once(tmp_path):
    """Every call is func(chunk, shared): here for a small job, in forked workers for a large one."""
    shared = {"root": str(tmp_path), "n": 7}
    small = list(run_chunks(_whose, list(range(10)), lambda i: 1, shared, jobs=2))
    assert [r[0] for r in small] == list(range(10)) and {r[2] for r in small} == {os.getpid()}
    assert all(r[1] == shared for r in small)
    large = list(run_chunks(_whose, list(range(500)), lambda i: 1, shared, jobs=2))
    assert [r[0] for r in large] == list(range(500))         # in order
    assert all(r[1] == shared for r in large)
    assert os.getpid() not in {r[2] for r in large}
    with Workers(1, 500, 500, shared) as serial:
        assert serial.pool is None
        assert [r[2] for r in serial.run(_whose, [[1], [2]])] == [os.getpid()] * 2
