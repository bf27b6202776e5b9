"""Guessing slows the guesser's address down, not the account for everyone (issue 14)."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import trust_proxies
from app.core import clock
from app.people.models import User
from tests.conftest import PINNED_NOW, TEST_PASSWORD

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.7"


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", "admin")


def _try(client: FlaskClient, password: str, address: str, username: str = "admin") -> TestResponse:
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _at(seconds: int) -> AbstractContextManager[None]:
    return clock.pinned(PINNED_NOW + timedelta(seconds=seconds))


def test_five_guesses_from_elsewhere_do_not_lock_the_admin_out(
    client: FlaskClient, admin: User
) -> None:
    for _ in range(5):
        assert _try(client, "nope-nope", ATTACKER).status_code == 401
    refused = _try(client, TEST_PASSWORD, ATTACKER)
    assert refused.status_code == 429  # the guesser's address waits, even with the password
    assert "请 60 秒后再试" in refused.get_data(as_text=True)
    assert _try(client, TEST_PASSWORD, OFFICE).status_code == 302


def test_the_guessers_wait_doubles_with_each_failure_up_to_the_lockout(
    client: FlaskClient, admin: User
) -> None:
    for _ in range(5):
        _try(client, "nope-nope", ATTACKER)
    waits, elapsed = [], 0
    for _ in range(6):
        with _at(elapsed):
            wait = int(_try(client, "nope-nope", ATTACKER).headers["Retry-After"])
        waits.append(wait)
        elapsed += wait
        with _at(elapsed):
            assert _try(client, "nope-nope", ATTACKER).status_code == 401
    assert waits == [60, 120, 240, 480, 900, 900]


def test_attempts_during_a_wait_are_not_checked_or_counted(
    client: FlaskClient, admin: User
) -> None:
    for _ in range(5):
        _try(client, "nope-nope", ATTACKER)
    for _ in range(20):
        assert _try(client, "nope-nope", ATTACKER).headers["Retry-After"] == "60"
    with _at(60):
        assert _try(client, TEST_PASSWORD, ATTACKER).status_code == 302


def test_an_address_guessing_many_accounts_is_slowed_for_all_of_them(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("viewer", "zhao")
    for n in range(20):
        assert _try(client, "nope-nope", ATTACKER, username=f"guess{n}").status_code == 401
    assert _try(client, TEST_PASSWORD, ATTACKER, username="zhao").status_code == 429
    assert _try(client, TEST_PASSWORD, OFFICE, username="zhao").status_code == 302


def _guess_from_twenty_addresses(app: Flask) -> None:
    for n in range(20):
        assert _try(app.test_client(), "nope-nope", f"203.0.113.{n}").status_code == 401
    assert _try(app.test_client(), "nope-nope", "203.0.113.99").status_code == 429


def test_guesses_from_many_addresses_never_hold_up_the_admins_usual_address(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    assert _try(client, TEST_PASSWORD, OFFICE).status_code == 302
    _guess_from_twenty_addresses(app)
    assert _try(app.test_client(), TEST_PASSWORD, "192.0.2.55").status_code == 429
    assert _try(app.test_client(), TEST_PASSWORD, OFFICE).status_code == 302


def test_guesses_from_many_addresses_hold_a_new_address_up_a_minute_at_most(
    app: Flask, admin: User
) -> None:
    _guess_from_twenty_addresses(app)
    at_home = _try(app.test_client(), TEST_PASSWORD, "192.0.2.55")
    assert at_home.status_code == 429 and int(at_home.headers["Retry-After"]) <= 60
    with _at(60):
        assert _try(app.test_client(), TEST_PASSWORD, "192.0.2.55").status_code == 302


def test_behind_a_proxy_each_client_address_is_its_own_source(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    app.config["ROUNDS_PROXY_HOPS"] = 1
    trust_proxies(app)

    def via_proxy(password: str, client_address: str) -> int:
        return client.post(
            "/login",
            data={"username": "admin", "password": password},
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},  # nginx
        ).status_code

    for _ in range(5):
        assert via_proxy("nope-nope", ATTACKER) == 401
    assert via_proxy(TEST_PASSWORD, ATTACKER) == 429
    assert via_proxy(TEST_PASSWORD, OFFICE) == 302


def test_without_proxy_hops_a_forged_forwarded_for_header_changes_nothing(
    client: FlaskClient, admin: User
) -> None:
    for n in range(5):
        client.post(
            "/login",
            data={"username": "admin", "password": "nope-nope"},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
    assert _try(client, TEST_PASSWORD, ATTACKER).status_code == 429
