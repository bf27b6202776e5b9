"""A calendar change reaches the stored schedule: untouched future visits follow it,
work a person has taken on stays where it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.calendars.models import CalendarOverride
from app.calendars.services import follow_calendar, set_override
from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import generate
from app.sites.models import Site
from app.workorders.models import WorkOrder
from tests.scheduling.kit import SHANGHAI, local_days, work_orders

from .conftest import World

# The clock is pinned to Monday 2026-03-02 09:00 Shanghai: every Wednesday below is ahead.
WEDNESDAYS = (dt.date(2026, 3, 4), dt.date(2026, 3, 11), dt.date(2026, 3, 18))


def by_slot_day(plan: Plan) -> dict[dt.date, WorkOrder]:
    return {w.slot.astimezone(SHANGHAI).date(): w for w in work_orders(plan)}


def due_day(row: WorkOrder) -> dt.date:
    [day] = local_days([row])
    return day


def weekly_plan(make_plan: Callable[..., Plan], **fields: object) -> Plan:
    """Every Wednesday; a visit on a rest day moves to the next working day."""
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=WE", holiday_policy="next", **fields)
    generate()
    return plan


def import_file(runner: FlaskCliRunner, tmp_path: Path, text: str, *options: str) -> str:
    path = tmp_path / "overrides.txt"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["calendar", "import", str(path), *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_imported_holiday_moves_the_untouched_visit_and_leaves_peoples_work(
    world: World, make_plan: Callable[..., Plan], runner: FlaskCliRunner, tmp_path: Path
) -> None:
    plan = weekly_plan(make_plan)
    rows = by_slot_day(plan)
    done, edited, untouched = (rows[day] for day in WEDNESDAYS)
    done.status, done.touched, done.completed_at = "done", True, clock.utcnow()
    edited.touched = True
    db.session.commit()

    output = import_file(
        runner,
        tmp_path,
        "2026-03-04 holiday 停电检修\n2026-03-11 holiday 停电检修\n2026-03-18 holiday 停电检修\n",
        "--site",
        "SUN",
    )

    assert "1 future work orders updated" in output
    after = by_slot_day(plan)
    assert after[WEDNESDAYS[2]].id == untouched.id, "the same visit (and feed UID), moved"
    assert due_day(after[WEDNESDAYS[2]]) == dt.date(2026, 3, 19)
    assert after[WEDNESDAYS[2]].reasons[0]["code"] == "holiday_moved"
    assert due_day(after[WEDNESDAYS[0]]) == WEDNESDAYS[0] and after[WEDNESDAYS[0]].status == "done"
    assert due_day(after[WEDNESDAYS[1]]) == WEDNESDAYS[1] and after[WEDNESDAYS[1]].revision == 0


def test_importing_the_same_file_again_reschedules_nothing(
    world: World, make_plan: Callable[..., Plan], runner: FlaskCliRunner, tmp_path: Path
) -> None:
    plan = weekly_plan(make_plan)
    import_file(runner, tmp_path, "2026-03-18 holiday 停电检修\n")
    revisions = {w.id: w.revision for w in work_orders(plan)}

    output = import_file(runner, tmp_path, "2026-03-18 holiday 停电检修\n")

    assert "0 added, 0 updated, 1 unchanged" in output
    assert "future work orders" not in output
    db.session.expire_all()
    assert {w.id: w.revision for w in work_orders(plan)} == revisions


def test_a_sites_own_holiday_moves_that_sites_visits_only(
    world: World, make_plan: Callable[..., Plan], runner: FlaskCliRunner, tmp_path: Path
) -> None:
    moon = Site(code="MOON", name="月亮湾", timezone="Asia/Shanghai")
    db.session.add(moon)
    db.session.commit()
    sun_plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=WE", holiday_policy="next")
    moon_plan = weekly_plan(make_plan, site_id=moon.id)

    output = import_file(runner, tmp_path, "2026-03-18 holiday 停电检修\n", "--site", "MOON")

    assert "1 future work orders updated" in output
    assert due_day(by_slot_day(moon_plan)[WEDNESDAYS[2]]) == dt.date(2026, 3, 19)
    assert due_day(by_slot_day(sun_plan)[WEDNESDAYS[2]]) == WEDNESDAYS[2]


def test_a_company_wide_holiday_entered_on_the_page_moves_visits_and_removing_it_moves_them_back(
    world: World, make_plan: Callable[..., Plan], login: Callable[[str], FlaskClient]
) -> None:
    plan = weekly_plan(make_plan)
    admin = login("admin")
    admin.post("/lang/en", data={"next": "/"})

    saved = admin.post(
        "/calendar/overrides",
        data={"day": "2026-03-18", "kind": "holiday", "note": "公司活动日"},
        follow_redirects=True,
    )

    assert "Saved; 1 future work orders updated." in saved.get_data(as_text=True)
    moved = by_slot_day(plan)[WEDNESDAYS[2]]
    assert due_day(moved) == dt.date(2026, 3, 19)

    override = db.session.scalar(select(CalendarOverride))
    assert override is not None and override.site_id is None
    removed = admin.post(f"/calendar/overrides/{override.id}/delete", follow_redirects=True)

    assert "Removed; 1 future work orders updated." in removed.get_data(as_text=True)
    db.session.expire_all()
    back = by_slot_day(plan)[WEDNESDAYS[2]]
    assert back.id == moved.id and due_day(back) == WEDNESDAYS[2]


def test_saving_an_override_unchanged_on_the_page_reschedules_nothing(
    world: World, make_plan: Callable[..., Plan], login: Callable[[str], FlaskClient]
) -> None:
    weekly_plan(make_plan)
    admin = login("admin")
    admin.post("/lang/en", data={"next": "/"})
    form = {"day": "2026-03-18", "kind": "holiday", "note": "公司活动日"}
    first = admin.post("/calendar/overrides?site=SUN", data=form, follow_redirects=True)
    assert "Saved; 1 future work orders updated." in first.get_data(as_text=True)

    again = admin.post("/calendar/overrides?site=SUN", data=form, follow_redirects=True)

    page = again.get_data(as_text=True)
    assert "Saved." in page and "future work orders updated" not in page


def test_a_holiday_and_the_visit_it_moves_are_undone_together(
    world: World, make_plan: Callable[..., Plan]
) -> None:
    """The re-plan runs in the override's transaction: a crash before commit loses both."""
    plan = weekly_plan(make_plan)
    set_override(None, WEDNESDAYS[2], "holiday", "公司活动日")
    assert follow_calendar(None) == 1
    assert due_day(by_slot_day(plan)[WEDNESDAYS[2]]) == dt.date(2026, 3, 19)

    db.session.rollback()

    assert db.session.scalar(select(CalendarOverride)) is None
    assert due_day(by_slot_day(plan)[WEDNESDAYS[2]]) == WEDNESDAYS[2]
