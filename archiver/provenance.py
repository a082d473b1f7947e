"""The provenance record: one YAML document per source file, deterministic to the byte.

Keys are written in a fixed order and every string is double-quoted, so that YAML never retypes a
date, a code or a word like `no` (see `archiver.yamlout` for why we emit it ourselves). The schema is `archiver/schemas/provenance-1.schema.json`.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from archiver import yamlout
from archiver.model import FIELD_NAMES, Field

RECORD_TYPE = "archiver/provenance/1"


@dataclass
class ProvenanceRecord:
    path: str                 # relative to the corpus root, POSIX separators
    size: int
    sha256: str
    sha512: str
    encoding: str | None
    fields: dict[str, Field]

    def to_dict(self) -> dict:
        return {
            "record": RECORD_TYPE,
            "source": {
                "path": self.path,
                "bytes": self.size,
                "sha256": self.sha256,
                "sha512": self.sha512,
                "encoding": self.encoding,
            },
            "fields": {name: self.fields[name].to_dict() for name in FIELD_NAMES},
        }

    def to_yaml(self) -> bytes:
        return dump_yaml(self.to_dict())

    def value(self, name: str) -> str | None:
        return self.fields[name].value


def dump_yaml(data: dict) -> bytes:
    return yamlout.dump(data)


def load_record(data: bytes) -> dict:
    """Parse a record with yaml.safe_load (records come from bags we may not trust)."""
    return yaml.safe_load(data.decode("utf-8"))


def record_relpath(payload_relpath: str) -> str:
    """Where a file's record lives, relative to the records' root: `<path>.yaml`."""
    return payload_relpath + ".yaml"
