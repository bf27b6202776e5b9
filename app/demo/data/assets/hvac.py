"""The clubhouse's central air conditioning."""

from __future__ import annotations

from datetime import date

from app.demo.data.assets.asset import DemoAsset

HVAC: tuple[DemoAsset, ...] = (
    DemoAsset(
        code="HV-CH-01",
        name="会所螺杆式冷水机组（350kW）",
        category="hvac",
        type_key="chiller",
        location="CH-B1-CHR",
        manufacturer="江森自控约克（无锡）空调冷冻设备有限公司",
        model="YORK YCWS0375SC",
        serial_number="YK1204-SCX-7712",
        installed_on=date(2012, 4, 9),
        commissioned_on=date(2012, 5, 15),
        warranty_until=date(2014, 5, 14),
        team="ENG",
        attributes={"cooling_kw": 350, "refrigerant": "R134a", "charge_kg": 95},
    ),
    DemoAsset(
        code="HV-CH-02",
        name="会所冷却塔",
        category="hvac",
        type_key="cooling_tower",
        location="CH-RF-CT",
        manufacturer="良机冷却设备（上海）有限公司",
        model="LBC-M-125",
        serial_number="LC1204-125-0331",
        installed_on=date(2012, 4, 9),
        commissioned_on=date(2012, 5, 15),
        warranty_until=date(2014, 5, 14),
        team="ENG",
        attributes={"flow_m3_h": 98, "fan_kw": 3.7},
        notes="夏季运行前清洗消毒，防军团菌。",
    ),
    DemoAsset(
        code="HV-CH-03",
        name="会所大堂组合式空调机组",
        category="hvac",
        type_key="ahu",
        location="CH-B1-CHR",
        manufacturer="开利空调销售服务（上海）有限公司",
        model="Carrier 39G1218",
        serial_number="CR39G-1204-0057",
        installed_on=date(2012, 4, 12),
        commissioned_on=date(2012, 5, 15),
        warranty_until=date(2014, 5, 14),
        criticality="low",
        team="ENG",
        attributes={"airflow_m3_h": 12000, "filter": "G4+F7"},
    ),
    DemoAsset(
        code="HV-CH-04",
        name="会所风机盘管（×42台）",
        category="hvac",
        type_key="fan_coil_units",
        location="CH",
        manufacturer="江森自控约克（无锡）空调冷冻设备有限公司",
        model="YORK YGFC",
        serial_number="YGFC-1204-CH",
        installed_on=date(2012, 4, 12),
        commissioned_on=date(2012, 5, 15),
        warranty_until=date(2014, 5, 14),
        criticality="low",
        team="ENG",
        attributes={"count": 42},
    ),
)
