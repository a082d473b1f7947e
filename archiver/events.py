"""The bag's audit trail, `metadata/events.yaml`: one event per bagging, update and fixity check.

Event types are PREMIS eventType terms from the Library of Congress vocabulary
(https://id.loc.gov/vocabulary/preservation/eventType): `creation` (.../eventType/cre),
`modification` (.../mod), `fixity check` (.../fix) and `validation` (.../val). Every event is a mapping:

    type     the PREMIS term
    time     ISO 8601, UTC ("2023-11-14T22:13:20Z"); SOURCE_DATE_EPOCH when it is set (reproducible bags)
    agent    "archiver <version>"
    outcome  "success" (creation, modification) or "pass"/"fail" (fixity check)
    detail   one line for a person
    added, changed, removed     (modification) payload paths, as the manifests name them
    files_checked, failures     (fixity check) failures as [{file, problem}]

The file is `events:` holding the list, oldest first, written by archiver's own YAML emitter (yamlout)
so that the same events give the same bytes. An update carries the previous events over and appends a
`modification` event only when a payload file was added, changed or removed: an update that changes no
payload file changes nothing worth an entry, and a bag updated every night stays readable.
`archiver fixity` appends a `fixity check` and rewrites this file and the tag manifests, never the payload.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from archiver._version import __version__
from archiver.bagit_names import decode_path, encode_path
from archiver.errors import ArchiverError
from archiver.yamlout import dump

EVENTS = "metadata/events.yaml"
CREATION, MODIFICATION, FIXITY_CHECK, VALIDATION = "creation", "modification", "fixity check", "validation"
# The validator's findings that mean a payload file does not match its manifests.
_FIXITY_CODES = ("B013", "B014", "B015", "B028")


class EventsError(ArchiverError):
    """metadata/events.yaml exists but is not a list of events: archiver will not drop its history (exit 2)."""


class CannotCheckError(ArchiverError):
    """`archiver fixity` cannot run on PATH: not a bag directory, or a bag without a payload manifest (exit 2)."""


def event_time() -> str:
    """Now, or SOURCE_DATE_EPOCH when it is set, as ISO 8601 UTC to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            when = datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError) as exc:
            raise ArchiverError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from exc
    else:
        when = datetime.now(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def event(kind: str, outcome: str, detail: str, **extra) -> dict:
    """One event of PREMIS type `kind`, timed now (or SOURCE_DATE_EPOCH), by this archiver."""
    return {"type": kind, "time": event_time(), "agent": f"archiver {__version__}", "outcome": outcome,
            "detail": detail, **extra}


def read_events(bag_dir: Path) -> list[dict]:
    """The events of the bag at bag_dir, oldest first ([] when it has no events file). Raises EventsError
    for a file that is not YAML holding a list of events (under `events:`, or the list alone); an empty
    file holds none."""
    path = Path(bag_dir) / EVENTS
    if not path.is_file() or path.is_symlink():
        return []
    import yaml  # here, not at the top: `archiver bag` imports this module and never needed PyYAML
    try:
        doc = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EventsError(f"{EVENTS} is not readable YAML ({str(exc).splitlines()[0][:120]}); fix or move "
                          f"it aside, archiver will not drop the bag's history", str(bag_dir)) from None
    if doc is None:
        return []
    problem = shape_problem(doc)
    if problem:
        raise EventsError(f"{EVENTS}: {problem}; fix or move it aside, archiver will not drop the bag's "
                          f"history", str(bag_dir))
    return [_plain(e) for e in (doc if isinstance(doc, list) else doc["events"])]


def shape_problem(doc) -> str | None:
    """What is wrong with a parsed events file (None if nothing): it must be a mapping whose `events`
    is a list of mappings, each with a `type`, or that list alone (as archiver.bagreader reads it)."""
    events = doc.get("events") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        return "not a list of events (under 'events:')"
    for n, e in enumerate(events, 1):
        if not isinstance(e, dict):
            return f"event {n} is not a mapping"
        if not isinstance(e.get("type"), str) or not e["type"].strip():
            return f"event {n} has no 'type'"
    return None


def _plain(value):
    """An event as read back, in the types yamlout writes (a date a person typed becomes its text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def dump_events(events: list[dict]) -> bytes:
    return dump({"events": events})


@dataclass
class Changes:
    """Payload paths (as in the manifests) an update added, changed (other bytes) and removed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """One line per path, for a person: 'added: data/a.txt'."""
        return [f"{kind}: {p}" for kind in ("added", "changed", "removed") for p in getattr(self, kind)]


def _entries(lines) -> dict[str, str]:
    """{payload path: digest} of manifest lines (bytes)."""
    out: dict[str, str] = {}
    for line in lines:
        digest, _, name = line.decode("utf-8", "replace").strip().partition(" ")
        if name:
            out[decode_path(name.lstrip(" *"))] = digest.lower()
    return out


def payload_changes(old: bytes, new: bytes) -> Changes:
    """What differs between two payload manifests. Only the lines in one and not the other are parsed:
    at 20,000 files (1 changed) parsing both whole cost 47-90 ms on the 2-core test machine, this 20-23 ms
    (reading both manifests back, 5 ms, included)."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    before, after = _entries(set(old_lines).difference(new_lines)), _entries(set(new_lines).difference(old_lines))
    return Changes(sorted(p for p in after if p not in before),
                   sorted(p for p in after if p in before and before[p] != after[p]),
                   sorted(p for p in before if p not in after))


class History:
    """The events of a bag being written: the previous bag's (when updating) plus this run's one."""

    def __init__(self, previous: Path | None):
        self.previous = previous
        self.events = read_events(previous) if previous is not None else []   # fails before any work
        self.changes = Changes()

    def finish(self, bag_dir: Path, files: int, nbytes: int) -> bytes:
        """The events file of the bag written at bag_dir (its payload manifest complete)."""
        summary = f"{files} payload files, {nbytes} bytes"
        if self.previous is None:
            return dump_events([event(CREATION, "success", f"bagged {summary}")])
        try:
            old = (self.previous / "manifest-sha256.txt").read_bytes()
        except OSError:
            old = b""                       # a bag without one: every file is new to it
        new = (bag_dir / "manifest-sha256.txt").read_bytes()
        if old != new:
            self.changes = payload_changes(old, new)
        events = list(self.events)
        if self.changes:
            c = self.changes
            events.append(event(MODIFICATION, "success", f"updated: {len(c.added)} added, {len(c.changed)} "
                                f"changed, {len(c.removed)} removed; now {summary}",
                                added=c.added, changed=c.changed, removed=c.removed))
        return dump_events(events)


@dataclass
class FixityResult:
    path: Path
    checked: int
    failures: list[dict]
    event: dict

    @property
    def passed(self) -> bool:
        return not self.failures


def check_fixity(bag_dir: str | os.PathLike, jobs: int | None = None) -> FixityResult:
    """Re-hash every payload file of the bag directory against its payload manifests (the validator's
    hashing), append a `fixity check` event with the outcome to metadata/events.yaml and re-write the
    tag manifests' entry for it; the payload is never written. Raises CannotCheckError (exit 2) for a
    path that is not a bag directory (a serialized bag cannot be appended to) or has no payload manifest."""
    from archiver.validate import bagit_rules, hashing
    root = Path(bag_dir)
    if root.is_file():
        raise CannotCheckError("a serialized bag cannot record a fixity check; unpack it and check the "
                               "bag directory (archiver validate checks an archive without writing)", str(bag_dir))
    if not root.is_dir() or not (root / "bagit.txt").is_file():
        raise CannotCheckError("not a bag directory (no bagit.txt)", str(bag_dir))
    links = [p.name for p in [root / "metadata", root / EVENTS, *root.glob("tagmanifest-*.txt")] if p.is_symlink()]
    if links:       # what this writes is never written through a link (it could lead out of the bag)
        raise CannotCheckError(f"{', '.join(links)} is a symbolic link; run archiver validate", str(bag_dir))
    previous = read_events(root)
    state = bagit_rules.check_structure(root)
    if not state.is_bag or not state.manifests:
        raise CannotCheckError("the bag has no payload manifest to check against", str(bag_dir))
    # The payload only: tag files are not hashed (they are re-manifested below).
    state.tagmanifests = {}
    state.plan = {p: e for p, e in state.plan.items() if p.startswith("data/")}
    hashing.verify(state, jobs)
    failures = [{"file": f.path, "problem": f"{f.code} {f.message}"} for f in state.findings
                if f.code in _FIXITY_CODES and (f.path or "").startswith("data/")]
    checked = len(set().union(*(m.keys() for m in state.manifests.values())))
    manifests = ", ".join(f"manifest-{alg}.txt" for alg in sorted(state.manifests))
    detail = (f"{checked} payload files re-hashed against {manifests}: "
              + ("all match" if not failures else f"{len(failures)} problem(s)"))
    new = event(FIXITY_CHECK, "fail" if failures else "pass", detail, files_checked=checked, failures=failures)
    from archiver.update import restamp_state
    # The state beside the bag follows the new tag manifests, so the next --update still carries over.
    restamp_state(root, lambda: _rewrite_events(root, previous + [new]))
    return FixityResult(root, checked, failures, new)


def _rewrite_events(root: Path, events: list[dict]) -> None:
    """Write events.yaml and the tag manifests naming it, each to a temporary file renamed over the old."""
    data = dump_events(events)
    updates = [(root / EVENTS, data)]
    for tagmanifest in sorted(root.glob("tagmanifest-*.txt")):
        alg = tagmanifest.name[len("tagmanifest-"):-len(".txt")]
        if alg not in hashlib.algorithms_available:
            continue
        line = f"{hashlib.new(alg, data).hexdigest()}  {encode_path(EVENTS)}\n"
        lines = tagmanifest.read_bytes().decode("utf-8").splitlines(keepends=True)
        at = [i for i, text in enumerate(lines) if text.rstrip("\r\n").partition(" ")[2].lstrip(" *") == EVENTS]
        if at:
            lines[at[0]] = line
        else:
            lines.append(line)
        updates.append((tagmanifest, "".join(lines).encode("utf-8")))
    for path, content in updates:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            mode = os.stat(path).st_mode & 0o777 if path.exists() else 0o644
            os.fchmod(fd, mode)        # the replaced file's mode, not mkstemp's 0600
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
