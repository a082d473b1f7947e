"""What the server knows of a bag, read once at start: its items in payload order, the outlet of
each (OAI sets), the datestamp, the repository identifier, and a fingerprint of the bag.

Choices (documented in the README, "Serving a bag"):

- datestamp: the bag's Bagging-Date (YYYY-MM-DD), for every record. A provenance record carries no
  time of its own, and Bagging-Date is when the bag's records were (re)written — `--update` rewrites
  it — which is what an OAI datestamp means (the record's, not the article's date: that is dc:date).
  A bag without a valid Bagging-Date uses the UTC date of its bagit.txt's modification time.
- identifiers: `oai:<repositoryIdentifier>:<payload path>`, the path as "data/…" with every byte but
  unreserved ones and "/" percent-encoded (UTF-8). repositoryIdentifier: a slug (a-z, 0-9, "-", ".") of
  bag-info's External-Identifier, else of Source-Organization, else "archiver".
- sets: one per outlet, setSpec `outlet:<slug>` (lower-case ASCII letters, digits and "-"; a name that
  is not plain ASCII gets "-" and 8 hex digits of the SHA-256 of its UTF-8 as well, so every outlet has
  a stable, distinct slug), all under the set `outlet` (every item whose outlet is known). Names that
  differ only in case or punctuation share a slug and a set. Items whose outlet is unknown are in no set.
- fingerprint: 16 hex digits of the SHA-256 of tagmanifest-sha256.txt (which covers bag-info and every
  record), else of bag-info and the payload's names and sizes: resumption tokens carry it, so a token
  from another bag, or from this bag before it changed, is refused.

Memory is a few small strings per item; records are read again when one is disseminated.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote

from archiver.bagreader import RECORDS
from archiver.dublincore import DublinCoreRecord
from archiver.validate.consistency import read_fields, read_record

DEFAULT_REPOSITORY = "archiver"
UNKNOWN_DATE = "1970-01-01"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHARSET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


@dataclass(frozen=True)
class Item:
    """One payload file: `path` "data/…"; `readable` False when its record is missing or unreadable
    (it then has no metadata format); title/outlet/published/encoding from the record."""

    path: str
    readable: bool
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    encoding: str | None = None
    set_spec: str | None = None


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single "-" from `text` (accents folded away); may be ""."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def outlet_set(name: str) -> str:
    """The setSpec of an outlet: `outlet:<slug>`, with a hash of the name when it is not plain ASCII."""
    s = slug(name)
    if not s or not name.isascii():
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        s = f"{s}-{digest}" if s else digest
    return "outlet:" + s


def repository_identifier(info: dict[str, list[str]]) -> str:
    for label in ("External-Identifier", "Source-Organization"):
        for value in info.get(label, []):
            s = re.sub(r"[^a-z0-9.-]+", "-", unicodedata.normalize("NFKD", value).encode("ascii", "ignore")
                       .decode("ascii").lower()).strip("-.")
            if s:
                return s
    return DEFAULT_REPOSITORY


def http_charset(encoding: str | None) -> str | None:
    """The HTTP charset of a record's encoding (None: not text, or a name not fit for a header)."""
    if not encoding or not _CHARSET.fullmatch(encoding):
        return None
    return "utf-8" if encoding.lower() == "utf-8-sig" else encoding


class BagIndex:
    """The items of one open bag (an archiver.bagreader.BagReader), read once."""

    def __init__(self, reader):
        self.reader = reader
        info = reader.bag_info()
        self.info = info
        self.repository = repository_identifier(info)
        self.name = next(iter(info.get("External-Identifier", []) + info.get("External-Description", [])
                              + info.get("Source-Organization", [])), "") or "archiver bag"
        self.admin_email = next(iter(info.get("Contact-Email", [])), "")
        self.datestamp = self._datestamp(info)
        files, _refused = reader.payload_files()        # links and special files are never served
        self.items: list[Item] = []
        self.by_path: dict[str, int] = {}
        self.set_names: dict[str, set[str]] = {}
        for path in files:
            item = self._item(path)
            self.by_path[path] = len(self.items)
            self.items.append(item)
            if item.set_spec:
                self.set_names.setdefault(item.set_spec, set()).add(item.outlet)
        self.fingerprint = self._fingerprint(files)

    def _item(self, path: str) -> Item:
        data = self.reader.file_bytes(RECORDS + path[len("data/"):] + ".yaml")
        if data is None:
            return Item(path, False)
        try:
            encoding, fields, _statuses = read_fields(data)
        except ValueError:
            return Item(path, False)
        values = {name: value for name, (value, _evidence) in fields.items()}
        outlet = values.get("outlet")
        return Item(path, True, values.get("title"), outlet, values.get("published"), encoding,
                    outlet_set(outlet) if outlet else None)

    def _datestamp(self, info) -> str:
        for value in info.get("Bagging-Date", []):
            if _DAY.fullmatch(value):
                try:
                    dt.date.fromisoformat(value)
                    return value
                except ValueError:
                    pass
        try:
            mtime = os.stat(os.path.join(self.reader.root, "bagit.txt"), follow_symlinks=False).st_mtime
            return dt.datetime.fromtimestamp(mtime, dt.timezone.utc).strftime("%Y-%m-%d")
        except (OSError, ValueError, OverflowError):
            return UNKNOWN_DATE

    def _fingerprint(self, files: dict[str, int]) -> str:
        h = hashlib.sha256()
        tags = self.reader.file_bytes("tagmanifest-sha256.txt")
        if tags is not None:
            h.update(tags)
        else:
            h.update(self.reader.file_bytes("bag-info.txt") or b"")
            for path, size in files.items():
                h.update(f"{path}\0{size}\n".encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:16]

    # -- identifiers ----------------------------------------------------------------------------------
    def identifier(self, item: Item) -> str:
        return f"oai:{self.repository}:{quote(item.path, safe='/')}"

    def item_of_identifier(self, identifier: str) -> Item | None:
        prefix = f"oai:{self.repository}:"
        if not identifier.startswith(prefix):
            return None
        try:
            path = unquote(identifier[len(prefix):], errors="strict")
        except UnicodeDecodeError:
            return None
        i = self.by_path.get(path)
        return None if i is None else self.items[i]

    def item(self, path: str) -> Item | None:
        """The item at payload path "data/…" (None: no regular payload file of the bag)."""
        i = self.by_path.get(path)
        return None if i is None else self.items[i]

    # -- records --------------------------------------------------------------------------------------
    def dublin_core(self, item: Item) -> DublinCoreRecord | None:
        """The item's Dublin Core record, built from its provenance record as the bag writer builds
        dublin-core.xml (None when the record cannot be read now)."""
        data = self.reader.file_bytes(RECORDS + item.path[len("data/"):] + ".yaml")
        if data is None:
            return None
        try:
            _encoding, fields, statuses, kind, origin = read_record(data)
        except ValueError:
            return None
        values = {name: value for name, (value, _evidence) in fields.items() if value is not None}
        return DublinCoreRecord.from_values(item.path, values, kind, statuses, origin=origin)
