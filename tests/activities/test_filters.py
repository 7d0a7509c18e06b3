"""The query-string filters of the activities, events and funding lists (activities/filters.py):
what each value selects, what it ignores, and how the form names it."""

import pytest
from django.utils import translation

from activities.filters import ActivityFilter, FundingFilter, geo_filter, theme_filter
from activities.models import Activity, FundingOpportunity
from members.models import Area, Member
from mountainpartnership.listing import IgnoringFilterSet
from tests.factories import ActivityFactory, AreaFactory, FundingOpportunityFactory, RegionFactory

pytestmark = pytest.mark.django_db


def titles(filterset):
    return sorted(activity.title_en for activity in filterset.qs)


@pytest.fixture
def areas():
    return {
        "water": AreaFactory(slug="water", kind=Area.Kind.THEMATIC, name_fr="Eau"),
        "andes": AreaFactory(slug="andes", kind=Area.Kind.GEOGRAPHIC, name_fr="Andes"),
    }


def probe_filterset():
    """A list with the shared area filters, made now (as each list's is when the site starts)."""

    class Probe(IgnoringFilterSet):
        theme = theme_filter()
        geo = geo_filter()

        class Meta:
            model = Activity
            fields = ["theme", "geo"]

    return Probe


def test_the_area_filters_take_an_area_of_their_kind_by_its_slug(areas):
    in_water = ActivityFactory(title_en="In water")
    in_water.areas.set([areas["water"]])
    in_andes = ActivityFactory(title_en="In the Andes")
    in_andes.areas.set([areas["andes"]])
    ActivityFactory(title_en="Nowhere")
    Probe = probe_filterset()
    everything = Activity.objects.all()
    assert titles(Probe({"theme": "water"}, queryset=everything)) == ["In water"]
    assert titles(Probe({"geo": "andes"}, queryset=everything)) == ["In the Andes"]
    # An area of the other kind, or a pk for a slug, is not a value of that filter.
    for data in [{"theme": "andes"}, {"geo": "water"}, {"theme": str(areas["water"].pk)}]:
        filterset = Probe(data, queryset=everything)
        assert len(filterset.qs) == 3
        assert [name for name, _value in filterset.ignored()] == list(data)


def test_the_area_filters_are_labelled_in_the_readers_language(areas):
    Probe = probe_filterset()
    with translation.override("fr"):
        form = Probe({}, queryset=Activity.objects.all()).form
        theme, geo = str(form["theme"]), str(form["geo"])
        assert form["theme"].label == "Domaine thématique"
        assert form["geo"].label == "Zone géographique"
    assert '<option value="" selected>Tous les domaines thématiques</option>' in theme
    assert '<option value="water">Eau</option>' in theme and "andes" not in theme
    assert '<option value="" selected>Toutes les zones géographiques</option>' in geo
    assert '<option value="andes">Andes</option>' in geo and "water" not in geo


def test_activities_are_found_by_words_in_their_title_summary_or_description():
    ActivityFactory(title_en="Alpine water", summary_en="Plain.", description_en="Plain.")
    ActivityFactory(title_en="Second", summary_en="About glaciers.", description_en="Plain.")
    ActivityFactory(title_en="Third", summary_en="Plain.", description_en="On terraces.")
    everything = Activity.objects.all()
    assert titles(ActivityFilter({"q": "alpine"}, queryset=everything)) == ["Alpine water"]
    assert titles(ActivityFilter({"q": "glaciers"}, queryset=everything)) == ["Second"]
    assert titles(ActivityFilter({"q": "terraces"}, queryset=everything)) == ["Third"]


def funding_titles(data):
    filterset = FundingFilter(data, queryset=FundingOpportunity.objects.all())
    return sorted(call.title_en for call in filterset.qs)


def test_funding_for_a_region_includes_calls_open_to_every_region():
    africa, europe = RegionFactory(slug="africa"), RegionFactory(slug="europe")
    FundingOpportunityFactory(title_en="Anywhere")  # no region named: every region
    FundingOpportunityFactory(title_en="Africa").regions.set([africa])
    FundingOpportunityFactory(title_en="Europe").regions.set([europe])
    FundingOpportunityFactory(title_en="Both").regions.set([africa, europe])
    assert funding_titles({"region": "africa"}) == ["Africa", "Anywhere", "Both"]
    assert funding_titles({"region": "europe"}) == ["Anywhere", "Both", "Europe"]
    assert funding_titles({}) == ["Africa", "Anywhere", "Both", "Europe"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Member.Type.GOVERNMENT, ["For all", "For governments"]),
        (Member.Type.IGO, ["For IGOs", "For all"]),
        (Member.Type.MAJOR_GROUP, ["For all", "For major groups"]),
    ],
)
def test_funding_for_a_type_of_member_is_the_calls_it_may_apply_to(kind, expected):
    off = {"for_governments": False, "for_igos": False, "for_major_groups": False}
    FundingOpportunityFactory(title_en="For governments", **{**off, "for_governments": True})
    FundingOpportunityFactory(title_en="For IGOs", **{**off, "for_igos": True})
    FundingOpportunityFactory(title_en="For major groups", **{**off, "for_major_groups": True})
    FundingOpportunityFactory(
        title_en="For all", for_governments=True, for_igos=True, for_major_groups=True
    )
    assert funding_titles({"type": kind}) == expected
