"""The secretariat's dashboard, engagement and report pages; page views."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from activities.models import News
from insight import coverage, figures, visits
from insight.models import Nudge, PageView
from members.models import Member
from members.permissions import SECRETARIAT_GROUP
from members.services import member_update
from mountainpartnership.dates import date_format
from newsletter.models import Delivery, Subscriber
from tests.conftest import sign_in, verified_user
from tests.discussions.conftest import representative
from tests.factories import ActivityFactory, FocalPointFactory, MemberFactory, NewsFactory
from tests.pages import sent_edition

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/dashboard/",
    "/en/dashboard/report/",
    "/en/dashboard/members/",
    "/en/dashboard/translations/fr/",
]


@pytest.mark.parametrize("who", ["anonymous", "verified", "representative", "staff"])
def test_the_dashboard_is_for_the_secretariat_only(client, who):
    if who == "verified":
        client.force_login(verified_user())
    elif who == "representative":
        client.force_login(representative())
    elif who == "staff":
        client.force_login(verified_user(is_staff=True))  # staff, not in the Secretariat group
    for url in PAGES:
        response = client.get(url)
        assert response.status_code in {302, 404}, url
        if response.status_code == 302:
            assert "/accounts/" in response.url
    member = MemberFactory()
    FocalPointFactory(member=member)
    assert client.post(f"/en/dashboard/members/{member.slug}/nudge/").status_code in {302, 404}
    assert not Nudge.objects.exists()


def test_the_secretariat_needs_its_second_factor_for_the_dashboard(client):
    user = verified_user(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    sign_in(client, user)  # no authenticator: sent to set one up
    response = client.get("/en/dashboard/")
    assert response.status_code == 302 and "2fa" in response.url


def test_the_dashboard_shows_the_partnership_in_figures(secretariat_client):
    call_command("loaddemo", verbosity=0)
    response = secretariat_client.get("/fr/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<script" not in page
    assert "<caption>" in page  # the chart's figures, as a table
    assert "Couverture des traductions" in page or "Translation coverage" in page
    this_year = str(timezone.localdate().year)
    assert f'<th scope="row">{this_year}</th><td>46</td><td>14</td><td>89</td><td>149</td>' in page


def test_the_translation_queue_links_to_the_admin_forms(secretariat_client):
    missing = MemberFactory(name_en="Only in English", name_fr="", name_es="Sólo en inglés")
    MemberFactory(name_en="In all three", name_fr="Dans les trois", name_es="En los tres")
    page = secretariat_client.get("/en/dashboard/translations/fr/").content.decode()
    assert f"/admin/members/member/{missing.pk}/change/" in page
    assert "In all three" not in page
    spanish = secretariat_client.get("/en/dashboard/translations/es/").content.decode()
    assert "Only in English" not in spanish
    assert secretariat_client.get("/en/dashboard/translations/de/").status_code == 404


def test_what_was_declined_waits_for_no_translation(secretariat_client):
    """A declined news post will never be read: neither the queue nor the figures count it."""
    waiting = NewsFactory(title_en="", title_fr="Foires", summary_en="", body_en="")
    declined = NewsFactory(
        title_en="", title_fr="Refusée", summary_en="", body_en="", status="declined"
    )
    page = secretariat_client.get("/en/dashboard/translations/en/").content.decode()
    assert f"/admin/activities/news/{waiting.pk}/change/" in page
    assert f"/admin/activities/news/{declined.pk}/change/" not in page
    [news] = [row for row in coverage.coverage() if row.model is News]
    assert (news.total, news.missing["en"]) == (1, 1)


def test_dormant_members_are_listed_and_nudged_in_their_language(
    secretariat_client, django_capture_on_commit_callbacks
):
    quiet = MemberFactory(name_en="Quiet Institute")
    FocalPointFactory(member=quiet, languages="Español", email="fp@quiet.example.org")
    lively = MemberFactory(name_en="Lively Network")
    member_update(member=lively, user=None, data={"website": "https://lively.example.org"})
    ActivityFactory(title_en="Andean seed fairs").areas.add(*quiet.areas.all())
    page = secretariat_client.get("/en/dashboard/members/").content.decode()
    dormant = page.split("<h2>Records not confirmed")[0]
    assert "Quiet Institute" in dormant and "Lively Network" not in dormant
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(f"/en/dashboard/members/{quiet.slug}/nudge/")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["fp@quiet.example.org"]
    assert message.subject.startswith("Lo que ocurre")
    nudge = Nudge.objects.get()
    assert nudge.member == quiet and nudge.language == "es"
    page = secretariat_client.get("/en/dashboard/members/").content.decode()
    assert timezone.localdate().strftime("%Y") in page  # last contact: today


def test_signs_of_life_come_from_every_source():
    from insight.engagement import SOURCES, engagement, with_signs_of_life

    member = MemberFactory()
    user = representative()
    user.representations.update(member=member)
    user.last_login = timezone.now() - datetime.timedelta(days=3)
    user.save()
    found = engagement(with_signs_of_life(Member.objects.filter(pk=member.pk)).get())
    assert found.last_kind == "login" and found.signs_12_months == 1
    assert set(SOURCES) >= {"record", "post", "activity", "item", "news", "event", "login"}


def test_the_report_as_of_april_2006_gives_the_figures_of_the_report(secretariat_client):
    call_command("loaddemo", verbosity=0)
    page = secretariat_client.get("/en/dashboard/report/?date=2006-04-01").content.decode()
    assert (
        "46 Governments, 14 intergovernmental organisations and 73 major group organisations: "
        "133 members in all." in page
    )
    csv = secretariat_client.get("/en/dashboard/report/?date=2006-04-01&format=csv")
    assert csv["Content-Disposition"].endswith('2006-04-01.csv"')
    text = csv.content.decode("utf-8-sig")
    assert "Government,46," in text and "Total,133," in text
    # Before the first members joined, and a date that is not one.
    early = secretariat_client.get("/en/dashboard/report/?date=2002-01-01").content.decode()
    assert "0 members in all" in early
    bad = secretariat_client.get("/es/dashboard/report/?date=2006-13-45")
    assert bad.status_code == 200 and "Introduzca una fecha válida" in bad.content.decode()


def test_page_views_are_counted_without_cookies_and_without_crawlers(client, settings):
    browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    for _ in range(3):
        response = client.get("/fr/members/", HTTP_USER_AGENT=browser)
        assert "sessionid" not in response.cookies
    client.get("/fr/members/", HTTP_USER_AGENT="Googlebot/2.1")
    client.get("/fr/members/")  # no user agent at all: not a person
    client.get("/en/nope/", HTTP_USER_AGENT=browser)  # a 404
    client.get("/en/", HTTP_USER_AGENT=browser)
    visits.flush()
    counted = {(view.path, view.language): view.count for view in PageView.objects.all()}
    assert counted == {("/fr/members/", "fr"): 3, ("/en/", "en"): 1}
    assert not PageView._meta.get_field("path").max_length < 300
    assert {field.name for field in PageView._meta.get_fields()} == {
        "id",
        "day",
        "path",
        "language",
        "count",
    }


def test_withdrawals_and_renewals_are_dated_and_counted_by_year(secretariat_client):
    from insight.figures import members_on, movements_by_year
    from members.services import members_renew_term

    member = MemberFactory(
        date_joined=datetime.date(2004, 5, 1),
        term_ends=timezone.localdate() + datetime.timedelta(days=30),  # due for renewal
    )
    # Renewed this year, then withdrawn (a member that has withdrawn is not renewed).
    members_renew_term(members=Member.objects.filter(pk=member.pk))
    member.refresh_from_db()
    member.status = Member.Status.WITHDRAWN
    member.full_clean()
    member.save()
    assert member.left_on == timezone.localdate()
    this_year = timezone.localdate().year
    rows = {year: (joined, left, renewed) for year, joined, left, renewed in movements_by_year()}
    assert rows[2004] == (1, 0, 0) and rows[this_year] == (0, 1, 1)
    assert members_on(datetime.date(2005, 1, 1)).filter(pk=member.pk).exists()
    assert not members_on(timezone.localdate()).filter(pk=member.pk).exists()
    member.left_on = datetime.date(2003, 1, 1)
    with pytest.raises(Exception, match="before it joined"):
        member.full_clean()


def test_page_views_gather_in_redis_and_reach_the_database_once(client):
    from django.core.cache import cache

    browser = "Mozilla/5.0 (Macintosh) Safari/605.1"
    for _ in range(4):
        client.get("/es/", HTTP_USER_AGENT=browser)
    assert not PageView.objects.exists()  # still in Redis
    assert cache.get("visits:" + timezone.localdate().isoformat() + "|es|/es/") == 4
    assert visits.flush() == 4
    assert visits.flush() == 0
    assert PageView.objects.get().count == 4
    client.get("/es/", HTTP_USER_AGENT=browser)
    visits.flush()
    assert PageView.objects.get().count == 5


def test_a_nudge_clicked_twice_sends_one_email_and_says_why(
    secretariat_client, django_capture_on_commit_callbacks
):
    quiet = MemberFactory(name_en="Quiet Institute")
    FocalPointFactory(member=quiet, languages="Français", email="fp@quiet.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(f"/fr/dashboard/members/{quiet.slug}/nudge/")
        again = secretariat_client.post(f"/fr/dashboard/members/{quiet.slug}/nudge/", follow=True)
    assert [message.to for message in mail.outbox] == [["fp@quiet.example.org"]]
    assert Nudge.objects.count() == 1
    page = again.content.decode()
    today = date_format(timezone.localdate())
    assert f"Quiet Institute a déjà reçu une relance le {today}" in page
    # The page offers no second nudge: it says when the last one went.
    row = page.split("Quiet Institute</a>")[1].split("</tr>")[0]
    assert "Envoyer une relance" not in row and f"Relance envoyée le {today}" in row


def test_the_dashboard_draws_its_charts_with_the_figures_folded_beneath(secretariat_client):
    call_command("loaddemo", verbosity=0)
    edition = sent_edition()
    reader = Subscriber.objects.create(
        email="reader@example.org", language="fr", status="confirmed"
    )
    Delivery.objects.create(edition=edition, subscriber=reader, language="fr", status="sent")
    page = secretariat_client.get("/fr/dashboard/").content.decode()
    charts = re.findall(r'<svg [^>]*role="img" aria-label="([^"]*)"', page)
    this_year = timezone.localdate().year
    assert [label.split(" — ")[0] for label in charts] == [
        f"Membres à la fin de chaque année (2002–{this_year})",
        "Membres par région",
        "Activités conjointes par statut",
        "Portée de la lettre d’information, par numéro",
    ], charts
    _year, counts = figures.membership_by_year()[-1]
    assert charts[0].split(" — ")[1].startswith("Tous les membres ")
    assert f"→ {sum(counts.values())};" in charts[0]
    # Each chart's table, folded beneath it.
    assert page.count("<details><summary>Les chiffres</summary>") == 4
    assert "avril 2006 1 remis, 0 en échec" in charts[3]
    assert "<script" not in page


def test_the_dashboard_says_so_when_there_is_nothing_to_draw(secretariat_client):
    page = secretariat_client.get("/en/dashboard/").content.decode()
    assert "No edition has reached anyone yet." in page
    assert "No joint activity yet." in page
