"""Serialized bags: deterministic archives, and hostile archives refused without harm."""
from __future__ import annotations

import gzip
import io
import os
import tarfile
import zipfile

import pytest

from archiver.serialize import ArchiveRefused, open_serialized
from archiver.validate import validate_path
from conftest import run


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_archive_is_valid_and_byte_identical_for_the_same_epoch(seeds_copy, tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716163200")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert run("bag", seeds_copy, "-o", tmp_path / "a" / "seeds", "--archive", fmt, "--quiet").exit_code == 0
    assert run("bag", seeds_copy, "-o", tmp_path / "b" / "seeds", "--archive", fmt, "--quiet").exit_code == 0
    a, b = tmp_path / "a" / f"seeds.{fmt}", tmp_path / "b" / f"seeds.{fmt}"
    assert a.read_bytes() == b.read_bytes()
    assert sorted(os.listdir(tmp_path / "a")) == [f"seeds.{fmt}"]  # only the archive, no directory left
    result = run("validate", a)
    assert result.exit_code == 0, result.stdout
    if fmt == "tar.gz":
        with tarfile.open(a) as tar:
            members = tar.getmembers()
        assert all(m.name == "seeds" or m.name.startswith("seeds/") for m in members)
        assert [m.name for m in members] == sorted([m.name for m in members], key=lambda n: n.split("/"))
        assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", 1716163200)}
        assert gzip.open(a).read(1)  # a plain gzip stream
    else:
        with zipfile.ZipFile(a) as zf:
            assert all(n.startswith("seeds/") for n in zf.namelist())


def test_archive_round_trips_byte_for_byte(seeds_copy, tmp_path):
    run("bag", seeds_copy, "-o", tmp_path / "dir", "--quiet")
    run("bag", seeds_copy, "-o", tmp_path / "arc", "--archive", "tar.gz", "--quiet")
    from conftest import tree_digest
    with open_serialized(tmp_path / "arc.tar.gz") as (bag, kind):
        assert kind == "tar.gz" and bag.name == "arc"
        unpacked = tree_digest(bag)
    assert unpacked == tree_digest(tmp_path / "dir")


def _tar(path, members):
    """members: list of (TarInfo, bytes or None)."""
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data=b"x"):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    return ti, data


def _special(name, kind, target=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = target
    return ti, None


HOSTILE = {
    "tar-slip": ([_file("bag/bagit.txt"), _file("bag/../../evil.txt", b"pwned")], "S001"),
    "absolute": ([_file("bag/bagit.txt"), _file("/tmp/evil-absolute.txt", b"pwned")], "S001"),
    "symlink": ([_file("bag/bagit.txt"), _special("bag/data/link", tarfile.SYMTYPE, "/etc/passwd")], "S002"),
    "hardlink": ([_file("bag/bagit.txt"), _special("bag/data/hard", tarfile.LNKTYPE, "/etc/passwd")], "S002"),
    "fifo": ([_file("bag/bagit.txt"), _special("bag/data/pipe", tarfile.FIFOTYPE)], "S002"),
    "device": ([_file("bag/bagit.txt"), _special("bag/data/dev", tarfile.CHRTYPE)], "S002"),
    "duplicate": ([_file("bag/bagit.txt"), _file("bag/data/a", b"1"), _file("bag/data/a", b"2")], "S003"),
    "two-tops": ([_file("bag/bagit.txt"), _file("other/bagit.txt")], "S004"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_tar_is_refused_and_writes_nothing_outside(tmp_path, case):
    members, code = HOSTILE[case]
    archive = _tar(tmp_path / f"{case}.tar.gz", members)
    unpack = tmp_path / "unpack"
    unpack.mkdir()
    with pytest.raises(ArchiveRefused) as exc:
        with open_serialized(archive, tmp_parent=unpack):
            pass
    assert code in {f.code for f in exc.value.findings}
    assert list(unpack.iterdir()) == []                     # the private directory is gone
    assert not (tmp_path / "evil.txt").exists() and not os.path.exists("/tmp/evil-absolute.txt")
    result = run("validate", archive)
    assert result.exit_code == 1 and code in result.stdout


def test_hostile_zip_members_are_refused(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("bag/bagit.txt", "BagIt-Version: 1.0\n")
        zf.writestr("bag/../../evil.txt", "pwned")
        link = zipfile.ZipInfo("bag/data/link")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    report = validate_path(path)
    assert not report.valid and {"S001", "S002"} <= {f.code for f in report.findings}
    assert not (tmp_path / "evil.txt").exists()


def test_archive_bomb_is_stopped_by_payload_oxum(tmp_path):
    path = tmp_path / "bomb.tar.gz"
    big = 200 << 20
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as gz, tarfile.open(fileobj=gz, mode="w|") as tar:
        for name, data in (("bag/bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
                           ("bag/bag-info.txt", b"Payload-Oxum: 10.1\n")):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))
        ti = tarfile.TarInfo("bag/data/zeros")
        ti.size = big

        class Zeros(io.RawIOBase):
            left = big

            def readinto(self, b):
                n = min(len(b), self.left)
                b[:n] = bytes(n)
                self.left -= n
                return n
        tar.addfile(ti, Zeros())
    assert path.stat().st_size < 1 << 20  # a tiny archive that claims 200 MB
    unpack = tmp_path / "unpack"
    unpack.mkdir()
    with pytest.raises(ArchiveRefused) as exc:
        with open_serialized(path, tmp_parent=unpack):
            pass
    assert "S005" in {f.code for f in exc.value.findings}
    assert list(unpack.iterdir()) == []


def test_corrupt_archive_is_invalid_not_a_crash(tmp_path):
    path = tmp_path / "broken.tar.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    result = run("validate", path)
    assert result.exit_code == 1 and "S006" in result.stdout
