"""Each payload file of a bag as one item to export, for every target (Archivematica, DSpace, Omeka S,
RO-Crate, SQLite): one walk in payload-path order, one set of refusals, in words a librarian understands.

An `Item` carries what every target writes: the payload path, the bytes of its provenance record, and
its Dublin Core record — made by `DublinCoreRecord.from_values` from the record's values and statuses,
the very function that wrote the bag's own index, so an export says what the bag's `dublin-core.xml`
says (a date-time without a zone cut to its date, as W3CDTF wants; an unknown value absent, never
guessed). Records are read with the validator's fast reader; the whole parsed record (every field's
evidence, for RO-Crate and SQLite) is parsed with a safe YAML loader only when a target asks for it.
Everything is read through `BagReader`, which never follows a link nor leaves the bag; files are
written only under the export's own directory, created here, never through an existing name.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from archiver.bagit_names import decode_path, encode_index_path, makedirs
from archiver.bagreader import RECORDS, RecordError, attribution
from archiver.dublincore import DublinCoreRecord
from archiver.errors import ArchiverError
from archiver.model import CORE_FIELD_NAMES, FIELD_NAMES

EVENTS = "metadata/events.yaml"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def need(module: str, target: str):
    """Import `module` for export target `target`, or raise ArchiverError saying how to install it."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ArchiverError(f"the {target} export needs the Python package {module.split('.')[0]!r}: "
                            "pip install 'archiver[export]'") from None


@dataclass
class Item:
    """One payload file of the bag and what is known of it."""

    rel: str                  # "data/…", as on disk
    size: int
    dc: DublinCoreRecord
    story_code: str           # the record's story code; "" when unknown
    record: bytes             # the provenance record, as the bag has it
    reader: object = None     # the BagReader it came from (for `parsed`)
    _parsed: dict | None = None

    @property
    def path(self) -> str:
        return self.rel

    @property
    def inner(self) -> str:
        """The path under data/ (the same relative path every target keeps)."""
        return self.rel[len("data/"):]

    @property
    def path_id(self) -> str:
        """The payload path as the bag's index writes it (`data/…`, CR, LF, % and XML-forbidden
        characters percent-encoded)."""
        return encode_index_path(self.rel)

    def first(self, element: str) -> str:
        """The value of DC element `element` ("" when absent)."""
        return self.dc.first(element)

    # -- the whole record, parsed (RO-Crate, SQLite) ---------------------------------------------------
    def parsed(self) -> dict:
        """The record as a mapping, parsed safely and checked as `BagReader.record` checks it; raises
        ArchiverError (exit 2) when it is not an archiver record."""
        if self._parsed is None:
            try:
                self._parsed = self.reader.record(self.rel)
            except RecordError as exc:
                raise ArchiverError(f"cannot export: {exc}; run archiver validate", self.reader.shown) from None
        return self._parsed

    @property
    def encoding(self) -> str | None:
        return self.parsed()["source"].get("encoding")

    def field(self, name: str) -> dict | None:
        return self.parsed()["fields"].get(name)

    def values(self) -> dict[str, tuple]:
        """{field: (value, status, rule or curator or None)} of every field the record has."""
        out = {}
        for name in FIELD_NAMES:
            f = self.field(name)
            if isinstance(f, dict):
                out[name] = (f.get("value"), f.get("status") or "unknown", attribution(f))
        return out

    def evidence(self):
        """(field, evidence mapping, under_assertion) of every evidence line the record keeps: a field's
        own, and for an asserted field those of the value the extractor had found (under_assertion)."""
        for name in FIELD_NAMES:
            f = self.field(name)
            if not isinstance(f, dict):
                continue
            if f.get("status") == "asserted":
                was = f.get("extracted") if isinstance(f.get("extracted"), dict) else {}
                for ev in was.get("evidence") or []:
                    if isinstance(ev, dict):
                        yield name, ev, True
            else:
                for ev in f.get("evidence") or []:
                    if isinstance(ev, dict):
                        yield name, ev, False


def items(reader):
    """Yield an Item for each payload file of the bag, in payload-path order (deterministic).

    Records are read with `archiver.validate.consistency.read_record`, the reader the validator
    recomputes the index with (archiver's own form by one regular expression, any other by a safe YAML
    loader): parsing every record with PyYAML would cost most of an export's time. Raises
    ArchiverError (exit 2) when the payload holds links or special files, or a file's record is
    missing or is not an archiver provenance record: a bag archiver cannot vouch for is not exported."""
    from archiver.validate.consistency import read_record
    files, refused = reader.payload_files()
    if refused:
        raise ArchiverError(f"the payload holds links or special files, which are not exported: "
                            f"{', '.join(refused[:3])}{' …' if len(refused) > 3 else ''} "
                            f"(run archiver validate)", reader.shown)
    for rel, size in files.items():
        record_rel = RECORDS + rel[len("data/"):] + ".yaml"
        data = reader.file_bytes(record_rel)
        if data is None:
            raise ArchiverError(f"{record_rel}: no provenance record for {rel} (missing, or not a regular "
                                f"file; run archiver validate)", reader.shown)
        try:
            _encoding, fields, statuses, kind, origin = read_record(data)
        except ValueError as exc:
            raise ArchiverError(f"{record_rel}: not an archiver provenance record: {exc} "
                                f"(run archiver validate)", reader.shown) from None
        missing = [name for name in CORE_FIELD_NAMES if name not in statuses]
        if missing:
            raise ArchiverError(f"{record_rel}: not an archiver provenance record: field {missing[0]!r} is "
                                f"missing (run archiver validate)", reader.shown)
        values = {name: value for name, (value, _evidence) in fields.items() if value is not None}
        yield Item(rel, size, DublinCoreRecord.from_values(rel, values, kind, statuses, origin=origin),
                   values.get("story_code") or "", data, reader)


def read(reader, rel: str) -> bytes:
    """The bytes of file `rel` of the bag; raises ArchiverError when it is missing or not a regular file."""
    data = reader.file_bytes(rel)
    if data is None:
        raise ArchiverError(f"{rel} cannot be read (missing, a link, or not a regular file)", reader.shown)
    return data


def payload(reader, item: Item, manifest: dict[str, str] | None) -> tuple[bytes, str]:
    """(bytes, sha256) of an item's payload file, checked against the bag's manifest (`manifest_sha256`)."""
    import hashlib
    data = read(reader, item.rel)
    digest = hashlib.sha256(data).hexdigest()
    check_digest(reader, manifest, item.rel, digest)
    return data, digest


def manifest_sha256(reader) -> dict[str, str] | None:
    """{"data/…": sha256} from the bag's manifest-sha256.txt; None when the bag has none."""
    data = reader.file_bytes("manifest-sha256.txt")
    if data is None:
        return None
    out = {}
    for line in data.decode("utf-8", "surrogateescape").splitlines():
        digest, sep, name = line.partition(" ")
        if sep:
            out[decode_path(name.lstrip(" *"))] = digest.lower()
    return out


def check_digest(reader, manifest: dict[str, str] | None, rel: str, digest: str) -> None:
    """Raise ArchiverError when the bag's manifest gives `rel` another SHA-256 than `digest` (or none):
    a payload file that is not the one the bag vouches for is not exported."""
    if manifest is not None and manifest.get(rel) != digest:
        raise ArchiverError(f"{rel} does not match the bag's manifest-sha256.txt (run archiver validate)",
                            reader.shown)


def write_new(path: str | os.PathLike, data: bytes, epoch: int) -> None:
    """Write `data` to a new file at `path` (its directories made as needed), never through an existing
    name; its modification time is `epoch`, so that the export's tree is the same every time."""
    path = os.fspath(path)
    makedirs(os.path.dirname(path))
    fd = os.open(path, _CREATE, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.utime(path, (epoch, epoch))
