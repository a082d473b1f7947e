"""A description of the machine and software a result was measured with."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata

from bench.contenders import REPO, archiver_argv, child_env


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / (1 << 20), 1)
    except OSError:
        pass
    return None


def _output(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, env=child_env(), timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def describe() -> dict:
    try:
        bagit_version = metadata.version("bagit")
    except metadata.PackageNotFoundError:
        bagit_version = None
    said = _output(archiver_argv() + ["--version"])  # "archiver, version X"
    archiver_version = said.split()[-1] if said else None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "archiver": archiver_version,
        "archiver_commit": _output(["git", "rev-parse", "--short", "HEAD"]),
        "bagit": bagit_version,
        "coreutils": ((_output(["sha256sum", "--version"]) or "").splitlines() or [None])[0],
    }
