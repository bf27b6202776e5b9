"""Exporting the ledger to .xlsx or .csv with the same columns the importer reads.

CSV is written as UTF-8 with a BOM: without it, Chinese Excel assumes GB18030
and shows garbage.
"""

import csv
import io
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.equipment.columns import COLUMNS, export_row
from app.equipment.models import Equipment
from app.extensions import db
from app.sites.models import Location, Site

FORMATS = ("xlsx", "csv")
SHEET_TITLE = "设备台账"


class ExportError(ValueError):
    """The export cannot be written as asked (e.g. an unknown file type)."""


def format_for(filename: str) -> str:
    """xlsx or csv from the file name's suffix."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"cannot export to {filename}: the file name must end in .xlsx or .csv")
    return suffix


def ledger_records(site: Site | None = None) -> Sequence[Equipment]:
    """Every record of one site (or all), retired ones included: an export is a full copy."""
    locations = select(Location)
    stmt = (
        select(Equipment)
        .join(Site, Site.id == Equipment.site_id)
        .options(
            joinedload(Equipment.site),
            joinedload(Equipment.maintainer_team),
            joinedload(Equipment.maintainer_contractor),
        )
        .order_by(Site.code, Equipment.asset_code)
    )
    if site is not None:
        stmt = stmt.where(Equipment.site_id == site.id)
        locations = locations.where(Location.site_id == site.id)
    db.session.scalars(locations).all()  # the whole tree in the identity map: paths need no queries
    return db.session.scalars(stmt).unique().all()


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    sheet.append([c.zh for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.zh for c in COLUMNS])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def export_ledger(fmt: str, site: Site | None = None) -> bytes:
    """The ledger as file bytes in `fmt` ("xlsx" or "csv")."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use xlsx or csv")
    rows = [export_row(eq, dates_as_text=fmt == "csv") for eq in ledger_records(site)]
    return _xlsx(rows) if fmt == "xlsx" else _csv(rows)
