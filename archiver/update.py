"""Incremental bags: what of an existing bag can be carried over unchanged into its next version.

archiver keeps, beside each bag directory it writes, a small state file `.<bag name>.archiver-state`
(outside the bag, so the bag stays byte-identical for the same input). It lists each source file's size,
mtime and inode as they were when bagged, and what the records depended on (archiver's version and the
overrides file's digest). A file whose size, mtime and inode are unchanged is carried over: its payload
and record are hard-linked from the old bag into the new one, and its manifest, tag-manifest and
Dublin Core entries are copied from the old bag's files. Anything else is read and processed as new.
Without a usable state file (moved bag, other tool, other archiver version), every file is processed.
"""
from __future__ import annotations

import hashlib
import json
import os
import csv
import io
import re
from xml.sax.saxutils import unescape
from dataclasses import dataclass
from pathlib import Path

from archiver import __version__
from archiver.bagit_names import decode_path
from archiver.dublincore import csv_line
from archiver.records import FileOutcome

STATE_FORMAT = "archiver-state/1"


@dataclass
class Reused:
    old_bag: str
    outcome: FileOutcome


def state_path(bag_dir: Path) -> Path:
    return bag_dir.parent / f".{bag_dir.name}.archiver-state"


def _code_digest() -> str:
    """A digest of archiver's own code and data: records depend on the extractor, not just the version."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml", ".json") and p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def dependencies(overrides: str | os.PathLike | None) -> dict:
    """What a bag's records depend on besides the source bytes; a change means a full rebuild."""
    digest = None
    if overrides is not None:
        digest = hashlib.sha256(Path(overrides).read_bytes()).hexdigest()
    return {"format": STATE_FORMAT, "archiver": __version__, "code": _code_digest(), "overrides": digest}


def write_state(bag_dir: Path, corpus, deps: dict) -> None:
    path = state_path(bag_dir)
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(deps, sort_keys=True) + "\n")
        for f in corpus.files:
            out.write(json.dumps([f.relpath, f.size, f.mtime_ns, f.inode], ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _read_state(bag_dir: Path, deps: dict) -> dict | None:
    try:
        with open(state_path(bag_dir), encoding="utf-8") as fh:
            header = json.loads(fh.readline())
            if header != deps:
                return None
            return {rel: (size, mtime, ino) for rel, size, mtime, ino in map(json.loads, fh)}
    except (OSError, ValueError, TypeError):
        return None


def _read_manifest(path: Path, prefix: str) -> dict[str, str]:
    entries = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            digest, _, name = line.rstrip("\n").partition("  ")
            name = decode_path(name)
            if name.startswith(prefix):
                entries[name[len(prefix):]] = digest
    return entries


_XML_RECORD = re.compile(r'  <idx:record path=("[^"]*"|\'[^\']*\')>\n.*?</idx:record>\n', re.S)
_ATTR_ENTITIES = {"&quot;": '"', "&apos;": "'", "&#10;": "\n", "&#13;": "\r", "&#9;": "\t"}


def _read_dc(bag_dir: Path) -> dict[str, tuple[str, str]]:
    """{index path: (its XML record, its CSV row)} from the old bag, as text to carry over verbatim.

    Both files are archiver's own output (their bytes are covered by the old tag manifests), so the
    records are found by the fixed shape archiver writes rather than by a full XML parse.
    """
    xml = (bag_dir / "metadata" / "dublin-core.xml").read_text(encoding="utf-8")
    records = {}
    for m in _XML_RECORD.finditer(xml):
        records[unescape(m.group(1)[1:-1], _ATTR_ENTITIES)] = m.group(0)
    text = (bag_dir / "metadata" / "dublin-core.csv").read_text(encoding="utf-8")
    rows = {}
    for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
        if row:
            rows[row[0]] = csv_line(row)
    return {path: (xml_rec, rows[path]) for path, xml_rec in records.items() if path in rows}


def plan_reuse(bag_dir: Path, corpus, deps: dict) -> dict[str, Reused]:
    """{relpath: Reused} for every source file that can be carried over from the bag at `bag_dir`."""
    state = _read_state(bag_dir, deps)
    if not state:
        return {}
    try:
        m256 = _read_manifest(bag_dir / "manifest-sha256.txt", "data/")
        m512 = _read_manifest(bag_dir / "manifest-sha512.txt", "data/")
        t256 = _read_manifest(bag_dir / "tagmanifest-sha256.txt", "metadata/provenance/")
        t512 = _read_manifest(bag_dir / "tagmanifest-sha512.txt", "metadata/provenance/")
        dc = _read_dc(bag_dir)
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    from archiver.bagit_names import encode_index_path
    reuse = {}
    for f in corpus.files:
        rel = f.relpath
        rec = rel + ".yaml"
        if state.get(rel) != (f.size, f.mtime_ns, f.inode):
            continue
        if rel not in m256 or rel not in m512 or rec not in t256 or rec not in t512:
            continue
        carried = dc.get(encode_index_path("data/" + rel))
        if carried is None:
            continue
        try:  # the old copy must still be there, as large as the source (cheap; --verify rehashes all)
            if os.lstat(f"{bag_dir}/data/{rel}").st_size != f.size:
                continue
        except OSError:
            continue
        outcome = FileOutcome(rel, f.size, m256[rel], m512[rel], True, {}, t256[rec], t512[rec], 0,
                              None, carried)
        reuse[rel] = Reused(str(bag_dir), outcome)
    return reuse
