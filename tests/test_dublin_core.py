"""The Dublin Core index: oai_dc records valid against the OAI schema (offline), a CSV whose values
round-trip exactly, and in both the status of every value."""
from __future__ import annotations

import csv
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest
import yaml

from conftest import SHARED, run

SCHEMAS = SHARED / "schemas" / "dublin-core"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
IDX = "urn:x-archiver:dc-index:1"


@pytest.fixture(scope="module")
def oai_dc_schema():
    xmlschema = pytest.importorskip("xmlschema")
    if not (SCHEMAS / "oai_dc.xsd").is_file():
        pytest.skip(f"Dublin Core schemas not found at {SCHEMAS}")
    # The schemas point at the web; map every location to the local copies (no network here).
    return xmlschema.XMLSchema(str(SCHEMAS / "oai_dc.xsd"),
                               locations={DC: str(SCHEMAS / "dc.xsd")}, allow="local")


def test_every_record_is_valid_oai_dc_and_matches_its_provenance(seeds_copy, tmp_path, oai_dc_schema):
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    root = ET.parse(out / "metadata" / "dublin-core.xml").getroot()
    assert root.tag == f"{{{IDX}}}index"
    records = root.findall(f"{{{IDX}}}record")
    assert len(records) == 5
    for rec in records:
        path = rec.get("path")
        dc = rec.find(f"{{{OAI_DC}}}dc")
        oai_dc_schema.validate(ET.tostring(dc, encoding="unicode"))
        prov = yaml.safe_load((out / "metadata/provenance" / (path[len("data/"):] + ".yaml")).read_bytes())
        values = {}
        for el in dc:
            values.setdefault(el.tag.split("}")[1], []).append(el.text)
        f = prov["fields"]
        assert values.get("title") == ([f["title"]["value"]] if f["title"]["value"] else None)
        assert values.get("publisher") == ([f["outlet"]["value"]] if f["outlet"]["value"] else None)
        assert path in values["identifier"]
        if f["story_code"]["value"]:
            assert f["story_code"]["value"] in values["identifier"]
        assert values["type"] == ["Text"] and values["format"] == ["text/plain"]
        # Unknown values are left out, never written as "unknown" (only the statement names statuses).
        assert not any("unknown" in (el.text or "").lower() for el in dc if not el.tag.endswith("}description"))
        # One statement per record saying how each value is known, as the record says it.
        (statement,) = values["description"]
        assert statement.startswith("archiver provenance: ")
        parts = statement[len("archiver provenance: "):].split("; ")
        expected = []
        for name in ("title", "outlet", "published", "story_code", "byline", "language"):
            field = f[name]
            rules = [e["rule"] for e in field.get("evidence", []) if "outcome" not in e]
            how = f" (rule {rules[0]})" if field["status"] == "extracted" and rules else ""
            expected.append(f"{name}: {field['status']}{how}")
        assert parts == expected
    pub = {r.get("path"): r.find(f"{{{OAI_DC}}}dc").find(f"{{{DC}}}date") for r in records}
    # W3CDTF wants a zone with a time; the seeds give none, so the date alone is written.
    assert pub["data/002_925810d536abd4d2.txt"].text == "2024-03-28"
    assert pub["data/000_a1b928136f395d30.txt"] is None


def _bag_with_overrides(tmp_path, fields):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Plain headline\n\nBody.\n")
    (src / "b.txt").write_text("Other headline\n\nBody.\n")
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(yaml.safe_dump({"overrides": [{"path": "b.txt", "by": "tester", "fields": fields}]}))
    out = tmp_path / "bag"
    result = run("bag", src, "-o", out, "--quiet", "--overrides", overrides)
    assert result.exit_code == 0, result.stderr
    return out


def _csv_rows(bag):
    with open(bag / "metadata/dublin-core.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_csv_values_round_trip_exactly_with_a_status_beside_each(tmp_path):
    hostile = {"title": "=HYPERLINK(\"http://x\")", "byline": "@evil", "outlet": "+Plus, \"quoted\"",
               "story_code": "-1+1", "language": "fr"}
    out = _bag_with_overrides(tmp_path, hostile)
    header, by_name = _csv_rows(out)
    # Each status column directly follows the field it describes.
    for column in ("dc.title", "dc.creator", "dc.publisher", "dc.date", "dc.identifier", "dc.language"):
        assert header[header.index(column) + 1] == column + ".status"
    assert set(by_name) == {"data/a.txt", "data/b.txt"}
    b = by_name["data/b.txt"]
    for field, column in (("title", "dc.title"), ("byline", "dc.creator"), ("outlet", "dc.publisher"),
                          ("story_code", "dc.identifier"), ("language", "dc.language")):
        assert b[column] == hostile[field]
        assert b[column + ".status"] == "asserted"
    assert b["dc.date"] == "" and b["dc.date.status"] == "unknown"
    # The other file, as its record says.
    rec = yaml.safe_load((out / "metadata/provenance/a.txt.yaml").read_bytes())["fields"]
    a = by_name["data/a.txt"]
    for field, column in (("title", "dc.title"), ("byline", "dc.creator"), ("outlet", "dc.publisher"),
                          ("story_code", "dc.identifier"), ("language", "dc.language")):
        assert a[column] == (rec[field]["value"] or "") and a[column + ".status"] == rec[field]["status"]
    assert a["dc.type"] == "Text"


def test_csv_statuses_of_the_seeds_are_those_of_their_records(seeds_copy, tmp_path):
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    _, by_name = _csv_rows(out)
    seen = set()
    for path, row in by_name.items():
        rec = yaml.safe_load((out / "metadata/provenance" / (path[len("data/"):] + ".yaml")).read_bytes())["fields"]
        for field, column in (("title", "dc.title"), ("byline", "dc.creator"), ("outlet", "dc.publisher"),
                              ("published", "dc.date"), ("story_code", "dc.identifier"), ("language", "dc.language")):
            assert row[column + ".status"] == rec[field]["status"]
            seen.add(rec[field]["status"])
    assert seen == {"extracted", "unknown"}


def test_xml_statement_names_the_curator_and_stays_valid(tmp_path, oai_dc_schema):
    out = _bag_with_overrides(tmp_path, {"outlet": "Kayhan <International> & Co", "published": "2024-03-28"})
    root = ET.parse(out / "metadata" / "dublin-core.xml").getroot()
    dcs = {r.get("path"): r.find(f"{{{OAI_DC}}}dc") for r in root.findall(f"{{{IDX}}}record")}
    for dc in dcs.values():
        oai_dc_schema.validate(ET.tostring(dc, encoding="unicode"))
    statement = dcs["data/b.txt"].find(f"{{{DC}}}description").text
    assert "outlet: asserted (by tester)" in statement
    assert "published: asserted (by tester)" in statement
    assert "byline: unknown" in statement
    assert dcs["data/b.txt"].find(f"{{{DC}}}publisher").text == "Kayhan <International> & Co"


def test_xml_survives_hostile_text_and_names(tmp_path, oai_dc_schema):
    src = tmp_path / "src"
    src.mkdir()
    (src / "x<&>\".txt").write_text("A <b>bold</b> & \"quoted\" \x01 headline\n\nBody.\n")
    out = tmp_path / "bag"
    assert run("bag", src, "-o", out, "--quiet").exit_code == 0
    root = ET.parse(out / "metadata" / "dublin-core.xml").getroot()
    rec = root.find(f"{{{IDX}}}record")
    assert rec.get("path") == "data/x<&>\".txt"
    oai_dc_schema.validate(ET.tostring(rec.find(f"{{{OAI_DC}}}dc"), encoding="unicode"))


def test_xml_escaping_is_exactly_that_of_the_standard_library():
    """dublincore escapes like xml.sax.saxutils (not imported, for start-up time): same bytes out."""
    import random
    from xml.sax import saxutils

    from archiver import dublincore
    rng = random.Random(5)
    alphabet = "ab&<>\"'\n\r\t é—\u2028"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert dublincore.escape(text) == saxutils.escape(text)
        assert dublincore.quoteattr(text) == saxutils.quoteattr(text)


def test_xlsx_index_holds_every_value_exactly_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    hostile = {"title": "=HYPERLINK(\"http://x\")", "byline": "@SUM(A1)", "outlet": "+Plus", "story_code": "-1+1"}
    out = _bag_with_overrides(tmp_path, hostile)
    dest = tmp_path / "index.xlsx"
    result = run("info", out, "--xlsx", dest, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["payload"]["files"] == 2          # stdout stays one JSON document
    with open(out / "metadata/dublin-core.csv", encoding="utf-8", newline="") as fh:
        expected = list(csv.reader(fh))
    ws = openpyxl.load_workbook(dest).active
    got = [[cell.value if cell.value is not None else "" for cell in row] for row in ws.iter_rows()]
    assert got == expected
    assert all(cell.data_type == "s" for row in ws.iter_rows() for cell in row if cell.value is not None)
    with zipfile.ZipFile(dest) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "HYPERLINK" in sheet                  # stored as text, never a formula
    first = dest.read_bytes()
    assert run("info", out, "--xlsx", dest).exit_code == 0
    assert dest.read_bytes() == first                                    # deterministic
    assert not list(tmp_path.glob(".index.xlsx.partial-*"))


def test_xlsx_without_openpyxl_is_a_clear_error(tmp_path, seeds_copy, monkeypatch):
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out, "--quiet").exit_code == 0
    monkeypatch.setitem(sys.modules, "openpyxl", None)                  # as if it were not installed
    result = run("info", out, "--xlsx", tmp_path / "index.xlsx")
    assert result.exit_code == 2
    assert "pip install 'archiver[xlsx]'" in result.stderr
    assert not (tmp_path / "index.xlsx").exists()
