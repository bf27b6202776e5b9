"""Every page the menus reach, for every demo role, in both languages, at both sizes.

Each page must answer without a server error, never scroll sideways, and on a phone
offer every control as a target of at least 44 px (WCAG 2.5.5, Apple's HIG). One test
per role, language and size keeps a browser context for all of that role's pages.
"""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import DEMO_ROLES

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


def _menu_pages(page: Page) -> list[str]:
    page.goto("/work/")
    links: list[str] = page.evaluate(MENU_LINKS)
    return list(dict.fromkeys(link for link in links if not link.startswith("/logout")))


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_menu_page_fits_answers_and_has_big_enough_targets(
    open_page, set_language, username: str, language: str, size: str
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
