"""The header of every role: one line at 1 280 px, and at 390 px a phone menu a keyboard opens."""

import pytest

from tests.e2e.conftest import check_axe, login

pytestmark = [pytest.mark.django_db(transaction=True)]

ROLES = ("trainee", "trainer", "secretary", "officer", "editor", "administrator")


@pytest.fixture
def administrator(make_user, agency_tree):
    return make_user(None, agency=agency_tree["province"], is_staff=True, is_superuser=True)


def _page(browser, live_server, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", base_url=live_server.url
    )
    return context, context.new_page()


@pytest.mark.parametrize("role", ROLES)
def test_header_is_one_line_at_1280px(browser, live_server, request, role, site_tree):
    user = request.getfixturevalue(role)
    context, page = _page(browser, live_server, 1280, 800)
    login(page, user.email, "secret-pass-123")
    page.goto("/")
    height = page.evaluate("() => document.querySelector('.header-inner').offsetHeight")
    context.close()
    assert height <= 64, f"the {role}'s header wraps ({height}px high)"


@pytest.mark.parametrize("role", ROLES)
def test_keyboard_opens_the_phone_menu_and_reaches_every_link(
    browser, live_server, request, role, site_tree
):
    user = request.getfixturevalue(role)
    context, page = _page(browser, live_server, 390, 844)
    login(page, user.email, "secret-pass-123")
    page.goto("/")
    nav = page.locator("#site-nav")
    toggle = page.locator("button[data-nav-toggle]")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-nav-toggle')")
    page.keyboard.press("Enter")
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate(
        "() => document.getElementById('site-nav').contains(document.activeElement)"
    )

    group = nav.locator("details[data-nav-group] > summary")
    wanted = set(nav.locator("a").evaluate_all("links => links.map(a => a.href)"))
    reached = set()
    for _ in range(40):
        focused = page.evaluate(
            "() => ({href: document.activeElement.href || '',"
            " summary: document.activeElement.tagName === 'SUMMARY',"
            " inside: document.getElementById('site-nav').contains(document.activeElement)})"
        )
        if not focused["inside"]:
            break
        if focused["summary"] and not page.evaluate("() => document.activeElement.parentNode.open"):
            page.keyboard.press("Enter")  # open the "Quản lý" staff menu
        if focused["href"]:
            box = page.evaluate("() => document.activeElement.getBoundingClientRect().right")
            assert box <= 390, f"{focused['href']} is cut off at the right edge"
            reached.add(focused["href"])
        page.keyboard.press("Tab")
    assert reached == wanted, f"not reachable by keyboard: {wanted - reached}"
    check_axe(page)  # with the menu (and the staff menu) open
    if group.count():
        assert group.is_visible()

    toggle.focus()
    page.keyboard.press("Enter")  # closed again
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-nav-toggle')")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 1, f"the {role}'s page scrolls sideways by {overflow}px"
