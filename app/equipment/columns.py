"""The ledger spreadsheet's columns, defined once for export and import so they round-trip.

Headers are exported in Chinese, worded as the equipment form labels them (a test keeps
the two equal); the importer also accepts the English keys and the headers of older
exports (`aliases`), so old sheets keep importing. Text cells that a spreadsheet would
run as a formula are neutralised with a leading apostrophe, which the importer strips.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.equipment.models import CRITICALITY_LABELS, STATUS_LABELS, Equipment
from app.vocab.categories import CATEGORIES


@dataclass(frozen=True)
class Column:
    key: str
    """English header accepted on import."""
    zh: str
    """Chinese header written on export."""
    field: str
    """`EquipmentInput` field the value goes to (and whose errors are reported here)."""
    export: Callable[[Equipment], Any]
    is_date: bool = False
    aliases: tuple[str, ...] = ()
    """Other headers meaning this column: older exports and common sheet wording."""


def _dump_attributes(eq: Equipment) -> str:
    return json.dumps(eq.attributes, ensure_ascii=False, sort_keys=True) if eq.attributes else ""


def _category(eq: Equipment) -> str:
    category = CATEGORIES.get(eq.category)
    return category.zh if category else eq.category


COLUMNS: tuple[Column, ...] = (
    Column("site", "项目编号", "site_id", lambda e: e.site.code, aliases=("项目代码",)),
    Column("asset_code", "设备编号", "asset_code", lambda e: e.asset_code, aliases=("资产编号",)),
    Column("name", "名称", "name", lambda e: e.name, aliases=("设备名称",)),
    Column("category", "类别", "category", _category, aliases=("设备类别",)),
    Column(
        "type_key",
        "设备类型",
        "type_key",
        lambda e: e.type_key or "",
        aliases=("目录类型", "设备种类", "类型"),
    ),
    Column(
        "location",
        "位置",
        "location_id",
        lambda e: e.location.path if e.location else "",
        aliases=("安装位置", "安装地点"),
    ),
    Column(
        "manufacturer",
        "生产厂家",
        "manufacturer",
        lambda e: e.manufacturer,
        aliases=("制造商", "制造单位", "品牌"),
    ),
    Column("model", "型号", "model", lambda e: e.model, aliases=("规格型号",)),
    Column(
        "serial_number",
        "出厂编号",
        "serial_number",
        lambda e: e.serial_number,
        aliases=("产品编号",),
    ),
    Column(
        "installed_on",
        "安装日期",
        "installed_on",
        lambda e: e.installed_on,
        is_date=True,
        aliases=("安装时间",),
    ),
    Column(
        "commissioned_on",
        "投用日期",
        "commissioned_on",
        lambda e: e.commissioned_on,
        is_date=True,
        aliases=("投入使用日期", "启用日期"),
    ),
    Column(
        "warranty_until",
        "保修截止",
        "warranty_until",
        lambda e: e.warranty_until,
        is_date=True,
        aliases=("保修期至", "质保期至"),
    ),
    Column("status", "状态", "status", lambda e: STATUS_LABELS[e.status][0], aliases=("设备状态",)),
    Column(
        "criticality", "重要程度", "criticality", lambda e: CRITICALITY_LABELS[e.criticality][0]
    ),
    Column(
        "maintainer_team",
        "维保班组",
        "maintainer_team_id",
        lambda e: e.maintainer_team.code if e.maintainer_team else "",
        aliases=("维护班组", "责任班组"),
    ),
    Column(
        "maintainer_contractor",
        "维保单位",
        "maintainer_contractor_id",
        lambda e: e.maintainer_contractor.name if e.maintainer_contractor else "",
        aliases=("维保公司", "外委单位"),
    ),
    Column(
        "registration_number",
        "使用登记证号",
        "registration_number",
        lambda e: e.registration_number,
        aliases=("使用登记证编号", "登记证号"),
    ),
    Column(
        "registration_code",
        "注册代码",
        "registration_code",
        lambda e: e.registration_code,
        aliases=("设备注册代码", "电梯注册代码"),
    ),
    Column(
        "next_inspection_on",
        "下次法定检验",
        "next_inspection_on",
        lambda e: e.next_inspection_on,
        is_date=True,
        aliases=("下次检验日期", "下次年检日期", "下次定期检验日期"),
    ),
    Column("attributes", "技术参数", "attributes", _dump_attributes, aliases=("主要参数",)),
    Column("notes", "备注", "notes", lambda e: e.notes),
)

BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
REQUIRED_KEYS = ("asset_code", "name", "category")
"""Columns every import needs; `site` too unless the import names the site."""

_HEADER_INDEX: dict[str, Column] = {
    **{c.key.casefold(): c for c in COLUMNS},
    **{c.zh: c for c in COLUMNS},
    **{alias.casefold(): c for c in COLUMNS for alias in c.aliases},
}

_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def column_for_header(header: str) -> Column | None:
    """The column a header names: its Chinese header or English key (any case)."""
    text = header.strip().lstrip("\ufeff").strip()
    return _HEADER_INDEX.get(text) or _HEADER_INDEX.get(text.casefold())


def neutralise(value: str) -> str:
    """Stop spreadsheet formula injection: '=cmd|...' is shown as text, never run."""
    return "'" + value if _FORMULA_START.match(value) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so export → import gives back exactly the stored text."""
    return value[1:] if _ESCAPED.match(value) else value


def export_row(eq: Equipment, dates_as_text: bool) -> list[Any]:
    row: list[Any] = []
    for column in COLUMNS:
        value = column.export(eq)
        if isinstance(value, date):
            row.append(value.isoformat() if dates_as_text else value)
        elif isinstance(value, str):
            row.append(neutralise(value))
        else:
            row.append("" if value is None else value)
    return row
