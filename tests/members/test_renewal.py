"""A membership term is renewed once, inside its renewal window, by the focal point, an
alternate or the secretariat."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from insight.figures import movements_by_year
from members.models import FocalPoint, Member, Representation, TermRenewal, add_years
from tests.conftest import sign_in, verified_user
from tests.factories import FocalPointFactory, MemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
WINDOW = settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS


def member_with_term_ending(ends, **fields):
    member = FocalPointFactory(
        member__slug="andes-network",
        member__date_joined=min(ends, TODAY()) - datetime.timedelta(days=400),
        member__term_ends=ends,
        email="fp@andes.example.org",
        **fields,
    ).member
    return member


def representative(member, role):
    """An account speaking for `member` in `role`; a focal point's or alternate's holds the
    designation at its address."""
    if role == Representation.Role.COLLEAGUE:
        user, designation = verified_user(), None
    else:
        designation = member.focal_points.filter(role=role).first() or FocalPoint.objects.create(
            member=member, role=role, name="Alt", email="alt@example.org", start_date=TODAY()
        )
        user = verified_user(email=designation.email)
    Representation.objects.create(user=user, member=member, role=role, focal_point=designation)
    return user


def renewals_this_year():
    rows = {year: renewed for year, _joined, _left, renewed in movements_by_year()}
    return rows.get(TODAY().year, 0)


def test_three_renewals_of_a_member_that_joined_today_change_nothing(client):
    member = FocalPointFactory(
        member__slug="andes-network",
        member__date_joined=TODAY(),
        member__term_ends=add_years(TODAY(), 4),
        start_date=TODAY(),
    ).member
    sign_in(client, representative(member, Representation.Role.FOCAL_POINT))
    for _ in range(3):
        response = client.post("/fr/my/andes-network/renew/", follow=True)
        assert response.status_code == 200
    member.refresh_from_db()
    assert member.term_ends == add_years(TODAY(), 4)
    assert not TermRenewal.objects.exists()
    assert renewals_this_year() == 0
    page = client.get("/fr/my/andes-network/renew/").content.decode()
    opens = add_years(TODAY(), 4) - datetime.timedelta(days=WINDOW)
    assert "le renouvellement sera possible à partir du" in page
    assert str(opens.year) in page
    assert "<button" not in page.split("<main", 1)[1]


def test_renewing_three_times_inside_the_window_renews_once_and_counts_once(
    client, secretariat_user
):
    ends = TODAY() + datetime.timedelta(days=30)
    member = member_with_term_ending(ends)
    sign_in(client, representative(member, Representation.Role.FOCAL_POINT))
    for _ in range(3):
        client.post("/fr/my/andes-network/renew/")
    member.refresh_from_db()
    assert member.term_ends == add_years(ends, 4)
    assert TermRenewal.objects.filter(member=member).count() == 1
    assert renewals_this_year() == 1
    client.logout()
    sign_in(client, secretariat_user, secretariat_user.totp_secret)
    dashboard = client.get("/en/dashboard/").content.decode()
    row = re.search(rf"<th scope=\"row\">{TODAY().year}</th>(.*?)</tr>", dashboard).group(1)
    assert row.endswith("<td>1</td>"), row


def test_an_alternate_may_renew(client):
    ends = TODAY() + datetime.timedelta(days=10)
    member = member_with_term_ending(ends)
    sign_in(client, representative(member, Representation.Role.ALTERNATE))
    client.post("/en/my/andes-network/renew/")
    member.refresh_from_db()
    assert member.term_ends == add_years(ends, 4)


def test_a_colleague_may_not_renew(client):
    ends = TODAY() + datetime.timedelta(days=10)
    member = member_with_term_ending(ends)
    sign_in(client, representative(member, Representation.Role.COLLEAGUE))
    page = client.get("/en/my/andes-network/renew/").content.decode()
    assert "Only the focal point or an alternate can renew" in page
    assert client.post("/en/my/andes-network/renew/").status_code == 403
    member.refresh_from_db()
    assert member.term_ends == ends and not TermRenewal.objects.exists()


def test_a_term_that_has_ended_is_renewed_once_from_the_day_of_renewal(client):
    member = member_with_term_ending(TODAY() - datetime.timedelta(days=20))
    sign_in(client, representative(member, Representation.Role.FOCAL_POINT))
    client.post("/es/my/andes-network/renew/")
    client.post("/es/my/andes-network/renew/")
    member.refresh_from_db()
    assert member.term_ends == add_years(TODAY(), 4)
    assert TermRenewal.objects.count() == 1


def test_the_admin_action_renews_once_and_names_those_it_left(secretariat_client):
    due = MemberFactory(name_en="Due", term_ends=TODAY() + datetime.timedelta(days=20))
    early = MemberFactory(name_en="Early", term_ends=TODAY() + datetime.timedelta(days=400))
    for _ in range(2):
        response = secretariat_client.post(
            reverse("admin:members_member_changelist"),
            {"action": "renew_term", "_selected_action": [due.pk, early.pk]},
            follow=True,
        )
    due.refresh_from_db()
    early.refresh_from_db()
    assert due.term_ends == add_years(TODAY() + datetime.timedelta(days=20), 4)
    assert early.term_ends == TODAY() + datetime.timedelta(days=400)
    assert TermRenewal.objects.count() == 1
    messages = [str(message) for message in response.context["messages"]]
    assert any("Due" in message and "not renewed" in message for message in messages), messages
    assert any("Early" in message for message in messages), messages


def test_the_renewal_reminder_goes_when_the_window_opens():
    from members.tasks import renewal_reminders

    member_with_term_ending(TODAY() + datetime.timedelta(days=WINDOW))
    assert renewal_reminders() == 1
    assert Member.objects.get().renewal_reminder_for is not None
