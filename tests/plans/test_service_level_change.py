"""A site's service level change re-plans its cleaning and patrol plans, after a preview
of what changes: moving 二级 → 一级 used to leave every area plan on the old frequency."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan
from app.plans.programmes import apply_area_programme
from app.scheduling.generation import generate
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder

LEVEL_ONE_SWEEP = "FREQ=DAILY;BYHOUR=8,15"


def _rows(plan: Plan) -> list[WorkOrder]:
    return list(db.session.scalars(select(WorkOrder).where(WorkOrder.plan_id == plan.id)))


def _sweeps_a_day(plan: Plan) -> Counter[dt.date]:
    zone = ZoneInfo("Asia/Shanghai")
    return Counter(w.due_at.astimezone(zone).date() for w in _rows(plan) if w.status != "skipped")


def _edit(client: FlaskClient, site: Site, level: int, **extra: str) -> str:
    response = client.post(
        f"/sites/{site.id}/edit",
        data={
            "code": site.code,
            "name": site.name,
            "timezone": site.timezone,
            "service_level": str(level),
            "version": str(site.version),
            **extra,
        },
    )
    return f"{response.status_code} " + response.get_data(as_text=True)


def test_a_level_change_is_previewed_first_and_saved_with_its_replan_on_confirm(
    site: Site, lobby: Location, cleaning_team: Team, login: Callable[[str], FlaskClient]
) -> None:
    sweep = next(p for p in apply_area_programme(lobby) if p.catalog_task_key == "lobby.sweep")
    db.session.commit()
    generate()
    assert set(_sweeps_a_day(sweep).values()) == {1}
    before = {w.id: w.assignee_id for w in _rows(sweep)}
    client = login("admin")

    preview = _edit(client, site, 1)
    assert preview.startswith("200 ") and 'id="level-changes"' in preview
    assert sweep.name in preview
    db.session.expire_all()
    assert site.service_level == 2 and sweep.rrule != LEVEL_ONE_SWEEP  # nothing saved yet

    assert _edit(client, site, 1, confirm="1").startswith("302 ")
    db.session.expire_all()
    assert site.service_level == 1
    assert sweep.rrule == LEVEL_ONE_SWEEP
    per_day = _sweeps_a_day(sweep)
    future = sorted(per_day)[-10:-1]  # the horizon's last day may hold only the morning
    assert {per_day[day] for day in future} == {2}
    for row in _rows(sweep):  # a visit updated in place keeps its cleaner or says why
        codes = {r["code"] for r in row.reasons}
        if row.assignee_id is None:
            assert row.status == "skipped" or "unassigned" in codes, row.due_at
        elif row.id in before and row.assignee_id != before[row.id]:
            assert "reassigned" in codes, row.due_at


def test_saving_a_site_without_a_level_change_needs_no_confirmation(
    site: Site, login: Callable[[str], FlaskClient]
) -> None:
    assert _edit(login("admin"), site, 2).startswith("302 ")
