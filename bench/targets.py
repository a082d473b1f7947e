"""The performance targets archiver is held to, and how a measured set is judged against them.

Each target names the corpus kinds it applies to: ratios to the floor are set per corpus (small
files, large files), comparisons with bagit-python and `--update` apply to every small-files corpus
(small and scale), and the `--fast` and memory targets to the 100,000-file scale corpus. Exports and
the OAI-PMH harvest are held to twice `archiver validate --fast` on the small-files corpus (issue 15,
item 7: "every export … takes ≤ 2× the time of `archiver validate --fast` on the 20,000-file bag").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bench.contenders import EXPORT_FORMATS


def _ratio(key: str) -> Callable[[dict, float], float | None]:
    def value(results: dict, floor: float) -> float | None:
        r = results.get(key)
        return r["median"] / floor if r and r.get("median") and floor else None
    return value


def _speedup(slow: str, fast: str) -> Callable[[dict, float], float | None]:
    def value(results: dict, floor: float) -> float | None:
        a, b = results.get(slow), results.get(fast)
        return a["median"] / b["median"] if a and b and a.get("median") and b.get("median") else None
    return value


def _seconds(key: str) -> Callable[[dict, float], float | None]:
    return lambda results, floor: (results.get(key) or {}).get("median")


def _rss(key: str) -> Callable[[dict, float], float | None]:
    return lambda results, floor: (results.get(key) or {}).get("peak_rss_mb")


def _share(whole: str, without: str) -> Callable[[dict, float], float | None]:
    """What part of `whole`'s time goes to what `without` leaves out: (whole - without) / whole."""
    def value(results: dict, floor: float) -> float | None:
        a, b = results.get(whole), results.get(without)
        return (a["median"] - b["median"]) / a["median"] if a and b and a.get("median") and b.get("median") else None
    return value


def _fraction(part: str, whole: str) -> Callable[[dict, float], float | None]:
    return _speedup(part, whole)  # part / whole


@dataclass(frozen=True)
class Target:
    key: str
    text: str
    sets: frozenset
    value: Callable[[dict, float], float | None]
    op: str          # "<=", ">=", "<"
    limit: float
    unit: str

    def judge(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return {"<=": value <= self.limit, ">=": value >= self.limit, "<": value < self.limit}[self.op]


SMALL_KINDS = frozenset({"small", "scale"})
TARGETS = [
    Target("bag-floor-small", "archiver bag ≤ 3.0× floor", frozenset({"small"}),
           _ratio("archiver-bag"), "<=", 3.0, "× floor"),
    Target("bag-vs-bagit", "archiver bag ≥ 3× faster than bagit make_bag", SMALL_KINDS,
           _speedup("bagit-make", "archiver-bag"), ">=", 3.0, "× faster"),
    Target("bag-floor-large", "archiver bag ≤ 1.5× floor", frozenset({"large"}),
           _ratio("archiver-bag"), "<=", 1.5, "× floor"),
    Target("validate-floor-small", "archiver validate ≤ 2.0× floor", frozenset({"small"}),
           _ratio("archiver-validate"), "<=", 2.0, "× floor"),
    Target("validate-floor-large", "archiver validate ≤ 1.1× floor", frozenset({"large"}),
           _ratio("archiver-validate"), "<=", 1.1, "× floor"),
    Target("validate-vs-bagit", "archiver validate ≥ 4× faster than bagit-python validate", SMALL_KINDS,
           _speedup("bagit-validate", "archiver-validate"), ">=", 4.0, "× faster"),
    Target("fast-scale", "archiver validate --fast on 100k files ≤ 2 s", frozenset({"scale"}),
           _seconds("archiver-validate-fast"), "<=", 2.0, "s"),
    Target("update", "archiver bag --update after a 1% change ≤ 10% of a full bag", SMALL_KINDS,
           _fraction("archiver-update", "archiver-bag"), "<=", 0.10, "of a full bag"),
    Target("reading-room", "the reading room ≤ 10% of archiver bag (bag minus bag without it)", SMALL_KINDS,
           _share("archiver-bag", "archiver-bag-noroom"), "<=", 0.10, "of a full bag"),
    Target("rss-bag-scale", "archiver bag peak RSS at 100k files < 150 MB", frozenset({"scale"}),
           _rss("archiver-bag"), "<", 150.0, "MB"),
    Target("rss-validate-scale", "archiver validate peak RSS at 100k files < 150 MB", frozenset({"scale"}),
           _rss("archiver-validate"), "<", 150.0, "MB"),
]


TARGETS += [
    Target(f"export-{fmt}", f"archiver export --to {fmt} ≤ 2× archiver validate --fast", frozenset({"small"}),
           _fraction(f"archiver-export-{fmt}", "archiver-validate-fast"), "<=", 2.0, "× validate --fast")
    for fmt in EXPORT_FORMATS
] + [
    Target("harvest", "a complete OAI-PMH harvest through archiver serve ≤ 2× archiver validate --fast",
           frozenset({"small"}), _fraction("archiver-harvest", "archiver-validate-fast"), "<=", 2.0,
           "× validate --fast"),
]


def evaluate(set_name: str, results: dict, floor: float) -> list[dict]:
    """Judge one set's results ({key: result}) against every target that applies to it."""
    out = []
    for t in TARGETS:
        if set_name not in t.sets:
            continue
        value = t.value(results, floor)
        out.append({"key": t.key, "target": t.text, "op": t.op, "limit": t.limit, "unit": t.unit,
                    "value": value, "pass": t.judge(value)})
    return out
