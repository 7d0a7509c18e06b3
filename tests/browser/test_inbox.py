"""The secretariat's inbox, as the secretariat uses it: the count in the header, the list
oldest first, a decision, and back to the inbox."""

import datetime
import re

import pytest
from django.utils import timezone

from activities.models import News
from members.models import MembershipApplication
from tests.factories import MembershipApplicationFactory, NewsFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def header_link(page) -> str:
    """The inbox's link in the admin's header, as written (the admin's style capitalises it)."""
    return re.sub(r"[ \t\n]+", " ", page.locator("#user-tools a.inbox-link").text_content()).strip()


def test_the_secretariat_decides_from_the_inbox_and_comes_back_to_it(admin_page):
    region = RegionFactory(name_en="Latin America and the Caribbean")
    application = MembershipApplicationFactory(
        status=MembershipApplication.Status.PENDING, name="Asociación de Páramos"
    )
    MembershipApplication.objects.filter(pk=application.pk).update(
        created=timezone.now() - datetime.timedelta(days=5)
    )
    NewsFactory(
        status=News.Status.DRAFT,
        title_en="Seed fair in Cusco",
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    page = admin_page
    page.goto("/admin/")
    assert header_link(page) == "Inbox: 2 waiting"
    page.locator("#user-tools a.inbox-link").click()
    assert page.url.endswith("/admin/inbox/")
    # The draft, written in English only, also makes the lines of missing translations.
    rows = page.locator("#inbox tbody tr:not(.inbox-translations)")
    assert rows.count() == 2
    assert "Asociación de Páramos" in rows.nth(0).inner_text()
    assert "Seed fair in Cusco" in rows.nth(1).inner_text()
    rows.nth(0).get_by_role("link", name="Asociación de Páramos").click()
    assert "/admin/members/membershipapplication/" in page.url and "_inbox=1" in page.url
    page.check('input[name="organisation_verified"]')
    page.check('input[name="focal_point_confirmed"]')
    page.select_option('select[name="region"]', str(region.pk))
    page.locator('input[name="_approve"]').click()
    assert page.url.endswith("/admin/inbox/")
    assert "Asociación de Páramos" in page.locator(".messagelist").inner_text()
    assert header_link(page) == "Inbox: 1 waiting"
    assert rows.count() == 1
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED


def test_the_inbox_has_no_serious_accessibility_violations_in_french(new_page, secretariat_user):
    from tests.browser.conftest import sign_in_page
    from tests.browser.test_accessibility import audit

    MembershipApplicationFactory(status=MembershipApplication.Status.PENDING)
    page = new_page(locale="fr-FR", javascript=True)  # for axe-core only
    sign_in_page(page, secretariat_user, secretariat_user.totp_secret)
    page.goto("/admin/inbox/")
    assert "Demande d’adhésion" in page.locator("#inbox").inner_text()
    assert header_link(page) == "Boîte de réception\u202f: 1 en attente"
    # Django's own breadcrumbs (on every admin page) are links told apart by colour alone.
    found = [
        violation
        for violation in audit(page)
        if not all(node[0].startswith(".breadcrumbs") for node in violation["nodes"])
    ]
    assert found == []
