"""archiver bag --update: an existing bag brought up to date, atomically, without rereading unchanged files."""
from __future__ import annotations

import os
import shutil

import bagit
import pytest

from conftest import run, tree_digest


def same_content(root) -> dict[str, str]:
    """tree_digest without the audit trail: an updated bag has a modification event a fresh one lacks
    (tests/test_events.py checks the events), so events.yaml and its tag-manifest lines are left out."""
    import hashlib
    out = tree_digest(root)
    del out["metadata/events.yaml"]
    for name in [n for n in out if n.startswith("tagmanifest-")]:
        lines = (root / name).read_bytes().splitlines(keepends=True)
        out[name] = hashlib.sha256(b"".join(x for x in lines if not x.rstrip().endswith(b" metadata/events.yaml"))).hexdigest()
    return out


def make_source(root, n=120):
    for i in range(n):
        d = root / f"part{i % 3}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"story-{i:03d}.txt").write_text(f"Headline {i}\n\nIslam Times - Body of story {i}.\n\nStory Code: {5000 + i}\n")


def test_update_equals_a_fresh_bag_and_carries_unchanged_files_over(tmp_path):
    src = tmp_path / "src"
    make_source(src)
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    old_inodes = {p.relative_to(bag).as_posix(): p.stat().st_ino for p in (bag / "data").rglob("*.txt")}
    # Change 1 file, add 1, remove 1.
    (src / "part0" / "story-000.txt").write_text("Headline changed\n\nNew body.\n")
    (src / "part1" / "story-001.txt").unlink()
    (src / "part2" / "added.txt").write_text("Added headline\n\nBody.\n")
    result = run("bag", src, "-o", bag, "--update")
    assert result.exit_code == 0, result.stderr
    assert "(118 unchanged, carried over)" in result.stdout
    fresh = tmp_path / "fresh"
    assert run("bag", src, "-o", fresh, "--quiet").exit_code == 0
    assert same_content(bag) == same_content(fresh)
    bagit.Bag(str(bag)).validate()
    new_inodes = {p.relative_to(bag).as_posix(): p.stat().st_ino for p in (bag / "data").rglob("*.txt")}
    carried = [k for k in new_inodes if old_inodes.get(k) == new_inodes[k]]
    assert len(carried) == 118  # hard-linked from the old bag: neither read nor copied
    assert new_inodes["data/part0/story-000.txt"] != old_inodes["data/part0/story-000.txt"]
    # The replaced bag is kept beside it as the spare for the next update; nothing else is left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-spare", ".bag.archiver-state",
                                                          ".fresh.archiver-state", "bag", "fresh", "src"]


def test_update_reprocesses_everything_when_overrides_change(tmp_path):
    src = tmp_path / "src"
    make_source(src, 10)
    bag = tmp_path / "bag"
    run("bag", src, "-o", bag, "--quiet")
    ov = tmp_path / "ov.yaml"
    ov.write_text('overrides:\n  - path: part0/story-000.txt\n    by: "C"\n    fields: {byline: "X"}\n')
    result = run("bag", src, "-o", bag, "--update", "--overrides", ov)
    assert "(0 unchanged, carried over)" in result.stdout
    assert 'value: "X"' in (bag / "metadata/provenance/part0/story-000.txt.yaml").read_text()


def test_verify_rereads_every_file(tmp_path):
    src = tmp_path / "src"
    make_source(src, 10)
    bag = tmp_path / "bag"
    run("bag", src, "-o", bag, "--quiet")
    result = run("bag", src, "-o", bag, "--update", "--verify")
    assert result.exit_code == 0 and "(0 unchanged, carried over)" in result.stdout
    bagit.Bag(str(bag)).validate()


def test_interrupted_update_leaves_the_old_bag_valid(tmp_path, monkeypatch):
    src = tmp_path / "src"
    make_source(src, 30)
    bag = tmp_path / "bag"
    run("bag", src, "-o", bag, "--quiet")
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    _interrupted_update(tmp_path, src, bag, monkeypatch)


def _interrupted_update(tmp_path, src, bag, monkeypatch):
    """An update interrupted when it reaches a changed file (after the unchanged ones are carried over)
    leaves the bag as it was, valid, and nothing else behind but the state file."""
    import archiver.records as records
    before = tree_digest(bag)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(records, "process_file", interrupted)
    result = run("bag", src, "-o", bag, "--update", "--jobs", "1")
    assert result.exit_code == 130
    assert tree_digest(bag) == before
    bagit.Bag(str(bag)).validate()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-state", "bag", "src"]
    monkeypatch.undo()


def test_update_of_a_missing_bag_makes_one(tmp_path):
    src = tmp_path / "src"
    make_source(src, 5)
    assert run("bag", src, "-o", tmp_path / "bag", "--update", "--quiet").exit_code == 0
    bagit.Bag(str(tmp_path / "bag")).validate()


def test_link_hard_links_payload_to_the_source(tmp_path):
    src = tmp_path / "src"
    make_source(src, 5)
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--link", "--quiet").exit_code == 0
    for f in src.rglob("*.txt"):
        assert (bag / "data" / f.relative_to(src)).stat().st_ino == f.stat().st_ino
    bagit.Bag(str(bag)).validate()


def _titled_source(root, n=40):
    """Titles with commas, quotes and non-ASCII, so that CSV rows are quoted and XML text escaped."""
    for i in range(n):
        d = root / f"part{i % 4}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"story, \"{i:03d}\".txt").write_text(
            f'Iran, US "agree" on talks <{i}> — día {i}\n\nBy Ana Díaz\n\nBody of story {i}.\n', encoding="utf-8")


def _bagged(tmp_path, make, n):
    """A source of `n` files made by `make`, and its bag (not yet updated)."""
    src, bag = tmp_path / "src", tmp_path / "bag"
    make(src, n)
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    return src, bag


def _update_and_compare(tmp_path, src, bag, carried: int):
    result = run("bag", src, "-o", bag, "--update")
    assert result.exit_code == 0, result.stderr
    assert f"({carried} unchanged, carried over)" in result.stdout
    fresh = tmp_path / "fresh"
    if fresh.exists():
        shutil.rmtree(fresh)
    assert run("bag", src, "-o", fresh, "--quiet").exit_code == 0
    assert same_content(bag) == same_content(fresh)
    bagit.Bag(str(bag)).validate()


def test_carried_entries_with_quoted_csv_cells_and_escaped_xml_equal_a_fresh_bag(tmp_path):
    src, bag = _bagged(tmp_path, _titled_source, 40)
    # Changes at the start, in the middle and at the end of the old bag's order; one removed, one added.
    for name in ('part0/story, "000".txt', 'part2/story, "018".txt', 'part3/story, "039".txt'):
        (src / name).write_text("Changed, \"quoted\" headline\n\nNew body.\n", encoding="utf-8")
    (src / 'part1/story, "021".txt').unlink()
    (src / "part1" / "zz-new.txt").write_text("Added\n\nBody.\n")
    _update_and_compare(tmp_path, src, bag, 36)
    # A second update in a row carries over what the first one wrote.
    (src / 'part2/story, "002".txt').write_text("Again\n")
    _update_and_compare(tmp_path, src, bag, 39)


@pytest.mark.parametrize("edited", ["manifest-sha256.txt", "tagmanifest-sha512.txt", "metadata/dublin-core.csv",
                                    "metadata/dublin-core.xml"])
def test_an_edited_manifest_or_index_in_the_old_bag_means_nothing_is_carried_over(tmp_path, edited):
    src, bag = _bagged(tmp_path, _titled_source, 12)
    path = bag / edited
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Iran", b"Iraq", 1) if b"Iran" in data else data[:-1] + b" \n")
    _update_and_compare(tmp_path, src, bag, 0)


@pytest.mark.parametrize("edited", ["manifest-sha512.txt", "metadata/dublin-core.xml"])
def test_an_old_entry_file_edited_with_its_size_and_mtime_put_back_means_nothing_is_carried_over(tmp_path, edited):
    """The old bag's manifests and index are trusted by identity (inode, size, mtime, ctime), not read:
    an edit that keeps the size and sets the mtime back still changes the ctime."""
    src, bag = _bagged(tmp_path, _titled_source, 12)
    path = bag / edited
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[-2:-1] = b"x" if data[-2:-1] != b"x" else b"y"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    _update_and_compare(tmp_path, src, bag, 0)


def test_an_old_payload_file_that_changed_or_became_a_link_is_processed_again(tmp_path):
    src, bag = _bagged(tmp_path, make_source, 9)
    outside = tmp_path / "outside.txt"
    outside.write_text("not part of any bag\n")
    (bag / "data/part0/story-000.txt").write_text("truncated")          # size no longer the source's
    record = bag / "metadata/provenance/part1/story-001.txt.yaml"
    record.unlink()
    record.symlink_to(outside)                                          # a record swapped for a link
    _update_and_compare(tmp_path, src, bag, 7)
    assert not (bag / "metadata/provenance/part1/story-001.txt.yaml").is_symlink()
    assert outside.read_text() == "not part of any bag\n"


def test_a_state_file_of_an_older_format_means_a_full_rebuild(tmp_path):
    src, bag = _bagged(tmp_path, make_source, 6)
    state = tmp_path / ".bag.archiver-state"
    header, rest = state.read_bytes().split(b"\n", 1)
    from archiver.update import STATE_FORMAT
    assert STATE_FORMAT.encode() in header
    state.write_bytes(header.replace(STATE_FORMAT.encode(), b"archiver-state/1") + b"\n" + rest)
    _update_and_compare(tmp_path, src, bag, 0)


def _non_ascii_source(root, n):
    for i in range(n):
        d = root / ("café" if i % 2 else "日本")
        d.mkdir(parents=True, exist_ok=True)
        (d / f"störy-{i:02d}.txt").write_text(f"Überschrift «{i}», “quoted”\n\nIslam Times - Körper {i}.\n",
                                                encoding="utf-8")


def test_carried_entries_are_cut_by_byte_length_with_non_ascii_names_and_titles(tmp_path):
    """The state gives each file's entry length in bytes; names and titles of several bytes per
    character must not shift the entries carried after them."""
    src, bag = _bagged(tmp_path, _non_ascii_source, 14)
    (src / "日本" / "störy-00.txt").write_text("Geändert “eins”\n", encoding="utf-8")
    (src / "café" / "störy-07.txt").unlink()
    (src / "日本" / "störy-12.txt").write_text("Geändert “zwei”\n", encoding="utf-8")
    _update_and_compare(tmp_path, src, bag, 11)
    (src / "café" / "störy-09.txt").write_text("Noch einmal\n", encoding="utf-8")
    _update_and_compare(tmp_path, src, bag, 12)


@pytest.mark.parametrize("block", [1, 7, 64])
def test_carried_runs_are_copied_in_blocks(tmp_path, monkeypatch, block):
    """Runs of carried entries are read in blocks of at most update.plan._BLOCK bytes (flat memory);
    with tiny blocks every entry is cut across blocks."""
    from archiver.update import plan as update
    src, bag = _bagged(tmp_path, _non_ascii_source, 10)
    (src / "日本" / "störy-04.txt").write_text("Geändert\n", encoding="utf-8")
    monkeypatch.setattr(update, "_BLOCK", block)
    _update_and_compare(tmp_path, src, bag, 9)


@pytest.mark.parametrize("damage", ["truncated", "extended", "header only", "not json"])
def test_a_damaged_state_file_means_a_full_rebuild(tmp_path, damage):
    src, bag = _bagged(tmp_path, make_source, 8)
    state = tmp_path / ".bag.archiver-state"
    data = state.read_bytes()
    state.write_bytes({"truncated": data[:-3], "extended": data + b"\0",
                       "header only": data.split(b"\n", 1)[0] + b"\n", "not json": b"\x00" + data}[damage])
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    _update_and_compare(tmp_path, src, bag, 0)


def _dirs(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


def _same_as_fresh(tmp_path, src, bag):
    fresh = tmp_path / "fresh"
    if fresh.exists():
        shutil.rmtree(fresh)
    assert run("bag", src, "-o", fresh, "--quiet").exit_code == 0
    assert same_content(bag) == same_content(fresh)
    assert _dirs(bag) == _dirs(fresh)
    bagit.Bag(str(bag)).validate()


def test_the_replaced_bag_is_kept_as_the_spare_and_patched_by_the_next_update(tmp_path):
    src, bag = _bagged(tmp_path, make_source, 30)
    spare = tmp_path / ".bag.archiver-spare"
    previous = tree_digest(bag)
    (src / "part0" / "story-000.txt").write_text("Changed once\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    assert tree_digest(spare / "bag") == previous                  # the replaced bag, as it was
    roots = [(spare / "bag").stat().st_ino, bag.stat().st_ino]
    for round_no in range(1, 5):
        previous = tree_digest(bag)
        inodes = {p: p.stat().st_ino for p in (bag / "data").rglob("*.txt")}
        before = {p.relative_to(src).as_posix() for p in src.rglob("*.txt")}
        written = {f"part{round_no % 3}/story-{round_no:03d}.txt", "part0/story-000.txt",
                   f"new{round_no}/deep/added.txt"}
        for name in written:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_text(f"Changed in round {round_no}: {name}\n")
        if round_no > 1:
            shutil.rmtree(src / f"new{round_no - 1}")             # a whole directory goes
        after = {p.relative_to(src).as_posix() for p in src.rglob("*.txt")}
        result = run("bag", src, "-o", bag, "--update")
        assert result.exit_code == 0, result.stderr
        assert f"({len((before & after) - written)} unchanged, carried over)" in result.stdout
        _same_as_fresh(tmp_path, src, bag)
        assert tree_digest(spare / "bag") == previous
        kept = [p for p, ino in inodes.items() if p.exists() and p.stat().st_ino == ino]
        assert len(kept) >= len(inodes) - 3                       # unchanged files: the same files, not copies
        roots.append(bag.stat().st_ino)
        assert roots[-1] == roots[-3]          # the spare's own tree was patched, not a new one built
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-spare", ".bag.archiver-state",
                                                          ".fresh.archiver-state", "bag", "fresh", "src"]


def test_a_spare_that_was_changed_is_not_used(tmp_path):
    src, bag = _bagged(tmp_path, make_source, 12)
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    spare = tmp_path / ".bag.archiver-spare" / "bag"
    outside = tmp_path / "outside.txt"
    outside.write_text("not part of any bag\n")
    target = spare / "data/part1/story-001.txt"                    # unchanged since: it would stay
    target.unlink()
    target.symlink_to(outside)
    (src / "part2" / "story-002.txt").write_text("Changed too\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    _same_as_fresh(tmp_path, src, bag)
    assert not any(p.is_symlink() for p in bag.rglob("*"))
    assert outside.read_text() == "not part of any bag\n"
    assert not any(p.is_symlink() for p in (tmp_path / ".bag.archiver-spare").rglob("*"))


def test_a_bag_changed_after_it_was_written_does_not_become_the_spare(tmp_path):
    src, bag = _bagged(tmp_path, make_source, 12)
    (bag / "data" / "part0" / "stray.txt").write_text("added by hand\n")
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    _same_as_fresh(tmp_path, src, bag)
    assert not (tmp_path / ".bag.archiver-spare").exists()
    # The next update makes the (untouched) bag the spare again.
    (src / "part1" / "story-001.txt").write_text("Changed\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    _same_as_fresh(tmp_path, src, bag)
    assert (tmp_path / ".bag.archiver-spare" / "bag" / "bagit.txt").is_file()


def test_a_full_bag_removes_the_spare_of_the_bag_it_replaces(tmp_path):
    src, bag = _bagged(tmp_path, make_source, 12)
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    assert (tmp_path / ".bag.archiver-spare").is_dir()
    assert run("bag", src, "-o", bag, "--force", "--quiet").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-state", "bag", "src"]
    (src / "part1" / "story-001.txt").write_text("Changed\n")
    _update_and_compare(tmp_path, src, bag, 11)


def test_an_update_interrupted_while_patching_the_spare_leaves_the_bag_valid(tmp_path, monkeypatch):
    src, bag = _bagged(tmp_path, make_source, 30)
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    assert run("bag", src, "-o", bag, "--update", "--quiet").exit_code == 0
    (src / "part1" / "story-001.txt").write_text("Changed again\n")
    # The spare was being patched: it goes, with everything the run wrote; the next update works.
    _interrupted_update(tmp_path, src, bag, monkeypatch)
    _update_and_compare(tmp_path, src, bag, 29)


_UPDATE_IN_A_CHILD = """
import json, sys, threading
from archiver import workers
from archiver.bag import make_bag
forked = []
start = workers.Workers.__init__
def noting(self, *args, **kwargs):   # how many threads run when the workers are forked
    running = threading.active_count()
    start(self, *args, **kwargs)
    if self.pool is not None:
        forked.append(running)
workers.Workers.__init__ = noting
result = make_bag(sys.argv[1], sys.argv[2], update=True, jobs=2)
print(json.dumps({"reused": result.reused, "threads_at_fork": forked}))
"""


def test_an_update_of_a_large_bag_is_a_fresh_bag_with_workers_forked_before_any_thread(tmp_path):
    """An update that changes many files hands them to worker processes, forked while this process
    runs no other thread (the tag writer's starts after them); the result is the same bag as a fresh
    one, update after update (the later ones patch the spare)."""
    import json
    import subprocess
    import sys
    src, bag = _bagged(tmp_path, make_source, 200)
    names = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.txt"))
    rounds = [names[:3] + names[-2:], names[::2], names[50:53] + names[120:121], names[1::2]]
    for round_no, picked in enumerate(rounds, 1):
        for name in picked:
            (src / name).write_text(f"Changed in round {round_no}\n\nIslam Times - {name}\n")
        done = subprocess.run([sys.executable, "-c", _UPDATE_IN_A_CHILD, str(src), str(bag)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["reused"] == 200 - len(picked)
        # Workers for the 100 files of rounds 2 and 4 (more than workers.SERIAL_FILES), forked alone.
        assert set(report["threads_at_fork"]) <= {1}
        assert report["threads_at_fork"] or len(picked) < 100
        _same_as_fresh(tmp_path, src, bag)
    assert (tmp_path / ".bag.archiver-spare").is_dir()


def test_a_tag_file_that_cannot_be_written_fails_the_bag_and_leaves_nothing(tmp_path, monkeypatch):
    """Tag files are written and hashed by a background thread; its error reaches the caller."""
    import archiver.bag as bag_module
    src = tmp_path / "src"
    make_source(src, 10)

    def full(self, data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(bag_module._HashingWriter, "_write", full)
    result = run("bag", src, "-o", tmp_path / "bag")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]
