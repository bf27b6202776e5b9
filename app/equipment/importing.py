"""Importing the ledger from .xlsx or .csv: check every row first, then write all or nothing.

A dry run lists every bad row (row numbers as Excel shows them, the header being
row 1) and writes nothing. Applying re-checks and writes inside the caller's
transaction; the caller commits only when `report.applied` is true. Rows match
existing records by (site, asset code), so importing the same file twice creates
no duplicates.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from app.core.text import clean_code
from app.core.validation import N_, Msg
from app.equipment.columns import BY_FIELD, COLUMNS, REQUIRED_KEYS, Column, column_for_header
from app.equipment.columns import unneutralise as _unneutralise
from app.equipment.models import Equipment
from app.equipment.services import (
    ConflictError,
    EquipmentInput,
    EquipmentInvalid,
    Lookups,
    asset_code_taken,
    check,
    create_equipment,
    update_equipment,
)
from app.equipment.sheet_limits import (
    MAX_PROBLEMS,
    SheetTooLarge,
    bounded_rows,
    check_unpacked_size,
    excerpt,
    short_params,
)
from app.sites.models import Site

SUFFIXES = (".xlsx", ".csv")
_DELIMITERS = (",", ";", "\t")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (encoding, format, missing columns)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: Msg
    field: str = ""

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class RowPlan:
    row: int
    asset_code: str
    action: str  # "create", "update" or "unchanged"
    changed: list[str]
    data: EquipmentInput
    existing: Equipment | None


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None


@dataclass
class ImportReport:
    filename: str
    encoding: str | None = None
    plans: list[RowPlan] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_locations: list[str] = field(default_factory=list)
    applied: bool = False
    stopped_at: int | None = None
    """The row where checking stopped after MAX_PROBLEMS problems; None if every row was read."""

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p.action == action)

    @property
    def checked_rows(self) -> int:
        return len({p.row for p in self.plans} | {p.row for p in self.problems})

    def summary(self) -> str:
        head = (
            f"{self.checked_rows} rows checked: {self.count('create')} new, "
            f"{self.count('update')} changed, {self.count('unchanged')} unchanged, "
            f"{len(self.problems)} problems"
        )
        if self.applied:
            return head + "; imported"
        if self.stopped_at is not None:
            head += f"; checking stopped at row {self.stopped_at}"
        return head + "; nothing was written"


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


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _unneutralise(str(value))


def _cell_date(value: Any) -> date | str | None:
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 120000:
        serial = from_excel(value)
        return serial.date() if isinstance(serial, datetime) else _cell_text(value)
    return _cell_text(value)


def _map_headers(headers: list[str]) -> tuple[dict[int, Column], dict[str, str], list[str]]:
    """Column index → Column; the header text the user wrote per field; unknown headers."""
    mapping: dict[int, Column] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        column = column_for_header(header)
        if column is None:
            ignored.append(excerpt(header.strip()))
            continue
        if column.field in written:
            raise ImportFileError(
                N_(
                    "the columns %(first)s and %(second)s both mean %(zh)s; keep one",
                    first=written[column.field],
                    second=header.strip(),
                    zh=column.zh,
                )
            )
        mapping[index] = column
        written[column.field] = header.strip()
    return mapping, written, ignored


class _RowReader:
    """Turns one spreadsheet row into an `EquipmentInput`, matched to the stored record."""

    def __init__(self, mapping: dict[int, Column], forced_site: Site | None, lookups: Lookups):
        self.mapping = mapping
        self.forced_site = forced_site
        self.lookups = lookups

    def values(self, cells: list[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for index, column in self.mapping.items():
            raw = cells[index] if index < len(cells) else None
            values[column.field] = _cell_date(raw) if column.is_date else _cell_text(raw)
        return values

    def site_ref(self, values: dict[str, Any]) -> tuple[int | str | None, Msg | None]:
        written = clean_code(values.pop("site_id", ""))
        if self.forced_site is None:
            return written or None, None
        if written and written.casefold() != self.forced_site.code.casefold():
            return None, N_(
                "this row is for site %(row_site)s but the import is for site %(site)s",
                row_site=written,
                site=self.forced_site.code,
            )
        return self.forced_site.id, None


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def import_equipment(
    filename: str,
    data: bytes,
    *,
    site_code: str | None = None,
    dry_run: bool = True,
    create_locations: bool = False,
) -> ImportReport:
    """Check every row of the file; unless `dry_run` and when all rows are fine, write them.

    Raises ImportFileError when the file as a whole is unusable.
    """
    table = read_table(filename, data)
    mapping, written, ignored = _map_headers(table.headers)
    required = REQUIRED_KEYS if site_code else ("site", *REQUIRED_KEYS)
    present = {c.key for c in mapping.values()}
    missing = [c.zh for c in COLUMNS if c.key in required and c.key not in present]
    if missing:
        message = N_(
            "missing required columns: %(columns)s (the first row must hold the headers)",
            columns=", ".join(missing),
        )
        if table.encoding == "gb18030":
            message = N_(
                "missing required columns: %(columns)s; the file was read as GB18030 — if "
                "the headers look garbled (%(found)s), save it as CSV UTF-8 or .xlsx",
                columns=", ".join(missing),
                found=", ".join(h for h in table.headers if h.strip())[:80],
            )
        raise ImportFileError(message)

    lookups = Lookups(create_locations=create_locations)
    forced_site: Site | None = None
    if site_code:
        forced_site, problem = lookups.site(site_code)
        if problem:
            raise ImportFileError(problem)
    reader = _RowReader(mapping, forced_site, lookups)
    report = ImportReport(filename, table.encoding, ignored_columns=ignored)

    def header(field_name: str) -> str:
        return written.get(field_name) or BY_FIELD[field_name].zh

    seen: dict[tuple[int, str], int] = {}
    for row, cells in table.rows:
        if len(report.problems) >= MAX_PROBLEMS:
            report.stopped_at = row
            break
        if _is_blank(cells):
            continue
        values = reader.values(cells)
        site_ref, problem = reader.site_ref(values)
        if problem:
            report.problems.append(RowProblem(row, header("site_id"), problem, "site_id"))
            continue
        site = lookups.site(site_ref)[0] if site_ref is not None else None
        code = clean_code(values.get("asset_code"))
        existing = asset_code_taken(site, code, None) if site and code else None
        base = EquipmentInput.from_equipment(existing) if existing else EquipmentInput()
        data_in = base.updated({**values, "site_id": site_ref})
        checked = check(data_in, existing, lookups)
        if site and code:
            first = seen.setdefault((site.id, code), row)
            if first != row:
                report.problems.append(
                    RowProblem(
                        row,
                        header("asset_code"),
                        N_(
                            "%(code)s appears twice in the file: rows %(first)d and %(row)d",
                            code=code,
                            first=first,
                            row=row,
                        ),
                        "asset_code",
                    )
                )
                continue
        for field_name, message in checked.errors.items():
            report.problems.append(RowProblem(row, header(field_name), message, field_name))
        if not checked.ok:
            continue
        if checked.pending_location is not None:
            report.new_locations.append(
                f"{checked.pending_location.site.code}: {checked.pending_location.path}"
            )
        changed = checked.differences(existing) if existing else []
        action = "create" if existing is None else ("update" if changed else "unchanged")
        report.plans.append(RowPlan(row, code, action, changed, data_in, existing))

    report.new_locations = list(dict.fromkeys(report.new_locations))
    order = {c.field: i for i, c in enumerate(COLUMNS)}
    report.problems.sort(key=lambda p: (p.row, order.get(p.field, 0)))
    report.problems = [replace(p, message=short_params(p.message)) for p in report.problems]
    if report.problems or dry_run:
        return report
    _apply(report, lookups, header)
    return report


def _apply(report: ImportReport, lookups: Lookups, header: Any) -> None:
    """Write every planned row; any failure leaves `applied` false so the caller rolls back."""
    for plan in report.plans:
        try:
            if plan.existing is None:
                create_equipment(plan.data, lookups)
            elif plan.action == "update":
                update_equipment(plan.existing, plan.data, plan.existing.version, lookups)
        except EquipmentInvalid as exc:
            for field_name, message in exc.fields.items():
                report.problems.append(
                    RowProblem(plan.row, header(field_name), message, field_name)
                )
            return
        except ConflictError:
            report.problems.append(
                RowProblem(
                    plan.row,
                    header("asset_code"),
                    N_("someone else changed this equipment during the import; try again"),
                )
            )
            return
    report.applied = True
