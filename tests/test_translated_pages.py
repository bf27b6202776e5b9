"""Every page in the user's language: no English or raw keys in the Chinese UI, no Chinese
in the English UI, except data (names, codes) that people or the demo wrote.

The pages come from the demo (阳光花园) through Flask's test client: the admin's menu and
one page of every kind linked from it (one asset, one work order, one catalog type...),
the technician's menu, and the error pages. The browser sweep applies the same rule to
what Chromium shows; this runs in the ordinary suite, in seconds rather than minutes.
"""

import importlib.util
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import flask_babel
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.exceptions import (
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)

from app import create_app
from app.core import clock
from app.demo.data.people import DEMO_PASSWORD
from app.demo.services import load_demo
from app.extensions import db
from app.people.models import User
from app.web.errors import MESSAGES
from tests.conftest import PINNED_NOW
from tests.untranslated import (
    CHINESE_IN_ENGLISH,
    CJK,
    data_strings,
    visible_text,
    wrong_language,
)

LANGUAGES = {"zh": "zh_CN", "en": "en"}
SCRIPT = Path(__file__).parent.parent / "scripts" / "translations.py"
# What a translation may keep as typed: placeholders and a JSON sample's keys.
LITERALS = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[^}]*\}")
HREF = re.compile(r'href="(/[^"#]*)"')
# Downloads and feeds are not pages; logging out would end the crawl.
NOT_PAGES = re.compile(
    r"/(logout|static|api|feeds?/)|\.(pdf|xlsx|ics|csv|png|svg|zip|css|js)\b|export"
)
MAX_PAGES = 250


@pytest.fixture(scope="module")
def demo_app(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo on its own SQLite copy, loaded once for the module, clock pinned."""
    path = tmp_path_factory.mktemp("translated") / "rounds.sqlite3"
    shutil.copy(migrated_template, path)
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret",
            "ROUNDS_UPLOAD_DIR": str(Path(path).parent / "uploads"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    application.before_request_funcs.setdefault(None, []).insert(0, flask_babel.refresh)
    with clock.pinned(PINNED_NOW):
        with application.app_context():
            load_demo()
            db.session.commit()
            db.session.remove()
        yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def data(demo_app: Flask) -> list[str]:
    with demo_app.app_context():
        return data_strings()


def _client(app: Flask, username: str, language: str) -> FlaskClient:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None
        user.locale = LANGUAGES[language]
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def _crawl(client: FlaskClient, *, follow: bool) -> Iterator[tuple[str, str]]:
    """(path, html) of the menu's pages and, with `follow`, one page of each kind they link."""
    start = client.get("/work/", follow_redirects=True).get_data(as_text=True)
    menu = list(dict.fromkeys(HREF.findall(start)))
    queue, seen, shapes = list(menu), set(), set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0).replace("&amp;", "&")
        if path in seen or NOT_PAGES.search(path) or (path not in menu and _shape(path) in shapes):
            continue
        seen.add(path)
        shapes.add(_shape(path))
        response = client.get(path)
        html = response.get_data(as_text=True)
        response.close()
        assert response.status_code < 500, f"{path}: HTTP {response.status_code}"
        if response.status_code == 200 and response.mimetype == "text/html":
            yield path, html
            if follow:
                queue += HREF.findall(html)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize(("username", "follow"), [("admin", True), ("tech", False)])
def test_every_page_speaks_the_users_language_with_no_raw_keys(
    demo_app: Flask, data: list[str], username: str, follow: bool, language: str
) -> None:
    client = _client(demo_app, username, language)
    problems = []
    pages = 0
    for path, html in _crawl(client, follow=follow):
        pages += 1
        wrong = wrong_language(visible_text(html, language), language, data)
        if wrong:
            problems.append(f"{path}: {wrong[:12]}")
    assert pages >= (60 if follow else 3), f"only {pages} pages reached"
    assert not problems, "\n".join(problems)


ERRORS: list[HTTPException] = [
    Forbidden(),
    NotFound(),
    RequestEntityTooLarge(),
    TooManyRequests(),
    InternalServerError(),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: str(e.code))
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_error_pages_say_what_happened_in_the_users_language(
    demo_app: Flask, error: HTTPException, language: str
) -> None:
    accept = {"zh": "zh-CN", "en": "en"}[language]
    with demo_app.test_request_context("/nowhere", headers={"Accept-Language": accept}):
        response = demo_app.make_response(demo_app.handle_http_exception(error))
        html = response.get_data(as_text=True)
        with flask_babel.force_locale("en"):
            english = str(MESSAGES[error.code])  # type: ignore[index]
    text = visible_text(html, language)
    assert response.status_code == error.code
    assert wrong_language(text, language) == []
    if language == "zh":
        assert english not in text and CJK.search(text)
    else:
        assert english in text


def test_the_check_notices_keys_english_and_chinese_but_not_data() -> None:
    chinese_page = (
        "<main><p>状态：in_service</p><p>频率：FREQ=WEEKLY;BYDAY=MO,TH</p>"
        "<span class='badge'>Planned</span><p title='Next page'>下一页</p>"
        "<p>型号 OTIS GeN2 · EL-T1-01 · 1,440 kW</p><code>rounds demo load</code></main>"
    )
    assert wrong_language(visible_text(chinese_page, "zh"), "zh", ["OTIS GeN2"]) == [
        "in_service",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        "Planned",
        "Next",
        "page",
    ]
    english_page = (
        "<main><p>Status: 在用</p><p>Asset 1号楼水泵</p><p>1 tasks, 2 items</p>"
        "<span lang='zh-CN'>特种设备安全法</span></main>"
    )
    assert wrong_language(visible_text(english_page, "en"), "en", ["1号楼水泵"]) == [
        "在用",
        "1 tasks",
    ]


def _catalog_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("translations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_is_english_in_the_code_and_chinese_in_the_zh_catalog() -> None:
    """English is the msgids themselves, Chinese the zh catalog: each must read as its own
    language, or one UI shows the other's words (an untranslated msgstr, a Chinese example
    in an English msgid)."""
    script = _catalog_script()
    catalog = script.read_catalog("zh")
    problems = []
    for (message_id, context), filename in script.extracted_keys().items():
        message = catalog.get(message_id, context)
        assert message is not None, f"{filename}: {message_id!r} is not in the zh catalog"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problems += [
            f"{filename}: English {i!r} has Chinese"
            for i in ids
            if wrong_language(i, "en", CHINESE_IN_ENGLISH)
        ]
        problems += [
            f"{filename}: Chinese {s!r} has {wrong}"
            for s in strings
            if (wrong := wrong_language(LITERALS.sub(" ", s), "zh")) or not s
        ]
    assert not problems, "\n".join(problems)
