"""The secretariat's decisions where it takes them, in Chromium with JavaScript off: a member's
newsletter item declined in its edition's inline, a proposed focal point confirmed or declined
on its own page, a reported post kept or hidden on its own page; each from the inbox and back
to it, and each refusal told on the page, with nothing changed."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Representation
from newsletter.models import Edition, Item
from newsletter.services import item_submit
from tests.conftest import verified_user
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db(transaction=True)

REASON_NEEDED = "Give the reason for declining; it is sent to the author."


@pytest.fixture
def representative():
    """A focal point of CONDESAN who speaks French, with an account."""
    focal_point = FocalPointFactory(
        member__slug="condesan",
        member__name_en="CONDESAN",
        languages="Français, espagnol",
        email="fp@example.org",
    )
    user = verified_user(email="fp@example.org")
    Representation.objects.create(
        user=user, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    return user


def test_an_item_declined_in_its_editions_inline_needs_a_reason_on_its_row(
    admin_page, representative
):
    member = representative.representations.get().member
    month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    item = item_submit(
        member=member,
        user=representative,
        language="fr",
        title="Atelier à Cusco",
        body="Un atelier sur l’eau.",
        link="",
        target_month=month,
    )
    edition = Edition.objects.create(month=month, intro_en="Welcome.")
    Item.objects.filter(pk=item.pk).update(edition=edition)
    page = admin_page
    page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")
    row = page.locator("#items-0")
    assert row.locator('textarea[name="items-0-decline_reason"]').count() == 1

    page.select_option('select[name="items-0-status"]', "declined")
    page.fill('textarea[name="intro_en"]', "Welcome to the issue.")
    page.locator('input[name="_continue"]').click()
    # Refused, on that row, next to its reason; nothing saved, nobody told.
    assert page.locator(".errornote").count() == 1
    row = page.locator("#items-0")
    assert REASON_NEEDED in row.locator(".errorlist").inner_text()
    assert row.locator('select[name="items-0-status"]').input_value() == "declined"
    item.refresh_from_db()
    assert item.status == Item.Status.SUBMITTED and not mail.outbox
    assert Edition.objects.get().intro_en == "Welcome."

    row.locator('textarea[name="items-0-decline_reason"]').fill("Hors du thème de ce mois.")
    page.locator('input[name="_continue"]').click()
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]
    item.refresh_from_db()
    assert item.status == Item.Status.DECLINED
    assert item.decline_reason == "Hors du thème de ce mois."
    [email] = mail.outbox
    assert email.subject == "Non retenu\u202f: Atelier à Cusco"
    assert "Hors du thème de ce mois." in email.body
