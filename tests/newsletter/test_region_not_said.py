"""A subscriber who does not say their region is counted as such, not in the first region."""

import datetime
import re

import pytest

from insight.figures import newsletter_figures, report
from newsletter.models import Edition, Item, Subscriber
from newsletter.services import edition_mark_ready
from newsletter.tokens import manage_token
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return [
        RegionFactory(slug="africa", name_en="Africa", position=1),
        RegionFactory(slug="europe", name_en="Europe", position=2),
    ]


def region_select(html):
    return re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S).group(1)


def test_the_subscribe_form_preselects_no_region(client, regions):
    select = region_select(client.get("/en/newsletter/").content.decode())
    # The first choice is "not said", and it is the one chosen until the reader picks.
    assert re.findall(r'<option value="(\w*)"[^>]*selected', select) == [""]
    assert re.match(r'\s*<option value="" selected>Not said</option>', select), select


def test_a_subscriber_who_says_no_region_is_counted_as_not_said(client, regions):
    response = client.post(
        "/en/newsletter/",
        {"email": "careless@example.org", "language": "en", "region": "", "format": "html"},
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.region is None
    Subscriber.objects.filter(pk=subscriber.pk).update(
        status=Subscriber.Status.CONFIRMED,
        confirmed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    figures = newsletter_figures()
    assert [(region.name, region.n) for region in figures["regions"]] == [
        ("Africa", 0),
        ("Europe", 0),
    ]
    assert figures["region_not_said"] == 1
    the_report = report(datetime.date(2026, 6, 1))
    assert [region.n for region in the_report["recipients"]] == [0, 0]
    assert the_report["recipients_not_said"] == 1


def test_the_dashboard_shows_subscribers_who_did_not_say_their_region(secretariat_client, regions):
    Subscriber.objects.create(
        email="a@example.org", language="en", region=None, status=Subscriber.Status.CONFIRMED
    )
    html = secretariat_client.get("/en/dashboard/").content.decode()
    assert re.search(r'<th scope="row">Region not said</th><td>1</td>', html)
    assert re.search(r'<th scope="row">Africa</th><td>0</td>', html)


def test_a_subscriber_may_change_their_region_to_not_said(client, regions):
    subscriber = Subscriber.objects.create(
        email="a@example.org", language="en", region=regions[0], status=Subscriber.Status.CONFIRMED
    )
    token = manage_token(subscriber)
    page = client.get(f"/en/newsletter/preferences/{token}/").content.decode()
    assert '<option value="">Not said</option>' in region_select(page)
    client.post(
        f"/en/newsletter/preferences/{token}/",
        {"language": "en", "region": "", "format": "html"},
    )
    subscriber.refresh_from_db()
    assert subscriber.region is None


def test_an_edition_goes_to_subscribers_who_did_not_say_their_region(regions):
    from newsletter import sending

    Subscriber.objects.create(
        email="a@example.org", language="en", region=None, status=Subscriber.Status.CONFIRMED
    )
    edition = Edition.objects.create(month=datetime.date(2026, 12, 1))
    Item.objects.create(
        edition=edition,
        status=Item.Status.APPROVED,
        target_month=edition.month,
        title_en="News",
        body_en="Text.",
    )
    edition_mark_ready(edition=edition)
    assert sending.edition_start(edition=edition) == 1
