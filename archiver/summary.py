"""`archiver info`: what a bag holds and how much of it is known, from its tag files and records.

A summary: the bag's size and file counts, its profile and bagging date, its outlets (the most frequent
first), the range of publication dates, per field how many values were extracted, asserted by a
curator or are unknown, the conflicts the extractor left open (strong rules that disagreed, so the field
is unknown) and the assertions that replaced a different extracted value, and the last fixity check
recorded in the bag's events (`metadata/events.yaml`; "never" when there is none). Everything is read
from the bag itself (`archiver.bagreader`: no link is followed), the same input always giving the
same summary.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from archiver.bagreader import STATUSES, BagReader, RecordError, open_bag
from archiver.model import CORE_FIELD_NAMES

SUMMARY_FIELDS = CORE_FIELD_NAMES     # title, outlet, published, story_code, byline, language
FIXITY_EVENT_TYPES = ("fixity check", "fixity-check", "fixity_check", "fixity")


@dataclass
class BagSummary:
    """The summary `archiver info` prints; `to_dict()` is its JSON form."""

    path: str
    profile: str | None
    bagging_date: str | None
    software: str | None
    payload_files: int
    payload_bytes: int
    bag_bytes: int
    text_files: int
    records_read: int
    outlets: list[tuple[str, int]]        # the top N, most files first (then by name)
    outlets_named: int                    # distinct outlets in the whole bag
    dates: dict                           # {"earliest", "latest", "files"}
    coverage: dict[str, dict[str, int]]   # field -> {extracted, asserted, unknown}
    conflicts: dict[str, int]             # field -> files whose strong candidates disagreed
    overridden: dict[str, int]            # field -> files where a curator replaced a different extracted value
    conflict_files: list[str]             # up to N payload paths with a conflict
    last_fixity: dict | None              # {"time", "outcome"} of the last fixity event; None: never
    problems: list[str] = field(default_factory=list)   # unreadable or missing records, links refused

    def to_dict(self) -> dict:
        return {
            "path": self.path, "profile": self.profile, "bagging_date": self.bagging_date,
            "software": self.software,
            "payload": {"files": self.payload_files, "bytes": self.payload_bytes, "text_files": self.text_files},
            "bag_bytes": self.bag_bytes, "records_read": self.records_read,
            "outlets": {"named": self.outlets_named, "top": [{"outlet": o, "files": n} for o, n in self.outlets]},
            "dates": self.dates, "coverage": self.coverage,
            "conflicts": {"fields": self.conflicts, "files": self.conflict_files},
            "overridden": self.overridden, "last_fixity_check": self.last_fixity, "problems": self.problems,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=False)

    def to_text(self) -> str:
        """The summary for a person; values from the bag are shown with control characters escaped."""
        out = [f"Bag:        {clean(self.path)}",
               f"Profile:    {clean(self.profile) if self.profile else '(none named)'}",
               f"Bagged:     {clean(self.bagging_date or '?')}" + (f" by {clean(self.software)}" if self.software else ""),
               f"Payload:    {self.payload_files:,} files, {self.payload_bytes:,} bytes "
               f"({self.text_files:,} text, {self.payload_files - self.text_files:,} not text)",
               f"Bag size:   {self.bag_bytes:,} bytes with tag files and records"]
        if self.dates["files"]:
            out.append(f"Published:  {self.dates['earliest']} to {self.dates['latest']} "
                       f"({self.dates['files']:,} of {self.records_read:,} files dated)")
        else:
            out.append(f"Published:  no dates known ({self.records_read:,} files)")
        unknown_outlet = self.coverage["outlet"]["unknown"]
        out.append(f"Outlets:    {self.outlets_named:,} named; {unknown_outlet:,} files with no known outlet")
        width = max((len(clean(o)) for o, _ in self.outlets), default=0)
        for outlet, n in self.outlets:
            out.append(f"  {clean(outlet):<{width}}  {n:>6,}")
        out.append("Coverage:   field        extracted  asserted   unknown")
        for name in SUMMARY_FIELDS:
            c = self.coverage[name]
            out.append(f"            {name:<11}  {c['extracted']:>9,} {c['asserted']:>9,} {c['unknown']:>9,}")
        open_conflicts = {k: v for k, v in self.conflicts.items() if v}
        if open_conflicts:
            out.append("Conflicts:  " + ", ".join(f"{k} {v:,}" for k, v in open_conflicts.items())
                       + " (strong candidates disagreed; the field is unknown)")
            out.extend(f"  {clean(p)}" for p in self.conflict_files)
        else:
            out.append("Conflicts:  none")
        overridden = {k: v for k, v in self.overridden.items() if v}
        if overridden:
            out.append("Overridden: " + ", ".join(f"{k} {v:,}" for k, v in overridden.items())
                       + " (a curator replaced a different extracted value)")
        if self.last_fixity is None:
            out.append("Fixity:     never checked (no fixity event in metadata/events.yaml)")
        else:
            out.append(f"Fixity:     last checked {clean(str(self.last_fixity['time']))}: "
                       f"{clean(str(self.last_fixity['outcome']))}")
        for problem in self.problems:
            out.append(f"Problem:    {clean(problem)}")
        return "\n".join(out)


def clean(text: str) -> str:
    """Text from a bag made safe for a terminal: control characters (an escape sequence could rewrite
    the screen) shown as \\x.. escapes; tabs and everything printable kept."""
    return "".join(c if c.isprintable() or c == "\t" else f"\\x{ord(c):02x}" if ord(c) < 256
                   else f"\\u{ord(c):04x}" for c in text)


def summarize(path, top: int = 10, xlsx: str | None = None) -> BagSummary:
    """Summarize the bag at `path` (a directory or a serialized bag); see BagSummary. With `xlsx`, also
    write the bag's Dublin Core index there as a spreadsheet of text cells (archiver.spreadsheet).

    Raises BagReadError (exit 2) when `path` is not a readable bag. Records that are missing or cannot
    be read are listed in `problems` (the summary counts the others), as are links and special files
    in the payload, which are never followed.
    """
    with open_bag(path) as reader:
        summary = _summarize(reader, top)
        if xlsx is not None:
            from archiver.spreadsheet import write_index_xlsx
            write_index_xlsx(reader, xlsx)
        return summary


def _summarize(reader: BagReader, top: int) -> BagSummary:
    info = reader.bag_info()
    payload, refused = reader.payload_files()
    problems = [f"{rel}: a link or special file in the payload; not followed" for rel in refused]
    coverage = {name: dict.fromkeys(STATUSES, 0) for name in SUMMARY_FIELDS}
    conflicts = dict.fromkeys(SUMMARY_FIELDS, 0)
    overridden = dict.fromkeys(SUMMARY_FIELDS, 0)
    outlets: Counter = Counter()
    conflict_files: list[str] = []
    earliest = latest = None
    dated = read = text_files = 0
    for rel in payload:
        try:
            record = reader.record(rel)
        except RecordError as exc:
            problems.append(str(exc))
            continue
        read += 1
        if record["source"].get("encoding") is not None:
            text_files += 1
        fields = record["fields"]
        conflicted = False
        for name in SUMMARY_FIELDS:
            f = fields[name]
            coverage[name][f["status"]] += 1
            if f["status"] == "asserted":
                was = f.get("extracted") or {}
                if was.get("value") is not None and was.get("value") != f.get("value"):
                    overridden[name] += 1
            elif any(e.get("outcome") == "conflict" for e in f.get("evidence") or []):
                conflicts[name] += 1
                conflicted = True
        if conflicted and len(conflict_files) < top:
            conflict_files.append(rel)
        if fields["outlet"].get("value"):
            outlets[fields["outlet"]["value"]] += 1
        published = fields["published"].get("value")
        if published:
            dated += 1
            earliest = published if earliest is None or published < earliest else earliest
            latest = published if latest is None or published > latest else latest
    ranked = sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))
    first = lambda label: (info.get(label) or [None])[0]  # noqa: E731
    return BagSummary(
        path=reader.shown, profile=first("BagIt-Profile-Identifier"), bagging_date=first("Bagging-Date"),
        software=first("Bag-Software-Agent"), payload_files=len(payload), payload_bytes=sum(payload.values()),
        bag_bytes=reader.total_bytes(), text_files=text_files, records_read=read, outlets=ranked[:top],
        outlets_named=len(outlets), dates={"earliest": earliest, "latest": latest, "files": dated},
        coverage=coverage, conflicts=conflicts, overridden=overridden, conflict_files=conflict_files,
        last_fixity=last_fixity(reader.events()), problems=problems)


def last_fixity(events: list[dict] | None) -> dict | None:
    """{"time", "outcome"} of the last fixity-check event (in file order), or None when there is none.
    Events are mappings with a `type` (PREMIS event type, "fixity check"), a `time` and an `outcome`
    as archiver.events writes them (`event_type`/`date`/`datetime` are read too, from other tools)."""
    found = None
    for event in events or []:
        kind = str(event.get("type", event.get("event_type", ""))).strip().lower()
        if kind in FIXITY_EVENT_TYPES:
            when = event.get("time", event.get("date", event.get("datetime")))
            found = {"time": None if when is None else str(when), "outcome": event.get("outcome")}
    return found
