"""The demo history's tunables and what healthy equipment and typical repairs look like."""

from __future__ import annotations

from datetime import time, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from app.plans.models import PlanKind
from app.workorders.models import Priority

HISTORY = timedelta(days=365)
KINDS = (PlanKind.MAINTENANCE.value, PlanKind.INSPECTION.value)
TIER_CHAIN_BACK = relativedelta(years=1, months=2)
"""Tier chains (TSG T5002 半月/季度/半年/年度) start 14 months back as one group, so
that the year of history shows every tier done at least once and the last higher-tier
visit lies two months back."""
FULL_WEEK = 7  # days before the load day in which daily plans keep every visit
SAFETY_MANAGER = "supervisor"  # the user's safety manager (使用单位安全管理员) of the demo

MISSED_RATE = 0.03
LATE_RATE = 0.05
FAIL_RATE = 0.015
FREQUENT_FAIL_RATE = 0.004  # daily and more often: many more visits, each a quick look
OUT_OF_RANGE_RATE = 0.02  # of visits with a reading that can cross a limit
LATE_DAYS = (1, 3)
REPAIR_HOURS = {Priority.URGENT.value: (1, 2), Priority.HIGH.value: (2, 20)}
REPAIR_HOURS_NORMAL = (4, 60)
PARTS_WAIT_SHARE = 0.2  # of normal repairs, those waiting for parts, past the 72 h SLA
PARTS_WAIT_HOURS = (80, 200)
SIGN_OFF_DAYS = (1, 3)
SIGN_OFF_FROM = time(9, 30)

# rrule FREQ indexes of `schedules.parse_rule`
YEARLY, MONTHLY, WEEKLY, DAILY = 0, 1, 2, 3

FAIL_NOTE = "现场发现异常，已报修"
CONTRACTOR_CREWS: dict[str, tuple[str, ...]] = {
    "elevator": ("黄志刚", "陈晓东", "李国华", "吴建平"),
    "fire": ("陆文斌", "何志明", "孙海涛"),
}
AUTHORITY_CREW = ("检验员 刘强", "检验员 高峰")
OUTSIDE_CREW = ("外委技术员 赵磊", "外委技术员 钱鹏", "外委技术员 郑凯")
REPORT_PREFIX = "BG"
TEXT_ANSWERS: dict[str, str] = {
    "pi02": "报告编号 {report}，结论：合格",
    "st01": "自检报告 {report}，结论：合格",
    "h03": "设备运行正常，无火警、故障信息，交接清楚",
    "m01": "各系统功能检查正常",
}
TEXT_DEFAULT = "正常"


class Typical(NamedTuple):
    """Where a healthy reading lies, and how far the seasons move it along that band."""

    low: float
    high: float
    decimals: int = 1
    season: float = 0.2  # +: highest in July, -: highest in January (fraction of the band)


# The catalog gives limits for few readings; these are what a healthy asset shows.
TYPICAL: dict[tuple[str, str], Typical] = {
    ("traction_elevator", "hm23"): Typical(2, 8, 0, 0),
    ("traction_elevator", "hm29"): Typical(8, 11, 1, 0),
    ("traction_elevator", "gc01"): Typical(2.0, 2.2, 2, 0),
    ("escalator", "q01"): Typical(0.3, 1.6, 1, 0),
    ("water_tank", "w01"): Typical(2, 8, 0),
    ("water_tank", "w02"): Typical(0.2, 0.6, 2),
    ("water_tank", "w05"): Typical(7.0, 7.8, 1),
    ("water_tank", "w07"): Typical(5, 40, 0, 0.5),
    ("water_tank", "w08"): Typical(0.1, 0.4, 2, -0.3),
    ("booster_pump_set", "d01"): Typical(0.52, 0.62, 3, -0.5),
    ("booster_pump_set", "d02"): Typical(14, 22, 1, 0.6),
    ("booster_pump_set", "m01"): Typical(0.40, 0.46, 2, 0),
    ("booster_pump_set", "q02"): Typical(50, 200, 0, -0.3),
    ("booster_pump_set", "y03"): Typical(2000, 8000, 0, 0),
    ("fire_pump", "w03"): Typical(0.85, 1.0, 2, 0),
    ("fire_pump", "q01"): Typical(38, 42, 1, 0),
    ("fire_pump", "q02"): Typical(0.85, 0.95, 2, 0),
    ("jockey_pump", "d01"): Typical(0.62, 0.66, 2, 0),
    ("jockey_pump", "d02"): Typical(0.70, 0.74, 2, 0),
    ("jockey_pump", "d03"): Typical(0, 6, 0, 0.3),
    ("jockey_pump", "m01"): Typical(0.6, 0.7, 2, 0),
    ("fire_water_tank", "t01"): Typical(7, 12, 1, 0.6),
    ("fire_water_tank", "t02"): Typical(6, 10, 1, 0.6),
    ("fire_water_tank", "q01"): Typical(0.18, 0.28, 2, -0.3),
    ("fire_alarm_panel", "b01"): Typical(35, 60, 0, 0),
    ("sprinkler_alarm_valve", "q02"): Typical(0.10, 0.20, 2, 0),
    ("emergency_lighting", "m02"): Typical(35, 60, 0, 0),
    ("emergency_lighting", "y01"): Typical(60, 90, 0, 0),
    ("transformer", "d01"): Typical(55, 85, 1, 0.7),
    ("transformer", "d02"): Typical(600, 1100, 0, 0.7),
    ("transformer", "i01"): Typical(60, 90, 1, 0.7),
    ("lv_switchgear", "l01"): Typical(18, 28, 0, 0),
    ("lv_switchgear", "l02"): Typical(15, 35, 0, 0),
    ("diesel_generator", "w02"): Typical(26.5, 27.8, 1, -0.2),
    ("diesel_generator", "h01"): Typical(35, 45, 0, 0),
    ("diesel_generator", "h02"): Typical(1.0, 1.5, 1, 0),
    ("diesel_generator", "h03"): Typical(5.0, 6.5, 1, -0.3),
    ("ups", "y01"): Typical(20, 35, 0, 0),
    ("lightning_protection", "t01"): Typical(1.5, 4.5, 1, -0.3),
    ("lightning_protection", "t02"): Typical(2, 8, 1, -0.3),
    ("nvr", "d03"): Typical(32, 45, 0, 0),
    ("barrier_gate", "d03"): Typical(95, 99.5, 1, -0.2),
    ("chiller", "d01"): Typical(0.30, 0.38, 2, 0.3),
    ("chiller", "d02"): Typical(0.9, 1.2, 2, 0.7),
    ("chiller", "d03"): Typical(7, 12, 1, 0.3),
    ("chiller", "d04"): Typical(180, 320, 0, 0.7),
    ("cooling_tower", "m01"): Typical(20, 100, 0, -0.3),
    ("public_lighting", "m01"): Typical(0, 3, 0, -0.3),
    ("landscape_lighting", "m01"): Typical(0, 3, 0, -0.3),
}


class Repair(NamedTuple):
    """What a repair found and used, for failed items whose name mentions a keyword."""

    keywords: tuple[str, ...]
    cause: str
    parts: str
    stops: bool = False  # the fault takes the asset out of service until repaired


# First match on the failed item's Chinese name wins, so the specific come first.
REPAIRS: tuple[Repair, ...] = (
    Repair(
        ("啮合", "门锁", "层门"), "层门锁紧元件啮合深度不足，已调整锁钩并复测", "锁钩弹簧 1只", True
    ),
    Repair(("扶手",), "扶手带驱动轮磨损打滑，已更换", "扶手驱动轮 1只", True),
    Repair(("制动",), "制动器闸瓦磨损，已调整制动间隙并试验", "制动闸瓦 1副", True),
    Repair(("检修开关", "停止装置"), "停止开关触点接触不良，已更换", "急停开关 1只", True),
    Repair(("围裙板", "梯级", "踏板"), "梯级与围裙板间隙超标，已调整", "", True),
    Repair(("张紧", "链"), "张紧开关位置偏移，已调整并试验", ""),
    Repair(("报警装置", "对讲系统"), "轿内对讲线路接触不良，已重新压接", "对讲话机 1只", True),
    Repair(("接地电阻", "防静电"), "接地引下线连接处锈蚀，已除锈紧固复测", "镀锌扁钢 2 m"),
    Repair(("室温", "水温"), "伴热带温控器故障，已更换并加强保温", "温控器 1只"),
    Repair(("灭火器", "器头", "喷射"), "灭火器器头损坏，已送修充装并临时替换", "干粉灭火器 1具"),
    Repair(("启动",), "控制回路接触器触点烧蚀，已更换后试验正常", "接触器 1只", True),
    Repair(("切换",), "备用泵切换不成功，控制柜中间继电器故障，已更换", "中间继电器 2只"),
    Repair(("振动", "声响", "异响"), "电机轴承磨损异响，已更换轴承", "轴承 2只"),
    Repair(("压力",), "压力表失准，已更换并校验", "压力表 1只"),
    Repair(("控制阀", "全开"), "控制阀被误关，已恢复全开并加锁", "阀门锁具 1把"),
    Repair(("渗漏", "漏"), "阀门密封老化渗漏，已更换密封件", "密封垫 2只"),
    Repair(("浮球", "高水位"), "浮球开关卡滞，已清理并更换", "浮球开关 1只"),
    Repair(("容积", "液位", "水位"), "液位控制阀失灵，已检修", "浮球阀 1只"),
    Repair(("人孔", "上锁"), "人孔盖锁损坏，已更换", "不锈钢挂锁 1把"),
    Repair(("闭门器", "顺序器"), "闭门器失效，已更换", "闭门器 1只"),
    Repair(("应急照明",), "应急照明控制器联动模块故障，已更换", "联动模块 1块"),
    Repair(("电池", "电源", "放电"), "蓄电池容量不足，已更换", "蓄电池组 1组"),
    Repair(("清洁", "清洗", "杂物", "污染"), "积尘、杂物未清理到位，已重新清理", ""),
    Repair(("通道", "录像", "保存天数"), "硬盘坏道导致录像缺失，已更换硬盘", "监控硬盘 8 TB 1块"),
    Repair(("防砸", "地感"), "地感线圈接线松动，已重新接线并调试", "接线端子 2只", True),
    Repair(("闸杆",), "闸杆固定螺栓松动，已紧固并调整平衡弹簧", "螺栓 4套"),
    Repair(("呼叫", "通话", "开锁"), "门口机按键板损坏，已更换", "按键板 1块"),
    Repair(("电锁", "门禁", "门状态"), "电锁锁舌卡滞，已更换电锁", "电控锁 1把"),
    Repair(("排水",), "排水沟杂物堵塞，已清理疏通", ""),
    Repair(("防虫网",), "防虫网破损，已更换", "不锈钢防虫网 1片"),
    Repair(("温度", "过热", "异味"), "接线端子松动发热，已紧固并复测温度", "铜接线端子 3只"),
    Repair(("仪表", "读数", "指示"), "仪表指示失准，已校验更换", "仪表 1只"),
    Repair(("记录",), "值班记录不完整，已补记并对值班员再培训", ""),
    Repair(("自动状态",), "联动控制器被置于手动，已恢复自动并加强交接检查", ""),
    Repair(("润滑",), "传动部件缺油，已清洁润滑", "润滑脂 1支"),
    Repair(("感应开关",), "感应开关损坏，已更换", "人体感应开关 1只"),
    Repair(("线路",), "线路接头松动，已紧固", "接线端子 4只"),
    Repair(("灯",), "灯具驱动电源损坏，已更换", "LED驱动电源 2只"),
)
REPAIR_DEFAULT = Repair((), "部件老化失效，已更换并复测正常", "配件 1套")
