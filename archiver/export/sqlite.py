"""`archiver export BAG --to sqlite DEST.db`: the bag's records as one SQLite file that Datasette (or
any SQLite client) opens as it is, built with sqlite-utils (`pip install 'archiver[export]'`).

Tables (each filled in payload-path order):

- `items`: a row per payload file — `path` ("data/…", the primary key), `sha256`, `bytes`,
  `encoding` (the record's source.encoding; NULL for a file that is not text), and per record field
  (title, outlet, published, story_code, byline, language, updated, credit) three columns: the value,
  `<field>_status` (extracted / asserted / unknown) and `<field>_by` (the rule of an extracted value,
  the curator of an asserted one);
- `evidence`: a row per evidence line of a record — `item` (→ items.path), `field`, `line`, `text`,
  `rule`, `outcome` (NULL for supporting evidence, else e.g. "overruled"), `under_assertion` (1 for
  the evidence of a value a curator's assertion replaced);
- `texts`: `path` (→ items.path), `title` and `text`, the file decoded with the encoding its record
  names (the text the extractor read, not guessed again), with an FTS5 index `texts_fts` over title
  and text (query it with `texts_fts MATCH '…'`, or the search box Datasette shows on `texts`);
- `bag_info`: bag-info.txt as (label, value) rows.

Views for the questions people ask first: `items_by_outlet_year` (how many articles per outlet and
year, unknowns included as NULL), `unknown_fields` (which value of which file is unknown),
`asserted_values` (every curator's assertion, with the value the extractor had found).

Deterministic: no timestamps are written, rows go in sorted order, and the file is VACUUMed at the
end, so the same bag gives the same bytes with the same SQLite library.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from archiver.export.items import items, need, read
from archiver.model import FIELD_NAMES
from archiver.textdecode import decode_as

OUTPUT = "file"

BATCH = 500
BATCH_BYTES = 32 << 20     # or this much payload text, whichever comes first (memory stays flat)

VIEWS = {
    "items_by_outlet_year": """
        SELECT outlet, substr(published, 1, 4) AS year, count(*) AS articles
        FROM items GROUP BY outlet, year ORDER BY outlet, year""",
    "unknown_fields": " UNION ALL ".join(
        f"SELECT path, '{name}' AS field FROM items WHERE {name}_status = 'unknown'" for name in FIELD_NAMES
    ) + " ORDER BY path, field",
    "asserted_values": " UNION ALL ".join(
        f"SELECT i.path, '{name}' AS field, i.{name} AS value, i.{name}_by AS curator, "
        f"(SELECT group_concat(e.text, ' | ') FROM evidence e WHERE e.item = i.path AND e.field = '{name}' "
        f"AND e.under_assertion = 1) AS extracted_evidence FROM items i WHERE i.{name}_status = 'asserted'"
        for name in FIELD_NAMES
    ) + " ORDER BY path, field",
}


def write(reader, dest: Path, epoch: int) -> None:
    sqlite_utils = need("sqlite_utils", "sqlite")
    db = sqlite_utils.Database(dest)
    # DEST is a temporary file renamed into place only when complete (archiver.export), so the build
    # needs no rollback journal and no fsync per batch.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    columns: dict = {"path": str, "sha256": str, "bytes": int, "encoding": str}
    for name in FIELD_NAMES:
        columns.update({name: str, f"{name}_status": str, f"{name}_by": str})
    db["items"].create(columns, pk="path")
    db["evidence"].create({"id": int, "item": str, "field": str, "line": int, "text": str, "rule": str,
                           "outcome": str, "under_assertion": int}, pk="id",
                          foreign_keys=[("item", "items", "path")])
    db["texts"].create({"path": str, "title": str, "text": str}, pk="path",
                       foreign_keys=[("path", "items", "path")])
    db["bag_info"].create({"label": str, "value": str})
    db["bag_info"].insert_all(({"label": label, "value": value}
                               for label, values in sorted(reader.bag_info().items()) for value in values))

    rows: dict[str, list] = {"items": [], "evidence": [], "texts": []}
    evidence_id = 0
    held = 0          # bytes of payload text waiting in `rows`: large files flush sooner than BATCH
    for item in items(reader):
        data = read(reader, item.rel)
        row = {"path": item.path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
               "encoding": item.encoding}
        for name, (value, status, how) in item.values().items():
            row.update({name: value, f"{name}_status": status, f"{name}_by": how})
        rows["items"].append(row)
        for name, ev, under in item.evidence():
            evidence_id += 1
            line = ev.get("line")
            rows["evidence"].append({
                "id": evidence_id, "item": item.path, "field": name,
                "line": line if isinstance(line, int) else None, "text": _text(ev.get("text")),
                "rule": _text(ev.get("rule")), "outcome": _text(ev.get("outcome")),
                "under_assertion": int(under)})
        text = decode_as(data, item.encoding)
        if text is not None:
            rows["texts"].append({"path": item.path, "title": row.get("title"), "text": text})
            held += len(data)
        if len(rows["items"]) >= BATCH or held >= BATCH_BYTES:
            _flush(db, rows)
            held = 0
    _flush(db, rows)

    db["texts"].enable_fts(["title", "text"], fts_version="FTS5")
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    db.conn.commit()
    db.execute("VACUUM")
    db.close()


def _flush(db, rows: dict[str, list]) -> None:
    for table in ("items", "evidence", "texts"):     # parents first, for the foreign keys
        if rows[table]:
            db[table].insert_all(rows[table])
            rows[table].clear()


def _text(value) -> str | None:
    return None if value is None else str(value)
