"""archiver manifest: records on their own, the same bytes as in the bag, and --check for drift."""
from __future__ import annotations

from conftest import REPO, SEEDS, run, tree_digest


def test_records_equal_the_bags_records(seeds_copy, tmp_path):
    assert run("manifest", seeds_copy, "-o", tmp_path / "records", "--quiet").exit_code == 0
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    assert tree_digest(tmp_path / "records") == tree_digest(tmp_path / "bag" / "metadata" / "provenance")


def test_check_passes_then_lists_missing_stale_and_orphaned(seeds_copy, tmp_path):
    records = tmp_path / "records"
    assert run("manifest", seeds_copy, "-o", records).exit_code == 0
    before = tree_digest(records)
    ok = run("manifest", seeds_copy, "-o", records, "--check")
    assert ok.exit_code == 0 and "up to date" in ok.stdout
    # Change one seed, add one, remove one.
    changed = seeds_copy / "002_925810d536abd4d2.txt"
    changed.write_bytes(changed.read_bytes().replace(b"Story Code: 1125546", b"Story Code: 1125547"))
    (seeds_copy / "new.txt").write_text("A new article\n")
    (seeds_copy / "000_a1b928136f395d30.txt").unlink()
    result = run("manifest", seeds_copy, "-o", records, "--check")
    assert result.exit_code == 1
    lines = set(result.stdout.splitlines())
    assert f"stale: {records}/002_925810d536abd4d2.txt.yaml" in lines
    assert f"missing: {records}/new.txt.yaml" in lines
    assert f"orphaned: {records}/000_a1b928136f395d30.txt.yaml" in lines
    assert len(lines) == 3
    assert tree_digest(records) == before  # --check writes nothing
    assert run("manifest", seeds_copy, "-o", records, "--quiet").exit_code == 0
    assert run("manifest", seeds_copy, "-o", records, "--check").exit_code == 0


def test_manifest_refuses_a_directory_holding_other_files(seeds_copy, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "important.docx").write_bytes(b"keep me")
    result = run("manifest", seeds_copy, "-o", out)
    assert result.exit_code == 2 and "important.docx" in result.stderr
    assert (out / "important.docx").read_bytes() == b"keep me"


def test_committed_manifests_match_seeds_and_extractor():
    # The records committed in manifests/ must be what archiver writes for seeds/ today.
    result = run("manifest", SEEDS, "-o", REPO / "manifests", "--check")
    assert result.exit_code == 0, (result.stdout + result.stderr +
                                   "\nrun `make manifests` and review the diff before committing")


def test_readme_shows_the_record_archiver_writes():
    # The README's record example is pasted from manifests/; keep it true.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    record = (REPO / "manifests" / "002_925810d536abd4d2.txt.yaml").read_text(encoding="utf-8").strip()
    assert record in readme
