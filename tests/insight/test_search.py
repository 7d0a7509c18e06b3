"""Site search: per-language dictionaries, accents ignored, ranked, grouped, highlighted,
kept current on save, and never showing what the searcher may not read.

Every test here runs twice: on PostgreSQL (its text search) and on SQLite (FTS5, as
`make run` has it), through tests/test_sqlite.py."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions import services as discussions
from insight.models import SearchEntry
from insight.search import rebuild
from members.models import Member
from tests.discussions.conftest import client_for, old_account, representative
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    EventFactory,
    MemberFactory,
    NewsFactory,
    PostFactory,
    SpaceFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_too]


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run `make` and let the index catch up, as it does when the transaction commits."""

    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


def results(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def hits(page):
    """(link, title, excerpt) of each result listed, in order, as HTML."""
    found = []
    listed = page.split('role="status"', 1)[-1].split("</main>", 1)[0]  # not the footer's links
    for item in re.findall(r"<li>(.*?)</li>", listed, re.S):
        link = re.search(r'<a href="([^"]*)"[^>]*>(.*?)</a>', item, re.S)
        excerpt = re.search(r"<small[^>]*>(.*?)</small>", item, re.S)
        found.append((link[1], link[2], excerpt[1] if excerpt else ""))
    return found


def words(html):
    return re.findall(r"\w+", re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'"))


def test_french_search_ignores_accents_and_finds_each_kind(client, indexed):
    indexed(
        lambda: ActivityFactory(
            title_en="Ecotourism feasibility study",
            title_fr="Étude de faisabilité sur l'écotourisme",
            summary_fr="Des études de cas en Bolivie, en Colombie, en Équateur et au Pérou.",
        )
    )
    indexed(
        lambda: MemberFactory(
            name_en="Andean Tourism Network",
            name_fr="Réseau andin d'écotourisme communautaire",
            description_fr="Nous accompagnons les communautés.",
        )
    )
    page = results(client, "/fr/search/?q=écotourisme")
    assert "2 résultats" in page or "2 results" in page
    assert "Membres" in page or "Members" in page
    assert "<mark>écotourisme</mark>" in page
    # The same without its accents, and in another form of the word (stemming).
    assert "Réseau andin" in results(client, "/fr/search/?q=ecotourisme")
    assert "de faisabilité sur" in results(client, "/fr/search/?q=études écotourisme")
    # The English site searches the English texts, with the English dictionary.
    english = results(client, "/en/search/?q=ecotourism")
    assert "<mark>Ecotourism</mark> feasibility study" in english
    assert "Andean Tourism Network" not in english


def test_a_word_with_or_without_its_accents_finds_the_same(client, indexed):
    indexed(lambda: ActivityFactory(title_fr="Étude de faisabilité sur l'écotourisme"))
    indexed(lambda: MemberFactory(name_fr="Réseau andin d'écotourisme", country="BO"))
    indexed(lambda: EventFactory(title_fr="Atelier sur l'ECOTOURISME dans les Andes"))
    indexed(lambda: MemberFactory(name_es="Gobierno del Perú"))
    accented = results(client, "/fr/search/?q=écotourisme")
    assert "3 résultats" in accented
    for query in ["ecotourisme", "ÉCOTOURISME", "Ecotourisme"]:
        assert hits(results(client, f"/fr/search/?q={query}")) == hits(accented)
    assert len(hits(results(client, "/es/search/?q=peru"))) == 1
    assert hits(results(client, "/es/search/?q=peru")) == hits(
        results(client, "/es/search/?q=Perú")
    )


def test_excerpts_are_whole_words_with_the_matches_marked_and_nothing_repeated(client, indexed):
    description = (
        "Peru hosted the second global meeting of Mountain Partnership members in Cusco in "
        "October 2004 and coordinates the Andean regional initiative. Its highlands are home "
        "to millions of farmers and herders who depend on glacier-fed water, and its "
        "ministries work with neighbouring countries on watershed management, agrobiodiversity "
        "and mountain ecotourism, with a particular interest in camelid herding."
    )
    indexed(
        lambda: MemberFactory(
            name_en="Government of Peru", country="PE", acronym="", description_en=description
        )
    )
    [(_link, title, excerpt)] = hits(results(client, "/en/search/?q=Peru"))
    assert title == "Government of <mark>Peru</mark>"
    assert "<mark>Peru</mark> hosted the second" in excerpt
    assert set(words(excerpt)) <= set(words(description)), "a word cut in two"
    assert not re.search(r"\b(\w+)\W+\1\b", " ".join(words(excerpt))), excerpt
    # Deep in the text: the excerpt is taken around the match, not from the start.
    [(_link, _title, excerpt)] = hits(results(client, "/en/search/?q=camelid"))
    assert "<mark>camelid</mark> herding" in excerpt
    assert set(words(excerpt)) <= set(words(description))
    # Found by its country too, which the excerpt does not repeat before the text.
    indexed(
        lambda: MemberFactory(
            name_en="International Potato Center",
            country="PE",
            acronym="CIP",
            description_en="The genebank of potato in Lima.",
        )
    )
    [(_link, _title, excerpt)] = hits(results(client, "/en/search/?q=potato peru"))
    assert excerpt == "The genebank of <mark>potato</mark> in Lima."


def test_a_topic_with_several_matching_posts_is_listed_once(client, indexed):
    space = SpaceFactory()
    wool = TopicFactory(space=space, title="Yak wool cooperatives")
    budget = TopicFactory(space=space, title="Budget of the herders' union")
    for body in [
        "Yak wool prices are up.",
        "Our yak herders sell wool.",
        "Yak cheese too.",
        "Yaks again.",
    ]:
        indexed(lambda body=body: PostFactory(topic=wool, body=body))
    best = indexed(lambda: PostFactory(topic=budget, body="A yak costs more than a sheep."))
    page = results(client, "/en/search/?q=yak")
    assert "2 results" in page
    found = hits(page)
    assert [title for _link, title, _excerpt in found].count(
        "<mark>Yak</mark> wool cooperatives"
    ) == 1
    assert f"/en/discussions/posts/{best.pk}/" in [link for link, _t, _e in found]
    # Matched by its title, a topic is still one result.
    assert len(hits(results(client, "/en/search/?q=cooperatives"))) == 1
    only_topics = results(client, "/en/search/?q=yak&kind=post")
    assert len(hits(only_topics)) == 2 and "2 results" in only_topics


def test_quotes_or_and_minus_work_as_in_a_web_search(client, indexed):
    space = SpaceFactory()
    indexed(
        lambda: PostFactory(
            topic=TopicFactory(space=space, title="Prices"), body="Wool prices are up."
        )
    )
    indexed(
        lambda: PostFactory(
            topic=TopicFactory(space=space, title="Costs"), body="Prices of wool fell."
        )
    )
    indexed(
        lambda: PostFactory(topic=TopicFactory(space=space, title="Cheese"), body="Cheese prices.")
    )
    assert len(hits(results(client, "/en/search/?q=wool prices"))) == 2
    assert len(hits(results(client, '/en/search/?q="wool prices"'))) == 1
    assert len(hits(results(client, "/en/search/?q=prices -wool"))) == 1
    assert len(hits(results(client, "/en/search/?q=cheese or fell"))) == 2


def test_the_index_follows_saves_and_deletes(client, indexed):
    member = indexed(lambda: MemberFactory(name_en="Himalayan Beekeepers"))
    assert "Himalayan <mark>Beekeepers</mark>" in results(client, "/en/search/?q=beekeepers")
    member.name_en = "Himalayan Honey Producers"
    indexed(lambda: member.save())
    assert "0 results" in results(client, "/en/search/?q=beekeepers")
    assert "Producers" in results(client, "/en/search/?q=honey")
    member.status = Member.Status.WITHDRAWN
    member.left_on = member.date_joined.replace(year=2020)
    indexed(lambda: member.save())
    assert "Producers" not in results(client, "/en/search/?q=honey")
    area = indexed(lambda: AreaFactory(name_en="Glacier monitoring"))
    area.delete()
    assert not SearchEntry.objects.filter(title="Glacier monitoring").exists()


def test_drafts_hidden_posts_and_members_only_spaces_stay_out_of_reach(client, indexed):
    indexed(lambda: NewsFactory(title_en="Secret yak draft", status="draft"))
    open_topic = TopicFactory(space=SpaceFactory(), title="Yak wool cooperatives")
    closed_topic = TopicFactory(space=SpaceFactory(read_access="members"), title="Yak budget")
    indexed(lambda: PostFactory(topic=open_topic, body="Yak wool prices are up."))
    indexed(lambda: PostFactory(topic=closed_topic, body="Yak budget for members only."))
    hidden = indexed(lambda: PostFactory(topic=open_topic, body="Yak spam"))
    hidden.moderation = "hidden"
    hidden.moderation_reason = "Spam"
    indexed(lambda: hidden.save())
    anonymous = results(client, "/en/search/?q=yak")
    assert "wool cooperatives" in anonymous
    assert "draft" not in anonymous
    assert "budget" not in anonymous and "spam" not in anonymous
    client_for(client, representative())
    assert "budget" in results(client, "/en/search/?q=yak")


def test_a_post_is_found_from_any_language_and_links_in_the_readers(client, indexed):
    topic = TopicFactory(space=SpaceFactory(), title="Microfinanzas en Cajamarca")
    post = indexed(
        lambda: discussions.reply_post(
            topic=topic,
            user=old_account(representative()),
            body="Los productores de leche necesitan créditos.",
            language="es",
        )
    )
    page = results(client, "/fr/search/?q=créditos")
    assert f'href="/fr/discussions/posts/{post.pk}/"' in page and 'lang="es"' in page


def test_results_are_grouped_ranked_and_paginated_by_kind(client, indexed):
    for number in range(27):
        indexed(lambda number=number: MemberFactory(name_en=f"Watershed trust {number}"))
    indexed(lambda: ActivityFactory(title_en="Watershed management in the Andes"))
    page = results(client, "/en/search/?q=watershed")
    assert "28 results" in page
    assert page.count("<li>") >= 6 and "All 27 in Members" in page
    first = results(client, "/en/search/?q=watershed&kind=member")
    assert first.count('<a href="/en/members/member-') == 20
    assert 'href="?q=watershed&amp;kind=member&amp;page=2" rel="next"' in first
    second = results(client, "/en/search/?q=watershed&kind=member&page=2")
    assert second.count('<a href="/en/members/member-') == 7


def test_a_search_costs_the_same_queries_for_few_and_many_matches(client, indexed):
    indexed(lambda: MemberFactory(name_en="Quinoa growers"))
    with CaptureQueriesContext(connection) as few:
        results(client, "/en/search/?q=quinoa")
    for number in range(30):
        indexed(lambda number=number: MemberFactory(name_en=f"Quinoa union {number}"))
    with CaptureQueriesContext(connection) as many:
        results(client, "/en/search/?q=quinoa")
    assert len(few) == len(many) <= 4


@pytest.mark.parametrize(
    "query",
    [
        "?q=",
        "?q=%20%20",
        "?q=x&kind=planet",
        "?q=x&page=abc",
        "?q=x&page=-1",
        "?q=" + "a" * 500,
        "?q=%22unclosed",
        "?q=a%20%26%20b%20%7C%20!c%20%3C-%3E%20d",
        "?q=<script>alert(1)</script>",
        "?q=title:x",
        "?q=NEAR(a%20b)",
        "?q=a*%20^b%20%2Bc",
        "?q=%22a%22%20AND",
        "?q=-",
        "?q=or",
        "?q=-x%20-y",
        "?q=%00",
        "?q=%E2%80%9C%C3%A9%E2%80%9D",
    ],
)
def test_anything_typed_gets_a_page_not_an_error(client, query):
    response = client.get(f"/es/search/{query}")
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def test_rebuild_writes_the_same_index(client, indexed):
    indexed(lambda: MemberFactory(name_en="Alpine shepherds"))
    before = sorted(SearchEntry.objects.values_list("kind", "language", "title"))
    assert rebuild() == len(before)
    assert sorted(SearchEntry.objects.values_list("kind", "language", "title")) == before
    assert "Alpine <mark>shepherds</mark>" in results(client, "/en/search/?q=shepherds")
