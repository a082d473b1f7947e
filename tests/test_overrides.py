"""Curators' overrides: asserted values kept apart from extracted ones, and every error named."""
from __future__ import annotations

import hashlib

import pytest
import yaml

from conftest import run


def write_overrides(path, entries):
    path.write_text(yaml.safe_dump({"overrides": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_asserted_value_keeps_the_extracted_one_beside_it(seeds_copy, tmp_path):
    name = "002_925810d536abd4d2.txt"
    sha = hashlib.sha256((seeds_copy / name).read_bytes()).hexdigest()
    ov = write_overrides(tmp_path / "ov.yaml", [{
        "path": name, "sha256": sha, "by": "J. Curator", "note": "Checked against the print edition",
        "fields": {"outlet": "Islam Times Print", "byline": "Staff Writer"}}])
    out = tmp_path / "bag"
    result = run("bag", seeds_copy, "-o", out, "--quiet", "--overrides", ov)
    assert result.exit_code == 0, result.stderr
    rec = yaml.safe_load((out / "metadata/provenance" / f"{name}.yaml").read_bytes())
    outlet = rec["fields"]["outlet"]
    assert outlet["status"] == "asserted" and outlet["value"] == "Islam Times Print"
    assert outlet["by"] == "J. Curator" and outlet["note"] == "Checked against the print edition"
    assert outlet["extracted"]["value"] == "Islam Times" and outlet["extracted"]["status"] == "extracted"
    assert outlet["extracted"]["evidence"]
    byline = rec["fields"]["byline"]
    assert byline["value"] == "Staff Writer" and byline["extracted"]["status"] == "unknown"
    assert rec["fields"]["title"]["status"] == "extracted"
    assert "<dc:publisher>Islam Times Print</dc:publisher>" in (out / "metadata/dublin-core.xml").read_text()
    # The same overrides give the same records from `archiver manifest`.
    assert run("manifest", seeds_copy, "-o", tmp_path / "rec", "--overrides", ov).exit_code == 0
    assert ((tmp_path / "rec" / f"{name}.yaml").read_bytes()
            == (out / "metadata/provenance" / f"{name}.yaml").read_bytes())


@pytest.mark.parametrize("entry, message", [
    ({"path": "nope.txt", "by": "x", "fields": {"title": "T"}}, "'nope.txt': no such file in the corpus"),
    ({"path": "002_925810d536abd4d2.txt", "by": "x", "fields": {"headline": "T"}}, "no such field 'headline'"),
    ({"path": "002_925810d536abd4d2.txt", "fields": {"title": "T"}}, "'by' (who asserts it) is required"),
    ({"path": "002_925810d536abd4d2.txt", "by": "x", "fields": {"published": "last week"}}, "ISO 8601"),
    ({"path": "002_925810d536abd4d2.txt", "by": "x", "sha256": "0" * 64, "fields": {"title": "T"}},
     "the file's sha256 is now"),
])
def test_bad_overrides_exit_2_naming_the_entry_and_write_nothing(seeds_copy, tmp_path, entry, message):
    ov = write_overrides(tmp_path / "ov.yaml", [entry])
    for command in (["bag", seeds_copy, "-o", tmp_path / "bag"],
                    ["manifest", seeds_copy, "-o", tmp_path / "records"]):
        result = run(*command, "--overrides", ov)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert str(ov) in result.stderr or entry["path"] in result.stderr
    assert not (tmp_path / "bag").exists() and not (tmp_path / "records").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ov.yaml", "seeds"]


def test_unparseable_overrides_file(seeds_copy, tmp_path):
    ov = tmp_path / "ov.yaml"
    ov.write_text("overrides: [unclosed\n")
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--overrides", ov)
    assert result.exit_code == 2 and "not valid YAML" in result.stderr and str(ov) in result.stderr
