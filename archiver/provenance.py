"""The provenance record: one YAML document per source file, deterministic to the byte.

Keys are written in a fixed order and every string is double-quoted, so that YAML never retypes a
date, a code or a word like `no` (see `archiver.yamlout` for why we emit it ourselves). The schema is `archiver/schemas/provenance-1.schema.json`.
"""
from __future__ import annotations

from dataclasses import dataclass

from archiver import yamlout
from archiver.model import ASSERTED, EXTRACTOR_NAME, EXTRACTOR_VERSION, FIELD_NAMES, Field
from archiver.sourcekind import PLAIN

RECORD_TYPE = "archiver/provenance/1"


@dataclass
class ProvenanceRecord:
    path: str                 # relative to the corpus root, POSIX separators
    size: int
    sha256: str
    sha512: str
    encoding: str | None
    fields: dict[str, Field]
    origin: dict | None = None    # where the page came from, as stated (archiver.sources); None: not given
    # What the file is (archiver.sourcekind). Written only when it is not plain text, so that the record
    # of a text file is what it always was; a record without it is text/plain, or, when its encoding is
    # null, application/octet-stream (`sourcekind.media_type_of`).
    media_type: str | None = None

    def to_dict(self) -> dict:
        out = {
            "record": RECORD_TYPE,
            "source": {
                "path": self.path,
                "bytes": self.size,
                "sha256": self.sha256,
                "sha512": self.sha512,
                "encoding": self.encoding,
                **({"media_type": self.media_type} if self.media_type not in (None, PLAIN) else {}),
            },
            "extractor": {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION},
            "fields": {name: self.fields[name].to_dict() for name in FIELD_NAMES},
        }
        if self.origin is not None:
            out["origin"] = {key: self.origin.get(key) for key in ORIGIN_KEYS}
        return out

    def to_yaml(self) -> bytes:
        """The record as YAML: the same bytes as `yamlout.dump(self.to_dict())`, written directly
        because this runs once per file (a test keeps the two equal)."""
        q = yamlout.quote
        out = ['record: "archiver/provenance/1"', "source:", f"  path: {q(self.path)}",
               f"  bytes: {self.size}", f'  sha256: "{self.sha256}"', f'  sha512: "{self.sha512}"',
               f"  encoding: {q(self.encoding) if self.encoding is not None else 'null'}",
               *([f"  media_type: {q(self.media_type)}"] if self.media_type not in (None, PLAIN) else []),
               "extractor:", f'  name: "{EXTRACTOR_NAME}"', f'  version: "{EXTRACTOR_VERSION}"', "fields:"]
        for name in FIELD_NAMES:
            out.append(f"  {name}:")
            _field_lines(self.fields[name], "    ", out)
        if self.origin is not None:
            _origin_lines(self.origin, out)
        out.append("")
        return "\n".join(out).encode("utf-8")

    def value(self, name: str) -> str | None:
        return self.fields[name].value


def _opt(value) -> str:
    return "null" if value is None else yamlout.quote(value)


# The origin block: last in the record, and only in the records of files given one, so that every
# other record stays as it was, to the byte.
ORIGIN_KEYS = ("url", "retrieved", "rights", "by")


def _origin_lines(origin: dict, out: list[str]) -> None:
    out.append("origin:")
    for key in ORIGIN_KEYS:
        out.append(f"  {key}: {_opt(origin.get(key))}")


def _field_lines(f: Field, pad: str, out: list[str]) -> None:
    out.append(f"{pad}value: {_opt(f.value)}")
    out.append(f'{pad}status: "{f.status}"')
    if f.status == ASSERTED:
        out.append(f"{pad}by: {_opt(f.by)}")
        out.append(f"{pad}note: {_opt(f.note)}")
        out.append(f"{pad}extracted:")
        _field_lines(f.extracted or Field.unknown(), pad + "  ", out)
        return
    if not f.evidence:
        out.append(f"{pad}evidence: []")
        return
    out.append(f"{pad}evidence:")
    for ev in f.evidence:
        out.append(f"{pad}  - line: {'null' if ev.line is None else ev.line}")
        out.append(f"{pad}    text: {yamlout.quote(ev.text)}")
        out.append(f"{pad}    rule: {yamlout.quote(ev.rule)}")
        if ev.value is not None:
            out.append(f"{pad}    value: {yamlout.quote(ev.value)}")
        if ev.outcome is not None:
            out.append(f"{pad}    outcome: {yamlout.quote(ev.outcome)}")
        if ev.score is not None:
            out.append(f"{pad}    score: {ev.score!r}")
        if ev.features is not None:
            out.append(f"{pad}    features: {yamlout.quote(ev.features)}")
