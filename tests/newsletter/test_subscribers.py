"""The newsletter's list from the subscriber's side: double opt-in, signed links, one click out."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from newsletter.models import Subscriber
from newsletter.tokens import confirm_token, manage_token
from tests.conftest import sign_in, verified_user
from tests.factories import AreaFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def europe():
    return RegionFactory(slug="europe", name_en="Europe", name_fr="Europe")


def subscribe(client, region, email="marie@example.org", language="fr", **extra):
    return client.post(
        f"/{language}/newsletter/",
        {"email": email, "language": language, "region": region.pk, "format": "text", **extra},
    )


def link_in(message):
    return re.search(r"http://[^\s]+", message.body).group(0).replace("http://127.0.0.1:8000", "")


def test_double_opt_in_in_french_and_the_link_only_confirms_on_a_click(
    client, europe, django_capture_on_commit_callbacks
):
    topic = AreaFactory(slug="biodiversity")
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, europe, topics=[topic.pk])
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.topics.all()) == [topic]
    message = mail.outbox[-1]
    assert message.to == ["marie@example.org"]
    assert "Confirmez" in message.subject
    link = link_in(message)
    assert link.startswith("/fr/newsletter/confirm/")
    # A link scanner's GET confirms nothing.
    page = client.get(link)
    assert page.status_code == 200 and "Oui, je m'abonne" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    client.post(link)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_subscribing_a_known_address_reveals_nothing_and_sends_at_most_one_email(
    client, europe, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(
        email="known@example.org", language="en", region=europe, status="confirmed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        known = subscribe(client, europe, email="KNOWN@example.org", language="es")
        again = subscribe(client, europe, email="known@example.org", language="es")
        fresh = subscribe(client, europe, email="fresh@example.org", language="es")
    assert known.url == again.url == fresh.url == "/es/newsletter/sent/"
    to_known = [m for m in mail.outbox if m.to == ["known@example.org"]]
    assert len(to_known) == 1
    assert "preferences" in to_known[0].body
    known_subscriber = Subscriber.objects.get(email="known@example.org")
    assert known_subscriber.language == "en"  # not changed by a stranger


def test_expired_and_tampered_confirmation_links_are_refused(client, europe):
    subscriber = Subscriber.objects.create(email="late@example.org", language="en", region=europe)
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        expired = confirm_token(subscriber)
    for token in [expired, confirm_token(subscriber)[:-3] + "abc", "nonsense"]:
        response = client.post(f"/en/newsletter/confirm/{token}/")
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_one_click_unsubscribe_needs_a_post_and_no_csrf_token(europe):
    subscriber = Subscriber.objects.create(
        email="out@example.org", language="es", region=europe, status="confirmed"
    )
    url = f"/es/newsletter/unsubscribe/{manage_token(subscriber)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "darme de baja" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert client.post(url).status_code == 200  # again: still fine, still unsubscribed
    other = Subscriber.objects.create(
        email="other@example.org", language="es", region=europe, status="confirmed"
    )
    forged = manage_token(other).rsplit(":", 1)[0] + ":forged"
    assert client.post(f"/es/newsletter/unsubscribe/{forged}/").status_code == 404
    other.refresh_from_db()
    assert other.status == Subscriber.Status.CONFIRMED


def test_preferences_through_the_signed_link(client, europe):
    africa = RegionFactory(slug="africa")
    subscriber = Subscriber.objects.create(
        email="p@example.org", language="en", region=europe, status="confirmed"
    )
    url = f"/en/newsletter/preferences/{manage_token(subscriber)}/"
    response = client.post(url, {"language": "fr", "region": africa.pk, "format": "text"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.region, subscriber.format) == ("fr", africa, "text")
    bad = client.post(url, {"language": "de", "region": africa.pk, "format": "text"})
    assert bad.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.language == "fr"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "Saisissez une adresse de courriel valide."),
        ({"email": ""}, "Ce champ est obligatoire."),
        ({"format": "fax"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_input_is_explained_in_french_and_saves_nothing(client, europe, data, message):
    response = subscribe(client, europe, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_the_secretariat_imports_a_list_with_a_report_of_bad_rows(secretariat_client, europe):
    Subscriber.objects.create(
        email="already@example.org", language="en", region=europe, status="confirmed"
    )
    csv = (
        b"email,language,region\n"
        b"ana@example.org,es,europe\n"
        b"jean@example.org,fr,Europe\n"
        b"not-an-address,en,europe\n"
        b"bob@example.org,de,europe\n"
        b"eve@example.org,en,atlantis\n"
        b"ana@example.org,es,europe\n"
        b"already@example.org,en,europe\n"
    )
    response = secretariat_client.post(
        reverse("admin:newsletter_subscriber_import"),
        {"file": SimpleUploadedFile("list.csv", csv, content_type="text/csv")},
    )
    page = response.content.decode()
    assert "2 imported, 1 already on the list, 4 rows left out." in page
    for reason in [
        "not a valid email address",
        "language must be en, fr or es",
        "unknown region",
        "appears earlier",
    ]:
        assert reason in page
    imported = Subscriber.objects.filter(source=Subscriber.Source.IMPORT)
    assert sorted(imported.values_list("email", flat=True)) == [
        "ana@example.org",
        "jean@example.org",
    ]
    assert set(imported.values_list("status", flat=True)) == {"confirmed"}


def test_a_file_that_is_not_a_list_is_refused_whole(secretariat_client, europe):
    response = secretariat_client.post(
        reverse("admin:newsletter_subscriber_import"),
        {"file": SimpleUploadedFile("list.csv", b"name,phone\nx,1\n", content_type="text/csv")},
    )
    assert "missing: email, language, region" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_importing_is_refused_outside_the_secretariat(client, europe):
    sign_in(client, verified_user())
    response = client.post(
        reverse("admin:newsletter_subscriber_import"),
        {
            "file": SimpleUploadedFile(
                "list.csv", b"email,language,region\na@example.org,en,europe\n"
            )
        },
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()
