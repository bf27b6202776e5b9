"""Licence kinds staff can hold, and that catalog tasks can require.

Plain data shared by the catalog loader, the staff ledger and assignment.
"""

from typing import NamedTuple


class LicenceKind(NamedTuple):
    key: str
    zh: str
    en: str


LICENCE_KINDS: dict[str, LicenceKind] = {
    k.key: k
    for k in (
        LicenceKind("electrician_lv", "低压电工作业证", "Low-voltage electrician licence"),
        LicenceKind("electrician_hv", "高压电工作业证", "High-voltage electrician licence"),
        LicenceKind(
            "special_equipment_elevator",
            "特种设备作业人员证（电梯修理 T）",
            "Special equipment operator licence (elevator repair, T)",
        ),
        LicenceKind("fire_facility_operator", "消防设施操作员证", "Fire facility operator licence"),
        LicenceKind(
            "refrigeration", "制冷与空调作业证", "Refrigeration and air-conditioning licence"
        ),
        LicenceKind("welding", "焊接与热切割作业证", "Welding and thermal cutting licence"),
        LicenceKind("work_at_height", "高处作业证", "Work-at-height licence"),
        LicenceKind("health_certificate", "健康证", "Health certificate"),
        LicenceKind("security_guard", "保安员证", "Security guard licence"),
        LicenceKind("pesticide_applicator", "有害生物防制员证", "Pest control operator licence"),
    )
}
