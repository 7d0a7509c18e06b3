"""The secretariat's inbox: what waits, the count in the admin's header, the way back after a
decision, the daily email, and the notes on members."""

import datetime
import re
import threading

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import News
from discussions.models import Flag
from insight import inbox
from insight.models import InboxDigest, MemberNote, Nudge
from insight.services import member_note_save
from insight.tasks import inbox_digest
from insight.templatetags.inbox import inbox_count
from members.models import FocalPointProposal, MembershipApplication
from members.permissions import SECRETARIAT_GROUP
from members.services import member_record_confirm, member_update, user_language_set
from newsletter.models import Delivery, Edition, Item, Subscriber
from tests.conftest import as_secretariat, force_login_with_second_factor, sign_in, verified_user
from tests.discussions.conftest import representative
from tests.factories import (
    MemberFactory,
    MembershipApplicationFactory,
    NewsFactory,
    PostFactory,
    RegionFactory,
    consultation_for,
)

pytestmark = pytest.mark.django_db

INBOX = "/admin/inbox/"
DAY = datetime.timedelta(days=1)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - days * DAY


def application(days: int, **fields) -> MembershipApplication:
    found = MembershipApplicationFactory(status=MembershipApplication.Status.PENDING, **fields)
    MembershipApplication.objects.filter(pk=found.pk).update(created=days_ago(days))
    found.refresh_from_db()
    return found


def news_draft(days: int, **fields) -> News:
    return NewsFactory(status=News.Status.DRAFT, published_at=days_ago(days), **fields)


def kinds() -> list[str]:
    return [entry.kind for entry in inbox.entries(translations=False)]


def secretariat_member(**fields):
    user = verified_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


# Who may see it


@pytest.mark.parametrize("who", ["anonymous", "member", "staff-not-secretariat"])
def test_the_inbox_is_refused_to_anyone_but_the_secretariat(client, who):
    application(1, name="Hidden Andean Association")
    if who == "member":
        client.force_login(representative())
    elif who == "staff-not-secretariat":
        staff = verified_user(is_staff=True)  # an authenticator, not in the Secretariat group
        TOTP.activate(staff, generate_totp_secret())
        force_login_with_second_factor(client, staff)
    response = client.get(INBOX)
    assert response.status_code in {302, 403, 404}
    if response.status_code == 302:
        assert "login" in response.url
    assert b"Hidden Andean Association" not in response.content


def test_staff_without_the_second_factor_do_not_see_the_inbox(client):
    application(1, name="Hidden Andean Association")
    sign_in(client, secretariat_member())  # in the group, but no authenticator
    response = client.get(INBOX)
    assert response.status_code == 302 and "2fa" in response.url
    client.logout()
    user = secretariat_member()
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)  # an authenticator, but this session did not use it
    response = client.get(INBOX)
    assert response.status_code == 302 and "2fa" in response.url
    # And the header's count is none of a plain staff account's business.
    assert inbox_count(secretariat_member()) is None


# What waits


def test_everything_that_waits_is_listed_oldest_first(secretariat_user):
    application(9, name="Asociación Andina")
    news_draft(8, title_en="Seed fair in Cusco")
    member = MemberFactory(name_en="CONDESAN")
    item = Item.objects.create(
        title_en="Our workshop", body_en="Text.", target_month=datetime.date(2027, 1, 1)
    )
    Item.objects.filter(pk=item.pk).update(member=member, created=days_ago(7))
    proposal = FocalPointProposal.objects.create(
        member=member,
        name="Ana Quispe",
        email="ana@example.org",
        start_date=timezone.localdate(),
        language="es",
    )
    FocalPointProposal.objects.filter(pk=proposal.pk).update(created=days_ago(6))
    post = PostFactory()
    Flag.objects.create(post=post, user=verified_user(), reason="Spam", created_at=days_ago(5))
    Flag.objects.create(
        post=PostFactory(), user=verified_user(), reason="Dealt with", resolved_at=timezone.now()
    )
    consultation_for("closed", secretariat_user)  # closed yesterday, no synthesis
    MemberNote.objects.create(
        member=member, text="Call back about the workshop", follow_up_on=timezone.localdate()
    )
    MemberNote.objects.create(
        member=member, text="Done", follow_up_on=timezone.localdate(), done=True
    )
    MemberNote.objects.create(member=member, text="Later", follow_up_on=timezone.localdate() + DAY)
    # Not waiting: decided, published, or the secretariat's own.
    MembershipApplicationFactory(status=MembershipApplication.Status.APPROVED)
    MembershipApplicationFactory()  # email not confirmed yet
    NewsFactory()
    Item.objects.create(title_en="Ours", body_en="Text.", target_month=datetime.date(2027, 1, 1))
    assert kinds() == [
        "application",
        "news",
        "item",
        "proposal",
        "post",
        "consultation",
        "follow-up",
    ]
    entries = inbox.entries(translations=False)
    assert entries[0].what == "Asociación Andina" and entries[0].who == "Rosa Mamani"
    assert entries[0].url.endswith("?_inbox=1")
    assert entries[2].who == "CONDESAN"
    assert inbox.count() == 7


def test_failed_deliveries_of_a_recent_edition_wait(db):
    region = RegionFactory()
    edition = Edition.objects.create(
        month=datetime.date(2026, 11, 1), status=Edition.Status.SENT, started_at=days_ago(2)
    )
    for number, status in enumerate([Delivery.Status.FAILED, Delivery.Status.SENT]):
        subscriber = Subscriber.objects.create(
            email=f"reader{number}@example.org", language="en", region=region
        )
        Delivery.objects.create(
            edition=edition, subscriber=subscriber, language="en", status=status
        )
    [entry] = inbox.entries(translations=False)
    assert entry.kind == "deliveries" and "1 message not delivered" in entry.what
    Edition.objects.filter(pk=edition.pk).update(started_at=days_ago(40))
    assert inbox.entries(translations=False) == []


def test_a_confirmation_that_changed_the_record_waits_until_the_secretariat_saves_it(db):
    user = representative()
    member = user.representations.get().member
    member_record_confirm(member=member, user=user)
    assert kinds() == []  # confirmed, nothing changed
    member_update(member=member, user=user, data={"website": "https://new.example.org"})
    member_record_confirm(member=member, user=user)
    assert kinds() == ["confirmation"]
    staff = secretariat_member()
    member.refresh_from_db()
    member._history_user = staff
    member.save()
    assert kinds() == []


def test_missing_translations_are_one_line_per_language_linking_to_the_queue(db):
    NewsFactory(title_en="Only in English")
    entries = [entry for entry in inbox.entries() if entry.kind == "translations"]
    assert [entry.url for entry in entries] == [
        "/en/dashboard/translations/fr/",
        "/en/dashboard/translations/es/",
    ]


def test_the_header_count_is_one_query_and_the_group_check(
    secretariat_user, django_assert_num_queries
):
    application(2)
    news_draft(1)
    user = as_secretariat(secretariat_user)
    with django_assert_num_queries(2):
        assert inbox_count(user) == 2


def test_the_inbox_page_shows_what_since_when_and_the_count_in_the_header(secretariat_client):
    application(3, name="Asociación Andina")
    news_draft(1, title_en="Seed fair in Cusco")
    page = secretariat_client.get(INBOX).content.decode()
    assert page.index("Asociación Andina") < page.index("Seed fair in Cusco")
    assert "Inbox: 2 waiting" in page
    when = days_ago(3).date()
    with translation.override("fr"):
        page = secretariat_client.get(INBOX, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Boîte de réception\u202f: 2 en attente" in page
    assert f"{when.day} " in page
    index = secretariat_client.get("/admin/").content.decode()
    for url in [
        "/admin/inbox/",
        "/dashboard/",
        "/dashboard/report/",
        "/dashboard/translations/fr/",
    ]:
        assert url in index, url
    assert "/admin/inbox/" in secretariat_client.get("/en/dashboard/").content.decode()


# Back to the inbox after deciding


def decide_application(client, found, decision, query="?_inbox=1"):
    region = RegionFactory()
    url = reverse("admin:members_membershipapplication_change", args=[found.pk]) + query
    return client.post(
        url,
        {
            "organisation_verified": "on",
            "focal_point_confirmed": "on",
            "region": region.pk,
            decision: "1",
        },
    )


def test_deciding_from_the_inbox_returns_to_the_inbox(secretariat_client):
    found = application(3)
    change = reverse("admin:members_membershipapplication_change", args=[found.pk])
    from_inbox = secretariat_client.get(change + "?_inbox=1").content
    # One Save button, which says where it goes.
    assert b"Save and back to the inbox" in from_inbox and from_inbox.count(b'name="_save"') == 1
    assert b"Save and back to the inbox" not in secretariat_client.get(change).content
    response = decide_application(secretariat_client, found, "_approve")
    assert response.status_code == 302 and response.url == INBOX
    found.refresh_from_db()
    assert found.status == MembershipApplication.Status.APPROVED


def test_without_the_flag_the_admin_returns_where_it_always_did(secretariat_client):
    response = decide_application(secretariat_client, application(3), "_approve", query="")
    assert response.url == reverse("admin:members_membershipapplication_changelist")


def test_a_refused_decision_stays_on_the_form_with_the_flag(secretariat_client):
    found = application(3)
    response = decide_application(secretariat_client, found, "_reject")  # no reason given
    assert response.status_code == 302
    assert response.url == (
        reverse("admin:members_membershipapplication_change", args=[found.pk]) + "?_inbox=1"
    )


@pytest.mark.parametrize("flag", ["https://evil.example/", "//evil.example/", "/en/", "0"])
def test_the_way_back_goes_nowhere_but_the_inbox(secretariat_client, flag):
    response = decide_application(secretariat_client, application(3), "_approve", f"?_inbox={flag}")
    assert response.url == reverse("admin:members_membershipapplication_changelist")


# The daily email


def test_the_daily_email_goes_only_when_something_new_waits(secretariat_user):
    french = secretariat_member(email="claire@example.org")
    user_language_set(user=french, language="fr")
    application(3, name="Asociación Andina")
    assert inbox_digest() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    english, in_french = by_address[secretariat_user.email], by_address["claire@example.org"]
    assert "Asociación Andina" in english.body and "Membership application" in english.body
    assert "/admin/members/membershipapplication/" in english.body
    assert "Demande d’adhésion" in in_french.body, in_french.body
    assert "boîte de réception" in in_french.subject.lower()
    # The first email: everything is new, nothing is marked, and it does not say it is.
    assert english.body.startswith("Waiting for the secretariat, oldest first:\n")
    assert "\n* " not in english.body
    mail.outbox.clear()
    assert inbox_digest() == 0 and mail.outbox == []
    application(0, name="Newer Association")
    assert inbox_digest() == 2
    assert "Newer Association" in mail.outbox[0].body
    # The next marks what came since the last one.
    body = {message.to[0]: message for message in mail.outbox}[secretariat_user.email].body
    assert "(new since the last email: marked *)" in body
    assert "\n* Membership application: Newer Association" in body
    assert "\nMembership application: Asociación Andina" in body
    assert InboxDigest.objects.count() == 2


def test_no_email_when_nothing_waits(secretariat_user):
    assert inbox_digest() == 0 and mail.outbox == []


# Notes on members


def test_notes_are_written_through_their_service_with_history(secretariat_user):
    member = MemberFactory()
    note = member_note_save(
        note=MemberNote(member=member, kind=MemberNote.Kind.MEETING, text="Met in Rome"),
        user=secretariat_user,
    )
    assert note.by == secretariat_user
    assert note.history.get().history_user == secretariat_user


def test_the_member_page_shows_notes_and_nudges_and_adds_a_note(
    secretariat_client, secretariat_user
):
    member = MemberFactory(name_en="CONDESAN")
    Nudge.objects.create(member=member, email="focal@example.org", language="es")
    MemberNote.objects.create(member=member, text="Called about the Andes workshop")
    url = reverse("admin:members_member_change", args=[member.pk])
    page = secretariat_client.get(url).content.decode()
    assert "Called about the Andes workshop" in page
    assert "focal@example.org" in page
    assert "id_notes-TOTAL_FORMS" in page


@pytest.mark.parametrize(
    ("url", "field"),
    [("admin:insight_membernote_add", "by"), ("admin:members_member_change", "notes-0-by")],
)
def test_a_note_is_from_the_secretariat_only(secretariat_client, secretariat_user, url, field):
    """Whoever a note says it is from is one of the active staff: members' people are not
    offered, on the note's own page nor on the member's."""
    member = MemberFactory()
    verified_user(email="focal@members.example.org")
    args = [member.pk] if field.startswith("notes") else []
    page = secretariat_client.get(reverse(url, args=args)).content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', page, re.S).group(0)
    assert f">{secretariat_user.email}</option>" in select
    assert "focal@members.example.org" not in select


def test_a_follow_up_before_its_note_is_refused_and_nothing_saved(secretariat_client):
    member = MemberFactory()
    with translation.override("es"), pytest.raises(ValidationError) as error:
        member_note_save(
            note=MemberNote(
                member=member,
                date=datetime.date(2026, 11, 10),
                text="Llamada",
                follow_up_on=datetime.date(2026, 11, 9),
            ),
            user=None,
        )
    with translation.override("es"):
        assert error.value.message_dict["follow_up_on"] == [
            "Un seguimiento se hace el día de la nota o después."
        ]
    assert not MemberNote.objects.exists()
    same_day = MemberNote(
        member=member,
        date=datetime.date(2026, 11, 10),
        text="Llamada",
        follow_up_on=datetime.date(2026, 11, 10),
    )
    assert member_note_save(note=same_day, user=None).pk


# Two runs at once (two beats, a task retried while the first still runs)


def run_at_once(count: int) -> list:
    """`count` runs of the digest in threads of their own (each its own connection to the
    database), released together; what each returned, or the exception it raised."""
    from django.db import connection

    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = inbox_digest()
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("before", ["never sent", "sent before"])
def test_two_digests_at_once_send_one_email_per_staff_member(secretariat_user, before):
    secretariat_member(email="claire@example.org")
    if before == "sent before":
        InboxDigest.objects.create(newest=days_ago(5), entries=1, recipients=2)
    application(3, name="Asociación Andina")
    results = run_at_once(2)
    assert sorted(results, key=str) == [0, 2], results
    assert sorted(message.to[0] for message in mail.outbox) == [
        "claire@example.org",
        secretariat_user.email,
    ]
    assert InboxDigest.objects.count() == (2 if before == "sent before" else 1)
