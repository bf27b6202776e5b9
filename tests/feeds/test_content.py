"""What subscribers see: every scope parses everywhere, stays byte-stable, and shows exactly
the visits in its window — with no staff names on the residents' building feed."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import icalendar
import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient
from ical.calendar_stream import IcsCalendarStream

from app.extensions import db
from app.feeds.services import Issued
from app.workorders.models import WorkOrder
from tests.feeds.conftest import GOLDEN, SCOPE_TARGETS, Estate, at, path_of
from tests.feeds.lint import lint

SCOPES = list(SCOPE_TARGETS)


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.parametrize("scope", SCOPES)
def test_every_scope_passes_our_lint_and_three_parsers(
    scope: str, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    body = fetch(issue(scope, alarm_minutes=30))

    assert lint(body) == []
    cal = icalendar.Calendar.from_ical(body)
    cal.validate()
    assert cal.get_missing_tzids() == set()
    assert all(not event.errors for event in cal.walk("VEVENT"))
    for component in vobject.readComponents(body.decode(), validate=True):
        component.validate(raiseException=True)
    strict = IcsCalendarStream.calendar_from_ics(body.decode())
    assert len(strict.events) == len(cal.walk("VEVENT")) > 0


def test_the_lint_catches_what_the_parsers_let_through() -> None:
    good = (GOLDEN / "person.ics").read_bytes()
    unfolded = good.replace(b"\r\n ", b"")  # long Chinese lines, not folded
    backwards = good.replace(
        b"DTEND;TZID=Asia/Shanghai:20260303T110000", b"DTEND;TZID=Asia/Shanghai:20260303T080000"
    )
    no_zone = good.replace(b"BEGIN:VTIMEZONE", b"BEGIN:X-TZ").replace(b"END:VTIMEZONE", b"END:X-TZ")
    twice = good.replace(b"UID:wo-2@", b"UID:wo-1@")
    # a fold in the middle of a 3-octet character: 75 octets, but not UTF-8 line by line
    split = good.replace(
        "检查项".encode(), "检".encode()[:2] + b"\r\n " + "检".encode()[2:] + "查项".encode(), 1
    )

    assert lint(good) == []
    assert any("octets" in p for p in lint(unfolded))
    assert any("ends before it starts" in p for p in lint(backwards))
    assert any("has no VTIMEZONE" in p for p in lint(no_zone))
    assert any("duplicate UID" in p for p in lint(twice))
    assert any("inside a UTF-8 character" in p for p in lint(split))
    assert any("CRLF" in p for p in lint(good.replace(b"\r\n", b"\n")))


@pytest.mark.parametrize("scope", SCOPES)
def test_unchanged_data_gives_the_golden_bytes(
    scope: str, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    """Set ROUNDS_UPDATE_GOLDEN=1 to rewrite the files after an intended change."""
    issued = issue(scope)
    first = client.get(path_of(issued)).get_data()
    db.session.execute(db.text("DELETE FROM calendar_feed_cache"))  # force a second build
    db.session.commit()
    second = client.get(path_of(issued)).get_data()

    assert first == second
    golden = GOLDEN / f"{scope}.ics"
    if os.environ.get("ROUNDS_UPDATE_GOLDEN"):
        golden.write_bytes(first)
    assert first == golden.read_bytes()


WINDOW = (at("2026-01-31", "00:00"), at("2026-06-01", "00:00"))  # −30/+90 days round 03-02


def _expected(scope: str, estate: Estate) -> set[int]:
    """The rows each feed must show, worked out here without the app's selection code."""
    in_b1 = {estate.building1.id, estate.pump_room.id, estate.lobby.id}
    in_b1 |= {estate.pump_room.parent_id or 0, estate.lobby.parent_id or 0}
    wanted: dict[str, Callable[[WorkOrder], bool]] = {
        "person": lambda wo: wo.assignee_id == estate.tech1.id,
        "team": lambda wo: wo.team_id == estate.eng.id,
        "site": lambda wo: wo.site_id == estate.site.id,
        "equipment": lambda wo: wo.equipment_id == estate.lift.id,
        "location": lambda wo: wo.location_id in in_b1,
        "building": lambda wo: (
            wo.location_id in in_b1
            and wo.equipment_id in (estate.lift.id, estate.tank.id)
            and wo.status != "missed"
        ),
    }
    return {
        wo.id
        for wo in estate.orders.values()
        if WINDOW[0] <= wo.due_at < WINDOW[1]
        and wo.status not in ("cancelled", "skipped")
        and wanted[scope](wo)
    }


@pytest.mark.parametrize("scope", SCOPES)
def test_rows_in_the_window_and_events_match_one_to_one(
    scope: str, estate: Estate, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    body = fetch(issue(scope))

    ids = [int(re.sub(r"\D", "", str(e["UID"]).split("@")[0])) for e in _events(body)]
    assert len(set(ids)) == len(ids)
    assert set(ids) == _expected(scope, estate)


def test_a_technician_sees_own_visits_in_the_window_and_nothing_cancelled_or_skipped(
    estate: Estate, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    events = _events(fetch(issue("person")))
    uids = {str(e["UID"]) for e in events}
    o = estate.orders

    def uid(key: str) -> str:
        return f"wo-{o[key].id}@rounds.example.cn"

    assert uids == {uid("lift_mar03"), uid("tank_mar10"), uid("lift_feb10"), uid("lift_missed")}
    assert uid("lift_cancelled") not in uids and uid("lift_skipped") not in uids
    assert uid("lift_far") not in uids and uid("lift_old") not in uids  # outside −30/+90 days


def test_an_event_has_what_a_phone_needs(
    estate: Estate, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    body = fetch(issue("person"))
    wo = estate.orders["tank_mar10"]
    event = next(e for e in _events(body) if str(e["UID"]) == f"wo-{wo.id}@rounds.example.cn")
    text = body.decode()

    assert str(event["SUMMARY"]) == "水箱清洗消毒 · 1号楼 生活水箱"
    assert str(event["LOCATION"]) == "阳光花园 1号楼/B1/水泵房"
    assert "DTSTART;TZID=Asia/Shanghai:20260310T080000" in text
    assert "DTEND;TZID=Asia/Shanghai:20260310T140000" in text
    assert "X-WR-TIMEZONE:Asia/Shanghai\r\n" in text
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == wo.updated_at
    assert event["SEQUENCE"] == wo.revision
    description = str(event["DESCRIPTION"])
    assert "★ 已清洗、消毒" in description and "出水口取样" in description
    assert "提前一天张贴停水通知" in description  # the plan's notes
    assert "顺延" in description  # why the date moved
    assert f"https://rounds.example.cn/work/{wo.id}" in description
    assert f"https://rounds.example.cn/print/record/{wo.id}.pdf" in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["维护保养", "给排水"]


def test_the_calendar_carries_names_refresh_hints_and_no_method(
    issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    text = fetch(issue("person")).decode()

    assert "NAME:工单 · 张伟\r\n" in text and "X-WR-CALNAME:工单 · 张伟\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "METHOD" not in text
    assert text.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in text


def test_a_quarterly_visit_lists_the_half_monthly_items_too(
    estate: Estate, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    wo = estate.orders["lift_mar18"]
    event = next(
        e for e in _events(fetch(issue("team"))) if str(e["UID"]).startswith(f"wo-{wo.id}@")
    )
    description = str(event["DESCRIPTION"])

    assert "检查项 13 项" in description  # 11 half-monthly + 2 quarterly
    assert "另 8 项" in description  # only 5 are written out; the rest are on the page
    assert "李强（工程部）" in description


def test_the_building_feed_tells_residents_about_outages_without_staff_names(
    estate: Estate, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    body = fetch(issue("building"))
    text = body.decode()
    summaries = sorted(str(e["SUMMARY"]) for e in _events(body))

    assert summaries == [
        "电梯暂停使用 · 1号楼 2#客梯",
        "电梯暂停使用 · 1号楼 2#客梯",
        "电梯暂停使用 · 1号楼 2#客梯",
        "计划停水 · 1号楼 生活水箱",
        "计划停水 · 1号楼 生活水箱",
    ]
    for private in ("张伟", "李强", "王芳", "工程部", "保洁部", "/work/", "检查项", "漏检"):
        assert private not in text
    assert "大堂保洁" not in text and "水泵月度检查" not in text  # not disruptive / not here
    assert all(str(e["TRANSP"]) == "TRANSPARENT" for e in _events(body))


def test_a_reminder_is_added_only_when_the_feed_asks_for_one(
    issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    with_alarm = fetch(issue("person", alarm_minutes=30)).decode()
    without = fetch(issue("team")).decode()

    assert with_alarm.count("BEGIN:VALARM") == with_alarm.count("BEGIN:VEVENT")
    assert "TRIGGER:-PT30M" in with_alarm and "ACTION:DISPLAY" in with_alarm
    assert "VALARM" not in without


def test_an_english_speaker_gets_an_english_feed(
    estate: Estate, issue: Callable[..., Issued], fetch: Callable[[Issued], bytes]
) -> None:
    estate.tech1.locale = "en"
    db.session.commit()
    body = fetch(issue("person"))
    descriptions = " ".join(str(e["DESCRIPTION"]) for e in _events(body))

    assert "X-WR-CALNAME:Work · 张伟" in body.decode()
    assert "Checklist, 3 items:" in descriptions and "Work order: https://" in descriptions


def test_a_plan_download_holds_its_future_visits_as_an_attachment(
    estate: Estate, login: Callable[[str], FlaskClient]
) -> None:
    response = login("supervisor").get(f"/plans/{estate.lift_quarterly.id}/occurrences.ics")
    body = response.get_data()

    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert lint(body) == []
    uids = {str(e["UID"]) for e in _events(body)}
    assert uids == {f"wo-{estate.orders['lift_mar18'].id}@rounds.example.cn"}  # the one quarterly
    assert "REFRESH-INTERVAL" not in body.decode()  # an import, not a subscription


def test_the_base_plan_download_skips_past_cancelled_and_skipped_visits(
    estate: Estate, login: Callable[[str], FlaskClient]
) -> None:
    body = login("supervisor").get(f"/plans/{estate.lift_plan.id}/occurrences.ics").get_data()
    o = estate.orders
    expected = {o[k].id for k in ("lift_mar03", "lift_mar18", "lift_far")}

    assert {int(str(e["UID"])[3:].split("@")[0]) for e in _events(body)} == expected


def test_a_cleaner_may_not_download_plans(
    estate: Estate, login: Callable[[str], FlaskClient]
) -> None:
    assert login("cleaner").get(f"/plans/{estate.lift_plan.id}/occurrences.ics").status_code == 403


def test_uids_keep_their_host_when_the_site_moves_domain(
    app: Flask, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    """UIDs are identities: a new domain must not duplicate every event on phones."""
    issued = issue("person")
    app.config["ROUNDS_BASE_URL"] = "https://new.example.cn"
    app.config["ROUNDS_FEED_UID_DOMAIN"] = "rounds.example.cn"
    text = client.get(path_of(issued)).get_data().decode()

    assert "UID:wo-1@rounds.example.cn" in text
    assert "https://new.example.cn/work/1" in text
