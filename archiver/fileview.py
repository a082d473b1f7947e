"""`archiver show`: one payload file's provenance, with each piece of evidence in its context.

For every field of the file's record: the value, its status, the rule (or the curator) behind it, and
each evidence line shown in the payload's own text with CONTEXT lines around it, the cited line marked
(and, on a terminal, in bold colour). The text is decoded with the encoding the record names, so that
line numbers are those the extractor counted (`str.splitlines` of the decoded text). Nothing from the
bag reaches the terminal unescaped: control characters are shown as \\x.. escapes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from archiver.bagreader import RecordError, attribution, open_bag
from archiver.errors import ArchiverError
from archiver.model import FIELD_NAMES
from archiver.summary import clean

CONTEXT = 2
BOLD_ON, BOLD_OFF = "\x1b[1;33m", "\x1b[0m"


@dataclass
class FileView:
    """One payload file's record and the lines of its text; `to_dict()` is the JSON form."""

    bag: str
    payload: str                # "data/…"
    record_path: str            # "metadata/provenance/….yaml"
    record: dict
    lines: list[str] | None     # the decoded payload text's lines; None: not text

    def context(self, line: int | None) -> list[tuple[int, str, bool]]:
        """(number, text, cited) of the lines CONTEXT around `line` (1-based); [] if out of range."""
        if line is None or self.lines is None or not isinstance(line, int) or not 1 <= line <= len(self.lines):
            return []
        lo, hi = max(1, line - CONTEXT), min(len(self.lines), line + CONTEXT)
        return [(n, self.lines[n - 1], n == line) for n in range(lo, hi + 1)]

    def _evidence(self, f: dict) -> list[dict]:
        out = []
        for e in f.get("evidence") or []:
            item = {k: e.get(k) for k in ("line", "text", "rule", "value", "outcome", "score", "features")
                    if e.get(k) is not None}
            item["line"] = e.get("line")
            item["context"] = [{"line": n, "text": t, "cited": c} for n, t, c in self.context(e.get("line"))]
            out.append(item)
        return out

    def fields(self) -> list[dict]:
        """Each field in record order: name, value, status, rule or curator (`by`), note, evidence with
        context; for an asserted field also what the extractor had found (`extracted`)."""
        out = []
        for name in FIELD_NAMES:
            f = self.record["fields"].get(name)
            if not isinstance(f, dict):
                continue
            item = {"field": name, "value": f.get("value"), "status": f.get("status")}
            if f.get("status") == "asserted":
                item["by"] = f.get("by")
                item["note"] = f.get("note")
                was = f.get("extracted") if isinstance(f.get("extracted"), dict) else {}
                item["extracted"] = {"value": was.get("value"), "status": was.get("status"),
                                     "rule": attribution(was), "evidence": self._evidence(was)}
            else:
                item["rule"] = attribution(f)
                item["evidence"] = self._evidence(f)
            out.append(item)
        return out

    def to_dict(self) -> dict:
        src = self.record.get("source") or {}
        return {"bag": self.bag, "payload": self.payload, "record": self.record_path,
                "bytes": src.get("bytes"), "sha256": src.get("sha256"), "encoding": src.get("encoding"),
                "extractor": self.record.get("extractor"), "fields": self.fields(),
                **({"origin": self.origin()} if self.origin() else {})}

    def origin(self) -> dict | None:
        """Where the page came from, as the record's origin block states it (archiver.sources)."""
        origin = self.record.get("origin")
        if not isinstance(origin, dict):
            return None
        return {key: origin.get(key) for key in ("url", "retrieved", "rights", "by")}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self, highlight: bool = False) -> str:
        """For a person: `highlight` puts the cited lines in bold colour (for a terminal only)."""
        src = self.record.get("source") or {}
        enc = src.get("encoding")
        out = [f"{clean(self.payload)}  ({src.get('bytes', '?'):,} bytes, "
               f"{clean(enc) if enc else 'not text'}, sha256 {clean(str(src.get('sha256')))})"
               if isinstance(src.get("bytes"), int) else clean(self.payload),
               f"record: {clean(self.record_path)}"]
        origin = self.origin()
        if origin:
            out.append("origin: " + ", ".join(part for part in (
                f"{clean(str(origin['url']))}" if origin["url"] else "URL unknown",
                f"retrieved {clean(str(origin['retrieved']))}" if origin["retrieved"] else "",
                f"rights {_quoted(origin['rights'])}" if origin["rights"] else "") if part)
                + f"  [stated by {clean(str(origin['by']))}]")
        for item in self.fields():
            out.append("")
            value = "(unknown)" if item["value"] is None else _quoted(item["value"])
            if item["status"] == "asserted":
                note = f": {clean(item['note'])}" if item.get("note") else ""
                out.append(f"{item['field']}: {value}  [asserted by {clean(str(item['by']))}{note}]")
                was = item["extracted"]
                was_value = "(unknown)" if was["value"] is None else _quoted(was["value"])
                how = f", rule {clean(was['rule'])}" if was["rule"] else ""
                out.append(f"  the extractor had: {was_value}  [{clean(str(was['status']))}{how}]")
                evidence = was["evidence"]
            else:
                how = f", rule {clean(item['rule'])}" if item.get("rule") else ""
                out.append(f"{item['field']}: {value}  [{clean(str(item['status']))}{how}]")
                evidence = item["evidence"]
            if not evidence and item["status"] == "unknown":
                out.append("  no evidence: the file is not text" if self.lines is None
                           else "  no evidence: the text does not say")
            elif not evidence:
                out.append("  no evidence")
            for e in evidence:
                out.extend(_evidence_lines(e, highlight))
        return "\n".join(out)


def _quoted(value) -> str:
    return '"' + clean(str(value)) + '"'


def _evidence_lines(e: dict, highlight: bool) -> list[str]:
    label = [clean(str(e.get("rule")))]
    if e.get("outcome"):
        label.append(clean(str(e["outcome"])) + (f" {_quoted(e['value'])}" if e.get("value") is not None else ""))
    if e.get("score") is not None:
        label.append(f"score {e['score']}")
    where = (f"line {e['line']}" if e.get("line") is not None
             else "the file" if e.get("rule") == "source.not-text" else "whole text")
    out = [f"  {where} ({'; '.join(label)}): {_quoted(e.get('text', ''))}"]
    if e.get("line") is not None and not e["context"]:
        out.append(f"    (line {e['line']} is not in the payload's text)")
    width = len(str(e["context"][-1]["line"])) if e["context"] else 1
    for c in e["context"]:
        text = clean(c["text"])
        if c["cited"] and highlight and text:
            text = f"{BOLD_ON}{text}{BOLD_OFF}"
        mark = ">" if c["cited"] else " "
        out.append(f"    {mark} {c['line']:>{width}} |" + (f" {text}" if text else ""))
    return out


def show_file(bag, path: str) -> FileView:
    """The provenance of payload file PATH (data/… or relative to data/) of the bag at `bag`.

    Raises BagReadError (exit 2) when the bag cannot be read or PATH is no payload file of it, and
    ArchiverError (exit 2) when its record is missing or is not a provenance record.
    """
    with open_bag(bag) as reader:
        return view_of(reader, reader.resolve_payload(path))


def view_of(reader, payload: str) -> FileView:
    """The FileView of payload file `payload` ("data/…", known to exist) of an open BagReader; raises
    ArchiverError (exit 2) when its record is missing or is not a provenance record."""
    try:
        record = reader.record(payload)
    except RecordError as exc:
        raise ArchiverError(str(exc)) from None
    data = reader.file_bytes(payload) or b""
    lines = _decoded_lines(data, (record.get("source") or {}).get("encoding"))
    return FileView(reader.shown, payload, f"metadata/provenance/{payload[len('data/'):]}.yaml", record, lines)


def _decoded_lines(data: bytes, encoding) -> list[str] | None:
    """The payload's lines as the extractor saw them: decoded as archiver decodes (the record's
    encoding when that is what it finds), else with the record's encoding, undecodable bytes replaced."""
    if encoding is None:
        return None
    from archiver.textdecode import decode_text
    text, found = decode_text(data)
    if text is None or found != encoding:
        try:
            text = data.decode(str(encoding), "replace")
        except LookupError:
            text = data.decode("utf-8", "replace")
        if encoding == "utf-8-sig":
            text = text.lstrip("\ufeff")
    return text.splitlines()
