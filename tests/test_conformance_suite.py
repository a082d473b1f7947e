"""The Library of Congress BagIt conformance suite: every case gets the verdict its folder names."""
from __future__ import annotations

import pytest

from archiver.validate import validate_path
from conftest import SHARED

SUITE = SHARED / "bagit-conformance-suite"
BROKEN = {
    "special-system-files": "its .DS_Store was never committed to the suite's repository",
    "duplicate-file-with-different-case": "needs a case-insensitive file system",
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
    elif kind == "warning":
        if case.name in BROKEN:
            pytest.skip(BROKEN[case.name])
        assert report.valid, shown
        assert any(f.severity == "warning" for f in report.findings), shown
    else:
        pytest.fail(f"unknown case kind {kind}")
