"""The secretariat looks for Peru in the members' admin, typing it the French way without
the accent, and finds it. (tests/test_admin_search.py holds the admin's search to the same
on SQLite.)"""

import pytest

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_perou_typed_in_the_members_admin_finds_peru(admin_page, screenshot):
    MemberFactory(name_en="Government of Peru", name_fr="Gouvernement du Pérou", country="PE")
    MemberFactory(name_en="International Potato Center", acronym="CIP", country="PE")
    MemberFactory(name_en="Government of Nepal", country="NP")
    page = admin_page
    page.goto("/admin/members/member/")
    page.fill("#searchbar", "Perou")
    page.locator('#changelist-search input[type="submit"]').click()
    screenshot(page, "admin-members-search-perou")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert rows.filter(has_text="Government of Peru").count() == 1
    assert rows.filter(has_text="International Potato Center").count() == 1
    assert "q=Perou" in page.url
