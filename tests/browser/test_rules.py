"""The records' rules, met where people meet them: the admin and the site, in Chromium with
JavaScript off."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_replaces_a_focal_point_and_the_old_one_is_refused(
    demo, admin_page, new_page, screenshot
):
    from members.models import Invitation, Member, User
    from tests.conftest import PASSWORD

    condesan = Member.objects.get(slug="condesan")
    # The demo's Ana Quispe has an account that represents CONDESAN; give it a password.
    ana = User.objects.get(email__iexact=condesan.current_focal_point.email)
    ana.set_password(PASSWORD)
    ana.save()
    as_ana = new_page(locale="es-PE")
    sign_in_page(as_ana, ana, language="es")
    assert as_ana.goto("/es/my/condesan/").status == 200

    page = admin_page
    page.goto(f"/admin/members/member/{condesan.pk}/change/")
    page.get_by_role("link", name="Replace focal point").click()
    assert "Ana Quispe Mamani" in page.locator("#content-main").inner_text()
    assert page.get_by_label("Language of the invitation").input_value() == "es"
    page.get_by_label("Name").fill("Lucía Mamani Condori")
    page.get_by_label("Email").fill("l.mamani@condesan.example.org")
    page.get_by_label("Start date").fill(timezone.localdate().isoformat())
    screenshot(page, "rules-1-replace-focal-point")
    page.get_by_role("button", name="Replace focal point").click()
    assert f"/admin/members/member/{condesan.pk}/change/" in page.url
    assert "is invited to the portal" in page.locator(".messagelist").inner_text()

    assert as_ana.goto("/es/my/condesan/").status == 404
    as_ana.goto("/es/my/")
    assert "CONDESAN" not in as_ana.locator("main").inner_text()
    screenshot(as_ana, "rules-2-old-focal-point-refused")
    invitation = Invitation.objects.get(email="l.mamani@condesan.example.org")
    assert invitation.language == "es" and invitation.role == "focal_point"
    ended = condesan.focal_points.get(name="Ana Quispe Mamani").end_date
    assert ended == timezone.localdate() - datetime.timedelta(days=1)


def test_a_careless_subscriber_is_counted_as_not_having_said_their_region(
    demo, new_page, admin_page, screenshot
):
    from newsletter.models import Subscriber

    page = new_page(locale="fr-FR")
    page.goto("/fr/newsletter/")
    region = page.get_by_label("Votre région (facultatif)")
    assert region.input_value() == ""
    assert region.locator("option:checked").inner_text() == "Non précisée"
    page.get_by_label("Votre adresse électronique").fill("pressee@example.org")
    screenshot(page, "rules-3-subscribe-no-region")
    page.locator("main form button[type=submit]").click()
    subscriber = Subscriber.objects.get(email="pressee@example.org")
    assert subscriber.region is None
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.CONFIRMED)
    admin_page.goto("/en/dashboard/#newsletter")
    reach = admin_page.locator("#newsletter + p + .columns").inner_text()
    assert "Region not said\t1" in reach, reach


def test_a_french_speaking_focal_point_writes_news_in_french_and_cannot_renew_early(
    demo, new_page, screenshot
):
    from activities.models import News
    from members.models import Member, TermRenewal, User
    from tests.conftest import PASSWORD

    condesan = Member.objects.get(slug="condesan")
    ana = User.objects.get(email__iexact=condesan.current_focal_point.email)
    ana.set_password(PASSWORD)
    ana.save()
    page = new_page(locale="fr-FR")
    sign_in_page(page, ana, language="fr")

    page.goto("/fr/my/condesan/news/")
    assert page.get_by_label("Langue dans laquelle vous écrivez").input_value() == "fr"
    page.get_by_label("Titre").fill("Atelier sur l'écotourisme à Cusco")
    page.get_by_label("Résumé (une phrase)").fill("Vingt communautés ont partagé leur expérience.")
    page.get_by_label("Texte").fill("Les communautés andines se sont réunies à Cusco.")
    screenshot(page, "rules-4-news-in-french")
    page.locator("main form button[type=submit]").click()
    news = News.objects.get(title_fr="Atelier sur l'écotourisme à Cusco")
    assert not news.title_en and not news.body_en
    News.objects.filter(pk=news.pk).update(status=News.Status.PUBLISHED)
    english = new_page(locale="en-GB")
    english.goto(f"/en/news/{news.slug}/")
    assert english.locator("h1").get_attribute("lang") == "fr"
    assert (
        "not yet available in English; here it is in French" in english.locator("main").inner_text()
    )
    screenshot(english, "rules-5-french-news-for-an-english-reader")

    Member.objects.filter(pk=condesan.pk).update(
        term_ends=timezone.localdate() + datetime.timedelta(days=400)
    )
    page.goto("/fr/my/condesan/renew/")
    assert page.locator("main button").count() == 0
    assert "le renouvellement sera possible à partir du" in page.locator("main").inner_text()
    screenshot(page, "rules-6-renewal-not-yet-open")
    Member.objects.filter(pk=condesan.pk).update(
        term_ends=timezone.localdate() + datetime.timedelta(days=30)
    )
    for _ in range(3):
        page.goto("/fr/my/condesan/renew/")
        if page.locator("main form button").count():
            page.locator("main form button").click()
    assert TermRenewal.objects.filter(member=condesan).count() == 1


def test_the_secretariat_moves_a_stalled_activity_on_and_its_reason_stays_behind(
    demo, admin_page, new_page, screenshot
):
    from activities.models import Activity

    activity = Activity.objects.get(slug="water-for-highland-schools")
    assert activity.status == "stalled" and "paused" in activity.status_reason_en
    page = admin_page
    page.goto(f"/admin/activities/activity/{activity.pk}/change/")
    page.locator("#id_status").select_option("under_way")
    page.locator("input[name=_save]").click()
    assert "/admin/activities/activity/" in page.url and "change" not in page.url
    reader = new_page(locale="en-GB")
    reader.goto(f"/en/activities/{activity.slug}/")
    status = reader.locator("dl.facts dd").first.inner_text()
    assert status.startswith("Under way") and "paused" not in status, status
    history = reader.locator("main ol").last.locator("li").all_inner_texts()
    assert "Under way" in history[-1] and "paused" not in history[-1]
    assert "Stalled" in history[-2] and "paused" in history[-2]
    screenshot(reader, "rules-7-activity-under-way-again")
