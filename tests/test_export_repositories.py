"""`archiver export BAG --to archivematica|dspace-saf|omeka-s DEST`, from the outside: real bags made by
`archiver bag` in tmp_path, exported through the CLI and through `archiver.export.export`.

What each format is checked against:

- Archivematica standard transfer, metadata.csv and checksums:
  https://archivematica.org/en/docs/archivematica-1.7/user-manual/transfer/import-metadata/
  ("filename" column listing objects/<path>, field names without spaces, dc.<element> columns, a
  repeated column for each further value of an element) and
  https://wiki.archivematica.org/UM_transfer_1.2_Include_checksums (metadata/checksum.sha256 beside
  objects/). Archivematica's verify_checksum client script (artefactual/archivematica,
  src/MCPClient/lib/clientScripts/verify_checksum.py) runs `sha256sum -c --strict` with objects/ as
  its working directory and first requires as many lines as files under objects/; the test does
  exactly that. Its sample transfer SampleTransfers/DemoTransfer/metadata/checksum.sha256
  (artefactual/archivematica-sampledata) lists names relative to objects/ the same way.
- DSpace Simple Archive Format:
  https://wiki.lyrasis.org/display/DSDOC7x/Importing+and+Exporting+Items+via+Simple+Archive+Format
  (item directories, dublin_core.xml of <dcvalue element qualifier>, a contents file of
  "name<TAB>bundle:NAME" lines); bundle METADATA is DSpace's Constants.METADATA_BUNDLE_NAME.
- Omeka S CSV Import: https://github.com/omeka-s-modules/CSVImport (README: UTF-8, header row;
  config/module.config.php: csv_import_multivalue_separator ","), headers checked against the 55
  properties of the /terms/ namespace of DCMI Metadata Terms,
  http://dublincore.org/specifications/dublin-core/dcmi-terms/2020-01-20/ (section 2).
"""
from __future__ import annotations

import csv
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import archiver.export.archivematica as archivematica_target
from archiver.errors import ArchiverError, OutputExistsError
from archiver.export import export
from conftest import run, tree_digest

FORMATS = ("archivematica", "dspace-saf", "omeka-s")

# DCMI Metadata Terms (2020-01-20), section 2 "Properties in the /terms/ namespace": all 55.
DCTERMS_PROPERTIES = (
    "abstract accessRights accrualMethod accrualPeriodicity accrualPolicy alternative audience available "
    "bibliographicCitation conformsTo contributor coverage created creator date dateAccepted dateCopyrighted "
    "dateSubmitted description educationLevel extent format hasFormat hasPart hasVersion identifier "
    "instructionalMethod isFormatOf isPartOf isReferencedBy isReplacedBy isRequiredBy issued isVersionOf "
    "language license mediator medium modified provenance publisher references relation replaces requires "
    "rights rightsHolder source spatial subject tableOfContents temporal title type valid").split()

# Values a spreadsheet would take for formulas, and XML/CSV specials: they must come out as they went in.
HOSTILE = {"title": "=HYPERLINK(\"http://x\",\"<b>&\")", "byline": "@evil", "outlet": "+Plus, \"quoted\"",
           "story_code": "-1+1", "language": "fr"}


# -- bags ---------------------------------------------------------------------------------------------
def _bag(tmp_path: Path, source: Path, *extra) -> Path:
    out = tmp_path / "bag"
    result = run("bag", source, "-o", out, "--quiet", *extra)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def seeds_bag(seeds_copy, tmp_path) -> Path:
    return _bag(tmp_path, seeds_copy)


@pytest.fixture
def hostile_bag(tmp_path) -> Path:
    """Three files, one in a subfolder; b.txt with every core value asserted (HOSTILE, no date)."""
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("Plain headline\n\nBody.\n", encoding="utf-8")
    (src / "b.txt").write_text("Other headline\n\nBody.\n", encoding="utf-8")
    (src / "sub" / "c d.txt").write_text("Third headline\n\nBody text.\n", encoding="utf-8")
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(yaml.safe_dump({"overrides": [{"path": "b.txt", "by": "A. Curator, Room 2",
                                                        "fields": HOSTILE}]}), encoding="utf-8")
    return _bag(tmp_path, src, "--overrides", overrides)


def _payload(bag: Path) -> dict[str, bytes]:
    """{path under data/: bytes} of every payload file."""
    return {p.relative_to(bag / "data").as_posix(): p.read_bytes() for p in sorted((bag / "data").rglob("*"))
            if p.is_file()}


def _records(bag: Path) -> dict[str, dict]:
    """{path under data/: parsed record}."""
    return {rel: yaml.safe_load((bag / "metadata/provenance" / (rel + ".yaml")).read_bytes())
            for rel in _payload(bag)}


def _value(record: dict, field: str) -> str:
    return record["fields"][field]["value"] or ""


def _export(bag: Path, fmt: str, dest: Path, *extra):
    result = run("export", bag, "--to", fmt, dest, *extra)
    assert result.exit_code == 0, result.stderr
    return dest


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")                   # UTF-8 without a BOM
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


# -- Archivematica -----------------------------------------------------------------------------------
def test_archivematica_transfer_holds_objects_records_metadata_csv_and_checksums(hostile_bag, tmp_path):
    dest = _export(hostile_bag, "archivematica", tmp_path / "transfer")
    payload = _payload(hostile_bag)
    assert sorted(p.name for p in dest.iterdir()) == ["metadata", "objects"]
    # objects/: the payload, byte for byte, at the same relative paths, and nothing else.
    objects = {p.relative_to(dest / "objects").as_posix(): p.read_bytes()
               for p in (dest / "objects").rglob("*") if p.is_file()}
    assert objects == payload
    # metadata/provenance/: the records, byte for byte; the bag's events file, byte for byte.
    for rel in payload:
        assert (dest / "metadata/provenance" / (rel + ".yaml")).read_bytes() == \
            (hostile_bag / "metadata/provenance" / (rel + ".yaml")).read_bytes()
    assert (dest / "metadata/events.yaml").read_bytes() == (hostile_bag / "metadata/events.yaml").read_bytes()
    # checksum.sha256: verified the way Archivematica does it, from objects/, one line per file.
    lines = (dest / "metadata/checksum.sha256").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(objects) == 3
    proc = subprocess.run(["sha256sum", "-c", "--strict", "../metadata/checksum.sha256"], cwd=dest / "objects",
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sub/c d.txt: OK" in proc.stdout
    manifest = dict(reversed(line.split("  ", 1)) for line in
                    (hostile_bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines())
    for line in lines:
        digest, name = line.split("  ", 1)
        assert manifest["data/" + name] == digest


def test_archivematica_checksums_of_names_with_newline_or_comma_still_verify(tmp_path):
    # (archiver bag refuses a backslash in a name; a newline it percent-encodes in its manifests.)
    src = tmp_path / "src"
    src.mkdir()
    for name in ("new\nline.txt", "carriage\rreturn.txt", "plain, with comma.txt"):
        (src / name).write_text(f"Headline of {name!r}\n\nBody.\n", encoding="utf-8")
    dest = _export(_bag(tmp_path, src), "archivematica", tmp_path / "transfer")
    lines = (dest / "metadata/checksum.sha256").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == 3           # one line per object, as Archivematica counts
    proc = subprocess.run(["sha256sum", "-c", "--strict", "../metadata/checksum.sha256"], cwd=dest / "objects",
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = _read_csv(dest / "metadata/metadata.csv")
    assert sorted(r[0] for r in rows[1:]) == sorted("objects/" + n for n in
                                                    ("new\nline.txt", "carriage\rreturn.txt", "plain, with comma.txt"))


def test_archivematica_metadata_csv_gives_the_records_values_exactly(hostile_bag, tmp_path):
    dest = _export(hostile_bag, "archivematica", tmp_path / "transfer")
    rows = _read_csv(dest / "metadata/metadata.csv")
    header = rows[0]
    assert header[0] == "filename"
    assert all(" " not in name for name in header)
    assert header[1:] == ["dc.title", "dc.creator", "dc.publisher", "dc.date", "dc.identifier", "dc.identifier",
                          "dc.language", "dc.type", "dc.format", "dc.description", "dc.source", "dc.rights"]
    records = _records(hostile_bag)
    assert [r[0] for r in rows[1:]] == ["objects/" + rel for rel in sorted(records)]
    for r in rows[1:]:
        assert len(r) == len(header)
        rel = r[0][len("objects/"):]
        rec = records[rel]
        assert r[1:5] == [_value(rec, "title"), _value(rec, "byline"), _value(rec, "outlet"),
                          _value(rec, "published")]
        assert r[5:8] == [_value(rec, "story_code"), "data/" + rel, _value(rec, "language")]
        assert r[8:10] == ["Text", "text/plain"]
        assert r[10].startswith("archiver provenance: title: ")
        assert r[11:] == ["", ""]                                  # no --sources: origin unknown
    b = next(r for r in rows if r[0] == "objects/b.txt")
    # The asserted values as the curator gave them: no quote or apostrophe put before = + - @.
    assert b[1:4] == [HOSTILE["title"], HOSTILE["byline"], HOSTILE["outlet"]]
    assert b[4] == ""                                             # published unknown: an empty cell
    assert b[5] == HOSTILE["story_code"] and b[7] == "fr"
    assert "outlet: asserted (by A. Curator, Room 2)" in b[10]
    raw = (dest / "metadata/metadata.csv").read_bytes()
    assert b'"=HYPERLINK(""http://x"",""<b>&"")"' in raw and b",@evil," in raw and b",-1+1," in raw


def test_archivematica_carries_the_events_file_when_the_bag_has_one(hostile_bag, tmp_path):
    events = b"events:\n  - type: fixity\n    date: '2024-01-01'\n    outcome: pass\n"
    (hostile_bag / "metadata/events.yaml").write_bytes(events)
    dest = _export(hostile_bag, "archivematica", tmp_path / "transfer")
    assert (dest / "metadata/events.yaml").read_bytes() == events


@pytest.mark.parametrize("fmt", ("archivematica", "dspace-saf", "omeka-s"))
def test_a_payload_file_the_manifest_does_not_vouch_for_is_refused(fmt, hostile_bag, tmp_path):
    (hostile_bag / "data/a.txt").write_bytes(b"Edited after bagging\n")
    dest = tmp_path / "transfer"
    result = run("export", hostile_bag, "--to", fmt, dest)
    assert result.exit_code == 2
    assert "data/a.txt does not match the bag's manifest-sha256.txt" in result.stderr
    assert not dest.exists() and list(tmp_path.glob(".transfer.*")) == []


# -- DSpace SAF ----------------------------------------------------------------------------------------
def _dcvalues(item: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(item / "dublin_core.xml").getroot()              # well-formed, or this raises
    assert root.tag == "dublin_core" and root.get("schema") == "dc"
    assert all(el.tag == "dcvalue" for el in root)
    return [(el.get("element"), el.get("qualifier"), el.text) for el in root]


def test_dspace_saf_items_carry_the_file_its_record_and_qualified_dc(hostile_bag, tmp_path):
    dest = _export(hostile_bag, "dspace-saf", tmp_path / "saf")
    payload, records = _payload(hostile_bag), _records(hostile_bag)
    items = sorted(dest.iterdir())
    assert [p.name for p in items] == ["item_000001", "item_000002", "item_000003"]
    for item, rel in zip(items, sorted(payload), strict=True):                 # payload-path order
        name = rel.rsplit("/", 1)[-1]
        assert sorted(p.name for p in item.iterdir()) == sorted(["contents", "dublin_core.xml", name, name + ".yaml"])
        assert (item / name).read_bytes() == payload[rel]
        assert (item / (name + ".yaml")).read_bytes() == \
            (hostile_bag / "metadata/provenance" / (rel + ".yaml")).read_bytes()
        assert (item / "contents").read_text(encoding="utf-8").splitlines() == [
            f"{name}\tbundle:ORIGINAL\tprimary:true",
            f"{name}.yaml\tbundle:METADATA\tdescription:archiver provenance record"]
        rec = records[rel]
        expected = [("title", "none", _value(rec, "title")), ("contributor", "author", _value(rec, "byline")),
                    ("publisher", "none", _value(rec, "outlet")), ("date", "issued", _value(rec, "published")),
                    ("identifier", "other", _value(rec, "story_code")), ("identifier", "none", "data/" + rel),
                    ("language", "iso", _value(rec, "language")), ("type", "none", "Text"),
                    ("format", "mimetype", "text/plain")]
        values = _dcvalues(item)
        # An unknown value is an absent element, never an empty or invented one.
        assert values[:-1] == [v for v in expected if v[2]]
        assert values[-1][:2] == ("description", "provenance")
        assert values[-1][2].startswith("archiver provenance: title: ")
    b = _dcvalues(dest / "item_000002")
    assert ("title", "none", HOSTILE["title"]) in b and ("contributor", "author", "@evil") in b
    assert ("publisher", "none", HOSTILE["outlet"]) in b and ("identifier", "other", "-1+1") in b
    assert not any(e == "date" for e, _q, _v in b)
    assert "byline: asserted (by A. Curator, Room 2)" in b[-1][2]


def test_dspace_saf_renames_a_payload_the_importer_would_take_for_its_own_file(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "contents").write_text("A headline\n\nBody.\n", encoding="utf-8")
    (src / "metadata_dc.xml").write_text("<x>Another headline</x>\n", encoding="utf-8")
    (src / "tab\tname.txt").write_text("Third headline\n\nBody.\n", encoding="utf-8")
    bag = _bag(tmp_path, src)
    dest = _export(bag, "dspace-saf", tmp_path / "saf")
    names = {}
    for item in sorted(dest.iterdir()):
        lines = (item / "contents").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2 and all(line.count("\t") == 2 for line in lines)
        bitstream = lines[0].split("\t", 1)[0]
        path = next(v for e, q, v in _dcvalues(item) if (e, q) == ("identifier", "none"))
        names[path] = bitstream
        assert (item / bitstream).read_bytes() == (bag / path).read_bytes()
    assert names == {"data/contents": "payload", "data/metadata_dc.xml": "payload.xml",
                     "data/tab\tname.txt": "payload.txt"}


# -- Omeka S -------------------------------------------------------------------------------------------
def test_omeka_s_headers_are_dcmi_terms_properties(hostile_bag, tmp_path):
    assert len(DCTERMS_PROPERTIES) == len(set(DCTERMS_PROPERTIES)) == 55
    dest = _export(hostile_bag, "omeka-s", tmp_path / "omeka")
    header = _read_csv(dest / "items.csv")[0]
    assert header[-1] == "file"
    for name in header[:-1]:
        prefix, _, local = name.partition(":")
        assert prefix == "dcterms" and local in DCTERMS_PROPERTIES, name
    assert header[:-1] == ["dcterms:" + n for n in ("title", "creator", "publisher", "date", "identifier",
                                                     "language", "type", "format", "description", "source",
                                                     "rights")]


def test_omeka_s_items_csv_round_trips_to_the_records(hostile_bag, tmp_path):
    dest = _export(hostile_bag, "omeka-s", tmp_path / "omeka")
    rows = _read_csv(dest / "items.csv")
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert all(len(r) == len(header) for r in rows[1:])
    payload, records = _payload(hostile_bag), _records(hostile_bag)
    assert [r["file"] for r in body] == sorted(payload)               # one item per file, path order
    back = {}
    for r in body:
        # What CSV Import does with a multivalue column: split on its default separator ",".
        identifiers = [v for v in r["dcterms:identifier"].split(",") if v]
        back[r["file"]] = {"title": r["dcterms:title"], "byline": r["dcterms:creator"],
                           "outlet": r["dcterms:publisher"], "published": r["dcterms:date"],
                           "story_code": identifiers[0] if len(identifiers) == 2 else "",
                           "language": r["dcterms:language"]}
        assert identifiers[-1] == "data/" + r["file"]
        assert (r["dcterms:type"], r["dcterms:format"]) == ("Text", "text/plain")
        assert r["dcterms:description"].startswith("archiver provenance: title: ")
        assert (dest / "files" / r["file"]).read_bytes() == payload[r["file"]]
    assert back == {rel: {f: _value(rec, f) for f in ("title", "byline", "outlet", "published", "story_code",
                                                       "language")} for rel, rec in records.items()}
    assert back["b.txt"]["title"] == HOSTILE["title"] and back["b.txt"]["published"] == ""
    cells = {r["file"]: r["dcterms:identifier"] for r in body}
    assert cells == {"a.txt": "data/a.txt", "b.txt": "-1+1,data/b.txt", "sub/c d.txt": "data/sub/c d.txt"}
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == \
        sorted(["items.csv"] + ["files/" + rel for rel in payload])


def test_omeka_s_on_the_seeds_keeps_dates_and_statuses(seeds_bag, tmp_path):
    dest = _export(seeds_bag, "omeka-s", tmp_path / "omeka")
    body = {r[-1]: r for r in _read_csv(dest / "items.csv")[1:]}
    assert body["002_925810d536abd4d2.txt"][3] == "2024-03-28"
    assert body["002_925810d536abd4d2.txt"][4] == "1125546,data/002_925810d536abd4d2.txt"
    assert body["000_a1b928136f395d30.txt"][3] == ""
    assert "published: unknown" in body["000_a1b928136f395d30.txt"][8]


# -- where each page came from (archiver bag --sources) -----------------------------------------------
NAMED = "002_925810d536abd4d2.txt"
OTHER = "004_b448aa7393fc9747.txt"
URL = "https://www.islamtimes.org/en/news/1125546/zionist-regime?ref=a&b=1"
OTHER_URL = "http://www.presstv.ir/Detail/2021/05/22/1"
RIGHTS = "© Islam Times; kept for research, \"not for resale\", <b>&"


@pytest.fixture
def sourced_bag(seeds_copy, tmp_path) -> Path:
    """The seeds bagged with --sources: NAMED with a URL and rights, OTHER with a URL only, the rest
    with no entry at all."""
    sources = tmp_path / "sources.csv"
    with open(sources, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(["path", "url", "retrieved", "rights"])
        out.writerow([NAMED, URL, "2024-03-29 08:15:00+0330", RIGHTS])
        out.writerow([OTHER, OTHER_URL, "2021-05-23", ""])
    return _bag(tmp_path, seeds_copy, "--sources", sources)


def _origins_back(bag: Path, fmt: str, dest: Path) -> dict[str, tuple[str, str]]:
    """{payload path under data/: (source URL, rights)} read back from an export; "" when absent."""
    out = {}
    if fmt == "archivematica":
        rows = _read_csv(dest / "metadata/metadata.csv")
        source, rights = rows[0].index("dc.source"), rows[0].index("dc.rights")
        for r in rows[1:]:
            out[r[0][len("objects/"):]] = (r[source], r[rights])
    elif fmt == "omeka-s":
        rows = _read_csv(dest / "items.csv")
        for r in rows[1:]:
            cells = dict(zip(rows[0], r, strict=True))
            out[cells["file"]] = (cells["dcterms:source"], cells["dcterms:rights"])
    else:
        for item in sorted(dest.iterdir()):
            values = _dcvalues(item)
            path = next(v for e, q, v in values if (e, q) == ("identifier", "none"))
            sources = [v for e, q, v in values if (e, q) == ("source", "uri")]
            rights = [v for e, q, v in values if (e, q) == ("rights", "none")]
            assert len(sources) <= 1 and len(rights) <= 1
            out[path[len("data/"):]] = (sources[0] if sources else "", rights[0] if rights else "")
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_carry_the_source_url_and_rights_of_each_page(fmt, sourced_bag, tmp_path):
    back = _origins_back(sourced_bag, fmt, _export(sourced_bag, fmt, tmp_path / "out"))
    assert sorted(back) == sorted(_payload(sourced_bag))
    assert back[NAMED] == (URL, RIGHTS)
    assert back[OTHER] == (OTHER_URL, "")                         # no rights given: none written
    others = {rel: v for rel, v in back.items() if rel not in (NAMED, OTHER)}
    assert others and set(others.values()) == {("", "")}          # no entry: no source, no rights


def test_exported_origins_are_those_of_the_bags_dublin_core_index(sourced_bag, tmp_path):
    """The same values as the bag's own dublin-core.csv (dc.source, dc.rights), for every file."""
    with open(sourced_bag / "metadata/dublin-core.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    source, rights = rows[0].index("dc.source"), rows[0].index("dc.rights")
    index = {r[0][len("data/"):]: (r[source], r[rights]) for r in rows[1:]}
    assert index[NAMED] == (URL, RIGHTS)
    for fmt in FORMATS:
        assert _origins_back(sourced_bag, fmt, _export(sourced_bag, fmt, tmp_path / fmt)) == index, fmt


# -- every target: determinism, the Python API, serialized bags ---------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bag_same_bytes_with_and_without_source_date_epoch(fmt, hostile_bag, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = tree_digest(_export(hostile_bag, fmt, tmp_path / "one"))
    assert first == tree_digest(_export(hostile_bag, fmt, tmp_path / "two"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    third = tmp_path / "three"
    export(hostile_bag, fmt, third)
    assert tree_digest(third) == first
    assert {p.stat().st_mtime for p in third.rglob("*") if p.is_file()} == {1234567890}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_serialized_bag_exports_as_the_directory_does(fmt, seeds_copy, tmp_path):
    bag = _bag(tmp_path, seeds_copy)
    packed = tmp_path / "packed"
    result = run("bag", seeds_copy, "-o", packed, "--quiet", "--archive", "tar.gz")
    assert result.exit_code == 0, result.stderr
    archive = tmp_path / "packed.tar.gz"
    assert archive.is_file()
    assert tree_digest(_export(bag, fmt, tmp_path / "from-dir")) == \
        tree_digest(_export(archive, fmt, tmp_path / "from-tar"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_write_only_inside_dest(fmt, hostile_bag, tmp_path):
    before = {p for p in tmp_path.rglob("*")}
    dest = tmp_path / "out"
    assert export(hostile_bag, fmt, dest) == dest
    after = {p for p in tmp_path.rglob("*")}
    assert {p for p in after - before if dest not in p.parents and p != dest} == set()


# -- the framework -------------------------------------------------------------------------------------
def test_a_non_empty_dest_is_refused_without_force_and_left_untouched(hostile_bag, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine\n")
    before = tree_digest(dest)
    result = run("export", hostile_bag, "--to", "omeka-s", dest)
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert tree_digest(dest) == before
    with pytest.raises(OutputExistsError):
        export(hostile_bag, "dspace-saf", dest)
    assert tree_digest(dest) == before


def test_an_empty_dest_directory_is_filled(hostile_bag, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    _export(hostile_bag, "archivematica", dest)
    assert (dest / "metadata/metadata.csv").is_file()


def test_force_replaces_dest(hostile_bag, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "old.txt").write_text("old\n")
    _export(hostile_bag, "dspace-saf", dest, "--force")
    assert not (dest / "old.txt").exists()
    assert sorted(p.name for p in dest.iterdir()) == ["item_000001", "item_000002", "item_000003"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dest")] == []


@pytest.mark.parametrize("existing", [False, True])
def test_a_failure_inside_write_leaves_no_dest_and_no_partial(existing, hostile_bag, tmp_path, monkeypatch):
    real_write = archivematica_target.write

    def failing_write(reader, dest, epoch):
        real_write(reader, dest, epoch)              # the whole export is written, then it fails
        raise ArchiverError("simulated failure at the end of write")

    monkeypatch.setattr(archivematica_target, "write", failing_write)
    dest = tmp_path / "dest"
    if existing:
        dest.mkdir()
        (dest / "old.txt").write_text("old\n")
    before = tree_digest(dest) if existing else None
    result = run("export", hostile_bag, "--to", "archivematica", dest, *(["--force"] if existing else []))
    assert result.exit_code == 2 and "simulated failure" in result.stderr
    if existing:
        assert tree_digest(dest) == before             # DEST as it was
    else:
        assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dest")] == []


def test_an_unknown_format_exits_2(hostile_bag, tmp_path):
    result = run("export", hostile_bag, "--to", "fedora", tmp_path / "x")
    assert result.exit_code == 2
    assert "fedora" in result.stderr
    for fmt in FORMATS:
        assert fmt in result.stderr                     # the choices are named
    assert not (tmp_path / "x").exists()
    with pytest.raises(ArchiverError, match="unknown export format"):
        export(hostile_bag, "fedora", tmp_path / "x")


def test_a_bag_with_a_missing_record_is_refused(hostile_bag, tmp_path):
    (hostile_bag / "metadata/provenance/a.txt.yaml").unlink()
    result = run("export", hostile_bag, "--to", "dspace-saf", tmp_path / "saf")
    assert result.exit_code == 2 and "no provenance record for data/a.txt" in result.stderr
    assert not (tmp_path / "saf").exists()


def test_a_record_in_another_yaml_form_gives_the_same_export(hostile_bag, tmp_path):
    """Records in archiver's own form are read by the validator's fast reader; any other YAML form by
    a safe loader: both must give the same values."""
    first = _export(hostile_bag, "omeka-s", tmp_path / "one")
    for name in ("a.txt.yaml", "b.txt.yaml"):
        record = hostile_bag / "metadata/provenance" / name
        record.write_text(yaml.safe_dump(yaml.safe_load(record.read_bytes()), allow_unicode=True, width=40),
                          encoding="utf-8")
    second = _export(hostile_bag, "omeka-s", tmp_path / "two")
    assert (second / "items.csv").read_bytes() == (first / "items.csv").read_bytes()


def test_a_record_that_is_not_a_provenance_record_is_refused(hostile_bag, tmp_path):
    (hostile_bag / "metadata/provenance/b.txt.yaml").write_text("source: {}\nfields: 3\n", encoding="utf-8")
    result = run("export", hostile_bag, "--to", "omeka-s", tmp_path / "omeka")
    assert result.exit_code == 2
    assert "metadata/provenance/b.txt.yaml: not an archiver provenance record" in result.stderr
    assert not (tmp_path / "omeka").exists()


def test_export_help_names_the_three_formats():
    out = run("export", "--help").output
    for fmt in FORMATS:
        assert fmt in out


def test_outputs_are_utf8_without_bom(hostile_bag, tmp_path):
    for fmt, files in (("archivematica", ["metadata/metadata.csv", "metadata/checksum.sha256"]),
                       ("dspace-saf", ["item_000001/contents", "item_000001/dublin_core.xml"]),
                       ("omeka-s", ["items.csv"])):
        dest = _export(hostile_bag, fmt, tmp_path / fmt)
        for name in files:
            data = (dest / name).read_bytes()
            data.decode("utf-8")
            assert not data.startswith(b"\xef\xbb\xbf"), name
    # checksum.sha256 lines end in LF only (Archivematica reads it with coreutils).
    assert b"\r" not in (tmp_path / "archivematica/metadata/checksum.sha256").read_bytes()
