"""The map of members in Chromium: on a phone's width, through axe-core, named for a screen
reader and reachable with the keyboard."""

import pytest

from members.models import Member
from tests.browser.test_accessibility import audit

pytestmark = pytest.mark.django_db(transaction=True)

MAP_PAGES = ["", "members/", "areas/andes/"]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_map_pages_fit_a_phone_and_pass_axe(new_page, demo, screenshot, language):
    # JavaScript is on only for the measure and for axe-core; the pages have no script.
    page = new_page(locale=language, width=320, height=640, javascript=True)
    for path in MAP_PAGES:
        page.goto(f"/{language}/{path}")
        assert page.locator("figure.worldmap svg").count() == 1, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert page.locator("figure.worldmap svg").bounding_box()["width"] <= 320, path
        assert audit(page) == [], path
    screenshot(page, f"map-area-{language}-phone")


def test_a_country_on_the_map_is_a_named_link_the_keyboard_reaches(new_page, demo):
    page = new_page()
    page.goto("/en/")
    in_peru = Member.objects.public().filter(country="PE").count()
    peru = page.get_by_role("link", name=f"Peru: {in_peru} members")
    assert peru.count() == 1 and peru.get_attribute("href") == "/en/members/?country=PE"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == (
            "/en/members/?country=PE"
        ):
            break
    else:
        pytest.fail("Tab never reached Peru on the map")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/members/?country=PE")
    assert page.locator("ol.list li").count() == in_peru
