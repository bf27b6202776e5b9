"""Residents see staggered outages: two water tanks of one building are never cut together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import pairwise

import icalendar

from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.services import Issued
from app.plans.models import Plan
from app.scheduling.generation import generate
from tests.feeds.conftest import Estate


def test_the_building_feed_shows_two_water_tanks_cut_one_after_the_other(
    estate: Estate,
    create_equipment: Callable[..., Equipment],
    create_plan: Callable[..., Plan],
    issue: Callable[..., Issued],
    fetch: Callable[[Issued], bytes],
) -> None:
    tank_b = create_equipment(
        estate.site, "T1-WT2", "生活水箱B", "water", location=estate.pump_room,
        type_key="water_tank",
    )  # fmt: skip
    for tank in (estate.tank, tank_b):
        create_plan(
            estate.site, f"{tank.name}清洗消毒", rrule="FREQ=MONTHLY;BYMONTHDAY=10",
            equipment_id=tank.id, catalog_type_key="water_tank",
            catalog_task_key="clean_disinfect_test", time_of_day=dt.time(10), duration_minutes=120,
        )  # fmt: skip
    db.session.commit()
    generate()
    body = fetch(issue("building"))
    cuts = sorted(
        (e.decoded("DTSTART"), e.decoded("DTEND"))
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if "计划停水" in str(e["SUMMARY"])
    )
    tenth = [start for start, _end in cuts if start.day == 10]
    assert len(tenth) >= 2
    assert all(first[1] <= second[0] for first, second in pairwise(cuts)), cuts
