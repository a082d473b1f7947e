"""archiver bag --update: an existing bag brought up to date, atomically, without rereading unchanged files."""
from __future__ import annotations

import os
import shutil

import bagit
import pytest

from conftest import run, tree_digest


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
    assert tree_digest(bag) == tree_digest(fresh)
    bagit.Bag(str(bag)).validate()
    new_inodes = {p.relative_to(bag).as_posix(): p.stat().st_ino for p in (bag / "data").rglob("*.txt")}
    carried = [k for k in new_inodes if old_inodes.get(k) == new_inodes[k]]
    assert len(carried) == 118  # hard-linked from the old bag: neither read nor copied
    assert new_inodes["data/part0/story-000.txt"] != old_inodes["data/part0/story-000.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-state", ".fresh.archiver-state",
                                                          "bag", "fresh", "src"]


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
    before = tree_digest(bag)
    (src / "part0" / "story-000.txt").write_text("Changed\n")
    import archiver.records as records

    def interrupted(*args, **kwargs):  # the changed file is reached after the unchanged ones are linked
        raise KeyboardInterrupt
    monkeypatch.setattr(records, "process_file", interrupted)
    result = run("bag", src, "-o", bag, "--update", "--jobs", "1")
    assert result.exit_code == 130
    assert tree_digest(bag) == before
    bagit.Bag(str(bag)).validate()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bag.archiver-state", "bag", "src"]


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
