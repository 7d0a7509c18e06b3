"""Applying to join, and the secretariat's decision, from the applicant's side and the admin's."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from members.models import FocalPoint, Member, MembershipApplication, Representation, User
from tests.factories import AreaFactory, MemberFactory, MembershipApplicationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def application_form(**changes):
    data = {
        "language": "es",
        "name": "Asociación de Comunidades de Cuchumatanes",
        "acronym": "ACC",
        "type": "major_group",
        "sector": "ngo",
        "country": "GT",
        "website": "acc.example.org",
        "description": "Trabajamos con comunidades mayas de los Cuchumatanes.",
        "focal_point_name": "María Tzoc",
        "focal_point_title": "Coordinadora",
        "focal_point_email": "maria@acc.example.org",
        "focal_point_phone": "+502 555 0101",
        "focal_point_languages": "Español, K'iche'",
        "contribution": "Compartiremos nuestra experiencia en manejo de cuencas.",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def first_link(message):
    return re.search(r"http://[^\s]+", message.body).group(0).replace("http://127.0.0.1:8000", "")


def test_apply_in_spanish_confirm_and_wait_for_the_secretariat(
    client, django_capture_on_commit_callbacks
):
    page = client.get("/es/members/join/").content.decode()
    assert "cuatro años" in page
    area = AreaFactory(slug="watershed-management")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/es/members/join/", application_form(areas=[area.pk]))
    assert response.status_code == 302
    application = MembershipApplication.objects.get()
    assert application.language == "es"
    assert application.status == MembershipApplication.Status.UNCONFIRMED
    assert list(application.areas.all()) == [area]
    message = mail.outbox[-1]
    assert message.to == ["maria@acc.example.org"]
    assert "Confirme su solicitud" in message.subject
    link = first_link(message)
    # Following the link shows a button and changes nothing (mail scanners follow links too).
    page = client.get(link)
    assert page.status_code == 200 and "Confirmar la solicitud" in page.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.UNCONFIRMED
    confirmed = client.post(link)
    assert confirmed.status_code == 200
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.PENDING
    assert application.email_confirmed_at is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Este campo es obligatorio."),
        ({"consent": None}, "Este campo es obligatorio."),
        (
            {"focal_point_email": "not-an-address"},
            "Introduzca una dirección de correo electrónico válida.",
        ),
        ({"sector": ""}, "Elija el sector de su organización."),
        ({"type": "government"}, "Solo los grupos principales tienen un sector"),
        ({"country": "XX"}, "Escoja una opción válida."),
    ],
)
def test_bad_applications_are_explained_in_spanish_and_nothing_is_saved(client, changes, message):
    response = client.post("/es/members/join/", application_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MembershipApplication.objects.exists()
    assert not mail.outbox


def test_the_honeypot_stops_robots(client):
    response = client.post(
        "/en/members/join/", application_form(website_confirmation="http://spam")
    )
    assert response.status_code == 200
    assert not MembershipApplication.objects.exists()


def test_a_tampered_confirmation_link_is_refused(client):
    application = MembershipApplicationFactory()
    for response in [
        client.get("/es/members/join/confirm/not-a-real-token/"),
        client.post("/es/members/join/confirm/not-a-real-token/"),
    ]:
        assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.UNCONFIRMED


def pending_application(**fields):
    return MembershipApplicationFactory(status=MembershipApplication.Status.PENDING, **fields)


def decide(secretariat_client, application, decision, **fields):
    data = {
        "organisation_verified": "on" if fields.get("verified", True) else "",
        "focal_point_confirmed": "on" if fields.get("confirmed", True) else "",
        "region": fields.get("region", ""),
        "decision_reason": fields.get("reason", ""),
        decision: "1",
    }
    return secretariat_client.post(
        reverse("admin:members_membershipapplication_change", args=[application.pk]),
        {key: value for key, value in data.items() if value != ""},
    )


def test_approval_creates_the_member_and_invites_its_focal_point_in_their_language(
    secretariat_client, django_capture_on_commit_callbacks
):
    region = RegionFactory(slug="latin-america")
    application = pending_application(
        name="Asociación Andina", language="es", focal_point_title="Coordinadora"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(secretariat_client, application, "_approve", region=region.pk)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    member = application.member
    assert member.name_en == "Asociación Andina"
    # Kept in the language it was written in, and not copied into English.
    assert member.description_es == application.description and not member.description_en
    assert member.term_ends.year - member.date_joined.year == 4
    focal_point = FocalPoint.objects.get(member=member)
    assert focal_point.email == application.focal_point_email
    assert focal_point.title_es == "Coordinadora" and not focal_point.title_en
    message = mail.outbox[-1]
    assert message.to == [application.focal_point_email]
    assert "invitación" in message.subject
    assert "/es/invitations/" in message.body


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"verified": False}, "Complete the checklist first"),
        ({"region": None}, "Choose the member's region first"),
    ],
)
def test_approval_with_the_checklist_incomplete_creates_nothing(
    secretariat_client, fields, problem
):
    region = RegionFactory()
    application = pending_application()
    fields = {"region": region.pk, **fields}
    if fields["region"] is None:
        fields["region"] = ""
    response = decide(secretariat_client, application, "_approve", **fields)
    assert response.status_code == 302
    assert problem in html.unescape(secretariat_client.get(response.url).content.decode())
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.PENDING
    assert not Member.objects.exists()
    assert not mail.outbox


def test_rejection_needs_a_reason_and_emails_it_in_the_applicants_language(
    secretariat_client, django_capture_on_commit_callbacks
):
    application = pending_application(language="fr", focal_point_email="jean@example.org")
    response = decide(secretariat_client, application, "_reject")
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            secretariat_client,
            application,
            "_reject",
            reason="Votre organisation ne travaille pas en montagne.",
        )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    message = mail.outbox[-1]
    assert message.to == ["jean@example.org"]
    assert "Votre candidature" in message.subject
    assert "ne travaille pas en montagne" in message.body
    assert response.status_code == 302


def test_application_queue_is_refused_outside_the_secretariat(client):
    application = pending_application()
    from tests.conftest import sign_in, verified_user

    sign_in(client, verified_user())
    url = reverse("admin:members_membershipapplication_change", args=[application.pk])
    response = client.post(url, {"_approve": "1", "organisation_verified": "on"})
    assert response.status_code == 403
    assert not Member.objects.exists()


def test_a_decided_application_cannot_be_decided_again(secretariat_client):
    application = MembershipApplicationFactory(status=MembershipApplication.Status.REJECTED)
    response = decide(secretariat_client, application, "_approve", region=RegionFactory().pk)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert not Member.objects.exists()
    assert not User.objects.filter(email=application.focal_point_email).exists()
    assert not Representation.objects.exists()
    assert MemberFactory  # the factory module is shared with other tests
    assert datetime


def test_an_english_application_is_approved_too(secretariat_client):
    region = RegionFactory()
    application = pending_application(language="en", focal_point_title="Director")
    decide(secretariat_client, application, "_approve", region=region.pk)
    application.refresh_from_db()
    assert application.member.focal_points.get().title_en == "Director"
