"""The secretariat chooses an edition's readers in the admin and reads how many they are
before sending, in Chromium with JavaScript off."""

import datetime

import pytest

from members.models import Area
from newsletter.models import Edition, Subscriber
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_sends_an_edition_to_the_andes_and_reads_its_size(admin_page):
    andes = AreaFactory(slug="andes", kind=Area.Kind.GEOGRAPHIC, name_en="Andes")
    alps = AreaFactory(slug="alps", kind=Area.Kind.GEOGRAPHIC, name_en="Alps")
    for email, areas, status in [
        ("cusco@example.org", [andes], "confirmed"),
        ("lapaz@example.org", [andes, alps], "confirmed"),
        ("quito@example.org", [andes], "pending"),
        ("bern@example.org", [alps], "confirmed"),
    ]:
        Subscriber.objects.create(email=email, language="en", status=status).topics.set(areas)
    edition = Edition.objects.create(month=datetime.date(2027, 1, 1), intro_en="Hello.")
    page = admin_page
    page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")
    size = page.locator(".field-segment_size .readonly")
    assert size.inner_text() == "3 confirmed subscribers will receive it."
    # The segment's labels read like the admin's others: capitalised.
    assert page.locator(".field-areas label").first.inner_text() == "Readers of the areas:"
    assert page.locator(
        ".field-member_types > div > label, .field-member_types label"
    ).first.inner_text() == ("Readers from members of the types:")
    page.get_by_label("Andes").check()
    page.locator('input[name="_continue"]').click()
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]
    assert list(Edition.objects.get().areas.all()) == [andes]
    assert size.inner_text() == "2 confirmed subscribers will receive it."

    page.get_by_role("button", name="Fill with events, calls and news").click()
    assert (
        "0 items added from the events, calls and news."
        in page.locator(".messagelist").inner_text()
    )
    assert page.get_by_label("Andes").is_checked()  # the segment is kept
