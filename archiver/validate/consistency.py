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
  is or, failing that, both folded as the extractor folds a line (`archiver.extract.lines.normalise`:
  a no-break space the extractor read as a space) (A012);
- the record's `fields` block must be readable for either of these (A010).

They read every record and the head of every payload file, so they run in a full validation only,
never with `--fast` (which reads nothing but the tag files). Records that archiver wrote are parsed
with a small reader of exactly the YAML that `ProvenanceRecord.to_yaml` writes (nothing is executed;
a record in any other form is read with `yaml.safe_load`): parsing 20,000 records with PyYAML would
cost several seconds. The per-file work runs in worker processes; the indexes are parsed here.
"""
from __future__ import annotations

import csv
import io
import os
import re
from xml.parsers import expat

from archiver.bagit_names import decode_index_path
from archiver.dublincore import CSV_COLUMNS, DC_NS, INDEX_NS, DublinCoreRecord, csv_row
from archiver.model import FIELD_NAMES
from archiver.validate.bagit_rules import BagState
from archiver.validate.findings import Finding, finding

RECORDS = "metadata/provenance/"
XML_INDEX = "metadata/dublin-core.xml"
CSV_INDEX = "metadata/dublin-core.csv"
# The Dublin Core elements `DublinCoreRecord.from_values` writes: only these are compared (an index
# may carry others, a dc:description note for instance, which no record value gives).
DC_ELEMENTS = ("title", "creator", "publisher", "date", "identifier", "type", "format", "language")
# The CSV's value columns (read by header name: columns this version does not know are ignored).
CSV_VALUE_COLUMNS = tuple(c for c in CSV_COLUMNS if c.startswith("dc."))
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def check(state: BagState, jobs: int | None = None) -> None:
    """Add A010, A011 and A012 findings (and A008 for a CSV lacking a value column) to `state`.

    Takes a bag whose structure was walked (`bagit_rules.check_structure`); reads only files of the
    walk (regular files inside the bag, opened without following links). Payload files without a
    record, records without a payload, and missing or unreadable index files are reported by
    `archiver_rules` (A001, A002, A005, A008) and skipped here; so is a record whose `source:` block
    cannot be read (A004).
    """
    from archiver.workers import run_chunks
    files = state.walk.files
    pairs = [rel for rel in sorted(files) if rel.startswith("data/")
             and RECORDS + rel[len("data/"):] + ".yaml" in files]
    if not pairs:
        return
    xml_values = _read_xml(state)
    csv_values = _read_csv(state)
    sizes = {rel: files[rel] for rel in pairs}
    results = run_chunks(_examine_chunk, pairs, lambda rel: min(sizes[rel], 1 << 18), (str(state.root),), jobs)
    for rel, expected, found in results:
        state.findings.extend(found)
        if expected is None:
            continue
        xml_expected, csv_expected = expected
        if xml_values is not None and rel in xml_values:
            actual = xml_values[rel]
            for element in DC_ELEMENTS:
                want, have = xml_expected.get(element, []), actual.get(element, [])
                if want != have:
                    state.add("A011", rel, index=XML_INDEX, element=f"dc:{element}", actual=_shown(have),
                              expected=_shown(want))
        if csv_values is not None and rel in csv_values:
            row = csv_values[rel]
            for column, want in csv_expected.items():
                if column in row and row[column] != want:
                    state.add("A011", rel, index=CSV_INDEX, element=column, actual=_shown([row[column]]),
                              expected=_shown([want]))


def _shown(values: list[str]) -> str:
    values = [v for v in values if v != ""]
    if not values:
        return "nothing"
    return " and ".join(repr(v) for v in values)


# --- the indexes ----------------------------------------------------------------------------------

def _read_xml(state: BagState) -> dict | None:
    """{payload path: {element: [values in order]}} from dublin-core.xml, the first entry of a path
    kept; None when the file is missing or is not well-formed XML (A005/A008 say so)."""
    if XML_INDEX not in state.walk.files:
        return None
    record_tag = f"{INDEX_NS}}}record"
    dc_prefix = f"{DC_NS}}}"
    canon = state.walk.canon
    out: dict[str, dict[str, list[str]]] = {}
    current: list = [None, None, []]      # the record's elements, the element being read, its text

    def start(name, attrs):
        if name == record_tag:
            path = decode_index_path(attrs.get("path") or "")
            path = canon.get(path, path)
            current[0] = out.setdefault(path, {}) if path not in out else None   # a repeat: A009
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
    try:
        with open(_open(state.root, XML_INDEX), "rb") as fh:
            parser.ParseFile(fh)
    except (expat.ExpatError, OSError):
        return None
    return out


def _read_csv(state: BagState) -> dict | None:
    """{payload path: {column: value}} of dublin-core.csv's value columns, found by header name (a
    column this version does not know is ignored; a known one that is missing is A008, once)."""
    if CSV_INDEX not in state.walk.files:
        return None
    canon = state.walk.canon
    out: dict[str, dict[str, str]] = {}
    try:
        with open(_open(state.root, CSV_INDEX), encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows, None)
            if not header or header[:1] != ["filename"]:
                return None     # A008 from archiver_rules
            where = {name: i for i, name in reversed(list(enumerate(header)))}
            for column in CSV_VALUE_COLUMNS:
                if column not in where:
                    state.add("A008", CSV_INDEX, index=CSV_INDEX, detail=f"it has no column {column!r}")
            columns = [(c, where[c]) for c in CSV_VALUE_COLUMNS if c in where]
            for row in rows:
                if not row:
                    continue
                path = decode_index_path(row[0])
                path = canon.get(path, path)
                if path not in out:
                    out[path] = {c: (row[i] if i < len(row) else "") for c, i in columns}
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return out


# --- one payload file and its record (in worker processes) ----------------------------------------

def _open(root, rel: str) -> int:
    """A file descriptor of a walked file, opened by components without following a link."""
    return os.open(os.path.join(str(root), *rel.split("/")), os.O_RDONLY | _NOFOLLOW)


def _examine_chunk(chunk: list[str], root: str) -> list:
    return [_examine(root, rel) for rel in chunk]


def _examine(root: str, rel: str) -> tuple:
    """(rel, (expected XML elements, expected CSV cells) or None, [findings]) of one payload file."""
    record = RECORDS + rel[len("data/"):] + ".yaml"
    try:
        with open(_open(root, record), "rb") as fh:
            data = fh.read()
    except OSError:
        return rel, None, []          # B028 from the hashing
    try:
        doc = read_record(data)
    except ValueError:
        return rel, None, []          # the whole record cannot be read: A004 from archiver_rules
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), dict):
        return rel, None, []
    try:
        fields = record_fields(doc)
    except ValueError as exc:
        return rel, None, [finding("A010", record, detail=str(exc))]
    values = {name: value for name, (value, _evidence) in fields.items() if value is not None}
    is_text = doc["source"].get("encoding") is not None
    dc = DublinCoreRecord.from_values(rel, values, is_text)
    xml_expected: dict[str, list[str]] = {}
    for element, value in dc.elements:
        xml_expected.setdefault(element, []).append(_as_xml_reads(value))
    cells = next(csv.reader(io.StringIO(csv_row(dc), newline="")))
    csv_expected = {c: v for c, v in zip(CSV_COLUMNS, cells) if c in CSV_VALUE_COLUMNS}
    return rel, (xml_expected, csv_expected), _check_evidence(root, rel, record, fields)


def _as_xml_reads(value: str) -> str:
    """A value as an XML parser reads it back from `xml_record`: forbidden characters replaced, line
    ends normalised (XML 1.0 §2.11)."""
    return _XML_FORBIDDEN.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")


def _check_evidence(root: str, rel: str, record: str, fields: dict) -> list[Finding]:
    cited = [(name, ev) for name, (_value, evidence) in fields.items() for ev in evidence
             if ev[0] is not None]
    if not cited:
        return []
    from archiver.reader import TEXT_LIMIT
    from archiver.textdecode import decode_head
    try:
        with open(_open(root, rel), "rb") as fh:
            head = fh.read(TEXT_LIMIT + 1)
    except OSError:
        return []                      # B028 from the hashing
    text, _encoding = decode_head(head[:TEXT_LIMIT], len(head) <= TEXT_LIMIT)
    lines = text.splitlines() if text is not None else []
    found = []
    for name, (line, quoted) in cited:
        if text is None:
            why = "the payload is not text"
        elif not 1 <= line <= len(lines):
            why = f"the payload has {len(lines)} lines"
        elif _on_line(quoted, lines[line - 1]):
            continue
        else:
            why = f"line {line} reads {lines[line - 1][:120]!r}"
        found.append(finding("A012", record, field=name, line=line, text=quoted[:120], why=why))
    return found


def _on_line(quoted: str, line: str) -> bool:
    if quoted in line:
        return True
    from archiver.extract.lines import normalise      # only for the rare line the extractor folded
    return normalise(quoted) in normalise(line)


# --- reading a record -----------------------------------------------------------------------------

def record_fields(doc: dict) -> dict[str, tuple]:
    """{field name: (value, [(line or None, text), ...])} of a parsed record: the evidence of a field
    and, for an asserted one, of what the extractor had found. Raises ValueError naming what is
    wrong with the `fields` block."""
    fields = doc.get("fields")
    if not isinstance(fields, dict):
        raise ValueError("no 'fields' mapping")
    out = {}
    for name in FIELD_NAMES:
        f = fields.get(name)
        if f is None:
            continue           # a record of an older extractor lacks the newer fields
        if not isinstance(f, dict) or "value" not in f:
            raise ValueError(f"field {name!r} is not a mapping with a 'value'")
        value = f["value"]
        if value is not None and not isinstance(value, str):
            raise ValueError(f"the value of {name!r} is not a string or null")
        evidence = []
        for holder in (f, f.get("extracted")):
            if not isinstance(holder, dict):
                continue
            items = holder.get("evidence", [])
            if not isinstance(items, list):
                raise ValueError(f"the evidence of {name!r} is not a list")
            for ev in items:
                if not isinstance(ev, dict) or not isinstance(ev.get("text"), str):
                    raise ValueError(f"an evidence item of {name!r} has no 'text'")
                line = ev.get("line")
                if line is not None and (type(line) is not int):
                    raise ValueError(f"an evidence item of {name!r} has a line that is not a number")
                evidence.append((line, ev["text"]))
        out[name] = (value, evidence)
    return out


_LINE = re.compile(r'( *)(- )?([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?\Z')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\Z')
_NUMBER = re.compile(r"-?\d+\Z")
_FLOAT = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?\Z")
_ESCAPE = re.compile(r'\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)')
_SHORT = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "0": "\x00", "N": "\x85",
          "L": "\u2028", "P": "\u2029", "/": "/", " ": " ", "a": "\x07", "b": "\x08", "e": "\x1b",
          "v": "\x0b", "f": "\x0c", "_": "\xa0"}


class _NotOurs(Exception):
    """The text is not in the form ProvenanceRecord.to_yaml writes."""


def read_record(data: bytes):
    """A provenance record parsed: by the fast reader when it is in archiver's own form, else by
    yaml.safe_load. Raises ValueError when it is neither (not UTF-8, or not YAML)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from exc
    try:
        return _read_ours(text)
    except _NotOurs:
        pass
    import yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def _read_ours(text: str) -> dict:
    """Block mappings and sequences of `key: scalar` lines, as `ProvenanceRecord.to_yaml` writes
    them: indentation by spaces, scalars double-quoted strings, integers, floats, null or []."""
    root: dict = {}
    stack: list[tuple[int, object]] = [(0, root)]     # (indentation of its keys or dashes, container)
    pending = None                                   # (container, key, indentation): "key:" alone
    for raw in text.split("\n"):
        if not raw:
            continue
        m = _LINE.match(raw)
        if m is None:
            raise _NotOurs
        indent, dash, key, value = len(m.group(1)), m.group(2), m.group(3), m.group(4)
        if pending is not None:
            holder, pkey, pindent = pending
            pending = None
            if indent <= pindent:
                raise _NotOurs
            child: object = [] if dash else {}
            holder[pkey] = child
            stack.append((indent, child))
        while stack[-1][0] > indent:
            stack.pop()
        top_indent, top = stack[-1]
        if top_indent != indent:
            raise _NotOurs
        if dash:
            if not isinstance(top, list):
                raise _NotOurs
            item: dict = {}
            top.append(item)
            stack.append((indent + 2, item))
            holder, key_indent = item, indent + 2
        else:
            if not isinstance(top, dict):
                raise _NotOurs
            holder, key_indent = top, indent
        if key in holder:
            raise _NotOurs                           # let YAML decide what a repeated key means
        if value is None:
            pending = (holder, key, key_indent)
        else:
            holder[key] = _scalar(value)
    if pending is not None:
        raise _NotOurs
    return root


def _scalar(text: str):
    if text.startswith('"'):
        m = _QUOTED.match(text)
        if m is None:
            raise _NotOurs
        inner = m.group(1)
        return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
    if text == "null":
        return None
    if text == "[]":
        return []
    if _NUMBER.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    raise _NotOurs


def _unescape(m: re.Match) -> str:
    esc = m.group(1)
    if len(esc) > 1:
        return chr(int(esc[1:], 16))
    if esc not in _SHORT:
        raise _NotOurs
    return _SHORT[esc]
