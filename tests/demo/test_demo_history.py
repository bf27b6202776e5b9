"""`rounds demo load` comes with a year of work already done on the demo's equipment."""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from app.core import clock
from app.demo.data.contractors import CONTRACTORS, ELEVATOR_CONTRACTOR
from app.demo.data.people import STAFF
from app.demo.services import load_demo
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import regenerate_plan
from app.workorders.models import WorkCompletion, WorkOrder, WorkOrderKind, WorkOrderStatus

YEAR = timedelta(days=365)
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIFT = "EL-T1-01"
PUMP = "WS-T1-03"  # 中区变频恒压供水设备: a daily round reading the discharge pressure
TRANSFORMER = "PW-SUB-01"


def _load(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def _asset(code: str) -> Equipment:
    equipment = db.session.scalar(select(Equipment).where(Equipment.asset_code == code))
    assert equipment is not None
    return equipment


def _done_visits(code: str) -> list[tuple[WorkOrder, WorkCompletion]]:
    """The asset's planned visits completed in the past year, oldest first."""
    now = clock.utcnow()
    rows = db.session.execute(
        select(WorkOrder, WorkCompletion)
        .join(WorkCompletion, WorkCompletion.work_order_id == WorkOrder.id)
        .where(
            WorkOrder.equipment_id == _asset(code).id,
            WorkOrder.kind == WorkOrderKind.PLANNED.value,
            WorkCompletion.finished_at >= now - YEAR,
            WorkCompletion.finished_at <= now,
        )
        .order_by(WorkCompletion.finished_at)
    )
    return [(row[0], row[1]) for row in rows]


def _chain(code: str) -> dict[int, int]:
    """The asset's tier chain: tier level → plan id."""
    plans = db.session.scalars(
        select(Plan).where(Plan.equipment_id == _asset(code).id, Plan.tier_group.is_not(None))
    )
    return {plan.tier_level or 0: plan.id for plan in plans}


def test_the_demo_lift_was_serviced_at_least_every_fifteen_days_all_year(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    chain = set(_chain(LIFT).values())
    visits = [(wo, done) for wo, done in _done_visits(LIFT) if wo.plan_id in chain]
    assert len(visits) >= 24
    days = [done.finished_at.astimezone(SHANGHAI).date() for _wo, done in visits]
    gaps = [(later - earlier).days for earlier, later in pairwise(days)]
    assert max(gaps) <= 15  # TSG T5002: half-monthly, by the calendar day
    assert (clock.utcnow().astimezone(SHANGHAI).date() - days[-1]).days <= 15


def test_the_lift_year_includes_its_quarterly_half_yearly_and_annual_visits(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    chain = _chain(LIFT)
    tiers = Counter(wo.tier for wo, _done in _done_visits(LIFT) if wo.plan_id == chain[1])
    assert tiers[str(chain[2])] >= 2  # quarterly
    assert tiers[str(chain[3])] >= 1  # half-yearly
    assert tiers[str(chain[4])] == 1  # annual, carrying every item of the chain
    annual = next(done for wo, done in _done_visits(LIFT) if wo.tier == str(chain[4]))
    assert {a["plan_id"] for a in annual.answers} == set(chain.values())


def test_lift_visits_carry_the_statutory_record_fields(runner: FlaskCliRunner) -> None:
    _load(runner)
    contractor = next(c.name for c in CONTRACTORS if c.key == ELEVATOR_CONTRACTOR)
    manager = next(s.name for s in STAFF if s.username == "supervisor")
    chain = set(_chain(LIFT).values())
    for wo, done in _done_visits(LIFT):
        assert done.statutory
        assert done.maintenance_unit == contractor
        assert done.safety_manager_name == manager
        if wo.plan_id in chain:
            assert len(done.crew) >= 2 and all(m["user_id"] is None for m in done.crew)
            assert done.signature_name == done.crew[0]["name"]
    signed = [done for _wo, done in _done_visits(LIFT) if done.safety_manager_signed_at]
    assert len(signed) >= len(_done_visits(LIFT)) - 2  # the last ones may await sign-off
    assert all(d.safety_manager_signed_at > d.finished_at for d in signed)


def test_the_lifts_statutory_tests_quote_their_numbered_report(runner: FlaskCliRunner) -> None:
    _load(runner)
    visits = _done_visits(LIFT)
    reported = [done for _wo, done in visits if done.report_number]
    assert len({done.report_number for done in reported}) == len(reported) >= 1
    quoting = [
        done
        for done in reported
        if any(done.report_number in a["text"] for a in done.answers if a["kind"] == "text")
    ]
    written = [d for d in reported if any(a["kind"] == "text" for a in d.answers)]
    assert quoting == written  # a test with a report-text item writes its number there
    # Installed 2008: over 15 years, TSG T7001 inspects it every year and wants no
    # self-test (issue 12: it used to get both, so the year held two reports).
    assert not [wo for wo, _done in visits if wo.plan and wo.plan.catalog_task_key == "self_test"]


def test_visits_are_done_within_their_duration_mostly_on_time_some_late_a_few_missed(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    now = clock.utcnow()
    past = select(WorkOrder).where(
        WorkOrder.kind == WorkOrderKind.PLANNED.value,
        WorkOrder.due_at >= now - YEAR,
        WorkOrder.due_at < now,
    )
    statuses = Counter(wo.status for wo in db.session.scalars(past))
    done = statuses[WorkOrderStatus.DONE]
    assert done > 2000
    assert 0 < statuses[WorkOrderStatus.DONE_LATE] < done / 10
    assert 0 < statuses[WorkOrderStatus.MISSED] < done / 10
    on_time = db.session.execute(
        select(WorkOrder, WorkCompletion)
        .join(WorkCompletion, WorkCompletion.work_order_id == WorkOrder.id)
        .where(WorkOrder.status == WorkOrderStatus.DONE.value, WorkOrder.plan_id.is_not(None))
    ).all()
    for wo, record in on_time:
        assert wo.due_at <= record.started_at < record.finished_at <= wo.ends_at
        assert wo.completed_at == record.finished_at and not record.late
        assert record.completed_by_id is not None and record.crew and record.signature_name


def test_the_pump_history_page_lists_a_year_of_work_with_a_pressure_trend(
    runner: FlaskCliRunner, login: Callable[[str], FlaskClient]
) -> None:
    _load(runner)
    pump = _asset(PUMP)
    client = login("supervisor")
    page = client.get(f"/work/equipment/{pump.id}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-key="d01"' in html and "<svg" in html  # 出水压力, the discharge pressure
    assert "出水压力" in html
    days = {done.finished_at.astimezone(SHANGHAI).date() for _wo, done in _done_visits(PUMP)}
    assert max(days) - min(days) >= timedelta(days=350)
    pressures = [
        a["value"]
        for _wo, done in _done_visits(PUMP)
        for a in done.answers
        if a["key"] == "d01" and a["plan_id"] is not None and a["value"] is not None
    ]
    assert len(pressures) >= 50  # a point a week, every day of the last week
    assert len(set(pressures)) > 20


def test_the_transformer_runs_warmer_in_summer_than_in_winter(runner: FlaskCliRunner) -> None:
    _load(runner)
    by_month: dict[int, list[float]] = {}
    for _wo, done in _done_visits(TRANSFORMER):
        for answer in done.answers:
            if answer["key"] == "d01" and answer["value"] is not None:
                month = done.finished_at.astimezone(SHANGHAI).month
                by_month.setdefault(month, []).append(answer["value"])

    def mean(months: tuple[int, ...]) -> float:
        values = [v for m in months for v in by_month.get(m, [])]
        return sum(values) / len(values)

    assert mean((7, 8)) > mean((1, 2)) + 5


def _failures() -> list[tuple[WorkOrder, dict[str, Any]]]:
    rows = db.session.execute(
        select(WorkOrder, WorkCompletion)
        .join(WorkCompletion, WorkCompletion.work_order_id == WorkOrder.id)
        .where(WorkOrder.kind == WorkOrderKind.PLANNED.value)
    ).all()
    return [(wo, a) for wo, done in rows for a in done.answers if a["result"] == "fail"]


def test_every_failed_item_raised_exactly_one_corrective_job(runner: FlaskCliRunner) -> None:
    _load(runner)
    failures = _failures()
    assert 5 <= len(failures) <= 60
    assert any(a["out_of_range"] for _wo, a in failures)  # readings past a limit, too
    for wo, answer in failures:
        jobs = db.session.scalars(
            select(WorkOrder).where(
                WorkOrder.source_work_order_id == wo.id,
                WorkOrder.source_item_key == answer["key"],
            )
        ).all()
        assert len(jobs) == 1
        assert answer["corrective_id"] == jobs[0].id
        assert jobs[0].kind == WorkOrderKind.CORRECTIVE.value
        assert jobs[0].window_start == wo.completed_at  # raised when the visit found it
    jobs = db.session.scalars(
        select(WorkOrder).where(WorkOrder.kind == WorkOrderKind.CORRECTIVE.value)
    ).all()
    assert len(jobs) == len(failures)


def test_most_repairs_are_done_with_cause_and_parts(runner: FlaskCliRunner) -> None:
    _load(runner)
    jobs = db.session.scalars(
        select(WorkOrder).where(WorkOrder.kind == WorkOrderKind.CORRECTIVE.value)
    ).all()
    repaired = [job for job in jobs if job.completion is not None]
    assert len(repaired) >= 0.8 * len(jobs)
    for job in repaired:
        assert job.completion.cause
        assert job.completed_at == job.completion.finished_at > job.window_start
    assert sum(1 for job in repaired if job.completion.parts_used) >= 0.6 * len(repaired)


def test_the_future_continues_from_the_recorded_year(runner: FlaskCliRunner) -> None:
    """Regenerating any plan now changes nothing: the stored future already follows the
    last completions (completion-anchored lifts, ceilings) and the plans' start dates."""
    _load(runner)
    bases = db.session.scalars(
        select(Plan).where(
            Plan.equipment_id.is_not(None), (Plan.tier_level.is_(None)) | (Plan.tier_level == 1)
        )
    ).all()
    for plan in bases:
        result = regenerate_plan(plan)
        assert (result.inserted, result.updated, result.deleted) == (0, 0, 0), plan.name
    now = clock.utcnow()
    lift = _chain(LIFT)[1]
    last_done = _done_visits(LIFT)[-1][1].finished_at
    next_due = db.session.scalar(
        select(func.min(WorkOrder.due_at)).where(WorkOrder.plan_id == lift, WorkOrder.due_at > now)
    )
    assert next_due is not None and next_due - last_done <= timedelta(days=15)


def test_loading_twice_changes_nothing_the_second_time(runner: FlaskCliRunner) -> None:
    _load(runner)
    counts = (
        db.session.scalar(select(func.count()).select_from(WorkOrder)),
        db.session.scalar(select(func.count()).select_from(WorkCompletion)),
    )
    _load(runner)
    assert counts == (
        db.session.scalar(select(func.count()).select_from(WorkOrder)),
        db.session.scalar(select(func.count()).select_from(WorkCompletion)),
    )


def _record_of(code: str) -> list[tuple[Any, ...]]:
    """What the asset's history says, without database ids (they differ between loads)."""
    return [
        (
            wo.slot,
            wo.status,
            done.started_at,
            done.finished_at,
            [
                {k: v for k, v in a.items() if k not in ("corrective_id", "plan_id")}
                for a in done.answers
            ],
            [m["name"] for m in done.crew],
            done.signature_name,
        )
        for wo, done in _done_visits(code)
    ]


def _restart_ids() -> None:
    """Ids start again at 1, as in a fresh database: PostgreSQL's sequences ignore the
    rollback, and bulk levelling breaks ties by asset id."""
    if db.engine.dialect.name != "postgresql":
        return  # SQLite hands out the ids a rollback freed again
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False:
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), 1, false)"),
                {"t": table.name},
            )


def test_loading_on_the_same_day_records_the_same_history(app: Flask) -> None:
    load_demo()
    first = {code: _record_of(code) for code in (LIFT, PUMP)}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WorkOrder)) == 0
    _restart_ids()
    load_demo()
    assert {code: _record_of(code) for code in (LIFT, PUMP)} == first
    assert all(first.values())


def test_the_recorded_year_is_seed_data_outside_the_audit_log(runner: FlaskCliRunner) -> None:
    _load(runner)
    entries = Counter(db.session.scalars(select(AuditEntry.entity)))
    jobs = db.session.scalar(
        select(func.count())
        .select_from(WorkOrder)
        .where(WorkOrder.kind == WorkOrderKind.CORRECTIVE.value)
    )
    assert db.session.scalar(select(func.count()).select_from(WorkCompletion)) > 2000
    assert entries["work_completion"] == 0
    assert entries["work_order"] == jobs  # raised through the corrective service
    actors = set(db.session.scalars(select(AuditEntry.actor)))
    assert actors == {"demo"}
