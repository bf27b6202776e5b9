"""The daily checklist (每日作业检查表) of a team, a worker or an area on one day.

Read from stored work orders, never from rules, so the paper says what the phones
and feeds say. Rows are grouped by building and floor; a task done several times a
day is one row with one line per visit (time, tick box, time done, initials, the
lead's check). Patrol rounds are left to the patrol sheet and only counted here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.calendars.services import site_calendar
from app.core.validation import N_
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.plans.models import PlanKind
from app.printing.places import LocationTree
from app.printing.sheet import Field, PrintInputError, SheetHead, Signature, app_url, local_clock
from app.printing.tasks import TaskNames
from app.printing.words import Locale, Words, day_marker, day_text
from app.sites.models import Location, Site
from app.workorders.models import FINISHED_STATUSES, WorkOrder, WorkOrderStatus
from app.workorders.trades import OnPaper

SHEET_PATH = "/work/sheet"
"""Where the QR code leads: the work-orders page that enters a returned paper sheet
(query: site, team or location, day — ids, as that page reads them)."""

NOT_ON_PAPER = (WorkOrderStatus.SKIPPED.value, WorkOrderStatus.CANCELLED.value)
DONE = frozenset(status.value for status in FINISHED_STATUSES)


@dataclass(frozen=True)
class Visit:
    due: str  # HH:MM
    done: bool = False
    done_at: str = ""
    work_order_id: int | None = None


@dataclass(frozen=True)
class TaskRow:
    number: int
    task: str
    place: str
    frequency: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class TaskGroup:
    title: str
    rows: tuple[TaskRow, ...]


@dataclass(frozen=True)
class ChecklistSheet:
    locale: Locale
    head: SheetHead
    groups: tuple[TaskGroup, ...]
    signatures: tuple[Signature, ...]
    patrols_elsewhere: int = 0
    summary: str = ""
    kind: str = "checklist"


def day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight in the site's time zone."""
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(day, time(), zone)
    return start, start + timedelta(days=1)


def daily_checklist(
    site: Site,
    day: date,
    *,
    locale: Locale,
    team: Team | None = None,
    worker: User | None = None,
    area: Location | None = None,
    on_paper: OnPaper | None = None,
) -> ChecklistSheet:
    """The sheet for exactly one of `team`, `worker` or `area` at `site` on `day`,
    holding only the work `on_paper` lets the printing user see (None: the CLI, all)."""
    if sum(x is not None for x in (team, worker, area)) != 1:
        raise PrintInputError({"team": N_("Choose one team, one worker or one area.")})
    if team is not None and team.site_id != site.id:
        raise PrintInputError({"team": N_("This team belongs to another site.")})
    if area is not None and area.site_id != site.id:
        raise PrintInputError({"area": N_("This area belongs to another site.")})
    t = Words(locale)
    tree = LocationTree(site.id)
    orders = list(db.session.scalars(_orders(site, day, tree, team, worker, area)))
    if on_paper is not None:
        orders = [order for order in orders if on_paper(order)]
    patrols = [o for o in orders if o.plan is not None and o.plan.kind == PlanKind.PATROL.value]
    work = [o for o in orders if o not in patrols]
    groups = _groups(work, tree, TaskNames(locale), site.timezone, with_people=worker is None)
    tasks = sum(len(group.rows) for group in groups)
    visits = sum(len(row.visits) for group in groups for row in group.rows)
    return ChecklistSheet(
        locale=locale,
        head=_head(site, day, locale, team, worker, area, tree),
        groups=groups,
        signatures=(Signature(t("sign.worker")), Signature(t("sign.lead"))),
        patrols_elsewhere=len(patrols),
        summary=t("summary", tasks=tasks, visits=visits),
    )


def _orders(
    site: Site,
    day: date,
    tree: LocationTree,
    team: Team | None,
    worker: User | None,
    area: Location | None,
) -> Select[tuple[WorkOrder]]:
    start, end = day_bounds(site, day)
    stmt = (
        select(WorkOrder)
        .options(selectinload(WorkOrder.plan), selectinload(WorkOrder.assignee))
        .where(
            WorkOrder.site_id == site.id,
            WorkOrder.due_at >= start,
            WorkOrder.due_at < end,
            WorkOrder.status.not_in(NOT_ON_PAPER),
        )
        .order_by(WorkOrder.due_at, WorkOrder.id)
    )
    if team is not None:
        return stmt.where(WorkOrder.team_id == team.id)
    if worker is not None:
        return stmt.where(WorkOrder.assignee_id == worker.id)
    assert area is not None
    return stmt.where(WorkOrder.location_id.in_(list(tree.subtree(area.id))))


def _groups(
    orders: list[WorkOrder],
    tree: LocationTree,
    names: TaskNames,
    timezone: str,
    *,
    with_people: bool,
) -> tuple[TaskGroup, ...]:
    """Building · floor groups in location order; one row per plan and place, visits by time."""
    rows: dict[tuple[int | None, str], list[WorkOrder]] = defaultdict(list)
    for order in orders:
        key = (order.location_id, f"p{order.plan_id}" if order.plan_id else f"w{order.id}")
        rows[key].append(order)
    by_group: dict[tuple[int | None, int | None], list[tuple[int | None, list[WorkOrder]]]] = (
        defaultdict(list)
    )
    for (location_id, _key), members in rows.items():
        building, floor = tree.building_and_floor(location_id)
        group_key = (building.id if building else None, floor.id if floor else None)
        by_group[group_key].append((location_id, members))

    def group_order(key: tuple[int | None, int | None]) -> tuple[object, ...]:
        building, floor = key
        return (building is None, tree.sort_path(floor if floor is not None else building))

    groups: list[TaskGroup] = []
    number = 0
    for group_key in sorted(by_group, key=group_order):
        entries = sorted(
            by_group[group_key],
            key=lambda e: (tree.sort_path(e[0]), e[1][0].due_at, e[1][0].title),
        )
        group_rows = []
        for location_id, members in entries:
            number += 1
            first = members[0]
            group_rows.append(
                TaskRow(
                    number=number,
                    task=names.name(first.plan, first.title),
                    place=_place(location_id, group_key, tree, members if with_people else []),
                    frequency=names.frequency(first.plan),
                    visits=tuple(
                        Visit(
                            due=local_clock(o.due_at, timezone),
                            done=o.status in DONE,
                            done_at=local_clock(o.completed_at, timezone),
                            work_order_id=o.id,
                        )
                        for o in members
                    ),
                )
            )
        groups.append(TaskGroup(_group_title(group_key, tree), tuple(group_rows)))
    return tuple(groups)


def _group_title(key: tuple[int | None, int | None], tree: LocationTree) -> str:
    names = [tree.nodes[node_id].name for node_id in key if node_id is not None]
    return " · ".join(names) or "—"


def _place(
    location_id: int | None,
    group_key: tuple[int | None, int | None],
    tree: LocationTree,
    members: list[WorkOrder],
) -> str:
    """The area below the group's building/floor, and who is on it (for team sheets)."""
    chain = [node.name for node in tree.chain(location_id) if node.id not in group_key]
    people = list(dict.fromkeys(o.assignee.name for o in members if o.assignee is not None))
    return " · ".join(part for part in ("/".join(chain), "、".join(people)) if part)


def _head(
    site: Site,
    day: date,
    locale: Locale,
    team: Team | None,
    worker: User | None,
    area: Location | None,
    tree: LocationTree,
) -> SheetHead:
    t = Words(locale)
    when = day_text(day, locale)
    if team is not None:
        subject_label, subject = t("team"), team.name
        leads = leads_of([team.id])
        link: dict[str, object] = {"team": team.id}
    elif worker is not None:
        subject_label, subject = t("worker"), worker.name
        leads = leads_of([m.team_id for m in worker.memberships if m.team.site_id == site.id])
        link = {"worker": worker.id}
    else:
        assert area is not None
        subject_label, subject = t("area"), tree.path(area.id)
        leads = []
        link = {"location": area.id}
    fields = [
        Field(t("site"), site.name),
        Field(subject_label, subject),
        Field(t("date"), when),
    ]
    if leads:
        fields.append(Field(t("lead"), "、".join(leads)))
    return SheetHead(
        title=t("checklist.title"),
        id_line=f"{site.name} · {subject} · {when}",
        fields=tuple(fields),
        marker=day_marker(site_calendar(site), day, locale),
        qr_url=app_url(SHEET_PATH, site=site.id, day=day.isoformat(), **link),
        qr_caption=t("scan_to_fill"),
    )


def leads_of(team_ids: list[int]) -> list[str]:
    """Names of the leads of these teams, for the header."""
    if not team_ids:
        return []
    return list(
        db.session.scalars(
            select(User.name)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id.in_(team_ids), TeamMembership.is_lead.is_(True))
            .order_by(User.name)
        )
    )
