"""The secretariat's decisions where it takes them, in Chromium with JavaScript off: a member's
newsletter item declined in its edition's inline, a proposed focal point confirmed or declined
on its own page, a reported post kept or hidden on its own page; each from the inbox and back
to it, and each refusal told on the page, with nothing changed."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from discussions.models import Flag, Post
from members.models import FocalPointProposal, Representation
from newsletter.models import Edition, Item
from newsletter.services import item_submit
from tests.browser.test_inbox import header_link
from tests.conftest import verified_user
from tests.factories import FocalPointFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REASON_NEEDED = "Give the reason for declining; it is sent to the author."


@pytest.fixture
def representative():
    """A focal point of CONDESAN who speaks French, with an account."""
    focal_point = FocalPointFactory(
        member__slug="condesan",
        member__name_en="CONDESAN",
        languages="Français, espagnol",
        email="fp@example.org",
    )
    user = verified_user(email="fp@example.org")
    Representation.objects.create(
        user=user, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    return user


def test_an_item_declined_in_its_editions_inline_needs_a_reason_on_its_row(
    admin_page, representative
):
    member = representative.representations.get().member
    month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    item = item_submit(
        member=member,
        user=representative,
        language="fr",
        title="Atelier à Cusco",
        body="Un atelier sur l’eau.",
        link="",
        target_month=month,
    )
    edition = Edition.objects.create(month=month, intro_en="Welcome.")
    Item.objects.filter(pk=item.pk).update(edition=edition)
    page = admin_page
    page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")
    row = page.locator("#items-0")
    assert row.locator('textarea[name="items-0-decline_reason"]').count() == 1

    page.select_option('select[name="items-0-status"]', "declined")
    page.fill('textarea[name="intro_en"]', "Welcome to the issue.")
    page.locator('input[name="_continue"]').click()
    # Refused, on that row, next to its reason; nothing saved, nobody told.
    assert page.locator(".errornote").count() == 1
    row = page.locator("#items-0")
    assert REASON_NEEDED in row.locator(".errorlist").inner_text()
    assert row.locator('select[name="items-0-status"]').input_value() == "declined"
    item.refresh_from_db()
    assert item.status == Item.Status.SUBMITTED and not mail.outbox
    assert Edition.objects.get().intro_en == "Welcome."

    row.locator('textarea[name="items-0-decline_reason"]').fill("Hors du thème de ce mois.")
    page.locator('input[name="_continue"]').click()
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]
    item.refresh_from_db()
    assert item.status == Item.Status.DECLINED
    assert item.decline_reason == "Hors du thème de ce mois."
    [email] = mail.outbox
    assert email.subject == "Non retenu\u202f: Atelier à Cusco"
    assert "Hors du thème de ce mois." in email.body


@pytest.fixture
def proposal(representative):
    """Lucía Mamani, proposed by CONDESAN's focal point to replace them, a week ago."""
    found = FocalPointProposal.objects.create(
        member=representative.representations.get().member,
        proposed_by=representative,
        name="Lucía Mamani",
        email="lucia@example.org",
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        language="es",
    )
    FocalPointProposal.objects.filter(pk=found.pk).update(
        created=timezone.now() - datetime.timedelta(days=7)
    )
    return found


def open_from_the_inbox(page, name):
    page.goto("/admin/inbox/")
    assert header_link(page) == "Inbox: 1 waiting"
    page.locator("#inbox").get_by_role("link", name=name).click()
    assert "_inbox=1" in page.url


def test_a_proposed_focal_point_is_declined_on_its_page_from_the_inbox(admin_page, proposal):
    page = admin_page
    open_from_the_inbox(page, "Lucía Mamani")
    assert f"/admin/members/focalpointproposal/{proposal.pk}/change/" in page.url
    page.fill('input[name="phone"]', "+51 1 555 0101")
    page.locator('input[name="_decline"]').click()
    # Refused on the page, next to the reason; nothing saved, nobody told.
    assert REASON_NEEDED in page.locator(".field-decline_reason .errorlist").inner_text()
    assert "_inbox=1" in page.url
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.PENDING and proposal.phone == ""
    assert not mail.outbox

    page.fill('textarea[name="decline_reason"]', "Elle a quitté l’organisation.")
    page.locator('input[name="_decline"]').click()
    assert page.url.endswith("/admin/inbox/"), page.locator("#content").inner_text()[:2000]
    assert "Lucía Mamani" in page.locator(".messagelist").inner_text()
    assert header_link(page) == "Inbox: 0 waiting"
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.DECLINED
    assert proposal.decline_reason == "Elle a quitté l’organisation."
    # Told once, in the proposer's French, with the reason; the focal point stays.
    [email] = mail.outbox
    assert email.to == ["fp@example.org"] and email.subject == "Non retenu\u202f: Lucía Mamani"
    assert "Elle a quitté l’organisation." in email.body
    assert proposal.member.current_focal_point.email == "fp@example.org"


def test_a_proposed_focal_point_is_confirmed_on_its_page_from_the_inbox(admin_page, proposal):
    page = admin_page
    open_from_the_inbox(page, "Lucía Mamani")
    page.locator('input[name="_confirm"]').click()
    assert page.url.endswith("/admin/inbox/"), page.locator("#content").inner_text()[:2000]
    assert "Lucía Mamani is now the focal point of CONDESAN." in (
        page.locator(".messagelist").inner_text()
    )
    assert header_link(page) == "Inbox: 0 waiting"
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.CONFIRMED
    assert sorted(email.to[0] for email in mail.outbox) == ["fp@example.org", "lucia@example.org"]
    # Decided: its page has no decision buttons any more.
    page.goto(f"/admin/members/focalpointproposal/{proposal.pk}/change/")
    assert page.locator('input[name="_confirm"], input[name="_decline"]').count() == 0


def test_the_lists_decline_action_asks_the_reason_first(admin_page, proposal):
    page = admin_page
    page.goto("/admin/members/focalpointproposal/")
    page.check(f'input[name="_selected_action"][value="{proposal.pk}"]')
    page.select_option('select[name="action"]', "decline")
    page.locator('button[name="index"]').click()
    # A page of its own asks the reason; sent blank, it asks again and nothing is declined.
    assert "Lucía Mamani" in page.locator("#content").inner_text()
    page.fill('textarea[name="reason"]', "   ")
    page.locator('input[name="apply"]').click()
    assert page.locator(".errorlist").count() == 1
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.PENDING and not mail.outbox

    page.fill('textarea[name="reason"]', "Elle a quitté l’organisation.")
    page.locator('input[name="apply"]').click()
    assert page.url.endswith("/admin/members/focalpointproposal/")
    assert "1 proposal declined" in page.locator(".messagelist").inner_text()
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.DECLINED
    assert proposal.decline_reason == "Elle a quitté l’organisation."
    [email] = mail.outbox
    assert "Elle a quitté l’organisation." in email.body


@pytest.fixture
def reported_post():
    """A post reported by a reader, waiting for the secretariat's review."""
    post = PostFactory(body="Buy cheap boots at example.com!", topic__title="Terraces")
    Flag.objects.create(post=post, user=UserFactory(), reason="Advertising.")
    return post


def test_a_reported_post_is_hidden_on_its_page_from_the_inbox(admin_page, reported_post):
    page = admin_page
    open_from_the_inbox(page, "Terraces")
    page.locator('input[name="_hide"]').click()
    # Hidden only with a reason: refused on the page, nothing changed.
    assert "Say why the post is hidden." in page.locator(".errorlist").inner_text()
    assert "_inbox=1" in page.url
    assert Flag.objects.get().resolved_at is None
    page.fill('input[name="moderation_reason"]', "Advertising is not allowed here.")
    page.locator('input[name="_hide"]').click()
    assert page.url.endswith("/admin/inbox/"), page.locator("#content").inner_text()[:2000]
    assert "The post is hidden" in page.locator(".messagelist").inner_text()
    assert header_link(page) == "Inbox: 0 waiting"
    reported_post.refresh_from_db()
    assert reported_post.moderation == Post.Moderation.HIDDEN
    assert reported_post.moderation_reason == "Advertising is not allowed here."
    assert Flag.objects.get().resolved_at is not None
    [email] = mail.outbox
    assert email.to == [reported_post.author.email]
    assert "Advertising is not allowed here." in email.body


def test_a_reported_post_is_kept_visible_on_its_page_from_the_inbox(admin_page, reported_post):
    page = admin_page
    open_from_the_inbox(page, "Terraces")
    page.locator('input[name="_keep"]').click()
    assert page.url.endswith("/admin/inbox/"), page.locator("#content").inner_text()[:2000]
    assert "its reports are closed" in page.locator(".messagelist").inner_text()
    assert header_link(page) == "Inbox: 0 waiting"
    reported_post.refresh_from_db()
    assert reported_post.moderation == Post.Moderation.VISIBLE
    assert Flag.objects.get().resolved_at is not None
    [email] = mail.outbox  # the author is told it stays
    assert email.to == [reported_post.author.email]
