"""The secretariat's journeys through the real admin, signed in with its second factor, in
Chromium with JavaScript off: what it does shows at once to visitors and in search."""

import pytest
from django.core import mail

from activities.services import news_submit
from members.models import Member, MembershipApplication, Representation
from newsletter.models import Edition
from tests.conftest import verified_user
from tests.factories import AreaFactory, MemberFactory, MembershipApplicationFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_builds_an_edition_with_two_items_and_sends_a_test(admin_page, screenshot):
    page = admin_page
    page.goto("/admin/newsletter/edition/add/")
    page.fill('input[name="month"]', "2026-05-01")
    page.fill('textarea[name="intro_en"]', "Welcome to the May issue.")
    # Two empty item rows are there without JavaScript.
    for i, (title, body) in enumerate(
        [("Seed fairs in Cusco", "Three valleys."), ("Glacier study", "Out now.")]
    ):
        page.fill(f'input[name="items-{i}-position"]', str(i + 1))
        page.fill(f'input[name="items-{i}-title_en"]', title)
        page.fill(f'textarea[name="items-{i}-body_en"]', body)
    page.locator('input[name="_continue"]').click()
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]
    edition = Edition.objects.get()
    assert sorted(edition.items.values_list("title_en", flat=True)) == [
        "Glacier study",
        "Seed fairs in Cusco",
    ]
    screenshot(page, "admin-edition-saved")

    page.fill("#test-email", "me@example.org")
    page.select_option("#test-language", "en")
    page.get_by_role("button", name="Send the test").click()
    assert [message.to for message in mail.outbox] == [["me@example.org"]]
    body = mail.outbox[0].body
    assert "seed fairs in cusco" in body.lower() and "__" not in body
    assert "Test sent to me@example.org." in page.locator(".messagelist").inner_text()
    # The email's preview shows the logo (inline, as the email carries it).
    page.goto(f"/admin/newsletter/edition/{edition.pk}/preview/fr/")
    assert page.locator("img").evaluate("image => image.complete && image.naturalWidth") == 96


def test_the_secretariat_approves_an_application(admin_page, live_server, new_page):
    region = RegionFactory(name_en="Latin America and the Caribbean")
    application = MembershipApplicationFactory(
        status=MembershipApplication.Status.PENDING,
        name="Asociación de Páramos",
        language="es",
        focal_point_email="ana@example.org",
    )
    application.areas.add(AreaFactory())
    page = admin_page
    page.goto(f"/admin/members/membershipapplication/{application.pk}/change/")
    page.check('input[name="organisation_verified"]')
    page.check('input[name="focal_point_confirmed"]')
    page.select_option('select[name="region"]', str(region.pk))
    page.locator('input[name="_approve"]').click()
    assert "/admin/members/membershipapplication/" in page.url
    assert "Asociación de Páramos" in page.locator(".messagelist").inner_text()
    member = Member.objects.get(name_en="Asociación de Páramos")
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    visitor = new_page(locale="es-ES")
    visitor.goto("/es/members/")
    assert "Asociación de Páramos" in visitor.locator("main").inner_text()
    visitor.goto("/es/search/?q=páramos")
    assert visitor.locator(f'a[href="/es/members/{member.slug}/"]').count() == 1


def test_the_secretariat_publishes_a_members_news_found_at_once_in_french(
    admin_page, new_page, screenshot
):
    member = MemberFactory(slug="condesan")
    author = verified_user()
    Representation.objects.create(user=author, member=member, role="colleague")
    news = news_submit(
        member=member,
        user=author,
        language="fr",
        title="Foires aux semences andines",
        summary="Des foires dans trois vallées.",
        body="Les communautés échangent leurs variétés.",
    )
    visitor = new_page(locale="fr-FR")
    visitor.goto("/fr/news/")
    assert "Foires aux semences" not in visitor.locator("main").inner_text()  # and now cached

    page = admin_page
    page.goto("/admin/activities/news/")
    page.check(f'input[name="_selected_action"][value="{news.pk}"]')
    page.select_option('select[name="action"]', "publish")
    page.locator('button[name="index"]').click()
    assert "1 news post approved and published." in page.locator(".messagelist").inner_text()
    screenshot(page, "admin-news-published")

    visitor.goto("/fr/news/")
    assert "Foires aux semences andines" in visitor.locator("main").inner_text()
    visitor.goto("/fr/search/?q=semences")
    assert visitor.locator(f'a[href="/fr/news/{news.slug}/"]').count() == 1
    screenshot(visitor, "news-found-in-french-search")
