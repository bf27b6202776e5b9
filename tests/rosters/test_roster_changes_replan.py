"""Roster changes (shift pattern, members, rotation, licences, active) move untouched future
visits to whoever may now do them; visits people have touched or done never move.

The clock is pinned to Monday 2026-03-02 09:00 Shanghai; the horizon is 90 days. Services
only flush, as the people pages and API call them; these tests commit to show what sticks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest

import app.scheduling.receivers as replan_module
from app.core import clock
from app.core.signals import one_replan
from app.extensions import db
from app.people import licences, services, teams
from app.people.models import Licence, Team, User
from app.plans.models import Plan
from app.rosters.leave import add_leave
from app.rosters.replan import plans_staffed_by, plans_staffed_by_team
from app.scheduling.generation import GenerationResult, generate
from app.workorders.models import WorkOrder
from tests.scheduling.conftest import World
from tests.scheduling.kit import SHANGHAI, work_orders

HV = "electrician_hv"
MON, WED, FRI, SAT, SUN = (dt.date(2026, 3, d) for d in (9, 11, 13, 14, 15))


def by_day(plan: Plan) -> dict[dt.date, WorkOrder]:
    return {w.slot.astimezone(SHANGHAI).date(): w for w in work_orders(plan)}


def assignees(plan: Plan, days: Iterable[dt.date]) -> list[int | None]:
    rows = by_day(plan)
    return [rows[day].assignee_id for day in days]


def work_on(plan: Plan, day: dt.date, *, status: str) -> WorkOrder:
    """A person starts (or finishes) the visit of `day`: regeneration must leave it be."""
    row = by_day(plan)[day]
    row.status, row.touched = status, True
    if status == "done":
        row.completed_at = clock.utcnow()
    db.session.commit()
    return row


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The plan ids of every regeneration run a roster change starts."""
    seen: list[list[int]] = []
    real = replan_module.regenerate_plans

    def spy(plans: Iterable[Plan | int]) -> GenerationResult:
        listed = list(plans)
        seen.append(sorted(p if isinstance(p, int) else p.id for p in listed))
        return real(listed)

    monkeypatch.setattr(replan_module, "regenerate_plans", spy)
    return seen


@pytest.fixture
def eng(make_team: Callable[..., Team]) -> Team:
    return make_team("ENG", "office_week")


@pytest.fixture
def li(make_staff: Callable[..., User], eng: Team) -> User:
    return make_staff("li", "李工", team=eng, licences=((HV, dt.date(2028, 1, 1)),))


@pytest.fixture
def zhang(make_staff: Callable[..., User], eng: Team, li: User) -> User:
    return make_staff("zhang", "张工", team=eng, licences=((HV, dt.date(2028, 1, 1)),))


@pytest.fixture
def switchroom(make_plan: Callable[..., Plan], eng: Team, li: User) -> Plan:
    """High-voltage switch room rounds Mon/Wed/Fri, named on 李工, needing an HV licence."""
    plan = make_plan(
        name="高压配电室巡检",
        rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
        holiday_policy="ignore",
        assignee_id=li.id,
        team_id=eng.id,
        licence_kind=HV,
    )
    generate()
    return plan


def licence_of(user: User) -> Licence:
    return user.licences[0]


# --- licences -------------------------------------------------------------------------------


def test_a_deleted_licence_sends_untouched_visits_to_a_qualified_colleague_and_keeps_worked_ones(
    switchroom: Plan, li: User, zhang: User
) -> None:
    started = work_on(switchroom, WED, status="in_progress")
    done = work_on(switchroom, FRI, status="done")
    licence = licence_of(li)

    licences.delete_licence(licence, licence.version)
    db.session.commit()

    rows = by_day(switchroom)
    moved = rows[MON]
    assert moved.assignee_id == zhang.id and moved.revision == 1
    assert moved.reasons[-1]["code"] == "reassigned"
    assert moved.reasons[-1]["params"]["cause"] == "no_licence"
    assert (rows[WED].assignee_id, rows[WED].status, rows[WED].id) == (
        li.id,
        "in_progress",
        started.id,
    )
    assert (rows[FRI].assignee_id, rows[FRI].status, rows[FRI].id) == (li.id, "done", done.id)
    assert li.id not in {w.assignee_id for w in rows.values() if not w.touched}


def test_an_expiring_licence_flags_later_visits_unassigned_when_nobody_else_holds_one(
    switchroom: Plan, li: User, make_staff: Callable[..., User], eng: Team
) -> None:
    make_staff("wang", "王工", team=eng)  # on duty, but without an HV licence
    licence = licence_of(li)

    licences.update_licence(licence, licence.version, expires_on=dt.date(2026, 3, 10))
    db.session.commit()

    rows = by_day(switchroom)
    assert rows[MON].assignee_id == li.id and rows[MON].revision == 0  # still valid that day
    flagged = rows[WED]
    assert flagged.assignee_id is None and flagged.unassigned
    assert flagged.reasons[-1]["code"] == "unassigned"
    assert flagged.reasons[-1]["params"]["cause"] == "nobody_qualified_on_duty"


def test_a_renewed_licence_gives_the_visits_back_to_the_named_person(
    switchroom: Plan, li: User, zhang: User
) -> None:
    licence = licence_of(li)
    licences.update_licence(licence, licence.version, expires_on=dt.date(2026, 3, 1))
    assert assignees(switchroom, [MON, WED]) == [zhang.id, zhang.id]

    licences.update_licence(licence, licence.version, expires_on=dt.date(2029, 3, 1))
    db.session.commit()

    assert assignees(switchroom, [MON, WED]) == [li.id, li.id]
    (reason,) = by_day(switchroom)[MON].reasons  # the move back is said, like the move away
    assert reason["code"] == "reassigned"
    assert (reason["params"]["from"], reason["params"]["to"]) == ("张工", "李工")


def test_a_new_licence_lets_its_holder_take_the_visits_that_needed_it(
    make_plan: Callable[..., Plan], make_staff: Callable[..., User], eng: Team
) -> None:
    wang = make_staff("wang", "王工", team=eng)
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", team_id=eng.id, licence_kind=HV)
    generate()
    assert by_day(plan)[MON].unassigned

    licences.add_licence(wang, HV, "T-0001", dt.date(2030, 1, 1))
    db.session.commit()

    row = by_day(plan)[MON]
    assert row.assignee_id == wang.id and not row.unassigned


def test_licence_edits_that_decide_nothing_regenerate_nothing(
    switchroom: Plan, li: User, runs: list[list[int]]
) -> None:
    licence = licence_of(li)
    licences.update_licence(
        licence, licence.version, number="T-0002", issued_on=dt.date(2024, 1, 1)
    )
    licences.add_licence(li, "welding", "H-1", None)  # no plan of theirs needs welding
    assert runs == []
    licences.update_licence(licence, licence.version, expires_on=dt.date(2027, 6, 1))
    assert runs == [[switchroom.id]]


# --- team membership and rotation -----------------------------------------------------------


def test_a_member_removed_from_the_team_gets_no_new_visits_of_its_plans(
    make_plan: Callable[..., Plan], eng: Team, li: User, zhang: User
) -> None:
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR", holiday_policy="ignore", team_id=eng.id)
    generate()
    assert assignees(plan, [MON, WED]) == [li.id, li.id]  # first member by id
    work_on(plan, WED, status="in_progress")

    teams.remove_membership(eng, li)
    db.session.commit()

    rows = by_day(plan)
    assert rows[MON].assignee_id == zhang.id
    assert rows[WED].assignee_id == li.id  # already started: stays theirs
    assert li.id not in {w.assignee_id for w in rows.values() if not w.touched}


def test_plans_of_equipment_the_team_maintains_follow_a_removed_member_too(
    world: World, make_plan: Callable[..., Plan], eng: Team, li: User, zhang: User
) -> None:
    world.elevator.maintainer_team_id = eng.id
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", equipment_id=world.elevator.id)
    generate()
    assert by_day(plan)[MON].assignee_id == li.id
    assert plan in plans_staffed_by_team(eng.id) and plan in plans_staffed_by(li)

    teams.remove_membership(eng, li)
    db.session.commit()

    assert by_day(plan)[MON].assignee_id == zhang.id
    assert plan not in plans_staffed_by(li)


def test_a_new_member_takes_visits_nobody_in_the_team_could_do(
    make_plan: Callable[..., Plan], make_staff: Callable[..., User], eng: Team
) -> None:
    make_staff("wang", "王工", team=eng)
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", team_id=eng.id, licence_kind=HV)
    generate()
    assert by_day(plan)[MON].unassigned
    zhao = make_staff("zhao", "赵工", licences=((HV, None),))

    teams.add_membership(eng, zhao)
    db.session.commit()

    assert by_day(plan)[MON].assignee_id == zhao.id


def test_a_changed_rotation_offset_moves_visits_to_whoever_is_now_on_duty(
    make_plan: Callable[..., Plan], make_team: Callable[..., Team], make_staff: Callable[..., User]
) -> None:
    crew = make_team("OPS", "six_on_one_off")  # a day shift 07:00-16:00, one day off in seven
    li = make_staff("li", "李工", team=crew, offset=0)  # off on Sundays
    zhang = make_staff("zhang", "张工", team=crew, offset=1)  # off on Saturdays
    plan = make_plan(rrule="FREQ=DAILY", holiday_policy="ignore", team_id=crew.id)
    generate()
    assert assignees(plan, [FRI, SAT, SUN]) == [li.id, li.id, zhang.id]

    teams.update_membership(crew, li, rotation_offset=2)  # now off on Fridays
    db.session.commit()

    assert assignees(plan, [FRI, SAT, SUN]) == [zhang.id, li.id, li.id]


def test_making_someone_team_lead_regenerates_nothing(
    switchroom: Plan, eng: Team, li: User, runs: list[list[int]]
) -> None:
    teams.update_membership(eng, li, is_lead=True)
    assert runs == []
    teams.update_membership(eng, li, rotation_offset=3)
    assert runs == [[switchroom.id]]


# --- the team's shift pattern ---------------------------------------------------------------


def test_a_new_shift_pattern_moves_visits_to_the_new_on_duty_days(
    make_plan: Callable[..., Plan], make_staff: Callable[..., User], eng: Team
) -> None:
    li = make_staff("li", "李工", team=eng, offset=0)
    zhang = make_staff("zhang", "张工", team=eng, offset=1)
    plan = make_plan(rrule="FREQ=DAILY", holiday_policy="ignore", team_id=eng.id)
    generate()
    weekend = by_day(plan)[SAT]
    assert assignees(plan, [FRI, SAT, SUN]) == [li.id, None, None]  # office hours only
    assert weekend.reasons[-1]["params"]["cause"] == "nobody_on_duty"  # no licence required

    teams.update_team(eng, eng.version, shift_pattern="six_on_one_off")
    db.session.commit()

    assert assignees(plan, [FRI, SAT, SUN]) == [li.id, li.id, zhang.id]
    assert by_day(plan)[SAT].id == weekend.id, "the same visit, now with someone to do it"


def test_renaming_a_team_regenerates_nothing(
    switchroom: Plan, eng: Team, runs: list[list[int]]
) -> None:
    teams.update_team(eng, eng.version, code="ENG-1", name="工程一组", kind="engineering")
    assert runs == []


def test_a_pattern_change_reaches_plans_of_the_members_other_teams(
    make_plan: Callable[..., Plan], make_team: Callable[..., Team], make_staff: Callable[..., User]
) -> None:
    office = make_team("OFF", "office_week")
    crew = make_team("OPS", None)  # no pattern yet: adds no duties
    li = make_staff("li", "李工", team=office)
    teams.add_membership(crew, li)
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=SA", holiday_policy="ignore", team_id=office.id)
    generate()
    assert by_day(plan)[SAT].assignee_id is None

    teams.update_team(crew, crew.version, shift_pattern="six_on_one_off")
    db.session.commit()

    assert by_day(plan)[SAT].assignee_id == li.id  # their duties come from every team


def test_deleting_a_team_takes_its_shifts_off_its_members_other_plans(
    make_plan: Callable[..., Plan], make_team: Callable[..., Team], make_staff: Callable[..., User]
) -> None:
    office = make_team("OFF", "office_week")
    weekend_crew = make_team("WKD", "six_on_one_off")
    li = make_staff("li", "李工", team=office)
    teams.add_membership(weekend_crew, li)
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=SA", holiday_policy="ignore", team_id=office.id)
    generate()
    assert by_day(plan)[SAT].assignee_id == li.id

    teams.delete_team(weekend_crew, weekend_crew.version)
    db.session.commit()

    assert by_day(plan)[SAT].assignee_id is None


# --- the person -----------------------------------------------------------------------------


def test_a_deactivated_person_hands_their_visits_to_a_colleague_and_gets_them_back(
    switchroom: Plan, li: User, zhang: User
) -> None:
    done = work_on(switchroom, FRI, status="done")

    services.deactivate_user(li, li.version)
    db.session.commit()
    assert assignees(switchroom, [MON, WED, FRI]) == [zhang.id, zhang.id, li.id]
    assert by_day(switchroom)[FRI].id == done.id

    services.update_user(li, li.version, active=True)
    db.session.commit()
    assert assignees(switchroom, [MON, WED]) == [li.id, li.id]


def test_a_renamed_person_is_named_correctly_in_the_reasons_of_future_visits(
    switchroom: Plan, li: User, zhang: User, runs: list[list[int]]
) -> None:
    add_leave(li, MON, MON, "annual")
    assert by_day(switchroom)[MON].reasons[-1]["params"]["from"] == "李工"
    runs.clear()

    services.update_user(li, li.version, phone="13800138000", roles=["technician"])
    assert runs == []
    services.update_user(li, li.version, name="李明")
    db.session.commit()

    assert by_day(switchroom)[MON].reasons[-1]["params"]["from"] == "李明"


def test_leave_reaches_plans_of_equipment_the_persons_team_maintains(
    world: World, make_plan: Callable[..., Plan], eng: Team, li: User, zhang: User
) -> None:
    world.elevator.maintainer_team_id = eng.id
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", equipment_id=world.elevator.id)
    generate()

    add_leave(li, MON, FRI, "sick")
    db.session.commit()

    row = by_day(plan)[MON]
    assert row.assignee_id == zhang.id
    assert row.reasons[-1]["params"]["cause"] == "on_leave"


def test_a_roster_change_and_its_new_schedule_are_undone_together(
    switchroom: Plan, li: User, zhang: User
) -> None:
    """Services only flush: a page that fails after the change rolls back both."""
    before: list[Any] = assignees(switchroom, [MON, WED])
    services.deactivate_user(li, li.version)
    assert assignees(switchroom, [MON, WED]) == [zhang.id, zhang.id]

    db.session.rollback()

    assert li.active
    assert assignees(switchroom, [MON, WED]) == before == [li.id, li.id]


def test_changes_inside_one_replan_regenerate_each_plan_once_when_the_block_ends(
    switchroom: Plan, li: User, zhang: User, runs: list[list[int]]
) -> None:
    with one_replan():
        services.deactivate_user(li, li.version)
        add_leave(zhang, MON, FRI, "sick")
        assert runs == []  # both changes reach the switch room; nothing is redone yet
    assert runs == [[switchroom.id]]
    assert assignees(switchroom, [MON]) not in ([li.id], [zhang.id])
