"""What to print, from plain values: the one entry point for pages, the CLI and tests.

Each function takes codes, dates and a locale as typed by a person, checks them
(one `PrintInputError` naming the field, nothing printed) and returns the sheet
data; `output.sheets_pdf` turns sheets into a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from app.access.objects import Person
from app.core.validation import N_
from app.extensions import db
from app.people.models import Team, User
from app.printing import lookup
from app.printing.checklist import ChecklistSheet, daily_checklist
from app.printing.history import HistorySheet, equipment_history
from app.printing.labels import LabelSheet, asset_labels
from app.printing.patrol import PatrolSheet, patrol_sheet
from app.printing.record import RecordSheet, maintenance_record
from app.printing.roster import RosterSheet, roster_sheet
from app.printing.sheet import PrintInputError
from app.printing.words import Locale
from app.rosters import grid as roster_grid
from app.sites.models import Site
from app.workorders.trades import OnPaper, on_paper_for


def _on_paper(viewer: User | None) -> OnPaper | None:
    """What a printing user's sheets may hold; None (the CLI) prints everything."""
    return on_paper_for(viewer) if viewer is not None else None


def _day(day: date | None) -> date:
    if day is None:
        raise PrintInputError({"date": N_("Give the date.")})
    return day


def checklist(
    site_code: str | None,
    day: date | None,
    *,
    locale: Locale,
    team: str | None = None,
    worker: str | None = None,
    area: str | None = None,
    viewer: User | None = None,
) -> ChecklistSheet:
    """The daily checklist of one team (code), worker (username) or area (location code),
    with only the work `viewer` may have on paper (`on_paper_for`; None: the CLI)."""
    site = lookup.find_site(site_code)
    chosen = [value for value in (team, worker, area) if value]
    if len(chosen) != 1:
        raise PrintInputError({"team": N_("Choose one team, one worker or one area.")})
    return daily_checklist(
        site,
        _day(day),
        locale=locale,
        team=lookup.find_team(site, team) if team else None,
        worker=lookup.find_worker(worker) if worker else None,
        area=lookup.find_area(site, area) if area else None,
        on_paper=_on_paper(viewer),
    )


def all_team_checklists(
    site_code: str | None, day: date | None, *, locale: Locale
) -> list[ChecklistSheet]:
    """Every team's checklist for a day (every site's without a site code), skipping
    teams with nothing due; at least one sheet or an error."""
    day = _day(day)
    sites = [lookup.find_site(site_code)] if site_code else list(_all_sites())
    sheets = []
    for site in sites:
        for team in db.session.scalars(
            select(Team).where(Team.site_id == site.id).order_by(Team.code)
        ):
            sheet = daily_checklist(site, day, locale=locale, team=team)
            if sheet.groups or sheet.patrols_elsewhere:
                sheets.append(sheet)
    if not sheets:
        raise PrintInputError({"date": N_("No team has anything due on %(day)s.", day=day)})
    return sheets


def _all_sites() -> Sequence[Site]:
    return db.session.scalars(select(Site).order_by(Site.code)).all()


def record(work_order_id: int | None, *, locale: Locale) -> RecordSheet:
    if work_order_id is None:
        raise PrintInputError({"work_order": N_("Give the work order number.")})
    return maintenance_record(lookup.find_work_order(work_order_id), locale=locale)


def patrol(
    site_code: str | None,
    team_code: str | None,
    day: date | None,
    *,
    locale: Locale,
    shift: str | None = None,
    viewer: User | None = None,
) -> PatrolSheet:
    """A team's patrol rounds on a day, those `viewer` may have on paper (None: the CLI)."""
    site = lookup.find_site(site_code)
    if not team_code:
        raise PrintInputError({"team": N_("Choose a team.")})
    return patrol_sheet(
        site,
        lookup.find_team(site, team_code),
        _day(day),
        locale=locale,
        shift=shift or None,
        on_paper=_on_paper(viewer),
    )


def roster(
    site_code: str | None,
    team_code: str | None,
    *,
    locale: Locale,
    start: date | None = None,
    span: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> RosterSheet:
    """A week or month holding `start` (span "week"/"month"), or the days first..last."""
    site = lookup.find_site(site_code)
    if not team_code:
        raise PrintInputError({"team": N_("Choose a team.")})
    team = lookup.find_team(site, team_code)
    if first_day is None and last_day is None:
        if span not in roster_grid.SPANS:
            raise PrintInputError({"span": N_("Choose a week or a month.")})
        first_day, last_day = roster_grid.period(_day(start), span)
    first_day, last_day = lookup.check_period(first_day, last_day)
    return roster_sheet(site, team, first_day, last_day, locale=locale)


def labels(
    site_code: str | None,
    *,
    locale: Locale,
    category: str | None = None,
    area: str | None = None,
    asset_codes: Sequence[str] = (),
) -> LabelSheet:
    site = lookup.find_site(site_code)
    return asset_labels(
        site,
        locale=locale,
        category=category or None,
        area=lookup.find_area(site, area) if area else None,
        asset_codes=[code for code in asset_codes if code],
    )


def history(
    site_code: str | None,
    first_day: date | None,
    last_day: date | None,
    *,
    locale: Locale,
    asset: str | None = None,
    category: str | None = None,
    viewer: Person | None = None,
) -> HistorySheet:
    """The history sheet; results only of the visits `viewer` may open (None: the CLI)."""
    site = lookup.find_site(site_code)
    return equipment_history(
        site,
        first_day,
        last_day,
        locale=locale,
        equipment=lookup.find_equipment(site, asset) if asset else None,
        category=category or None,
        viewer=viewer,
    )


def split_codes(text: str | None) -> list[str]:
    """ "EL-T1-01, EL-T1-02 FP-01" → the codes (commas, spaces or new lines)."""
    return [code for code in (text or "").replace(",", " ").replace("，", " ").split() if code]
