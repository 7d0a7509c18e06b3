"""What the members services save, refuse and send (members/services.py), called as the
pages, the admin and the tasks call them. The change history of a member's record is left
to tests/members/test_tasks.py."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import post_save
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from members import services
from members.models import (
    FocalPoint,
    FocalPointProposal,
    Invitation,
    Member,
    MembershipApplication,
    Representation,
    TermRenewal,
    User,
    add_years,
)
from tests.conftest import as_secretariat, verified_user
from tests.factories import (
    AreaFactory,
    FocalPointFactory,
    MemberFactory,
    MembershipApplicationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def messages_of(error):
    return error.value.messages


@pytest.fixture
def heard():
    """The (member pk, fields) of every Member save the page cache and search hear of."""
    saves = []

    def receiver(sender, instance, update_fields=None, **kwargs):
        saves.append((instance.pk, frozenset(update_fields or ())))

    post_save.connect(receiver, sender=Member, dispatch_uid="test_services.heard")
    yield saves
    post_save.disconnect(sender=Member, dispatch_uid="test_services.heard")


# Replacing a focal point


@pytest.fixture
def andes():
    return FocalPointFactory(
        name="Ana Quispe",
        email="ana@andes.example.org",
        languages="Español, English",
        start_date=datetime.date(2020, 3, 1),
        member__name_en="Andes Network",
    ).member


def test_the_new_focal_point_is_saved_with_all_they_gave_and_the_old_one_ends_the_day_before(
    andes, secretariat_user, django_capture_on_commit_callbacks
):
    old = andes.current_focal_point
    start = TODAY() + 5 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        new = services.focal_point_replace(
            member=andes,
            name="Lucía Mamani",
            email="lucia@andes.example.org",
            start_date=start,
            title_en="Director",
            title_fr="Directrice",
            title_es="Directora",
            phone="+591 2 555 0100",
            languages="Français, Español",
            invited_by=secretariat_user,
        )
    new.refresh_from_db()
    assert (new.member, new.role, new.name, new.email, new.start_date, new.end_date) == (
        andes,
        FocalPoint.Role.FOCAL_POINT,
        "Lucía Mamani",
        "lucia@andes.example.org",
        start,
        None,
    )
    assert (new.title_en, new.title_fr, new.title_es) == ("Director", "Directrice", "Directora")
    assert (new.phone, new.languages) == ("+591 2 555 0100", "Français, Español")
    old.refresh_from_db()
    assert old.end_date == start - DAY
    # Invited in the first portal language they speak, when none is given.
    invitation = Invitation.objects.get(email="lucia@andes.example.org")
    assert (invitation.language, invitation.focal_point, invitation.invited_by) == (
        "fr",
        new,
        secretariat_user,
    )
    assert [message.to for message in mail.outbox] == [["lucia@andes.example.org"]]
    assert mail.outbox[0].subject.startswith("Votre invitation à représenter Andes Network")
    with translation.override("fr"):
        until = date_filter(invitation.expires_at, "DATE_FORMAT")
    assert f"il ne sert qu’une fois, jusqu’au {until}." in mail.outbox[0].body


def test_a_replacement_starting_the_day_the_current_one_started_is_refused_and_says_when(andes):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.focal_point_replace(
            member=andes,
            name="Too early",
            email="early@example.org",
            start_date=datetime.date(2020, 3, 1),
        )
    assert error.value.message_dict == {
        "start_date": [
            "The new focal point must start after the current one, who started on 1 March 2020."
        ]
    }
    assert andes.focal_points.get().end_date is None
    assert not Invitation.objects.exists()
    # The next day is fine.
    services.focal_point_replace(
        member=andes, name="Next", email="next@example.org", start_date=datetime.date(2020, 3, 2)
    )
    assert andes.focal_points.get(name="Ana Quispe").end_date == datetime.date(2020, 3, 1)


def test_an_alternate_is_not_the_focal_point_that_a_replacement_ends(andes):
    alternate = FocalPointFactory(
        member=andes, role=FocalPoint.Role.ALTERNATE, start_date=datetime.date(2025, 1, 1)
    )
    services.focal_point_replace(
        member=andes, name="Next", email="next@example.org", start_date=datetime.date(2024, 1, 1)
    )
    alternate.refresh_from_db()
    assert alternate.end_date is None


def test_the_first_focal_point_of_a_member_with_none_is_invited_in_the_language_given():
    member = MemberFactory()
    new = services.focal_point_replace(
        member=member, name="First", email="first@example.org", start_date=TODAY(), language="es"
    )
    assert member.current_focal_point == new
    # What was not given stays empty.
    new.refresh_from_db()
    assert [new.title_en, new.title_fr, new.title_es, new.phone, new.languages] == [""] * 5
    assert Invitation.objects.get().language == "es"


def test_the_outgoing_focal_points_accounts_end_with_them_and_no_one_elses(andes):
    old = andes.current_focal_point
    # At the outgoing focal point's address in other letter cases, as a colleague.
    at_address = verified_user(email="ANA@andes.example.org")
    Representation.objects.create(user=at_address, member=andes, role=Representation.Role.COLLEAGUE)
    # Speaking as the focal point from another address.
    as_focal_point = verified_user()
    Representation.objects.create(
        user=as_focal_point, member=andes, role=Representation.Role.FOCAL_POINT
    )
    # A colleague of its own, and an account at the same address for another member.
    colleague = verified_user()
    Representation.objects.create(user=colleague, member=andes, role=Representation.Role.COLLEAGUE)
    other = MemberFactory()
    elsewhere = Representation.objects.create(
        user=at_address, member=other, role=Representation.Role.COLLEAGUE
    )
    services.focal_point_replace(
        member=andes, name="Next", email="next@example.org", start_date=TODAY()
    )
    held = dict(
        Representation.objects.filter(member=andes).values_list("user__email", "focal_point")
    )
    assert held == {
        "ANA@andes.example.org": old.pk,
        as_focal_point.email: old.pk,
        colleague.email: None,
    }
    elsewhere.refresh_from_db()
    assert elsewhere.focal_point is None


def test_an_account_linked_by_hand_as_focal_point_at_the_new_ones_address_speaks_as_the_new_one(
    andes,
):
    from members import permissions

    lucia = verified_user(email="lucia@andes.example.org")
    Representation.objects.create(user=lucia, member=andes, role=Representation.Role.FOCAL_POINT)
    new = services.focal_point_replace(
        member=andes, name="Lucía", email="Lucia@andes.example.org", start_date=TODAY()
    )
    assert Representation.objects.get(user=lucia).focal_point == new
    assert permissions.can_edit_member(lucia, andes)


# Accounts linked by hand to designations


def test_accounts_linked_by_hand_take_the_current_designation_at_their_address(andes):
    alternate = FocalPointFactory(
        member=andes, role=FocalPoint.Role.ALTERNATE, email="alt@andes.example.org"
    )
    FocalPointFactory(
        member=andes,
        role=FocalPoint.Role.ALTERNATE,
        email="gone@andes.example.org",
        end_date=datetime.date(2010, 1, 1),
    )
    users = {
        email: verified_user(email=email)
        for email in ["Ana@Andes.example.org", "alt@andes.example.org", "gone@andes.example.org"]
    }
    stranger = verified_user()
    for user in [*users.values(), stranger]:
        Representation.objects.create(user=user, member=andes, role=Representation.Role.COLLEAGUE)
    assert services.representations_link_designations(member=andes) == 2
    held = dict(
        Representation.objects.filter(member=andes).values_list("user__email", "focal_point")
    )
    assert held == {
        "Ana@Andes.example.org": andes.current_focal_point.pk,
        "alt@andes.example.org": alternate.pk,
        "gone@andes.example.org": None,
        stranger.email: None,
    }
    assert services.representations_link_designations(member=andes) == 0


# Inviting


def test_an_invitation_lasts_the_days_set_and_holds_the_designation_at_its_address(
    andes, settings, secretariat_user
):
    settings.INVITATION_DAYS = 3
    before = timezone.now()
    invitation = services.invitation_send(
        member=andes,
        email="ANA@andes.example.org",
        role=Representation.Role.FOCAL_POINT,
        language="es",
        invited_by=secretariat_user,
    )
    invitation.refresh_from_db()
    assert before + 3 * DAY <= invitation.expires_at <= timezone.now() + 3 * DAY
    assert invitation.focal_point == andes.current_focal_point
    assert (invitation.member, invitation.email, invitation.role, invitation.language) == (
        andes,
        "ANA@andes.example.org",
        "focal_point",
        "es",
    )
    assert len(invitation.token) >= 40
    # A colleague holds no designation, even at the focal point's address; an alternate's
    # invitation looks for an alternate.
    for role in [Representation.Role.COLLEAGUE, Representation.Role.ALTERNATE]:
        other = services.invitation_send(
            member=andes,
            email="ana@andes.example.org",
            role=role,
            language="en",
            invited_by=None,
        )
        assert other.focal_point is None
        assert other.token != invitation.token


def test_an_invitation_holds_only_this_members_designation_at_that_address(andes):
    alternate = FocalPointFactory(member=andes, role="alternate", email="alt@example.org")
    # The same person is an alternate of another member too.
    FocalPointFactory(role="alternate", email="both@example.org")
    for email in ["both@example.org", "someone.else@example.org"]:
        sent = services.invitation_send(
            member=andes, email=email, role="alternate", language="en", invited_by=None
        )
        assert sent.focal_point is None
    sent = services.invitation_send(
        member=andes, email="ALT@example.org", role="alternate", language="en", invited_by=None
    )
    assert sent.focal_point == alternate


def test_invitations_are_sent_only_once_the_transaction_commits(
    andes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.invitation_send(
            member=andes, email="x@example.org", role="colleague", language="fr", invited_by=None
        )
        assert not mail.outbox
    for callback in callbacks:
        callback()
    assert mail.outbox[0].to == ["x@example.org"]
    assert "/fr/invitations/" in mail.outbox[0].body


def test_inviting_focal_points_in_bulk_names_the_members_without_one(
    secretariat_user, django_capture_on_commit_callbacks
):
    spanish = FocalPointFactory(
        member__name_en="B Spanish", email="b@example.org", languages="English, Español"
    ).member
    french = FocalPointFactory(
        member__name_en="A French", email="a@example.org", languages="français"
    ).member
    nobody = MemberFactory(name_en="C Nobody")
    FocalPointFactory(member=nobody, end_date=datetime.date(2010, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        invitations, without = services.focal_points_invite(
            members=Member.objects.all(), invited_by=secretariat_user
        )
    assert [(i.member, i.email, i.language) for i in invitations] == [
        (french, "a@example.org", "fr"),
        (spanish, "b@example.org", "en"),
    ]
    assert {i.invited_by for i in invitations} == {secretariat_user}
    assert {i.focal_point for i in invitations} == {
        french.current_focal_point,
        spanish.current_focal_point,
    }
    assert without == [nobody]
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]


# Accepting an invitation


def invitation(member, email="guest@example.org", role="colleague", **fields):
    return services.invitation_send(
        member=member, email=email, role=role, language="en", invited_by=fields.pop("by", None)
    )


def refused(token, user):
    with translation.override("en"), pytest.raises(services.InvitationError) as error:
        services.invitation_accept(token=token, user=user)
    return str(error.value)


def test_accepting_links_the_account_with_the_invitations_role_and_designation(
    andes, secretariat_user
):
    sent = invitation(andes, "ana@andes.example.org", "focal_point", by=secretariat_user)
    ana = verified_user(email="Ana@Andes.example.org")
    representation = services.invitation_accept(token=sent.token, user=ana)
    representation.refresh_from_db()
    assert (representation.user, representation.member, representation.role) == (
        ana,
        andes,
        "focal_point",
    )
    assert representation.focal_point == andes.current_focal_point
    assert representation.added_by == secretariat_user
    sent.refresh_from_db()
    assert sent.accepted_by == ana and sent.accepted_at is not None
    assert refused(sent.token, ana) == ("This invitation has already been used or does not exist.")
    assert refused("no-such-token", ana) == (
        "This invitation has already been used or does not exist."
    )


def test_an_account_that_already_represented_the_member_takes_the_new_role(andes):
    user = verified_user(email="guest@example.org")
    Representation.objects.create(user=user, member=andes, role="colleague")
    FocalPointFactory(member=andes, role="alternate", email="guest@example.org")
    services.invitation_accept(token=invitation(andes, role="alternate").token, user=user)
    representation = Representation.objects.get(user=user)
    assert representation.role == "alternate" and representation.focal_point is not None


def test_an_expired_invitation_is_refused(andes):
    sent = invitation(andes)
    Invitation.objects.filter(pk=sent.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    user = verified_user(email="guest@example.org")
    assert refused(sent.token, user) == (
        "This invitation has expired. Ask the secretariat for a new one."
    )
    assert not Representation.objects.exists()
    Invitation.objects.filter(pk=sent.pk).update(
        expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    services.invitation_accept(token=sent.token, user=user)


def test_an_invitation_to_a_designation_that_has_ended_is_refused(andes):
    sent = invitation(andes, "ana@andes.example.org", "focal_point")
    ana = verified_user(email="ana@andes.example.org")
    FocalPoint.objects.filter(pk=sent.focal_point_id).update(end_date=TODAY())
    # It ends at the end of its last day.
    services.invitation_accept(token=sent.token, user=ana)
    again = invitation(andes, "ana@andes.example.org", "focal_point")
    Invitation.objects.filter(pk=again.pk).update(focal_point=sent.focal_point)
    FocalPoint.objects.filter(pk=sent.focal_point_id).update(end_date=TODAY() - DAY)
    assert refused(again.token, ana) == (
        "This invitation was for a focal point or alternate whose term has since ended. Ask "
        "the secretariat if you should still represent the member."
    )


def test_an_invitation_is_accepted_only_by_the_account_at_its_address(andes):
    sent = invitation(andes)
    assert refused(sent.token, verified_user(email="other@example.org")) == (
        "This invitation was sent to guest@example.org. Sign in with that address to accept it."
    )
    sent.refresh_from_db()
    assert sent.accepted_at is None and not Representation.objects.exists()


def test_signing_up_from_an_invitation_makes_a_verified_account_that_represents_the_member(andes):
    from allauth.account.models import EmailAddress

    sent = invitation(andes, "New@example.org")
    user = services.invitation_signup(token=sent.token, password="cordillera-real-2031")
    assert user.email == "New@example.org" and user.check_password("cordillera-real-2031")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("New@example.org", True, True)
    assert Representation.objects.get(user=user).member == andes
    with translation.override("en"), pytest.raises(services.InvitationError) as error:
        services.invitation_signup(token="nope", password="cordillera-real-2031")
    assert str(error.value) == "This invitation has already been used or does not exist."


def test_signing_up_from_an_invitation_to_an_address_with_an_account_is_refused(andes):
    verified_user(email="guest@example.org")
    sent = invitation(andes, "GUEST@example.org")
    with translation.override("en"), pytest.raises(services.InvitationError) as error:
        services.invitation_signup(token=sent.token, password="cordillera-real-2031")
    assert str(error.value) == "An account already exists for this address: sign in to accept."
    assert User.objects.filter(email__iexact="guest@example.org").count() == 1


def test_a_colleague_is_removed_but_not_the_focal_point(andes):
    colleague = Representation.objects.create(
        user=verified_user(), member=andes, role=Representation.Role.COLLEAGUE
    )
    services.colleague_remove(representation=colleague)
    assert not Representation.objects.filter(pk=colleague.pk).exists()
    focal = Representation.objects.create(
        user=verified_user(), member=andes, role=Representation.Role.FOCAL_POINT
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.colleague_remove(representation=focal)
    assert messages_of(error) == ["The focal point cannot be removed here."]
    assert Representation.objects.filter(pk=focal.pk).exists()


def test_an_edit_of_the_areas_alone_saves_them(andes):
    water, soils = AreaFactory(slug="water"), AreaFactory(slug="soils")
    andes.areas.set([soils])
    Member.objects.filter(pk=andes.pk).update(updated=timezone.now() - DAY)
    andes.refresh_from_db()
    before = andes.updated
    services.member_update(member=andes, user=None, data={}, areas=[water])
    andes.refresh_from_db()
    assert list(andes.areas.all()) == [water]
    assert andes.updated > before


# Renewing terms


def test_renewal_refusal_says_when_the_term_ends_and_when_renewal_opens(settings):
    settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS = 90
    member = MemberFactory(term_ends=datetime.date(2030, 6, 30))
    with translation.override("en"):
        assert services.renewal_refusal(member, datetime.date(2030, 3, 31)) == (
            "The term ends on 30 June 2030; it can be renewed from 1 April 2030."
        )
    assert services.renewal_refusal(member, datetime.date(2030, 4, 1)) is None
    # Without a date, today.
    member.term_ends = TODAY() + 90 * DAY
    assert services.renewal_refusal(member) is None
    member.term_ends = TODAY() + 91 * DAY
    assert services.renewal_refusal(member) is not None


def test_a_member_that_has_withdrawn_is_not_renewed_by_anyone(secretariat_user):
    member = MemberFactory(
        name_en="Andean Páramo Network",
        status=Member.Status.WITHDRAWN,
        term_ends=TODAY() - 30 * DAY,
    )
    with translation.override("fr"):
        reason = services.renewal_refusal(member)
    assert reason == (
        "Andean Páramo Network s’est retiré du partenariat ; pour revenir, il doit présenter "
        "une nouvelle demande."
    ).replace(" ;", "\u202f;")
    with pytest.raises(ValidationError):
        services.member_term_renew(member=member, user=as_secretariat(secretariat_user))
    result = services.members_renew_term(members=Member.objects.filter(pk=member.pk))
    assert result.renewed == [] and [m for m, _reason in result.refused] == [member]
    member.refresh_from_db()
    assert member.term_ends == TODAY() - 30 * DAY
    assert not TermRenewal.objects.filter(member=member).exists()


def test_a_renewal_adds_a_full_term_to_the_end_or_to_today_once_ended(settings):
    settings.MEMBERSHIP_TERM_YEARS = 3
    member = MemberFactory(term_ends=datetime.date(2030, 6, 30))
    assert services.renewed_term_ends(member, datetime.date(2030, 6, 1)) == datetime.date(
        2033, 6, 30
    )
    assert services.renewed_term_ends(member, datetime.date(2030, 7, 2)) == datetime.date(
        2033, 7, 2
    )


def focal_point_account(member):
    designation = member.current_focal_point
    user = verified_user(email=designation.email)
    Representation.objects.create(
        user=user, member=member, role="focal_point", focal_point=designation
    )
    return user


def test_a_representative_renews_once_and_the_renewal_is_recorded(andes, heard):
    ends = TODAY() + 10 * DAY
    Member.objects.filter(pk=andes.pk).update(term_ends=ends, updated=timezone.now() - DAY)
    andes.refresh_from_db()
    before = andes.updated
    user = focal_point_account(andes)
    renewal = services.member_term_renew(member=andes, user=user)
    assert (renewal.member, renewal.renewed_on, renewal.term_ends) == (
        andes,
        TODAY(),
        add_years(ends, 4),
    )
    andes.refresh_from_db()
    assert andes.term_ends == add_years(ends, 4) and andes.updated > before
    assert (andes.pk, frozenset({"term_ends", "updated"})) in heard
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.member_term_renew(member=andes, user=user)
    assert messages_of(error)[0].startswith("The term ends on ")
    assert TermRenewal.objects.count() == 1


def test_only_the_focal_point_alternates_or_the_secretariat_renew(andes):
    Member.objects.filter(pk=andes.pk).update(term_ends=TODAY() + 10 * DAY)
    colleague = verified_user()
    Representation.objects.create(user=colleague, member=andes, role="colleague")
    with pytest.raises(PermissionDenied):
        services.member_term_renew(member=andes, user=colleague)
    andes.refresh_from_db()
    assert andes.term_ends == TODAY() + 10 * DAY and not TermRenewal.objects.exists()


def test_the_secretariats_bulk_renewal_renews_those_due_and_says_why_not_the_others(heard):
    due = MemberFactory(name_en="Due", term_ends=TODAY() + 10 * DAY)
    ended = MemberFactory(name_en="Ended", term_ends=TODAY() - 10 * DAY)
    early = MemberFactory(name_en="Early", term_ends=TODAY() + 400 * DAY)
    MemberFactory(name_en="Not selected", term_ends=TODAY() + 10 * DAY)
    Member.objects.update(updated=timezone.now() - DAY)
    heard.clear()
    result = services.members_renew_term(
        members=Member.objects.filter(pk__in=[due.pk, ended.pk, early.pk])
    )
    assert sorted(member.name_en for member in result.renewed) == ["Due", "Ended"]
    ((refused_member, reason),) = result.refused
    assert refused_member == early and reason.startswith("The term ends on")
    ends = dict(Member.objects.values_list("name_en", "term_ends"))
    assert ends == {
        "Due": add_years(TODAY() + 10 * DAY, 4),
        "Ended": add_years(TODAY(), 4),
        "Early": TODAY() + 400 * DAY,
        "Not selected": TODAY() + 10 * DAY,
    }
    assert sorted(
        TermRenewal.objects.values_list("member__name_en", "renewed_on", "term_ends")
    ) == [
        ("Due", TODAY(), add_years(TODAY() + 10 * DAY, 4)),
        ("Ended", TODAY(), add_years(TODAY(), 4)),
    ]
    updated = dict(Member.objects.values_list("name_en", "updated"))
    assert updated["Due"] > updated["Early"] and updated["Ended"] > updated["Early"]
    assert sorted(heard) == sorted(
        [
            (due.pk, frozenset({"term_ends", "updated"})),
            (ended.pk, frozenset({"term_ends", "updated"})),
        ]
    )
    # Nothing to renew: nothing written, nothing heard.
    heard.clear()
    assert not services.members_renew_term(members=Member.objects.filter(pk=early.pk)).renewed
    assert heard == [] and TermRenewal.objects.count() == 2


def test_marking_inactive_changes_active_members_once_and_is_heard(heard):
    active = MemberFactory()
    withdrawn = MemberFactory(status=Member.Status.WITHDRAWN)
    Member.objects.update(updated=timezone.now() - DAY)
    heard.clear()
    selected = Member.objects.filter(pk__in=[active.pk, withdrawn.pk])
    assert services.members_mark_inactive(members=selected) == [active.pk]
    active.refresh_from_db()
    assert active.status == Member.Status.INACTIVE
    assert active.updated > timezone.now() - datetime.timedelta(minutes=1)
    assert heard == [(active.pk, frozenset({"status", "updated"}))]
    assert services.members_mark_inactive(members=selected) == []


# Applications


def test_an_application_waits_unconfirmed_and_its_link_is_sent_to_the_focal_point(
    client, django_capture_on_commit_callbacks
):
    from members.forms import MembershipApplicationForm

    area = AreaFactory()
    form = MembershipApplicationForm(
        {
            "language": "fr",
            "name": "Réseau alpin",
            "type": "major_group",
            "sector": "ngo",
            "country": "FR",
            "description": "Nous travaillons dans les Alpes.",
            "focal_point_name": "Jeanne Martin",
            "focal_point_email": "jeanne@example.org",
            "contribution": "Notre expérience.",
            "consent": "on",
            "areas": [area.pk],
        }
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(form=form)
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.UNCONFIRMED
    assert list(application.areas.all()) == [area]
    assert mail.outbox[-1].to == ["jeanne@example.org"]
    token = re.search(r"/fr/members/join/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)
    assert services.application_confirm(token=token) == application


def test_the_confirmation_link_confirms_once_and_for_a_week():
    application = MembershipApplicationFactory()
    token = services.application_token(application)
    confirmed = services.application_confirm(token=token)
    assert confirmed == application
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.PENDING
    first = application.email_confirmed_at
    assert first is not None
    # Again: the same application, unchanged.
    assert services.application_confirm(token=token) == application
    application.refresh_from_db()
    assert application.email_confirmed_at == first
    # A link signed for something else, or for an application no longer there, is no link.
    assert services.application_confirm(token=signing.dumps(application.pk)) is None
    assert (
        services.application_confirm(token=signing.dumps(10**9, salt=services.APPLICATION_SALT))
        is None
    )
    # Valid for a week.
    other = MembershipApplicationFactory()
    assert services.application_confirm(token=signed_ago(other.pk, days=7, hours=1)) is None
    other.refresh_from_db()
    assert other.status == MembershipApplication.Status.UNCONFIRMED
    assert services.application_confirm(token=signed_ago(other.pk, days=6, hours=23)) == other


def signed_ago(pk, **ago):
    """A confirmation link as it was made `ago`."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            seconds = datetime.timedelta(**ago).total_seconds()
            return signing.b62_encode(int(timezone.now().timestamp() - seconds))

    return Earlier(salt=services.APPLICATION_SALT).sign_object(pk)


def test_a_rejected_application_is_not_confirmed_again():
    application = MembershipApplicationFactory(status=MembershipApplication.Status.REJECTED)
    assert (
        services.application_confirm(token=services.application_token(application)) == application
    )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.email_confirmed_at is None


def pending(**fields):
    return MembershipApplicationFactory(
        **{
            "status": MembershipApplication.Status.PENDING,
            "organisation_verified": True,
            "focal_point_confirmed": True,
            "region": RegionFactory(),
            **fields,
        }
    )


def test_approval_makes_the_member_its_focal_point_and_an_invitation_from_the_application(
    secretariat_user, django_capture_on_commit_callbacks
):
    area = AreaFactory()
    application = pending(
        language="fr",
        name="Réseau alpin",
        acronym="RA",
        type=Member.Type.MAJOR_GROUP,
        sector=Member.Sector.NGO,
        country="FR",
        website="https://ra.example.org",
        description="Nous travaillons dans les Alpes.",
        focal_point_name="Jeanne Martin",
        focal_point_email="jeanne@example.org",
        focal_point_phone="+33 4 55 01 01",
        focal_point_languages="Français",
        focal_point_title="Coordinatrice",
    )
    application.areas.set([area])
    with django_capture_on_commit_callbacks(execute=True):
        member = services.application_approve(application=application, user=secretariat_user)
    member.refresh_from_db()
    assert (
        member.type,
        member.sector,
        member.acronym,
        member.slug,
        member.country.code,
        member.region,
        member.website,
        member.date_joined,
        member.name_en,
        member.description_fr,
        member.description_en or "",
    ) == (
        "major_group",
        "ngo",
        "RA",
        "reseau-alpin",
        "FR",
        application.region,
        "https://ra.example.org",
        TODAY(),
        "Réseau alpin",
        "Nous travaillons dans les Alpes.",
        "",
    )
    assert list(member.areas.all()) == [area]
    focal_point = member.focal_points.get()
    assert (
        focal_point.name,
        focal_point.email,
        focal_point.phone,
        focal_point.languages,
        focal_point.start_date,
        focal_point.title_fr,
        focal_point.role,
    ) == (
        "Jeanne Martin",
        "jeanne@example.org",
        "+33 4 55 01 01",
        "Français",
        TODAY(),
        "Coordinatrice",
        "focal_point",
    )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.member == member and application.decided_by == secretariat_user
    assert application.decided_at is not None
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.language, invitation.invited_by) == (
        "jeanne@example.org",
        "focal_point",
        "fr",
        secretariat_user,
    )
    assert invitation.focal_point == focal_point
    assert mail.outbox[-1].to == ["jeanne@example.org"]
    # A name with no Latin letters still gives the member an address.
    japanese = pending(name="日本山岳会")
    assert services.application_approve(application=japanese, user=secretariat_user).slug == (
        "member"
    )
    # A second organisation of the same name gets a slug of its own.
    twin = pending(name="Réseau alpin")
    assert services.application_approve(application=twin, user=secretariat_user).slug == (
        "reseau-alpin-2"
    )


def test_approval_lists_every_problem_and_creates_nothing(secretariat_user):
    application = MembershipApplicationFactory()  # unconfirmed, checklist empty, no region
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.application_approve(application=application, user=secretariat_user)
    assert messages_of(error) == [
        "Only a confirmed application that is waiting can be approved.",
        "Complete the checklist first: organisation verified, focal point confirmed.",
        "Choose the member's region first.",
    ]
    for field in ["organisation_verified", "focal_point_confirmed"]:
        half = pending(**{field: False})
        with pytest.raises(ValidationError):
            services.application_approve(application=half, user=secretariat_user)
    assert not Member.objects.exists() and not Invitation.objects.exists()


def test_rejection_keeps_the_reason_and_emails_it_once_decided(
    secretariat_user, django_capture_on_commit_callbacks
):
    application = pending(language="es", focal_point_email="rosa@example.org")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.application_reject(application=application, user=secretariat_user, reason=" \n")
    assert messages_of(error) == ["Give the reason for rejecting; it is sent to the applicant."]
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, user=secretariat_user, reason="  Fuera de las montañas. "
        )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decision_reason == "Fuera de las montañas."
    assert application.decided_by == secretariat_user and application.decided_at is not None
    assert mail.outbox[-1].to == ["rosa@example.org"]
    assert "Fuera de las montañas." in mail.outbox[-1].body
    for decided in [application, pending(status=MembershipApplication.Status.APPROVED)]:
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.application_reject(application=decided, user=secretariat_user, reason="x")
        assert messages_of(error) == ["This application has already been decided."]
    application.refresh_from_db()
    assert application.decision_reason == "Fuera de las montañas."


# Proposed focal points


def proposal(member, **fields):
    return FocalPointProposal.objects.create(
        member=member,
        name=fields.pop("name", "Lucía Mamani"),
        title=fields.pop("title", "Coordinadora"),
        email=fields.pop("email", "lucia@example.org"),
        start_date=fields.pop("start_date", TODAY()),
        **fields,
    )


def test_a_confirmed_proposal_becomes_the_focal_point_from_its_date_or_today(
    andes, secretariat_user
):
    later = TODAY() + 20 * DAY
    confirmed = proposal(
        andes, start_date=later, phone="+591 555", languages="Français, Español", language=""
    )
    new = services.focal_point_proposal_confirm(proposal=confirmed, user=secretariat_user)
    assert (new.name, new.email, new.phone, new.languages, new.start_date) == (
        "Lucía Mamani",
        "lucia@example.org",
        "+591 555",
        "Français, Español",
        later,
    )
    # No language given: the first they speak; the title is kept in it.
    assert new.title_fr == "Coordinadora" and new.title_en == ""
    invitation = Invitation.objects.get(email="lucia@example.org")
    assert invitation.language == "fr" and invitation.invited_by == secretariat_user
    confirmed.refresh_from_db()
    assert confirmed.status == FocalPointProposal.Status.CONFIRMED
    assert confirmed.decided_at is not None
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.focal_point_proposal_confirm(proposal=confirmed, user=secretariat_user)
    assert messages_of(error) == ["This proposal has already been decided."]

    past = proposal(
        andes, name="Past", email="past@example.org", start_date=later + DAY, language="es"
    )
    FocalPointProposal.objects.filter(pk=past.pk).update(start_date=TODAY() - 30 * DAY)
    Member.objects.filter(pk=andes.pk)
    FocalPoint.objects.filter(pk=new.pk).update(start_date=TODAY() - 40 * DAY)
    newer = services.focal_point_proposal_confirm(proposal=past, user=secretariat_user)
    assert newer.start_date == TODAY() and newer.title_es == "Coordinadora"
    assert Invitation.objects.get(email="past@example.org").language == "es"


def test_a_declined_proposal_changes_nothing_else_and_is_declined_once(andes, secretariat_user):
    declined = proposal(andes)
    assert services.focal_point_proposal_decline(
        proposal=declined, user=secretariat_user, reason="Not a staff member of the organisation."
    )
    declined.refresh_from_db()
    assert declined.status == FocalPointProposal.Status.DECLINED
    assert declined.decided_at is not None
    first = declined.decided_at
    assert not services.focal_point_proposal_decline(
        proposal=declined, user=secretariat_user, reason="Again."
    )
    declined.refresh_from_db()
    assert declined.decided_at == first
    assert andes.focal_points.get().name == "Ana Quispe"
    assert not Invitation.objects.exists()
