import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import News, Participation, StatusChange
from activities.services import news_submit
from members.models import Representation
from tests.conftest import sign_in, verified_user
from tests.factories import (
    ActivityFactory,
    EventFactory,
    FundingOpportunityFactory,
    MemberFactory,
    NewsFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["activity", "event", "fundingopportunity", "news"])
def test_admin_lists_issue_the_same_queries_for_few_and_many_rows(secretariat_client, model):
    def make(count):
        for _ in range(count):
            member = MemberFactory()
            activity = ActivityFactory()
            Participation.objects.create(activity=activity, member=member, role="lead")
            EventFactory().organisers.add(member)
            FundingOpportunityFactory()
            NewsFactory(member=member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = secretariat_client.get(reverse(f"admin:activities_{model}_changelist"))
        assert response.status_code == 200
        return len(captured)

    make(3)
    few = queries()
    make(30)
    assert queries() == few


def test_a_status_changed_in_the_admin_is_recorded_with_who_changed_it(
    secretariat_client, secretariat_user
):
    activity = ActivityFactory(status="planning")
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    form = secretariat_client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        # A browser sends no file for a file field left alone.
        if value is not None and not isinstance(value, list | FieldFile)
    }
    data.update(
        {
            "status": "stalled",
            "status_reason_en": "",
            "countries": [],
            "areas": [],
            "start_date": "",
            "end_date": "",
        }
    )
    for prefix in ["participations", "milestones", "funding", "outputs", "status_changes"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = secretariat_client.post(url, data)
    assert response.status_code == 200  # stalled needs a reason
    assert "Say why the activity is stalled or cancelled." in response.content.decode()
    data["status_reason_en"] = "The partners have no budget this year."
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity.refresh_from_db()
    assert activity.status == "stalled"
    change = StatusChange.objects.get(activity=activity)
    assert change.changed_by == secretariat_user and change.reason == data["status_reason_en"]


def test_a_representative_sends_news_that_waits_for_the_secretariat(secretariat_client):
    member = MemberFactory(slug="condesan")
    user = verified_user()
    Representation.objects.create(user=user, member=member, role="colleague")
    client = sign_in(Client(), user)
    response = client.post(
        "/es/my/condesan/news/",
        {
            "title": "Nuevo estudio",
            "summary": "Publicamos un estudio.",
            "body": "Texto completo.",
            "language": "es",
        },
    )
    assert response.status_code == 302
    news = News.objects.get()
    assert news.status == News.Status.DRAFT and news.member == member and news.author == user
    assert news.title_es == "Nuevo estudio" and not news.title_en
    assert "Nuevo estudio" not in client.get("/es/news/").content.decode()
    secretariat_client.post(
        reverse("admin:activities_news_changelist"),
        {"action": "publish", "_selected_action": [news.pk]},
    )
    assert "Nuevo estudio" in client.get("/es/news/").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "other representative", "verified user"])
def test_news_for_a_member_is_refused_to_everyone_else(client, who):
    MemberFactory(slug="condesan")
    if who == "other representative":
        user = verified_user()
        Representation.objects.create(user=user, member=MemberFactory(), role="focal_point")
        sign_in(client, user)
    elif who == "verified user":
        sign_in(client, verified_user())
    response = client.post("/en/my/condesan/news/", {"title": "X", "summary": "Y", "body": "Z"})
    assert response.status_code in {302, 404}
    if who == "anonymous":
        assert "/accounts/login/" in response.url
    assert not News.objects.exists()


def test_publishing_a_members_news_shows_it_at_once_to_visitors_and_in_search(
    secretariat_client, django_capture_on_commit_callbacks
):
    member = MemberFactory(slug="condesan")
    user = verified_user()
    Representation.objects.create(user=user, member=member, role="colleague")
    with django_capture_on_commit_callbacks(execute=True):
        news = news_submit(
            member=member,
            user=user,
            language="fr",
            title="Foires aux semences andines",
            summary="Des foires dans trois vallées.",
            body="Les communautés échangent leurs variétés.",
        )
    visitor = Client()
    assert "Foires aux semences" not in visitor.get("/fr/news/").content.decode()
    assert visitor.get("/fr/news/")["X-Page-Cache"] == "hit"  # the page is in the cache
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("admin:activities_news_changelist"),
            {"action": "publish", "_selected_action": [news.pk], "index": 0},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert "1 actualité approuvée et publiée." in response.content.decode()
    assert "Foires aux semences andines" in visitor.get("/fr/news/").content.decode()
    found = visitor.get("/fr/search/?q=semences").content.decode()
    assert f'href="/fr/news/{news.slug}/"' in found
    history = LogEntry.objects.get(object_id=str(news.pk))
    assert history.is_change() and history.user.is_staff
