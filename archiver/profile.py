"""BagIt profiles (bagit-profiles specification 1.3/1.4): archiver's own, shipped in `profiles/`, and
checks of a bag against any profile given as a local JSON file.

Profiles are checked offline, always: a URL is refused, never fetched. (We do not use the
`bagit-profile` package: given a URL it fetches it, and on failure it calls sys.exit inside library
code; it also needs `requests`. The rules are few and are implemented here against our parsed bag.)
"""
from __future__ import annotations

import fnmatch
import json
import re
from importlib import resources
from pathlib import Path

from archiver.errors import CannotValidateError
from archiver.model import ARCHIVER_PROFILE_ID  # noqa: F401 - defined in model, which the bag writer imports anyway
from archiver.validate.findings import Finding, finding

_ALWAYS_ALLOWED = ("bagit.txt", "bag-info.txt", "fetch.txt", "manifest-*.txt", "tagmanifest-*.txt")
MIME = {"tar": "application/x-tar", "tar.gz": "application/gzip", "zip": "application/zip"}
MIME_ALIASES = {"application/gzip": {"application/gzip", "application/x-gzip", "application/tar+gzip",
                                     "application/x-compressed-tar"},
                "application/x-tar": {"application/x-tar", "application/tar"},
                "application/zip": {"application/zip", "application/x-zip-compressed"}}


def load_profile(path: str | Path | None) -> dict:
    """Our shipped profile (None) or a local JSON profile file; never a URL."""
    if path is None:
        text = resources.files("archiver").joinpath("profiles/archiver-news-corpus-v1.json").read_text("utf-8")
        return json.loads(text)
    if str(path).lower().startswith(("http://", "https://")):
        raise CannotValidateError("profiles are checked offline and never fetched: download the profile "
                                  "and pass the file", str(path))
    try:
        profile = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CannotValidateError(f"cannot read the profile: {exc.strerror}", str(path)) from exc
    except ValueError as exc:
        raise CannotValidateError(f"the profile is not valid JSON: {exc}", str(path)) from exc
    if not isinstance(profile, dict):
        raise CannotValidateError("the profile is not a JSON object", str(path))
    return profile


def profile_id(profile: dict) -> str | None:
    info = profile.get("BagIt-Profile-Info")
    return info.get("BagIt-Profile-Identifier") if isinstance(info, dict) else None


def check_profile(state, profile: dict, serialization: str | None = None) -> list[Finding]:
    """Findings for the parsed bag `state` (see validate.bagit_rules) against `profile`.

    `serialization` is "tar", "tar.gz" or "zip" when the bag came as an archive, else None.
    """
    out: list[Finding] = []
    pid = profile_id(profile)
    if not pid:
        return [finding("P001", None, detail="no BagIt-Profile-Info/BagIt-Profile-Identifier")]
    named = state.info_value("BagIt-Profile-Identifier")
    if named and named != pid:
        out.append(finding("P016", "bag-info.txt", named=named, checked=pid))
    accepted = profile.get("Accept-BagIt-Version") or []
    if accepted and state.version not in accepted:
        out.append(finding("P002", "bagit.txt", version=state.version, accepted=", ".join(accepted)))
    for key, manifests, code_req, code_allowed, prefix in (
            ("Manifests", state.manifests, "P003", "P004", "manifest"),
            ("Tag-Manifests", state.tagmanifests, "P005", "P006", "tagmanifest")):
        for alg in profile.get(f"{key}-Required") or []:
            if alg.lower() not in manifests:
                out.append(finding(code_req, f"{prefix}-{alg.lower()}.txt", algorithm=alg))
        allowed = profile.get(f"{key}-Allowed")
        if allowed:
            for alg in sorted(manifests):
                if alg not in {a.lower() for a in allowed}:
                    out.append(finding(code_allowed, f"{prefix}-{alg}.txt", algorithm=alg))
    for label, rule in (profile.get("Bag-Info") or {}).items():
        if not isinstance(rule, dict):
            continue
        values = [v for k, v in state.info if k.lower() == label.lower()]
        if rule.get("required") and not values:
            out.append(finding("P007", "bag-info.txt", label=label))
        allowed = rule.get("values")
        if allowed:
            for v in values:
                if v not in allowed:
                    out.append(finding("P008", "bag-info.txt", label=label, value=v, allowed=", ".join(allowed)))
        if rule.get("repeatable") is False and len(values) > 1:
            out.append(finding("P009", "bag-info.txt", label=label))
    tag_files = [p for p in state.walk.files if not p.startswith("data/")]
    for name in profile.get("Tag-Files-Required") or []:
        if name not in state.walk.files:
            out.append(finding("P010", name, name=name))
    allowed_tags = profile.get("Tag-Files-Allowed")
    if allowed_tags:
        patterns = list(allowed_tags) + list(_ALWAYS_ALLOWED) + list(profile.get("Tag-Files-Required") or [])
        # One regular expression for all the patterns (fnmatchcase of each, in one C-level match).
        allowed_match = re.compile("|".join(fnmatch.translate(p) for p in patterns)).match
        for name in sorted(tag_files):
            if not allowed_match(name):
                out.append(finding("P014", name, name=name))
    for name in profile.get("Payload-Files-Required") or []:
        if name not in state.walk.files:
            out.append(finding("P015", name, name=name))
    if profile.get("Allow-Fetch.txt") is False and "fetch.txt" in state.walk.files:
        out.append(finding("P011", "fetch.txt"))
    rule = (profile.get("Serialization") or "optional").lower()
    if rule == "required" and serialization is None:
        out.append(finding("P012", None, rule="requires", actual="is a directory"))
    if rule == "forbidden" and serialization is not None:
        out.append(finding("P012", None, rule="forbids", actual=f"came as {serialization}"))
    accept = profile.get("Accept-Serialization")
    if serialization is not None and accept:
        mime = MIME[serialization]
        if not MIME_ALIASES[mime] & set(accept):
            out.append(finding("P013", None, mime=mime, accepted=", ".join(accept)))
    return out
