"""Every change is recorded: the secretariat edits a member in the real admin (signed in with
its second factor, in Chromium), reads the change in the record's history with the values
before and after, and restores the earlier version, which visitors then read, the cached
French page included."""

import pytest

from members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "Texte provisoire, à remplacer."


def french_description(page) -> str:
    page.goto("/fr/members/condesan/")
    return page.locator("main").inner_text()


def test_an_admin_edit_of_condesans_french_description_is_in_its_history_and_restored(
    demo, admin_page, new_page, secretariat_user, screenshot
):
    condesan = Member.objects.get(slug="condesan")
    old = condesan.description_fr
    visitor = new_page(locale="fr-FR")
    # The page is read once, so that the cache holds the old text.
    assert old[:60] in french_description(visitor)

    page = admin_page
    page.goto(f"/admin/members/member/{condesan.pk}/change/")
    page.fill('textarea[name="description_fr"]', NEW)
    page.locator('input[name="_save"]').click()
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]
    seen = french_description(visitor)
    assert NEW in seen and old[:60] not in seen

    page.goto(f"/admin/members/member/{condesan.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    latest = rows.first.inner_text()
    screenshot(page, "admin-member-history")
    assert secretariat_user.email in latest
    # Named as the form names it, with the text before and after.
    assert "Description (French)" in latest and "description_fr" not in latest
    assert old[:40] in latest and NEW in latest

    # The version before the edit, opened and put back.
    rows.nth(1).locator("a").first.click()
    assert page.locator('textarea[name="description_fr"]').input_value() == old
    page.locator('input[name="_save"]').click()
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]
    condesan.refresh_from_db()
    assert condesan.description_fr == old
    seen = french_description(visitor)
    assert old[:60] in seen and NEW not in seen

    # The restore is itself a change in the history, by whoever restored it.
    restore = condesan.history.first()
    assert restore.history_user == secretariat_user
    assert restore.prev_record.description_fr == NEW
