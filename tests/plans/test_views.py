"""Plan pages: the custom plan form with its preset widget, stale edits, the apply page."""

import re
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.actor import Actor, acting_as
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan
from app.plans.programmes import apply_programme
from app.plans.services import PlanError, PlanInput, create_custom_plan, update_plan
from app.sites.models import Location, Site
from tests.plans.conftest import QUARTERLY_2027, write_catalog_file


def _field_error(html: str, field: str) -> str:
    """The invalid-feedback text rendered right after the named input."""
    match = re.search(
        rf'name="{field}"[^>]*>(?:(?!<input|<select|<textarea).)*?'
        r'<div class="invalid-feedback[^"]*"[^>]*>\s*(.*?)\s*</div>',
        html,
        re.S,
    )
    return match.group(1) if match else ""


def _form(site: Site, team: Team, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "消防通道检查",
        "kind": "custom",
        "preset": "monthly_day",
        "month_day": "-1",
        "starts_on": "2026-03-02",
        "time_of_day": "10:00",
        "duration_minutes": "30",
        "holiday_policy": "previous",
        "team_id": str(team.id),
        "assignment_strategy": "least_loaded",
        "tolerance_before_days": "0",
        "tolerance_after_days": "1",
        "checklist": "防火门关闭\n疏散通道畅通",
        "submit": "Save",
    }
    data.update(changes)
    return data


def _input(site: Site, team: Team, **changes: object) -> PlanInput:
    values = {
        "name": "消防通道检查",
        "site_id": site.id,
        "preset": "monthly_day",
        "month_day": -1,
        "starts_on": date(2026, 3, 2),
        "time_of_day": time(10, 0),
        "team_id": team.id,
        "assignment_strategy": "least_loaded",
        "checklist": ("防火门关闭",),
    }
    values.update(changes)
    return PlanInput(**values)  # type: ignore[arg-type]


def test_a_supervisor_creates_a_last_day_of_month_plan_from_the_preset_widget(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    response = client.post(f"/plans/new?site_id={site.id}", data=_form(site, engineering))
    assert response.status_code == 302
    plan = db.session.scalars(select(Plan)).one()
    assert plan.rrule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert [i["names"]["zh"] for i in plan.checklist] == ["防火门关闭", "疏散通道畅通"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "每月最后一天" in page
    assert "提前到前一个工作日" in page


def test_custom_plan_errors_appear_next_to_the_fields_that_caused_them(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    client.post("/lang/en", data={"next": "/"})
    bad = _form(
        site, engineering, name="", preset="weekly", ends_on="2026-01-01", duration_minutes="0"
    )
    response = client.post(f"/plans/new?site_id={site.id}", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "name") == "Enter a name."
    assert _field_error(html, "weekdays") == "Choose at least one weekday."
    assert _field_error(html, "ends_on") == "The end date must not be before the first date."
    assert _field_error(html, "duration_minutes") == "Between 1 and 1440 minutes."
    assert _field_error(html, "team_id") == ""
    assert db.session.scalars(select(Plan)).first() is None


def test_the_service_names_each_bad_field_for_forms_and_the_api_alike(
    site: Site, engineering: Team
) -> None:
    with pytest.raises(PlanError) as refused:
        create_custom_plan(
            _input(
                site,
                engineering,
                preset="monthly_weekday",
                nth=2,
                weekday=None,
                assignment_strategy="round_robin",
                team_id=None,
                time_of_day=None,
            )
        )
    assert set(refused.value.fields) == {"weekday", "team_id", "time_of_day"}


def test_a_stale_edit_names_who_changed_the_plan_and_saves_nothing(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    plan = create_custom_plan(_input(site, engineering))
    db.session.commit()
    client = login("supervisor")
    page = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    with acting_as(Actor(None, "王经理")):
        update_plan(plan, _input(site, engineering, name="消防通道月检"), 1)
        db.session.commit()
    response = client.post(
        f"/plans/{plan.id}/edit", data=_form(site, engineering, name="我的改动", version="1")
    )
    assert response.status_code == 409
    assert "王经理" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).name == "消防通道月检"


def test_the_apply_page_lists_the_elevator_tasks_and_creates_the_ticked_ones(
    elevator: Equipment, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    page = client.get(f"/plans/apply?equipment_id={elevator.id}").get_data(as_text=True)
    assert "半月维护保养" in page and "年度维护保养" in page
    ticked = re.findall(r'name="([^"]+)\|include" value="y"\s+checked', page)
    assert len(ticked) == 7
    form = {f"{key}|include": "y" for key in ticked if "self_test" not in key}
    form["traction_elevator:half_monthly|time_of_day"] = "08:30"
    response = client.post(f"/plans/apply?equipment_id={elevator.id}", data=form)
    assert response.status_code == 302
    plans = db.session.scalars(select(Plan).order_by(Plan.id)).all()
    assert len(plans) == 6
    assert plans[0].time_of_day == time(8, 30)
    again = client.get(f"/plans/apply?equipment_id={elevator.id}").get_data(as_text=True)
    assert all(f'href="/plans/{plan.id}"' in again for plan in plans)  # shown as existing
    still_offered = re.findall(r'name="([^"]+)\|include" value="y"\s+checked', again)
    assert still_offered == ["traction_elevator:self_test"]


def test_viewers_see_plans_but_not_the_edit_buttons(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    plan = create_custom_plan(_input(site, engineering))
    db.session.commit()
    client = login("viewer")
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "消防通道检查" in page
    assert f"/plans/{plan.id}/edit" not in page
    assert client.get(f"/plans/{plan.id}/edit").status_code == 403


def test_a_plan_list_filters_by_kind(
    app: Flask,
    elevator: Equipment,
    site: Site,
    engineering: Team,
    login: Callable[[str], FlaskClient],
) -> None:
    create_custom_plan(_input(site, engineering, kind="custom"))
    db.session.commit()
    client = login("viewer")
    html = client.get("/plans/?kind=custom").get_data(as_text=True)
    assert "消防通道检查" in html
    assert "消防通道检查" not in client.get("/plans/?kind=patrol").get_data(as_text=True)


def test_the_preview_shows_national_day_moving_a_visit_with_the_reason_and_saves_nothing(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    form = _form(site, engineering, month_day="1", holiday_policy="next", preview="Preview")
    del form["submit"]
    response = client.post(f"/plans/new?site_id={site.id}", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "由 2026-10-01（国庆节）顺延至 2026-10-08：非工作日" in html
    row = re.search(r"<tr class=\"table-warning\">\s*<td[^>]*>2026-10-08 10:00.*?</tr>", html, re.S)
    assert row is not None and "2026-10-01" in row.group(0)
    assert db.session.scalars(select(Plan)).first() is None


def test_an_english_preview_gives_the_reason_in_english(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    client.post("/lang/en", data={"next": "/"})
    form = _form(site, engineering, month_day="1", holiday_policy="next", preview="Preview")
    del form["submit"]
    html = client.post(f"/plans/new?site_id={site.id}", data=form).get_data(as_text=True)
    assert "moved from 2026-10-01 (National Day) to 2026-10-08: not a working day" in html


def test_a_cleaning_lead_applies_the_cleaning_programme_to_a_lobby(
    lobby: Location, cleaning_team: Team, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("cleaning_lead")
    page = client.get(f"/plans/apply?location_id={lobby.id}").get_data(as_text=True)
    assert "地面清扫" in page
    ticked = re.findall(r'name="([^"]+)\|include" value="y"\s+checked', page)
    assert "cleaning:lobby.sweep" in ticked
    assert not any(key.startswith("cleaning:site.") for key in ticked)  # offered, not ticked
    response = client.post(
        f"/plans/apply?location_id={lobby.id}", data={"cleaning:lobby.sweep|include": "y"}
    )
    assert response.status_code == 302
    plan = db.session.scalars(select(Plan)).one()
    assert (plan.kind, plan.location_id, plan.team_id) == ("cleaning", lobby.id, cleaning_team.id)


def test_the_detail_page_shows_a_catalog_change_and_applies_it_on_request(
    elevator: Equipment,
    catalog_paths: list[str],
    tmp_path: Path,
    login: Callable[[str], FlaskClient],
) -> None:
    quarterly = next(p for p in apply_programme(elevator) if p.catalog_task_key == "quarterly")
    db.session.commit()
    catalog_paths.append(write_catalog_file(tmp_path, "site.yaml", QUARTERLY_2027))
    client = login("supervisor")
    page = client.get(f"/plans/{quarterly.id}").get_data(as_text=True)
    assert 'id="catalog-changed"' in page
    assert "新增：称重装置校准" in page
    assert page.count('class="list-group-item') == 4  # the tier chain, four levels
    response = client.post(
        f"/plans/{quarterly.id}/catalog-update", data={"version": quarterly.version}
    )
    assert response.status_code == 302
    after = client.get(f"/plans/{quarterly.id}").get_data(as_text=True)
    assert 'id="catalog-changed"' not in after
    db.session.expire_all()
    assert db.session.get(Plan, quarterly.id).tolerance_after_days == 14


def test_the_preview_of_a_quarterly_plan_from_31_march_shows_the_clamped_month_ends(
    site: Site, engineering: Team, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    form = _form(
        site, engineering, preset="quarterly", starts_on="2026-03-31", holiday_policy="ignore"
    )
    form["preview"] = "Preview"
    del form["submit"], form["month_day"]
    html = client.post(f"/plans/new?site_id={site.id}", data=form).get_data(as_text=True)
    assert "2026-06-30 10:00" in html and "2026-09-30 10:00" in html
    assert "本月没有 31 日，改在月末 6月30日" in html
    assert "2026-12-31 10:00" in html
