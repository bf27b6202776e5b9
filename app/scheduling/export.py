"""Exporting stored occurrences (planned work orders) to .csv, .xlsx or .json.

One row per occurrence, in Chinese for the site office: site, asset code (or
location), plan, catalog task, tier, due time and window in the site's time zone,
who goes, status and the reasons. Rows stream from the database to the file, so a
year of a large portfolio never sits in memory. CSV is UTF-8 with a BOM (Chinese
Excel assumes GB18030 without one); CSV and XLSX text cells are neutralised
against formula injection with the ledger exporter's helper.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select

from app.equipment.columns import neutralise
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, User
from app.plans.models import Plan
from app.scheduling.mapping import Places
from app.sites.models import Location, Site
from app.workorders.models import STATUS_LABELS, WorkOrder, WorkOrderKind
from schedules import Reason

FORMATS = ("csv", "xlsx", "json")
SHEET_TITLE = "排程"
TIME_FORMAT = "%Y-%m-%d %H:%M"
REASON_SEPARATOR = "；"
UNASSIGNED_LABEL = "未派工"


@dataclass(frozen=True)
class ExportColumn:
    key: str  # JSON key
    zh: str  # CSV/XLSX header


COLUMNS = (
    ExportColumn("site", "项目"),
    ExportColumn("asset", "设备编号/位置"),
    ExportColumn("plan", "计划"),
    ExportColumn("task", "任务"),
    ExportColumn("tier", "级别"),
    ExportColumn("due", "到期时间"),
    ExportColumn("window_start", "窗口开始"),
    ExportColumn("window_end", "窗口结束"),
    ExportColumn("assignee", "执行人"),
    ExportColumn("status", "状态"),
    ExportColumn("reason", "原因"),
)


class ExportError(ValueError):
    """The export cannot be written as asked; the message says why."""


def format_for(path: Path) -> str:
    """csv, xlsx or json from the file name's suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(
            f"cannot export to {path.name}: the name must end in .csv, .xlsx or .json"
        )
    return suffix


def export_occurrences(path: Path, start: dt.date, end: dt.date, site: Site | None = None) -> int:
    """Write the occurrences due on days [start, end] (site-local) to `path`; returns the count."""
    fmt = format_for(path)
    if end < start:
        raise ExportError(f"the end date {end} is before the start date {start}")
    rows = occurrence_rows(start, end, site)
    if fmt == "xlsx":
        return _write_xlsx(path, rows)
    with path.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as out:
        return _write_csv(out, rows) if fmt == "csv" else _write_json(out, rows)


def occurrence_rows(
    start: dt.date, end: dt.date, site: Site | None = None
) -> Iterator[dict[str, str]]:
    """Export rows (JSON keys → display text), site by site, by due time."""
    stmt = select(Site).order_by(Site.code)
    if site is not None:
        stmt = stmt.where(Site.id == site.id)
    for row_site in db.session.scalars(stmt).all():
        yield from _site_rows(row_site, start, end)


def _site_rows(site: Site, start: dt.date, end: dt.date) -> Iterator[dict[str, str]]:
    zone = ZoneInfo(site.timezone)
    label = f"{site.name} ({site.code})"
    places = Places(
        db.session.execute(
            select(Location.id, Location.parent_id, Location.name).where(
                Location.site_id == site.id
            )
        )
    )
    plans = {
        plan_id: (name, task or "")
        for plan_id, name, task in db.session.execute(
            select(Plan.id, Plan.name, Plan.catalog_task_key).where(Plan.site_id == site.id)
        )
    }
    stmt = (
        select(
            WorkOrder.plan_id,
            WorkOrder.tier,
            WorkOrder.location_id,
            WorkOrder.due_at,
            WorkOrder.window_start,
            WorkOrder.window_end,
            WorkOrder.status,
            WorkOrder.unassigned,
            WorkOrder.reasons,
            Equipment.asset_code,
            User.name.label("assignee"),
            Team.name.label("team"),
        )
        .outerjoin(Equipment, Equipment.id == WorkOrder.equipment_id)
        .outerjoin(User, User.id == WorkOrder.assignee_id)
        .outerjoin(Team, Team.id == WorkOrder.team_id)
        .where(
            WorkOrder.site_id == site.id,
            WorkOrder.kind == WorkOrderKind.PLANNED.value,
            WorkOrder.due_at >= dt.datetime.combine(start, dt.time(), zone),
            WorkOrder.due_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone),
        )
        .order_by(WorkOrder.due_at, WorkOrder.id)
        .execution_options(yield_per=1000)
    )
    for row in db.session.execute(stmt):
        plan_name, task = plans.get(row.plan_id, ("", ""))
        tier_name = ""
        if row.tier and row.tier.isdigit() and int(row.tier) in plans:
            tier_name, task = plans[int(row.tier)]
        yield {
            "site": label,
            "asset": row.asset_code or places.path(row.location_id),
            "plan": plan_name,
            "task": task,
            "tier": tier_name,
            "due": _local(row.due_at, zone),
            "window_start": _local(row.window_start, zone),
            "window_end": _local(row.window_end, zone),
            "assignee": row.assignee or row.team or (UNASSIGNED_LABEL if row.unassigned else ""),
            "status": STATUS_LABELS.get(row.status, (row.status,))[0],
            "reason": REASON_SEPARATOR.join(Reason.from_json(r).render("zh") for r in row.reasons),
        }


def _local(value: dt.datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime(TIME_FORMAT)


def _cells(row: dict[str, str]) -> list[Any]:
    return [neutralise(row[c.key]) for c in COLUMNS]


def _write_csv(out: IO[str], rows: Iterator[dict[str, str]]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.zh for c in COLUMNS])
    count = 0
    for row in rows:
        writer.writerow(_cells(row))
        count += 1
    return count


def _write_json(out: IO[str], rows: Iterator[dict[str, str]]) -> int:
    """A JSON array written one object per line, so it streams like the others."""
    out.write("[")
    count = 0
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_xlsx(path: Path, rows: Iterator[dict[str, str]]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    sheet.append([c.zh for c in COLUMNS])
    count = 0
    for row in rows:
        sheet.append(_cells(row))
        count += 1
    workbook.save(path)
    return count
