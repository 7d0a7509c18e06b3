import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Area, Region
from mountainpartnership.i18n import require_some_language
from mountainpartnership.limits import (
    EMAIL_LENGTH,
    PLANNED,
    SHORT_TEXT,
    TEXT,
    URL_LENGTH,
    LongTextField,
)


def new_key() -> str:
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def in_segment(self, edition: "Edition"):
        """The subscribers an edition is for: every criterion it sets must hold (an empty one
        holds for all). Member types are matched by address, to a current focal point or an
        account that represents a member of that type: the list has no other link to members."""
        from members.models import FocalPoint, Representation

        queryset = self
        if edition.pk is None:
            return queryset
        areas = [area.pk for area in edition.areas.all()]
        if areas:
            queryset = queryset.filter(
                models.Exists(
                    Subscriber.topics.through.objects.filter(
                        subscriber_id=models.OuterRef("pk"), area_id__in=areas
                    )
                )
            )
        regions = [region.pk for region in edition.regions.all()]
        if regions:
            queryset = queryset.filter(region_id__in=regions)
        if edition.languages:
            queryset = queryset.filter(language__in=edition.languages)
        if edition.member_types:
            address = models.OuterRef("email")
            queryset = queryset.filter(
                models.Exists(
                    FocalPoint.objects.current().filter(
                        member__type__in=edition.member_types, email__iexact=address
                    )
                )
                | models.Exists(
                    Representation.objects.current().filter(
                        member__type__in=edition.member_types, user__email__iexact=address
                    )
                )
            )
        return queryset


class Subscriber(models.Model):
    """An address on the newsletter's list, in one of the three languages and five regions."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Address bounced (hard bounce)")
        COMPLAINED = "complained", _("Reported the newsletter as spam")

    class Format(models.TextChoices):
        HTML = "html", _("HTML with a plain-text part")
        TEXT = "text", _("Plain text only (lighter)")

    class Source(models.TextChoices):
        FORM = "form", _("Subscribe form")
        IMPORT = "import", _("Imported list")

    email = models.EmailField(_("email"), max_length=EMAIL_LENGTH)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscribers",
        verbose_name=_("region"),
        help_text=_("Empty when the subscriber did not say."),
    )
    format = models.CharField(
        _("format"), max_length=5, choices=Format.choices, default=Format.HTML
    )
    topics = models.ManyToManyField(
        Area,
        blank=True,
        related_name="subscribers",
        verbose_name=_("topics"),
        help_text=_("Thematic and geographic areas the subscriber follows."),
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


class Edition(models.Model):
    """One month's newsletter: an introduction and ordered items, in three languages."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    month = models.DateField(
        _("month"), unique=True, help_text=_("Any day of the month."), validators=[PLANNED]
    )
    intro = LongTextField(_("introduction"), max_length=TEXT, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True, validators=[PLANNED])
    english_fallback = models.BooleanField(
        _("send English where a translation is missing"),
        default=False,
        help_text=_("Otherwise the edition cannot be sent while a text lacks a translation."),
    )
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    # The segment: empty criteria hold for everyone; all that are set must hold.
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="segment_editions",
        verbose_name=_("readers of the areas"),
        help_text=_("Only subscribers who follow one of these areas. Empty: everyone."),
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="segment_editions",
        verbose_name=_("readers in the regions"),
        help_text=_("Only subscribers in one of these regions. Empty: everyone."),
    )
    languages = models.JSONField(
        _("readers of the languages"),
        default=list,
        blank=True,
        help_text=_("Only subscribers who read one of these languages. Empty: everyone."),
    )
    member_types = models.JSONField(
        _("readers from members of the types"),
        default=list,
        blank=True,
        help_text=_(
            "Only subscribers whose address is a focal point's or a representative's of a "
            "member of one of these types. Empty: everyone."
        ),
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self):
        return self.month.strftime("%Y-%m")

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsletter:edition", kwargs={"month": f"{self.month:%Y-%m}"})


class Item(models.Model):
    """A piece of the newsletter, submitted by a member or the secretariat."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    title = models.CharField(_("title"), max_length=255)
    body = LongTextField(_("text"), max_length=TEXT)
    link = models.URLField(_("link"), max_length=URL_LENGTH, blank=True)
    target_month = models.DateField(_("for the month of"), validators=[PLANNED])
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_items",
        verbose_name=_("from member"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    edition = models.ForeignKey(
        Edition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("edition"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    only_for_area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for readers of the area"),
        help_text=_("Empty: for every reader of the edition."),
    )
    # The record an edition filled itself with ("event:12"), so that filling again adds it
    # once; empty for what people write.
    source = models.CharField(_("filled from"), max_length=40, blank=True, editable=False)
    created = models.DateTimeField(_("submitted"), auto_now_add=True)
    decline_reason = LongTextField(
        _("reason for declining"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required to decline a member's item; emailed to the person who sent it."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("newsletter item")
        verbose_name_plural = _("newsletter items")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "source"],
                condition=~models.Q(source=""),
                name="item_filled_once_per_edition",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        require_some_language(self, ["title", "body"])
        if self.status == self.Status.DECLINED and not self.decline_reason.strip():
            raise ValidationError(
                {"decline_reason": _("Give the reason for declining; it is sent to the author.")}
            )


class Delivery(models.Model):
    """One edition to one subscriber: created once when sending starts, never twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DEFERRED = "deferred", _("Deferred (will be retried)")
        FAILED = "failed", _("Failed")

    # No index of its own: the unique (edition, subscriber) one starts with it.
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    language = models.CharField(_("language"), max_length=5)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker that claims a delivery holds it until then; after that, another may take it.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200)
    # Written by the sender, never typed: kept whole, as the mail server gave it.
    error = models.TextField(_("last error"), blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]
        # What a worker claims (the due deliveries of an edition, in order): an index of those
        # alone, so that a claim reads its batch and not every delivery already sent.
        indexes = [
            models.Index(
                fields=["edition", "id"],
                condition=models.Q(status__in=["pending", "deferred"]),
                name="delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.edition} → {self.subscriber_id}"

    @property
    def in_doubt(self):
        """Claimed by a worker that has not reported back: it may or may not have gone out."""
        return self.status != self.Status.SENT and self.claimed_until is not None
