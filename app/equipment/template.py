"""The import template: an empty ledger sheet whose columns offer their allowed values.

Headers are the import's (the equipment form's labels). Columns with a fixed set of
values get an Excel drop-down (data validation); the values sit on a hidden sheet,
because a list written into the rule itself may hold at most 255 characters and the
catalog's type names alone are longer. Types and contractors only warn on a value
not in the list: the import also understands synonyms (客梯) and offers to create a
contractor it does not know yet.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from app.catalog import CatalogError
from app.catalog.current import current_catalog
from app.contractors.models import Contractor
from app.equipment.columns import COLUMNS
from app.equipment.exporting import SHEET_TITLE
from app.equipment.parsing import CATEGORY_LABELS, CRITICALITY_CHOICES, STATUS_CHOICES
from app.equipment.sheet_limits import MAX_ROWS
from app.extensions import db
from app.people.models import Team
from app.sites.models import Site

VALUES_TITLE = "可选值"
NOTES_TITLE = "填写说明"
FILENAME = "equipment-import-template.xlsx"


@dataclass(frozen=True)
class Choices:
    """One column's allowed values and whether a value outside them is refused."""

    field: str
    values: Sequence[str]
    strict: bool


def template_choices() -> list[Choices]:
    """The drop-down values, from the vocabularies, the catalog and the database."""
    try:
        type_names = [t.names.zh for t in current_catalog().types()]
    except CatalogError:
        type_names = []
    return [
        Choices("site_id", db.session.scalars(select(Site.code).order_by(Site.code)).all(), True),
        Choices("category", [zh for zh, _en in CATEGORY_LABELS.values()], True),
        Choices("type_key", type_names, False),
        Choices("status", [zh for zh, _en in STATUS_CHOICES.values()], True),
        Choices("criticality", [zh for zh, _en in CRITICALITY_CHOICES.values()], True),
        Choices(
            "maintainer_team_id",
            db.session.scalars(select(Team.name).distinct().order_by(Team.name)).all(),
            False,
        ),
        Choices(
            "maintainer_contractor_id",
            db.session.scalars(select(Contractor.name).order_by(Contractor.name)).all(),
            False,
        ),
    ]


def template_workbook(choices: Sequence[Choices]) -> bytes:
    """The .xlsx bytes: the ledger sheet, the hidden values sheet and a short how-to."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([c.zh for c in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, 3 * len(column.zh))
    values = workbook.create_sheet(VALUES_TITLE)
    values.sheet_state = "hidden"
    position = {c.field: i for i, c in enumerate(COLUMNS, start=1)}
    for value_column, choice in enumerate((c for c in choices if c.values), start=1):
        letter = get_column_letter(value_column)
        values.cell(row=1, column=value_column, value=COLUMNS[position[choice.field] - 1].zh)
        for row, value in enumerate(choice.values, start=2):
            values.cell(row=row, column=value_column, value=value)
        source = f"{quote_sheetname(VALUES_TITLE)}!${letter}$2:${letter}${len(choice.values) + 1}"
        sheet.add_data_validation(_drop_down(source, choice, position[choice.field]))
    _notes(workbook.create_sheet(NOTES_TITLE))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _drop_down(source: str, choice: Choices, column: int) -> DataValidation:
    letter = get_column_letter(column)
    rule = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if choice.strict else "warning",
        errorTitle="不在可选值中",
        error="请从下拉列表中选择。" if choice.strict else "不在列表中；导入时会再检查并给出建议。",
    )
    rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    return rule


_NOTES = (
    "第一行是列名，请勿修改；每行一台设备。必填：设备编号、名称，以及类别或设备类型之一；"
    "上传时未选项目则还需项目编号。",
    "设备类型可写标准库名称或常用叫法（如 客梯、消火栓泵、变压器），检查结果会列出对应关系。",
    "维保单位若尚未登记，检查时会提示可一并新建。",
    "使用登记证号（如 梯11沪A0001(18)）与注册代码（20位数字）是两个不同的编号，请分列填写。",
    "日期写作 2026-03-01；技术参数每行一个 键=值。",
    "The first row holds the column names. Upload the file on the import page: it is "
    "checked first and nothing is written until you confirm.",
)


def _notes(sheet: Worksheet) -> None:
    for line in _NOTES:
        sheet.append([line])
