"""How a feed answers calendar clients: types, validators, 304s, and a token that opens one
feed only."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.feeds import build
from app.feeds.models import CalendarFeed, FeedCache
from app.feeds.services import Issued, issue_feed, regenerate_feed, revoke_feed
from app.people import site_roles
from app.people.models import TeamMembership
from app.sites.models import Site
from tests.conftest import PINNED_NOW
from tests.feeds.conftest import Estate, path_of


def _uid_event(body: bytes, uid_prefix: str) -> icalendar.Event:
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return next(e for e in events if str(e["UID"]).startswith(uid_prefix))


def test_a_feed_is_served_as_a_calendar_with_strong_validators(
    issue: Callable[..., Issued], client: FlaskClient
) -> None:
    response = client.get(path_of(issue("person")))
    body = response.get_data()

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert response.last_modified == PINNED_NOW  # the newest row's updated_at
    assert "private" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_conditional_gets_answer_304_and_head_has_no_body(
    issue: Callable[..., Issued], client: FlaskClient
) -> None:
    path = path_of(issue("person"))
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    by_etag = client.get(path, headers={"If-None-Match": etag})
    by_date = client.get(path, headers={"If-Modified-Since": modified})
    stale_etag = client.get(
        path, headers={"If-None-Match": '"nope"', "If-Modified-Since": modified}
    )
    head = client.head(path)

    assert by_etag.status_code == 304 and by_etag.get_data() == b""
    assert by_etag.headers["ETag"] == etag
    assert by_date.status_code == 304
    assert stale_etag.status_code == 200  # If-None-Match wins over If-Modified-Since
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == etag
    assert int(head.headers["Content-Length"]) == len(first.get_data())


def test_an_edit_bumps_sequence_etag_and_last_modified(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    path = path_of(issue("person"))
    before = client.get(path)
    wo = estate.orders["lift_mar03"]
    with clock.pinned(PINNED_NOW + timedelta(minutes=5)):
        wo.due_at += timedelta(hours=2)
        wo.ends_at += timedelta(hours=2)
        wo.revision += 1
        db.session.commit()
        after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})

    event = _uid_event(after.get_data(), f"wo-{wo.id}@")
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.last_modified > before.last_modified
    assert event["SEQUENCE"] == 2
    assert "DTSTART;TZID=Asia/Shanghai:20260303T110000" in after.get_data().decode()


def test_a_row_leaving_the_feed_moves_last_modified_too(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    """Reassigning the newest visit away makes max(updated_at) smaller: the feed must still
    say it changed, or If-Modified-Since clients (Apple) would keep the old copy."""
    path = path_of(issue("person"))
    before = client.get(path)
    estate.orders["tank_mar10"].assignee_id = estate.tech2.id  # same pinned clock
    db.session.commit()
    after = client.get(path, headers={"If-Modified-Since": before.headers["Last-Modified"]})

    assert after.status_code == 200
    assert after.last_modified > before.last_modified
    assert f"wo-{estate.orders['tank_mar10'].id}@".encode() not in after.get_data()


def test_a_cancelled_visit_leaves_the_feed(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    path = path_of(issue("team"))
    wo = estate.orders["lift_mar18"]
    assert f"wo-{wo.id}@".encode() in client.get(path).get_data()

    wo.status = "cancelled"
    db.session.commit()

    assert f"wo-{wo.id}@".encode() not in client.get(path).get_data()


def test_a_checklist_edit_reaches_the_feed_without_touching_a_work_order(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    path = path_of(issue("person"))
    client.get(path)
    estate.tank_plan.checklist = [
        *estate.tank_plan.checklist,
        {"key": "x", "names": {"zh": "余氯"}},
    ]
    db.session.commit()

    assert "余氯".encode() in client.get(path).get_data()


def test_an_unchanged_feed_is_served_from_the_cache(
    issue: Callable[..., Issued], client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = path_of(issue("site"))
    first = client.get(path).get_data()
    builds: list[int] = []
    real = build.build_feed

    def counting(*args: object, **kwargs: object) -> build.Built:
        builds.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("app.feeds.services.build_feed", counting)

    assert client.get(path).get_data() == first
    assert builds == []
    assert db.session.scalar(select(FeedCache.size)) == len(first)


def test_a_rebuild_with_the_same_result_keeps_the_validators(
    issue: Callable[..., Issued], client: FlaskClient
) -> None:
    path = path_of(issue("site"))
    first = client.get(path)
    db.session.execute(db.text("UPDATE calendar_feed_cache SET fingerprint = 'old'"))
    db.session.commit()
    with clock.pinned(PINNED_NOW + timedelta(hours=1)):
        second = client.get(path)

    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]


def test_the_window_follows_the_clock(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    path = path_of(issue("person"))
    later = client.get(path)
    with clock.pinned(PINNED_NOW + timedelta(days=100)):
        much_later = client.get(path).get_data()

    assert f"wo-{estate.orders['lift_far'].id}@".encode() not in later.get_data()
    assert f"wo-{estate.orders['lift_far'].id}@".encode() in much_later


# --- the token is the only key ---------------------------------------------------------------


def test_a_revoked_link_answers_404(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    issued = issue("person")
    assert client.get(path_of(issued)).status_code == 200
    revoke_feed(estate.tech1, issued.feed.id)
    db.session.commit()

    assert client.get(path_of(issued)).status_code == 404


def test_a_new_link_replaces_the_old_one(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    old = issue("person")
    new = regenerate_feed(estate.tech1, old.feed.id)
    db.session.commit()

    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(new)).status_code == 200


def test_a_token_never_opens_another_feed(
    issue: Callable[..., Issued], client: FlaskClient
) -> None:
    mine, theirs = issue("person"), issue("site")
    my_token = path_of(mine).split("/")[2]
    their_token, their_name = path_of(theirs).split("/")[2:4]

    assert client.get(f"/feeds/{my_token}/{their_name}").status_code == 404
    assert client.get(f"/feeds/{their_token}/zhangwei-work.ics").status_code == 404
    one_off = my_token[:-1] + ("B" if my_token.endswith("A") else "A")
    assert client.get(f"/feeds/{one_off}/zhangwei-work.ics").status_code == 404
    assert client.get("/feeds/short/zhangwei-work.ics").status_code == 404
    assert (
        client.get(path_of(mine) + "?scope=site").get_data() == client.get(path_of(mine)).get_data()
    )


def test_the_token_is_long_random_and_stored_only_as_a_hash(issue: Callable[..., Issued]) -> None:
    issued = issue("person")
    token = path_of(issued).split("/")[2]
    row = db.session.get(CalendarFeed, issued.feed.id)
    assert row is not None

    assert len(token) * 6 >= 128
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    dump = "\n".join(str(v) for v in db.session.execute(select(CalendarFeed.__table__)).one())
    assert token not in dump


def test_a_deactivated_owner_s_links_stop(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    issued = issue("person")
    estate.tech1.active = False
    db.session.commit()

    assert client.get(path_of(issued)).status_code == 404


def test_leaving_the_team_closes_the_team_feed(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    issued = issue("team")
    assert client.get(path_of(issued)).status_code == 200
    membership = db.session.get(TeamMembership, (estate.eng.id, estate.tech1.id))
    db.session.delete(membership)
    db.session.commit()

    assert client.get(path_of(issued)).status_code == 404


def test_a_membership_dropped_from_its_collection_closes_the_team_feed_too(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    """Removed as an orphan (the team's list replaced), not by an explicit delete: the
    flush deletes the row itself, so only a mapper event sees it."""
    issued = issue("team")
    assert client.get(path_of(issued)).status_code == 200
    estate.eng.memberships = [m for m in estate.eng.memberships if m.user_id != estate.tech1.id]
    db.session.commit()

    assert client.get(path_of(issued)).status_code == 404


@pytest.mark.parametrize("demoted_to", ["cleaner", "technician"])
def test_losing_the_role_closes_a_site_feed(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient, demoted_to: str
) -> None:
    issued = issue("site")
    assert client.get(path_of(issued)).status_code == 200
    for membership in estate.lead.site_memberships:
        membership.role = demoted_to
    db.session.commit()

    assert client.get(path_of(issued)).status_code == 404


def test_a_supervisor_elsewhere_who_is_a_technician_at_this_site_loses_this_site_s_feed(
    estate: Estate, issue: Callable[..., Issued], client: FlaskClient
) -> None:
    issued = issue("site")
    assert client.get(path_of(issued)).status_code == 200
    elsewhere = Site(code="CUI", name="翠湖商务中心")
    db.session.add(elsewhere)
    db.session.flush()
    company_level = estate.lead.site_memberships[0]
    lead = estate.lead
    site_roles.grant_site_role(lead, lead.version, elsewhere.id, "supervisor")
    site_roles.grant_site_role(lead, lead.version, estate.site.id, "technician")
    db.session.commit()
    assert client.get(path_of(issued)).status_code == 200  # still a supervisor everywhere
    site_roles.withdraw_site_role(lead, lead.version, company_level)
    db.session.commit()

    assert client.get(path_of(issued)).status_code == 404


def test_links_stay_under_google_s_256_characters(app: Flask, estate: Estate) -> None:
    app.config["ROUNDS_BASE_URL"] = "https://" + "x" * 150 + ".example.cn"
    issued = issue_feed(estate.lead, "equipment", "DEMO:T1-L2")

    assert len(issued.url) < 256 and len(issued.webcal) < 256
    assert issued.webcal.startswith("webcal://") and issued.url.startswith("https://")
