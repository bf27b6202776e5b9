"""Weak passwords are refused wherever a password is set: web, API, CLI and services."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app.demo.data.people import DEMO_PASSWORD
from app.people import services
from app.people.passwords import password_problem
from tests.conftest import TEST_PASSWORD
from tests.sites.conftest import Api

WEAK = [" " * 8, "password", "12345678", "qwerty123", "11111111", "woaini1314", "Aa123456"]
TOO_EASY_ZH = "密码太常见或太容易猜到"


@pytest.mark.parametrize("weak", WEAK)
def test_common_and_trivial_passwords_are_refused(weak: str) -> None:
    assert password_problem(weak) is not None


@pytest.mark.parametrize(
    "good", ["long-enough-1", "brand-new-pass", TEST_PASSWORD, "wangjianguo-屋顶水箱"]
)
def test_a_few_unrelated_words_pass(good: str) -> None:
    assert password_problem(good) is None


def test_a_password_made_of_the_users_own_name_is_refused() -> None:
    assert password_problem("wangjianguo") is None
    assert password_problem("wangjianguo", ("wangjianguo", "王建国")) is not None


def test_the_published_demo_password_still_passes_for_every_demo_login() -> None:
    for username in ("admin", "wang", "demo"):
        assert password_problem(DEMO_PASSWORD, (username,)) is None


def test_an_overlong_password_is_refused_before_it_is_scored() -> None:
    assert password_problem("long-enough-1" * 20) is not None


@pytest.mark.parametrize("weak", WEAK)
def test_changing_ones_own_password_to_a_weak_one_shows_why_in_chinese(
    login: Callable[[str], FlaskClient], weak: str
) -> None:
    client = login("technician")
    response = client.post(
        "/profile/password",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": weak,
            "password-confirm": weak,
        },
    )
    assert response.status_code == 422
    assert TOO_EASY_ZH in response.get_data(as_text=True)


def test_an_administrator_cannot_reset_a_password_to_password(app: Flask) -> None:
    wang = services.create_user("wang", "王建国", ["technician"], password="long-enough-1")
    with pytest.raises(services.PeopleError, match="too common"):
        services.reset_password(wang, "password")


def test_the_api_refuses_to_create_staff_with_a_weak_password(
    api: Callable[[str], Api],
) -> None:
    body = {"username": "wang", "name": "王建国", "roles": ["technician"], "password": "12345678"}
    response = api("admin").post("/staff", body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"password"}


def test_the_cli_refuses_eight_spaces_with_the_reason(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "--username", "x", "--name", "X", "--role", "viewer",
              "--password", " " * 8]
    )  # fmt: skip
    assert result.exit_code != 0
    assert "password: This password is too common" in result.output
