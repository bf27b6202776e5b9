"""`rounds users ...`: list, token, and one-line reasons with a non-zero exit."""

from collections.abc import Callable

from flask import Flask, g
from flask.testing import FlaskCliRunner

from app.extensions import db
from app.people import services
from app.sites.models import Site


def test_users_list_shows_roles_and_who_is_inactive(app: Flask, runner: FlaskCliRunner) -> None:
    services.create_user("wang", "王建国", ["technician", "viewer"])
    gone = services.create_user("li", "李四", ["cleaner"])
    services.deactivate_user(gone, gone.version)
    db.session.commit()
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "wang\t王建国\ttechnician,viewer\tactive" in result.output
    assert "li\t李四\tcleaner\tinactive" in result.output
    active_only = runner.invoke(args=["users", "list", "--active-only"])
    assert "李四" not in active_only.output


def test_users_token_prints_a_token_that_works_once_issued(
    app: Flask, runner: FlaskCliRunner
) -> None:
    services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    result = runner.invoke(args=["users", "token", "wang", "--name", "BMS sync"])
    assert result.exit_code == 0
    raw = result.output.strip()
    g.pop("_login_user", None)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.get_json()["username"] == "wang"


def test_users_token_for_an_unknown_user_fails_with_one_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "token", "nobody"])
    assert result.exit_code != 0
    assert result.output.strip() == "Error: no user 'nobody'"


def test_users_create_with_a_short_password_fails_with_the_reason(
    runner: FlaskCliRunner,
) -> None:
    result = runner.invoke(
        args=["users", "create", "--username", "x", "--name", "X", "--role", "viewer",
              "--password", "short"]
    )  # fmt: skip
    assert result.exit_code != 0
    assert "password: Use at least 8 characters." in result.output


def test_users_create_with_a_site_gives_access_to_that_site_only(
    runner: FlaskCliRunner, create_site: Callable[..., Site]
) -> None:
    site = create_site("CUI", "翠湖")
    db.session.commit()
    args = ["users", "create", "--username", "x", "--name", "X", "--role", "viewer",
            "--password", "long-enough-1"]  # fmt: skip
    assert runner.invoke(args=[*args, "--site", "CUI"]).exit_code == 0
    user = services.find_user("x")
    assert user is not None and user.visible_site_ids == {site.id}
    unknown = runner.invoke(args=[*args[:3], "y", *args[4:], "--site", "NOPE"])
    assert unknown.exit_code != 0
    assert "no such site: NOPE" in unknown.output


def test_users_grant_roles_and_withdraw_manage_a_role_per_site(
    runner: FlaskCliRunner, create_site: Callable[..., Site]
) -> None:
    a, b = create_site("SUN", "阳光花园"), create_site("CUI", "翠湖")
    wu = services.create_user("wu", "吴海峰", ["supervisor"], site_ids=[b.id])
    db.session.commit()
    granted = runner.invoke(args=["users", "grant", "wu", "viewer", "--site", "SUN"])
    assert granted.exit_code == 0, granted.output
    listed = runner.invoke(args=["users", "roles", "wu"]).output.splitlines()
    assert listed == ["CUI\tsupervisor", "SUN\tviewer"]
    db.session.expire_all()
    assert wu.roles_at(a.id) == {"viewer"} and wu.roles_at(b.id) == {"supervisor"}
    withdrawn = runner.invoke(args=["users", "withdraw", "wu", "viewer", "--site", "SUN"])
    assert withdrawn.exit_code == 0, withdrawn.output
    db.session.expire_all()
    assert wu.visible_site_ids == {b.id}


def test_users_withdraw_refuses_the_last_administrator_with_one_line(
    runner: FlaskCliRunner,
) -> None:
    services.create_user("boss", "周志强", ["admin"])
    db.session.commit()
    refused = runner.invoke(args=["users", "withdraw", "boss", "admin"])
    assert refused.exit_code != 0
    assert "last active administrator" in refused.output
    missing = runner.invoke(args=["users", "withdraw", "boss", "viewer"])
    assert "does not hold viewer there" in missing.output
