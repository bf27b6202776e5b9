"""Logging in, throttling and the refusal to run production with a default key."""

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import DEFAULT_SECRET_KEY, ConfigError
from app.people.models import User
from tests.conftest import TEST_PASSWORD


def test_anonymous_visitor_is_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_supervisor_logs_in_and_sees_the_work_board(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("supervisor", "wang")
    response = client.post(
        "/login", data={"username": "wang", "password": TEST_PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "全部工作" in response.get_data(as_text=True)


def test_repeated_wrong_passwords_lock_this_address_out_even_for_the_right_password(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("technician", "li")
    for _ in range(5):
        assert (
            client.post("/login", data={"username": "li", "password": "nope-nope"}).status_code
            == 401
        )
    response = client.post("/login", data={"username": "li", "password": TEST_PASSWORD})
    assert response.status_code == 429  # Too Many Requests, with Retry-After
    assert response.headers["Retry-After"] == "60"


def test_login_never_redirects_to_another_site(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("viewer", "zhao")
    response = client.post(
        "/login?next=//evil.example/x", data={"username": "zhao", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%5Cevil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "http:/evil.example",
    ],
)
def test_login_refuses_every_redirect_that_a_browser_would_read_as_another_host(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    make_user("viewer", "zhao")
    response = client.post(
        f"/login?next={target}", data={"username": "zhao", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_nul_in_the_login_redirect_is_refused_before_anyone_logs_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("viewer", "zhao")
    response = client.post(
        "/login?next=/%00/evil.example", data={"username": "zhao", "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_login_follows_a_same_site_path_with_its_query(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("viewer", "zhao")
    response = client.post(
        "/login?next=/work%3Fstatus%3Dopen", data={"username": "zhao", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/work?status=open"


def test_production_refuses_to_start_with_the_default_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("key", ["", "x", "k" * 31])
def test_production_refuses_an_empty_or_short_secret_key_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match=r"SECRET_KEY .*(32|default)"):
        create_app()


def test_production_starts_with_a_32_byte_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config["SECRET_KEY"] == "k" * 32


def test_an_empty_secret_key_in_development_falls_back_to_the_development_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ROUNDS_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "")
    assert create_app().config["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_production_cookies_are_secure_httponly_and_samesite_lax(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    config = create_app().config
    for cookie in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        assert config[f"{cookie}_SECURE"] is True
        assert config[f"{cookie}_HTTPONLY"] is True
        assert config[f"{cookie}_SAMESITE"] == "Lax"


def test_session_cookie_is_httponly_and_samesite(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("technician", "/work/"),
        ("cleaning_lead", "/work/"),
        ("supervisor", "/work/board"),
        ("admin", "/"),
        ("customer_service", "/repairs/"),
    ],
)
def test_after_login_each_role_lands_where_its_work_is(
    client: FlaskClient, make_user: Callable[..., User], role: str, landing: str
) -> None:
    user = make_user(role)
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.headers["Location"] == landing


def test_login_from_the_home_page_still_lands_on_the_users_work(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user("technician")
    response = client.post(
        "/login?next=/?", data={"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/work/"
