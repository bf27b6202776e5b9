"""Repair tests use the work-order fixtures: a site with a pump, its team and people."""

import pytest
from flask import Flask

from app.extensions import db
from app.people.models import User
from app.people.services import create_user
from tests.workorders.conftest import (  # noqa: F401  (fixtures)
    api_for,
    client_for,
    english,
    login_as,
    make_work,
    place,
)


@pytest.fixture
def front_desk(app: Flask) -> User:
    user = create_user("kefu", "前台小张", ["customer_service"])
    db.session.commit()
    return user
