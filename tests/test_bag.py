"""archiver bag, from the outside: the bag of the sample corpus and what a receiver checks of it."""
from __future__ import annotations

import json
import os
from pathlib import Path

import bagit
import jsonschema
import yaml

from conftest import REPO, coreutils_check, run, tree_digest

SCHEMA = json.loads((REPO / "archiver" / "schemas" / "provenance-1.schema.json").read_text())


def load_records(bag: Path) -> dict[str, dict]:
    root = bag / "metadata" / "provenance"
    return {p.relative_to(root).as_posix()[: -len(".yaml")]: yaml.safe_load(p.read_bytes())
            for p in root.rglob("*.yaml")}


def test_bag_of_seeds_is_valid_complete_and_byte_identical(seeds_copy, tmp_path):
    before = tree_digest(seeds_copy)
    mtimes = {p: p.stat().st_mtime_ns for p in seeds_copy.iterdir()}
    out = tmp_path / "out" / "seeds-bag"
    result = run("bag", seeds_copy, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"Bagged 5 files, {sum(p.stat().st_size for p in seeds_copy.iterdir()):,} bytes" in result.output
    assert str(out) in result.output
    # The source is untouched.
    assert tree_digest(seeds_copy) == before
    assert {p: p.stat().st_mtime_ns for p in seeds_copy.iterdir()} == mtimes
    # Valid to bagit-python and to coreutils, independently.
    bag = bagit.Bag(str(out))
    bag.validate()
    assert bag.version_info == (1, 0)
    coreutils_check(out)
    # Payload is the source, byte for byte, at the same relative paths.
    assert tree_digest(out / "data") == before
    assert (out / "bagit.txt").read_bytes() == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info_keys = [line.split(":", 1)[0] for line in (out / "bag-info.txt").read_text().splitlines()]
    assert info_keys == ["Bagging-Date", "Payload-Oxum", "Bag-Size", "Bag-Software-Agent",
                         "BagIt-Profile-Identifier"]
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "bagit.txt", "bag-info.txt", "data", "metadata", "manifest-sha256.txt", "manifest-sha512.txt",
        "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"])
    # Every tag file is in both tagmanifests.
    tags = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
            and not p.relative_to(out).as_posix().startswith(("data/", "tagmanifest-"))}
    for alg in ("sha256", "sha512"):
        listed = {line.split("  ", 1)[1] for line in (out / f"tagmanifest-{alg}.txt").read_text().splitlines()}
        assert listed == tags
    # One schema-valid record per payload file, whose hashes are the file's.
    records = load_records(out)
    assert set(records) == set(before)
    for rel, rec in records.items():
        jsonschema.validate(rec, SCHEMA)
        assert rec["source"]["path"] == rel
        assert rec["source"]["sha256"] == before[rel]
        assert rec["source"]["bytes"] == (seeds_copy / rel).stat().st_size


SEED_TABLE = {
    "000_a1b928136f395d30.txt": ("Gaza Victory Heralds Greater Triumphs", None, None, None, None),
    "001_0fd100e6b7384ea1.txt": ("Imam Khamenei: Victory of Gaza People A Triumph over US", None, None, None,
                                 "Staff, Agencies"),
    "002_925810d536abd4d2.txt": ("Zionist Regime Unable to Defeat Resistance Forces: Ayatollah Khamenei",
                                 "Islam Times", "2024-03-28T21:46", "1125546", None),
    "003_1c081c8094588ba1.txt": ("Leader Praises Hamas for Bold Stand Against Israel's Actions", None, None,
                                 None, None),
    "004_b448aa7393fc9747.txt": ("IRGC Reiterates Iran\u2019s Support for Palestine After Resistance Victory "
                                 "Against Israel", "Press TV", "2021-05-22T08:13", None, None),
}


def test_seed_records_say_what_the_texts_say(seeds_copy, tmp_path):
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    records = load_records(out)
    for name, expected in SEED_TABLE.items():
        fields = records[name]["fields"]
        got = tuple(fields[f]["value"] for f in ("title", "outlet", "published", "story_code", "byline"))
        assert got == expected, name
        for f in ("title", "outlet", "published", "story_code", "byline"):
            if fields[f]["value"] is None:
                assert fields[f]["status"] == "unknown"
            else:
                assert fields[f]["status"] == "extracted"
                assert fields[f]["evidence"], f"{name}: {f} has no evidence"
                for ev in fields[f]["evidence"]:
                    if ev["line"] is not None:
                        lines = (seeds_copy / name).read_text(encoding="utf-8").splitlines()
                        assert ev["text"] in lines[ev["line"] - 1] or lines[ev["line"] - 1] in ev["text"]


def test_records_quote_every_string_so_yaml_never_retypes(seeds_copy, tmp_path):
    out = tmp_path / "bag"
    run("bag", seeds_copy, "-o", out, "--quiet")
    text = (out / "metadata" / "provenance" / "002_925810d536abd4d2.txt.yaml").read_text(encoding="utf-8")
    assert 'value: "2024-03-28T21:46"' in text
    assert 'value: "1125546"' in text
    rec = yaml.safe_load(text)
    assert isinstance(rec["fields"]["story_code"]["value"], str)
    assert isinstance(rec["fields"]["published"]["value"], str)


def test_default_output_refuses_to_overwrite_without_force(seeds_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run("bag", seeds_copy, "--quiet")
    assert first.exit_code == 0
    bag = tmp_path / "bags" / "seeds"
    assert (bag / "bagit.txt").is_file()
    (bag / "marker").write_text("from the first run")
    second = run("bag", seeds_copy)
    assert second.exit_code == 2
    assert "already exists" in second.stderr and "--force" in second.stderr
    assert (bag / "marker").exists()
    third = run("bag", seeds_copy, "--force", "--quiet")
    assert third.exit_code == 0
    assert not (bag / "marker").exists()
    bagit.Bag(str(bag)).validate()
    # Only the bag and the small state file that --update uses (outside the bag) are left.
    assert sorted(p.name for p in (tmp_path / "bags").iterdir()) == [".seeds.archiver-state", "seeds"]


def test_same_input_gives_byte_identical_bags(seeds_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716163200")
    run("bag", seeds_copy, "-o", tmp_path / "a", "--quiet")
    run("bag", seeds_copy, "-o", tmp_path / "b", "--quiet", "--jobs", "2")
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert "Bagging-Date: 2024-05-20\n" in (tmp_path / "a" / "bag-info.txt").read_text()


def test_bagging_date_is_today_without_source_date_epoch(seeds_copy, tmp_path, monkeypatch):
    from datetime import datetime, timezone
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    run("bag", seeds_copy, "-o", tmp_path / "a", "--quiet")
    today = datetime.now(timezone.utc).date().isoformat()
    assert f"Bagging-Date: {today}\n" in (tmp_path / "a" / "bag-info.txt").read_text()


def test_bag_info_fields_from_options_in_written_order(seeds_copy, tmp_path):
    out = tmp_path / "bag"
    result = run("bag", seeds_copy, "-o", out, "--quiet", "--source-organization", "Example Library",
                 "--contact-name", "A. Archivist", "--contact-email", "a@example.org",
                 "--external-description", "Sample\nnews corpus", "--external-identifier", "coll-42")
    assert result.exit_code == 0
    info = (out / "bag-info.txt").read_text()
    assert info.splitlines()[5:] == ["Source-Organization: Example Library", "Contact-Name: A. Archivist",
                                     "Contact-Email: a@example.org", "External-Description: Sample news corpus",
                                     "External-Identifier: coll-42"]
    bagit.Bag(str(out)).validate()


def test_large_corpus_runs_in_worker_processes_and_stays_valid(tmp_path):
    src = tmp_path / "many"
    for i in range(300):
        d = src / f"d{i % 7}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"article-{i:04d}.txt").write_text(f"Headline number {i}\n\nBody text {i}.\n" * 3)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert run("bag", src, "-o", serial, "--quiet", "--jobs", "1").exit_code == 0
    assert run("bag", src, "-o", parallel, "--quiet", "--jobs", "2").exit_code == 0
    assert tree_digest(serial) == tree_digest(parallel)
    bagit.Bag(str(parallel)).validate()
    coreutils_check(parallel)


def test_python_dash_m_and_console_script(tmp_path, seeds_copy):
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "archiver", "--version"], capture_output=True, text=True,
                          cwd=REPO)
    assert proc.returncode == 0 and "archiver" in proc.stdout


def test_quiet_prints_nothing(seeds_copy, tmp_path):
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_progress_bar_only_when_stderr_is_a_terminal(seeds_copy, tmp_path):
    import pty
    import subprocess
    import sys
    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "archiver", "bag", str(seeds_copy), "-o", str(tmp_path / "tty")],
                          stdout=subprocess.PIPE, stderr=slave, cwd=REPO)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.returncode == 0 and b"Bagging" in shown
    piped = subprocess.run([sys.executable, "-m", "archiver", "bag", str(seeds_copy), "-o", str(tmp_path / "pipe")],
                           capture_output=True, cwd=REPO)
    assert piped.returncode == 0 and b"Bagging" not in piped.stderr
