"""HTML pages and files that are not text in SOURCE: what their records and index entries say.

Every test bags real files in a temporary folder with the CLI (or calls the records API on them), and
reads the bag back as a user would: the provenance YAML, the Dublin Core XML and CSV, `archiver
validate`.
"""
from __future__ import annotations

import csv
import hashlib
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings, strategies as st

from archiver.validate.consistency import read_record
from conftest import REPO, SEEDS, run

SCHEMA = json.loads((REPO / "archiver/schemas/provenance-1.schema.json").read_text())

ARTICLE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Rates held &amp; steady | The Daily Ledger</title>
<meta property="og:title" content="Rates held &amp; steady">
<meta property="og:site_name" content="The Daily Ledger">
<meta property="article:published_time" content="2024-03-28T21:46:00Z">
<meta property="article:modified_time" content="2024-03-29T08:05:00+01:00">
<meta name="author" content="Jane Doe">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Rates held \\u0026 steady",
 "datePublished": "2024-03-28T21:46:00Z",
 "author": {"@type": "Person", "name": "Jane Doe"},
 "publisher": {"@type": "Organization", "name": "The Daily Ledger"}}
</script>
</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<h1>Rates held &amp; steady</h1>
<p>By Jane Doe</p>
<p>The central bank held rates on Thursday, citing slowing inflation.</p>
</body>
</html>
"""

TITLE_ONLY = """<html><head><title>Town council approves new bridge over the river</title></head>
<body>
<div><h1>Town council approves new bridge over the river</h1>
<p>Story Code: <b>445566</b></p>
<p>28 March 2024</p>
<p>The council voted on Tuesday to approve the long-delayed bridge, which will link the two halves of
the town for the first time since the flood.</p>
</div>
</body></html>
"""


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def bag(tmp_path: Path, files: dict[str, bytes]) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "bag"
    result = run("bag", src, "-o", out)
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return out


def record(out: Path, name: str) -> dict:
    doc = yaml.safe_load((out / "metadata/provenance" / f"{name}.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    return doc


def dc_rows(out: Path) -> dict[str, dict]:
    with open(out / "metadata/dublin-core.csv", encoding="utf-8", newline="") as fh:
        return {row["filename"]: row for row in csv.DictReader(fh)}


def rules(field: dict) -> list[str]:
    return [ev["rule"] for ev in field["evidence"]]


def assert_validates(out: Path) -> None:
    result = run("validate", out)
    assert result.exit_code == 0, result.output


def assert_quoted_from_file(out: Path, name: str, doc: dict, encoding: str = "utf-8") -> None:
    """Every html.* evidence quotes its tag as it stands on the cited line of the payload."""
    lines = (out / "data" / name).read_bytes().decode(encoding).splitlines()
    for field in doc["fields"].values():
        for ev in field.get("evidence", []):
            if ev["rule"].startswith("html."):
                assert ev["text"] in lines[ev["line"] - 1], (ev, lines[ev["line"] - 1])


def test_an_article_is_read_from_its_json_ld_and_meta_tags_with_their_lines(tmp_path):
    out = bag(tmp_path, {"article.html": ARTICLE.encode()})
    doc = record(out, "article.html")
    assert doc["source"]["media_type"] == "text/html" and doc["source"]["encoding"] == "utf-8"
    f = doc["fields"]
    assert f["title"]["value"] == "Rates held & steady"
    assert rules(f["title"]) == ["html.jsonld:headline", "html.meta:og:title", "html.title"]
    assert [ev["line"] for ev in f["title"]["evidence"]] == [13, 6, 5]
    assert f["title"]["evidence"][1]["text"] == '<meta property="og:title" content="Rates held &amp; steady">'
    assert f["outlet"]["value"] == "The Daily Ledger"
    assert rules(f["outlet"]) == ["html.jsonld:publisher.name", "html.meta:og:site_name"]
    assert [ev["line"] for ev in f["outlet"]["evidence"]] == [16, 7]
    assert f["published"]["value"] == "2024-03-28T21:46:00+00:00"
    assert rules(f["published"]) == ["html.jsonld:datePublished", "html.meta:article:published_time"]
    assert f["published"]["evidence"][0] == {"line": 14, "text": '"datePublished": "2024-03-28T21:46:00Z"',
                                             "rule": "html.jsonld:datePublished"}
    assert f["updated"]["value"] == "2024-03-29T08:05:00+01:00"
    assert f["updated"]["evidence"][0]["rule"] == "html.meta:article:modified_time"
    assert f["byline"]["value"] == "Jane Doe"
    assert rules(f["byline"]) == ["html.jsonld:author.name", "html.meta:author"]
    assert f["language"] == {"value": "en", "status": "extracted", "evidence": [
        {"line": 2, "text": '<html lang="en-GB">', "rule": "html.lang"}]}
    assert_quoted_from_file(out, "article.html", doc)
    row = dc_rows(out)["data/article.html"]
    assert row["dc.format"] == "text/html" and row["dc.title"] == "Rates held & steady"
    assert row["dc.date"] == "2024-03-28T21:46:00+00:00" and row["dc.creator"] == "Jane Doe"
    assert "<dc:format>text/html</dc:format>" in (out / "metadata/dublin-core.xml").read_text(encoding="utf-8")
    assert_validates(out)


def test_disagreeing_tags_keep_the_structured_value_and_show_the_other_as_overruled(tmp_path):
    page = ARTICLE.replace('content="Rates held &amp; steady"', 'content="Rates held, for now"')
    doc = record(bag(tmp_path, {"a.html": page.encode()}), "a.html")
    title = doc["fields"]["title"]
    assert title["value"] == "Rates held & steady"
    overruled = [ev for ev in title["evidence"] if ev.get("outcome") == "overruled"]
    assert [(ev["rule"], ev["value"]) for ev in overruled] == [("html.meta:og:title", "Rates held, for now")]


def test_a_page_with_only_a_title_and_text_is_read_from_its_visible_text(tmp_path):
    out = bag(tmp_path, {"bridge.html": TITLE_ONLY.encode()})
    doc = record(out, "bridge.html")
    f = doc["fields"]
    assert f["title"]["value"] == "Town council approves new bridge over the river"
    assert f["title"]["evidence"][0]["rule"] == "html.title" and f["title"]["evidence"][0]["line"] == 1
    # the text extractor's rules, their lines those of the file where the block begins
    assert f["published"]["value"] == "2024-03-28"
    assert f["published"]["evidence"][0] == {"line": 5, "text": "28 March 2024", "rule": "published.dateline"}
    assert f["story_code"]["value"] == "445566"
    assert f["story_code"]["evidence"][0]["line"] == 4
    assert f["story_code"]["evidence"][0]["text"] == "Story Code: 445566"   # visible text: <b> left out
    assert f["language"]["value"] == "en"
    assert f["outlet"]["value"] is None and f["byline"]["value"] is None   # the page does not say
    assert dc_rows(out)["data/bridge.html"]["dc.format"] == "text/html"
    assert_validates(out)      # A012 finds the visible text on its line


def test_an_html_record_with_a_moved_evidence_line_is_a012(tmp_path):
    from bagbuild import retag
    out = bag(tmp_path, {"bridge.html": TITLE_ONLY.encode(), "article.html": ARTICLE.encode()})
    for name, old, new in (("bridge.html", "- line: 5\n", "- line: 6\n"),
                           ("article.html", "- line: 6\n", "- line: 7\n")):
        path = out / "metadata/provenance" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    retag(out)
    result = run("validate", out)
    assert result.exit_code == 1
    assert "A012 metadata/provenance/bridge.html.yaml" in result.output
    assert "A012 metadata/provenance/article.html.yaml" in result.output


def test_a_declared_charset_decodes_the_page(tmp_path):
    title = "Новости дня: рост цен на продукты"
    page = (f'<!DOCTYPE html>\n<html lang="ru"><head>\n<meta charset="windows-1251">\n'
            f'<meta property="og:title" content="{title}">\n</head>\n<body><p>{title}</p></body></html>\n')
    quoted = page.replace("windows-1251", "koi8-r").replace('<meta charset="koi8-r">',
                                                             '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')
    out = bag(tmp_path, {"ru.html": page.encode("cp1251"), "ru-koi8.html": quoted.encode("koi8_r")})
    doc = record(out, "ru.html")
    assert doc["source"]["encoding"] == "windows-1251"
    assert doc["fields"]["title"]["value"] == title
    assert doc["fields"]["title"]["evidence"][0]["line"] == 4
    assert_quoted_from_file(out, "ru.html", doc, "cp1251")
    koi = record(out, "ru-koi8.html")
    assert koi["source"]["encoding"] == "koi8-r" and koi["fields"]["title"]["value"] == title
    assert_validates(out)


def test_hostile_html_never_crashes_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    bomb = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>\n')
    page = (bomb + '<html><head><title>Calm &c; &x; headline for the test page</title>'
            f'<script>require("child_process").execSync("touch {marker}");document.write("<h1>Injected</h1>")</script>'
            f'<img src=x onerror="fetch(\'file://{marker}\')">'
            '<meta property="og:title" content="' + "A " * 3000 + '">'
            '<meta name="description" content="' + "B" * 200_000 + '">'
            '<meta property="article:published_time" content="2024-02-30T25:99:00Z">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
            + "[" * 50_000 + "]" * 50_000 + '}</script>'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
            '</head><body onload="alert(1)"><p><b><i>unclosed<table><td>cell</p></b>'
            + "<div>" * 20_000 + "deep" + "</span>" * 10 + "<p>" + "&amp;" * 10_000 + "\n")
    out = bag(tmp_path, {"hostile.html": page.encode(), "nul.html": b"<html>\x00\x01\x02" * 100})
    assert not marker.exists()
    doc = record(out, "hostile.html")
    f = doc["fields"]
    assert f["title"]["value"] == "Calm &c; &x; headline for the test page"   # no entity expanded
    assert rules(f["title"]) == ["html.title"]                 # the stuffed og:title is no value
    assert f["published"]["value"] is None                      # 30 February at 25:99 is no date
    assert "root:" not in (out / "metadata/provenance/hostile.html.yaml").read_text()
    nul = record(out, "nul.html")           # NUL bytes: not text, so not HTML either
    assert nul["source"]["encoding"] is None and "media_type" in nul["source"]
    assert (out / "data/hostile.html").read_bytes() == page.encode()
    assert_validates(out)


def test_a_pdf_and_a_png_have_every_field_unknown_and_their_media_type(tmp_path):
    ascii_pdf = b"%PDF-1.1\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    files = {"report.pdf": PDF, "scan.dat": _png(), "plain-ascii.pdf": ascii_pdf}
    out = bag(tmp_path, files)
    rows = dc_rows(out)
    for name, kind in (("report.pdf", "application/pdf"), ("scan.dat", "image/png"),
                       ("plain-ascii.pdf", "application/pdf")):
        doc = record(out, name)
        assert doc["source"]["media_type"] == kind and doc["source"]["encoding"] is None
        for field in doc["fields"].values():
            assert field["value"] is None and field["status"] == "unknown"
            assert field["evidence"] == [{"line": None, "text": kind, "rule": "source.not-text"}]
        assert rows[f"data/{name}"]["dc.format"] == kind
        assert rows[f"data/{name}"]["dc.title"] == ""
        assert (out / "data" / name).read_bytes() == files[name]      # the payload is the file
    assert_validates(out)


def test_html_is_known_by_its_content_not_its_name(tmp_path):
    notes = b"Notes from the meeting\n\nThe <html> tag was discussed at length.\n"
    saved = "\ufeff \n<!-- saved from url=(0014)about:internet -->\n" + TITLE_ONLY
    out = bag(tmp_path, {"notes.html": notes, "saved.txt": saved.encode("utf-8")})
    notes_doc = record(out, "notes.html")
    assert "media_type" not in notes_doc["source"]                       # text/plain, as before
    assert dc_rows(out)["data/notes.html"]["dc.format"] == "text/plain"
    saved_doc = record(out, "saved.txt")
    assert saved_doc["source"]["media_type"] == "text/html"
    assert saved_doc["fields"]["title"]["value"] == "Town council approves new bridge over the river"
    assert saved_doc["fields"]["title"]["evidence"][0]["line"] == 3
    assert_validates(out)


def test_plain_text_records_are_what_they_were(tmp_path, seeds_copy):
    """The records of the seeds are, to the byte, those committed in manifests/ (made before HTML)."""
    out = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", out).exit_code == 0
    for committed in sorted((REPO / "manifests").glob("*.yaml")):
        assert (out / "metadata/provenance" / committed.name).read_bytes() == committed.read_bytes()
    assert {row["dc.format"] for row in dc_rows(out).values()} == {"text/plain"}


def test_the_fast_record_reader_reads_the_media_type_as_yaml_does(tmp_path):
    out = bag(tmp_path, {"a.html": ARTICLE.encode(), "b.pdf": PDF, "c.txt": b"Just a line of text\n"})
    for name, kind in (("a.html", "text/html"), ("b.pdf", "application/pdf"), ("c.txt", "text/plain")):
        data = (out / "metadata/provenance" / f"{name}.yaml").read_bytes()
        flow = yaml.safe_dump(yaml.safe_load(data), default_flow_style=True).encode()   # read by PyYAML
        assert read_record(data) == read_record(flow)
        assert read_record(data)[3] == kind


def test_bagging_plain_text_imports_no_html_or_magic_library():
    code = ("import sys\nfrom archiver.records import build_record\nfrom archiver.reader import read_source\n"
            f"import glob\nfor p in sorted(glob.glob({str(SEEDS)!r} + '/*')):\n"
            "    build_record(read_source(p, p), None)\n"
            "print(sorted(m for m in ('lxml', 'puremagic', 'archiver.htmlsource') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("raw, iso", [
    ("2024-03-28", "2024-03-28"), ("2024-03-28T21:46", "2024-03-28T21:46"),
    ("2024-03-28T21:46:05.123Z", "2024-03-28T21:46:05+00:00"), ("2024-03-28T21:46:00+0330", "2024-03-28T21:46:00+03:30"),
    ("March 28, 2024", "2024-03-28"), ("2024-13-01", None), ("yesterday", None), ("2024-03-28T21:46+15:00", None)])
def test_machine_readable_dates_are_kept_as_precise_as_written(raw, iso):
    from archiver.htmlsource import iso_date
    assert iso_date(raw) == iso


def test_the_payload_of_an_html_bag_is_byte_identical(tmp_path):
    files = {"article.html": ARTICLE.encode(), "bridge.html": TITLE_ONLY.encode("utf-16")}
    out = bag(tmp_path, files)
    for name, data in files.items():
        assert hashlib.sha256((out / "data" / name).read_bytes()).digest() == hashlib.sha256(data).digest()
    assert record(out, "bridge.html")["source"]["encoding"] == "utf-16"
    assert_validates(out)


def test_a_tag_over_several_lines_is_quoted_at_its_attribute_and_a_twin_tag_is_not_taken(tmp_path):
    page = ('<!doctype html>\n<html\n  lang="fr">\n<head>\n'
            '<meta name="twitter:title" content="Un titre sur plusieurs lignes">\n'
            '<meta\n  property="og:title"\n  content="Un titre sur plusieurs lignes">\n'
            '</head><body><p>Texte.</p></body></html>\n')
    out = bag(tmp_path, {"fr.html": page.encode()})
    doc = record(out, "fr.html")
    assert doc["fields"]["title"]["evidence"] == [
        {"line": 8, "text": 'content="Un titre sur plusieurs lignes">', "rule": "html.meta:og:title"}]
    assert doc["fields"]["language"]["evidence"] == [{"line": 3, "text": 'lang="fr">', "rule": "html.lang"}]
    assert_validates(out)


def test_an_ro_crate_export_names_each_file_by_its_media_type(tmp_path):
    out = bag(tmp_path, {"a.html": ARTICLE.encode(), "b.pdf": PDF, "c.txt": b"Just a line of text\n"})
    crate = tmp_path / "crate"
    assert run("export", out, crate, "--to", "ro-crate").exit_code == 0
    graph = {e["@id"]: e for e in json.loads((crate / "ro-crate-metadata.json").read_text())["@graph"]}
    assert graph["data/a.html"]["encodingFormat"] == "text/html;charset=utf-8"
    assert graph["data/b.pdf"]["encodingFormat"] == "application/pdf"
    assert graph["data/c.txt"]["encodingFormat"] == "text/plain;charset=utf-8"


@pytest.mark.parametrize("body, published", [
    ('<p><time datetime="2024-03-28">28 March</time></p>', "2024-03-28"),
    ('<aside><time datetime="2023-01-01">old</time></aside><article><h1>Headline of the story here</h1>'
     '<time datetime="2024-03-28T10:00">today</time></article>', "2024-03-28T10:00"),
    ('<div class="comments"><time datetime="2024-04-02">c</time></div>'
     '<span><time class="entry-published" datetime="2024-03-28">p</time></span>', "2024-03-28"),
    ('<div><time datetime="2024-04-02">a comment</time><time datetime="2024-04-03">another</time></div>', None)])
def test_a_time_element_dates_the_page_only_when_it_is_the_story_s(tmp_path, body, published):
    page = f"<!DOCTYPE html>\n<html><head><title>A page</title></head>\n<body>\n{body}\n</body></html>\n"
    doc = record(bag(tmp_path, {"t.html": page.encode()}), "t.html")
    field = doc["fields"]["published"]
    assert field["value"] == published
    if published:
        assert field["evidence"][0]["rule"] == "html.time[datetime]" and field["evidence"][0]["line"] == 4


_PIECES = ["<title>", "</title>", "<meta property=\"og:title\" content=\"", "<meta name=\"author\" content=\"",
           "<meta property=\"og:site_name\" content=\"", "\">", "<p>", "</p>", "<div>", "<br>", "<h1>", "</h1>",
           "<time datetime=\"2024-03-28\">", "</time>", "<html lang=\"de\">", "<script>", "</script>",
           "<script type=\"application/ld+json\">", "{\"@type\": \"NewsArticle\", \"headline\": \"",
           "\"}", "&amp;", "&#x2028;", "Story Code: 1234", "28 March 2024", "By Ana Diaz",
           "Ein langer Titel über die Stadt", "\n", "\r\n", "\u2028", "\x0c", " ", "\t", "<!-- c -->", "'", "\""]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_every_html_evidence_is_on_the_line_it_cites(pieces):
    """The validator's A012 promise, on pages made of tag and text pieces in any order."""
    from archiver.htmlsource import read_html, visible_text_on
    text = "<!DOCTYPE html>\n" + "".join(pieces)
    lines = text.splitlines()
    visible = None
    for field in read_html(text).values():
        for ev in field.evidence:
            if ev.line is None:
                continue
            assert 1 <= ev.line <= len(lines), ev
            if ev.rule.startswith("html."):
                assert ev.text in lines[ev.line - 1], (ev, lines[ev.line - 1])
            else:
                visible = visible if visible is not None else visible_text_on(text)
                assert any(ev.text in piece for piece in visible.get(ev.line, ())), (ev, visible)


def _zip(entries: dict[str, str]) -> bytes:
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in entries.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_archives_and_office_files_are_named_by_their_content(tmp_path):
    import gzip
    files = {"a.bin": _zip({"notes.txt": "hello"}),
             "b.bin": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
             "c.bin": gzip.compress(b"hello world " * 20),
             "d.bin": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(200),
             "e.bin": bytes(range(256)) * 4}
    out = bag(tmp_path, files)
    kinds = {name: record(out, name)["source"]["media_type"] for name in files}
    assert kinds == {"a.bin": "application/zip",
                     "b.bin": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "c.bin": "application/x-gzip", "d.bin": "image/jpeg", "e.bin": "application/octet-stream"}
    assert {name: dc_rows(out)[f"data/{name}"]["dc.format"] for name in files} == kinds
    assert_validates(out)


def test_a_quoted_greater_than_sign_does_not_end_the_tag(tmp_path):
    page = ('<!DOCTYPE html>\n<html><head>\n<meta property="og:title" content="Profits > forecasts, says bank">\n'
            "<meta property='og:site_name' content='The <Ledger>'>\n</head><body><p>Text.</p></body></html>\n")
    doc = record(bag(tmp_path, {"gt.html": page.encode()}), "gt.html")
    assert doc["fields"]["title"]["value"] == "Profits > forecasts, says bank"
    assert doc["fields"]["title"]["evidence"][0]["line"] == 3
    assert doc["fields"]["outlet"]["value"] == "The <Ledger>"
    assert doc["fields"]["outlet"]["evidence"][0]["text"] == "<meta property='og:site_name' content='The <Ledger>'>"
