"""Real-browser fixtures: the demo served by a live server, Chromium from Debian.

One server per session (per xdist worker) serves a temp-file SQLite database (or
ROUNDS_TEST_DATABASE_URL) with the demo loaded once, on a clock pinned to the demo's
Monday morning. Each demo role logs in once, through the login form, and every test
starts from that role's saved cookies. A test fails when the page logs a console
error (a CSP violation from an inline script shows up there).

Playwright may not download its own browser here, so it drives Debian's
`chromium-headless-shell` (about 4x faster per test than the full `chromium`).
"""

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page
from sqlalchemy import select, text
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from app.core import clock
from app.demo.data.people import DEMO_PASSWORD
from app.demo.services import load_demo
from app.extensions import db
from app.people.models import User

CHROMIUM = os.environ.get("ROUNDS_TEST_CHROMIUM", "/usr/bin/chromium-headless-shell")
POSTGRES_URL = os.environ.get("ROUNDS_TEST_DATABASE_URL", "")
DEMO_MONDAY_MORNING = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
CLIENT_ERROR = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns failures
ACTION_TIMEOUT_MS = 15_000  # a busy CI machine; a missing element still fails in seconds, not 30
DEMO_ROLES = ("admin", "supervisor", "tech", "cleanlead", "guardlead", "viewer")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test: `-m browser` selects them, the default run skips them."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's headless shell instead of the Chromium `playwright install` would download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a fresh database with the demo loaded once, clock at the demo's Monday 09:00."""
    folder = tmp_path_factory.mktemp("live")
    url = POSTGRES_URL or f"sqlite:///{folder / 'rounds.sqlite3'}"
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "browser-test-secret",
            "ROUNDS_UPLOAD_DIR": str(folder / "uploads"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    clock.pin(DEMO_MONDAY_MORNING)
    with application.app_context():
        if POSTGRES_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        load_demo()
        db.session.commit()
        db.session.remove()
    yield application
    clock.pin(None)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(demo_app: Flask) -> Iterator[str]:
    """The demo app served by werkzeug in a thread, so tests can reach its database directly."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-base-url's fixture, so `page.goto("/work/")` is relative to the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: str) -> dict[str, Any]:
    return {
        **browser_context_args,
        "base_url": live_server,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Type the username and password and press Enter, as a person does."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="session")
def auth_state(
    browser: Browser,
    browser_context_args: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], str]:
    """`auth_state("tech")`: the saved cookies of that demo login, logging in on first use."""
    folder = tmp_path_factory.mktemp("auth")
    saved: dict[str, str] = {}

    def state(username: str) -> str:
        if username not in saved:
            context = browser.new_context(**browser_context_args)
            log_in(context.new_page(), username)
            path = folder / f"{username}.json"
            context.storage_state(path=path)
            context.close()
            saved[username] = str(path)
        return saved[username]

    return state


@pytest.fixture
def console_errors() -> Iterator[list[str]]:
    """Errors the pages log; the test fails if any are left at the end."""
    errors: list[str] = []
    yield errors
    assert not errors, f"console errors: {errors}"


def _watch(page: Page, errors: list[str]) -> None:
    def record(message: ConsoleMessage) -> None:
        # A 4xx answer (a wrong password's 401) is logged too; tests assert statuses themselves.
        if message.type == "error" and not CLIENT_ERROR.match(message.text):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext],
    auth_state: Callable[[str], str],
    console_errors: list[str],
) -> Callable[..., Page]:
    """`open_page("tech", "phone")`: a fresh page, logged in as that demo user (None: anonymous)."""

    def open_(username: str | None, size: str = "phone") -> Page:
        args: dict[str, Any] = dict(SIZES[size])
        if username is not None:
            args["storage_state"] = auth_state(username)
        page = new_context(**args).new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        _watch(page, console_errors)
        return page

    return open_


@pytest.fixture
def set_language(demo_app: Flask) -> Iterator[Callable[[str, str], None]]:
    """Store a demo user's language (it wins over the session's); restored to Chinese after."""
    changed: set[str] = set()

    def write(username: str, locale: str) -> None:
        with demo_app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            assert user is not None
            user.locale = locale
            db.session.commit()
        changed.add(username)

    yield write
    for username in changed:
        write(username, "zh_CN")


class Counter:
    """Clicks and page loads of a journey, to hold it to an upper bound."""

    def __init__(self, page: Page) -> None:
        self.clicks = 0
        self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page: Page) -> None:
        self.loads += 1

    def click(self, locator: Any) -> None:
        self.clicks += 1
        locator.click()
