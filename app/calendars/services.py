"""Site working-day calendars: the holiday libraries plus admin overrides from the database.

Services flush; callers commit. After an override changes, the caller asks
`follow_calendar` before committing: the override and the schedule that follows it
commit together, so a crash cannot leave visits on a new holiday.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from app.calendars.models import CalendarOverride, CalendarYear
from app.core.signals import calendar_changed, replan
from app.extensions import db
from app.sites.models import Site
from schedules.calendar import CalendarOverrides, DayKind, DayOverride, WorkCalendar
from schedules.calendar_file import parse_overrides


class CalendarInputError(ValueError):
    """A bad override; the message is shown to the admin as is."""


def site_calendar(site: Site | None) -> WorkCalendar:
    """The calendar a site plans with: its own overrides win over company-wide ones."""
    stmt = select(CalendarOverride).where(
        or_(
            CalendarOverride.site_id.is_(None),
            CalendarOverride.site_id == (site.id if site else None),
        )
    )
    by_day: dict[date, CalendarOverride] = {}
    for row in db.session.scalars(stmt.order_by(CalendarOverride.site_id.is_(None).desc())):
        by_day[row.day] = row  # site rows come last and win
    complete = frozenset(db.session.scalars(select(CalendarYear.year)))
    return WorkCalendar(
        CalendarOverrides(
            days=tuple(
                DayOverride(day, DayKind(row.kind), row.note) for day, row in sorted(by_day.items())
            ),
            complete_years=complete,
        )
    )


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int
    complete_years: tuple[int, ...]
    newly_complete: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the calendar differs now, i.e. whether the schedule must follow."""
        return bool(self.added or self.updated or self.newly_complete)


def import_overrides(text: str, site: Site | None) -> ImportSummary:
    """Apply an override file; importing the same file again changes nothing.

    The whole file is parsed before anything is written, so a bad line loses nothing.
    """
    parsed = parse_overrides(text)
    existing = {
        row.day: row
        for row in db.session.scalars(
            select(CalendarOverride).where(
                CalendarOverride.site_id.is_(None)
                if site is None
                else CalendarOverride.site_id == site.id
            )
        )
    }
    added = updated = unchanged = 0
    for override in parsed.days:
        row = existing.get(override.day)
        if row is None:
            db.session.add(
                CalendarOverride(
                    site_id=site.id if site else None,
                    day=override.day,
                    kind=override.kind.value,
                    note=override.note,
                )
            )
            added += 1
        elif (row.kind, row.note) != (override.kind.value, override.note):
            row.kind, row.note = override.kind.value, override.note
            updated += 1
        else:
            unchanged += 1
    newly_complete = []
    for year in sorted(parsed.complete_years):
        if db.session.get(CalendarYear, year) is None:
            db.session.add(CalendarYear(year=year, source="import"))
            newly_complete.append(year)
    db.session.flush()
    return ImportSummary(
        added, updated, unchanged, tuple(sorted(parsed.complete_years)), tuple(newly_complete)
    )


def set_override(site: Site | None, day: date, kind: str, note: str) -> bool:
    """Add or change the override of one day; whether anything changed."""
    if kind not in (DayKind.HOLIDAY.value, DayKind.WORKDAY.value):
        raise CalendarInputError(f"kind must be 'holiday' or 'workday', not {kind!r}")
    site_id = site.id if site else None
    row = db.session.scalar(
        select(CalendarOverride).where(
            CalendarOverride.day == day,
            CalendarOverride.site_id.is_(None)
            if site_id is None
            else CalendarOverride.site_id == site_id,
        )
    )
    note = note.strip()
    if row is None:
        db.session.add(CalendarOverride(site_id=site_id, day=day, kind=kind, note=note))
    elif (row.kind, row.note) != (kind, note):
        row.kind, row.note = kind, note
    else:
        return False
    db.session.flush()
    return True


def follow_calendar(site: Site | None) -> int:
    """Move the untouched future visits the changed calendar covers; how many changed.

    A site's own override reaches that site; a company-wide one (`site` None) every
    site. Flushes only (the `calendar_changed` receiver re-plans in this session), so
    call it before committing the override and only when something changed.
    """
    result = replan(calendar_changed, site=site)
    return 0 if result is None else result.inserted + result.updated + result.deleted


def remove_override(override: CalendarOverride) -> None:
    db.session.delete(override)
    db.session.flush()


def change_override(site: Site | None, day: date, kind: str, note: str) -> int | None:
    """Set a day and move the future visits it reaches, in one transaction.

    None when the day already read so (nothing to save or move), else how many visits moved.
    """
    return follow_calendar(site) if set_override(site, day, kind, note) else None


def withdraw_override(override: CalendarOverride) -> int:
    """Remove a day's override and move the future visits back; how many moved."""
    site = override.site
    remove_override(override)
    return follow_calendar(site)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    workday: bool
    makeup: bool
    label: str | None


def year_days(calendar: WorkCalendar, year: int, locale: str) -> list[CalendarDay]:
    """Every day of a year with its status, for the calendar page and printed rosters."""
    engine_locale = "en" if locale.startswith("en") else "zh"
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        days.append(
            CalendarDay(
                day=day,
                workday=calendar.is_workday(day),
                makeup=calendar.is_makeup_workday(day),
                label=calendar.day_label(day, engine_locale),  # type: ignore[arg-type]
            )
        )
        day = date.fromordinal(day.toordinal() + 1)
    return days
