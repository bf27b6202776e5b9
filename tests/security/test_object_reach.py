"""Reach paths to one record besides its own page, tried as an attacker (issue 14).

Each test is a way a visit's results, or another trade's work, could be reached without
`may_view`/`may_edit` saying yes: the equipment history (page, ledger partial, printed
sheet) and the sheets printed for a team. The place is the work-order tests' 阳光花园: 王师傅
is in 工程部 (the pump's team), 李师傅 in 保洁部, and 赵班长 leads 保洁部.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient

from app.extensions import db
from app.people.models import Team, User
from app.plans.models import Plan
from app.workorders.models import WorkCompletion, WorkOrder
from tests.workorders.conftest import NOW, SHANGHAI, Place

Login = Callable[[User], FlaskClient]
MakeWork = Callable[..., WorkOrder]

SIGNED_BY = "签名人甲"
CAUSE = "叶轮磨损需更换"
REMARK = "机封渗漏，已通知工程部"
LIFT_PLAN = "电梯半月维保"
LOBBY_PLAN = "大堂保洁"
PATROL_PLAN = "地库夜巡"


def _done_visit(place: Place, make_work: MakeWork) -> WorkOrder:
    """Yesterday's pump visit by 工程部, signed, with a reading out of its band and a cause."""
    due = NOW - timedelta(days=1)
    visit = make_work(due, assignee=place.tech, status="done", completed_at=due)
    visit.completion = WorkCompletion(
        finished_at=due,
        answers=[
            {
                "key": "d01", "names": {"zh": "出水压力", "en": "Discharge pressure"},
                "kind": "reading", "unit": "MPa", "min": 0.3, "max": 0.6, "value": 0.72,
                "out_of_range": True, "result": "fail",
            }
        ],
        crew=[{"user_id": place.tech.id, "name": SIGNED_BY}],
        signature_name=SIGNED_BY,
        cause=CAUSE,
        note=REMARK,
    )  # fmt: skip
    db.session.commit()
    return visit


def _history_pages(client: FlaskClient, place: Place) -> list[str]:
    return [
        client.get(f"/work/equipment/{place.pump.id}/history").get_data(as_text=True),
        client.get(f"/equipment/{place.pump.id}").get_data(as_text=True),
    ]


def test_a_technician_of_another_team_sees_that_a_visit_happened_but_not_its_results(
    place: Place, make_work: MakeWork, login_as: Login
) -> None:
    visit = _done_visit(place, make_work)
    outsider = login_as(place.other_tech)
    assert outsider.get(f"/work/{visit.id}").status_code == 403

    for page in _history_pages(outsider, place):
        assert visit.title in page  # it happened
        assert SIGNED_BY not in page and CAUSE not in page
        assert "<svg" not in page  # no reading trend: readings are results
        assert f'href="/work/{visit.id}"' not in page  # no link to a page that says 403


def test_the_technician_who_did_the_visit_and_a_supervisor_see_its_results_in_the_history(
    place: Place, make_work: MakeWork, login_as: Login
) -> None:
    visit = _done_visit(place, make_work)
    for user in (place.tech, place.supervisor):
        client = login_as(user)
        assert client.get(f"/work/{visit.id}").status_code == 200
        for page in _history_pages(client, place):
            assert SIGNED_BY in page and CAUSE in page and "<svg" in page


def test_the_printed_history_withholds_who_signed_findings_and_remarks_as_the_page_does(
    place: Place, make_work: MakeWork, login_as: Login
) -> None:
    visit = _done_visit(place, make_work)
    day = f"{visit.due_at.astimezone(SHANGHAI):%Y-%m-%d}"
    query = f"/print/history?site=YG&asset=WP-01&start={day}&end={day}&lang=zh"

    outsider = login_as(place.other_tech).get(query)
    assert outsider.status_code == 200
    page = outsider.get_data(as_text=True)
    assert "WP-01" in page and "已完成" in page  # the visit and its status are listed
    assert SIGNED_BY not in page and REMARK not in page and "出水压力" not in page

    own = login_as(place.tech).get(query).get_data(as_text=True)
    assert SIGNED_BY in own and REMARK in own and "出水压力" in own


# --- printing by team: only the trades the printing user may see --------------------------------


def _lift_and_lobby_on_the_cleaning_team(
    place: Place, make_work: MakeWork, create_plan: Callable[..., Plan]
) -> None:
    """Today, on 保洁部: the lobby cleaning, and the lift's statutory visit booked there too."""
    lift = create_plan(
        place.site, LIFT_PLAN, rrule="FREQ=DAILY;INTERVAL=15", equipment_id=place.elevator.id,
        kind="maintenance", criticality="statutory", performer="licensed_contractor",
        contractor_id=place.contractor.id, team_id=place.other_team.id,
    )  # fmt: skip
    lobby = create_plan(place.site, LOBBY_PLAN, kind="cleaning", team_id=place.other_team.id)
    db.session.commit()
    make_work(NOW, plan=lift, equipment=place.elevator, team=place.other_team)
    make_work(NOW, plan=lobby, team=place.other_team)


def _sheet(client: FlaskClient, team: str, kind: str = "checklist") -> str:
    day = f"{NOW.astimezone(SHANGHAI):%Y-%m-%d}"
    response = client.get(f"/print/{kind}?site=YG&team={team}&date={day}&lang=zh")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_cleaning_lead_printing_her_teams_sheet_gets_its_cleaning_not_the_lifts_statutory_work(
    place: Place, make_work: MakeWork, login_as: Login, create_plan: Callable[..., Plan]
) -> None:
    _lift_and_lobby_on_the_cleaning_team(place, make_work, create_plan)

    lead = _sheet(login_as(place.lead), "CLN")
    assert LOBBY_PLAN in lead and LIFT_PLAN not in lead

    supervisor = _sheet(login_as(place.supervisor), "CLN")  # leads every trade
    assert LOBBY_PLAN in supervisor and LIFT_PLAN in supervisor


def test_a_cleaning_lead_printing_the_engineering_teams_sheet_gets_none_of_its_work(
    place: Place, make_work: MakeWork, login_as: Login
) -> None:
    pump = make_work(NOW, assignee=place.tech)
    sheet = _sheet(login_as(place.lead), "ENG")
    assert pump.plan.name not in sheet
    assert pump.plan.name in _sheet(login_as(place.tech), "ENG")  # his own team's sheet


def test_a_technician_printing_another_teams_sheet_gets_none_of_its_work(
    place: Place, make_work: MakeWork, login_as: Login, create_plan: Callable[..., Plan]
) -> None:
    _lift_and_lobby_on_the_cleaning_team(place, make_work, create_plan)
    sheet = _sheet(login_as(place.tech), "CLN")  # 王师傅 is in 工程部
    assert LOBBY_PLAN not in sheet and LIFT_PLAN not in sheet
    own = _sheet(login_as(place.other_tech), "CLN")  # 李师傅 is in 保洁部
    assert LOBBY_PLAN in own and LIFT_PLAN in own  # a technician leads no trade: the team's paper


def test_a_cleaning_lead_printing_the_security_teams_patrol_sheet_gets_none_of_its_rounds(
    place: Place,
    make_work: MakeWork,
    login_as: Login,
    create_plan: Callable[..., Plan],
    create_team: Callable[..., Team],
) -> None:
    security = create_team(place.site, "SEC", "秩序维护部", "security")
    rounds = create_plan(place.site, PATROL_PLAN, kind="patrol", team_id=security.id)
    db.session.commit()
    make_work(NOW, plan=rounds, team=security)

    assert PATROL_PLAN not in _sheet(login_as(place.lead), "SEC", "patrol")
    assert PATROL_PLAN in _sheet(login_as(place.supervisor), "SEC", "patrol")
