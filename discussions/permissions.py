"""Who may read, post, edit, flag and moderate in the discussions.

Built on members.permissions; views, templates, the email gateway and the admin all ask
here. A refusal comes with the sentence to show in place of the form.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from members.permissions import has_verified_email, is_representative, is_secretariat
from mountainpartnership import zones
from mountainpartnership.dates import date_format


def can_read(user, space) -> bool:
    if space.read_access == space.Read.EVERYONE:
        return True
    return (
        user.is_authenticated
        and user.is_active
        and (is_secretariat(user) or (is_representative(user) and has_verified_email(user)))
    )


def readers_among(space, users) -> set[int]:
    """The ids of those among `users` who may be sent what is posted in `space` (a new post
    to its followers, a digest, a consultation's synthesis), in two queries at most whatever
    their number.

    The rule of `can_read`, for accounts away from any session: current representatives with
    a verified address, and secretariat staff whose account has a second factor (on the site
    they read members-only spaces only after passing it; staff with none have no way to).
    An ended or replaced focal point or alternate, or a removed colleague, gets nothing."""
    from allauth.mfa.models import Authenticator
    from django.db.models import Exists, F, OuterRef, Q

    from members.models import Representation, User
    from members.permissions import SECRETARIAT_GROUP

    active = User.objects.filter(pk__in=[user.pk for user in users], is_active=True)
    if space.read_access == space.Read.EVERYONE:
        return set(active.values_list("pk", flat=True))
    secretariat = (
        active.filter(is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=SECRETARIAT_GROUP))
        .filter(
            Exists(
                Authenticator.objects.filter(user=OuterRef("pk")).exclude(
                    type=Authenticator.Type.RECOVERY_CODES
                )
            )
        )
    )
    representatives = active.filter(
        pk__in=Representation.objects.current().values("user_id"),
        emailaddress__verified=True,
        emailaddress__email__iexact=F("email"),
    )
    return set(secretariat.values_list("pk", flat=True)) | set(
        representatives.values_list("pk", flat=True)
    )


def readable_spaces(user, spaces):
    """`spaces` narrowed to those `user` may read, in one query."""
    from .models import Space

    if can_read(user, Space(read_access=Space.Read.MEMBERS)):
        return spaces
    return spaces.filter(read_access=Space.Read.EVERYONE)


def readable_consultations(user, consultations):
    """`consultations` narrowed to those whose space `user` may read: a consultation, its
    contributions and its documents are as private as its discussion space."""
    from .models import Space

    if can_read(user, Space(read_access=Space.Read.MEMBERS)):
        return consultations
    return consultations.filter(space__read_access=Space.Read.EVERYONE)


def posting_refusal(user, space, topic=None, now=None) -> str | None:
    """Why `user` may not post in `space` (or reply in `topic`) now; None if they may."""
    now = now or timezone.now()
    consultation = getattr(space, "consultation", None)
    if consultation is not None and not consultation.is_open(now):
        opens = date_format(consultation.local_opens(), "DATETIME_FORMAT")
        closes = date_format(consultation.local_closes(), "DATETIME_FORMAT")
        zone = zones.label(consultation.timezone)
        if now < consultation.opens_at:
            return _(
                "This consultation opens on %(opens)s and closes on %(closes)s (%(zone)s). "
                "Contributions are welcome from its opening."
            ) % {"opens": opens, "closes": closes, "zone": zone}
        return _(
            "This consultation was open from %(opens)s to %(closes)s (%(zone)s) and is now "
            "closed. Thank you to everyone who took part."
        ) % {"opens": opens, "closes": closes, "zone": zone}
    if not user.is_authenticated:
        return _("Sign in to take part in this discussion.")
    if not user.is_active or not can_read(user, space):
        return _("Only member representatives may take part in this discussion.")
    if not has_verified_email(user):
        return _("Confirm your email address to take part in discussions.")
    if topic is not None and topic.locked and not is_secretariat(user):
        return _("This topic is locked: it takes no more replies.")
    if space.write_access == space.Write.REPRESENTATIVES and not (
        is_secretariat(user) or is_representative(user)
    ):
        return _("Only representatives of partnership members may post in this space.")
    return None


def can_post(user, space, topic=None) -> bool:
    return posting_refusal(user, space, topic) is None


def can_edit_post(user, post, now=None) -> bool:
    """The author, within the editing window, while the post is shown."""
    now = now or timezone.now()
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and post.shown
        and now <= post.editable_until()
        and not post.topic.locked
    )


def can_delete_post(user, post) -> bool:
    return user.is_authenticated and post.author_id == user.pk and post.deleted_at is None


def can_flag(user, post, space_readable=None) -> bool:
    """Anyone signed in who can read it, but not on their own post. Pass `space_readable`
    when already known, to spare a query per post on a topic page."""
    if not (user.is_authenticated and user.is_active and post.author_id != user.pk):
        return False
    if space_readable is None:
        space_readable = can_read(user, post.topic.space)
    return post.shown and space_readable


def can_moderate(user) -> bool:
    return is_secretariat(user)


def can_export(user, consultation) -> bool:
    """A consultation's contributions, with names: for the secretariat and its moderator,
    and only while they may read the consultation's space."""
    if not can_read(user, consultation.space):
        return False
    return is_secretariat(user) or (
        user.is_authenticated and user.is_active and consultation.moderator_id == user.pk
    )


def document_access(user, name: str) -> str | None:
    """For the media view (mountainpartnership/media.py), the file `name` under
    consultations/: a document of a consultation `user` may read, for everyone (PUBLIC) or
    not (PRIVATE), or None: a consultation they may not read, or a file no document holds
    any more (its document deleted, perhaps from a members-only consultation)."""
    from mountainpartnership import media

    from .models import Document, Space

    document = Document.objects.select_related("consultation__space").filter(file=name).first()
    if document is None or not can_read(user, document.consultation.space):
        return None
    if document.consultation.space.read_access == Space.Read.EVERYONE:
        return media.PUBLIC
    return media.PRIVATE
