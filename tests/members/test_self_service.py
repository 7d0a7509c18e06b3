"""Member representatives look after their own organisation, and nobody else's."""

import datetime
import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from members.models import (
    FocalPointProposal,
    Invitation,
    Member,
    Representation,
    User,
    add_years,
)
from members.services import invitation_send
from tests.conftest import PASSWORD, sign_in, verified_user
from tests.factories import AreaFactory, FocalPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a():
    member = FocalPointFactory(
        member__name_en="Andean Consortium",
        member__slug="member-a",
        member__description_en="Research in the Andes.",
        email="fp.a@example.org",
        phone="+51 1 555 0100",
    ).member
    return member


@pytest.fixture
def member_b():
    return FocalPointFactory(
        member__name_en="Balkan Network", member__slug="member-b", email="fp.b@example.org"
    ).member


def representative(member, role=Representation.Role.FOCAL_POINT):
    user = verified_user()
    Representation.objects.create(user=user, member=member, role=role)
    return user


# The cast, each signed in through the real login.


def cast_client(client, who, member_a, member_b):
    if who == "anonymous":
        return client
    if who == "verified user without member":
        return sign_in(client, verified_user())
    if who == "representative of A":
        return sign_in(client, representative(member_a))
    if who == "representative of B":
        return sign_in(client, representative(member_b))
    user = verified_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat"))
    if who == "secretariat without second factor":
        return sign_in(client, user)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return sign_in(client, user, secret)


CAST = [
    "anonymous",
    "verified user without member",
    "representative of A",
    "representative of B",
    "secretariat without second factor",
    "secretariat with second factor",
]

# Who may open A's self-service pages: A's representative and the secretariat. A staff
# session that did not pass the second factor is an ordinary user's (permissions.is_secretariat).
MAY_EDIT_A = {
    "representative of A",
    "secretariat with second factor",
}


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(
    "page", ["my-member-edit", "my-member-colleagues", "my-member-focal-point", "my-member-renew"]
)
def test_member_a_self_service_pages_open_only_for_its_representatives_and_the_secretariat(
    client, member_a, member_b, who, page
):
    cast_client(client, who, member_a, member_b)
    response = client.get(reverse(f"members:{page}", args=[member_a.slug]))
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif who in MAY_EDIT_A:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", CAST)
def test_editing_member_a_is_refused_to_everyone_else_and_changes_nothing(
    client, member_a, member_b, who
):
    cast_client(client, who, member_a, member_b)
    response = client.post(
        reverse("members:my-member-edit", args=[member_a.slug]),
        {"description_en": "Hijacked.", "website": "https://evil.example.com/"},
    )
    member_a.refresh_from_db()
    if who in MAY_EDIT_A:
        assert response.status_code == 302
        assert member_a.description_en == "Hijacked."
    else:
        assert response.status_code in {302, 404}
        assert member_a.description_en == "Research in the Andes."
        assert not member_a.history.filter(history_type="~").exists()


@pytest.mark.parametrize("who", CAST)
def test_focal_points_contacts_show_only_to_representatives_and_the_secretariat(
    client, member_a, member_b, who
):
    cast_client(client, who, member_a, member_b)
    page = client.get(f"/en/members/{member_a.slug}/").content.decode()
    sees = who not in {
        "anonymous",
        "verified user without member",
        "secretariat without second factor",
    }
    assert ("fp.a@example.org" in page) is sees
    assert ("555 0100" in page) is sees


def test_contacts_never_reach_the_csv_download(client, member_a, member_b):
    sign_in(client, representative(member_a))
    assert b"fp.a@example.org" not in client.get("/en/members/export.csv").content


def test_a_representative_edits_the_french_description_and_french_readers_see_it(client, member_a):
    biodiversity = AreaFactory(slug="biodiversity")
    sign_in(client, representative(member_a))
    response = client.post(
        "/fr/my/member-a/",
        {
            "description_en": "Research in the Andes.",
            "description_fr": "Recherche dans les Andes.",
            "description_es": "",
            "website": "condesan.example.org",
            "contact_email": "info@condesan.example.org",
            "areas": [biodiversity.pk],
        },
    )
    assert response.status_code == 302
    assert (
        "<p>Recherche dans les Andes.</p>" in client.get("/fr/members/member-a/").content.decode()
    )
    # One change in the member's history, by the representative, areas included.
    change = member_a.history.get(history_type="~")
    assert change.history_user.representations.filter(member=member_a).exists()
    delta = change.diff_against(change.prev_record)
    found = {item.field: (item.old, item.new) for item in delta.changes}
    assert found["description_fr"] in {
        ("", "Recherche dans les Andes."),
        (None, "Recherche dans les Andes."),
    }
    assert found["website"] == ("", "https://condesan.example.org")
    assert found["areas"][0] == [] and [row["area"] for row in found["areas"][1]] == [
        biodiversity.pk
    ]


def test_bad_input_is_explained_in_the_readers_language_and_saves_nothing(client, member_a):
    sign_in(client, representative(member_a))
    response = client.post(
        "/es/my/member-a/",
        {
            "description_en": "",
            "description_fr": "Nouveau",
            "website": "not a url",
            "contact_email": "nope",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Introduzca una dirección de correo electrónico válida." in page
    assert "Introduzca una URL válida." in page
    member_a.refresh_from_db()
    assert member_a.description_en == "Research in the Andes."
    assert not member_a.description_fr


def image_upload(name="logo.png", size=(60, 30), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# Made for each run: an uploaded file is read once, and mutmut runs the tests twice in one
# process.
@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("logo.png", b"<?php echo 1; ?>", content_type="image/png"),
            "Upload a valid image",
        ),
        (lambda: image_upload("logo.bmp", fmt="BMP"), "PNG, JPEG, GIF or WebP"),
        (lambda: image_upload(size=(3000, 3000), fmt="BMP"), None),
    ],
)
def test_non_images_and_oversized_logos_are_refused(
    client, member_a, settings, tmp_path, make_upload, message
):
    upload = make_upload()
    settings.MEDIA_ROOT = tmp_path
    settings.LOGO_MAX_BYTES = 100 * 1024
    sign_in(client, representative(member_a))
    response = client.post(
        "/en/my/member-a/", {"description_en": "Research in the Andes.", "logo": upload}
    )
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
    else:
        assert "too large" in response.content.decode()
    member_a.refresh_from_db()
    assert not member_a.logo


def test_a_representative_cannot_remove_another_members_colleague(client, member_a, member_b):
    colleague_of_b = Representation.objects.create(
        user=verified_user(), member=member_b, role=Representation.Role.COLLEAGUE
    )
    sign_in(client, representative(member_a))
    response = client.post("/en/my/member-a/colleagues/", {"remove": colleague_of_b.pk})
    assert response.status_code == 404
    assert Representation.objects.filter(pk=colleague_of_b.pk).exists()


def test_focal_point_invites_and_removes_a_colleague(
    client, member_a, django_capture_on_commit_callbacks
):
    sign_in(client, representative(member_a))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/my/member-a/colleagues/", {"email": "colleague@example.org", "language": "fr"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="colleague@example.org")
    assert invitation.role == Representation.Role.COLLEAGUE
    assert mail.outbox[-1].to == ["colleague@example.org"]
    assert "Votre invitation" in mail.outbox[-1].subject
    colleague = Representation.objects.create(
        user=verified_user(), member=member_a, role=Representation.Role.COLLEAGUE
    )
    client.post("/en/my/member-a/colleagues/", {"remove": colleague.pk})
    assert not Representation.objects.filter(pk=colleague.pk).exists()


def test_a_colleague_may_edit_but_not_manage_colleagues(client, member_a):
    sign_in(client, representative(member_a, Representation.Role.COLLEAGUE))
    assert client.get("/en/my/member-a/").status_code == 200
    response = client.post(
        "/en/my/member-a/colleagues/", {"email": "x@example.org", "language": "en"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_proposed_focal_point_waits_for_the_secretariat(client, member_a):
    sign_in(client, representative(member_a))
    response = client.post(
        "/en/my/member-a/focal-point/",
        {
            "name": "Lucía Mamani",
            "title": "Director",
            "email": "lucia@example.org",
            "language": "en",
            "start_date": "2030-01-01",
        },
    )
    assert response.status_code == 302
    proposal = FocalPointProposal.objects.get()
    assert proposal.status == FocalPointProposal.Status.PENDING
    assert member_a.current_focal_point.email == "fp.a@example.org"


def test_secretariat_confirms_a_proposed_focal_point(secretariat_client, member_a):
    proposal = FocalPointProposal.objects.create(
        member=member_a,
        name="Lucía Mamani",
        email="lucia@example.org",
        start_date=datetime.date(2030, 1, 1),
    )
    secretariat_client.post(
        reverse("admin:members_focalpointproposal_changelist"),
        {"action": "confirm", "_selected_action": [proposal.pk]},
    )
    assert member_a.current_focal_point.name == "Lucía Mamani"
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.CONFIRMED


def test_yearly_confirmation_is_recorded_and_filtered_in_the_admin(client, member_a, member_b):
    sign_in(client, representative(member_a))
    assert "Confirm the record is current" in client.get("/en/my/member-a/").content.decode()
    client.post("/en/my/member-a/confirm/")
    member_a.refresh_from_db()
    assert member_a.record_confirmed_at is not None
    assert "Confirm the record is current" not in client.get("/en/my/member-a/").content.decode()


def test_renewal_by_the_representative_adds_four_years(client, member_a):
    ends = timezone.localdate() + datetime.timedelta(days=45)
    Member.objects.filter(pk=member_a.pk).update(term_ends=ends)
    sign_in(client, representative(member_a))
    client.post("/en/my/member-a/renew/")
    member_a.refresh_from_db()
    assert member_a.term_ends == add_years(ends, 4)


# Invitations.


def accept_link(message):
    return re.search(r"http://[^\s]+", message.body).group(0).replace("http://127.0.0.1:8000", "")


def test_invitation_creates_a_verified_account_and_works_once(
    client, member_a, secretariat_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            member=member_a,
            email="new.fp@example.org",
            role="focal_point",
            language="es",
            invited_by=secretariat_user,
        )
    message = mail.outbox[-1]
    assert message.to == ["new.fp@example.org"]
    assert "Andean Consortium" in message.subject and "invitación" in message.subject
    link = accept_link(message)
    assert link.startswith("/es/invitations/")
    page = client.get(link)
    assert "Elija una contraseña" in page.content.decode()
    response = client.post(
        link, {"password1": "cordillera-blanca-2030", "password2": "cordillera-blanca-2030"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.fp@example.org")
    assert Representation.objects.get(user=user).member == member_a
    assert client.get("/es/my/member-a/").status_code == 200
    # Used: a second visit says so and changes nothing.
    client.logout()
    again = client.post(link, {"password1": "x-y-z-long-enough", "password2": "x-y-z-long-enough"})
    assert again.status_code == 404 or again.status_code == 410
    assert User.objects.filter(email="new.fp@example.org").count() == 1


def test_expired_invitation_is_refused(client, member_a, secretariat_user):
    invitation = invitation_send(
        member=member_a,
        email="late@example.org",
        role="colleague",
        language="en",
        invited_by=secretariat_user,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = client.post(
        f"/en/invitations/{invitation.token}/",
        {"password1": "long-enough-pass", "password2": "long-enough-pass"},
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


def test_invitation_for_another_address_is_not_taken_by_a_signed_in_account(
    client, member_a, secretariat_user
):
    invitation = invitation_send(
        member=member_a,
        email="someone@example.org",
        role="colleague",
        language="en",
        invited_by=secretariat_user,
    )
    intruder = verified_user()
    sign_in(client, intruder)
    client.post(f"/en/invitations/{invitation.token}/")
    assert not Representation.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_secretariat_invites_focal_points_from_the_admin(
    secretariat_client, member_a, django_capture_on_commit_callbacks
):
    FocalPoint = member_a.focal_points.model
    FocalPoint.objects.filter(member=member_a).update(languages="Spanish, Quechua")
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            reverse("admin:members_member_changelist"),
            {"action": "invite_focal_points", "_selected_action": [member_a.pk]},
        )
    invitation = Invitation.objects.get(member=member_a)
    assert invitation.email == "fp.a@example.org"
    assert invitation.language == "es"
    assert mail.outbox[-1].to == ["fp.a@example.org"]


def test_signing_in_with_the_invited_address_accepts(client, member_a, secretariat_user):
    existing = verified_user(email="exists@example.org")
    invitation = invitation_send(
        member=member_a,
        email="exists@example.org",
        role="alternate",
        language="en",
        invited_by=secretariat_user,
    )
    page = client.get(f"/en/invitations/{invitation.token}/").content.decode()
    assert "Sign in with that address to accept" in page
    sign_in(client, existing)
    client.post(f"/en/invitations/{invitation.token}/")
    assert Representation.objects.get(user=existing).role == Representation.Role.ALTERNATE
    assert PASSWORD
