import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls
# (fixtures, teardown) are still synchronous, which Django must be told is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: `make test` installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/, as an artifact of the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return save


@pytest.fixture
def demo(transactional_db):
    """The demo partnership (`loaddemo`), as `make run` shows it."""
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(locale=..., width=...)`: a page in a fresh context, JavaScript off unless
    asked for (only to measure the page), closed after the test."""
    contexts = []

    def make(locale="en-GB", width=1280, height=800, javascript=False):
        context = browser.new_context(
            locale=locale,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            base_url=live_server.url,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in_page(page, user, secret=None, language="en"):
    """Sign in through the site's real login page, and its second-factor step when `secret`."""
    from tests.conftest import PASSWORD, totp_code

    page.goto(f"/{language}/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('main form button[type="submit"]').click()
    if secret:
        page.fill('input[name="code"]', totp_code(secret))
        # The step's own button comes first; the second cancels the sign-in.
        page.locator('main form button[type="submit"]').first.click()
    return page


@pytest.fixture
def admin_page(new_page, secretariat_user):
    """A page signed in as the secretariat, second factor passed, on the admin's index."""
    page = new_page()
    sign_in_page(page, secretariat_user, secretariat_user.totp_secret)
    page.goto("/admin/")
    assert page.locator("#site-name").count() == 1, page.url
    return page
