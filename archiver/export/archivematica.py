"""`--to archivematica`: a bag as an Archivematica *standard transfer* directory.

    DEST/
      objects/<path>                    each payload file, byte for byte, at its path under data/
      metadata/metadata.csv             descriptive metadata, one row per file (Dublin Core)
      metadata/checksum.sha256          the payload's SHA-256, verified by Archivematica on transfer
      metadata/provenance/<path>.yaml   each file's provenance record, byte for byte
      metadata/events.yaml              the bag's events, when it has any

metadata.csv follows Archivematica's metadata import rules: a header row of field names without
spaces, a `filename` column first naming each file as `objects/<path>`, Dublin Core columns named
`dc.<element>`, UTF-8, and a repeated column for a repeated element (dc.identifier: the story code,
then the payload path in the bag). Values are those of the bag's Dublin Core index (an unknown value
is an empty cell; a cell starting with = + - @ is written as it is: it is the page's own text). Where
the page came from, when the record's origin block says it (`archiver bag --sources`): its URL in
dc.source and its rights statement in dc.rights, the last two columns, empty when unknown.
checksum.sha256 is in `sha256sum` format with paths relative to objects/, as Archivematica runs
`sha256sum -c --strict` there and requires one line per file of objects/.

Why a standard transfer rather than a transfer bag: Archivematica's bag transfers expect their
`objects/` and `metadata/` inside the bag's data/ directory, so an archiver bag (payload directly in
data/, records in a tag directory) would be taken as all objects, its records and index mixed into the
content, and its metadata.csv not found; re-bagging would also give new manifests nobody has checked.
A standard transfer keeps content and metadata apart and still carries fixity: Archivematica checks
checksum.sha256 against the objects in its "Verify transfer checksums" micro-service, and the SHA-256
values are the bag's own (each is recomputed from the bytes written and must equal the one in the
bag's manifest-sha256.txt, or nothing is exported).
"""
from __future__ import annotations

import csv
import io
import os

from archiver.export.items import EVENTS, items, manifest_sha256, payload, write_new

OUTPUT = "dir"
COLUMNS = ("filename", "dc.title", "dc.creator", "dc.publisher", "dc.date", "dc.identifier", "dc.identifier",
           "dc.language", "dc.type", "dc.format", "dc.description", "dc.source", "dc.rights")


def checksum_line(digest: str, name: str) -> str:
    """One line of a `sha256sum` file; a name holding a backslash, LF or CR is escaped the way
    coreutils writes and reads it (the line then starts with a backslash), so it stays one line."""
    if "\\" in name or "\n" in name or "\r" in name:
        name = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{digest}  {name}\n"
    return f"{digest}  {name}\n"


def row(item) -> list[str]:
    first = item.first
    return ["objects/" + item.inner, first("title"), first("creator"), first("publisher"), first("date"),
            item.story_code, item.path_id, first("language"), first("type"), first("format"),
            first("description"), first("source"), first("rights")]


def write(reader, dest, epoch: int) -> None:
    dest = os.fspath(dest)
    table = io.StringIO()
    out = csv.writer(table, lineterminator="\r\n")
    out.writerow(COLUMNS)
    sums = []
    manifest = manifest_sha256(reader)
    for item in items(reader):
        data, digest = payload(reader, item, manifest)
        write_new(os.path.join(dest, "objects", item.inner), data, epoch)
        write_new(os.path.join(dest, "metadata", "provenance", item.inner + ".yaml"),
                  item.record, epoch)
        sums.append(checksum_line(digest, item.inner))
        out.writerow(row(item))
    events = reader.file_bytes(EVENTS)
    if events is not None:
        write_new(os.path.join(dest, "metadata", "events.yaml"), events, epoch)
    # Names are written as the bytes they have on disk (surrogateescape), so that they match the files.
    write_new(os.path.join(dest, "metadata", "metadata.csv"), table.getvalue().encode("utf-8", "surrogateescape"),
              epoch)
    write_new(os.path.join(dest, "metadata", "checksum.sha256"),
              "".join(sums).encode("utf-8", "surrogateescape"), epoch)
