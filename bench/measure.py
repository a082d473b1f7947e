"""Timing one child process: wall-clock seconds, exit code and peak RSS.

Peak RSS comes from `os.wait4`'s rusage of that child: on Linux `ru_maxrss` (KiB) is the largest
resident set of any single process in the child's tree (itself and the workers it waited for),
not their sum.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

STDERR_KEEP = 2000


@dataclass
class Measurement:
    seconds: float
    returncode: int
    maxrss_kib: int
    stderr: str


def measure(argv: list[str], cwd: str | os.PathLike | None = None, env: dict | None = None) -> Measurement:
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        # Popen must not wait for a pid we already reaped.
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Measurement(seconds, proc.returncode, usage.ru_maxrss, text[-STDERR_KEEP:])
