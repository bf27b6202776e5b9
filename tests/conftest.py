"""Shared fixtures: `app`, `client`, `runner`, plus logged-in clients per role.

The database schema comes from the Alembic migrations, never `create_all`:
migrations run once per session into a template, and each test gets a fresh
copy (SQLite) or emptied tables (PostgreSQL, when ROUNDS_TEST_DATABASE_URL is
set). The clock is pinned so no test depends on today's date.
"""

import os
import random
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask_babel
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text
from werkzeug.test import TestResponse

from app import create_app
from app.core import clock
from app.extensions import db
from app.people.models import User
from app.people.services import create_user

pytest_plugins = [
    "tests.factories",  # create_site, create_plan, ...: one set for all packages
    "tests.attack_counts",  # the attack suite's counts, printed at the end of a run
]

# CI explores the same examples on every run, so a red build always means a change broke
# something; a developer's run (and `make soak`) keeps searching anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

PINNED_NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
TEST_PASSWORD = "correct-horse-9"


def _worker_database(url: str) -> str:
    """Give each pytest-xdist worker its own PostgreSQL database on the same cluster.

    Tests empty every table between runs, so two workers sharing one database would wipe
    each other's rows; a database per worker keeps `-n 2` safe and halves the PostgreSQL pass.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


POSTGRES_URL = _worker_database(os.environ.get("ROUNDS_TEST_DATABASE_URL", ""))
DB_FIXTURES = {"app", "client", "runner", "login", "db_session"}


def pytest_configure(config: pytest.Config) -> None:
    """Pick the simulation's random year once per run, before pytest-xdist starts workers.

    Each worker collects the tests itself; a seed drawn per process would give each a
    different scenario id and xdist would refuse the run. Workers inherit the environment.
    """
    if not hasattr(config, "workerinput") and not os.environ.get("ROUNDS_SIM_SEED"):
        os.environ["ROUNDS_SIM_SEED"] = str(random.SystemRandom().randint(1, 10**6))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark database-backed tests so `make test` can run them again on PostgreSQL."""
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _config(tmp_path: Path, url: str) -> dict[str, object]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "ROUNDS_UPLOAD_DIR": str(tmp_path / "uploads"),
        "ROUNDS_HUEY_URL": "immediate:",  # queued tasks run at once, in the test
        "SERVER_NAME": "rounds.test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run every migration once; tests start from this schema."""
    if POSTGRES_URL:
        app = create_app(_config(tmp_path_factory.mktemp("pg"), POSTGRES_URL))
        with app.app_context():
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
            upgrade()
            db.engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(_config(path.parent, f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return str(path)


USED_SEQUENCES = text(
    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences"
    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def _empty_postgres() -> None:
    """Delete every row and restart the ids, like a fresh copy of the template.

    DELETE (children first) is ~10x faster than TRUNCATE on a test's few rows, and this
    runs twice per test.
    """
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    for sequence in db.session.execute(USED_SEQUENCES).scalars().all():
        db.session.execute(text("SELECT setval(:sequence, 1, false)"), {"sequence": sequence})
    db.session.commit()


class ReadingClient(FlaskClient):
    """A test client that reads and closes every response, as a real server does.

    A file response (`send_file`) holds its file open until the body is read; a test
    that only looks at headers would otherwise leak it, and warnings are errors here.
    """

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> TestResponse:
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture
def app(migrated_template: str, tmp_path: Path) -> Iterator[Flask]:
    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        copy = tmp_path / "rounds.sqlite3"
        shutil.copy(migrated_template, copy)
        url = f"sqlite:///{copy}"
    application = create_app(_config(tmp_path, url))
    # Requests reuse this fixture's app context, so Flask-Babel's per-context cache would
    # keep the first request's language; production gives each request a fresh one.
    application.before_request_funcs.setdefault(None, []).insert(0, flask_babel.refresh)
    application.test_client_class = ReadingClient
    with clock.pinned(PINNED_NOW), application.app_context():
        if POSTGRES_URL:
            _empty_postgres()
        yield application
        db.session.remove()
        if POSTGRES_URL:
            _empty_postgres()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(role: str, username: str | None = None) -> User:
        user = create_user(username or f"{role}1", f"{role} user", [role], password=TEST_PASSWORD)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(app: Flask, make_user: Callable[..., User]) -> Callable[[str], FlaskClient]:
    """`login("supervisor")` gives a client logged in as a fresh user of that role."""

    def log_in(role: str) -> FlaskClient:
        user = make_user(role)
        test_client = app.test_client()
        response = test_client.post(
            "/login", data={"username": user.username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return test_client

    return log_in
