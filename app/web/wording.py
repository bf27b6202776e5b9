"""Stored keys said in the user's language: catalog criticality, performers, item kinds,
frequencies ("每 15 天" / "every 15 days", an RRULE in words), shift patterns.

The catalog and the engine keep English keys (`statutory`, `in_house_licensed`,
`FREQ=WEEKLY;BYDAY=MO,TH`) because files and the API use them; a page must never show
them. An unknown key falls back to itself, so a new catalog value shows up, visibly,
instead of breaking the page.
"""

from flask import Flask
from flask_babel import LazyString, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.catalog.current import current_catalog
from app.catalog.model import Frequency, Unit
from app.core.i18n import label, value_words
from app.plans.recurrence import describe_rrule
from app.vocab.attributes import attribute_words
from app.vocab.licences import LICENCE_KINDS
from app.vocab.units import unit_words
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
    """A catalog key, licence kind or enum in words; an unknown key as it is."""
    text = str(getattr(key, "value", key))
    words = KEY_WORDS.get(text)
    if words is not None:
        return str(words)
    return label(LICENCE_KINDS[text]) if text in LICENCE_KINDS else text


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


def catalog_type_words(key: str | None) -> str:
    """A catalog type's name ("曳引驱动乘客电梯") for its key; an unknown key as it is."""
    if not key:
        return "—"
    try:
        return label(current_catalog().type(key).names)
    except KeyError:
        return key


def duration_words(minutes: int) -> str:
    """A span in the largest whole unit: 1440 minutes is "1 天" / "1 day", not 1,440 minutes."""
    if minutes and minutes % 1440 == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440)
    if minutes and minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def reminder_words(minutes: int) -> str:
    """ "提前 1 天" / "1 day before" for a calendar reminder."""
    return gettext("%(duration)s before", duration=duration_words(minutes))


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
        duration_words=duration_words,
        unit_words=unit_words,
        catalog_type_words=catalog_type_words,
        attribute_words=attribute_words,
        value_words=value_words,
    )
