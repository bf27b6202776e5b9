"""Shared fixtures for the staff tests: the bearer-token API caller and a small site."""

import pytest
from flask import Flask

from app.extensions import db
from app.sites.models import Site
from app.sites.services import create_site
from tests.sites.conftest import api  # noqa: F401  (re-exported fixture)


@pytest.fixture
def site(app: Flask) -> Site:
    site = create_site("HY01", "华苑小区")
    db.session.commit()
    return site
