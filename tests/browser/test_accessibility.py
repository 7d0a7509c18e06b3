"""An automated accessibility audit: axe-core (from the npm registry, node_modules/) run in
Chromium on the main pages in each language, and journeys made with the keyboard alone."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from discussions.models import Post
from newsletter.models import Subscriber
from tests.conftest import PASSWORD
from tests.discussions.conftest import old_account, representative

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "",
    "members/",
    "members/condesan/",
    "activities/andean-ecotourism-feasibility-study/",
    "events/",
    "newsletter/",
    "discussions/",
    "discussions/microfinance/",
    "consultations/mountain-ecotourism/",
    "search/?q=andes",
    "accounts/login/",
]


@pytest.fixture
def demo(transactional_db):
    call_command("loaddemo", verbosity=0)


def audit(page) -> list[dict]:
    """Serious and critical violations that axe-core finds on the page."""
    assert AXE.exists(), "axe-core is missing: `make test` installs it (npm ci)"
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in json.loads(result)
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_main_pages_have_no_serious_accessibility_violations(
    browser, live_server, demo, language
):
    # axe-core needs the page's script engine (its timers); the pages have no script of their own.
    context = browser.new_context()
    page = context.new_page()
    found = {}
    for path in PAGES:
        page.goto(f"{live_server.url}/{language}/{path}")
        violations = audit(page)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}


def test_a_reader_subscribes_to_the_newsletter_with_the_keyboard_only(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/newsletter/")
    # From the top of the page: the skip link first, then into the form.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "email":
            break
    assert page.evaluate("document.activeElement.name") == "email"
    page.keyboard.type("lecteur.clavier@example.org")
    # Through the rest of the form to its button, accepting every default.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit" and page.evaluate(
            "document.activeElement.closest('main') !== null"
        ):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Subscriber.objects.filter(email="lecteur.clavier@example.org", language="fr").exists()
    context.close()


def test_a_member_posts_a_reply_with_the_keyboard_only(browser, live_server, demo):
    member = old_account(representative(first_name="Kiri", last_name="Tenzing"))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    for field, value in [("login", member.email), ("password", PASSWORD)]:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == field:
                break
        page.keyboard.type(value)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    topic = Post.objects.filter(topic__space__slug="microfinance").first().topic
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the content
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "body":
            break
    page.keyboard.type("Typed with the keyboard alone.")
    page.keyboard.press("Tab")  # the language
    page.keyboard.press("Tab")  # the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Post.objects.filter(author=member, body="Typed with the keyboard alone.").exists()
    context.close()


def test_the_audit_does_find_violations(browser):
    """The audit itself: a page with an unlabelled field and an image without text fails it."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><body><main><img src="x.png"><input></main></body></html>')
    assert {violation["id"] for violation in audit(page)} >= {"image-alt", "label"}
    context.close()


def test_the_dashboard_and_its_charts_have_no_serious_accessibility_violations(
    new_page, secretariat_user, demo, screenshot
):
    from tests.browser.conftest import sign_in_page
    from tests.pages import sent_edition

    reader = Subscriber.objects.create(
        email="reader@example.org", language="es", status="confirmed"
    )
    sent_edition().deliveries.create(subscriber=reader, language="es", status="sent")
    page = new_page(javascript=True)  # for axe-core only
    sign_in_page(page, secretariat_user, secretariat_user.totp_secret)
    for language in ["en", "fr", "es"]:
        page.goto(f"/{language}/dashboard/")
        assert page.locator("svg.chart[role=img]").count() == 4
        screenshot(page, f"dashboard-charts-{language}")
        assert audit(page) == [], language
