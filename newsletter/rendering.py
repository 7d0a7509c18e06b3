"""An edition as email, per language: light HTML (inline CSS) and a real plain-text version."""

import base64
import functools
from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mountainpartnership import identity
from mountainpartnership.i18n import fallback_note, shown_language
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


# The logo travels inside the HTML email (multipart/related, shown by its cid: address), so that
# mail programs show it without fetching anything: no remote image, nothing that could tell
# anyone who opened the email. 2 KB of PNG, encoded once per language (see sending.py).
LOGO_CID = "logo@mountainpartnership"


@functools.cache
def logo_png() -> bytes:
    return (identity.STATIC / "mark-email.png").read_bytes()


def html_email(rendered: "Rendered", to: list[str], headers=None) -> EmailMultiAlternatives:
    """The edition as an HTML email with its plain-text version and its logo inline."""
    message = EmailMultiAlternatives(
        rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, to, headers=headers
    )
    message.attach_alternative(rendered.html, "text/html")
    message.mixed_subtype = "related"
    logo = MIMEImage(logo_png(), "png")
    logo.add_header("Content-ID", f"<{LOGO_CID}>")
    logo.add_header("Content-Disposition", "inline", filename="mountain-partnership.png")
    message.attach(logo)
    return message


def html_preview(rendered: "Rendered") -> str:
    """The HTML as a browser shows it, which knows no cid: address: the logo inline as data."""
    data = base64.b64encode(logo_png()).decode()
    return rendered.html.replace(f"cid:{LOGO_CID}", f"data:image/png;base64,{data}")


# For the plain-text email, where a text stands in another language than the edition's.
IN_LANGUAGE = {"en": _("in English"), "fr": _("in French"), "es": _("in Spanish")}


def text_in(obj, field: str, language: str, fallback: bool) -> tuple[str, str]:
    """(text, the language it stands in when not `language`, else "") of a translated field.

    Without `fallback`, only `language`'s own text. With it, where that is missing: English,
    else the language the text was written in (what members send is kept in theirs)."""
    own = getattr(obj, f"{field}_{language}", "") or ""
    if own or not fallback:
        return own, ""
    shown = shown_language(obj, field, language)
    if shown is None:
        return "", ""
    return getattr(obj, f"{field}_{shown}"), shown


def missing_translations(edition: Edition, languages) -> dict[str, list[str]]:
    """For each language, the texts of the edition that have no text in it, English
    included (items members send are kept in the language they wrote them in)."""
    items = list(edition.items.filter(status=Item.Status.APPROVED))
    missing = {}
    for language in languages:
        gaps = [
            f"{text_in(item, 'title', language, fallback=True)[0]} ({field})"
            for item in items
            for field in ["title", "body"]
            if not getattr(item, f"{field}_{language}")
        ]
        intro = [getattr(edition, f"intro_{code}") for code, _name in settings.LANGUAGES]
        if any(intro) and not getattr(edition, f"intro_{language}"):
            gaps.insert(0, "introduction")
        if gaps:
            missing[language] = gaps
    return missing


def edition_items(
    edition: Edition, language: str, fallback: bool, areas: frozenset | None = None
) -> list[dict]:
    """The approved items in `language`; with `fallback`, English (else the original) where a
    text is missing, marked with its language (`lang`, for a lang attribute and a note).

    `areas`: the ids of the areas a reader follows, for an email: items marked for the readers
    of an area are left out unless it is among them. None (the web version, the preview): all.
    """
    approved = edition.items.filter(status=Item.Status.APPROVED)
    if areas is not None:
        approved = approved.filter(
            models.Q(only_for_area__isnull=True) | models.Q(only_for_area__in=areas)
        )
    items = []
    for item in approved.select_related("member", "only_for_area"):
        title, title_lang = text_in(item, "title", language, fallback)
        body, body_lang = text_in(item, "body", language, fallback)
        lang = title_lang or body_lang
        items.append(
            {
                "title": title,
                "title_lang": title_lang,
                "body": body,
                "body_lang": body_lang,
                "lang": lang,
                "note": fallback_note(language, lang) if lang else "",
                "in_language": IN_LANGUAGE.get(lang, ""),
                "link": item.link,
                "member": item.member,
                "only_for_area": item.only_for_area,
            }
        )
    return items


def area_only_ids(edition: Edition) -> frozenset:
    """The areas whose readers alone get some of the edition's items (usually none)."""
    return frozenset(
        edition.items.filter(status=Item.Status.APPROVED, only_for_area__isnull=False)
        .values_list("only_for_area_id", flat=True)
        .distinct()
    )


def render_edition(edition: Edition, language: str, areas: frozenset | None = None) -> Rendered:
    """The edition in `language`, for a reader of `areas` (see `edition_items`)."""
    fallback = edition.english_fallback
    items = edition_items(edition, language, fallback, areas)
    intro, intro_lang = text_in(edition, "intro", language, fallback)
    context = {
        "edition": edition,
        "intro": intro,
        "intro_lang": intro_lang,
        "items": items,
        "language": language,
        "manage_url": MANAGE_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "site_url": site_url(),
        "logo_src": f"cid:{LOGO_CID}",
    }
    with translation.override(language):
        subject = render_to_string("newsletter/email/edition_subject.txt", context).strip()
        text = render_to_string("newsletter/email/edition.txt", context)
        html = render_to_string("newsletter/email/edition.html", context)
    return Rendered(subject, text, html)
