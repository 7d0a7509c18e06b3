"""A picture uploaded through the real admin, then seen on a phone: resized, lazy, described
in the reader's language, never wider than the screen."""

import pytest
from PIL import Image

from activities.models import News
from tests.browser.test_accessibility import audit
from tests.factories import EventFactory, FundingOpportunityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_uploads_a_picture_a_phone_shows_in_its_language(
    admin_page, new_page, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path / "media"
    picture = tmp_path / "valley.jpg"
    Image.new("RGB", (1500, 1000), "seagreen").save(picture, "JPEG")
    page = admin_page
    page.goto("/admin/activities/news/add/")
    page.fill('input[name="slug"]', "valley")
    page.select_option('select[name="status"]', "published")
    page.fill('input[name="title_en"]', "A valley restored")
    page.fill('input[name="summary_en"]', "The valley's terraces are farmed again.")
    page.fill('textarea[name="body_en"]', "The whole story.")
    page.set_input_files('input[name="picture"]', str(picture))
    page.fill('input[name="picture_alt_en"]', "Green terraces in a valley")
    page.locator('input[name="_save"]').click()
    # English alone is not enough: refused, with the message by the two empty fields.
    page.locator(".errornote").wait_for()
    assert (
        page.locator(".errorlist").all_inner_texts()
        == ["Describe the picture in this language too."] * 2
    )
    assert not News.objects.exists()
    page.set_input_files('input[name="picture"]', str(picture))
    page.fill('input[name="picture_alt_fr"]', "Des terrasses vertes dans une vallée")
    page.fill('input[name="picture_alt_es"]', "Terrazas verdes en un valle")
    page.locator('input[name="_save"]').click()
    page.wait_for_url("**/admin/activities/news/")
    assert News.objects.get().picture_width == 1500

    phone = new_page(locale="es-ES", width=320, height=640, javascript=True)
    for url in ["/es/news/valley/", "/es/news/", "/es/"]:
        phone.goto(url)
        img = phone.locator("picture img").first
        img.scroll_into_view_if_needed()
        phone.wait_for_function("() => document.querySelector('picture img').complete")
        assert img.get_attribute("alt") == "Terrazas verdes en un valle"
        assert img.get_attribute("loading") == "lazy"
        loaded = img.evaluate(
            "i => [i.currentSrc, i.naturalWidth, i.getBoundingClientRect().right]"
        )
        source, natural_width, right = loaded
        assert source.endswith((".avif", ".webp")) and "/renditions/" in source, loaded
        # A 320 px screen gets a rendition narrower than the 1500 px original.
        assert 0 < natural_width <= 960 and right <= 320, (url, loaded)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 320, url
    screenshot(phone, "home-cards-es-320px")
    # The cards of every kind, on a phone: nothing wider than the screen, nothing axe-core
    # finds serious.
    EventFactory(title_en="Ecotourism workshop", description_en="Three days in La Paz.")
    FundingOpportunityFactory(title_en="Small grants", for_major_groups=True)
    for url in ["/es/", "/es/news/", "/es/events/", "/es/funding/"]:
        phone.goto(url)
        assert phone.locator(".card").count() >= 1, url
        assert phone.evaluate("document.documentElement.scrollWidth") <= 320, url
        assert audit(phone) == [], url
