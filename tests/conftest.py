"""Shared test helpers: the CLI runner, independent checksum checks with coreutils, the seeds."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import main

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


def run(*args, **kwargs):
    """Run the archiver CLI in-process the way a user would; returns click's Result."""
    try:  # click < 8.2 mixes stderr into output unless told not to; 8.2+ always keeps it apart
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def _rfc_decode(name: str) -> str:
    return re.sub(r"%(0[aAdD]|25)", lambda m: {"0a": "\n", "0d": "\r", "25": "%"}[m.group(1).lower()], name)


def coreutils_check(bag: Path) -> None:
    """Check every manifest and tagmanifest of `bag` with sha256sum/sha512sum, independently of archiver.

    RFC 8493 percent-encodes CR, LF and % in names; coreutils instead escapes names with a leading
    backslash. Each line is translated from one convention to the other before `-c` runs in the bag root.
    """
    for manifest in sorted(bag.glob("*manifest-sha*.txt")):
        alg = manifest.name.split("-")[-1].split(".")[0]
        lines = []
        for line in manifest.read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            name = _rfc_decode(name)
            if "\\" in name or "\n" in name or "\r" in name:
                esc = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
                lines.append(f"\\{digest}  {esc}")
            else:
                lines.append(f"{digest}  {name}")
        checklist = bag.parent / f".{bag.name}.{manifest.name}.check"
        checklist.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            proc = subprocess.run([f"{alg}sum", "-c", "--strict", "--quiet", str(checklist)], cwd=bag,
                                  capture_output=True, text=True)
        finally:
            checklist.unlink()
        assert proc.returncode == 0, f"{alg}sum -c {manifest.name} failed:\n{proc.stdout}{proc.stderr}"


def tree_digest(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under root (symlinks recorded, not followed)."""
    out = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            out[rel] = ("link:" + os.readlink(p)) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture
def seeds_bag(seeds_copy, tmp_path) -> Path:
    """The seeds bagged by `archiver bag` into tmp_path/seeds-bag (SOURCE_DATE_EPOCH fixed)."""
    out = tmp_path / "seeds-bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    return out


@pytest.fixture(autouse=True)
def _fixed_bagging_date(monkeypatch):
    # Deterministic by default; tests that need the clock unset it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def hand_scorer(monkeypatch):
    """Titles decided by the hand-set score (ARCHIVER_TITLE_SCORER=hand) instead of the learned model.
    For tests that pin the candidate rules on minimal synthetic pages (a headline and a paragraph):
    the model, trained on real scrapes, abstains on several of them; tests/test_title_model.py checks
    that on those same pages it is right or silent."""
    monkeypatch.setenv("ARCHIVER_TITLE_SCORER", "hand")
