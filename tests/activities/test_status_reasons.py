"""Each change of an activity's status has its own reason, in the language it was written in."""

import re

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from activities.models import StatusChange
from activities.services import activity_status_change
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

POSTPONED = "Funding for the field work is postponed to next year."


def status_line(html):
    return re.search(r"<dt>[^<]+</dt><dd><span class=\"status.*?</dd>", html, re.S).group(0)


def history_items(html):
    """The entries of the status history, the page's last list, oldest first."""
    section = html.rsplit("<ol>", 1)[1]
    return re.findall(r"<li>(.*?)</li>", section.split("</ol>", 1)[0], re.S)


def test_a_reason_does_not_outlive_its_status(client):
    activity = ActivityFactory(slug="andes-ecotourism")
    activity_status_change(activity=activity, status="stalled", reason=POSTPONED, language="en")
    activity_status_change(activity=activity, status="under_way", language="en")
    html = client.get("/en/activities/andes-ecotourism/").content.decode()
    assert "Under way" in status_line(html) and "postponed" not in status_line(html)
    items = history_items(html)
    assert "Stalled" in items[-2] and POSTPONED in items[-2]
    assert "Under way" in items[-1] and "postponed" not in items[-1]


def test_an_optional_reason_is_kept_with_its_own_change(client):
    activity = ActivityFactory(slug="andes-ecotourism")
    activity_status_change(
        activity=activity, status="under_way", reason="The grant arrived.", language="en"
    )
    html = client.get("/en/activities/andes-ecotourism/").content.decode()
    assert "The grant arrived." in status_line(html)
    assert "The grant arrived." in history_items(html)[-1]


def test_a_reason_written_in_french_is_stored_and_shown_as_french(client):
    activity = ActivityFactory(slug="andes-ecotourism")
    activity_status_change(
        activity=activity, status="stalled", reason="Le financement est reporté.", language="fr"
    )
    activity.refresh_from_db()
    assert activity.status_reason_fr == "Le financement est reporté."
    assert not activity.status_reason_en
    assert StatusChange.objects.get().language == "fr"
    english = client.get("/en/activities/andes-ecotourism/").content.decode()
    assert '<span lang="fr">Le financement est reporté.</span>' in status_line(english)
    assert '<span lang="fr">Le financement est reporté.</span>' in history_items(english)[-1]
    french = client.get("/fr/activities/andes-ecotourism/").content.decode()
    assert "<span>Le financement est reporté.</span>" in status_line(french)
    assert 'lang="fr"' not in history_items(french)[-1]


def admin_form_data(client, activity, **changes):
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        # A browser sends no file for a file field left alone.
        if value is not None and not isinstance(value, list | FieldFile)
    }
    data.update({"countries": [], "areas": [], "start_date": "", "end_date": ""})
    for prefix in ["participations", "milestones", "funding", "outputs", "status_changes"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return url, data


def test_in_the_admin_the_next_status_does_not_inherit_the_last_reason(
    client, secretariat_client, secretariat_user
):
    activity = ActivityFactory(slug="andes-ecotourism", status="planning")
    url, data = admin_form_data(
        secretariat_client, activity, status="stalled", status_reason_en=POSTPONED
    )
    assert secretariat_client.post(url, data).status_code == 302
    # The form now shows the stalled reason; the secretariat only changes the status.
    url, data = admin_form_data(secretariat_client, activity, status="under_way")
    assert data["status_reason_en"] == POSTPONED
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity.refresh_from_db()
    assert activity.status == "under_way" and not activity.status_reason_en
    changes = list(StatusChange.objects.order_by("changed_at", "pk"))
    assert [(c.status, c.reason, c.changed_by) for c in changes] == [
        ("stalled", POSTPONED, secretariat_user),
        ("under_way", "", secretariat_user),
    ]
    html = client.get("/en/activities/andes-ecotourism/").content.decode()
    assert "postponed" not in status_line(html)
    assert "postponed" not in history_items(html)[-1]


def test_in_the_admin_a_reason_typed_in_spanish_is_recorded_as_spanish(secretariat_client):
    activity = ActivityFactory(slug="andes-ecotourism", status="under_way")
    url, data = admin_form_data(
        secretariat_client,
        activity,
        status="cancelled",
        status_reason_es="Los socios se retiraron.",
    )
    assert secretariat_client.post(url, data).status_code == 302
    change = StatusChange.objects.get()
    assert (change.reason, change.language) == ("Los socios se retiraron.", "es")
    activity.refresh_from_db()
    assert activity.status_reason_es == "Los socios se retiraron."
    assert not activity.status_reason_en


def test_in_the_admin_stalled_without_a_new_reason_is_refused(secretariat_client):
    activity = ActivityFactory(slug="andes-ecotourism", status="under_way")
    activity_status_change(activity=activity, status="cancelled", reason="Old.", language="en")
    url, data = admin_form_data(secretariat_client, activity, status="stalled")
    assert data["status_reason_en"] == "Old."
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "Say why the activity is stalled or cancelled." in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "cancelled" and StatusChange.objects.count() == 1
