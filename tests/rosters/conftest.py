"""The plans fixtures (site, a 四班三运转 engineering team, technicians) serve here too, and
the scheduling builders (world, make_team, make_staff, make_plan) for tests that replan."""

import pytest

from app.extensions import db
from app.people.models import Team
from tests.plans.conftest import add_staff, api, engineering, site, technicians
from tests.scheduling.conftest import make_plan, make_staff, make_team, world

__all__ = [
    "add_staff",
    "api",
    "engineering",
    "make_plan",
    "make_staff",
    "make_team",
    "site",
    "technicians",
    "world",
]


@pytest.fixture
def site_id_and_team(engineering: Team) -> tuple[int, Team]:
    """The engineering team's site id, committed so API calls see it."""
    db.session.commit()
    return engineering.site_id, engineering
