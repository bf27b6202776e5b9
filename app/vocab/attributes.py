"""Names of the technical parameters (技术参数) the ledger, the demo and imports use.

An asset's `attributes` keep short English keys (`capacity_kva`) so that sheets, the API
and the statutory `of:` rules can refer to them; a page shows the name. A key a person
typed that is not listed here is their own wording and is shown as typed.
"""

from app.core.i18n import label

ATTRIBUTE_LABELS: dict[str, tuple[str, str]] = {
    "airflow_m3_h": ("风量 (m³/h)", "Airflow (m³/h)"),
    "ats": ("自动切换 (ATS)", "Automatic transfer switch"),
    "battery": ("蓄电池", "Battery"),
    "battery_installed": ("蓄电池安装时间", "Battery installed"),
    "capacitor_bank_kvar": ("电容补偿 (kvar)", "Capacitor bank (kvar)"),
    "capacity_kva": ("容量 (kVA)", "Capacity (kVA)"),
    "capacity_m3": ("容积 (m³)", "Capacity (m³)"),
    "channels": ("通道数", "Channels"),
    "charge_kg": ("充装量 (kg)", "Charge (kg)"),
    "component_dates": ("部件日期", "Component dates"),
    "cooling": ("冷却方式", "Cooling"),
    "cooling_kw": ("制冷量 (kW)", "Cooling capacity (kW)"),
    "count": ("数量", "Count"),
    "day_tank_l": ("日用油箱 (L)", "Day tank (L)"),
    "disks": ("硬盘", "Disks"),
    "doors": ("门数", "Doors"),
    "earth_resistance_ohm_max": ("接地电阻上限 (Ω)", "Earth resistance limit (Ω)"),
    "engine": ("发动机型号", "Engine"),
    "fan_kw": ("风机功率 (kW)", "Fan power (kW)"),
    "filter": ("过滤器", "Filter"),
    "fixtures": ("灯具数", "Fixtures"),
    "float_switch": ("浮球开关", "Float switch"),
    "flow_m3_h": ("流量 (m³/h)", "Flow (m³/h)"),
    "governor": ("限速器", "Overspeed governor"),
    "head_m": ("扬程 (m)", "Head (m)"),
    "inclination_deg": ("倾斜角 (°)", "Inclination (°)"),
    "indoor_units": ("室内机数", "Indoor units"),
    "lanes": ("车道数", "Lanes"),
    "material": ("材质", "Material"),
    "panels": ("柜数", "Panels"),
    "plate_recognition": ("车牌识别", "Plate recognition"),
    "power_kw": ("功率 (kW)", "Power (kW)"),
    "pumps": ("水泵台数", "Pumps"),
    "refrigerant": ("制冷剂", "Refrigerant"),
    "resolution": ("分辨率", "Resolution"),
    "retention_days": ("录像保存天数", "Retention (days)"),
    "rise_m": ("提升高度 (m)", "Rise (m)"),
    "step_width_mm": ("梯级宽度 (mm)", "Step width (mm)"),
    "timer": ("定时方式", "Timer"),
    "voltage": ("电压", "Voltage"),
    "voltage_kv": ("电压 (kV)", "Voltage (kV)"),
}


def attribute_words(key: str) -> str:
    """A technical parameter's name ("容量 (kVA)" for `capacity_kva`); a typed key as typed."""
    return label(ATTRIBUTE_LABELS[key]) if key in ATTRIBUTE_LABELS else key
