"""archiver validate sees edits: records, dublin-core.xml, dublin-core.csv and the evidence agree
(A010, A011, A012), even when a tamperer recomputed the tag manifests."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import yaml

from archiver.validate import consistency, validate_path
from archiver.validate.consistency import read_fields, record_fields, record_statuses
from bagbuild import retag
from conftest import REPO, run

PAGE = ("Farmers Count the Cost of Late Rains\n"
        "By Jane Doe\n"
        "Islam Times - Farmers in the northern provinces say the late rains have damaged much of the "
        "wheat harvest, and local authorities have promised compensation to families who lost crops.\n"
        "Story Code: 998877\n")


@pytest.fixture
def small_bag(tmp_path):
    """A two-file bag made by archiver itself."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(PAGE, encoding="utf-8")
    (src / "b.txt").write_text("Another Headline Stands Here\n\nA body line of the second story, long "
                               "enough to be read as prose by the extractor of archiver.\n", encoding="utf-8")
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    assert validate_path(bag).valid
    return bag


def _record(bag, name="a.txt"):
    return bag / "metadata" / "provenance" / f"{name}.yaml"


def _found(report):
    return [(f.code, f.path) for f in report.findings]


def _cited(bag, name="a.txt"):
    """(field, evidence item) of every evidence line the record cites."""
    doc = yaml.safe_load(_record(bag, name).read_bytes())
    return [(field, ev) for field, f in doc["fields"].items() for ev in f.get("evidence", [])
            if ev["line"] is not None]


def test_a_hand_edited_record_with_recomputed_tag_manifests_is_invalid(small_bag):
    """The issue's example: an outlet edited by hand, the tag manifests recomputed, is now INVALID;
    both indexes disagree with the record, each named."""
    record = _record(small_bag)
    doc = yaml.safe_load(record.read_bytes())
    outlet = doc["fields"]["outlet"]["value"]
    assert outlet, "the page must give an outlet for this test to mean anything"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f'value: "{outlet}"', 'value: "The Daily Planet"', 1), encoding="utf-8")
    retag(small_bag)
    result = run("validate", small_bag)
    assert result.exit_code == 1
    report = validate_path(small_bag)
    assert _found(report) == [("A011", "data/a.txt"), ("A011", "data/a.txt")]
    messages = sorted(f.message for f in report.findings)
    assert "metadata/dublin-core.csv" in messages[0] and "metadata/dublin-core.xml" in messages[1]
    assert all(repr(outlet) in m and "'The Daily Planet'" in m for m in messages)


def test_an_edited_xml_value_is_a011_naming_the_xml_only(small_bag):
    xml = small_bag / "metadata" / "dublin-core.xml"
    title = yaml.safe_load(_record(small_bag).read_bytes())["fields"]["title"]["value"]
    xml.write_text(xml.read_text(encoding="utf-8").replace(f"<dc:title>{title}</dc:title>",
                                                           "<dc:title>Edited</dc:title>"), encoding="utf-8")
    retag(small_bag)
    [a011] = validate_path(small_bag).findings
    assert (a011.code, a011.path) == ("A011", "data/a.txt")
    assert "metadata/dublin-core.xml" in a011.message and "dc:title 'Edited'" in a011.message


def test_an_edited_or_emptied_csv_cell_is_a011_naming_the_csv_only(small_bag):
    index = small_bag / "metadata" / "dublin-core.csv"
    rows = list(csv.reader(io.StringIO(index.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("dc.language")
    for row in rows[1:]:
        row[column] = "xx" if row[0] == "data/a.txt" else ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    index.write_text(out.getvalue(), encoding="utf-8")
    retag(small_bag)
    found = validate_path(small_bag).findings
    assert sorted((f.code, f.path) for f in found) == [("A011", "data/a.txt"), ("A011", "data/b.txt")]
    assert all("metadata/dublin-core.csv gives dc.language" in f.message for f in found)


def test_columns_and_elements_it_does_not_know_are_ignored(small_bag):
    """The index may grow: a status column beside each field in the CSV, a dc:description in the XML."""
    index = small_bag / "metadata" / "dublin-core.csv"
    rows = list(csv.reader(io.StringIO(index.read_text(encoding="utf-8"), newline="")))
    widened = [[*row[:2], "dc.title.status" if i == 0 else "extracted", *row[2:]] for i, row in enumerate(rows)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(widened)
    index.write_text(out.getvalue(), encoding="utf-8")
    xml = small_bag / "metadata" / "dublin-core.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace(
        "<dc:type>", "<dc:description>title extracted by rule x</dc:description>\n      <dc:type>"),
        encoding="utf-8")
    retag(small_bag)
    assert validate_path(small_bag).findings == []


def test_a_csv_without_a_value_column_is_a008_once(small_bag):
    index = small_bag / "metadata" / "dublin-core.csv"
    rows = list(csv.reader(io.StringIO(index.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("dc.creator")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([r[:column] + r[column + 1:] for r in rows])
    index.write_text(out.getvalue(), encoding="utf-8")
    retag(small_bag)
    [a008] = validate_path(small_bag).findings
    assert (a008.code, a008.path) == ("A008", "metadata/dublin-core.csv") and "'dc.creator'" in a008.message


def test_evidence_that_is_not_on_its_line_is_a012(small_bag):
    cited = _cited(small_bag)
    assert len(cited) >= 2
    record = _record(small_bag)
    text = record.read_text(encoding="utf-8")
    (_, first), (_, second) = cited[0], cited[1]
    # One cites another line (shifted past the end of the page), one quotes words the page never had.
    text = text.replace(f"- line: {first['line']}\n", "- line: 99\n", 1)
    text = text.replace(json.dumps(second["text"]), '"words the page never held"', 1)
    record.write_text(text, encoding="utf-8")
    retag(small_bag)
    report = validate_path(small_bag)
    assert _found(report) == [("A012", "metadata/provenance/a.txt.yaml")] * 2
    lines = PAGE.count("\n")
    assert any(f"the payload has {lines} lines" in f.message for f in report.findings)
    assert any("'words the page never held'" in f.message for f in report.findings)
    assert run("validate", small_bag).exit_code == 1


def test_a_record_whose_fields_cannot_be_read_is_a010(small_bag):
    record = _record(small_bag)
    head = record.read_text(encoding="utf-8").split("fields:\n", 1)[0]
    record.write_text(head + "fields: [title, outlet]\n", encoding="utf-8")
    retag(small_bag)
    report = validate_path(small_bag)
    assert _found(report) == [("A010", "metadata/provenance/a.txt.yaml")]
    assert "'fields'" in report.findings[0].message


def test_fast_validation_does_not_read_records_or_index(small_bag):
    """Documented in docs/validation.md: the consistency checks run in a full validation only."""
    xml = small_bag / "metadata" / "dublin-core.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace("<dc:type>Text</dc:type>",
                                                           "<dc:type>Image</dc:type>"), encoding="utf-8")
    retag(small_bag)
    assert validate_path(small_bag, fast=True).findings == []
    assert {f.code for f in validate_path(small_bag).findings} == {"A011"}
    assert "A010 to A012" in (REPO / "docs" / "validation.md").read_text(encoding="utf-8")


def test_evidence_the_extractor_folded_is_found_on_its_line(tmp_path):
    """A no-break space the extractor read as a space: the evidence quotes the folded text."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(REPO / "tests" / "corpus" / "noise_nbsp.txt", src / "noise_nbsp.txt")
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    lines = (bag / "data" / "noise_nbsp.txt").read_text(encoding="utf-8").splitlines()
    assert any(ev["text"] not in lines[ev["line"] - 1] for _, ev in _cited(bag, "noise_nbsp.txt"))
    assert validate_path(bag).findings == []


def test_the_fast_record_reader_reads_what_yaml_reads(tmp_path, seeds_copy):
    """Every record of tests/corpus (escaped paths and values included) and an asserted record give
    the same fields and evidence by the fast reader as by PyYAML, and take the fast path; a record in
    another YAML form is read by PyYAML."""
    out = tmp_path / "records"
    assert run("manifest", REPO / "tests" / "corpus", "-o", out, "--quiet").exit_code == 0
    name = "002_925810d536abd4d2.txt"
    overrides = tmp_path / "ov.yaml"
    overrides.write_text(yaml.safe_dump({"overrides": [{
        "path": name, "by": "J. Curator", "note": "print edition",
        "fields": {"outlet": "Islam \"Times\" Print", "byline": "Staff\tWriter"}}]}), encoding="utf-8")
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet", "--overrides", overrides).exit_code == 0
    records = sorted(out.rglob("*.yaml")) + [_record(bag, name)]
    assert len(records) > 100
    for record in records:
        data = record.read_bytes()
        full = yaml.safe_load(data)
        assert read_fields(data) == (full["source"]["encoding"], record_fields(full), record_statuses(full))
        consistency._read_ours(data.decode("utf-8"))           # the fast path, not PyYAML
    assert any(ev for _, ev in record_fields(full)["outlet"][1:])   # the asserted field's extracted evidence
    assert read_fields(data)[2]["outlet"] == ("asserted", "J. Curator")
    assert read_fields(data)[2]["title"][0] == "extracted" and read_fields(data)[2]["title"][1]
    flow = yaml.safe_dump(full, default_flow_style=True).encode()
    assert read_fields(flow) == (full["source"]["encoding"], record_fields(full), record_statuses(full))
    assert validate_path(bag).findings == []


def test_an_edit_hidden_behind_a_commented_copy_of_the_record_is_found(small_bag):
    """The original text of a record, kept in an XML comment before the edited one, fools nothing."""
    xml = small_bag / "metadata" / "dublin-core.xml"
    text = xml.read_text(encoding="utf-8")
    start = text.index('  <idx:record path="data/a.txt">')
    end = text.index("</idx:record>\n", start) + len("</idx:record>\n")
    original = text[start:end]
    edited = original.replace("<dc:type>Text</dc:type>", "<dc:type>Image</dc:type>")
    xml.write_text(text[:start] + f"<!--\n{original}-->\n" + edited + text[end:], encoding="utf-8")
    retag(small_bag)
    [a011] = validate_path(small_bag).findings
    assert (a011.code, a011.path) == ("A011", "data/a.txt") and "dc:type 'Image'" in a011.message


def test_an_index_written_out_by_another_tool_is_compared_by_its_values(small_bag):
    """dublin-core.xml re-serialised (other layout, other prefixes) still agrees; an edit in it is found."""
    import xml.etree.ElementTree as ET
    xml = small_bag / "metadata" / "dublin-core.xml"
    tree = ET.parse(xml)
    tree.write(xml, encoding="utf-8", xml_declaration=True)
    assert "<idx:record" not in xml.read_text(encoding="utf-8")      # another layout indeed
    retag(small_bag)
    assert validate_path(small_bag).findings == []
    for el in tree.iter("{http://purl.org/dc/elements/1.1/}language"):
        el.text = "zz"
    tree.write(xml, encoding="utf-8", xml_declaration=True)
    retag(small_bag)
    found = validate_path(small_bag).findings
    assert sorted((f.code, f.path) for f in found) == [("A011", "data/a.txt"), ("A011", "data/b.txt")]
    assert all("dc:language 'zz'" in f.message for f in found)
