"""The payload files of a bag with their provenance records, as the RO-Crate and SQLite exports read
them: one pass in payload-path order, every value with its status and how it is known.

Both targets need the same walk and the same refusals (a payload link, a missing or malformed
record), so they are made once here, in words a librarian understands.
"""
from __future__ import annotations

from dataclasses import dataclass

from archiver.bagreader import RecordError, attribution
from archiver.errors import ArchiverError
from archiver.model import FIELD_NAMES


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
    """One payload file: its path in the bag ("data/…"), size, parsed record, and per field
    (FIELD_NAMES order, fields the record lacks left out) its value, status and rule-or-curator."""

    path: str
    size: int
    record: dict

    @property
    def encoding(self) -> str | None:
        return self.record["source"].get("encoding")

    def field(self, name: str) -> dict | None:
        return self.record["fields"].get(name)

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
    """Yield an Item per payload file, in payload-path order. Raises ArchiverError when the payload
    holds a link or special file, or a file has no readable record (the bag must be fixed first:
    `archiver validate` names every problem)."""
    files, refused = reader.payload_files()
    if refused:
        raise ArchiverError(f"the payload holds {len(refused)} link(s) or special file(s), first "
                            f"{refused[0]!r}; run archiver validate", reader.shown)
    for rel, size in files.items():
        try:
            record = reader.record(rel)
        except RecordError as exc:
            raise ArchiverError(f"cannot export: {exc}; run archiver validate", reader.shown) from None
        yield Item(rel, size, record)


def payload_bytes(reader, item: Item) -> bytes:
    """The bytes of a payload file, or ArchiverError when it vanished or became a link meanwhile."""
    data = reader.file_bytes(item.path)
    if data is None:
        raise ArchiverError(f"cannot read payload file {item.path!r} (missing, or not a regular file)",
                            reader.shown)
    return data
