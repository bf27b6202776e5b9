"""The site 阳光花园 and its location tree (building → floor → room/area).

Only the floors that hold plant or get cleaned differently are modelled: the
basements with the plant rooms, the lobby floor, a few typical floors and the roof.
"""

from __future__ import annotations

from typing import NamedTuple

SITE_CODE = "DEMO"
SITE_NAME = "阳光花园"
SITE_ADDRESS = "上海市浦东新区锦绣路1888弄"
SITE_TIMEZONE = "Asia/Shanghai"
SITE_SERVICE_LEVEL = 2  # 二级


class DemoLocation(NamedTuple):
    code: str
    name: str
    kind: str
    children: tuple[DemoLocation, ...] = ()
    sort_key: str = ""


def _floor_key(level: int) -> str:
    """Sorts basements below the ground floor and the roof on top (B2 < B1 < 1F < 30F < RF)."""
    return f"{level + 10:03d}"


ROOF_LEVEL = 90


Rooms = tuple[DemoLocation, ...]


def _tower(
    number: int, b2: Rooms = (), b1: Rooms = (), ground: Rooms = (), roof: Rooms = ()
) -> DemoLocation:
    """A 30-storey residential tower; both share one layout, plus the rooms given per floor."""
    t = f"T{number}"
    n = f"{number}号楼"
    typical = tuple(
        DemoLocation(
            f"{t}-{level}F",
            f"{level}F",
            "floor",
            (
                DemoLocation(f"{t}-{level}F-HALL", f"{n}{level}F电梯厅", "corridor"),
                DemoLocation(f"{t}-{level}F-STAIR", f"{n}{level}F楼梯间", "stairs"),
            ),
            _floor_key(level),
        )
        for level in (2, 10, 20, 30)
    )
    return DemoLocation(
        t,
        n,
        "building",
        (
            DemoLocation(
                f"{t}-B2",
                "B2",
                "floor",
                (
                    DemoLocation(f"{t}-B2-SUMP", f"{n}B2集水井", "other"),
                    DemoLocation(f"{t}-B2-ALV", f"{n}B2报警阀间", "plant_room"),
                    *b2,
                ),
                _floor_key(-2),
            ),
            DemoLocation(
                f"{t}-B1",
                "B1",
                "floor",
                (
                    DemoLocation(f"{t}-B1-LV", f"{n}低压配电间", "plant_room"),
                    DemoLocation(f"{t}-B1-FAN", f"{n}排烟风机房", "plant_room"),
                    DemoLocation(f"{t}-B1-HALL", f"{n}B1电梯厅", "corridor"),
                    *b1,
                ),
                _floor_key(-1),
            ),
            DemoLocation(
                f"{t}-1F",
                "1F",
                "floor",
                (
                    DemoLocation(f"{t}-1F-LOBBY", f"{n}大堂", "lobby"),
                    DemoLocation(f"{t}-1F-STAIR", f"{n}1F楼梯间", "stairs"),
                    *ground,
                ),
                _floor_key(1),
            ),
            *typical,
            *(
                DemoLocation(f"{t}-CAR{i}", f"{n}{car}轿厢", "elevator_car", sort_key=f"2{i:02d}")
                for i, car in enumerate(("1号客梯", "2号客梯", "消防电梯"), start=1)
            ),
            DemoLocation(
                f"{t}-RF",
                "屋面",
                "roof",
                (
                    DemoLocation(f"{t}-RF-EMR", f"{n}电梯机房", "plant_room"),
                    DemoLocation(f"{t}-RF-FAN", f"{n}屋顶风机房", "plant_room"),
                    *roof,
                ),
                _floor_key(ROOF_LEVEL),
            ),
        ),
    )


# The estate's shared plant sits under tower 1 (water, fire pumps, substation,
# generator) and the fire control room / CCTV centre is on its ground floor.
TOWER_1 = _tower(
    1,
    b2=(
        DemoLocation("T1-B2-WP", "生活水泵房", "plant_room"),
        DemoLocation("T1-B2-FP", "消防泵房", "plant_room"),
    ),
    b1=(
        DemoLocation("T1-B1-SUB", "10kV变配电所", "plant_room"),
        DemoLocation("T1-B1-GEN", "柴油发电机房", "plant_room"),
    ),
    ground=(DemoLocation("T1-1F-FCC", "消防控制室（监控中心）", "control_room"),),
    roof=(DemoLocation("T1-RF-TANK", "屋顶消防水箱间", "plant_room"),),
)
TOWER_2 = _tower(2)

CLUBHOUSE = DemoLocation(
    "CH",
    "会所",
    "clubhouse",
    (
        DemoLocation(
            "CH-B1",
            "B1",
            "floor",
            (DemoLocation("CH-B1-CHR", "会所制冷机房", "plant_room"),),
            _floor_key(-1),
        ),
        DemoLocation(
            "CH-1F",
            "1F",
            "floor",
            (
                DemoLocation("CH-1F-LOBBY", "会所大堂", "lobby"),
                DemoLocation("CH-1F-WC", "会所1F卫生间", "toilet"),
                DemoLocation("CH-1F-SVC", "物业服务中心", "office"),
            ),
            _floor_key(1),
        ),
        DemoLocation(
            "CH-2F",
            "2F",
            "floor",
            (
                DemoLocation("CH-2F-GYM", "健身房", "room"),
                DemoLocation("CH-2F-POOL", "室内恒温泳池", "water_feature"),
                DemoLocation("CH-2F-OFFICE", "物业办公室", "office"),
            ),
            _floor_key(2),
        ),
        DemoLocation(
            "CH-RF",
            "屋面",
            "roof",
            (DemoLocation("CH-RF-CT", "会所屋顶冷却塔平台", "plant_room"),),
            _floor_key(ROOF_LEVEL),
        ),
    ),
)

LOCATIONS: tuple[DemoLocation, ...] = (
    TOWER_1,
    TOWER_2,
    CLUBHOUSE,
    DemoLocation(
        "CP",
        "地下停车库",
        "car_park",
        (
            DemoLocation("CP-B1", "B1车库", "car_park"),
            DemoLocation("CP-B2", "B2车库", "car_park"),
            DemoLocation("CP-RAMP", "车库出入口坡道", "road"),
        ),
    ),
    DemoLocation("GATE-N", "北门岗亭（主出入口）", "guard_post"),
    DemoLocation("GATE-S", "南门岗亭（人行出入口）", "guard_post"),
    DemoLocation("RD-MAIN", "小区主干道", "road"),
    DemoLocation("RD-SQ", "中心广场", "road"),
    DemoLocation("GRN-C", "中心绿地", "green_area"),
    DemoLocation("GRN-N", "北侧绿化带", "green_area"),
    DemoLocation("GRN-S", "南侧景观带", "green_area"),
    DemoLocation("POND", "景观水池", "water_feature"),
    DemoLocation("GB-1", "1号垃圾分类投放点（1号楼北侧）", "garbage_station"),
    DemoLocation("GB-2", "2号垃圾分类投放点（2号楼北侧）", "garbage_station"),
    DemoLocation("GB-MAIN", "垃圾收集站", "garbage_station"),
)
