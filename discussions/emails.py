"""The emails the discussions send: a new post, the daily digest, a consultation's closing
and synthesis, and the secretariat's moderation decisions to the author they concern. Plain text, in the reader's language, with a one-click unsubscribe
(RFC 8058) and, for a new post, a Reply-To address that posts the answer."""

import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mountainpartnership.mail import site_url

from .tokens import emails_off_token, reply_token, unfollow_token


def reply_address(user_pk: int, topic_pk: int) -> str:
    return f"reply+{reply_token(user_pk, topic_pk)}@{settings.DISCUSSIONS_REPLY_DOMAIN}"


def _message(*, template, context, to, language, headers, reply_to=None) -> EmailMessage:
    with translation.override(language):
        context = {**context, "settings_url": site_url(reverse("discussions:settings"))}
        # One line; the no-break spaces of French typography (U+202F) stay as they are.
        subject = re.sub(r"[ \t\r\n]+", " ", render_to_string(f"{template}_subject.txt", context))
        subject = subject.strip(" ")
        body = render_to_string(f"{template}_body.txt", context)
    headers = {"Auto-Submitted": "auto-generated", **headers}
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )


def _one_click(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def post_message(*, post, user, follow, language) -> EmailMessage:
    """A new post, to one follower, as the follow that brought it."""
    topic = post.topic
    with translation.override(language):
        unfollow_url = site_url(
            reverse("discussions:unfollow", kwargs={"token": unfollow_token(follow)})
        )
        post_url = site_url(post.get_absolute_url())
    domain = settings.DISCUSSIONS_REPLY_DOMAIN
    headers = {
        "Message-ID": f"<post-{post.pk}.{user.pk}@{domain}>",
        "In-Reply-To": f"<topic-{topic.pk}@{domain}>",
        "References": f"<topic-{topic.pk}@{domain}>",
        "List-Id": f"{topic.space.slug} <{topic.space.slug}.discussions.{domain}>",
        **_one_click(unfollow_url),
    }
    return _message(
        template="discussions/email/post",
        context={
            "post": post,
            "topic": topic,
            "space": topic.space,
            "follow": follow,
            "url": post_url,
            "unfollow_url": unfollow_url,
        },
        to=user.email,
        language=language,
        headers=headers,
        reply_to=reply_address(user.pk, topic.pk),
    )


def digest_message(*, user, notices, language) -> EmailMessage:
    """The day's new posts, by what the reader follows and then by topic, with one unfollow
    link for each thing followed."""
    with translation.override(language):
        off_url = site_url(
            reverse("discussions:emails-off", kwargs={"token": emails_off_token(user)})
        )
        sections = {}
        for notice in notices:
            post, follow = notice.post, notice.follow
            section = sections.setdefault(
                follow.pk,
                {
                    "follow": follow,
                    "topics": {},
                    "unfollow_url": site_url(
                        reverse("discussions:unfollow", kwargs={"token": unfollow_token(follow)})
                    ),
                },
            )
            entry = section["topics"].setdefault(
                post.topic_id,
                {"topic": post.topic, "posts": [], "url": site_url(post.topic.get_absolute_url())},
            )
            entry["posts"].append(post)
        for section in sections.values():
            section["topics"] = list(section["topics"].values())
    return _message(
        template="discussions/email/digest",
        context={"sections": list(sections.values()), "count": len(notices), "off_url": off_url},
        to=user.email,
        language=language,
        headers={"List-Id": f"digest <digest.discussions.{settings.DISCUSSIONS_REPLY_DOMAIN}>"}
        | _one_click(off_url),
    )


def consultation_message(*, consultation, user, kind, language) -> EmailMessage:
    """To a participant: the consultation has closed ("closed"), or its synthesis is out."""
    with translation.override(language):
        url = site_url(consultation.get_absolute_url())
        off_url = site_url(
            reverse("discussions:emails-off", kwargs={"token": emails_off_token(user)})
        )
    return _message(
        template=f"discussions/email/consultation_{kind}",
        context={"consultation": consultation, "url": url, "off_url": off_url},
        to=user.email,
        language=language,
        headers=_one_click(off_url),
    )


def moderation_message(*, decision, user, topic, post, reason, language) -> EmailMessage:
    """To the author of a post the secretariat hid ("hidden") or kept visible ("kept"), or of
    a topic it locked ("locked"): the decision, the reason and a link, in `language`."""
    with translation.override(language):
        url = site_url((post or topic).get_absolute_url())
    return _message(
        template=f"discussions/email/moderation_{decision}",
        context={"topic": topic, "post": post, "reason": reason, "url": url},
        to=user.email,
        language=language,
        headers={},
    )
