"""The reading room of a bag that has none (made before archiver wrote one, or by another tool):
rendered once, in memory, with archiver.readingroom — from metadata/reading-room/items.tsv when the
bag has it, else from each item's record and payload text — at the paths the bag writer would use."""
from __future__ import annotations

import io

from archiver.model import ASSERTED, FIELD_NAMES, Evidence, Field
from archiver.readingroom import ITEMS, ReadingRoom, item_entry
from archiver.textdecode import decode_text


class _Page(io.BytesIO):
    def __init__(self, pages: dict, rel: str):
        super().__init__()
        self._pages, self._rel = pages, rel

    def close(self) -> None:
        self._pages[self._rel] = self.getvalue()
        super().close()


def render(index) -> dict[str, bytes]:
    """{bag-relative path: bytes} of the reading room's pages (index.html and the item pages)."""
    reader = index.reader
    pages: dict[str, bytes] = {}
    info = index.info
    label = next(iter(info.get("External-Identifier", []) + info.get("External-Description", [])), "")
    room = ReadingRoom(lambda rel: _Page(pages, rel), label, len(index.items))
    tsv = reader.file_bytes(ITEMS)
    total = 0
    if tsv is not None and tsv.endswith(b"\n"):
        room.feed(tsv)
    for item in index.items:
        data = reader.file_bytes(item.path) or b""
        total += len(data)
        if tsv is None or not tsv.endswith(b"\n"):
            room.feed(_entry(reader, item, data).encode("utf-8"))
    room.finish(index.datestamp, total)
    return pages


def _entry(reader, item, data: bytes) -> str:
    origin = None
    try:
        record = reader.record(item.path)
        fields = _fields(record["fields"])
        origin = record.get("origin") if isinstance(record.get("origin"), dict) else None
    except Exception:            # a record that cannot be read: every field unknown
        fields = {name: Field.unknown() for name in FIELD_NAMES}
    text = decode_text(data)[0] if item.encoding is not None else None
    return item_entry(item.path[len("data/"):], fields, text, origin)


def _fields(doc: dict) -> dict[str, Field]:
    return {name: _field(doc.get(name)) if isinstance(doc.get(name), dict) else Field.unknown()
            for name in FIELD_NAMES}


def _field(d: dict) -> Field:
    evidence = [Evidence(e.get("line") if isinstance(e.get("line"), int) else None, str(e.get("text", "")),
                         str(e.get("rule", "")), e.get("value"), e.get("outcome"), e.get("score"), e.get("features"))
                for e in d.get("evidence") or [] if isinstance(e, dict)]
    f = Field(d.get("value"), d.get("status"), evidence, d.get("by"), d.get("note"))
    if f.status == ASSERTED and isinstance(d.get("extracted"), dict):
        f.extracted = _field(d["extracted"])
    return f
