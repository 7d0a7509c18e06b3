"""Each sent edition's reach on the dashboard, without tracking: its deliveries and their
outcomes, who bounced or left after it, and the visits of its web page in each language."""

import datetime
import re

import pytest
from django.utils import timezone

from insight.models import PageView
from newsletter.models import Delivery, Edition, Subscriber
from tests.conftest import verified_user

pytestmark = pytest.mark.django_db


def reach_row(page: str, month: str) -> list[str]:
    table = page.split('<table id="edition-reach">')[1].split("</table>")[0]
    row = table.split(f'<th scope="row">{month}</th>')[1].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("</td>")[:-1]]


def test_the_dashboard_shows_each_editions_deliveries_failures_departures_and_visits(
    client, secretariat_client
):
    started = timezone.now() - datetime.timedelta(days=5)
    edition = Edition.objects.create(
        month=datetime.date(2026, 11, 1), status=Edition.Status.SENT, started_at=started
    )
    outcomes = ["sent", "sent", "sent", "failed", "deferred"]
    for n, status in enumerate(outcomes):
        reader = Subscriber.objects.create(
            email=f"r{n}@example.org", language="en", status="confirmed"
        )
        Delivery.objects.create(edition=edition, subscriber=reader, language="en", status=status)
    after = started + datetime.timedelta(days=1)
    for email, status, when in [
        ("left@example.org", "unsubscribed", after),
        ("before@example.org", "unsubscribed", started - datetime.timedelta(days=1)),
        ("bounced@example.org", "bounced", after),
        ("spam@example.org", "complained", after),
    ]:
        Subscriber.objects.create(email=email, language="fr", status=status, unsubscribed_at=when)
    for path, language, count in [
        ("/en/newsletter/2026-11/", "en", 3),
        ("/fr/newsletter/2026-11/", "fr", 2),
        ("/fr/newsletter/", "fr", 50),  # the archive, no edition's page
    ]:
        PageView.objects.create(day=after.date(), path=path, language=language, count=count)

    page = secretariat_client.get("/en/dashboard/").content.decode()
    assert reach_row(page, "November 2026") == [
        "5",  # deliveries
        "3",  # sent
        "1",  # deferred
        "1",  # failed
        "2",  # bounced or reported as spam
        "1",  # unsubscribed since
        "5 (English 3 · French 2 · Spanish 0)",
    ]
    page = secretariat_client.get("/fr/dashboard/").content.decode()
    assert "Rejets ou signalements comme indésirable depuis" in page
    assert reach_row(page, "novembre 2026")[-1] == "5 (Anglais 3 · Français 2 · Espagnol 0)"

    client.force_login(verified_user())
    assert client.get("/en/dashboard/").status_code == 404
