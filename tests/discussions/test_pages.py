"""Discussion pages: small, paginated, with the same number of queries however long."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.models import Topic
from tests.discussions.conftest import client_for, representative
from tests.factories import MemberFactory, PostFactory, SpaceFactory, TopicFactory, UserFactory
from tests.members.test_public import gzipped, stylesheet

pytestmark = pytest.mark.django_db

WORDS = (
    "Our cooperative in Cajamarca lends to dairy producers for *six months* at a time; "
    "repayment follows the milk cheque, and we would like to compare notes with others. "
)


def topic_with_posts(count):
    topic = TopicFactory(space=SpaceFactory(), post_count=count)
    for number in range(count):
        PostFactory(
            topic=topic,
            author=UserFactory(first_name=f"Person{number}", last_name="Quispe"),
            member=MemberFactory(),
            body=f"{WORDS * 3}\n\n- point one\n- point two {number}",
            language=["en", "fr", "es"][number % 3],
        )
    return topic


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_topic_page_issues_the_same_queries_for_3_and_50_posts(client, signed_in):
    if signed_in:
        client_for(client, representative())
    small, large = topic_with_posts(3), topic_with_posts(50)
    assert queries(client, small.get_absolute_url()) == queries(client, large.get_absolute_url())


def test_the_space_and_list_pages_issue_the_same_queries_for_few_and_many_topics(client):
    few, many = SpaceFactory(), SpaceFactory()
    TopicFactory(space=few)
    for _ in range(30):
        TopicFactory(space=many)
    assert queries(client, few.get_absolute_url()) == queries(client, many.get_absolute_url())
    before = queries(client, "/en/discussions/")
    for _ in range(10):
        SpaceFactory()
    assert queries(client, "/en/discussions/") == before


def test_a_topic_page_of_50_posts_weighs_under_40_kb_gzipped_with_its_css(client):
    client_for(client, representative())
    topic = topic_with_posts(50)
    response = client.get(topic.get_absolute_url())
    weight = gzipped(response.content) + gzipped(stylesheet())
    assert weight < 40 * 1024, weight
    assert b"<script" not in response.content
    assert response.content.count(b'class="post"') == 50


def test_topics_are_paginated_50_posts_a_page_and_a_permalink_finds_its_page(client):
    topic = topic_with_posts(60)
    first = client.get(topic.get_absolute_url()).content.decode()
    assert first.count('class="post"') == 50 and 'rel="next"' in first
    last = topic.posts.order_by("-created_at", "-pk").first()
    response = client.get(last.get_absolute_url())
    assert response.url == f"{topic.get_absolute_url()}?page=2#post-{last.pk}"


def test_pinned_topics_come_first(client):
    space = SpaceFactory()
    TopicFactory(space=space, title="Recent")
    TopicFactory(space=space, title="Pinned rules", pinned=True)
    titles = list(Topic.objects.filter(space=space).listed().values_list("title", flat=True))
    assert titles == ["Pinned rules", "Recent"]
    page = client.get(space.get_absolute_url()).content.decode()
    assert page.index("Pinned rules") < page.index("Recent")


def test_every_area_gets_a_space_and_the_demo_discussions_load(client):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    page = client.get("/es/discussions/").content.decode()
    assert "microfinanzas" in page.lower()
    assert page.count("<li>") >= 15  # 14 areas and the microfinance space
    consultation = client.get("/fr/consultations/mountain-ecotourism/").content.decode()
    assert 'lang="es"' in consultation and 'lang="fr"' in consultation
