import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mountainpartnership.db import natural_order, translated
from mountainpartnership.limits import (
    EMAIL_LENGTH,
    HAPPENED,
    PLANNED,
    SHORT_TEXT,
    TERM_END,
    TEXT,
    URL_LENGTH,
    LongTextField,
)


class UserManager(DjangoUserManager):
    """Accounts are identified by email address; there are no usernames."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), max_length=EMAIL_LENGTH, unique=True)
    # The one language every email of the portal to this person is in (services.user_language);
    # blank until they say it: at sign-up, on accepting an invitation, or on their settings page.
    language = models.CharField(
        _("language of the portal's emails"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "Discussion emails, decisions on what you send, digests: every email the portal "
            "sends you."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.email


class RegionQuerySet(models.QuerySet):
    def by_name(self):
        """Sorted by name in the active language, accents and case as a reader expects."""
        return self.order_by(natural_order(translated("name")), "pk")


class Region(models.Model):
    """One of the five regions the newsletter is sent to."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    description = LongTextField(_("description"), max_length=SHORT_TEXT, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class AreaQuerySet(models.QuerySet):
    def thematic(self):
        return self.filter(kind=Area.Kind.THEMATIC)

    def geographic(self):
        return self.filter(kind=Area.Kind.GEOGRAPHIC)

    def by_name(self):
        """Geographic, then thematic; each sorted by name in the active language."""
        return self.order_by("kind", natural_order(translated("name")), "pk")


class Area(models.Model):
    """A thematic or geographic area of work; new ones can be added at any time (§26)."""

    class Kind(models.TextChoices):
        THEMATIC = "thematic", _("Thematic area")
        GEOGRAPHIC = "geographic", _("Geographic area")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    description = LongTextField(_("description"), max_length=TEXT, blank=True)
    leading_members = models.ManyToManyField(
        "Member",
        blank=True,
        related_name="led_areas",
        verbose_name=_("leading members"),
        help_text=_("Members that coordinate joint activities in this area."),
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "slug"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:area-detail", kwargs={"slug": self.slug})


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)

    def public(self):
        """Members the public sees: all but those that have withdrawn."""
        return self.exclude(status=Member.Status.WITHDRAWN)

    def by_name(self):
        """Sorted by name in the active language, accents and case as a reader expects."""
        return self.order_by(natural_order(translated("name", english_required=True)), "pk")

    def with_current_focal_point(self):
        """Fetch each member's current focal point in one query, as `current_focal_points`."""
        return self.prefetch_related(
            models.Prefetch(
                "focal_points",
                queryset=FocalPoint.objects.focal_points().current(),
                to_attr="current_focal_points",
            )
        )


def add_years(date: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


class Member(models.Model):
    """A Government, an intergovernmental organisation or a major-group organisation."""

    class Type(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        IGO = "igo", _("Intergovernmental organisation")
        MAJOR_GROUP = "major_group", _("Major group")

    class Sector(models.TextChoices):
        NGO = "ngo", _("NGO / civil society")
        PRIVATE = "private", _("Private sector")
        ACADEMIA = "academia", _("Academia and research")
        LOCAL_AUTHORITY = "local_authority", _("Decentralised / local authority")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    sector = models.CharField(
        _("sector"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("Major groups only."),
    )
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    country = CountryField(
        _("country"), help_text=_("For organisations, where they have their seat.")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="members", verbose_name=_("region")
    )
    website = models.URLField(_("website"), max_length=URL_LENGTH, blank=True)
    description = LongTextField(_("description"), max_length=TEXT, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="members/logos/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    date_joined = models.DateField(_("date joined"), validators=[HAPPENED])
    term_ends = models.DateField(
        _("membership term ends"),
        blank=True,
        validators=[TERM_END],
        help_text=_(
            "A term runs four years and is renewable. Left empty, it is set to four years after joining."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(
        _("left the partnership on"),
        null=True,
        blank=True,
        validators=[HAPPENED],
        help_text=_(
            "For a withdrawn member: from this day it no longer counts among the members. "
            "Set to today when left empty."
        ),
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="members", verbose_name=_("thematic and geographic areas")
    )
    contact_email = models.EmailField(
        _("contact email"),
        max_length=EMAIL_LENGTH,
        blank=True,
        help_text=_(
            "The organisation's general address; shown to members and the secretariat only."
        ),
    )
    record_confirmed_at = models.DateTimeField(
        _("record last confirmed"),
        null=True,
        blank=True,
        validators=[HAPPENED],
        help_text=_(
            "When a representative last confirmed that the record and focal point are current."
        ),
    )
    renewal_reminder_for = models.DateField(
        _("renewal reminder sent for the term ending"), null=True, blank=True, editable=False
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=(Q(type="major_group") & ~Q(sector=""))
                | (~Q(type="major_group") & Q(sector="")),
                name="member_sector_only_for_major_groups",
                violation_error_message=_(
                    "A major group needs a sector; Governments and intergovernmental "
                    "organisations have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(term_ends__gt=F("date_joined")),
                name="member_term_ends_after_joining",
                violation_error_message=_("The membership term must end after the date joined."),
            ),
        ]
        indexes = [
            models.Index(fields=["type", "status"]),
            # The directory's order in each language (MemberQuerySet.by_name), so that a page
            # of 50 is read from an index instead of sorting every member.
            *[
                models.Index(
                    natural_order(translated("name", code, english_required=True)),
                    F("id"),
                    name=f"member_name_{code}",
                )
                for code in ["en", "fr", "es"]
            ],
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:member-detail", kwargs={"slug": self.slug})

    @property
    def renewal_opens(self) -> datetime.date:
        """The first day the current term may be renewed."""
        return self.term_ends - datetime.timedelta(days=settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS)

    def renewal_open(self, today: datetime.date | None = None) -> bool:
        """Whether the term is in its renewal window (or has ended). A renewal moves the end a
        full term past today, out of the window: so a term is renewed once."""
        return (today or timezone.localdate()) >= self.renewal_opens

    @property
    def current_focal_point(self):
        if hasattr(self, "current_focal_points"):
            return next(iter(self.current_focal_points), None)
        return self.focal_points.focal_points().current().first()

    def clean(self):
        if self.date_joined and not self.term_ends:
            self.term_ends = add_years(self.date_joined, settings.MEMBERSHIP_TERM_YEARS)
        if self.status == self.Status.WITHDRAWN and self.left_on is None:
            self.left_on = timezone.localdate()
        if self.status != self.Status.WITHDRAWN:
            self.left_on = None
        if self.left_on and self.date_joined and self.left_on < self.date_joined:
            raise ValidationError({"left_on": _("A member cannot leave before it joined.")})


class FocalPointQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def focal_points(self):
        return self.filter(role=FocalPoint.Role.FOCAL_POINT)

    def alternates(self):
        return self.filter(role=FocalPoint.Role.ALTERNATE)


class FocalPoint(models.Model):
    """A person a member designates: its focal point, or an alternate.

    A member has at most one current focal point (no end date). Replacing one gives the
    earlier one an end date, so the history is kept.
    """

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        ALTERNATE = "alternate", _("Alternate")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="focal_points", verbose_name=_("member")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.FOCAL_POINT
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=EMAIL_LENGTH)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("For example: Spanish, Quechua, English."),
    )
    start_date = models.DateField(_("start date"), validators=[PLANNED])
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[PLANNED])

    objects = FocalPointQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-start_date"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points and alternates")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(role="focal_point", end_date__isnull=True),
                name="one_current_focal_point_per_member",
                violation_error_message=_(
                    "This member already has a current focal point. Give the earlier one an "
                    "end date, or use “Replace focal point”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="focal_point_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_current(self):
        return self.end_date is None

    def has_ended(self, today: datetime.date | None = None) -> bool:
        return self.end_date is not None and self.end_date < (today or timezone.localdate())


def current_representation(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Representations (reached through `prefix`, e.g. "representations__") that still grant
    anything: a colleague's until removed, a focal point's or alternate's until the end date
    of the designation it holds. Whatever path gives a focal point an end date (a replacement,
    a confirmed proposal, the admin's inline) ends their account's rights with it."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}focal_point__end_date__isnull": True}) | Q(
        **{f"{prefix}focal_point__end_date__gte": today}
    )


class RepresentationQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None):
        return self.filter(current_representation(today=today))


class Representation(models.Model):
    """An account that speaks for a member: its focal point, an alternate or a colleague.

    A person may represent several members; who may do what is decided in permissions.py.
    A focal point's or alternate's account holds their designation (`focal_point`) and ends
    with it; see `current_representation`.
    """

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        ALTERNATE = "alternate", _("Alternate")
        COLLEAGUE = "colleague", _("Colleague")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="representations",
        verbose_name=_("account"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="representations", verbose_name=_("member")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    focal_point = models.ForeignKey(
        FocalPoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("designation held"),
        help_text=_(
            "The focal point or alternate record this account speaks as; the account's "
            "rights end on that record's end date."
        ),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    objects = RepresentationQuerySet.as_manager()

    class Meta:
        ordering = ["member", "role", "user__email"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "member"],
                name="one_representation_per_user_and_member",
                violation_error_message=_("This account already represents this member."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.member}"


class MemberHistory(models.Model):
    """What a member's historical records (django-simple-history's, see members/history.py)
    add to the library's fields: when the change went out in the secretariat's digest."""

    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    class Meta:
        abstract = True


class FocalPointProposal(models.Model):
    """A new focal point proposed by a member's representative; the secretariat confirms it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the secretariat")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("member")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=EMAIL_LENGTH)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), validators=[PLANNED])
    language = models.CharField(
        _("language of the new focal point"),
        max_length=5,
        choices=settings.LANGUAGES,
        help_text=_("Their invitation is sent in it, and their job title is written in it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created = models.DateTimeField(_("proposed on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decline_reason = LongTextField(
        _("reason for declining"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required to decline; emailed to the person who proposed."),
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("proposed focal point")
        verbose_name_plural = _("proposed focal points")

    def __str__(self):
        return f"{self.name} – {self.member}"


class DecisionNotice(models.Model):
    """That the author of a submission (a news post, a newsletter item, a proposed focal
    point) is told the secretariat's decision on it: one row per submission and decision, so
    the same decision is never told twice, however often the record is saved again."""

    class Decision(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    title = models.CharField(_("title"), max_length=255)
    reason = LongTextField(_("reason"), max_length=SHORT_TEXT, blank=True)
    email = models.EmailField(_("email"), max_length=EMAIL_LENGTH)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    created = models.DateTimeField(_("decided on"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("decision notice")
        verbose_name_plural = _("decision notices")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "decision"], name="one_notice_per_decision"
            )
        ]

    def __str__(self):
        return f"{self.title} – {self.decision}"


class Invitation(models.Model):
    """A single-use, expiring link that creates or links an account to a member."""

    email = models.EmailField(_("email"), max_length=EMAIL_LENGTH)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("member")
    )
    role = models.CharField(_("role"), max_length=20, choices=Representation.Role.choices)
    focal_point = models.ForeignKey(
        FocalPoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("designation"),
        help_text=_("For a focal point or alternate: the record the account will speak as."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} – {self.member}"

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse("members:invitation-accept", kwargs={"token": self.token})


class MembershipApplication(models.Model):
    """An organisation's application to join, from the public form to the secretariat's decision."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Email not yet confirmed")
        PENDING = "pending", _("Waiting for the secretariat")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    name = models.CharField(_("organisation's name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Member.Type.choices)
    sector = models.CharField(
        _("sector"),
        max_length=20,
        choices=Member.Sector.choices,
        blank=True,
        help_text=_("Major groups only."),
    )
    country = CountryField(_("country"))
    website = models.URLField(_("website"), max_length=URL_LENGTH, blank=True)
    description = LongTextField(_("what the organisation does"), max_length=TEXT)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="+", verbose_name=_("thematic and geographic interests")
    )
    focal_point_name = models.CharField(_("proposed focal point"), max_length=200)
    focal_point_title = models.CharField(_("their title"), max_length=200, blank=True)
    focal_point_email = models.EmailField(
        _("their email"),
        max_length=EMAIL_LENGTH,
        help_text=_("We send the confirmation link here."),
    )
    focal_point_phone = models.CharField(_("their phone"), max_length=50, blank=True)
    focal_point_languages = models.CharField(_("languages they speak"), max_length=200, blank=True)
    contribution = LongTextField(_("how the organisation will contribute"), max_length=TEXT)
    consent = models.BooleanField(_("accepts the partnership's principles"), default=False)
    created = models.DateTimeField(_("received"), auto_now_add=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    organisation_verified = models.BooleanField(_("organisation verified"), default=False)
    focal_point_confirmed = models.BooleanField(_("focal point confirmed"), default=False)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Chosen by the secretariat before approval."),
    )
    decision_reason = LongTextField(
        _("reason for the decision"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required to reject; sent to the applicant."),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("member created"),
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        constraints = [
            models.CheckConstraint(
                condition=(Q(type="major_group") & ~Q(sector=""))
                | (~Q(type="major_group") & Q(sector="")),
                name="application_sector_only_for_major_groups",
                violation_error_message=_(
                    "A major group needs a sector; Governments and intergovernmental "
                    "organisations have none."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class TermRenewal(models.Model):
    """A membership term renewed: by the secretariat in the admin, or by a representative."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="renewals", verbose_name=_("member")
    )
    renewed_on = models.DateField(
        _("renewed on"), default=timezone.localdate, db_index=True, validators=[HAPPENED]
    )
    term_ends = models.DateField(_("new term ends"), validators=[TERM_END])

    class Meta:
        ordering = ["-renewed_on", "-pk"]
        verbose_name = _("term renewal")
        verbose_name_plural = _("term renewals")

    def __str__(self):
        return f"{self.member} · {self.renewed_on}"
