"""A person logs in by typing and pressing Enter, or by tapping the button."""

import pytest
from playwright.sync_api import Page, expect

from app.demo.data.people import DEMO_PASSWORD
from tests.browser.conftest import log_in

LANDINGS = [
    ("admin", "/", "概览"),
    ("supervisor", "/work/board", "全部工作"),
    ("tech", "/work/", "我的工作"),
    ("cleanlead", "/work/", "我的工作"),
]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_pressing_enter_in_the_password_field_logs_in(open_page, size: str) -> None:
    page: Page = open_page(None, size)
    log_in(page, "tech")
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_tapping_the_login_button_logs_in(open_page, size: str) -> None:
    page: Page = open_page(None, size)
    page.goto("/login")
    page.get_by_label("用户名").fill("cleanlead")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


@pytest.mark.parametrize(("username", "path", "heading"), LANDINGS)
def test_each_role_lands_where_its_work_is(open_page, live_server: str, username, path, heading):
    page: Page = open_page(None, "desktop")
    log_in(page, username)
    assert page.url == live_server + path
    if heading:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()


def test_a_safe_next_is_followed_after_login(open_page, live_server: str) -> None:
    page: Page = open_page(None, "desktop")
    page.goto("/equipment/")
    page.get_by_label("用户名").fill("tech")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    expect(page).to_have_url(live_server + "/equipment/")


def test_a_wrong_password_keeps_the_person_on_the_login_page_with_a_message(open_page) -> None:
    page: Page = open_page(None, "phone")
    page.goto("/login")
    page.get_by_label("用户名").fill("tech")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
