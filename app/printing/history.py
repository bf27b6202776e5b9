"""The equipment history report (设备维护履历) for an audit: one asset or one category, a period.

Every work order of the period is listed — done, late, missed, skipped or
cancelled — with who did it, when it was finished and what failed, followed by
totals and the on-time rate, so an inspector sees the gaps as well as the work.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access.objects import Person
from app.core import clock
from app.core.validation import N_
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.printing.labels import EQUIPMENT_PATH
from app.printing.lookup import check_period
from app.printing.places import LocationTree
from app.printing.sheet import Field, PrintInputError, SheetHead, Signature, app_url, local_stamp
from app.printing.tasks import TaskNames
from app.printing.words import Locale, Words, pick
from app.sites.models import Site
from app.vocab.categories import CATEGORIES
from app.workorders.history import visible_to
from app.workorders.models import STATUS_LABELS, WorkCompletion, WorkOrder, WorkOrderStatus

FINDINGS_SHOWN = 3
ON_TIME = WorkOrderStatus.DONE.value
COUNTED = (
    WorkOrderStatus.DONE.value,
    WorkOrderStatus.DONE_LATE.value,
    WorkOrderStatus.MISSED.value,
)


@dataclass(frozen=True)
class HistoryRow:
    due: str
    asset: str
    work: str
    by: str
    status: str
    status_key: str
    done_at: str
    findings: str
    note: str


@dataclass(frozen=True)
class HistorySheet:
    locale: Locale
    head: SheetHead
    rows: tuple[HistoryRow, ...]
    totals: tuple[str, ...]
    one_asset: bool
    signatures: tuple[Signature, ...]
    kind: str = "history"


def equipment_history(
    site: Site,
    first_day: date | None,
    last_day: date | None,
    *,
    locale: Locale,
    equipment: Equipment | None = None,
    category: str | None = None,
    viewer: Person | None = None,
) -> HistorySheet:
    """Work of `equipment`, or of every asset of `category` at `site`, due in the period.

    A visit the viewer may not open (`may_view`, as `/work/<id>`) is listed with its
    status and dates, without who signed, findings or remarks; None (the CLI) sees all."""
    first_day, last_day = check_period(first_day, last_day)
    if (equipment is None) == (category is None):
        raise PrintInputError({"equipment": N_("Choose one asset or one category.")})
    if equipment is not None and equipment.site_id != site.id:
        raise PrintInputError({"equipment": N_("This asset belongs to another site.")})
    if category is not None and category not in CATEGORIES:
        raise PrintInputError({"category": N_("There is no category %(key)s.", key=category)})
    t = Words(locale)
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(first_day, time(), zone)
    end = datetime.combine(last_day + timedelta(days=1), time(), zone)
    stmt = (
        select(WorkOrder)
        .join(Equipment, Equipment.id == WorkOrder.equipment_id)
        .options(
            selectinload(WorkOrder.completion),
            selectinload(WorkOrder.assignee),
            selectinload(WorkOrder.contractor),
            selectinload(WorkOrder.equipment),
            selectinload(WorkOrder.plan).selectinload(Plan.contractor),
        )
        .where(WorkOrder.site_id == site.id, WorkOrder.due_at >= start, WorkOrder.due_at < end)
        .order_by(Equipment.asset_code, WorkOrder.due_at, WorkOrder.id)
    )
    if equipment is not None:
        stmt = stmt.where(WorkOrder.equipment_id == equipment.id)
    else:
        stmt = stmt.where(Equipment.category == category)
    orders = list(db.session.scalars(stmt))
    plans = _visit_plans(orders)
    names = TaskNames(locale)
    rows = tuple(
        _row(order, plans, names, site.timezone, locale, visible_to(viewer, order))
        for order in orders
    )
    period = f"{first_day:%Y-%m-%d} – {last_day:%Y-%m-%d}"
    return HistorySheet(
        locale=locale,
        head=_head(site, equipment, category, period, locale),
        rows=rows,
        totals=_totals(orders, locale),
        one_asset=equipment is not None,
        signatures=(Signature(t("sign.made_by")), Signature(t("sign.checked_by"))),
    )


def _visit_plans(orders: list[WorkOrder]) -> dict[int, Plan]:
    """The plan that names each visit (its top tier), loaded in one query."""
    ids = {_visit_plan_id(order) for order in orders} - {None}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_(ids)))}


def _visit_plan_id(order: WorkOrder) -> int | None:
    if order.tier and order.tier.isdigit():
        return int(order.tier)
    return order.plan_id


def _row(
    order: WorkOrder,
    plans: dict[int, Plan],
    names: TaskNames,
    timezone: str,
    locale: Locale,
    visible: bool,
) -> HistoryRow:
    completion = order.completion if visible else None
    plan = plans.get(_visit_plan_id(order) or 0)
    by = _performer(order, completion) if visible else ""
    failed = completion.failed_answers if completion else []
    findings = "；".join(pick(a.get("names") or {}, locale) for a in failed[:FINDINGS_SHOWN])
    if len(failed) > FINDINGS_SHOWN:
        findings += f" … +{len(failed) - FINDINGS_SHOWN}"
    note = completion.note if completion else order.skip_reason if visible else ""
    equipment = order.equipment
    return HistoryRow(
        due=f"{order.due_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d}",
        asset=f"{equipment.asset_code} {equipment.name}" if equipment else "",
        work=names.name(plan, order.title),
        by=by,
        status=pick(STATUS_LABELS.get(order.status, (order.status, order.status)), locale),
        status_key=order.status,
        done_at=local_stamp(completion.finished_at if completion else order.completed_at, timezone),
        findings=findings,
        note=note or "",
    )


def _performer(order: WorkOrder, completion: WorkCompletion | None) -> str:
    """Who signed, or else who was assigned, or else the contractor."""
    if completion and completion.signature_name:
        return completion.signature_name
    return order.assignee.name if order.assignee else _contractor(order)


def _contractor(order: WorkOrder) -> str:
    contractor = order.contractor or (order.plan.contractor if order.plan else None)
    return contractor.name if contractor else ""


def _totals(orders: list[WorkOrder], locale: Locale) -> tuple[str, ...]:
    t = Words(locale)
    counts = Counter(order.status for order in orders)
    parts = [f"{t('total')} {len(orders)}"]
    parts += [
        f"{pick(label, locale)} {counts[status]}"
        for status, label in STATUS_LABELS.items()
        if counts.get(status)
    ]
    counted = sum(counts.get(status, 0) for status in COUNTED)
    if counted:
        parts.append(f"{t('on_time_rate')} {counts.get(ON_TIME, 0) / counted:.0%}")
    return tuple(parts)


def _head(
    site: Site, equipment: Equipment | None, category: str | None, period: str, locale: Locale
) -> SheetHead:
    t = Words(locale)
    fields = [Field(t("site"), site.name)]
    if equipment is not None:
        tree = LocationTree(site.id)
        subject = f"{equipment.asset_code} {equipment.name}"
        fields += [
            Field(t("equipment"), subject),
            Field(t("category"), pick(CATEGORIES.get(equipment.category), locale)),
            Field(t("location"), tree.path(equipment.location_id)),
        ]
        make = " ".join(part for part in (equipment.manufacturer, equipment.model) if part)
        if make:
            fields.append(Field(t("model"), make))
        if equipment.registration_number:
            fields.append(Field(t("registration"), equipment.registration_number))
        if equipment.registration_code:
            fields.append(Field(t("registration_code"), equipment.registration_code))
        if equipment.maintainer is not None:
            fields.append(Field(t("maintainer"), equipment.maintainer.name))
        qr_url: str | None = app_url(EQUIPMENT_PATH.format(id=equipment.id))
    else:
        subject = pick(CATEGORIES[category or ""], locale)
        fields.append(Field(t("category"), subject))
        qr_url = None
    fields += [
        Field(t("period"), period),
        Field(t("printed_at"), local_stamp(clock.utcnow(), site.timezone)),
    ]
    return SheetHead(
        title=t("history.title"),
        id_line=f"{site.name} · {subject} · {period}",
        fields=tuple(fields),
        qr_url=qr_url,
        qr_caption=t("scan_to_open"),
    )
