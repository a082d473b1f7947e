"""The spare: the bag an update replaced, kept beside the new one for the next update to patch.

The bag an update replaces is not deleted: it is kept beside the new one as the *spare*
(`.<bag name>.archiver-spare/`, with its state file), and the next update patches the spare into the
new version instead of building a whole new tree. Building a new tree costs a hard link per payload
file and per record, and deleting the replaced one an unlink for each (for 20,000 files about 0.6 s of
file-system work, most of an update); patching the spare costs only the files that changed since it
was current. The spare shares every unchanged file with the bag (hard links), so it holds little more
than the previous tag files and the previous versions of changed files, and deleting it is always
safe. `archiver bag --update --no-spare` neither uses nor keeps one.

Which of the spare's files can stay is known without looking at them: every file's state entry
carries the generation of the bag in which its payload and record were written, and a file with the
same generation in the spare and in the current bag is the same pair of files (hard links of one
another). That holds only while nobody has changed the trees: the state file records the identity and
times (inode, mtime, ctime) of every directory of the bag it describes, and a bag whose directories
changed since does not become a spare, nor is a spare whose directories changed since used. Any
entry added, removed, renamed or replaced in a directory changes that directory's times.
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

from archiver.errors import ArchiverError
from archiver.outputlock import PARTIAL_MARKER
from archiver.readingroom import ROOM_DIR
from archiver.update.plan import Plan
from archiver.update.state import bag_dirs, fingerprint, read_state, state_path, unchanged_since


def spare_path(bag_dir: Path) -> Path:
    """The previous version of the bag, kept for the next update: `<spare>/<bag name>/` is the bag tree,
    `<spare>/state` its state file, `<spare>/dirs` its directories' fingerprints."""
    return bag_dir.parent / f".{bag_dir.name}.archiver-spare"


def set_aside(bag_dir: Path, into: Path) -> None:
    """Move a spare of `bag_dir` that will not be used (not of the bag about to be written) into
    `into`, to be deleted with it; nothing if there is none."""
    with contextlib.suppress(OSError):
        os.rename(spare_path(bag_dir), into / "spare")


def claim(bag_dir: Path, plan: Plan, deps: dict, into: Path) -> bool:
    """Move the spare of `bag_dir` (if there is one) to `into` (an empty directory) and check it.

    True when it is usable: then `into/<bag name>` is the spare's tree and plan.spare names the files in
    it that can stay (same generation as in the current bag, and unchanged in the source). False when
    there is none or it cannot be trusted (another lineage, a state that does not read, a directory
    changed since it became the spare); what was claimed is left in `into` to be deleted.
    """
    spare = spare_path(bag_dir)
    try:
        os.rename(spare, into)
    except OSError:
        return False
    state = read_state(into / "state", deps)
    if state is None or state.lineage.ident != plan.lineage.ident:
        return False
    try:
        with open(into / "dirs", encoding="utf-8") as fh:
            dirs = json.load(fh)
    except (OSError, ValueError):
        return False
    if not unchanged_since(into / bag_dir.name, dirs):
        return False
    gens = plan.old.gens
    index = plan.index
    stay = set()
    for rel, gen in zip(state.names, state.gens, strict=True):
        k = index.get(rel)
        if k is not None and gens[k] == gen:
            stay.add(rel)
    plan.spare = stay
    plan.spare_files = state.names
    plan.spare_dirs = [d[0] for d in dirs]
    return True


def keep(bag_dir: Path, old_tree: Path, plan: Plan) -> bool:
    """After an update: make the replaced bag (now `old_tree`, alone in its temporary directory) the
    spare, with its state file. False (the caller deletes it) if it cannot be."""
    holder = old_tree.parent
    if not plan.pristine or os.path.lexists(spare_path(bag_dir)):
        return False
    dirs = fingerprint(old_tree, [d[0] for d in plan.dirs])
    if dirs is None:
        return False
    try:
        for leftover in ("state", "dirs", PARTIAL_MARKER):   # a claimed spare's own; the partial's mark
            if os.path.lexists(holder / leftover):
                os.unlink(holder / leftover)
        if sorted(os.listdir(holder)) != [old_tree.name]:
            return False
        with open(holder / "dirs", "w", encoding="utf-8") as fh:
            json.dump(dirs, fh, ensure_ascii=False)
        os.replace(state_path(bag_dir), holder / "state")
        os.rename(holder, spare_path(bag_dir))
    except OSError:
        return False
    return True


def clear(bag_dir: Path, plan: Plan, parents: set[str], trash: "Trash") -> None:
    """Empty the claimed spare at `bag_dir` of everything but the files that stay (plan.spare): its tag
    files, and the payload file and record of every other file it holds (moved to `trash`); then its
    directories the new bag, whose payload files are in `parents`, does not have. Its tree is exactly
    as that bag was written (claim() checked its directories), so nothing the new bag writes is ever
    written through an existing file."""
    for base in (bag_dir, bag_dir / "metadata", bag_dir / ROOM_DIR):
        for entry in os.scandir(base):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
    stay = plan.spare
    root = str(bag_dir)
    for rel in plan.spare_files:
        if rel not in stay:
            for path in (f"{root}/data/{rel}", f"{root}/metadata/provenance/{rel}.yaml"):
                with contextlib.suppress(FileNotFoundError):
                    trash.put(path)
    wanted = set(bag_dirs(parents))
    for rel in sorted((d for d in plan.spare_dirs if d not in wanted), key=lambda d: d.count("/"), reverse=True):
        try:
            os.rmdir(f"{root}/{rel}")
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise ArchiverError(f"the previous version of the bag kept for --update holds what it should "
                                f"not ({exc.strerror}); it has been removed, run again", rel) from exc


class Trash:
    """Files a patched spare lets go, moved into `place` and deleted by a thread once the bag's files
    are written (start(): after the workers, so no process is forked while it runs). On this machine's
    ext4, unlinking a file's last link costs 120-150 us (its blocks are freed), moving it 20 us; the
    patch needs only the names free."""

    def __init__(self, place: Path):
        self._place = str(place)
        self._moved: list[str] = []
        self._thread: threading.Thread | None = None

    def put(self, path: str) -> None:
        dest = f"{self._place}/{len(self._moved)}"
        os.rename(path, dest)
        self._moved.append(dest)

    def start(self) -> None:
        def empty(paths):
            for path in paths:
                try:
                    os.unlink(path)
                except OSError:
                    pass      # left for the final removal of `place`
        self._thread = threading.Thread(target=empty, args=(list(self._moved),), daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
