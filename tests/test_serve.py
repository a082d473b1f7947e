"""`archiver serve`: a real OAI-PMH harvest (sickle) across resumption tokens, every OAI response
valid against the OAI-PMH 2.0 and oai_dc schemas (offline, tests/schemas/), each protocol error from a
bad request, the JSON API and payload text, and the server's safety: no traversal, no link followed,
nothing outside the bag opened, read-only."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import sys
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from sickle import Sickle
from sickle.oaiexceptions import BadResumptionToken, NoRecordsMatch

from archiver.bagreader import open_bag
from archiver.serve.app import make_server
from archiver.serve.index import outlet_set
from conftest import run

SCHEMAS = Path(__file__).resolve().parent / "schemas"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
IDX = "urn:x-archiver:dc-index:1"
CORPUS = Path(__file__).resolve().parent / "corpus"
DATESTAMP = "2023-11-14"            # SOURCE_DATE_EPOCH 1700000000 (conftest) as the Bagging-Date


# ---------------------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def schemas():
    oai = xmlschema.XMLSchema(str(SCHEMAS / "OAI-PMH.xsd"), allow="local")
    # oai_dc.xsd imports dc.xsd by URL: mapped to the local copy (dc.xsd's xml.xsd is xmlschema's own).
    dc = xmlschema.XMLSchema(str(SCHEMAS / "oai_dc.xsd"), locations={DC: str(SCHEMAS / "dc.xsd")}, allow="local")
    return oai, dc


def validate(schemas, body: bytes) -> ET.Element:
    """Validate one OAI-PMH response and every oai_dc record in it; return its root."""
    oai, dc = schemas
    oai.validate(body.decode("utf-8"))       # <metadata> is processContents="skip": its dc checked below
    root = ET.fromstring(body)
    for record in root.iter(f"{{{OAI_DC}}}dc"):
        dc.validate(ET.tostring(record, encoding="unicode"))
    return root


class Served:
    """A server on 127.0.0.1, port 0, in a thread; counts the requests it answered."""

    def __init__(self, bag, page_size: int):
        self.requests: list[str] = []
        self._stack = contextlib.ExitStack()
        reader = self._stack.enter_context(open_bag(bag))
        self.server = make_server(reader, "127.0.0.1", 0, log=self.requests.append, page_size=page_size)
        self.index = self.server.index
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = self.server.base_url
        self.oai = self.base + "/oai"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        self._stack.close()

    def get(self, path: str, method: str = "GET", body: bytes | None = None):
        """(status, headers, body) of one request sent as given (the path is not normalised)."""
        host, port = self.server.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=10)
        try:
            conn.request(method, path, body=body)
            resp = conn.getresponse()
            data = resp.read()
            ctype = resp.getheader("Content-Type") or ""
            # Every response says its type, and every text type its charset.
            assert ctype, path
            if not ctype.startswith("application/octet-stream"):
                assert "charset=" in ctype, (path, ctype)
            return resp.status, resp, data
        finally:
            conn.close()

    def oai_get(self, schemas, **params) -> ET.Element:
        status, resp, body = self.get("/oai?" + urllib.parse.urlencode(params))
        assert status == 200 and resp.getheader("Content-Type") == "text/xml; charset=utf-8"
        return validate(schemas, body)


@contextlib.contextmanager
def serving(bag, page_size: int = 100):
    s = Served(bag, page_size)
    try:
        yield s
    finally:
        s.close()


def error_code(root: ET.Element) -> str | None:
    err = root.find(f"{{{OAI}}}error")
    return None if err is None else err.get("code")


def bag_titles(bag: Path) -> dict[str, str]:
    """{payload path: dc:title or ""} from the bag's own dublin-core.xml (read without the server)."""
    root = ET.parse(bag / "metadata" / "dublin-core.xml").getroot()
    out = {}
    for rec in root.findall(f"{{{IDX}}}record"):
        title = rec.find(f"{{{OAI_DC}}}dc/{{{DC}}}title")
        out[rec.get("path")] = title.text if title is not None else ""
    return out


def bag_publishers(bag: Path) -> dict[str, str | None]:
    root = ET.parse(bag / "metadata" / "dublin-core.xml").getroot()
    out = {}
    for rec in root.findall(f"{{{IDX}}}record"):
        pub = rec.find(f"{{{OAI_DC}}}dc/{{{DC}}}publisher")
        out[rec.get("path")] = pub.text if pub is not None else None
    return out


class ValidatingSickle(Sickle):
    """sickle, with every response it receives validated against the schemas."""

    def __init__(self, endpoint, schemas, **kwargs):
        super().__init__(endpoint, max_retries=0, timeout=30, **kwargs)
        self.schemas = schemas
        self.responses = 0

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        validate(self.schemas, response.raw.encode("utf-8"))
        self.responses += 1
        return response


def harvest(served: Served, schemas, **params) -> tuple[dict[str, str], int]:
    """({identifier: title or ""} of a complete ListRecords harvest, number of responses)."""
    client = ValidatingSickle(served.oai, schemas)
    out = {}
    for record in client.ListRecords(metadataPrefix="oai_dc", **params):
        ident = record.header.identifier
        assert ident not in out, f"{ident} harvested twice"
        out[ident] = (record.metadata.get("title") or [""])[0]
        assert record.header.datestamp == DATESTAMP
    return out, client.responses


@pytest.fixture(scope="module")
def seeds_bag(tmp_path_factory):
    """The seeds bagged once for the module (5 files: 2 with a known outlet, 3 without)."""
    root = tmp_path_factory.mktemp("seedsbag")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        src = root / "seeds"
        shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", src)
        assert run("bag", src, "-o", root / "bag", "--quiet").exit_code == 0
    return root / "bag"


def generate(dest: Path, n: int) -> Path:
    """n distinct text files, copies of tests/corpus's pages (many outlets, scripts and encodings)
    each with a line of its own, in folders of 1,000."""
    sources = sorted(CORPUS.glob("*.txt"))
    for i in range(n):
        f = sources[i % len(sources)]
        d = dest / f"d{i // 1000:03d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{i:05d}_{f.name}").write_bytes(f.read_bytes() + f"\n\nArchive copy {i}\n".encode())
    return dest


# ---------------------------------------------------------------------------------------- harvests

def test_a_complete_harvest_with_sickle_across_resumption_tokens(seeds_bag, schemas):
    with serving(seeds_bag, page_size=2) as s:
        harvested, responses = harvest(s, schemas)
    titles = bag_titles(seeds_bag)
    assert harvested == {f"oai:archiver:{path}": title for path, title in titles.items()}
    assert len(harvested) == 5 and responses == 3          # 2 + 2 + 1: two resumption tokens


def generated_bag(tmp_path: Path, n: int) -> tuple[Path, dict[str, str]]:
    """A bag of `n` generated files, and its {payload path: title} from its own dublin-core.xml."""
    src = generate(tmp_path / "big", n)
    assert run("bag", src, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    titles = bag_titles(tmp_path / "bag")
    assert len(titles) == n
    return tmp_path / "bag", titles


def test_a_generated_bag_of_2500_files_harvests_completely(tmp_path, schemas):
    _bag, titles = generated_bag(tmp_path, 2500)
    with serving(tmp_path / "bag", page_size=400) as s:
        harvested, responses = harvest(s, schemas)
        assert responses == 7                                # ceil(2500 / 400)
        assert harvested == {s.index.identifier(s.index.item(p)): t for p, t in titles.items()}
        # Each outlet's set holds exactly the records whose dc:publisher is that outlet.
        publishers = bag_publishers(tmp_path / "bag")
        sets = s.oai_get(schemas, verb="ListSets").findall(f".//{{{OAI}}}setSpec")
        specs = [e.text for e in sets]
        assert "outlet" in specs and len(specs) > 10
        for spec in specs[1:4] + specs[-2:]:
            got, _ = harvest(s, schemas, set=spec)
            want = {p for p, pub in publishers.items() if pub is not None and outlet_set(pub) == spec}
            assert want and set(got) == {s.index.identifier(s.index.item(p)) for p in want}
        known, _ = harvest(s, schemas, set="outlet")
        assert len(known) == sum(pub is not None for pub in publishers.values()) < 2500


def test_a_bag_of_20000_files_harvests_completely_with_every_response_schema_valid(tmp_path, schemas):
    """Issue 15: a real harvester (sickle) harvests a 20,000-file bag completely across resumption
    tokens; every response it receives is validated against the OAI-PMH and oai_dc schemas."""
    bag, titles = generated_bag(tmp_path, 20000)
    with serving(bag, page_size=1000) as s:
        harvested, responses = harvest(s, schemas)
        assert responses == 20                               # 19 resumption tokens
        assert harvested == {s.index.identifier(s.index.item(p)): t for p, t in titles.items()}


def test_a_zip_bag_is_served_from_its_archive(seeds_copy, tmp_path, schemas):
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--archive", "zip", "--quiet").exit_code == 0
    with serving(tmp_path / "bag.zip", page_size=100) as s:
        root = s.oai_get(schemas, verb="ListIdentifiers", metadataPrefix="oai_dc")
        assert len(root.findall(f".//{{{OAI}}}header")) == 5
        assert root.find(f".//{{{OAI}}}resumptionToken") is None      # one page: no token at all


# ---------------------------------------------------------------------------------------- the verbs

def test_identify_list_metadata_formats_and_get_record(seeds_bag, schemas):
    with serving(seeds_bag) as s:
        ident = s.oai_get(schemas, verb="Identify").find(f"{{{OAI}}}Identify")
        assert ident.findtext(f"{{{OAI}}}baseURL") == s.oai
        assert ident.findtext(f"{{{OAI}}}earliestDatestamp") == DATESTAMP
        assert ident.findtext(f"{{{OAI}}}granularity") == "YYYY-MM-DD"
        formats = s.oai_get(schemas, verb="ListMetadataFormats")
        assert [e.text for e in formats.iter(f"{{{OAI}}}metadataPrefix")] == ["oai_dc"]
        path = "data/002_925810d536abd4d2.txt"
        one = s.oai_get(schemas, verb="ListMetadataFormats", identifier=f"oai:archiver:{path}")
        assert error_code(one) is None
        rec = s.oai_get(schemas, verb="GetRecord", identifier=f"oai:archiver:{path}", metadataPrefix="oai_dc")
        assert rec.findtext(f".//{{{DC}}}title") == bag_titles(seeds_bag)[path]
        assert [e.text for e in rec.iter(f"{{{OAI}}}setSpec")] == ["outlet", "outlet:islam-times"]
    # The record is the bag's own oai_dc for that file, element for element.
    idx = ET.parse(seeds_bag / "metadata" / "dublin-core.xml").getroot()
    want = next(r for r in idx.findall(f"{{{IDX}}}record") if r.get("path") == path).find(f"{{{OAI_DC}}}dc")
    got = rec.find(f".//{{{OAI_DC}}}dc")
    assert [(e.tag, e.text) for e in got] == [(e.tag, e.text) for e in want]


def test_sets_and_from_until_filter(seeds_bag, schemas):
    with serving(seeds_bag) as s:
        specs = {e.findtext(f"{{{OAI}}}setSpec"): e.findtext(f"{{{OAI}}}setName")
                 for e in s.oai_get(schemas, verb="ListSets").iter(f"{{{OAI}}}set")}
        assert specs == {"outlet": "Items with a known outlet", "outlet:islam-times": "Islam Times",
                         "outlet:press-tv": "Press TV"}

        def ids(**kw):
            root = s.oai_get(schemas, verb="ListIdentifiers", metadataPrefix="oai_dc", **kw)
            if error_code(root):
                return error_code(root)
            return sorted(e.text.rsplit(":", 1)[1] for e in root.iter(f"{{{OAI}}}identifier"))

        assert ids(set="outlet:press-tv") == ["data/004_b448aa7393fc9747.txt"]
        assert ids(set="outlet") == ["data/002_925810d536abd4d2.txt", "data/004_b448aa7393fc9747.txt"]
        assert ids(set="outlet:bbc-news") == "noRecordsMatch"
        assert len(ids()) == 5
        assert len(ids(**{"from": DATESTAMP, "until": DATESTAMP})) == 5
        assert len(ids(**{"from": "2023-11-01", "until": "2023-12-01"})) == 5
        assert ids(**{"from": "2023-11-15"}) == "noRecordsMatch"
        assert ids(until="2023-11-13") == "noRecordsMatch"
        assert ids(set="outlet:islam-times", until="2023-11-13") == "noRecordsMatch"


def test_outlet_slugs_are_stable_and_distinct():
    assert outlet_set("Islam Times") == "outlet:islam-times"
    assert outlet_set("Agence France-Presse") == "outlet:agence-france-presse"
    arabic = outlet_set("الجزيرة")
    assert arabic.startswith("outlet:") and len(arabic) == len("outlet:") + 8 and arabic == outlet_set("الجزيرة")
    assert outlet_set("Le Monde") != outlet_set("Le Mondé")


# ---------------------------------------------------------------------------------------- errors

BAD = [
    ({}, "badVerb"),
    ({"verb": "ListEverything"}, "badVerb"),
    ([("verb", "Identify"), ("verb", "Identify")], "badVerb"),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:archiver:data/002_925810d536abd4d2.txt"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2023-13-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2023-11-14T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2023-11-15", "until": "2023-11-14"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "outlet"), ("set", "outlet")], "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "oai:archiver:data/002_925810d536abd4d2.txt", "metadataPrefix": "mods"},
     "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "oai:archiver:data/nope.txt", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": "oai:archiver:data/../bagit.txt", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "oai:other:data/002_925810d536abd4d2.txt"}, "idDoesNotExist"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "outlet:nowhere"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
]


def test_each_bad_request_gets_its_protocol_error(seeds_bag, schemas):
    with serving(seeds_bag) as s:
        for params, code in BAD:
            root = s.oai_get(schemas, **dict(params)) if isinstance(params, dict) else \
                validate(schemas, s.get("/oai?" + urllib.parse.urlencode(params))[2])
            assert error_code(root) == code, params
            request = root.find(f"{{{OAI}}}request")
            if code in ("badVerb", "badArgument"):
                assert request.attrib == {}, params       # spec §3.6: no attributes after these two
        # sickle maps the codes to its exceptions, as a harvester sees them.
        client = ValidatingSickle(s.oai, schemas)
        with pytest.raises(NoRecordsMatch):
            next(iter(client.ListRecords(metadataPrefix="oai_dc", set="outlet:nowhere")))


def test_a_stale_or_foreign_resumption_token_is_refused(seeds_copy, tmp_path, schemas):
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    with serving(tmp_path / "bag", page_size=2) as s:
        first = s.oai_get(schemas, verb="ListRecords", metadataPrefix="oai_dc")
        token = first.findtext(f".//{{{OAI}}}resumptionToken")
        assert token
        assert error_code(s.oai_get(schemas, verb="ListRecords", resumptionToken=token)) is None
        # A token is for the verb it was issued for.
        assert error_code(s.oai_get(schemas, verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"
    # The bag changes (one more file, bag updated): the old token is stale.
    (seeds_copy / "extra.txt").write_text("An extra page\n\nSome text.\n", encoding="utf-8")
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--update", "--quiet").exit_code == 0
    with serving(tmp_path / "bag", page_size=2) as s:
        assert error_code(s.oai_get(schemas, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
        client = ValidatingSickle(s.oai, schemas)
        with pytest.raises(BadResumptionToken):
            next(iter(client.ListRecords(resumptionToken=token)))


def test_no_set_hierarchy_and_no_metadata_formats(tmp_path, schemas):
    src = tmp_path / "plain"
    src.mkdir()
    for i in range(3):
        (src / f"note{i}.txt").write_text(f"note {i}\n", encoding="utf-8")
    assert run("bag", src, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    (tmp_path / "bag" / "metadata" / "provenance" / "note1.txt.yaml").unlink()      # an unreadable record
    with serving(tmp_path / "bag") as s:
        assert error_code(s.oai_get(schemas, verb="ListSets")) == "noSetHierarchy"
        assert error_code(s.oai_get(schemas, verb="ListRecords", metadataPrefix="oai_dc", set="outlet")) \
            == "noSetHierarchy"
        ident = "oai:archiver:data/note1.txt"
        assert error_code(s.oai_get(schemas, verb="ListMetadataFormats", identifier=ident)) == "noMetadataFormats"
        assert error_code(s.oai_get(schemas, verb="GetRecord", identifier=ident, metadataPrefix="oai_dc")) \
            == "cannotDisseminateFormat"
        listed = s.oai_get(schemas, verb="ListIdentifiers", metadataPrefix="oai_dc")
        assert [e.text for e in listed.iter(f"{{{OAI}}}identifier")] == ["oai:archiver:data/note0.txt",
                                                                        "oai:archiver:data/note2.txt"]


def test_repository_identifier_comes_from_bag_info(seeds_copy, tmp_path, schemas):
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--external-identifier", "Seeds Corpus 2024/1",
               "--contact-email", "curator@example.org", "--quiet").exit_code == 0
    with serving(tmp_path / "bag") as s:
        root = s.oai_get(schemas, verb="ListIdentifiers", metadataPrefix="oai_dc")
        idents = [e.text for e in root.iter(f"{{{OAI}}}identifier")]
        assert idents[0] == "oai:seeds-corpus-2024-1:data/000_a1b928136f395d30.txt"
        ident = s.oai_get(schemas, verb="Identify")
        assert ident.findtext(f".//{{{OAI}}}adminEmail") == "curator@example.org"
        assert ident.findtext(f".//{{{OAI}}}repositoryName") == "Seeds Corpus 2024/1"


# ---------------------------------------------------------------------------------------- the rest

def test_json_api_pages_and_records(seeds_bag):
    with serving(seeds_bag) as s:
        seen, url = [], "/api/items?per_page=2"
        while url:
            status, resp, body = s.get(url)
            assert status == 200 and resp.getheader("Content-Type") == "application/json; charset=utf-8"
            doc = json.loads(body)
            assert doc["total"] == 5 and doc["pages"] == 3
            seen += [item["path"] for item in doc["items"]]
            url = doc["next"]
        assert seen == sorted(bag_titles(seeds_bag))
        for bad in ("/api/items?page=0", "/api/items?per_page=5000", "/api/items?page=x"):
            assert s.get(bad)[0] == 400, bad
        assert s.get("/api/items?page=4&per_page=2")[0] == 404
        # One record: what `archiver show --format json` prints for the same file.
        status, _resp, body = s.get("/api/items/data/002_925810d536abd4d2.txt")
        assert status == 200
        shown = run("show", seeds_bag, "002_925810d536abd4d2.txt", "--format", "json")
        assert json.loads(body) == json.loads(shown.stdout)
        assert s.get("/api/items/002_925810d536abd4d2.txt")[2] == body
        assert s.get("/api/items/data/nope.txt")[0] == 404


def test_reading_room_and_payload_text_as_in_the_bag(seeds_bag):
    with serving(seeds_bag) as s:
        status, resp, _ = s.get("/")
        assert status == 303 and resp.getheader("Location") == "/metadata/index.html"
        for rel in ("metadata/index.html", "metadata/reading-room/items-0001.html"):
            status, resp, body = s.get("/" + rel)
            assert status == 200 and resp.getheader("Content-Type") == "text/html; charset=utf-8"
            assert body == (seeds_bag / rel).read_bytes()
        status, resp, body = s.get("/data/002_925810d536abd4d2.txt")
        assert status == 200 and resp.getheader("Content-Type") == "text/plain; charset=utf-8"
        assert body == (seeds_bag / "data/002_925810d536abd4d2.txt").read_bytes()
        status, resp, body = s.get("/data/002_925810d536abd4d2.txt", method="HEAD")
        assert status == 200 and body == b"" and int(resp.getheader("Content-Length")) > 0


def test_payload_charset_is_the_records(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "latin.txt").write_bytes("Caf\u00e9 cr\u00e8me \u2014 d\u00e9j\u00e0 vu, na\u00efve r\u00e9sum\u00e9\n".encode("cp1252") * 3)
    assert run("bag", src, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    with serving(tmp_path / "bag") as s:
        status, resp, body = s.get("/data/latin.txt")
        assert status == 200 and resp.getheader("Content-Type") == "text/plain; charset=windows-1252"
        assert body == (src / "latin.txt").read_bytes()


def test_a_bag_without_reading_room_gets_one_rendered(seeds_copy, tmp_path):
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet").exit_code == 0
    want_index = (bag / "metadata/index.html").read_bytes()
    want_page = (bag / "metadata/reading-room/items-0001.html").read_bytes()
    (bag / "metadata/index.html").unlink()
    shutil.rmtree(bag / "metadata/reading-room")
    with serving(bag) as s:
        status, resp, body = s.get("/metadata/index.html")
        assert status == 200 and resp.getheader("Content-Type") == "text/html; charset=utf-8"
        # Rendered from the records and payload text, it is the page the bag writer made.
        assert body == want_index
        assert s.get("/metadata/reading-room/items-0001.html")[2] == want_page


# ---------------------------------------------------------------------------------------- safety

@pytest.fixture
def planted(seeds_copy, tmp_path):
    """A bag with symbolic links planted in it, pointing at a secret outside it."""
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet").exit_code == 0
    secret_dir = tmp_path / "outside"
    secret_dir.mkdir()
    (secret_dir / "secret.txt").write_text("TOPSECRET\n", encoding="utf-8")
    os.symlink(secret_dir / "secret.txt", bag / "data" / "link.txt")
    os.symlink(secret_dir, bag / "metadata" / "linked-dir")
    os.symlink(secret_dir / "secret.txt", bag / "metadata" / "page.html")
    return bag, secret_dir


def test_traversal_links_and_absolute_paths_get_404_and_nothing_outside_is_opened(planted):
    bag, secret_dir = planted
    opened: list[str] = []
    watching = threading.Event()

    def hook(event, args):
        if watching.is_set() and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)     # cannot be removed; it records only while `watching` is set
    attempts = ["/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/data/%2e%2e/%2e%2e/outside/secret.txt",
                "/data/..%2f..%2foutside%2fsecret.txt", "/%2e%2e%2foutside%2fsecret.txt",
                f"/{secret_dir}/secret.txt", f"/{urllib.parse.quote(str(secret_dir), safe='')}%2fsecret.txt",
                "//etc/passwd", "/%2Fetc%2Fpasswd", "/data/link.txt", "/metadata/linked-dir/secret.txt",
                "/metadata/page.html", "/api/items/data/link.txt", "/api/items/..%2F..%2Foutside%2Fsecret.txt",
                "/data/./002_925810d536abd4d2.txt", "/data//002_925810d536abd4d2.txt", "/data/%00",
                "/data/%ff%fe", "/data\\..\\bagit.txt", "http://example.org/bagit.txt"]
    with serving(bag) as s:
        watching.set()
        try:
            for path in attempts:
                status, _resp, body = s.get(path)
                assert status in (400, 404), path
                assert b"TOPSECRET" not in body, path
            assert s.get("/data/002_925810d536abd4d2.txt")[0] == 200      # a file in the bag is opened
            api = json.loads(s.get("/api/items?per_page=1000")[2])
            assert "data/link.txt" not in [i["path"] for i in api["items"]]
            root = ET.fromstring(s.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")[2])
            assert not any("link.txt" in e.text for e in root.iter(f"{{{OAI}}}identifier"))
        finally:
            watching.clear()
    assert opened, "the audit hook saw no open at all: it would not see one outside either"
    assert any(p.endswith("002_925810d536abd4d2.txt") for p in opened)
    outside = [p for p in opened if Path(p).resolve().is_relative_to(secret_dir.resolve())
               or not Path(p).resolve().is_relative_to(bag.resolve())]
    assert not outside


def test_read_only_every_other_method_gets_405(seeds_bag):
    with serving(seeds_bag) as s:
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "BREW"):
            status, resp, _ = s.get("/oai", method=method, body=b"verb=Identify")
            assert status == 405, method
            assert resp.getheader("Allow") == "GET, HEAD, POST"
        status, resp, _ = s.get("/metadata/index.html", method="POST", body=b"x=1")
        assert status == 405 and resp.getheader("Allow") == "GET, HEAD"
        assert s.get("/oai?verb=Identify")[0] == 200


def test_oai_requests_by_post_answer_as_by_get(seeds_bag, schemas):
    """OAI-PMH 2.0 section 3.1.1.2: a repository must support POST, arguments form-encoded."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with serving(seeds_bag) as s:
        host, port = s.server.server_address[:2]
        for params in ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, {"verb": "Nonsense"}):
            query = urllib.parse.urlencode(params)
            conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("POST", "/oai", body=query.encode(), headers=form)
            resp = conn.getresponse()
            posted = resp.read()
            conn.close()
            assert resp.status == 200
            validate(schemas, posted)
            got = s.get("/oai?" + query)[2]
            strip = lambda b: re.sub(rb"<responseDate>[^<]*</responseDate>", b"", b)  # noqa: E731
            assert strip(posted) == strip(got)
        status, _, _ = s.get("/oai", method="POST", body=b"verb=Identify")     # no form type
        assert status == 400


def test_default_host_is_loopback_only():
    from archiver.cli import serve_command
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_names_with_spaces_accents_and_percent_round_trip(tmp_path, schemas):
    src = tmp_path / "src"
    (src / "\u00e9t\u00e9 2024").mkdir(parents=True)
    names = ["\u00e9t\u00e9 2024/T\u00eate \u00e0 t\u00eate.txt", "100% sure #1?.txt"]
    for name in names:
        (src / name).write_text(f"A page called {name}\n\nSome text.\n", encoding="utf-8")
    assert run("bag", src, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    with serving(tmp_path / "bag") as s:
        harvested, _ = harvest(s, schemas)
        assert len(harvested) == 2
        for ident in harvested:
            assert ident.isascii() and " " not in ident
            root = s.oai_get(schemas, verb="GetRecord", identifier=ident, metadataPrefix="oai_dc")
            path = urllib.parse.unquote(ident.split(":", 2)[2])
            assert path in {"data/" + n for n in names}
            # dc:identifier holds the path as dublin-core.xml does (RFC 8493's %25 for "%").
            assert [e.text for e in root.iter(f"{{{DC}}}identifier")][-1] == path.replace("%", "%25")
            quoted = urllib.parse.quote(path)
            status, _resp, body = s.get("/" + quoted)
            assert status == 200 and body == (tmp_path / "bag" / path).read_bytes()
            assert json.loads(s.get("/api/items/" + quoted)[2])["payload"] == path


def test_cli_refuses_a_missing_bag_and_a_taken_port(seeds_bag, tmp_path):
    result = run("serve", tmp_path / "nothing-here")
    assert result.exit_code == 2 and "no such file or directory" in result.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("serve", seeds_bag, "--port", taken.getsockname()[1])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.stderr


def test_an_outlet_named_in_arabic_has_a_valid_set(seeds_copy, tmp_path, schemas):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text('overrides:\n  - path: 000_a1b928136f395d30.txt\n    by: "A. Curator"\n'
                         '    fields:\n      outlet: "\u0627\u0644\u062c\u0632\u064a\u0631\u0629"\n', encoding="utf-8")
    assert run("bag", seeds_copy, "-o", tmp_path / "bag", "--overrides", overrides, "--quiet").exit_code == 0
    spec = outlet_set("\u0627\u0644\u062c\u0632\u064a\u0631\u0629")
    with serving(tmp_path / "bag") as s:
        sets = {e.findtext(f"{{{OAI}}}setSpec"): e.findtext(f"{{{OAI}}}setName")
                for e in s.oai_get(schemas, verb="ListSets").iter(f"{{{OAI}}}set")}
        assert sets[spec] == "\u0627\u0644\u062c\u0632\u064a\u0631\u0629"      # valid against setSpecType
        got, _ = harvest(s, schemas, set=spec)
        assert list(got) == ["oai:archiver:data/000_a1b928136f395d30.txt"]
