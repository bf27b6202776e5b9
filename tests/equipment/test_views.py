"""The ledger pages: list, detail, forms with errors in place, stale edits, import and export."""

import html
import io
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.actor import Actor, acting_as
from app.equipment.models import Equipment, EquipmentStatus
from app.equipment.services import EquipmentInput, update_equipment
from app.extensions import db
from tests.equipment.conftest import Ledger

Login = Callable[[str], FlaskClient]


def form_data(ledger: Ledger, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "site_id": ledger.site.id,
        "asset_code": "WP-01",
        "name": "生活水泵",
        "category": "water",
        "type_key": "",
        "location_id": ledger.pump_room.id,
        "status": "in_service",
        "criticality": "medium",
        "installed_on": "2020-05-01",
        "commissioned_on": "",
        "warranty_until": "",
        "next_inspection_on": "",
        "maintainer_team_id": "",
        "maintainer_contractor_id": "",
        "attributes": "",
        "notes": "",
    }
    data.update(changes)
    return data


def text_of(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_the_list_searches_filters_and_hides_retired_records(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    make_equipment("WP-01", name="生活水泵", location_id=ledger.pump_room.id)
    make_equipment("DT-01", name="客梯", category="elevator", location_id=ledger.building2.id)
    make_equipment("PD-01", name="旧变压器", category="power", status="retired")
    client = login_en("viewer")
    page = text_of(client.get("/equipment/"))
    assert "WP-01" in page and "DT-01" in page and "PD-01" not in page
    page = text_of(client.get("/equipment/?q=客梯"))
    assert "DT-01" in page and "WP-01" not in page
    page = text_of(client.get(f"/equipment/?building={ledger.building1.id}"))
    assert "WP-01" in page and "DT-01" not in page
    page = text_of(client.get("/equipment/?category=elevator"))
    assert "DT-01" in page and "WP-01" not in page
    page = text_of(client.get("/equipment/?status=retired"))
    assert "PD-01" in page and "WP-01" not in page
    page = text_of(client.get(f"/equipment/?site={ledger.other_site.id}"))
    assert "WP-01" not in page


def test_the_list_sorts_and_pages(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    for n in range(30):
        make_equipment(f"WP-{n:02d}")
    client = login_en("viewer")
    first = text_of(client.get("/equipment/?sort=-code"))
    assert first.index("WP-29") < first.index("WP-28")
    assert "WP-04" not in first
    second = text_of(client.get("/equipment/?sort=-code&page=2"))
    assert "WP-04" in second and "WP-29" not in second


def test_the_detail_page_shows_location_maintainer_inspection_and_history(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    with acting_as(Actor(None, "wang")):
        eq = make_equipment(
            "DT-01",
            name="1号客梯",
            category="elevator",
            location_id=ledger.switch_room.id,
            maintainer_contractor_id=ledger.contractor.id,
            registration_number="31103101002019000123",
            next_inspection_on="2026-02-28",
            attributes="载重=1000kg",
        )
    page = text_of(login_en("viewer").get(f"/equipment/{eq.id}"))
    for expected in (
        "1号楼/3F/配电房",
        "上海三菱电梯维保",
        "31103101002019000123",
        "2026-02-28",
        "载重",
        "1000kg",
        "wang",
    ):
        assert expected in page


def test_creating_equipment_through_the_form(ledger: Ledger, login_en: Login) -> None:
    client = login_en("supervisor")
    assert client.get("/equipment/new").status_code == 200
    response = client.post("/equipment/new", data=form_data(ledger))
    assert response.status_code == 302
    eq = db.session.scalar(select(Equipment))
    assert eq is not None and eq.location == ledger.pump_room


def test_service_errors_appear_next_to_their_fields_and_input_is_kept(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    make_equipment("WP-01")
    response = login_en("supervisor").post(
        "/equipment/new",
        data=form_data(
            ledger, installed_on="2026-02-30", location_id=ledger.other_building.id, name="新泵"
        ),
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "2026-02-30 is not a real date: 2026-02 has only 28 days" in page
    assert "WP-01 is already used in site YG" in page
    assert "1号楼 belongs to site XH, not YG" in page
    # Each message sits right after its own input (bootstrap's invalid-feedback).
    date_input = page.index('name="installed_on"')
    assert page.index("is not a real date", date_input) < page.index('name="commissioned_on"')
    assert 'value="新泵"' in page
    assert db.session.scalar(select(func.count()).select_from(Equipment)) == 1


def test_a_stale_edit_says_who_changed_it_and_keeps_the_users_input(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    eq = make_equipment("WP-01", name="原名")
    client = login_en("supervisor")
    assert 'name="version" type="hidden" value="1"' in text_of(
        client.get(f"/equipment/{eq.id}/edit")
    )
    with acting_as(Actor(None, "li")):
        update_equipment(eq, EquipmentInput.from_equipment(eq).updated({"status": "fault"}), 1)
    db.session.commit()
    response = client.post(
        f"/equipment/{eq.id}/edit", data=form_data(ledger, name="我的新名字", version=1)
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "li changed this record at 3/2/26, 9:00\u202fAM while you were editing." in page
    assert "They changed: Status." in page
    assert 'value="我的新名字"' in page
    assert 'name="version" type="hidden" value="2"' in page
    db.session.expire_all()
    stored = db.session.get(Equipment, eq.id)
    assert stored is not None and stored.name == "原名" and stored.status == EquipmentStatus.FAULT


def test_an_edit_saves_with_the_current_version(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    eq = make_equipment("WP-01")
    response = login_en("supervisor").post(
        f"/equipment/{eq.id}/edit", data=form_data(ledger, name="改名", version=1)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Equipment, eq.id).name == "改名"  # type: ignore[union-attr]


def test_retiring_from_the_page_keeps_the_record(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    eq = make_equipment("WP-01")
    client = login_en("supervisor")
    assert client.get(f"/equipment/{eq.id}/retire").status_code == 200
    response = client.post(f"/equipment/{eq.id}/retire", data={"version": 1, "reason": "报废"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Equipment, eq.id).status == EquipmentStatus.RETIRED  # type: ignore[union-attr]


def test_viewers_may_look_but_not_edit_or_import(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    eq = make_equipment("WP-01")
    client = login_en("viewer")
    assert client.get(f"/equipment/{eq.id}").status_code == 200
    assert client.get(f"/equipment/{eq.id}/edit").status_code == 403
    assert client.get("/equipment/import").status_code == 403


def test_upload_is_checked_first_and_applied_on_confirmation(
    ledger: Ledger, login_en: Login
) -> None:
    client = login_en("supervisor")
    csv_text = "项目编号,资产编号,名称,类别\r\nYG,WP-01,水泵,water\r\n"
    response = client.post(
        "/equipment/import",
        data={"file": (io.BytesIO(csv_text.encode("gb18030")), "台账.csv"), "site_code": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "1 new" in page
    assert db.session.scalar(select(func.count()).select_from(Equipment)) == 0
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    applied = client.post(
        "/equipment/import/apply",
        data={"token": token, "filename": "台账.csv", "site_code": "", "create_locations": ""},
    )
    assert applied.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Equipment)) == 1


def test_upload_with_bad_rows_lists_them_and_offers_no_apply(
    ledger: Ledger, login_en: Login
) -> None:
    csv_text = "项目编号,资产编号,名称,类别,安装日期\r\nYG,WP-01,水泵,water,2026-02-30\r\n"
    response = login_en("supervisor").post(
        "/equipment/import",
        data={"file": (io.BytesIO(csv_text.encode()), "ledger.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "2026-02-30 is not a real date" in page and "安装日期" in page
    assert "import/apply" not in page


def test_an_unreadable_upload_is_explained(ledger: Ledger, login_en: Login) -> None:
    response = login_en("supervisor").post(
        "/equipment/import",
        data={"file": (io.BytesIO(b"\x00\x01junk"), "ledger.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "it contains binary data, not text" in text_of(response)


def test_a_forged_import_token_is_refused(ledger: Ledger, login_en: Login) -> None:
    response = login_en("supervisor").post(
        "/equipment/import/apply",
        data={"token": "../../etc/passwd", "filename": "x.csv"},
    )
    assert response.status_code == 410


def test_the_export_link_downloads_the_ledger(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    make_equipment("WP-01")
    response = login_en("viewer").get(f"/equipment/export.csv?site={ledger.site.id}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "WP-01" in response.get_data().decode("utf-8-sig")


def test_saving_the_edit_form_unchanged_keeps_numbers_in_technical_parameters(
    ledger: Ledger, make_equipment: Callable[..., Equipment], login_en: Login
) -> None:
    eq = make_equipment("WP-01", attributes='{"功率kW": 15, "变频": true}')
    client = login_en("supervisor")
    page = text_of(client.get(f"/equipment/{eq.id}/edit"))
    shown = html.unescape(
        page.split('name="attributes"')[1].split(">", 1)[1].split("</textarea>")[0]
    )
    response = client.post(
        f"/equipment/{eq.id}/edit",
        data=form_data(ledger, location_id="", installed_on="", attributes=shown, version=1),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Equipment, eq.id).attributes == {"功率kW": 15, "变频": True}  # type: ignore[union-attr]
