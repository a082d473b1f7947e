"""Generate the validation pages from the tables of findings.py: `python -m archiver.validate.docs`
writes docs/validation.md (every code), `python -m archiver.validate.docs rfc8493` docs/rfc8493.md
(each requirement of RFC 8493 and the codes that check it)."""
from __future__ import annotations

import sys

from archiver.validate.findings import CODES, RFC8493

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


def _cell(text: str) -> str:
    return text.replace("|", "/")


def render_rfc8493() -> str:
    """docs/rfc8493.md: each MUST and SHOULD of RFC 8493 (table RFC8493), the codes enforcing it or why
    none does, then the B codes that enforce no single requirement and the serialized-bag codes."""
    out = ["# RFC 8493 requirements and the codes that check them", "",
           "Generated from `archiver/validate/findings.py` (`RFC8493`, `CODES`) by",
           "`python -m archiver.validate.docs rfc8493`; do not edit.", "",
           "Each MUST, MUST NOT, SHOULD and RECOMMENDED of RFC 8493 (The BagIt File Packaging Format, V1.0),",
           "paraphrased, with the finding codes of `archiver validate` that enforce it (see",
           "[validation.md](validation.md)). A requirement no code checks says why: most are rules for the",
           "tools that write or fetch bags, not properties of a bag.", "",
           "| section | level | requirement | codes | note |", "|---|---|---|---|---|"]
    for section, level, requirement, codes, note in RFC8493:
        shown = ", ".join(codes) if codes else "not checked"
        out.append(f"| {section} | {level} | {_cell(requirement)} | {shown} | {_cell(note)} |")
    mapped = {code for row in RFC8493 for code in row[3]}
    out += ["", "## BagIt codes beyond a single requirement", "",
            "Stricter than RFC 8493, or about a bag no requirement foresees (links, devices, unreadable files).",
            "", "| code | severity | rule | message |", "|---|---|---|---|"]
    for code, (severity, rule, template) in CODES.items():
        if code.startswith("B") and code not in mapped:
            out.append(f"| {code} | {severity} | {rule} | {_cell(template)} |")
    out += ["", "## Serialized bags", "",
            "RFC 8493 has no section on serialization (the drafts had one until draft 14, and its rules",
            "were dropped). Archives are unpacked by archiver's own rules, S001 to S007; S004 keeps the",
            "draft's rule that an archive holds exactly one base directory.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render_rfc8493() if sys.argv[1:] == ["rfc8493"] else render())
