"""What the secretariat reads in the admin: reported posts first, and names, not codes."""

import datetime

import pytest
from django.utils import timezone

from discussions import services as discussions
from members.services import member_record_confirm, member_update
from newsletter.models import Delivery, Edition, Subscriber
from tests.conftest import as_secretariat, verified_user
from tests.factories import MemberFactory, PostFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_moderation_queue_shows_reported_posts_only_most_reported_first(
    admin_page, secretariat_user, screenshot
):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    once = PostFactory(body="Reported once", created_at=long_ago)
    twice = PostFactory(body="Reported twice", created_at=long_ago + datetime.timedelta(days=1))
    reviewed = PostFactory(body="Reported, then kept")
    for _ in range(8):  # newer posts nobody reported
        PostFactory()
    discussions.post_flag(post=once, user=verified_user(), reason="Spam link")
    for reason in ["Off topic", "Insulting"]:
        discussions.post_flag(post=twice, user=verified_user(), reason=reason)
    discussions.post_flag(post=reviewed, user=verified_user(), reason="Not sure")
    discussions.post_moderate(
        post=reviewed, user=as_secretariat(secretariat_user), moderation="visible"
    )

    admin_page.goto("/admin/discussions/moderationqueue/")
    screenshot(admin_page, "staff-moderation-queue")
    rows = admin_page.locator("#result_list tbody tr")
    assert rows.count() == 2
    first, second = rows.nth(0), rows.nth(1)
    assert f"#{twice.pk}" in first.locator("th").inner_text()
    assert first.locator("td.field-open_flags").inner_text() == "2"
    assert "Off topic" in first.inner_text() and "Insulting" in first.inner_text()
    assert f"#{once.pk}" in second.locator("th").inner_text()
    assert second.locator("td.field-open_flags").inner_text() == "1"


def test_staff_read_names_not_codes(admin_page, secretariat_user, screenshot):
    europe = RegionFactory(slug="europe", name_en="Europe")
    edition = Edition.objects.create(month=datetime.date(2006, 4, 1), status=Edition.Status.SENT)
    for n, (language, status) in enumerate(
        [("en", "sent"), ("en", "sent"), ("fr", "failed"), ("es", "deferred")]
    ):
        subscriber = Subscriber.objects.create(
            email=f"reader{n}@example.org", language=language, region=europe, status="confirmed"
        )
        Delivery.objects.create(
            edition=edition,
            subscriber=subscriber,
            language=language,
            region=europe,
            status=status,
            message_id=f"<{n}@example.org>",
        )
    admin_page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")
    progress = admin_page.locator(".field-progress").inner_text()
    screenshot(admin_page, "staff-edition-progress")
    assert "Sent · English · Europe: 2" in progress
    assert "Failed · French · Europe: 1" in progress
    assert "Deferred (will be retried) · Spanish · Europe: 1" in progress
    assert " en " not in progress and "europe" not in progress

    member = MemberFactory(name_en="Andean Consortium")
    member_update(member=member, user=None, data={"description_es": "Un texto."})
    member_record_confirm(member=member, user=secretariat_user)
    admin_page.goto(f"/admin/members/member/{member.pk}/history/")
    listed = admin_page.locator("#change-history").inner_text()
    screenshot(admin_page, "staff-member-change")
    assert "Record last confirmed" in listed and "Description (Spanish)" in listed
    assert "record_confirmed_at" not in listed and "description_es" not in listed
