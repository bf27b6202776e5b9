"""Reading an uploaded ledger file into rows: .xlsx (streamed, bounded) or .csv (any encoding).

Nothing here knows what the columns mean; `importing` does. Limits come from
`sheet_limits`, so a bomb stops while it streams in.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from app.core.validation import N_, Msg
from app.equipment.columns import unneutralise as _unneutralise
from app.equipment.sheet_limits import SheetTooLarge, bounded_rows, check_unpacked_size

SUFFIXES = (".xlsx", ".csv")
_DELIMITERS = (",", ";", "\t")


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (encoding, format, missing columns)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


def decode_csv(data: bytes, filename: str) -> tuple[str, str]:
    """Text of a CSV from UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        raise ImportFileError(
            N_(
                "cannot read %(file)s: it contains binary data, not text; is it really a CSV?",
                file=filename,
            )
        )
    else:
        candidates = ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise ImportFileError(
        N_(
            "cannot read %(file)s: it is neither UTF-8 nor GB18030 text (byte %(byte)s at "
            "position %(pos)d); in Excel use Save As → CSV UTF-8, or import the .xlsx",
            file=filename,
            byte=f"0x{first_error.object[first_error.start]:02X}",
            pos=first_error.start,
        )
    )


def _read_csv(data: bytes, filename: str) -> Table:
    text, encoding = decode_csv(data, filename)
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(bounded_rows(reader))
    except SheetTooLarge as exc:
        raise ImportFileError(exc.message) from exc
    except csv.Error as exc:
        raise ImportFileError(
            N_("cannot read %(file)s as CSV: %(reason)s", file=filename, reason=str(exc))
        ) from exc
    if not records:
        raise ImportFileError(N_("%(file)s is empty", file=filename))
    rows = [(number, list(cells)) for number, cells in enumerate(records[1:], start=2)]
    return Table([str(h) for h in records[0]], rows, encoding)


def _read_xlsx(data: bytes, filename: str) -> Table:
    try:
        check_unpacked_size(data, filename)
    except SheetTooLarge as exc:
        raise ImportFileError(exc.message) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            N_(
                "cannot read %(file)s: it is not an Excel .xlsx workbook (old .xls files: "
                "open them in Excel and save as .xlsx)",
                file=filename,
            )
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the declared size is the file's claim, not its content
        records = list(bounded_rows(sheet.iter_rows(values_only=True)))
    except SheetTooLarge as exc:
        raise ImportFileError(exc.message) from exc
    finally:
        workbook.close()
    if not records:
        raise ImportFileError(N_("%(file)s is empty", file=filename))
    headers = ["" if h is None else str(h) for h in records[0]]
    rows = [(number, cells) for number, cells in enumerate(records[1:], start=2)]
    return Table(headers, rows)


def read_table(filename: str, data: bytes) -> Table:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data, filename)
    if suffix == ".csv":
        return _read_csv(data, filename)
    raise ImportFileError(
        N_("cannot import %(file)s: only .xlsx and .csv files can be imported", file=filename)
    )


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _unneutralise(str(value))


def cell_date(value: Any) -> date | str | None:
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 120000:
        serial = from_excel(value)
        return serial.date() if isinstance(serial, datetime) else cell_text(value)
    return cell_text(value)
