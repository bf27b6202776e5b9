"""Stored inspections follow the ledger: 下次法定检验 and the age the catalog's `of` names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from app.equipment.exporting import export_ledger
from app.equipment.importing import import_equipment
from app.equipment.inputs import EquipmentInput
from app.equipment.models import Equipment
from app.equipment.services import update_equipment
from app.extensions import db
from app.plans.models import Plan
from app.scheduling import receivers
from app.scheduling.generation import generate

from .conftest import World
from .kit import local_days, work_orders

YEARLY_FROM_15 = [{"min_years": 0, "rrule": "FREQ=YEARLY", "of": "equipment"}]


def inspection(make_plan: Callable[..., Plan], equipment: Equipment) -> Plan:
    return make_plan(
        name="定期检验",
        kind="inspection",
        rrule="FREQ=YEARLY",
        equipment_id=equipment.id,
        performer="authority_inspection",
        holiday_policy="previous",
        age_bands=YEARLY_FROM_15,
    )


def days(plan: Plan) -> list[dt.date]:
    return local_days([w for w in work_orders(plan) if w.status != "skipped"])


def test_the_periodic_inspection_falls_on_the_ledgers_next_inspection_date(
    world: World, make_plan: Callable[..., Plan]
) -> None:
    world.elevator.next_inspection_on = dt.date(2026, 9, 15)  # commissioned 2015-06-01
    db.session.commit()
    plan = inspection(make_plan, world.elevator)
    generate(until=dt.date(2028, 1, 1))
    assert days(plan) == [dt.date(2026, 9, 15), dt.date(2027, 9, 14)]  # 2027-09-15: 中秋


def test_changing_the_ledgers_date_re_plans_the_inspection(
    world: World, make_plan: Callable[..., Plan]
) -> None:
    world.elevator.next_inspection_on = dt.date(2026, 9, 15)
    db.session.commit()
    plan = inspection(make_plan, world.elevator)
    generate(until=dt.date(2028, 1, 1))
    eq = db.session.get(Equipment, world.elevator.id)
    changed = EquipmentInput.from_equipment(eq).updated({"next_inspection_on": "2026-11-20"})
    update_equipment(eq, changed, eq.version)
    db.session.commit()
    assert days(plan)[0] == dt.date(2026, 11, 20)
    assert dt.date(2026, 9, 15) not in days(plan)


def test_a_ledger_import_moving_two_lifts_dates_re_plans_both_in_one_run(
    world: World,
    make_plan: Callable[..., Plan],
    create_equipment: Callable[..., Equipment],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = create_equipment(
        world.site,
        "EL-03",
        "3#客梯",
        "elevator",
        location=world.machine_room,
        commissioned_on=dt.date(2016, 6, 1),
    )
    world.elevator.next_inspection_on = second.next_inspection_on = dt.date(2026, 9, 15)
    db.session.commit()
    plans = [inspection(make_plan, world.elevator), inspection(make_plan, second)]
    generate(until=dt.date(2028, 1, 1))
    sheet = export_ledger("csv").replace(b"2026-09-15", b"2026-11-20")
    runs: list[list[int]] = []
    real = receivers.regenerate_plans
    monkeypatch.setattr(receivers, "regenerate_plans", lambda p: runs.append(list(p)) or real(p))
    report = import_equipment("ledger.csv", sheet, dry_run=False)
    db.session.commit()
    assert report.applied and report.count("update") == 2
    assert runs == [sorted(p.id for p in plans)]
    assert [days(p)[0] for p in plans] == [dt.date(2026, 11, 20)] * 2


def test_an_age_rule_of_manufacture_counts_from_the_manufacture_date(
    world: World, make_plan: Callable[..., Plan], create_equipment: Callable[..., Equipment]
) -> None:
    extinguishers = create_equipment(
        world.site,
        "MHQ-01",
        "干粉灭火器组",
        "fire",
        location=world.building,
        commissioned_on=dt.date(2023, 5, 1),
        attributes={"component_dates": {"manufacture": "2021-06-01"}},
    )
    db.session.commit()
    repair = make_plan(
        name="送修（维修）",
        rrule="FREQ=YEARLY",
        equipment_id=extinguishers.id,
        holiday_policy="next",
        age_bands=[{"min_years": 5, "rrule": "FREQ=YEARLY;INTERVAL=2", "of": "manufacture"}],
    )
    generate(until=dt.date(2030, 1, 1))
    # Five years from manufacture, not from commissioning (2028-05-01).
    assert days(repair) == [dt.date(2026, 6, 1), dt.date(2028, 6, 1)]
