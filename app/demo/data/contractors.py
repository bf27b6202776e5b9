"""The two contractors (外委单位) that service 阳光花园's statutory plant.

Elevators and fire systems may only be maintained by licensed firms, so the
demo assets of those categories name one of these as maintainer.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class DemoContractor(NamedTuple):
    key: str  # how assets refer to the contractor in this data
    name: str
    qualification: str
    licence_number: str
    licence_expires_on: date | None
    contact_name: str
    contact_phone: str
    contract_start: date
    contract_end: date
    scope: str


ELEVATOR_CONTRACTOR = "elevator"
FIRE_CONTRACTOR = "fire"

CONTRACTORS: tuple[DemoContractor, ...] = (
    DemoContractor(
        key=ELEVATOR_CONTRACTOR,
        name="上海恒升电梯工程有限公司",
        qualification="特种设备生产许可证 电梯安装改造修理许可 A级",
        licence_number="TS3331236-2027",
        licence_expires_on=date(2027, 5, 15),
        contact_name="黄志刚",
        contact_phone="13816209001",
        contract_start=date(2025, 7, 1),
        contract_end=date(2026, 6, 30),
        scope=(
            "1号楼、2号楼曳引式客梯及消防电梯（6台）、会所客梯及自动扶梯的日常维护保养"
            "（TSG T5002：半月、季度、半年、年度保养）；24小时应急救援（30分钟内到场）；"
            "配合特种设备检验机构年度定期检验及整改。"
        ),
    ),
    DemoContractor(
        key=FIRE_CONTRACTOR,
        name="上海安盾消防技术服务有限公司",
        qualification="消防技术服务机构（消防设施维护保养检测）",
        licence_number="沪消技服〔2023〕0356号",
        licence_expires_on=date(2026, 12, 31),
        contact_name="陆文斌",
        contact_phone="13816209002",
        contract_start=date(2026, 1, 1),
        contract_end=date(2026, 12, 31),
        scope=(
            "火灾自动报警、自动喷水灭火、消火栓、防排烟、消防应急照明和疏散指示、"
            "防火门及防火卷帘等消防设施的月度维护保养（GB 25201）；年度消防设施检测并出具报告；"
            "灭火器检查、维修与更换；配合消防救援机构监督检查。"
        ),
    ),
)
