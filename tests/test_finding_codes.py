"""A fixture per finding code: every code of the table has a minimal bag (or archive) that triggers it.

`CASES` maps each code of `archiver.validate.findings.CODES` to a builder. A builder takes
(tmp_path, monkeypatch) and returns the path to validate, or (path, options for validate_path).
B and P cases start from a hand-made two-file bag (tests/bagbuild.py); A cases from a two-file bag
made by `archiver bag`; S cases from small archives (tests/test_archives.py's helpers).
`test_every_code_has_a_case` fails when a code is added to the table without a case here.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import tarfile
import unicodedata
from pathlib import Path

import pytest
from test_archives import HOSTILE, _file, _tar
from test_validate_consistency import PAGE

from archiver.validate import CODES, WARNING, validate_path
from bagbuild import build, digest, retag
from conftest import run

PAYLOAD = {"a.txt": b"alpha\n", "b.txt": b"beta\n"}
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


# --- starting points ----------------------------------------------------------------------------------

def _bag(tmp_path: Path, **kwargs) -> Path:
    """A valid two-file bag built by hand (no archiver profile, so only BagIt rules apply)."""
    return build(tmp_path / "bag", dict(PAYLOAD), **kwargs)


_MADE: dict[str, Path] = {}


def _archiver_bag(tmp_path: Path) -> Path:
    """A copy of a valid two-file bag made by `archiver bag` (made once per session)."""
    if "bag" not in _MADE:
        home = tmp_path.parent / "finding-codes-pristine"
        if not (home / "bag").is_dir():
            src = home / "src"
            src.mkdir(parents=True)
            (src / "a.txt").write_text(PAGE, encoding="utf-8")
            (src / "b.txt").write_text("Another Headline Stands Here\n\nA body line of the second story, long "
                                       "enough to be read as prose by the extractor of archiver.\n", encoding="utf-8")
            assert run("bag", src, "-o", home / "bag", "--quiet").exit_code == 0
            assert validate_path(home / "bag").valid
        _MADE["bag"] = home / "bag"
    bag = tmp_path / "bag"
    shutil.copytree(_MADE["bag"], bag, symlinks=True)
    return bag


def _edit(bag: Path, rel: str, old: str, new: str) -> Path:
    """Replace `old` by `new` once in the tag file `rel` and recompute the tag manifests, as a careful
    tamperer would, so that the finding shown is the code's own and not a tag checksum."""
    p = bag / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    retag(bag)
    return bag


def _line(alg: str, name: str, data: bytes = b"x") -> str:
    return f"{digest(alg, data)}  {name}"


def _extra(name_for, algs=("sha256", "sha512")) -> dict:
    return {alg: [name_for(alg)] for alg in algs}


def _with_profile(tmp_path: Path, bag: Path, profile: dict):
    path = tmp_path / "profile.json"
    base = {"BagIt-Profile-Info": {"BagIt-Profile-Identifier": "https://example.org/test-profile.json"}}
    path.write_text(json.dumps({**base, **profile}), encoding="utf-8")
    return bag, {"profile": path}


def _tar_of(bag: Path, dest: Path) -> Path:
    with tarfile.open(dest, "w") as tar:
        tar.add(bag, arcname=bag.name)
    return dest


def _fifo_after_walk(monkeypatch, bag: Path, rel: str) -> None:
    """Replace `rel` by a FIFO once the bag has been walked (the race open_regular guards against)."""
    from archiver.validate import bagit_rules
    walk = bagit_rules.walk

    def walk_then_swap(state):
        walk(state)
        (bag / rel).unlink()
        os.mkfifo(bag / rel)
    monkeypatch.setattr(bagit_rules, "walk", walk_then_swap)


# --- B: BagIt (RFC 8493) -------------------------------------------------------------------------------

def b001(tmp_path, mp):
    bag = _bag(tmp_path)
    (bag / "bagit.txt").unlink()
    return bag


def b005(tmp_path, mp):
    bag = build(tmp_path / "bag", {})
    shutil.rmtree(bag / "data")
    return bag


def b006(tmp_path, mp):
    bag = _bag(tmp_path)
    for p in bag.glob("manifest-*.txt"):
        p.unlink()
    retag(bag)
    return bag


def b015(tmp_path, mp):
    bag = _bag(tmp_path)
    (bag / "data" / "a.txt").write_bytes(b"ALPHA\n")        # same size: Payload-Oxum still agrees
    return bag


def b019(tmp_path, mp):
    bag = _bag(tmp_path)
    (bag / "manifest-foo.txt").write_text("abcdef  data/a.txt\nabcdef  data/b.txt\n")
    retag(bag)
    return bag


def b020(tmp_path, mp):
    name = "Nu\u0301n\u0303ez.txt"
    nfc = unicodedata.normalize("NFC", name)
    return build(tmp_path / "bag", {nfc: b"N"}, manifest_names={nfc: "data/" + unicodedata.normalize("NFD", name)})


def b021(tmp_path, mp):
    bag = _bag(tmp_path)
    os.symlink("a.txt", bag / "data" / "link.txt")
    return bag


def b022(tmp_path, mp):
    bag = _bag(tmp_path)
    os.mkfifo(bag / "data" / "pipe")
    return bag


def b023(tmp_path, mp):
    bag = _bag(tmp_path, extra_lines=_extra(lambda alg: _line(alg, "data/c.txt", b"gamma\n")))
    (bag / "fetch.txt").write_text("https://example.org/c.txt 6 data/c.txt\n")
    retag(bag)
    return bag


def b024(tmp_path, mp):
    bag = _bag(tmp_path)
    (bag / "fetch.txt").write_text("https://example.org/c.txt 6 ../c.txt\n")
    retag(bag)
    return bag


def b028(tmp_path, mp):
    # Any file of the bag is readable by root, who runs some test machines, so an unreadable file
    # cannot be made on disk: the manifest is instead replaced by a FIFO after the walk (a race),
    # which open_regular refuses to read.
    bag = _bag(tmp_path)
    _fifo_after_walk(mp, bag, "manifest-sha256.txt")
    return bag


def b029(tmp_path, mp):
    return _bag(tmp_path, algs=("md5",))


def b032(tmp_path, mp):
    return _bag(tmp_path, bag_info="Payload-Oxum: 11.2\nBag-Size: about a gigabyte\n")


def b025(tmp_path, mp):
    bag = _bag(tmp_path)
    with open(bag / "manifest-sha256.txt", "ab") as fh:
        fh.write(b"\xff\xfe not UTF-8  data/c.txt\n")
    retag(bag)
    return bag


def b030(tmp_path, mp):
    bag = _bag(tmp_path)
    with open(bag / "tagmanifest-sha256.txt", "a") as fh:
        fh.write(_line("sha256", "data/a.txt", PAYLOAD["a.txt"]) + "\n")
    return bag


def b035(tmp_path, mp):
    """A byte-order mark at the start of bag-info.txt and of a manifest: both reported, the bag invalid."""
    bag = _bag(tmp_path)
    for rel in ("bag-info.txt", "manifest-sha256.txt"):
        p = bag / rel
        p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    retag(bag)
    return bag


CASES = {
    "B001": b001,
    "B002": lambda t, mp: _bag(t, bagit_txt=b"BagIt-Version: 1.0\n"),
    "B003": lambda t, mp: _bag(t, bagit_txt=b"BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n"),
    "B004": lambda t, mp: _bag(t, bagit_txt=b"BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON-8\n"),
    "B005": b005,
    "B006": b006,
    "B007": lambda t, mp: _bag(t, extra_lines=_extra(lambda alg: "this line has no checksum")),
    "B008": lambda t, mp: _bag(t, extra_lines=_extra(lambda alg: _line(alg, "data/../../etc/passwd"))),
    "B009": lambda t, mp: _bag(t, extra_lines=_extra(lambda alg: _line(alg, "bagit.txt", BAGIT_TXT))),
    "B010": lambda t, mp: _bag(t, extra_lines=_extra(lambda alg: "abcdef  data/c.txt")),
    "B011": lambda t, mp: _bag(t, extra_lines=_extra(lambda alg: _line(alg, "data/a.txt", PAYLOAD["a.txt"]))),
    "B012": lambda t, mp: _bag(t, version="0.97",
                               extra_lines=_extra(lambda alg: _line(alg, "data/a.txt", PAYLOAD["a.txt"]))),
    "B013": lambda t, mp: _bag(t, extra_lines=_extra(lambda alg: _line(alg, "data/c.txt"))),
    "B014": lambda t, mp: _bag(t, skip={"sha256": {"b.txt"}}),
    "B015": b015,
    "B016": lambda t, mp: _bag(t, bag_info="Payload-Oxum: 999.2\n"),
    "B017": lambda t, mp: _bag(t, bag_info="Payload-Oxum: 11.2\nthis line has no label\n"),
    "B018": lambda t, mp: _bag(t, bag_info="Payload-Oxum: eleven bytes\n"),
    "B019": b019,
    "B020": b020,
    "B021": b021,
    "B022": b022,
    "B023": b023,
    "B024": b024,
    "B025": b025,
    "B026": lambda t, mp: _bag(t, manifest_names={"a.txt": "*data/a.txt"}),
    "B027": lambda t, mp: _bag(t, manifest_names={"a.txt": "./data/a.txt"}),
    "B028": b028,
    "B029": b029,
    "B030": b030,
    "B031": lambda t, mp: _bag(t, bagit_txt=b"\xef\xbb\xbf" + BAGIT_TXT),
    "B032": b032,
    "B033": lambda t, mp: _bag(t, bagit_txt=b"BagIt-Version: 1.0\nTag-File-Character-Encoding: base64\n"),
    "B034": lambda t, mp: _bag(t, bag_info="Payload-Oxum: 11.2\nPayload-Oxum: 11.2\n"),
    "B035": b035,
}


# --- A: archiver's own rules ---------------------------------------------------------------------------

REC = "metadata/provenance/a.txt.yaml"
CSV = "metadata/dublin-core.csv"


def a001(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    (bag / REC).unlink()
    retag(bag)
    return bag


def a002(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    shutil.copy(bag / REC, bag / "metadata/provenance/c.txt.yaml")
    retag(bag)
    return bag


def a004(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    (bag / REC).write_text("record: [unclosed\n", encoding="utf-8")
    retag(bag)
    return bag


def a005(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    (bag / "metadata/dublin-core.xml").unlink()
    retag(bag)
    return bag


def _csv_rows(bag: Path) -> list[str]:
    return (bag / CSV).read_text(encoding="utf-8").splitlines(keepends=True)


def a006(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    rows = _csv_rows(bag)
    (bag / CSV).write_text("".join(r for r in rows if not r.startswith("data/b.txt,")), encoding="utf-8")
    retag(bag)
    return bag


def a007(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    rows = _csv_rows(bag)
    (bag / CSV).write_text("".join(rows) + rows[-1].replace("data/b.txt,", "data/c.txt,", 1), encoding="utf-8")
    retag(bag)
    return bag


def a008(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    (bag / "metadata/dublin-core.xml").write_text("<metadata><unclosed>", encoding="utf-8")
    retag(bag)
    return bag


def a009(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    rows = _csv_rows(bag)
    (bag / CSV).write_text("".join(rows) + rows[-1], encoding="utf-8")
    retag(bag)
    return bag


def a010(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    head = (bag / REC).read_text(encoding="utf-8").split("fields:\n", 1)[0]
    (bag / REC).write_text(head + "fields: [title, outlet]\n", encoding="utf-8")
    retag(bag)
    return bag


def a013(tmp_path, mp):
    bag = _archiver_bag(tmp_path)
    (bag / "metadata/events.yaml").write_text("events: [unclosed\n", encoding="utf-8")
    retag(bag)
    return bag


CASES.update({
    "A001": a001,
    "A002": a002,
    "A003": lambda t, mp: _edit(_archiver_bag(t), REC, "bytes: 252", "bytes: 253"),
    "A004": a004,
    "A005": a005,
    "A006": a006,
    "A007": a007,
    "A008": a008,
    "A009": a009,
    "A010": a010,
    "A011": lambda t, mp: _edit(_archiver_bag(t), "metadata/dublin-core.xml",
                                "<dc:type>Text</dc:type>", "<dc:type>Image</dc:type>"),
    "A012": lambda t, mp: _edit(_archiver_bag(t), REC, "- line: 3\n", "- line: 99\n"),
    "A013": a013,
})


# --- P: BagIt profiles ---------------------------------------------------------------------------------

def p009(tmp_path, mp):
    bag = _bag(tmp_path, bag_info="Payload-Oxum: 11.2\nContact-Name: A\nContact-Name: B\n")
    return _with_profile(tmp_path, bag, {"Bag-Info": {"Contact-Name": {"repeatable": False}}})


def p011(tmp_path, mp):
    bag = _bag(tmp_path)
    (bag / "fetch.txt").write_text("")
    retag(bag)
    return _with_profile(tmp_path, bag, {"Allow-Fetch.txt": False})


def p013(tmp_path, mp):
    archive = _tar_of(_bag(tmp_path), tmp_path / "bag.tar")
    return _with_profile(tmp_path, archive, {"Accept-Serialization": ["application/zip"]})


def p014(tmp_path, mp):
    bag = _bag(tmp_path)
    (bag / "notes.txt").write_text("a tag file of our own\n")
    retag(bag)
    return _with_profile(tmp_path, bag, {"Tag-Files-Allowed": ["other.txt"]})


def p001(tmp_path, mp):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"Accept-BagIt-Version": ["1.0"]}), encoding="utf-8")
    return _bag(tmp_path), {"profile": path}


CASES.update({
    "P001": p001,
    "P002": lambda t, mp: _with_profile(t, _bag(t), {"Accept-BagIt-Version": ["0.97"]}),
    "P003": lambda t, mp: _with_profile(t, _bag(t), {"Manifests-Required": ["md5"]}),
    "P004": lambda t, mp: _with_profile(t, _bag(t), {"Manifests-Allowed": ["sha256"]}),
    "P005": lambda t, mp: _with_profile(t, _bag(t), {"Tag-Manifests-Required": ["md5"]}),
    "P006": lambda t, mp: _with_profile(t, _bag(t), {"Tag-Manifests-Allowed": ["sha256"]}),
    "P007": lambda t, mp: _with_profile(t, _bag(t), {"Bag-Info": {"Source-Organization": {"required": True}}}),
    "P008": lambda t, mp: _with_profile(t, _bag(t, bag_info="Payload-Oxum: 11.2\nAccess: Everyone\n"),
                                        {"Bag-Info": {"Access": {"values": ["Consortia", "Restricted"]}}}),
    "P009": p009,
    "P010": lambda t, mp: _with_profile(t, _bag(t), {"Tag-Files-Required": ["aptrust-info.txt"]}),
    "P011": p011,
    "P012": lambda t, mp: _with_profile(t, _bag(t), {"Serialization": "required"}),
    "P013": p013,
    "P014": p014,
    "P015": lambda t, mp: _with_profile(t, _bag(t), {"Payload-Files-Required": ["data/c.txt"]}),
    "P016": lambda t, mp: _with_profile(
        t, _bag(t, bag_info="Payload-Oxum: 11.2\nBagIt-Profile-Identifier: https://example.org/other.json\n"), {}),
})


# --- S: serialized bags (archives) ---------------------------------------------------------------------

def s005(tmp_path, mp):
    # The limit is the archive's size times EXPANSION plus BASE_ALLOWANCE (64 MB); lowered here so that
    # a gzip of a few kilobytes claiming a megabyte of zeros is enough, instead of hundreds of megabytes.
    from archiver import serialize
    mp.setattr(serialize, "BASE_ALLOWANCE", 0)
    path = tmp_path / "bomb.tar.gz"
    _tar(path, [_file("bag/bagit.txt", BAGIT_TXT), _file("bag/data/zeros", bytes(1 << 20))])
    return path


def s006(tmp_path, mp):
    path = tmp_path / "broken.tar.gz"
    path.write_bytes(gzip.compress(b"not a tar archive, whatever the name says " * 20)[:60])
    return path


def s007(tmp_path, mp):
    # Lowered from 2,000,000 members, which the test would otherwise have to write.
    from archiver import serialize
    mp.setattr(serialize, "MAX_MEMBERS", 10)
    path = tmp_path / "many.tar.gz"
    _tar(path, [_file("bag/bagit.txt", BAGIT_TXT)] + [_file(f"bag/data/{i:02d}.txt") for i in range(20)])
    return path


def _hostile(case: str):
    members, _code = HOSTILE[case]
    return lambda t, mp: _tar(t / f"{case}.tar.gz", members)


CASES.update({
    "S001": _hostile("tar-slip"),
    "S002": _hostile("symlink"),
    "S003": _hostile("duplicate"),
    "S004": _hostile("two-tops"),
    "S005": s005,
    "S006": s006,
    "S007": s007,
})


# --- the tests -----------------------------------------------------------------------------------------

def test_every_code_has_a_case():
    missing = sorted(set(CODES) - set(CASES))
    assert not missing, f"finding codes without a case in tests/test_finding_codes.py: {', '.join(missing)}"
    assert not sorted(set(CASES) - set(CODES)), "cases for codes no longer in the table"


# Codes a case cannot help reporting beside its own, and why; any other code is a sign the case is not
# minimal (or that the validator reports something it should not).
ALSO = {
    "A005": {"P010"},    # our own profile requires metadata/dublin-core.xml as a tag file
    "B025": {"B014"},    # the manifest that cannot be decoded lists no payload file
    "B028": {"B014"},    # nor does the one that cannot be read
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_case_reports_its_code(code, tmp_path, monkeypatch):
    built = CASES[code](tmp_path, monkeypatch)
    path, options = built if isinstance(built, tuple) else (built, {})
    report = validate_path(path, **options)
    found = {f.code for f in report.findings}
    assert code in found, [str(f) for f in report.findings]
    assert found == {code} | ALSO.get(code, set()), [str(f) for f in report.findings]
    assert report.valid == (CODES[code][0] == WARNING)
