"""The admin's search boxes ignore accents and case, as the public search does: "Perou"
finds "Pérou", "bogota" finds "Bogotá". On PostgreSQL and SQLite alike (tests/test_sqlite.py)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from mountainpartnership.admin import AccentInsensitiveSearch
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    EventFactory,
    FocalPointFactory,
    MemberFactory,
    MembershipApplicationFactory,
    NewsFactory,
    PostFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_too]


PORTAL_APPS = {
    "mountainpartnership",
    "members",
    "activities",
    "newsletter",
    "discussions",
    "insight",
}


def changelist(client, model, query):
    """The rows of the admin's list of `model` found by `query`, as HTML."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    if 'id="result_list"' not in content:
        return ""
    return content.split('id="result_list"', 1)[1].split("</table>", 1)[0]


def portal_admins():
    return [
        model_admin
        for model_admin in admin.site._registry.values()
        if type(model_admin).__module__.split(".")[0] in PORTAL_APPS
    ]


def test_every_admin_with_a_search_box_ignores_accents():
    searching = [model_admin for model_admin in portal_admins() if model_admin.search_fields]
    assert len(searching) >= 15
    plain = [
        type(model_admin).__name__
        for model_admin in searching
        if not isinstance(model_admin, AccentInsensitiveSearch)
    ]
    assert plain == []


def test_perou_finds_peru_by_its_names_and_its_country(secretariat_client):
    peru = MemberFactory(name_en="Government of Peru", name_fr="Gouvernement du Pérou")
    MemberFactory(name_en="International Potato Center", acronym="CIP", country="PE")
    MemberFactory(name_en="Government of Nepal", country="NP")
    content = changelist(secretariat_client, type(peru), "Perou")
    assert "Government of Peru" in content
    # Its country is Peru, "Pérou" in French.
    assert "International Potato Center" in content
    assert "Government of Nepal" not in content
    content = changelist(secretariat_client, type(peru), "GOUVERNEMENT DU PEROU")
    assert "Government of Peru" in content and "International Potato" not in content


def test_a_country_is_found_by_its_name_in_any_language_without_accents(secretariat_client):
    MemberFactory(name_en="Ministry of Environment", country="EC")
    MemberFactory(name_en="Ministry of Forests", country="NP")
    for query in ["Equateur", "équateur", "ecuador"]:
        content = changelist(secretariat_client, MemberFactory._meta.model, query)
        assert "Ministry of Environment" in content, query
        assert "Ministry of Forests" not in content, query


@pytest.mark.parametrize(
    ("make", "query"),
    [
        (lambda: AreaFactory(name_en="Andes", name_es="Los Andes de Bolivia y Perú"), "peru"),
        (lambda: ActivityFactory(title_fr="Étude de faisabilité"), "etude"),
        (lambda: EventFactory(title_en="Andean gathering", city="Bogotá"), "BOGOTA"),
        (lambda: NewsFactory(title_en="Report", title_es="Informe de la reunión"), "reunion"),
        (lambda: FocalPointFactory(name="Rosa Huamán"), "huaman"),
        (lambda: MembershipApplicationFactory(name="Asociación Quechua"), "asociacion"),
        (lambda: TopicFactory(title="Café de altura"), "cafe"),
        (lambda: PostFactory(body="Les éleveurs de lamas"), "eleveurs"),
    ],
)
def test_each_admins_search_ignores_accents_and_case(secretariat_client, make, query):
    obj = make()
    shown = escape(str(obj))
    assert shown in changelist(secretariat_client, type(obj), query)
    # Still a search: what does not match stays out.
    assert shown not in changelist(secretariat_client, type(obj), "zzz")


def test_wildcards_typed_in_a_search_are_plain_characters(secretariat_client):
    MemberFactory(name_en="Government of Peru")
    MemberFactory(name_en="100% Andean")
    for query, found in [("%", "100% Andean"), ("_", None)]:
        content = changelist(secretariat_client, MemberFactory._meta.model, query)
        assert "Government of Peru" not in content
        if found:
            assert found in content
