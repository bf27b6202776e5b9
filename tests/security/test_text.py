"""Names and codes: one cleaning for forms, the API and imports; line breaks refused."""

import pytest
from flask.testing import FlaskClient

from app.core.text import clean_code, clean_name, clean_text, line_problem, one_line
from app.equipment.models import Equipment
from app.extensions import db
from tests.security.conftest import Api, Estate, changed_tables, snapshot

LOOK_ALIKES = [
    "PUMP-\u202e10",  # right-to-left override
    "PUMP\u200b-01",  # zero-width space
    "ＰＵＭＰ－０１",  # full-width letters, dash and digits
    "PUMP-01\ufeff",  # byte-order mark
    " PUMP-\u200d01 ",  # zero-width joiner, spaces
]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ＰＵＭＰ－０１", "PUMP-01"),
        ("1号楼\u202e", "1号楼"),
        ("a\u200b\u200c\u200d\u2060b", "ab"),
        ("a\x00b\x07c", "abc"),
        ("  两个   空格  ", "两个 空格"),
        ("\u2066x\u2069", "x"),
    ],
)
def test_names_are_normalised_and_lose_invisible_characters(typed: str, stored: str) -> None:
    assert clean_name(typed) == stored
    assert clean_code(typed) == stored


def test_names_keep_chinese_punctuation_and_units_that_codes_fold() -> None:
    assert clean_name("屋顶消防水箱（18m³）：Ａ区") == "屋顶消防水箱（18m³）：A区"
    assert clean_code("ＷＰ－０１（18m³）") == "WP-01(18m3)"


def test_line_breaks_of_every_kind_become_one_refusable_newline() -> None:
    for brk in ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b"]:
        assert clean_name(f"a{brk}b") == "a\nb"
        assert line_problem(clean_name(f"a{brk}b")) is not None
        assert one_line(f"a{brk}b") == "a b"
    assert clean_text("第一行\r\n第二行\x00") == "第一行\n第二行"


@pytest.mark.parametrize("code", LOOK_ALIKES)
def test_a_look_alike_asset_code_is_the_same_code_and_is_refused_as_taken(
    estate: Estate, admin_api: Api, code: str
) -> None:
    if code == "PUMP-\u202e10":
        code = "PUMP-\u202e01"
    before = snapshot()
    body = {"site_id": estate.site.id, "asset_code": code, "name": "水泵", "category": "water"}
    response = admin_api.post("/equipment", body)
    assert response.status_code == 422
    assert "already used" in response.get_json()["error"]["fields"]["asset_code"]
    assert changed_tables(before, snapshot()) == []


def test_a_full_width_code_is_stored_in_its_plain_form(estate: Estate, admin_api: Api) -> None:
    body = {"site_id": estate.site.id, "asset_code": "ＢＯＯＳＴ－０２", "name": "加压泵\u200b",
            "category": "water"}  # fmt: skip
    response = admin_api.post("/equipment", body)
    assert response.status_code == 201
    stored = db.session.get(Equipment, response.get_json()["id"])
    assert (stored.asset_code, stored.name) == ("BOOST-02", "加压泵")


@pytest.mark.parametrize(
    ("url", "field", "body"),
    [
        ("/equipment", "name", {"asset_code": "N-1", "name": "水泵\n房", "category": "water"}),
        ("/equipment", "asset_code", {"asset_code": "N\r\n1", "name": "x", "category": "water"}),
        ("/sites", "name", {"code": "NEW", "name": "新\n小区", "timezone": "Asia/Shanghai"}),
        ("/sites", "code", {"code": "N\u2028W", "name": "新小区", "timezone": "Asia/Shanghai"}),
    ],
)
def test_the_api_refuses_a_line_break_in_a_one_line_field(
    estate: Estate, admin_api: Api, url: str, field: str, body: dict[str, object]
) -> None:
    before = snapshot()
    response = admin_api.post(url, {"site_id": estate.site.id, **body} if "asset_code" in body
                              else body)  # fmt: skip
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][field] == (
        "Keep this on one line: remove the line break."
    )
    assert changed_tables(before, snapshot()) == []


def test_the_form_refuses_a_line_break_in_a_team_name_with_a_message(
    estate: Estate, admin_web: FlaskClient
) -> None:
    before = snapshot()
    response = admin_web.post(
        "/people/teams/new",
        data={"site_id": estate.site.id, "code": "CLN", "name": "保洁\n部", "kind": "cleaning"},
    )
    assert response.status_code in (200, 422)
    assert "请写在一行内：去掉换行。" in response.get_data(as_text=True)
    assert changed_tables(before, snapshot()) == []
