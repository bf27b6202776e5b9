"""The profile page: name, language, password, and API tokens shown once then revocable."""

import re
from collections.abc import Callable

from flask import Flask, g
from flask.testing import FlaskClient

from app.people.models import User
from app.people.services import find_user
from tests.conftest import TEST_PASSWORD


def _me_with_token(client: FlaskClient, token: str) -> int:
    g.pop("_login_user", None)  # the test's app context outlives requests
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


def test_every_role_has_a_profile_page(login: Callable[[str], FlaskClient]) -> None:
    html = login("cleaner").get("/profile").get_data(as_text=True)
    assert "cleaner1" in html and 'name="profile-version"' in html


def _version(html: str) -> str:
    found = re.search(r'name="profile-version" type="hidden" value="(\d+)"', html)
    assert found is not None
    return found.group(1)


def test_choosing_english_switches_the_pages_to_english(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("technician")
    version = _version(client.get("/profile").get_data(as_text=True))
    response = client.post(
        "/profile",
        data={"profile-version": version, "profile-name": "小王", "profile-locale": "en"},
    )
    assert response.status_code == 302
    user = find_user("technician1")
    assert user is not None and (user.name, user.locale) == ("小王", "en")
    assert "My profile" in client.get("/profile").get_data(as_text=True)


def test_a_stale_profile_form_is_refused_with_a_clear_message(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("technician")
    client.post("/lang/en", data={"next": "/"})
    version = _version(client.get("/profile").get_data(as_text=True))
    response = client.post(
        "/profile",
        data={"profile-version": int(version) - 1, "profile-name": "X", "profile-locale": "en"},
    )
    assert response.status_code == 409
    assert "Your changes were not saved." in response.get_data(as_text=True)


def test_a_wrong_current_password_is_shown_next_to_that_field(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("technician")
    client.post("/lang/en", data={"next": "/"})
    response = client.post(
        "/profile/password",
        data={
            "password-current_password": "not-my-password",
            "password-new_password": "brand-new-pass",
            "password-confirm": "brand-new-pass",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'name="password-current_password"[^>]*>\s*<div class="invalid-feedback[^"]*"[^>]*>'
        r"\s*The current password is wrong.",
        html,
    )


def test_changing_the_password_lets_the_user_log_in_with_the_new_one(
    app: Flask, client: FlaskClient, login: Callable[[str], FlaskClient]
) -> None:
    me = login("viewer")
    response = me.post(
        "/profile/password",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": "brand-new-pass",
            "password-confirm": "brand-new-pass",
        },
    )
    assert response.status_code == 302
    g.pop("_login_user", None)
    fresh = client.post("/login", data={"username": "viewer1", "password": "brand-new-pass"})
    assert fresh.status_code == 302


def test_a_new_token_is_shown_once_works_and_stops_working_when_revoked(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("supervisor")
    created = client.post("/profile/tokens", data={"token-name": "BMS sync"})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    token = re.search(r'<code class="[^"]*">([A-Za-z0-9_\-]{20,})</code>', html)
    assert token is not None
    raw = token.group(1)

    page = client.get("/profile").get_data(as_text=True)
    assert "BMS sync" in page and raw not in page

    api_client = app.test_client()
    assert _me_with_token(api_client, raw) == 200

    user = find_user("supervisor1")
    assert isinstance(user, User)
    token_id = re.search(r"/profile/tokens/(\d+)/revoke", page)
    assert token_id is not None
    g.pop("_login_user", None)
    revoked = client.post(f"/profile/tokens/{token_id.group(1)}/revoke")
    assert revoked.status_code == 302
    assert _me_with_token(api_client, raw) == 401


def test_nobody_can_revoke_someone_elses_token(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    owner = login("supervisor")
    owner.post("/profile/tokens", data={"token-name": "mine"})
    page = owner.get("/profile").get_data(as_text=True)
    token_id = re.search(r"/profile/tokens/(\d+)/revoke", page)
    assert token_id is not None
    g.pop("_login_user", None)
    other = login("admin")
    assert other.post(f"/profile/tokens/{token_id.group(1)}/revoke").status_code == 404


def test_the_user_name_in_the_menu_leads_to_the_profile(
    login: Callable[[str], FlaskClient],
) -> None:
    html = login("cleaner").get("/").get_data(as_text=True)
    assert re.search(r'<a class="navbar-text[^"]*" href="/profile"[^>]*>cleaner user</a>', html)
