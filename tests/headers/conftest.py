"""The demo, built once into the template database, for the header and inline-script sweeps."""

import shutil

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.core import clock
from app.extensions import db
from app.sites.models import Site
from tests.conftest import PINNED_NOW, POSTGRES_URL
from tests.printing.conftest import build_demo


@pytest.fixture(scope="session")
def migrated_template(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """On SQLite, the migrated template plus the demo (as tests/printing does)."""
    if POSTGRES_URL:
        return migrated_template
    path = tmp_path_factory.mktemp("security-template") / "template.sqlite3"
    shutil.copy(migrated_template, path)
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": "rounds.test",
        }
    )
    with clock.pinned(PINNED_NOW), application.app_context():
        build_demo()
        db.session.remove()
        db.engine.dispose()
    return str(path)


@pytest.fixture
def demo(app: Flask) -> None:
    if db.session.scalar(select(Site).where(Site.code == "DEMO")) is None:
        build_demo()
