"""Browser journeys in Debian's Chromium driven by Playwright, against pytest-django's live server.

`make test` skips them when Chromium is absent; CI installs it and sets REQUIRE_BROWSER=1 so a
missing browser fails the run instead.
"""

import base64
import hashlib
import hmac
import os
import shutil
import struct
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


JOURNEYS = ("trainee", "trainer", "officer", "editor")


def pytest_configure(config):
    # One marker per journey so a single journey can be run with `-m journey_trainer`.
    for journey in JOURNEYS:
        config.addinivalue_line("markers", f"journey_{journey}: the {journey} browser journey")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        reason = f"Chromium not found at {CHROMIUM} (make e2e-deps installs it)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, viewport, live_server):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="vi-VN", base_url=live_server.url
    )
    context.set_default_timeout(int(os.environ.get("E2E_TIMEOUT_MS", "15000")))
    page = context.new_page()
    page.viewport_name = viewport
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/e2e/screenshots/ (kept by CI, ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_accessibility(page) -> None:
    """Checks on every key screen: language, labelled inputs, heading order, no sideways
    scrolling, and axe-core without serious or critical violations."""
    assert page.locator("html").get_attribute("lang") in ("vi", "en")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                           && !el.getAttribute('aria-labelledby') && !el.closest('label'))
            .map(el => el.name || el.id)"""
    )
    assert unlabelled == [], f"inputs without a label: {unlabelled}"
    levels = page.evaluate(
        "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".map(h => Number(h.tagName[1]))"
    )
    assert levels and levels[0] == 1, f"the page must start with one h1, got {levels}"
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, f"heading level jumps from h{previous} to h{current}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow}px"
    check_axe(page)


def login(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    # Wait for the POST's answer, not just the current page: the next goto must not cancel it.
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def totp_code(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    """RFC 6238 code for a base32 secret, as an authenticator app on the trainer's phone shows."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.replace(" ", "").upper(), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def submit(page, button) -> None:
    """Click a submit button and wait until the answer to the POST has loaded."""
    with page.expect_navigation():
        button.click()


def open_nav_link(page, name: str) -> None:
    """Follow a link of the main navigation, opening the ☰ menu first on a phone."""
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    if not nav.is_visible():
        page.locator("button[data-nav-toggle]").click()
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator("details[data-nav-group] > summary").click()  # the "Quản lý" staff menu
    link.click()


AXE_FAILING_IMPACTS = ("serious", "critical")


def check_axe(page) -> None:
    """axe-core (shipped by axe-playwright-python, no network) on the current page: no serious
    or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    failing = [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in AXE_FAILING_IMPACTS
    ]
    assert not failing, f"axe-core on {page.url}:\n" + "\n".join(failing)
