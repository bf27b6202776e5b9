"""The roster grid (排班表) of a team for a week or a month: staff × days.

Built on `app.rosters.grid.team_grid`, the same roster the scheduler assigns with,
so the paper on the notice board matches the screen. Rest days, public holidays
and 调休 make-up working days are marked in the day heads; a week shows the work
given to each person each day, a month (31 narrow columns) shows how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.calendars.services import site_calendar
from app.core.validation import N_
from app.people.models import Team
from app.printing.checklist import leads_of
from app.printing.sheet import Field, PrintInputError, SheetHead, Signature
from app.printing.words import Locale, Words, day_marker, pick, weekday
from app.rosters import grid as roster_grid
from app.sites.models import Site
from schedules import PRESETS

MAX_DAYS = 31
WORK_SHOWN = 4  # titles listed per cell on a week grid
TITLE_SEPARATOR = " · "  # work-order titles are "<plan> · <place>"


@dataclass(frozen=True)
class DayHead:
    number: str  # "3"
    weekday: str  # "二" / "Tue"
    mark: str  # 休 / 班 / a holiday's name
    rest: bool
    makeup: bool


@dataclass(frozen=True)
class RosterCell:
    code: str
    leave: bool
    rest: bool
    work: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class RosterRow:
    name: str
    cells: tuple[RosterCell, ...]


@dataclass(frozen=True)
class RosterSheet:
    locale: Locale
    head: SheetHead
    days: tuple[DayHead, ...]
    rows: tuple[RosterRow, ...]
    legend: tuple[str, ...]
    list_work: bool  # a week lists titles; a month counts
    signatures: tuple[Signature, ...]
    kind: str = "roster"


def roster_sheet(
    site: Site, team: Team, first_day: date, last_day: date, *, locale: Locale
) -> RosterSheet:
    if team.site_id != site.id:
        raise PrintInputError({"team": N_("This team belongs to another site.")})
    if last_day < first_day or (last_day - first_day).days >= MAX_DAYS:
        raise PrintInputError(
            {"period": N_("A roster covers one to %(days)s days.", days=MAX_DAYS)}
        )
    t = Words(locale)
    calendar = site_calendar(site)
    data = roster_grid.team_grid(team, first_day, last_day)
    list_work = len(data.days) <= 7
    days = tuple(
        DayHead(
            number=str(head.day.day),
            weekday=weekday(head.day, locale)[-1]
            if locale == "zh"
            else weekday(head.day, locale)[:2],
            mark=_mark(head, locale),
            rest=head.rest,
            makeup=head.makeup,
        )
        for head in data.days
    )
    rest_days = {head.day for head in data.days if head.rest}
    rows = tuple(
        RosterRow(
            name=row.label or t("unassigned"),
            cells=tuple(
                RosterCell(
                    code=pick(cell.code, locale),
                    leave=cell.on_leave,
                    rest=cell.day in rest_days,
                    work=_short_titles(cell.work) if list_work else (),
                    count=len(cell.work),
                )
                for cell in row.cells
            ),
        )
        for row in data.rows
    )
    period = f"{first_day:%Y-%m-%d} – {last_day:%Y-%m-%d}"
    fields = [Field(t("site"), site.name), Field(t("team"), team.name), Field(t("period"), period)]
    leads = leads_of([team.id])
    if leads:
        fields.append(Field(t("lead"), "、".join(leads)))
    markers = [m for m in (day_marker(calendar, h.day, locale) for h in data.days) if m]
    return RosterSheet(
        locale=locale,
        head=SheetHead(
            title=t("roster.title"),
            id_line=f"{site.name} · {team.name} · {period}",
            fields=tuple(fields),
            marker="；".join(dict.fromkeys(markers)) or None,
        ),
        days=days,
        rows=rows,
        legend=_legend(team, locale, list_work),
        list_work=list_work,
        signatures=(Signature(t("sign.made_by")), Signature(t("sign.checked_by"))),
    )


def _mark(head: roster_grid.DayHead, locale: Locale) -> str:
    t = Words(locale)
    if head.makeup:
        return t("work_day_short")
    if head.holiday:
        return pick(head.holiday, locale)
    return t("rest_day") if head.rest else ""


def _short_titles(titles: tuple[str, ...]) -> tuple[str, ...]:
    short = [title.split(TITLE_SEPARATOR)[0] for title in titles]
    if len(short) > WORK_SHOWN:
        return (*short[: WORK_SHOWN - 1], f"… +{len(short) - WORK_SHOWN + 1}")
    return tuple(short)


def _legend(team: Team, locale: Locale, list_work: bool) -> tuple[str, ...]:
    t = Words(locale)
    entries = []
    pattern = PRESETS.get(team.shift_pattern or "")
    for shift in pattern.shifts if pattern else ():
        code = pick(roster_grid.SHIFT_CODES.get(shift.key, (shift.key, shift.key)), locale)
        name = pick((shift.name_zh, shift.name_en), locale)
        entries.append(f"{code} = {name} {shift.start:%H:%M}+{shift.hours:g}h")
    entries.append(f"{pick(roster_grid.SHIFT_CODES[None], locale)} = {t('rest_meaning')}")
    entries.append(f"{pick(roster_grid.LEAVE_CODE, locale)} = {t('leave_meaning')}")
    entries.append(f"{t('work_day_short')} = {t('makeup')}")
    if not list_work:
        entries.append(t("work_count_note"))
    return tuple(entries)
