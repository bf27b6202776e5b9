"""A feed survives a bad row: names with line breaks, written straight into the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.feeds import ical
from app.feeds.services import Issued
from tests.feeds.conftest import Estate, path_of


@pytest.mark.parametrize("scope", ["person", "team", "site"])
def test_a_line_break_in_names_stored_directly_does_not_break_the_feed(
    issue: Callable[..., Issued], client: FlaskClient, estate: Estate, scope: str
) -> None:
    estate.lift.name = "2#电梯\r\nX-INJECTED:1\nEND:VEVENT"
    estate.site.name = "阳光\n花园"
    estate.eng.name = "工程\r部"
    estate.pump_room.name = "水泵\n房"
    db.session.commit()

    response = client.get(path_of(issue(scope)))

    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert calendar.walk("VEVENT")
    assert b"\nX-INJECTED" not in response.get_data()


def test_an_event_the_calendar_library_refuses_is_left_out_and_logged(
    issue: Callable[..., Issued],
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    served = icalendar.Calendar.from_ical(client.get(path_of(issue("site"))).get_data())
    uids = sorted(str(event["UID"]) for event in served.walk("VEVENT"))
    real = ical.event_bytes

    def refuse_first(data: ical.EventData, timezone: str, alarm: int | None) -> bytes:
        if data.uid == uids[0]:
            raise AssertionError("Content line can not contain unescaped new line characters.")
        return real(data, timezone, alarm)

    monkeypatch.setattr(ical, "event_bytes", refuse_first)
    body = ical.render(
        ical.CalendarData(uid="c", name="n", description="", timezone="Asia/Shanghai"),
        [_event(uid) for uid in uids],
    )

    left = sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert left == uids[1:]
    assert f"left out event {uids[0]}" in caplog.text


def _event(uid: str) -> ical.EventData:
    start = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    return ical.EventData(
        uid=uid, start=start, end=start + timedelta(hours=1), stamp=start, sequence=0,
        summary="巡检", location="", description="", categories=(), status="CONFIRMED",
    )  # fmt: skip
