"""Partner matchmaking and open data."""

import csv
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command

from activities.models import Participation
from insight.models import PartnerMessage
from members.models import Area, Member, Representation
from tests.conftest import verified_user
from tests.factories import ActivityFactory, AreaFactory, FocalPointFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def andes():
    """The Andean consortium, a representative of it, and who shares what with it."""
    research, andes_area, europe = (
        AreaFactory(slug="research", name_en="Research"),
        AreaFactory(slug="andes", kind=Area.Kind.GEOGRAPHIC, name_en="Andes"),
        AreaFactory(slug="europe", kind=Area.Kind.GEOGRAPHIC, name_en="Europe"),
    )
    consortium = MemberFactory(name_en="Andean Consortium")
    consortium.areas.add(research, andes_area)
    close = MemberFactory(name_en="Close partner", region=consortium.region)
    close.areas.add(research, andes_area)
    FocalPointFactory(member=close, email="close@partner.example.org", languages="French")
    near = MemberFactory(name_en="Same theme elsewhere")
    near.areas.add(research, europe)
    MemberFactory(name_en="Nothing in common").areas.add(europe)
    planning = ActivityFactory(title_en="Andean research network", status="planning")
    planning.areas.add(andes_area)
    under_way = ActivityFactory(title_en="Research and Andes together", status="under_way")
    under_way.areas.add(research, andes_area)
    own = ActivityFactory(title_en="Already ours", status="planning")
    own.areas.add(research)
    Participation.objects.create(activity=own, member=consortium)
    user = verified_user(first_name="Ana", last_name="Quispe")
    Representation.objects.create(user=user, member=consortium, role="focal_point")
    return consortium, user


def test_partners_are_ranked_by_what_they_share_with_activities_looking_first(client, andes):
    consortium, user = andes
    client.force_login(user)
    page = client.get(f"/en/my/{consortium.slug}/partners/").content.decode()
    assert page.index("Close partner") < page.index("Same theme elsewhere")
    assert "Nothing in common" not in page and "Already ours" not in page
    assert page.index("Andean research network") < page.index("Research and Andes together")
    assert "close@partner.example.org" not in page


def test_a_message_reaches_the_other_focal_point_without_showing_the_address(
    client, andes, django_capture_on_commit_callbacks
):
    consortium, user = andes
    close = Member.objects.get(name_en="Close partner")
    client.force_login(user)
    form = client.get(f"/en/my/{consortium.slug}/partners/{close.slug}/").content.decode()
    assert "close@partner.example.org" not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/my/{consortium.slug}/partners/{close.slug}/",
            {"subject": "Seed money for a joint study", "body": "Shall we apply together?"},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["close@partner.example.org"] and message.reply_to == [user.email]
    assert "Shall we apply together?" in message.body
    assert "Andean Consortium" in message.subject
    # In the language the focal point speaks (French), from a named sender.
    assert message.body.startswith("Bonjour Person") and "Ana Quispe, de Andean" in message.body


@pytest.mark.parametrize("who", ["anonymous", "verified", "other representative"])
def test_only_the_members_own_people_and_the_secretariat_look_for_its_partners(client, andes, who):
    consortium, _user = andes
    close = Member.objects.get(name_en="Close partner")
    if who == "verified":
        client.force_login(verified_user())
    elif who == "other representative":
        other = verified_user()
        Representation.objects.create(user=other, member=close, role="focal_point")
        client.force_login(other)
    for url in [
        f"/en/my/{consortium.slug}/partners/",
        f"/en/my/{consortium.slug}/partners/{close.slug}/",
    ]:
        assert client.get(url).status_code in {302, 404}
    client.post(f"/en/my/{consortium.slug}/partners/{close.slug}/", {"subject": "x", "body": "y"})
    assert not PartnerMessage.objects.exists()


def test_the_secretariat_finds_a_partner_for_any_member(secretariat_client, andes):
    consortium, _user = andes
    page = secretariat_client.get(f"/en/my/{consortium.slug}/partners/").content.decode()
    assert "Close partner" in page


def test_open_data_downloads_in_each_language_without_contact_data(client):
    call_command("loaddemo", verbosity=0)
    for language in ["en", "fr", "es"]:
        response = client.get(f"/{language}/data/members.csv?type=igo")
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 14 and {row["type"] for row in rows} == {"igo"}
        assert "@" not in text  # no email address of anyone
    french = json.loads(client.get("/fr/data/members.json?type=government&region=europe").content)
    assert any(member["name"] == "Gouvernement de l'Italie" for member in french)
    for name in ["areas", "activities", "events"]:
        for format in ["csv", "json"]:
            assert client.get(f"/es/data/{name}.{format}").status_code == 200
    assert client.get("/en/data/focal-points.csv").status_code == 404
    assert client.get("/en/data/members.xml").status_code == 404


def test_the_api_pages_filters_and_names_what_it_ignored(client):
    call_command("loaddemo", verbosity=0)
    data = client.get("/en/api/members/").json()
    assert data["count"] == 149 and data["pages"] == 2 and len(data["results"]) == 100
    assert data["next"].endswith("/en/api/members/?page=2") and data["previous"] is None
    second = client.get("/en/api/members/?page=2").json()
    assert len(second["results"]) == 49
    filtered = client.get("/en/api/members/?type=government&region=nowhere").json()
    assert filtered["count"] == 46 and filtered["ignored"] == ["region"]
    assert client.get("/en/api/members/?page=9").status_code == 404
    assert client.get("/en/api/members/?page=abc").status_code == 404
    activity = client.get("/es/api/activities/").json()["results"][0]
    assert set(activity) >= {"slug", "title", "status", "areas", "lead_members", "url"}


def test_the_data_dictionary_names_every_field(client):
    from insight.opendata import DATASETS

    page = client.get("/fr/data/").content.decode()
    for dataset in DATASETS.values():
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in page
