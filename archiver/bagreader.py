"""Reading an existing bag back, safely: its tag files, its records, its payload text, its events.

This is what `archiver info` and `archiver show` read with; it trusts nothing in the bag. Paths are
resolved component by component from the bag's root with lstat: a symbolic link anywhere on the way,
a `..`, an absolute path or anything that is not a regular file is refused, so nothing outside the bag
is ever read. The walk (`payload_files`) never descends into a link. Records are parsed with a safe
YAML loader (no object construction) and checked for the shape archiver writes; a record that is not
one gives a message naming it. A serialized bag (`.tar`, `.tar.gz`, `.tgz`, `.zip`) is unpacked by
the validator's safe unpacker into a private temporary directory, removed afterwards.
"""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import yaml

from archiver.errors import ArchiverError
from archiver.model import FIELD_NAMES

RECORDS = "metadata/provenance/"
EVENTS = "metadata/events.yaml"
STATUSES = ("extracted", "asserted", "unknown")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # safe either way; the C one is 10× faster


class BagReadError(ArchiverError):
    """PATH is not a bag we can read, or names no payload file of it (exit 2)."""


class RecordError(Exception):
    """A provenance record that is missing or is not an archiver/provenance/1 record; the message says
    why, for a person."""


@contextlib.contextmanager
def open_bag(path: str | os.PathLike):
    """Yield a BagReader for a bag directory or a serialized bag; raises BagReadError (exit 2) when
    PATH does not exist, is not a bag, or is an archive the safe unpacker refuses."""
    p = Path(path)
    if p.is_dir():
        yield BagReader(p, str(path))
        return
    if not p.exists():
        raise BagReadError("no such file or directory", str(path))
    from archiver.serialize import ArchiveRefused, archive_kind, open_serialized
    if archive_kind(p) is None:
        raise BagReadError("not a bag directory or a .tar, .tar.gz, .tgz or .zip file", str(path))
    try:
        with open_serialized(p) as (bag_dir, _kind):
            yield BagReader(bag_dir, str(path))
    except ArchiveRefused as refused:
        first = refused.findings[0]
        raise BagReadError(f"the archive is refused: {first.message} (run archiver validate for all "
                           f"{len(refused.findings)} problem(s))", str(path)) from None


class BagReader:
    """One bag on disk, read without following links. `shown` is the path as the user gave it."""

    def __init__(self, root: Path, shown: str):
        self.root = root
        self.shown = shown
        if self.file_bytes("bagit.txt") is None:
            raise BagReadError("not a bag: bagit.txt is missing (or not a regular file)", shown)

    # -- files --------------------------------------------------------------------------------------
    def _safe(self, rel: str) -> str | None:
        """The on-disk path of `rel` (a "/"-separated path inside the bag) if every directory on the way
        is a real directory and it is a regular file; None otherwise."""
        parts = rel.split("/")
        if not rel or any(part in ("", ".", "..") for part in parts) or "\0" in rel:
            return None
        current = str(self.root)
        try:
            for i, part in enumerate(parts):
                current = os.path.join(current, part)
                mode = os.lstat(current).st_mode
                last = i == len(parts) - 1
                if (last and not stat.S_ISREG(mode)) or (not last and not stat.S_ISDIR(mode)):
                    return None
        except OSError:
            return None
        return current

    def file_bytes(self, rel: str) -> bytes | None:
        """The bytes of a regular file of the bag, or None if it is missing, a link, or unreadable."""
        path = self._safe(rel)
        if path is None:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            return fh.read()

    def payload_files(self) -> tuple[dict[str, int], list[str]]:
        """({"data/…": size} of every regular payload file, sorted; [links and special files found])."""
        files: dict[str, int] = {}
        refused: list[str] = []
        stack = ["data"]
        while stack:
            rel_dir = stack.pop()
            try:
                entries = list(os.scandir(os.path.join(self.root, rel_dir)))
            except OSError:
                continue
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append(rel)
                elif entry.is_file(follow_symlinks=False):
                    files[rel] = entry.stat(follow_symlinks=False).st_size
                else:
                    refused.append(rel)
        return dict(sorted(files.items())), sorted(refused)

    def total_bytes(self) -> int:
        """The size of every regular file of the bag, tag files included (links not followed)."""
        total = 0
        for dirpath, _dirs, names in os.walk(self.root):      # os.walk never descends into links
            for name in names:
                with contextlib.suppress(OSError):
                    st = os.lstat(os.path.join(dirpath, name))
                    if stat.S_ISREG(st.st_mode):
                        total += st.st_size
        return total

    def resolve_payload(self, path: str) -> str:
        """The payload file PATH names, as "data/…": PATH as given (data/…) or relative to data/.
        Raises BagReadError naming PATH when it is no payload file of the bag."""
        given = path.replace(os.sep, "/") if os.sep != "/" else path
        while given.startswith("./"):
            given = given[2:]
        candidates = [given] if given.startswith("data/") else []
        candidates.append("data/" + given)
        for rel in candidates:
            if self._safe(rel) is not None:
                return rel
        raise BagReadError(f"no payload file {path!r} in this bag (give it as data/… or relative to data/)",
                           self.shown)

    # -- tag files ----------------------------------------------------------------------------------
    def bag_info(self) -> dict[str, list[str]]:
        """bag-info.txt as {label: [values]} (continuation lines folded); {} when there is none."""
        data = self.file_bytes("bag-info.txt")
        if data is None:
            return {}
        info: dict[str, list[str]] = {}
        last = None
        for line in data.decode("utf-8", "replace").splitlines():
            if line[:1] in (" ", "\t") and last is not None:
                info[last][-1] += " " + line.strip()
            elif ":" in line:
                label, value = line.split(":", 1)
                last = label.strip()
                info.setdefault(last, []).append(value.strip())
        return info

    def record(self, payload_rel: str) -> dict:
        """The provenance record of payload file "data/…", parsed and checked; raises RecordError."""
        rel = RECORDS + payload_rel[len("data/"):] + ".yaml"
        data = self.file_bytes(rel)
        if data is None:
            raise RecordError(f"{rel}: no provenance record for {payload_rel} (missing, or not a regular file)")
        try:
            doc = yaml.load(data.decode("utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RecordError(f"{rel}: not readable as YAML: {str(exc).splitlines()[0][:160]}") from None
        problem = _record_problem(doc)
        if problem:
            raise RecordError(f"{rel}: not an archiver provenance record: {problem}")
        return doc

    def events(self) -> list[dict] | None:
        """The bag's events (metadata/events.yaml), oldest first: a list of mappings; None when the bag
        has no events file. Accepts a list, or a mapping holding one under `events`."""
        data = self.file_bytes(EVENTS)
        if data is None:
            return None
        try:
            doc = yaml.load(data.decode("utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
        except (UnicodeDecodeError, yaml.YAMLError):
            return []
        if isinstance(doc, dict):
            doc = doc.get("events")
        return [e for e in doc if isinstance(e, dict)] if isinstance(doc, list) else []


def _record_problem(doc) -> str | None:
    """Why `doc` is not a record of the shape archiver writes (None if it is)."""
    if not isinstance(doc, dict):
        return "not a mapping"
    if not isinstance(doc.get("source"), dict):
        return "no 'source' mapping"
    fields = doc.get("fields")
    if not isinstance(fields, dict):
        return "no 'fields' mapping"
    for name in FIELD_NAMES[:6]:
        f = fields.get(name)
        if not isinstance(f, dict):
            return f"field {name!r} is missing"
        if f.get("status") not in STATUSES:
            return f"field {name!r} has status {f.get('status')!r}"
        if f.get("value") is not None and not isinstance(f.get("value"), str):
            return f"field {name!r} has a value that is not text"
        if f["status"] == "asserted":
            if f.get("extracted") is not None and not isinstance(f.get("extracted"), dict):
                return f"field {name!r}: 'extracted' is not a mapping"
        elif not isinstance(f.get("evidence", []), list) or not all(isinstance(e, dict) for e in f.get("evidence", [])):
            return f"field {name!r}: 'evidence' is not a list of mappings"
    return None


def attribution(field: dict) -> str | None:
    """A record field's (as parsed) rule for an extracted value, curator for an asserted one (None else);
    the same as `archiver.model.Field.attribution` on the field before it was written."""
    if field.get("status") == "asserted":
        by = field.get("by")
        return by if isinstance(by, str) else None
    if field.get("status") == "extracted":
        return next((e.get("rule") for e in field.get("evidence") or [] if e.get("outcome") is None), None)
    return None
