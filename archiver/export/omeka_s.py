"""`--to omeka-s`: a bag as a CSV file for the Omeka S CSV Import module, with the files beside it.

    DEST/
      items.csv          one item per payload file, in payload-path order; UTF-8, a header row
      files/<path>       each payload file, byte for byte, at its path under data/

items.csv's headers are DCMI Metadata Terms property names (`dcterms:title`, `dcterms:creator`,
`dcterms:publisher`, `dcterms:date`, `dcterms:identifier`, `dcterms:language`, `dcterms:type`,
`dcterms:format`, `dcterms:description`, `dcterms:source`, `dcterms:rights`), which CSV Import maps to Omeka S's Dublin Core properties
on its own, and a last column `file`: the file's path under files/, for the File Sideload module
(map the column to Media source → Sideload, with the module's directory set to DEST/files).

Values are those of the bag's Dublin Core index (an unknown value is an empty cell, never a guess; a
cell starting with = + - @ is written as it is). dcterms:source is the URL the page came from and
dcterms:rights its rights statement, when the record's origin block says them (`archiver bag
--sources`). dcterms:identifier holds the story code and the
payload path in the bag (`data/…`) joined by CSV Import's default multivalue separator, ",": mark
that column (and only that one) as multivalue when importing. CSV Import splits such a cell on every
",", so a story code or a path that itself holds a comma is split there too.
"""
from __future__ import annotations

import csv
import io
import os

from archiver.export.items import items, manifest_sha256, payload, write_new

OUTPUT = "dir"
MULTIVALUE_SEPARATOR = ","           # CSV Import's default (csv_import_multivalue_separator)
COLUMNS = ("dcterms:title", "dcterms:creator", "dcterms:publisher", "dcterms:date", "dcterms:identifier",
           "dcterms:language", "dcterms:type", "dcterms:format", "dcterms:description", "dcterms:source",
           "dcterms:rights", "file")


def row(item) -> list[str]:
    first = item.first
    identifiers = MULTIVALUE_SEPARATOR.join(v for v in (item.story_code, item.path_id) if v)
    return [first("title"), first("creator"), first("publisher"), first("date"), identifiers,
            first("language"), first("type"), first("format"), first("description"), first("source"),
            first("rights"), item.inner]


def write(reader, dest, epoch: int) -> None:
    dest = os.fspath(dest)
    table = io.StringIO()
    out = csv.writer(table, lineterminator="\r\n")
    out.writerow(COLUMNS)
    manifest = manifest_sha256(reader)
    for item in items(reader):
        write_new(os.path.join(dest, "files", item.inner), payload(reader, item, manifest)[0], epoch)
        out.writerow(row(item))
    # The file column is written as the bytes of the name on disk (surrogateescape), so that it matches.
    write_new(os.path.join(dest, "items.csv"), table.getvalue().encode("utf-8", "surrogateescape"), epoch)
