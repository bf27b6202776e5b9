"""Work-order rows → calendar events: what a technician sees on the phone, and what a
resident sees on the building feed (no staff names, no internal links).

Rows are loaded once, their plans, equipment, places and people in a handful of bulk
queries, so a 600-event feed costs a few queries, not a few per event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select, select

from app.access.scoping import visible_in_scope
from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.disruptions import disruption_for
from app.feeds.ical import CalendarData, EventData, render
from app.feeds.models import FeedRef, FeedScope
from app.feeds.scopes import Selection, Target, select_rows
from app.people.models import Team, User
from app.plans.models import Plan
from app.plans.services import KIND_LABELS as PLAN_KIND_LABELS
from app.scheduling.mapping import Places
from app.sites.models import Location, Site
from app.vocab.categories import CATEGORIES
from app.workorders.models import KIND_LABELS as WORK_KIND_LABELS
from app.workorders.models import STATUS_LABELS, WorkOrder, WorkOrderKind, WorkOrderStatus
from schedules import Reason

Locale = Literal["zh", "en"]
T = TypeVar("T")
CHECKLIST_SHOWN = 5
"""Items written into DESCRIPTION; the rest are on the work-order page and its PDF."""
DONE = (WorkOrderStatus.DONE.value, WorkOrderStatus.DONE_LATE.value)
STAFF_COLOR = "teal"
PUBLIC_COLOR = "orange"

_WORDS: dict[str, tuple[str, str]] = {
    "work": ("工单", "Work"),
    "notices": ("停水停电停梯通知", "Planned outages"),
    "staff_desc": ("Rounds 工单日历（只读）。链接即权限，请勿转发。",
                   "Rounds work calendar (read-only). The link is the key: do not share it."),
    "public_desc": ("物业计划停水、停电及电梯停运通知（只读）。",
                    "Planned water, power and lift outages from property management (read-only)."),
    "checklist": ("检查项 %d 项：", "Checklist, %d items:"),
    "more": ("……另 %d 项，见工单", "…%d more on the work order"),
    "notes": ("备注：", "Notes: "),
    "fault": ("故障：", "Fault: "),
    "provisional": ("节假日安排尚未公布，日期可能调整。",
                    "Next year's holidays are not yet published; the date may move."),
    "unassigned": ("待派工", "not yet assigned"),
    "page": ("工单：", "Work order: "),
    "pdf": ("记录 PDF：", "Record PDF: "),
    "plan": ("计划", "Plan"),
}  # fmt: skip


def pick(pair: Sequence[str], locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]


def feed_locale(value: str | None) -> Locale:
    """Feeds are read without a session: the owner's language at issue, zh unless English."""
    return "en" if (value or "").lower().startswith("en") else "zh"


def base_url() -> str:
    return str(current_app.config["ROUNDS_BASE_URL"]).rstrip("/")


def uid_domain() -> str:
    """The @host of every UID; a change makes clients see duplicates, so it has its own
    setting (ROUNDS_FEED_UID_DOMAIN) that defaults to the base URL's host."""
    configured = current_app.config.get("ROUNDS_FEED_UID_DOMAIN")
    return str(configured or urlsplit(base_url()).hostname or "rounds")


def feed_timezone(site_timezone: str | None) -> str:
    """The target site's zone; a person's feed (which may span sites) uses the default."""
    return site_timezone or str(current_app.config["ROUNDS_TIMEZONE"])


# --- rows ------------------------------------------------------------------------------------


class Visit(Protocol):
    """The work-order columns an event is made of (a plain row: no ORM object per visit)."""

    id: int
    kind: str
    plan_id: int | None
    site_id: int
    equipment_id: int | None
    location_id: int | None
    title: str
    includes: list[str]
    due_at: datetime
    ends_at: datetime
    status: str
    assignee_id: int | None
    team_id: int | None
    reasons: list[dict[str, Any]]
    provisional_calendar: bool
    revision: int
    updated_at: datetime
    description: str


VISIT_COLUMNS = tuple(getattr(WorkOrder, name) for name in Visit.__annotations__)


# --- related rows ----------------------------------------------------------------------------


@dataclass
class Related:
    """Everything the events of some rows mention, loaded in bulk."""

    plans: dict[int, Plan]
    equipment: dict[int, Equipment]
    sites: dict[int, Site]
    places: Places
    people: dict[int, str]
    teams: dict[int, str]
    _checklists: dict[tuple[int | None, tuple[str, ...]], list[dict[str, Any]]] = field(
        default_factory=dict
    )
    _places: dict[tuple[int, int | None], str] = field(default_factory=dict)
    _texts: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def memo(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """Text shared by many visits (a plan's checklist lines, its categories) made once."""
        if key not in self._texts:
            self._texts[key] = make()
        value: T = self._texts[key]
        return value

    @classmethod
    def of(cls, rows: Sequence[Visit]) -> Related:
        plan_ids = {r.plan_id for r in rows if r.plan_id is not None}
        plan_ids |= {int(key) for r in rows for key in r.includes or () if str(key).isdigit()}
        site_ids = {r.site_id for r in rows}
        return cls(
            plans=_by_id(Plan, plan_ids),
            equipment=_by_id(Equipment, {r.equipment_id for r in rows if r.equipment_id}),
            sites=_by_id(Site, site_ids),
            places=Places(
                db.session.execute(
                    select(Location.id, Location.parent_id, Location.name).where(
                        Location.site_id.in_(site_ids)
                    )
                ).all()
            ),
            people=_names(User, {r.assignee_id for r in rows if r.assignee_id}),
            teams=_names(Team, {r.team_id for r in rows if r.team_id}),
        )


def _by_id(model: Any, ids: Iterable[int]) -> dict[int, Any]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(wanted)))}


def _names(model: Any, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = select(model.id, model.name).where(model.id.in_(wanted))
    return {row_id: name for row_id, name in db.session.execute(stmt).all()}


def _location_id(row: Visit, related: Related) -> int | None:
    if row.location_id is not None:
        return row.location_id
    equipment = related.equipment.get(row.equipment_id or 0)
    return equipment.location_id if equipment is not None else None


def _location_text(row: Visit, related: Related) -> str:
    """Site, then building/floor/room: enough to find the place from the lock screen."""
    key = (row.site_id, _location_id(row, related))
    if key not in related._places:
        site = related.sites.get(row.site_id)
        path = related.places.path(key[1])
        related._places[key] = " ".join(p for p in (site.name if site else "", path) if p)
    return related._places[key]


# --- events ----------------------------------------------------------------------------------


def _checklist(row: Visit, related: Related) -> list[dict[str, Any]]:
    """The visit's items: every tier it includes (a quarterly visit also does the
    half-monthly items), else its plan's. Worked out once per plan and tier."""
    memo = (row.plan_id, tuple(row.includes or ()))
    if memo not in related._checklists:
        related._checklists[memo] = _merged_checklist(row, related)
    return related._checklists[memo]


def _merged_checklist(row: Visit, related: Related) -> list[dict[str, Any]]:
    keys = [int(k) for k in row.includes or () if str(k).isdigit()]
    plans = [related.plans[k] for k in keys if k in related.plans]
    if not plans and row.plan_id in related.plans:
        plans = [related.plans[row.plan_id]]
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for plan in plans:
        for item in plan.checklist or ():
            name = str((item.get("names") or {}).get("zh") or item.get("key", ""))
            if name not in seen:
                seen.add(name)
                items.append(item)
    return items


def _item_text(item: dict[str, Any], locale: Locale) -> str:
    names = item.get("names") or {}
    text = str(names.get(locale) or names.get("zh") or names.get("en") or item.get("key", ""))
    return ("★ " if item.get("key_item") else "· ") + text


def _who(row: Visit, related: Related, locale: Locale) -> str:
    person = related.people.get(row.assignee_id or 0)
    team = related.teams.get(row.team_id or 0)
    if person and team:
        return f"{person}（{team}）" if locale == "zh" else f"{person} ({team})"
    return person or team or pick(_WORDS["unassigned"], locale)


def _staff_description(row: Visit, related: Related, locale: Locale, base: str) -> str:
    status = STATUS_LABELS.get(row.status)
    lines = [
        " · ".join(
            p for p in (pick(status, locale) if status else "", _who(row, related, locale)) if p
        )
    ]
    if row.kind == WorkOrderKind.CORRECTIVE and row.description:
        lines.append(pick(_WORDS["fault"], locale) + row.description)
    key = ("checklist", row.plan_id, tuple(row.includes or ()), locale)
    lines.extend(related.memo(key, lambda: _checklist_lines(row, related, locale)))
    lines.extend(Reason.from_json(reason).render(locale) for reason in row.reasons or ())
    if row.provisional_calendar:
        lines.append(pick(_WORDS["provisional"], locale))
    lines.append(pick(_WORDS["page"], locale) + work_url(base, row.id))
    lines.append(pick(_WORDS["pdf"], locale) + f"{base}/print/record/{row.id}.pdf")
    return "\n".join(lines)


def _checklist_lines(row: Visit, related: Related, locale: Locale) -> list[str]:
    """The checklist summary and the plan's notes, the same for every visit of a plan tier."""
    lines = []
    items = _checklist(row, related)
    if items:
        lines.append(pick(_WORDS["checklist"], locale) % len(items))
        lines.extend(_item_text(item, locale) for item in items[:CHECKLIST_SHOWN])
        if len(items) > CHECKLIST_SHOWN:
            lines.append(pick(_WORDS["more"], locale) % (len(items) - CHECKLIST_SHOWN))
    plan = related.plans.get(row.plan_id or 0)
    if plan is not None and plan.notes:
        lines.append(pick(_WORDS["notes"], locale) + plan.notes.strip())
    return lines


def work_url(base: str, work_order_id: int) -> str:
    return f"{base}/work/{work_order_id}"


def _categories(row: Visit, related: Related, locale: Locale) -> tuple[str, ...]:
    plan = related.plans.get(row.plan_id or 0)
    kinds = WORK_KIND_LABELS if plan is None else PLAN_KIND_LABELS
    kind = kinds.get(row.kind if plan is None else plan.kind)
    equipment = related.equipment.get(row.equipment_id or 0)
    category = CATEGORIES.get(equipment.category) if equipment is not None else None
    names = [
        pick(kind, locale) if kind else "",
        pick((category.zh, category.en), locale) if category else "",
    ]
    return tuple(name for name in names if name)


def _summary(row: Visit) -> str:
    if row.status in DONE:
        return f"✓ {row.title}"
    if row.status == WorkOrderStatus.MISSED:
        return f"✗ {row.title}"
    return row.title


def staff_event(row: Visit, related: Related, locale: Locale, base: str, domain: str) -> EventData:
    """A visit as its crew and supervisors see it."""
    return EventData(
        uid=f"wo-{row.id}@{domain}",
        start=row.due_at,
        end=row.ends_at,
        stamp=row.updated_at,
        sequence=row.revision,
        summary=_summary(row),
        location=_location_text(row, related),
        description=_staff_description(row, related, locale, base),
        categories=related.memo(
            ("categories", row.plan_id, row.equipment_id, row.kind, locale),
            lambda: _categories(row, related, locale),
        ),
        status="TENTATIVE" if row.status == WorkOrderStatus.PLANNED else "CONFIRMED",
        order=row.id,
        url=work_url(base, row.id),
    )


def public_event(row: Visit, related: Related, locale: Locale, domain: str) -> EventData | None:
    """A visit as a resident needs it: what stops, where and when; no names, no links.
    Its own UID, so a resident who is also staff never sees the two merged."""
    plan = related.plans.get(row.plan_id or 0)
    equipment = related.equipment.get(row.equipment_id or 0)
    type_key = (plan.catalog_type_key if plan else None) or (
        equipment.type_key if equipment else None
    )
    disruption = disruption_for(type_key, plan.catalog_task_key if plan else None)
    if disruption is None:
        return None
    chain = related.places.chain(_location_id(row, related))
    place = " ".join([*chain[:1], equipment.name]) if equipment else "/".join(chain)
    site = related.sites.get(row.site_id)
    return EventData(
        uid=f"notice-{row.id}@{domain}",
        start=row.due_at,
        end=row.ends_at,
        stamp=row.updated_at,
        sequence=row.revision,
        summary=" · ".join(p for p in (pick(disruption.summary, locale), place) if p),
        location=_location_text(row, related),
        description=pick(disruption.advice, locale) + (f"\n{site.name}" if site else ""),
        categories=(pick(disruption.summary, locale),),
        status="CONFIRMED",
        order=row.id,
        transparent=True,
    )


# --- whole calendars -------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    body: bytes
    events: int
    last_updated: datetime | None  # newest row in the feed


@cache
def _rows_statement(scope: str) -> Select[Any]:
    return select_rows(select(*VISIT_COLUMNS), scope).order_by(WorkOrder.due_at, WorkOrder.id)


def _visits(rows: Sequence[Any]) -> Sequence[Visit]:
    """Rows selected with VISIT_COLUMNS, seen as visits."""
    return rows


def feed_rows(selection: Selection) -> Sequence[Visit]:
    """The rows of a feed; a plain Core query, so the owner's sites are applied here."""
    result = db.session.connection().execute(_rows_statement(selection.scope), selection.params())
    return _visits([row for row in result.all() if visible_in_scope(row.site_id)])


def calendar_name(target: Target, locale: Locale) -> str:
    word = "notices" if target.scope is FeedScope.BUILDING else "work"
    return f"{pick(_WORDS[word], locale)} · {target.name}"


def build_feed(feed: FeedRef, target: Target, selection: Selection, timezone: str) -> Built:
    """The feed's body from the rows in its window."""
    rows = feed_rows(selection)
    related = Related.of(rows)
    locale = feed_locale(feed.locale)
    base, domain = base_url(), uid_domain()
    public = target.scope is FeedScope.BUILDING
    events: list[EventData] = []
    for row in rows:
        event = (
            public_event(row, related, locale, domain)
            if public
            else staff_event(row, related, locale, base, domain)
        )
        if event is not None:
            events.append(event)
    calendar = CalendarData(
        uid=f"feed-{feed.id}@{domain}",
        name=calendar_name(target, locale),
        description=pick(_WORDS["public_desc" if public else "staff_desc"], locale),
        timezone=timezone,
        alarm_minutes=feed.alarm_minutes,
        color=PUBLIC_COLOR if public else STAFF_COLOR,
    )
    last = max((row.updated_at for row in rows), default=None)
    return Built(render(calendar, events), len(events), last)


def plan_rows(plan: Plan, now: datetime) -> list[Visit]:
    """A plan's future visits: its own rows, and for a higher tier the base rows that
    include it (tiered visits are stored under the base plan)."""
    stmt = select(*VISIT_COLUMNS).where(
        WorkOrder.due_at >= now,
        WorkOrder.status.not_in((WorkOrderStatus.CANCELLED.value, WorkOrderStatus.SKIPPED.value)),
    )
    if plan.tier_group:
        group = select(Plan.id).where(
            Plan.site_id == plan.site_id,
            Plan.equipment_id == plan.equipment_id,
            Plan.tier_group == plan.tier_group,
        )
        stmt = stmt.where(WorkOrder.plan_id.in_(group))
    else:
        stmt = stmt.where(WorkOrder.plan_id == plan.id)
    rows = _visits(db.session.execute(stmt.order_by(WorkOrder.due_at, WorkOrder.id)).all())
    key = str(plan.id)
    return [r for r in rows if r.plan_id == plan.id or key in (r.includes or ())]


def build_plan(plan: Plan, now: datetime, locale: Locale) -> Built:
    """A one-off download of a plan's future visits, to import rather than subscribe."""
    rows = plan_rows(plan, now)
    related = Related.of(rows)
    base, domain = base_url(), uid_domain()
    site = db.session.get(Site, plan.site_id)
    calendar = CalendarData(
        uid=f"plan-{plan.id}@{domain}",
        name=f"{pick(_WORDS['plan'], locale)} · {plan.name}",
        description=pick(_WORDS["staff_desc"], locale),
        timezone=site.timezone if site else str(current_app.config["ROUNDS_TIMEZONE"]),
        subscription=False,
        color=STAFF_COLOR,
    )
    events = [staff_event(row, related, locale, base, domain) for row in rows]
    last = max((row.updated_at for row in rows), default=None)
    return Built(render(calendar, events), len(events), last)
