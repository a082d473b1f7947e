"""Generate docs/validation.md from the table of finding codes: `python -m archiver.validate.docs`."""
from __future__ import annotations

import sys

from archiver.validate.findings import CODES

FAMILIES = {"B": "BagIt rules (RFC 8493)", "A": "archiver's own rules: provenance records and the Dublin Core index",
            "P": "BagIt profile rules", "S": "Serialized bags (archives)"}


def render() -> str:
    out = ["# Validation findings", "",
           "Generated from `archiver/validate/findings.py` by `python -m archiver.validate.docs`; do not edit.",
           "", "Every finding of `archiver validate` has a stable code, a severity and the rule it enforces.",
           "An `error` makes the bag invalid (exit 1); a `warning` does not (exit 0).", "",
           "`--fast` reads the tag files and walks the bag, nothing more: it reports the structural B and",
           "P findings, Payload-Oxum, and a missing record or index (A001, A002, A005). Everything that",
           "must read a payload file, a record or an index runs in a full validation only: checksums",
           "(B015), records against their payload (A003, A004), the index's coverage (A006 to A009), and",
           "the consistency of records, index and evidence (A010 to A012), which recomputes each file's",
           "index values from its record and finds each cited evidence line in the payload.", ""]
    for prefix, title in FAMILIES.items():
        out += [f"## {prefix} — {title}", "", "| code | severity | rule | message |", "|---|---|---|---|"]
        for code, (severity, rule, template) in CODES.items():
            if code.startswith(prefix):
                out.append(f"| {code} | {severity} | {rule} | {template.replace('|', '/')} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
