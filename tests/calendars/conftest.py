"""The scheduling tests' site and plan builders, for tests of how a calendar change reaches
the stored schedule."""

from tests.scheduling.conftest import World, make_plan, world  # noqa: F401  (fixtures)
