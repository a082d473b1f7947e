"""The one exception hierarchy of archiver, and the exit codes its messages map to.

Every error a user can cause carries a message a librarian understands (naming the file and the
problem) and the documented exit code the CLI returns for it. The CLI maps errors to exit codes in
one place (`archiver.cli`), from the `exit_code` attribute defined here.
"""
from __future__ import annotations

# Documented exit codes (README "Exit codes").
EXIT_OK = 0
EXIT_INVALID = 1        # validate: the bag is invalid; bag: a source file could not be read
EXIT_USAGE = 2          # bad arguments, missing or unusable SOURCE, bad overrides or sources, cannot validate


class ArchiverError(Exception):
    """Base class: a problem with the user's input or environment, reported without a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SourceError(ArchiverError):
    """SOURCE is missing, not a directory, empty, or holds something we refuse (e.g. a symlink)."""

    exit_code = EXIT_USAGE


class UnreadableFileError(ArchiverError):
    """A source file exists but could not be read; nothing is written."""

    exit_code = EXIT_INVALID


class OutputExistsError(ArchiverError):
    """The output already exists and --force was not given."""

    exit_code = EXIT_USAGE


class OverrideError(ArchiverError):
    """A curator's override names a file or field that does not exist, or a stale sha256."""

    exit_code = EXIT_USAGE


class SourcesError(ArchiverError):
    """A sources file (`--sources`) names a file that does not exist, or gives a bad URL or date."""

    exit_code = EXIT_USAGE


class CannotValidateError(ArchiverError):
    """validate could not run at all: no such path, unreadable, or a kind of file it does not read."""

    exit_code = EXIT_USAGE


class OutputLockedError(ArchiverError):
    """Another archiver run holds the lock of the same OUTPUT (or its lock file cannot be used)."""

    exit_code = EXIT_USAGE


class WorkerDiedError(ArchiverError):
    """A worker process died (killed) before finishing its work: nothing is written (`bag`: exit 1);
    `validate` could not decide (exit 2)."""

    exit_code = EXIT_INVALID


class OutputWriteError(ArchiverError):
    """The output could not be written (disk full, file too large, read-only): the output is to blame,
    not the source file being copied; nothing is left behind."""

    exit_code = EXIT_INVALID
