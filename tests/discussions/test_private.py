"""A consultation whose space is read only by member representatives is private: its page,
its contributions, its exports, its documents and its search entries, from every side."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_sendfile.utils import _get_sendfile

from discussions import permissions, services
from discussions.models import Document, Follow, Space
from tests.conftest import verified_user
from tests.discussions.conftest import client_for, old_account, representative
from tests.factories import consultation_for

pytestmark = pytest.mark.django_db

CONTRIBUTION = "Community lodges in the Cordillera Blanca pay guides fairly."
PDF = b"%PDF-1.7\nannex of the members-only consultation"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SENDFILE_ROOT = str(tmp_path)
    return tmp_path


def members_only(consultation):
    space = consultation.space
    space.read_access = Space.Read.MEMBERS
    space.save()
    return consultation


@pytest.fixture
def private(media, django_capture_on_commit_callbacks):
    """A members-only consultation (moderated by a representative) with a contribution and
    an annex, saved as the admin saves them, the search index caught up."""
    moderator = old_account(representative(first_name="Mara", last_name="Moderator"))
    with django_capture_on_commit_callbacks(execute=True):
        consultation = members_only(
            consultation_for(
                "open", moderator, slug="lodges", question_en="Who runs the lodges well?"
            )
        )
        post = services.reply_post(
            topic=consultation.topic,
            user=old_account(representative()),
            body=CONTRIBUTION,
            language="en",
        )
    document = Document(consultation=consultation, title_en="Annex")
    document.file.save("annex.pdf", SimpleUploadedFile("annex.pdf", PDF))
    consultation.post = post
    consultation.document = document
    return consultation


def urls(consultation):
    slug = consultation.slug
    return {
        "page": f"/en/consultations/{slug}/",
        "csv": f"/en/consultations/{slug}/contributions.csv",
        "json": f"/en/consultations/{slug}/contributions.json",
        "document": f"/media/{consultation.document.file.name}",
        "post": f"/en/discussions/posts/{consultation.post.pk}/",
    }


@pytest.fixture
def outsiders(db):
    return {"anonymous": None, "verified user": old_account(verified_user())}


@pytest.mark.parametrize("who", ["anonymous", "verified user"])
def test_outsiders_get_a_404_for_every_address_of_a_members_only_consultation(
    client, private, outsiders, who
):
    client_for(client, outsiders[who])
    for name, url in urls(private).items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert CONTRIBUTION.encode() not in response.content
        assert PDF not in response.content


@pytest.mark.parametrize("who", ["anonymous", "verified user"])
def test_outsiders_do_not_see_it_listed_or_found(client, private, outsiders, who):
    client_for(client, outsiders[who])
    listing = client.get("/en/consultations/").content.decode()
    assert "Who runs the lodges well?" not in listing
    if who == "anonymous":
        assert "open only to member representatives" in listing
    found = client.get("/en/search/?q=lodges").content.decode()
    assert "Cordillera" not in found and "Who runs the lodges well?" not in found


@pytest.mark.parametrize("who", ["anonymous", "verified user"])
def test_outsiders_cannot_contribute_or_follow(client, private, outsiders, who):
    client_for(client, outsiders[who])
    response = client.post(urls(private)["page"], {"body": "Sneaked in", "language": "en"})
    assert response.status_code == 404
    space, topic = private.space.slug, private.topic.pk
    assert client.post(f"/en/discussions/{space}/{topic}/follow/").status_code in {302, 404}
    assert client.post(f"/en/discussions/{space}/follow/").status_code in {302, 404}
    assert not private.topic.posts.filter(body="Sneaked in").exists()
    if outsiders[who] is not None:
        assert not Follow.objects.filter(user=outsiders[who]).exists()


def test_a_member_representative_reads_it_all_but_the_export(client, private):
    client_for(client, old_account(representative()))
    page = client.get(urls(private)["page"])
    assert page.status_code == 200 and CONTRIBUTION in page.content.decode()
    assert urls(private)["document"] in page.content.decode()
    assert "Who runs the lodges well?" in client.get("/en/consultations/").content.decode()
    assert "Cordillera" in client.get("/en/search/?q=lodges").content.decode()
    document = client.get(urls(private)["document"])
    assert document.status_code == 200 and b"".join(document) == PDF
    # Sent to this reader only: no proxy or shared cache keeps it for the next one.
    assert document["Cache-Control"] == "private, no-store"
    assert "Cookie" in document["Vary"]
    assert document["Content-Disposition"].startswith("attachment")
    assert document["Content-Type"] == "application/pdf"
    assert document["X-Content-Type-Options"] == "nosniff"
    # The export, with names, is the secretariat's and the moderator's.
    assert client.get(urls(private)["csv"]).status_code == 404


def test_the_secretariat_signed_in_with_its_second_factor_reads_and_exports(
    secretariat_client, private
):
    page = secretariat_client.get(urls(private)["page"])
    assert page.status_code == 200 and CONTRIBUTION in page.content.decode()
    for format in ["csv", "json"]:
        export = secretariat_client.get(urls(private)[format])
        assert export.status_code == 200 and CONTRIBUTION in export.content.decode("utf-8-sig")
    document = secretariat_client.get(urls(private)["document"])
    assert document.status_code == 200 and b"".join(document) == PDF


def test_the_moderator_exports_while_they_may_read_the_space(client, private):
    moderator = private.moderator
    client_for(client, moderator)
    assert CONTRIBUTION in client.get(urls(private)["csv"]).content.decode("utf-8-sig")
    # A moderator who is no member representative (any more) may not read the space, nor
    # export what is in it.
    moderator.representations.all().delete()
    assert not permissions.can_export(moderator, private)
    assert client.get(urls(private)["csv"]).status_code == 404
    assert client.get(urls(private)["json"]).status_code == 404
    assert client.get(urls(private)["page"]).status_code == 404


def test_a_public_consultation_and_its_documents_stay_public(client, media):
    consultation = consultation_for("open", verified_user(), slug="open-to-all")
    document = Document(consultation=consultation, title_en="Annex")
    document.file.save("terms.pdf", SimpleUploadedFile("terms.pdf", PDF))
    assert client.get(f"/en/consultations/{consultation.slug}/").status_code == 200
    response = client.get(f"/media/{document.file.name}")
    assert response.status_code == 200 and b"".join(response) == PDF
    assert response["Cache-Control"] == "public, max-age=86400"
    # A file left behind by a deleted document is no one's to fetch any more.
    name = document.file.name
    document.delete()
    assert (media / name).exists()
    assert client.get(f"/media/{name}").status_code == 404


def test_a_document_stays_private_however_its_address_is_spelt(client, private):
    name = private.document.file.name
    folder, rest = name.split("/", 1)
    for path in [f"{folder}//{rest}", f"{folder}/./{rest}", f"logos/../{name}"]:
        assert client.get(f"/media/{path}").status_code == 404, path


@pytest.fixture
def nginx(settings):
    """Production with nginx in front: the portal checks, nginx sends the bytes."""
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/private-media"
    _get_sendfile.cache_clear()  # django-sendfile2 keeps the backend it loaded first
    yield
    _get_sendfile.cache_clear()


def test_behind_nginx_a_private_document_is_left_to_x_accel_redirect(client, private, nginx):
    url = urls(private)["document"]
    assert client.get(url).status_code == 404
    client_for(client, old_account(representative()))
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/private-media/{private.document.file.name}"
    assert response.content == b""  # nginx reads the file from its internal location
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_only_those_who_may_still_read_it_are_sent_its_closing_and_synthesis(
    private, django_capture_on_commit_callbacks
):
    from django.core import mail

    from discussions.tasks import consultations_closed

    stayed = private.post.author
    left = old_account(representative())
    services.reply_post(topic=private.topic, user=left, body="Mine too", language="en")
    left.representations.all().delete()  # no longer speaks for a member
    type(private).objects.filter(pk=private.pk).update(
        opens_at=private.opens_at.replace(year=2020), closes_at=private.opens_at.replace(year=2021)
    )
    mail.outbox.clear()
    assert consultations_closed() == 1
    assert [message.to for message in mail.outbox] == [[stayed.email]]
