"""A representative sends news and a newsletter item through the site; the secretariat finds
both in its inbox, declines one with a reason and publishes the other, coming back to the
inbox each time; the representative is told both in French and sees both at /fr/my/.
Chromium, JavaScript off."""

import pytest
from django.core import mail

from members.models import Representation
from tests.browser.conftest import sign_in_page
from tests.browser.test_inbox import header_link
from tests.conftest import verified_user
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_representative_sees_what_became_of_their_news_and_item(admin_page, new_page, screenshot):
    focal_point = FocalPointFactory(
        member__slug="condesan", member__name_en="CONDESAN", languages="français, quechua"
    )
    author = verified_user(email=focal_point.email)
    Representation.objects.create(
        user=author, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    page = sign_in_page(new_page(locale="fr-FR"), author, language="fr")

    page.goto("/fr/my/condesan/news/")
    page.fill('input[name="title"]', "Foires aux semences andines")
    page.fill('input[name="summary"]', "Des foires dans trois vallées.")
    page.fill('textarea[name="body"]', "Les communautés échangent leurs variétés.")
    page.select_option('select[name="language"]', "fr")
    page.locator("main form button[type=submit]").click()
    page.goto("/fr/my/condesan/newsletter-item/")
    page.fill('input[name="title"]', "Atelier sur l’eau à Cusco")
    page.fill('textarea[name="body"]', "Un atelier de trois jours.")
    page.fill('input[name="target_month"]', "2027-01")
    page.select_option('select[name="language"]', "fr")
    page.locator("main form button[type=submit]").click()
    from activities.models import News
    from newsletter.models import Item

    news, item = News.objects.get(), Item.objects.get()

    admin = admin_page
    # Both wait in the secretariat's inbox, counted in the admin's header.
    admin.goto("/admin/")
    assert header_link(admin) == "Inbox: 2 waiting"
    admin.locator("#user-tools a.inbox-link").click()
    rows = admin.locator("#inbox tbody tr:not(.inbox-translations)")
    assert rows.count() == 2
    listed = rows.all_inner_texts()
    assert any("Foires aux semences andines" in row for row in listed), listed
    assert any("Atelier sur l’eau à Cusco" in row for row in listed), listed

    admin.get_by_role("link", name="Foires aux semences andines").click()
    assert f"/admin/activities/news/{news.pk}/change/" in admin.url and "_inbox=1" in admin.url
    admin.select_option('select[name="status"]', "declined")
    admin.locator('input[name="_save"]').click()
    assert admin.locator(".errorlist").count() >= 1  # a decline needs its reason
    admin.fill('textarea[name="decline_reason"]', "Déjà publié le mois dernier.")
    admin.locator('input[name="_save"]').click()
    assert admin.url.endswith("/admin/inbox/"), admin.locator("#content").inner_text()[:2000]
    assert header_link(admin) == "Inbox: 1 waiting"

    admin.get_by_role("link", name="Atelier sur l’eau à Cusco").click()
    assert f"/admin/newsletter/item/{item.pk}/change/" in admin.url
    admin.select_option('select[name="status"]', "approved")
    admin.locator('input[name="_save"]').click()
    assert admin.url.endswith("/admin/inbox/"), admin.locator("#content").inner_text()[:2000]
    assert header_link(admin) == "Inbox: 0 waiting"
    assert rows.count() == 0
    # Saved again: nobody is told twice.
    admin.goto(f"/admin/newsletter/item/{item.pk}/change/")
    admin.locator('input[name="_save"]').click()

    assert sorted(message.subject for message in mail.outbox) == [
        "Non retenu\u202f: Foires aux semences andines",
        "Publié\u202f: Atelier sur l’eau à Cusco",
    ]
    declined = next(m for m in mail.outbox if m.subject.startswith("Non retenu"))
    assert declined.to == [author.email]
    assert "Déjà publié le mois dernier." in declined.body and "/fr/my/" in declined.body

    phone = new_page(locale="fr-FR", width=320)
    sign_in_page(phone, author, language="fr")
    phone.goto("/fr/my/")
    mine = phone.locator("section.submissions").inner_text()
    assert "Foires aux semences andines" in mine and "Refusé" in mine
    assert "Déjà publié le mois dernier." in mine
    assert "Atelier sur l’eau à Cusco" in mine and "Publié" in mine
    assert "modifié par le secrétariat" not in mine  # decided, not edited
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(phone, "my-submissions-fr-phone")


def test_my_submissions_and_waiting_invitations_have_no_serious_accessibility_violations(
    new_page, secretariat_user
):
    from activities.services import news_decline, news_submit
    from members.services import invitation_send
    from tests.browser.test_accessibility import audit

    focal_point = FocalPointFactory(member__slug="condesan", languages="español")
    author = verified_user(email=focal_point.email)
    Representation.objects.create(
        user=author, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    news = news_submit(
        member=focal_point.member,
        user=author,
        language="es",
        title="Ferias de semillas",
        summary="Tres valles.",
        body="Texto.",
    )
    news_decline(news=news, user=secretariat_user, reason="Ya publicada.")
    invitation_send(
        member=focal_point.member,
        email="colega@example.org",
        role="colleague",
        language="es",
        invited_by=author,
    )
    page = new_page(locale="es-ES", width=320, javascript=True)  # for axe-core only
    sign_in_page(page, author, language="es")
    for path in ["/es/my/", "/es/my/condesan/colleagues/"]:
        page.goto(path)
        assert audit(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    assert "Enviar de nuevo" in page.locator("main").inner_text()
