"""Previewing a plan before saving it, exporting the schedule, and the `schedule` commands."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.plans.models import Plan
from app.scheduling.export import COLUMNS, export_occurrences
from app.scheduling.generation import generate
from app.scheduling.preview import preview_plan
from app.workorders.models import WorkOrder

from .conftest import World
from .kit import SHANGHAI


def stored_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkOrder)) or 0


def test_previewing_an_unsaved_plan_shows_holiday_moves_and_writes_nothing(
    world: World, make_team, make_staff
) -> None:
    team = make_team("ENG", "office_week")
    make_staff("li", "李工", team=team)
    draft = Plan(
        site_id=world.site.id,
        equipment_id=world.elevator.id,
        name="电梯月检",
        rrule="FREQ=MONTHLY;BYMONTHDAY=1",
        starts_on=dt.date(2026, 1, 1),
        team_id=team.id,
    )
    preview = preview_plan(draft, months=12)

    assert stored_rows() == 0 and db.session.scalar(select(func.count()).select_from(Plan)) == 0
    assert draft not in db.session
    by_month = {v.slot.month: v for v in preview.visits}
    october = by_month[10]
    assert october.due.date() == dt.date(2026, 10, 8)  # National Day week, policy "next"
    assert october.reason_texts("zh")[0] == "由 2026-10-01（国庆节）顺延至 2026-10-08：非工作日"
    assert october.assignee == "李工" and october.team == "ENG"
    assert preview.provisional_years == (2027,)


def test_a_higher_tier_previews_with_its_group(world: World, elevator_group) -> None:
    base, quarterly, *_ = elevator_group
    quarterly.rrule = "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"  # edited in the form, not saved
    preview = preview_plan(quarterly, months=6)
    db.session.rollback()
    assert preview.base_plan_id == base.id
    upgraded = [v for v in preview.visits if v.tier_name == "电梯季度保养"]
    assert [v.slot.date() for v in upgraded] == [dt.date(2026, 5, 1)]
    assert upgraded[0].due.date() == dt.date(2026, 4, 30)  # Labour Day; the ceiling says earlier


def test_a_plan_the_engine_refuses_previews_as_a_problem(world: World, make_plan) -> None:
    plan = make_plan(rrule="FREQ=DAILY;BYSOMETHING=1")
    preview = preview_plan(plan)
    assert preview.visits == () and "BYSOMETHING" in preview.problems[0]


@pytest.fixture
def scheduled(world: World, make_plan, make_team, make_staff) -> World:
    team = make_team("ENG", "office_week")
    make_staff("li", "李工", team=team)
    make_plan(
        name='=HYPERLINK("http://evil")',
        location_id=world.machine_room.id,
        rrule="FREQ=WEEKLY;BYDAY=MO",
        team_id=team.id,
    )
    make_plan(
        name="电梯半月保养",
        equipment_id=world.elevator.id,
        catalog_task_key="half_monthly",
        rrule="FREQ=DAILY;INTERVAL=15",
        holiday_policy="skip",
    )
    generate(until=dt.date(2026, 6, 1))
    return world


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
def test_an_export_parses_back_with_one_row_per_occurrence(
    scheduled: World, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"schedule.{suffix}"
    count = export_occurrences(path, dt.date(2026, 4, 1), dt.date(2026, 5, 31))
    expected = db.session.scalar(
        select(func.count())
        .select_from(WorkOrder)
        .where(
            WorkOrder.due_at >= dt.datetime(2026, 4, 1, tzinfo=SHANGHAI),
            WorkOrder.due_at < dt.datetime(2026, 6, 1, tzinfo=SHANGHAI),
        )
    )
    if suffix == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        records = [dict(zip([c.key for c in COLUMNS], row, strict=True)) for row in rows]
    elif suffix == "xlsx":
        sheet = load_workbook(path, read_only=True).active
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        records = [dict(zip([c.key for c in COLUMNS], row, strict=True)) for row in rows]
    else:
        records = json.loads(path.read_text(encoding="utf-8"))
        header = [c.zh for c in COLUMNS]
    assert header == [c.zh for c in COLUMNS]
    assert count == len(records) == expected > 0
    elevator = next(r for r in records if r["asset"] == "EL-02")
    assert elevator["site"] == "阳光花园 (SUN)" and elevator["task"] == "half_monthly"
    assert elevator["due"].startswith("2026-04") and elevator["due"].endswith("09:00")
    labour_day = next(r for r in records if r["asset"] == "EL-02" and r["due"][:10] == "2026-05-01")
    assert labour_day["status"] == "已跳过"
    assert "劳动节" in labour_day["reason"]
    room = next(r for r in records if r["asset"] == "1号楼/电梯机房")
    assert room["assignee"] == "李工" and room["status"] == "已派工"
    if suffix == "json":
        assert room["plan"] == '=HYPERLINK("http://evil")'
    else:
        assert room["plan"] == '\'=HYPERLINK("http://evil")'  # shown as text, never run


def test_schedule_generate_adds_work_orders_and_says_how_many(
    runner: FlaskCliRunner, world: World, make_plan
) -> None:
    make_plan(holiday_policy="ignore", time_of_day=dt.time(10))
    result = runner.invoke(args=["schedule", "generate", "--site", "SUN", "--until", "2026-03-12"])
    assert result.exit_code == 0, result.output
    assert "10 added" in result.output
    assert stored_rows() == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schedule", "generate", "--site", "NOPE"], "no site with code 'NOPE'"),
        (["schedule", "generate", "--until", "2026-02-30"], "is not a date"),
        (["schedule", "generate", "--until", "2026-03-01"], "is not in the future"),
        (["schedule", "preview", "999"], "no plan with id 999"),
        (["schedule", "regenerate", "--plan", "999"], "no plan with id 999"),
        (
            ["schedule", "export", "--from", "2026-03-01", "--to", "2026-03-31", "-o", "x.pdf"],
            "must end in .csv, .xlsx or .json",
        ),
        (
            ["schedule", "export", "--from", "2026-03-31", "--to", "2026-03-01", "-o", "x.csv"],
            "before the start date",
        ),
    ],
)
def test_schedule_commands_refuse_bad_input_with_one_line(
    runner: FlaskCliRunner, world: World, args: list[str], message: str, tmp_path: Path
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_schedule_preview_lists_dates_and_reasons(
    runner: FlaskCliRunner, world: World, make_plan
) -> None:
    plan = make_plan(rrule="FREQ=MONTHLY;BYMONTHDAY=1")
    result = runner.invoke(args=["schedule", "preview", str(plan.id), "--months", "8"])
    assert result.exit_code == 0, result.output
    assert "2026-10-08 09:00 四" in result.output
    assert "由 2026-10-01（国庆节）顺延至 2026-10-08：非工作日" in result.output
    assert stored_rows() == 0


def test_schedule_export_writes_the_file(
    runner: FlaskCliRunner, scheduled: World, tmp_path: Path
) -> None:
    out = tmp_path / "march.json"
    args = ["schedule", "export", "--site", "SUN", "--from", "2026-03-01", "--to", "2026-03-31"]
    result = runner.invoke(args=[*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))) > 0
