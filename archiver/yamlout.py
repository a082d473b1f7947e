"""A small, exact YAML emitter for archiver's records: block style, plain keys, every string double-quoted.

Why not `yaml.safe_dump`: records must be byte-identical for the same input across years and library
versions (an archive is re-validated long after it is made), and dumping is on the hot path of bagging
(PyYAML's dumper, even libyaml's, costs ~0.3 ms a record; this costs a few µs). The output is plain
YAML 1.1/1.2 that `yaml.safe_load` reads back to the same data: a property test checks exactly that.
Only what records hold is supported: dicts with identifier keys, lists, str, int, bool and None.
"""
from __future__ import annotations

import re

# Characters YAML lets stand inside a double-quoted scalar as themselves. Everything else is escaped,
# including the Unicode line and paragraph separators and NEL (which a loader would fold) and the BOM.
_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\"\\\\]")
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0",
          "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _escape(match: re.Match) -> str:
    ch = match.group()
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def quote(text: str) -> str:
    if _UNSAFE.search(text) is None:  # the usual case: nothing to escape
        return f'"{text}"'
    return '"' + _UNSAFE.sub(_escape, text) + '"'


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Words a YAML 1.1 loader turns into booleans or null; as keys they must be quoted too.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _key(key: str) -> str:
    if _PLAIN_KEY.match(key) and key.lower() not in _RESERVED:
        return key
    return quote(key)


def _scalar(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # a finite score: repr round-trips through YAML's float
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot emit {type(value).__name__}")


def _emit(obj: dict, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in obj.items():
        key = _key(key)
        if isinstance(value, dict):
            if value:
                out.append(f"{pad}{key}:")
                _emit(value, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {{}}")
        elif isinstance(value, list):
            if not value:
                out.append(f"{pad}{key}: []")
                continue
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict) and item:
                    sub: list[str] = []
                    _emit(item, indent + 4, sub)
                    sub[0] = f"{pad}  - " + sub[0][indent + 4:]
                    out.extend(sub)
                else:
                    out.append(f"{pad}  - {_scalar(item) if not isinstance(item, dict) else '{}'}")
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")


def dump(data: dict) -> bytes:
    """Emit `data` as one YAML document, UTF-8, ending in a newline."""
    out: list[str] = []
    _emit(data, 0, out)
    return ("\n".join(out) + "\n").encode("utf-8")
