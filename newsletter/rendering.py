"""An edition as email, per language: light HTML (inline CSS) and a real plain-text version."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from mountainpartnership.mail import site_url

from .models import Edition, Item

# Replaced per subscriber after rendering, so that each language is rendered only once.
MANAGE_URL = "__MANAGE_URL__"
UNSUBSCRIBE_URL = "__UNSUBSCRIBE_URL__"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str

    def personalised(self, manage_url: str, unsubscribe_url: str) -> "Rendered":
        def fill(body):
            return body.replace(MANAGE_URL, manage_url).replace(UNSUBSCRIBE_URL, unsubscribe_url)

        return Rendered(self.subject, fill(self.text), fill(self.html))


def text_in(obj, field: str, language: str, fallback: bool) -> tuple[str, bool]:
    """(text, is_english_stand_in) of a translated field in `language`."""
    own = getattr(obj, f"{field}_{language}", "") or ""
    if own or language == "en":
        return own or getattr(obj, f"{field}_en", "") or "", False
    english = getattr(obj, f"{field}_en", "") or ""
    return (english, bool(english)) if fallback else ("", False)


def missing_translations(edition: Edition, languages) -> dict[str, list[str]]:
    """For each language, the texts of the edition that have no translation in it."""
    items = list(edition.items.filter(status=Item.Status.APPROVED))
    missing = {}
    for language in languages:
        if language == "en":
            continue
        gaps = [
            f"{item.title_en} ({field})"
            for item in items
            for field in ["title", "body"]
            if not getattr(item, f"{field}_{language}")
        ]
        if edition.intro_en and not getattr(edition, f"intro_{language}"):
            gaps.insert(0, "introduction")
        if gaps:
            missing[language] = gaps
    return missing


def edition_items(edition: Edition, language: str, fallback: bool) -> list[dict]:
    """The approved items in `language`; with `fallback`, English where a text is missing
    (marked `english`, for a lang attribute and a note)."""
    items = []
    for item in edition.items.filter(status=Item.Status.APPROVED).select_related("member"):
        title, title_en = text_in(item, "title", language, fallback)
        body, body_en = text_in(item, "body", language, fallback)
        items.append(
            {
                "title": title,
                "body": body,
                "link": item.link,
                "member": item.member,
                "english": title_en or body_en,
            }
        )
    return items


def render_edition(edition: Edition, language: str) -> Rendered:
    fallback = edition.english_fallback
    items = edition_items(edition, language, fallback)
    intro, intro_en = text_in(edition, "intro", language, fallback)
    context = {
        "edition": edition,
        "intro": intro,
        "intro_english": intro_en,
        "items": items,
        "language": language,
        "manage_url": MANAGE_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "site_url": site_url(),
    }
    with translation.override(language):
        subject = render_to_string("newsletter/email/edition_subject.txt", context).strip()
        text = render_to_string("newsletter/email/edition.txt", context)
        html = render_to_string("newsletter/email/edition.html", context)
    return Rendered(subject, text, html)
