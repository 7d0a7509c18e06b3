"""Every public page, in the three languages, as a phone and a desktop browser show it."""

import re

import pytest

from tests.pages import LANGUAGES, every_public_page, sent_edition

pytestmark = pytest.mark.django_db(transaction=True)

# An ampersand that does not start a character reference: "?type=government&region=europe"
# reads as "?type=government®ion=europe", since "&reg" is the registered sign.
BARE_AMPERSAND = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#[0-9]+;|#[xX][0-9A-Fa-f]+;)")

SITE_NAMES = ("Mountain Partnership", "Partenariat de la montagne", "Alianza para las Montañas")

# Each language is measured and screenshotted on a few pages of each kind.
SCREENSHOTS = {
    "",
    "members/condesan/",
    "areas/",
    "activities/andean-ecotourism-feasibility-study/",
    "funding/",
    "newsletter/",
    "discussions/",
    "data/",
}


def test_every_page_fits_a_320_pixel_screen_and_has_a_plain_title(new_page, demo, screenshot):
    sent_edition()
    paths = every_public_page()
    assert len(paths) > 200 and "newsletter/2006-04/" in paths
    # JavaScript is on only so that the test can measure the page's width.
    problems = []
    for language in LANGUAGES:
        page = new_page(locale=language, width=320, height=640, javascript=True)
        for path in paths:
            url = f"/{language}/{path}"
            response = page.goto(url)
            if response.status != 200:
                problems.append(f"{url}: HTTP {response.status}")
                continue
            title = page.title()
            if "<" in title or not title.endswith(
                ("Mountain Partnership", "de la montagne", "las Montañas")
            ):
                problems.append(f"{url}: title {title[:120]!r}")
            broken = page.evaluate(BROKEN_BADGES)
            if broken:
                problems.append(f"{url}: badges broken over two lines: {broken}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide = page.evaluate(WIDEST_ELEMENT)
                problems.append(f"{url}: {width} px wide ({wide})")
            bare = BARE_AMPERSAND.search(response.text())
            if bare:
                html = response.text()
                problems.append(f"{url}: bare & in {html[bare.start() - 40 : bare.end() + 20]!r}")
            if path in SCREENSHOTS:
                name = path.strip("/").replace("/", "-") or "home"
                screenshot(page, f"every-page-{name}-{language}-320px")
    assert not problems, "\n".join(problems)


# Status badges ("Under way") that the line breaks in two ("En | cours").
BROKEN_BADGES = """() => [...document.querySelectorAll('.status')]
  .filter(badge => badge.getClientRects().length > 1).map(badge => badge.textContent)"""

# The element that sticks out furthest to the right, to say which one makes a page too wide.
WIDEST_ELEMENT = """() => {
  let widest = null, right = 0;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > right) { right = box.right; widest = element; }
  }
  if (!widest) return '';
  const name = widest.tagName.toLowerCase() + (widest.className ? '.' + widest.className : '');
  return name + ' to ' + Math.round(right) + ' px: ' + widest.textContent.trim().slice(0, 40);
}"""
