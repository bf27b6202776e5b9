"""Roles per site: a person holds a role at each site, managed by company administrators.

From the outside: a supervisor of 华苑 who is a viewer at 翠湖 reads 翠湖's equipment
but cannot change it (it answers 404, like a missing row), by the API and the pages;
administrators grant, change and withdraw site roles on a page and through the API,
with CSRF, a 409 for stale edits and clear Chinese refusals.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.equipment.models import Equipment
from app.extensions import db
from app.people import services, tokens
from app.people.models import User
from app.sites.models import Site, SiteMembership
from app.sites.services import create_site
from tests.conftest import TEST_PASSWORD
from tests.sites.conftest import Api


@dataclass
class Two:
    a: int
    b: int
    pump_a: int
    pump_b: int
    mixed: int  # supervisor at a, viewer at b


@pytest.fixture
def two(app: Flask, create_equipment: Callable[..., Equipment]) -> Two:
    a, b = create_site("HY01", "华苑小区"), create_site("CUI", "翠湖商务中心")
    pump_a, pump_b = (
        create_equipment(a, "WP-01", "华苑水泵"),
        create_equipment(b, "WP-01", "翠湖水泵"),
    )
    mixed = services.create_user(
        "mixed", "吴海峰", ["supervisor"], password=TEST_PASSWORD, site_ids=[a.id]
    )
    db.session.add(SiteMembership(user_id=mixed.id, site_id=b.id, role="viewer"))
    db.session.commit()
    return Two(a.id, b.id, pump_a.id, pump_b.id, mixed.id)


class Browser:
    """A logged-in browser; each request starts from an empty session, as in production,
    so nothing the test loaded can answer a lookup the request's scope would refuse."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str) -> TestResponse:
        _fresh_request()
        return self.client.get(url)

    def post(self, url: str, data: dict[str, object]) -> TestResponse:
        _fresh_request()
        return self.client.post(url, data=data)


def _fresh_request() -> None:
    g.pop("_login_user", None)
    db.session.expunge_all()


class FreshApi(Api):
    def call(self, method: str, url: str, body: Any = None, **query: Any) -> TestResponse:
        db.session.expunge_all()
        return super().call(method, url, body, **query)


def _browser(app: Flask, username: str) -> Browser:
    client = app.test_client()
    g.pop("_login_user", None)
    response = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return Browser(client)


def _token_of(username: str) -> str:
    user = services.find_user(username)
    assert user is not None
    token = tokens.issue_api_token(user, "tests")
    db.session.commit()
    return token


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def test_a_person_holds_the_role_of_each_site_there(two: Two) -> None:
    mixed = _fresh(two.mixed)
    assert mixed.roles_at(two.a) == {"supervisor"}
    assert mixed.roles_at(two.b) == {"viewer"}
    assert mixed.visible_site_ids == {two.a, two.b}


def test_a_supervisor_who_is_a_viewer_elsewhere_reads_but_cannot_change_that_site_s_equipment(
    app: Flask, two: Two
) -> None:
    caller = FreshApi(app.test_client(), _token_of("mixed"))
    assert caller.get(f"/equipment/{two.pump_b}").status_code == 200
    refused = caller.patch(f"/equipment/{two.pump_b}", {"version": 1, "name": "改名"})
    assert refused.status_code == 404
    assert (
        caller.patch(f"/equipment/{two.pump_a}", {"version": 1, "name": "华苑1号泵"}).status_code
        == 200
    )
    db.session.expire_all()
    assert db.session.get(Equipment, two.pump_b).name == "翠湖水泵"  # type: ignore[union-attr]


def test_me_tells_a_client_the_role_held_at_each_site(app: Flask, two: Two) -> None:
    answer = FreshApi(app.test_client(), _token_of("mixed")).get("/me").get_json()

    assert answer["roles"] == ["supervisor", "viewer"]
    assert sorted((r["site_code"], r["role"]) for r in answer["site_roles"]) == [
        ("CUI", "viewer"),
        ("HY01", "supervisor"),
    ]


def test_the_same_person_cannot_open_that_site_s_edit_page_in_the_browser(
    app: Flask, two: Two
) -> None:
    browser = _browser(app, "mixed")
    page_b, page_a = (
        browser.get(f"/equipment/{two.pump_b}"),
        browser.get(f"/equipment/{two.pump_a}"),
    )
    assert page_b.status_code == 200
    assert f"/equipment/{two.pump_b}/edit" not in page_b.text  # no button that leads to a 404
    assert f"/equipment/{two.pump_a}/edit" in page_a.text
    assert browser.get(f"/equipment/{two.pump_b}/edit").status_code == 404
    assert browser.get(f"/equipment/{two.pump_a}/edit").status_code == 200


def test_an_administrator_grants_changes_and_withdraws_a_site_role_on_the_page(
    app: Flask, two: Two, make_user: Callable[..., User]
) -> None:
    make_user("admin", "boss")
    browser = _browser(app, "boss")
    page = browser.get(f"/people/staff/{two.mixed}/sites")
    assert page.status_code == 200
    assert "翠湖商务中心" in page.text and "只读" in page.text
    version = _fresh(two.mixed).version
    granted = browser.post(
        f"/people/staff/{two.mixed}/sites",
        data={"site_id": "all", "role": "technician", "version": version},
    )
    assert granted.status_code == 302
    listed = browser.get(f"/people/staff/{two.mixed}/sites").text
    assert "全部项目（公司级）" in listed and "角色已授予" in listed
    row = next(m for m in _fresh(two.mixed).site_memberships if m.site_id == two.b)
    changed = browser.post(
        f"/people/staff/{two.mixed}/sites/{row.id}",
        data={f"m{row.id}-role": "supervisor", f"m{row.id}-version": _fresh(two.mixed).version},
    )
    assert changed.status_code == 302
    assert _fresh(two.mixed).roles_at(two.b) == {"supervisor", "technician"}
    withdrawn = browser.post(
        f"/people/staff/{two.mixed}/sites/{row.id}/delete",
        data={"version": _fresh(two.mixed).version},
    )
    assert withdrawn.status_code == 302
    assert _fresh(two.mixed).roles_at(two.b) == {"technician"}  # the company-level role


def test_removing_the_last_company_administrator_is_refused_in_chinese(
    app: Flask, two: Two, make_user: Callable[..., User]
) -> None:
    boss = make_user("admin", "boss")
    row = boss.site_memberships[0]
    browser = _browser(app, "boss")
    refused = browser.post(
        f"/people/staff/{boss.id}/sites/{row.id}/delete", data={"version": boss.version}
    )
    assert refused.status_code == 422
    assert "这是最后一个在用的管理员，至少要保留一个。" in refused.text
    demoted = browser.post(
        f"/people/staff/{boss.id}/sites/{row.id}",
        data={f"m{row.id}-role": "viewer", f"m{row.id}-version": boss.version},
    )
    assert demoted.status_code == 422
    assert "admin" in _fresh(boss.id).roles_at(None)


def test_a_stale_site_role_change_answers_409_and_changes_nothing(
    app: Flask, two: Two, make_user: Callable[..., User]
) -> None:
    make_user("admin", "boss")
    browser = _browser(app, "boss")
    stale = _fresh(two.mixed).version
    services.update_user(_fresh(two.mixed), stale, name="吴海峰（区域）")
    db.session.commit()
    answer = browser.post(
        f"/people/staff/{two.mixed}/sites",
        data={"site_id": str(two.b), "role": "technician", "version": stale},
    )
    assert answer.status_code == 409
    assert _fresh(two.mixed).roles_at(two.b) == {"viewer"}


def test_the_site_roles_api_lists_grants_changes_and_withdraws_with_versions(
    app: Flask, two: Two, api: Callable[[str], Api]
) -> None:
    admin = api("admin")
    listed = admin.get(f"/staff/{two.mixed}/site-roles").get_json()
    assert {(i["site_code"], i["role"]) for i in listed["items"]} == {
        ("HY01", "supervisor"),
        ("CUI", "viewer"),
    }
    version = listed["version"]
    granted = admin.post(
        f"/staff/{two.mixed}/site-roles",
        {"version": version, "site_id": two.b, "role": "technician"},
    )
    assert granted.status_code == 201
    again = admin.post(
        f"/staff/{two.mixed}/site-roles", {"version": version, "site_id": two.b, "role": "cleaner"}
    )
    assert again.status_code == 409  # the version moved on with the grant
    body = granted.get_json()
    viewer_row = next(i for i in body["items"] if i["role"] == "viewer")
    duplicate = admin.patch(
        f"/staff/{two.mixed}/site-roles/{viewer_row['id']}",
        {"version": body["version"], "role": "technician"},
    )
    assert duplicate.status_code == 422
    removed = admin.call(
        "DELETE", f"/staff/{two.mixed}/site-roles/{viewer_row['id']}", version=body["version"]
    )
    assert removed.status_code == 204
    assert _fresh(two.mixed).roles_at(two.b) == {"technician"}


def test_only_administrators_manage_site_roles(
    app: Flask, two: Two, api: Callable[[str], Api]
) -> None:
    assert api("supervisor").get(f"/staff/{two.mixed}/site-roles").status_code == 403
    assert _browser(app, "mixed").get(f"/people/staff/{two.mixed}/sites").status_code == 403


def test_a_site_level_administrator_cannot_grant_site_roles(app: Flask, two: Two) -> None:
    services.create_user(
        "siteboss", "华苑管理员", ["admin"], password=TEST_PASSWORD, site_ids=[two.a]
    )
    db.session.commit()
    caller = FreshApi(app.test_client(), _token_of("siteboss"))
    version = _fresh(two.mixed).version
    refused = caller.post(
        f"/staff/{two.mixed}/site-roles", {"version": version, "site_id": two.a, "role": "admin"}
    )
    assert refused.status_code == 422
    assert "role" in refused.get_json()["error"]["fields"]
    assert _fresh(two.mixed).roles_at(two.a) == {"supervisor"}


def test_granting_a_site_role_needs_the_form_s_csrf_token(
    app: Flask, two: Two, make_user: Callable[..., User]
) -> None:
    make_user("admin", "boss")
    browser = _browser(app, "boss")
    app.config["WTF_CSRF_ENABLED"] = True
    answer = browser.post(
        f"/people/staff/{two.mixed}/sites",
        data={"site_id": "all", "role": "admin", "version": _fresh(two.mixed).version},
    )
    assert answer.status_code == 400
    assert "admin" not in _fresh(two.mixed).roles


def test_a_role_less_member_stays_on_the_site_until_granted_a_role(two: Two) -> None:
    site = db.session.get(Site, two.a)
    assert site is not None
    quiet = services.create_user("quiet", "赵磊", [], site_ids=[two.a])
    assert [(m.site_id, m.role) for m in quiet.site_memberships] == [(two.a, None)]
    assert quiet.visible_site_ids == {two.a} and quiet.roles == frozenset()


def test_a_site_s_supervisor_changing_a_shared_person_s_roles_leaves_the_other_site_alone(
    app: Flask, two: Two
) -> None:
    services.create_user(
        "boss-a", "华苑主管", ["supervisor"], password=TEST_PASSWORD, site_ids=[two.a]
    )
    db.session.commit()
    caller = FreshApi(app.test_client(), _token_of("boss-a"))
    version = _fresh(two.mixed).version
    changed = caller.patch(f"/staff/{two.mixed}", {"version": version, "roles": ["technician"]})
    assert changed.status_code == 200
    mixed = _fresh(two.mixed)
    assert mixed.roles_at(two.a) == {"technician"}
    assert mixed.roles_at(two.b) == {"viewer"}  # not the A supervisor's to change


def test_the_staff_form_does_not_flatten_roles_that_differ_by_site(
    app: Flask, two: Two, make_user: Callable[..., User]
) -> None:
    """Unticking 只读 on the staff form would have made 吴海峰 a supervisor at 翠湖 too."""
    make_user("admin", "boss")
    browser = _browser(app, "boss")
    form = browser.get(f"/people/staff/{two.mixed}/edit")
    assert 'id="roles-differ"' in form.text
    assert f"/people/staff/{two.mixed}/sites" in form.text
    fields = {"name": "吴海峰", "phone": "", "active": "y", "version": _fresh(two.mixed).version}

    refused = browser.post(
        f"/people/staff/{two.mixed}/edit", data={**fields, "roles": ["supervisor"]}
    )
    assert refused.status_code == 422
    assert "不同项目的角色不同" in refused.text
    assert _fresh(two.mixed).roles_at(two.b) == {"viewer"}

    renamed = browser.post(
        f"/people/staff/{two.mixed}/edit",
        data={**fields, "name": "吴海峰（区域）", "roles": ["supervisor", "viewer"]},
    )
    assert renamed.status_code == 302  # other fields still save
    mixed = _fresh(two.mixed)
    assert mixed.name == "吴海峰（区域）"
    assert (mixed.roles_at(two.a), mixed.roles_at(two.b)) == ({"supervisor"}, {"viewer"})


def test_the_staff_api_refuses_one_role_list_for_a_person_whose_roles_differ_by_site(
    app: Flask, two: Two, make_user: Callable[..., User]
) -> None:
    make_user("admin", "boss")
    caller = FreshApi(app.test_client(), _token_of("boss"))
    version = _fresh(two.mixed).version
    refused = caller.patch(f"/staff/{two.mixed}", {"version": version, "roles": ["viewer"]})

    assert refused.status_code == 422
    assert _fresh(two.mixed).roles_at(two.a) == {"supervisor"}
