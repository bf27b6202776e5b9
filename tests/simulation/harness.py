"""A year of real use, driven day by day through the app's own services on a pinned clock.

`Simulation(scenario).run()` loads the small site (`site.py`) on the first day of the
year, then lives each day as the site would:

* 02:00 the nightly jobs exactly as the worker runs them (`run_job`: extend the
  horizon, mark missed work), 06:05 the expiry notices, 23:55 mark missed again;
* the day's events at their hour (leave, licence expiry and renewal, a plan edit, a
  corrective job, a programme applied on a month end in the afternoon, a holiday
  notice imported mid-year whose re-plan is killed midway and re-run, a service-level
  change);
* every visit of the day completed by its assignee at the visit's own time (the
  clock is pinned to the finishing minute): on time, early, late or never (missed),
  in a mix drawn from the scenario's seed; a few checks fail and raise corrective jobs.

Everything lands in a `Record`: every work order row at the end (planned and done),
each day's assignment of the future rows (to see reassignments), the instants plans
were applied, and what the crash check found. `invariants.py` judges the record.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from app.audit.actor import Actor, acting_as
from app.core import clock
from app.demo.services import load_demo
from app.equipment.models import Equipment
from app.extensions import db
from app.people.licences import update_licence
from app.people.models import Licence, Team, TeamMembership, User
from app.plans.models import Plan
from app.plans.programmes import catalog_changes
from app.plans.services import input_from_plan, update_plan
from app.rosters.leave import add_leave
from app.scheduling.generation import regenerate
from app.sites.models import Site
from app.sites.services import update_site
from app.worker.jobs import JOBS, run_job
from app.workorders.checklist import RawAnswer, Result, items_for
from app.workorders.completion import CompletionInput, complete
from app.workorders.corrective import create_corrective
from app.workorders.files import Upload
from app.workorders.models import WorkOrder, WorkOrderKind, WorkOrderStatus
from tests.simulation import site as small_site
from tests.simulation.collect import collect
from tests.simulation.record import TZ, Record, Scenario

SIM_ACTOR = Actor(None, "simulation")
OPEN = (WorkOrderStatus.PLANNED.value, WorkOrderStatus.ASSIGNED.value, WorkOrderStatus.MISSED.value)
FATES = (("on_time", 70), ("early", 10), ("late", 12), ("missed", 8))
PROGRESS = bool(os.environ.get("ROUNDS_SIM_PROGRESS"))
FAIL_RATE = 0.01
FREQUENT_RECORDED = 0.1
"""Share of visits of daily-or-more-frequent plans recorded through the completion service.

Those plans keep a fixed grid (no re-plan counts from their completions), so their records
change no schedule; the rest are left to be marked missed. Every other visit is recorded."""
"""Share of checks answered "fail" (each raises a corrective job)."""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


class JobFailed(RuntimeError):
    """A worker job logged an exception: the simulation stops there."""


class _JobErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


class Simulation:
    def __init__(self, app: Flask, scenario: Scenario) -> None:
        self.app = app
        self.scenario = scenario
        self.rng = random.Random(scenario.seed)
        start = dt.date(scenario.year, 1, 1)
        end = min(dt.date(scenario.year, 12, 31), start + dt.timedelta(days=scenario.days - 1))
        self.record = Record(scenario, start, end)
        self.fate: dict[int, tuple[str, int]] = {}
        self.frequent: set[int] = set()
        self.calendar_events = self._plan_events()

    # --- the year ---------------------------------------------------------------------------

    def run(self) -> Record:
        self.app.config["ROUNDS_HORIZON_DAYS"] = self.scenario.horizon_days
        errors = _JobErrors()
        logging.getLogger("app.worker.jobs").addHandler(errors)
        try:
            began = time.perf_counter()
            self._load()
            day = self.record.start
            while day <= self.record.end:
                self._live(day, errors)
                if PROGRESS and day.day == 1:
                    print(
                        f"{self.scenario.name} {day} {time.perf_counter() - began:.1f}s", flush=True
                    )
                day += dt.timedelta(days=1)
            self._collect()
        finally:
            logging.getLogger("app.worker.jobs").removeHandler(errors)
            clock.pin(None)
        return self.record

    def _load(self) -> None:
        """The demo site with the small programme, applied at a seeded hour of 1 January."""
        at = local(self.record.start, self.rng.randint(8, 17), self.rng.randint(0, 59))
        clock.pin(at)
        with acting_as(SIM_ACTOR):
            load_demo(steps=[small_site.programmes_step(self.scenario.policy)])
        db.session.commit()
        site = db.session.scalar(select(Site))
        assert site is not None
        self.record.site_id = site.id
        for plan_id in db.session.scalars(select(Plan.id)):
            self.record.applied[plan_id] = at

    def _live(self, day: dt.date, errors: _JobErrors) -> None:
        self._job(local(day, 2), "extend_horizon", errors)
        self._job(local(day, 2, 5), "mark_missed", errors)
        if day == self.record.crash_day + dt.timedelta(days=1):  # type: ignore[operator]
            self.record.crash_diff = self._regenerate_diff()  # after the next nightly run
        self._job(local(day, 6, 5), "expiry_notices", errors)
        for hour, action in sorted(self.calendar_events.get(day, []), key=lambda e: e[0]):
            clock.pin(local(day, hour))
            with acting_as(SIM_ACTOR):
                action(day)
            db.session.commit()
        self._complete_day(day)
        self._job(local(day, 23, 55), "mark_missed", errors)
        self._remember_assignments(day)

    def _job(self, at: dt.datetime, job_id: str, errors: _JobErrors) -> None:
        clock.pin(at)
        spec = next(s for s in JOBS if s.id == job_id)
        run_job(self.app, spec)
        if errors.messages:
            raise JobFailed(f"{at:%Y-%m-%d %H:%M} {job_id}: {errors.messages[0]}")

    # --- completions ------------------------------------------------------------------------

    def _fate_of(self, row_id: int, plan_id: int | None) -> tuple[str, int]:
        if row_id not in self.fate:
            names = [name for name, _weight in FATES]
            kind = self.rng.choices(names, [w for _n, w in FATES])[0]
            if plan_id in self.frequent and self.rng.random() >= FREQUENT_RECORDED:
                kind = "missed"
            offset = {
                "on_time": 0,
                "early": -self.rng.randint(1, 2),
                "late": self.rng.randint(1, 4),
            }
            self.fate[row_id] = (kind, offset.get(kind, 0))
            self.record.fates[kind] = self.record.fates.get(kind, 0) + 1
        return self.fate[row_id]

    def _finish_time(self, row: Any, day: dt.date) -> dt.datetime | None:
        """When this row is done, if on `day`; None when not today (or never)."""
        kind, offset = self._fate_of(row.id, row.plan_id)
        if kind == "missed":
            return None
        due = row.due_at.astimezone(TZ)
        target = due.date() + dt.timedelta(days=offset)
        if kind == "early":
            target = max(target, row.window_start.astimezone(TZ).date())
        if target != day and not (target < day and kind != "late" and due.date() <= day):
            return None
        minutes = max(5, round((row.ends_at - row.due_at).total_seconds() / 60))
        finished = local(day, due.hour, due.minute) + dt.timedelta(minutes=minutes)
        return min(finished, local(day, 23, 50))

    def _due_today(self, day: dt.date) -> list[tuple[dt.datetime, int]]:
        """The open visits someone finishes on `day`, with the minute they finish."""
        until = local(day + dt.timedelta(days=3), 0)
        since = local(day - dt.timedelta(days=7), 0)
        rows = db.session.execute(
            select(
                WorkOrder.id,
                WorkOrder.plan_id,
                WorkOrder.due_at,
                WorkOrder.ends_at,
                WorkOrder.window_start,
            ).where(
                WorkOrder.site_id == self.record.site_id,
                WorkOrder.kind == WorkOrderKind.PLANNED.value,
                WorkOrder.status.in_(OPEN),
                WorkOrder.due_at >= since,
                WorkOrder.due_at < until,
            )
        )
        todo = []
        for row in rows:
            finished = self._finish_time(row, day)
            if finished is not None:
                todo.append((finished, row.id))
        return sorted(todo)

    def _complete_day(self, day: dt.date) -> None:
        self.frequent = {plan.id for plan in db.session.scalars(select(Plan)) if _frequent(plan)}
        for finished, row_id in self._due_today(day):
            row = db.session.get(WorkOrder, row_id)
            if row is None or row.status not in OPEN or self._finish_time(row, day) is None:
                continue  # re-planned by an earlier completion today
            clock.pin(finished + dt.timedelta(minutes=1))
            with acting_as(SIM_ACTOR):
                complete(row, self._worker(row), self._answers(row, finished))
            db.session.commit()

    def _worker(self, row: WorkOrder) -> User:
        if row.assignee is not None and row.assignee.active:
            return row.assignee
        return self._supervisor()

    def _supervisor(self) -> User:
        user = db.session.scalar(select(User).where(User.username == "supervisor"))
        assert user is not None
        return user

    def _answers(self, row: WorkOrder, finished: dt.datetime) -> CompletionInput:
        answers: dict[str, RawAnswer] = {}
        photos = []
        for item in items_for(row):
            if item.kind == "reading":
                low = item.min if item.min is not None else 0.0
                high = item.max if item.max is not None else low + 10.0
                answers[item.key] = RawAnswer(value=f"{(low + high) / 2:.2f}")
            elif item.kind == "choice":
                answers[item.key] = RawAnswer(choice=item.choices[0][0])
            elif item.kind == "text":
                answers[item.key] = RawAnswer(text="正常")
            else:
                failed = self.rng.random() < FAIL_RATE
                answers[item.key] = RawAnswer(result=Result.FAIL if failed else Result.PASS)
            if item.photo_required:
                photos.append((item.key, _upload("photo.png", PNG)))
        worker = self._worker(row)
        return CompletionInput(
            answers=answers,
            started_at=finished - (row.ends_at - row.due_at),
            finished_at=finished,
            crew_user_ids=[worker.id],
            crew_names=["维保员甲", "维保员乙"],
            signature_name=worker.name,
            photos=photos,
            maintenance_unit="上海电梯维保有限公司",
            report_number=f"R-{row.id}",
            report_file=_upload("report.pdf", PDF),
            cause="现场检查",
        )

    # --- the year's events ------------------------------------------------------------------

    def _plan_events(self) -> dict[dt.date, list[tuple[int, Any]]]:
        """What happens on which day, drawn once from the seed."""
        rng, year = self.rng, self.scenario.year
        events: dict[dt.date, list[tuple[int, Any]]] = {}

        def on(day: dt.date, hour: int, action: Any) -> None:
            events.setdefault(day, []).append((hour, action))

        for _ in range(3):  # leave, announced one to three weeks ahead
            on(dt.date(year, rng.randint(2, 11), rng.randint(1, 28)), 10, self._leave)
        expiry = dt.date(year, rng.randint(3, 5), rng.randint(1, 28))
        on(expiry, 9, self._licence_expires_soon)
        on(expiry + dt.timedelta(days=40), 11, self._licence_renewed)
        on(dt.date(year, rng.randint(2, 4), rng.randint(1, 28)), 15, self._edit_plan)
        for _ in range(4):
            on(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), 16, self._breakdown)
        month = rng.randint(4, 8)
        month_end = (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day
        late_day = dt.date(year, month, rng.randint(29, month_end))
        on(late_day, rng.randint(13, 18), self._apply_late_programme)
        self.record.crash_day = dt.date(year, rng.randint(5, 7), rng.randint(1, 28))
        on(self.record.crash_day, 14, self._holiday_notice)
        on(dt.date(year, rng.randint(8, 10), rng.randint(1, 28)), 10, self._service_level)
        return events

    def _staff(self) -> list[User]:
        return list(
            db.session.scalars(
                select(User)
                .join(TeamMembership, TeamMembership.user_id == User.id)
                .join(Team, Team.id == TeamMembership.team_id)
                .where(Team.site_id == self.record.site_id, User.active.is_(True))
                .order_by(User.id)
                .distinct()
            )
        )

    def _leave(self, day: dt.date) -> None:
        person = self.rng.choice(self._staff())
        first = day + dt.timedelta(days=self.rng.randint(7, 21))
        last = first + dt.timedelta(days=self.rng.randint(2, 9))
        try:
            add_leave(person, first, last, "annual", "年假")
        except Exception as exc:  # overlapping leave is refused: a real user would see it
            self.record.events.append(f"{day} leave refused: {exc}")
            db.session.rollback()
            return
        self.record.events.append(f"{day} leave {person.username} {first}–{last}")

    def _licensed(self) -> Licence | None:
        return db.session.scalar(
            select(Licence)
            .join(User, User.id == Licence.user_id)
            .where(User.active.is_(True), Licence.expires_on.is_not(None))
            .order_by(Licence.kind != "electrician_hv", Licence.id)
        )

    def _licence_expires_soon(self, day: dt.date) -> None:
        licence = self._licensed()
        if licence is not None:
            update_licence(licence, licence.version, expires_on=day + dt.timedelta(days=10))
            self.record.events.append(f"{day} licence {licence.kind} now expires in 10 days")

    def _licence_renewed(self, day: dt.date) -> None:
        licence = self._licensed()
        if licence is not None:
            renewed = day.replace(year=day.year + 3)
            update_licence(licence, licence.version, expires_on=renewed)
            self.record.events.append(f"{day} licence {licence.kind} renewed to {renewed}")

    def _edit_plan(self, day: dt.date) -> None:
        """A supervisor moves the monthly fire-pump run to the afternoon."""
        plan = db.session.scalar(
            select(Plan)
            .where(Plan.rrule.like("FREQ=MONTHLY;INTERVAL=1%"), Plan.equipment_id.is_not(None))
            .order_by(Plan.id)
        )
        assert plan is not None
        data = input_from_plan(plan)
        data.time_of_day = dt.time(14, 30)
        update_plan(plan, data, plan.version)
        self.record.events.append(f"{day} plan {plan.id} {plan.name} moved to 14:30")

    def _breakdown(self, day: dt.date) -> None:
        site = db.session.get(Site, self.record.site_id)
        equipment = self.rng.choice(
            list(
                db.session.scalars(
                    select(Equipment)
                    .where(
                        Equipment.id.in_(
                            select(Plan.equipment_id).where(Plan.equipment_id.is_not(None))
                        )
                    )
                    .order_by(Equipment.id)
                )
            )
        )
        create_corrective(
            site=site,  # type: ignore[arg-type]
            title=f"{equipment.name} 故障报修",
            description="运行异常",
            priority="high",
            equipment=equipment,
            equipment_down=True,
        )
        self.record.events.append(f"{day} breakdown of {equipment.asset_code}")

    def _apply_late_programme(self, day: dt.date) -> None:
        at = clock.utcnow().replace(minute=self.rng.randint(0, 59))
        clock.pin(at)
        before = set(db.session.scalars(select(Plan.id)))
        for code in small_site.LATE_ASSETS:
            equipment = db.session.scalar(select(Equipment).where(Equipment.asset_code == code))
            assert equipment is not None
            small_site.apply_equipment(equipment, self.scenario.policy)
        db.session.flush()
        for plan_id in set(db.session.scalars(select(Plan.id))) - before:
            self.record.applied[plan_id] = at
        self.record.events.append(f"{at.astimezone(TZ):%Y-%m-%d %H:%M} late programme applied")

    def _holiday_notice(self, day: dt.date) -> None:
        """A one-day holiday announced a few days ahead (inside the stored horizon); the
        re-plan dies at its first write, then the same import is run again, as a
        supervisor would after an error page."""
        holiday = day + dt.timedelta(days=self.rng.randint(2, 4))
        while holiday.weekday() >= 5:
            holiday += dt.timedelta(days=1)
        path = self.app.instance_path + f"/notice-{self.scenario.name}.txt"
        with open(path, "w", encoding="utf-8") as file:
            file.write(f"{holiday.isoformat()} holiday 临时放假\n")
        site = db.session.get(Site, self.record.site_id)
        assert site is not None
        args = ["calendar", "import", path, "--site", site.code]
        db.session.commit()
        runner = self.app.test_cli_runner()
        with _killed_after_writes(0):
            first = runner.invoke(args=args)
        db.session.rollback()
        self.record.crash_killed = isinstance(first.exception, Killed)
        second = runner.invoke(args=args)
        db.session.rollback()
        self.record.events.append(
            f"{day} holiday notice for {holiday}: killed run "
            f"{type(first.exception).__name__}; re-run said {second.output.strip()!r}"
        )

    def _service_level(self, day: dt.date) -> None:
        site = db.session.get(Site, self.record.site_id)
        assert site is not None
        old = site.service_level
        new = 1 if old != 1 else 2
        update_site(site, site.version, service_level=new)
        self.record.level_change = (day, old, new)
        self.record.events.append(f"{day} service level {old} → {new}")

    # --- recording --------------------------------------------------------------------------

    def _remember_assignments(self, day: dt.date) -> None:
        now = clock.utcnow()
        rows = db.session.execute(
            select(WorkOrder.id, WorkOrder.assignee_id, WorkOrder.reasons).where(
                WorkOrder.site_id == self.record.site_id,
                WorkOrder.kind == WorkOrderKind.PLANNED.value,
                WorkOrder.touched.is_(False),
                WorkOrder.due_at > now,
            )
        )
        for row_id, assignee, reasons in rows:
            seen = self.record.assignments.setdefault(row_id, [])
            if not seen or seen[-1][1] != assignee:
                seen.append((day, assignee, tuple(reasons or ())))

    def _regenerate_diff(self) -> list[str]:
        """What a fresh full regenerate changes in the stored future rows (nothing, if the
        killed re-plan was completed by the re-run and the nightly job)."""
        before = _future_rows(self.record.site_id)
        site = db.session.get(Site, self.record.site_id)
        regenerate(site)
        db.session.commit()
        after = _future_rows(self.record.site_id)
        diff = []
        for key in sorted(set(before) | set(after), key=str):
            if before.get(key) != after.get(key):
                diff.append(
                    f"plan {key[0]} slot {key[1]}: stored {before.get(key)} "
                    f"!= regenerated {after.get(key)}"
                )
        return diff

    def _collect(self) -> None:
        collect(self.record)
        self._collect_levels()

    def _collect_levels(self) -> None:
        """Cleaning and patrol plans still on another level's frequency after the change."""
        if self.record.level_change is None:
            return
        for plan in self.record.plans.values():
            if plan.kind not in ("cleaning", "patrol") or not plan.active:
                continue
            changes = [c for c in catalog_changes(plan) if c.field in ("rrule", "task")]
            for change in changes:
                day, old, new = self.record.level_change
                self.record.stale_after_level.append(
                    f"plan {plan.id} {plan.name}: still {change.field} {change.old!r} after the "
                    f"service level went {old} → {new} on {day} (level {new} wants {change.new!r})"
                )


def _frequent(plan: Plan | None) -> bool:
    rule = (plan.rrule if plan is not None else "").upper()
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    return (  # "FREQ=DAILY;INTERVAL=15" (a lift's half-monthly visit) is not daily
        parts.get("FREQ") == "HOURLY"
        or (parts.get("FREQ") == "DAILY" and parts.get("INTERVAL", "1") == "1")
        or (parts.get("FREQ") == "DAILY" and "BYHOUR" in parts)
    )


def _future_rows(site_id: int) -> dict[tuple[int, dt.datetime], tuple[Any, ...]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(WorkOrder).where(
            WorkOrder.site_id == site_id,
            WorkOrder.kind == WorkOrderKind.PLANNED.value,
            WorkOrder.touched.is_(False),
            WorkOrder.due_at > clock.utcnow(),
        )
    )
    return {
        (w.plan_id, w.slot): (w.due_at, w.status, w.tier, w.assignee_id, w.unassigned)
        for w in rows
        if w.plan_id is not None and w.slot is not None
    }


def _upload(name: str, data: bytes) -> Upload:
    return Upload(name, data)


class Killed(RuntimeError):
    """The simulated crash inside a re-plan."""


@contextmanager
def _killed_after_writes(allowed: int) -> Iterator[None]:
    """Raise on the work-order write after `allowed` ones: a process killed mid re-plan."""
    engine = db.engine
    seen = {"writes": 0}

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        head = statement.lstrip().upper()
        if head.startswith(
            ("UPDATE WORK_ORDER", "INSERT INTO WORK_ORDER", "DELETE FROM WORK_ORDER")
        ):
            seen["writes"] += 1
            if seen["writes"] > allowed:
                raise Killed("killed mid re-plan")

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
