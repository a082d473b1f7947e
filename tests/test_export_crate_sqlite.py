"""`archiver export --to ro-crate` and `--to sqlite`, from the outside: real bags built by `archiver
bag` from the seeds (one value asserted by a curator, one file in Windows-1251), exported by the CLI
and by `archiver.export.export`, read back with ro-crate-py, sqlite3 and sqlite-utils."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import sys

import pytest
import sqlite_utils
import yaml
from rocrate.rocrate import ROCrate

from archiver import __version__
from archiver.export import export
from conftest import REPO, run, tree_digest

ASSERTED = "002_925810d536abd4d2.txt"      # Islam Times, 2024; outlet asserted below
PRESS_TV = "004_b448aa7393fc9747.txt"       # Press TV, 2021
BYLINE = "001_0fd100e6b7384ea1.txt"         # byline "Staff, Agencies"
RUSSIAN = "005_cp1251.txt"
CONTEXT_1_1 = "https://w3id.org/ro/crate/1.1/context"
RUSSIAN_TEXT = ("Новости дня\n\nМосква, 5 мая 2023 года. Правительство объявило о строительстве "
                "нового моста через реку.\n")


@pytest.fixture
def bag(seeds_copy, tmp_path):
    (seeds_copy / RUSSIAN).write_bytes(RUSSIAN_TEXT.encode("cp1251"))
    sha = hashlib.sha256((seeds_copy / ASSERTED).read_bytes()).hexdigest()
    ov = tmp_path / "ov.yaml"
    ov.write_text(yaml.safe_dump({"overrides": [{
        "path": ASSERTED, "sha256": sha, "by": "J. Curator", "note": "Checked against the print edition",
        "fields": {"outlet": "Islam Times Print"}}]}, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "bag"
    result = run("bag", seeds_copy, "-o", out, "--quiet", "--overrides", ov)
    assert result.exit_code == 0, result.stderr
    return out


# -- RO-Crate -------------------------------------------------------------------------------------------
def test_crate_holds_the_payload_and_what_is_known_of_each_file(bag, tmp_path):
    dest = tmp_path / "crate"
    result = run("export", bag, "--to", "ro-crate", dest)
    assert result.exit_code == 0, result.stderr
    payload = sorted(p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file())
    assert len(payload) == 6
    for rel in payload:                                   # byte-identical, at the bag's paths
        assert (dest / rel).read_bytes() == (bag / rel).read_bytes()

    crate = ROCrate(dest)
    root = crate.root_dataset
    assert root["datePublished"] == "2023-11-14T22:13:20+00:00"          # SOURCE_DATE_EPOCH=1700000000
    assert root["name"] and root["description"]
    assert root["license"].id == "#license-not-stated" and "states no licence" in root["license"]["description"]
    assert sorted(e.id for e in root["hasPart"]) == payload
    metadata = json.loads((dest / "ro-crate-metadata.json").read_bytes())
    assert metadata["@context"] == [CONTEXT_1_1, {"sha256": "http://schema.org/sha256"}] and crate.version == "1.1"

    art = crate.dereference(f"data/{ASSERTED}")
    data = (bag / "data" / ASSERTED).read_bytes()
    assert art.type == ["File", "NewsArticle"]
    assert art["name"] == "Zionist Regime Unable to Defeat Resistance Forces: Ayatollah Khamenei"
    assert art["datePublished"] == "2024-03-28"          # no zone stated: W3CDTF keeps the date only
    assert art["identifier"] == "1125546"
    assert art["sha256"] == hashlib.sha256(data).hexdigest()
    assert art["contentSize"] == str(len(data))
    assert art["encodingFormat"] == "text/plain;charset=utf-8"
    publisher = art["publisher"]
    assert publisher.type == "Organization" and publisher["name"] == "Islam Times Print"
    assert "author" not in art                             # unknown: left out, never "unknown"

    assert crate.dereference(f"data/{BYLINE}")["author"] == "Staff, Agencies"
    assert crate.dereference(f"data/{PRESS_TV}")["publisher"]["name"] == "Press TV"
    assert crate.dereference(f"data/{RUSSIAN}")["encodingFormat"] == "text/plain;charset=windows-1251"

    actions = {a["result"].id: a for a in crate.get_by_type("CreateAction")}
    assert sorted(actions) == payload
    act = actions[f"data/{ASSERTED}"]
    assert act["instrument"].type == "SoftwareApplication"
    assert act["instrument"]["softwareVersion"] == __version__
    assert "outlet: asserted (by J. Curator)" in act["description"]
    assert "title: extracted (rule title.header-line)" in act["description"]
    assert "byline: unknown" in act["description"]


def test_crate_states_the_licence_the_bag_gives(bag, tmp_path):
    with open(bag / "bag-info.txt", "a", encoding="utf-8") as fh:
        fh.write("License: https://creativecommons.org/licenses/by/4.0/\n")
    crate = ROCrate(export(bag, "ro-crate", tmp_path / "crate"))
    assert crate.root_dataset["license"].id == "https://creativecommons.org/licenses/by/4.0/"
    assert crate.dereference("#license-not-stated") is None


def test_crate_is_the_same_bytes_for_the_same_bag(bag, tmp_path, monkeypatch):
    first = tree_digest(export(bag, "ro-crate", tmp_path / "a"))
    assert first == tree_digest(export(bag, "ro-crate", tmp_path / "b"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH")                # then the Bagging-Date is the date
    c = export(bag, "ro-crate", tmp_path / "c")
    d = export(bag, "ro-crate", tmp_path / "d")
    assert tree_digest(c) == tree_digest(d)
    assert ROCrate(c).root_dataset["datePublished"] == "2023-11-14T00:00:00+00:00"
    assert tree_digest(c) != first                         # the date is the only difference …
    assert {k for k in first if first[k] != tree_digest(c)[k]} == {"ro-crate-metadata.json"}


def _offline_context_cache(path):
    """An HTTP cache (requests-cache, as roc-validator keeps it) holding the RO-Crate 1.1 JSON-LD
    context from tests/data, so that the validator runs with offline=True and never reaches the network.
    The context file is ro-crate-py 0.13.0's rocrate/data/ro-crate.jsonld (RO-Crate 1.1.0 context,
    Apache-2.0), the copy the crate library itself shipped for 1.1."""
    import io

    import requests
    import requests_cache
    import urllib3
    body = (REPO / "tests/data/ro-crate-1.1-context.jsonld").read_bytes()

    class Local(requests.adapters.BaseAdapter):
        def send(self, request, **_kwargs):
            raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers={"Content-Type": "application/ld+json"},
                                       status=200, preload_content=False, request_url=request.url)
            return requests.adapters.HTTPAdapter().build_response(request, raw)

        def close(self):
            pass

    session = requests_cache.CachedSession(cache_name=str(path), backend="sqlite", expire_after=-1)
    session.mount("https://", Local())
    assert session.get(CONTEXT_1_1).status_code == 200
    session.close()
    return str(path)


def _validate(crate_dir, cache, severity="REQUIRED"):
    from rocrate_validator import models, services
    settings = services.ValidationSettings(rocrate_uri=str(crate_dir), profile_identifier="ro-crate-1.1",
                                           requirement_severity=models.Severity[severity],
                                           offline=True, cache_path=cache)
    result = services.validate(settings)
    return result.passed(), [(i.check.identifier, i.message) for i in result.get_issues()]


def test_crate_passes_roc_validator_offline_at_the_required_level(bag, tmp_path):
    crate_dir = export(bag, "ro-crate", tmp_path / "crate")
    cache = _offline_context_cache(tmp_path / "http-cache")
    passed, issues = _validate(crate_dir, cache)
    assert passed, issues
    # Recommended: every File's encodingFormat passes (the rest asks for things archiver cannot know,
    # such as the crate's author and each outlet's URL).
    _passed, issues = _validate(crate_dir, cache, "RECOMMENDED")
    assert not [i for i in issues if "encodingFormat" in i[1]], issues
    # The validator really checks: without a licence the same crate fails.
    meta = crate_dir / "ro-crate-metadata.json"
    doc = json.loads(meta.read_bytes())
    del doc["@graph"][0]["license"]
    meta.write_text(json.dumps(doc), encoding="utf-8")
    passed, issues = _validate(crate_dir, cache)
    assert not passed and any("license" in message.lower() for _c, message in issues), issues


def test_names_that_need_escaping_keep_their_bytes_and_paths(seeds_copy, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    odd, cyrillic = "a b%20#?.txt", "sub/новости.txt"
    (src / odd).write_bytes((seeds_copy / ASSERTED).read_bytes())
    (src / cyrillic).write_bytes((seeds_copy / PRESS_TV).read_bytes())
    assert run("bag", src, "-o", tmp_path / "bag", "--quiet").exit_code == 0
    crate_dir = export(tmp_path / "bag", "ro-crate", tmp_path / "crate")
    assert (crate_dir / "data" / odd).read_bytes() == (src / odd).read_bytes()
    assert (crate_dir / "data" / cyrillic).read_bytes() == (src / cyrillic).read_bytes()
    crate = ROCrate(crate_dir)
    assert sorted(e.id for e in crate.data_entities) == [
        "data/a%20b%2520%23%3F.txt", "data/sub/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8.txt"]
    passed, issues = _validate(crate_dir, _offline_context_cache(tmp_path / "http-cache"))
    assert passed, issues                                  # the validator finds each file at its id
    db = sqlite3.connect(export(tmp_path / "bag", "sqlite", tmp_path / "odd.db"))
    assert [r[0] for r in db.execute("SELECT path FROM items ORDER BY path")] == [f"data/{odd}", f"data/{cyrillic}"]


# -- SQLite ---------------------------------------------------------------------------------------------
@pytest.fixture
def db(bag, tmp_path):
    dest = tmp_path / "corpus.db"
    result = run("export", bag, "--to", "sqlite", dest)
    assert result.exit_code == 0, result.stderr
    return dest


def test_sqlite_answers_every_article_of_an_outlet_in_a_year_with_its_evidence(db):
    conn = sqlite3.connect(db)
    rows = conn.execute("""
        SELECT i.path, i.title, e.field, e.line, e.text, e.rule FROM items i JOIN evidence e ON e.item = i.path
        WHERE i.outlet = ? AND substr(i.published, 1, 4) = ? ORDER BY e.id""", ("Press TV", "2021")).fetchall()
    assert {r[0] for r in rows} == {f"data/{PRESS_TV}"}
    assert {r[2] for r in rows} >= {"title", "outlet", "published"}
    assert all(r[3] is None or isinstance(r[3], int) for r in rows)
    outlet_rules = [r[5] for r in rows if r[2] == "outlet"]
    assert outlet_rules and all(rule.startswith("outlet.") for rule in outlet_rules)
    assert conn.execute("SELECT articles FROM items_by_outlet_year WHERE outlet = 'Press TV' AND year = '2021'"
                        ).fetchone() == (1,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_items_keep_status_and_attribution_and_the_assertion(db, bag):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM items WHERE path = ?", (f"data/{ASSERTED}",)).fetchone()
    data = (bag / "data" / ASSERTED).read_bytes()
    assert row["sha256"] == hashlib.sha256(data).hexdigest() and row["bytes"] == len(data)
    assert (row["outlet"], row["outlet_status"], row["outlet_by"]) == ("Islam Times Print", "asserted", "J. Curator")
    assert (row["title_status"], row["title_by"]) == ("extracted", "title.header-line")
    assert (row["byline"], row["byline_status"], row["byline_by"]) == (None, "unknown", None)
    asserted = conn.execute("SELECT * FROM asserted_values").fetchall()
    assert [(a["path"], a["field"], a["value"], a["curator"]) for a in asserted] == [
        (f"data/{ASSERTED}", "outlet", "Islam Times Print", "J. Curator")]
    assert "Islam Times -" in asserted[0]["extracted_evidence"]          # what the extractor had found
    unknown = {(u["path"], u["field"]) for u in conn.execute("SELECT * FROM unknown_fields")}
    assert (f"data/{ASSERTED}", "byline") in unknown and (f"data/{ASSERTED}", "title") not in unknown
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 6


def test_sqlite_full_text_search_finds_words_of_the_articles(db):
    conn = sqlite3.connect(db)

    def search(q):
        return [r[0] for r in conn.execute(
            "SELECT t.path FROM texts t JOIN texts_fts f ON f.rowid = t.rowid WHERE texts_fts MATCH ? "
            "ORDER BY t.path", (q,))]

    assert search("Shalah") == ["data/000_a1b928136f395d30.txt"]       # a word of the seed's body
    assert search("title:Zionist") == [f"data/{ASSERTED}"]
    # decoded as the record says (Windows-1251), so the Russian words are found as written
    assert search("моста") == [f"data/{RUSSIAN}"]
    text = conn.execute("SELECT text FROM texts WHERE path = ?", (f"data/{RUSSIAN}",)).fetchone()[0]
    assert text == RUSSIAN_TEXT


def test_sqlite_opens_with_sqlite_utils_as_datasette_would(db):
    d = sqlite_utils.Database(db)
    assert {"items", "evidence", "texts", "bag_info"} <= set(d.table_names())
    assert set(d.view_names()) == {"items_by_outlet_year", "unknown_fields", "asserted_values"}
    assert d["texts"].detect_fts() == "texts_fts"
    assert [(fk.column, fk.other_table, fk.other_column) for fk in d["evidence"].foreign_keys] == [
        ("item", "items", "path")]
    assert list(d["texts"].search("Khamenei", columns=["path"], limit=50))
    assert {r["label"] for r in d["bag_info"].rows} >= {"Bagging-Date", "Payload-Oxum"}
    assert d.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sqlite_opens_in_datasette_as_it_is(db):
    # Datasette's own in-process client: the file as `datasette corpus.db` serves it, no server, no network.
    import asyncio

    from datasette.app import Datasette

    async def get(path):
        response = await Datasette([str(db)]).client.get(f"/corpus{path}")
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()

    async def main():
        rows = await get("/items.json?_shape=array&outlet=Press+TV")
        assert [r["path"] for r in rows] == [f"data/{PRESS_TV}"]
        found = await get("/texts.json?_search=Shalah&_shape=array&_col=path")      # the search box
        assert [r["path"] for r in found] == ["data/000_a1b928136f395d30.txt"]
        ev = await get(f"/evidence.json?_shape=array&_labels=on&item=data/{ASSERTED}")
        assert ev and ev[0]["item"]["label"].startswith("Zionist Regime")           # the foreign key, labelled
        views = await get("/asserted_values.json?_shape=array")
        assert [(v["field"], v["curator"]) for v in views] == [("outlet", "J. Curator")]

    asyncio.run(main())


def test_sqlite_is_the_same_bytes_for_the_same_bag(bag, tmp_path, monkeypatch):
    a = export(bag, "sqlite", tmp_path / "a.db")
    b = export(bag, "sqlite", tmp_path / "b.db")
    assert a.read_bytes() == b.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")   # no date is written into the database
    assert export(bag, "sqlite", tmp_path / "c.db").read_bytes() == a.read_bytes()


# -- both -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,module", [("ro-crate", "rocrate.rocrate"), ("sqlite", "sqlite_utils")])
def test_missing_library_says_how_to_install_it(bag, tmp_path, monkeypatch, fmt, module):
    monkeypatch.setitem(sys.modules, module, None)         # import now raises ImportError
    dest = tmp_path / "out"
    result = run("export", bag, "--to", fmt, dest)
    assert result.exit_code == 2
    assert "pip install 'archiver[export]'" in result.stderr
    assert not dest.exists() and not list(tmp_path.glob(".out.partial-*"))


@pytest.mark.parametrize("fmt", ["ro-crate", "sqlite"])
def test_a_bag_with_a_missing_record_is_refused(bag, tmp_path, fmt):
    (bag / "metadata/provenance" / f"{PRESS_TV}.yaml").unlink()
    result = run("export", bag, "--to", fmt, tmp_path / "out")
    assert result.exit_code == 2
    assert PRESS_TV in result.stderr and "archiver validate" in result.stderr
    assert not (tmp_path / "out").exists()
