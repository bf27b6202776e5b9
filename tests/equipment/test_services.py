"""The one validation of equipment data, and creating, editing and retiring records."""

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.audit.actor import Actor, acting_as
from app.audit.models import AuditEntry
from app.equipment.models import Criticality, Equipment, EquipmentStatus
from app.equipment.services import (
    ConflictError,
    EquipmentInput,
    EquipmentInvalid,
    LedgerFilter,
    Lookups,
    create_equipment,
    ledger_query,
    parse_date,
    retire_equipment,
    update_equipment,
)
from app.equipment.services import validate as service_validate
from app.extensions import db
from tests.equipment.conftest import Ledger


def validate(data: EquipmentInput, current: Equipment | None = None) -> dict[str, str]:
    """The service's field errors as the plain words a user reads."""
    return {name: str(msg) for name, msg in service_validate(data, current).items()}


def valid(ledger: Ledger, **changes: object) -> EquipmentInput:
    return EquipmentInput(
        site_id=ledger.site.id, asset_code="WP-01", name="生活水泵 1#", category="water"
    ).updated(changes)


def test_a_complete_record_has_no_errors(ledger: Ledger) -> None:
    data = valid(
        ledger,
        location_id=ledger.pump_room.id,
        installed_on="2020-05-01",
        commissioned_on="2020-06-01",
        warranty_until="2022-06-01",
        maintainer_team_id=ledger.team.id,
        maintainer_contractor_id=ledger.contractor.id,
        attributes="扬程=50m\n功率=15kW",
    )
    assert validate(data) == {}


def test_site_asset_code_name_and_category_are_required(ledger: Ledger) -> None:
    errors = validate(EquipmentInput())
    assert errors["site_id"] == "choose the site"
    assert errors["asset_code"] == "required"
    assert errors["name"] == "required"
    assert errors["category"].startswith("required; choose one of: elevator (电梯/扶梯)")


def test_an_unknown_category_lists_the_allowed_ones(ledger: Ledger) -> None:
    errors = validate(valid(ledger, category="锅炉"))
    assert errors["category"] == (
        "unknown category 锅炉; choose one of: elevator (电梯/扶梯), water (给排水), "
        "power (供配电), fire (消防), cctv (视频监控), access_control (门禁/对讲/道闸), "
        "hvac (暖通空调), lighting (照明), building_fabric (房屋本体)"
    )


@pytest.mark.parametrize("written", ["water", "WATER", "给排水", "Water supply and drainage"])
def test_categories_are_accepted_as_key_or_chinese_or_english_label(
    ledger: Ledger, written: str
) -> None:
    eq = create_equipment(valid(ledger, category=written))
    assert eq.category == "water"


@pytest.mark.parametrize(("written", "stored"), [("故障", "fault"), ("Standby", "standby")])
def test_statuses_are_accepted_as_key_or_label(ledger: Ledger, written: str, stored: str) -> None:
    assert create_equipment(valid(ledger, status=written)).status == EquipmentStatus(stored)


def test_unknown_status_and_criticality_are_refused_with_the_choices(ledger: Ledger) -> None:
    errors = validate(valid(ledger, status="broken", criticality="urgent"))
    assert errors["status"] == (
        "unknown status broken; choose one of: in_service (在用), fault (故障), "
        "standby (备用), retired (报废)"
    )
    assert errors["criticality"] == (
        "unknown criticality urgent; choose one of: high (高), medium (中), low (低)"
    )


def test_the_asset_code_is_unique_within_its_site_only(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    make_equipment("WP-01", name="老水泵")
    errors = validate(valid(ledger))
    assert errors["asset_code"] == "WP-01 is already used in site YG by 老水泵"
    assert validate(valid(ledger, site_id=ledger.other_site.id)) == {}


def test_an_edit_may_keep_its_own_asset_code(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01")
    assert validate(EquipmentInput.from_equipment(eq), current=eq) == {}


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a real date: 2026-02 has only 28 days"),
        ("2024-02-30", "2024-02-30 is not a real date: 2024-02 has only 29 days"),
        ("2026-13-01", "2026-13-01 is not a real date: there is no month 13"),
        ("next week", "next week is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01"),
        ("0026-03-01", "0026-03-01: the year 26 looks wrong"),
    ],
)
def test_dates_must_be_real_dates_and_the_reason_is_given(
    ledger: Ledger, written: str, message: str
) -> None:
    assert validate(valid(ledger, installed_on=written))["installed_on"] == message


@pytest.mark.parametrize(
    "written", ["2026-03-01", "2026/3/1", "2026.03.01", "2026年3月1日", "2026-03-01 00:00:00"]
)
def test_the_usual_ways_of_writing_a_date_are_understood(written: str) -> None:
    assert parse_date(written) == (date(2026, 3, 1), None)


def test_commissioning_before_installation_is_refused(ledger: Ledger) -> None:
    errors = validate(valid(ledger, installed_on="2021-05-01", commissioned_on="2021-04-01"))
    assert errors["commissioned_on"] == (
        "commissioned on 2021-04-01, before it was installed on 2021-05-01"
    )


def test_a_warranty_ending_before_commissioning_is_refused(ledger: Ledger) -> None:
    errors = validate(
        valid(
            ledger,
            installed_on="2021-05-01",
            commissioned_on="2021-06-01",
            warranty_until="2021-05-15",
        )
    )
    assert errors["warranty_until"] == (
        "the warranty ends on 2021-05-15, before the equipment was put into use on 2021-06-01"
    )


def test_the_location_must_belong_to_the_same_site(ledger: Ledger) -> None:
    errors = validate(valid(ledger, location_id=ledger.other_building.id))
    assert errors["location_id"] == "1号楼 belongs to site XH, not YG"


def test_a_location_path_is_resolved_in_the_site_tree(ledger: Ledger) -> None:
    eq = create_equipment(valid(ledger, location_id="1号楼 / B1 / 水泵房"))
    assert eq.location == ledger.pump_room


def test_full_width_slashes_separate_levels_and_empty_levels_are_refused(ledger: Ledger) -> None:
    assert create_equipment(valid(ledger, location_id="1号楼／B1／水泵房")).location == (
        ledger.pump_room
    )
    errors = validate(valid(ledger, asset_code="WP-02", location_id="1号楼//水泵房"))
    assert (
        errors["location_id"]
        == "1号楼//水泵房 has an empty level; write it like Building 1/B1/Pump room"
    )


def test_an_unknown_location_path_says_which_part_is_missing(ledger: Ledger) -> None:
    errors = validate(valid(ledger, location_id="1号楼/B2/水泵房"))
    assert errors["location_id"] == "no location 1号楼/B2/水泵房 in site YG: 1号楼 has no B2"
    errors = validate(valid(ledger, location_id="3号楼/B1"))
    assert errors["location_id"] == (
        "no location 3号楼/B1 in site YG: there is no 3号楼 at the top level"
    )


def test_an_edit_that_creates_a_location_is_still_one_version_step(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01")
    data = EquipmentInput.from_equipment(eq).updated({"location_id": "2号楼/屋顶", "model": "X"})
    update_equipment(eq, data, 1, Lookups(create_locations=True))
    db.session.commit()
    assert (eq.version, eq.location.path if eq.location else None) == (2, "2号楼/屋顶")


def test_missing_locations_are_created_only_when_asked(ledger: Ledger) -> None:
    eq = create_equipment(
        valid(ledger, location_id="1号楼/B1/消防泵房"), Lookups(create_locations=True)
    )
    assert eq.location is not None
    assert eq.location.path == "1号楼/B1/消防泵房"
    assert eq.location.parent == ledger.basement


def test_the_maintainer_team_and_contractor_must_exist(ledger: Ledger) -> None:
    errors = validate(valid(ledger, maintainer_team_id=99999, maintainer_contractor_id=99999))
    assert errors["maintainer_team_id"] == "no team with id 99999"
    assert errors["maintainer_contractor_id"] == "no contractor with id 99999"
    errors = validate(valid(ledger, maintainer_team_id="保安部", maintainer_contractor_id="某公司"))
    assert errors["maintainer_team_id"] == "no team 保安部 in site YG"
    assert errors["maintainer_contractor_id"] == "no contractor named 某公司"


def test_a_team_of_another_site_cannot_maintain_the_equipment(ledger: Ledger) -> None:
    errors = validate(valid(ledger, maintainer_team_id=ledger.other_team.id))
    assert errors["maintainer_team_id"] == "team 星河工程部 works at another site, not YG"


def test_catalog_type_must_exist_and_match_the_category(ledger: Ledger) -> None:
    errors = validate(valid(ledger, type_key="traction_elevator"))
    assert errors["type_key"] == ("traction_elevator is a type of category elevator, not water")
    errors = validate(valid(ledger, category="elevator", type_key="rope_elevator"))
    assert errors["type_key"].startswith("unknown catalog type rope_elevator; types for this")
    assert "traction_elevator" in errors["type_key"]
    assert validate(valid(ledger, category="elevator", type_key="traction_elevator")) == {}


def test_too_long_text_is_refused_with_the_limit(ledger: Ledger) -> None:
    errors = validate(valid(ledger, asset_code="X" * 65))
    assert errors["asset_code"] == "too long: at most 64 characters, this has 65"


def test_technical_parameters_are_key_value_lines_or_json(ledger: Ledger) -> None:
    eq = create_equipment(valid(ledger, attributes="扬程 = 50m; 功率=15kW"))
    assert eq.attributes == {"扬程": "50m", "功率": "15kW"}
    errors = validate(valid(ledger, asset_code="WP-02", attributes="扬程 50m"))
    assert errors["attributes"] == "扬程 50m is not key=value; write one key=value per line"


def test_nested_parameters_are_kept_and_component_dates_must_be_real_dates(
    ledger: Ledger,
) -> None:
    nested = {"component_dates": {"governor": "2019-07-02"}, "层站": [1, 18]}
    assert create_equipment(valid(ledger, attributes=nested)).attributes == nested
    errors = validate(
        valid(
            ledger, asset_code="DT-02", attributes={"component_dates": {"governor": "2019-02-30"}}
        )
    )
    assert errors["attributes"] == (
        "component_dates.governor: 2019-02-30 is not a real date: 2019-02 has only 28 days"
    )
    errors = validate(
        valid(ledger, asset_code="DT-03", attributes={"component_dates": {"governor": "2019/7/2"}})
    )
    assert errors["attributes"] == (
        "component_dates.governor: write the date as YYYY-MM-DD, e.g. 2019-07-02"
    )


def test_create_stores_clean_values_and_is_audited(ledger: Ledger) -> None:
    with acting_as(Actor(None, "wang")):
        eq = create_equipment(
            valid(ledger, asset_code="  WP-01 ", installed_on="2020/5/1", criticality="高")
        )
    db.session.commit()
    assert (eq.asset_code, eq.installed_on, eq.criticality) == (
        "WP-01",
        date(2020, 5, 1),
        Criticality.HIGH,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "equipment"))
    assert entry is not None and entry.actor == "wang" and entry.action == "create"


def test_an_invalid_create_writes_nothing(ledger: Ledger) -> None:
    with pytest.raises(EquipmentInvalid) as caught:
        create_equipment(valid(ledger, installed_on="2026-02-30"))
    assert set(caught.value.fields) == {"installed_on"}
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Equipment)) == 0


def test_update_changes_the_record_and_bumps_its_version(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01")
    data = EquipmentInput.from_equipment(eq).updated({"status": "fault"})
    update_equipment(eq, data, expected_version=1)
    db.session.commit()
    assert (eq.status, eq.version) == (EquipmentStatus.FAULT, 2)


def test_a_stale_version_is_refused_and_says_who_changed_it(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01")
    with acting_as(Actor(None, "li")):
        update_equipment(eq, EquipmentInput.from_equipment(eq).updated({"name": "李改的"}), 1)
    db.session.commit()
    with pytest.raises(ConflictError) as caught:
        update_equipment(eq, EquipmentInput.from_equipment(eq).updated({"name": "王改的"}), 1)
    assert caught.value.current_version == 2
    assert caught.value.changed_by == "li"
    assert caught.value.changed_fields == ["name"]
    db.session.rollback()
    assert db.session.get(Equipment, eq.id).name == "李改的"  # type: ignore[union-attr]


def test_two_sessions_editing_at_once_cannot_overwrite_each_other(
    app: Flask, ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01")
    mine = db.session.get(Equipment, eq.id)
    assert mine is not None and mine.version == 1
    # Someone else saves through another connection while our copy is still at version 1.
    with db.engine.begin() as other:
        other.execute(
            Equipment.__table__.update()
            .where(Equipment.id == eq.id)
            .values(name="别人改的", version=2)
        )
    with pytest.raises(ConflictError) as caught:
        update_equipment(mine, EquipmentInput.from_equipment(mine).updated({"name": "我改的"}), 1)
    assert caught.value.current_version == 2
    db.session.rollback()
    assert db.session.get(Equipment, eq.id).name == "别人改的"  # type: ignore[union-attr]


def test_retiring_keeps_the_record_and_notes_the_reason(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01", notes="原有备注")
    retire_equipment(eq, 1, "叶轮报废，已更换新泵")
    db.session.commit()
    kept = db.session.get(Equipment, eq.id)
    assert kept is not None and kept.status == EquipmentStatus.RETIRED
    assert kept.version == 2  # one save, one version step
    assert kept.notes == "原有备注\n[2026-03-02] 叶轮报废，已更换新泵"


def test_retiring_twice_or_from_a_stale_page_is_refused(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    eq = make_equipment("WP-01")
    retire_equipment(eq, 1)
    db.session.commit()
    with pytest.raises(ConflictError):
        retire_equipment(eq, 1)
    with pytest.raises(EquipmentInvalid) as caught:
        retire_equipment(eq, 2)
    assert {k: str(v) for k, v in caught.value.fields.items()} == {"status": "already retired"}


def test_the_ledger_list_filters_by_building_and_hides_retired_by_default(
    ledger: Ledger, make_equipment: Callable[..., Equipment]
) -> None:
    make_equipment("WP-01", location_id=ledger.pump_room.id)
    make_equipment("WP-02", location_id=ledger.building2.id)
    make_equipment("WP-03", location_id=ledger.switch_room.id, status="retired")

    def codes(flt: LedgerFilter) -> list[str]:
        return [e.asset_code for e in db.session.scalars(ledger_query(flt))]

    assert codes(LedgerFilter(building_id=ledger.building1.id)) == ["WP-01", "WP-03"]
    assert codes(LedgerFilter(building_id=ledger.building1.id, status="active")) == ["WP-01"]
    assert codes(LedgerFilter(q="wp-0", sort="-code")) == ["WP-03", "WP-02", "WP-01"]
