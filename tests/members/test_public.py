"""The public pages of the members app, in three languages, from the reader's side."""

import csv
import gzip
import html
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from members.models import Area, FocalPoint, Member
from tests.factories import AreaFactory, FocalPointFactory, MemberFactory, RegionFactory

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def listed_names(response):
    return [
        html.unescape(name)
        for name in re.findall(
            r'<li><a href="/\w\w/members/[\w-]+/"[^>]*>([^<]+)</a>', text(response)
        )
    ]


@pytest.fixture
def andes():
    return AreaFactory(kind=Area.Kind.GEOGRAPHIC, slug="andes", name_en="Andes", name_fr="Andes")


@pytest.fixture
def biodiversity():
    return AreaFactory(slug="biodiversity", name_en="Biodiversity", name_fr="Biodiversité")


def test_filters_combine_and_the_counts_follow_them(client, andes, biodiversity):
    europe = RegionFactory(slug="europe", name_en="Europe")
    latin = RegionFactory(slug="latin-america", name_en="Latin America")
    peru = MemberFactory(name_en="Government of Peru", region=latin)
    peru.areas.set([andes, biodiversity])
    condesan = MemberFactory(name_en="CONDESAN", major_group=True, region=latin)
    condesan.areas.set([andes])
    MemberFactory(name_en="Government of Italy", region=europe, country="IT").areas.set(
        [biodiversity]
    )
    MemberFactory(name_en="Gone", region=latin, status=Member.Status.WITHDRAWN).areas.set([andes])

    response = client.get("/en/members/", {"region": "latin-america", "geo": "andes"})
    assert listed_names(response) == ["CONDESAN", "Government of Peru"]
    assert "2 members: 1 Government, 0 intergovernmental organisations, 1 major group." in text(
        response
    )
    response = client.get(
        "/en/members/", {"region": "latin-america", "geo": "andes", "theme": "biodiversity"}
    )
    assert listed_names(response) == ["Government of Peru"]
    response = client.get("/en/members/", {"type": "major_group", "sector": "ngo"})
    assert listed_names(response) == ["CONDESAN"]
    response = client.get("/en/members/", {"country": "IT"})
    assert listed_names(response) == ["Government of Italy"]
    # The form shows the filters in force, so the view can be refined and shared.
    assert '<option value="latin-america" selected>' in text(
        client.get("/en/members/", {"region": "latin-america"})
    )


def test_search_ignores_accents_and_case_and_reads_the_active_language(client):
    MemberFactory(name_en="Government of Peru", name_es="Gobierno del Perú", country="PE")
    MemberFactory(
        name_en="Government of Ecuador", name_fr="Gouvernement de l'Équateur", country="EC"
    )
    MemberFactory(
        name_en="Mountain Forum", acronym="MF", description_en="A global network on mountains."
    )
    assert listed_names(client.get("/es/members/", {"q": "peru"})) == ["Gobierno del Perú"]
    assert listed_names(client.get("/fr/members/", {"q": "EQUATEUR"})) == [
        "Gouvernement de l'Équateur"
    ]
    assert listed_names(client.get("/en/members/", {"q": "global network"})) == ["Mountain Forum"]
    assert listed_names(client.get("/en/members/", {"q": "mf"})) == ["Mountain Forum"]


def test_directory_sorts_names_as_a_reader_expects_in_each_language(client):
    for en, fr in [
        ("Zambia", "Zambie"),
        ("Ecuador", "Équateur"),
        ("Spain", "Espagne"),
        ("Austria", "Autriche"),
        ("eastern network", "réseau de l'est"),
    ]:
        MemberFactory(name_en=en, name_fr=fr)
    assert listed_names(client.get("/fr/members/")) == [
        "Autriche",
        "Équateur",
        "Espagne",
        "réseau de l'est",
        "Zambie",
    ]
    assert listed_names(client.get("/en/members/")) == [
        "Austria",
        "eastern network",
        "Ecuador",
        "Spain",
        "Zambia",
    ]


def test_directory_pages_by_50_with_links_that_keep_the_filters(client):
    region = RegionFactory(slug="andes-region")
    MemberFactory.create_batch(120, region=region)
    first = client.get("/en/members/", {"region": "andes-region"})
    assert len(listed_names(first)) == 50
    assert 'href="?region=andes-region&amp;page=2" rel="next"' in text(first)
    third = client.get("/en/members/", {"region": "andes-region", "page": "3"})
    assert len(listed_names(third)) == 20
    assert 'href="?region=andes-region&amp;page=2" rel="prev"' in text(third)
    assert "Page 3 of 3" in text(third)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"type": "planet"}, "“planet” is not a known value for “Type”"),
        ({"region": "999"}, "“999” is not a known value for “Region”"),
        ({"theme": "<script>"}, "“&lt;script&gt;” is not a known value for “Thematic area”"),
        ({"country": "XX"}, "“XX” is not a known value for “Country”"),
        ({"page": "abc"}, "“abc” is not a page number: here is the first page."),
        ({"page": "-3"}, "There is no page -3: here is the first page."),
        ({"page": "99999"}, "There is no page 99999: here is the last page, 2."),
    ],
)
def test_bad_filter_values_are_ignored_and_said(client, query, notice):
    MemberFactory.create_batch(60)
    response = client.get("/en/members/", query)
    assert response.status_code == 200
    assert notice in text(response)
    assert len(listed_names(response)) in {50, 10}


def test_notices_speak_the_readers_language(client):
    MemberFactory()
    response = client.get("/fr/members/", {"type": "planet", "page": "abc"})
    page = html.unescape(text(response))
    assert "«\u202fplanet\u202f» n'est pas une valeur connue pour «\u202fType\u202f»" in page
    assert "«\u202fabc\u202f» n'est pas un numéro de page" in page


def test_member_page_shows_the_record_but_not_the_focal_points_contacts(client, andes):
    focal_point = FocalPointFactory(
        name="Ana Quispe",
        title_en="Programme coordinator",
        title_es="Coordinadora de programa",
        email="a.quispe@condesan.example.org",
        phone="+51 1 555 0142",
        member__name_en="CONDESAN",
        member__name_es="Consorcio",
        member__website="https://condesan.example.org/",
    )
    FocalPointFactory(member=focal_point.member, role=FocalPoint.Role.ALTERNATE, name="Alt Person")
    focal_point.member.areas.set([andes])
    page = text(client.get(f"/es/members/{focal_point.member.slug}/"))
    assert "<h1>Consorcio</h1>" in page
    assert "Ana Quispe, <span>Coordinadora de programa</span>" in page
    assert "https://condesan.example.org/" in page
    assert 'href="/es/areas/andes/"' in page
    assert "Perú" in page
    for private in ["a.quispe", "555 0142", "Alt Person"]:
        assert private not in page


def test_a_missing_translation_falls_back_to_english_with_a_note(client):
    member = MemberFactory(
        name_en="Mountain Forum",
        name_fr="",
        description_en="A global network.",
        description_fr="Un réseau mondial.",
        description_es="",
    )
    spanish = text(client.get(f"/es/members/{member.slug}/"))
    assert "Este texto aún no está disponible en español" in spanish
    assert '<div lang="en"><p>A global network.</p></div>' in spanish
    french = text(client.get(f"/fr/members/{member.slug}/"))
    assert "<p>Un réseau mondial.</p>" in french
    assert "pas encore disponible" not in french
    assert '<h1 lang="en">Mountain Forum</h1>' in french


def test_withdrawn_and_unknown_members_are_a_404_in_the_readers_language(client):
    gone = MemberFactory(status=Member.Status.WITHDRAWN)
    for slug in [gone.slug, "no-such-member", "x" * 300]:
        response = client.get(f"/fr/members/{slug}/")
        assert response.status_code == 404
        assert "Page introuvable" in text(response)
        assert '<html lang="fr">' in text(response)


def test_language_switcher_keeps_the_page_and_its_filters(client):
    member = MemberFactory()
    page = text(client.get("/en/members/", {"region": "europe", "q": "forêt"}))
    assert 'href="/es/members/?region=europe&amp;q=for%C3%AAt" hreflang="es"' in page
    assert (
        '<link rel="alternate" hreflang="fr" href="http://testserver/fr/members/?region=europe&amp;q=for%C3%AAt">'
        in page
    )
    assert 'hreflang="en"' not in page.split("</head>")[0]
    detail = text(client.get(f"/fr/members/{member.slug}/"))
    assert f'href="/es/members/{member.slug}/" hreflang="es" lang="es">Español</a>' in detail
    assert '<strong lang="fr" aria-current="true">Français</strong>' in detail
    missing = text(client.get("/es/members/nope/"))
    assert 'href="/fr/members/nope/" hreflang="fr"' in missing


def test_area_pages_list_leading_members_and_all_members(client, andes):
    leader = MemberFactory(name_en="CONDESAN")
    andes.leading_members.add(leader)
    leader.areas.add(andes)
    MemberFactory(name_en="Government of Bolivia").areas.add(andes)
    MemberFactory(name_en="Elsewhere")
    page = text(client.get("/en/areas/andes/"))
    assert "2 members in this area" in page
    assert "Elsewhere" not in page
    assert page.index("Leading members") < page.index("CONDESAN")
    assert 'href="/en/members/?geo=andes"' in page
    listing = text(client.get("/fr/areas/"))
    assert "Zones géographiques" in listing and "2 membres" in listing
    assert client.get("/en/areas/atlantis/").status_code == 404


def test_csv_download_follows_the_filters_and_leaves_out_contacts(client, andes):
    focal_point = FocalPointFactory(
        member__name_en="Government of Peru",
        member__name_fr="Gouvernement du Pérou",
        email="secret@example.org",
    )
    focal_point.member.areas.set([andes])
    MemberFactory(name_en="Government of Italy", country="IT")
    response = client.get("/fr/members/export.csv", {"geo": "andes"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Nom"
    assert [row[0] for row in rows[1:]] == ["Gouvernement du Pérou"]
    assert "Andes" in rows[1]
    assert "secret@example.org" not in response.content.decode()


def test_logos_are_lazy_and_sized(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "green").save(buffer, "PNG")
    member = MemberFactory(logo=SimpleUploadedFile("logo.png", buffer.getvalue()))
    page = text(client.get(f"/en/members/{member.slug}/"))
    assert re.search(
        # Smaller than the narrowest rendition: one, at its own width (never enlarged).
        r'<img src="/media/renditions/members/logos/logo\w*/\w+\.webp" srcset="[^" ]+ 120w" '
        r'sizes="[^"]+" width="120" height="60" loading="lazy" alt="Logo of [^"]+">',
        page,
    )


def test_home_page_gives_the_figures_by_type_and_region(client):
    europe = RegionFactory(slug="europe", name_en="Europe", name_fr="Europe")
    MemberFactory.create_batch(2, region=europe)
    MemberFactory(type=Member.Type.IGO)
    MemberFactory(major_group=True, status=Member.Status.WITHDRAWN)
    page = text(client.get("/fr/"))
    assert "3 membres" in page
    assert "2 Gouvernements" in page and "1 organisation intergouvernementale" in page
    assert '<a href="/fr/members/?region=europe">Europe\u202f: 2</a>' in page


# Query counts: fixed whatever the number of members.


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def populate(count, area):
    for _ in range(count):
        focal_point = FocalPointFactory()
        focal_point.member.areas.add(area)
        area.leading_members.add(focal_point.member)


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/members/",
        "/fr/members/?region=region-0&theme=biodiversity&q=member",
        "/en/members/export.csv",
        "/es/areas/",
        "/en/areas/biodiversity/",
    ],
)
def test_public_pages_issue_a_fixed_number_of_queries(client, biodiversity, url):
    RegionFactory(slug="region-0")
    populate(10, biodiversity)
    with_10 = count_queries(client, url)
    populate(190, biodiversity)
    assert count_queries(client, url) == with_10


def test_member_page_issues_a_fixed_number_of_queries(client, biodiversity, andes):
    focal_point = FocalPointFactory()
    focal_point.member.areas.set([biodiversity, andes])
    url = f"/en/members/{focal_point.member.slug}/"
    # The member with its region, its current focal point, its areas, its activities.
    assert count_queries(client, url) == 4


# Weight: what a reader on a slow connection downloads.


def gzipped(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def stylesheet() -> bytes:
    with open(finders.find("mountainpartnership/site.css"), "rb") as css:
        return css.read()


def test_directory_of_50_members_weighs_under_30_kb_gzipped_with_its_css(client, biodiversity):
    populate(60, biodiversity)
    for language in ["en", "fr", "es"]:
        response = client.get(f"/{language}/members/")
        assert len(listed_names(response)) == 50
        weight = gzipped(response.content) + gzipped(stylesheet())
        assert weight < 30 * 1024, (language, weight)


def test_home_page_weighs_under_20_kb_gzipped_with_its_css(client, biodiversity):
    populate(20, biodiversity)
    for language in ["en", "fr", "es"]:
        response = client.get(f"/{language}/")
        weight = gzipped(response.content) + gzipped(stylesheet())
        assert weight < 20 * 1024, (language, weight)


def test_pages_need_no_javascript_and_have_one_h1(client, biodiversity):
    populate(3, biodiversity)
    member = Member.objects.first()
    for url in [
        "/en/",
        "/fr/members/",
        f"/es/members/{member.slug}/",
        "/en/areas/",
        "/fr/areas/biodiversity/",
    ]:
        page = text(client.get(url))
        assert "<script" not in page
        assert page.count("<h1") == 1, url
        assert '<a class="skip" href="#main">' in page
        assert '<main id="main">' in page


def test_pages_are_sent_gzipped_to_browsers_that_accept_it(client, biodiversity):
    populate(60, biodiversity)
    response = client.get("/en/members/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    # 50 members and the map of members: about 10 KB where the plain page is over 40.
    assert len(response.content) < 12 * 1024
    plain = gzip.decompress(response.content)
    assert b"</html>" in plain and len(plain) > 3 * len(response.content)
