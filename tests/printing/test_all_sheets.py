"""All six sheets print for the demo property in both languages; page 1 of each is kept
as a PNG in tests/printing/out/ for a person to look at."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import pytest

from app.printing import services
from app.printing.output import Sheet, sheets_pdf
from app.printing.words import WORDS, Locale
from tests.printing.conftest import DAY, Demo, page_png, pages

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
BUILDERS: dict[str, Callable[[Demo, Locale], Sheet]] = {
    "checklist": lambda demo, locale: services.checklist("DEMO", DAY, locale=locale, team="CLN"),
    "record": lambda demo, locale: services.record(demo.annual_visit().id, locale=locale),
    "patrol": lambda demo, locale: services.patrol(
        "DEMO", "SEC", DAY, locale=locale, shift="early"
    ),
    "roster": lambda demo, locale: services.roster(
        "DEMO", "SEC", locale=locale, start=date(2026, 2, 1), span="month"
    ),
    "labels": lambda demo, locale: services.labels("DEMO", locale=locale),
    "history": lambda demo, locale: services.history(
        "DEMO", *MARCH, locale=locale, category="elevator"
    ),
}


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("kind", list(BUILDERS))
def test_each_sheet_prints_for_the_demo_in_both_languages(
    demo: Demo, poppler: None, kind: str, locale: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    sheet = BUILDERS[kind](demo, locale)
    pdf = sheets_pdf([sheet])
    first = pages(pdf)[0]

    complaints = [
        r.getMessage() for r in caplog.records if r.name.startswith(("weasyprint", "app"))
    ]
    assert complaints == []  # no CSS WeasyPrint ignores, no refused fetches

    title = WORDS[f"{kind}.title"][0 if locale == "zh" else 1]
    if kind == "labels":  # label stock carries no title, only the labels
        assert "阳光花园" in first
    else:
        assert title in first
        assert "阳光花园" in first
    assert page_png(pdf, f"{kind}-{locale}").stat().st_size > 5_000
