"""An e-consultation opens and closes at wall-clock times of its own zone: entered so in the
admin, stored in UTC, and shown, exported and compared (open or closed) as the same instant."""

import datetime
import json

import pytest
from django.urls import reverse

from discussions.models import Consultation
from discussions.services import consultation_save
from tests.discussions.conftest import client_for

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def text(response):
    return " ".join(response.content.decode().replace("\u202f", " ").replace("\xa0", " ").split())


def consultation(moderator, **fields):
    return consultation_save(
        Consultation(
            slug="zoned",
            question_en="Which mountain water rules work?",
            moderator=moderator,
            opens_at=datetime.datetime(2030, 1, 7, 8, 0, tzinfo=UTC),
            closes_at=datetime.datetime(2030, 1, 31, 17, 0, tzinfo=UTC),
            timezone="Europe/Rome",
            **fields,
        )
    )


def test_the_page_shows_the_opening_in_the_consultations_zone_not_utc(client, cast):
    item = consultation(cast["secretariat"])
    for url in [f"/en/consultations/{item.slug}/", "/en/consultations/"]:
        page = text(client.get(url))
        # 08:00 UTC in January is 09:00 in Rome.
        assert "7 January 2030, 09:00" in page, url
        assert "31 January 2030, 18:00" in page, url
        assert "(Europe/Rome)" in page and "08:00" not in page, url

    item.timezone = "Asia/Tokyo"
    consultation_save(item)
    page = text(client.get(f"/en/consultations/{item.slug}/"))
    assert "7 January 2030, 17:00" in page and "(Asia/Tokyo)" in page
    assert "08:00" not in page


def test_the_admin_reads_and_shows_opening_and_closing_in_the_consultations_zone(
    secretariat_client, secretariat_user
):
    data = {
        "slug": "water",
        "moderator": secretariat_user.pk,
        "opens_at_0": "2030-03-25",
        "opens_at_1": "09:00",
        "closes_at_0": "2030-03-31",
        "closes_at_1": "18:00",
        "timezone": "Europe/Rome",
        "question_en": "Which mountain water rules work?",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    response = secretariat_client.post(reverse("admin:discussions_consultation_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = Consultation.objects.get(slug="water")
    # Winter time when it opens (+01:00), summer time when it closes (+02:00, from 31 March).
    assert item.opens_at == datetime.datetime(2030, 3, 25, 8, 0, tzinfo=UTC)
    assert item.closes_at == datetime.datetime(2030, 3, 31, 16, 0, tzinfo=UTC)
    page = secretariat_client.get(
        reverse("admin:discussions_consultation_change", args=[item.pk])
    ).content.decode()
    assert 'name="opens_at_1" value="09:00:00"' in page
    assert 'name="closes_at_1" value="18:00:00"' in page
    changelist = text(secretariat_client.get(reverse("admin:discussions_consultation_changelist")))
    assert "31 March 2030, 18:00 (Europe/Rome)" in changelist

    # The same wall-clock times with another zone, on the same save, are Tokyo's.
    data.update(timezone="Asia/Tokyo")
    response = secretariat_client.post(
        reverse("admin:discussions_consultation_change", args=[item.pk]), data
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.opens_at == datetime.datetime(2030, 3, 25, 0, 0, tzinfo=UTC)


def test_it_closes_at_the_time_shown(client, cast):
    # Shown as closing at 18:00 in Rome (17:00 UTC in January): open at 17:59 Rome time,
    # closed at 18:00.
    item = consultation(cast["secretariat"])
    assert "31 January 2030, 18:00" in text(client.get(f"/en/consultations/{item.slug}/"))
    just_before = datetime.datetime(2030, 1, 31, 16, 59, tzinfo=UTC)
    assert item.is_open(just_before)
    assert not item.is_open(item.closes_at)
    assert Consultation.objects.open(just_before).filter(pk=item.pk).exists()
    assert Consultation.objects.closed(item.closes_at).filter(pk=item.pk).exists()


def test_the_export_gives_the_consultations_times_and_zone(client, cast):
    item = consultation(cast["secretariat"])
    client_for(client, cast["secretariat"])
    data = json.loads(
        client.get(reverse("discussions:consultation-export", args=[item.slug, "json"])).content
    )
    assert data["timezone"] == "Europe/Rome"
    assert data["opens_at"] == "2030-01-07T09:00:00+01:00"
    assert data["closes_at"] == "2030-01-31T18:00:00+01:00"


def test_the_demo_consultation_runs_from_9_am_to_6_pm_in_rome(client):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    item = Consultation.objects.get(slug="mountain-ecotourism")
    # Winter time when it opened, summer time (from 26 March 2006) when it closed.
    assert item.opens_at == datetime.datetime(2006, 3, 6, 8, 0, tzinfo=UTC)
    assert item.closes_at == datetime.datetime(2006, 3, 31, 16, 0, tzinfo=UTC)
    page = text(client.get(f"/en/consultations/{item.slug}/"))
    assert "From 6 March 2006, 09:00 to 31 March 2006, 18:00 (Europe/Rome)" in page
