"""Curators' overrides: values a person asserts for a file's fields, kept apart from what was extracted.

The overrides file is YAML:

    overrides:
      - path: 000_a1b928136f395d30.txt      # relative to SOURCE, as in the record
        sha256: "…"                           # optional: the bytes the assertion was made for
        by: "A. Curator"
        note: "Outlet confirmed from the print edition"
        fields:
          outlet: "Press TV"
          published: "2021-05-22"
        origin:                               # optional: where the page came from (archiver.sources)
          url: "https://www.presstv.ir/Detail/2021/05/22/1"
          retrieved: "2021-05-23T10:00:00Z"
          rights: "© Press TV; kept for research"

An entry gives `fields`, an `origin`, or both.

A path that is not in the corpus, a field we do not record, a malformed value, or a sha256 that no
longer matches the file is an OverrideError (exit 2) naming the entry. Everything but the sha256 is
checked before any file is read.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from archiver.errors import OverrideError
from archiver.model import ASSERTED, FIELD_NAMES, Field

_ISO = re.compile(r"^\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)?)?)?)?$")
_LANG = re.compile(r"^[a-z]{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def load_overrides(path: str | Path, corpus_paths: set[str]) -> dict[str, dict]:
    """Parse and check an overrides file against the corpus; returns {relpath: entry}."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise OverrideError(f"cannot read overrides file: {exc.strerror}", where) from exc
    except yaml.YAMLError as exc:
        raise OverrideError(f"not valid YAML: {exc}", where) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("overrides"), list):
        raise OverrideError("expected a mapping with a list under 'overrides'", where)
    result: dict[str, dict] = {}
    for i, entry in enumerate(doc["overrides"], 1):
        label = f"{where}: entry {i}"
        if not isinstance(entry, dict):
            raise OverrideError(f"{label}: expected a mapping")
        unknown_keys = set(entry) - {"path", "sha256", "by", "note", "fields", "origin"}
        if unknown_keys:
            raise OverrideError(f"{label}: unknown key(s) {', '.join(sorted(map(str, unknown_keys)))}")
        rel = entry.get("path")
        if not isinstance(rel, str) or not rel:
            raise OverrideError(f"{label}: 'path' is required")
        label = f"{where}: override for {rel!r}"
        if rel not in corpus_paths:
            raise OverrideError(f"{label}: no such file in the corpus")
        if rel in result:
            raise OverrideError(f"{label}: the file is named twice")
        sha = entry.get("sha256")
        if sha is not None and (not isinstance(sha, str) or not _SHA256.match(sha.lower())):
            raise OverrideError(f"{label}: 'sha256' must be 64 hexadecimal digits")
        by = entry.get("by")
        if not isinstance(by, str) or not by.strip():
            raise OverrideError(f"{label}: 'by' (who asserts it) is required")
        note = entry.get("note")
        if note is not None and not isinstance(note, str):
            raise OverrideError(f"{label}: 'note' must be text")
        fields = entry.get("fields")
        origin = _origin(entry.get("origin"), by.strip(), label)
        if origin is not None and fields is None:
            fields = {}
        elif not isinstance(fields, dict) or not fields:
            raise OverrideError(f"{label}: 'fields' must map field names to values")
        for name, value in fields.items():
            if name not in FIELD_NAMES:
                raise OverrideError(f"{label}: no such field {name!r} (fields: {', '.join(FIELD_NAMES)})")
            if value is not None and not isinstance(value, str):
                raise OverrideError(f"{label}: the value of {name!r} must be quoted text or null")
            if name == "published" and value is not None and not _ISO.match(value):
                raise OverrideError(f"{label}: 'published' must be ISO 8601 (e.g. 2024-03-28 or 2024-03-28T21:46)")
            if name == "language" and value is not None and not _LANG.match(value):
                raise OverrideError(f"{label}: 'language' must be an ISO 639-1 code such as 'en'")
        result[rel] = {"sha256": sha.lower() if sha else None, "by": by.strip(), "note": note,
                       "fields": dict(fields), "origin": origin}
    return result


def _origin(origin, by: str, label: str) -> dict | None:
    """An entry's `origin` {url, retrieved, rights} checked (archiver.sources), with who states it."""
    if origin is None:
        return None
    from archiver.sources import ORIGIN_KEYS, check_origin
    if not isinstance(origin, dict) or not origin or set(origin) - set(ORIGIN_KEYS):
        raise OverrideError(f"{label}: 'origin' must map some of {', '.join(ORIGIN_KEYS)} to values")
    try:
        checked = check_origin(*(origin.get(key) for key in ORIGIN_KEYS))
    except ValueError as exc:
        raise OverrideError(f"{label}: origin {exc}") from None
    return {**checked, "by": by} if any(checked.values()) else None


def apply_override(fields: dict[str, Field], entry: dict, sha256: str) -> str | None:
    """Replace the asserted fields in place; return a message when the entry's sha256 is stale."""
    if entry["sha256"] and entry["sha256"] != sha256:
        return (f"the override was written for sha256 {entry['sha256']}, but the file's sha256 is now "
                f"{sha256}: review it and update or remove the override")
    for name, value in (entry["fields"] or {}).items():
        fields[name] = Field(value, ASSERTED, [], by=entry["by"], note=entry["note"], extracted=fields[name])
    return None
