"""The promises Rounds makes, checked over a simulated year (`harness.Record`).

Each function returns its violations as readable lines (plan, equipment, dates), at
most `SHOWN` of them after a count, so a failing test says what went wrong where.
Visits are the stored rows that are not skipped or cancelled; a visit's day is when
it was done, or when it is (was) due when it was not done (a missed visit still
shows the schedule kept its promise; the person did not). The every-week and
every-month checks count a visit done late in the period it was due in as well.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any

from app.workorders.models import WorkOrderStatus
from tests.simulation.record import TZ, Record, Row

SHOWN = 5
Check = Callable[[Record], list[str]]


def report(found: Iterable[str]) -> list[str]:
    found = list(found)
    if len(found) <= SHOWN:
        return found
    return [f"{len(found)} violations, the first {SHOWN}:", *found[:SHOWN]]


# --- helpers ---------------------------------------------------------------------------------


def _period(rrule: str) -> tuple[str, int]:
    parts = dict(p.split("=", 1) for p in rrule.split(";") if "=" in p)
    return parts.get("FREQ", ""), int(parts.get("INTERVAL", "1"))


def _label(record: Record, plan_id: int) -> str:
    plan = record.plans[plan_id]
    code = record.equipment[plan.equipment_id].code if plan.equipment_id in record.equipment else ""
    return f"plan {plan_id} {plan.name} [{code}]".replace(" []", "")


def _in_year(record: Record, day: dt.date) -> bool:
    return record.start <= day <= record.end


def visits_of(record: Record, plan_id: int, *, promised: bool = False) -> list[Row]:
    """The visits that do this plan's work: its own rows, or the chain rows that include
    it (a tier chain stores its visits on the base plan, `includes` naming the tiers).

    `promised` adds the visits the schedule planned the tier on that gave it to the visit
    carrying it (missed, then completed late after the carrier did the items; the row
    records only its base and says `tier_done_elsewhere`): like a missed visit, each
    still marks the promise by its due day, but did not do the tier.
    """
    plan = record.plans[plan_id]
    if plan.tier_group is None:
        rows = [r for r in record.rows if r.plan_id == plan_id]
    else:
        key = str(plan_id)
        chain = {
            p.id
            for p in record.plans.values()
            if p.tier_group == plan.tier_group and p.equipment_id == plan.equipment_id
        }
        rows = [
            r
            for r in record.rows
            if r.plan_id in chain
            and (
                key in r.includes
                or r.tier == key
                or (plan.tier_level == 1 and r.plan_id == plan_id)
                or (promised and _gave_up(record, r, plan))
            )
        ]
    return sorted((r for r in rows if r.is_visit), key=lambda r: r.day)


def _gave_up(record: Record, row: Row, plan: Any) -> bool:
    """Whether `row` was planned with this tier and, due before the visit carrying it did
    the items, gave it to that visit (a carrier that gave up the tier to a missed visit
    completed late before it was never the promise)."""
    for reason in row.reasons:
        params = reason.get("params") or {}
        if reason.get("code") == "tier_done_elsewhere" and row.due_day <= dt.date.fromisoformat(
            str(params["done_on"])
        ):
            given = record.plans.get(int(str(params["tier"])))
            if given is not None and (given.tier_level or 1) >= (plan.tier_level or 1):
                return True
    return False


def _days(record: Record, rows: Iterable[Row]) -> list[dt.date]:
    """Visit days from the start of the year on, including the first ones stored past its end
    (the horizon), so the year's last gap is judged too."""
    return sorted({r.day for r in rows if r.day >= record.start})


def _period_days(record: Record, rows: Iterable[Row]) -> list[dt.date]:
    """`_days` for the every-week and every-month checks, plus the day each visit done late
    was due: done after its window closed (a Thursday's weekly test done the next Monday),
    it still shows the schedule put a visit in that week, as a missed one does; the person
    was late, not the schedule. It counts for the week it was done in too."""
    rows = list(rows)
    late = {r.due_day for r in rows if r.status == WorkOrderStatus.DONE_LATE.value}
    return sorted(set(_days(record, rows)) | {d for d in late if d >= record.start})


def _gaps(record: Record, plan: Any, days: list[dt.date]) -> Iterable[tuple[dt.date, dt.date]]:
    """Consecutive marks (applying, then each visit) whose first lies within the year."""
    since = _since(record, plan)
    marks = [since, *(d for d in days if d > since)]  # a visit on the day applied is the mark
    for before, after in pairwise(marks):
        if before <= record.end:
            yield before, after


def _statutory(record: Record) -> list[Any]:
    return [
        p
        for p in record.plans.values()
        if p.criticality == "statutory"
        and not p.seasons
        and not p.age_bands  # the age band sets the interval (TSG T7001, GB 50444)
        and p.kind != "inspection"
    ]


def _since(record: Record, plan: Any) -> dt.date:
    """The first day the plan was expected to have a visit in the simulated year."""
    applied = record.applied.get(plan.id)
    first = applied.astimezone(TZ).date() if applied else record.start
    return max(first, plan.starts_on, record.start)


# --- statutory ceilings ----------------------------------------------------------------------


def no_iso_week_without_a_visit_of_a_weekly_statutory_task(record: Record) -> list[str]:
    found = []
    for plan in _statutory(record):
        if _period(plan.rrule) != ("WEEKLY", 1):
            continue
        weeks = {d.isocalendar()[:2] for d in _period_days(record, visits_of(record, plan.id))}
        day = _since(record, plan) + dt.timedelta(days=7)  # the first full week after applying
        while day + dt.timedelta(days=6 - day.weekday()) <= record.end:
            if day.isocalendar()[:2] not in weeks:
                monday = day - dt.timedelta(days=day.weekday())
                found.append(f"{_label(record, plan.id)}: no visit in the week of {monday}")
            day += dt.timedelta(days=7)
    return report(found)


def no_calendar_month_without_a_visit_of_a_monthly_statutory_task(record: Record) -> list[str]:
    found = []
    for plan in _statutory(record):
        if _period(plan.rrule) != ("MONTHLY", 1):
            continue
        months = {(d.year, d.month) for d in _period_days(record, visits_of(record, plan.id))}
        first = _since(record, plan)
        year, month = (first.year, first.month) if first.day == 1 else _next_month(first)
        last_full = record.end + dt.timedelta(days=1)
        while dt.date(year, month, 1) < last_full.replace(day=1):
            if (year, month) not in months:
                found.append(f"{_label(record, plan.id)}: no visit in {year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return report(found)


SLACK = 20
"""Days a tier visit may move from its period: the chain moves in half-monthly steps."""
PERIOD_DAYS = {("MONTHLY", 3): 92, ("MONTHLY", 6): 184, ("YEARLY", 1): 366}


def no_gap_beyond_period_and_tolerance_for_quarterly_to_yearly_statutory_tasks(
    record: Record,
) -> list[str]:
    """Each visit is due at most the period plus tolerance after the real visit before it
    (when that was done, early or late, else when it was due), as for the elevator's 15
    days: counted to the next visit's completion, a person finishing days after its window
    closed would count against the schedule, which promised the day and cannot prevent
    that (a quarterly test due on day 99 and done on day 103)."""
    found = []
    for plan in _statutory(record):
        period = PERIOD_DAYS.get(_period(plan.rrule))
        if period is None or (plan.tier_group is not None and plan.tier_level == 1):
            continue
        limit = period + (plan.tolerance_after_days or 0)
        previous = _since(record, plan)
        rows = sorted(visits_of(record, plan.id, promised=True), key=lambda r: r.due)
        for row in (r for r in rows if r.due_day >= previous):
            gap = (row.due_day - previous).days
            if previous <= record.end and gap > limit:
                found.append(
                    f"{_label(record, plan.id)}: due {row.due_day}, {gap} days after the visit "
                    f"of {previous} (limit {limit})"
                )
            key = str(plan.id)
            promise = plan.tier_group is not None and key not in (*row.includes, row.tier)
            previous = max(previous, row.due_day if promise else row.day)  # as if missed
    return report(found)


def elevator_half_monthly_visits_are_at_most_15_days_apart(record: Record) -> list[str]:
    """Each visit is due at most the ceiling after the real visit before it (when that was
    done, early or late, else when it was due). Counted to the next visit's completion, a
    person finishing days after its window closed (the row was already marked missed)
    would count against the schedule, which promised the day and cannot prevent that.
    A visit due before the real visit before it still counts when it is done: two visits
    done late out of order (due 09-28 done 10-01, due 09-30 done 10-04) leave 10-04 as the
    real visit the next one counts from."""
    found = []
    for plan in record.plans.values():
        if not plan.ceiling_days or plan.tier_level not in (1, None):
            continue
        previous = _since(record, plan)
        for row in sorted(visits_of(record, plan.id), key=lambda r: r.due):
            gap = (row.due_day - previous).days
            if row.due_day >= previous and previous <= record.end and gap > plan.ceiling_days:
                found.append(
                    f"{_label(record, plan.id)}: due {row.due_day}, {gap} days after the visit "
                    f"of {previous} (ceiling {plan.ceiling_days})"
                )
            previous = max(previous, row.day)
    return report(found)


# --- tiers, seasons, month ends, first visits, statutory dates -------------------------------


def each_tier_is_done_exactly_once_per_its_period(record: Record) -> list[str]:
    """Consecutive visits covering a tier (quarterly and up) are one period apart, give or
    take the half-monthly step the chain moves in: never twice, never lost. A missed visit
    did not do its tier (the next visit carries the items), so it does not count.

    "Twice" judges the schedule, so it reads the days the visits were due: a make-up
    done three days late and the next quarter's visit pulled a week earlier to merge
    with the yearly one are 70 days apart (seed 3, 2012), but were planned 74 apart.
    "Lost" reads the day each visit was done, or due if it was done later: an escalator's
    quarterly visit missed twice was made up each time on the next working day, and the
    third was done three days late, 113 days after the last (seed 10, 2020); the
    schedule offered it on day 110, and the person was late, not the schedule.
    """
    found = []
    for plan in record.plans.values():
        if plan.tier_group is None or (plan.tier_level or 1) < 2:
            continue
        period = PERIOD_DAYS.get(_period(plan.rrule))
        if period is None:
            continue
        visits = [r for r in visits_of(record, plan.id) if r.status != "missed"]
        planned = sorted({r.due_day for r in visits if r.due_day >= record.start})
        for before, after in _gaps(record, plan, planned):
            gap = (after - before).days
            if before in planned and gap < period - SLACK:
                found.append(
                    f"{_label(record, plan.id)}: done again after {gap} days, {before} and {after}"
                )
        days = sorted({min(r.day, r.due_day) for r in visits if r.day >= record.start})
        for before, after in _gaps(record, plan, days):
            gap = (after - before).days
            if gap > period + SLACK:
                found.append(
                    f"{_label(record, plan.id)}: lost: {gap} days between {before} and {after}"
                )
        last = max([_since(record, plan), *days])
        if last <= record.end and (record.end - last).days > period + SLACK:
            found.append(f"{_label(record, plan.id)}: lost: no visit since {last}")
    return report(found)


def _next_month(day: dt.date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def _season_day(month_day: str, year: int) -> dt.date:
    """`MM-DD` in `year`; 02-29 is the last day of February in a common year."""
    month, day = map(int, month_day.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_day(year: int, month: int, day: int) -> dt.date:
    """The plan's day in that month, clamped to its end (a plan of the 31st in April)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _season_days(season: dict[str, Any], year: int) -> tuple[dt.date, dt.date]:
    return _season_day(str(season["from"]), year), _season_day(str(season["to"]), year)


def _in_season(day: dt.date, seasons: list[dict[str, Any]]) -> bool:
    for season in seasons:
        start, end = _season_days(season, day.year)
        if start <= end and start <= day <= end:
            return True
        if start > end and (day >= start or day <= end):  # a season across New Year
            return True
    return False


def seasonal_tasks_fall_inside_their_window_every_year(record: Record) -> list[str]:
    found = []
    for plan in record.plans.values():
        if not plan.seasons:
            continue
        visits = [r for r in visits_of(record, plan.id) if _in_year(record, r.due_day)]
        for row in visits:
            if not _in_season(row.due_day, plan.seasons):
                found.append(
                    f"{_label(record, plan.id)}: visit on {row.due_day} is outside its season"
                )
        since = _since(record, plan)
        for season in plan.seasons:
            start, end = _season_days(season, record.start.year)
            reached = start <= end and since <= start and end <= record.end
            if reached and not any(start <= r.due_day <= end for r in visits):
                found.append(f"{_label(record, plan.id)}: no visit in its season {start}–{end}")
    return report(found)


def plans_started_on_the_29th_to_31st_get_every_month(record: Record) -> list[str]:
    found = []
    for plan in record.plans.values():
        freq, interval = _period(plan.rrule)
        if freq != "MONTHLY" or plan.starts_on.day < 29 or "BYMONTHDAY" in plan.rrule:
            continue
        slots = {
            (s.year, s.month)
            for r in record.rows
            if r.plan_id == plan.id and r.slot is not None
            for s in [r.slot.astimezone(TZ)]
        }
        year, month = plan.starts_on.year, plan.starts_on.month
        while _month_day(year, month, plan.starts_on.day) <= record.end:
            if (year, month) not in slots:
                found.append(
                    f"{_label(record, plan.id)} (from {plan.starts_on}, every {interval} "
                    f"month(s)): no visit in {year}-{month:02d}"
                )
            month += interval
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return report(found)


def _before_staggering(row: Row) -> dt.date:
    """The day a visit was planned for before outage staggering moved it (with a reason:
    a building's lifts or power are never out together, which may cost the first visit a
    day or two inside its window)."""
    for reason in row.reasons:
        if reason.get("code") == "outage_staggered":
            return dt.date.fromisoformat(reason["params"]["from"][:10])
    return row.due_day


def a_task_applied_at_any_hour_gets_its_first_visit_today_or_the_next_working_day(
    record: Record,
) -> list[str]:
    found = []
    for plan_id, applied in record.applied.items():
        plan = record.plans[plan_id]
        if plan.seasons or plan.age_bands or plan.kind == "inspection":
            continue
        if plan.tier_group is not None and plan.tier_level != 1:
            continue
        day = applied.astimezone(TZ).date()
        latest = record.calendar.next_workday(
            day + dt.timedelta(days=1), not_after=day + dt.timedelta(days=40)
        )
        rows = sorted((r for r in record.rows if r.plan_id == plan_id), key=lambda r: r.due)
        if not rows:
            found.append(
                f"{_label(record, plan_id)}: applied {applied.astimezone(TZ):%Y-%m-%d %H:%M}, "
                "no visit at all"
            )
            continue
        first = _before_staggering(rows[0])
        if latest is not None and first > latest:
            found.append(
                f"{_label(record, plan_id)}: applied {applied.astimezone(TZ):%Y-%m-%d %H:%M}, "
                f"first visit {first} (expected by {latest})"
            )
    return report(found)


def statutory_inspections_follow_the_ledgers_next_inspection_date(record: Record) -> list[str]:
    found = []
    for plan in record.plans.values():
        if plan.kind != "inspection" or plan.equipment_id not in record.equipment:
            continue
        ledger = record.equipment[plan.equipment_id].next_inspection_on
        if ledger is None or not _in_year(record, ledger):
            continue
        days = [r.due_day for r in record.rows if r.plan_id == plan.id and r.is_visit]
        near = [d for d in days if ledger - dt.timedelta(days=31) <= d <= ledger]
        if not near:
            closest = min(days, key=lambda d: abs((d - ledger).days)) if days else None
            found.append(
                f"{_label(record, plan.id)}: ledger 下次法定检验 {ledger}, "
                f"nearest scheduled inspection {closest}"
            )
    return report(found)


# --- people ----------------------------------------------------------------------------------


def no_qualified_person_on_duty_carries_more_than_the_even_share_plus_one_task_a_day(
    record: Record,
) -> list[str]:
    """Least loaded spreads a pool's work: on each day, no person carries more than the
    even share plus one task, counted both ways the issue names: in tasks (at most the
    share rounded up, plus one) and in working time (the share of the day's minutes plus
    its longest task). A day breaks the promise only when both are exceeded. Tasks alone
    would call a cleaner with ten short tasks overloaded beside one with six long ones
    (the demo's 保洁 team, 48 tasks a day); minutes alone would call two tasks on one
    person overloaded when the others on duty that day were on another shift. The piles
    the issue found (a day's 42 tasks on one cleaner, a technician's 23 of 45) break both.
    """
    found = []
    minutes: dict[tuple[int, dt.date], Counter[int]] = defaultdict(Counter)
    tasks: dict[tuple[int, dt.date], Counter[int]] = defaultdict(Counter)
    longest: dict[tuple[int, dt.date], float] = defaultdict(float)
    for row in record.rows:
        plan = record.plans.get(row.plan_id) if row.plan_id else None
        if plan is None or plan.assignment_strategy != "least_loaded" or plan.licence_kind:
            continue
        if row.team_id is None or row.assignee_id is None or not _in_year(record, row.due_day):
            continue
        key, length = (row.team_id, row.due_day), (row.ends - row.due).total_seconds() / 60
        minutes[key][row.assignee_id] += length
        tasks[key][row.assignee_id] += 1
        longest[key] = max(longest[key], length)
    for key, per_person in sorted(minutes.items()):
        on_duty = record.on_duty.get(key, frozenset()) | set(per_person)
        share = sum(per_person.values()) / len(on_duty)
        total = sum(tasks[key].values())
        most = math.ceil(total / len(on_duty)) + 1
        for person, load in per_person.most_common():
            count = tasks[key][person]
            if count > most and load > share + longest[key] + 0.5:
                found.append(
                    f"team {key[0]} on {key[1]}: person {person} has {load:.0f} min ({count} "
                    f"of {total} tasks) with {len(on_duty)} on duty (even share {share:.0f} "
                    f"min, longest task {longest[key]:.0f}); "
                    f"idle: {sorted(on_duty - set(per_person))}"
                )
                break
    return report(found)


NO_LICENCE_CAUSES = ("no_licence", "licence_expired", "nobody_qualified_on_duty")


def every_reassignment_and_unassigned_visit_has_a_true_reason(record: Record) -> list[str]:
    found = []
    by_id = {r.id: r for r in record.rows}
    for row_id, seen in record.assignments.items():
        row = by_id.get(row_id)
        if row is None or row.plan_id is None:
            continue
        for (_d0, before, _r0), (day, after, reasons) in pairwise(seen):
            codes = {str(r.get("code")) for r in reasons}
            if before is not None and after is not None and "reassigned" not in codes:
                found.append(
                    f"{_label(record, row.plan_id)} visit {row.due_day}: reassigned on {day} "
                    f"from {before} to {after} without a reason"
                )
    for row in record.rows:
        if row.plan_id is None or not row.is_visit:
            continue
        plan = record.plans[row.plan_id]
        codes = {str(r.get("code")) for r in row.reasons}
        if row.unassigned and "unassigned" not in codes:
            found.append(
                f"{_label(record, row.plan_id)} visit {row.due_day}: unassigned, no reason"
            )
        for reason in row.reasons:
            cause = (reason.get("params") or {}).get("cause")
            if cause in NO_LICENCE_CAUSES and not plan.licence_kind:
                found.append(
                    f"{_label(record, row.plan_id)} visit {row.due_day}: reason {cause!r} "
                    "but the task needs no licence"
                )
    return report(found)


# --- re-plans --------------------------------------------------------------------------------


def after_a_killed_replan_and_the_next_run_stored_rows_equal_a_fresh_regenerate(
    record: Record,
) -> list[str]:
    return report(record.crash_diff)


def a_service_level_change_replans_cleaning_and_patrol_plans(record: Record) -> list[str]:
    return report(record.stale_after_level)


# --- outages ---------------------------------------------------------------------------------


def _overlaps(rows: list[Row]) -> Iterable[tuple[Row, Row]]:
    rows = sorted(rows, key=lambda r: r.due)
    for i, first in enumerate(rows):
        for second in rows[i + 1 :]:
            if second.due >= first.ends:
                break
            yield first, second


LIFT_TYPES = ("traction_elevator", "escalator")
POWER = re.compile("停电")
WATER_TASKS = ("clean_disinfect_test",)


def no_building_has_all_lifts_or_the_fire_lift_and_another_out_at_once(record: Record) -> list[str]:
    found = []
    lifts: dict[int, list[int]] = defaultdict(list)
    for eq_id, eq in record.equipment.items():
        if eq.type_key == "traction_elevator" and eq.building_id is not None:
            lifts[eq.building_id].append(eq_id)
    for ids in lifts.values():
        if len(ids) < 2:
            continue
        rows = [
            r
            for r in record.rows
            if r.equipment_id in ids
            and r.is_visit
            and r.kind == "planned"
            and _in_year(record, r.due_day)
        ]
        for first, second in _overlaps(rows):
            if first.equipment_id == second.equipment_id:
                continue
            pair = {first.equipment_id, second.equipment_id}
            fire = any(record.equipment[i].fire_lift for i in pair)
            together = [
                r
                for r in rows
                if r.due < min(first.ends, second.ends) and r.ends > max(first.due, second.due)
            ]
            out = {r.equipment_id for r in together}
            if fire or out >= set(ids):
                names = ", ".join(sorted(record.equipment[i].code for i in out))
                found.append(
                    f"building {record.equipment[ids[0]].building}: {names} out of service "
                    f"together at {max(first.due, second.due).astimezone(TZ):%Y-%m-%d %H:%M}"
                )
    return report(dict.fromkeys(found))


def no_two_power_or_water_outages_of_one_building_overlap(record: Record) -> list[str]:
    found = []
    groups: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in record.rows:
        plan = record.plans.get(row.plan_id) if row.plan_id else None
        eq = record.equipment.get(row.equipment_id) if row.equipment_id else None
        if plan is None or eq is None or eq.building_id is None or not row.is_visit:
            continue
        if POWER.search(plan.name):
            groups[("power", eq.building_id)].append(row)
        elif plan.catalog_task_key in WATER_TASKS:
            groups[("water", eq.building_id)].append(row)
    for (kind, _building), rows in groups.items():
        for first, second in _overlaps(rows):
            found.append(
                f"{kind} outages overlap at {second.due.astimezone(TZ):%Y-%m-%d %H:%M}: "
                f"{_label(record, first.plan_id)} and {_label(record, second.plan_id)}"  # type: ignore[arg-type]
            )
    return report(found)


ALL: tuple[Check, ...] = (
    no_iso_week_without_a_visit_of_a_weekly_statutory_task,
    no_calendar_month_without_a_visit_of_a_monthly_statutory_task,
    no_gap_beyond_period_and_tolerance_for_quarterly_to_yearly_statutory_tasks,
    elevator_half_monthly_visits_are_at_most_15_days_apart,
    each_tier_is_done_exactly_once_per_its_period,
    seasonal_tasks_fall_inside_their_window_every_year,
    plans_started_on_the_29th_to_31st_get_every_month,
    a_task_applied_at_any_hour_gets_its_first_visit_today_or_the_next_working_day,
    statutory_inspections_follow_the_ledgers_next_inspection_date,
    no_qualified_person_on_duty_carries_more_than_the_even_share_plus_one_task_a_day,
    every_reassignment_and_unassigned_visit_has_a_true_reason,
    after_a_killed_replan_and_the_next_run_stored_rows_equal_a_fresh_regenerate,
    a_service_level_change_replans_cleaning_and_patrol_plans,
    no_building_has_all_lifts_or_the_fire_lift_and_another_out_at_once,
    no_two_power_or_water_outages_of_one_building_overlap,
)
