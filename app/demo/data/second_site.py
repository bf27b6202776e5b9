"""翠湖商务中心: a small second property, so a site's staff visibly see only their own site.

Its supervisor and technician log in with the demo password and find none of 阳光花园's
equipment, plans or work; 阳光花园's staff, likewise, see nothing of 翠湖.
"""

from __future__ import annotations

from datetime import date

from app.demo.data.assets.asset import DemoAsset
from app.demo.data.people import DemoStaff
from app.demo.data.site import DemoLocation

SECOND_SITE_CODE = "CUIHU"
SECOND_SITE_NAME = "翠湖商务中心"
SECOND_SITE_ADDRESS = "上海市徐汇区漕溪北路598号"

SECOND_LOCATIONS: tuple[DemoLocation, ...] = (
    DemoLocation(
        "A",
        "A座",
        "building",
        (
            DemoLocation(
                "A-B1", "B1", "floor", (DemoLocation("A-B1-PUMP", "水泵房", "plant_room"),)
            ),
        ),
    ),
)

SECOND_TEAM = ("CH-ENG", "翠湖工程组", "engineering")

SECOND_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff(
        "supervisor2",
        "孙立新",
        "翠湖工程主管",
        ("supervisor",),
        "13816200101",
        teams=("CH-ENG",),
        leads=("CH-ENG",),
        login=True,
    ),
    DemoStaff(
        "tech2",
        "何志明",
        "翠湖维修技术员",
        ("technician",),
        "13816200102",
        teams=("CH-ENG",),
        login=True,
    ),
    DemoStaff(
        "regional",
        "吴海峰",
        "区域工程经理",
        ("supervisor",),
        "13816200103",
        login=True,
        roles_at_first_site=("viewer",),
    ),
)

SECOND_ASSETS: tuple[DemoAsset, ...] = (
    DemoAsset(
        code="CH-PUMP-01",
        name="A座生活水泵",
        category="water",
        type_key="booster_pump_set",
        location="A-B1-PUMP",
        manufacturer="南方泵业股份有限公司",
        model="CDLF8-60",
        serial_number="CNP-2019-5531",
        installed_on=date(2019, 8, 1),
        criticality="high",
        team="CH-ENG",
    ),
    DemoAsset(
        code="CH-SUMP-01",
        name="A座B1集水井潜污泵",
        category="water",
        type_key="sump_pump",
        location="A-B1",
        manufacturer="上海东方泵业（集团）有限公司",
        model="WQ15-10-1.1",
        serial_number="DFB-2019-0877",
        installed_on=date(2019, 8, 1),
        team="CH-ENG",
    ),
)
