"""RRULE expansion: the fast paths agree with dateutil, re-anchoring keeps the phase."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil import rrule as du
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from schedules import RuleError, parse_rule
from schedules.recurrence import clamps_month_end, expand

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def dateutil_reference(
    text: str, dtstart: dt.datetime, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, ...]:
    rule = du.rrulestr(f"RRULE:{text}", dtstart=dtstart)
    return tuple(t for t in rule.between(start, end, inc=True) if t < end)


simple_rules = st.one_of(
    st.builds(lambda n: f"FREQ=DAILY;INTERVAL={n}", st.integers(1, 40)),
    st.builds(
        lambda n, days: f"FREQ=WEEKLY;INTERVAL={n};BYDAY={','.join(sorted(days))}",
        st.integers(1, 4),
        st.sets(st.sampled_from(WEEKDAYS), min_size=1, max_size=7),
    ),
    st.builds(
        lambda n, days: f"FREQ=MONTHLY;INTERVAL={n};BYMONTHDAY={','.join(map(str, days))}",
        st.integers(1, 6),
        st.sets(st.integers(-31, 31).filter(bool), min_size=1, max_size=4),
    ),
    st.builds(lambda n: f"FREQ=MONTHLY;INTERVAL={n}", st.integers(1, 12)),
)
general_rules = st.one_of(
    st.builds(lambda n: f"FREQ=YEARLY;INTERVAL={n}", st.integers(1, 3)),
    st.builds(
        lambda nth, d: f"FREQ=MONTHLY;BYDAY={nth}{d}",
        st.sampled_from([1, 2, -1]),
        st.sampled_from(WEEKDAYS),
    ),
    st.just("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    st.builds(lambda n: f"FREQ=HOURLY;INTERVAL={n}", st.integers(1, 13)),
    st.builds(
        lambda n, wk: f"FREQ=WEEKLY;INTERVAL={n};BYDAY=MO,FR;WKST={wk}",
        st.integers(1, 3),
        st.sampled_from(WEEKDAYS),
    ),
    st.just("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1"),
)
moments = st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(simple_rules, general_rules),
    dtstart=moments,
    start=moments,
    span=st.integers(1, 120),
)
def test_every_rule_expands_to_exactly_what_dateutil_gives(
    text: str, dtstart: dt.datetime, start: dt.datetime, span: int
) -> None:
    dtstart = dtstart.replace(microsecond=0)
    assume(not clamps_month_end(parse_rule(text), dtstart))  # deliberately not RFC: test_month_ends
    end = start + dt.timedelta(days=span)
    assert expand(parse_rule(text), dtstart, start, end) == dateutil_reference(
        text, dtstart, max(start, dtstart), end
    )


def test_bymonthday_minus_one_gives_the_last_day_of_every_month() -> None:
    instances = expand(
        parse_rule("FREQ=MONTHLY;BYMONTHDAY=-1"),
        dt.datetime(2023, 1, 31, 8),
        dt.datetime(2024, 1, 1),
        dt.datetime(2025, 1, 1),
    )
    assert [i.date() for i in instances] == [
        dt.date(2024, m + 1, 1) - dt.timedelta(days=1) if m < 12 else dt.date(2024, 12, 31)
        for m in range(1, 13)
    ]
    assert dt.date(2024, 2, 29) in [i.date() for i in instances]
    assert all(i.time() == dt.time(8) for i in instances)


def test_every_15_days_keeps_its_phase_from_a_start_years_ago() -> None:
    dtstart = dt.datetime(2016, 3, 7, 9)
    instances = expand(
        parse_rule("FREQ=DAILY;INTERVAL=15"),
        dtstart,
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 3, 1),
    )
    assert instances
    assert all((i - dtstart).days % 15 == 0 and i.time() == dt.time(9) for i in instances)


def test_rules_with_count_stop_after_that_many_visits_even_far_from_the_start() -> None:
    rule = parse_rule("FREQ=MONTHLY;BYDAY=1MO;COUNT=5")
    assert (
        len(
            expand(
                rule, dt.datetime(2026, 1, 1, 8), dt.datetime(2026, 1, 1), dt.datetime(2030, 1, 1)
            )
        )
        == 5
    )
    assert (
        expand(rule, dt.datetime(2026, 1, 1, 8), dt.datetime(2026, 6, 1), dt.datetime(2030, 1, 1))
        == ()
    )


def test_until_is_an_inclusive_wall_clock_bound() -> None:
    instances = expand(
        parse_rule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20260119"),
        dt.datetime(2026, 1, 5, 8),
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 3, 1),
    )
    assert [i.day for i in instances] == [5, 12, 19]


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=FORTNIGHTLY",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=DAILY;FOO=1",
        "FREQ=DAILY;UNTIL=20260101T000000Z",
        "INTERVAL=2",
    ],
)
def test_rules_the_engine_cannot_honour_are_refused_with_the_offending_part(text: str) -> None:
    with pytest.raises(RuleError):
        parse_rule(text)
