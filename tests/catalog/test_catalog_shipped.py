"""The shipped catalog: valid, complete where the standard is known, honest about confidence."""

from datetime import date

import pytest
import yaml
from jsonschema import Draft202012Validator

from app.catalog import AgeRule, Catalog, Confidence, Criticality, Task
from app.catalog.loader import Source, load_sources, shipped_sources
from app.catalog.schema import catalog_schema
from schedules.shifts import PRESETS

TSG_T5002_TIERS = ["half_monthly", "quarterly", "half_yearly", "annual"]
ELEVATOR_TYPES = ["traction_elevator", "hydraulic_elevator", "dumbwaiter", "escalator"]


def _all_tasks(catalog: Catalog) -> list[tuple[str, Task]]:
    tasks = [(f"{t.key}.{task.key}", task) for t in catalog.types() for task in t.tasks]
    for library in (catalog.cleaning, catalog.greening):
        assert library is not None
        tasks += [(f"{library.key}.{task.key}", task) for _, task in library.all_tasks()]
    return tasks


def test_the_schema_is_a_valid_draft_2020_12_json_schema() -> None:
    schema = catalog_schema()
    Draft202012Validator.check_schema(schema)  # raises SchemaError when it is not
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert not Draft202012Validator(schema).is_valid({})  # it does reject something


@pytest.mark.parametrize("source", shipped_sources(), ids=lambda source: source.name)
def test_every_shipped_file_validates_on_its_own(source: Source) -> None:
    catalog = load_sources([source])  # raises CatalogError when it does not
    document = yaml.safe_load(source.text)
    if "family" in document:
        assert list(catalog.families) == [document["family"]]
        assert catalog.families[document["family"]].types
    else:
        assert getattr(catalog, document["library"]) is not None


def test_every_family_and_library_of_the_issue_ships(shipped_catalog: Catalog) -> None:
    assert set(shipped_catalog.families) >= {
        "elevator",
        "fire",
        "water",
        "power",
        "security",
        "hvac",
    }
    assert shipped_catalog.cleaning is not None
    assert shipped_catalog.greening is not None
    assert shipped_catalog.patrol is not None


@pytest.mark.parametrize(
    ("type_key", "items_per_tier"),
    [("traction_elevator", [31, 13, 15, 17]), ("escalator", [33, 5, 12, 13])],
)
def test_tsg_t5002_annex_a_and_d_checklists_have_the_annex_item_count_per_tier(
    shipped_catalog: Catalog, type_key: str, items_per_tier: list[int]
) -> None:
    tiers = shipped_catalog.type(type_key).chain_tasks("tsg_t5002")
    assert [task.key for task in tiers] == TSG_T5002_TIERS
    assert [len(task.items) for task in tiers] == items_per_tier
    assert all(task.checklist_complete for task in tiers)


@pytest.mark.parametrize(
    ("type_key", "counts_in_standard"),
    [("hydraulic_elevator", [30, 13, 9, 14]), ("dumbwaiter", [20, 8, 10, 14])],
)
def test_annex_b_and_c_checklists_declare_the_standard_counts_and_admit_they_are_incomplete(
    shipped_catalog: Catalog, type_key: str, counts_in_standard: list[int]
) -> None:
    tiers = shipped_catalog.type(type_key).chain_tasks("tsg_t5002")
    assert [task.expected_item_count for task in tiers] == counts_in_standard
    assert not any(task.checklist_complete for task in tiers)


def test_an_annual_traction_visit_also_does_every_lower_tier_item(shipped_catalog: Catalog) -> None:
    elevator = shipped_catalog.type("traction_elevator")
    assert len(elevator.visit_items("half_monthly")) == 31
    assert len(elevator.visit_items("quarterly")) == 31 + 13
    assert len(elevator.visit_items("annual")) == 31 + 13 + 15 + 17


@pytest.mark.parametrize("type_key", ELEVATOR_TYPES)
def test_each_tier_supersedes_the_one_below_it(shipped_catalog: Catalog, type_key: str) -> None:
    tiers = shipped_catalog.type(type_key).chain_tasks("tsg_t5002")
    assert [task.tier.supersedes for task in tiers if task.tier] == [None, *TSG_T5002_TIERS[:-1]]


@pytest.mark.parametrize("type_key", ELEVATOR_TYPES)
def test_elevators_are_maintained_at_least_every_15_days(
    shipped_catalog: Catalog, type_key: str
) -> None:
    half_monthly = shipped_catalog.type(type_key).task("half_monthly")
    assert half_monthly.ceiling_days == 15
    assert half_monthly.frequency is not None
    assert half_monthly.frequency.approx_days <= 15
    assert half_monthly.criticality is Criticality.STATUTORY


def test_every_statutory_task_names_its_legal_basis(shipped_catalog: Catalog) -> None:
    statutory = [
        (name, t) for name, t in _all_tasks(shipped_catalog) if t.criticality == "statutory"
    ]
    assert len(statutory) > 20
    assert [name for name, task in statutory if not task.legal_basis] == []


def test_no_task_resting_on_an_unconfirmed_fact_is_statutory(shipped_catalog: Catalog) -> None:
    unconfirmed = [
        (n, t) for n, t in _all_tasks(shipped_catalog) if t.confidence is Confidence.UNCONFIRMED
    ]
    assert len(unconfirmed) > 20
    assert [name for name, task in unconfirmed if task.criticality is Criticality.STATUTORY] == []


def test_governor_calibration_turns_yearly_once_the_governor_is_older_than_15_years(
    shipped_catalog: Catalog,
) -> None:
    calibration = shipped_catalog.type("traction_elevator").task("governor_calibration")
    assert calibration.age is not None
    assert calibration.age.of == "governor"
    assert str(calibration.frequency_for(age_years=14.9)) == "2 years"
    assert str(calibration.frequency_for(age_years=15.5)) == "1 year"


def test_periodic_inspections_and_self_tests_share_out_the_first_15_years(
    shipped_catalog: Catalog,
) -> None:
    elevator = shipped_catalog.type("traction_elevator")
    inspection, self_test = elevator.task("periodic_inspection"), elevator.task("self_test")
    assert inspection.age is not None and self_test.age is not None

    def years(rule: AgeRule) -> list[int]:
        return [y for y in range(1, 16) if rule.band_for(y - 1).due_in_service_year(y)]

    assert years(inspection.age) == [1, 4, 7, 9, 11, 13, 15]
    assert years(self_test.age) == [2, 3, 5, 6, 8, 10, 12, 14]
    assert inspection.performer == "authority_inspection"


def test_yearly_inspection_beyond_15_years_is_flagged_as_unconfirmed(
    shipped_catalog: Catalog,
) -> None:
    inspection = shipped_catalog.type("traction_elevator").task("periodic_inspection")
    assert inspection.age is not None
    late_band = inspection.age.band_for(20)
    assert str(late_band.frequency) == "1 year"
    assert late_band.confidence is Confidence.UNCONFIRMED


def test_escalator_anti_flooding_and_step_heating_checks_are_held_to_their_seasons(
    shipped_catalog: Catalog,
) -> None:
    escalator = shipped_catalog.type("escalator")
    anti_flooding = escalator.task("quarterly").items[4]
    step_heating = escalator.task("half_yearly").items[11]
    assert anti_flooding.season is not None and step_heating.season is not None
    assert anti_flooding.season.contains(date(2026, 5, 1))
    assert not anti_flooding.season.contains(date(2026, 7, 1))
    assert step_heating.season.contains(date(2026, 11, 1))


def test_extinguisher_repairs_start_after_5_years_for_powder_and_3_for_water(
    shipped_catalog: Catalog,
) -> None:
    powder = shipped_catalog.type("fire_extinguisher_dry_powder").task("repair")
    water = shipped_catalog.type("fire_extinguisher_water").task("repair")
    assert powder.frequency_for(age_years=4) is None
    assert str(powder.frequency_for(age_years=5)) == "2 years"
    assert str(water.frequency_for(age_years=3)) == "1 year"


def test_the_fire_control_room_records_status_every_two_hours_with_two_people(
    shipped_catalog: Catalog,
) -> None:
    record = shipped_catalog.type("fire_control_room").task("status_record")
    assert str(record.frequency) == "2 hours"
    assert record.crew == 2
    assert record.licence == "fire_facility_operator"


def test_nvr_daily_check_records_at_least_30_days_of_recording(shipped_catalog: Catalog) -> None:
    daily = shipped_catalog.type("nvr").task("daily_check")
    retention = next(item for item in daily.items if item.unit == "天")
    assert retention.min == 30


def test_cleaning_covers_the_required_area_kinds_at_three_service_levels(
    shipped_catalog: Catalog,
) -> None:
    cleaning = shipped_catalog.cleaning
    assert cleaning is not None
    required = {"lobby", "corridor", "stairs", "elevator_car", "car_park", "road", "toilet"}
    assert required | {"garbage_station"} <= set(cleaning.areas)
    assert set(cleaning.levels) == {1, 2, 3}
    sweep = next(t for t in cleaning.areas["road"].tasks if t.key == "sweep")
    per_level = [sweep.frequency_for(level=level) for level in (1, 2, 3)]
    assert [f.times_per_day if f else 0 for f in per_level] == [2, 1, 1]
    site_task_keys = {task.key for task in cleaning.site_tasks}
    assert {"clean_glass", "clean_lamps", "mosquito_larviciding"} <= site_task_keys


def test_pest_control_rhythm_changes_with_the_season(shipped_catalog: Catalog) -> None:
    assert shipped_catalog.cleaning is not None
    bait = next(t for t in shipped_catalog.cleaning.site_tasks if t.key == "rodent_bait")
    assert str(bait.frequency_for(on=date(2026, 7, 1))) == "2 weeks"
    assert str(bait.frequency_for(on=date(2026, 1, 15))) == "1 month"


def test_lawns_are_mowed_weekly_in_summer_and_not_at_all_in_winter(
    shipped_catalog: Catalog,
) -> None:
    assert shipped_catalog.greening is not None
    mowing = shipped_catalog.greening.areas["green_area"].tasks[0]
    assert str(mowing.frequency_for(on=date(2026, 7, 1))) == "1 week"
    assert mowing.frequency_for(on=date(2026, 1, 15)) is None


def test_patrols_are_hourly_at_level_1_and_at_least_4_by_day_and_6_by_night_at_level_3(
    shipped_catalog: Catalog,
) -> None:
    assert shipped_catalog.patrol is not None
    rounds = shipped_catalog.patrol.routes["estate_perimeter"].rounds
    assert str(rounds[1].every) == "1 hour"
    assert (rounds[3].day, rounds[3].night) == (4, 6)


def test_every_patrol_route_uses_a_roster_preset_of_the_scheduling_engine(
    shipped_catalog: Catalog,
) -> None:
    assert shipped_catalog.patrol is not None
    patterns = {route.shift_pattern.value for route in shipped_catalog.patrol.routes.values()}
    day_work_only = {"six_on_one_off"}  # staggered rest days for cleaners, not for guards
    assert patterns <= set(PRESETS)
    assert patterns == set(PRESETS) - day_work_only, "each guard preset should have a route"
