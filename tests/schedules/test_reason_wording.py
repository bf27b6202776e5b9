"""Reasons are plain JSON for the app and read naturally in Chinese and English."""

from __future__ import annotations

import json

import pytest

from schedules import Reason, ReasonCode

SAMPLE_PARAMS: dict[ReasonCode, dict[str, object]] = {
    ReasonCode.HOLIDAY_MOVED: {
        "from": "2026-10-04",
        "to": "2026-10-08",
        "from_label_zh": "国庆节",
        "from_label_en": "National Day",
    },
    ReasonCode.HOLIDAY_SKIPPED: {
        "from": "2026-10-03",
        "from_label_zh": "国庆节",
        "from_label_en": "National Day",
    },
    ReasonCode.NO_WORKDAY_FOUND: {"from": "2026-10-03", "searched_days": 30},
    ReasonCode.CEILING_MOVED_EARLIER: {
        "from": "2026-10-01",
        "to": "2026-09-30",
        "ceiling_days": 15,
    },
    ReasonCode.CEILING_OVER_HOLIDAY: {"to": "2026-10-01", "ceiling_days": 15},
    ReasonCode.CEILING_KEPT_SKIPPED: {"from": "2026-10-01", "to": "2026-09-30", "ceiling_days": 10},
    ReasonCode.CEILING_EXTRA_VISIT: {"previous": "2026-01-01", "ceiling_days": 15},
    ReasonCode.TIER_MERGED: {
        "tier": "annual",
        "tier_zh": "年度保养",
        "tier_en": "annual",
        "tier_slot": "2026-07-15",
    },
    ReasonCode.TIER_CARRIED: {
        "tier": "quarterly",
        "tier_zh": "季度保养",
        "tier_en": "quarterly",
        "tier_slot": "2026-04-09",
    },
    ReasonCode.TIER_DONE_ELSEWHERE: {
        "tier": "quarterly",
        "tier_zh": "季度保养",
        "tier_en": "quarterly",
        "done_on": "2026-07-11",
    },
    ReasonCode.TIER_MADE_UP: {
        "tier": "quarterly",
        "tier_zh": "季度保养",
        "tier_en": "quarterly",
        "tier_slot": "2026-04-03",
        "from": "2026-04-18",
        "to": "2026-04-07",
    },
    ReasonCode.SAME_DAY_MERGED: {"kept_slot": "2026-09-30"},
    ReasonCode.REASSIGNED: {"from": "王师傅", "to": "李师傅", "cause": "off_duty"},
    ReasonCode.UNASSIGNED: {"cause": "nobody_qualified_on_duty"},
    ReasonCode.MONTH_END_CLAMPED: {"day": 31, "to": "2027-02-28"},
    ReasonCode.SEASON_ANCHORED: {"window": "04-01..05-31", "label_zh": "雨季前"},
    ReasonCode.PERIOD_KEPT: {"period": "iso_week", "from": "2026-02-16", "to": "2026-02-16"},
    ReasonCode.SEASON_KEPT: {"window": "03-15..05-31", "from": "2026-05-04", "to": "2026-05-06"},
    ReasonCode.OUTAGE_STAGGERED: {
        "from": "2026-03-02T09:00+08:00",
        "to": "2026-03-02T11:00+08:00",
        "kind": "lift",
        "building": "1号楼",
    },
    ReasonCode.OUTAGE_UNRESOLVED: {"at": "2026-03-02T09:00", "kind": "power", "building": "1号楼"},
    ReasonCode.FIRST_VISIT_MOVED: {
        "applied": "2026-05-29 17:09",
        "time": "09:00",
        "to": "2026-06-01",
    },
}


def test_every_reason_code_has_sample_wording() -> None:
    assert set(SAMPLE_PARAMS) == set(ReasonCode)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_reads_as_a_sentence_in_both_languages_and_survives_json(
    code: ReasonCode,
) -> None:
    reason = Reason.of(code, **SAMPLE_PARAMS[code])
    zh, en = reason.render("zh"), reason.render("en")
    assert zh and en and zh != en
    assert "{" not in zh + en and "None" not in zh + en
    stored = json.loads(json.dumps(reason.to_json(), ensure_ascii=False))
    assert Reason.from_json(stored) == reason


def test_a_holiday_move_names_the_holiday_and_says_later_in_chinese() -> None:
    reason = Reason.of(ReasonCode.HOLIDAY_MOVED, **SAMPLE_PARAMS[ReasonCode.HOLIDAY_MOVED])
    assert reason.render("zh") == "由 2026-10-04（国庆节）顺延至 2026-10-08：非工作日"
    assert (
        reason.render("en")
        == "moved from 2026-10-04 (National Day) to 2026-10-08: not a working day"
    )


def test_a_clamped_month_end_says_which_day_it_went_to() -> None:
    reason = Reason.of(ReasonCode.MONTH_END_CLAMPED, day=31, to="2027-02-28")
    assert reason.render("zh") == "本月没有 31 日，改在月末 2月28日"
    assert reason.render("en") == "clamped to 28 February: the month has no day 31"
