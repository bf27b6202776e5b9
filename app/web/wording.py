"""Stored keys said in the user's language: catalog criticality, performers, item kinds,
frequencies ("每 15 天" / "every 15 days", an RRULE in words), shift patterns.

The catalog and the engine keep English keys (`statutory`, `in_house_licensed`,
`FREQ=WEEKLY;BYDAY=MO,TH`) because files and the API use them; a page must never show
them. An unknown key falls back to itself, so a new catalog value shows up, visibly,
instead of breaking the page.
"""

from flask import Flask
from flask_babel import LazyString, get_locale, ngettext
from flask_babel import lazy_gettext as _l

from app.catalog.model import Frequency, Unit
from app.plans.recurrence import describe_rrule
from schedules import PRESETS

KEY_WORDS: dict[str, LazyString] = {
    # criticality (SFG20 colours)
    "statutory": _l("Statutory"),
    "sector": _l("Sector standard"),
    "optimal": _l("Recommended"),
    "discretionary": _l("Discretionary"),
    # who performs a task
    "in_house": _l("In-house staff"),
    "in_house_licensed": _l("In-house, licensed"),
    "licensed_contractor": _l("Licensed contractor"),
    "authority_inspection": _l("Inspection body"),
    # checklist item kinds
    "check": _l("Check"),
    "reading": _l("Reading"),
    "choice": _l("Choice"),
    "text": _l("Note"),
}


def key_words(key: object) -> str:
    """A catalog key (or enum) in words; an unknown key as it is."""
    text = str(getattr(key, "value", key))
    words = KEY_WORDS.get(text)
    return str(words) if words is not None else text


EVERY_ONE: dict[Unit, LazyString] = {
    Unit.HOUR: _l("every hour"),
    Unit.DAY: _l("every day"),
    Unit.WEEK: _l("every week"),
    Unit.MONTH: _l("every month"),
    Unit.YEAR: _l("every year"),
}


def _every(count: int, unit: Unit) -> str:
    """ "每天" for one, "每 15 天" for more: Chinese has one plural form, so `1` needs its own."""
    if count == 1:
        return str(EVERY_ONE[unit])
    if unit is Unit.HOUR:
        return ngettext("every %(num)d hour", "every %(num)d hours", count)
    if unit is Unit.DAY:
        return ngettext("every %(num)d day", "every %(num)d days", count)
    if unit is Unit.WEEK:
        return ngettext("every %(num)d week", "every %(num)d weeks", count)
    if unit is Unit.MONTH:
        return ngettext("every %(num)d month", "every %(num)d months", count)
    return ngettext("every %(num)d year", "every %(num)d years", count)


def frequency_words(frequency: Frequency | None) -> str:
    """An interval in words ("每 15 天" / "every 15 days"), or an RRULE ("每周一、四")."""
    if frequency is None:
        return "—"
    if frequency.count is not None and frequency.unit is not None:
        return _every(frequency.count, frequency.unit)
    return describe_rrule(frequency.rrule, str(get_locale() or "zh"))


def shift_pattern_words(key: object) -> str:
    """A roster preset's name ("四班三运转" / "Four teams, three shifts"), or its key."""
    text = str(getattr(key, "value", key))
    pattern = PRESETS.get(text)
    if pattern is None:
        return text
    locale = get_locale()
    return pattern.name_en if locale is not None and locale.language == "en" else pattern.name_zh


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        key_words=key_words,
        frequency_words=frequency_words,
        shift_pattern_words=shift_pattern_words,
    )
