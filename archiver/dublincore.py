"""The Dublin Core index of a bag: `metadata/dublin-core.xml` (oai_dc records) and `metadata/dublin-core.csv`.

Mapping from a provenance record: title → dc:title, byline → dc:creator, outlet → dc:publisher,
published → dc:date (W3CDTF: a time is kept only with a known zone, which W3CDTF requires), story code
and the payload path (`data/…`) → dc:identifier, dc:type `Text`, dc:format `text/plain` (or
`application/octet-stream` for a file that is not text), dc:language. An unknown value is left out,
never written as "unknown". Both files are streamed in payload-path order: records are formatted
as text here (in worker processes) and appended by the bag writer.
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

CSV_COLUMNS = ("filename", "dc.title", "dc.creator", "dc.publisher", "dc.date", "dc.identifier",
               "dc.type", "dc.format", "dc.language")

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HAS_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def w3cdtf(iso: str) -> str:
    """W3CDTF form of an ISO 8601 value: a time without a stated zone is cut to its date."""
    if "T" in iso and not _HAS_ZONE.search(iso):
        return iso.split("T", 1)[0]
    return iso


@dataclass
class DublinCoreRecord:
    """The DC elements of one payload file, as (element, value) pairs in a fixed order."""

    payload_path: str            # "data/…", as on disk
    elements: list[tuple[str, str]]

    @classmethod
    def from_values(cls, payload_path: str, values: dict, is_text: bool) -> "DublinCoreRecord":
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
        add("type", "Text")
        add("format", "text/plain" if is_text else "application/octet-stream")
        add("language", values.get("language"))
        return cls(payload_path, els)

    def first(self, name: str) -> str:
        return next((v for n, v in self.elements if n == name), "")


def _xml_text(value: str) -> str:
    return escape(_XML_FORBIDDEN.sub("\ufffd", value))


def xml_header() -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<idx:index xmlns:idx="{INDEX_NS}" xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" '
            f'xmlns:xsi="{XSI_NS}">\n')


XML_FOOTER = "</idx:index>\n"


def xml_record(rec: DublinCoreRecord) -> str:
    """One <idx:record> holding one oai_dc:dc, as text (records are formatted in worker processes)."""
    parts = [f'  <idx:record path={quoteattr(encode_index_path(rec.payload_path))}>\n'
             f'    <oai_dc:dc xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_XSD}">\n']
    for name, value in rec.elements:
        parts.append(f"      <dc:{name}>{_xml_text(value)}</dc:{name}>\n")
    parts.append("    </oai_dc:dc>\n  </idx:record>\n")
    return "".join(parts)


def _neutralise(cell: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ (or a tab/CR that hides one) as a formula.
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def csv_line(cells) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def csv_header() -> str:
    return csv_line(CSV_COLUMNS)


def csv_row(rec: DublinCoreRecord) -> str:
    """One row of dublin-core.csv (UTF-8, CRLF, formulas neutralised)."""
    values = {n: v for n, v in rec.elements if n != "identifier"}
    path_id = encode_index_path(rec.payload_path)
    story = next((v for n, v in rec.elements if n == "identifier" and v != path_id), "")
    return csv_line([_neutralise(c) for c in (
        path_id, values.get("title", ""), values.get("creator", ""), values.get("publisher", ""),
        values.get("date", ""), story, values.get("type", ""), values.get("format", ""),
        values.get("language", ""))])
