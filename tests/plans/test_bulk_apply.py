"""Bulk apply: one selection, one preview, level start days and a coverage check."""

from collections.abc import Callable
from datetime import date, time

import pytest
from sqlalchemy import func, select

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan
from app.plans.programmes.bulk import (
    BulkError,
    Scope,
    Selection,
    StartMode,
    apply_bulk,
    period_days,
    preview_bulk,
)
from app.plans.programmes.coverage import GapCause, covers
from app.sites.models import Location, Site


@pytest.fixture
def pumps(
    site: Site,
    engineering: Team,
    create_location: Callable[..., Location],
    create_equipment: Callable[..., Equipment],
) -> list[Equipment]:
    """Twelve booster pump sets in two buildings' pump rooms, all maintained by 工程部."""
    made = []
    for building in ("T1", "T2"):
        top = create_location(site, building, f"{building}楼", "building")
        room = create_location(site, f"{building}-PR", f"{building}水泵房", "room", parent=top)
        for n in range(6):
            made.append(
                create_equipment(
                    site, f"{building}-P{n}", f"{building}加压泵{n}", "water",
                    location=room, type_key="booster_pump_set",
                    maintainer_team_id=engineering.id,
                )
            )  # fmt: skip
    return made


def _count(equipment_ids: list[int]) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Plan).where(Plan.equipment_id.in_(equipment_ids))
    )


def test_one_preview_covers_every_unplanned_asset_and_confirming_creates_exactly_its_rows(
    site: Site, pumps: list[Equipment], elevator: Equipment
) -> None:
    selection = Selection(site.id)
    preview = preview_bulk(selection)
    assert preview.asset_count == 13
    created = apply_bulk(selection)
    assert len(created) == len(preview.rows)
    assert _count([e.id for e in [*pumps, elevator]]) == len(created)
    assert preview_bulk(selection).rows == []  # nothing left unplanned


def test_a_category_selects_only_that_category(
    site: Site, pumps: list[Equipment], elevator: Equipment
) -> None:
    preview = preview_bulk(Selection(site.id, Scope.CATEGORY, category="elevator"))
    assert {row.equipment.id for row in preview.rows} == {elevator.id}


def test_a_location_selects_the_assets_below_it(site: Site, pumps: list[Equipment]) -> None:
    building = db.session.scalar(select(Location).where(Location.code == "T2"))
    preview = preview_bulk(Selection(site.id, Scope.LOCATION, location_id=building.id))
    assert {row.equipment.asset_code[:2] for row in preview.rows} == {"T2"}
    assert preview.asset_count == 6


def test_a_location_of_another_site_is_refused(
    site: Site, pumps: list[Equipment], create_site: Callable[..., Site]
) -> None:
    other = create_site("OTH", "别的项目")
    building = db.session.scalar(select(Location).where(Location.code == "T1"))
    with pytest.raises(BulkError) as caught:
        preview_bulk(Selection(other.id, Scope.LOCATION, location_id=building.id))
    assert "location_id" in caught.value.fields


def test_start_days_are_spread_so_no_day_of_the_first_four_weeks_carries_a_pile(
    site: Site, pumps: list[Equipment]
) -> None:
    preview = preview_bulk(Selection(site.id))
    loads = [count for _day, count in preview.daily_load]
    first_days = {row.starts_on for row in preview.rows}
    assert len(first_days) > 5
    assert max(loads) <= 2 * (sum(loads) / len(loads)) + 2, loads
    for row in preview.rows:
        period = period_days(row.proposal.unit.fields["rrule"])
        if period is not None:
            assert (row.starts_on - preview.today).days < max(period, 1)


def test_anchoring_to_last_done_dates_starts_one_period_after_the_sheets_date(
    site: Site, pumps: list[Equipment]
) -> None:
    pump = pumps[0]
    pump.attributes = {"上次保养": "2026-02-20"}
    db.session.flush()
    preview = preview_bulk(Selection(site.id, starts=StartMode.LAST_DONE))
    rows = [r for r in preview.rows if r.equipment.id == pump.id]
    monthly = [r for r in rows if period_days(r.proposal.unit.fields["rrule"]) == 30]
    assert monthly, [r.proposal.unit.fields["rrule"] for r in rows]
    assert all(r.from_last_done and r.starts_on == date(2026, 3, 20) for r in monthly)
    others = [r for r in preview.rows if r.equipment.id != pump.id]
    assert not any(r.from_last_done for r in others)


def test_contracted_work_without_a_contractor_is_flagged_before_confirming(
    site: Site, engineering: Team, create_equipment: Callable[..., Equipment]
) -> None:
    create_equipment(
        site, "L9", "9号梯", "elevator", type_key="traction_elevator",
        commissioned_on=date(2018, 6, 1), maintainer_team_id=engineering.id,
    )  # fmt: skip
    preview = preview_bulk(Selection(site.id))
    causes = {row.gap.cause for row in preview.gaps}
    assert GapCause.NO_CONTRACTOR in causes


def test_an_elevator_with_its_contractor_has_no_contractor_gap(
    site: Site, elevator: Equipment, lift_company: Contractor
) -> None:
    preview = preview_bulk(Selection(site.id))
    assert all(row.gap is None or row.gap.cause != GapCause.NO_CONTRACTOR for row in preview.rows)


def test_an_office_hours_team_does_not_cover_round_the_clock_duty() -> None:
    assert not covers("office_week", time(9), every_day=True)
    assert not covers("office_week", time(22), every_day=False)
    assert covers("office_week", time(10), every_day=False)
    assert covers("four_team_three_shift", time(2), every_day=True)
    assert covers("three_team_two_shift", time(21), every_day=True)
