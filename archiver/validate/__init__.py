"""`archiver validate`: is this bag (a directory or a serialized bag) valid, and if not, why?

Every problem is reported, not the first: the structure and completeness checks all run, then every
checksum, then archiver's own rules and the profile. See `findings` for the codes.
"""
from __future__ import annotations

import os
from pathlib import Path

from archiver.errors import CannotValidateError
from archiver.validate.findings import CODES, ERROR, WARNING, Finding
from archiver.validate.report import ValidationReport

__all__ = ["validate_path", "validate_bag_dir", "ValidationReport", "Finding", "CODES", "ERROR", "WARNING"]


def validate_path(path, *, fast: bool = False, profile=None, jobs: int | None = None) -> ValidationReport:
    """Validate a bag directory or a .tar/.tar.gz/.tgz/.zip serialized bag.

    Raises CannotValidateError (exit 2) when PATH does not exist, cannot be read, or is a file of a
    kind we do not read; everything wrong with a bag is a finding in the report instead.
    """
    from archiver.profile import load_profile
    shown = str(path)
    p = Path(path)
    if not p.exists():
        raise CannotValidateError("no such file or directory", shown)
    explicit = load_profile(profile) if profile is not None else None
    if p.is_dir():
        if not os.access(p, os.R_OK | os.X_OK):
            raise CannotValidateError("cannot read this directory", shown)
        return validate_bag_dir(p, fast=fast, profile=explicit, jobs=jobs, shown=shown)
    from archiver.serialize import ArchiveRefused, archive_kind, open_serialized  # archives only
    if archive_kind(p) is None:
        raise CannotValidateError("not a bag directory or a .tar, .tar.gz, .tgz or .zip file", shown)
    if not os.access(p, os.R_OK):
        raise CannotValidateError("cannot read this file", shown)
    try:
        with open_serialized(p) as (bag_dir, kind):
            return validate_bag_dir(bag_dir, fast=fast, profile=explicit, jobs=jobs, shown=shown,
                                    serialization=kind)
    except ArchiveRefused as refused:
        return ValidationReport(shown, refused.findings, {"checked": "refused"})


def validate_bag_dir(root: Path, *, fast=False, profile=None, jobs=None, shown=None,
                     serialization=None) -> ValidationReport:
    from archiver.profile import ARCHIVER_PROFILE_ID, check_profile, load_profile
    from archiver.validate import archiver_rules, bagit_rules, hashing
    started = []

    def walked(state):
        # The Dublin Core indexes are checked against the walk alone: a child process starts on them
        # now, while this one reads the manifests (both cores busy before the hashing starts).
        if not fast and archiver_rules.applies(state, ARCHIVER_PROFILE_ID):
            started.append(archiver_rules.start_index_check(state, jobs))

    state = bagit_rules.check_structure(Path(root), walked=walked)
    if state.is_bag:
        ours = archiver_rules.applies(state, ARCHIVER_PROFILE_ID)
        indexes = started[0] if started else None
        if not fast:
            hashing.verify(state, jobs, check_records=ours)
        if ours:
            archiver_rules.check(state, fast=fast, indexes=indexes)
            if not fast:
                from archiver.validate import consistency
                consistency.check(state, jobs, indexes.digests() if indexes is not None else None)
        if profile is not None:
            state.findings.extend(check_profile(state, profile, serialization))
        elif state.info_value("BagIt-Profile-Identifier") == ARCHIVER_PROFILE_ID:
            state.findings.extend(check_profile(state, load_profile(None), serialization))
    summary = {"payload_files": state.payload_files, "payload_bytes": state.payload_bytes,
               "checked": "fast" if fast else "full"}
    if serialization:
        summary["serialization"] = serialization
    findings = sorted(state.findings, key=lambda f: (f.severity != ERROR, f.path or "", f.code))
    findings += state.findings.summaries()      # after the findings they continue
    return ValidationReport(shown or str(root), findings, summary)
