"""The reading room: HTML pages in every bag that a person can open from `file://`, with no server and
no network.

`metadata/index.html` holds the summary (files, bytes, outlets, date range, per-field coverage as
extracted / asserted / unknown, conflicts, how to validate) and links to the item pages,
`metadata/reading-room/items-0001.html` and on, `PAGE_SIZE` items each: a table of every item (title,
outlet, date, story code, byline, language), each value marked by its status in visible text and a
class, with links to the item's payload file and record and its evidence lines shown in context (the
cited lines of the source text, highlighted, with a few lines around them).

Two halves, so that the work stays where the data is:

- `item_entry()` runs in the worker that has just built a file's record and still holds its decoded
  text: it returns one line, what the summary needs (JSON) and the item's rendered HTML. The lines
  make `metadata/reading-room/items.tsv`, one of the files whose entries `--update` carries over as
  bytes for unchanged files (archiver.update.ENTRY_FILES), so an update never reads an unchanged
  file's record or payload again.
- `ReadingRoom` runs in the bag writer: it is fed those lines in payload order (as produced, or as
  carried over), writes the item pages as they fill and, at the end, the summary page.

Everything from the scrape (values, evidence, source lines, paths) is escaped with
`html.escape(..., quote=True)`; hrefs are percent-encoded first. Each page also carries a Content
Security Policy that allows only its own inline script (by hash) and style, so even a value that slipped
through could neither run script nor load anything. The pages hold no time but the bag's date (which
honours SOURCE_DATE_EPOCH): the same input gives the same bytes.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import Counter
from typing import Callable
from urllib.parse import quote

from archiver.model import ASSERTED, CORE_FIELD_NAMES, EXTRACTED, FIELD_NAMES, UNKNOWN

INDEX = "metadata/index.html"
ROOM_DIR = "metadata/reading-room"
ITEMS = "metadata/reading-room/items.tsv"
PAGE_SIZE = 500          # items per page: a page of 500 items is ~0.5-1 MB, quick to open and to sort
CONTEXT = 1              # source lines shown before and after each cited line
CONTEXT_LINE = 120       # characters of such a line shown
MAX_CITED = 10           # cited lines shown per item (the rest are listed, not shown)
MAX_LINE = 240           # characters of a source line shown (a minified page is one long line)
TOP_OUTLETS = 30

LABELS = {"title": "Title", "outlet": "Outlet", "published": "Date", "story_code": "Story code",
          "byline": "Byline", "language": "Language", "updated": "Updated", "credit": "Credit"}
_MARK = {EXTRACTED: "E", ASSERTED: "A", UNKNOWN: "?"}
_CODE = {EXTRACTED: "e", ASSERTED: "a", UNKNOWN: "u"}
_STATUS = {v: k for k, v in _CODE.items()}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


_SPECIAL = re.compile(r"[&<>\"']")


def _e(text) -> str:
    """html.escape(text, quote=True); most values need nothing, and a search is cheaper than its five
    replacements (measured: a fifth of the time of rendering an item)."""
    text = str(text)
    return html.escape(text, quote=True) if _SPECIAL.search(text) else text


def _href(path: str) -> str:
    """A relative href to `path` (a /-separated path): every part percent-encoded, then escaped."""
    return _e(quote(path, safe="/"))


# ---------------------------------------------------------------- worker side: one item


def _cell(name: str, f, conflicts: set) -> str:
    # The status shows as a letter and as the cell's class (e, a, u): never by colour alone.
    code = _CODE[f.status]
    value = "<i>unknown</i>" if f.value is None else _e(f.value)
    extra = ' <s class="cf">conflict</s>' if name in conflicts else ""
    return f'<td class="{code}"><b>{_MARK[f.status]}</b> {value}{extra}</td>'


def _clip(line: str, limit: int = MAX_LINE) -> str:
    return line if len(line) <= limit else line[:limit] + "\u2026"


_LABEL_CACHE: dict[tuple[str, str], str] = {}     # (field, rule) -> its label: rules are few


def _evidence(fields: dict, text: str | None, conflicts: list | None = None) -> str:
    """The item's evidence: the cited lines of `text` highlighted in context, each labelled with its
    fields and rules; a list of the rest (evidence without a line, overruled or conflicting candidates,
    curators' assertions). `conflicts`, when given, receives the names of the fields whose candidates
    conflicted, in FIELD_NAMES order (item_entry needs them, and this is its one pass over the
    evidence)."""
    notes = []
    cited: dict[int, list[str]] = {}
    for name in FIELD_NAMES:
        f = fields[name]
        if f.status == ASSERTED:
            notes.append(f"<li>{LABELS[name]}: asserted by {_e(f.by or 'a curator')}"
                         + (f" ({_e(f.note)})" if f.note else "") + "</li>")
        conflicted = False
        for ev in f.evidence:
            line = ev.line
            outcome = ev.outcome
            if line is not None:
                label = _LABEL_CACHE.get((name, ev.rule))
                if label is None:
                    label = _LABEL_CACHE[(name, ev.rule)] = f"{LABELS[name]} ({_e(ev.rule)})"
                if line in cited:
                    cited[line].append(label)
                else:
                    cited[line] = [label]
                if not outcome:
                    continue
            if outcome == "conflict":
                conflicted = True
            where = f"line {line}" if line is not None else f"\u201c{_e(_clip(ev.text))}\u201d"
            mark = f' <s class="cf">{_e(outcome)}</s>' if outcome else ""
            value = f" {_e(_clip(ev.value))}" if ev.value is not None else ""
            notes.append(f"<li>{LABELS[name]}{value}: {where} ({_e(ev.rule)}){mark}</li>")
        if conflicted and conflicts is not None:
            conflicts.append(name)
    if not notes and not cited:
        return ""
    lines = text.splitlines() if text is not None and cited else []   # numbered as the extractor numbers them
    count = len(lines)
    shown = sorted(n for n in cited if 1 <= n <= count)[:MAX_CITED]
    out, previous = [], None
    if shown:
        # The shown lines with CONTEXT lines around each, in order, each once.
        wanted = sorted({k for n in shown for k in range(max(1, n - CONTEXT), min(count, n + CONTEXT) + 1)})
        for k in wanted:
            if previous is not None and k != previous + 1:
                out.append("<i>\u22ef</i>")
            if k in cited:
                out.append(f"<i>{k}</i><mark>{_e(_clip(lines[k - 1]))}</mark> <em>\u2190 {', '.join(cited[k])}</em>")
            else:
                out.append(f"<i>{k}</i>{_e(_clip(lines[k - 1], CONTEXT_LINE))}")
            previous = k
    # &#10;, not a newline: an item is one line of items.tsv (and of its page).
    source = f"<pre>{'&#10;'.join(out)}</pre>" if out else ""
    listed = f"<ul>{''.join(notes)}</ul>" if notes else ""
    return (f"<details><summary>evidence ({len(cited)} cited line{'s' if len(cited) != 1 else ''})</summary>"
            f"{source}{listed}</details>")


def _origin_link(origin: dict | None) -> str:
    """A link to the page the file was captured from (the record's origin), only for an http or https
    URL: a `javascript:` or `data:` URL in a hand-made record never becomes a link."""
    url = (origin or {}).get("url")
    if not url or not _WEB_URL.match(url):
        return ""
    return f' <a href="{_e(url)}" rel="noreferrer noopener">source</a>'


_WEB_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.I)


def item_entry(relpath: str, fields: dict, text: str | None, origin: dict | None = None) -> str:
    """One line of items.tsv for the file at data/`relpath` whose record has `fields` ({name: Field})
    and whose decoded text (what the evidence's line numbers count) is `text` (None if not text);
    `origin`: the record's origin block, whose http(s) URL is linked.

    Returns a JSON object, a tab, the item's rows of the table (HTML, everything escaped, no tab or
    newline), a newline. The object holds what the summary counts: `p` the path, `s` one status letter
    per FIELD_NAMES (e/a/u), `c` the fields whose candidates conflicted, `o` the outlet, `d` the
    publication date (or null). Pure: the same arguments give the same line.
    """
    conflicts: list[str] = []
    evidence = _evidence(fields, text, conflicts)
    core = [fields[n] for n in CORE_FIELD_NAMES]
    status_attr = "".join([_CODE[f.status] for f in core])
    cells = "".join([_cell(n, f, conflicts) for n, f in zip(CORE_FIELD_NAMES, core, strict=True)])
    href = _href(relpath)
    links = (f'<a href="../../data/{href}">{_e(relpath)}</a> <a href="../provenance/{href}.yaml">record</a>'
             + _origin_link(origin))
    h = (f'<tbody data-s="{status_attr}" data-c="{len(conflicts)}"><tr>{cells}<td class="f">{links}</td></tr>'
         + (f'<tr class="ev"><td colspan="{len(CORE_FIELD_NAMES) + 1}">{evidence}</td></tr>' if evidence else "")
         + "</tbody>")
    if "\t" in h or "\n" in h or "\r" in h:    # only from the scrape: the same characters, as references
        h = h.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    # The JSON object as json.dumps(ensure_ascii=False, separators=(",", ":")) writes it, put together
    # here: json.dumps of a dict costs a fifth of rendering an item.
    outlet, published = fields["outlet"].value, fields["published"].value
    statuses = status_attr + "".join([_CODE[fields[n].status] for n in _MORE])
    named = ",".join([f'"{n}"' for n in conflicts])     # field names: nothing in them to escape
    return (f'{{"p":{_json_str(relpath)},"s":"{statuses}","c":[{named}],'
            f'"o":{"null" if outlet is None else _json_str(outlet)},'
            f'"d":{"null" if published is None else _json_str(published)}}}\t{h}\n')


_MORE = FIELD_NAMES[len(CORE_FIELD_NAMES):]      # the fields after the core ones, in record order
_json_str = json.encoder.encode_basestring       # a JSON string as json.dumps(ensure_ascii=False) writes it


# ---------------------------------------------------------------- the pages

_CSS = """body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#1a1a1a;background:#fff}
h1{font-size:1.5em}table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;
vertical-align:top;text-align:left}th{background:#eee}td.n{text-align:right}code,pre{font:13px/1.4 monospace}
pre{background:#f6f6f6;padding:.4em;overflow-x:auto;white-space:pre-wrap}.e>b,.a>b,.u>b{display:inline-block;
min-width:1.1em;text-align:center;font:bold 11px/1.4 monospace;border:1px solid;border-radius:3px}
.e>b{color:#05642b}.a>b{color:#0b4f9c;background:#e3eefb}.u{color:#666}.u>b{color:#8a5300;background:#fff3dc}
.cf{text-decoration:none;font-size:11px;color:#a00;border:1px dashed #a00;padding:0 2px}mark{background:#fff08a}
pre i{display:inline-block;width:3.5em;color:#777;font-style:normal;user-select:none}pre em{color:#555}
tr.ev td{border-top:none;padding-top:0}td.f{font-size:12px;word-break:break-all}
nav{margin:.6em 0}.legend span{margin-right:1em}"""

# Sorting and filtering of one page's table; the page reads fully without it.
_JS = """(function(){var t=document.getElementById('items');if(!t)return;
var q=document.getElementById('q'),w=document.getElementById('w'),bodies=[].slice.call(t.tBodies);
function keep(b){var s=b.getAttribute('data-s'),v=w.value;
if(v==='u'&&s.indexOf('u')<0)return false;if(v==='a'&&s.indexOf('a')<0)return false;
if(v==='c'&&b.getAttribute('data-c')==='0')return false;
return !q.value||b.rows[0].textContent.toLowerCase().indexOf(q.value.toLowerCase())>=0}
function key(c){var b=c.querySelector('b');return b?c.textContent.slice(b.textContent.length+1):c.textContent}
function apply(){var n=0;bodies.forEach(function(b){var k=keep(b);b.hidden=!k;n+=k});
document.getElementById('count').textContent=n+' shown'}
q.addEventListener('input',apply);w.addEventListener('change',apply);
[].forEach.call(t.tHead.rows[0].cells,function(th,i){if(i>=%d)return;th.style.cursor='pointer';
th.title='sort';th.addEventListener('click',function(){var d=th.getAttribute('data-d')==='1'?-1:1;
th.setAttribute('data-d',d===1?'1':'0');bodies.sort(function(a,b){
return d*key(a.rows[0].cells[i]).localeCompare(key(b.rows[0].cells[i]))});
bodies.forEach(function(b){t.appendChild(b)})})});document.getElementById('tools').hidden=false;apply()})();
""" % len(CORE_FIELD_NAMES)


def _hash_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


_CSP = (f"default-src 'none'; style-src {_hash_source(_CSS)}; script-src {_hash_source(_JS)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'")


def _head(title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="generator" content="archiver reading room"><title>{title}</title>'
            f'<style>{_CSS}</style></head><body>\n')


_LEGEND = ('<p class="legend">Each value is marked by how it is known: '
           '<span class="e"><b>E</b> extracted from the page (see its evidence)</span>'
           '<span class="a"><b>A</b> asserted by a curator</span>'
           '<span class="u"><b>?</b> unknown</span>'
           '<s class="cf">conflict</s> candidates disagreed</p>\n')


def _page_name(number: int) -> str:
    return f"items-{number:04d}.html"


class ReadingRoom:
    """Writes the reading room of one bag, fed items.tsv lines in payload order.

    `open_writer(relpath)` opens a new tag file of the bag (relative to the bag) and returns an object
    with `write(bytes)` and `close()`; `label` names the bag in the pages (its External-Identifier or
External-Description, else "" for "this bag": never the directory's name, which a move changes);
    `total` is the number of payload files (for the pages' item ranges). `feed(block)` takes any bytes
    of the lines (a block may end inside a line); `finish(date, total_bytes)` writes the last page and
    the summary. Every page is opened through `open_writer`, so the caller knows them all.
    """

    def __init__(self, open_writer: Callable, label: str, total: int):
        self._open = open_writer
        self._name = label or "this bag"
        self._total = total
        self._rest = b""
        self._pending: list[bytes] = []     # the current page's items not written yet
        self._count = 0
        self._page = None
        self._pages: list[tuple[str, int, int]] = []      # (file name, first item, last item)
        self._status = {name: Counter() for name in FIELD_NAMES}
        self._conflicts = Counter()
        self._conflicted_items = 0
        self._outlets = Counter()
        self._dated = 0
        self._first_date: str | None = None
        self._last_date: str | None = None

    def feed(self, block: bytes) -> None:
        data = self._rest + block if self._rest else block
        lines = data.split(b"\n")
        self._rest = lines.pop()
        for line in lines:
            meta, _, item = line.partition(b"\t")
            self._item(json.loads(meta), item)
        self._flush()

    def _flush(self) -> None:
        # One write per block and page: each write is a hand-over to the bag's background thread.
        if self._pending:
            self._page.write(b"\n".join(self._pending) + b"\n")
            self._pending = []

    def _item(self, entry: dict, item: bytes) -> None:
        for name, code in zip(FIELD_NAMES, entry["s"], strict=True):
            self._status[name][_STATUS[code]] += 1
        if entry["c"]:
            self._conflicted_items += 1
            self._conflicts.update(entry["c"])
        if entry["o"] is not None:
            self._outlets[entry["o"]] += 1
        date = entry["d"]
        if date is not None and _ISO_DATE.match(date):
            self._dated += 1
            day = date[:10]
            if self._first_date is None or day < self._first_date:
                self._first_date = day
            if self._last_date is None or day > self._last_date:
                self._last_date = day
        if self._count % PAGE_SIZE == 0:
            self._next_page()
        self._count += 1
        self._pending.append(item)

    def _nav(self, number: int, has_next: bool) -> str:
        parts = ['<a href="../index.html">summary</a>']
        if number > 1:
            parts.append(f'<a href="{_page_name(number - 1)}" rel="prev">\u2190 previous</a>')
        if has_next:
            parts.append(f'<a href="{_page_name(number + 1)}" rel="next">next \u2192</a>')
        return "<nav>" + " \u00b7 ".join(parts) + "</nav>\n"

    def _close_page(self, has_next: bool) -> None:
        self._flush()
        number = len(self._pages)
        name, first, _ = self._pages[-1]
        self._pages[-1] = (name, first, self._count)
        self._page.write(("</table>\n" + self._nav(number, has_next) + f"<script>{_JS}</script></body></html>\n")
                         .encode("utf-8"))
        self._page.close()
        self._page = None

    def _next_page(self) -> None:
        if self._page is not None:
            self._close_page(True)
        number = len(self._pages) + 1
        name = _page_name(number)
        first = self._count + 1
        last = min(self._count + PAGE_SIZE, self._total)
        self._pages.append((name, first, last))
        self._page = self._open(f"{ROOM_DIR}/{name}")
        title = f"Items {first:,}\u2013{last:,} of {self._total:,} \u00b7 {_e(self._name)}"
        head = [_head(title), f"<h1>{title}</h1>\n", self._nav(number, last < self._total), _LEGEND,
                '<p id="tools" hidden><label>Filter <input id="q" type="search"></label> '
                '<label>Show <select id="w"><option value="">all items</option>'
                '<option value="u">with an unknown field</option><option value="a">with an asserted field</option>'
                '<option value="c">with a conflict</option></select></label> <span id="count"></span> '
                '\u00b7 click a column heading to sort this page</p>\n',
                '<table id="items"><thead><tr>'
                + "".join(f"<th>{LABELS[n]}</th>" for n in CORE_FIELD_NAMES)
                + "<th>File and record</th></tr></thead>\n"]
        self._page.write("".join(head).encode("utf-8"))

    def finish(self, bagging_date: str, total_bytes: int) -> None:
        """Close the last item page and write metadata/index.html."""
        if self._rest:
            raise ValueError("items.tsv does not end with a newline")
        if self._page is not None:
            self._close_page(False)
        out = self._open(INDEX)
        out.write(self._summary(bagging_date, total_bytes).encode("utf-8"))
        out.close()

    def _summary(self, bagging_date: str, total_bytes: int) -> str:
        n = self._count
        name = _e(self._name)
        pct = (lambda k: f"{100 * k / n:.1f}%") if n else (lambda k: "\u2013")
        rows = []
        for field in FIELD_NAMES:
            c = self._status[field]
            rows.append(f"<tr><th>{LABELS[field]}</th>"
                        + "".join(f'<td class="n">{c[s]:,} ({pct(c[s])})</td>' for s in (EXTRACTED, ASSERTED, UNKNOWN))
                        + f'<td class="n">{self._conflicts[field]:,}</td></tr>')
        outlets = sorted(self._outlets.items(), key=lambda kv: (-kv[1], kv[0]))
        outlet_rows = "".join(f'<tr><td>{_e(o)}</td><td class="n">{k:,}</td></tr>' for o, k in outlets[:TOP_OUTLETS])
        more = (f"<p>and {len(outlets) - TOP_OUTLETS:,} more outlets.</p>" if len(outlets) > TOP_OUTLETS else "")
        no_outlet = self._status["outlet"][UNKNOWN]
        dates = (f"{self._first_date} to {self._last_date} ({self._dated:,} of {n:,} items have a date)"
                 if self._first_date else f"no item has a date ({n:,} items)")
        pages = "".join(f'<li><a href="reading-room/{p}">items {a:,}\u2013{b:,}</a></li>' for p, a, b in self._pages)
        parts = [
            _head(f"Reading room \u00b7 {name}"),
            f"<h1>Reading room: {name}</h1>\n",
            "<p>A BagIt bag of scraped news pages made by archiver. This page and the item pages open "
            "from the bag itself, with no network.</p>\n",
            "<h2>Summary</h2>\n<table>"
            f"<tr><th>Bagging date</th><td>{_e(bagging_date)}</td></tr>"
            f'<tr><th>Files</th><td class="n">{n:,}</td></tr>'
            f'<tr><th>Bytes</th><td class="n">{total_bytes:,}</td></tr>'
            f'<tr><th>Outlets</th><td class="n">{len(outlets):,} ({no_outlet:,} items with no outlet)</td></tr>'
            f"<tr><th>Date range</th><td>{dates}</td></tr>"
            f'<tr><th>Items with a conflict</th><td class="n">{self._conflicted_items:,}</td></tr></table>\n',
            "<h2>How each field is known</h2>\n", _LEGEND,
            "<table><tr><th>Field</th><th>extracted</th><th>asserted</th><th>unknown</th><th>conflicts</th></tr>"
            + "".join(rows) + "</table>\n",
            "<h2>Outlets</h2>\n"
            + (f"<table><tr><th>Name</th><th>items</th></tr>{outlet_rows}</table>\n{more}" if outlets
               else "<p>No outlet is known.</p>\n"),
            f"<h2>Items</h2>\n<p>{n:,} items in {len(self._pages):,} page(s) of up to {PAGE_SIZE:,}: each "
            "item links to its payload file under <code>data/</code> and its provenance record under "
            "<code>metadata/provenance/</code>, and shows its evidence lines in context.</p>\n"
            f"<ul>{pages}</ul>\n",
            "<h2>How to check this bag</h2>\n"
            "<p>Validate it (checksums, completeness, records and index) with "
            "<code>archiver validate BAG</code>, where BAG is the folder that holds this bag\u2019s "
            "<code>bagit.txt</code> (or the bag as one <code>.zip</code> or <code>.tar.gz</code>); any BagIt "
            "tool checks its manifests. The index is also "
            'in <a href="dublin-core.xml">dublin-core.xml</a> and <a href="dublin-core.csv">dublin-core.csv</a>; '
            'the bag\u2019s own description is in <a href="../bag-info.txt">bag-info.txt</a>.</p>\n',
            "</body></html>\n",
        ]
        return "".join(parts)
