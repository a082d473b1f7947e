"""The reading room (metadata/index.html and metadata/reading-room/): what `archiver bag` and
`--update` write, read from the outside as HTML files in a real bag. The browser tests are in
tests/test_reading_room_browser.py."""
from __future__ import annotations

import html
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from archiver import readingroom
from conftest import run

STATUSES = ("extracted", "asserted", "unknown")
CLASS = {"e": "extracted", "a": "asserted", "u": "unknown"}     # a cell's class -> its value's status


class Page(HTMLParser):
    """The parts of a page the tests look at: hrefs, the classes of cells, scripts, marks, table rows."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.cell_classes: list[str] = []
        self.scripts: list[str] = []
        self.marks: list[str] = []
        self.rows: list[list[str]] = []
        self.tags = Counter()
        self._stack: list[str] = []
        self._text: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "td" and "class" in a:
            self.cell_classes.append(a["class"])
        if tag in ("script", "mark"):
            self._stack.append(tag)
            self._text = []
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "mark") and self._stack:
            self._stack.pop()
            (self.scripts if tag == "script" else self.marks).append("".join(self._text))
            self._text = None
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def pages(bag: Path) -> list[Path]:
    return [bag / "metadata" / "index.html"] + sorted((bag / "metadata" / "reading-room").glob("items-*.html"))


def records(bag: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((bag / "metadata" / "provenance").rglob("*.yaml"))]


def assert_links_resolve(bag: Path) -> int:
    """Every href of every page names a file inside the bag; returns how many were checked."""
    checked = 0
    root = bag.resolve()
    for page in pages(bag):
        for href in Page(page.read_text(encoding="utf-8")).hrefs:
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, f"{page.name}: {href} leaves the bag"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(root), f"{page.name}: {href} leaves the bag"
            assert target.is_file(), f"{page.name}: {href} does not resolve ({target})"
            checked += 1
    return checked


@pytest.fixture
def seeds_bag(seeds_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet").exit_code == 0
    return bag


def test_every_bag_has_a_reading_room_listed_in_the_tag_manifests(seeds_bag):
    tagged = {line.split("  ", 1)[1] for line in (seeds_bag / "tagmanifest-sha256.txt").read_text().splitlines()}
    room = {p.relative_to(seeds_bag).as_posix() for p in (seeds_bag / "metadata").rglob("*")
            if p.is_file() and "provenance" not in p.parts}
    assert {"metadata/index.html", "metadata/reading-room/items-0001.html",
            "metadata/reading-room/items.tsv"} <= room
    assert room <= tagged
    assert run("validate", seeds_bag).exit_code == 0


def test_summary_counts_match_the_records(seeds_bag):
    recs = records(seeds_bag)
    page = Page((seeds_bag / "metadata" / "index.html").read_text(encoding="utf-8"))
    rows = {r[0]: r[1:] for r in page.rows if r}
    assert rows["Files"] == [str(len(recs))]
    payload = sum(p.stat().st_size for p in (seeds_bag / "data").rglob("*") if p.is_file())
    assert rows["Bytes"] == [f"{payload:,}"]
    for name, label in readingroom.LABELS.items():
        counts = Counter(r["fields"][name]["status"] for r in recs)
        assert [cell.split(" ")[0] for cell in rows[label][:3]] == [str(counts[s]) for s in STATUSES], name
    dates = sorted(r["fields"]["published"]["value"][:10] for r in recs if r["fields"]["published"]["value"])
    assert rows["Date range"][0].startswith(f"{dates[0]} to {dates[-1]}")
    outlets = Counter(r["fields"]["outlet"]["value"] for r in recs if r["fields"]["outlet"]["value"])
    for outlet, n in outlets.items():
        assert rows[outlet] == [str(n)]
    assert "archiver validate BAG" in (seeds_bag / "metadata" / "index.html").read_text(encoding="utf-8")
    # The summary reads without script: the index page has none.
    assert page.scripts == []


def test_items_are_marked_by_status_and_link_to_payload_and_record(seeds_bag):
    recs = records(seeds_bag)
    item_page = (seeds_bag / "metadata" / "reading-room" / "items-0001.html").read_text(encoding="utf-8")
    page = Page(item_page)
    shown = Counter(CLASS[c] for c in page.cell_classes if c in CLASS)
    expected = Counter(r["fields"][name]["status"] for r in recs for name in readingroom.CORE_FIELD_NAMES)
    assert shown == expected
    # Visible marks, not colour alone: each status's letter is in its cells' text.
    assert item_page.count('<td class="u"><b>?</b> <i>unknown</i>') == expected["unknown"]
    assert item_page.count('<td class="e"><b>E</b> ') == expected["extracted"]
    for r in recs:
        path = r["source"]["path"]
        assert f"../../data/{path}" in page.hrefs
        assert f"../provenance/{path}.yaml" in page.hrefs
    assert assert_links_resolve(seeds_bag) >= 2 * len(recs)


def test_cited_lines_are_shown_highlighted_in_their_context(seeds_bag):
    page = Page((seeds_bag / "metadata" / "reading-room" / "items-0001.html").read_text(encoding="utf-8"))
    cited = set()
    for r in records(seeds_bag):
        lines = (seeds_bag / "data" / r["source"]["path"]).read_text(encoding="utf-8").splitlines()
        for f in r["fields"].values():
            for ev in f.get("evidence", []):
                if ev["line"] is not None:
                    cited.add(lines[ev["line"] - 1])
    assert cited and cited <= set(page.marks)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\x0c", "\u2028"])
def test_cited_lines_are_counted_as_the_record_counts_them(tmp_path, newline):
    src = tmp_path / "src"
    src.mkdir()
    lines = ["Press TV", "", "Ministers agree on a new budget for the year", "", "Body of the story."]
    (src / "a.txt").write_bytes(newline.join(lines).encode("utf-8"))
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    rec = records(bag)[0]
    cited = {ev["line"] for f in rec["fields"].values() for ev in f.get("evidence", []) if ev["line"]}
    assert cited
    marks = Page((bag / "metadata" / "reading-room" / "items-0001.html").read_text(encoding="utf-8")).marks
    assert sorted(marks) == sorted(lines[n - 1] for n in cited)


# A title that would retitle the page if it ran (the browser test looks); the extractor keeps it whole.
HOSTILE = ('Gaza talks <script>document.title="pwned"</script> resume after '
           '<img src=x onerror="document.title=\'pwned\'"> week & more')


# A byline and a stamp under the headline, as real pages have: the title model takes the line then.
STAMP = "By Maria Lopez\n12 March 2024"


def hostile_source(root: Path, n: int = 3) -> Path:
    root.mkdir()
    (root / "hostile <b>&\"name\" #1%.txt").write_text(f"{HOSTILE}\n{STAMP}\n\nIslam Times - Body of the story.\n")
    for i in range(n):
        (root / f"story-{i:03d}.txt").write_text(f"Headline number {i}\n\nIslam Times - Body {i}.\n")
    return root


def test_scraped_values_and_names_are_escaped(tmp_path, monkeypatch):
    # What the reading room does with a hostile value is the point here, not whether the title model
    # takes this synthetic line: the hand-set score (which does) decides the title.
    monkeypatch.setenv("ARCHIVER_TITLE_SCORER", "hand")
    src = hostile_source(tmp_path / "src")
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    rec = yaml.safe_load((bag / "metadata/provenance/hostile <b>&\"name\" #1%.txt.yaml").read_text())
    assert rec["fields"]["title"]["value"] == HOSTILE   # the extractor takes the line as the title
    text = (bag / "metadata" / "reading-room" / "items-0001.html").read_text(encoding="utf-8")
    page = Page(text)
    assert page.scripts == [readingroom._JS]       # the page's own script only
    assert page.tags["img"] == 0
    assert "<script>document" not in text and "<img src=x" not in text
    assert html.escape(HOSTILE, quote=True) in text
    assert any(cell.endswith(HOSTILE) for row in page.rows for cell in row)   # shown as text, exactly
    assert "../../data/hostile%20%3Cb%3E%26%22name%22%20%231%25.txt" in page.hrefs
    assert_links_resolve(bag)


def test_large_bags_are_split_into_linked_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(readingroom, "PAGE_SIZE", 7)
    src = tmp_path / "src"
    src.mkdir()
    for i in range(20):
        (src / f"s{i:02d}.txt").write_text(f"Headline {i}\n\nPress TV - body {i}\n")
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet", "-j", "1").exit_code == 0
    names = [p.name for p in pages(bag)[1:]]
    assert names == ["items-0001.html", "items-0002.html", "items-0003.html"]
    counts = [Page(p.read_text(encoding="utf-8")).tags["tbody"] for p in pages(bag)[1:]]
    assert counts == [7, 7, 6]
    index = Page((bag / "metadata" / "index.html").read_text(encoding="utf-8"))
    assert [h for h in index.hrefs if h.startswith("reading-room/")] == [f"reading-room/{n}" for n in names]
    assert "items-0002.html" in Page(pages(bag)[1].read_text(encoding="utf-8")).hrefs   # next
    assert "items-0002.html" in Page(pages(bag)[3].read_text(encoding="utf-8")).hrefs   # previous
    assert_links_resolve(bag)


def test_update_keeps_the_reading_room_current(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    src = hostile_source(tmp_path / "src", n=30)
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    (src / "story-003.txt").write_text("A changed headline\n\nPress TV - new body.\n")
    (src / "story-004.txt").unlink()
    (src / "added.txt").write_text("An added headline\n\nBody.\n")
    result = run("bag", src, "-o", bag, "--update")
    assert result.exit_code == 0 and "carried over" in result.stdout
    fresh = tmp_path / "fresh"
    assert run("bag", src, "-o", fresh, "--quiet").exit_code == 0
    for page in pages(fresh) + [fresh / readingroom.ITEMS]:
        rel = page.relative_to(fresh)
        assert (bag / rel).read_bytes() == page.read_bytes(), rel
    text = (bag / "metadata" / "reading-room" / "items-0001.html").read_text(encoding="utf-8")
    assert "A changed headline" in text and "An added headline" in text and "story-004.txt" not in text
    assert run("validate", bag).exit_code == 0


def test_pages_name_the_bag_by_its_identifier_never_by_its_folder(seeds_copy, tmp_path):
    named = tmp_path / "folder-one"
    assert run("bag", seeds_copy, "-o", named, "--quiet", "--external-identifier", "Coll <42>").exit_code == 0
    index = (named / "metadata" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Reading room: Coll &lt;42&gt;</h1>" in index and "folder-one" not in index
    other = tmp_path / "folder-two"
    assert run("bag", seeds_copy, "-o", other, "--quiet").exit_code == 0
    assert "<h1>Reading room: this bag</h1>" in (other / "metadata" / "index.html").read_text(encoding="utf-8")
    for page in pages(other)[1:]:
        assert "folder-two" not in page.read_text(encoding="utf-8")
