"""Accounts through django-allauth, as a person would use them: email, codes, limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from members.models import User
from tests.conftest import PASSWORD, sign_in, verified_user

pytestmark = pytest.mark.django_db


def link_in(message):
    return re.search(r"http://[^\s]+", message.body).group(0).replace("http://testserver", "")


def test_sign_up_verify_and_sign_in_with_the_link_from_the_outbox(client):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "email": "ana@example.org",
            "password1": "mountains-in-the-mist",
            "password2": "mountains-in-the-mist",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    # Not verified yet: signing in is held at the "confirm your email" step.
    client.logout()
    held = client.post(
        "/fr/accounts/login/", {"login": "ana@example.org", "password": "mountains-in-the-mist"}
    )
    assert held.status_code == 302 and "confirm-email" in held.url
    confirm = client.get(link_in(message))
    assert confirm.status_code == 200
    client.post(link_in(message))
    assert EmailAddress.objects.get(email="ana@example.org").verified
    response = client.post(
        "/fr/accounts/login/", {"login": "ana@example.org", "password": "mountains-in-the-mist"}
    )
    assert response.status_code == 302
    assert client.get("/fr/my/").status_code == 200


def test_sign_in_by_emailed_code(client):
    user = verified_user()
    client.post("/en/accounts/login/code/", {"email": user.email})
    body = mail.outbox[-1].body
    assert "Mountain Partnership" in body
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.MULTILINE).group(1)
    response = client.post("/en/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.get("/en/my/").status_code == 200


def test_no_account_enumeration(client):
    known = verified_user()
    unknown = "nobody-here@example.org"
    # Password reset: the same page either way.
    for email in [known.email, unknown]:
        response = client.post("/en/accounts/password/reset/", {"email": email})
        assert response.status_code == 302
        assert response.url == "/en/accounts/password/reset/done/"
    # Sign-up with a taken address: the same "verify your email" answer as a new one.
    taken = client.post(
        "/en/accounts/signup/",
        {
            "email": known.email,
            "password1": "another-long-password",
            "password2": "another-long-password",
        },
    )
    fresh = client.post(
        "/en/accounts/signup/",
        {
            "email": "fresh@example.org",
            "password1": "another-long-password",
            "password2": "another-long-password",
        },
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url
    assert User.objects.filter(email__iexact=known.email).count() == 1
    # Wrong password and unknown address: the same message.
    client.logout()
    wrong = client.post("/en/accounts/login/", {"login": known.email, "password": "wrong"})
    nobody = client.post("/en/accounts/login/", {"login": unknown, "password": "wrong"})
    assert wrong.status_code == nobody.status_code == 200
    assert wrong.context["form"].errors == nobody.context["form"].errors


def test_login_failures_are_rate_limited(client):
    user = verified_user()
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
    # Past five failures for this address, even the right password is refused for a while.
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code in {200, 429}
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_emails_are_rate_limited(client):
    user = verified_user()
    for _ in range(8):
        client.post("/en/accounts/password/reset/", {"email": user.email})
    assert 1 <= len(mail.outbox) <= 5


def test_changing_the_password_signs_out_every_session(client, django_user_model):
    user = verified_user()
    other = client.__class__()
    sign_in(client, user)
    sign_in(other, user)
    response = client.post(
        "/en/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new password",
            "password2": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert other.get("/en/my/").status_code == 302
    assert client.get("/en/my/").status_code == 302


def test_account_pages_speak_the_readers_language(client):
    page = client.get("/es/accounts/login/").content.decode()
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page
    assert "Alianza para las Montañas" in page
