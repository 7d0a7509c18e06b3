"""One language for all the portal's emails to a person (members.User.language, read through
members.services.user_language): said at sign-up or on accepting an invitation, changed on the
discussion-email settings page, the same for decisions, discussion emails and the inbox digest."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from discussions import services as discussions
from discussions.models import Reader
from insight.tasks import inbox_digest
from members import services
from members.models import (
    FocalPointProposal,
    Invitation,
    MembershipApplication,
    Representation,
    User,
)
from members.permissions import SECRETARIAT_GROUP
from tests.conftest import sign_in, verified_user
from tests.discussions.conftest import client_for, old_account, representative
from tests.factories import (
    FocalPointFactory,
    MembershipApplicationFactory,
    SpaceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "mountains-in-the-mist"


def french_focal_point(**fields):
    """An account holding a focal-point record that says French: the guess when nothing is
    said."""
    focal_point = FocalPointFactory(languages="Français", email="fp@example.org")
    user = verified_user(email="fp@example.org", **fields)
    Representation.objects.create(
        user=user, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    return user


def secretariat_member(**fields):
    user = verified_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


def decline_proposal_of(author, django_capture_on_commit_callbacks, secretariat):
    proposal = FocalPointProposal.objects.create(
        member=author.representations.get().member,
        proposed_by=author,
        name="Lucía Mamani",
        email="l@example.org",
        start_date=timezone.localdate(),
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.focal_point_proposal_decline(
            proposal=proposal, user=secretariat, reason="Ya no trabaja allí."
        )
    return mail.outbox[-1]


# One function


def test_a_language_said_wins_over_every_guess():
    user = french_focal_point()
    assert services.user_language(user, "en") == "fr"  # the focal-point record's
    services.user_language_set(user=user, language="es")
    assert services.user_language(user, "en") == "es"


def test_nothing_said_falls_back_to_the_record_then_the_invitation_then_the_text():
    user = verified_user()
    assert services.user_language(user) == "en"
    assert services.user_language(user, "fr") == "fr"
    invitation = Invitation.objects.create(
        member=FocalPointFactory().member,
        email=user.email,
        role="colleague",
        language="es",
        expires_at=timezone.now(),
        accepted_by=user,
        accepted_at=timezone.now(),
    )
    assert services.user_language(user, "fr") == "es"
    assert invitation.pk and services.user_language(french_focal_point(), "es") == "fr"


def test_a_language_said_once_is_not_overwritten_by_the_next_page():
    user = verified_user()
    assert services.user_language_said(user, "fr")
    assert not services.user_language_said(user, "es")
    assert not services.user_language_said(verified_user(), "de")
    user.refresh_from_db()
    assert user.language == "fr"


# Every email in it


def test_a_person_who_chose_spanish_gets_the_digest_and_a_decision_in_spanish(
    secretariat_user, django_capture_on_commit_callbacks
):
    # Staff and focal point at once: the inbox digest and a decision both reach them.
    person = french_focal_point(is_staff=True)
    person.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    services.user_language_set(user=person, language="es")
    MembershipApplicationFactory(
        status=MembershipApplication.Status.PENDING, name="Asociación Andina"
    )
    assert inbox_digest() == 2
    digest = next(message for message in mail.outbox if message.to == [person.email])
    assert "Bandeja de entrada de la secretaría" in digest.subject, digest.subject
    english = next(message for message in mail.outbox if message.to == [secretariat_user.email])
    assert "The secretariat's inbox" in english.subject
    decision = decline_proposal_of(person, django_capture_on_commit_callbacks, secretariat_user)
    assert decision.to == [person.email]
    assert decision.subject == "No aceptado: Lucía Mamani", decision.subject


def test_a_person_who_said_nothing_gets_the_focal_point_records_language_everywhere(
    secretariat_user, django_capture_on_commit_callbacks
):
    person = french_focal_point(is_staff=True)
    person.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    MembershipApplicationFactory(status=MembershipApplication.Status.PENDING)
    inbox_digest()
    digest = next(message for message in mail.outbox if message.to == [person.email])
    assert "boîte de réception" in digest.subject.lower(), digest.subject
    decision = decline_proposal_of(person, django_capture_on_commit_callbacks, secretariat_user)
    assert decision.subject == "Non retenu\u202f: Lucía Mamani", decision.subject


def test_discussion_emails_follow_the_accounts_language_not_the_page_followed_from(
    client, django_capture_on_commit_callbacks
):
    space = SpaceFactory(slug="water", title_en="Water", title_es="Agua", title_fr="Eau")
    reader = representative()
    services.user_language_set(user=reader, language="es")
    client_for(client, reader)
    client.post("/fr/discussions/water/follow/")
    reader.refresh_from_db()
    assert reader.language == "es"  # following from a French page changes nothing said
    topic = TopicFactory(space=space, title="Riego")
    author = old_account(representative())
    with django_capture_on_commit_callbacks(execute=True):
        discussions.reply_post(topic=topic, user=author, body="Una idea.", language="es")
    [message] = mail.outbox
    assert message.subject == "[Agua] Riego", message.subject


# Said when people first say it


def test_signing_up_on_a_spanish_page_says_spanish(client):
    client.post(
        "/es/accounts/signup/",
        {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(email="ana@example.org").language == "es"


def test_an_invitation_accepted_on_a_page_takes_that_pages_language(client, secretariat_user):
    invitation = services.invitation_send(
        member=FocalPointFactory().member,
        email="new@example.org",
        role="colleague",
        language="fr",
        invited_by=secretariat_user,
    )
    client.post(
        f"/es/invitations/{invitation.token}/", {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert User.objects.get(email="new@example.org").language == "es"


def test_an_invitation_accepted_without_a_page_takes_the_invitations_language(secretariat_user):
    invitation = services.invitation_send(
        member=FocalPointFactory().member,
        email="new@example.org",
        role="colleague",
        language="fr",
        invited_by=secretariat_user,
    )
    user = services.invitation_signup(token=invitation.token, password=PASSWORD)
    assert user.language == "fr"


def test_an_account_that_chose_keeps_its_language_on_accepting_an_invitation(
    client, secretariat_user
):
    existing = verified_user(email="exists@example.org")
    services.user_language_set(user=existing, language="es")
    invitation = services.invitation_send(
        member=FocalPointFactory().member,
        email="exists@example.org",
        role="alternate",
        language="en",
        invited_by=secretariat_user,
    )
    sign_in(client, existing)
    client.post(f"/fr/invitations/{invitation.token}/")
    existing.refresh_from_db()
    assert existing.representations.exists() and existing.language == "es"


# The settings page


def settings_data(**changes):
    return {
        "first_name": "Ana",
        "last_name": "Quispe",
        "frequency": "daily",
        "language": "es",
        **changes,
    }


def test_the_settings_page_shows_and_changes_the_language_of_every_email(client):
    user = french_focal_point()
    client.force_login(user)
    page = client.get("/en/discussions/settings/").content.decode()
    assert "Language of the portal’s emails" in page or "Language of the portal&#x27;s" in page
    assert "every email the portal sends you" in page
    assert 'value="fr" selected' in page  # nothing said: the language the emails are in now
    response = client.post("/en/discussions/settings/", settings_data())
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es" and user.first_name == "Ana"
    assert Reader.objects.get(user=user).frequency == "daily"


def test_the_settings_page_is_in_french_and_spanish_too(client):
    client.force_login(verified_user())
    assert "Langue des courriels du portail" in client.get("/fr/discussions/settings/").text
    assert "Idioma de los correos del portal" in client.get("/es/discussions/settings/").text


def test_a_language_the_portal_does_not_have_is_refused_and_nothing_is_saved(client):
    user = verified_user(first_name="Old")
    services.user_language_set(user=user, language="fr")
    client.force_login(user)
    response = client.post("/en/discussions/settings/", settings_data(language="de"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert (user.language, user.first_name) == ("fr", "Old")
    assert not Reader.objects.filter(user=user, frequency="daily").exists()
    with pytest.raises(ValidationError):
        services.user_language_set(user=user, language="de")


# The migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_readers_language_to_the_account():
    executor = MigrationExecutor(connection)
    # Accounts with their language already, Readers with theirs still.
    before = [("discussions", "0005_first_records"), ("members", "0016_user_language")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldUser, OldReader = (
            old.get_model("members", "User"),
            old.get_model("discussions", "Reader"),
        )
        spanish = OldUser.objects.create(email="es@example.org")
        OldReader.objects.create(user=spanish, language="es")
        chosen = OldUser.objects.create(email="chosen@example.org", language="fr")
        OldReader.objects.create(user=chosen, language="es")
        silent = OldUser.objects.create(email="silent@example.org")
    finally:
        # Whatever happened, the database ends as every other test expects it.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    languages = dict(User.objects.values_list("email", "language"))
    assert languages[spanish.email] == "es"
    assert languages[chosen.email] == "fr"  # said on the account already: kept
    assert languages[silent.email] == ""  # no Reader row: not said yet
    assert not hasattr(Reader(), "language")


# The other emails to people with an account


def test_the_member_changes_digest_goes_to_each_of_the_secretariat_in_their_language(
    secretariat_user,
):
    from django.utils import translation

    from members.models import Member
    from members.services import member_update
    from members.tasks import member_changes_digest
    from mountainpartnership.i18n import field_label
    from tests.factories import MemberFactory

    spanish = secretariat_member(email="rosa@example.org")
    services.user_language_set(user=spanish, language="es")
    member = MemberFactory(name_en="Andean Consortium")
    member_update(member=member, user=None, data={"description_fr": "Un texte."})
    assert member_changes_digest() == 1
    by_address = {tuple(message.to): message for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert "Description (French): ∅ → Un texte." in by_address[(secretariat_user.email,)].body
    in_spanish = by_address[("rosa@example.org",)]
    assert "1 cambio" in in_spanish.subject, in_spanish.subject
    with translation.override("es"):
        label = str(field_label(Member, "description_fr"))  # the field's label, in Spanish
    assert label != "Description (French)" and f"{label}: ∅ → Un texte." in in_spanish.body


def test_a_renewal_reminder_goes_in_the_language_the_focal_points_account_said():
    from members.tasks import renewal_reminders

    focal_point = FocalPointFactory(
        member__term_ends=timezone.localdate() + datetime.timedelta(days=60),
        languages="Español",
        email="due@example.org",
    )
    user = verified_user(email="due@example.org")
    Representation.objects.create(
        user=user, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    services.user_language_set(user=user, language="fr")
    assert renewal_reminders() == 1
    assert f"/fr/my/{focal_point.member.slug}/renew/" in mail.outbox[-1].body
