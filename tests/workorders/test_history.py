"""An asset's record: a year of planned and repair work, reading trends in their band, downtime."""

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_login import login_user

from app.core import clock
from app.equipment.models import Equipment
from app.equipment.services import EquipmentInput, update_equipment
from app.extensions import db
from app.people.models import User
from app.workorders.charts import trend_chart
from app.workorders.corrective import create_corrective
from app.workorders.history import equipment_history
from app.workorders.models import WorkCompletion, WorkOrder
from tests.workorders.conftest import NOW, SHANGHAI, Place

WEEKS = 52


def _answers(pressure: float) -> list[dict[str, object]]:
    out = not 0.3 <= pressure <= 0.6
    return [
        {
            "key": "d01",
            "names": {"zh": "出水压力", "en": "Discharge pressure"},
            "kind": "reading",
            "unit": "MPa",
            "min": 0.3,
            "max": 0.6,
            "value": pressure,
            "out_of_range": out,
            "result": "fail" if out else "pass",
        },
        {"key": "d03", "names": {"zh": "无异常声响"}, "kind": "check", "result": "pass"},
    ]


def _a_year_of_weekly_checks(place: Place) -> list[WorkOrder]:
    """52 weekly visits, done, with a pressure that drifts up and breaks the band twice."""
    rows = []
    for week in range(WEEKS, 0, -1):
        due = NOW - timedelta(weeks=week)
        pressure = round(0.40 + 0.005 * (WEEKS - week) / 2, 3)
        if week in (10, 3):
            pressure = 0.72
        row = WorkOrder(
            plan_id=place.pump_plan.id,
            slot=due,
            site_id=place.site.id,
            equipment_id=place.pump.id,
            title=f"水泵周检 {due.astimezone(SHANGHAI):%m-%d}",
            due_at=due,
            ends_at=due + timedelta(hours=1),
            window_start=due - timedelta(days=1),
            window_end=due + timedelta(days=1),
            status="done",
            completed_at=due,
            touched=True,
            team_id=place.team.id,
        )
        row.completion = WorkCompletion(
            finished_at=due,
            answers=_answers(pressure),
            crew=[{"user_id": place.tech.id, "name": "王师傅"}],
            signature_name="王师傅",
        )
        rows.append(row)
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _set_status(equipment: Equipment, status: str, at_days_ago: int) -> None:
    with clock.pinned(NOW - timedelta(days=at_days_ago)):
        data = EquipmentInput.from_equipment(equipment).updated({"status": status})
        update_equipment(equipment, data, equipment.version)
        db.session.commit()


def test_a_year_of_work_with_readings_and_outages_is_on_the_record(
    app: Flask, place: Place, login_as: Callable[[User], FlaskClient]
) -> None:
    rows = _a_year_of_weekly_checks(place)
    _set_status(place.pump, "fault", 40)  # out of service for two days, set in the ledger
    _set_status(place.pump, "in_service", 38)
    create_corrective(
        site=place.site,
        title="水泵漏水",
        description="机封渗水",
        priority="urgent",
        equipment=place.pump,
        equipment_down=True,
        raised_at=NOW - timedelta(hours=5),
    )
    db.session.commit()

    history = equipment_history(place.pump, viewer=place.supervisor)
    assert history.total == WEEKS + 1
    [series] = history.series
    assert len(series.points) == WEEKS and (series.min, series.max) == (0.3, 0.6)
    assert sum(p.out_of_range for p in series.points) == 2
    assert [round(p.hours(history.until)) for p in history.downtime] == [48, 5]
    assert history.downtime[1].end is None  # still out of service

    client = login_as(place.supervisor)
    html = client.get(f"/work/equipment/{place.pump.id}/history").get_data(as_text=True)
    assert f'<div class="fs-5 work-total">{WEEKS + 1}</div>' in html
    assert "水泵漏水" in html and rows[-1].title in html  # newest first
    older = client.get(f"/work/equipment/{place.pump.id}/history?page=2").get_data(as_text=True)
    assert rows[0].title in older  # a year ago, on the second page
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'class="band"' in svg and "<polyline" in svg
    assert svg.count('class="out"') == 2 and svg.count('class="in"') == WEEKS - 2
    assert "53.0 h" in html  # 48 h in the ledger + 5 h of the open repair


def test_the_chart_puts_the_band_between_the_limits_and_points_in_time_order(
    app: Flask, place: Place
) -> None:
    _a_year_of_weekly_checks(place)
    history = equipment_history(place.pump, viewer=place.supervisor)
    chart = trend_chart(history.series[0], history.since, history.until, SHANGHAI)
    assert chart is not None and chart.band is not None
    top, bottom = chart.band
    assert chart.plot_top <= top < bottom <= chart.plot_bottom
    xs = [d.x for d in chart.dots]
    assert xs == sorted(xs) and chart.plot_left <= xs[0] and xs[-1] <= chart.plot_right
    high = [d for d in chart.dots if d.out_of_range]
    assert all(d.y < top for d in high)  # above the band: higher pressure, smaller y


def test_the_ledger_page_can_include_the_history_partial(app: Flask, place: Place) -> None:
    _a_year_of_weekly_checks(place)
    with app.test_request_context():
        login_user(place.supervisor)  # the partial shows what the viewer may see
        html = render_template_string(
            '{% include "workorders/_equipment_history.html" %}', eq=place.pump
        )
    assert "work-history" in html and "<svg" in html
    assert re.search(rf'href="[^"]*/work/equipment/{place.pump.id}/history"', html)
    assert html.count("<tr>") <= 16  # the last few rows; the full list is on its own page
