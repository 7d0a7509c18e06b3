"""Members' forms and links refuse what they cannot keep, with a message, and save nothing."""

import pytest
from django.core import mail

from members.models import FocalPointProposal, Invitation, MembershipApplication, User
from tests.conftest import sign_in
from tests.limits import long_email
from tests.members.test_applications import application_form
from tests.members.test_self_service import member_a, representative  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_colleagues_address_longer_than_an_account_takes_is_refused(client, member_a):  # noqa: F811
    sign_in(client, representative(member_a))
    response = client.post(
        "/en/my/member-a/colleagues/", {"email": long_email(262), "language": "en"}
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Invitation.objects.exists()


def test_removing_a_colleague_by_a_number_that_is_not_one_is_a_404(client, member_a):  # noqa: F811
    sign_in(client, representative(member_a))
    for value in ["²", "٣", "9" * 5000, "\x00"]:
        response = client.post("/en/my/member-a/colleagues/", {"remove": value})
        assert response.status_code == 404, value


@pytest.mark.parametrize("token", ["%00", "%00abc", "a" * 300])
def test_an_invitation_link_with_a_character_no_token_has_is_a_404(client, token):
    assert client.get(f"/en/invitations/{token}/").status_code == 404


def test_an_application_with_a_description_too_long_to_keep_is_refused(client):
    response = client.post("/en/members/join/", application_form(description="x" * 200_000))
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    assert not MembershipApplication.objects.exists()
    assert not mail.outbox


def test_signing_up_with_an_address_longer_than_accounts_take_is_refused_not_cut_short(client):
    address = long_email(273)
    response = client.post(
        "/en/accounts/signup/",
        {"email": address, "password1": "a long password 1", "password2": "a long password 1"},
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_proposed_focal_point_starting_in_a_far_year_is_refused(client, member_a, day):  # noqa: F811
    sign_in(client, representative(member_a))
    response = client.post(
        "/en/my/member-a/focal-point/",
        {"name": "Ana Quispe", "email": "ana@example.org", "start_date": day},
    )
    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert not FocalPointProposal.objects.exists()


def test_a_far_date_is_explained_in_the_readers_language(client, member_a):  # noqa: F811
    sign_in(client, representative(member_a))
    response = client.post(
        "/fr/my/member-a/focal-point/",
        {"name": "Ana Quispe", "email": "ana@example.org", "start_date": "9999-12-31"},
    )
    assert "Saisissez une date entre le 1er janvier 1900 et le" in response.content.decode()
    assert not FocalPointProposal.objects.exists()
