"""Writing a BagIt 1.0 bag (RFC 8493) of a corpus: payload, provenance records, Dublin Core index,
bag-info, manifests and tag manifests.

The source is never modified. The bag is built in a temporary directory beside OUTPUT and renamed into
place only when complete, so that a failed or interrupted run leaves nothing that looks finished.
Every tag file is hashed as it is written; nothing is read back but, on --update, the payload
manifest, to list what changed in metadata/events.yaml (archiver.events).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from archiver._version import __version__
from archiver.bagit_names import encode_path, makedirs, remove_tree
from archiver.corpus import Corpus, check_output_place, discover
from archiver.dublincore import XML_FOOTER, DublinCoreRecord, csv_header, csv_row, xml_header, xml_record
from archiver.errors import ArchiverError, OutputExistsError, OutputWriteError, OverrideError
from archiver.events import EVENTS, Changes, History
from archiver.model import ARCHIVER_PROFILE_ID as PROFILE_ID
from archiver.outputlock import make_partial, mark, output_lock, remove_stale_partials
from archiver.readingroom import ITEMS, ROOM_DIR, ReadingRoom
from archiver.records import Carried, CarriedSpan, Task, preload, process_chunk
from archiver.update import (
    DC_CSV,
    DC_XML,
    ENTRY_FILES,
    EntryColumns,
    Update,
    dependencies,
    manifest,
    spare_path,
    tagmanifest,
)
from archiver.update.spare import Trash, set_aside
from archiver.workers import Workers, chunk_limit, chunks

ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
# bag-info fields a user may give, in the order they are written (after the ones we compute).
INFO_FIELDS = ("Source-Organization", "Contact-Name", "Contact-Email", "External-Description",
               "External-Identifier")
ARCHIVE_SUFFIX = {"tar.gz": ".tar.gz", "zip": ".zip"}


@dataclass
class BagResult:
    path: Path
    files: int
    bytes: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    reused: int = 0              # files carried over unchanged by --update
    changes: Changes = field(default_factory=Changes)   # payload files --update added, changed, removed


class _Background:
    """One thread that does, in order, the writing and hashing of the tag files' bytes while this
    thread gathers the next ones (file writes and hashlib release the GIL on large buffers). An update
    rewrites and hashes some 27 MB of manifests, tag manifests and index at 20,000 files while its
    worker processes the changed files; this overlaps that hashing with the gathering. The first error
    is raised by close()."""

    def __init__(self):
        import queue
        import threading
        # Bounded: this thread waits when the writer is behind, so memory stays flat (blocks are <= 1 MiB).
        self._queue = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="archiver-tag-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            func, arg = item
            if self._error is None:
                try:
                    func(arg)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                    self._error = exc

    def put(self, func: Callable, arg) -> None:
        self._queue.put((func, arg))

    def close(self) -> None:
        """Wait until everything put is done; raise the first error."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class _HashingWriter:
    """A binary file that hashes what is written to it, for tag files we write ourselves; with a
    `background` thread, the writing and hashing happen there, in order (close that first)."""

    def __init__(self, path: str, background: _Background | None = None):
        self._fh = open(path, "xb")   # never through an existing file (a spare's may be a link)
        self.hashes = {alg: hashlib.new(alg) for alg in ALGORITHMS}
        self._background = background

    def _write(self, data: bytes) -> None:
        self._fh.write(data)
        for h in self.hashes.values():
            h.update(data)

    def write(self, data: bytes) -> None:
        if self._background is not None:
            self._background.put(self._write, data)
        else:
            self._write(data)

    def close(self) -> dict[str, str]:
        self._fh.close()
        return {alg: h.hexdigest() for alg, h in self.hashes.items()}


EPOCH_MAX = (1 << 32) - 1   # the gzip header's 32-bit unsigned time (tar and zip reach further)


class _RoomWriter(_HashingWriter):
    """A reading-room page written and hashed in the background thread, closed there too, in order:
    its digests are read (digests()) once that thread is done."""

    def close(self) -> None:
        self._background.put(lambda _: self._fh.close(), None)

    def digests(self) -> dict[str, str]:
        self._fh.close()      # a no-op after the background thread closed it
        return {alg: h.hexdigest() for alg, h in self.hashes.items()}


def bagging_date() -> str:
    """Today's date (UTC), or the date of SOURCE_DATE_EPOCH when it is set (reproducible builds).

    Raises ArchiverError (exit 2) for a SOURCE_DATE_EPOCH that is not a whole number of seconds from
    0 to EPOCH_MAX: outside it an archive's member times cannot be written (gzip's header)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or epoch == "":
        return datetime.now(timezone.utc).date().isoformat()
    try:
        seconds = int(epoch)
        if not 0 <= seconds <= EPOCH_MAX:
            raise ArchiverError(f"SOURCE_DATE_EPOCH must be from 0 (1970-01-01) to {EPOCH_MAX} (2106-02-07), "
                                f"the times archive formats can hold, not {epoch!r}")
        return datetime.fromtimestamp(seconds, timezone.utc).date().isoformat()
    except (ValueError, OverflowError, OSError) as exc:
        raise ArchiverError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from exc


def bagging_epoch() -> int:
    """The bagging time in seconds (archive member times): SOURCE_DATE_EPOCH or midnight of today (UTC)."""
    day = datetime.fromisoformat(bagging_date()).replace(tzinfo=timezone.utc)
    return int(day.timestamp())


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def _clean_info(value: str) -> str:
    # bag-info values are one logical line; fold any line breaks a user passed into spaces.
    return " ".join(str(value).split())


def default_output(source: Path) -> Path:
    return Path("bags") / Path(os.path.abspath(source)).name


_ARCHIVE_MAGIC = {"tar.gz": (b"\x1f\x8b",), "zip": (b"PK\x03\x04", b"PK\x05\x06")}


def _replaceable(final: Path, archive: str | None) -> bool:
    """Whether what is at OUTPUT may be replaced: a directory (a bag: checked above), or with
    `archive` a regular file that starts as such an archive does; never a link."""
    if not archive:
        return final.is_dir() and not final.is_symlink()
    try:
        fd = os.open(final, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 4)
    finally:
        os.close(fd)
    return head.startswith(_ARCHIVE_MAGIC[archive])


@dataclass(frozen=True)
class BagOptions:
    """How a bag is made: make_bag()'s keyword arguments (see there and `archiver bag --help`)."""

    force: bool = False
    info: dict = field(default_factory=dict)
    jobs: int | None = None
    overrides: str | os.PathLike | None = None
    follow_links_inside: bool = False
    archive: str | None = None
    progress: Callable[[int, int], None] | None = None
    update: bool = False
    verify: bool = False
    link: bool = False
    sources: str | os.PathLike | None = None
    spare: bool = True


def make_bag(source: str | os.PathLike, output: str | os.PathLike | None = None, *, force: bool = False,
             info: dict[str, str] | None = None, jobs: int | None = None,
             overrides: str | os.PathLike | None = None, follow_links_inside: bool = False,
             archive: str | None = None, progress: Callable[[int, int], None] | None = None,
             update: bool = False, verify: bool = False, link: bool = False,
             sources: str | os.PathLike | None = None, spare: bool = True) -> BagResult:
    """Bag SOURCE into OUTPUT (default `bags/<name of SOURCE>`); see `archiver bag --help`.

    With `archive` ("tar.gz" or "zip") the result is a single serialized bag, `OUTPUT.tar.gz` or
    `OUTPUT.zip`, holding one top-level directory named like OUTPUT. With `update`, an existing bag at
    OUTPUT is brought up to date: unchanged files are carried over without being read (`verify`
    processes every file again), and the replaced bag is kept as the spare for the next update unless
    `spare` is False (archiver.update). With `link`, payload files are hard-linked to the source instead
    of copied (same file system only; later edits to the source then change the bag). `sources`: a CSV
    of each file's URL, capture time and rights (archiver.sources).

    Raises ArchiverError (or a subclass: archiver.errors) naming what is wrong; nothing is left behind.
    """
    started = time.monotonic()
    bagging_date()  # a malformed SOURCE_DATE_EPOCH is reported before anything is read
    source = Path(source)
    opts = BagOptions(force, info or {}, jobs, overrides, follow_links_inside, archive, progress, update, verify,
                      link, sources, spare)
    with _output_locked(_final_path(source, output, archive)):
        return _make_bag(started, source, output, opts)


def _final_path(source: Path, output, archive: str | None) -> Path:
    """Where the run's result goes: OUTPUT, or OUTPUT.tar.gz / OUTPUT.zip with --archive."""
    final = Path(output) if output is not None else default_output(source)
    suffix = ARCHIVE_SUFFIX.get(archive or "")
    if suffix and not final.name.endswith(suffix):
        final = final.with_name(final.name + suffix)
    return final


@contextlib.contextmanager
def _output_locked(final: Path):
    """Hold OUTPUT's lock (archiver.outputlock) for the whole run; a parent directory made only for
    it is removed again if the run leaves it empty."""
    made = not final.parent.exists()
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        with output_lock(final):
            remove_stale_partials(final)     # killed runs' (the lock says none is in use)
            yield
    finally:
        if made:
            with contextlib.suppress(OSError):
                final.parent.rmdir()


def _make_bag(started: float, source: Path, output, opts: BagOptions) -> BagResult:
    archive, update, force = opts.archive, opts.update, opts.force
    corpus = discover(source, follow_links_inside=opts.follow_links_inside)
    output = Path(output) if output is not None else default_output(source)
    if archive is not None and archive not in ARCHIVE_SUFFIX:
        raise ArchiverError(f"unknown archive format {archive!r} (use tar.gz or zip)")
    final = output
    if archive:
        suffix = ARCHIVE_SUFFIX[archive]
        if output.name.endswith(suffix):
            output = output.with_name(output.name[: -len(suffix)])
        final = output.with_name(output.name + suffix)
    check_output_place(source, final)
    if update and archive:
        raise ArchiverError("--update works on bag directories, not on --archive output")
    if final.is_dir() and not final.is_symlink() and not (final / "bagit.txt").is_file():
        # --force replaces a bag, never an arbitrary folder that happens to be in the way.
        raise OutputExistsError("exists and is not a bag (no bagit.txt); refusing to replace it", str(final))
    if os.path.lexists(final) and not _replaceable(final, archive):
        # ... nor a file (or a link) in the way: the bag is a directory, the serialized bag an archive.
        raise OutputExistsError(f"exists and is not {'an archive' if archive else 'a bag directory'}; "
                                f"refusing to replace it", str(final))
    if (final.exists() or final.is_symlink()) and not (force or update):
        raise OutputExistsError("already exists; use --force to replace it (or --update)", str(final))
    override_map = None
    if opts.overrides is not None or opts.sources is not None:
        from archiver.sources import load_assertions
        override_map = load_assertions(opts.overrides, opts.sources, {f.relpath for f in corpus.files})
    deps = dependencies(opts.overrides, opts.sources)
    history = History(final if update and final.is_dir() else None)   # the old bag's events, read now
    incremental = Update(final, corpus, deps, carry=update and not opts.verify and final.is_dir(), spare=opts.spare)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = make_partial(final)
    junk = None     # a spare that cannot be used, or what a patched spare let go: deleted at the end
    trash = None
    try:
        if incremental.wants_spare:
            junk = make_partial(final, marked=False)      # empty: the spare is renamed over it
            claimed = incremental.claim_spare(junk)
            with contextlib.suppress(OSError):
                mark(junk)
            if claimed:
                tmp, junk = junk, tmp       # the spare's tree is patched into the new bag
                trash = Trash(junk)
        elif not archive and os.path.lexists(spare_path(final)):
            junk = make_partial(final)
            set_aside(final, junk)    # stale, or not wanted (--no-spare)
        bag_dir = tmp / output.name
        if not incremental.patching:
            bag_dir.mkdir()
        parents = {f.relpath.rpartition("/")[0] for f in corpus.files}
        task = Task(str(bag_dir), str(bag_dir / "metadata" / "provenance"), override_map, opts.link,
                    old_bag=incremental.plan.old_bag if incremental.plan else None, room=True)
        written = _write_bag(corpus, bag_dir, opts, task, incremental, parents, trash, history)
        if archive:
            from archiver.serialize import write_archive
            built = write_archive(bag_dir, tmp / final.name, archive, bagging_epoch())
        else:
            built = bag_dir
        _replace(built, final)
        if not archive and incremental.finish(written.columns, parents, tmp / output.name, ctimes=not opts.link):
            tmp = None      # the replaced bag is the spare now
    except OutputWriteError as exc:
        raise OutputWriteError(f"cannot write: {exc.message} (bagging {exc.path}); nothing was left "
                               f"behind", str(final)) from exc
    finally:
        if trash is not None:
            trash.close()
        for leftover in (tmp, junk):
            if leftover is not None:
                _discard(leftover)
    return BagResult(final, len(corpus.files), corpus.total_bytes, time.monotonic() - started,
                     list(corpus.warnings), written.carried, history.changes)


def _discard(tmp: Path) -> None:
    """Remove the temporary directory, with the bag it holds after a failure or the replaced bag after
    --force and --update. The bag's subtrees (data/, metadata/) are removed by two threads at once:
    unlinks in different directories run in parallel in the kernel (for a 40,000-file bag, measured
    0.28 s in one thread, 0.18 s in two). Never follows a link (bagit_names.remove_tree)."""
    subtrees = []
    try:
        for top in os.scandir(tmp):
            if top.is_dir(follow_symlinks=False):
                subtrees.extend(e.path for e in os.scandir(top.path) if e.is_dir(follow_symlinks=False))
    except OSError:
        pass
    if len(subtrees) > 1:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(remove_tree, subtrees))
    remove_tree(tmp)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2), so OUTPUT is never missing; False if unsupported."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _replace(built: Path, final: Path) -> None:
    """Move the finished bag into place. An existing OUTPUT (--force, --update) is swapped out atomically
    where the system allows it, else moved aside first; the old copy is left in `built`'s place and
    removed with the temporary directory."""
    if final.exists() or final.is_symlink():
        if _exchange(built, final):
            return
        aside = built.with_name(built.name + ".replaced")
        os.rename(final, aside)
    os.rename(built, final)


@dataclass
class _Written:
    columns: EntryColumns  # what the state file records of each payload file (archiver.update)
    carried: int           # files carried over from the previous bag


def _write_bag(corpus: Corpus, bag_dir: Path, opts: BagOptions, task: Task, incremental: Update,
               parents: set[str], trash: Trash | None = None, history: History | None = None) -> _Written:
    """Write the bag of `corpus` at bag_dir: a new, empty directory, or the spare `incremental` claimed
    (an older version of the bag), which is patched: everything of it but the files that can stay
    goes first, so nothing below is ever written through an existing file. Each file is processed
    (`task`: archiver.records) or, by `incremental`'s plan, carried over from the previous bag."""
    data_dir = bag_dir / "data"
    meta_dir = bag_dir / "metadata"
    records_dir = meta_dir / "provenance"
    if incremental.patching:
        incremental.clear_spare(bag_dir, parents, trash)
    for parent in sorted(parents):
        parts = parent.split("/") if parent else []
        makedirs(os.path.join(data_dir, *parts))
        makedirs(os.path.join(records_dir, *parts))
    makedirs(str(bag_dir / ROOM_DIR))

    work = incremental.work()
    groups = list(chunks(work, _work_size, chunk_limit(len(work), opts.jobs)))
    # The workers (if any) are forked here, before the tag writer's thread starts.
    with Workers(opts.jobs, len(work), sum(map(_work_size, work)), task, preload, len(groups)) as workers:
        return _write_files(corpus, bag_dir, opts, incremental, workers, groups, trash, history)


def _work_size(item) -> int:
    """The bytes a work item reads: none for files carried over."""
    return item.size if type(item) is not CarriedSpan and item.old_index is None else 0


def _write_files(corpus: Corpus, bag_dir: Path, opts: BagOptions, incremental: Update, workers: Workers,
                 groups: list, trash: Trash | None, history: History | None) -> _Written:
    """The bag's files, given its directories: the payload and records (by `workers`, over `groups`),
    every entry file, the reading room, bag-info, events and the tag manifests."""
    meta_dir = bag_dir / "metadata"
    info = opts.info
    background = _Background()
    manifests = {alg: _HashingWriter(str(bag_dir / manifest(alg)), background) for alg in ALGORITHMS}
    xml = _HashingWriter(str(bag_dir / DC_XML), background)
    csvw = _HashingWriter(str(bag_dir / DC_CSV), background)
    items = _HashingWriter(str(bag_dir / ITEMS), background)
    pages: dict[str, _RoomWriter] = {}

    def open_page(rel: str) -> _RoomWriter:
        pages[rel] = _RoomWriter(str(bag_dir / rel), background)
        return pages[rel]
    # The reading room is fed every file's items.tsv entry, processed or carried over, in order.
    label = info.get("External-Identifier") or info.get("External-Description") or ""
    room = ReadingRoom(open_page, _clean_info(label), len(corpus.files))

    def to_items(block: bytes) -> None:
        items.write(block)
        room.feed(block)
    xml_head, csv_head = xml_header().encode("utf-8"), csv_header().encode("utf-8")
    xml.write(xml_head)
    csvw.write(csv_head)
    # Tag-manifest lines of the records, streamed to disk as chunks arrive (memory stays flat).
    record_tags = {alg: open(bag_dir / f".tagmanifest-{alg}.records", "xb") for alg in ALGORITHMS}
    # Where each of ENTRY_FILES' entries go, in the background thread's order.
    sinks = {**{manifest(alg): w.write for alg, w in manifests.items()},
             **{tagmanifest(alg): functools.partial(background.put, fh.write) for alg, fh in record_tags.items()},
             DC_XML: xml.write, DC_CSV: csvw.write, ITEMS: to_items}
    assert set(sinks) == set(ENTRY_FILES)
    stale: list[str] = []
    total_bytes = 0
    count = 0
    carried = 0
    columns = EntryColumns()
    plan = incremental.plan
    try:
        with plan if plan is not None else contextlib.nullcontext():
            for chunk in workers.run(_bag_chunk, groups):
                if isinstance(chunk, _CarriedRun):
                    # Entries of unchanged files, copied as bytes from the previous bag's files.
                    first, stop = chunk.first, chunk.stop
                    for name in ENTRY_FILES:
                        for block in plan.carry(name, first, stop):
                            sinks[name](block)
                    plan.carry_columns(columns, first, stop)
                    carried += stop - first
                else:
                    for name in ENTRY_FILES:
                        sinks[name](chunk.entries[name])
                        columns.lengths[name].extend(chunk.lengths[name])
                    stale.extend(chunk.stale)
                    columns.gens.extend([incremental.generation] * chunk.files)
                total_bytes += chunk.bytes
                count += chunk.files
                if opts.progress:
                    opts.progress(count, len(corpus.files))
        xml.write(XML_FOOTER.encode("utf-8"))
        room.finish(bagging_date(), total_bytes)
        if trash is not None:
            trash.start()
    finally:
        try:
            background.close()
        finally:
            manifest_hashes = {alg: w.close() for alg, w in manifests.items()}
            for fh in record_tags.values():
                fh.close()
            xml_hashes, csv_hashes = xml.close(), csvw.close()
            item_hashes = items.close()
            page_hashes = {rel: page.digests() for rel, page in pages.items()}
    columns.starts.update({DC_XML: len(xml_head), DC_CSV: len(csv_head), ITEMS: 0,
                           **{manifest(alg): 0 for alg in ALGORITHMS}})
    if stale:
        raise OverrideError("stale override(s), nothing was written:\n  " + "\n  ".join(stale))

    with open(bag_dir / "bagit.txt", "xb") as fh:
        fh.write(BAGIT_TXT)
    bag_info = [
        ("Bagging-Date", bagging_date()),
        ("Payload-Oxum", f"{total_bytes}.{count}"),
        ("Bag-Size", human_size(total_bytes)),
        ("Bag-Software-Agent", f"archiver {__version__}"),
        ("BagIt-Profile-Identifier", PROFILE_ID),
    ]
    for key in INFO_FIELDS:
        if info.get(key):
            bag_info.append((key, _clean_info(info[key])))
    info_bytes = "".join(f"{k}: {v}\n" for k, v in bag_info).encode("utf-8")
    with open(bag_dir / "bag-info.txt", "xb") as fh:
        fh.write(info_bytes)

    entries = {}
    history = history or History(None)
    events = history.finish(bag_dir, count, total_bytes)
    with open(meta_dir / "events.yaml", "xb") as fh:
        fh.write(events)
    entries[EVENTS] = _digests(events)
    entries["bagit.txt"] = _digests(BAGIT_TXT)
    entries["bag-info.txt"] = _digests(info_bytes)
    entries[DC_XML] = xml_hashes
    entries[DC_CSV] = csv_hashes
    entries[ITEMS] = item_hashes
    entries.update(page_hashes)
    for alg in ALGORITHMS:
        entries[manifest(alg)] = manifest_hashes[alg]
    # The bag's own tag files first (sorted), then one line per record, in payload order.
    for alg in ALGORITHMS:
        part = bag_dir / f".tagmanifest-{alg}.records"
        out = _HashingWriter(str(bag_dir / tagmanifest(alg)))
        try:
            own = "".join(f"{entries[p][alg]}  {encode_path(p)}\n" for p in sorted(entries)).encode("utf-8")
            out.write(own)
            columns.starts[tagmanifest(alg)] = len(own)
            with open(part, "rb") as records:
                while block := records.read(1 << 20):
                    out.write(block)
        finally:
            out.close()
        part.unlink()
    return _Written(columns, carried)


@dataclass
class _ChunkText:
    """A run of files processed and formatted by a worker: the parent only appends and hashes."""

    files: int
    bytes: int
    entries: dict                # name in ENTRY_FILES -> the run's entries there (bytes)
    stale: list
    lengths: dict                # name in ENTRY_FILES -> each file's entry length there, in bytes


@dataclass
class _CarriedRun:
    """A run of files carried over from the previous bag: entries first..stop-1 there, consecutive."""

    first: int
    stop: int
    files: int
    bytes: int


def _bag_chunk(chunk: list, task: Task) -> list:
    """Process a chunk for `task`; return it as runs, in order: _ChunkText for processed files,
    _CarriedRun for consecutive files carried over from the previous bag."""
    runs: list = []
    parts: dict[str, list[str]] = {name: [] for name in ENTRY_FILES}
    stale: list[str] = []
    files = size = 0

    def flush_text():
        nonlocal parts, stale, files, size
        if files:
            runs.append(_ChunkText(files, size, {name: "".join(e).encode("utf-8") for name, e in parts.items()},
                                   stale, {name: [_byte_length(x) for x in e] for name, e in parts.items()}))
        parts = {name: [] for name in ENTRY_FILES}
        stale = []
        files = size = 0

    for o in process_chunk(chunk, task):
        if isinstance(o, (Carried, CarriedSpan)):
            first, stop, nbytes = (o.index, o.index + 1, o.size) if type(o) is Carried else o
            flush_text()
            last = runs[-1] if runs else None
            if isinstance(last, _CarriedRun) and last.stop == first:
                last.stop = stop
                last.files += stop - first
                last.bytes += nbytes
            else:
                runs.append(_CarriedRun(first, stop, stop - first, nbytes))
            continue
        name = encode_path("data/" + o.relpath)
        record = encode_path(f"metadata/provenance/{o.relpath}.yaml")
        for alg, digest, record_digest in (("sha256", o.sha256, o.record_sha256),
                                           ("sha512", o.sha512, o.record_sha512)):
            parts[manifest(alg)].append(f"{digest}  {name}\n")
            parts[tagmanifest(alg)].append(f"{record_digest}  {record}\n")
        dc = DublinCoreRecord.from_values("data/" + o.relpath, o.values, o.media_type or o.is_text, o.statuses,
                                          origin=o.origin)
        parts[DC_XML].append(xml_record(dc))
        parts[DC_CSV].append(csv_row(dc))
        parts[ITEMS].append(o.room_entry)
        if o.override_problem:
            stale.append(f"{o.relpath}: {o.override_problem}")
        files += 1
        size += o.size
    flush_text()
    return runs


def _byte_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _digests(data: bytes) -> dict[str, str]:
    return {alg: hashlib.new(alg, data).hexdigest() for alg in ALGORITHMS}
