"""Kinds of places in a site's location tree.

Cleaning and greening tasks are attached to area kinds, so the vocabulary is
shared between the ledger, the catalog and the daily checklists.
"""

from typing import NamedTuple


class LocationKind(NamedTuple):
    key: str
    zh: str
    en: str


LOCATION_KINDS: dict[str, LocationKind] = {
    k.key: k
    for k in (
        LocationKind("building", "楼栋", "Building"),
        LocationKind("floor", "楼层", "Floor"),
        LocationKind("room", "房间", "Room"),
        LocationKind("plant_room", "设备机房", "Plant room"),
        LocationKind("lobby", "大堂", "Lobby"),
        LocationKind("corridor", "走廊", "Corridor"),
        LocationKind("stairs", "楼梯间", "Stairs"),
        LocationKind("elevator_car", "电梯轿厢", "Elevator car"),
        LocationKind("car_park", "停车场", "Car park"),
        LocationKind("road", "道路广场", "Roads and squares"),
        LocationKind("green_area", "绿化区", "Green area"),
        LocationKind("toilet", "卫生间", "Toilet"),
        LocationKind("garbage_station", "垃圾站", "Garbage station"),
        LocationKind("roof", "屋面", "Roof"),
        LocationKind("control_room", "监控/消防控制室", "Control room"),
        LocationKind("guard_post", "岗亭", "Guard post"),
        LocationKind("clubhouse", "会所", "Clubhouse"),
        LocationKind("office", "办公区", "Office"),
        LocationKind("water_feature", "水景/泳池", "Water feature or pool"),
        LocationKind("other", "其他", "Other"),
    )
}
