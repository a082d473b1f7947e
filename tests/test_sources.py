"""Where each page came from: --sources (a CSV of path,url,retrieved,rights) and `origin:` in the
overrides reach the record's origin block, dublin-core.xml and dublin-core.csv; files without an
entry lack them; every error is named with its file and line, and nothing is written."""
from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import pytest
import xmlschema
import yaml
from hypothesis import given, settings, strategies as st

from archiver.model import FIELD_NAMES, Field
from archiver.readingroom import item_entry
from archiver.validate import consistency, validate_path
from archiver.validate.consistency import read_record, record_fields, record_origin, record_statuses
from bagbuild import retag
from conftest import SHARED, run, tree_digest

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
IDX = "urn:x-archiver:dc-index:1"
SCHEMAS = SHARED / "schemas" / "dublin-core"

NAMED = "002_925810d536abd4d2.txt"
OTHER = "004_b448aa7393fc9747.txt"
URL = "https://www.islamtimes.org/en/news/1125546/zionist-regime?ref=a&b=1"
RIGHTS = "© Islam Times; kept for research, \"not for resale\""


def write_sources(path, rows, header="path,url,retrieved,rights", bom=True):
    """Write a sources CSV the way a spreadsheet would (UTF-8 with a BOM, CRLF)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        fh.write(header + "\r\n")
        writer = csv.writer(fh, lineterminator="\r\n")
        for row in rows:
            writer.writerow(row)
    return path


def _sources(tmp_path, name="sources.csv"):
    return write_sources(tmp_path / name, [
        [NAMED, URL, "2024-03-29 08:15:00+0330", RIGHTS],
        [OTHER, "http://www.presstv.ir/Detail/2021/05/22/1", "2021-05-23", ""],
    ])


def _record(bag, name):
    return bag / "metadata" / "provenance" / f"{name}.yaml"


def _xml(bag) -> dict[str, dict[str, list[str]]]:
    out = {}
    for rec in ET.parse(bag / "metadata" / "dublin-core.xml").getroot().findall(f"{{{IDX}}}record"):
        values: dict[str, list[str]] = {}
        for el in rec.find(f"{{{OAI_DC}}}dc"):
            values.setdefault(el.tag.split("}")[1], []).append(el.text)
        out[rec.get("path")] = values
    return out


def _csv(bag) -> dict[str, dict[str, str]]:
    with open(bag / "metadata" / "dublin-core.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


@pytest.fixture
def sourced_bag(seeds_copy, tmp_path):
    bag = tmp_path / "bag"
    result = run("bag", seeds_copy, "-o", bag, "--quiet", "--sources", _sources(tmp_path))
    assert result.exit_code == 0, result.stderr
    return bag


def test_values_reach_the_record_the_xml_and_the_csv(sourced_bag):
    origin = yaml.safe_load(_record(sourced_bag, NAMED).read_bytes())["origin"]
    assert origin == {"url": URL, "retrieved": "2024-03-29T08:15:00+03:30", "rights": RIGHTS,
                      "by": "sources file sources.csv"}
    other = yaml.safe_load(_record(sourced_bag, OTHER).read_bytes())["origin"]
    assert other == {"url": "http://www.presstv.ir/Detail/2021/05/22/1", "retrieved": "2021-05-23",
                     "rights": None, "by": "sources file sources.csv"}
    xml = _xml(sourced_bag)[f"data/{NAMED}"]
    assert xml["identifier"] == ["1125546", f"data/{NAMED}", URL]
    assert xml["source"] == [URL] and xml["rights"] == [RIGHTS]
    assert xml["date"] == ["2024-03-28"]          # still the publication date, never the capture time
    assert xml["description"][1] == (f"archiver origin: retrieved 2024-03-29T08:15:00+03:30 from {URL}; "
                                      "stated by sources file sources.csv")
    assert "rights" not in _xml(sourced_bag)[f"data/{OTHER}"]
    row = _csv(sourced_bag)[f"data/{NAMED}"]
    assert (row["dc.source"], row["dc.source.retrieved"], row["dc.rights"]) == (
        URL, "2024-03-29T08:15:00+03:30", RIGHTS)
    assert row["dc.identifier"] == "1125546"       # the story code column keeps the story code
    assert _csv(sourced_bag)[f"data/{OTHER}"]["dc.identifier"] == ""   # not the URL
    assert validate_path(sourced_bag).findings == []


def test_files_without_an_entry_lack_them_and_keep_their_records(sourced_bag, seeds_copy, tmp_path):
    plain = tmp_path / "plain"
    assert run("bag", seeds_copy, "-o", plain, "--quiet").exit_code == 0
    for name in ("000_a1b928136f395d30.txt", "001_0fd100e6b7384ea1.txt", "003_1c081c8094588ba1.txt"):
        assert _record(sourced_bag, name).read_bytes() == _record(plain, name).read_bytes()
        assert "origin" not in yaml.safe_load(_record(sourced_bag, name).read_bytes())
        xml = _xml(sourced_bag)[f"data/{name}"]
        assert xml == _xml(plain)[f"data/{name}"]
        assert "source" not in xml and "rights" not in xml and len(xml["description"]) == 1
        row = _csv(sourced_bag)[f"data/{name}"]
        assert row["dc.source"] == row["dc.source.retrieved"] == row["dc.rights"] == ""


def test_the_xml_stays_valid_oai_dc(sourced_bag):
    schema = xmlschema.XMLSchema(str(SCHEMAS / "oai_dc.xsd"), locations={DC: str(SCHEMAS / "dc.xsd")},
                                 allow="local")
    root = ET.parse(sourced_bag / "metadata" / "dublin-core.xml").getroot()
    for rec in root.findall(f"{{{IDX}}}record"):
        schema.validate(ET.tostring(rec.find(f"{{{OAI_DC}}}dc"), encoding="unicode"))


def test_records_with_an_origin_follow_the_schema(sourced_bag):
    import json

    import jsonschema

    from conftest import REPO
    schema = json.loads((REPO / "archiver" / "schemas" / "provenance-1.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(_record(sourced_bag, NAMED).read_bytes()), schema)
    with pytest.raises(jsonschema.ValidationError):
        doc = yaml.safe_load(_record(sourced_bag, NAMED).read_bytes())
        doc["origin"]["url"] = "javascript:alert(1)"
        jsonschema.validate(doc, schema)


def test_the_same_input_gives_the_same_bag(seeds_copy, tmp_path):
    sources = _sources(tmp_path)
    for out in ("one", "two"):
        assert run("bag", seeds_copy, "-o", tmp_path / out, "--quiet", "--sources", sources).exit_code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_manifest_writes_the_same_records(sourced_bag, seeds_copy, tmp_path):
    sources = tmp_path / "sources.csv"
    assert run("manifest", seeds_copy, "-o", tmp_path / "rec", "--sources", sources).exit_code == 0
    assert (tmp_path / "rec" / f"{NAMED}.yaml").read_bytes() == _record(sourced_bag, NAMED).read_bytes()
    assert run("manifest", seeds_copy, "-o", tmp_path / "rec", "--check", "--sources", sources).exit_code == 0
    assert run("manifest", seeds_copy, "-o", tmp_path / "rec", "--check").exit_code == 1   # origins would go


ROWS_OK = [NAMED, URL, "2024-03-29", "x"]


@pytest.mark.parametrize("header, rows, line, message", [
    ("path,url,retrieved,rights", [ROWS_OK, ["nope.txt", URL, "", ""]], 3, "'nope.txt': no such file in the corpus"),
    ("path,url,retrieved,rights", [ROWS_OK, [NAMED, URL, "", ""]], 3, "named twice (first on line 2)"),
    ("path,url,retrieved,rights", [["../seeds/" + NAMED, URL, "", ""]], 2, "is outside SOURCE"),
    ("path,url,retrieved,rights", [["/etc/passwd", URL, "", ""]], 2, "is outside SOURCE"),
    ("path,url,retrieved,rights", [[NAMED, "javascript:alert(1)", "", ""]], 2, "not an absolute http"),
    ("path,url,retrieved,rights", [[NAMED, "www.islamtimes.org/en/news", "", ""]], 2, "not an absolute http"),
    ("path,url,retrieved,rights", [[NAMED, "ftp://example.org/a", "", ""]], 2, "not an absolute http"),
    ("path,url,retrieved,rights", [[NAMED, "https://exa mple.org/", "", ""]], 2, "not an absolute http"),
    ("path,url,retrieved,rights", [[NAMED, URL, "2024-02-30", ""]], 2, "not a date-time of the calendar"),
    ("path,url,retrieved,rights", [[NAMED, URL, "yesterday", ""]], 2, "not an ISO 8601 date"),
    ("path,url,retrieved,rights", [[NAMED, URL, "2024-03-29T25:00", ""]], 2, "not a date-time of the calendar"),
    ("path,link,when,rights", [ROWS_OK], 1, "expected the header path,url,retrieved,rights"),
    (f"{NAMED},{URL},2024-03-29,x", [], 1, "expected the header path,url,retrieved,rights"),
    ("path,url,retrieved,rights", [[NAMED, URL, "2024-03-29"]], 2, "3 cells where the header has 4"),
])
def test_bad_sources_exit_2_naming_file_and_line_and_write_nothing(seeds_copy, tmp_path, header, rows, line,
                                                                     message):
    sources = write_sources(tmp_path / "sources.csv", rows, header=header)
    for command in (["bag", seeds_copy, "-o", tmp_path / "bag"], ["manifest", seeds_copy, "-o", tmp_path / "rec"]):
        result = run(*command, "--sources", sources)
        assert result.exit_code == 2, result.output
        assert f"{sources}: line {line}: " in result.stderr, result.stderr
        assert message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds", "sources.csv"]


def test_an_empty_or_unreadable_sources_file_is_named(seeds_copy, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--sources", empty)
    assert result.exit_code == 2 and f"{empty}: line 1: empty" in result.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"path,url,retrieved,rights\n" + NAMED.encode() + b",https://a.example/,,\xa9 x\n")
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--sources", latin)
    assert result.exit_code == 2 and f"{latin}: not UTF-8" in result.stderr
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--sources", tmp_path / "missing.csv")
    assert result.exit_code == 2 and "missing.csv" in result.stderr
    assert not (tmp_path / "bag").exists()


def test_blank_rows_and_cells_give_nothing(seeds_copy, tmp_path):
    sources = write_sources(tmp_path / "s.csv", [[NAMED, "", "", ""], [], [OTHER, "", "", "CC BY 4.0"]], bom=False)
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet", "--sources", sources).exit_code == 0
    assert "origin" not in yaml.safe_load(_record(bag, NAMED).read_bytes())
    assert yaml.safe_load(_record(bag, OTHER).read_bytes())["origin"] == {
        "url": None, "retrieved": None, "rights": "CC BY 4.0", "by": "sources file s.csv"}
    xml = _xml(bag)[f"data/{OTHER}"]
    assert xml["rights"] == ["CC BY 4.0"] and "source" not in xml and len(xml["description"]) == 1
    assert validate_path(bag).findings == []


def _overrides(path, origin, fields=None):
    entry = {"path": NAMED, "by": "A. Curator", "origin": origin}
    if fields:
        entry["fields"] = fields
    path.write_text(yaml.safe_dump({"overrides": [entry]}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_overrides_form_states_the_curator(seeds_copy, tmp_path):
    ov = _overrides(tmp_path / "ov.yaml", {"url": URL, "retrieved": "2024-03-29T08:15Z", "rights": RIGHTS})
    bag = tmp_path / "bag"
    result = run("bag", seeds_copy, "-o", bag, "--quiet", "--overrides", ov)
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(_record(bag, NAMED).read_bytes())
    assert doc["origin"] == {"url": URL, "retrieved": "2024-03-29T08:15Z", "rights": RIGHTS, "by": "A. Curator"}
    assert all(f["status"] != "asserted" for f in doc["fields"].values())   # no field was asserted
    xml = _xml(bag)[f"data/{NAMED}"]
    assert xml["source"] == [URL] and xml["description"][1].endswith("; stated by A. Curator")
    assert validate_path(bag).findings == []
    # Beside a sources file that gives another file an origin, both apply.
    sources = write_sources(tmp_path / "s.csv", [[OTHER, "https://www.presstv.ir/x", "", ""]])
    bag2 = tmp_path / "bag2"
    assert run("bag", seeds_copy, "-o", bag2, "--quiet", "--overrides", ov, "--sources", sources).exit_code == 0
    assert _record(bag2, NAMED).read_bytes() == _record(bag, NAMED).read_bytes()
    assert yaml.safe_load(_record(bag2, OTHER).read_bytes())["origin"]["by"] == "sources file s.csv"


def test_an_origin_from_both_files_is_an_error(seeds_copy, tmp_path):
    ov = _overrides(tmp_path / "ov.yaml", {"url": URL})
    sources = write_sources(tmp_path / "s.csv", [[NAMED, "https://elsewhere.example/", "", ""]])
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--overrides", ov, "--sources", sources)
    assert result.exit_code == 2
    assert str(sources) in result.stderr and str(ov) in result.stderr and NAMED in result.stderr
    assert not (tmp_path / "bag").exists()


@pytest.mark.parametrize("origin, message", [
    ({"url": "javascript:alert(1)"}, "not an absolute http"),
    ({"retrieved": "29/03/2024"}, "not an ISO 8601 date"),
    ({"link": URL}, "'origin' must map some of url, retrieved, rights"),
    ({"url": 5}, "'url' must be quoted text"),
])
def test_a_bad_origin_in_the_overrides_is_named(seeds_copy, tmp_path, origin, message):
    ov = _overrides(tmp_path / "ov.yaml", origin)
    result = run("bag", seeds_copy, "-o", tmp_path / "bag", "--overrides", ov)
    assert result.exit_code == 2 and message in result.stderr and f"override for {NAMED!r}" in result.stderr
    assert not (tmp_path / "bag").exists()


def test_a_hand_edited_url_with_recomputed_tag_manifests_is_a011(sourced_bag):
    record = _record(sourced_bag, NAMED)
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f'  url: "{URL}"', '  url: "https://forged.example/page"'), encoding="utf-8")
    retag(sourced_bag)
    assert run("validate", sourced_bag).exit_code == 1
    found = validate_path(sourced_bag).findings
    assert {(f.code, f.path) for f in found} == {("A011", f"data/{NAMED}")}
    messages = " | ".join(f.message for f in found)
    assert "dc:identifier" in messages and "dc:source" in messages and "dc.source" in messages
    assert "https://forged.example/page" in messages


def test_a_hand_edited_rights_in_the_csv_is_a011(sourced_bag):
    path = sourced_bag / "metadata" / "dublin-core.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("research", "any"), encoding="utf-8")
    retag(sourced_bag)
    [a011] = validate_path(sourced_bag).findings
    assert a011.code == "A011" and "dc.rights" in a011.message


def test_an_index_of_an_older_archiver_without_the_new_columns_stays_valid(seeds_copy, tmp_path):
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet").exit_code == 0
    path = bag / "metadata" / "dublin-core.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    keep = [i for i, c in enumerate(rows[0]) if c not in ("dc.source", "dc.source.retrieved", "dc.rights")]
    assert len(keep) == len(rows[0]) - 3
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows([[r[i] for i in keep] for r in rows])
    retag(bag)
    assert validate_path(bag).findings == []


def test_the_fast_record_reader_reads_the_origin_as_yaml_does(sourced_bag, seeds_copy, tmp_path):
    """Records with an origin (escaped values, nulls, an asserted field before it) take the fast path
    and give what PyYAML gives; a record without one gives None."""
    ov = _overrides(tmp_path / "ov.yaml", {"url": URL + "&q=\u00e9t\u00e9", "rights": "a \"b\" \\ c\td"},
                    fields={"outlet": "Islam Times Print"})
    bag = tmp_path / "bag2"
    assert run("bag", seeds_copy, "-o", bag, "--quiet", "--overrides", ov).exit_code == 0
    records = [_record(sourced_bag, NAMED), _record(sourced_bag, OTHER), _record(bag, NAMED),
               _record(bag, OTHER)]
    for record in records:
        data = record.read_bytes()
        full = yaml.safe_load(data)
        consistency._read_ours(data.decode("utf-8"))          # the fast path, not PyYAML
        assert read_record(data)[:3] + read_record(data)[4:] == (
            full["source"]["encoding"], record_fields(full), record_statuses(full), record_origin(full))
    assert read_record(records[2].read_bytes())[4] == {"url": URL + "&q=\u00e9t\u00e9", "retrieved": None,
                                                       "rights": "a \"b\" \\ c\td", "by": "A. Curator"}
    assert read_record(records[3].read_bytes())[4] is None
    flow = yaml.safe_dump(yaml.safe_load(records[2].read_bytes()), default_flow_style=True).encode()
    assert read_record(flow) == read_record(records[2].read_bytes())


def test_update_after_a_changed_sources_file_rewrites_the_records(seeds_copy, tmp_path):
    bag = tmp_path / "bag"
    sources = write_sources(tmp_path / "s.csv", [[NAMED, URL, "2024-03-29", ""]])
    assert run("bag", seeds_copy, "-o", bag, "--quiet", "--sources", sources).exit_code == 0
    write_sources(sources, [[NAMED, "https://www.islamtimes.org/new-address", "2024-03-30", "CC BY"],
                            [OTHER, "https://www.presstv.ir/x", "", ""]])
    result = run("bag", seeds_copy, "-o", bag, "--update", "--sources", sources)
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(_record(bag, NAMED).read_bytes())["origin"]["url"] == "https://www.islamtimes.org/new-address"
    assert yaml.safe_load(_record(bag, OTHER).read_bytes())["origin"]["url"] == "https://www.presstv.ir/x"
    assert _xml(bag)[f"data/{NAMED}"]["rights"] == ["CC BY"]
    assert validate_path(bag).findings == []
    fresh = tmp_path / "fresh"
    assert run("bag", seeds_copy, "-o", fresh, "--quiet", "--sources", sources).exit_code == 0
    assert tree_digest(bag) == tree_digest(fresh)
    # Without --sources, the update drops the origins again.
    assert run("bag", seeds_copy, "-o", bag, "--update", "--quiet").exit_code == 0
    assert "origin" not in yaml.safe_load(_record(bag, NAMED).read_bytes())
    assert validate_path(bag).findings == []


def test_show_prints_the_origin(sourced_bag):
    result = run("show", sourced_bag, NAMED)
    assert result.exit_code == 0
    assert (f"origin: {URL}, retrieved 2024-03-29T08:15:00+03:30, rights \"{RIGHTS}\"  "
            "[stated by sources file sources.csv]") in result.output
    assert "origin:" not in run("show", sourced_bag, "000_a1b928136f395d30.txt").output


def test_the_reading_room_links_http_urls_only(sourced_bag):
    page = (sourced_bag / "metadata" / "reading-room" / "items-0001.html").read_text(encoding="utf-8")
    assert f'<a href="{URL.replace("&", "&amp;")}" rel="noreferrer noopener">source</a>' in page
    fields = {name: Field.unknown() for name in FIELD_NAMES}
    for hostile in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", " https://x.example/"):
        entry = item_entry("a.txt", fields, None, {"url": hostile})
        assert ">source</a>" not in entry and "alert" not in entry and "<script>" not in entry
    entry = item_entry("a.txt", fields, None, {"url": 'https://x.example/"><script>alert(1)</script>'})
    assert "<script>" not in entry and '&quot;&gt;&lt;script&gt;' in entry


origin_text = st.one_of(st.none(), st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))


@settings(max_examples=200, deadline=None)
@given(origin_text, origin_text, origin_text, origin_text.filter(bool))
def test_the_origin_block_is_yaml_and_the_fast_reader_reads_it(url, retrieved, rights, by):
    """Any text in the origin block: the record's fast emitter writes what the generic one writes, and
    the validator's fast reader gives what PyYAML gives (so A011 compares the same values)."""
    from archiver import yamlout
    from archiver.provenance import ProvenanceRecord
    fields = {name: Field.unknown() for name in FIELD_NAMES}
    origin = {"url": url, "retrieved": retrieved, "rights": rights, "by": by}
    rec = ProvenanceRecord("a.txt", 1, "a" * 64, "b" * 128, "utf-8", fields, origin=origin)
    data = rec.to_yaml()
    assert data == yamlout.dump(rec.to_dict())
    doc = yaml.safe_load(data)
    assert doc["origin"] == origin == record_origin(doc)
    consistency._read_ours(data.decode("utf-8"))
    assert read_record(data)[4] == origin


def test_the_served_oai_records_carry_the_origin_as_the_index_does(sourced_bag):
    """OAI-PMH builds its records from the provenance records: the same elements as dublin-core.xml."""
    import threading
    import urllib.request

    from archiver.bagreader import open_bag
    from archiver.serve.app import make_server
    with open_bag(sourced_bag) as reader:
        server = make_server(reader, "127.0.0.1", 0, log=lambda _line: None, page_size=100)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with urllib.request.urlopen(server.base_url + "/oai?verb=ListRecords&metadataPrefix=oai_dc",
                                        timeout=10) as resp:
                body = resp.read()
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)
    served = {}
    for dc in ET.fromstring(body).iter(f"{{{OAI_DC}}}dc"):
        values: dict[str, list[str]] = {}
        for el in dc:
            values.setdefault(el.tag.split("}")[1], []).append(el.text)
        served[next(v for v in values["identifier"] if v.startswith("data/"))] = values
    assert served[f"data/{NAMED}"]["source"] == [URL] and served[f"data/{NAMED}"]["rights"] == [RIGHTS]
    assert served == _xml(sourced_bag)
