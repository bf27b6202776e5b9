"""Lifts and the escalator: statutory special equipment, serviced by the elevator contractor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.demo.data.assets.asset import DemoAsset
from app.demo.data.contractors import ELEVATOR_CONTRACTOR


def _lift(
    code: str,
    name: str,
    location: str,
    maker: tuple[str, str],
    serial: str,
    installed: date,
    registration: str,
    next_inspection: date,
    **attributes: Any,
) -> DemoAsset:
    """A traction elevator: statutory, serviced by the elevator contractor.

    It is handed over about six weeks after installation, after the acceptance
    inspection; the manufacturer's warranty runs two years from then.
    """
    commissioned = installed + timedelta(days=45)
    return DemoAsset(
        code=code,
        name=name,
        category="elevator",
        type_key="traction_elevator",
        location=location,
        manufacturer=maker[0],
        model=maker[1],
        serial_number=serial,
        installed_on=installed,
        commissioned_on=commissioned,
        warranty_until=commissioned.replace(year=commissioned.year + 2) - timedelta(days=1),
        criticality="high",
        contractor=ELEVATOR_CONTRACTOR,
        registration_number=registration,
        next_inspection_on=next_inspection,
        attributes={"component_dates": {"governor": installed.isoformat()}, **attributes},
    )


MITSUBISHI = ("上海三菱电梯有限公司", "LEHY-III")
HITACHI = ("日立电梯（中国）有限公司", "HGP-1050-CO175")


ELEVATORS: tuple[DemoAsset, ...] = (
    # Tower 1's lifts are all due for their annual inspection within the month.
    _lift(
        "EL-T1-01",
        "1号楼1号客梯",
        "T1-RF-EMR",
        MITSUBISHI,
        "S08A1471",
        date(2008, 8, 5),
        "梯11沪B08231(08)",
        date(2026, 3, 25),
        rated_load_kg=1050,
        rated_speed_m_s=2.0,
        stops=32,
        device_code="31103101152008080231",
        component_dates={"governor": "2019-07-02"},  # replaced after a failed calibration
    ),
    _lift(
        "EL-T1-02",
        "1号楼2号客梯",
        "T1-RF-EMR",
        MITSUBISHI,
        "S08A1472",
        date(2008, 8, 5),
        "梯11沪B08232(08)",
        date(2026, 3, 25),
        rated_load_kg=1050,
        rated_speed_m_s=2.0,
        stops=32,
        device_code="31103101152008080232",
    ),
    _lift(
        "EL-T1-03",
        "1号楼消防电梯",
        "T1-RF-EMR",
        MITSUBISHI,
        "S08A1473",
        date(2008, 8, 5),
        "梯11沪B08233(08)",
        date(2026, 3, 25),
        rated_load_kg=1050,
        rated_speed_m_s=2.0,
        stops=32,
        fire_lift=True,
        device_code="31103101152008080233",
    ),
    _lift(
        "EL-T2-01",
        "2号楼1号客梯",
        "T2-RF-EMR",
        HITACHI,
        "H0811-2056",
        date(2008, 11, 10),
        "梯11沪B09017(09)",
        date(2026, 10, 12),
        rated_load_kg=1050,
        rated_speed_m_s=1.75,
        stops=32,
        device_code="31103101152009010017",
    ),
    _lift(
        "EL-T2-02",
        "2号楼2号客梯",
        "T2-RF-EMR",
        HITACHI,
        "H0811-2057",
        date(2008, 11, 10),
        "梯11沪B09018(09)",
        date(2026, 10, 12),
        rated_load_kg=1050,
        rated_speed_m_s=1.75,
        stops=32,
        device_code="31103101152009010018",
    ),
    _lift(
        "EL-T2-03",
        "2号楼消防电梯",
        "T2-RF-EMR",
        HITACHI,
        "H0811-2058",
        date(2008, 11, 10),
        "梯11沪B09019(09)",
        date(2026, 10, 12),
        rated_load_kg=1050,
        rated_speed_m_s=1.75,
        stops=32,
        fire_lift=True,
        device_code="31103101152009010019",
    ),
    _lift(
        "EL-CH-01",
        "会所客梯（无机房）",
        "CH-1F-LOBBY",
        ("通力电梯有限公司", "KONE MonoSpace 500"),
        "K12-40018831",
        date(2012, 4, 16),
        "梯11沪B12088(12)",
        date(2026, 6, 8),
        rated_load_kg=1000,
        rated_speed_m_s=1.0,
        stops=3,
        device_code="31103101152012050088",
    ),
    DemoAsset(
        code="ES-CH-01",
        name="会所自动扶梯",
        category="elevator",
        type_key="escalator",
        location="CH-1F-LOBBY",
        manufacturer="通力电梯有限公司",
        model="KONE TravelMaster 110",
        serial_number="K12-50007214",
        installed_on=date(2012, 4, 16),
        commissioned_on=date(2012, 5, 20),
        warranty_until=date(2014, 5, 19),
        criticality="high",
        contractor=ELEVATOR_CONTRACTOR,
        registration_number="梯31沪B12089(12)",
        next_inspection_on=date(2026, 6, 8),
        attributes={"rise_m": 5.1, "step_width_mm": 1000, "inclination_deg": 30},
    ),
)
