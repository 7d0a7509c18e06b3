"""Pictures of news, activities and events, uploaded in the admin and resized at upload, and
the cards that show news, events and funding calls."""

import datetime
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, features

from activities.models import News
from members.models import Area
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    EventFactory,
    FundingOpportunityFactory,
    MemberFactory,
    NewsFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

ALT = {
    "picture_alt_en": "Terraced fields below a snowy peak",
    "picture_alt_fr": "Des cultures en terrasses sous un sommet enneigé",
    "picture_alt_es": "Cultivos en terrazas bajo un pico nevado",
}


def image_upload(width, height, fmt="PNG", name="terraces.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "olive").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def renditions_on_disk(media_root):
    """{format: sorted widths} of the files written under media/renditions/."""
    found = {}
    for path in (media_root / "renditions").rglob("*.*"):
        with Image.open(path) as image:
            found.setdefault(image.format, []).append(image.size)
    return {fmt: sorted(sizes) for fmt, sizes in found.items()}


def news_admin_data(**extra):
    return {
        "slug": "terraces",
        "status": News.Status.PUBLISHED,
        "published_at_0": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "published_at_1": "10:00:00",
        "title_en": "Terraces restored",
        "summary_en": "Farmers restored the terraces of the valley.",
        "body_en": "The whole story.",
        **extra,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


FORMATS = ["WEBP", "AVIF"] if features.check("avif") else ["WEBP"]


@pytest.mark.parametrize(
    "width, widths",
    [
        (1200, [320, 640, 960]),
        # Never enlarged: the original's own width stands in for the wider ones.
        (700, [320, 640, 700]),
        (200, [200]),
    ],
)
def test_a_picture_uploaded_in_the_admin_is_resized_at_upload_never_enlarged(
    secretariat_client, media, width, widths
):
    response = secretariat_client.post(
        reverse("admin:activities_news_add"),
        news_admin_data(picture=image_upload(width, width // 2), **ALT),
    )
    assert response.status_code == 302, html.unescape(response.content.decode())[-3000:]
    news = News.objects.get()
    assert (news.picture_width, news.picture_height) == (width, width // 2)
    expected = [(w, w // 2) for w in widths]
    assert renditions_on_disk(media) == dict.fromkeys(FORMATS, expected)


def test_a_file_saved_again_under_its_name_has_its_renditions_written_in_place(media):
    # The demo loaded a second time keeps its drawn files: the records saved again with the
    # same file name write their renditions where they were, not beside them under new names.
    first = NewsFactory(slug="first", picture=image_upload(700, 350), **ALT)
    before = sorted(path.name for path in (media / "renditions").rglob("*.*"))
    NewsFactory(slug="second", picture=first.picture.name, **ALT)
    assert sorted(path.name for path in (media / "renditions").rglob("*.*")) == before
    assert renditions_on_disk(media) == dict.fromkeys(FORMATS, [(320, 160), (640, 320), (700, 350)])


def test_the_page_names_the_renditions_lazy_sized_and_described_in_the_readers_language(
    client, media
):
    news = NewsFactory(title_en="Terraces", picture=image_upload(1200, 600), **ALT)
    with translation.override("fr"):
        page = html.unescape(client.get(f"/fr/news/{news.slug}/").content.decode())
    img = re.search(r"<picture[^>]*>(.*?)<img ([^>]*)></picture>", page)
    assert img, page
    sources, attributes = img.groups()
    srcset = re.search(r'srcset="([^"]+)"', attributes).group(1)
    assert [item.split()[1] for item in srcset.split(", ")] == ["320w", "640w", "960w"]
    assert 'sizes="' in attributes and 'loading="lazy"' in attributes
    assert 'width="960" height="480"' in attributes
    assert f'alt="{ALT["picture_alt_fr"]}"' in attributes
    if "AVIF" in FORMATS:
        assert '<source type="image/avif" srcset="' in sources
    # Each file the page names is served, as what it is.
    for url in [item.split()[0] for item in srcset.split(", ")]:
        served = client.get(url)
        assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    avif = re.search(r'<source type="image/avif" srcset="([^ ]+) ', sources)
    if avif:
        assert client.get(avif.group(1))["Content-Type"] == "image/avif"
    # A post without a picture shows none, and no empty <picture>.
    bare = NewsFactory(title_en="Words only")
    assert "<picture" not in client.get(f"/en/news/{bare.slug}/").content.decode()


@pytest.mark.parametrize("missing", ["picture_alt_en", "picture_alt_fr", "picture_alt_es"])
def test_a_picture_without_its_text_in_every_language_is_refused_and_nothing_saved(
    secretariat_client, media, missing
):
    response = secretariat_client.post(
        reverse("admin:activities_news_add"),
        news_admin_data(picture=image_upload(800, 400), **{**ALT, missing: "  "}),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors[missing] == ["Describe the picture in this language too."]
    assert list(form.errors) == [missing]
    assert not News.objects.exists()
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize("factory", [ActivityFactory, EventFactory, NewsFactory])
def test_every_pictured_record_needs_the_text_in_three_languages(media, factory):
    record = factory.build(picture=image_upload(400, 200), picture_alt_en="A valley")
    with pytest.raises(ValidationError) as refused, translation.override("es"):
        record.full_clean(exclude=["slug"])
    assert set(refused.value.message_dict) >= {"picture_alt_fr", "picture_alt_es"}
    assert "picture_alt_en" not in refused.value.message_dict
    record.picture_alt_fr, record.picture_alt_es = "Une vallée", "Un valle"
    record.full_clean(exclude=["slug"])
    # Without a picture, no text is needed.
    factory.build().full_clean(exclude=["slug"])


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: image_upload(300, 200, fmt="GIF", name="a.gif"), "PNG, JPEG or WebP"),
        (
            lambda: SimpleUploadedFile("a.png", b"<?php echo 1; ?>", content_type="image/png"),
            "Upload a valid image",
        ),
    ],
)
def test_what_is_not_a_picture_is_refused_with_a_message(
    secretariat_client, media, upload, message
):
    response = secretariat_client.post(
        reverse("admin:activities_news_add"), news_admin_data(picture=upload(), **ALT)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["picture"])
    assert not News.objects.exists()


def test_pictures_too_large_in_bytes_are_refused(secretariat_client, media, settings):
    settings.PICTURE_MAX_BYTES = 100
    response = secretariat_client.post(
        reverse("admin:activities_news_add"),
        news_admin_data(picture=image_upload(300, 200), **ALT),
    )
    assert response.status_code == 200
    assert "too large" in " ".join(response.context["adminform"].form.errors["picture"])


def test_member_logos_are_resized_and_shown_with_the_one_picture_template(client, media):
    member = MemberFactory(name_en="Government of Peru", logo=image_upload(1000, 500))
    MemberFactory(name_en="No logo")
    assert renditions_on_disk(media) == dict.fromkeys(FORMATS, [(160, 80), (320, 160)])
    for url in [f"/en/members/{member.slug}/", "/en/members/"]:
        page = html.unescape(client.get(url).content.decode())
        assert re.search(
            r'<img src="/media/renditions/members/logos/[^"]+\.webp" srcset="[^"]+ 160w, [^"]+ 320w" '
            r'sizes="[^"]+" width="320" height="160" loading="lazy" alt="Logo of Government of Peru">',
            page,
        ), url
        assert page.count("<picture") == 1


# Cards.


def card_texts(page):
    """The text of each card, tags and all."""
    return [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", card))).strip()
        for card in re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    ]


def test_home_shows_events_news_and_funding_calls_as_cards(client, media):
    andes = AreaFactory(kind=Area.Kind.GEOGRAPHIC, name_en="Andes", name_fr="Andes")
    EventFactory(
        title_en="Ecotourism workshop",
        title_fr="Atelier d’écotourisme",
        description_fr="Trois jours à La Paz pour " + "parler de tourisme " * 30,
        starts_at=datetime.datetime(2031, 3, 10, 13, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2031, 3, 10, 21, 0, tzinfo=datetime.UTC),
    )
    news = NewsFactory(
        title_en="Terraces restored",
        summary_fr="Les paysans ont restauré les terrasses.",
        picture=image_upload(800, 400),
        **ALT,
    )
    news.areas.add(andes)
    FundingOpportunityFactory(
        title_en="Small grants",
        donor_en="A foundation",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        for_major_groups=True,
    ).regions.add(RegionFactory(name_en="Africa", name_fr="Afrique"))
    page = client.get("/fr/").content.decode()
    cards = card_texts(page)
    assert len(cards) == 3, cards
    event, post, call = cards
    assert event.startswith("Atelier d’écotourisme 10 mars 2031 · La Paz, Bolivie Atelier Trois")
    assert event.endswith("…") and len(event.split()) < 40  # the description, cut short
    assert "Andes" in post and "Les paysans ont restauré les terrasses." in post
    assert ALT["picture_alt_fr"] in page
    assert "Small grants" in call and "Grand groupe" in call and "Afrique" in call
    assert page.count('class="tag"') == 4  # the event's kind, the area, the type, the region


@pytest.mark.parametrize("url", ["/en/events/", "/en/news/", "/en/funding/"])
def test_the_lists_are_cards_with_their_date(client, url):
    EventFactory(title_en="Ecotourism workshop", city="Cusco", country="PE")
    NewsFactory(title_en="Terraces restored")
    FundingOpportunityFactory(
        title_en="Small grants", deadline=timezone.localdate() + datetime.timedelta(days=30)
    )
    page = client.get(url).content.decode()
    cards = card_texts(page)
    assert len(cards) == 1
    assert re.search(r"\d{4}", cards[0])  # a date
    assert '<ol class="cards">' in page


def test_an_event_of_several_days_shows_its_last_day_too(client):
    # Four weeks of e-consultation, begun before today: still "upcoming" on the home page,
    # so its card says until when. The days are those of its own zone (Rome: UTC+1).
    EventFactory(
        title_en="Water from the mountains",
        timezone="Europe/Rome",
        starts_at=timezone.now() - datetime.timedelta(days=12),
        ends_at=datetime.datetime(2031, 3, 9, 23, 30, tzinfo=datetime.UTC),
    )
    EventFactory(
        title_en="One-day webinar",
        starts_at=datetime.datetime(2031, 3, 10, 13, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2031, 3, 10, 15, 0, tzinfo=datetime.UTC),
    )
    for url in ["/en/", "/en/events/"]:
        cards = card_texts(client.get(url).content.decode())
        several = next(card for card in cards if card.startswith("Water"))
        assert " – 10 March 2031 · " in several, several
        single = next(card for card in cards if card.startswith("One-day"))
        assert "10 March 2031 · " in single and " – " not in single, single
