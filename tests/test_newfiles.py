"""archiver.newfiles: a bag's files are new names, never written through an existing file; a recycled
file (an update's let-go file) is written over only if it is still the inode it was, with no other name."""
from __future__ import annotations

import os

import pytest

from archiver.errors import ArchiverError
from archiver.newfiles import finish, open_new, recyclable


def _write(dest, recycled, data: bytes) -> None:
    with open_new(str(dest), recycled) as out:
        out.write(data)
        finish(out, recycled)


def test_a_recycled_file_becomes_the_new_file_with_exactly_the_new_bytes(tmp_path):
    old = tmp_path / "old"
    old.write_bytes(b"x" * 10_000)             # longer than what replaces it: the rest must be cut
    inode = old.stat().st_ino
    recycled = recyclable(str(old))
    assert recycled is not None and recycled.inode == inode
    dest = tmp_path / "sub-new"
    _write(dest, recycled, b"new content\n")
    assert dest.read_bytes() == b"new content\n"
    assert dest.stat().st_ino == inode and dest.stat().st_nlink == 1   # no inode allocated or freed
    assert not old.exists()


def test_a_new_file_is_created_exclusively(tmp_path):
    dest = tmp_path / "new"
    _write(dest, None, b"abc")
    assert dest.read_bytes() == b"abc"
    with pytest.raises(FileExistsError):
        _write(dest, None, b"again")
    assert dest.read_bytes() == b"abc"


def test_a_file_with_another_name_is_not_recyclable(tmp_path):
    outside = tmp_path / "outside"
    outside.write_bytes(b"keep me")
    os.link(outside, tmp_path / "linked")
    assert recyclable(str(tmp_path / "linked")) is None
    os.symlink(outside, tmp_path / "symlink")
    assert recyclable(str(tmp_path / "symlink")) is None
    assert recyclable(str(tmp_path / "missing")) is None


def _gains_a_name(tmp_path, old):
    os.link(old, tmp_path / "someone-elses")       # after it was judged recyclable
    return tmp_path / "someone-elses", b"old"


def _is_swapped(tmp_path, old):
    victim = tmp_path / "victim"
    victim.write_bytes(b"not ours")
    os.unlink(old)
    os.link(victim, old)                            # same name, another inode
    os.unlink(victim)                               # ... even with one link left
    return tmp_path / "dest", b"not ours"


@pytest.mark.parametrize("tamper", [_gains_a_name, _is_swapped])
def test_a_recycled_file_changed_since_it_was_judged_is_not_written(tmp_path, tamper):
    old = tmp_path / "old"
    old.write_bytes(b"old")
    recycled = recyclable(str(old))
    untouched, content = tamper(tmp_path, old)
    with pytest.raises(ArchiverError, match="changed while"):
        _write(tmp_path / "dest", recycled, b"new")
    assert untouched.read_bytes() == content


def test_a_recycled_file_is_never_moved_over_an_existing_name(tmp_path):
    old = tmp_path / "old"
    old.write_bytes(b"old")
    recycled = recyclable(str(old))
    dest = tmp_path / "dest"
    dest.write_bytes(b"existing")
    with pytest.raises(FileExistsError):
        _write(dest, recycled, b"new")
    assert dest.read_bytes() == b"existing" and old.read_bytes() == b"old"
