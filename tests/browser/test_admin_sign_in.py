"""The secretariat reaches the admin in a real browser only through the second factor."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_signs_in_with_the_second_factor_and_sees_the_admin(admin_page):
    assert admin_page.url.endswith("/admin/")
    assert admin_page.get_by_role("link", name="Members", exact=True).count() >= 1
