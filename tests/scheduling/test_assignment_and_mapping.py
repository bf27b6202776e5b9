"""Who gets each visit, and how plan rows become engine plans (seasons, age bands, anchors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import generate, regenerate_plan
from app.scheduling.mapping import MappingError, Places, build_unit, facts_of

from .conftest import World
from .kit import SHANGHAI, local_days, snapshot, work_orders


def visits(plan: Plan) -> list:
    return [w for w in work_orders(plan) if w.status != "skipped"]


def test_round_robin_takes_turns_and_a_regeneration_keeps_the_turns(
    world: World, make_plan: Callable[..., Plan], make_team, make_staff
) -> None:
    team = make_team("SEC", "office_week", kind="security")
    people = [make_staff(f"guard{i}", f"保安{i}", team=team) for i in range(3)]
    plan = make_plan(
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        team_id=team.id,
        assignment_strategy="round_robin",
        time_of_day=dt.time(10),
    )
    generate()
    first_six = [w.assignee_id for w in visits(plan)[:6]]
    assert first_six == [p.id for p in people] * 2
    before = snapshot()
    result = regenerate_plan(plan)
    db.session.commit()
    assert result.updated == 0 and snapshot() == before


def test_only_licensed_staff_get_licensed_work_and_an_expired_licence_counts_as_none(
    world: World, make_plan, make_team, make_staff
) -> None:
    team = make_team("ELEC", "office_week")
    expired = make_staff(
        "old", "老王", team=team, licences=(("electrician_lv", dt.date(2026, 3, 10)),)
    )
    make_staff("none", "小李", team=team)
    plan = make_plan(
        name="配电柜月检",
        rrule="FREQ=WEEKLY;BYDAY=TH",
        team_id=team.id,
        assignee_id=expired.id,
        licence_kind="electrician_lv",
    )
    generate(until=dt.date(2026, 3, 20))
    by_day = {w.due_at.astimezone(SHANGHAI).date(): w for w in work_orders(plan)}
    assert by_day[dt.date(2026, 3, 5)].assignee_id == expired.id
    later = by_day[dt.date(2026, 3, 12)]
    assert later.assignee_id is None and later.unassigned and later.status == "planned"
    assert later.reasons[-1] == {
        "code": "unassigned",
        "params": {"cause": "nobody_qualified_on_duty"},
    }


def test_a_plan_without_anyone_named_is_flagged_unassigned(world: World, make_plan) -> None:
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO")
    generate(until=dt.date(2026, 3, 20))
    row = work_orders(plan)[0]
    assert row.unassigned and row.reasons[-1]["params"]["cause"] == "no_candidates"


def test_contractor_work_is_neither_assigned_nor_flagged(world: World, make_plan) -> None:
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", performer="licensed_contractor")
    generate(until=dt.date(2026, 3, 20))
    rows = work_orders(plan)
    assert rows and all(r.assignee_id is None and not r.unassigned for r in rows)
    # applied at 09:00 sharp, Monday's 09:00 visit is moved to Tuesday; nothing else is said
    assert {r["code"] for row in rows for r in row.reasons} == {"first_visit_moved"}


def test_the_equipment_maintainer_team_is_used_when_the_plan_names_none(
    world: World, make_plan, make_team, make_staff
) -> None:
    team = make_team("ENG", "office_week")
    fitter = make_staff("fitter", "钳工", team=team)
    world.elevator.maintainer_team_id = team.id
    db.session.commit()
    plan = make_plan(equipment_id=world.elevator.id, rrule="FREQ=WEEKLY;BYDAY=MO")
    generate(until=dt.date(2026, 3, 20))
    row = work_orders(plan)[0]
    assert (row.assignee_id, row.team_id) == (fitter.id, team.id)


def test_a_four_team_rotation_puts_night_visits_on_the_night_crew(
    world: World, make_plan, make_team, make_staff
) -> None:
    team = make_team("SEC", "four_team_three_shift", kind="security")
    crews = [
        make_staff(f"c{offset}", f"班{offset}", team=team, offset=offset) for offset in (0, 2, 4, 6)
    ]
    plan = make_plan(
        name="夜间巡更", kind="patrol", holiday_policy="ignore", time_of_day=dt.time(2),
        team_id=team.id,
    )  # fmt: skip
    generate(until=dt.date(2026, 3, 12))
    rows = visits(plan)
    assert all(w.assignee_id in {c.id for c in crews} for w in rows)
    assert len({w.assignee_id for w in rows}) > 1  # the night shift rotates between crews


def test_seasons_and_age_bands_follow_the_catalog_shapes(world: World, make_plan) -> None:
    mowing = make_plan(
        name="草坪修剪",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        seasons=[{"from": "04-01", "to": "04-30", "label": {"zh": "生长季", "en": "growing"}}],
    )
    aged = make_plan(
        name="电梯安全评估",
        equipment_id=world.elevator.id,  # commissioned 2015-06-01
        rrule="FREQ=YEARLY",
        age_bands=[
            {"min_years": 0, "rrule": "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1"},
            {"min_years": 10, "rrule": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"},
        ],
    )
    generate(until=dt.date(2027, 1, 1))
    assert {d.month for d in local_days(visits(mowing))} == {4}
    # Ten years old since 2025-06-01: quarterly from that anniversary (not from the
    # plan's start, issue 12), not yearly in June.
    assert local_days(visits(aged)) == [
        dt.date(2026, 6, 1),
        dt.date(2026, 9, 1),
        dt.date(2026, 12, 1),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"holiday_policy": "sometimes"}, "unknown holiday policy"),
        ({"anchor": "moon"}, "unknown anchor"),
        ({"seasons": [{"from": "13-01", "to": "02-01"}]}, "bad season"),
        ({"age_bands": [{"rrule": "FREQ=YEARLY"}]}, "bad age band"),
        ({"rrule": "FREQ=DAILY;UNTIL=20261231T000000Z"}, "UNTIL"),
    ],
)
def test_a_plan_the_engine_cannot_take_names_the_plan_and_the_field(
    world: World, changes: dict, message: str
) -> None:
    draft = Plan(site_id=world.site.id, name="x", rrule="FREQ=DAILY", starts_on=dt.date(2026, 1, 1))
    for key, value in changes.items():
        setattr(draft, key, value)
    with pytest.raises(MappingError, match=message) as caught:
        build_unit([facts_of(draft)], timezone="Asia/Shanghai", equipment=None, places=Places([]))
    assert str(caught.value).startswith("plan (new): ")
