import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import translation

from activities.models import Activity, Event, FundingOpportunity, News, StatusChange
from discussions.models import Consultation, Post, Space, Topic
from members.models import Area, FocalPoint, Member, Region, User

pytestmark = pytest.mark.django_db

NAMED_IN_THE_REPORT = [
    "fao",
    "unep",
    "italy",
    "switzerland",
    "france",
    "agoca",
    "condesan",
    "soluciones-practicas",
    "mountain-forum",
]


def snapshot():
    """Every demo row as it stands, to tell whether a second run changed anything."""
    return (
        list(Member.objects.order_by("pk").values()),
        list(FocalPoint.objects.order_by("pk").values()),
        list(Region.objects.order_by("pk").values()),
        list(Area.objects.order_by("pk").values()),
        sorted(Member.areas.through.objects.values_list("member_id", "area_id")),
        sorted(Area.leading_members.through.objects.values_list("area_id", "member_id")),
        list(Activity.objects.order_by("pk").values()),
        list(StatusChange.objects.order_by("pk").values()),
        list(Event.objects.order_by("pk").values()),
        list(FundingOpportunity.objects.order_by("pk").values()),
        list(News.objects.order_by("pk").values()),
        list(Space.objects.order_by("pk").values()),
        list(Topic.objects.order_by("pk").values()),
        list(Post.objects.order_by("pk").values()),
        list(Consultation.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
    )


def test_loaddemo_builds_the_partnership_of_april_2006_and_is_idempotent():
    call_command("loaddemo")
    in_2006 = Member.objects.filter(date_joined__lte=datetime.date(2006, 4, 7))
    counts = Counter(in_2006.values_list("type", flat=True))
    assert counts == {"government": 46, "igo": 14, "major_group": 73}
    assert Member.objects.count() == 149  # and 16 organisations that joined since
    assert Region.objects.count() == 5
    assert Area.objects.thematic().count() == 8
    assert Area.objects.geographic().count() == 6

    first = snapshot()
    call_command("loaddemo")
    assert snapshot() == first


def test_loaddemo_says_what_it_made_in_english_with_plurals():
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    said = out.getvalue()
    assert "1 discussion space," in said
    assert "149 members," in said and "47 people in discussions," in said
    assert "2 e-consultations," in said and "2 newsletter editions " in said
    assert "1 discussion spaces" not in said


def test_demo_partnership_is_complete_and_trilingual():
    call_command("loaddemo")
    slugs = set(Member.objects.values_list("slug", flat=True))
    assert set(NAMED_IN_THE_REPORT) <= slugs
    for member in Member.objects.with_current_focal_point():
        assert len(member.current_focal_points) == 1, member.slug
        for code in ["en", "fr", "es"]:
            assert getattr(member, f"name_{code}"), (member.slug, code)
            assert getattr(member, f"description_{code}"), (member.slug, code)
    for area in Area.objects.all():
        assert area.leading_members.exists(), area.slug
    with translation.override("es"):
        assert Member.objects.get(slug="fao").name.startswith("Organización")
    assert Member.objects.get(slug="condesan").country.code == "PE"
    # Some earlier focal points kept as history, and some alternates.
    assert FocalPoint.objects.exclude(end_date=None).exists()
    assert FocalPoint.objects.alternates().exists()


def test_loaddemo_keeps_edits_made_since():
    call_command("loaddemo")
    member = Member.objects.get(slug="condesan")
    member.description_fr = "Texte revu par le secrétariat."
    member.save()
    call_command("loaddemo")
    member.refresh_from_db()
    assert member.description_fr == "Texte revu par le secrétariat."


def test_demo_members_are_all_still_members_with_current_terms():
    call_command("loaddemo")
    today = datetime.date.today()
    # The report counts 133 members in April 2006: some inactive (§27), none withdrawn.
    assert not Member.objects.filter(status=Member.Status.WITHDRAWN).exists()
    assert Member.objects.filter(status=Member.Status.INACTIVE).count() >= 5
    assert not Member.objects.filter(term_ends__lte=today).exists()
    assert Member.objects.filter(term_ends__lt=today + datetime.timedelta(days=183)).exists()


def test_demo_activities_events_funding_and_news_tell_the_reports_story():
    call_command("loaddemo")
    assert Activity.objects.count() == 12
    statuses = set(Activity.objects.values_list("status", flat=True))
    assert {"proposed", "workplan_agreed", "under_way", "stalled", "completed"} <= statuses
    assert len(statuses) >= 4
    ecotourism = Activity.objects.get(slug="andean-ecotourism-feasibility-study")
    assert ecotourism.participations.filter(role="lead", member__slug="condesan").exists()
    assert ecotourism.funding.filter(kind="seed").exists()
    assert ecotourism.outputs.exists()
    assert sorted(country.code for country in ecotourism.countries) == ["BO", "CO", "EC", "PE"]
    assert ecotourism.status_changes.count() >= 2
    for activity in Activity.objects.filter(status__in=["stalled", "cancelled"]):
        assert activity.status_reason_en and activity.status_reason_fr and activity.status_reason_es
    assert (
        Event.objects.filter(city="Cusco").exists() and Event.objects.filter(city="Merano").exists()
    )
    assert Event.objects.upcoming().exists() and Event.objects.past().exists()
    assert (
        FundingOpportunity.objects.open()
        .filter(for_major_groups=True, regions__slug="africa")
        .exists()
    )
    assert News.objects.published().count() == 19


def test_demo_discussions_tell_the_reports_story_in_three_languages():
    call_command("loaddemo", verbosity=0)
    microfinance = Space.objects.get(slug="microfinance")
    assert microfinance.topics.count() == 2
    assert Post.objects.filter(topic__space=microfinance, member__slug="soluciones-practicas")
    consultation = Consultation.objects.get(slug="mountain-ecotourism")
    languages = Counter(consultation.topic.posts.values_list("language", flat=True))
    assert set(languages) == {"en", "fr", "es"} and min(languages.values()) >= 3
    assert consultation.state() == "closed" and consultation.synthesis_published_at
    assert Consultation.objects.get(slug="mountain-water").state() == "open"
    for code in ["en", "fr", "es"]:
        with translation.override(code):
            assert consultation.question and consultation.synthesis
    # Every area has its space, every demo author speaks for a member or the secretariat.
    assert Space.objects.filter(area__isnull=False).count() == Area.objects.count() == 14
    assert not Post.objects.filter(author__isnull=True).exists()
