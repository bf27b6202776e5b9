"""Getting, renewing and withdrawing links: from the profile page and from `rounds feeds`."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update

from app.extensions import db
from app.feeds.models import CalendarFeed, FeedCache
from app.feeds.services import Issued
from tests.conftest import TEST_PASSWORD
from tests.feeds.conftest import BASE_URL, Estate, path_of

LINK = re.compile(r"https://rounds\.example\.cn/feeds/[A-Za-z0-9_-]+/[a-z0-9-]+\.ics")


def _login(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    client.post("/lang/en", data={"next": "/"})  # the assertions read English messages
    return client


def test_the_profile_offers_a_link_to_my_work_and_my_team(app: Flask, estate: Estate) -> None:
    page = _login(app, "zhangwei").get("/profile").get_data(as_text=True)

    assert 'id="calendar-feeds"' in page
    assert 'name="feed-code" value="zhangwei"' in page
    assert 'name="feed-code" value="DEMO:ENG"' in page
    assert 'value="DEMO:CLN"' not in page  # not his team


def test_getting_a_link_shows_webcal_https_and_a_qr_code_once(app: Flask, estate: Estate) -> None:
    client = _login(app, "zhangwei")
    response = client.post(
        "/feeds/new", data={"feed-scope": "person", "feed-code": "zhangwei", "back": "profile"}
    )
    page = response.get_data(as_text=True)
    url = LINK.search(page)

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert url is not None
    assert url.group(0).replace("https://", "webcal://") in page
    assert "<svg" in page and 'class="segno"' in page
    assert client.get(url.group(0).removeprefix(BASE_URL)).status_code == 200
    assert LINK.search(client.get("/profile").get_data(as_text=True)) is None  # never again


def test_revoking_from_the_profile_stops_the_link(app: Flask, estate: Estate) -> None:
    client = _login(app, "zhangwei")
    page = client.post("/feeds/new", data={"feed-scope": "person", "feed-code": ""})
    url = LINK.search(page.get_data(as_text=True))
    assert url is not None
    feed_id = db.session.scalar(select(CalendarFeed.id))

    response = client.post(f"/feeds/{feed_id}/revoke", data={"back": "profile"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    assert client.get(url.group(0).removeprefix(BASE_URL)).status_code == 404
    assert "No calendar links yet." in client.get("/profile").get_data(as_text=True)


def test_a_new_link_from_the_page_replaces_the_old(app: Flask, estate: Estate) -> None:
    client = _login(app, "zhangwei")
    first = LINK.search(
        client.post("/feeds/new", data={"feed-scope": "person"}).get_data(as_text=True)
    )
    feed_id = db.session.scalar(select(CalendarFeed.id))
    second = LINK.search(
        client.post(f"/feeds/{feed_id}/regenerate", data={"back": "feeds"}).get_data(as_text=True)
    )

    assert first is not None and second is not None and first.group(0) != second.group(0)
    assert client.get(first.group(0).removeprefix(BASE_URL)).status_code == 404
    assert client.get(second.group(0).removeprefix(BASE_URL)).status_code == 200


def test_nobody_renews_or_revokes_someone_else_s_link(
    app: Flask, estate: Estate, issue: Callable[..., Issued]
) -> None:
    theirs = issue("site")  # 赵磊's
    client = _login(app, "zhangwei")

    assert client.post(f"/feeds/{theirs.feed.id}/revoke").status_code == 302
    assert client.post(f"/feeds/{theirs.feed.id}/regenerate").status_code == 302
    assert client.get(path_of(theirs)).status_code == 200


@pytest.mark.parametrize("username", ["wangfang", "zhangwei"], ids=["cleaner", "technician"])
def test_a_cleaner_or_technician_cannot_subscribe_to_a_whole_site(
    app: Flask, estate: Estate, username: str
) -> None:
    response = _login(app, username).post(
        "/feeds/new", data={"feed-scope": "site", "feed-code": "DEMO", "back": "feeds"}
    )

    assert response.status_code == 422
    assert "You may not subscribe to this calendar." in response.get_data(as_text=True)
    assert db.session.scalar(select(CalendarFeed.id)) is None


def test_bad_settings_are_explained_next_to_their_fields(app: Flask, estate: Estate) -> None:
    response = _login(app, "zhaolei").post(
        "/feeds/new",
        data={"feed-scope": "building", "feed-code": "DEMO:T1-B1", "feed-days_ahead": "999"},
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "is not a building" in page
    assert "Between 1 and 366 days." in page


def test_a_feed_near_google_s_limit_is_flagged(
    app: Flask, estate: Estate, issue: Callable[..., Issued]
) -> None:
    issued = issue("person")
    client = _login(app, "zhangwei")
    client.get(path_of(issued))
    assert "700 KB" not in client.get("/feeds/").get_data(as_text=True)
    db.session.execute(update(FeedCache).values(size=800 * 1024))
    db.session.commit()

    assert "This calendar is over 700 KB" in client.get("/feeds/").get_data(as_text=True)


def test_the_feed_list_needs_a_login(client: FlaskClient) -> None:
    assert client.get("/feeds/").status_code == 302


def test_an_admin_issues_a_link_from_the_shell(
    estate: Estate, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(args=["feeds", "issue", "--user", "zhangwei", "--scope", "team",
                                 "--target", "ENG"])  # fmt: skip
    url, webcal = result.output.split()

    assert result.exit_code == 0, result.output
    assert LINK.fullmatch(url) and webcal == url.replace("https://", "webcal://")
    assert client.get(url.removeprefix(BASE_URL)).status_code == 200


def test_the_shell_explains_a_refusal(estate: Estate, runner: FlaskCliRunner) -> None:
    unknown = runner.invoke(args=["feeds", "issue", "--user", "nobody"])
    refused = runner.invoke(args=["feeds", "issue", "--user", "wangfang", "--scope", "site",
                                  "--target", "DEMO"])  # fmt: skip

    assert unknown.exit_code != 0 and "no user 'nobody'" in unknown.output
    assert refused.exit_code != 0 and "may not subscribe" in refused.output


def test_an_admin_revokes_every_link_of_a_user(
    estate: Estate, runner: FlaskCliRunner, client: FlaskClient, issue: Callable[..., Issued]
) -> None:
    mine, team = issue("person"), issue("team")
    result = runner.invoke(args=["feeds", "revoke", "--user", "zhangwei"])

    assert result.exit_code == 0 and "revoked 2" in result.output
    assert client.get(path_of(mine)).status_code == 404
    assert client.get(path_of(team)).status_code == 404
