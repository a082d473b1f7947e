"""The command line: maps commands onto library calls and renders their results. No logic lives here.

Exit codes (documented in the README): 0 success / valid; 1 invalid bag, records out of date, a
source file that could not be read, an output that could not be written, or a failed fixity check;
2 bad usage or input (missing SOURCE, existing OUTPUT, bad overrides, a path validate cannot read);
130 interrupted.
"""
from __future__ import annotations

import functools
import signal
import sys

import click

from archiver._version import __version__
from archiver.errors import EXIT_INVALID, EXIT_USAGE, ArchiverError

EXIT_INTERRUPTED = 130

JOBS_OPTION = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Worker processes (default: the number of cores).")
OVERRIDES_OPTION = click.option("--overrides", type=click.Path(dir_okay=False), default=None,
                                help="YAML file of curators' assertions (see README, 'Curators').")
SOURCES_OPTION = click.option("--sources", type=click.Path(dir_okay=False), default=None,
                               help="CSV of path,url,retrieved,rights: where each file came from "
                                    "(see README, 'Where each page came from').")
LINKS_OPTION = click.option("--follow-internal-links", is_flag=True,
                            help="Follow symbolic links whose targets stay inside SOURCE "
                                 "(default: refuse every link).")


def _errors_to_exit_codes(func):
    """The one place where archiver's exceptions become messages and exit codes."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ArchiverError as exc:
            click.echo(f"archiver: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:
            # Not the input's fault: the output could not be written (disk full, no permission).
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"archiver: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(EXIT_INVALID)
        except KeyboardInterrupt:
            click.echo("archiver: interrupted; nothing was left behind", err=True)
            sys.exit(EXIT_INTERRUPTED)
    return wrapper


class _Progress:
    """A progress bar on stderr, only when stderr is a terminal and --quiet is not given."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Bagging", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archiver")
def main():
    """archiver: BagIt bags of text corpora, with provenance records and a Dublin Core index."""
    # Turn SIGTERM into KeyboardInterrupt so that temporary output is removed on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)


@main.command()
@click.argument("source", type=click.Path(file_okay=True, dir_okay=True, path_type=str))
@click.option("-o", "--output", type=click.Path(path_type=str), default=None,
              help="Where to write the bag (default: bags/<name of SOURCE>).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--archive", type=click.Choice(["tar.gz", "zip"]), default=None,
              help="Write the bag serialized as one OUTPUT.tar.gz or OUTPUT.zip.")
@click.option("--update", is_flag=True,
              help="Bring the bag at OUTPUT up to date with SOURCE: unchanged files (same size, mtime and "
                   "inode) are carried over without being read or copied. Atomic. The replaced bag is kept "
                   "beside it as .OUTPUT.archiver-spare (hard links; safe to delete) for the next update.")
@click.option("--verify", is_flag=True, help="With --update: read and hash every file again.")
@click.option("--no-spare", "no_spare", is_flag=True,
              help="With --update: keep no spare (and delete an earlier one); the next update is slower.")
@click.option("--link", is_flag=True,
              help="Hard-link payload files to the source instead of copying them (same file system only; "
                   "later edits to a source file then change the bag too).")
@OVERRIDES_OPTION
@SOURCES_OPTION
@JOBS_OPTION
@LINKS_OPTION
@click.option("--source-organization", help="bag-info Source-Organization.")
@click.option("--contact-name", help="bag-info Contact-Name.")
@click.option("--contact-email", help="bag-info Contact-Email.")
@click.option("--external-description", help="bag-info External-Description.")
@click.option("--external-identifier", help="bag-info External-Identifier.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_errors_to_exit_codes
def bag(source, output, force, archive, update, verify, no_spare, link, overrides, sources, jobs, follow_internal_links,
        source_organization, contact_name, contact_email, external_description, external_identifier, quiet):
    """Package SOURCE as a BagIt 1.0 bag with provenance records and a Dublin Core index.

    SOURCE is never modified: every file is copied, byte for byte, under data/.
    Open metadata/index.html of the bag in a browser to read it (no network needed).
    """
    from archiver.bag import make_bag
    info = {"Source-Organization": source_organization, "Contact-Name": contact_name,
            "Contact-Email": contact_email, "External-Description": external_description,
            "External-Identifier": external_identifier}
    progress = _Progress(not quiet)
    try:
        result = make_bag(source, output, force=force, info=info, jobs=jobs, overrides=overrides,
                          follow_links_inside=follow_internal_links, archive=archive, progress=progress,
                          update=update, verify=verify, link=link, sources=sources, spare=not no_spare)
    finally:
        progress.close()
    if not quiet:
        for warning in result.warnings:
            click.echo(f"archiver: warning: {warning}", err=True)
        for line in result.changes.lines():      # what --update changed, as metadata/events.yaml records it
            click.echo(line, err=True)
        carried = f" ({result.reused} unchanged, carried over)" if update else ""
        click.echo(f"Bagged {result.files} files, {result.bytes:,} bytes in {result.seconds:.2f} s "
                   f"-> {result.path}{carried}")


@main.command()
@click.argument("source", type=click.Path(path_type=str))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help="Directory of records (DIR/<path>.yaml).")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 listing every record that is missing, stale or orphaned.")
@OVERRIDES_OPTION
@SOURCES_OPTION
@JOBS_OPTION
@LINKS_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and problems.")
@_errors_to_exit_codes
def manifest(source, out, check, overrides, sources, jobs, follow_internal_links, quiet):
    """Write the provenance records of SOURCE to a directory (or --check them)."""
    from archiver.manifest import check_records, write_records
    if check:
        problems = check_records(source, out, overrides=overrides, jobs=jobs,
                                 follow_links_inside=follow_internal_links, sources=sources)
        for problem in problems:
            click.echo(f"{problem.kind}: {out.rstrip('/')}/{problem.path}")
        if problems:
            click.echo(f"{len(problems)} record(s) out of date in {out}; "
                       f"run: archiver manifest {source} -o {out}", err=True)
            sys.exit(1)
        if not quiet:
            click.echo(f"Records in {out} are up to date with {source}")
        return
    count = write_records(source, out, overrides=overrides, jobs=jobs,
                          follow_links_inside=follow_internal_links, sources=sources)
    if not quiet:
        click.echo(f"Wrote {count} records -> {out}")


class _ValidateCommand(click.Command):
    """`validate` keeps its promise of JSON on stdout even when its arguments cannot be used: with
    `--format json` among them, a usage error is written as a JSON document (exit 2), not as
    click's text on stderr alone."""

    def parse_args(self, ctx, args):
        raw = list(args)       # click's parser consumes the list it is given
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if not _asks_for_json(raw):
                raise
            from archiver.validate.batch import usage_error_json
            click.echo(usage_error_json(exc.format_message()))
            click.echo(f"archiver: error: {exc.format_message()}", err=True)
            ctx.exit(EXIT_USAGE)


def _asks_for_json(args) -> bool:
    """Whether the raw arguments hold `--format json` (or `--format=json`) before any `--`."""
    for i, arg in enumerate(args):
        if arg == "--":
            return False
        if arg == "--format=json" or (arg == "--format" and args[i + 1:i + 2] == ["json"]):
            return True
    return False


@main.command(cls=_ValidateCommand)
@click.argument("paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              help="text: one finding a line and a summary line per bag; json: one document (also on a "
                   "usage error); github: GitHub Actions annotations (::error file=...,title=CODE::...).")
@click.option("--fast", is_flag=True,
              help="Check structure, Payload-Oxum and completeness without hashing (and without reading "
                   "records or indexes).")
@click.option("--profile", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also check against this BagIt profile (a local JSON file; never fetched).")
@JOBS_OPTION
@_errors_to_exit_codes
def validate(paths, fmt, fast, profile, jobs):
    """Validate bag directories or serialized bags (.tar, .tar.gz, .tgz, .zip), each once.

    One summary line per bag. Exit 0 all valid (warnings allowed), 1 any invalid, 2 any could not be
    validated at all (or bad usage).

    \b
    Example:
      archiver validate bags/*                   every bag, one summary line each
      archiver validate --format github bags/*   annotations in a GitHub Actions log
    """
    from archiver.validate import batch
    try:
        outcomes = batch.validate_paths(paths, fast=fast, profile=profile, jobs=jobs)
    except ArchiverError as exc:
        if fmt == "json":      # still one JSON document on stdout
            click.echo(batch.usage_error_json(str(exc)))
        raise
    for outcome in outcomes:
        if isinstance(outcome, batch.Undecided):
            click.echo(f"archiver: error: {outcome.path}: {outcome.message}", err=True)
    render = {"json": batch.to_json, "github": batch.to_github}.get(fmt, batch.to_text)
    click.echo(render(outcomes))
    sys.exit(batch.exit_code(outcomes))


BAG_ARGUMENT = click.argument("bag", metavar="BAG", type=click.Path(path_type=str))


@main.command()
@BAG_ARGUMENT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text: for a person; json: one document.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many outlets (most files first) and files with conflicts to list.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also write the bag's Dublin Core index to this .xlsx file, every cell typed as text "
                   "(no cell can run as a formula). Needs: pip install 'archiver[xlsx]'.")
@_errors_to_exit_codes
def info(bag, fmt, top, xlsx):
    """Summarize BAG: size, files, outlets, dates, how each field is known, conflicts, profile, last
    fixity check.

    BAG is a bag directory or a serialized bag (.tar, .tar.gz, .tgz, .zip). Coverage counts, per
    field, the values extracted from the text, asserted by a curator, and unknown. Nothing is
    verified (that is `archiver validate`); links in the bag are never followed.

    Exit 0; 1 when some records are missing or unreadable (listed as problems; the rest is
    summarized); 2 when BAG is not a bag archiver can read.

    \b
    Example:
      archiver info bags/seeds --top 5
      archiver info bags/seeds.tar.gz --format json
      archiver info bags/seeds --xlsx seeds-index.xlsx
    """
    from archiver.summary import summarize
    summary = summarize(bag, top=top, xlsx=xlsx)
    click.echo(summary.to_json() if fmt == "json" else summary.to_text())
    if xlsx is not None:
        click.echo(f"Wrote the Dublin Core index, every cell as text -> {xlsx}", err=True)
    sys.exit(EXIT_INVALID if summary.problems else 0)


@main.command()
@BAG_ARGUMENT
@click.argument("path", type=str)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text: for a person; json: one document.")
@click.option("--color/--no-color", default=None,
              help="Highlight cited lines in bold colour (default: only when stdout is a terminal).")
@_errors_to_exit_codes
def show(bag, path, fmt, color):
    """Show the provenance of one payload file of BAG: each field's value, status and rule (or
    curator), and each evidence line in the file's text with 2 lines around it.

    PATH is the payload file as data/… or relative to data/. Exit 2 when BAG is not a bag archiver
    can read, PATH is no payload file of it, or its record is missing or unreadable.

    \b
    Example:
      archiver show bags/seeds 002_925810d536abd4d2.txt
      archiver show bags/seeds data/002_925810d536abd4d2.txt --format json
    """
    from archiver.fileview import show_file
    view = show_file(bag, path)
    if fmt == "json":
        click.echo(view.to_json())
    else:
        highlight = sys.stdout.isatty() if color is None else color
        # click.echo strips escape sequences from output that is not a terminal unless told to keep them.
        click.echo(view.to_text(highlight=highlight), color=highlight)


class _FormatChoice(click.Choice):
    """The export formats, read from archiver.export when the command line is parsed."""

    def __init__(self):
        from archiver.export import formats
        super().__init__(formats())


@main.command(name="export")
@BAG_ARGUMENT
@click.option("--to", "fmt", type=_FormatChoice(), required=True, help="The system to export for.")
@click.argument("dest", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@_errors_to_exit_codes
def export_command(bag, fmt, dest, force):
    """Export BAG (a bag directory, .tar, .tar.gz, .tgz or .zip) for another system, to DEST.

    The export is built beside DEST and renamed into place when complete; an existing DEST (a file,
    or a directory that is not empty) is replaced only with --force. The same bag gives the same
    bytes (the date written is SOURCE_DATE_EPOCH when set, else the bag's Bagging-Date). Exit 2 when
    BAG cannot be read or DEST exists. See README "Exporting a bag" for each format.
    """
    from archiver.export import export
    export(bag, fmt, dest, force=force)
    click.echo(f"archiver: exported {bag} as {fmt} to {dest}", err=True)



@main.command(name="serve")
@BAG_ARGUMENT
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default answers this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@_errors_to_exit_codes
def serve_command(bag, host, port):
    """Serve BAG (a bag directory, .tar, .tar.gz, .tgz or .zip) read-only over HTTP until Ctrl-C.

    The reading room at /, the items as JSON at /api/items, payload text at /data/..., and OAI-PMH 2.0
    at /oai (oai_dc records, a set per outlet). See README "Serving a bag".

    \b
    Example:
      archiver serve bags/seeds --port 8000
    """
    from archiver.serve import serve
    serve(bag, host, port)


@main.command("fixity")
@click.argument("bag", type=click.Path(path_type=str))
@JOBS_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and failures.")
@_errors_to_exit_codes
def fixity_command(bag, jobs, quiet):
    """Re-hash BAG's payload against its manifests and record the check in metadata/events.yaml.

    The outcome is appended as a PREMIS "fixity check" event and the tag manifests are re-written for
    it; the payload is never touched. BAG must be a bag directory. Exit 0: every file matches; 1: a
    file does not (the failure is recorded); 2: the check cannot run.

    \b
    Example:
      archiver fixity bags/seeds && archiver info bags/seeds
    """
    from archiver.events import check_fixity
    result = check_fixity(bag, jobs=jobs)
    for failure in result.failures:
        click.echo(f"FAIL {failure['file']}: {failure['problem']}")
    if not quiet or not result.passed:
        click.echo(f"Fixity {result.event['outcome']}: {result.checked} payload files checked, "
                   f"{len(result.failures)} failed; recorded in {result.path}/metadata/events.yaml")
    sys.exit(0 if result.passed else EXIT_INVALID)

if __name__ == "__main__":  # pragma: no cover
    main()
