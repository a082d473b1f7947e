"""Domain types shared by every stage: evidence, fields, and the names of the fields we record.

Kept free of I/O so that the extractor, the record writer, the bag writer and the validator can all
import it without pulling each other in.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

# The BagIt profile archiver's bags name in bag-info.txt (archiver/profiles/; archiver.profile checks it).
ARCHIVER_PROFILE_ID = "urn:x-archiver:bagit-profile:news-corpus:1"

# The fields of a provenance record, in the order they are written.
FIELD_NAMES = ("title", "outlet", "published", "story_code", "byline", "language", "updated", "credit")
# The fields every record has had since the first version; "updated" (an update stamp, never the
# publication date) and "credit" (an organisation credited for the story beside the page's publisher,
# such as a wire) came with extractor 2.
CORE_FIELD_NAMES = FIELD_NAMES[:6]

# Which extractor writes the extracted values of a record (its rules and thresholds: archiver.extract).
# Raise the version whenever a change can alter what it extracts from some page.
EXTRACTOR_NAME = "archiver.extract"
EXTRACTOR_VERSION = "2.3"

EXTRACTED = "extracted"
UNKNOWN = "unknown"
ASSERTED = "asserted"


@dataclass(frozen=True)
class Evidence:
    """Why a value was (or was not) chosen: the line it came from, the exact text, the rule id.

    `line` is 1-based in the decoded text (None for whole-document rules such as language
    identification). `value` is the candidate value this rule proposed, when it differs from the
    field's value; `outcome` is None for supporting evidence, "overruled" for a weaker rule that lost,
    "conflict" for strong candidates that disagreed, and "abstained" for the best candidate of a decision
    whose evidence was too weak (the field is then unknown). A scored decision (titles) records the
    candidate's `score` and the `features` that made it, so that a curator can see why.
    """

    line: int | None
    text: str
    rule: str
    value: str | None = None
    outcome: str | None = None
    score: float | None = None
    features: str | None = None

    def with_outcome(self, outcome: str, value: str | None = None) -> "Evidence":
        return replace(self, outcome=outcome, value=value)

    def to_dict(self) -> dict:
        d: dict = {"line": self.line, "text": self.text, "rule": self.rule}
        if self.value is not None:
            d["value"] = self.value
        if self.outcome is not None:
            d["outcome"] = self.outcome
        if self.score is not None:
            d["score"] = self.score
        if self.features is not None:
            d["features"] = self.features
        return d


@dataclass
class Field:
    """One field of a record: its value, how we know it, and the evidence."""

    value: str | None = None
    status: str = UNKNOWN
    evidence: list[Evidence] = field(default_factory=list)
    # Set only for status == ASSERTED: the curator, their note, and what the extractor had found.
    by: str | None = None
    note: str | None = None
    extracted: "Field | None" = None

    @classmethod
    def unknown(cls, evidence: list[Evidence] | None = None) -> "Field":
        return cls(None, UNKNOWN, list(evidence or []))

    @classmethod
    def found(cls, value: str, evidence: list[Evidence]) -> "Field":
        return cls(value, EXTRACTED, list(evidence))

    def attribution(self) -> str | None:
        """How the value is known, for the index: the rule of the first supporting evidence of an
        extracted value, the curator of an asserted one; None for an unknown value (or a rule-less one)."""
        if self.status == ASSERTED:
            return self.by
        if self.status == EXTRACTED:
            return next((e.rule for e in self.evidence if e.outcome is None), None)
        return None

    def to_dict(self) -> dict:
        d: dict = {"value": self.value, "status": self.status}
        if self.status == ASSERTED:
            d["by"] = self.by
            d["note"] = self.note
            d["extracted"] = self.extracted.to_dict() if self.extracted else Field.unknown().to_dict()
        else:
            d["evidence"] = [e.to_dict() for e in self.evidence]
        return d
