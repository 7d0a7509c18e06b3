"""Replies by email. A notification's Reply-To carries a signed token naming the reader and the
topic; the answer arrives through django-anymail's inbound webhook or `manage.py receive_reply`
(for a mail server to pipe into) and is posted as that reader's reply, if:

- the token is good and the sender is that reader, at a verified address;
- it is not an automatic message (out-of-office, bulk, auto-submitted): those are dropped;
- the reader may still post there (the same rules and limits as on the website).

Quoted text and signatures are cut off; what is left is posted as Markdown.
"""

import dataclasses
import re

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import translation
from django.utils.html import strip_tags

from members.models import User
from members.services import user_language

from . import services
from .models import Post, Topic
from .tokens import read_reply_token

REPLY_ADDRESS = re.compile(r"\breply\+([0-9a-z-]+)@", re.IGNORECASE)

AUTO_SUBJECTS = re.compile(
    r"^\s*(auto(matic)?[ -]?reply|out of (the )?office|absence|abwesenheit|"
    r"r[ée]ponse automatique|respuesta autom[áa]tica|fuera de la oficina|"
    r"automatische antwort|delivery status notification|undeliverable|"
    r"mail delivery failed)",
    re.IGNORECASE,
)

# Where the quoted message starts in the common mail programs, in the portal's languages.
QUOTE_HEADERS = [
    re.compile(r"^On .{0,200}wrote:\s*$", re.IGNORECASE),
    re.compile(r"^Le .{0,200}a [ée]crit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^El .{0,200}escribi[óo]\s*:\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*(Original Message|Message d'origine|Mensaje original)\s*-{2,}", re.I),
    re.compile(r"^_{10,}\s*$"),
    re.compile(r"^(From|De|Von)\s*:\s.+", re.IGNORECASE),
]
SIGNATURE_STARTS = [
    re.compile(r"^-- ?$"),
    re.compile(r"^(Sent from|Envoyé de|Enviado desde) ", re.IGNORECASE),
]


@dataclasses.dataclass
class Outcome:
    status: str  # "posted", "dropped" or "refused"
    detail: str
    post: Post | None = None


def is_automatic(message) -> bool:
    """Out-of-office notices, mailing-list traffic, bounces: never posted (RFC 3834)."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    if auto_submitted != "no":
        return True
    if (message.get("Precedence") or "").strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return True
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if message.get(header):
            return True
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return True
    if (message.get("Return-Path") or "").strip() == "<>":
        return True
    return bool(AUTO_SUBJECTS.match(message.get("Subject") or ""))


def reply_text(text: str) -> str:
    """The new part of a reply: up to the quoted message or the signature, whichever is first;
    quoted lines (">") dropped wherever they are."""
    kept = []
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(pattern.match(stripped) for pattern in QUOTE_HEADERS):
            break
        # "On Tue, 3 Mar 2026 at 10:00, Someone <x@example.org>" often wraps before "wrote:".
        if index + 1 < len(lines) and QUOTE_HEADERS[0].match(f"{stripped} {lines[index + 1]}"):
            break
        if any(pattern.match(line.rstrip()) for pattern in SIGNATURE_STARTS):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def recipient_token(message, recipient: str | None) -> str | None:
    candidates = [recipient or ""]
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        candidates.extend(message.get_all(header) or [])
    for candidate in candidates:
        found = REPLY_ADDRESS.search(str(candidate))
        if found:
            return found.group(1)
    return None


def receive_reply(message, recipient: str | None = None) -> Outcome:
    """Post the reply `message` (an AnymailInboundMessage) sent to `recipient`."""
    if is_automatic(message):
        return Outcome("dropped", "automatic message")
    token = recipient_token(message, recipient)
    found = read_reply_token(token) if token else None
    if found is None:
        return Outcome("refused", "no valid reply address")
    user_pk, topic_pk = found
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    topic = Topic.objects.select_related("space").filter(pk=topic_pk).first()
    if user is None or topic is None:
        return Outcome("refused", "no such reader or topic")
    sender = message.from_email.addr_spec if message.from_email else ""
    verified = EmailAddress.objects.filter(user=user, email__iexact=sender, verified=True)
    if not sender or sender.lower() != user.email.lower() or not verified.exists():
        return Outcome("refused", "the sender is not the reader this address was made for")
    text = message.text
    if not text and message.html:
        text = strip_tags(message.html)
    body = reply_text(text or "")
    if not body:
        return Outcome("refused", "the reply is empty once quotes and signature are cut")
    language = user_language(user)
    # A refusal goes back to the sender (the mail server's bounce): in their language.
    with translation.override(language):
        try:
            post = services.reply_post(
                topic=topic, user=user, body=body, language=language, source=Post.Source.EMAIL
            )
        except ValidationError as error:
            return Outcome("refused", " ".join(error.messages))
    return Outcome("posted", f"post {post.pk}", post)


def connect_anymail():
    from anymail.signals import inbound

    @receiver(inbound, dispatch_uid="discussions.inbound")
    def on_inbound(sender, event, esp_name, **kwargs):
        receive_reply(event.message, getattr(event.message, "envelope_recipient", None))
