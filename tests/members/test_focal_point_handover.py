"""A focal point who has been replaced no longer speaks for the member, whichever way the
replacement was made; the new focal point is invited, in their language."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from discussions.models import Space
from members import permissions
from members.models import FocalPointProposal, Invitation, Member, Representation
from members.services import focal_point_proposal_confirm, focal_point_replace, invitation_send
from tests.conftest import sign_in, verified_user
from tests.factories import FocalPointFactory, SpaceFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def condesan():
    return FocalPointFactory(
        name="Ana Quispe Mamani",
        email="a.quispe@example.org",
        languages="Spanish, Quechua, English",
        member__name_en="CONDESAN",
        member__slug="condesan",
        member__description_en="An Andean consortium.",
        start_date=datetime.date(2004, 5, 1),
    ).member


def account_of_focal_point(member, role=Representation.Role.FOCAL_POINT):
    """The current focal point's account, linked to the member by hand (as the records held
    it before accounts were tied to designations; the demo linked them as colleagues)."""
    focal_point = member.current_focal_point
    user = verified_user(email=focal_point.email)
    Representation.objects.create(user=user, member=member, role=role)
    return user


def invited_focal_point(member, secretariat_user):
    """The current focal point's account, made from the invitation the admin sends."""
    focal_point = member.current_focal_point
    invitation = invitation_send(
        member=member,
        email=focal_point.email,
        role=Representation.Role.FOCAL_POINT,
        language="es",
        invited_by=secretariat_user,
    )
    user = verified_user(email=focal_point.email)
    from members.services import invitation_accept

    invitation_accept(token=invitation.token, user=user)
    return user


def replace_today(member, **extra):
    return focal_point_replace(
        member=member,
        name="Lucía Mamani",
        email="l.mamani@example.org",
        start_date=TODAY(),
        **extra,
    )


def assert_refused_everywhere(client, user, member):
    """Every door the representation opened is shut: pages, posts, contacts, discussions."""
    assert not permissions.can_edit_member(user, member)
    assert not permissions.can_manage_colleagues(user, member)
    assert permissions.representation_of(user, member) is None
    assert not permissions.represented_members(user).exists()
    assert not permissions.can_see_contacts(user)
    sign_in(client, user)
    for path in ["/es/my/condesan/", "/es/my/condesan/colleagues/", "/es/my/condesan/renew/"]:
        assert client.get(path).status_code == 404, path
    response = client.post(
        "/es/my/condesan/", {"description_en": "Hijacked.", "website": "https://evil.example/"}
    )
    assert response.status_code == 404
    assert Member.objects.get(pk=member.pk).description_en == "An Andean consortium."
    assert "condesan" not in client.get("/es/my/").content.decode()
    assert client.get("/es/my/condesan/partners/").status_code == 404
    assert "a.quispe@example.org" not in client.get("/es/members/condesan/").content.decode()
    members_only = SpaceFactory(read_access=Space.Read.MEMBERS)
    with translation.override("es"):
        assert client.get(members_only.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("how", ["legacy link", "linked as a colleague", "invitation"])
def test_a_replaced_focal_point_is_refused_everything(client, condesan, secretariat_user, how):
    if how == "legacy link":
        ana = account_of_focal_point(condesan)
    elif how == "linked as a colleague":
        ana = account_of_focal_point(condesan, Representation.Role.COLLEAGUE)
    else:
        ana = invited_focal_point(condesan, secretariat_user)
    assert permissions.can_edit_member(ana, condesan)
    replace_today(condesan, language="es", invited_by=secretariat_user)
    assert_refused_everywhere(client, ana, condesan)


def test_a_focal_point_replaced_from_a_later_date_keeps_access_until_then(condesan):
    ana = account_of_focal_point(condesan)
    focal_point_replace(
        member=condesan,
        name="Lucía Mamani",
        email="l.mamani@example.org",
        start_date=TODAY() + datetime.timedelta(days=10),
    )
    assert permissions.can_edit_member(ana, condesan)


def test_colleagues_and_alternates_keep_their_place_when_the_focal_point_changes(condesan):
    colleague = verified_user()
    Representation.objects.create(
        user=colleague, member=condesan, role=Representation.Role.COLLEAGUE
    )
    replace_today(condesan)
    assert permissions.can_edit_member(colleague, condesan)


def test_the_new_focal_point_is_invited_in_their_language_and_then_may_edit(
    client, condesan, secretariat_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = replace_today(condesan, language="fr", invited_by=secretariat_user)
    invitation = Invitation.objects.get(member=condesan, email="l.mamani@example.org")
    assert invitation.role == Representation.Role.FOCAL_POINT
    assert invitation.language == "fr"
    assert invitation.invited_by == secretariat_user
    message = mail.outbox[-1]
    assert message.to == ["l.mamani@example.org"]
    assert "invitation" in message.subject.lower() and "CONDESAN" in message.subject
    link = re.search(r"http://\S+", message.body).group(0).replace("http://127.0.0.1:8000", "")
    assert link.startswith("/fr/invitations/")
    lucia = verified_user(email="l.mamani@example.org")
    sign_in(client, lucia)
    client.post(link)
    representation = Representation.objects.get(user=lucia, member=condesan)
    assert representation.role == Representation.Role.FOCAL_POINT
    assert representation.focal_point == new
    assert client.get("/fr/my/condesan/").status_code == 200


def test_an_invitation_for_a_focal_point_since_replaced_cannot_be_accepted(
    condesan, secretariat_user
):
    from members.services import InvitationError, invitation_accept

    ana_invitation = invitation_send(
        member=condesan,
        email="a.quispe@example.org",
        role=Representation.Role.FOCAL_POINT,
        language="es",
        invited_by=secretariat_user,
    )
    replace_today(condesan)
    ana = verified_user(email="a.quispe@example.org")
    with pytest.raises(InvitationError):
        invitation_accept(token=ana_invitation.token, user=ana)
    assert not permissions.can_edit_member(ana, condesan)


def test_a_confirmed_proposal_ends_the_old_focal_point_and_invites_the_new_one(
    client, condesan, secretariat_user, django_capture_on_commit_callbacks
):
    ana = account_of_focal_point(condesan)
    proposal = FocalPointProposal.objects.create(
        member=condesan,
        proposed_by=ana,
        name="Lucía Mamani",
        title="Coordinadora",
        email="l.mamani@example.org",
        start_date=TODAY(),
        language="es",
    )
    with django_capture_on_commit_callbacks(execute=True):
        focal_point_proposal_confirm(proposal=proposal, user=secretariat_user)
    assert_refused_everywhere(client, ana, condesan)
    invitation = Invitation.objects.get(email="l.mamani@example.org")
    assert invitation.language == "es" and invitation.role == Representation.Role.FOCAL_POINT
    # The new focal point is invited; the proposer is told the proposal was accepted.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "a.quispe@example.org",
        "l.mamani@example.org",
    ]


def test_proposing_a_focal_point_asks_their_language(client, condesan):
    ana = account_of_focal_point(condesan)
    sign_in(client, ana)
    page = client.get("/fr/my/condesan/focal-point/").content.decode()
    assert re.search(r'<option value="fr" selected>', page)
    client.post(
        "/fr/my/condesan/focal-point/",
        {
            "name": "Lucía Mamani",
            "title": "Coordinadora",
            "email": "l.mamani@example.org",
            "start_date": TODAY().isoformat(),
            "language": "es",
        },
    )
    assert FocalPointProposal.objects.get().language == "es"


def test_replacing_in_the_admin_ends_the_old_focal_point_and_invites_the_new_one(
    client, condesan, secretariat_client, django_capture_on_commit_callbacks
):
    ana = account_of_focal_point(condesan)
    url = reverse("admin:members_member_replace_focal_point", args=[condesan.pk])
    page = secretariat_client.get(url).content.decode()
    # The outgoing focal point speaks Spanish first: the likeliest language of the next.
    assert re.search(r'<option value="es" selected>', page)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            url,
            {
                "name": "Lucía Mamani",
                "email": "l.mamani@example.org",
                "start_date": TODAY().isoformat(),
                "language": "fr",
            },
        )
    assert response.status_code == 302
    assert Invitation.objects.get(email="l.mamani@example.org").language == "fr"
    secretariat_client.logout()
    assert_refused_everywhere(client, ana, condesan)


def test_ending_the_focal_point_in_the_members_inline_ends_their_access_and_invites_the_next(
    client, condesan, secretariat_client, django_capture_on_commit_callbacks
):
    from tests.members.test_admin import change_form_data

    ana = account_of_focal_point(condesan)
    data = change_form_data(condesan, **{"focal_points-0-end_date": TODAY().isoformat()})
    yesterday = TODAY() - datetime.timedelta(days=1)
    data["focal_points-0-end_date"] = yesterday.isoformat()
    data.update(
        {
            "focal_points-TOTAL_FORMS": 2,
            "focal_points-1-member": condesan.pk,
            "focal_points-1-role": "focal_point",
            "focal_points-1-name": "Lucía Mamani",
            "focal_points-1-email": "l.mamani@example.org",
            "focal_points-1-languages": "français",
            "focal_points-1-start_date": TODAY().isoformat(),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("admin:members_member_change", args=[condesan.pk]), data
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    invitation = Invitation.objects.get(email="l.mamani@example.org")
    assert invitation.language == "fr" and invitation.role == Representation.Role.FOCAL_POINT
    secretariat_client.logout()
    assert_refused_everywhere(client, ana, condesan)


def test_ending_a_focal_point_on_its_own_admin_page_ends_their_account(
    client, condesan, secretariat_user, secretariat_client
):
    ana = invited_focal_point(condesan, secretariat_user)
    focal_point = condesan.current_focal_point
    url = reverse("admin:members_focalpoint_change", args=[focal_point.pk])
    response = secretariat_client.post(
        url,
        {
            "member": condesan.pk,
            "role": "focal_point",
            "name": focal_point.name,
            "email": focal_point.email,
            "languages": focal_point.languages,
            "title_en": focal_point.title_en,
            "start_date": focal_point.start_date.isoformat(),
            "end_date": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    secretariat_client.logout()
    assert_refused_everywhere(client, ana, condesan)


def test_an_account_linked_by_hand_in_the_admin_holds_the_designation_at_its_address(
    condesan, secretariat_client
):
    from tests.members.test_admin import change_form_data

    ana = verified_user(email="A.Quispe@example.org")
    data = change_form_data(condesan)
    data.update(
        {
            "representations-TOTAL_FORMS": 1,
            "representations-0-user": ana.pk,
            "representations-0-role": "colleague",
        }
    )
    response = secretariat_client.post(
        reverse("admin:members_member_change", args=[condesan.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    representation = Representation.objects.get(user=ana)
    assert representation.focal_point == condesan.current_focal_point
