"""Validation findings and the one table of their codes, severities, rules and messages.

Every finding `archiver validate` can report is listed here, once. `docs/validation.md` is generated
from this table (`python -m archiver.validate.docs`) and a test keeps the two equal. Families:
B — BagIt rules (RFC 8493; the section is cited), A — archiver's own rules (provenance records and
the Dublin Core index agree with the payload), P — BagIt profile rules, S — serialized bags (archives).
`RFC8493` maps each requirement of the RFC to the codes enforcing it; docs/rfc8493.md is made from it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# code: (severity, rule, message template). Templates use str.format with named fields.
CODES: dict[str, tuple[str, str, str]] = {
    # --- B: BagIt (RFC 8493) -------------------------------------------------------------------
    "B001": (ERROR, "RFC 8493 §2.1.1", "bagit.txt is missing: this is not a bag"),
    "B002": (ERROR, "RFC 8493 §2.1.1", "bagit.txt is malformed: {detail}"),
    "B003": (ERROR, "RFC 8493 §2.1.1", "unsupported BagIt version {version!r} (supported: 0.93 to 1.0)"),
    "B004": (ERROR, "RFC 8493 §2.1.1", "tag file encoding {encoding!r} declared in bagit.txt is unknown"),
    "B005": (ERROR, "RFC 8493 §2.1.2", "the payload directory data/ is missing"),
    "B006": (ERROR, "RFC 8493 §2.1.3", "no payload manifest (manifest-<algorithm>.txt)"),
    "B007": (ERROR, "RFC 8493 §2.1.3", "line {line} is not '<checksum> <path>': {text!r}"),
    "B008": (ERROR, "RFC 8493 §2.1.3, §5", "line {line} names a path outside the bag: {name!r}"),
    "B009": (ERROR, "RFC 8493 §2.1.3", "line {line} lists {name!r}, which is not a payload file (payload manifests list only files under data/)"),
    "B010": (ERROR, "RFC 8493 §2.1.3", "{algorithm} checksum on line {line} is not {length} hexadecimal digits: {digest!r}"),
    "B011": (ERROR, "RFC 8493 §2.1.3", "listed twice in {manifest}"),
    "B012": (WARNING, "RFC 8493 §2.1.3", "listed twice in {manifest} (an error from BagIt 1.0 on)"),
    "B013": (ERROR, "RFC 8493 §3", "listed in {manifest} but missing from the bag"),
    "B014": (ERROR, "RFC 8493 §3", "payload file not listed in {manifest}"),
    "B015": (ERROR, "RFC 8493 §3", "{algorithm} checksum does not match {manifest}: it says {expected}, the file has {actual}"),
    "B016": (ERROR, "RFC 8493 §2.2.2", "Payload-Oxum says {expected}, the payload is {actual} (bytes.files)"),
    "B017": (ERROR, "RFC 8493 §2.2.2", "bag-info.txt line {line} is not 'Label: value': {text!r}"),
    "B018": (ERROR, "RFC 8493 §2.2.2", "Payload-Oxum {value!r} is not '<bytes>.<files>'"),
    "B019": (WARNING, "RFC 8493 §2.4", "manifest for unsupported algorithm {algorithm!r}: its checksums cannot be verified"),
    "B020": (WARNING, "RFC 8493 §2.1.3", "the name matches a file only after Unicode normalization ({form}); another system may not find it"),
    "B021": (ERROR, "RFC 8493 §5 (archiver: links are never followed)", "a symbolic link is in the bag (pointing to {target!r})"),
    "B022": (ERROR, "RFC 8493 §2 (archiver)", "not a regular file or directory (device, FIFO or socket)"),
    "B023": (ERROR, "RFC 8493 §3, §2.2.3", "listed in fetch.txt and not present: the bag is not complete, hence not valid (archiver never fetches: fetch the file, then validate)"),
    "B024": (ERROR, "RFC 8493 §2.2.3", "fetch.txt line {line} is not '<url> <length> <path>' with a path under data/: {text!r}"),
    "B025": (ERROR, "RFC 8493 §2.1.3", "cannot be read as {encoding}: {detail}"),
    "B026": (WARNING, "RFC 8493 §2.1.3", "line {line} marks the file as binary with '*' (md5sum style); the name is read without it"),
    "B027": (WARNING, "RFC 8493 §2.1.3", "line {line} names the file with a leading './'"),
    "B028": (ERROR, "RFC 8493 §2.1.3", "cannot be read: {detail}"),
    "B029": (WARNING, "RFC 8493 §2.4", "no manifest uses SHA-256 or SHA-512 (weak algorithms only: {algorithms})"),
    "B030": (ERROR, "RFC 8493 §2.1.3", "tag manifest line {line} lists a payload file: {name!r}"),
    "B031": (ERROR, "RFC 8493 §2.1.1", "bagit.txt starts with a byte-order mark"),
    "B032": (WARNING, "RFC 8493 §2.2.2", "Bag-Size {value!r} is not a size such as '90 MB' or '1.5 GB'"),
    "B033": (ERROR, "RFC 8493 §2.1.1", "tag file encoding {encoding!r} declared in bagit.txt is not a character encoding (the tag files were read as UTF-8)"),
    "B034": (ERROR, "RFC 8493 §2.2.2", "Payload-Oxum is given {count} times; it may be given once (the first was compared)"),
    "B035": (ERROR, "RFC 8493 §2.3", "tag file starts with a byte-order mark, which UTF-8 tag files must not (it was skipped)"),
    # --- A: archiver's own rules ----------------------------------------------------------------
    "A001": (ERROR, "archiver: one provenance record per payload file", "payload file has no provenance record ({record})"),
    "A002": (ERROR, "archiver: records describe their payload", "provenance record is for no payload file"),
    "A003": (ERROR, "archiver: records describe their payload", "provenance record does not match its payload file: {detail}"),
    "A004": (ERROR, "archiver: records are archiver/provenance/1 YAML", "provenance record cannot be read: {detail}"),
    "A005": (ERROR, "archiver: the Dublin Core index covers the payload", "{index} is missing"),
    "A006": (ERROR, "archiver: the Dublin Core index covers the payload", "payload file has no entry in {index}"),
    "A007": (ERROR, "archiver: the Dublin Core index covers the payload", "{index} has an entry for no payload file: {name!r}"),
    "A008": (ERROR, "archiver: the Dublin Core index covers the payload", "{index} cannot be read: {detail}"),
    "A009": (ERROR, "archiver: the Dublin Core index covers the payload", "{index} lists {name!r} more than once"),
    "A010": (ERROR, "archiver: records are archiver/provenance/1 YAML", "the record's fields cannot be read: {detail}"),
    "A011": (ERROR, "archiver: the Dublin Core index agrees with the records", "{index} gives {element} {actual}, the file's provenance record gives {expected}"),
    "A012": (ERROR, "archiver: evidence is quoted from its payload", "the {field} evidence cites line {line} as {text!r}, which is not on that line of the payload ({why})"),
    "A013": (ERROR, "archiver: the audit trail is a list of events", "metadata/events.yaml cannot be read as events: {detail}"),
    # --- P: BagIt profiles ----------------------------------------------------------------------
    "P001": (ERROR, "BagIt Profiles: profile file", "the profile cannot be used: {detail}"),
    "P002": (ERROR, "BagIt Profiles: Accept-BagIt-Version", "BagIt version {version!r} is not accepted by the profile ({accepted})"),
    "P003": (ERROR, "BagIt Profiles: Manifests-Required", "the profile requires a {algorithm} payload manifest"),
    "P004": (ERROR, "BagIt Profiles: Manifests-Allowed", "a {algorithm} payload manifest is not allowed by the profile"),
    "P005": (ERROR, "BagIt Profiles: Tag-Manifests-Required", "the profile requires a {algorithm} tag manifest"),
    "P006": (ERROR, "BagIt Profiles: Tag-Manifests-Allowed", "a {algorithm} tag manifest is not allowed by the profile"),
    "P007": (ERROR, "BagIt Profiles: Bag-Info", "bag-info.txt lacks the required field {label!r}"),
    "P008": (ERROR, "BagIt Profiles: Bag-Info", "bag-info.txt field {label!r} has a value the profile does not allow: {value!r} (allowed: {allowed})"),
    "P009": (ERROR, "BagIt Profiles: Bag-Info", "bag-info.txt field {label!r} is repeated, which the profile does not allow"),
    "P010": (ERROR, "BagIt Profiles: Tag-Files-Required", "the profile requires the tag file {name!r}"),
    "P011": (ERROR, "BagIt Profiles: Allow-Fetch.txt", "fetch.txt is present, which the profile does not allow"),
    "P012": (ERROR, "BagIt Profiles: Serialization", "the profile {rule} serialization, and this bag {actual}"),
    "P013": (ERROR, "BagIt Profiles: Accept-Serialization", "serialization {mime!r} is not accepted by the profile ({accepted})"),
    "P014": (ERROR, "BagIt Profiles: Tag-Files-Allowed", "tag file {name!r} is not allowed by the profile"),
    "P015": (ERROR, "BagIt Profiles: Payload-Files-Required", "the profile requires the payload file {name!r}"),
    "P016": (WARNING, "BagIt Profiles: BagIt-Profile-Identifier", "bag-info.txt names the profile {named!r}, not the one checked ({checked!r})"),
    # --- S: serialized bags (archives) ----------------------------------------------------------
    "S001": (ERROR, "RFC 8493 §5.1 (archiver: safe unpacking)", "archive member has an unsafe path ({detail}); nothing was unpacked outside a private directory"),
    "S002": (ERROR, "archiver: safe unpacking", "archive member is a {kind}, which a bag may not hold"),
    "S003": (ERROR, "archiver: safe unpacking", "archive member appears more than once"),
    "S004": (ERROR, "BagIt draft 14 §4 (serialization; not in RFC 8493)", "the archive must hold exactly one top-level directory (found {found})"),
    "S005": (ERROR, "archiver: safe unpacking", "the archive unpacks to more than {limit} bytes ({reason}): refused as a possible archive bomb"),
    "S006": (ERROR, "archiver: safe unpacking", "the archive is corrupt or truncated: {detail}"),
    "S007": (ERROR, "archiver: safe unpacking", "the archive holds more than {limit} members: refused"),
}


# RFC 8493's requirements (MUST, MUST NOT, SHOULD, RECOMMENDED), paraphrased, by section, with the codes
# that enforce each; docs/rfc8493.md is generated from this (`python -m archiver.validate.docs rfc8493`).
# (section, level, requirement, codes, note): with no codes, the note says why the requirement is not
# checked; with codes, it says what they leave out, if anything.
RFC8493: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("§2", "MUST", "a bag is a base directory holding bagit.txt, at least one payload manifest and data/",
     ("B001", "B005", "B006"), ""),
    ("§2.1.1", "MUST", "bagit.txt is present", ("B001",), ""),
    ("§2.1.1", "MUST", "bagit.txt has exactly two lines, 'BagIt-Version: M.N' and "
     "'Tag-File-Character-Encoding: ENCODING'", ("B002", "B003"),
     "the order of the two lines is not checked, nor a third line of the same 'Name: value' form"),
    ("§2.1.1", "MUST", "bagit.txt is encoded in UTF-8", ("B025",), ""),
    ("§2.1.1", "MUST NOT", "bagit.txt begins with a byte-order mark", ("B031",), ""),
    ("§2.1.1, §2.3", "SHOULD", "ENCODING is UTF-8 (for backwards compatibility it MAY be another registered "
     "encoding)", ("B004", "B033"),
     "another known character encoding is accepted without a warning, as the RFC allows; an unknown name "
     "or a codec that is not a character encoding is reported"),
    ("§2.1.2", "MUST", "the base directory contains a subdirectory named data", ("B005",), ""),
    ("§2.1.3", "MUST", "a bag contains at least one payload manifest", ("B006",), ""),
    ("§2.1.3", "MUST", "every payload manifest lists every payload file", ("B014",), ""),
    ("§2.1.3", "MUST", "every payload manifest lists each payload file exactly once", ("B011", "B012"),
     "a path listed twice is an error from BagIt 1.0 on (B011), a warning in older bags (B012)"),
    ("§2.1.3, §2.2.1, §2.2.3", "MUST", "manifests are named manifest-ALG.txt and tagmanifest-ALG.txt; the "
     "fetch file fetch.txt", (),
     "a file named otherwise is not read as a manifest or fetch file, and nothing tells a "
     "misnamed one from any other tag file"),
    ("§2.1.3", "MUST", "each manifest line is a hexadecimal checksum, one or more spaces or tabs, and a "
     "file path", ("B007", "B010"),
     "md5sum's '*' before the name and a leading './' are read with a warning (B026, B027)"),
    ("§2.1.3, §2.2.3", "MUST", "'/' is the path separator in a file path", (),
     "'\\' is an ordinary character of a POSIX file name; a path that uses it as a separator "
     "names no file and is reported as missing (B013)"),
    ("§2.1.3", "MUST NOT", "a payload manifest references files outside the payload directory",
     ("B008", "B009"), ""),
    ("§2.1.3", "MUST", "LF, CR and % in a file path are percent-encoded", (),
     "names are decoded (%0A, %0D, and from 1.0 %25); a '%' that starts no escape is read as "
     "itself, and a name that then matches no file is B013"),
    ("§2.1.3", "MUST NOT", "a manifest references a directory", ("B013",),
     "a directory is not a file of the bag, so a manifest line naming one is reported as missing"),
    ("§2.2.1", "MUST NOT", "a tag manifest lists payload files", ("B030",), ""),
    ("§2.2.1", "MUST", "a tag manifest has the form of a payload manifest", ("B007", "B008", "B010"), ""),
    ("§2.2.2", "MUST", "a bag-info.txt element is a label, a colon, a space or tab and a value; a value may "
     "continue on indented lines", ("B017",),
     "the single space or tab after the colon is not checked (bags before 1.0 may have more)"),
    ("§2.2.2", "MUST NOT", "a label contains a colon, CR or LF, or starts or ends with whitespace", ("B017",),
     "a label ending in whitespace is accepted (the whitespace is stripped)"),
    ("§2.2.2", "MUST", "implementations accept several spaces or tabs around the colon in bags before 1.0", (),
     "a rule for the validator, which meets it: whitespace around the colon is stripped in every version"),
    ("§2.2.2", "MUST", "the order of the metadata elements is preserved", (),
     "a rule for tools that edit bag-info.txt; validation changes nothing"),
    ("§2.2.2", "RECOMMENDED", "bag-info.txt lines do not exceed 79 characters", (),
     "advice for people writing the file; a longer line is valid"),
    ("§2.2.2", "MUST", "Payload-Oxum, if present, is 'OctetCount.StreamCount' and states the payload's "
     "octets and files", ("B016", "B018"), ""),
    ("§2.2.2", "MUST NOT", "Payload-Oxum is present more than once", ("B034",), ""),
    ("§2.2.2", "MUST", "implementations verify the checksums before proclaiming a bag valid (Payload-Oxum is "
     "only an optimization)", ("B015",),
     "validate --fast verifies no checksum; its report says so (\"checked\": \"fast\")"),
    ("§2.2.3", "MUST", "every file listed in fetch.txt is listed in every payload manifest", ("B014", "B023"),
     "reported through the file: B023 while it is absent, B014 once present and not listed"),
    ("§2.2.3", "MUST NOT", "fetch.txt lists tag files", ("B024",), ""),
    ("§2.2.3", "MUST", "each fetch.txt line is 'url length filepath' separated by whitespace, length a "
     "number or '-'", ("B024",), "the url is not checked to be an absolute URI (archiver never fetches)"),
    ("§2.2.4", "MUST", "other tag files listed in a tag manifest are checksum-verified, and their content is "
     "otherwise ignored", ("B015",),
     "archiver's own metadata/ tag files are read (A codes) only in bags that name archiver's profile"),
    ("§2.3", "MUST", "each line of a text tag file ends in LF, CR or CRLF", (),
     "any line break is accepted, and the last line needs none"),
    ("§2.3", "MUST", "text tag files other than bagit.txt are encoded in the encoding bagit.txt declares",
     ("B025",), ""),
    ("§2.3", "MUST NOT", "with UTF-8 declared, a tag file begins with a byte-order mark", ("B031", "B035"),
     "bagit.txt's is B031; every other tag file's B035"),
    ("§2.4", "SHOULD", "the checksum algorithm is registered in IANA's Named Information Hash Algorithm "
     "Registry, or is MD5 or SHA-1", ("B019",),
     "a manifest of an algorithm archiver does not know (md5, sha1, sha224, sha256, sha384, sha512) is "
     "reported and not verified"),
    ("§2.4", "MUST", "the algorithm's name in a manifest's file name is lowercase, alphanumerics only", (),
     "a name in capitals is read as its lowercase form; other characters make the file no "
     "manifest"),
    ("§2.4", "MUST", "validation tools support SHA-256 and SHA-512 (and SHOULD support MD5 and SHA-1)", (),
     "a rule for the validator, which meets it: all four are verified"),
    ("§3", "MUST", "complete: every required element is present", ("B001", "B005", "B006"), ""),
    ("§3", "MUST", "complete: every file listed in every payload or tag manifest is present",
     ("B013", "B023"), "B023 when fetch.txt lists the absent file"),
    ("§3", "MUST", "complete: in BagIt 1.0, every payload file is listed in every payload manifest", ("B014",),
     "archiver asks it of older bags too, which needed a file in one payload manifest only"),
    ("§3", "MUST", "complete: every element present complies with the specification",
     ("B002", "B007", "B010", "B017", "B018", "B024", "B025"), ""),
    ("§3", "MUST", "valid: the bag is complete, and every checksum of every payload and tag manifest is "
     "verified against its file", ("B015", "B023"), ""),
    ("§5.1", "MUST", "files outside the bag are never accessed because of a path a bag gives",
     ("B008", "B021", "B024", "S001"),
     "every path is checked by its components before it is looked up; links are never followed"),
    ("§5.1", "SHOULD", "implementations have a test suite against special directory characters", (),
     "a rule for the validator, which meets it: tests/test_hostile.py and the conformance suite"),
    ("§5.3", "SHOULD", "a fetched file's size differing from fetch.txt is handled; that size is not used to "
     "allocate resources", (), "not applicable: archiver never fetches"),
    ("§6 (non-normative)", "SHOULD", "names that differ from the manifest's only in Unicode normalization "
     "are matched, with a warning", ("B020",), ""),
    ("§6 (non-normative)", "MUST", "a tool that accepts md5sum's '*' before a name warns that the bag will "
     "fail strict validation", ("B026",), ""),
]

@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    path: str | None          # bag-relative, POSIX; None for the bag as a whole
    message: str
    rule: str

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "path": self.path,
                "message": self.message, "rule": self.rule}

    def __str__(self) -> str:
        where = f" {self.path}:" if self.path else ""
        return f"{self.severity.upper()} {self.code}{where} {self.message} [{self.rule}]"


EXCERPT = 300   # characters of any one field a message quotes; the rest is counted, not quoted


class _Excerpt(str):
    """The first EXCERPT characters of a longer field, shown (with or without !r) with its length."""

    def __new__(cls, value: str):
        self = super().__new__(cls, value[:EXCERPT])
        self.total = len(value)
        return self

    def __repr__(self) -> str:
        return f"{str.__repr__(self)}… ({self.total:,} characters)"

    def __format__(self, spec: str) -> str:
        return f"{str(self)}… ({self.total:,} characters)"


def finding(code: str, path: str | None = None, **fields) -> Finding:
    """The Finding of `code` about `path` (bag-relative, or None for the bag), its message made from
    the code's template and `fields`.

    A field comes from the bag, which may be hostile: a string field longer than EXCERPT characters is
    quoted only in part, with its length, so that no finding is larger than its template plus a few
    hundred characters per field (a 1 MB manifest line or a record's expanded YAML stays out of it).
    """
    severity, rule, template = CODES[code]
    fields = {k: _Excerpt(v) if isinstance(v, str) and len(v) > EXCERPT else v for k, v in fields.items()}
    return Finding(code, severity, path, template.format(**fields), rule)


FINDINGS_PER_CODE = 1000   # findings of one code kept; the rest are counted (a million missing files)


class Findings(list):
    """The findings of a validation: a list that keeps the first FINDINGS_PER_CODE findings of each
    code and counts the rest (`dropped`), so that memory stays bounded whatever the bag holds.

    A step that collects its own findings takes them with mark() and take(); take() gives a Findings
    holding what it dropped too, and extend() carries that over, so nothing is lost from the count
    (also across processes: a Findings pickles with its counts)."""

    def __init__(self, items=(), cap: int | None = None):
        super().__init__()
        self.cap = FINDINGS_PER_CODE if cap is None else cap
        self.kept: Counter = Counter()
        self.dropped: Counter = Counter()
        self.extend(items)

    def append(self, f: Finding) -> None:
        if self.kept[f.code] >= self.cap:
            self.dropped[f.code] += 1
            return
        self.kept[f.code] += 1
        super().append(f)

    def extend(self, items) -> None:
        for f in items:
            self.append(f)
        for code, n in getattr(items, "dropped", {}).items():
            self.dropped[code] += n

    def mark(self) -> tuple[int, Counter]:
        return len(self), Counter(self.dropped)

    def rollback(self, mark: tuple[int, Counter]) -> None:
        """Forget every finding added since mark()."""
        at, dropped = mark
        for f in self[at:]:
            self.kept[f.code] -= 1
        del self[at:]
        self.dropped = Counter(dropped)

    def take(self, mark: tuple[int, Counter]) -> "Findings":
        """The findings added since mark() (with what was dropped of them), removed from here."""
        out = Findings(cap=self.cap)
        list.extend(out, self[mark[0]:])
        out.kept.update(f.code for f in out)
        out.dropped = self.dropped - mark[1]
        self.rollback(mark)
        return out

    def __reduce__(self):
        # Not list's own: pickle would extend() the items before the counts exist.
        return _rebuilt, (list(self), self.cap, dict(self.kept), dict(self.dropped))

    def summaries(self) -> list[Finding]:
        """One finding per code with findings dropped, saying how many (after those kept)."""
        out = []
        for code in sorted(self.dropped):
            severity, rule, _ = CODES[code]
            out.append(Finding(code, severity, None, f"and {self.dropped[code]:,} more findings of code {code}, "
                               f"not listed (only the first {self.cap:,} of each code are)", rule))
        return out


def _rebuilt(items: list, cap: int, kept: dict, dropped: dict) -> Findings:
    out = Findings(cap=cap)
    list.extend(out, items)
    out.kept.update(kept)
    out.dropped.update(dropped)
    return out
