"""Email helpers every app uses: absolute links, and messages rendered in the reader's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str = "") -> str:
    """The absolute URL of `path` on the portal, for links in emails."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated(template: str, context: dict, to: list[str], language: str) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language` and send them."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
