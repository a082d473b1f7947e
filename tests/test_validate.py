"""archiver validate: verdicts, exit codes, coded findings, and the checks stricter than bagit-python."""
from __future__ import annotations

import json
import unicodedata

import bagit
import pytest

from archiver.validate import validate_path
from bagbuild import build, digest, retag
from conftest import REPO, run


def codes(report, path=None):
    return {f.code for f in report.findings if path is None or f.path == path}


def test_bag_of_seeds_is_valid_text_and_json(seeds_bag):
    result = run("validate", seeds_bag)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith(f"VALID: {seeds_bag}: 0 errors, 0 warnings; 5 payload files")
    doc = json.loads(run("validate", seeds_bag, "--format", "json").stdout)
    assert doc["valid"] is True and doc["findings"] == []
    assert doc["summary"]["payload_files"] == 5 and doc["summary"]["errors"] == 0
    assert run("validate", seeds_bag, "--fast").exit_code == 0


def test_exit_codes_for_what_cannot_be_validated(tmp_path):
    assert run("validate", tmp_path / "nope").exit_code == 2
    rar = tmp_path / "bag.rar"
    rar.write_bytes(b"Rar!\x1a\x07\x00")
    result = run("validate", rar)
    assert result.exit_code == 2 and "bag.rar" in result.stderr
    (tmp_path / "not-a-bag").mkdir()
    result = run("validate", tmp_path / "not-a-bag")
    assert result.exit_code == 1 and "B001 bagit.txt" in result.stdout


def test_every_problem_is_named_even_when_payload_oxum_fails(seeds_bag):
    target = seeds_bag / "data" / "002_925810d536abd4d2.txt"
    target.write_bytes(target.read_bytes() + b"tampered")
    doc = json.loads(run("validate", seeds_bag, "--format", "json").stdout)
    assert doc["valid"] is False
    found = {(f["code"], f["path"]) for f in doc["findings"]}
    assert ("B016", "bag-info.txt") in found                          # Payload-Oxum
    assert ("B015", "data/002_925810d536abd4d2.txt") in found          # and the file itself
    assert ("A003", "metadata/provenance/002_925810d536abd4d2.txt.yaml") in found
    # bagit-python stops at Payload-Oxum without naming the file.
    with pytest.raises(bagit.BagValidationError) as exc:
        bagit.Bag(str(seeds_bag)).validate()
    assert "002_925810d536abd4d2" not in str(exc.value)
    # --fast finds the size change without hashing.
    fast = json.loads(run("validate", seeds_bag, "--fast", "--format", "json").stdout)
    assert {f["code"] for f in fast["findings"]} >= {"B016"} and "B015" not in {f["code"] for f in fast["findings"]}


def test_path_outside_the_bag_by_components_not_prefix(tmp_path):
    bag = tmp_path / "mybag"
    evil = tmp_path / "mybag-evil"
    evil.mkdir()
    (evil / "x").write_bytes(b"secret")
    build(bag, {"a.txt": b"A"}, extra_lines={"sha256": [f"{digest('sha256', b'secret')}  data/../../mybag-evil/x"]})
    report = validate_path(bag)
    assert not report.valid and "B008" in codes(report, "manifest-sha256.txt")
    # bagit-python's string-prefix test does not see it as outside the bag.
    bagit_errors = []
    try:
        bagit.Bag(str(bag)).validate()
    except bagit.BagError as exc:
        bagit_errors.append(str(exc))
    assert not any("outside" in e.lower() or "unsafe" in e.lower() for e in bagit_errors)


@pytest.mark.parametrize("name", ["/etc/passwd", "~/x", "~root/x", "C:/x", "C:\\x", "data/a/../../x",
                                  "data//x", "\\\\server\\share\\x"])
def test_absolute_home_drive_and_dotdot_paths_are_errors(tmp_path, name):
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, extra_lines={"sha256": [f"{'0' * 64}  {name}"]})
    report = validate_path(bag)
    assert not report.valid
    assert "B008" in codes(report, "manifest-sha256.txt") or "B009" in codes(report, "manifest-sha256.txt")


def test_a_file_missing_from_one_of_two_manifests(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A", "b.txt": b"B"}, skip={"sha512": {"b.txt"}})
    report = validate_path(bag)
    assert not report.valid
    assert any(f.code == "B014" and f.path == "data/b.txt" and "manifest-sha512.txt" in f.message
               for f in report.findings)
    bagit.Bag(str(bag)).validate()  # bagit-python 1.9.0 passes it


def test_percent_encoded_names_are_decoded_exactly(tmp_path):
    good = build(tmp_path / "good", {"%0A.txt": b"literal", "50%.txt": b"half"})
    assert "data/%250A.txt" in (good / "manifest-sha256.txt").read_text()
    assert validate_path(good).valid
    bad = build(tmp_path / "bad", {"%0A.txt": b"literal"}, manifest_names={"%0A.txt": "data/%0A.txt"})
    report = validate_path(bad)
    assert not report.valid
    assert "B013" in codes(report, "data/\n.txt") and "B014" in codes(report, "data/%0A.txt")


def test_bagit_txt_must_be_exactly_name_colon_value(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A"},
                bagit_txt=b"BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n")
    report = validate_path(bag)
    assert not report.valid and "B002" in codes(report, "bagit.txt")
    bagit.Bag(str(bag)).validate()  # bagit-python strips the space and passes it


@pytest.mark.parametrize("disk_form, listed_form", [("NFC", "NFD"), ("NFD", "NFC")])
def test_nfc_and_nfd_names_match_in_both_directions_with_a_warning(tmp_path, disk_form, listed_form):
    name = "Nu\u0301n\u0303ez.txt"
    disk = unicodedata.normalize(disk_form, name)
    listed = "data/" + unicodedata.normalize(listed_form, name)
    bag = build(tmp_path / "bag", {disk: b"N"}, manifest_names={disk: listed})
    report = validate_path(bag)
    assert report.valid, [str(f) for f in report.findings]
    assert "B020" in codes(report, "data/" + disk)


def test_a_symlink_anywhere_in_a_bag_is_an_error_and_never_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside the bag")
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, tag=False)
    (bag / "data" / "link.txt").symlink_to(outside)
    (bag / "metadata").mkdir()
    (bag / "metadata" / "taglink").symlink_to(outside)
    for alg in ("sha256", "sha512"):
        with open(bag / f"manifest-{alg}.txt", "a") as fh:
            fh.write(f"{digest(alg, b'outside the bag')}  data/link.txt\n")
    retag(bag)
    report = validate_path(bag)
    assert not report.valid
    assert "B021" in codes(report, "data/link.txt") and "B021" in codes(report, "metadata/taglink")
    assert "B015" not in codes(report)  # the link's target was never read as if it were the file


@pytest.mark.parametrize("version, valid, code", [("1.0", False, "B011"), ("0.97", True, "B012")])
def test_the_same_path_twice_in_one_manifest(tmp_path, version, valid, code):
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, version=version,
                extra_lines={"sha256": [f"{digest('sha256', b'A')}  data/a.txt"]})
    report = validate_path(bag)
    assert report.valid is valid and code in codes(report, "data/a.txt")


def test_bad_checksum_format_and_unknown_algorithm(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, extra_lines={"sha256": ["abc  data/a.txt"]})
    (bag / "manifest-whirlpool.txt").write_text("00  data/a.txt\n")
    report = validate_path(bag)
    assert "B010" in codes(report, "manifest-sha256.txt") and "B019" in codes(report, "manifest-whirlpool.txt")


def test_docs_validation_md_is_generated_from_the_table():
    from archiver.validate.docs import render
    assert (REPO / "docs" / "validation.md").read_text(encoding="utf-8") == render(), \
        "run: python -m archiver.validate.docs > docs/validation.md"


def test_docs_rfc8493_md_is_generated_from_the_table():
    from archiver.validate.docs import render_rfc8493
    assert (REPO / "docs" / "rfc8493.md").read_text(encoding="utf-8") == render_rfc8493(), \
        "run: python -m archiver.validate.docs rfc8493 > docs/rfc8493.md"


def test_rfc8493_requirements_cite_known_codes_and_say_why_when_none():
    from archiver.validate.findings import CODES, RFC8493
    for section, level, requirement, found, note in RFC8493:
        assert section.startswith("§") and level in {"MUST", "MUST NOT", "SHOULD", "RECOMMENDED"}, requirement
        assert set(found) <= set(CODES), (requirement, sorted(set(found) - set(CODES)))
        assert found or note, f"{requirement}: no code, so the note must say why it is not checked"
    for code, (_, rule, _) in CODES.items():   # a B code cites the RFC; the dropped serialization section is not cited
        assert not code.startswith("B") or "RFC 8493 §" in rule, code
        assert "§4.2" not in rule, (code, "RFC 8493 §4 is examples; serialization was dropped after draft 14")


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

TAG_NAMES = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "fetch.txt",
             "manifest-md5.txt", "metadata/dublin-core.xml", "metadata/provenance/a.txt.yaml"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(TAG_NAMES), st.binary(max_size=300), min_size=1))
def test_validate_never_crashes_on_garbage_tag_files(tmp_path_factory, files):
    bag = build(tmp_path_factory.mktemp("fuzz") / "bag", {"a.txt": b"A"})
    for name, data in files.items():
        (bag / name).parent.mkdir(parents=True, exist_ok=True)
        (bag / name).write_bytes(data)
    report = validate_path(bag)   # must answer with findings, never raise
    assert isinstance(report.valid, bool)
    json.loads(report.to_json())


def test_a_backslash_anywhere_in_a_manifest_path_is_an_error(tmp_path):
    # On POSIX `data\..\..\x` is one odd file name; on Windows it leaves the bag. Either way: an error.
    payload = {"a\\b.txt": b"A"}
    bag = build(tmp_path / "bag", payload)
    report = validate_path(bag)
    assert not report.valid
    assert any(f.code == "B008" and "backslash" in f.message for f in report.findings)
    bagit.Bag(str(bag)).validate()  # bagit-python 1.9.0 passes it
    evil = build(tmp_path / "evil", {"x.txt": b"X"}, extra_lines={"sha256": [f"{'0' * 64}  data\\..\\..\\x"]})
    assert any(f.code == "B008" and f.path == "manifest-sha256.txt" for f in validate_path(evil).findings)


@pytest.mark.parametrize("size, warned", [("22.7 KB", False), ("512.0 bytes", False), ("260 GB", False),
                                          ("1,024 MiB", False), ("huge", True), ("12 parsecs", True)])
def test_bag_size_is_checked_for_its_form_only(tmp_path, size, warned):
    bag = build(tmp_path / "bag", {"a.txt": b"A"},
                bag_info=f"Bagging-Date: 2024-01-01\nPayload-Oxum: 1.1\nBag-Size: {size}\n")
    report = validate_path(bag)
    assert report.valid
    assert ("B032" in codes(report, "bag-info.txt")) is warned


def test_a_byte_order_mark_in_bagit_txt_is_an_error(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A"},
                bagit_txt=b"\xef\xbb\xbfBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    report = validate_path(bag)
    assert not report.valid and "B031" in codes(report, "bagit.txt")


def test_files_in_fetch_txt_not_present_are_an_error_and_an_unsafe_fetch_path_too(tmp_path):
    # A bag with unfetched files is not complete, hence not valid (RFC 8493 §3); archiver never fetches.
    bag = build(tmp_path / "bag", {"a.txt": b"A"}, extra_lines={"sha256": [f"{digest('sha256', b'B')}  data/b.txt"]})
    (bag / "fetch.txt").write_text("https://example.org/b.txt 1 data/b.txt\n")
    report = validate_path(bag)
    assert not report.valid and codes(report) == {"B023"} and "B023" in codes(report, "data/b.txt")
    (bag / "fetch.txt").write_text("https://example.org/b.txt 1 ../b.txt\n")
    assert "B024" in codes(validate_path(bag), "fetch.txt")


def test_bag_info_continuation_lines_are_allowed(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A"},
                bag_info="Payload-Oxum: 1.1\nExternal-Description: a long\n  description, continued\n")
    report = validate_path(bag)
    assert report.valid and not codes(report, "bag-info.txt")
    bad = build(tmp_path / "bad", {"a.txt": b"A"}, bag_info="Payload-Oxum: 1.1\nno colon here\n")
    assert "B017" in codes(validate_path(bad), "bag-info.txt")


def test_fast_mode_finds_structure_and_oxum_without_hashing(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A", "b.txt": b"B"})
    (bag / "data" / "a.txt").write_bytes(b"Z")          # same size, other bytes: only hashing sees it
    assert validate_path(bag, fast=True).valid
    assert "B015" in codes(validate_path(bag), "data/a.txt")
    (bag / "data" / "b.txt").write_bytes(b"BB")         # size changes: Payload-Oxum sees it without hashing
    (bag / "data" / "c.txt").write_bytes(b"C")          # an unlisted file
    fast = validate_path(bag, fast=True)
    assert fast.summary["checked"] == "fast"
    assert {"B016"} <= codes(fast, "bag-info.txt") and "B014" in codes(fast, "data/c.txt")
    assert "B015" not in codes(fast)


# Manifest lines of every kind the reader must treat alike whichever way it reads them.
_D256A, _D256B = digest("sha256", b"A"), digest("sha256", b"B")
MANIFEST_LINES = [
    f"{_D256A}  data/a.txt", f"{_D256B}  data/a.txt", f"{_D256A.upper()}  data/a.txt", f"{_D256A}\tdata/b c.txt",
    f"{_D256A}  data/b c.txt", f"{_D256A} *data/a.txt", f"{_D256A}  ./data/a.txt", f"{_D256A}  data/../a.txt",
    f"{_D256A}  data/caf\u00e9.txt", f"{_D256A}  data/cafe\u0301.txt", f"{_D256A}  data/missing.txt",
    f"{_D256A}  data/%0Anl.txt", f"{_D256A}  data/a%25.txt", f"{_D256A}  a.txt", f"{_D256A}  bagit.txt",
    f"{_D256A}  c:/data/a.txt", f"{_D256A}  data\\a.txt", f"{_D256A}  /etc/passwd", f"{_D256A}  ~/x",
    f"{_D256A[:-1]}  data/a.txt", f"{_D256A}0  data/a.txt", f"{_D256A}  ", f"{_D256A}", "", "   ", "garbage",
    f"{_D256A}  data/.hidden", f"{_D256A}  data/a.txt ", f"{_D256B}  data/d/e.txt",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(MANIFEST_LINES), max_size=14),
       st.lists(st.sampled_from(["\n", "\r\n", "\r", "\x85", "\u2028", "\x0c"]), min_size=14, max_size=14),
       st.booleans(), st.booleans(), st.sampled_from([1, 2, 3, 7, 64, 1 << 20]))
def test_manifest_reading_is_the_same_by_the_fast_path_and_in_blocks(tmp_path_factory, lines, breaks, bom,
                                                                     final_break, block):
    """The fast path and block-wise decoding are optimisations: for any manifest they must give the
    findings, entries and hashing plan of the general line-by-line path reading the file whole."""
    import re

    from archiver.validate import bagit_rules
    bag = build(tmp_path_factory.mktemp("m") / "bag",
                {"a.txt": b"A", "b c.txt": b"A", "caf\u00e9.txt": b"A", ".hidden": b"A", "d/e.txt": b"B"})
    text = "".join(line + brk for line, brk in zip(lines, breaks, strict=False))  # breaks is the longer
    if lines and not final_break:
        text = text[: -len(breaks[len(lines) - 1])]
    (bag / "manifest-sha256.txt").write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))

    def read(fast: bool, block_size: int):
        state = bagit_rules.BagState(bag)
        bagit_rules.walk(state)
        saved = bagit_rules._fast_line, bagit_rules.MANIFEST_BLOCK
        try:
            if not fast:
                bagit_rules._fast_line = lambda length: re.compile(r"(?!)")
            bagit_rules.MANIFEST_BLOCK = block_size
            entries = bagit_rules.read_manifest(state, "manifest-sha256.txt", "sha256", payload=True)
        finally:
            bagit_rules._fast_line, bagit_rules.MANIFEST_BLOCK = saved
        return entries, [(f.code, f.path, f.message) for f in state.findings], state.plan

    assert read(True, block) == read(False, 1 << 30)


def test_fast_validation_reports_the_structural_findings_of_a_full_one(tmp_path):
    """--fast reads every manifest as a full validation does (in this process: reading them in forked
    workers did not pay); on a bag with every kind of manifest problem, its findings are the
    structural findings of a full validation."""
    bag = build(tmp_path / "bag", {"a.txt": b"A", "b.txt": b"B", "caf\u00e9.txt": b"C"},
                extra_lines={"sha256": [f"{_D256A}  data/missing.txt", f"{_D256A}  ../x", "garbage",
                                        f"{_D256A}  data/a.txt"]})
    (bag / "data" / "unlisted.txt").write_bytes(b"U")
    (bag / "tagmanifest-sha256.txt").write_text(
        (bag / "tagmanifest-sha256.txt").read_text() + f"{_D256A}  gone.txt\n{_D256A}  data/a.txt\n")

    def findings(fast: bool):
        report = validate_path(bag, fast=fast)
        return [(f.code, f.path, f.message) for f in report.findings]

    fast = findings(True)
    assert {"B013", "B014", "B008", "B007", "B011", "B030"} <= {code for code, _, _ in fast}
    full = [f for f in findings(False) if f[0] not in ("B015",)]
    assert [f for f in fast if f[0] not in ("A001", "A005")] == \
        [f for f in full if f[0] not in ("A001", "A005", "A003", "A004", "A006", "A007", "A008")]


def test_records_that_need_yaml_to_be_read(tmp_path):
    """A record whose path holds characters YAML escapes is read (and found right) through PyYAML; a
    record that is not YAML at all is A004, with what is wrong, not a crash."""
    src = tmp_path / "src"
    src.mkdir()
    (src / 'a "quoted" name.txt').write_text("Headline\n\nBody.\n")
    (src / "plain.txt").write_text("Other headline\n\nBody.\n")
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    record = bag / "metadata" / "provenance" / 'a "quoted" name.txt.yaml'
    assert '\\"' in record.read_text(encoding="utf-8")          # the path is an escaped YAML scalar
    assert validate_path(bag).valid
    bad = bag / "metadata" / "provenance" / "plain.txt.yaml"
    bad.write_text('record: "archiver/provenance/1"\nsource: [unclosed\n', encoding="utf-8")
    retag(bag)
    report = validate_path(bag)
    [a004] = [f for f in report.findings if f.code == "A004"]
    assert a004.path == "metadata/provenance/plain.txt.yaml" and a004.message
