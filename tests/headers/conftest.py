"""The demo, built once into the template database, for the header and inline-script sweeps."""

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.sites.models import Site
from tests.printing.conftest import build_demo, demo_template


@pytest.fixture(scope="session")
def migrated_template(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated template plus the demo, as tests/printing does."""
    return demo_template(migrated_template, tmp_path_factory, "headers-template")


@pytest.fixture
def demo(app: Flask) -> None:
    if db.session.scalar(select(Site).where(Site.code == "DEMO")) is None:
        build_demo()
