"""The Dublin Core index of a bag: `metadata/dublin-core.xml` (oai_dc records) and `metadata/dublin-core.csv`.

Mapping from a provenance record: title → dc:title, byline → dc:creator, outlet → dc:publisher,
published → dc:date (W3CDTF: a time is kept only with a known zone, which W3CDTF requires), story code
and the payload path (`data/…`) → dc:identifier, dc:type `Text`, dc:format the file's media type
(`text/plain`, `text/html`, `application/pdf`, ...: `archiver.sourcekind`), dc:language. An unknown value is left out,
never written as "unknown".

Where a page came from (the record's `origin` block, archiver.sources), when it was given: the URL
→ dc:identifier (harvesters link an item by its http identifier) and dc:source (DCMI's element for
the resource this one is derived from: the text file is a capture of that page), the rights
statement → dc:rights, and the capture time, for which oai_dc has no element (dc:date is the
publication date), → a second dc:description, "archiver origin: retrieved <time> from <url>; stated
by <who>". The CSV has `dc.source`, `dc.rights` and `dc.source.retrieved` columns.

The index says how each value is known, so that an extracted value, a curator's assertion and an
unknown do not look alike outside the YAML: the CSV has a status column beside each field
(`dc.title.status`: extracted / asserted / unknown), and each XML record one `dc:description`
statement ("archiver provenance: title: extracted (rule title.header-line); outlet: asserted (by A.
Curator); …"), which catalogue tools keep where they would drop a private element. CSV values are
written exactly as they are (no prefix against spreadsheet formulas: the index carries the page's own
words; open it in a spreadsheet as text). Both files are streamed in payload-path order: records are
formatted as text here (in worker processes) and appended by the bag writer.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from archiver.bagit_names import encode_index_path


# xml.sax.saxutils' escape() and quoteattr(), to the byte: importing that module pulls in urllib,
# http and email (25 ms of every run's start-up).
def escape(data: str) -> str:
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(data: str) -> str:
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in data:
        if "'" in data:
            return '"%s"' % data.replace('"', "&quot;")
        return "'%s'" % data
    return '"%s"' % data

INDEX_NS = "urn:x-archiver:dc-index:1"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_XSD = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

# The record fields the index says the status of, with the DC element each maps to, in CSV order.
STATUS_FIELDS = (("title", "title"), ("creator", "byline"), ("publisher", "outlet"), ("date", "published"),
                 ("identifier", "story_code"), ("language", "language"))
_STATUS_OF = dict(STATUS_FIELDS)
STATEMENT_FIELDS = ("title", "outlet", "published", "story_code", "byline", "language")   # record order
CSV_COLUMNS = ("filename", "dc.title", "dc.title.status", "dc.creator", "dc.creator.status", "dc.publisher",
               "dc.publisher.status", "dc.date", "dc.date.status", "dc.identifier", "dc.identifier.status",
               "dc.type", "dc.format", "dc.language", "dc.language.status",
               "dc.source", "dc.source.retrieved", "dc.rights")
# Columns added after the first index format: a CSV of an older archiver lacks them and lacks nothing.
CSV_LATER_COLUMNS = ("dc.source", "dc.source.retrieved", "dc.rights")
# The statement of each XML record begins with this, so that a reader (or a script) can find it among
# other descriptions a catalogue adds later.
STATEMENT_PREFIX = "archiver provenance: "
ORIGIN_PREFIX = "archiver origin: "

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HAS_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def w3cdtf(iso: str) -> str:
    """W3CDTF form of an ISO 8601 value: a time without a stated zone is cut to its date."""
    if "T" in iso and not _HAS_ZONE.search(iso):
        return iso.split("T", 1)[0]
    return iso


def statement(statuses: dict) -> str:
    """The provenance statement of one record: each field of STATUS_FIELDS (by its record name), its
    status and how it is known, e.g. "archiver provenance: title: extracted (rule title.header-line);
    outlet: asserted (by A. Curator); published: unknown; …". `statuses`: {field: (status, rule or
    curator or None)}; a field missing from it is unknown."""
    parts = []
    for name in STATEMENT_FIELDS:
        status, how = statuses.get(name, ("unknown", None))
        if how and status == "extracted":
            parts.append(f"{name}: {status} (rule {how})")
        elif how and status == "asserted":
            parts.append(f"{name}: {status} (by {how})")
        else:
            parts.append(f"{name}: {status}")
    return STATEMENT_PREFIX + "; ".join(parts)


def origin_statement(origin: dict) -> str | None:
    """The sentence saying when and where from a page was captured, and who says so (None when the
    origin gives neither a time nor a URL): "archiver origin: retrieved 2024-03-29T08:15:00Z from
    https://…; stated by sources file sources.csv"."""
    url, retrieved = origin.get("url"), origin.get("retrieved")
    if not url and not retrieved:
        return None
    said = " ".join(part for part in (f"retrieved {retrieved}" if retrieved else "retrieved",
                                      f"from {url}" if url else "") if part)
    return f"{ORIGIN_PREFIX}{said}; stated by {origin.get('by') or 'unknown'}"


@dataclass
class DublinCoreRecord:
    """The DC elements of one payload file, as (element, value) pairs in a fixed order, and the status
    of each record field behind them ({field: (status, rule or curator or None)})."""

    payload_path: str            # "data/…", as on disk
    elements: list[tuple[str, str]]
    statuses: dict
    origin: dict | None = None   # the record's origin block {url, retrieved, rights, by}, if any

    @classmethod
    def from_values(cls, payload_path: str, values: dict, is_text: bool | str, statuses: dict,
                    origin: dict | None = None) -> "DublinCoreRecord":
        """`values`: {field: value} of the known values; `statuses` as in the class; `is_text`: the
        file's media type (`sourcekind.media_type_of` of its record), or, as before media types were
        recorded, whether it is text (`text/plain`) or not (`application/octet-stream`); `origin`: where
        the page came from (archiver.sources), as the record's origin block says."""
        origin = origin or {}
        els: list[tuple[str, str]] = []

        def add(name, value):
            if value:
                els.append((name, value))

        add("title", values.get("title"))
        add("creator", values.get("byline"))
        add("publisher", values.get("outlet"))
        add("date", w3cdtf(values["published"]) if values.get("published") else None)
        add("identifier", values.get("story_code"))
        add("identifier", encode_index_path(payload_path))
        add("identifier", origin.get("url"))
        add("source", origin.get("url"))
        add("type", "Text")
        add("format", is_text if isinstance(is_text, str) else "text/plain" if is_text else "application/octet-stream")
        add("language", values.get("language"))
        add("rights", origin.get("rights"))
        add("description", statement(statuses))
        add("description", origin_statement(origin))
        return cls(payload_path, els, statuses, origin or None)

    def first(self, name: str) -> str:
        return next((v for n, v in self.elements if n == name), "")

    def status(self, element: str) -> str:
        """The status (extracted / asserted / unknown) of the record field behind a DC element."""
        return self.statuses.get(_STATUS_OF[element], ("unknown", None))[0]


def _xml_text(value: str) -> str:
    return escape(_XML_FORBIDDEN.sub("\ufffd", value))


def xml_header() -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<idx:index xmlns:idx="{INDEX_NS}" xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" '
            f'xmlns:xsi="{XSI_NS}">\n')


XML_FOOTER = "</idx:index>\n"


def oai_dc_xml(rec: DublinCoreRecord, indent: str = "", declare: bool = True) -> str:
    """The record's <oai_dc:dc> element as text, each line after `indent`; with `declare` it carries its
    own namespace declarations (to stand alone, as in an OAI-PMH response), without them it relies on
    its parent's (as in dublin-core.xml)."""
    ns = f'xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" xmlns:xsi="{XSI_NS}" ' if declare else ""
    parts = [f'{indent}<oai_dc:dc {ns}xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_XSD}">\n']
    for name, value in rec.elements:
        parts.append(f"{indent}  <dc:{name}>{_xml_text(value)}</dc:{name}>\n")
    parts.append(f"{indent}</oai_dc:dc>\n")
    return "".join(parts)


def xml_record(rec: DublinCoreRecord) -> str:
    """One <idx:record> holding one oai_dc:dc, as text (records are formatted in worker processes)."""
    return (f'  <idx:record path={quoteattr(encode_index_path(rec.payload_path))}>\n'
            + oai_dc_xml(rec, "    ", declare=False) + "  </idx:record>\n")


def csv_line(cells) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def csv_header() -> str:
    return csv_line(CSV_COLUMNS)


def csv_row(rec: DublinCoreRecord) -> str:
    """One row of dublin-core.csv (UTF-8, CRLF, RFC 4180 quoting): each value exactly as in the record,
    beside its status."""
    return csv_line(csv_cells(rec))


def csv_cells(rec: DublinCoreRecord) -> tuple[str, ...]:
    """The cells of the record's row of dublin-core.csv, in CSV_COLUMNS order: what csv_row writes and
    a CSV reader reads back (validate compares them without writing the row and parsing it again)."""
    values = {n: v for n, v in rec.elements if n not in ("identifier", "description")}
    path_id = encode_index_path(rec.payload_path)
    origin = rec.origin or {}
    # The story code is the identifier before the payload path (the URL comes after it).
    story = ""
    for n, v in rec.elements:
        if n == "identifier":
            if v == path_id:
                break
            story = v
    st = rec.status
    return (
        path_id, values.get("title", ""), st("title"), values.get("creator", ""), st("creator"),
        values.get("publisher", ""), st("publisher"), values.get("date", ""), st("date"), story,
        st("identifier"), values.get("type", ""), values.get("format", ""), values.get("language", ""),
        st("language"), values.get("source", ""), origin.get("retrieved") or "", values.get("rights", ""))
