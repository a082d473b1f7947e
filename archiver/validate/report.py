"""A validation report: the findings, the verdict, a summary; rendered as text or JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from archiver.validate.findings import ERROR, WARNING, Finding


@dataclass
class ValidationReport:
    path: str
    findings: list[Finding]
    summary: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def counts(self) -> tuple[int, int]:
        errors = sum(f.severity == ERROR for f in self.findings)
        return errors, sum(f.severity == WARNING for f in self.findings)

    def to_dict(self) -> dict:
        errors, warnings = self.counts()
        return {"valid": self.valid, "path": self.path,
                "findings": [f.to_dict() for f in self.findings],
                "summary": {"errors": errors, "warnings": warnings, **self.summary}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        errors, warnings = self.counts()
        lines = [str(f) for f in self.findings]
        verdict = "VALID" if self.valid else "INVALID"
        extra = ""
        if "payload_files" in self.summary:
            extra = (f"; {self.summary['payload_files']} payload files, "
                     f"{self.summary['payload_bytes']:,} bytes, {self.summary.get('checked', 'full')} check")
        lines.append(f"{verdict}: {self.path}: {errors} error{'s' * (errors != 1)}, "
                     f"{warnings} warning{'s' * (warnings != 1)}{extra}")
        return "\n".join(lines)
