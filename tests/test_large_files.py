"""Large files: copied with O_DIRECT from aligned buffers (archiver.reader), byte for byte, with the
digests of the exact bytes, and through the page cache where the file system refuses direct writes."""
from __future__ import annotations

import errno
import hashlib
import os
import random

import bagit
import pytest

from archiver import reader
from archiver.bag import make_bag
from conftest import coreutils_check, run

MiB = 1 << 20


def _write(path, size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    head = b"Big dump of the wire\n\nBy A. Reporter\n\n"
    data = head + rng.randbytes(size - len(head))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def _manifest(bag, alg: str) -> dict[str, str]:
    lines = (bag / f"manifest-{alg}.txt").read_text().splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_large_files_are_copied_exactly_with_the_digests_of_their_bytes(tmp_path, jobs):
    src = tmp_path / "src"
    sizes = {
        "whole-blocks.bin": reader.DIRECT_MIN,                 # a whole number of 4 KiB blocks
        "odd-tail.txt": reader.DIRECT_MIN + 3 * MiB + 123,     # a tail written through the cache
        "just-below.txt": reader.DIRECT_MIN - 1,               # the ordinary path
        "small.txt": 5000,
    }
    originals = {name: _write(src / name, size, i) for i, (name, size) in enumerate(sizes.items())}
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet", "--jobs", jobs).exit_code == 0
    sha256, sha512 = _manifest(out, "sha256"), _manifest(out, "sha512")
    for name, data in originals.items():
        assert (out / "data" / name).read_bytes() == data
        assert sha256[f"data/{name}"] == hashlib.sha256(data).hexdigest()
        assert sha512[f"data/{name}"] == hashlib.sha512(data).hexdigest()
    assert (src / "odd-tail.txt").read_bytes() == originals["odd-tail.txt"]   # source untouched
    bagit.Bag(str(out)).validate()
    coreutils_check(out)
    assert run("validate", out).exit_code == 0


def test_large_file_record_reads_only_the_head(tmp_path):
    src = tmp_path / "src"
    _write(src / "dump.txt", reader.DIRECT_MIN + 5 * MiB + 7, 3)
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet", "--jobs", "1").exit_code == 0
    record = (out / "metadata" / "provenance" / "dump.txt.yaml").read_text()
    assert f"bytes: {reader.DIRECT_MIN + 5 * MiB + 7}" in record


def test_file_system_refusing_direct_writes_gets_an_ordinary_copy(tmp_path, monkeypatch):
    """Some file systems accept O_DIRECT when it is set and reject the write (EINVAL): the copy goes
    on through the page cache, and the bag is the same as one written directly."""
    src = tmp_path / "src"
    data = _write(src / "dump.txt", reader.DIRECT_MIN + MiB + 99, 5)
    direct_bag = tmp_path / "direct"
    make_bag(src, direct_bag, jobs=1)

    import fcntl
    real_write = os.write
    refused = []

    def write(fd, buf):
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT:
            refused.append(fd)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, buf)

    monkeypatch.setattr(reader.os, "write", write)
    fallback_bag = tmp_path / "fallback"
    make_bag(src, fallback_bag, jobs=1)
    monkeypatch.undo()
    assert refused, "the direct path was not taken"
    assert (fallback_bag / "data" / "dump.txt").read_bytes() == data
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt"):
        assert (fallback_bag / name).read_bytes() == (direct_bag / name).read_bytes()
    bagit.Bag(str(fallback_bag)).validate()


def test_copy_buffers_are_not_shared_with_processes_forked_later(tmp_path):
    """A bag made in this process leaves its aligned buffers behind; workers forked afterwards (the next
    bag with --jobs 2) must not fill the same memory, or two copies corrupt each other."""
    src = tmp_path / "src"
    _write(src / "dump.txt", reader.DIRECT_MIN + MiB, 11)
    make_bag(src, tmp_path / "bag", jobs=1)
    assert reader._buffers is not None
    before = bytes(reader._buffers[0][:8])
    pid = os.fork()
    if pid == 0:  # the child scribbles on its buffer, as a worker copying another file would
        reader._buffers[0][:8] = b"WORKER!!"
        os._exit(0)
    os.waitpid(pid, 0)
    assert bytes(reader._buffers[0][:8]) == before
