"""Presentation helpers shared by plan pages and the API (no business rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from app.core.i18n import is_english, label
from app.plans.recurrence import WEEKDAY_NAMES

EngineLocale = Literal["zh", "en"]


def local_text(value: datetime, timezone: str) -> str:
    """An aware time as the site's wall clock, e.g. 2026-10-08 09:00 (周四)."""
    local = value.astimezone(ZoneInfo(timezone))
    weekday = WEEKDAY_NAMES[local.weekday()]
    return f"{local:%Y-%m-%d %H:%M} ({label(weekday)})"


def engine_locale() -> EngineLocale:
    """The engine's wording language for the current user."""
    return "en" if is_english() else "zh"
