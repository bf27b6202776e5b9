"""Planned outages are staggered: a building keeps a lift (and its fire lift alone)
in service, and two power or water outages of one building never overlap."""

from __future__ import annotations

import datetime as dt
import itertools

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
