from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mountainpartnership.limits import EMAIL_LENGTH, HAPPENED, PLANNED, TEXT, LongTextField


class PageView(models.Model):
    """Page views of one public page in one language on one day: all that is kept. No cookie,
    no IP address, no user agent; crawlers are not counted."""

    day = models.DateField(_("day"))
    path = models.CharField(_("page"), max_length=300)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views")
        verbose_name_plural = _("page views")
        constraints = [
            models.UniqueConstraint(fields=["day", "path", "language"], name="page_view_once"),
        ]

    def __str__(self):
        return f"{self.day} {self.path} {self.count}"


class SearchEntry(models.Model):
    """One record, in one language, as site search sees it. Kept up to date when the record
    is saved or deleted (insight.search). On PostgreSQL `vector` is filled in with the
    language's dictionary, accents ignored; on SQLite the FTS5 table insight_searchentry_fts
    indexes title, keywords and text, kept in step by triggers (migration 0004: a migration
    that remakes this table on SQLite drops them and must create them again)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=12)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(max_length=400)
    # Made from the record by insight.search, never typed. The keywords find the record
    # without being worth showing in an excerpt (an acronym, a country, a city), apart from
    # the text the excerpt is taken from.
    keywords = models.TextField(blank=True, editable=False)
    text = models.TextField(blank=True, editable=False)
    url = models.CharField(max_length=300)
    members_only = models.BooleanField(default=False)
    # A post's topic: a topic is one result however many of its posts match.
    topic_id = models.PositiveBigIntegerField(null=True)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "language"], name="search_entry_once"
            ),
        ]
        # The GIN index on `vector` is made on PostgreSQL only, by a migration (0002), and
        # the FTS5 table on SQLite only (0004).

    def __str__(self):
        return f"{self.kind}: {self.title}"


class Nudge(models.Model):
    """The secretariat's email to a dormant member, listing what goes on in its areas."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="nudges", verbose_name=_("member")
    )
    email = models.EmailField(_("sent to"), max_length=EMAIL_LENGTH)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("nudge to a dormant member")
        verbose_name_plural = _("nudges to dormant members")

    def __str__(self):
        return f"{self.member} · {self.sent_at:%Y-%m-%d}"


class PartnerMessage(models.Model):
    """A message from one member to another's focal point, sent through the portal so that
    no address is shown."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sender"),
    )
    from_member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="messages_sent",
        verbose_name=_("from"),
    )
    to_member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="messages_received",
        verbose_name=_("to"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = LongTextField(_("message"), max_length=TEXT)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("message between members")
        verbose_name_plural = _("messages between members")

    def __str__(self):
        return f"{self.from_member} → {self.to_member}: {self.subject}"


class TaskFailureQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(failed_at__gte=moment)


class TaskFailure(models.Model):
    """A Celery task that failed for good (after its retries), written by the worker when it
    happens (insight.tasks.record_task_failure), for the dashboard's count. Only the task's
    name, id and exception class: its arguments and the message may hold personal data, and
    the traceback is in the log line and the error report."""

    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64)
    exception = models.CharField(_("exception"), max_length=200)
    retries = models.PositiveSmallIntegerField(_("retries"), default=0)
    failed_at = models.DateTimeField(_("failed"), default=timezone.now, db_index=True)

    objects = TaskFailureQuerySet.as_manager()

    class Meta:
        verbose_name = _("task failure")
        verbose_name_plural = _("task failures")
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task} {self.task_id}"


class MemberNote(models.Model):
    """A call, meeting or email between the secretariat and a member, with what was said and,
    if something must follow, when. Due follow-ups (not done, on or before today) wait in the
    secretariat's inbox (insight.inbox)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        OTHER = "other", _("Other")

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="notes", verbose_name=_("member")
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=[HAPPENED])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the secretariat"),
    )
    text = LongTextField(_("what was said"), max_length=TEXT)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True, validators=[PLANNED])
    done = models.BooleanField(_("follow-up done"), default=False)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("note on a member")
        verbose_name_plural = _("notes on members")
        indexes = [models.Index(fields=["done", "follow_up_on"])]

    def __str__(self):
        return f"{self.member} · {self.date:%Y-%m-%d} · {self.get_kind_display()}"

    def clean(self):
        if self.follow_up_on and self.date and self.follow_up_on < self.date:
            raise ValidationError(
                {"follow_up_on": _("A follow-up comes on or after the day of the note.")}
            )


class InboxDigest(models.Model):
    """One daily email of the secretariat's inbox (insight.tasks.inbox_digest): remembered so
    that the next one goes out only when something newer than `newest` waits."""

    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    newest = models.DateTimeField(_("newest entry waiting since"))
    entries = models.PositiveIntegerField(_("entries"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        get_latest_by = "sent_at"
        verbose_name = _("inbox email")
        verbose_name_plural = _("inbox emails")

    def __str__(self):
        return f"{self.sent_at:%Y-%m-%d %H:%M}"
