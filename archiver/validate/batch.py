"""Validating several bags in one call, and the three renderings of the outcome: text, JSON, GitHub.

Each PATH is validated on its own (one report each, in the order given); a PATH that cannot be
validated at all (no such path, unreadable, a kind of file not read) is `Undecided`, not an
exception, so that the other bags are still validated. The exit code of the whole call is the worst
outcome: 2 if any PATH could not be validated, else 1 if any bag is invalid, else 0.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from archiver.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, CannotValidateError, WorkerDiedError
from archiver.validate.findings import ERROR
from archiver.validate.report import ValidationReport


@dataclass(frozen=True)
class Undecided:
    """A PATH that could not be validated at all, and why (CannotValidateError's message)."""

    path: str
    message: str
    exit_code: int = EXIT_USAGE
    valid: bool = False

    def to_dict(self) -> dict:
        return {"valid": False, "path": self.path, "error": self.message, "findings": [],
                "summary": {"errors": 0, "warnings": 0, "checked": "none"}}

    def to_text(self) -> str:
        return f"NOT VALIDATED: {self.path}: {self.message}"


def validate_paths(paths, **options) -> list[ValidationReport | Undecided]:
    """Validate each of `paths` with `validate_path(path, **options)`; returns one outcome per path,
    in order: a ValidationReport, or Undecided where validate_path raised CannotValidateError (or a
    worker process died)."""
    from archiver.validate import validate_path
    outcomes: list[ValidationReport | Undecided] = []
    for path in paths:
        try:
            outcomes.append(validate_path(path, **options))
        except CannotValidateError as exc:
            # A profile that cannot be used is named by its own path, not the bag's.
            same = exc.path is None or exc.path == str(path)
            outcomes.append(Undecided(str(path), exc.message if same else str(exc)))
        except WorkerDiedError as exc:      # the bag was not judged: neither valid nor invalid
            outcomes.append(Undecided(str(path), exc.message))
    return outcomes


def exit_code(outcomes) -> int:
    """2 if any outcome is Undecided, else 1 if any bag is invalid, else 0."""
    if any(isinstance(o, Undecided) for o in outcomes):
        return EXIT_USAGE
    return EXIT_OK if all(o.valid for o in outcomes) else EXIT_INVALID


def to_text(outcomes) -> str:
    """Each bag's findings, one a line, then its summary line (VALID / INVALID / NOT VALIDATED)."""
    return "\n".join(o.to_text() for o in outcomes)


def to_json(outcomes) -> str:
    """One document for the whole call: `{"valid", "exit_code", "bags": [each PATH's report, in order],
    "counts": {"bags", "valid", "invalid", "not_validated"}}`. A report is `{"valid", "path",
    "findings", "summary"}`, with `error` for a PATH that could not be validated. With exactly one PATH
    its report's keys are at the top level too, as they were before several PATHs were taken."""
    docs = [o.to_dict() for o in outcomes]
    code = exit_code(outcomes)
    undecided = sum(isinstance(o, Undecided) for o in outcomes)
    valid = sum(1 for o in outcomes if not isinstance(o, Undecided) and o.valid)
    doc = {"valid": code == EXIT_OK, "exit_code": code, "bags": docs,
           "counts": {"bags": len(docs), "valid": valid, "invalid": len(docs) - valid - undecided,
                      "not_validated": undecided}}
    if len(docs) == 1:
        doc = {**docs[0], **doc}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def usage_error_json(message: str) -> str:
    """The JSON document of a call whose arguments could not be used (exit 2): nothing was validated."""
    return json.dumps({"valid": False, "exit_code": EXIT_USAGE, "error": message, "bags": [],
                       "counts": {"bags": 0, "valid": 0, "invalid": 0, "not_validated": 0},
                       "findings": [], "summary": {"errors": 0, "warnings": 0, "checked": "none"}},
                      ensure_ascii=False, indent=2)


def to_github(outcomes) -> str:
    """GitHub Actions workflow commands: `::error file=…,title=CODE::message` (or `::warning`) for each
    finding, then each bag's summary line as plain log text.

    `file` is the finding's file in a bag directory (PATH/…); for a finding about a bag as a whole, or
    inside a serialized bag (whose members are no file of the repository), it is PATH, and the member
    is named in the message. Values are escaped as the runner requires (% CR LF, and : , in
    properties), so that text from a bag cannot start a command of its own."""
    out = []
    for o in outcomes:
        if isinstance(o, Undecided):
            out.append(f"::error file={_prop(o.path)},title={_prop('not validated')}::{_data(o.message)}")
            out.append(_data(o.to_text()))
            continue
        archive = "serialization" in o.summary or o.summary.get("checked") == "refused"
        base = o.path.rstrip("/")
        for f in o.findings:
            level = "error" if f.severity == ERROR else "warning"
            if f.path and not archive:
                where, message = f"{base}/{f.path}", f"{f.message} [{f.rule}]"
            else:
                where = base
                message = f"{f.path}: {f.message} [{f.rule}]" if f.path else f"{f.message} [{f.rule}]"
            out.append(f"::{level} file={_prop(where)},title={_prop(f.code)}::{_data(message)}")
        out.append(_data(o.to_text().splitlines()[-1]))
    return "\n".join(out)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
