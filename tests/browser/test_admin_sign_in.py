"""The secretariat reaches the admin in a real browser only through the second factor."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_signs_in_with_the_second_factor_and_sees_the_admin(admin_page):
    assert admin_page.url.endswith("/admin/")
    assert admin_page.get_by_role("link", name="Members", exact=True).count() >= 1


def test_a_member_who_opens_the_admin_gets_a_page_not_a_redirect_loop(new_page):
    from tests.browser.conftest import sign_in_page
    from tests.conftest import verified_user

    page = new_page(locale="fr-FR")
    sign_in_page(page, verified_user(), language="fr")
    response = page.goto("/admin/")
    assert response.status == 403
    assert page.url.endswith("/admin/")
    assert "L’administration est réservée au secrétariat" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Aller à la page d'accueil").click()
    assert page.url.endswith("/fr/")
