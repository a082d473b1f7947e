"""BagIt profiles: our own, checked on every bag that names it; any other from a local file."""
from __future__ import annotations

import json

from archiver.profile import ARCHIVER_PROFILE_ID, load_profile
from archiver.validate import validate_path
from bagbuild import build
from conftest import run


def test_our_bags_name_and_satisfy_our_profile(seeds_copy, tmp_path):
    bag = tmp_path / "bag"
    run("bag", seeds_copy, "-o", bag, "--quiet")
    assert f"BagIt-Profile-Identifier: {ARCHIVER_PROFILE_ID}" in (bag / "bag-info.txt").read_text()
    assert load_profile(None)["BagIt-Profile-Info"]["BagIt-Profile-Identifier"] == ARCHIVER_PROFILE_ID
    assert validate_path(bag).valid
    # Remove a file our profile requires, keeping the BagIt checksums consistent: only P-findings remain.
    from bagbuild import retag
    (bag / "tagmanifest-sha512.txt").unlink()
    (bag / "manifest-sha512.txt").unlink()
    retag(bag, algs=("sha256",))
    codes = {(f.code, f.path) for f in validate_path(bag).findings}
    assert ("P003", "manifest-sha512.txt") in codes and ("P005", "tagmanifest-sha512.txt") in codes


APTRUST_LIKE = {
    "BagIt-Profile-Info": {"BagIt-Profile-Identifier": "https://example.org/aptrust-like.json",
                           "Source-Organization": "test"},
    "Accept-BagIt-Version": ["0.97", "1.0"],
    "Manifests-Required": ["md5"],
    "Tag-Files-Required": ["aptrust-info.txt"],
    "Bag-Info": {"Source-Organization": {"required": True},
                 "Access": {"required": False, "values": ["Consortia", "Institution", "Restricted"]}},
    "Allow-Fetch.txt": False,
    "Serialization": "required",
    "Accept-Serialization": ["application/x-tar"],
}


def test_another_profile_from_a_file(tmp_path):
    profile = tmp_path / "aptrust.json"
    profile.write_text(json.dumps(APTRUST_LIKE))
    bag = build(tmp_path / "bag", {"a.txt": b"A"},
                bag_info="Bagging-Date: 2024-01-01\nPayload-Oxum: 1.1\nAccess: Everyone\n")
    (bag / "fetch.txt").write_text("")
    result = run("validate", bag, "--profile", profile, "--format", "json")
    assert result.exit_code == 1
    found = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"P003", "P007", "P008", "P010", "P011", "P012"} <= found


def test_profile_urls_are_never_fetched(tmp_path):
    bag = build(tmp_path / "bag", {"a.txt": b"A"})
    result = run("validate", bag, "--profile", "https://example.org/profile.json")
    assert result.exit_code == 2 and "offline" in result.stderr


def test_tag_files_outside_the_allowed_patterns_are_named(tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({
        "BagIt-Profile-Info": {"BagIt-Profile-Identifier": "https://example.org/tags.json"},
        "Tag-Files-Allowed": ["metadata/*.yaml", "notes/[ab].txt"]}))
    bag = build(tmp_path / "bag", {"a.txt": b"A"})
    for name in ("metadata/r.yaml", "metadata/r.yml", "notes/a.txt", "notes/c.txt", "extra.txt"):
        (bag / name).parent.mkdir(parents=True, exist_ok=True)
        (bag / name).write_text("x")
    result = run("validate", bag, "--profile", profile, "--format", "json")
    flagged = {f["path"] for f in json.loads(result.stdout)["findings"] if f["code"] == "P014"}
    # bagit.txt, bag-info.txt and the (tag)manifests are always allowed.
    assert flagged == {"metadata/r.yml", "notes/c.txt", "extra.txt"}
