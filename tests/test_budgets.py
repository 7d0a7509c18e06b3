"""The page-weight budget, on every public page in the three languages, with the demo
partnership: the HTML and the stylesheets it links, each gzipped as the server sends them,
under 30 KB; the home page, which carries the map of members, under 45 KB.

The pages are those of tests/pages.py (one of each kind, and the page of every public record);
the browser tests walk the same list for width and accessibility.
"""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.pages import LANGUAGES, every_public_page, sent_edition

pytestmark = pytest.mark.django_db

KB = 1024
BUDGET = 30 * KB
HOME_BUDGET = 45 * KB
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def gzipped(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def stylesheets_weight(html: str) -> int:
    """The gzipped weight of the stylesheets `html` links to, read from the static files."""
    weight = 0
    for href in STYLESHEET.findall(html):
        assert href.startswith(settings.STATIC_URL), href
        found = finders.find(href.removeprefix(settings.STATIC_URL))
        assert found, f"{href}: no such static file"
        with open(found, "rb") as stylesheet:
            weight += gzipped(stylesheet.read())
    return weight


def weight_of(response) -> int:
    html = response.content.decode()
    return gzipped(response.content) + stylesheets_weight(html)


@pytest.fixture
def demo():
    call_command("loaddemo", verbosity=0)
    sent_edition()


def test_every_public_page_weighs_under_its_budget_gzipped_with_its_css(client, demo):
    paths = every_public_page()
    assert len(paths) > 200
    over, weights = [], {}
    for language in LANGUAGES:
        for path in paths:
            url = f"/{language}/{path}"
            response = client.get(url)
            assert response.status_code == 200, url
            weight = weights[url] = weight_of(response)
            budget = HOME_BUDGET if path == "" else BUDGET
            if weight >= budget:
                over.append(f"{url}: {weight / KB:.1f} KB (budget {budget // KB} KB)")
    assert not over, "\n".join(over)
    # The figures the README quotes (pytest -s shows them).
    heaviest = max(weights, key=weights.get)
    print(
        f"\n{len(paths)} paths in 3 languages; heaviest {heaviest} {weights[heaviest] / KB:.1f} KB;"
        f" home {weights['/en/'] / KB:.1f} KB"
    )


def test_the_weight_counts_the_stylesheet_each_page_links(client):
    html = client.get("/en/members/").content.decode()
    with open(finders.find("mountainpartnership/site.css"), "rb") as site_css:
        assert stylesheets_weight(html) >= gzipped(site_css.read()) > 0
