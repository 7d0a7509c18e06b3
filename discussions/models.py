"""Discussion spaces, their topics and posts, moderation, following, and e-consultations."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mountainpartnership import zones
from mountainpartnership.limits import LONG_TEXT, PLANNED, TEXT, LongTextField

from .markup import render_markup
from .validators import validate_document


class Space(models.Model):
    """Where members talk: one per thematic and geographic area, general ones the secretariat
    adds, and one per e-consultation."""

    class Read(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        MEMBERS = "members", _("Signed-in member representatives")

    class Write(models.TextChoices):
        REPRESENTATIVES = "representatives", _("Member representatives")
        VERIFIED = "verified", _("Anyone with a verified account")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = LongTextField(_("description"), max_length=TEXT, blank=True)
    area = models.OneToOneField(
        "members.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space",
        verbose_name=_("area"),
    )
    read_access = models.CharField(
        _("who may read"), max_length=10, choices=Read.choices, default=Read.EVERYONE
    )
    write_access = models.CharField(
        _("who may post"), max_length=20, choices=Write.choices, default=Write.REPRESENTATIVES
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("discussion space")
        verbose_name_plural = _("discussion spaces")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("discussions:space-detail", kwargs={"space": self.slug})


class TopicQuerySet(models.QuerySet):
    def listed(self):
        """Pinned topics first, then the most recently active."""
        return self.order_by("-pinned", "-last_posted_at", "-pk")


class Topic(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="topics", verbose_name=_("space")
    )
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="topics",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_posted_at = models.DateTimeField(_("last post"), default=timezone.now, db_index=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("A locked topic takes no more replies.")
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussion topic")
        verbose_name_plural = _("discussion topics")
        indexes = [models.Index(fields=["space", "-pinned", "-last_posted_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "discussions:topic-detail", kwargs={"space": self.space.slug, "topic": self.pk}
        )


def held_name(user_ref="author") -> Subquery:
    """The name on the focal-point or alternate record the account (`user_ref`) holds, the
    latest if several: how a representative who gave no name of their own is shown."""
    from members.models import Representation

    return Subquery(
        Representation.objects.filter(user=OuterRef(user_ref), focal_point__isnull=False)
        .order_by("-focal_point__start_date", "-pk")
        .values("focal_point__name")[:1]
    )


class PostQuerySet(models.QuerySet):
    def with_author_names(self):
        """Each post with `author_held_name` (see held_name), for the pages that list posts."""
        return self.annotate(author_held_name=held_name())


class Post(models.Model):
    """A topic's opening post or a reply. The body is kept as written (Markdown) and as the
    sanitized HTML made from it on every save; pages show only the latter."""

    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Hidden pending review")
        HIDDEN = "hidden", _("Hidden by the secretariat")

    class Source(models.TextChoices):
        WEB = "web", _("Website")
        EMAIL = "email", _("Email")

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="posts", verbose_name=_("topic")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="posts",
        verbose_name=_("author"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("organisation"),
        help_text=_("The member the author spoke for when posting."),
    )
    body = LongTextField(_("text"), max_length=LONG_TEXT)
    body_html = models.TextField(_("text as shown"), editable=False)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    source = models.CharField(_("sent from"), max_length=5, choices=Source.choices, default="web")
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted by the author"), null=True, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["topic", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(moderation="hidden") | ~Q(moderation_reason=""),
                name="post_hidden_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.topic} #{self.pk}"

    def save(self, *args, **kwargs):
        self.body_html = render_markup(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("discussions:post-detail", kwargs={"post": self.pk})

    @property
    def shown(self):
        """Whether its text appears to readers."""
        return self.deleted_at is None and self.moderation == self.Moderation.VISIBLE

    def editable_until(self):
        return self.created_at + datetime.timedelta(minutes=settings.DISCUSSIONS_EDIT_MINUTES)


class Flag(models.Model):
    """Someone signed in thinks a post breaks the rules. Enough of them hide it until the
    secretariat reviews it."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="flags", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolved_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_user"),
        ]

    def __str__(self):
        return f"{self.user} → {self.post}"


class ModerationQueue(Post):
    """Posts flagged and not yet reviewed, for the secretariat."""

    class Meta:
        proxy = True
        verbose_name = _("flagged post")
        verbose_name_plural = _("moderation queue")


class Follow(models.Model):
    """Someone wants new posts of a space, or of one topic, by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("user"),
    )
    space = models.ForeignKey(
        Space,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("space"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("topic"),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(space__isnull=True, topic__isnull=False)
                | Q(space__isnull=False, topic__isnull=True),
                name="follow_a_space_or_a_topic",
            ),
            models.UniqueConstraint(
                fields=["user", "space"], condition=Q(space__isnull=False), name="follow_space_once"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="follow_topic_once"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.space or self.topic}"

    @property
    def target(self):
        return self.space or self.topic


class Reader(models.Model):
    """How one account wants discussion emails: at once or in a daily digest. Their language is
    the account's own (members.User.language), the same for every email of the portal."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Each new post as it comes")
        DAILY = "daily", _("One digest a day")
        NEVER = "never", _("No emails")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="discussion_reader",
        verbose_name=_("user"),
    )
    frequency = models.CharField(
        _("emails"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    digest_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("reader")
        verbose_name_plural = _("readers")

    def __str__(self):
        return str(self.user)


class Notice(models.Model):
    """One post to tell one reader about; recorded so that a task run twice tells them once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="notices", verbose_name=_("post")
    )
    follow = models.ForeignKey(
        Follow, on_delete=models.CASCADE, related_name="notices", verbose_name=_("follow")
    )
    digest = models.BooleanField(_("in the daily digest"), default=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="notice_once_per_post"),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(sent_at__isnull=True), name="notice_unsent_by_user"
            )
        ]

    def __str__(self):
        return f"{self.user} ← {self.post}"


class ConsultationQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        return self.filter(opens_at__gt=now or timezone.now())

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())


class Consultation(models.Model):
    """A thematic e-consultation run by the secretariat (with the Mountain Forum, §15): a
    question, open for contributions between two moments, then a synthesis."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    question = models.CharField(_("question"), max_length=300)
    background = LongTextField(_("background"), max_length=LONG_TEXT, blank=True)
    space = models.OneToOneField(
        Space,
        on_delete=models.PROTECT,
        related_name="consultation",
        verbose_name=_("discussion space"),
        editable=False,
    )
    topic = models.OneToOneField(
        Topic,
        on_delete=models.PROTECT,
        related_name="consultation",
        verbose_name=_("contributions topic"),
        editable=False,
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderated_consultations",
        verbose_name=_("moderator"),
    )
    opens_at = models.DateTimeField(_("opens"), validators=[PLANNED])
    closes_at = models.DateTimeField(_("closes"), validators=[PLANNED])
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=zones.CHOICES,
        default="Europe/Rome",
        help_text=_("Opening and closing times are shown in this time zone."),
    )
    synthesis = LongTextField(_("synthesis"), max_length=LONG_TEXT, blank=True)
    synthesis_published_at = models.DateTimeField(_("synthesis published"), null=True, blank=True)
    closing_sent_at = models.DateTimeField(_("closing email sent"), null=True, blank=True)
    synthesis_sent_at = models.DateTimeField(_("synthesis email sent"), null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("e-consultation")
        verbose_name_plural = _("e-consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("discussions:consultation-detail", kwargs={"slug": self.slug})

    def local_opens(self):
        return zones.local(self.opens_at, self.timezone)

    def local_closes(self):
        return zones.local(self.closes_at, self.timezone)

    def state(self, now=None):
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "closed"

    def is_open(self, now=None):
        return self.state(now) == "open"


def document_path(document, filename):
    return f"consultations/{document.consultation.slug}/{filename}"


class Document(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("e-consultation"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=document_path,
        validators=[validate_document],
        help_text=_("PDF, OpenDocument or Microsoft Office; 10 MB at most."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title
