"""Decoding a source file's bytes into text for extraction, and naming the encoding used.

The payload is never changed: decoding exists only so that the extractor can read the text. UTF-16
with a BOM and UTF-8 (with or without a BOM) are tried first because they are self-validating. A file
that is neither but looks like text is in a legacy encoding, and which one matters: Russian read as
Windows-1252 is mojibake, and so would be its title in the record. Two cases:

- Scripts other than Latin (Cyrillic, Greek, Arabic, Hebrew, Thai, Chinese, Japanese, Korean) write
  most words as runs of high bytes. `charset-normalizer` tells these encodings apart well, so it
  chooses among them.
- Latin-script pages write isolated accented letters among ASCII ones. There `charset-normalizer`
  guesses poorly on a short page (English with one "è" comes out as Windows-1250), so the Latin
  code pages are scored here by how plausible the letters each decoding produces are: Polish read as
  Windows-1252 gives "¹" and "³" where "ą" and "ł" belong; Turkish gives "þ" and "ý". Ties go to
  Windows-1252, the usual encoding of scraped Western pages.

A file with NUL bytes or many control characters is not text: its encoding is None and nothing is
extracted from it.
"""
from __future__ import annotations

import re

# Control bytes that plain text does not contain (tab, LF, FF, CR and ESC are allowed).
_CONTROLS = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
_NOT_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS)
SAMPLE = 65536

# Python codec -> the name a record gives (the WHATWG / IANA label).
NAMES = {
    "cp1250": "windows-1250", "cp1251": "windows-1251", "cp1252": "windows-1252", "cp1253": "windows-1253",
    "cp1254": "windows-1254", "cp1255": "windows-1255", "cp1256": "windows-1256", "cp1257": "windows-1257",
    "koi8_r": "koi8-r", "koi8_u": "koi8-u", "iso8859_5": "iso-8859-5", "iso8859_6": "iso-8859-6",
    "iso8859_2": "iso-8859-2", "iso8859_7": "iso-8859-7", "iso8859_8": "iso-8859-8", "cp874": "windows-874",
    "shift_jis": "shift_jis",
    "cp932": "shift_jis", "euc_jp": "euc-jp", "iso2022_jp": "iso-2022-jp", "gb18030": "gb18030",
    "gb2312": "gb18030", "gbk": "gb18030", "big5": "big5", "big5hkscs": "big5", "euc_kr": "euc-kr",
    "cp949": "euc-kr", "mac_cyrillic": "x-mac-cyrillic",
}
# The codecs a name decodes with (a superset where one exists: GB2312 text is GB18030 text).
CODECS = {"windows-1250": "cp1250", "windows-1251": "cp1251", "windows-1252": "cp1252",
          "windows-1253": "cp1253", "windows-1254": "cp1254", "windows-1255": "cp1255",
          "windows-1256": "cp1256", "windows-1257": "cp1257", "koi8-r": "koi8_r", "koi8-u": "koi8_u",
          "iso-8859-2": "iso8859_2", "iso-8859-5": "iso8859_5", "iso-8859-6": "iso8859_6", "iso-8859-7": "iso8859_7",
          "iso-8859-8": "iso8859_8", "windows-874": "cp874", "shift_jis": "cp932", "euc-jp": "euc_jp",
          "iso-2022-jp": "iso2022_jp", "gb18030": "gb18030", "big5": "big5hkscs", "euc-kr": "cp949",
          "x-mac-cyrillic": "mac_cyrillic"}
# Encodings of pages in scripts other than Latin, as charset-normalizer names them.
NON_LATIN = ["cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp1253", "iso8859_7", "cp1255", "iso8859_8",
             "cp1256", "iso8859_6", "cp874", "shift_jis", "euc_jp", "iso2022_jp", "gb18030", "big5",
             "euc_kr", "cp949"]

# Latin code pages, and the non-ASCII characters that text in their languages commonly holds (weight 1),
# or holds now and then (0.3); any other non-ASCII character a decoding produces costs 3.
_PUNCT = "“”‘’„–—…€°«»·•©®™"
LATIN = {
    "cp1252": ("éèàçêâôîûëïüöäßñáíóúãõÉÈÀÇÊÖÜÄÑÁÍÓÚ¿¡£" + _PUNCT, "øåæœìòùºªÿŒØÅÆÂÔÎÛËÏÌÒÙÃÕ½¼¾²×÷§¶"),
    "cp1250": ("ąćęłńóśźżčěřšžůýáíéúťďňőűăşţâîöüäôĄĆĘŁŃÓŚŹŻČĚŘŠŽŮÝÁÍÉÚŤĎŇŐŰĂŞŢÂÎÖÜÄÔ" + _PUNCT,
               "ĺľŕçëßĹĽŔÇË×÷§"),
    "iso8859_2": None,  # the same letters as Windows-1250, at other places for some
    "cp1254": ("çğıöşüâîûéÇĞİÖŞÜÂÎÛÉ" + _PUNCT, "àèêôëïäßñáíóúãõ£×÷§"),
    "cp1257": ("āčēģīķļņšūžąęėįųõäöüĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲÕÄÖÜ" + _PUNCT, "éóøæåØÆÅ×÷§"),
}
LATIN["iso8859_2"] = LATIN["cp1250"]
_LATIN_WEIGHTS = {cp: {**{ch: 0.3 for ch in rare}, **{ch: 1.0 for ch in common}}
                  for cp, (common, rare) in LATIN.items()}
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")


def _looks_binary(data: bytes) -> bool:
    if not data:
        return False
    sample = data[:SAMPLE]
    if b"\x00" in sample:
        return True
    # bytes.translate counts in C: deleting every non-control byte leaves the controls.
    controls = len(sample.translate(None, _NOT_CONTROLS))
    return controls > max(8, len(sample) // 100)


def _latin_score(text: str, weights: dict[str, float]) -> float:
    return sum(weights.get(ch, -3.0) for ch in text if ord(ch) > 127)


def _legacy(data: bytes) -> tuple[str, str]:
    """(text, name) of a text file that is not UTF-8 or UTF-16."""
    sample = data[:SAMPLE]
    high = len(sample) - len(sample.translate(None, bytes(range(128, 256))))
    in_runs = sum(len(m) for m in _HIGH_RUN.findall(sample))
    if high and in_runs >= high / 2:  # words of high bytes: a script other than Latin
        from charset_normalizer import from_bytes  # imported only for such files
        best = from_bytes(sample, cp_isolation=NON_LATIN).best()
        if best is not None and best.encoding in NAMES:
            name = NAMES[best.encoding]
            try:
                return data.decode(CODECS[name]), name
            except UnicodeDecodeError:
                pass  # the sample fitted, the whole file does not: fall through to the Latin pages
    best_name, best_score = None, None
    for codec, weights in _LATIN_WEIGHTS.items():
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _latin_score(text, weights)
        if best_score is None or score > best_score:  # ties keep the first: Windows-1252
            best_name, best_score = NAMES[codec], score
    if best_name is not None and best_name != "windows-1252":
        try:
            return data.decode(CODECS[best_name]), best_name
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("windows-1252"), "windows-1252"
    except UnicodeDecodeError:
        # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252; browsers map them to C1 controls.
        return data.decode("latin-1"), "windows-1252"


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """Return (text, encoding name) for `data`, or (None, None) when it is not text.

    Encoding names are "utf-8", "utf-8-sig" (UTF-8 with a byte-order mark), "utf-16" (with a BOM), or
    the WHATWG label of a legacy encoding ("windows-1252", "windows-1251", "koi8-r", "shift_jis", ...;
    see NAMES). An empty file is text: ("", "utf-8"). Never raises.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, None
    if _looks_binary(data):
        return None, None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return _legacy(data)


def decode_head(data: bytes, complete: bool) -> tuple[str | None, str | None]:
    """Decode a prefix of a file; when the prefix is cut (`complete` False), drop a split character."""
    if complete:
        return decode_text(data)
    # Back off up to 3 bytes so that a character cut at the end (UTF-8, or a double-byte encoding)
    # does not force another codec.
    first = None
    for cut in range(0, 4):
        text, enc = decode_text(data[: len(data) - cut] if cut else data)
        if first is None:
            first = (text, enc)
        if enc in ("utf-8", "utf-8-sig") or enc is None:
            return text, enc
    return first


def decode_as(data: bytes, encoding: str | None) -> str | None:
    """`data` decoded with the encoding a record names (`source.encoding`: a name decode_text gives),
    undecodable bytes replaced; None when the record says the file is not text (or names an encoding
    Python has no codec for). A byte-order mark is dropped. For exports, which must show the text the
    extractor read without guessing again."""
    if encoding is None:
        return None
    codec = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(encoding) or CODECS.get(encoding)
    try:
        return data.decode(codec or encoding, "replace")
    except LookupError:
        return None
