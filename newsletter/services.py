"""Writes to the newsletter's list: atomic, validated, and safe to repeat."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import DecisionNotice, Region
from members.services import decision_tell
from mountainpartnership.history import by
from mountainpartnership.i18n import written_in
from mountainpartnership.listing import shown

from .models import Subscriber, new_key

# However often an address is entered in the form, it gets at most one email in this time.
ONE_EMAIL_PER_ADDRESS_EVERY = 10 * 60


def email_once(subscriber: Subscriber, kind: str) -> None:
    from .tasks import subscription_email

    if cache.add(
        f"newsletter:mailed:{subscriber.email.casefold()}", 1, ONE_EMAIL_PER_ADDRESS_EVERY
    ):
        transaction.on_commit(lambda: subscription_email.delay(subscriber.pk, kind))


@transaction.atomic
def subscriber_subscribe(
    *, email: str, language: str, region: Region | None, format: str, topics
) -> None:
    """Put an address on the list, pending until it confirms from the emailed link.

    Answers nothing about the address: a new one gets a confirmation link, a pending one the
    link again, a confirmed one a note with its preferences link, an unsubscribed one a new
    confirmation; none of them more than one email per ten minutes. The preferences of an
    address already confirmed are not changed from here (only through its own link).
    """
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email.strip()).first()
    if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        subscriber = subscriber or Subscriber(email=email.strip())
        subscriber.language, subscriber.region, subscriber.format = language, region, format
        subscriber.status = Subscriber.Status.PENDING
        subscriber.full_clean()
        subscriber.save()
        subscriber.topics.set(topics)
        email_once(subscriber, "confirm")
    elif subscriber.status == Subscriber.Status.PENDING:
        email_once(subscriber, "confirm")
    else:
        email_once(subscriber, "already")


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> None:
    """Confirm a pending address (idempotent; an unsubscribed one is not brought back)."""
    if subscriber.status == Subscriber.Status.PENDING:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Take the address off the list at once. Idempotent."""
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])


@dataclass
class ImportReport:
    created: int = 0
    already: int = 0
    rejected: list = field(default_factory=list)  # (line number, row text, reason)


def unreadable(line: int) -> ValidationError:
    # The csv module stops at a value longer than its field limit (131,072 characters) or at
    # broken quoting, and cannot go on past it: nothing of the file is kept.
    return ValidationError(
        _(
            "Line %(line)s could not be read: a value is too long or its quotes are broken. "
            "Nothing was imported."
        )
        % {"line": line}
    )


def email_refusal(email: str) -> str | None:
    """Why the list cannot keep `email` (the model field's own checks), or None."""
    try:
        Subscriber._meta.get_field("email").clean(email, None)
    except ValidationError as error:
        if any(problem.code in {"invalid", "blank"} for problem in error.error_list):
            return _("not a valid email address")
        return " ".join(error.messages)
    return None


@transaction.atomic
def subscribers_import(*, data: bytes) -> ImportReport:
    """Import an existing list: CSV with columns email, language, region (slug or name).

    Imported addresses count as confirmed (they agreed to the list it comes from) and are
    marked as imported. Rows that cannot be used are reported with the reason; addresses
    already on the list are left as they are. All valid rows are saved together, or none.
    """
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text; save it as CSV (UTF-8).")) from None
    rows = csv.DictReader(io.StringIO(text))
    try:
        names = rows.fieldnames or []
    except csv.Error:
        raise unreadable(rows.line_num) from None
    missing = {"email", "language", "region"} - {name.strip().lower() for name in names}
    if missing:
        raise ValidationError(
            _(
                "The first row must name the columns email, language and region; missing: %(missing)s."
            )
            % {"missing": ", ".join(sorted(missing))}
        )
    regions = {}
    for region in Region.objects.all():
        for name in [region.slug, region.name_en, region.name_fr, region.name_es]:
            if name:
                regions[name.strip().casefold()] = region
    existing = {email.casefold() for email in Subscriber.objects.values_list("email", flat=True)}
    seen = set()
    now = timezone.now()
    try:
        for line, row in enumerate(rows, start=2):
            # Cells past the named columns come under the key None, as a list.
            extra = row.pop(None, None)
            row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
            email, language = row.get("email", ""), row.get("language", "").lower()[:2]
            region = regions.get(row.get("region", "").casefold())
            reason = _("more columns than the first row") if extra else None
            if reason is None:
                reason = email_refusal(email)
            if reason is None and language not in {"en", "fr", "es"}:
                reason = _("language must be en, fr or es")
            if reason is None and region is None:
                reason = _("unknown region")
            if reason is None and email.casefold() in seen:
                reason = _("the same address appears earlier in the file")
            if reason:
                report.rejected.append((line, shown(", ".join(row.values()), 200), reason))
                continue
            seen.add(email.casefold())
            if email.casefold() in existing:
                report.already += 1
                continue
            subscriber = Subscriber(
                email=email,
                language=language,
                region=region,
                status=Subscriber.Status.CONFIRMED,
                source=Subscriber.Source.IMPORT,
                confirmed_at=now,
                key=new_key(),
            )
            subscriber.full_clean(validate_constraints=False)
            subscriber.save()
            report.created += 1
    except csv.Error:
        raise unreadable(rows.line_num) from None
    return report


@transaction.atomic
def edition_mark_ready(*, edition, send_at=None) -> None:
    """Schedule an edition (now, if no time is given). Refused while a text lacks a
    translation in a language its segment's subscribers read, unless English fallback is
    chosen."""
    from .models import Edition
    from .rendering import missing_translations

    if edition.status not in {Edition.Status.DRAFT, Edition.Status.READY}:
        raise ValidationError(_("This edition is already being sent or has been sent."))
    # Only the languages of the readers it is for: an edition to French readers needs French.
    languages = set(
        Subscriber.objects.confirmed().in_segment(edition).values_list("language", flat=True)
    )
    missing = missing_translations(edition, languages)
    if missing and not edition.english_fallback:
        raise ValidationError(
            [
                _("Not translated into %(language)s: %(texts)s.")
                % {"language": language, "texts": "; ".join(texts)}
                for language, texts in sorted(missing.items())
            ]
            + [_("Translate them, or choose to send English where a translation is missing.")]
        )
    edition.status = Edition.Status.READY
    edition.send_at = send_at or timezone.now()
    edition.save(update_fields=["status", "send_at"])


@transaction.atomic
def deliveries_retry_failed(*, edition) -> int:
    """Put an edition's failed deliveries back in the queue (only those); returns how many."""
    from .models import Delivery, Edition

    retried = Delivery.objects.filter(edition=edition, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), claimed_until=None
    )
    if retried:
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        edition.status = Edition.Status.SENDING
        edition.finished_at = None
        # A save: the archive, the cached pages and search hear that it is sending again.
        edition.save(update_fields=["status", "finished_at"])
    return retried


@transaction.atomic
def item_submit(*, member, user, language: str, title: str, body: str, link: str, target_month):
    """A member's newsletter item, kept in the language it is written in (`language`) and in
    no other; the secretariat reviews, translates, approves and places it in an edition."""
    from .models import Item

    item = Item(
        member=member,
        submitted_by=user,
        link=link,
        target_month=target_month.replace(day=1),
        **{f"{field}_{language}": value for field, value in [("title", title), ("body", body)]},
    )
    item.full_clean()
    by(item, user).save()
    return item


def item_tell_author(item) -> None:
    """Tell a member's item's author the decision on it (once per decision; see
    members.services.decision_tell). Inside the deciding transaction."""
    from .models import Item

    if item.status == Item.Status.APPROVED:
        decision, reason = DecisionNotice.Decision.PUBLISHED, ""
    elif item.status == Item.Status.DECLINED:
        decision, reason = DecisionNotice.Decision.DECLINED, item.decline_reason
    else:
        return
    decision_tell(
        record=item,
        decision=decision,
        author=item.submitted_by,
        title=item.title,
        reason=reason,
        written_in=written_in(item),
    )


@transaction.atomic
def item_decide(*, item, user=None, status: str, reason: str = "") -> bool:
    """The secretariat approves an item for the newsletter, declines it (with a reason), or
    puts it back to submitted; its author is emailed an approval or a refusal once. Returns
    whether anything changed; ValidationError (nothing changed) for a refusal without a
    reason. Atomic."""
    from .models import Edition, Item

    if status not in Item.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status == status:
        return False
    item.status = status
    fields = ["status"]
    if status == Item.Status.DECLINED:
        item.decline_reason = reason.strip()
        fields.append("decline_reason")
    item.full_clean()
    by(item, user).save(update_fields=fields)
    item_tell_author(item)
    if status == Item.Status.APPROVED and item.edition_id is None:
        # Approved for a month whose edition is being written: it goes in at the end.
        draft = Edition.objects.filter(month=item.target_month, status=Edition.Status.DRAFT).first()
        if draft is not None:
            position = max(draft.items.values_list("position", flat=True), default=0) + 1
            item_place(item=item, edition=draft, position=position, user=user)
    return True


def neutral_url(path_in_english: str) -> str:
    """An absolute link to a page without its language prefix: the portal sends each reader
    to the page in their own language (the language middleware's redirect)."""
    from mountainpartnership.mail import site_url

    return site_url(path_in_english.removeprefix("/en"))


def months_after(day: datetime.date, count: int) -> datetime.date:
    month = day.month - 1 + count
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def filled_items(edition, now: datetime.datetime) -> list[tuple[str, dict]]:
    """(source, fields) of what an edition fills itself with, in order: upcoming events of
    the two months from its month's start, funding calls closing in the six weeks from it,
    news published since the last edition sent. A text is filled in a language only where
    the record has its title in that language, so that the rendering's fallback note shows
    where it is missing."""
    from django.utils.text import Truncator
    from django.utils.translation import override

    from activities.models import Event, FundingOpportunity, News
    from mountainpartnership import zones
    from mountainpartnership.dates import date_format

    from .models import Edition

    start = datetime.datetime.combine(edition.month, datetime.time.min, tzinfo=datetime.UTC)
    since = max(now, start)
    until = datetime.datetime.combine(
        months_after(edition.month, 2), datetime.time.min, tzinfo=datetime.UTC
    )
    languages = [code for code, _name in settings.LANGUAGES]

    def translated(record, title_field, body) -> dict:
        fields = {}
        for code in languages:
            title = getattr(record, f"{title_field}_{code}", "") or ""
            with override(code):
                fields[f"title_{code}"] = title
                fields[f"body_{code}"] = body(code) if title else ""
        return fields

    def excerpt(record, field, code) -> str:
        return Truncator(getattr(record, f"{field}_{code}", "") or "").chars(400)

    found = []
    events = Event.objects.filter(ends_at__gte=since, starts_at__lt=until).order_by("starts_at")
    for event in events:

        def event_body(code, event=event):
            when = zones.display(event.starts_at, event.timezone)
            place = ", ".join(str(part) for part in [event.city, event.country.name] if part)
            lines = [
                " · ".join(part for part in [when, place] if part),
                excerpt(event, "description", code),
            ]
            return "\n\n".join(line for line in lines if line)

        found.append(
            (
                f"event:{event.pk}",
                {
                    **translated(event, "title", event_body),
                    "link": neutral_url(
                        reverse_in("activities:event-detail", "en", slug=event.slug)
                    ),
                },
            )
        )
    today = since.date()
    calls = FundingOpportunity.objects.filter(
        deadline__gte=today, deadline__lt=today + datetime.timedelta(weeks=6)
    ).order_by("deadline", "pk")
    for call in calls:

        def call_body(code, call=call):
            closes = _("Closes on %(date)s. From %(donor)s.") % {
                "date": date_format(call.deadline, "DATE_FORMAT"),
                "donor": getattr(call, f"donor_{code}", "") or call.donor_en,
            }
            return "\n\n".join(
                line for line in [closes, excerpt(call, "description", code)] if line
            )

        found.append(
            (
                f"funding:{call.pk}",
                {
                    **translated(call, "title", call_body),
                    "link": call.url or neutral_url(reverse_in("activities:funding-list", "en")),
                },
            )
        )
    last = (
        Edition.objects.filter(status=Edition.Status.SENT, month__lt=edition.month)
        .exclude(started_at=None)
        .order_by("-month")
        .first()
    )
    news = News.objects.published()
    if last is not None:
        news = news.filter(published_at__gt=last.started_at)
    else:
        news = news.filter(published_at__gt=since - datetime.timedelta(days=31))
    for piece in news.order_by("published_at", "pk"):
        found.append(
            (
                f"news:{piece.pk}",
                {
                    **translated(
                        piece, "title", lambda code, piece=piece: excerpt(piece, "summary", code)
                    ),
                    "link": neutral_url(
                        reverse_in("activities:news-detail", "en", slug=piece.slug)
                    ),
                    "member": piece.member,
                },
            )
        )
    return found


def reverse_in(name: str, language: str, **kwargs) -> str:
    from django.urls import reverse
    from django.utils.translation import override

    with override(language):
        return reverse(name, kwargs=kwargs or None)


def waiting_items(month: datetime.date):
    """Items approved for `month` (members' mostly) that no edition holds yet, oldest first."""
    from .models import Item

    return (
        Item.objects.select_for_update()
        .filter(status=Item.Status.APPROVED, target_month=month, edition=None)
        .order_by("pk")
    )


def item_place(*, item, edition, position: int, user=None) -> None:
    """Put an item in an edition, at `position`."""
    item.edition, item.position = edition, position
    by(item, user).save(update_fields=["edition", "position"])


@transaction.atomic
def edition_fill(*, edition, now: datetime.datetime | None = None, user=None) -> int:
    """Add to a draft edition, after its own items, the items approved for its month that no
    edition holds yet (members' proposals), then, as approved items, the upcoming events, the
    funding calls closing soon and the news since the last edition (see `filled_items`).
    Idempotent: what it added before, by its source, is not added again, even if the
    secretariat has since edited, declined or moved it. Returns how many items it added."""
    from .models import Edition, Item

    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.status != Edition.Status.DRAFT:
        raise ValidationError(_("Only a draft edition can be filled."))
    now = now or timezone.now()
    taken = set(edition.items.exclude(source="").values_list("source", flat=True))
    position = max(edition.items.values_list("position", flat=True), default=0)
    added = 0
    # Items approved for this month and in no edition yet (members' proposals) come first.
    for item in waiting_items(edition.month):
        position += 1
        item_place(item=item, edition=edition, position=position, user=user)
        added += 1
    for source, fields in filled_items(edition, now):
        if source in taken:
            continue
        position += 1
        item = Item(
            edition=edition,
            status=Item.Status.APPROVED,
            target_month=edition.month,
            position=position,
            source=source,
            **fields,
        )
        item.full_clean()
        by(item, user).save()
        added += 1
    return added
