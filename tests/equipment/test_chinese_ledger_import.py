"""A ledger sheet written the way a 工程部 writes one imports without hand-editing.

Chinese type names and synonyms map to catalog types (with a preview), unknown
contractors are offered for creation in the dry run, the template carries drop-downs
and the form's labels, the two elevator numbers stay apart, and a large import runs
on the task queue. Assertions read the pages a supervisor sees (Chinese by default).
"""

import html
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.catalog.loader import load_catalog
from app.contractors.models import Contractor
from app.equipment.columns import COLUMNS
from app.equipment.forms import EquipmentForm
from app.equipment.models import Equipment
from app.equipment.type_names import TypeNames, fold
from app.extensions import db
from app.people.models import User
from tests.conftest import TEST_PASSWORD
from tests.equipment.conftest import Ledger

Login = Callable[[str], FlaskClient]

HEADER = [
    "项目编号",
    "设备编号",
    "设备名称",
    "设备类型",
    "安装位置",
    "维保单位",
    "使用登记证号",
    "注册代码",
]
SHEET = [
    [
        "YG",
        "DT-01",
        "1号楼1号客梯",
        "客梯",
        "1号楼",
        "奥的斯电梯维保",
        "梯11沪A0001(18)",
        "31103101002018060001",
    ],
    [
        "YG",
        "DT-02",
        "1号楼货梯",
        "货梯",
        "1号楼",
        "奥的斯电梯维保",
        "梯11沪A0002(18)",
        "31103101002018060002",
    ],
    ["YG", "FT-01", "商业扶梯", "自动扶梯", "2号楼", "奥的斯电梯维保", "", ""],
    ["YG", "XF-01", "1#消火栓泵", "消火栓泵", "1号楼/B1/水泵房", "", "", ""],
    ["YG", "XF-02", "1#喷淋泵", "喷淋泵", "1号楼/B1/水泵房", "", "", ""],
    ["YG", "PD-01", "1#变压器", "变压器", "1号楼/3F/配电房", "", "", ""],
    ["YG", "GS-01", "生活水箱", "生活水箱", "1号楼/B1", "", "", ""],
    ["YG", "GS-02", "二次供水设备", "二次供水设备", "1号楼/B1/水泵房", "", "", ""],
    ["YG", "MH-01", "1号楼灭火器组", "灭火器", "1号楼", "上海三菱电梯维保", "", ""],
]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def page_text(response: object) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    raw = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def check(client: FlaskClient, data: bytes, name: str = "台账.xlsx") -> object:
    return client.post(
        "/equipment/import",
        data={"file": (io.BytesIO(data), name), "site_code": ""},
        content_type="multipart/form-data",
    )


def hidden(response: object, field: str) -> str:
    raw = response.get_data(as_text=True)  # type: ignore[attr-defined]
    match = re.search(rf'name="{field}" type="hidden" value="([^"]*)"', raw)
    assert match, f"no hidden {field}"
    return match.group(1)


def confirm(client: FlaskClient, checked: object, contractors: list[str]) -> object:
    return client.post(
        "/equipment/import/apply",
        data={
            "token": hidden(checked, "token"),
            "filename": hidden(checked, "filename"),
            "rows": hidden(checked, "rows"),
            "site_code": "",
            "create_locations": "",
            "create_contractors": contractors,
        },
    )


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_chinese_sheet_is_previewed_with_its_type_mapping_and_new_contractor(
    ledger: Ledger, login: Login
) -> None:
    response = check(login("supervisor"), xlsx([HEADER, *SHEET]))
    assert response.status_code == 200
    page = page_text(response)
    assert "0 个问题" in page
    assert "客梯 → 曳引与强制驱动电梯 (traction_elevator) 1" in page
    assert "货梯 → 曳引与强制驱动电梯 (traction_elevator) 1" in page
    assert "自动扶梯 → 自动扶梯与自动人行道 (escalator) 1" in page
    assert "消火栓泵 → 消防水泵（消火栓泵、喷淋泵） (fire_pump) 1" in page
    assert "喷淋泵 → 消防水泵（消火栓泵、喷淋泵） (fire_pump) 1" in page
    assert "变压器 → 电力变压器 (transformer) 1" in page
    assert "生活水箱 → 二次供水水箱（水池） (water_tank) 1" in page
    assert "二次供水设备 → 生活给水加压泵组（变频供水设备） (booster_pump_set) 1" in page
    assert "灭火器 → 干粉灭火器（组） (fire_extinguisher_dry_powder) 1" in page
    assert "尚未登记的维保单位" in page and "奥的斯电梯维保（3 行）" in page
    assert "上海三菱电梯维保（" not in page  # it exists: nothing to offer
    assert count(Equipment) == 0 and count(Contractor) == 1


def test_confirming_creates_the_ticked_contractor_and_every_row_with_both_numbers(
    ledger: Ledger, login: Login
) -> None:
    client = login("supervisor")
    checked = check(client, xlsx([HEADER, *SHEET]))
    applied = confirm(client, checked, ["奥的斯电梯维保"])
    assert applied.status_code == 302
    otis = db.session.scalar(select(Contractor).where(Contractor.name == "奥的斯电梯维保"))
    assert otis is not None
    lift = db.session.scalar(select(Equipment).where(Equipment.asset_code == "DT-01"))
    assert lift is not None
    assert (lift.type_key, lift.category) == ("traction_elevator", "elevator")
    assert lift.registration_number == "梯11沪A0001(18)"
    assert lift.registration_code == "31103101002018060001"
    assert lift.maintainer_contractor_id == otis.id
    types = dict(db.session.execute(select(Equipment.asset_code, Equipment.type_key)).all())
    assert types["XF-01"] == types["XF-02"] == "fire_pump"
    assert types["GS-02"] == "booster_pump_set" and types["MH-01"] == "fire_extinguisher_dry_powder"
    detail = page_text(client.get(f"/equipment/{lift.id}"))
    assert "使用登记证号 梯11沪A0001(18)" in detail
    assert "注册代码 31103101002018060001" in detail


def test_an_unticked_new_contractor_refuses_the_whole_import(ledger: Ledger, login: Login) -> None:
    rows = [HEADER, SHEET[0], [*SHEET[3][:5], "某消防技术服务公司", "", ""]]
    client = login("supervisor")
    checked = check(client, xlsx(rows))
    assert "某消防技术服务公司（1 行）" in page_text(checked)
    refused = confirm(client, checked, ["奥的斯电梯维保"])
    assert refused.status_code == 422
    assert "某消防技术服务公司" in page_text(refused)
    assert count(Equipment) == 0
    assert count(Contractor) == 1  # the ticked one was not kept either: all or nothing


def test_an_unknown_type_is_one_problem_per_row_with_suggestions(
    ledger: Ledger, login: Login
) -> None:
    rows = [HEADER, ["YG", "DT-09", "9号梯", "曳引机电梯", "", "", "", ""]]
    response = check(login("supervisor"), xlsx(rows))
    assert response.status_code == 422
    page = page_text(response)
    assert "无法识别的设备类型 曳引机电梯；是否指：" in page
    assert "曳引与强制驱动电梯 (traction_elevator)" in page
    assert "曳引机电梯 无法识别" in page  # and in the mapping preview


def test_a_registration_code_must_be_twenty_digits(ledger: Ledger, login: Login) -> None:
    rows = [HEADER, ["YG", "DT-01", "1号客梯", "客梯", "", "", "", "梯11沪A0001(18)"]]
    page = page_text(check(login("supervisor"), xlsx(rows)))
    assert "梯11沪A0001(18) 不是注册代码：注册代码为 20 位数字" in page


def test_old_sheets_with_the_earlier_headers_still_import(ledger: Ledger, login: Login) -> None:
    rows = [
        ["项目编号", "资产编号", "名称", "类别", "设备类型", "制造商", "维护班组", "使用登记证号"],
        ["YG", "DT-01", "客梯", "elevator", "traction_elevator", "三菱", "ENG", "梯11沪A0001(18)"],
    ]
    client = login("supervisor")
    assert confirm(client, check(client, xlsx(rows)), []).status_code == 302
    lift = db.session.scalar(select(Equipment))
    assert lift is not None
    assert (lift.manufacturer, lift.registration_number, lift.registration_code) == (
        "三菱",
        "梯11沪A0001(18)",
        "",
    )


def test_the_template_headers_are_the_form_labels_and_carry_drop_downs(
    app: Flask, ledger: Ledger, login: Login
) -> None:
    response = login("supervisor").get("/equipment/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook["设备台账"]
    headers = [cell.value for cell in sheet[1]]
    with app.test_request_context(), force_locale("zh_CN"):
        form = EquipmentForm(formdata=None)
        labels = {f.short_name: str(f.label.text) for f in form}
    for column, header in zip(COLUMNS, headers, strict=True):
        if column.field != "site_id":  # the form picks a site; the sheet names its code
            assert header == labels[column.field], column.field
    values = workbook["可选值"]
    assert values.sheet_state == "hidden"
    listed = {cell.value for column in values.iter_cols() for cell in column}
    assert {"电梯/扶梯", "曳引与强制驱动电梯", "在用", "YG", "上海三菱电梯维保", "工程部"} <= listed
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    category = rules[next(k for k in rules if k.startswith("D2:"))]
    assert category.type == "list" and category.formula1.startswith("'可选值'!")
    assert category.errorStyle == "stop"
    type_rule = rules[next(k for k in rules if k.startswith("E2:"))]
    assert type_rule.errorStyle == "warning"  # synonyms such as 客梯 are allowed


def test_the_import_page_offers_the_template(ledger: Ledger, login: Login) -> None:
    page = login("supervisor").get("/equipment/import").get_data(as_text=True)
    assert "/equipment/import/template.xlsx" in page and "下载导入模板" in page


def test_a_large_import_runs_on_the_queue_and_its_page_shows_the_outcome(
    app: Flask, ledger: Ledger, login: Login, make_user: Callable[..., User]
) -> None:
    app.config["ROUNDS_IMPORT_BACKGROUND_ROWS"] = 2
    client = login("supervisor")
    checked = check(client, xlsx([HEADER, *SHEET]))
    queued = confirm(client, checked, ["奥的斯电梯维保"])
    assert queued.status_code == 302 and "/equipment/import/jobs/" in queued.location
    job_page = client.get(queued.location)
    assert job_page.status_code == 200
    assert "已导入 台账.xlsx：新增 9" in page_text(job_page)
    assert count(Equipment) == 9
    other = make_user("supervisor", "supervisor2")
    stranger = app.test_client()
    stranger.post("/login", data={"username": other.username, "password": TEST_PASSWORD})
    assert stranger.get(queued.location).status_code == 404  # someone else's job


def test_a_failed_background_import_writes_nothing_and_says_why(
    app: Flask, ledger: Ledger, login: Login
) -> None:
    app.config["ROUNDS_IMPORT_BACKGROUND_ROWS"] = 1
    client = login("supervisor")
    checked = check(client, xlsx([HEADER, SHEET[0], SHEET[1]]))
    queued = confirm(client, checked, [])  # the new contractor was unticked
    page = page_text(client.get(queued.location))
    assert "未导入任何数据" in page and "奥的斯电梯维保" in page
    assert count(Equipment) == 0


def test_no_synonym_in_the_catalog_names_two_types() -> None:
    catalog = load_catalog()
    owners: dict[str, str] = {}
    for equipment_type in catalog.types():
        for alias in equipment_type.aliases:
            assert owners.setdefault(fold(alias), equipment_type.key) == equipment_type.key, alias
    names = TypeNames.of(catalog)
    for equipment_type in catalog.types():
        for alias in equipment_type.aliases:
            found = names.find(alias)
            assert found is not None and found.key == equipment_type.key, alias


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("乘客电梯", "traction_elevator"),
        ("客 梯", "traction_elevator"),
        ("ＵＰＳ", "ups"),
        ("Traction_Elevator", "traction_elevator"),
        ("消防水泵（消火栓泵、喷淋泵）", "fire_pump"),
        ("消防水泵", "fire_pump"),
        ("客梯（1号楼）", "traction_elevator"),
    ],
)
def test_type_names_are_found_however_they_are_spaced_or_cased(written: str, key: str) -> None:
    found = TypeNames.of(load_catalog()).find(written)
    assert found is not None and found.key == key
