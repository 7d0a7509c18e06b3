"""The map of members on the home page, the directory and the area pages."""

import html
import re

import pytest
from django.core.management import call_command

from members.models import Area, Member
from mountainpartnership.worldmap import geometry, mainlands
from tests.factories import AreaFactory, MemberFactory, RegionFactory
from tests.members.test_public import count_queries, gzipped, listed_names, stylesheet, text

pytestmark = pytest.mark.django_db

LINKED_COUNTRY = re.compile(
    r'<a href="([^"]+)"><title>([^<]+)</title><(?:path|circle) class="m(\d)"'
)
TABLE_ROW = re.compile(r'<tr><td><a href="([^"]+)">([^<]+)</a></td><td>(\d+)</td></tr>')


def linked_countries(page: str) -> dict[str, tuple[str, str, int]]:
    """Country code → (link, title, shading step) for each country the map links."""
    found = {}
    for link, title, shade in LINKED_COUNTRY.findall(page):
        link = html.unescape(link)
        found[link.rsplit("country=", 1)[1]] = (link, html.unescape(title), int(shade))
    return found


def table(page: str) -> dict[str, tuple[str, int]]:
    """Country name → (link, count), from the table beside the map."""
    return {
        html.unescape(name): (html.unescape(link), int(count))
        for link, name, count in TABLE_ROW.findall(page)
    }


def test_the_home_map_shades_each_country_by_its_members_and_links_to_its_directory(client):
    peru = MemberFactory.create_batch(1, country="PE")
    bolivia = MemberFactory.create_batch(3, country="BO")
    italy = MemberFactory.create_batch(5, country="IT", major_group=True)
    MemberFactory(country="CH", status=Member.Status.WITHDRAWN)
    MemberFactory.create_batch(2, country="AD")  # too small to draw: a dot
    page = text(client.get("/en/"))

    assert "<h2>Members around the world</h2>" in page
    # Every country of the geometry is drawn, once; those with members link to the directory.
    for code, path in geometry()["countries"].items():
        assert page.count(f'd="{path}"') == 1, code
    assert linked_countries(page) == {
        "PE": ("/en/members/?country=PE", "Peru: 1 member", 1),
        "BO": ("/en/members/?country=BO", "Bolivia: 3 members", 2),
        "IT": ("/en/members/?country=IT", "Italy: 5 members", 3),
        "AD": ("/en/members/?country=AD", "Andorra: 2 members", 2),
    }
    assert table(page) == {
        "Andorra": ("/en/members/?country=AD", 2),
        "Bolivia": ("/en/members/?country=BO", 3),
        "Italy": ("/en/members/?country=IT", 5),
        "Peru": ("/en/members/?country=PE", 1),
    }
    # Each link opens the directory with exactly that country's members.
    for members, (link, _, _) in [
        (peru, linked_countries(page)["PE"]),
        (bolivia, linked_countries(page)["BO"]),
        (italy, linked_countries(page)["IT"]),
    ]:
        assert sorted(listed_names(client.get(link))) == sorted(m.name for m in members)


def test_the_map_speaks_the_readers_language(client):
    MemberFactory.create_batch(10, country="PE")
    page = text(client.get("/fr/"))
    assert linked_countries(page)["PE"] == ("/fr/members/?country=PE", "Pérou\u202f: 10 membres", 4)
    assert "<h2>Les membres dans le monde</h2>" in page and "10 membres ou plus" in page
    assert 'aria-label="Carte des membres par pays"' in page


def test_the_directory_map_follows_the_filters_and_its_links_keep_them(client):
    governments = MemberFactory.create_batch(2, country="PE")
    MemberFactory(country="PE", major_group=True)
    MemberFactory(country="IT", major_group=True)
    page = text(client.get("/en/members/", {"type": "government", "page": "1", "country": "IT"}))
    assert linked_countries(page) == {}  # no Italian government
    page = text(client.get("/en/members/", {"type": "government", "page": "1"}))
    link, title, _ = linked_countries(page)["PE"]
    assert link == "/en/members/?type=government&country=PE" and title == "Peru: 2 members"
    assert set(linked_countries(page)) == {"PE"}
    assert sorted(listed_names(client.get(link))) == sorted(m.name for m in governments)


def test_an_area_page_highlights_the_members_of_the_area(client):
    andes = AreaFactory(kind=Area.Kind.GEOGRAPHIC, slug="andes", name_en="Andes")
    peru, bolivia = MemberFactory(country="PE"), MemberFactory(country="BO")
    peru.areas.set([andes])
    bolivia.areas.set([andes])
    MemberFactory(country="IT")  # elsewhere: grey on the Andes' map
    page = text(client.get("/en/areas/andes/"))
    assert linked_countries(page) == {
        "BO": ("/en/members/?geo=andes&country=BO", "Bolivia: 1 member", 1),
        "PE": ("/en/members/?geo=andes&country=PE", "Peru: 1 member", 1),
    }
    assert f'<path d="{geometry()["countries"]["IT"]}"/>' in page
    assert listed_names(client.get("/en/members/?geo=andes&country=PE")) == [peru.name]


def view_box(page: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.search(r'<svg viewBox="([\d ]+)"', page)[1].split())


def inside(box: tuple[int, ...], frame: tuple[int, ...]) -> bool:
    x0, y0, x1, y1 = box
    x, y, w, h = frame
    return x <= x0 and y <= y0 and x1 <= x + w and y1 <= y + h


def test_a_geographic_area_map_zooms_on_the_region_most_of_its_members_are_in(client):
    andes = AreaFactory(kind=Area.Kind.GEOGRAPHIC, slug="andes", name_en="Andes")
    latin_america, europe = RegionFactory(), RegionFactory()
    for country in ["PE", "PE", "BO", "CL"]:
        MemberFactory(country=country, region=latin_america).areas.set([andes])
    MemberFactory(country="CH", region=europe).areas.set([andes])  # a partner from afar
    page = text(client.get("/en/areas/andes/"))
    frame = view_box(page)
    assert frame[2] < 400 and all(inside(mainlands()[c], frame) for c in ["PE", "BO", "CL"])
    assert not inside(mainlands()["CH"], frame)
    assert "country=CH" in page  # still shaded and linked, off the frame
    # A thematic area is worldwide: the whole map.
    water = AreaFactory(slug="water")
    for country in ["PE", "NP"]:
        MemberFactory(country=country, region=latin_america).areas.set([water])
    assert view_box(text(client.get("/en/areas/water/"))) == (0, 0, 1000, 439)


@pytest.mark.parametrize(
    ("url", "queries"),
    # The page's queries before the map, and one more: the members counted by country.
    [("/en/", 5 + 1), ("/en/members/", 6 + 1), ("/en/areas/andes/", 5 + 1)],
)
def test_the_map_costs_its_page_one_query(client, url, queries):
    andes = AreaFactory(kind=Area.Kind.GEOGRAPHIC, slug="andes", name_en="Andes")
    for country in ["PE", "BO", "IT", "NP", "KG"]:
        MemberFactory(country=country).areas.set([andes])
    assert count_queries(client, url) == queries


def test_pages_with_the_map_keep_to_their_weight_with_the_demo(client):
    call_command("loaddemo", verbosity=0)
    css = gzipped(stylesheet())
    for language in ["en", "fr", "es"]:
        for url, budget in [
            (f"/{language}/", 45),
            (f"/{language}/members/", 30),
            (f"/{language}/areas/andes/", 30),
        ]:
            page = client.get(url).content
            assert len(LINKED_COUNTRY.findall(page.decode())) > 5, url
            assert gzipped(page) + css < budget * 1024, (url, gzipped(page) + css)
