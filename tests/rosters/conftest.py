"""The plans fixtures (site, a 四班三运转 engineering team, technicians) serve here too, and
the scheduling builders (world, make_team, make_staff, make_plan) for tests that replan."""

from tests.plans.conftest import add_staff, engineering, site, technicians
from tests.scheduling.conftest import make_plan, make_staff, make_team, world

__all__ = [
    "add_staff",
    "engineering",
    "make_plan",
    "make_staff",
    "make_team",
    "site",
    "technicians",
    "world",
]
