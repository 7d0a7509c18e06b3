import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from members.models import Area, Region


def new_key() -> str:
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)


class Subscriber(models.Model):
    """An address on the newsletter's list, in one of the three languages and five regions."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    class Format(models.TextChoices):
        HTML = "html", _("HTML with a plain-text part")
        TEXT = "text", _("Plain text only (lighter)")

    class Source(models.TextChoices):
        FORM = "form", _("Subscribe form")
        IMPORT = "import", _("Imported list")

    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="subscribers", verbose_name=_("region")
    )
    format = models.CharField(
        _("format"), max_length=5, choices=Format.choices, default=Format.HTML
    )
    topics = models.ManyToManyField(
        Area,
        blank=True,
        related_name="subscribers",
        verbose_name=_("topics"),
        limit_choices_to={"kind": Area.Kind.THEMATIC},
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("source"), max_length=6, choices=Source.choices, default=Source.FORM
    )
    # Part of every signed link; replacing it revokes the links sent so far.
    key = models.CharField(max_length=32, default=new_key, editable=False)
    created = models.DateTimeField(_("subscribed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="subscriber_email_unique_ignoring_case",
                violation_error_message=_("This address is already on the list."),
            )
        ]
        indexes = [models.Index(fields=["status", "language"])]

    def __str__(self):
        return self.email
