"""Migration 0013_siteroles on a database with data: roles move onto memberships and back.

Every user keeps exactly the access they had: each membership gets each of the user's
roles (a user with two roles gets two rows per site), a user without a role keeps their
sites, and downgrading restores user_role and one membership per site.
"""

from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="a throwaway SQLite file")

_NOW = "'2026-01-01 00:00:00'"


def _app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "ROUNDS_UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )


def _rows(sql: str) -> list[tuple[object, ...]]:
    with db.engine.connect() as connection:
        return sorted(connection.execute(text(sql)).all(), key=str)


def _seed_0012() -> None:
    """Two sites; an admin of all sites, a supervisor of both, a two-role technician of
    one, and a rostered cleaner without any role."""
    with db.engine.begin() as connection:
        for site_id, code in ((1, "SUN"), (2, "CUI")):
            connection.execute(text(
                "INSERT INTO site (id, code, name, address, timezone, service_level, version,"
                f" created_at, updated_at) VALUES ({site_id}, '{code}', '{code}', '',"
                f" 'Asia/Shanghai', 2, 1, {_NOW}, {_NOW})"
            ))  # fmt: skip
        for user_id, name in enumerate(("boss", "sup", "multi", "quiet"), start=1):
            connection.execute(text(
                "INSERT INTO user_account (id, username, name, phone, active, failed_logins,"
                f" session_version, version, created_at, updated_at) VALUES ({user_id}, '{name}',"
                f" '{name}', '', 1, 0, 1, 1, {_NOW}, {_NOW})"
            ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO user_role (user_id, role) VALUES (1, 'admin'), (2, 'supervisor'),"
            " (3, 'technician'), (3, 'cleaner')"
        ))  # fmt: skip
        connection.execute(text("DELETE FROM site_membership"))
        connection.execute(text(
            "INSERT INTO site_membership (user_id, site_id) VALUES (1, NULL), (2, 1), (2, 2),"
            " (3, 2), (4, 1)"
        ))  # fmt: skip


def test_upgrading_gives_every_membership_the_user_s_roles_and_downgrading_gives_them_back(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    with app.app_context():
        upgrade(revision="0012_sites")
        _seed_0012()
        upgrade(revision="0013_siteroles")
        moved = _rows("SELECT user_id, site_id, role FROM site_membership")
        tables_after_upgrade = set(inspect(db.engine).get_table_names())
        downgrade(revision="0012_sites")
        roles_back = _rows("SELECT user_id, role FROM user_role")
        sites_back = _rows("SELECT user_id, site_id FROM site_membership")
        db.engine.dispose()
    assert moved == sorted(
        [(1, None, "admin"), (2, 1, "supervisor"), (2, 2, "supervisor"),
         (3, 2, "cleaner"), (3, 2, "technician"), (4, 1, None)],
        key=str,
    )  # fmt: skip
    assert "user_role" not in tables_after_upgrade
    assert roles_back == [(1, "admin"), (2, "supervisor"), (3, "cleaner"), (3, "technician")]
    assert sites_back == sorted([(1, None), (2, 1), (2, 2), (3, 2), (4, 1)], key=str)
