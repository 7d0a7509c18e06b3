"""An edition that fills itself with the routine sections, and goes to the readers it is for."""

import datetime
import email
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Event, FundingOpportunity
from members.models import Area
from mountainpartnership import zones
from newsletter import sending
from newsletter.models import Delivery, Edition, Item, Subscriber
from newsletter.services import edition_fill, edition_mark_ready, months_after
from tests.conftest import sign_in, verified_user
from tests.factories import (
    AreaFactory,
    EventFactory,
    FocalPointFactory,
    FundingOpportunityFactory,
    MemberFactory,
    NewsFactory,
    RegionFactory,
)
from tests.newsletter.test_sending import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def next_month() -> datetime.date:
    """The month after this one: the demo's dates are counted from the day it is loaded."""
    return months_after(timezone.localdate(), 1)


def reader(email, *, language="en", areas=(), status="confirmed", region=None):
    subscriber = Subscriber.objects.create(
        email=email, language=language, status=status, region=region
    )
    subscriber.topics.set(areas)
    return subscriber


def received(smtp_server):  # noqa: F811
    """{address: the message it got} from the test's SMTP server."""
    found = {}
    for raw in smtp_server.messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        part = message.get_body(preferencelist=("plain",))
        found[message["To"]] = part.get_content()
    return found


def send(edition):
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    sending.edition_send_due(edition_id=edition.pk)


def test_an_edition_fills_itself_with_the_demos_events_and_calls_and_reaches_the_andes(
    settings,
    tmp_path,
    smtp_server,  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddemo", verbosity=0)
    month = next_month()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=datetime.UTC)
    # What the edition is expected to hold, read from the demo as a reader would count it:
    # events under way at its start or beginning in its two months (a field school that
    # runs over the new year is one, on some days of loading), calls that close in the six
    # weeks from its start.
    until = datetime.datetime.combine(
        months_after(month, 2), datetime.time.min, tzinfo=datetime.UTC
    )
    events = [e for e in Event.objects.all() if e.ends_at >= start and e.starts_at < until]
    calls = [
        c
        for c in FundingOpportunity.objects.all()
        if month <= c.deadline < month + datetime.timedelta(weeks=6)
    ]
    assert len(events) >= 2 and len(calls) >= 1
    # Published after the demo's last edition went out (when the demo was loaded).
    news = NewsFactory(
        title_fr="Nouvelles",
        title_es="Noticias",
        summary_fr="Résumé.",
        published_at=timezone.now(),
    )
    edition = Edition.objects.create(month=month, intro_en="Hello.")

    added = edition_fill(edition=edition)

    items = list(edition.items.order_by("position"))
    assert added == len(items) == len(events) + len(calls) + 1
    sources = [item.source for item in items]
    assert sources == [
        *(f"event:{e.pk}" for e in sorted(events, key=lambda e: e.starts_at)),
        *(f"funding:{c.pk}" for c in sorted(calls, key=lambda c: (c.deadline, c.pk))),
        f"news:{news.pk}",
    ]
    assert {item.status for item in items} == {Item.Status.APPROVED}
    by_source = {item.source: item for item in items}
    for event in events:
        item = by_source[f"event:{event.pk}"]
        for code in ["en", "fr", "es"]:
            assert getattr(item, f"title_{code}") == getattr(event, f"title_{code}") != ""
            with translation.override(code):
                # The time as people in the event's place read it, the zone named.
                assert zones.display(event.starts_at, event.timezone) in getattr(
                    item, f"body_{code}"
                )
    for call in calls:
        item = by_source[f"funding:{call.pk}"]
        assert (item.title_en, item.title_fr, item.title_es) == (
            call.title_en,
            call.title_fr,
            call.title_es,
        )
        assert all([item.title_en, item.title_fr, item.title_es])
    # Filled twice, nothing twice.
    assert edition_fill(edition=edition) == 0
    assert edition.items.count() == len(items)

    # To the Andes only: exactly the confirmed subscribers who follow it.
    andes = Area.objects.get(slug="andes")
    other = Area.objects.exclude(slug="andes").first()
    expected = {
        reader("quechua@example.org", language="es", areas=[andes]).email,
        reader("lapaz@example.org", language="fr", areas=[andes, other]).email,
        reader("cusco@example.org", language="en", areas=[andes]).email,
    }
    reader("alps@example.org", areas=[other])
    reader("everything@example.org")
    reader("pending@example.org", areas=[andes], status="pending")
    edition.areas.set([andes])
    edition.english_fallback = True  # the news item has no Spanish text
    edition.save()
    send(edition)
    assert sorted(smtp_server.received) == sorted(expected)
    assert Delivery.objects.filter(edition=edition).count() == 3
    messages = received(smtp_server)
    # Titles in capitals in the plain-text version.
    assert events[0].title_fr.upper() in messages["lapaz@example.org"]
    assert calls[0].title_es.upper() in messages["quechua@example.org"]
    # The news has no Spanish summary: shown in English, marked as such.
    assert "What happened." in messages["quechua@example.org"]
    assert "NOTICIAS [en inglés]" in messages["quechua@example.org"]


def test_an_edition_fills_only_what_comes_in_its_window_and_only_as_a_draft():
    month = next_month()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=datetime.UTC)
    inside = EventFactory(starts_at=start + datetime.timedelta(days=40), title_fr="Atelier")
    under_way = EventFactory(  # begun before the month, not over when it begins
        starts_at=start - datetime.timedelta(days=2), ends_at=start + datetime.timedelta(hours=10)
    )
    EventFactory(starts_at=start + datetime.timedelta(days=70))  # after its two months
    EventFactory(  # over before the edition's month begins
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
    )
    closing = FundingOpportunityFactory(deadline=month + datetime.timedelta(days=10))
    FundingOpportunityFactory(deadline=month + datetime.timedelta(days=50))
    FundingOpportunityFactory(deadline=month - datetime.timedelta(days=1))
    earlier = Edition.objects.create(
        month=month - datetime.timedelta(days=1),
        status=Edition.Status.SENT,
        started_at=timezone.now() - datetime.timedelta(days=3),
    )
    NewsFactory(published_at=earlier.started_at - datetime.timedelta(hours=1))
    fresh = NewsFactory(published_at=timezone.now() - datetime.timedelta(days=1))
    edition = Edition.objects.create(month=month)
    Item.objects.create(
        edition=edition, status="approved", target_month=month, position=5, title_en="Ours"
    )

    assert edition_fill(edition=edition) == 4
    filled = edition.items.exclude(source="").order_by("position")
    assert [item.source for item in filled] == [
        f"event:{under_way.pk}",
        f"event:{inside.pk}",
        f"funding:{closing.pk}",
        f"news:{fresh.pk}",
    ]
    assert [item.position for item in filled] == [6, 7, 8, 9]  # after what was there
    event_item = filled[1]
    # No Spanish title: left empty, for the rendering's fallback note.
    assert (event_item.title_fr, event_item.title_es, event_item.body_es) == ("Atelier", "", "")
    assert event_item.link.endswith(f"/events/{inside.slug}/")
    assert "/en/" not in event_item.link  # each reader lands on the page in their language

    edition.status = Edition.Status.READY
    edition.save()
    with pytest.raises(ValidationError):
        edition_fill(edition=edition)


def test_an_item_only_for_the_readers_of_an_area_reaches_only_them(client, smtp_server):  # noqa: F811
    glaciers, forests = AreaFactory(name_en="Glaciers"), AreaFactory(name_en="Forests")
    edition = Edition.objects.create(month=next_month(), english_fallback=True)
    Item.objects.create(
        edition=edition, status="approved", target_month=edition.month, title_en="For all"
    )
    Item.objects.create(
        edition=edition,
        status="approved",
        target_month=edition.month,
        position=1,
        title_en="Glacier monitoring network",
        only_for_area=glaciers,
    )
    reader("ice@example.org", areas=[glaciers])
    reader("both@example.org", language="fr", areas=[glaciers, forests])
    reader("trees@example.org", areas=[forests])
    reader("all@example.org")
    send(edition)
    messages = received(smtp_server)
    assert sorted(messages) == sorted(
        ["ice@example.org", "both@example.org", "trees@example.org", "all@example.org"]
    )
    for address, text in messages.items():
        assert "FOR ALL" in text
        for_glaciers = address in {"ice@example.org", "both@example.org"}
        assert ("GLACIER MONITORING NETWORK" in text) == for_glaciers, address
    # Marked as such, in the reader's language.
    assert "(For readers of Glaciers)" in messages["ice@example.org"]
    assert "(Pour les lecteurs du domaine Glaciers)" in messages["both@example.org"]
    # The web version shows every section, marked.
    edition.status = Edition.Status.SENT
    edition.save()
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "Glacier monitoring network" in page and "For readers of Glaciers" in page


def test_a_segment_of_regions_languages_and_member_types():
    europe, africa = RegionFactory(slug="europe"), RegionFactory(slug="africa")
    government = MemberFactory(type="government")
    FocalPointFactory(member=government, email="Minister@Example.org")
    reader("minister@example.org", language="fr", region=europe)
    reader("ngo@example.org", language="fr", region=europe)
    reader("nairobi@example.org", language="en", region=africa)
    edition = Edition.objects.create(month=next_month())
    segment = Subscriber.objects.confirmed().in_segment

    assert segment(edition).count() == 3  # no criterion: everyone
    edition.regions.set([europe])
    assert {s.email for s in segment(edition)} == {"minister@example.org", "ngo@example.org"}
    edition.languages = ["en"]
    assert not segment(edition).exists()  # every criterion must hold
    edition.languages = ["fr"]
    edition.member_types = ["government"]
    # Matched by address, whatever its case, to the government's focal point.
    assert [s.email for s in segment(edition)] == ["minister@example.org"]


def test_the_secretariat_fills_an_edition_from_its_page(secretariat_client):
    event = EventFactory(
        starts_at=datetime.datetime.combine(next_month(), datetime.time(9), tzinfo=datetime.UTC)
        + datetime.timedelta(days=3)
    )
    edition = Edition.objects.create(month=next_month())
    page = secretariat_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))
    html = page.content.decode()
    assert 'form="edition-fill"' in html
    # Its form follows the edition's form, never inside it.
    assert html.index('<form id="edition-fill"') > html.index("</form>")
    response = secretariat_client.post(reverse("admin:newsletter_edition_fill", args=[edition.pk]))
    assert response.status_code == 302
    assert [item.source for item in edition.items.all()] == [f"event:{event.pk}"]
    page = secretariat_client.get(response["Location"]).content.decode()
    assert "1 item added from the events, calls and news." in page


def test_only_the_secretariat_fills_an_edition_or_sees_its_segment_size(client):
    EventFactory(
        starts_at=datetime.datetime.combine(next_month(), datetime.time(9), tzinfo=datetime.UTC)
    )
    edition = Edition.objects.create(month=next_month())
    fill = reverse("admin:newsletter_edition_fill", args=[edition.pk])
    change = reverse("admin:newsletter_edition_change", args=[edition.pk])
    assert client.post(fill).status_code == 302  # anonymous: to the admin's login
    sign_in(client, verified_user())  # a plain member
    assert client.post(fill).status_code == 403
    assert client.get(change).status_code == 403
    staff = verified_user(is_staff=True, is_superuser=True)
    client.force_login(staff)  # staff, without the second factor
    response = client.post(fill)  # sent to set up the second factor
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    response = client.get(change)
    assert response.status_code == 302 and "will receive it" not in response.content.decode()
    assert not edition.items.exists()


def test_an_edition_for_french_readers_needs_only_its_french_text():
    reader("marie@example.org", language="fr")
    reader("ana@example.org", language="es")
    edition = Edition.objects.create(month=next_month())
    Item.objects.create(
        edition=edition,
        status="approved",
        target_month=edition.month,
        title_en="Seed fairs",
        title_fr="Foires aux semences",
        body_en="In Cusco.",
        body_fr="À Cusco.",
    )
    with pytest.raises(ValidationError, match="Not translated into es"):
        edition_mark_ready(edition=edition)
    edition.languages = ["fr"]
    edition.save()
    edition_mark_ready(edition=edition)
    assert sending.edition_start(edition=edition) == 1


def test_a_sent_editions_page_shows_its_segment_read_only(secretariat_client):
    andes = AreaFactory(slug="andes", name_en="Andes")
    edition = Edition.objects.create(
        month=next_month(), status=Edition.Status.SENT, started_at=timezone.now()
    )
    edition.areas.set([andes])
    page = secretariat_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="areas"' not in html and "Sent to 0 subscribers." in html


def test_an_item_approved_for_the_month_goes_into_its_edition(secretariat_user):
    """A member's item approved for a month is placed in that month's edition: when the
    edition fills itself, or at once when it is approved while the draft exists."""
    from newsletter.services import item_decide

    month = next_month()
    member = MemberFactory()
    earlier = Item.objects.create(
        member=member, status="approved", target_month=month, title_fr="Atelier sur l’eau"
    )
    Item.objects.create(  # another month's: stays where it is
        member=member, status="approved", target_month=months_after(month, 1), title_en="Later"
    )
    Item.objects.create(  # not approved: stays out
        member=member, status="submitted", target_month=month, title_en="Waiting"
    )
    edition = Edition.objects.create(month=month)
    Item.objects.create(
        edition=edition, status="approved", target_month=month, position=3, title_en="Ours"
    )

    assert edition_fill(edition=edition) == 1
    earlier.refresh_from_db()
    assert (earlier.edition, earlier.position) == (edition, 4)
    assert earlier.history.latest().history_type == "~"  # through the service, with history

    later = Item.objects.create(
        member=member,
        status="submitted",
        target_month=month,
        title_en="Late but good",
        body_en="Body.",
    )
    item_decide(item=later, user=secretariat_user, status="approved")
    later.refresh_from_db()
    assert (later.edition, later.position) == (edition, 5)

    edition.status = Edition.Status.READY
    edition.save()
    last = Item.objects.create(
        member=member, status="submitted", target_month=month, title_en="x", body_en="Body."
    )
    item_decide(item=last, user=secretariat_user, status="approved")
    last.refresh_from_db()
    assert last.edition is None  # an edition on its way is not changed behind its back
