"""E-consultations: open, upcoming and closed; the closing email, the synthesis, the export."""

import csv
import io
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from discussions import services
from discussions.models import Post
from discussions.tasks import consultations_closed
from tests.conftest import verified_user
from tests.discussions.conftest import client_for, old_account, representative
from tests.factories import consultation_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(cast):
    return cast["secretariat"]


@pytest.mark.parametrize("state", ["open", "upcoming", "closed"])
def test_contributions_are_accepted_only_while_open(client, moderator, state):
    consultation = consultation_for(state, moderator)
    user = old_account(verified_user(first_name="Vera"))
    client_for(client, user)
    page = client.get(f"/en/consultations/{consultation.slug}/").content.decode()
    response = client.post(
        f"/en/consultations/{consultation.slug}/", {"body": "My contribution", "language": "en"}
    )
    if state == "open":
        assert 'name="body"' in page
        assert response.status_code == 302
        assert Post.objects.filter(body="My contribution", topic=consultation.topic).exists()
    else:
        assert 'name="body"' not in page
        assert response.status_code == 403
        assert not Post.objects.exists()
        opens = consultation.local_opens().strftime("%Y")
        expected = "opens on" if state == "upcoming" else "is now closed"
        assert expected in page and opens in page and "Europe/Rome" in page


def test_the_list_sorts_consultations_into_open_upcoming_and_closed(client, moderator):
    for state in ["open", "upcoming", "closed"]:
        consultation_for(state, moderator)
    page = client.get("/en/consultations/").content.decode()
    assert (
        page.index("Open now")
        < page.index("(open)")
        < page.index("Coming")
        < page.index("(upcoming)")
        < page.index("Already closed")
        < page.index("(closed)")
    )


def test_participants_are_emailed_when_it_closes_and_when_the_synthesis_is_out(
    moderator, django_capture_on_commit_callbacks
):
    consultation = consultation_for("open", moderator, question_fr="Écotourisme ?")
    people = [old_account(representative()) for _ in range(2)]
    for person in people:
        services.reply_post(topic=consultation.topic, user=person, body="Idea", language="en")
    services.reader_for(people[1], "fr")
    assert consultations_closed() == 0  # still open
    type(consultation).objects.filter(pk=consultation.pk).update(
        opens_at=consultation.opens_at.replace(year=2020),
        closes_at=consultation.opens_at.replace(year=2021),
    )
    mail.outbox.clear()
    assert consultations_closed() == 2
    assert consultations_closed() == 0  # once only
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    french = next(message for message in mail.outbox if message.to == [people[1].email])
    assert "Écotourisme" in french.subject

    consultation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.synthesis_publish(consultation=consultation)  # nothing written yet
    consultation.synthesis_en = "Members agree that community-run lodges work best."
    consultation.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.synthesis_publish(consultation=consultation)
    assert len(mail.outbox) == 2
    assert "community-run lodges" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.synthesis_publish(consultation=consultation)
    assert len(mail.outbox) == 2


def test_a_synthesis_cannot_be_published_while_the_consultation_is_open(moderator):
    consultation = consultation_for("open", moderator, synthesis_en="Too early")
    with pytest.raises(ValidationError):
        services.synthesis_publish(consultation=consultation)


def test_the_synthesis_shows_on_the_page_once_published(client, moderator):
    consultation = consultation_for("closed", moderator, synthesis_en="The synthesis text")
    assert "The synthesis text" not in client.get(consultation.get_absolute_url()).content.decode()
    services.synthesis_publish(consultation=consultation)
    assert "The synthesis text" in client.get(consultation.get_absolute_url()).content.decode()


def test_the_secretariat_exports_every_contribution(client, moderator):
    consultation = consultation_for("open", moderator)
    rosa = old_account(representative(first_name="Rosa", last_name="Mamani"))
    services.reply_post(
        topic=consultation.topic, user=rosa, body="Turismo *comunitario*", language="es"
    )
    services.reply_post(
        topic=consultation.topic,
        user=old_account(verified_user()),
        body="Écotourisme",
        language="fr",
    )
    client.force_login(moderator)
    response = client.get(f"/en/consultations/{consultation.slug}/contributions.csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["language"] for row in rows] == ["es", "fr"]
    assert rows[0]["author"] == "Rosa Mamani"
    assert rows[0]["organisation"] == rosa.representations.get().member.name
    assert rows[0]["text"] == "Turismo *comunitario*"
    data = json.loads(
        client.get(f"/en/consultations/{consultation.slug}/contributions.json").content
    )
    assert [item["text"] for item in data["contributions"]] == [
        "Turismo *comunitario*",
        "Écotourisme",
    ]


@pytest.mark.parametrize("who", ["anonymous", "verified", "representative"])
def test_the_export_is_refused_outside_the_secretariat(client, cast, moderator, who):
    consultation = consultation_for("open", moderator)
    client_for(client, cast[who])
    for format in ["csv", "json"]:
        response = client.get(f"/en/consultations/{consultation.slug}/contributions.{format}")
        assert response.status_code == 404


def test_the_moderator_may_export_too(client, cast):
    moderator = verified_user(first_name="Javier")
    consultation = consultation_for("open", moderator)
    client.force_login(moderator)
    response = client.get(f"/en/consultations/{consultation.slug}/contributions.json")
    assert response.status_code == 200
    assert "Contributions as CSV" in client.get(consultation.get_absolute_url()).content.decode()


def test_a_consultation_takes_contributions_on_its_page_only(client, moderator):
    consultation = consultation_for("open", moderator)
    client_for(client, old_account(verified_user()))
    assert client.get(f"/en/discussions/{consultation.space.slug}/new/").status_code == 404
    response = client.get(f"/en/discussions/{consultation.space.slug}/")
    assert response.url == consultation.get_absolute_url()


@pytest.mark.parametrize(
    "name, content, accepted",
    [
        ("terms.pdf", b"%PDF-1.7\n...", True),
        ("notes.odt", b"PK\x03\x04rest", True),
        ("notes.docx", b"PK\x03\x04rest", True),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", True),
        ("script.pdf", b"<script>alert(1)</script>", False),
        ("page.html", b"<html></html>", False),
        ("image.svg", b"<svg onload=alert(1)>", False),
    ],
)
def test_consultation_documents_are_checked(name, content, accepted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from discussions.validators import validate_document

    upload = SimpleUploadedFile(name, content)
    if accepted:
        validate_document(upload)
    else:
        with pytest.raises(ValidationError):
            validate_document(upload)


def test_a_document_over_the_limit_is_refused(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from discussions.validators import validate_document

    settings.DISCUSSIONS_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="at most"):
        validate_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 20))
