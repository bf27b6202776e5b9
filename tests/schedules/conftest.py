"""Fixtures for the scheduling engine tests; none depends on today's date."""

from __future__ import annotations

import pytest

from schedules import WorkCalendar


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    """China's official calendar with no site overrides (shared: it only caches)."""
    return WorkCalendar()
