"""Paper sheets: a lead enters a returned daily checklist as "all done except ..."."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.people.models import User
from app.plans.models import Plan
from app.workorders.models import WorkOrder
from tests.workorders.conftest import NOW, Place

Login = Callable[[User], FlaskClient]
English = Callable[[FlaskClient], FlaskClient]

CLEANING = [
    {"key": "c1", "names": {"zh": "大堂地面清洁"}, "kind": "check"},
    {"key": "c2", "names": {"zh": "垃圾桶已清空"}, "kind": "check"},
]


def _cleaning_day(place: Place, make_work: Callable[..., WorkOrder]) -> list[WorkOrder]:
    plan = Plan(
        site_id=place.site.id,
        name="大堂保洁",
        kind="cleaning",
        rrule="FREQ=DAILY;BYHOUR=8,11,14",
        starts_on=date(2026, 1, 1),
        team_id=place.other_team.id,
        checklist=CLEANING,
    )
    db.session.add(plan)
    db.session.commit()
    return [
        make_work(
            due=NOW + timedelta(hours=h),
            plan=plan,
            team=place.other_team,
            assignee=place.other_tech,
            equipment=place.pump,
            title=f"大堂保洁 {9 + h}:00",
        )
        for h in (0, 2, 4)
    ]


def test_everything_on_the_sheet_is_done_except_the_exceptions(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    first, second, third = _cleaning_day(place, make_work)
    lead = login_as(place.lead)
    url = f"/work/sheet?site={place.site.id}&team={place.other_team.id}&day=2026-03-02"
    page = lead.get(url).get_data(as_text=True)
    assert all(row.title in page for row in (first, second, third))
    response = lead.post(
        url,
        data={
            f"wo{second.id}.not_done": "1",
            f"wo{second.id}.reason": "大堂临时封闭",
            f"wo{third.id}.failed": "c2",
            f"wo{third.id}.note": "垃圾桶破损",
            "finished_at": "2026-03-02T08:55",
        },
    )
    assert response.status_code == 302
    for row in (first, second, third):
        db.session.refresh(row)
    assert (first.status, second.status, third.status) == ("done", "skipped", "done")
    assert first.completion is not None and first.completion.from_paper
    assert [a["result"] for a in first.completion.answers] == ["pass", "pass"]
    assert first.completion.crew == [{"user_id": place.other_tech.id, "name": "李师傅"}]
    assert second.skip_reason == "大堂临时封闭"
    jobs = db.session.scalars(select(WorkOrder).where(WorkOrder.kind == "corrective")).all()
    assert [j.source_item_key for j in jobs] == ["c2"]


def test_a_sheet_with_a_problem_saves_nothing_and_marks_the_row(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    first, second, _third = _cleaning_day(place, make_work)
    lead = english(login_as(place.lead))
    url = f"/work/sheet?site={place.site.id}&team={place.other_team.id}&day=2026-03-02"
    response = lead.post(url, data={f"wo{second.id}.not_done": "1", f"wo{second.id}.reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    row = html.split(f'id="row-{second.id}"')[1].split('id="row-')[0]
    assert "Say why it was not done." in row
    db.session.refresh(first)
    assert first.status == "assigned"


def test_technicians_cannot_enter_sheets(place: Place, login_as: Login) -> None:
    assert login_as(place.tech).get("/work/sheet").status_code == 403


def test_a_leads_sheet_opens_on_her_own_team_without_an_all_teams_choice(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    _cleaning_day(place, make_work)
    pump_visit = make_work(due=NOW, team=place.team, assignee=place.tech, title="水泵月检")
    page = login_as(place.lead).get(f"/work/sheet?site={place.site.id}&day=2026-03-02")
    html = page.get_data(as_text=True)
    assert "大堂保洁 9:00" in html
    assert pump_visit.title not in html
    assert "全部班组" not in html


def test_a_lead_cannot_enter_another_teams_work_and_nothing_is_saved(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    pump_visit = make_work(due=NOW, team=place.team, assignee=place.tech, title="水泵月检")
    url = f"/work/sheet?site={place.site.id}&team={place.team.id}&day=2026-03-02"
    response = login_as(place.lead).post(url, data={"finished_at": "2026-03-02T08:55"})
    assert response.status_code == 409
    assert "您只能录入本班组的检查表；这项工作属于工程部" in response.get_data(as_text=True)
    db.session.refresh(pump_visit)
    assert pump_visit.status == "assigned"


def test_a_supervisor_may_enter_any_teams_sheet(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    pump_visit = make_work(due=NOW, team=place.team, assignee=place.tech, title="水泵月检")
    url = f"/work/sheet?site={place.site.id}&team={place.team.id}&day=2026-03-02"
    response = login_as(place.supervisor).post(url, data={"finished_at": "2026-03-02T08:55"})
    assert response.status_code == 302
    db.session.refresh(pump_visit)
    assert pump_visit.status == "done"


def test_after_her_teams_shift_the_leads_sheet_defaults_to_tomorrow(
    place: Place, login_as: Login
) -> None:
    place.other_team.shift_pattern = "six_on_one_off"  # day shift 07:00–16:00
    db.session.commit()
    lead = login_as(place.lead)
    assert 'value="2026-03-02"' in lead.get(f"/work/sheet?site={place.site.id}").get_data(
        as_text=True
    )
    with clock.pinned(datetime(2026, 3, 2, 8, 30, tzinfo=UTC)):  # 16:30 in Shanghai
        html = lead.get(f"/work/sheet?site={place.site.id}").get_data(as_text=True)
        work = lead.get("/work/").get_data(as_text=True)
    assert 'value="2026-03-03"' in html
    assert "打印明天的检查表（PDF）" in work
    assert "date=2026-03-03" in work
