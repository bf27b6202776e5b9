"""Teams, staff, their licences and the demo logins of 阳光花园.

Licence expiries are placed around `DEMO_TODAY` (2026-03-02) so the warnings
have something to show: three expire within about six weeks and one has expired.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

DEMO_PASSWORD = "rounds-demo"  # published with the demo; never a real secret

# There is no dedicated guard role yet; guards only need their own work, which the
# least-privileged frontline role gives. Change here once a guard role exists.
GUARD_ROLE = "cleaner"


class DemoTeam(NamedTuple):
    code: str
    name: str
    kind: str
    shift_pattern: str


TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam("ENG", "工程部", "engineering", "office_week"),
    DemoTeam("ENG-DUTY", "工程部值班电工组", "engineering", "three_team_two_shift"),
    DemoTeam("CLN", "保洁部", "cleaning", "six_on_one_off"),
    DemoTeam("GRN", "绿化部", "greening", "office_week"),
    DemoTeam("SEC", "秩序维护部", "security", "four_team_three_shift"),
    DemoTeam("CS", "客服部", "customer_service", "office_week"),
)


class DemoLicence(NamedTuple):
    kind: str
    number: str
    issued_on: date | None
    expires_on: date | None


class DemoLeave(NamedTuple):
    starts_on: date
    ends_on: date
    kind: str
    note: str


class DemoStaff(NamedTuple):
    username: str
    name: str
    title: str
    roles: tuple[str, ...]
    phone: str
    teams: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    rotation_offset: int = 0  # which crew of a rotating team (0, 1, 2, ...)
    login: bool = False  # gets DEMO_PASSWORD and is listed after loading
    licences: tuple[DemoLicence, ...] = ()
    leave: tuple[DemoLeave, ...] = ()
    # Roles held at 阳光花园 besides `roles` at their own site (staff of the second site):
    # a mixed-role login, supervisor at one site and viewer at the other.
    roles_at_first_site: tuple[str, ...] = ()


def _lv(number: str, issued: date, expires: date) -> DemoLicence:
    return DemoLicence("electrician_lv", number, issued, expires)


def _hv(number: str, issued: date, expires: date) -> DemoLicence:
    return DemoLicence("electrician_hv", number, issued, expires)


def _health(number: str, expires: date) -> DemoLicence:
    """健康证 are renewed yearly, so issued is one year before expiry."""
    return DemoLicence(
        "health_certificate", number, date(expires.year - 1, expires.month, expires.day), expires
    )


def _guard(number: str, issued: date) -> DemoLicence:
    """保安员证 has no expiry date."""
    return DemoLicence("security_guard", number, issued, None)


def _fire_operator(number: str, issued: date, expires: date) -> DemoLicence:
    return DemoLicence("fire_facility_operator", number, issued, expires)


MANAGEMENT: tuple[DemoStaff, ...] = (
    DemoStaff("admin", "周志强", "项目经理", ("admin",), "13816200001", login=True),
)

ENGINEERING: tuple[DemoStaff, ...] = (
    DemoStaff(
        "supervisor",
        "王建国",
        "工程主管",
        ("supervisor",),
        "13816200011",
        teams=("ENG",),
        leads=("ENG",),
        login=True,
        licences=(
            _lv("T31-2022-004137", date(2022, 6, 30), date(2028, 6, 30)),
            _hv("T31-2021-001208", date(2021, 9, 30), date(2027, 9, 30)),
            DemoLicence("refrigeration", "T31-2021-007745", date(2021, 11, 15), date(2027, 11, 15)),
        ),
    ),
    DemoStaff(
        "tech",
        "张伟",
        "综合维修技术员",
        ("technician",),
        "13816200012",
        teams=("ENG",),
        login=True,
        licences=(
            # expires soon: renewal must be booked before 3月20日
            _lv("T31-2020-002961", date(2020, 3, 20), date(2026, 3, 20)),
            DemoLicence("work_at_height", "T31-2023-010422", date(2023, 5, 10), date(2029, 5, 10)),
        ),
    ),
    DemoStaff(
        "zhaolei",
        "赵磊",
        "电工",
        ("technician",),
        "13816200013",
        teams=("ENG",),
        licences=(
            # expired: he must not be given electrical work until renewed
            _lv("T31-2019-005530", date(2019, 12, 31), date(2025, 12, 31)),
            DemoLicence("welding", "T31-2022-011873", date(2022, 8, 1), date(2028, 8, 1)),
        ),
    ),
    DemoStaff(
        "sunhao",
        "孙浩",
        "暖通技术员",
        ("technician",),
        "13816200014",
        teams=("ENG",),
        licences=(
            DemoLicence("refrigeration", "T31-2023-006618", date(2023, 4, 18), date(2029, 4, 18)),
            _lv("T31-2023-006619", date(2023, 4, 18), date(2029, 4, 18)),
        ),
    ),
    DemoStaff(
        "huanglei",
        "黄磊",
        "给排水技术员",
        ("technician",),
        "13816200015",
        teams=("ENG",),
        licences=(
            DemoLicence("work_at_height", "T31-2024-003305", date(2024, 7, 1), date(2030, 7, 1)),
        ),
    ),
)

# 24-hour substation duty on a 3-crew, 2-shift roster; each crew is one electrician.
DUTY_ELECTRICIANS: tuple[DemoStaff, ...] = tuple(
    DemoStaff(
        username,
        name,
        "值班电工",
        ("technician",),
        phone,
        teams=("ENG-DUTY",),
        rotation_offset=crew,
        licences=(
            _lv(f"T31-{year}-00{crew}481", date(year, 5, 20), date(year + 6, 5, 20)),
            _hv(f"T31-{year}-00{crew}482", date(year, 5, 20), date(year + 6, 5, 20)),
        ),
    )
    for crew, (username, name, phone, year) in enumerate(
        (
            ("zhenghaitao", "郑海涛", "13816200021", 2021),
            ("fengjianjun", "冯建军", "13816200022", 2022),
            ("hezhiming", "何志明", "13816200023", 2024),
        )
    )
)

CLEANING: tuple[DemoStaff, ...] = (
    DemoStaff(
        "cleanlead",
        "李秀英",
        "保洁领班",
        ("cleaning_lead",),
        "13816200031",
        teams=("CLN",),
        rotation_offset=0,
        leads=("CLN",),
        login=True,
        licences=(_health("沪健证2025-113801", date(2026, 8, 15)),),
    ),
    DemoStaff(
        "yangguifang",
        "杨桂芳",
        "保洁员（1号楼）",
        ("cleaner",),
        "13816200032",
        teams=("CLN",),
        rotation_offset=1,
        # expires soon
        licences=(_health("沪健证2025-031502", date(2026, 3, 15)),),
    ),
    DemoStaff(
        "zhulihua",
        "朱丽华",
        "保洁员（2号楼）",
        ("cleaner",),
        "13816200033",
        teams=("CLN",),
        rotation_offset=2,
        licences=(_health("沪健证2025-062003", date(2026, 6, 20)),),
        leave=(DemoLeave(date(2026, 3, 2), date(2026, 3, 6), "annual", "年假"),),
    ),
    DemoStaff(
        "humeiling",
        "胡美玲",
        "保洁员（会所）",
        ("cleaner",),
        "13816200034",
        teams=("CLN",),
        rotation_offset=3,
        licences=(_health("沪健证2025-091104", date(2026, 9, 11)),),
    ),
    DemoStaff(
        "linxiuzhen",
        "林秀珍",
        "保洁员（外围/车库）",
        ("cleaner",),
        "13816200035",
        teams=("CLN",),
        rotation_offset=4,
        licences=(_health("沪健证2025-110905", date(2026, 11, 9)),),
    ),
    DemoStaff(
        "guoshufen",
        "郭淑芬",
        "保洁员（垃圾分类）",
        ("cleaner",),
        "13816200036",
        teams=("CLN",),
        rotation_offset=5,
        licences=(_health("沪健证2025-120106", date(2026, 12, 1)),),
    ),
)

GREENING: tuple[DemoStaff, ...] = (
    DemoStaff(
        "madefu",
        "马德福",
        "绿化领班",
        ("cleaning_lead",),
        "13816200041",
        teams=("GRN",),
        leads=("GRN",),
    ),
    DemoStaff(
        "luojianhua",
        "罗建华",
        "绿化工",
        ("cleaner",),
        "13816200042",
        teams=("GRN",),
        licences=(
            DemoLicence(
                "pesticide_applicator", "YHSW-2024-0077", date(2024, 4, 1), date(2027, 4, 1)
            ),
        ),
    ),
    DemoStaff("liangzhigang", "梁志刚", "绿化工", ("cleaner",), "13816200043", teams=("GRN",)),
)


def _crew(
    crew: int,
    operator: tuple[str, str, str, DemoLicence],
    guards: tuple[tuple[str, str, str], ...],
) -> tuple[DemoStaff, ...]:
    """One of the four security crews: a licensed control-room operator and two guards."""
    username, name, phone, fire_licence = operator
    members = [
        DemoStaff(
            username,
            name,
            "消防控制室值班员",
            (GUARD_ROLE,),
            phone,
            teams=("SEC",),
            rotation_offset=crew,
            licences=(fire_licence, _guard(f"沪保2020-0{crew}4511", date(2020, 6, 1))),
        )
    ]
    members += [
        DemoStaff(
            g_username,
            g_name,
            "秩序维护员",
            (GUARD_ROLE,),
            g_phone,
            teams=("SEC",),
            rotation_offset=crew,
            licences=(_guard(f"沪保2021-{crew}{i}6732", date(2021, 3, 1)),),
        )
        for i, (g_username, g_name, g_phone) in enumerate(guards)
    ]
    return tuple(members)


# 四班三运转: four crews rotate through day, evening and night shifts, one crew off.
SECURITY: tuple[DemoStaff, ...] = (
    DemoStaff(
        "guardlead",
        "刘洋",
        "秩序维护领班",
        ("security_lead",),
        "13816200051",
        teams=("SEC",),
        leads=("SEC",),
        login=True,
        licences=(
            _guard("沪保2016-013377", date(2016, 9, 1)),
            _fire_operator("XF-2022-031077", date(2022, 10, 8), date(2028, 10, 8)),
        ),
    ),
    *_crew(
        0,
        # expires soon
        (
            "wuting",
            "吴婷",
            "13816200061",
            _fire_operator("XF-2020-041012", date(2020, 4, 10), date(2026, 4, 10)),
        ),
        (("songzhiyong", "宋志勇", "13816200062"), ("tangxiaojun", "唐小军", "13816200063")),
    ),
    *_crew(
        1,
        (
            "xulijuan",
            "许丽娟",
            "13816200064",
            _fire_operator("XF-2023-052288", date(2023, 5, 22), date(2029, 5, 22)),
        ),
        (("handong", "韩冬", "13816200065"), ("dengchao", "邓超", "13816200066")),
    ),
    *_crew(
        2,
        (
            "caomin",
            "曹敏",
            "13816200067",
            _fire_operator("XF-2022-090315", date(2022, 9, 3), date(2028, 9, 3)),
        ),
        (("pengjun", "彭军", "13816200068"), ("zengzhiyuan", "曾志远", "13816200069")),
    ),
    *_crew(
        3,
        (
            "xiaohong",
            "萧红",
            "13816200070",
            _fire_operator("XF-2024-011509", date(2024, 1, 15), date(2030, 1, 15)),
        ),
        (("tianye", "田野", "13816200071"), ("dongjianxin", "董建新", "13816200072")),
    ),
)

CUSTOMER_SERVICE: tuple[DemoStaff, ...] = (
    DemoStaff(
        "viewer",
        "陈静",
        "客服主管",
        ("viewer",),
        "13816200081",
        teams=("CS",),
        leads=("CS",),
        login=True,
    ),
    DemoStaff("jiangli", "蒋丽", "客服专员", ("viewer",), "13816200082", teams=("CS",)),
    DemoStaff("shenjiayi", "沈佳怡", "客服专员", ("viewer",), "13816200083", teams=("CS",)),
)

STAFF: tuple[DemoStaff, ...] = (
    *MANAGEMENT,
    *ENGINEERING,
    *DUTY_ELECTRICIANS,
    *CLEANING,
    *GREENING,
    *SECURITY,
    *CUSTOMER_SERVICE,
)
