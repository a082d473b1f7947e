"""On a bag of seeds/: every one-byte change and every deletion is caught and the file is named;
and tampering that keeps the BagIt checksums consistent is caught by archiver's own rules."""
from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from archiver.validate import validate_path
from bagbuild import retag


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    import os

    from archiver.bag import make_bag
    from conftest import SEEDS
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path_factory.mktemp("pristine") / "seeds"
    make_bag(SEEDS, out)
    assert validate_path(out).valid
    return out


def all_files(bag):
    return sorted(p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file())


def names(report, rel):
    return [f for f in report.findings if f.severity == "error" and (f.path == rel or rel in f.message)]


def test_flipping_one_byte_of_any_file_is_caught_and_named(pristine, tmp_path):
    for rel in all_files(pristine):
        bag = tmp_path / "b"
        shutil.rmtree(bag, ignore_errors=True)
        shutil.copytree(pristine, bag)
        target = bag / rel
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))
        report = validate_path(bag)
        assert not report.valid, rel
        assert names(report, rel), (rel, [str(f) for f in report.findings])


def test_deleting_any_file_is_caught_and_named(pristine, tmp_path):
    for rel in all_files(pristine):
        bag = tmp_path / "b"
        shutil.rmtree(bag, ignore_errors=True)
        shutil.copytree(pristine, bag)
        (bag / rel).unlink()
        report = validate_path(bag)
        assert not report.valid, rel
        assert names(report, rel), (rel, [str(f) for f in report.findings])


@pytest.fixture
def bag(pristine, tmp_path):
    b = tmp_path / "seeds"
    shutil.copytree(pristine, b)
    return b


def test_record_hash_changed_and_tagmanifest_recomputed(bag):
    rec = bag / "metadata/provenance/002_925810d536abd4d2.txt.yaml"
    text = rec.read_text(encoding="utf-8")
    rec.write_text(re.sub(r'sha256: "[0-9a-f]{64}"', 'sha256: "' + "0" * 64 + '"', text, count=1), encoding="utf-8")
    retag(bag)
    report = validate_path(bag)
    assert not report.valid
    assert [f.code for f in report.findings] == ["A003"]
    assert report.findings[0].path == "metadata/provenance/002_925810d536abd4d2.txt.yaml"


def test_record_removed_and_tagmanifest_recomputed(bag):
    (bag / "metadata/provenance/000_a1b928136f395d30.txt.yaml").unlink()
    retag(bag)
    report = validate_path(bag)
    assert [(f.code, f.path) for f in report.findings] == [("A001", "data/000_a1b928136f395d30.txt")]


def test_extra_record_for_no_file(bag):
    shutil.copy(bag / "metadata/provenance/000_a1b928136f395d30.txt.yaml", bag / "metadata/provenance/ghost.txt.yaml")
    retag(bag)
    report = validate_path(bag)
    assert ("A002", "metadata/provenance/ghost.txt.yaml") in [(f.code, f.path) for f in report.findings]


def test_dublin_core_entries_removed(bag):
    xml = bag / "metadata/dublin-core.xml"
    text = xml.read_text(encoding="utf-8")
    text = re.sub(r'  <idx:record path="data/003_1c081c8094588ba1.txt">.*?</idx:record>\n', "", text, flags=re.S)
    xml.write_text(text, encoding="utf-8")
    csv_path = bag / "metadata/dublin-core.csv"
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([r for r in rows if r[0] != "data/004_b448aa7393fc9747.txt"])
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    retag(bag)
    report = validate_path(bag)
    found = [(f.code, f.path) for f in report.findings]
    assert ("A006", "data/003_1c081c8094588ba1.txt") in found
    assert ("A006", "data/004_b448aa7393fc9747.txt") in found
    assert all(code == "A006" for code, _ in found)


def test_a_plain_bag_from_another_tool_gets_no_archiver_findings(tmp_path):
    from bagbuild import build
    bag = build(tmp_path / "plain", {"a.txt": b"A"})
    assert validate_path(bag).findings == []


def test_fast_mode_checks_presence_of_records_without_reading_them(bag):
    rec = bag / "metadata/provenance/002_925810d536abd4d2.txt.yaml"
    rec.write_text(rec.read_text(encoding="utf-8").replace("bytes: 2017", "bytes: 9999"), encoding="utf-8")
    (bag / "metadata/provenance/000_a1b928136f395d30.txt.yaml").unlink()
    retag(bag)
    fast = validate_path(bag, fast=True)
    assert [(f.code, f.path) for f in fast.findings] == [("A001", "data/000_a1b928136f395d30.txt")]
    full = {(f.code, f.path) for f in validate_path(bag).findings}
    assert ("A003", "metadata/provenance/002_925810d536abd4d2.txt.yaml") in full


def test_a_billion_laughs_dublin_core_index_is_a_finding_not_a_hang(bag):
    laughs = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    (bag / "metadata/dublin-core.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE idx [{"".join(laughs)}]>\n'
        '<idx:index xmlns:idx="urn:x-archiver:dc-index:1">&l9;</idx:index>\n', encoding="utf-8")
    retag(bag)
    report = validate_path(bag)
    assert ("A008", "metadata/dublin-core.xml") in [(f.code, f.path) for f in report.findings]


def test_a_record_with_bytes_as_a_quoted_string_is_accepted(bag):
    rec = bag / "metadata/provenance/002_925810d536abd4d2.txt.yaml"
    rec.write_text(rec.read_text(encoding="utf-8").replace("bytes: 2017", 'bytes: "2017"'), encoding="utf-8")
    retag(bag)
    assert validate_path(bag).findings == []
    rec.write_text(rec.read_text(encoding="utf-8").replace('bytes: "2017"', 'bytes: "2018"'), encoding="utf-8")
    retag(bag)
    assert [(f.code, f.path) for f in validate_path(bag).findings] == [
        ("A003", "metadata/provenance/002_925810d536abd4d2.txt.yaml")]


def _index_faults(bag):
    """A006 (a file missing from the XML), A009 (listed twice), A007 (a name that is no payload file)
    and a CSV row for a file that is not there."""
    xml = bag / "metadata/dublin-core.xml"
    text = xml.read_text(encoding="utf-8")
    text = re.sub(r'  <idx:record path="data/003_1c081c8094588ba1.txt">.*?</idx:record>\n', "", text, flags=re.S)
    dup = re.search(r'  <idx:record path="data/004_b448aa7393fc9747.txt">.*?</idx:record>\n', text, flags=re.S)
    text = text.replace("</idx:index>", dup.group(0) + dup.group(0).replace("004_b448", "zzz_b448") + "</idx:index>")
    xml.write_text(text, encoding="utf-8")
    csv_path = bag / "metadata/dublin-core.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8") + "data/nowhere.txt,T,,,,,,,\r\n", encoding="utf-8")
    retag(bag)


@pytest.mark.parametrize("child", ["works", "fails"])
def test_indexes_checked_in_a_child_process_give_the_same_findings(bag, monkeypatch, child):
    """Large indexes are checked in a forked process while the payload is hashed; forced here on a small
    bag, the findings must be those of checking them in this process, also when the child dies."""
    from archiver.validate import archiver_rules
    _index_faults(bag)

    def findings(threshold: int):
        monkeypatch.setattr(archiver_rules, "FORK_INDEX_BYTES", threshold)
        return [(f.code, f.path, f.message) for f in validate_path(bag, jobs=2).findings]

    inline = findings(1 << 40)
    assert {"A006", "A007", "A009"} <= {code for code, _, _ in inline}
    if child == "fails":
        def dies(self, send):
            import os
            os._exit(3)
        monkeypatch.setattr(archiver_rules.IndexCheck, "_run", dies)
    started = []
    real_init = archiver_rules.IndexCheck.__init__
    monkeypatch.setattr(archiver_rules.IndexCheck, "__init__",
                        lambda self, state: (started.append(1), real_init(self, state))[1])
    assert findings(0) == inline
    assert started


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A bag of 200 files: enough for the hashing to run in forked workers (more than one chunk)."""
    from archiver.bag import make_bag
    src = tmp_path_factory.mktemp("many-src")
    for i in range(200):
        (src / f"story-{i:03d}.txt").write_text(f"Headline {i}\n\nIslam Times - Body {i}.\n")
    out = tmp_path_factory.mktemp("many") / "bag"
    make_bag(src, out)
    return out


@pytest.mark.parametrize("source", ["pristine", "many"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_findings_are_the_same_where_workers_cannot_share_the_bags_state(source, request, tmp_path, monkeypatch,
                                                                         jobs):
    """Forked hashing workers compare digests and check records themselves; without fork, every
    digest comes back and is compared in this process. Both give the same findings."""
    import multiprocessing
    bag = tmp_path / "b"
    shutil.copytree(request.getfixturevalue(source), bag)
    payload = sorted((bag / "data").iterdir())
    payload[0].write_bytes(payload[0].read_bytes() + b"x")                      # B015 (and Payload-Oxum)
    record = bag / "metadata" / "provenance" / f"{payload[1].name}.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r'sha256: "[0-9a-f]{64}"', 'sha256: "' + "0" * 64 + '"', text, count=1),
                      encoding="utf-8")                                          # A003 once retagged
    retag(bag)
    (bag / "metadata" / "provenance" / f"{payload[2].name}.yaml").write_text("not: [yaml", encoding="utf-8")
    shared = sorted((f.code, f.path, f.message) for f in validate_path(bag, jobs=jobs).findings)
    assert {"B015", "A003", "A004"} <= {code for code, _, _ in shared}
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    alone = sorted((f.code, f.path, f.message) for f in validate_path(bag, jobs=jobs).findings)
    assert alone == shared
