"""OAI-PMH 2.0 over a BagIndex: the six verbs, metadataPrefix oai_dc, sets by outlet, from/until at
day granularity, resumption tokens and the protocol's errors (http://www.openarchives.org/OAI/2.0/
openarchivesprotocol.htm). `respond(index, query, base_url)` gives the UTF-8 XML of one response.

Records are disseminated as archiver.dublincore writes them into dublin-core.xml (one oai_dc:dc each,
built from the provenance record). A resumption token is the base64url of a JSON list [verb, set,
from, until, offset, fingerprint]: a token that does not decode, names another verb, or whose
fingerprint is not the bag's (the bag changed, or it is another bag) is badResumptionToken.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from urllib.parse import parse_qs

from archiver.dublincore import OAI_DC_NS, OAI_DC_XSD, escape, oai_dc_xml, quoteattr

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_XSD = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PREFIX = "oai_dc"
PAGE_SIZE = 100
PARENT_SET = "outlet"

# verb -> (required arguments, optional arguments); resumptionToken is handled on its own (exclusive).
VERBS = {
    "Identify": ((), ()),
    "ListMetadataFormats": ((), ("identifier",)),
    "ListSets": ((), ()),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set")),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set")),
    "GetRecord": (("identifier", "metadataPrefix"), ()),
}
_PAGED = ("ListIdentifiers", "ListRecords", "ListSets")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def respond(index, query: str, base_url: str, page_size: int = PAGE_SIZE, now: dt.datetime | None = None) -> bytes:
    """The OAI-PMH response (UTF-8 XML) to the query string `query` of a GET to `base_url`."""
    params = parse_qs(query, keep_blank_values=True)
    args = {k: v[0] for k, v in params.items()}
    verb = args.get("verb")
    try:
        if "verb" not in params or len(params["verb"]) > 1 or verb not in VERBS:
            why = ("the verb argument is missing" if "verb" not in params else
                   "the verb argument is repeated" if len(params["verb"]) > 1 else f"{verb!r} is not an OAI-PMH verb")
            raise OAIError("badVerb", why)
        repeated = sorted(k for k, v in params.items() if len(v) > 1)
        if repeated:
            raise OAIError("badArgument", f"repeated argument(s): {', '.join(repeated)}")
        body = _VERB_FUNCS[verb](index, args, page_size, base_url)
        request = _request_element(args, base_url)
    except OAIError as err:
        # After badVerb or badArgument the request element carries no attributes (spec §3.6).
        request = (f"<request>{escape(base_url)}</request>" if err.code in ("badVerb", "badArgument")
                   else _request_element(args, base_url))
        body = f'<error code="{err.code}">{escape(err.message)}</error>'
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{OAI_NS} {OAI_XSD}">\n'
            f"<responseDate>{stamp}</responseDate>\n{request}\n{body}\n</OAI-PMH>\n").encode("utf-8")


def _request_element(args: dict, base_url: str) -> str:
    attrs = "".join(f" {k}={quoteattr(_clean(v))}" for k, v in sorted(args.items())
                    if k in ("verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"))
    return f"<request{attrs}>{escape(base_url)}</request>"


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _FORBIDDEN.sub("\ufffd", text)


def _check_args(verb: str, args: dict) -> None:
    required, optional = VERBS[verb]
    allowed = {"verb", *required, *optional} | ({"resumptionToken"} if verb in _PAGED else set())
    illegal = sorted(k for k in args if k not in allowed)
    if illegal:
        raise OAIError("badArgument", f"illegal argument(s) for {verb}: {', '.join(_clean(k) for k in illegal)}")
    if "resumptionToken" in args:
        others = sorted(k for k in args if k not in ("verb", "resumptionToken"))
        if others:
            raise OAIError("badArgument", f"resumptionToken is exclusive: also given {', '.join(others)}")
        return
    missing = [k for k in required if k not in args]
    if missing:
        raise OAIError("badArgument", f"missing argument(s) for {verb}: {', '.join(missing)}")


# -- the verbs ----------------------------------------------------------------------------------------

def _identify(index, args, _page_size, base_url) -> str:
    _check_args("Identify", args)
    email = index.admin_email if re.fullmatch(r"\S+@(\S+\.)+\S+", index.admin_email or "") else "nobody@example.invalid"
    return ("<Identify>"
            f"<repositoryName>{escape(_clean(index.name))}</repositoryName>"
            f"<baseURL>{escape(base_url)}</baseURL>"
            "<protocolVersion>2.0</protocolVersion>"
            f"<adminEmail>{escape(_clean(email))}</adminEmail>"
            f"<earliestDatestamp>{index.datestamp}</earliestDatestamp>"
            "<deletedRecord>no</deletedRecord>"
            "<granularity>YYYY-MM-DD</granularity>"
            "</Identify>")


def _list_metadata_formats(index, args, _page_size, base_url) -> str:
    _check_args("ListMetadataFormats", args)
    if "identifier" in args:
        item = index.item_of_identifier(args["identifier"])
        if item is None:
            raise OAIError("idDoesNotExist", "no item of this repository has that identifier")
        if not item.readable:
            raise OAIError("noMetadataFormats", "the item's provenance record cannot be read")
    return ("<ListMetadataFormats><metadataFormat>"
            f"<metadataPrefix>{PREFIX}</metadataPrefix><schema>{OAI_DC_XSD}</schema>"
            f"<metadataNamespace>{OAI_DC_NS}</metadataNamespace>"
            "</metadataFormat></ListMetadataFormats>")


def _list_sets(index, args, _page_size, base_url) -> str:
    _check_args("ListSets", args)
    if "resumptionToken" in args:
        raise OAIError("badResumptionToken", "ListSets is answered in one response: no token is valid")
    if not index.set_names:
        raise OAIError("noSetHierarchy", "no item of this bag has a known outlet, so there are no sets")
    sets = [(PARENT_SET, "Items with a known outlet")]
    sets += [(spec, " / ".join(sorted(names))) for spec, names in sorted(index.set_names.items())]
    return ("<ListSets>" + "".join(f"<set><setSpec>{spec}</setSpec><setName>{escape(_clean(name))}</setName></set>"
                                   for spec, name in sets) + "</ListSets>")


def _get_record(index, args, _page_size, base_url) -> str:
    _check_args("GetRecord", args)
    item = index.item_of_identifier(args["identifier"])
    if item is None:
        raise OAIError("idDoesNotExist", "no item of this repository has that identifier")
    if args["metadataPrefix"] != PREFIX:
        raise OAIError("cannotDisseminateFormat", f"only {PREFIX} is disseminated")
    record = _record(index, item)
    if record is None:
        raise OAIError("cannotDisseminateFormat", "the item's provenance record cannot be read")
    return f"<GetRecord>{record}</GetRecord>"


def _list_identifiers(index, args, page_size, base_url) -> str:
    return _list(index, args, page_size, "ListIdentifiers")


def _list_records(index, args, page_size, base_url) -> str:
    return _list(index, args, page_size, "ListRecords")


def _list(index, args, page_size, verb) -> str:
    _check_args(verb, args)
    if "resumptionToken" in args:
        set_spec, frm, until, offset = _read_token(index, args["resumptionToken"], verb)
    else:
        if args["metadataPrefix"] != PREFIX:
            raise OAIError("cannotDisseminateFormat", f"only {PREFIX} is disseminated")
        set_spec, frm, until, offset = args.get("set"), args.get("from"), args.get("until"), 0
        _check_dates(frm, until)
        if set_spec is not None and not index.set_names:
            raise OAIError("noSetHierarchy", "no item of this bag has a known outlet, so there are no sets")
    matching = _matching(index, set_spec, frm, until)
    if not matching:
        raise OAIError("noRecordsMatch", "no record matches these arguments")
    if offset >= len(matching):
        raise OAIError("badResumptionToken", "the token is past the end of the list")
    page = matching[offset:offset + page_size]
    body = []
    for i in page:
        item = index.items[i]
        if verb == "ListIdentifiers":
            body.append(_header(index, item))
        else:
            # A record unreadable since the start is left out of this page rather than breaking it.
            body.append(_record(index, item) or "")
    end = offset + len(page)
    if end < len(matching) or offset > 0:
        token = _make_token(index, verb, set_spec, frm, until, end) if end < len(matching) else ""
        body.append(f'<resumptionToken completeListSize="{len(matching)}" cursor="{offset}">{token}</resumptionToken>')
    return f"<{verb}>{''.join(body)}</{verb}>"


def _matching(index, set_spec, frm, until) -> list[int]:
    if (frm and index.datestamp < frm) or (until and index.datestamp > until):
        return []
    out = []
    for i, item in enumerate(index.items):
        if not item.readable:
            continue
        if set_spec is not None and not (item.set_spec == set_spec or (set_spec == PARENT_SET and item.set_spec)):
            continue
        out.append(i)
    return out


def _check_dates(frm, until) -> None:
    for name, value in (("from", frm), ("until", until)):
        if value is None:
            continue
        if _SECONDS.fullmatch(value):
            raise OAIError("badArgument", f"{name}: this repository's granularity is YYYY-MM-DD")
        if not _DAY.fullmatch(value):
            raise OAIError("badArgument", f"{name} is not a date of the form YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise OAIError("badArgument", f"{name} is not a valid date") from None
    if frm and until and frm > until:
        raise OAIError("badArgument", "from is later than until")


def _header(index, item) -> str:
    spec = "".join(f"<setSpec>{s}</setSpec>" for s in ((PARENT_SET, item.set_spec) if item.set_spec else ()))
    return (f"<header><identifier>{escape(index.identifier(item))}</identifier>"
            f"<datestamp>{index.datestamp}</datestamp>{spec}</header>")


def _record(index, item) -> str | None:
    dc = index.dublin_core(item) if item.readable else None
    if dc is None:
        return None
    return f"<record>{_header(index, item)}<metadata>\n{oai_dc_xml(dc)}</metadata></record>"


# -- resumption tokens --------------------------------------------------------------------------------

def _make_token(index, verb, set_spec, frm, until, offset) -> str:
    raw = json.dumps([verb, set_spec, frm, until, offset, index.fingerprint], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _read_token(index, token: str, verb: str):
    bad = OAIError("badResumptionToken", "the resumption token is not one this server issued for this bag "
                   "as it is now (start the list again without it)")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        t_verb, set_spec, frm, until, offset, fingerprint = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise bad from None
    if (t_verb != verb or fingerprint != index.fingerprint or not isinstance(offset, int) or offset <= 0
            or not all(v is None or isinstance(v, str) for v in (set_spec, frm, until))):
        raise bad
    try:
        _check_dates(frm, until)
    except OAIError:
        raise bad from None
    return set_spec, frm, until, offset


_VERB_FUNCS = {"Identify": _identify, "ListMetadataFormats": _list_metadata_formats, "ListSets": _list_sets,
               "ListIdentifiers": _list_identifiers, "ListRecords": _list_records, "GetRecord": _get_record}
