"""Recurrence presets: chosen in a form, stored as an RRULE, read back in words."""

import pytest

from app.plans.recurrence import (
    LAST,
    Preset,
    PresetError,
    RulePreset,
    describe_rrule,
    preset_from_rrule,
    rrule_from_preset,
)

ROUND_TRIPS = [
    (RulePreset(Preset.DAILY), "FREQ=DAILY", "每天", "every day"),
    (RulePreset(Preset.EVERY_N_DAYS, interval=15), "FREQ=DAILY;INTERVAL=15", "每15天",
     "every 15 days"),
    (RulePreset(Preset.WEEKLY, weekdays=(0, 3)), "FREQ=WEEKLY;BYDAY=MO,TH", "每周一、周四",
     "every week on Monday, Thursday"),
    (RulePreset(Preset.BIWEEKLY, weekdays=(4,)), "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "每2周的周五",
     "every 2 weeks on Friday"),
    (RulePreset(Preset.MONTHLY_DAY, month_day=LAST), "FREQ=MONTHLY;BYMONTHDAY=-1", "每月最后一天",
     "every last day of the month"),
    (RulePreset(Preset.MONTHLY_DAY, month_day=15), "FREQ=MONTHLY;BYMONTHDAY=15", "每月15日",
     "every month on day 15"),
    (RulePreset(Preset.MONTHLY_WEEKDAY, nth=2, weekday=1), "FREQ=MONTHLY;BYDAY=2TU",
     "每月第2个周二", "every month on the 2nd Tuesday"),
    (RulePreset(Preset.MONTHLY_WEEKDAY, nth=LAST, weekday=4), "FREQ=MONTHLY;BYDAY=-1FR",
     "每月最后一个周五", "every month on the last Friday"),
    (RulePreset(Preset.QUARTERLY), "FREQ=MONTHLY;INTERVAL=3", "每季度", "every quarter"),
    (RulePreset(Preset.HALF_YEARLY), "FREQ=MONTHLY;INTERVAL=6", "每半年", "every half year"),
    (RulePreset(Preset.YEARLY), "FREQ=YEARLY", "每年", "every year"),
]  # fmt: skip


@pytest.mark.parametrize(("preset", "rrule", "zh", "en"), ROUND_TRIPS)
def test_a_preset_becomes_its_rrule_reads_back_in_words_and_returns_to_the_same_preset(
    preset: RulePreset, rrule: str, zh: str, en: str
) -> None:
    assert rrule_from_preset(preset) == rrule
    assert describe_rrule(rrule, "zh") == zh
    assert describe_rrule(rrule, "en") == en
    assert preset_from_rrule(rrule) == preset


def test_catalog_rules_that_are_no_preset_are_still_described() -> None:
    assert preset_from_rrule("FREQ=YEARLY;INTERVAL=2") is None
    assert describe_rrule("FREQ=YEARLY;INTERVAL=2", "zh") == "每2年"
    assert describe_rrule("FREQ=DAILY;BYHOUR=8,15", "en") == "every day at 08:00, 15:00"
    assert preset_from_rrule("FREQ=MONTHLY;INTERVAL=3") == RulePreset(Preset.QUARTERLY)
    assert preset_from_rrule("FREQ=YEARLY;INTERVAL=1") == RulePreset(Preset.YEARLY)


def test_a_rule_the_describer_does_not_know_is_shown_as_written() -> None:
    assert describe_rrule("FREQ=MONTHLY;BYDAY=1MO,3MO", "zh") == "FREQ=MONTHLY;BYDAY=1MO,3MO"
    assert describe_rrule("not a rule", "en") == "not a rule"


@pytest.mark.parametrize(
    ("preset", "field"),
    [
        (RulePreset(Preset.WEEKLY), "weekdays"),
        (RulePreset(Preset.EVERY_N_DAYS, interval=1), "interval"),
        (RulePreset(Preset.MONTHLY_DAY, month_day=32), "month_day"),
        (RulePreset(Preset.MONTHLY_DAY, month_day=-2), "month_day"),
        (RulePreset(Preset.MONTHLY_WEEKDAY, nth=5, weekday=0), "nth"),
        (RulePreset(Preset.MONTHLY_WEEKDAY, nth=1), "weekday"),
    ],
)
def test_an_incomplete_preset_names_the_part_to_fix(preset: RulePreset, field: str) -> None:
    with pytest.raises(PresetError) as refused:
        rrule_from_preset(preset)
    assert refused.value.field == field
