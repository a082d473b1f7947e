"""`archiver bag --update`: a new version of a bag that carries over what did not change.

The one interface the bag writer (archiver.bag) uses is `Update`: created for each run that writes a
bag directory, it plans what of the bag at OUTPUT is carried over (archiver.update.plan), claims the
spare that can be patched into the new bag (archiver.update.spare), hands out the work list, and
at the end records the new bag's state file (archiver.update.state) and keeps the replaced bag as
the next spare. A run without --update uses it too: it plans nothing, and only writes the state file
the next update needs.

    update = Update(final, corpus, deps, carry=True, spare=True)
    if update.wants_spare and update.claim_spare(into=empty_dir): ...   # the new bag: into/<name>, patched
    work = update.work()                      # FileJob and CarriedSpan items, in bag order
    with update.plan: ... update.plan.carry(name, first, stop) ...   # carried entries, as bytes
    update.finish(columns, parents, replaced_tree, ctimes=True)

ENTRY_FILES is the one definition of the files that hold an entry per payload file, in the order
they are gathered, written, recorded and carried over.
"""
from __future__ import annotations

from pathlib import Path

from archiver.update import spare
from archiver.update.plan import Plan, fresh_work, plan_update
from archiver.update.state import (
    DC_CSV,
    DC_XML,
    ENTRY_FILES,
    STATE_FORMAT,
    EntryColumns,
    Lineage,
    bag_dirs,
    dependencies,
    fingerprint,
    manifest,
    restamp_state,
    state_path,
    tagmanifest,
    write_state,
)

__all__ = ["DC_CSV", "DC_XML", "ENTRY_FILES", "STATE_FORMAT", "EntryColumns", "Plan", "Update", "dependencies",
           "manifest", "restamp_state", "spare_path", "state_path", "tagmanifest"]

spare_path = spare.spare_path


class Update:
    """One run's dealings with the bag at `final` that it replaces (if any).

    `corpus`: what the new bag holds; `deps`: dependencies() of its records; `carry`: carry unchanged
    files over (--update without --verify, onto a bag directory): `plan` is then what can be carried,
    or None when nothing can (no usable state file); `spare`: use and keep the spare (not with
    --no-spare)."""

    def __init__(self, final: Path, corpus, deps: dict, *, carry: bool, spare: bool = True):
        self.final = final
        self.corpus = corpus
        self.deps = deps
        self.use_spare = spare
        self.plan: Plan | None = plan_update(final, corpus, deps) if carry else None

    @property
    def generation(self) -> int:
        """The generation of the new bag: 1 for a full bag, one more than the old bag's for an update."""
        return self.plan.generation if self.plan else 1

    @property
    def patching(self) -> bool:
        """Whether the new bag is the claimed spare, patched (claim_spare() said so)."""
        return self.plan is not None and self.plan.patching

    @property
    def wants_spare(self) -> bool:
        """Whether this run would patch a spare: it carries files over, and --no-spare was not given."""
        return self.plan is not None and self.use_spare

    def claim_spare(self, into: Path) -> bool:
        """Move the spare of OUTPUT into `into` (an empty temporary directory beside OUTPUT): True if it
        can be patched into the new bag (at `into/<name>`); else what was there is left in `into`, to
        be deleted with it. Only when wants_spare."""
        return spare.claim(self.final, self.plan, self.deps, into)

    def clear_spare(self, bag_dir: Path, parents: set[str], trash: spare.Trash) -> None:
        """Empty the claimed spare, now at `bag_dir`, of all that the new bag does not keep (spare.clear)."""
        spare.clear(bag_dir, self.plan, parents, trash)

    def work(self) -> list:
        """The new bag's work list, in bag order (Plan.work; a FileJob per file without a plan)."""
        return self.plan.work(self.corpus) if self.plan else fresh_work(self.corpus)

    def finish(self, columns: EntryColumns, parents: set[str], replaced: Path | None, ctimes: bool) -> bool:
        """After the new bag was moved to OUTPUT: keep the replaced bag (now at `replaced`, alone in its
        temporary directory) as the spare if it can be, and write the new bag's state file, with
        `columns` as its writing recorded them. `parents`: the directories of its payload files;
        `ctimes`: record the source files' ctimes (not with --link). True if `replaced` became the
        spare (the caller must then not delete it)."""
        lineage = Lineage(self.plan.lineage.ident, self.generation) if self.plan else Lineage.new()
        dirs = fingerprint(self.final, bag_dirs(parents)) or []
        kept = False
        if self.plan is not None and self.use_spare and replaced is not None:
            kept = spare.keep(self.final, replaced, self.plan)
        write_state(self.final, self.corpus, self.deps, lineage, columns, dirs, ctimes=ctimes)
        return kept

