"""The subscribers' signed links: each opens one subscriber's record, for one purpose, for as
long as it should, and anything else opens nothing (and never fails)."""

import time
from unittest import mock

import pytest
from django.core import signing

from newsletter.models import Subscriber, new_key
from newsletter.tokens import (
    CONFIRM_SALT,
    MANAGE_SALT,
    confirm_token,
    manage_token,
    subscriber_from_confirm_token,
    subscriber_from_manage_token,
)
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


@pytest.fixture
def two_subscribers():
    region = RegionFactory()
    return [
        Subscriber.objects.create(email=f"{name}@example.org", language="en", region=region)
        for name in ["ana", "ben"]
    ]


def made_ago(seconds, make, subscriber):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return make(subscriber)


def test_each_link_opens_the_record_of_the_subscriber_it_was_made_for(two_subscribers):
    for subscriber in two_subscribers:
        assert subscriber_from_confirm_token(confirm_token(subscriber)) == subscriber
        assert subscriber_from_manage_token(manage_token(subscriber)) == subscriber


def test_a_confirmation_link_works_for_a_week_and_not_an_hour_more(two_subscribers):
    subscriber = two_subscribers[0]
    almost_a_week = made_ago(7 * DAY - 3600, confirm_token, subscriber)
    just_over = made_ago(7 * DAY + 3600, confirm_token, subscriber)
    assert subscriber_from_confirm_token(almost_a_week) == subscriber
    assert subscriber_from_confirm_token(just_over) is None


def test_a_preferences_link_keeps_working_until_the_key_is_replaced(two_subscribers):
    subscriber = two_subscribers[0]
    a_year_old = made_ago(365 * DAY, manage_token, subscriber)
    assert subscriber_from_manage_token(a_year_old) == subscriber
    subscriber.key = new_key()
    subscriber.save(update_fields=["key"])
    assert subscriber_from_manage_token(a_year_old) is None
    assert subscriber_from_confirm_token(confirm_token(subscriber)) == subscriber


def test_a_link_for_one_purpose_does_not_open_the_other(two_subscribers):
    subscriber = two_subscribers[0]
    assert subscriber_from_manage_token(confirm_token(subscriber)) is None
    assert subscriber_from_confirm_token(manage_token(subscriber)) is None


def test_a_forged_or_mangled_link_opens_nothing(two_subscribers):
    ana, ben = two_subscribers
    forged = f"{ben.pk}.{ben.key}:" + manage_token(ana).rsplit(":", 1)[1]
    for token in [forged, manage_token(ana)[:-2], "", "nonsense", "1.abc:def"]:
        assert subscriber_from_manage_token(token) is None
    for token in [confirm_token(ana)[:-2], "", "nonsense"]:
        assert subscriber_from_confirm_token(token) is None


def test_signed_values_of_another_shape_open_nothing_and_raise_nothing(two_subscribers):
    """Links signed by an older or future version of the site, of another shape."""
    ana = two_subscribers[0]
    for value in [ana.pk, [ana.pk], [ana.pk, ana.key, "x"], "text"]:
        assert subscriber_from_confirm_token(signing.dumps(value, salt=CONFIRM_SALT)) is None
    signer = signing.Signer(salt=MANAGE_SALT)
    for value in [str(ana.pk), f"x{ana.pk}.{ana.key}", f"{ana.pk}-{ana.key}", f".{ana.key}"]:
        assert subscriber_from_manage_token(signer.sign(value)) is None
    # The pk and the key must both match: the right pk with another key is no one.
    assert subscriber_from_manage_token(signer.sign(f"{ana.pk}.{new_key()}")) is None
    assert subscriber_from_confirm_token(signing.dumps([ana.pk, "x"], salt=CONFIRM_SALT)) is None
