"""Records, index and payload agree: the checks that see a hand edit whose manifests were recomputed.

A bag's checksums prove only that its files are the ones its tag manifests list. Someone who edits
a provenance record (an outlet, say) and recomputes the tag manifests leaves a bag whose every
checksum matches, while the record no longer says what the Dublin Core index and the evidence say.
These checks catch that, for every payload file with a record:

- the index values are recomputed from the record with the very functions that wrote them
  (`DublinCoreRecord.from_values`, `xml_record`'s escaping, `csv_row`) and compared, element by
  element, with the file's record in `dublin-core.xml` and its row in `dublin-core.csv` (A011);
- each evidence line's text must be on that line of the payload file, decoded as the extractor
  decodes it (`archiver.textdecode.decode_head` over the same first `TEXT_LIMIT` bytes), compared as
  is or, failing that, both folded as the extractor folds a line (`archiver.textfold.normalise`:
  a no-break space the extractor read as a space) (A012). An HTML page (`source.media_type`
  text/html) is decoded with the charset its record names, and the text extractor's evidence on it
  is found in the visible text of the blocks that begin on the cited line (`archiver.htmlsource`);
- the record's `fields` block must be readable for either of these (A010).

They read every record and the head of every payload file, so they run in a full validation only,
never with `--fast` (which reads nothing but the tag files). Records that archiver wrote are parsed
with a small reader of exactly the YAML that `ProvenanceRecord.to_yaml` writes (nothing is executed;
a record in any other form is read with `yaml.safe_load`): parsing 20,000 records with PyYAML would
cost several seconds. The per-file work runs in worker processes; the indexes are streamed here
(see `check` for how little of them is kept).
"""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import stat
from typing import NamedTuple
from xml.parsers import expat

from archiver.bagit_names import decode_index_path
from archiver.dublincore import (
    CSV_COLUMNS,
    CSV_LATER_COLUMNS,
    DC_NS,
    INDEX_NS,
    DublinCoreRecord,
    csv_cells,
    csv_row,
)
from archiver.model import CORE_FIELD_NAMES, FIELD_NAMES
from archiver.sourcekind import HTML, media_type_of
from archiver.validate.bagit_rules import _OPEN_FLAGS, BagState
from archiver.validate.findings import Finding, finding

RECORDS = "metadata/provenance/"
XML_INDEX = "metadata/dublin-core.xml"
CSV_INDEX = "metadata/dublin-core.csv"
# The Dublin Core elements `DublinCoreRecord.from_values` writes: only these are compared (an index
# may carry others, a dc:description note for instance, which no record value gives).
DC_ELEMENTS = ("title", "creator", "publisher", "date", "identifier", "type", "format", "language",
               "source", "rights")
# The CSV's value columns (read by header name: columns this version does not know are ignored).
CSV_VALUE_COLUMNS = tuple(c for c in CSV_COLUMNS if c.startswith("dc."))
_CSV_AT = {c: i for i, c in enumerate(CSV_COLUMNS)}


class IndexDigests(NamedTuple):
    """What `check` needs of both indexes, read before it runs (`index_digests`)."""

    digests: dict                # path -> its XML record's digest (or _ABSENT), then its CSV row's
    xml_known: bool              # dublin-core.xml could be read
    columns: tuple               # the value columns dublin-core.csv has
    csv_known: bool              # dublin-core.csv could be read
    findings: object             # A008 for a CSV lacking a value column (a Findings)


def index_digests(state: BagState) -> IndexDigests:
    """The digests of every record of both indexes (`check`). Reads only the walk's files, so it can
    run as soon as the bag is walked: in the child process that checks the indexes while the payload
    is hashed (archiver_rules.IndexCheck), where its 0.6 s at 20,000 files no longer hold up `check`."""
    mark = state.findings.mark()
    digests = _xml_digests(state)
    xml_known = digests is not None
    if digests is None:
        digests = {}
    columns, csv_known = _csv_digests(state, digests)
    return IndexDigests(digests, xml_known, columns, csv_known, state.findings.take(mark))


def check(state: BagState, jobs: int | None = None, prepared: IndexDigests | None = None) -> None:
    """Add A010, A011 and A012 findings (and A008 for a CSV lacking a value column) to `state`.
    `prepared`: index_digests(state), when it was read already.

    Takes a bag whose structure was walked (`bagit_rules.check_structure`); reads only files of the
    walk (regular files inside the bag, opened without following links). Payload files without a
    record, records without a payload, and missing or unreadable index files are reported by
    `archiver_rules` (A001, A002, A005, A008) and skipped here; so is a record whose `source:` block
    cannot be read (A004).

    Memory stays small at 100,000 files: the indexes are streamed, and of each file's entries only a
    digest is kept (8 bytes each, one dict for both); a worker sends back the digests of the texts `xml_record` and
    `csv_row` write for the file. Only a file whose digests differ is looked at again, here, value
    by value, to say what differs.
    """
    from archiver.workers import run_chunks
    files = state.walk.files
    pairs = [rel for rel in sorted(files) if rel.startswith("data/")
             and RECORDS + rel[len("data/"):] + ".yaml" in files]
    if not pairs:
        return
    # One dict for both indexes: path -> its XML record's digest (or _ABSENT), then its CSV row's.
    digests, xml_known, columns, csv_known, found = prepared or index_digests(state)
    state.findings.extend(found)
    results = run_chunks(_examine_chunk, pairs, lambda rel: min(files[rel], 1 << 18),
                         (str(state.root), columns), jobs)
    xml_unlike: list[str] = []
    csv_unlike: list[str] = []
    size = DIGEST_SIZE
    for rel, xml_digest, csv_digest, found in results:
        state.findings.extend(found)
        if xml_digest is None:
            continue
        entry = digests.get(rel)
        if xml_known and (entry is None or entry[:size] != xml_digest):
            xml_unlike.append(rel)
        if csv_known and entry is not None and len(entry) == 2 * size and entry[size:] != csv_digest:
            csv_unlike.append(rel)
    if xml_unlike:
        _compare_xml(state, xml_unlike)
    if csv_unlike:
        _compare_csv(state, csv_unlike, columns)


# 8 bytes a digest: at 100,000 files both indexes then cost ~10 MB (peak RSS has a 150 MB target).
DIGEST_SIZE = 8
_ABSENT = bytes(DIGEST_SIZE)     # the XML half of a path that only the CSV lists


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE).digest()


def _expected(root, rel: str) -> tuple[str, str] | None:
    """The texts xml_record and csv_row write for a payload file, from its record (None: unreadable)."""
    from archiver.dublincore import xml_record
    try:
        _encoding, fields, statuses, kind, origin = read_record(_read(root, RECORDS + rel[len("data/"):] + ".yaml"))
    except (OSError, ValueError):
        return None
    values = {name: value for name, (value, _evidence) in fields.items() if value is not None}
    dc = DublinCoreRecord.from_values(rel, values, kind, statuses, origin=origin)
    return xml_record(dc), csv_row(dc)


def _compare_xml(state: BagState, unlike: list[str]) -> None:
    """Element by element, for the files whose record in dublin-core.xml is not, to the byte, the
    text xml_record writes for them (the same values written otherwise agree; an element no record
    value gives, such as a dc:description note, is not compared)."""
    from archiver.dublincore import XML_FOOTER, xml_header
    keep = set(unlike)
    try:
        with open(_open(state.root, XML_INDEX), "rb") as fh:
            actual = _parse_xml(fh, state.walk.canon, keep)
    except (expat.ExpatError, OSError):
        return            # A008
    texts = {rel: _expected(state.root, rel) for rel in unlike}
    expected = _parse_xml((xml_header() + "".join(t[0] for t in texts.values() if t) + XML_FOOTER)
                          .encode("utf-8", "surrogatepass"), state.walk.canon, keep)
    for rel in unlike:
        if rel not in actual or texts[rel] is None:
            continue      # no entry at all: A006
        want_all, have_all = expected.get(rel, {}), actual[rel]
        for element in DC_ELEMENTS:
            want, have = want_all.get(element, []), have_all.get(element, [])
            if want != have:
                state.add("A011", rel, index=XML_INDEX, element=f"dc:{element}", actual=_shown(have),
                          expected=_shown(want))


def _compare_csv(state: BagState, unlike: list[str], columns: tuple[str, ...]) -> None:
    """Column by column, for the files whose row's value columns differ from csv_row's."""
    keep = set(unlike)
    actual: dict[str, dict[str, str]] = {}
    try:
        for path, cells in _csv_rows(state, columns) or ():
            if path in keep and path not in actual:
                actual[path] = dict(zip(columns, cells, strict=False))  # a damaged row may be short
    except (OSError, UnicodeDecodeError, csv.Error):
        return            # A008
    for rel in unlike:
        texts = _expected(state.root, rel)
        if texts is None or rel not in actual:
            continue
        want_all = _csv_cells(texts[1])
        for column in columns:
            want, have = want_all.get(column, ""), actual[rel][column]
            if want != have:
                state.add("A011", rel, index=CSV_INDEX, element=column, actual=_shown([have]),
                          expected=_shown([want]))


def _csv_cells(row: str) -> dict[str, str]:
    """The value columns of one row as csv_row writes it."""
    if '"' not in row:           # nothing was quoted: the cells are the text between commas
        cells = row[:-2].split(",") if row.endswith("\r\n") else row.split(",")
    else:
        cells = next(csv.reader(io.StringIO(row, newline="")))
    return {c: v for c, v in zip(CSV_COLUMNS, cells, strict=False) if c in CSV_VALUE_COLUMNS}


def _csv_key(cells) -> bytes:
    """The digest of a row's value cells (in `columns` order): what is compared for every file."""
    return _digest("\x1f".join(cells))


def _shown(values: list[str]) -> str:
    values = [v for v in values if v != ""]
    if not values:
        return "nothing"
    return " and ".join(repr(v) for v in values)


# --- the indexes ----------------------------------------------------------------------------------

_RAW_RECORD = re.compile(r'  <idx:record path="([^"<&]*)">\n.*?  </idx:record>\n', re.S)
_BLOCK = 1 << 20


def _xml_digests(state: BagState) -> dict | None:
    """{payload path: digest of the text of its <idx:record> element}, read in blocks, where every
    record is laid out as xml_record writes it and nothing (a comment, a CDATA section, a DTD) can
    make a text mean something else; a file that is not so gives {} (every file is then compared
    element by element). A path listed twice is left out (A009; compared element by element). None
    when the file is missing or is not UTF-8 (A005/A008)."""
    if XML_INDEX not in state.walk.files:
        return None
    canon = state.walk.canon
    out: dict[str, bytes] = {}
    repeated = set()
    matched = opened = 0
    rest = ""
    try:
        with open(_open(state.root, XML_INDEX), encoding="utf-8", newline="") as fh:
            while True:
                block = fh.read(_BLOCK)
                text = rest + block
                end = 0
                for m in _RAW_RECORD.finditer(text):
                    matched += 1
                    path = decode_index_path(m.group(1))
                    path = canon.get(path, path)
                    if path in out:
                        repeated.add(path)
                    out[path] = _digest(m.group())
                    end = m.end()
                done, rest = (text, "") if not block else (text[:end], text[end:])
                if len(rest) > 4 * _BLOCK:
                    return {}     # records of another layout: none of them matches
                if "<!" in done:
                    return {}
                opened += done.count("<idx:record")
                if not block:
                    break
    except (OSError, UnicodeDecodeError):
        return None
    if matched != opened:
        return {}         # some records are laid out otherwise: compare them all as XML
    for path in repeated:
        del out[path]
    return out


def _csv_rows(state: BagState, columns: tuple[str, ...]):
    """(payload path, [its cells in `columns`]) of each row of dublin-core.csv, streamed; None when
    the file is missing or its header is not archiver's (A005/A008)."""
    try:
        fh = open(_open(state.root, CSV_INDEX), encoding="utf-8", newline="")
    except OSError:
        return None
    canon = state.walk.canon

    def rows():
        with fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            where = {name: i for i, name in reversed(list(enumerate(header or [])))}
            at = [where[c] for c in columns]
            for row in reader:
                if row:
                    path = decode_index_path(row[0])
                    yield canon.get(path, path), [row[i] if i < len(row) else "" for i in at]
    return rows()


def _csv_digests(state: BagState, into: dict) -> tuple[tuple[str, ...], bool]:
    """(the value columns dublin-core.csv has, whether it could be read); the digest of each row's
    cells in those columns is appended to `into[path]` (the XML's digest, or _ABSENT), the first row
    of a path only. A value column it lacks is A008, once; a column this version does not know is
    ignored."""
    if CSV_INDEX not in state.walk.files:
        return (), False
    try:
        with open(_open(state.root, CSV_INDEX), encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return (), False
    if not header or header[:1] != ["filename"]:
        return (), False     # A008 from archiver_rules
    for column in CSV_VALUE_COLUMNS:
        if column not in header and column not in CSV_LATER_COLUMNS:
            state.add("A008", CSV_INDEX, index=CSV_INDEX, detail=f"it has no column {column!r}")
    columns = tuple(c for c in CSV_VALUE_COLUMNS if c in header)
    size = DIGEST_SIZE
    try:
        for path, cells in _csv_rows(state, columns) or ():
            entry = into.get(path, _ABSENT)
            if len(entry) == size:
                into[path] = entry + _csv_key(cells)
    except (OSError, UnicodeDecodeError, csv.Error):
        return columns, False
    return columns, True


def _parse_xml(source, canon: dict, keep: set) -> dict:
    """{payload path: {element: [values]}} of the records of the paths in `keep` in an index
    document (bytes or a binary file), the first record of a path. Raises expat.ExpatError when it
    is not well-formed."""
    record_tag = f"{INDEX_NS}}}record"
    dc_prefix = f"{DC_NS}}}"
    out: dict[str, dict[str, list[str]]] = {}
    current: list = [None, None, []]      # the record's elements, the element being read, its text

    def start(name, attrs):
        if name == record_tag:
            path = decode_index_path(attrs.get("path") or "")
            path = canon.get(path, path)
            current[0] = out.setdefault(path, {}) if path in keep and path not in out else None
        elif current[0] is not None and name.startswith(dc_prefix):
            current[1] = name[len(dc_prefix):]
            current[2] = []

    def end(name):
        if name == record_tag:
            current[0] = None
        elif current[1] is not None and name == dc_prefix + current[1]:
            current[0].setdefault(current[1], []).append("".join(current[2]))
            current[1] = None

    def text(data):
        if current[1] is not None:
            current[2].append(data)

    # expat fetches no external entity or DTD, and refuses entity expansion bombs (expat >= 2.4).
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    if isinstance(source, bytes):
        parser.Parse(source, True)
    else:
        parser.ParseFile(source)
    return out


def _open(root, rel: str) -> int:
    """A file descriptor of a walked file, opened as `bagit_rules.open_regular` opens one: without
    following a link, without waiting on a FIFO that replaced it after the walk, and only if it is
    still a regular file (OSError otherwise; the hashing reports it as B028)."""
    fd = os.open(os.path.join(str(root), *rel.split("/")), _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read(root, rel: str, limit: int | None = None) -> bytes:
    """A walked file's bytes (at most `limit`), read with os.read: two files per payload file, where
    a buffered file object's set-up costs as much as the read."""
    fd = _open(root, rel)
    try:
        parts = []
        left = limit if limit is not None else -1
        while left:
            block = os.read(fd, 1 << 16 if left < 0 else min(left, 1 << 20))
            if not block:
                break
            parts.append(block)
            if left > 0:
                left -= len(block)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def _examine_chunk(chunk: list[str], shared: tuple[str, tuple[str, ...]]) -> list:
    """Worker entry point: _examine() each payload file of `chunk`; `shared`: (bag root, CSV columns)."""
    root, columns = shared
    return [_examine(root, rel, columns) for rel in chunk]


def _examine(root: str, rel: str, columns: tuple[str, ...]) -> tuple:
    """(rel, digest of its expected XML record, digest of its expected CSV cells in `columns`,
    [findings]) of one payload file; the digests are None when its record cannot be read."""
    from archiver.dublincore import xml_record
    record = RECORDS + rel[len("data/"):] + ".yaml"
    try:
        data = _read(root, record)
    except OSError:
        return rel, None, None, []          # B028 from the hashing
    try:
        encoding, fields, statuses, kind, origin = read_record(data)
    except FieldsError as exc:
        return rel, None, None, [finding("A010", record, detail=str(exc))]
    except ValueError:
        return rel, None, None, []          # the whole record cannot be read: A004 from archiver_rules
    values = {name: value for name, (value, _evidence) in fields.items() if value is not None}
    dc = DublinCoreRecord.from_values(rel, values, kind, statuses, origin=origin)
    cells = csv_cells(dc)        # what csv_row writes, not written and parsed again
    return (rel, _digest(xml_record(dc)), _csv_key(cells[_CSV_AT[c]] for c in columns),
            _check_evidence(root, rel, record, fields, encoding if kind == HTML else None))


def _check_evidence(root: str, rel: str, record: str, fields: dict, html: str | None = None) -> list[Finding]:
    """A012 findings of one record. `html`: the encoding of an HTML page's record, which decodes it
    (the page may declare a charset that detection alone would not choose); evidence of the text
    extractor there quotes the page's visible text (`archiver.htmlsource`), checked against the
    visible text of the blocks that begin on the cited line."""
    cited = [(name, ev) for name, (_value, evidence) in fields.items() for ev in evidence
             if ev[0] is not None]
    if not cited:
        return []
    from archiver.reader import TEXT_LIMIT
    from archiver.textdecode import decode_head
    try:
        head = _read(root, rel, TEXT_LIMIT + 1)
    except OSError:
        return []                      # B028 from the hashing
    if html is not None:
        from archiver.textdecode import decode_as
        text = decode_as(head[:TEXT_LIMIT], html)
    else:
        text, _encoding = decode_head(head[:TEXT_LIMIT], len(head) <= TEXT_LIMIT)
    lines = text.splitlines() if text is not None else []
    visible = None
    found = []
    for name, (line, quoted) in cited:
        if text is None:
            why = "the payload is not text"
        elif not 1 <= line <= len(lines):
            why = f"the payload has {len(lines)} lines"
        elif _on_line(quoted, lines[line - 1]):
            continue
        elif html is not None and _on_visible(quoted, line, visible := visible or _visible(text)):
            continue
        else:
            why = f"line {line} reads {lines[line - 1][:120]!r}"
        found.append(finding("A012", record, field=name, line=line, text=quoted[:120], why=why))
    return found


def _visible(text: str) -> dict[int, list[str]]:
    from archiver.htmlsource import visible_text_on  # only for an HTML page's record (lxml)
    return visible_text_on(text)


def _on_visible(quoted: str, line: int, visible: dict[int, list[str]]) -> bool:
    return any(_on_line(quoted, piece) for piece in visible.get(line, ()))


def _on_line(quoted: str, line: str) -> bool:
    if quoted in line:
        return True
    from archiver.textfold import normalise  # only for the rare line the extractor folded
    return normalise(quoted) in normalise(line)


# --- reading a record -----------------------------------------------------------------------------

def record_fields(doc: dict) -> dict[str, tuple]:
    """{field name: (value, [(line, text), ...])} of a parsed record: the evidence lines a field cites
    and, for an asserted one, those of what the extractor had found. Raises ValueError naming what is
    wrong with the `fields` block (FieldsError)."""
    fields = doc.get("fields")
    if not isinstance(fields, dict):
        raise FieldsError("no 'fields' mapping")
    out = {}
    for name in FIELD_NAMES:
        f = fields.get(name)
        if f is None:
            continue           # a record of an older extractor lacks the newer fields
        if not isinstance(f, dict) or "value" not in f:
            raise FieldsError(f"field {name!r} is not a mapping with a 'value'")
        value = f["value"]
        if value is not None and not isinstance(value, str):
            raise FieldsError(f"the value of {name!r} is not a string or null")
        evidence = []
        for holder in (f, f.get("extracted")):
            if not isinstance(holder, dict):
                continue
            items = holder.get("evidence", [])
            if not isinstance(items, list):
                raise FieldsError(f"the evidence of {name!r} is not a list")
            for ev in items:
                if not isinstance(ev, dict) or not isinstance(ev.get("text"), str):
                    raise FieldsError(f"an evidence item of {name!r} has no 'text'")
                line = ev.get("line")
                if line is not None and (type(line) is not int):
                    raise FieldsError(f"an evidence item of {name!r} has a line that is not a number")
                if line is not None:        # whole-document evidence (language) cites no line
                    evidence.append((line, ev["text"]))
        out[name] = (value, evidence)
    return out


# A double-quoted scalar on one line, as yamlout.quote writes it; written as an unrolled loop (runs of
# plain characters, then an escape and a run), which re matches 2-3x faster than an alternation tried
# per character: parsing records is most of the consistency checks' time.
_Q = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_OPT = rf"(?:null|{_Q})"


def _field_pattern(pad: str, nested: bool) -> str:
    """One field's block at indentation `pad`, as provenance._field_lines writes it."""
    item = (rf"{pad}  - line: (?:\d+|null)\n{pad}    text: {_Q}\n{pad}    rule: {_Q}\n"
            rf"(?:{pad}    value: {_Q}\n)?(?:{pad}    outcome: {_Q}\n)?"
            rf"(?:{pad}    score: -?\d+(?:\.\d+)?(?:e[-+]?\d+)?\n)?(?:{pad}    features: {_Q}\n)?")
    evidence = rf"{pad}evidence: \[\]\n|{pad}evidence:\n(?:{item})+"
    head = rf'{pad}value: {_OPT}\n{pad}status: "(?:extracted|unknown|asserted)"\n'
    if not nested:
        return rf"{head}(?:{evidence})"
    asserted = rf"{pad}by: {_OPT}\n{pad}note: {_OPT}\n{pad}extracted:\n{_field_pattern(pad + '  ', False)}"
    return rf"{head}(?:{evidence}|{asserted})"


# The whole of a record in the form ProvenanceRecord.to_yaml writes: only a text that matches all of
# it is read by the fast reader below (fields in any order; a repeated field goes to PyYAML).
_OURS = re.compile(
    rf'record: "archiver/provenance/1"\nsource:\n  path: {_Q}\n  bytes: \d+\n'
    rf'  sha256: "[0-9a-f]{{64}}"\n  sha512: "[0-9a-f]{{128}}"\n  encoding: {_OPT}\n(?:  media_type: {_Q}\n)?'
    rf'extractor:\n  name: {_Q}\n  version: {_Q}\n'
    rf'fields:\n(?:  [a-z_]+:\n{_field_pattern("    ", True)})*'
    rf'(?:origin:\n  url: {_OPT}\n  retrieved: {_OPT}\n  rights: {_OPT}\n  by: {_OPT}\n)?')
# The origin block (archiver.sources), last in a record that has one.
_ORIGIN = re.compile(rf"\norigin:\n  url: ({_OPT})\n  retrieved: ({_OPT})\n  rights: ({_OPT})\n  by: ({_OPT})\n\Z")
_ENCODING = re.compile(rf"\n  encoding: ({_OPT})\n")
_MEDIA_TYPE = re.compile(rf"\n  media_type: ({_Q})\n")
# A field's first line, or an evidence line with a line number. Each starts with the line break
# before it (a literal prefix lets the search skip ahead) and leaves the one after it to the next.
_ITEMS = re.compile(rf"\n(?:  ([a-z_]+):\n    value: ({_OPT})(?=\n)| +- line: (\d+)\n +text: ({_Q})(?=\n))")
# A field's head (name, status, curator of an asserted value) and, within a field, each evidence item
# of its own (not of the extractor's finding under an asserted value): its rule and its other lines.
_FIELD_HEAD = re.compile(rf'\n  ([a-z_]+):\n    value: {_OPT}\n    status: "([a-z]+)"\n(?:    by: ({_OPT})\n)?')
_TOP_ITEM = re.compile(rf"\n      - line: (?:\d+|null)\n        text: {_Q}\n        rule: ({_Q})((?:\n        [a-z][^\n]*)*)")
_ESCAPE = re.compile(r'\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)')
_SHORT = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "0": "\x00", "N": "\x85",
          "L": "\u2028", "P": "\u2029", "/": "/", " ": " ", "a": "\x07", "b": "\x08", "e": "\x1b",
          "v": "\x0b", "f": "\x0c", "_": "\xa0"}


class FieldsError(ValueError):
    """The record's `fields` block cannot be read (A010), though the record is YAML."""


class _NotOurs(Exception):
    """The text is not in the form ProvenanceRecord.to_yaml writes."""


def read_fields(data: bytes) -> tuple[str | None, dict[str, tuple], dict[str, tuple]]:
    """(the source's encoding, `record_fields`, `record_statuses`) of a provenance record's bytes;
    see `read_record`."""
    return read_record(data)[:3]


def read_record(data: bytes) -> tuple[str | None, dict[str, tuple], dict[str, tuple], str, dict | None]:
    """(the source's encoding, `record_fields`, `record_statuses`, its media type: `source.media_type`,
    or `sourcekind.media_type_of` for a record without one, `record_origin`) of a provenance record's
    bytes.

    A record in archiver's own form is read by a regular expression over the whole of it and only
    what the checks need is taken out; any other form by yaml.safe_load. Raises FieldsError when the
    fields block cannot be read, ValueError when the record is not UTF-8 YAML with a `source` mapping.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from exc
    try:
        return _read_ours(text)
    except _NotOurs:
        pass
    from archiver.validate.archiver_rules import _yaml_load  # safe, and refuses aliases (A004)
    try:
        doc = _yaml_load(text)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), dict):
        raise ValueError("not an archiver/provenance/1 record")
    kind = doc["source"].get("media_type")
    encoding = doc["source"].get("encoding")
    return (encoding, record_fields(doc), record_statuses(doc),
            media_type_of(encoding, kind if isinstance(kind, str) else None), record_origin(doc))


def record_origin(doc: dict) -> dict | None:
    """The origin block {url, retrieved, rights, by} of a parsed record (archiver.sources), None when it
    has none; a value that is not text is left out (the index then lacks it: A011 if it has it)."""
    origin = doc.get("origin")
    if not isinstance(origin, dict):
        return None
    return {key: value if isinstance(value, str) else None
            for key, value in ((k, origin.get(k)) for k in ("url", "retrieved", "rights", "by"))}


def record_statuses(doc: dict) -> dict[str, tuple]:
    """{field: (status, rule or curator or None)} of a parsed record's core fields, as
    `archiver.records` gives them to the index (`dublincore.statement`). Raises FieldsError when a
    status is not one of extracted / asserted / unknown."""
    from archiver.bagreader import attribution
    out = {}
    for name in CORE_FIELD_NAMES:
        f = doc["fields"].get(name)
        if f is None:
            continue
        status = f.get("status")
        if status not in ("extracted", "asserted", "unknown"):
            raise FieldsError(f"the status of {name!r} is not extracted, asserted or unknown")
        out[name] = (status, attribution(f))
    return out


def _read_ours(text: str) -> tuple[str | None, dict[str, tuple], dict[str, tuple], str, dict | None]:
    if _OURS.fullmatch(text) is None:
        raise _NotOurs
    fields: dict[str, tuple] = {}
    cited: list = []
    # findall builds the tuples in C; a field's line gives (name, value, "", ""), an evidence line
    # ("", "", line, text). Most scalars hold no escape: their text is what stands between the quotes.
    for name, value, line, quoted in _ITEMS.findall(text):
        if name:
            if name in fields:
                raise _NotOurs            # let YAML decide what a repeated key means
            cited = []
            fields[name] = (None if value == "null" else value[1:-1] if "\\" not in value else _scalar(value),
                            cited)
        else:
            cited.append((int(line), quoted[1:-1] if "\\" not in quoted else _scalar(quoted)))
    statuses = {}
    heads = list(_FIELD_HEAD.finditer(text))
    for i, head in enumerate(heads):
        name, status, by = head.groups()
        if name not in CORE_FIELD_NAMES:
            continue
        how = None
        if status == "asserted":
            how = _scalar(by)
        elif status == "extracted":
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            how = next((_scalar(rule) for rule, rest in _TOP_ITEM.findall(text, head.end(), end)
                        if "\n        outcome: " not in rest), None)
        statuses[name] = (status, how)
    origin = None
    if "\norigin:\n" in text:
        m = _ORIGIN.search(text)
        if m is not None:
            origin = dict(zip(("url", "retrieved", "rights", "by"), map(_scalar, m.groups()), strict=True))
    encoding = _scalar(_ENCODING.search(text).group(1))
    kind = _MEDIA_TYPE.search(text, 0, text.find("\nextractor:") + 1)
    return (encoding, {name: fields[name] for name in FIELD_NAMES if name in fields}, statuses,
            media_type_of(encoding, _scalar(kind.group(1)) if kind else None), origin)


def _scalar(text: str) -> str | None:
    """null, or a double-quoted scalar's text (escapes undone as YAML does)."""
    if text == "null":
        return None
    inner = text[1:-1]
    return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner


def _unescape(m: re.Match) -> str:
    esc = m.group(1)
    if len(esc) > 1:
        return chr(int(esc[1:], 16))
    if esc not in _SHORT:
        raise _NotOurs
    return _SHORT[esc]
