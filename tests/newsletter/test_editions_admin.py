"""The secretariat builds an edition in the admin: items in its inline, and a test sent from
its page, with nothing lost on a mistake."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from newsletter.models import Edition, Item

pytestmark = pytest.mark.django_db


def item_rows(*rows):
    """The items inline as the admin's add form posts it, one dict of fields per row."""
    data = {
        "items-TOTAL_FORMS": len(rows),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"items-{i}-{name}": value for name, value in row.items()})
    return data


def edition_form(**fields):
    return {
        "month": "2026-05-01",
        "send_at_0": "",
        "send_at_1": "",
        "intro_en": "Welcome.",
        "intro_fr": "",
        "intro_es": "",
        **fields,
    }


def test_items_added_in_an_editions_inline_are_for_its_month(secretariat_client):
    response = secretariat_client.post(
        reverse("admin:newsletter_edition_add"),
        {
            **edition_form(month="2026-05-17"),
            **item_rows(
                {
                    "position": 1,
                    "status": "approved",
                    "title_en": "Seed fairs",
                    "body_en": "In Cusco.",
                },
                {
                    "position": 2,
                    "status": "approved",
                    "title_en": "Glacier study",
                    "body_en": "Out.",
                },
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    edition = Edition.objects.get()
    assert edition.month == datetime.date(2026, 5, 1)
    items = list(edition.items.order_by("position"))
    assert [item.title_en for item in items] == ["Seed fairs", "Glacier study"]
    assert {item.target_month for item in items} == {datetime.date(2026, 5, 1)}


def test_an_item_without_its_text_is_explained_and_nothing_is_lost(secretariat_client):
    response = secretariat_client.post(
        reverse("admin:newsletter_edition_add"),
        {
            **edition_form(intro_en="An introduction that must not be lost."),
            **item_rows({"position": 1, "status": "approved", "title_en": "Only a title"}),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Text: write it in at least one language." in page
    # What was typed is still there, ready to be completed.
    assert "An introduction that must not be lost." in page
    assert 'value="Only a title"' in page
    assert not Edition.objects.exists() and not Item.objects.exists()


def test_the_add_form_offers_empty_item_rows_without_javascript(secretariat_client):
    page = secretariat_client.get(reverse("admin:newsletter_edition_add")).content.decode()
    assert 'name="items-0-title_en"' in page and 'name="items-1-title_en"' in page


class FormNesting(HTMLParser):
    """Where each <form> starts, and which forms an element sits in."""

    def __init__(self):
        super().__init__()
        self.open = []
        self.nested = []
        self.button_form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.open:
                self.nested.append((self.open[-1], attrs.get("id")))
            self.open.append(attrs.get("id"))
        if tag == "button" and attrs.get("form") == "test-send":
            self.button_form = attrs["form"]

    def handle_endtag(self, tag):
        if tag == "form" and self.open:
            self.open.pop()


def test_the_test_send_form_is_not_inside_the_editions_form(secretariat_client):
    edition = Edition.objects.create(month=datetime.date(2026, 5, 1), intro_en="Welcome.")
    page = secretariat_client.get(
        reverse("admin:newsletter_edition_change", args=[edition.pk])
    ).content.decode()
    parser = FormNesting()
    parser.feed(page)
    # Browsers drop a <form> inside another: its button would then do nothing.
    assert parser.nested == []
    assert parser.button_form == "test-send"
    assert 'id="test-send"' in page


def test_the_test_is_sent_from_the_editions_page(secretariat_client):
    edition = Edition.objects.create(month=datetime.date(2026, 5, 1), intro_en="Welcome.")
    response = secretariat_client.post(
        reverse("admin:newsletter_edition_test", args=[edition.pk]),
        {"email": "me@example.org", "language": "en"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert [message.to for message in mail.outbox] == [["me@example.org"]]
    assert "Essai envoyé à me@example.org." in response.content.decode()
