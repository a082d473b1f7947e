"""The Library of Congress BagIt conformance suite: every case gets the verdict its folder names."""
from __future__ import annotations

import pytest

from archiver.validate import CODES, validate_path
from conftest import SHARED

SUITE = SHARED / "bagit-conformance-suite"
BROKEN = {
    "special-system-files": "its .DS_Store was never committed to the suite's repository",
    "duplicate-file-with-different-case": "needs a case-insensitive file system",
}
# Why each invalid case is invalid, as its own files show, and the codes that must say so (checked by
# reading each case; other codes may come too, e.g. B029 for md5-only bags, B016 when a payload edit
# also changed Payload-Oxum).
EXPECTED = {
    # bagit.txt has no Tag-File-Character-Encoding line (the name says baginfo; the file is bagit.txt)
    "v0.97/invalid/baginfo-missing-encoding": {"B002"},
    "v0.97/invalid/bom-in-bagit.txt": {"B031"},
    "v0.97/invalid/corrupt-data-file": {"B015"},            # data/bare-filename differs from its md5
    "v0.97/invalid/corrupt-tag-file": {"B015"},             # every tagmanifest digest starts 'deadbeef'
    "v0.97/invalid/extra-file-in-bag": {"B014"},            # data/bar is in no manifest
    "v0.97/invalid/invalid-version-number": {"B003"},       # 'BagIt-Version: .97'
    "v0.97/invalid/missing-baginfo": {"B013"},              # the tagmanifest lists an absent bag-info.txt
    "v0.97/invalid/missing-bagit.txt": {"B001"},
    "v0.97/invalid/out-of-scope-file-paths-using-dot-notation": {"B008"},             # ../../../README.md
    "v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch": {"B024"},   # in fetch.txt
    # data/README listed twice (a warning before 1.0); the 'deadbeef…' digest does not match
    "v0.97/invalid/same-filename-listed-twice-with-different-hashes": {"B012", "B015"},
    "v0.97/linux-only/out-of-scope-file-paths-using-absolute-path": {"B008"},         # /tmp/foo
    "v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch": {"B024"},
    "v0.97/linux-only/out-of-scope-file-paths-using-shortcut": {"B008"},              # ~/foo
    "v0.97/linux-only/out-of-scope-file-paths-using-shortcut-for-fetch": {"B024"},
    "v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username": {"B008"},     # ~root/foo
    "v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch": {"B024"},
    "v1.0/invalid/bagit-with-invalid-whitespace": {"B002"},  # 'BagIt-Version : 1.0' (space before colon)
    "v1.0/invalid/notAllManifestsListAllFiles": {"B014"},    # data/missingFromManifest.txt
    # The suite's bagit.txt reads 'BagIt-Version: 1.0 ' (a trailing space), so the version is not known
    # (B003) and the duplicate is reported as before 1.0 (B012); the 'deadbeef…' digest fails (B015).
    "v1.0/invalid/same-filename-listed-twice-with-different-hashes": {"B003", "B012", "B015"},
    # data/README listed twice in manifest-sha256.txt (its tagmanifest's bagit.txt digest is stale too)
    "v1.0/invalid/same-filename-listed-twice-with-the-same-hash": {"B011"},
}
CASES = sorted(p for p in SUITE.glob("v*/*/*") if p.is_dir()) if SUITE.is_dir() else []

pytestmark = pytest.mark.skipif(not CASES, reason=f"conformance suite not found at {SUITE}")


@pytest.mark.parametrize("case", CASES, ids=lambda p: str(p.relative_to(SUITE)))
def test_conformance_case(case):
    kind = case.parent.name
    report = validate_path(case)
    shown = [str(f) for f in report.findings]
    if kind == "windows-only":
        print(f"{case.relative_to(SUITE)}: {'valid' if report.valid else 'invalid'} {shown}")
        return
    if kind == "valid":
        assert report.valid, shown
    elif kind in ("invalid", "linux-only"):
        assert not report.valid, shown
        name = case.relative_to(SUITE).as_posix()
        assert name in EXPECTED, f"add the codes expected of {name} to EXPECTED"
        missing = EXPECTED[name] - {f.code for f in report.findings}
        assert not missing, (sorted(missing), shown)
    elif kind == "warning":
        if case.name in BROKEN:
            pytest.skip(BROKEN[case.name])
        assert report.valid, shown
        assert any(f.severity == "warning" for f in report.findings), shown
    else:
        pytest.fail(f"unknown case kind {kind}")


def test_expected_codes_name_cases_of_the_suite():
    cases = {p.relative_to(SUITE).as_posix() for p in CASES}
    assert not set(EXPECTED) - cases, sorted(set(EXPECTED) - cases)
    assert all(code in CODES for codes in EXPECTED.values() for code in codes)
