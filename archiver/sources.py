"""Where each page came from: a source's URL, capture time and rights, given per file.

They come from a sources file (`--sources FILE`), a CSV with the header `path,url,retrieved,rights`
(UTF-8, a BOM tolerated), or from a curator's override (`origin:` in the overrides YAML,
archiver.overrides). They are asserted facts about the file's provenance, never extracted: the
record keeps them in their own `origin` block with who stated them (`by`), and the Dublin Core
index maps them to dc:identifier and dc:source (the URL), dc:rights, and a dc:description sentence
(the capture time).

- `path`: relative to SOURCE, as in the record and in overrides.
- `url`: an absolute http or https URL.
- `retrieved`: an ISO 8601 date or date-time (`2024-03-29`, `2024-03-29T08:15`,
  `2024-03-29T08:15:00Z`, `2024-03-29 08:15:00+0330`), checked as a calendar date and kept as
  given, written in the record's date form (`T` between date and time, `Z`, `+hh:mm`).
- `rights`: free text.

An empty cell is an unknown value; a row whose three values are all empty gives the file nothing.
Every problem (a missing header, an unknown or repeated path, a path outside SOURCE, a bad URL or
date) is a SourcesError naming the file and the line (exit 2), raised before anything is written.
A file given both a row here and an `origin` in the overrides is an error too: one statement of
where a page came from, by one party, is what the record can attribute.
"""
from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

from archiver.errors import SourcesError

COLUMNS = ("path", "url", "retrieved", "rights")
ORIGIN_KEYS = ("url", "retrieved", "rights")

# An absolute http(s) URL: a host, no whitespace or control character anywhere.
_URL = re.compile(r"^https?://[^\s/?#]+(?:[/?#]\S*)?$", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?"
                   r"([Zz]|[+-]\d\d:?\d\d)?)?$")


def check_url(url: str) -> str | None:
    """None when `url` is an absolute http or https URL, else what is wrong with it."""
    if _CONTROL.search(url) or not _URL.match(url):
        return f"{url!r} is not an absolute http:// or https:// URL"
    return None


def normalise_retrieved(value: str) -> str:
    """The capture time in the record's date form; raises ValueError saying what is wrong."""
    m = _DATE.match(value)
    if not m:
        raise ValueError(f"{value!r} is not an ISO 8601 date or date-time (e.g. 2024-03-29 or "
                         f"2024-03-29T08:15:00Z)")
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    try:
        datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date-time of the calendar ({exc})") from None
    if hour is None:
        return f"{year}-{month}-{day}"
    out = f"{year}-{month}-{day}T{hour}:{minute}"
    if second is not None:
        out += f":{second}{fraction or ''}"
    if zone:
        if zone in "Zz":
            out += "Z"
        else:
            hh, mm = zone[1:3], zone[-2:]
            if int(hh) > 23 or int(mm) > 59:
                raise ValueError(f"{value!r} has no valid UTC offset")
            out += f"{zone[0]}{hh}:{mm}"
    return out


def check_origin(url, retrieved, rights) -> dict:
    """{url, retrieved, rights} checked and normalised (None for an unknown value); raises ValueError
    saying what is wrong. Shared by the sources file and the overrides."""
    for name, value in (("url", url), ("retrieved", retrieved), ("rights", rights)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name!r} must be quoted text or empty")
    url = url.strip() or None if url is not None else None
    retrieved = retrieved.strip() or None if retrieved is not None else None
    rights = rights.strip() or None if rights is not None else None
    if url is not None:
        problem = check_url(url)
        if problem:
            raise ValueError(f"'url': {problem}")
    if retrieved is not None:
        try:
            retrieved = normalise_retrieved(retrieved)
        except ValueError as exc:
            raise ValueError(f"'retrieved': {exc}") from None
    return {"url": url, "retrieved": retrieved, "rights": rights}


def _outside(rel: str) -> bool:
    parts = rel.replace("\\", "/").split("/")
    return rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel) is not None or ".." in parts


def load_sources(path: str | Path, corpus_paths: set[str]) -> dict[str, dict]:
    """Parse and check a sources file against the corpus: {relpath: origin} for the files it gives a
    value for, each origin {url, retrieved, rights, by: "sources file <its name>"}."""
    where = str(path)
    by = f"sources file {Path(path).name}"
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = _rows(fh, where)
            return _origins(rows, where, by, corpus_paths)
    except OSError as exc:
        raise SourcesError(f"cannot read the sources file: {exc.strerror}", where) from exc
    except UnicodeDecodeError as exc:
        raise SourcesError(f"not UTF-8 text (byte {exc.start})", where) from exc


def _rows(fh, where: str):
    """(line number, cells) of each non-blank row after the header, which is checked."""
    reader = csv.reader(fh)
    try:
        header = next(reader, None)
        if header is None:
            raise SourcesError(f"line 1: empty; expected the header {','.join(COLUMNS)}", where)
        names = [h.strip().lower() for h in header]
        if sorted(names) != sorted(COLUMNS):
            raise SourcesError(f"line 1: expected the header {','.join(COLUMNS)} (in any order), found "
                               f"{','.join(header)!r}", where)
        for row in reader:
            if row and any(cell.strip() for cell in row):
                if len(row) != len(names):
                    raise SourcesError(f"line {reader.line_num}: {len(row)} cells where the header has "
                                       f"{len(names)}", where)
                yield reader.line_num, dict(zip(names, row, strict=True))
    except csv.Error as exc:
        raise SourcesError(f"line {reader.line_num}: not valid CSV: {exc}", where) from exc


def _origins(rows, where: str, by: str, corpus_paths: set[str]) -> dict[str, dict]:
    seen: dict[str, int] = {}
    out: dict[str, dict] = {}
    for line, cells in rows:
        rel = cells["path"].strip()
        label = f"line {line}"
        if not rel:
            raise SourcesError(f"{label}: 'path' is empty", where)
        if _outside(rel):
            raise SourcesError(f"{label}: {rel!r} is outside SOURCE (give the path relative to SOURCE)", where)
        if rel not in corpus_paths:
            raise SourcesError(f"{label}: {rel!r}: no such file in the corpus", where)
        if rel in seen:
            raise SourcesError(f"{label}: {rel!r} is named twice (first on line {seen[rel]})", where)
        seen[rel] = line
        try:
            origin = check_origin(cells["url"], cells["retrieved"], cells["rights"])
        except ValueError as exc:
            raise SourcesError(f"{label}: {rel!r}: {exc}", where) from None
        if any(origin.values()):
            out[rel] = {**origin, "by": by}
    return out


def load_assertions(overrides, sources, corpus_paths: set[str]) -> dict | None:
    """The per-file assertions of a bag or a records run: the overrides file's entries (archiver.
    overrides) with each file's origin under "origin", from the overrides or the sources file; None
    when neither file is given. A file given an origin by both is a SourcesError."""
    override_map = None
    if overrides is not None:
        from archiver.overrides import load_overrides
        override_map = load_overrides(overrides, corpus_paths)
    if sources is None:
        return override_map
    origins = load_sources(sources, corpus_paths)
    merged = dict(override_map or {})
    for rel, origin in origins.items():
        entry = merged.get(rel)
        if entry is None:
            merged[rel] = {"sha256": None, "by": None, "note": None, "fields": {}, "origin": origin}
        elif entry.get("origin") is not None:
            raise SourcesError(f"{rel!r} is given an origin both here and in the overrides file {overrides}; "
                               f"keep one of them", str(sources))
        else:
            merged[rel] = {**entry, "origin": origin}
    return merged
