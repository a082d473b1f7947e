"""Benchmark of archiver against the physical floor (reading and hashing every byte once) and bagit-python.

Run from the repository root: `python -m bench [--quick] [--scale] [--runs N] [--only small|large|scale]`.
Nothing here is imported by archiver; the package stays cheap to import because its children
(`python -m bench.floor`, `python -m bench.bagit_child`) are timed, start-up included.
"""
