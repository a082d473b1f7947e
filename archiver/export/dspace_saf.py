"""`--to dspace-saf`: a bag as a DSpace Simple Archive Format (SAF) directory, for `dspace import`.

    DEST/
      item_000001/                one item per payload file, numbered in payload-path order
        dublin_core.xml           <dublin_core schema="dc"> of <dcvalue element qualifier> values
        contents                  the bitstreams: the payload file (bundle ORIGINAL, primary) and its
                                  provenance record (bundle METADATA)
        <name>                    the payload file, byte for byte
        <name>.yaml               its provenance record, byte for byte
      item_000002/ …

dublin_core.xml maps the bag's Dublin Core index onto DSpace's qualified Dublin Core registry:
title → dc.title, byline → dc.contributor.author, outlet → dc.publisher, published → dc.date.issued
(W3CDTF, as in the index), story code → dc.identifier.other, the payload path in the bag (`data/…`)
→ dc.identifier, language → dc.language.iso, dc.type `Text`, dc.format.mimetype, where the page came
from when the record's origin block says it (`archiver bag --sources`: its URL → dc.source.uri, the
registry's field for the URI of a harvested source, and its rights statement → dc.rights), and how each
value is known (extracted by which rule, asserted by whom, unknown) → dc.description.provenance. An
unknown value is an absent element, never a guess.

The contents file is read by DSpace line by line, a tab separating the file name from its options; a
line starting with `-r ` registers a file instead. A payload name that such a line cannot carry (a
tab, CR or LF in it, a leading `-r `, surrounding spaces, bytes that are not UTF-8) or that the
importer reads as its own (contents, dublin_core.xml, handle, collections, relationships,
license.txt, metadata_*.xml) is stored as `payload` plus its extension instead; the payload path in dc.identifier
still names it.
"""
from __future__ import annotations

import os
import re

from archiver.dublincore import _xml_text, quoteattr
from archiver.export.items import items, manifest_sha256, payload, write_new

OUTPUT = "dir"
# The importer's own file names in an item directory.
_RESERVED = {"contents", "dublin_core.xml", "handle", "collections", "relationships", "license.txt"}
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


def bitstream_name(inner: str) -> str:
    """The file name the payload file takes in its item directory (see the module's docstring)."""
    name = inner.rsplit("/", 1)[-1]
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = None
    if (name is None or any(c in name for c in "\t\r\n") or name.strip() != name or name.startswith("-r ")
            or name in _RESERVED or (name.startswith("metadata_") and name.endswith(".xml"))):
        suffix = os.path.splitext(inner.rsplit("/", 1)[-1])[1]
        return "payload" + (suffix if _SAFE_SUFFIX.fullmatch(suffix) else "")
    return name


def dcvalues(item) -> list[tuple[str, str, str]]:
    """(element, qualifier, value) of one item, in a fixed order; unknown values left out."""
    first = item.first
    pairs = [("title", "none", first("title")), ("contributor", "author", first("creator")),
             ("publisher", "none", first("publisher")), ("date", "issued", first("date")),
             ("identifier", "other", item.story_code), ("identifier", "none", item.path_id),
             ("language", "iso", first("language")), ("type", "none", first("type")),
             ("format", "mimetype", first("format")), ("source", "uri", first("source")),
             ("rights", "none", first("rights")), ("description", "provenance", first("description"))]
    return [(e, q, v) for e, q, v in pairs if v]


def dublin_core_xml(item) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n', '<dublin_core schema="dc">\n']
    for element, qualifier, value in dcvalues(item):
        lines.append(f"  <dcvalue element={quoteattr(element)} qualifier={quoteattr(qualifier)}>"
                     f"{_xml_text(value)}</dcvalue>\n")
    lines.append("</dublin_core>\n")
    return "".join(lines).encode("utf-8")


def write(reader, dest, epoch: int) -> None:
    dest = os.fspath(dest)
    manifest = manifest_sha256(reader)
    for number, item in enumerate(items(reader), start=1):
        folder = os.path.join(dest, f"item_{number:06d}")
        name = bitstream_name(item.inner)
        write_new(os.path.join(folder, name), payload(reader, item, manifest)[0], epoch)
        write_new(os.path.join(folder, name + ".yaml"), item.record, epoch)
        contents = (f"{name}\tbundle:ORIGINAL\tprimary:true\n"
                    f"{name}.yaml\tbundle:METADATA\tdescription:archiver provenance record\n")
        write_new(os.path.join(folder, "contents"), contents.encode("utf-8"), epoch)
        write_new(os.path.join(folder, "dublin_core.xml"), dublin_core_xml(item), epoch)
