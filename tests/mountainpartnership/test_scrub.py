"""What leaves the portal is scrubbed: addresses, the tokens of links, signed values."""

import secrets

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from mountainpartnership import logs, scrub


def links_with_a_secret():
    """Every URL pattern, the portal's and allauth's, with a `token` or `key` in it: read from
    the URL conf, so that a link added tomorrow is checked too."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = [*namespace, pattern.namespace] if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name and set(pattern.pattern.regex.groupindex) & scrub.SECRET_KWARGS:
                yield ":".join([*namespace, pattern.name]), list(pattern.pattern.regex.groupindex)

    return sorted(
        set((name, tuple(groups)) for name, groups in walk(get_resolver().url_patterns, []))
    )


LINKS = links_with_a_secret()


def test_the_links_with_a_token_are_found():
    names = {name for name, _groups in LINKS}
    assert {
        "newsletter:unsubscribe",
        "members:invitation-accept",
        "discussions:unfollow",
        "account_confirm_email",
        "account_reset_password_from_key",
    } <= names


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize(("name", "groups"), LINKS)
def test_the_token_of_every_link_is_taken_out_of_any_text(name, groups, language):
    token = secrets.token_urlsafe(24)
    kwargs = {group: token if group in scrub.SECRET_KWARGS else "3" for group in groups}
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
    text = f"GET {path}?page=2 failed; https://portal.example.org{path} was {token!r}"
    scrubbed = scrub.scrub(text)
    assert token not in scrubbed, scrubbed
    assert "[token]" in scrubbed and "?page=2" in scrubbed


def test_addresses_and_signed_values_are_taken_out_and_the_rest_kept():
    from django.core import signing

    signed = signing.Signer(salt="any").sign("12.key")
    dumped = signing.dumps([1, "x"], salt="other", compress=True)
    text = (
        f"alice@example.org, bob.o+x@mail.example.co.uk and carol%40example.org; {signed} "
        f"{dumped}; /en/members/andean-consortium/ and module.path:ClassName stay"
    )
    assert scrub.scrub(text) == (
        "[email], [email] and [email]; [token] [token]; "
        "/en/members/andean-consortium/ and module.path:ClassName stay"
    )


def test_a_log_line_is_scrubbed_as_a_whole():
    token = secrets.token_urlsafe(24)
    event = {
        "event": "request_failed",
        "request": f"GET /en/invitations/{token}/",
        "exception": f"ValueError: bad {token} for dana@example.org",
        "reason": ValueError(f"dana@example.org {token}"),
        "user_id": 7,
    }
    line = logs.scrub_event(None, "error", event)
    assert line["request"] == "GET /en/invitations/[token]/"
    assert line["exception"] == "ValueError: bad [token] for [email]"
    assert line["reason"] == "ValueError('[email] [token]')"
    assert line["user_id"] == 7


def test_a_sentry_event_keeps_no_body_cookie_or_address():
    token = secrets.token_urlsafe(24)
    event = {
        "request": {
            "url": f"https://portal.example.org/fr/newsletter/unsubscribe/{token}/",
            "query_string": "email=erin%40example.org",
            "data": {"body": "My post"},
            "cookies": {"sessionid": "s"},
            "headers": {"Cookie": "sessionid=s", "User-Agent": "UA", "X-Forwarded-For": "1.2.3.4"},
        },
        "user": {"id": "4", "email": "erin@example.org"},
        "extra": {"celery-job": {"task_name": "t", "args": ["a"], "kwargs": {"body": "b"}}},
        "exception": {"values": [{"type": "E", "value": f"{token} erin@example.org"}]},
        "breadcrumbs": {"values": [{"message": f"GET /fr/newsletter/unsubscribe/{token}/"}]},
    }
    sent = logs.before_send(event, {})
    assert sent["request"] == {
        "url": "https://portal.example.org/fr/newsletter/unsubscribe/[token]/",
        "query_string": "email=[email]",
        "headers": {"User-Agent": "UA"},
    }
    assert sent["user"] == {"id": "4"}
    assert sent["extra"]["celery-job"] == {"task_name": "t"}
    assert sent["exception"]["values"][0]["value"] == "[token] [email]"
    assert sent["breadcrumbs"]["values"][0]["message"] == "GET /fr/newsletter/unsubscribe/[token]/"
