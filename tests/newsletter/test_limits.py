"""The newsletter's forms and the list import refuse what they cannot keep, and save nothing."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletter.models import Item, Subscriber
from tests.conftest import sign_in
from tests.limits import long_email
from tests.members.test_self_service import member_a, representative  # noqa: F401
from tests.newsletter.test_subscribers import europe, subscribe  # noqa: F401

pytestmark = pytest.mark.django_db


def test_subscribing_an_address_longer_than_the_list_takes_is_refused(client, europe):  # noqa: F811
    response = subscribe(client, europe, email=long_email(262), language="en")
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def item(**changes):
    return {
        "title": "A new watershed atlas",
        "body": "The atlas is out.",
        "link": "https://example.org/atlas",
        "target_month": "2031-05",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"link": "https://example.org/" + "a" * 280}, "link"),
        ({"target_month": "0001-01"}, "target_month"),
        ({"target_month": "9999-12"}, "target_month"),
        ({"body": "x" * 200_000}, "body"),
    ],
)
def test_a_newsletter_item_the_list_cannot_keep_is_refused(client, member_a, changes, field):  # noqa: F811
    sign_in(client, representative(member_a))
    response = client.post("/en/my/member-a/newsletter-item/", item(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Item.objects.exists()


def import_list(client, csv: bytes):
    return client.post(
        reverse("admin:newsletter_subscriber_import"),
        {"file": SimpleUploadedFile("list.csv", csv, content_type="text/csv")},
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (b"ana@example.org,es,europe,extra\n", "more columns than the first row"),
        (long_email(262).encode() + b",en,europe\n", "at most 254 characters"),
        (b"ana\x00@example.org,en,europe\n", "not a valid email address"),
        (b"ana@example.org,es," + b"e" * 100_000 + b"\n", "unknown region"),
    ],
)
def test_importing_a_list_leaves_out_the_rows_it_cannot_keep_and_says_why(
    secretariat_client,
    europe,  # noqa: F811
    row,
    reason,
):
    response = import_list(
        secretariat_client, b"email,language,region\nbob@example.org,en,europe\n" + row
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert reason in page and "1 imported" in page
    assert len(page) < 50_000  # the row is quoted back shortened
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["bob@example.org"]


@pytest.mark.parametrize(
    "csv",
    [
        b"email,language,region\nbob@example.org,en,europe\nana@example.org,es,"
        + b"e" * 200_000
        + b"\n",
        b"email,language," + b"r" * 200_000 + b"\nbob@example.org,en,europe\n",
    ],
)
def test_a_list_with_a_value_too_long_to_read_is_refused_whole(secretariat_client, europe, csv):  # noqa: F811
    response = import_list(secretariat_client, csv)
    assert response.status_code == 200
    assert "a value is too long" in response.content.decode()
    assert not Subscriber.objects.exists()
