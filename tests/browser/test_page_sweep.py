"""Every page the menus reach, for every demo role, in both languages, at both sizes.

Each page must answer without a server error, never scroll sideways, speak the user's
language (no English words or raw keys in Chinese, no Chinese in English, except data;
tests/untranslated.py), and on a phone offer every control as a target of at least
44 px (WCAG 2.5.5, Apple's HIG). One test per role, language and size keeps a browser
context for all of that role's pages.
"""

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import DEMO_ROLES
from tests.untranslated import data_strings, visible_text, wrong_language

MIN_TARGET_PX = 44
LANGUAGES = {"zh": "zh_CN", "en": "en"}

# The menu's links and the profile link; each role sees only what it may use.
MENU_LINKS = """() => [...document.querySelectorAll('#nav a[href^="/"]')]
  .map(a => a.getAttribute('href'))"""

# Controls a finger must hit, with their size; a checkbox or radio counts with its label row.
SMALL_TARGETS = """(minimum) => {
  const picked = 'main button, main .btn, main select, main input:not([type=hidden]), '
    + 'main textarea, main table a, main .list-group a, main .card a.btn, main .page-link';
  const small = [];
  for (const element of document.querySelectorAll(picked)) {
    let target = element;
    if (element.matches('input[type=checkbox], input[type=radio]')) {
      target = element.closest('.form-check, label, li')
        || document.querySelector(`label[for="${element.id}"]`) || element;
      if (element.classList.contains('btn-check')) {
        target = document.querySelector(`label[for="${element.id}"]`) || element;
      }
    }
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (box.height < minimum - 0.5) {
      small.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} `
        + `"${(element.innerText || element.name || element.value || '').trim().slice(0, 30)}" `
        + `${Math.round(box.height)}px`);
    }
  }
  return small;
}"""

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


# The menu's entries, [top, height] each: one row at one line's height, or it wraps.
MENU_BOXES = """() => [
  ...document.querySelectorAll('#nav .nav-link, #nav .navbar-text, #nav button')
].map(element => element.getBoundingClientRect())
 .map(box => [Math.round(box.top), Math.round(box.height)])"""


@pytest.fixture(scope="session")
def demo_data(demo_app: Flask) -> list[str]:
    """What people and the demo wrote (names, codes): allowed in either language."""
    with demo_app.app_context():
        return data_strings()


def _menu_pages(page: Page) -> list[str]:
    page.goto("/work/")
    links: list[str] = page.evaluate(MENU_LINKS)
    return list(dict.fromkeys(link for link in links if not link.startswith("/logout")))


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_menu_page_fits_answers_speaks_the_language_and_has_big_enough_targets(
    open_page, set_language, demo_data: list[str], username: str, language: str, size: str
) -> None:
    set_language(username, LANGUAGES[language])
    page: Page = open_page(username, size)
    problems: list[str] = []
    pages = _menu_pages(page)
    assert pages, "the menu offers no pages"
    for path in pages:
        response = page.goto(path)
        assert response is not None
        if response.status >= 500:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        wrong = wrong_language(visible_text(page.content(), language), language, demo_data)
        if wrong:
            problems.append(f"{path}: not in {language}: {wrong[:8]}")
        sideways = page.evaluate(SIDEWAYS)
        if sideways > 0:
            problems.append(f"{path}: scrolls {sideways}px sideways")
        if size == "phone":
            small = page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)
            problems += [f"{path}: small target {what}" for what in small[:5]]
    assert not problems, "\n".join(problems)


def test_the_sweep_notices_a_small_button_and_a_page_wider_than_the_phone(open_page) -> None:
    page: Page = open_page(None, "phone")
    page.set_content(
        '<meta name="viewport" content="width=device-width">'
        '<main><button style="height:30px">小</button>'
        '<div style="width:600px">宽</div></main>'
    )
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == ['button. "小" 30px']
    assert page.evaluate(SIDEWAYS) > 0


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_admins_menu_fits_on_one_line_on_a_desktop(
    open_page, set_language, language: str
) -> None:
    set_language("admin", LANGUAGES[language])
    page: Page = open_page("admin", "desktop")
    page.goto("/work/")
    boxes: list[list[int]] = page.evaluate(MENU_BOXES)
    tops = [top for top, _height in boxes]
    heights = [height for _top, height in boxes]
    assert len(boxes) > 10, "the admin's menu is not all there"
    assert max(tops) - min(tops) <= 8, f"menu entries start at {sorted(tops)}: a second row"
    assert max(heights) <= 44, f"menu entries are {sorted(heights)} px high: text wraps"
