"""The design system in a real browser: the filter panel folds on a phone and stands open on
a wide screen without any script; the pages the identity adds pass axe and fit 320 px."""

import pytest

from tests.browser.test_accessibility import audit
from tests.pages import LANGUAGES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/en/activities/", "/fr/funding/", "/es/style/", "/fr/members/"])
def test_the_filter_panel_is_folded_on_a_phone_and_open_on_a_wide_screen(new_page, path):
    phone = new_page(width=360, height=740)
    phone.goto(path)
    panel = phone.locator("details.filter-panel")
    field = panel.locator("form.filters button[type=submit]")
    assert panel.get_attribute("open") is None
    assert not field.is_visible()
    # The summary still opens it, with the keyboard as with a finger.
    panel.locator("summary").focus()
    phone.keyboard.press("Enter")
    assert field.is_visible()

    wide = new_page(width=1280, height=800)
    wide.goto(path)
    assert wide.locator("details.filter-panel").get_attribute("open") is None
    assert wide.locator("details.filter-panel form.filters button[type=submit]").is_visible()


def test_a_filtered_list_opens_its_panel_on_a_phone(new_page):
    phone = new_page(width=360, height=740)
    phone.goto("/en/activities/?status=planning")
    assert phone.locator("details.filter-panel form.filters button").is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_identity_pages_fit_a_phone_and_pass_axe(new_page, language):
    page = new_page(locale=language, width=320, height=640, javascript=True)
    problems = {}
    for path in ["", "privacy/", "accessibility/", "style/", "accounts/login/", "newsletter/"]:
        page.goto(f"/{language}/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        violations = audit(page)
        if width > 320 or violations:
            problems[path] = (width, violations)
    assert problems == {}
