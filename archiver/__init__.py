"""archiver: BagIt 1.0 bags of text corpora, with YAML provenance records and a Dublin Core index.

The Python API mirrors the command line: `make_bag` (archiver bag), `write_records` and
`check_records` (archiver manifest), `validate_path` (archiver validate), `summarize` (archiver info),
`show_file` (archiver show).
"""
from __future__ import annotations

from archiver._version import __version__

__all__ = ["__version__", "make_bag", "write_records", "check_records", "validate_path", "summarize", "show_file"]


def __getattr__(name):  # lazy, so that `import archiver` stays cheap for worker processes
    if name == "make_bag":
        from archiver.bag import make_bag
        return make_bag
    if name in ("write_records", "check_records"):
        from archiver import manifest
        return getattr(manifest, name)
    if name == "validate_path":
        from archiver.validate import validate_path
        return validate_path
    if name == "summarize":
        from archiver.summary import summarize
        return summarize
    if name == "show_file":
        from archiver.fileview import show_file
        return show_file
    raise AttributeError(name)
