"""The members app's email tasks, run by a real Celery worker on Redis where sending matters."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from members.models import Member
from members.services import member_update
from members.tasks import member_changes_digest, renewal_reminders, spoken_language
from mountainpartnership.celery import app as celery_app
from tests.factories import FocalPointFactory, MemberFactory


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_daily_digest_goes_out_through_a_real_worker_exactly_once(secretariat_user):
    member = MemberFactory(name_en="Andean Consortium", description_en="Old text.")
    member_update(member=member, user=None, data={"description_en": "New text."})
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, perform_ping_check=False, concurrency=1, pool="solo"):
        member_changes_digest.delay()
        assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent nothing"
        # Run again (a retry, a second beat): nothing new, nothing sent twice.
        member_changes_digest.delay()
        time.sleep(1.5)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [secretariat_user.email]
    assert "Andean Consortium" in message.body
    assert "Old text. → New text." in message.body
    assert not Member.history.filter(digested_at=None).exists()


@pytest.mark.django_db
def test_the_digest_names_the_fields_and_spells_out_their_values(secretariat_user):
    from members.services import member_record_confirm
    from tests.factories import AreaFactory

    member = MemberFactory(name_en="Andean Consortium")
    andes = AreaFactory(slug="andes", name_en="Andes", kind="geographic")
    member_update(member=member, user=None, data={"description_fr": "Un texte."}, areas=[andes])
    member_record_confirm(member=member, user=None)
    assert member_changes_digest() == 2
    body = mail.outbox[-1].body
    # Staff read what changed, not the database's names for it.
    for code in ["record_confirmed_at", "description_fr", "\n  areas:", "andes"]:
        assert code not in body, code
    assert "Description (French): ∅ → Un texte." in body
    assert "Thematic and geographic areas: ∅ → Andes" in body
    confirmed = timezone.localtime(member.record_confirmed_at)
    assert f"Record last confirmed: ∅ → {confirmed:%-d %B %Y, %H:%M}" in body


@pytest.mark.django_db
def test_the_secretariats_own_changes_are_not_in_the_digest(secretariat_user):
    member = MemberFactory(name_en="Andean Consortium", description_en="Old text.")
    member_update(member=member, user=secretariat_user, data={"description_en": "Edited."})
    assert member_changes_digest() == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_renewal_reminders_go_once_per_term_in_the_focal_points_language():
    today = timezone.localdate()
    due = FocalPointFactory(
        member__term_ends=today + datetime.timedelta(days=60),
        member__name_en="Due Member",
        languages="Español, Quechua",
        email="due@example.org",
    ).member
    FocalPointFactory(member__term_ends=today + datetime.timedelta(days=400))
    assert renewal_reminders() == 1
    message = mail.outbox[-1]
    assert message.to == ["due@example.org"]
    assert f"/es/my/{due.slug}/renew/" in message.body
    assert renewal_reminders() == 0
    # Renewed, and later due again: reminded again for the new term.
    Member.objects.filter(pk=due.pk).update(term_ends=today + datetime.timedelta(days=30))
    assert renewal_reminders() == 1


def test_the_language_of_an_email_follows_the_languages_a_person_speaks():
    assert spoken_language("Spanish, English") == "es"
    assert spoken_language("English, français") == "en"
    assert spoken_language("Français, Wolof") == "fr"
    assert spoken_language("Quechua") == "en"
