"""archiver's own rules: the provenance records and the Dublin Core index agree with the payload.

They apply to bags that carry `metadata/provenance/` or name archiver's profile; a plain bag from
another tool gets no A findings. Records are read with a strict pattern for the `source:` block that
archiver writes (fast, and no YAML is executed); a record that does not fit is parsed with a safe
loader that refuses aliases, only to say precisely what is wrong.
"""
from __future__ import annotations

import csv
import io
import os
import re
from xml.parsers import expat

from archiver.bagit_names import decode_index_path
from archiver.dublincore import INDEX_NS
from archiver.validate.bagit_rules import BagState, open_regular

RECORDS = "metadata/provenance/"
_SOURCE = re.compile(
    r'\Arecord: "archiver/provenance/1"\nsource:\n  path: (?P<path>"(?:[^"\\]|\\.)*")\n'
    r'  bytes: (?P<bytes>\d+)\n  sha256: "(?P<sha256>[0-9a-f]{64})"\n  sha512: "(?P<sha512>[0-9a-f]{128})"\n')


def applies(state: BagState, profile_id: str) -> bool:
    return (any(p.startswith(RECORDS) for p in state.walk.files)
            or state.info_value("BagIt-Profile-Identifier") == profile_id)


def _read_source(data: bytes) -> dict:
    head = data[:2048].decode("utf-8", "replace")
    m = _SOURCE.match(head)
    if m:
        quoted = m.group("path")
        # Without escapes, the double-quoted scalar is its own text; with them, let YAML unescape it.
        path = quoted[1:-1] if "\\" not in quoted else _yaml_load(quoted)
        return {"path": path, "bytes": int(m.group("bytes")), "sha256": m.group("sha256"),
                "sha512": m.group("sha512")}
    doc = _yaml_load(data.decode("utf-8"))
    if not isinstance(doc, dict) or doc.get("record") != "archiver/provenance/1":
        raise ValueError("not an archiver/provenance/1 record")
    src = doc.get("source")
    if not isinstance(src, dict):
        raise ValueError("no 'source' mapping")
    return {"path": src.get("path"), "bytes": int(src.get("bytes", -1)), "sha256": src.get("sha256"),
            "sha512": src.get("sha512")}


_NO_ALIAS_LOADER = None


def _no_alias_loader():
    """yaml.SafeLoader refusing every alias (`*name`): a record archiver writes never holds one, and
    nested aliases let a 500-byte record stand for 10^7 nodes (14 GB when expanded, e.g. by repr in a
    finding). Made on first use, so that PyYAML is imported only for records that need it."""
    global _NO_ALIAS_LOADER
    if _NO_ALIAS_LOADER is None:
        import yaml

        class NoAliasLoader(yaml.SafeLoader):
            def compose_node(self, parent, index):
                if self.check_event(yaml.AliasEvent):
                    line = self.peek_event().start_mark.line + 1
                    raise yaml.composer.ComposerError(
                        None, None, f"line {line}: a YAML alias (*name) is refused in a record", None)
                return super().compose_node(parent, index)

        _NO_ALIAS_LOADER = NoAliasLoader
    return _NO_ALIAS_LOADER


def _yaml_load(text: str):
    """The YAML document `text`, read safely and with aliases refused (`_no_alias_loader`).

    Raises ValueError for YAML that is malformed or holds an alias. PyYAML is imported only for the
    records that need it (importing it costs ~14 ms of every validation's start-up)."""
    import yaml
    try:
        return yaml.load(text, Loader=_no_alias_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc


def read_source_safely(data: bytes) -> tuple:
    """(source dict, None) or (None, what is wrong): for use in worker processes."""
    try:
        return _read_source(data), None
    except (ValueError, UnicodeDecodeError, TypeError) as exc:
        return None, str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def check_record(state: BagState, record: str, src: dict | None, problem: str | None) -> None:
    """One record against its payload file (size, path) and the payload manifests (hashes)."""
    if problem is not None:
        state.add("A004", record, detail=problem)
        return
    rel = "data/" + record[len(RECORDS):-len(".yaml")]
    if rel not in state.walk.files:
        return  # an orphan: reported by check()
    problems = []
    if src["path"] != rel[len("data/"):]:
        problems.append(f"it names {src['path']!r}")
    if src["bytes"] != state.walk.files[rel]:
        problems.append(f"it says {src['bytes']} bytes, the file has {state.walk.files[rel]}")
    for alg in ("sha256", "sha512"):
        listed = state.manifests.get(alg, {}).get(rel)
        if listed is not None and src[alg] != (listed.hex() if isinstance(listed, bytes) else listed):
            problems.append(f"its {alg} differs from the manifest's")
    if problems:
        state.add("A003", record, detail="; ".join(problems))


INDEXES = ("metadata/dublin-core.xml", "metadata/dublin-core.csv")
# Indexes at least this large (both together) are checked in a forked process while the payload is
# hashed; below it, forking costs more than it saves.
FORK_INDEX_BYTES = 1 << 20


def _check_indexes(state: BagState, payload: list[str] | None = None) -> list:
    """The findings of both Dublin Core indexes against the walk (nothing else of `state` changes).
    `payload`: the sorted payload files, if the caller has them already."""
    mark = state.findings.mark()
    if payload is None:
        payload = sorted(p for p in state.walk.files if p.startswith("data/"))
    _check_xml(state, payload)
    _check_csv(state, payload)
    return state.findings.take(mark)


class IndexCheck:
    """The Dublin Core indexes checked in a forked child process, so that parsing them (a quarter of a
    second for 20,000 files) overlaps the hashing instead of following it. `result()` gives the
    findings; if the child fails for any reason the check runs again here, so nothing is lost. The
    child also reads the digests the consistency checks compare (`digests()`; None if it failed: they
    are then read by those checks)."""

    def __init__(self, state: BagState):
        import multiprocessing
        self._state = state
        self._digests = None
        self._ctx = multiprocessing.get_context("fork")
        self._recv, send = self._ctx.Pipe(duplex=False)
        self._child = self._ctx.Process(target=self._run, args=(send,), daemon=True)
        self._child.start()
        send.close()

    def _run(self, send) -> None:
        from archiver.validate.consistency import index_digests
        send.send(_check_indexes(self._state))
        send.send(index_digests(self._state))
        send.close()

    def result(self) -> list:
        found = self._digests = None
        try:
            found = self._recv.recv()
            self._digests = self._recv.recv()
        except (EOFError, OSError):
            pass
        finally:
            self._recv.close()
            self._child.join()
        if self._child.exitcode != 0:
            found = self._digests = None
        return found if found is not None else _check_indexes(self._state)

    def digests(self):
        """The child's `consistency.index_digests`, after result(); None when it could not give them."""
        return self._digests


def start_index_check(state: BagState, jobs: int | None) -> IndexCheck | None:
    """Start checking the indexes in a child process when they are large enough to be worth it."""
    import multiprocessing

    from archiver.workers import default_jobs
    if (jobs or default_jobs()) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        size = sum(os.lstat(state.root / index).st_size for index in INDEXES if index in state.walk.files)
    except OSError:
        return None
    if size < FORK_INDEX_BYTES:
        return None
    try:
        return IndexCheck(state)
    except OSError:
        return None


def check(state: BagState, fast: bool = False, indexes: IndexCheck | None = None) -> None:
    """With `fast`, only the presence of records and index files is checked (nothing is read).
    `indexes`: the index check already started in a child process (start_index_check)."""
    from archiver.validate.hashing import expected, manifest_listings
    files = state.walk.files
    payload = sorted(p for p in files if p.startswith("data/"))
    listings = manifest_listings(state)
    for rel in payload:
        record = RECORDS + rel[len("data/"):] + ".yaml"
        if record not in files:
            state.add("A001", rel, record=record)
            continue
        if fast:
            continue
        if (state.records_verified and record not in state.records_unverified
                and expected(state, record, listings)):
            continue  # checked while it was hashed
        try:
            with open_regular(state.root / record) as fh:
                src, problem = read_source_safely(fh.read())
        except OSError as exc:
            src, problem = None, exc.strerror or str(exc)
        check_record(state, record, src, problem)
    if not fast:
        _check_events(state)
    for orphan in sorted(p for p in files if p.startswith(RECORDS) and p.endswith(".yaml")
                         and "data/" + p[len(RECORDS):-len(".yaml")] not in files):
        state.add("A002", orphan)
    if fast:
        for index in ("metadata/dublin-core.xml", "metadata/dublin-core.csv"):
            if index not in state.walk.files:
                state.add("A005", index, index=index)
        return
    state.findings.extend(indexes.result() if indexes is not None else _check_indexes(state, payload))


def _check_events(state: BagState) -> None:
    """A013: metadata/events.yaml, when present, is YAML (no aliases) of the shape archiver.events writes."""
    from archiver.events import EVENTS, shape_problem
    if EVENTS not in state.walk.files:
        return
    try:
        with open_regular(state.root / EVENTS) as fh:
            problem = shape_problem(_yaml_load(fh.read().decode("utf-8")))
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except (ValueError, UnicodeDecodeError) as exc:
        problem = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
    if problem:
        state.add("A013", EVENTS, detail=problem)


def _compare(state: BagState, index: str, listed, payload: list[str]) -> None:
    """`listed` is any iterable of decoded index paths; it is consumed as it is read."""
    seen = set()
    canon = state.walk.canon
    for name in listed:
        name = canon.get(name, name)  # keep the walk's string, not a second copy of every name
        if name in seen:
            state.add("A009", index, index=index, name=name)
        seen.add(name)
    for rel in payload:
        if rel not in seen:
            state.add("A006", rel, index=index)
    files = state.walk.files
    for name in sorted(n for n in seen if not (n.startswith("data/") and n in files)):
        state.add("A007", index, index=index, name=name)


def _check_xml(state: BagState, payload: list[str]) -> None:
    index = "metadata/dublin-core.xml"
    if index not in state.walk.files:
        state.add("A005", index, index=index)
        return
    listed = []
    record_tag = f"{INDEX_NS}}}record"
    canon = state.walk.canon

    def start(name, attrs):
        if name == record_tag:
            path = decode_index_path(attrs.get("path") or "")
            listed.append(canon.get(path, path))

    # expat alone, only the start tags: three times faster than building ElementTree elements. It
    # fetches no external entity or DTD, and refuses entity expansion bombs (expat >= 2.4).
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    try:
        with open_regular(state.root / "metadata" / "dublin-core.xml") as fh:
            parser.ParseFile(fh)
    except (expat.ExpatError, OSError) as exc:
        state.add("A008", index, index=index, detail=str(exc)[:160])
        return
    _compare(state, index, listed, payload)


def _check_csv(state: BagState, payload: list[str]) -> None:
    index = "metadata/dublin-core.csv"
    if index not in state.walk.files:
        state.add("A005", index, index=index)
        return
    # Streamed row by row: only the first column of each row is kept (as the walk's own string).
    canon = state.walk.canon
    listed = []
    try:
        with io.TextIOWrapper(open_regular(state.root / "metadata" / "dublin-core.csv"), encoding="utf-8",
                              newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows, None)
            if not header or header[:1] != ["filename"]:
                state.add("A008", index, index=index, detail="the first column is not 'filename'")
                return
            for row in rows:
                if row:
                    path = decode_index_path(row[0])
                    listed.append(canon.get(path, path))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        state.add("A008", index, index=index, detail=str(exc)[:160])
        return
    _compare(state, index, listed, payload)
