"""Equipment categories of the ledger (设备台账).

Kept as plain data so the catalog loader, imports and the UI share one vocabulary
without needing the Flask app.
"""

from typing import NamedTuple


class Category(NamedTuple):
    key: str
    zh: str
    en: str


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("elevator", "电梯/扶梯", "Elevators and escalators"),
        Category("water", "给排水", "Water supply and drainage"),
        Category("power", "供配电", "Power distribution"),
        Category("fire", "消防", "Fire systems"),
        Category("cctv", "视频监控", "CCTV"),
        Category("access_control", "门禁/对讲/道闸", "Access control, intercom and barriers"),
        Category("hvac", "暖通空调", "HVAC"),
        Category("lighting", "照明", "Lighting"),
        Category("building_fabric", "房屋本体", "Building fabric"),
    )
}
