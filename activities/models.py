import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.models import Area, Member, Region
from mountainpartnership import zones
from mountainpartnership.db import natural_order, translated
from mountainpartnership.i18n import require_some_language
from mountainpartnership.limits import (
    HAPPENED,
    LONG_TEXT,
    PLANNED,
    SHORT_TEXT,
    URL_LENGTH,
    LongTextField,
)
from mountainpartnership.pictures import validate_picture

# An activity not updated for this long is marked as stale on its page.
STALE_AFTER = datetime.timedelta(days=183)

# What a picture's alternative text may say: a sentence or two, as a screen reader reads it.
ALT_TEXT = 250


class Pictured(models.Model):
    """An optional picture, resized at upload (mountainpartnership/pictures.py), and the text
    that stands in for it, required in every language when there is a picture."""

    picture = models.ImageField(
        _("picture"),
        upload_to="activities/pictures/",
        blank=True,
        width_field="picture_width",
        height_field="picture_height",
        validators=[validate_picture],
        help_text=_(
            "Optional: a PNG, JPEG or WebP image of at most 5 MB; the portal makes the smaller "
            "copies pages show. Describe it below in English, French and Spanish."
        ),
    )
    picture_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_alt = models.CharField(
        _("alternative text"),
        max_length=ALT_TEXT,
        blank=True,
        help_text=_(
            "What the picture shows, for readers who cannot see it. Required in English, "
            "French and Spanish when there is a picture."
        ),
    )

    class Meta:
        abstract = True

    def picture_alt_errors(self) -> dict:
        """For clean(): a picture needs its alternative text in every language; the error
        stands on each language's field that lacks it."""
        if not self.picture:
            return {}
        return {
            f"picture_alt_{code}": _("Describe the picture in this language too.")
            for code, _name in settings.LANGUAGES
            if not (getattr(self, f"picture_alt_{code}") or "").strip()
        }


class ActivityQuerySet(models.QuerySet):
    def by_title(self):
        return self.order_by(natural_order(translated("title")), "pk")

    def with_participants(self):
        return self.prefetch_related(
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("member").order_by(
                    "role", natural_order(translated("member__name")), "pk"
                ),
            )
        )


class Activity(Pictured):
    """Members' joint work in an area (§16-23): lead and partner members, a workplan, money, outputs."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PLANNING = "planning", _("Planning")
        WORKPLAN_AGREED = "workplan_agreed", _("Workplan agreed")
        UNDER_WAY = "under_way", _("Under way")
        COMPLETED = "completed", _("Completed")
        STALLED = "stalled", _("Stalled")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.CharField(_("summary"), max_length=400)
    description = LongTextField(_("description"), max_length=LONG_TEXT, blank=True)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="activities", verbose_name=_("thematic and geographic areas")
    )
    countries = CountryField(_("countries concerned"), multiple=True, blank=True)
    members = models.ManyToManyField(
        Member, through="Participation", related_name="activities", verbose_name=_("members")
    )
    other_partners = LongTextField(
        _("partners that are not members"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Names, one per line."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True, validators=[PLANNED])
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[PLANNED])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    status_reason = LongTextField(
        _("reason for the current status"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_(
            "Required for stalled and cancelled, optional otherwise. When you change the "
            "status, write why in your own language; it is recorded with the change, and the "
            "reason for the earlier status does not carry over."
        ),
    )
    status_since = models.DateTimeField(_("in this status since"), default=timezone.now)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("last updated"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="activity_ends_after_it_starts",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:activity-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = self.picture_alt_errors()
        reasons = [getattr(self, f"status_reason_{code}") for code, _name in settings.LANGUAGES]
        if self.status in {self.Status.STALLED, self.Status.CANCELLED} and not any(reasons):
            errors["status"] = _("Say why the activity is stalled or cancelled.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_over(self):
        """Completed or cancelled: its status is a date it reached, not a state it is in."""
        return self.status in {self.Status.COMPLETED, self.Status.CANCELLED}

    @property
    def is_stale(self):
        return not self.is_over and timezone.now() - self.updated > STALE_AFTER

    def leads(self):
        return [p.member for p in self.participations.all() if p.role == Participation.Role.LEAD]

    def partners(self):
        return [p.member for p in self.participations.all() if p.role == Participation.Role.PARTNER]


class Participation(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead member")
        PARTNER = "partner", _("Partner")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="participations", verbose_name=_("member")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        verbose_name = _("participating member")
        verbose_name_plural = _("participating members")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"], name="one_participation_per_member"
            )
        ]

    def __str__(self):
        return f"{self.member} ({self.get_role_display()})"


class StatusChange(models.Model):
    """The recorded history of an activity's status: who changed it, when, and why, in the
    words and the language of the person who changed it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=Activity.Status.choices)
    reason = LongTextField(_("reason"), max_length=SHORT_TEXT, blank=True)
    language = models.CharField(
        _("language of the reason"), max_length=5, choices=settings.LANGUAGES
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self):
        return f"{self.get_status_display()} – {self.changed_at:%Y-%m-%d}"


class Milestone(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=255)
    due_date = models.DateField(_("due"), validators=[PLANNED])
    responsible = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible member"),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[HAPPENED])

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("workplan")

    def __str__(self):
        return self.title


class Funding(models.Model):
    class Kind(models.TextChoices):
        SEED = "seed", _("Seed money from the secretariat")
        OTHER = "other", _("Other source")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="funding")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    funder = models.CharField(_("funder"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    received_on = models.DateField(_("date"), null=True, blank=True, validators=[HAPPENED])

    class Meta:
        ordering = ["received_on"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")

    def __str__(self):
        return f"{self.funder}: {self.amount} {self.currency}"


class Output(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(_("title"), max_length=255)
    published_on = models.DateField(_("date"), null=True, blank=True, validators=[HAPPENED])
    url = models.URLField(_("link"), max_length=URL_LENGTH, blank=True)
    file = models.FileField(_("file"), upload_to="activities/outputs/", blank=True)

    class Meta:
        ordering = ["-published_on"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self):
        return self.title


class EventQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at")


class Event(Pictured):
    """A face-to-face meeting, a webinar or an e-consultation period: the mountain calendar (§15)."""

    class Kind(models.TextChoices):
        GLOBAL_MEETING = "global_meeting", _("Global meeting")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        SIDE_EVENT = "side_event", _("Side event")
        WEBINAR = "webinar", _("Webinar")
        E_CONSULTATION = "e_consultation", _("E-consultation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = LongTextField(_("description"), max_length=LONG_TEXT, blank=True)
    starts_at = models.DateTimeField(_("starts"), validators=[PLANNED])
    ends_at = models.DateTimeField(_("ends"), validators=[PLANNED])
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=zones.CHOICES,
        default="UTC",
        help_text=_("Where the event takes place; times are shown in this zone."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    online_url = models.URLField(_("online link"), max_length=URL_LENGTH, blank=True)
    languages = models.CharField(_("languages of the event"), max_length=200, blank=True)
    organisers = models.ManyToManyField(
        Member, blank=True, related_name="organised_events", verbose_name=_("organising members")
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="events", verbose_name=_("areas"))
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="events", verbose_name=_("joint activities")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:event-detail", kwargs={"slug": self.slug})

    def clean(self):
        if errors := self.picture_alt_errors():
            raise ValidationError(errors)

    def local_start(self):
        return zones.local(self.starts_at, self.timezone)

    def local_end(self):
        return zones.local(self.ends_at, self.timezone)


class FundingOpportunityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(deadline__gte=timezone.localdate()).order_by("deadline", "pk")

    def for_cards(self):
        """With what a funding card shows: its regions, by name."""
        return self.prefetch_related(models.Prefetch("regions", queryset=Region.objects.by_name()))


class FundingOpportunity(models.Model):
    """A potential source of money for mountain activities (§15, §33)."""

    donor = models.CharField(_("donor"), max_length=200)
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = LongTextField(_("description"), max_length=LONG_TEXT, blank=True)
    amount_min = models.DecimalField(
        _("from"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("up to"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    deadline = models.DateField(_("deadline"), validators=[PLANNED])
    for_governments = models.BooleanField(_("Governments may apply"), default=False)
    for_igos = models.BooleanField(_("intergovernmental organisations may apply"), default=False)
    for_major_groups = models.BooleanField(_("major groups may apply"), default=False)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name=_("regions"),
        help_text=_("Leave empty for every region."),
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="funding_opportunities", verbose_name=_("themes")
    )
    url = models.URLField(_("link"), max_length=URL_LENGTH, blank=True)

    objects = FundingOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("funding opportunity")
        verbose_name_plural = _("funding opportunities")

    def __str__(self):
        return self.title

    # Which flag says that a type of member may apply.
    FLAG_OF_TYPE = {
        Member.Type.GOVERNMENT: "for_governments",
        Member.Type.IGO: "for_igos",
        Member.Type.MAJOR_GROUP: "for_major_groups",
    }

    def open_to(self) -> list[str]:
        """The names of the types of member that may apply, in the active language."""
        return [
            label for value, label in Member.Type.choices if getattr(self, self.FLAG_OF_TYPE[value])
        ]


class NewsQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=News.Status.PUBLISHED, published_at__lte=timezone.now()).order_by(
            "-published_at", "-pk"
        )

    def for_cards(self):
        """With what a news card shows: the member it is from and its areas, by name."""
        return self.select_related("member").prefetch_related(
            models.Prefetch("areas", queryset=Area.objects.by_name())
        )


class News(Pictured):
    """News from the secretariat and from members; members' posts wait for approval."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, waiting for approval")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.CharField(_("summary"), max_length=400)
    body = LongTextField(_("text"), max_length=LONG_TEXT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, validators=[PLANNED])
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("from member"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="news", verbose_name=_("areas"))
    decline_reason = LongTextField(
        _("reason for declining"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required to decline a member's post; emailed to the person who sent it."),
    )

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("news post")
        verbose_name_plural = _("news")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:news-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = self.picture_alt_errors()
        try:
            require_some_language(self, ["title", "summary", "body"])
        except ValidationError as error:
            errors[NON_FIELD_ERRORS] = error.messages
        if self.status == self.Status.DECLINED and not self.decline_reason.strip():
            errors["decline_reason"] = [
                _("Give the reason for declining; it is sent to the author.")
            ]
        if errors:
            raise ValidationError(errors)
