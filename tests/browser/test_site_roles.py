"""An admin grants and withdraws a person's role at one site, on a phone and at a desk.

The site-roles page was built for issue 14 and tested through the test client; here a
person uses it in Chromium: the staff list, the person, 项目角色, a role granted at a site
the person could not see, proved by that person's own browser, then withdrawn again
(the confirmation dialog included). The demo is restored at the end, as the other
browser tests expect it.
"""

from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.equipment.models import Equipment
from app.extensions import db
from app.sites.models import Site
from tests.browser.conftest import log_in
from tests.browser.test_page_sweep import MIN_TARGET_PX, SIDEWAYS, SMALL_TARGETS

OTHER_SITE = "阳光花园"  # tech2 works at 翠湖商务中心 only
PERSON = "何志明"


@pytest.fixture
def sunny_equipment(demo_app: Flask) -> str:
    """A page of 阳光花园's ledger that tech2 may not open until given a role there."""
    with demo_app.app_context():
        site_id = db.session.scalar(select(Site.id).where(Site.name == OTHER_SITE))
        equipment_id = db.session.scalar(
            select(Equipment.id).where(Equipment.site_id == site_id).order_by(Equipment.id)
        )
    return f"/equipment/{equipment_id}"


def _status_for_tech2(open_page: Callable[..., Page], path: str) -> int:
    """What tech2's own, freshly logged-in browser gets for the page."""
    page = open_page(None, "desktop")
    log_in(page, "tech2")
    answer = page.goto(path)
    assert answer is not None
    return answer.status


def _site_roles_page(page: Page) -> None:
    """From the staff list to the person's 项目角色, as an admin finds it."""
    page.goto("/people/staff")
    namesakes = page.get_by_role("row").filter(has_text=PERSON)  # two 何志明 in the demo
    namesakes.filter(has_text="tech2").get_by_role("link", name=PERSON).click()
    page.get_by_role("link", name="项目角色").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PERSON)
    expect(page.locator("#site-roles")).to_contain_text("翠湖商务中心")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_an_admin_grants_a_role_at_another_site_and_withdraws_it_again(
    open_page: Callable[..., Page], sunny_equipment: str, size: str
) -> None:
    assert _status_for_tech2(open_page, sunny_equipment) == 404
    page = open_page("admin", size)
    _site_roles_page(page)
    roles = page.locator("#site-roles")
    expect(roles).not_to_contain_text(OTHER_SITE)
    assert page.evaluate(SIDEWAYS) <= 0
    if size == "phone":
        assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []

    page.get_by_label("项目", exact=True).select_option(label=OTHER_SITE)
    page.get_by_label("角色", exact=True).last.select_option(label="只读")
    page.get_by_role("button", name="授予", exact=True).click()
    granted = roles.get_by_role("row").filter(has_text=OTHER_SITE)
    expect(granted).to_contain_text("只读")
    assert _status_for_tech2(open_page, sunny_equipment) == 200

    page.once("dialog", lambda dialog: dialog.accept())
    granted.get_by_role("button", name="收回").click()
    expect(roles).not_to_contain_text(OTHER_SITE)
    assert _status_for_tech2(open_page, sunny_equipment) == 404
