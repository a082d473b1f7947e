"""The Dublin Core index as a spreadsheet (`archiver info BAG --xlsx FILE`): every cell typed as text.

The CSV index carries the page's own words exactly, so a title beginning with `=`, `+`, `-` or `@` stays
as it is, and a spreadsheet that opens the CSV directly may take it for a formula. This writes the same
rows as an `.xlsx` whose every cell is a string (`t="inlineStr"`): a spreadsheet shows `=HYPERLINK(…)`
as text and never runs it, and nothing in the data is altered (but for the few control characters an
.xlsx cannot hold at all, replaced with U+FFFD). It needs `openpyxl` (`pip install 'archiver[xlsx]'`),
an optional extra: without it, asking for the file is an error naming the extra.

The file is read from the bag's own `metadata/dublin-core.csv` (safely: `archiver.bagreader`) and
written to a temporary file beside FILE, renamed when complete. It is deterministic: its document
properties and zip member times are the bag's Bagging-Date (midnight UTC), so the same bag always
gives the same bytes.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from archiver.bagreader import BagReader, BagReadError
from archiver.errors import ArchiverError

INDEX_CSV = "metadata/dublin-core.csv"
EPOCH_1980 = datetime(1980, 1, 1, tzinfo=timezone.utc)   # the earliest time a zip member can carry


class MissingExtraError(ArchiverError):
    """An optional feature was asked for without its optional dependency installed (exit 2)."""


def write_index_xlsx(reader: BagReader, dest: str | os.PathLike) -> int:
    """Write the bag's Dublin Core index to `dest` as .xlsx, every cell text; returns the data rows written.

    Raises MissingExtraError when openpyxl is not installed, BagReadError when the bag has no readable
    index, OSError when `dest` cannot be written (nothing is left behind).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:
        raise MissingExtraError("writing .xlsx needs openpyxl: pip install 'archiver[xlsx]'") from None
    data = reader.file_bytes(INDEX_CSV)
    if data is None:
        raise BagReadError(f"{INDEX_CSV} is missing (or not a regular file): no index to write", reader.shown)
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BagReadError(f"{INDEX_CSV} cannot be read: {exc}", reader.shown) from None
    when = _bag_time(reader)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("dublin-core")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
            cell.data_type = "s"       # text, whatever it begins with: never a formula
            cells.append(cell)
        ws.append(cells)
    wb.properties.creator = "archiver"
    wb.properties.created = when.replace(tzinfo=None)

    dest = Path(dest)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.partial-", dir=dest.parent or ".")
    os.close(fd)
    try:
        _save(wb, tmp, when)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return max(len(rows) - 1, 0)


def _bag_time(reader: BagReader) -> datetime:
    """Midnight (UTC) of the bag's Bagging-Date; 1980-01-01 when it has none that reads."""
    date = (reader.bag_info().get("Bagging-Date") or [""])[0]
    try:
        when = datetime.fromisoformat(date[:10]).replace(tzinfo=timezone.utc)
    except ValueError:
        return EPOCH_1980
    return max(when, EPOCH_1980)


def _save(wb, path: str, when: datetime) -> None:
    """Save `wb` at `path` with `when` as its modification time and every zip member's time (openpyxl's
    own save stamps the current time on both)."""
    from openpyxl.writer.excel import ExcelWriter
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = when.replace(tzinfo=None)
        ExcelWriter(wb, archive).save()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            out.writestr(member, src.read(info.filename))
