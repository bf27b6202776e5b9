"""Contractors: each rule, stale edits, safe deletes and the expiring list."""

from datetime import date, timedelta

import pytest
from flask import Flask

from app.contractors import services
from app.contractors.models import Contractor
from app.core.validation import StaleEdit, ValidationError
from app.equipment.models import Equipment
from app.extensions import db
from app.sites.services import create_site

TODAY = date(2026, 3, 2)


def _fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.fields)


@pytest.fixture
def elevator_firm(app: Flask) -> Contractor:
    firm = services.create_contractor(
        "迅达电梯上海分公司",
        qualification="电梯安装改造维修许可 A 级",
        licence_number="TS3131001-2028",
        licence_expires_on=date(2028, 6, 30),
        contact_name="陈工",
        contact_phone="400-820-1234",
        contract_start=date(2026, 1, 1),
        contract_end=date(2026, 12, 31),
        scope="全部客梯和货梯的半月保养、季度/年度保养及年检配合",
    )
    db.session.commit()
    return firm


def test_a_contractor_keeps_its_qualification_contact_and_period(
    elevator_firm: Contractor,
) -> None:
    assert elevator_firm.licence_number == "TS3131001-2028"
    assert (elevator_firm.contract_start, elevator_firm.contract_end) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )


def test_names_are_required_and_unique(elevator_firm: Contractor) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_contractor(" ")
    assert _fields(excinfo) == {"name"}
    with pytest.raises(ValidationError) as excinfo:
        services.create_contractor("迅达电梯上海分公司")
    assert _fields(excinfo) == {"name"}


def test_a_contract_cannot_end_before_it_starts(app: Flask) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_contractor(
            "消防维保公司", contract_start=date(2026, 5, 1), contract_end=date(2026, 4, 30)
        )
    assert _fields(excinfo) == {"contract_end"}
    one_day = services.create_contractor(
        "检测站", contract_start=date(2026, 5, 1), contract_end=date(2026, 5, 1)
    )
    assert one_day.contract_end == one_day.contract_start


def test_an_update_is_checked_against_the_stored_other_date(elevator_firm: Contractor) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.update_contractor(
            elevator_firm, elevator_firm.version, contract_end=date(2025, 12, 31)
        )
    assert _fields(excinfo) == {"contract_end"}
    assert elevator_firm.contract_end == date(2026, 12, 31)


def test_a_bad_phone_is_refused(app: Flask) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_contractor("X", contact_phone="ask the guard")
    assert _fields(excinfo) == {"contact_phone"}


def test_an_old_version_is_refused_and_none_clears_a_date(elevator_firm: Contractor) -> None:
    services.update_contractor(elevator_firm, 1, licence_expires_on=None)
    db.session.commit()
    assert elevator_firm.licence_expires_on is None
    with pytest.raises(StaleEdit) as excinfo:
        services.update_contractor(elevator_firm, 1, scope="")
    assert excinfo.value.version == 2


def test_a_contractor_that_maintains_equipment_cannot_be_deleted(
    elevator_firm: Contractor,
) -> None:
    site = create_site("HY01", "华苑小区")
    db.session.add(
        Equipment(
            site=site,
            asset_code="DT-01",
            name="1号楼客梯",
            category="elevator",
            maintainer_contractor=elevator_firm,
        )
    )
    db.session.commit()
    with pytest.raises(ValidationError) as excinfo:
        services.delete_contractor(elevator_firm, elevator_firm.version)
    assert _fields(excinfo) == {"_"}
    assert db.session.get(Contractor, elevator_firm.id) is not None


def test_an_unused_contractor_can_be_deleted(elevator_firm: Contractor) -> None:
    services.delete_contractor(elevator_firm, elevator_firm.version)
    db.session.commit()
    assert services.list_contractors() == []


def test_expiring_contractors_include_lapsed_qualifications_and_ending_contracts(
    app: Flask,
) -> None:
    lapsed = services.create_contractor("A", licence_expires_on=TODAY - timedelta(days=3))
    ending = services.create_contractor(
        "B", contract_start=date(2025, 4, 1), contract_end=TODAY + timedelta(days=20)
    )
    services.create_contractor("C", licence_expires_on=TODAY + timedelta(days=21))
    services.create_contractor("D")
    assert services.expiring_contractors(20, today=TODAY) == [lapsed, ending]
