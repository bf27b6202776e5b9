"""Roster pages: who works which shift, holidays in the header, leave and the day list."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.people.models import Team, User
from app.plans.services import PlanInput, create_custom_plan
from app.rosters.grid import period, team_grid
from app.rosters.leave import LeaveError, add_leave, remove_leave
from app.rosters.models import StaffLeave
from app.sites.models import Site
from app.workorders.models import WorkOrder


def _cell(html: str, user: User, day: str) -> str:
    """The text of one person's cell on one day."""
    row = re.search(rf"/roster/person/{user.id}\?.*?</tr>", html, re.S)
    assert row is not None
    cell = re.search(rf'data-day="{day}"[^>]*>(.*?)</td>', row.group(0), re.S)
    assert cell is not None
    return re.sub(r"<[^>]+>", " ", cell.group(1)).split()[0]


def test_the_month_grid_marks_national_day_and_the_make_up_saturday(
    engineering: Team, technicians: list[User], login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    html = (
        login("viewer")
        .get(f"/roster/team/{engineering.id}?start=2026-10-01&span=month")
        .get_data(as_text=True)
    )
    national_day = re.search(r'<th class="text-center ([^"]*)"\s+data-day="2026-10-01"', html)
    make_up = re.search(r'<th class="text-center ([^"]*)"\s+data-day="2026-10-10"', html)
    ordinary = re.search(r'<th class="text-center ([^"]*)"\s+data-day="2026-10-12"', html)
    assert national_day and national_day.group(1) == "roster-holiday"
    assert "国庆节" in html
    assert make_up and make_up.group(1) == "roster-makeup"
    assert ordinary and ordinary.group(1) == ""


def test_a_four_team_three_shift_crew_works_early_middle_night_then_rests(
    engineering: Team, technicians: list[User], login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    html = (
        login("viewer")
        .get(f"/roster/team/{engineering.id}?start=2026-10-01&span=week")
        .get_data(as_text=True)
    )
    first_crew = technicians[0]  # rotation offset 0
    week = ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02",
            "2026-10-03", "2026-10-04"]  # fmt: skip
    assert [_cell(html, first_crew, day) for day in week] == [
        "早",
        "中",
        "中",
        "夜",
        "夜",
        "休",
        "休",
    ]
    on_national_day = {_cell(html, person, "2026-10-01") for person in technicians}
    assert on_national_day == {"早", "中", "夜", "休"}  # four crews cover every shift


def test_work_given_to_a_person_shows_in_their_cell(
    site: Site, engineering: Team, technicians: list[User]
) -> None:
    person = technicians[4]
    due = datetime(2026, 10, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    db.session.add(
        WorkOrder(
            site_id=site.id, title="2号楼水泵房巡检", due_at=due, ends_at=due + timedelta(hours=1),
            window_start=due, window_end=due, assignee_id=person.id, team_id=engineering.id,
        )
    )  # fmt: skip
    db.session.flush()
    first, last = period(date(2026, 10, 1), "week")
    grid = team_grid(engineering, first, last)
    row = next(r for r in grid.rows if r.user is not None and r.user.id == person.id)
    cell = next(c for c in row.cells if c.day == date(2026, 10, 1))
    assert cell.work == ("2号楼水泵房巡检",)
    assert cell.code == ("早", "E")


def test_leave_shows_as_leave_and_overlapping_leave_is_refused(
    engineering: Team, technicians: list[User]
) -> None:
    person = technicians[0]
    leave = add_leave(person, date(2026, 3, 9), date(2026, 3, 13), "annual", "探亲")
    grid = team_grid(engineering, date(2026, 3, 9), date(2026, 3, 15))
    row = next(r for r in grid.rows if r.user is not None and r.user.id == person.id)
    assert [c.code[0] for c in row.cells[:5]] == ["假"] * 5
    with pytest.raises(LeaveError) as refused:
        add_leave(person, date(2026, 3, 12), date(2026, 3, 20), "sick")
    assert list(refused.value.fields) == ["starts_on"]
    remove_leave(leave, leave.version)
    assert db.session.scalars(select(StaffLeave)).first() is None


def test_leave_is_added_from_the_person_page_with_errors_next_to_the_fields(
    technicians: list[User], login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    person = technicians[2]
    client = login("supervisor")
    client.post("/lang/en", data={"next": "/"})
    bad = client.post(
        f"/roster/person/{person.id}/leave",
        data={"starts_on": "2026-03-10", "ends_on": "2026-03-09", "kind": "annual"},
    )
    assert bad.status_code == 422
    assert "The last day must not be before the first day." in bad.get_data(as_text=True)
    good = client.post(
        f"/roster/person/{person.id}/leave",
        data={"starts_on": "2026-03-10", "ends_on": "2026-03-11", "kind": "sick"},
    )
    assert good.status_code == 302
    assert db.session.scalars(select(StaffLeave)).one().kind == "sick"


def test_a_viewer_may_look_at_rosters_but_not_add_leave(
    technicians: list[User], login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("viewer")
    page = client.get(f"/roster/person/{technicians[0].id}")
    assert page.status_code == 200
    assert '/leave"' not in page.get_data(as_text=True)
    response = client.post(
        f"/roster/person/{technicians[0].id}/leave",
        data={"starts_on": "2026-03-10", "ends_on": "2026-03-11", "kind": "sick"},
    )
    assert response.status_code == 403


def test_the_day_list_groups_a_sites_work_by_team(
    site: Site, engineering: Team, technicians: list[User], login: Callable[[str], FlaskClient]
) -> None:
    due = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    for title, team_id in (("配电房巡检", engineering.id), ("电梯半月保养", None)):
        db.session.add(
            WorkOrder(
                site_id=site.id, title=title, due_at=due, ends_at=due, window_start=due,
                window_end=due, team_id=team_id,
            )
        )  # fmt: skip
    db.session.commit()
    html = (
        login("viewer")
        .get(f"/roster/day?site_id={site.id}&start=2026-03-02")
        .get_data(as_text=True)
    )
    assert html.index("工程部") < html.index("配电房巡检") < html.index("电梯半月保养")
    assert "10:00" in html


def test_leave_hands_the_persons_future_visits_to_a_colleague_on_duty(
    site: Site, engineering: Team, technicians: list[User]
) -> None:
    wang = technicians[0]  # 四班三运转 crew 0: early shifts on 3 and 4 March 2026
    plan = create_custom_plan(
        PlanInput(
            name="配电房日巡", site_id=site.id, preset="daily", starts_on=date(2026, 3, 3),
            time_of_day=time(9, 0), holiday_policy="ignore", team_id=engineering.id,
            assignee_id=wang.id, checklist=(),
        )
    )  # fmt: skip
    march_3 = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    order = db.session.scalars(
        select(WorkOrder).where(WorkOrder.plan_id == plan.id, WorkOrder.due_at == march_3)
    ).one()
    assert order.assignee_id == wang.id
    add_leave(wang, date(2026, 3, 3), date(2026, 3, 4), "sick")
    db.session.refresh(order)
    assert order.assignee_id not in (None, wang.id)
    assert [r["code"] for r in order.reasons] == ["reassigned"]
    assert order.reasons[0]["params"]["cause"] == "on_leave"
