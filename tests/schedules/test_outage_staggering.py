"""Planned outages are staggered: a building keeps a lift (and its fire lift alone)
in service, and two power or water outages of one building never overlap."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import Outage, ReasonCode, stagger_outages
from schedules.wallclock import zone

TZ = zone("Asia/Shanghai")
NINE = dt.datetime(2026, 3, 2, 9, tzinfo=TZ)


def lift(key: str, start: dt.datetime = NINE, *, fire: bool = False, hours: int = 2) -> Outage:
    return Outage(
        key,
        "1号楼",
        "lift",
        start,
        start + dt.timedelta(hours=hours),
        start + dt.timedelta(days=5),
        label=key,
        fire_lift=fire,
    )


def test_three_lifts_due_at_the_same_minute_go_one_after_another() -> None:
    placed = stagger_outages([lift("A1", fire=True), lift("A2"), lift("A3")], {"1号楼": 3})
    starts = {p.outage.key: p.start.hour for p in placed}
    assert starts["A1"] == 9
    assert starts["A2"] == 11  # not beside the fire lift
    assert starts["A3"] == 11  # two ordinary lifts may go together: one stays in service
    moved = next(p for p in placed if p.outage.key == "A2")
    assert moved.reasons[0].code is ReasonCode.OUTAGE_STAGGERED
    assert "错开" in moved.reasons[0].render("zh")


def test_a_building_with_two_lifts_always_keeps_one_running() -> None:
    placed = stagger_outages([lift("B1"), lift("B2")], {"1号楼": 2})
    assert [p.start.hour for p in placed] == [9, 11]


def test_an_outage_that_does_not_fit_its_day_moves_to_the_next_acceptable_day() -> None:
    late = NINE.replace(hour=15)
    placed = stagger_outages([lift("C1", late, hours=3), lift("C2", late, hours=3)], {"1号楼": 2})
    assert placed[1].start == late + dt.timedelta(days=1)


def test_an_outage_with_no_room_in_its_window_stays_and_says_so() -> None:
    tight = Outage(
        "P2", "1号楼", "power", NINE, NINE + dt.timedelta(hours=2), NINE + dt.timedelta(hours=2)
    )
    placed = stagger_outages([lift("x"), tight, tight.__class__("P1", "1号楼", "power", NINE,
        NINE + dt.timedelta(hours=2), NINE + dt.timedelta(hours=2))], {"1号楼": 2})  # fmt: skip
    stuck = [p for p in placed if p.reasons]
    assert stuck and stuck[0].reasons[0].code is ReasonCode.OUTAGE_UNRESOLVED


OUTAGES = st.lists(
    st.tuples(
        st.sampled_from(["1号楼", "2号楼"]),
        st.sampled_from(["lift", "lift", "power", "water"]),
        st.integers(0, 4),  # day
        st.integers(8, 15),  # hour
        st.integers(1, 3),  # hours out
        st.booleans(),  # fire lift
    ),
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(raw=OUTAGES, lifts=st.integers(2, 4))
def test_no_two_placed_outages_break_a_buildings_service(
    raw: list[tuple[str, str, int, int, int, bool]], lifts: int
) -> None:
    outages = []
    for n, (building, kind, day, hour, hours, fire) in enumerate(raw):
        start = NINE.replace(hour=hour) + dt.timedelta(days=day)
        outages.append(
            Outage(
                f"o{n}",
                building,
                kind,
                start,
                start + dt.timedelta(hours=hours),
                start + dt.timedelta(days=7),
                fire_lift=fire and kind == "lift" and n % 3 == 0,
            )
        )
    placed = [
        p
        for p in stagger_outages(outages, {"1号楼": lifts, "2号楼": lifts})
        if not p.reasons or p.moved
    ]
    assert all(p.end <= p.outage.latest_end for p in placed)
    for a, b in itertools.combinations(placed, 2):
        if (a.outage.building, a.outage.kind) != (b.outage.building, b.outage.kind):
            continue
        if not (a.start < b.end and b.start < a.end):
            continue
        assert a.outage.kind == "lift", (a, b)
        assert not (a.outage.fire_lift or b.outage.fire_lift), (a, b)
    for p in placed:  # some lift of each building stays in service at every start
        if p.outage.kind == "lift":
            out = [
                q
                for q in placed
                if q.outage.kind == "lift"
                and q.outage.building == p.outage.building
                and q.start <= p.start < q.end
            ]
            assert len(out) < lifts


def test_a_stored_fire_lift_outage_stays_put_and_a_new_lift_outage_yields_to_it() -> None:
    """Generation passes the visits it keeps as `fixed`: they never move, whatever their time."""
    stored = lift("F1", NINE + dt.timedelta(minutes=30), fire=True)
    placed = stagger_outages([lift("A2")], {"1号楼": 3}, fixed=[stored])
    assert [p.outage.key for p in placed] == ["A2"]
    assert placed[0].start == stored.end and placed[0].reasons


MONDAY = dt.datetime(2026, 3, 9, 9, tzinfo=TZ)


def weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def tank(
    key: str,
    start: dt.datetime = MONDAY,
    *,
    back_days: int | None = 15,
    overrun_days: int | None = None,
) -> Outage:
    """A six-hour tank cleaning whose window ends on its day (tolerance: 15 days before,
    none after), as a ceiling or the first-visit rule leaves it."""
    latest = dt.datetime.combine(start.date(), dt.time(23, 59, 59), TZ)
    return Outage(
        key,
        "1号楼",
        "water",
        start,
        start + dt.timedelta(hours=6),
        latest,
        earliest_start=None if back_days is None else start - dt.timedelta(days=back_days),
        overrun_end=None if overrun_days is None else latest + dt.timedelta(days=overrun_days),
    )


def test_a_cleaning_with_no_later_room_in_its_window_moves_to_the_last_earlier_working_day() -> (
    None
):
    found = stagger_outages([tank("A"), tank("B")], {}, acceptable_day=weekday)
    placed = {p.outage.key: p for p in found}
    assert placed["A"].start == MONDAY and not placed["A"].reasons
    assert placed["B"].start == MONDAY - dt.timedelta(days=3)  # Friday: not over the weekend
    assert placed["B"].reasons[0].code is ReasonCode.OUTAGE_STAGGERED
    assert "错开" in placed["B"].reasons[0].render("zh")


def test_a_tank_cleaning_never_moves_before_its_earliest_start_nor_earlier_unless_told() -> None:
    for second in (tank("B", back_days=None), tank("B", back_days=2)):  # Sat, Sun: no room
        placed = stagger_outages([tank("A"), second], {}, acceptable_day=weekday)
        assert placed[1].start == MONDAY
        assert placed[1].reasons[0].code is ReasonCode.OUTAGE_UNRESOLVED


def test_a_first_visit_overruns_its_window_only_when_nothing_inside_it_is_free() -> None:
    stored = tank("A")  # the sibling's statutory cleaning, kept as stored
    boxed_in = tank("B", back_days=0, overrun_days=7)  # applied on Friday afternoon
    (placed,) = stagger_outages([boxed_in], {}, acceptable_day=weekday, fixed=[stored])
    assert placed.start == MONDAY + dt.timedelta(days=1)
    assert placed.reasons[0].code is ReasonCode.OUTAGE_STAGGERED
    (placed,) = stagger_outages(
        [tank("B", overrun_days=7)], {}, acceptable_day=weekday, fixed=[stored]
    )
    assert placed.start == MONDAY - dt.timedelta(days=3)  # inside its window wins


CUTS = st.lists(
    st.tuples(
        st.sampled_from(["power", "water"]),
        st.integers(0, 9),  # day
        st.integers(8, 12),  # hour
        st.integers(1, 6),  # hours out
        st.integers(0, 15),  # days its window reaches back
        st.booleans(),  # a first visit: may overrun its window by a week
    ),
    max_size=6,
)


@settings(max_examples=80, deadline=None)
@given(raw=CUTS)
def test_power_and_water_cuts_stay_apart_inside_their_bounds_whenever_the_days_allow(
    raw: list[tuple[str, int, int, int, int, bool]],
) -> None:
    outages = []
    for n, (kind, day, hour, hours, back, first) in enumerate(raw):
        start = NINE.replace(hour=hour) + dt.timedelta(days=day)
        cut = tank(f"o{n}", start, back_days=back, overrun_days=7 if first else None)
        outages.append(replace(cut, kind=kind, end=start + dt.timedelta(hours=hours)))
    placed = stagger_outages(outages, {}, acceptable_day=weekday)
    resolved = [p for p in placed if not p.reasons or p.moved]
    for p in resolved:
        o = p.outage
        assert p.start >= min(o.start, o.earliest_start or o.start)
        assert p.end <= (o.overrun_end or o.latest_end)
        assert not p.moved or weekday(p.start.date())
    for a, b in itertools.combinations(resolved, 2):
        if a.outage.kind == b.outage.kind:
            assert not (a.start < b.end and b.start < a.end), (a, b)
    for p in placed:  # each cut blocks at most one day of another's: with more days, it fits
        o = p.outage
        same = sum(1 for q in outages if q.kind == o.kind)
        assert p in resolved or _working_days(o) < same, p


def _working_days(outage: Outage) -> int:
    first = (outage.earliest_start or outage.start).date()
    last = (outage.overrun_end or outage.latest_end).date()
    return sum(1 for n in range((last - first).days + 1) if weekday(first + dt.timedelta(days=n)))
