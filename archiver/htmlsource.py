"""Reading an HTML page's fields: from its structured metadata first, then from its visible text.

A field's value comes, in this order, from the page's JSON-LD (`<script type="application/ld+json">`,
the object of an Article type), its Open Graph and `article:` meta tags, other meta tags (`author`),
its `<html lang>`, `<title>` and `<time datetime>`; a field none of them gives is read by the text
extractor (`archiver.extract.extract`) from the page's visible text (`visible_lines`). The first source
in that order wins; a source that disagrees is kept as evidence with `outcome: "overruled"`.

Evidence lines (a record must let a person find the words in the file, and `archiver validate` checks
them, A012):
- a rule `html.…` (`html.jsonld:headline`, `html.meta:og:title`, `html.title`, ...) cites the line of
  the file where the tag (or the JSON-LD key) stands, and its `text` is the tag or the JSON key and
  value exactly as written there (entities and JSON escapes not undone), cut at the end of that line
  and at EVIDENCE_CHARS;
- any other rule is the text extractor's, run on the visible text: its `line` is the line of the file
  where the element holding that text begins, and its `text` is the visible text (tags left out,
  entities decoded), which stands on that line only in that form: the validator renders the visible
  text the same way to check it.

The page is parsed with lxml's HTML parser (libxml2): it executes nothing, fetches nothing
(`no_network`), and does not expand entities declared in a DTD. Nothing here raises: a page it
cannot parse gets what the visible text gives, or nothing.
"""
from __future__ import annotations

import bisect
import codecs
import html
import json
import re

from archiver.model import FIELD_NAMES, Evidence, Field

EVIDENCE_CHARS = 200
# A value longer than this is not a title, a name or a date: a stuffed attribute, never recorded.
MAX_VALUE = 1000
MAX_JSONLD = 1 << 20
# JSON-LD types whose object describes the page's story.
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Report|NewsArticle|Story)$")
_META_CHARSET = re.compile(rb"<meta\b[^>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I)
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,]\d{1,9})?)?)?\s*(Z|[+-]\d\d:?\d\d)?",
                  re.I)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_SKIP = {"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "select",
         "textarea", "button"}
_BLOCK = {"address", "article", "aside", "blockquote", "body", "br", "dd", "details", "dialog", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
          "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
          "tbody", "td", "tfoot", "th", "thead", "time", "tr", "ul", "html"}


# --- the charset ----------------------------------------------------------------------------------

def declared_charset(head: bytes) -> str | None:
    """The charset a `<meta charset>` or `<meta http-equiv="Content-Type">` declares, as a record names
    encodings ("utf-8", "windows-1251", ...; `archiver.textdecode.NAMES`), or None."""
    from archiver.textdecode import NAMES
    m = _META_CHARSET.search(head[:8192])
    if not m:
        return None
    try:
        codec = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if codec == "utf-8":
        return "utf-8"
    if codec in ("latin-1", "iso8859-1", "ascii", "cp1252"):
        return "windows-1252"       # WHATWG Encoding: these labels all mean windows-1252
    return NAMES.get(codec.replace("-", "_"))


def decode_page(head: bytes, complete: bool, text: str | None, encoding: str | None) -> tuple[str | None, str | None]:
    """(text, encoding) of an HTML page: the charset it declares when its bytes decode with it, unless
    they are valid UTF-8 holding more than ASCII (self-validating: a page re-saved as UTF-8 often keeps
    its old declaration); else what `textdecode` detected (`text`, `encoding`)."""
    declared = declared_charset(head)
    if declared is None or declared == encoding or encoding in ("utf-8-sig", "utf-16"):
        return text, encoding
    if encoding == "utf-8" and text is not None and not text.isascii():
        return text, encoding
    from archiver.textdecode import CODECS
    codec = CODECS.get(declared, declared)
    for cut in range(0, 1 if complete else 4):
        try:
            return (head[: len(head) - cut] if cut else head).decode(codec), declared
        except (UnicodeDecodeError, LookupError):
            continue
    return text, encoding


# --- lines ----------------------------------------------------------------------------------------

class _Lines:
    """Offsets in the decoded text: libxml2's line numbers (counted at "\\n") to offsets, and offsets to
    the 1-based lines a record cites (Python's `str.splitlines`, as the validator counts them)."""

    def __init__(self, text: str):
        self.text = text
        self.nl_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        starts, pos = [], 0
        for piece in text.splitlines(keepends=True):
            starts.append(pos)
            pos += len(piece)
        self.starts = starts or [0]

    def offset_of(self, sourceline: int | None) -> int:
        if not sourceline or sourceline < 1:
            return 0
        return self.nl_starts[min(sourceline, len(self.nl_starts)) - 1]

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def line_of(self, sourceline: int | None) -> int:
        return self.line_at(self.offset_of(sourceline))

    def quote(self, start: int, end: int) -> str:
        """The text at [start, end), cut at the end of its line and at EVIDENCE_CHARS."""
        piece = self.text[start:min(end, start + EVIDENCE_CHARS)]
        return piece.splitlines()[0] if piece else piece


def _attrs(raw_tag: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw_tag, len(re.match(r"<[A-Za-z0-9]*", raw_tag).group())):
        name = m.group(1).lower()
        value = next((g for g in m.group(2, 3, 4) if g is not None), "")
        out.setdefault(name, html.unescape(value))
    return out


def _find_tag(lines: _Lines, el, attr: str | None, with_text: bool) -> Evidence | None:
    """Where element `el` stands in the text: (line, its tag as written) as an Evidence without a rule,
    or None when it cannot be found (then no evidence, and no value, comes from it). The tag must
    carry the attributes lxml read with the same values (`attr`, whose value is the evidence, and
    those naming it: property, name, itemprop); `with_text`: the quote runs on to the closing tag (a
    <title>).

    libxml2 gives the line where a start tag ends, so the tag is sought in the 20 lines up to the end
    of that line (the last one that fits), then after it."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if not re.fullmatch(r"[a-z][a-z0-9]*", tag):
        return None
    text = lines.text
    sourceline = el.sourceline or 1
    lo, hi = lines.offset_of(max(1, sourceline - 20)), lines.offset_of(sourceline + 1)
    if hi <= lines.offset_of(sourceline):
        hi = len(text)                     # the last line
    # quoted values may hold ">"; each alternative starts with a different character: no backtracking
    pattern = re.compile(rf"""<{tag}(?=[\s/>])(?:"[^"]{{0,{4 * MAX_VALUE}}}"|'[^']{{0,{4 * MAX_VALUE}}}'|[^'">]){{0,{4 * MAX_VALUE}}}>""", re.I)
    want = {k: el.get(k) for k in (attr, "property", "name", "itemprop") if k and el.get(k) is not None}

    def fits(m):
        found = _attrs(m.group())
        return all(found.get(k) == v for k, v in want.items())

    m = None
    for candidate in pattern.finditer(text, lo, hi):
        if candidate.start() <= hi and fits(candidate):
            m = candidate
    if m is None:
        m = next((c for c in pattern.finditer(text, hi, min(len(text), hi + 65536)) if fits(c)), None)
    if m is None:
        return None
    begin, end = m.start(), m.end()
    if attr is not None and "\n" in m.group():      # a tag over several lines: quote its attribute's
        at = re.search(rf"(?<![\w-]){re.escape(attr)}\s*=", m.group(), re.I)
        begin = m.start() + at.start() if at else begin
    if with_text:
        close = text.find(f"</{tag}", end, end + 4 * EVIDENCE_CHARS)
        end = close if close >= 0 else end + EVIDENCE_CHARS
    return Evidence(lines.line_at(begin), lines.quote(begin, end), "")


def _clean(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value if value and len(value) <= MAX_VALUE else None


# --- dates ----------------------------------------------------------------------------------------

def iso_date(raw: str) -> str | None:
    """A machine-readable date (ISO 8601, as JSON-LD, meta tags and <time datetime> write them) in the
    record's form: as precise as written, the zone kept when given ("Z" as "+00:00"); another form is
    read by the text extractor's `find_date` as a whole. None when it is no valid date."""
    from datetime import date
    raw = raw.strip()
    m = _ISO.fullmatch(raw)
    if m is None:
        from archiver.extract.dates import find_date
        found = find_date(raw, whole=True)
        return found[0] if found else None
    y, mo, d, h, mi, s, zone = m.groups()
    try:
        date(int(y), int(mo), int(d))
    except ValueError:
        return None
    out = f"{y}-{mo}-{d}"
    if h is None:
        return out
    if int(h) > 23 or int(mi) > 59 or (s and int(s) > 59):
        return None
    out += f"T{h}:{mi}" + (f":{s}" if s else "")
    if zone:
        if zone.upper() == "Z":
            zone = "+00:00"
        elif ":" not in zone:
            zone = zone[:3] + ":" + zone[3:]
        if int(zone[1:3]) > 14 or int(zone[4:6]) > 59:
            return None
        out += zone
    return out


def _language(raw: str) -> str | None:
    m = re.fullmatch(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*", raw.strip())
    return m.group(1).lower() if m else None


# --- JSON-LD --------------------------------------------------------------------------------------

def _jsonld_objects(doc) -> list[dict]:
    """The JSON objects of a JSON-LD document (top level, lists and @graph), breadth first, bounded."""
    out, queue = [], [doc]
    while queue and len(out) < 200:
        item = queue.pop(0)
        if isinstance(item, list):
            queue.extend(item[:200])
        elif isinstance(item, dict):
            out.append(item)
            if isinstance(item.get("@graph"), list):
                queue.extend(item["@graph"][:200])
    return out


def _types(obj: dict) -> list[str]:
    t = obj.get("@type")
    return [x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]


def _names(value) -> list[str]:
    """The names a JSON-LD author or publisher gives: a string, an object's "name", a list of them."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items[:20]:
        name = item.get("name") if isinstance(item, dict) else item
        name = _clean(name)
        if name and not name.startswith(("http://", "https://")):
            out.append(name)
    return out


def _json_key(lines: _Lines, start: int, end: int, key: str, value: str) -> Evidence | None:
    """Where `"key": "..."` whose string is `value` stands in a script's text (its first occurrence)."""
    pattern = re.compile(rf'"{re.escape(key)}"\s*:\s*("(?:[^"\\\n]|\\.){{0,{4 * MAX_VALUE}}}")')
    for m in pattern.finditer(lines.text, start, end):
        try:
            found = _clean(json.loads(m.group(1)))
        except ValueError:
            continue
        if found == value:
            return Evidence(lines.line_at(m.start()), lines.quote(m.start(), m.end()), "")
    return None


# --- the page -------------------------------------------------------------------------------------

def parse(text: str):
    """The page's lxml tree (None when it has none). Parsed from UTF-8 bytes: libxml2 refuses a str
    that carries an encoding declaration."""
    import lxml.html
    parser = lxml.html.HTMLParser(encoding="utf-8", recover=True, no_network=True, remove_comments=True,
                                  remove_pis=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except Exception:  # noqa: BLE001 - lxml's ParserError on an empty document, and worse on a hostile one
        return None


def visible_lines(root) -> list[tuple[str, int | None]]:
    """The page's visible text, one entry per block (a paragraph, heading, list item, cell, <br>):
    (its text, white space collapsed, entities decoded; the libxml2 line where it begins). Scripts,
    styles, forms' fields and the <head> are left out. Iterative, so no nesting depth breaks it."""
    from lxml import etree
    out: list[tuple[str, int | None]] = []
    parts: list[str] = []
    where: list[int | None] = [None]
    skipping = 0

    def flush():
        line = " ".join(" ".join(parts).split())
        if line:
            out.append((line, where[0]))
        parts.clear()
        where[0] = None

    def add(piece, sourceline):
        if piece and piece.strip():
            if where[0] is None:
                where[0] = sourceline
            parts.append(piece)

    body = root.find("body") if root.tag == "html" else root
    if body is None:
        body = root
    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if skipping or tag in _SKIP or not tag:
                skipping += 1
                continue
            if tag in _BLOCK:
                flush()
            add(el.text, el.sourceline)
        else:
            if skipping:
                skipping -= 1
                if skipping:
                    continue
            elif tag in _BLOCK:
                flush()
            # a tail's line: lxml keeps none; the element's own is the closest known
            add(el.tail if el is not body else None, el.sourceline)
    flush()
    return out


class _Candidates:
    def __init__(self):
        self.by_field: dict[str, list[tuple[str, Evidence]]] = {name: [] for name in FIELD_NAMES}

    def add(self, field: str, value: str | None, ev: Evidence | None, rule: str):
        if value and ev is not None:
            self.by_field[field].append((value, Evidence(ev.line, ev.text, rule)))

    def field(self, name: str) -> Field | None:
        cands = self.by_field[name]
        if not cands:
            return None
        value = cands[0][0]
        evidence = [ev if v == value else ev.with_outcome("overruled", v) for v, ev in cands]
        return Field.found(value, evidence)


def read_html(text: str) -> dict[str, Field]:
    """The fields of an HTML page (decoded `text`; see the module's docstring). Never raises."""
    try:
        return _read_html(text)
    except Exception:  # noqa: BLE001 - a record must be written whatever the page holds
        return {name: Field.unknown() for name in FIELD_NAMES}


def _read_html(text: str) -> dict[str, Field]:
    root = parse(text)
    if root is None:
        return {name: Field.unknown() for name in FIELD_NAMES}
    lines = _Lines(text)
    c = _Candidates()
    _from_jsonld(root, lines, c)
    metas = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and el.get("content") is not None and key not in metas:
            metas[key] = el

    def meta(field, key, convert=_clean):
        el = metas.get(key)
        if el is None:
            return
        value = convert(el.get("content"))
        if value:
            c.add(field, value, _find_tag(lines, el, "content", False), f"html.meta:{key}")

    meta("title", "og:title")
    meta("outlet", "og:site_name")
    meta("published", "article:published_time", _date)
    meta("updated", "article:modified_time", _date)
    meta("byline", "author", _person)
    meta("byline", "article:author", _person)
    html_el = root if root.tag == "html" else None
    if html_el is not None and html_el.get("lang"):
        c.add("language", _language(html_el.get("lang")), _find_tag(lines, html_el, "lang", False), "html.lang")
    meta("language", "og:locale", lambda v: _language(v) if v else None)
    for el in root.iter("title"):
        title = _clean(el.text_content())
        outlet = c.by_field["outlet"][0][0] if c.by_field["outlet"] else None
        c.add("title", _strip_outlet(title, outlet), _find_tag(lines, el, None, True), "html.title")
        break
    stamp = _publication_time(root)
    if stamp is not None:
        c.add("published", _date(stamp.get("datetime")), _find_tag(lines, stamp, "datetime", False),
              "html.time[datetime]")
    fields = {name: c.field(name) for name in FIELD_NAMES}
    if any(f is None for f in fields.values()):
        visible = visible_lines(root)
        from archiver.extract import extract
        found = extract("\n".join(t for t, _ in visible))
        for name, f in fields.items():
            if f is None:
                fields[name] = _mapped(found[name], visible, lines)
    return fields


def _publication_time(root):
    """The <time datetime> that dates the story: one marked so (itemprop datePublished, pubdate, a
    class or id naming publication), else the first inside an <article>, else the page's only one. A
    page with several and none marked (comments, related stories) gives none."""
    times = [el for el in root.iter("time") if el.get("datetime")]
    for el in times:
        marks = " ".join(el.get(k) or "" for k in ("itemprop", "class", "id")).lower()
        if el.get("pubdate") is not None or "datepublished" in marks or "publish" in marks:
            return el
    for el in times:
        if any(a.tag == "article" for a in el.iterancestors()):
            return el
    return times[0] if len(times) == 1 else None


def _date(raw: str | None) -> str | None:
    return iso_date(raw) if raw and len(raw) <= 100 else None


def _person(raw: str | None) -> str | None:
    value = _clean(raw)
    return value if value and not value.startswith(("http://", "https://")) and len(value) <= 200 else None


def _strip_outlet(title: str | None, outlet: str | None) -> str | None:
    """A <title>'s headline: "Headline | Outlet" less the outlet the page names elsewhere."""
    if not title or not outlet:
        return title
    for sep in _SEPARATORS:
        if title.endswith(sep + outlet):
            return title[: -len(sep + outlet)].strip() or None
        if title.startswith(outlet + sep):
            return title[len(outlet + sep):].strip() or None
    return title


def _from_jsonld(root, lines: _Lines, c: _Candidates) -> None:
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        if len(el.text) > MAX_JSONLD:
            continue
        try:
            doc = json.loads(el.text)
        except (ValueError, RecursionError):
            continue
        objects = _jsonld_objects(doc)
        article = next((o for o in objects if any(_ARTICLE_TYPE.search(t) for t in _types(o))), None)
        if article is None:
            continue
        start = lines.offset_of(el.sourceline)
        end = text_end = min(len(lines.text), start + len(el.text) + 4096)

        def add(field, key, value, rule, start=start, text_end=text_end):  # this element's span
            if value:
                c.add(field, value, _json_key(lines, start, text_end, key, value), rule)

        add("title", "headline", _clean(article.get("headline")), "html.jsonld:headline")
        for raw, key, field in ((article.get("datePublished"), "datePublished", "published"),
                                (article.get("dateModified"), "dateModified", "updated")):
            if isinstance(raw, str):
                value = _date(raw)
                ev = _json_key(lines, start, end, key, _clean(raw)) if value else None
                c.add(field, value, ev, f"html.jsonld:{key}")
        for key, field, rule in (("publisher", "outlet", "html.jsonld:publisher.name"),
                                 ("author", "byline", "html.jsonld:author.name")):
            names = _names(article.get(key))
            if names:
                value = ", ".join(names)
                first = names[0]
                ev = (_json_key(lines, start, end, "name", first)
                      if isinstance(article.get(key), (dict, list)) else _json_key(lines, start, end, key, first))
                c.add(field, value, ev, rule)
        if isinstance(article.get("inLanguage"), str):
            lang = _language(article["inLanguage"])
            c.add("language", lang, _json_key(lines, start, end, "inLanguage", _clean(article["inLanguage"])),
                  "html.jsonld:inLanguage")
        return          # the first article object is the page's


def _mapped(f: Field, visible: list, lines: _Lines) -> Field:
    """A field the text extractor read from the visible text, its evidence lines made the file's."""
    def remap(ev: Evidence) -> Evidence:
        if ev.line is None or not 1 <= ev.line <= len(visible):
            return ev
        from dataclasses import replace
        return replace(ev, line=lines.line_of(visible[ev.line - 1][1]))
    if f.evidence:
        f.evidence = [remap(ev) for ev in f.evidence]
    return f


def visible_text_on(text: str) -> dict[int, list[str]]:
    """{line of the file: [the visible text of the blocks beginning there]}: what a non-`html.` rule's
    evidence quotes (the validator's A012 check of an HTML record)."""
    root = parse(text)
    if root is None:
        return {}
    lines = _Lines(text)
    out: dict[int, list[str]] = {}
    for piece, sourceline in visible_lines(root):
        out.setdefault(lines.line_of(sourceline), []).append(piece)
    return out
