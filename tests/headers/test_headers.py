"""Security headers on every response, and no inline script or style on any page (issue 14).

The policy forbids inline `<script>`, `on…=` handlers, `javascript:` URLs and `style=`
attributes; a page that used one would silently break in the browser. So every page
of the demo is fetched, as each demo login, and its HTML checked.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app import create_app
from app.demo.data.people import DEMO_PASSWORD
from app.extensions import db
from app.workorders.models import WorkOrder

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style(?P<attrs>[^>]*)>", re.I)
REMOTE_ASSET = re.compile(r"""<(?:script|link|img)[^>]*\s(?:src|href)=["']?(?:https?:)?//""", re.I)
LINK = re.compile(r"""<a\s[^>]*href="(?P<href>/[^"]*)\"""")
SKIP = re.compile(r"\.(pdf|ics|xlsx|csv|png|jpe?g|svg|zip)(\?|$)|/export|/file/|/print/")
MAX_PAGES = 160


def _inline_problems(html: str, nonce: str | None) -> list[str]:
    problems = []
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("on…= handler", HANDLER),
        ("javascript: URL", JS_URL),
        ("style= attribute", STYLE_ATTR),
        ("asset from another host", REMOTE_ASSET),
    ):
        problems += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    for element in STYLE_ELEMENT.finditer(html):
        if not nonce or f'nonce="{nonce}"' not in element.group("attrs"):
            problems.append(f"<style> without this response's nonce: {element.group(0)}")
    return problems


def _nonce(response: TestResponse) -> str | None:
    found = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    return found.group(1) if found else None


def _assert_security_headers(response: TestResponse) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert re.search(r"style-src 'self'( 'nonce-[^']+')?;", csp)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_handlers_javascript_urls_or_style_attributes() -> None:
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for problem in _inline_problems(text, nonce="{{ csp_nonce() }}"):
            problems.append(f"{path.relative_to(TEMPLATES)}: {problem}")
    assert problems == []


def _log_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


def _sweep(client: FlaskClient) -> tuple[int, dict[str, list[str]]]:
    """Follow every same-site link from the home page; problems per page."""
    seen, queue, problems = {"/"}, deque(["/"]), {}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        g.pop("_login_user", None)  # the test's app context outlives requests
        response = client.get(url)
        _assert_security_headers(response)
        assert response.status_code < 500, url
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        html = response.get_data(as_text=True)
        if found := _inline_problems(html, _nonce(response)):
            problems[url] = found
        for match in LINK.finditer(html):
            href = match.group("href").replace("&amp;", "&")
            path = urlsplit(href).path
            if href not in seen and not SKIP.search(href) and path != "/logout":
                seen.add(href)
                queue.append(href)
    return len(seen), problems


@pytest.mark.parametrize("username", ["admin", "tech"])
def test_every_demo_page_has_no_inline_script_or_style_and_every_header(
    app: Flask, demo: None, username: str
) -> None:
    pages, problems = _sweep(_log_in(app, username))
    assert problems == {}
    assert pages > 40  # the sweep really went through the demo


PREVIEWS = [
    "/print/checklist?site=DEMO&team=CLN&date=2026-03-03",
    "/print/checklist?site=DEMO&team=ENG&date=2026-03-03",
    "/print/patrol?site=DEMO&team=SEC&date=2026-03-03&shift=night",
    "/print/roster?site=DEMO&team=SEC&start=2026-03-03&span=month",
    "/print/labels?site=DEMO&category=elevator",
    "/print/history?site=DEMO&asset=EL-T1-01&start=2026-03-01&end=2026-03-31",
]


def test_print_previews_style_their_computed_layout_only_through_the_nonce(
    app: Flask, demo: None
) -> None:
    client = _log_in(app, "admin")
    visit = db.session.scalars(select(WorkOrder.id).order_by(WorkOrder.id)).first()
    for url in [*PREVIEWS, f"/print/record/{visit}"]:
        g.pop("_login_user", None)
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)
        html = response.get_data(as_text=True)
        assert _inline_problems(html, _nonce(response)) == [], url
    checklist = client.get(PREVIEWS[0])
    assert f'<style nonce="{_nonce(checklist)}">' in checklist.get_data(as_text=True)
    assert (
        f"style-src 'self' 'nonce-{_nonce(checklist)}'"
        in (checklist.headers["Content-Security-Policy"])
    )


@pytest.mark.parametrize(
    "url", ["/login", "/static/rounds.css", "/no-such-page", "/api/v1/openapi.json", "/r/new"]
)
def test_security_headers_are_on_pages_files_errors_and_the_api(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url)
    _assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # development: no TLS


def test_production_sends_hsts_and_secure_cookies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    response = app.test_client().get("/login", base_url="https://rounds.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    _assert_security_headers(response)
