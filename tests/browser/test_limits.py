"""What a visitor types past the portal's limits, in a real browser with JavaScript off."""

import pytest

from tests.factories import RegionFactory
from tests.limits import long_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_browser_stops_an_address_where_the_list_stops_it(new_page, screenshot):
    RegionFactory(slug="europe", name_en="Europe")
    page = new_page()
    page.goto("/en/newsletter/")
    field = page.get_by_label("Your email address")
    assert field.get_attribute("maxlength") == "254"
    field.fill(long_email(262))
    assert len(field.input_value()) == 254
    screenshot(page, "limits-subscribe-address")


def test_a_report_date_out_of_range_is_explained_in_french(admin_page, screenshot):
    admin_page.goto("/fr/dashboard/report/?date=9999-12-31&format=csv")
    main = admin_page.locator("main").inner_text()
    assert "Saisissez une date entre le 1er janvier 1900 et le" in main
    assert "Affichage des chiffres d’aujourd’hui." in main
    screenshot(admin_page, "limits-report-far-date-fr")


def test_an_invitation_link_with_a_nul_is_a_page_not_found(new_page):
    page = new_page(locale="es-ES")
    response = page.goto("/es/invitations/%00/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Página no encontrada"
