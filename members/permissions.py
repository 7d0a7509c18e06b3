"""Who may do what. Views, templates and the admin ask this module; none re-implements a check."""

from django.apps import apps as global_apps
from django.db.models import Q

SECRETARIAT_GROUP = "Secretariat"

# The secretariat edits every record of the portal's own apps. Accounts it may only read:
# changing an account can grant staff or superuser rights, which is for superusers alone.
SECRETARIAT_APPS = ["members", "activities", "newsletter", "discussions", "insight"]
SECRETARIAT_READ_ONLY_MODELS = [("members", "user")]


def secretariat_group_sync(*, apps=global_apps, using="default"):
    """Create the Secretariat group if needed and grant it every permission it should have.

    Adds, never removes, so permissions granted by hand stay. Safe to run any number of
    times; takes the historical `apps` registry when called from a migration.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    read_only = Q(pk__in=[])
    for app_label, model in SECRETARIAT_READ_ONLY_MODELS:
        read_only |= Q(content_type__app_label=app_label, content_type__model=model)
    permissions = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=SECRETARIAT_APPS)
        .exclude(read_only & ~Q(codename__startswith="view_"))
    )
    group.permissions.add(*permissions)
    return group


# Where the session's second factor is written on the user object (see `mark_second_factor`).
SECOND_FACTOR_MARK = "_mp_second_factor"


def mark_second_factor(user, passed: bool):
    """Write on `user` whether the session acting as it passed the second factor, and return it.

    The site's middleware (members.middleware.SecondFactorMarkMiddleware) marks every
    request's user from its session. Code that acts for a person away from a request (a task
    started from a page) marks the user it loads with the decision the page made, passed to
    it as an argument: the task then has exactly the page's powers, no more."""
    setattr(user, SECOND_FACTOR_MARK, bool(passed))
    return user


def is_secretariat(user) -> bool:
    """Secretariat staff (active staff accounts in the Secretariat group, and superusers) in a
    session that passed the second factor.

    A password or an emailed code alone is not enough: such a staff session is an ordinary
    user's everywhere. A user object nobody marked (loaded in a task, a management command,
    the email gateway) has no session, hence no second factor: it is refused too. Callers
    away from a request that need the secretariat's powers mark the user deliberately
    (`mark_second_factor`)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if getattr(user, SECOND_FACTOR_MARK, False) is not True:
        return False
    return user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists()


def has_verified_email(user) -> bool:
    """A verified address: what posting anything on the site requires."""
    from allauth.account.models import EmailAddress

    return (
        user.is_authenticated
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def current_representations(user):
    """The account's representations that still grant anything (see
    models.current_representation): the one place that says whether a user speaks for a
    member. Everything below, and the other apps' permissions, ask through it."""
    from .models import Representation

    if not user.is_authenticated or not user.is_active:
        return Representation.objects.none()
    return Representation.objects.current().filter(user=user)


def represented_members(user):
    """The members this account speaks for (none for anonymous visitors)."""
    from .models import Member

    return Member.objects.public().filter(pk__in=current_representations(user).values("member_id"))


def representation_of(user, member):
    """This account's current representation of `member`, or None."""
    return current_representations(user).filter(member=member).first()


def is_representative(user) -> bool:
    """Whether the account speaks for any member now."""
    return current_representations(user).exists()


def can_edit_member(user, member) -> bool:
    """Representatives edit their own organisation's record; the secretariat edits any."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    return representation_of(user, member) is not None and has_verified_email(user)


def speaks_first_for(user, member) -> bool:
    """The secretariat, or the member's focal point or an alternate (with a verified address):
    who manages its colleagues and renews its term."""
    from .models import Representation

    if is_secretariat(user):
        return True
    representation = representation_of(user, member)
    return (
        representation is not None
        and representation.role in {Representation.Role.FOCAL_POINT, Representation.Role.ALTERNATE}
        and has_verified_email(user)
    )


def can_manage_colleagues(user, member) -> bool:
    """The focal point and alternates add and remove colleagues; so may the secretariat."""
    return speaks_first_for(user, member)


def can_manage_invitation(user, invitation) -> bool:
    """Who re-sends or cancels an invitation still waiting: the secretariat, any; the member's
    focal point and alternates, the colleagues' invitations of their own member."""
    from .models import Representation

    if invitation.accepted_at is not None:
        return False
    if is_secretariat(user):
        return True
    return invitation.role == Representation.Role.COLLEAGUE and can_manage_colleagues(
        user, invitation.member
    )


def can_renew_term(user, member) -> bool:
    """The focal point and alternates renew their membership's term; so may the secretariat.
    When a term may be renewed is the service's rule (services.member_term_renew)."""
    return speaks_first_for(user, member)


def can_see_contacts(user) -> bool:
    """Focal points' email and phone: member representatives and the secretariat only."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_secretariat(user) or is_representative(user)


def used_second_factor(request, user=None) -> bool:
    """Whether this session's sign-in went through a second factor (TOTP or recovery code)
    for `user` (by default the request's)."""
    from allauth.account.authentication import get_authentication_records

    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, user or request.user)
    )


def editable_member_or_404(user, slug):
    """The public member `slug` if `user` may edit it; otherwise a 404, so that the edit pages
    of other members do not even confirm which members exist."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .models import Member

    member = get_object_or_404(Member.objects.public(), slug=slug)
    if not can_edit_member(user, member):
        raise Http404
    return member
