"""From a source file to its provenance record: read once, decode, extract, apply a curator's override.

This is the per-file work of `archiver bag` and `archiver manifest`; it runs in worker processes, so
it takes and returns only small, picklable values. The extractor and the record writer are imported
when first needed (`preload`), not with this module: the extractor compiles its patterns at import
(about 0.1 s), which a parent that only hands out work never needs to pay.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import NamedTuple

from archiver.errors import OutputWriteError
from archiver.model import CORE_FIELD_NAMES, FIELD_NAMES, Evidence, Field
from archiver.reader import read_source
from archiver.sourcekind import HTML, PLAIN, media_type


@dataclass
class FileOutcome:
    """What the parent needs of one processed file to write manifests and the Dublin Core index."""

    relpath: str
    size: int
    sha256: str
    sha512: str
    is_text: bool                # decoded as text (an HTML page too)
    values: dict                 # field name -> value (str) for known values
    statuses: dict               # field name -> (status, rule or curator or None), for the index
    record_sha256: str
    record_sha512: str
    record_bytes: int
    override_problem: str | None = None
    room_entry: str | None = None    # its line of the reading room's items.tsv (archiver.readingroom)
    origin: dict | None = None       # where the page came from (the record's origin block), for the index
    media_type: str | None = None    # archiver.sourcekind: text/plain, text/html, application/pdf, ...


def preload() -> None:
    """Import what processing a file needs (in a worker that is about to, or before forking workers)."""
    import archiver.extract  # noqa: F401
    import archiver.provenance  # noqa: F401


def build_record(facts, overrides: dict | None, decoded: tuple | None = None):
    """The record of one file (a ProvenanceRecord); returns (record, problem) where problem names a
    stale override. `decoded`: facts.decoded() when the caller has it already (it needs the text too)."""
    from archiver.extract import extract
    from archiver.provenance import ProvenanceRecord
    text, encoding = decoded if decoded is not None else facts.decoded()
    kind = media_type(facts.head, text)
    if kind == HTML:
        from archiver.htmlsource import decode_page, read_html
        text, encoding = decode_page(facts.head, facts.complete, text, encoding)
        fields = read_html(text)
    elif kind == PLAIN:
        fields = extract(text)
    else:   # not text (or a PDF that is ASCII): nothing is read from it, and the record says why
        encoding = None
        why = [Evidence(None, kind, "source.not-text")]
        fields = {name: Field.unknown(why) for name in FIELD_NAMES}
    problem = None
    if overrides:
        from archiver.overrides import apply_override
        problem = apply_override(fields, overrides, facts.sha256)
    origin = overrides.get("origin") if overrides else None
    return (ProvenanceRecord(facts.relpath, facts.size, facts.sha256, facts.sha512, encoding, fields,
                             origin=origin, media_type=kind),
            problem)


def process_file(relpath: str, abspath: str, payload_dest: str | None, record_dest: str | None,
                 overrides: dict | None = None, link: bool = False, room: bool = False) -> tuple[FileOutcome, bytes]:
    """Read, copy, hash, extract and (when `record_dest` is given) write the record of one file; with
    `room`, the outcome carries the file's reading-room entry, made here while its decoded text is at hand."""
    facts = read_source(relpath, abspath, payload_dest, link=link)
    decoded = facts.decoded()
    record, problem = build_record(facts, overrides, decoded)
    data = record.to_yaml()
    if record_dest is not None:
        try:
            with open(record_dest, "xb") as out:   # never through an existing file (it may be a link)
                out.write(data)
        except OSError as exc:
            raise OutputWriteError(f"{exc.strerror or exc}, writing its record", relpath) from exc
    values = {name: f.value for name, f in record.fields.items() if f.value is not None}
    statuses = {name: (record.fields[name].status, record.fields[name].attribution()) for name in CORE_FIELD_NAMES}
    outcome = FileOutcome(relpath, facts.size, facts.sha256, facts.sha512, record.encoding is not None,
                          values, statuses, hashlib.sha256(data).hexdigest(), hashlib.sha512(data).hexdigest(),
                          len(data), problem, media_type=record.media_type)
    outcome.origin = record.origin
    if room:
        from archiver.readingroom import item_entry
        text = decoded[0] if record.media_type == PLAIN else None
        if record.media_type == HTML:   # the page as its record's lines count it: with its charset
            from archiver.textdecode import decode_as
            text = decode_as(facts.head, record.encoding)
        outcome.room_entry = item_entry(relpath, record.fields, text, record.origin)
    return outcome, data


class FileJob(NamedTuple):
    """A work item: a source file to process, or (with `old_index`) an unchanged file of an update
    whose payload and record are hard-linked from the previous bag, `old_index` being its position there."""

    relpath: str
    abspath: str
    old_index: int | None
    size: int


class Task(NamedTuple):
    """What every file of a run shares (handed to each worker once: archiver.workers): where the bag's
    payload (`bag_root`/data) and records (`records_root`) go (None: nowhere), the curators' assertions
    by relpath, whether payload files are hard-linked (--link), whether the record's bytes come back
    (`keep_data`), the previous bag that unchanged files are linked from, and whether outcomes carry
    their reading-room entries (`room`)."""

    bag_root: str | None
    records_root: str | None
    overrides: dict | None
    link: bool = False
    keep_data: bool = False
    old_bag: str | None = None
    room: bool = False


class Carried(NamedTuple):
    """A file of an incremental update carried over from the previous bag: its index there, its size."""

    index: int
    size: int


class CarriedSpan(NamedTuple):
    """As a work item and as its result: files first..stop-1 of the previous bag, consecutive there and
    here, whose payload and record are already in place (an update patching the spare), `size` bytes
    in all. One item for the whole run, so the files never travel to a worker one by one."""

    first: int
    stop: int
    size: int


def _carry(relpath: str, size: int, old_bag: str, payload_dest: str, record_dest: str) -> bool:
    """Hard-link a file's payload and record from the previous bag; False (nothing left behind) when
    either is missing, is not a regular file, or the payload's size is not the source's."""
    old_payload = f"{old_bag}/data/{relpath}"
    old_record = f"{old_bag}/metadata/provenance/{relpath}.yaml"
    try:
        st = os.lstat(old_payload)
        if not stat.S_ISREG(st.st_mode) or st.st_size != size or not stat.S_ISREG(os.lstat(old_record).st_mode):
            return False
        os.link(old_payload, payload_dest)
    except OSError:
        return False
    try:
        os.link(old_record, record_dest)
    except OSError:
        os.unlink(payload_dest)
        return False
    return True


def process_chunk(chunk: list, task: Task) -> list:
    """Worker entry point: process a list of FileJob and CarriedSpan items (the latter returned as they
    are) for `task`. Paths are joined by components.

    A FileJob with an `old_index` is an unchanged file of an incremental update: its payload and record
    are hard-linked from the previous bag `task.old_bag`, neither read nor copied, and it comes back as
    Carried (if the old copy is not usable after all, the file is processed like any other). Otherwise
    it comes back as a FileOutcome (with `task.keep_data`, (FileOutcome, record bytes)).
    """
    bag_root, records_root, overrides = task.bag_root, task.records_root, task.overrides
    results = []
    for item in chunk:
        if type(item) is CarriedSpan:
            results.append(item)
            continue
        relpath = item.relpath
        # relpath comes from our own walk of SOURCE ("/"-separated, no "." or ".." parts), and "/" is
        # accepted as a separator everywhere, so plain concatenation (much cheaper than os.path.join) is safe.
        payload_dest = f"{bag_root}/data/{relpath}" if bag_root else None
        record_dest = f"{records_root}/{relpath}.yaml" if records_root else None
        if item.old_index is not None and _carry(relpath, item.size, task.old_bag, payload_dest, record_dest):
            results.append(Carried(item.old_index, item.size))
            continue
        file_overrides = overrides.get(relpath) if overrides else None
        outcome, data = process_file(relpath, item.abspath, payload_dest, record_dest, file_overrides, task.link,
                                     task.room)
        results.append((outcome, data) if task.keep_data else outcome)
    return results
