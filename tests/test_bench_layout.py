"""bench/layout.py (`python -m bench.layout SOURCE OUT`): the bag's layout alone, checked on a small real corpus."""
from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _layout(source: Path, out: Path, jobs: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench.layout", str(source), str(out), "--jobs", str(jobs)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "src"
    rng = random.Random(11)
    files = {
        "top.txt": b"at the top\n",
        "empty.txt": b"",
        "news one/story with space.txt": b"TEHRAN (Reuters) - " + bytes(rng.randrange(256) for _ in range(5000)),
        "news one/caf\u00e9 \u062e\u0628\u0631.txt": "Caf\u00e9 \u062e\u0628\u0631\n".encode() * 300,
        "two/big.txt": bytes(rng.randrange(256) for _ in range(1 << 16)) * 48 + b"tail",  # ~3 MiB: several blocks
        "two/deeper/last.txt": b"x" * 4097,
    }
    # More files than one chunk of bench/floor.py holds (256), so that --jobs 2 runs worker processes.
    files.update({f"two/deeper/{i:03d}.txt": f"story {i}\n".encode() * i for i in range(300)})
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


@pytest.mark.parametrize("jobs", [1, 2])
def test_layout_copies_records_and_manifests_every_file(corpus, tmp_path, jobs):
    out = tmp_path / "out"
    done = _layout(corpus, out, jobs)
    assert done.returncode == 0, done.stdout + done.stderr

    source = _tree(corpus)
    assert len(source) == 306 and max(len(b) for b in source.values()) > 3 << 20
    assert _tree(out / "data") == source

    records = out / "metadata" / "provenance"
    assert sorted(_tree(records)) == sorted(rel + ".yaml" for rel in source)
    for rel, data in source.items():
        record = (records / (rel + ".yaml")).read_bytes()
        assert len(record) >= 1000
        assert hashlib.sha256(data).hexdigest().encode() in record
        assert hashlib.sha512(data).hexdigest().encode() in record

    for algorithm in ("sha256", "sha512"):
        lines = (out / f"manifest-{algorithm}.txt").read_text(encoding="utf-8").splitlines()
        assert lines == [f"{hashlib.new(algorithm, source[rel]).hexdigest()}  data/{rel}" for rel in sorted(source)]
    assert sorted(p.name for p in out.iterdir()) == ["data", "manifest-sha256.txt", "manifest-sha512.txt",
                                                     "metadata"]


def test_layout_never_overwrites_an_existing_out(corpus, tmp_path):
    out = tmp_path / "out"
    assert _layout(corpus, out, 2).returncode == 0
    before = _tree(out)
    (corpus / "top.txt").write_bytes(b"changed since the first run\n")
    again = _layout(corpus, out, 2)
    assert again.returncode != 0
    assert _tree(out) == before
