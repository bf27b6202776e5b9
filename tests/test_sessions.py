"""Sessions end when they should: logout, a password change and deactivation log the user
out of every browser, copied cookies included (issue 14)."""

from collections.abc import Callable

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from app.extensions import db
from app.people import services
from app.people.models import User
from tests.conftest import TEST_PASSWORD

REMEMBER = "remember_token"


@pytest.fixture(autouse=True)
def fresh_user_per_request(app: Flask) -> None:
    """The test's app context outlives requests; make each request load its user anew."""

    def forget_user() -> None:
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_user)


@pytest.fixture
def wang(make_user: Callable[..., User]) -> User:
    return make_user("supervisor", "wang")


def _log_in(app: Flask, username: str = "wang", remember: bool = False) -> FlaskClient:
    client = app.test_client()
    data = {"username": username, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def _copy(client: FlaskClient, app: Flask, *names: str) -> FlaskClient:
    """Another browser holding copies of `client`'s cookies, e.g. stolen ones."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name, domain=app.config["SERVER_NAME"])
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value, domain=cookie.domain)
    return thief


def _is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/profile")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_session_cookie_copied_before_logout_no_longer_works_after_it(
    app: Flask, wang: User
) -> None:
    browser = _log_in(app)
    copy = _copy(browser, app, "session")
    assert _is_logged_in(copy)
    browser.post("/logout")
    assert not _is_logged_in(copy)
    assert not _is_logged_in(browser)


def test_logout_clears_the_remember_cookie_and_a_kept_copy_no_longer_logs_in(
    app: Flask, wang: User
) -> None:
    browser = _log_in(app, remember=True)
    kept = _copy(browser, app, REMEMBER)
    assert _is_logged_in(kept)  # the remember cookie alone logs in before logout
    response = browser.post("/logout")
    assert any(
        h.startswith(f"{REMEMBER}=;") and "Expires=Thu, 01 Jan 1970" in h
        for h in response.headers.getlist("Set-Cookie")
    )
    assert browser.get_cookie(REMEMBER, domain=app.config["SERVER_NAME"]) is None
    assert not _is_logged_in(_copy(kept, app, REMEMBER))


def test_logout_ends_the_users_other_sessions_too(app: Flask, wang: User) -> None:
    office, phone = _log_in(app), _log_in(app)
    office.post("/logout")
    assert not _is_logged_in(phone)


def test_changing_the_password_logs_out_other_browsers_but_not_this_one(
    app: Flask, wang: User
) -> None:
    office = _log_in(app, remember=True)
    phone = _log_in(app, remember=True)
    phone_remembered = _copy(phone, app, REMEMBER)
    response = office.post(
        "/profile/password",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": "brand-new-pass",
            "password-confirm": "brand-new-pass",
        },
    )
    assert response.status_code == 302
    assert _is_logged_in(office)
    assert _is_logged_in(_copy(office, app, REMEMBER))  # this browser's new remember cookie
    assert not _is_logged_in(phone)
    assert not _is_logged_in(phone_remembered)


def test_an_administrator_resetting_a_password_logs_the_user_out_everywhere(
    app: Flask, wang: User
) -> None:
    browser = _log_in(app)
    services.reset_password(wang, "fresh-pass-1")
    db.session.commit()
    assert not _is_logged_in(browser)


def test_deactivation_ends_the_leavers_sessions_even_after_reactivation(
    app: Flask, wang: User
) -> None:
    browser = _log_in(app, remember=True)
    remembered = _copy(browser, app, REMEMBER)
    services.deactivate_user(wang, wang.version)
    db.session.commit()
    assert not _is_logged_in(browser)
    services.update_user(wang, wang.version, active=True)
    db.session.commit()
    assert not _is_logged_in(browser)
    assert not _is_logged_in(remembered)


def test_logging_out_is_not_an_edit_so_an_open_staff_form_does_not_go_stale(
    app: Flask, wang: User
) -> None:
    version_before = wang.version
    _log_in(app).post("/logout")
    db.session.refresh(wang)
    assert wang.version == version_before
    assert wang.session_version == 2


def test_a_cookie_from_before_session_versions_is_refused(app: Flask, wang: User) -> None:
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = str(wang.id)
        session["_fresh"] = True
    assert not _is_logged_in(browser)
