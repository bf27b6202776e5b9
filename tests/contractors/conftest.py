"""The bearer-token API caller, shared with the sites tests."""

from tests.sites.conftest import api  # noqa: F401  (re-exported fixture)
