from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_secretariat_permissions(sender, using, **kwargs):
    # Models added by later migrations get their permissions after the data migration
    # that created the group ran; this keeps the group complete after every migrate.
    from .permissions import secretariat_group_sync

    secretariat_group_sync(using=using)


def record_second_factor_on_activation(sender, request, user, authenticator, **kwargs):
    # Activating TOTP means entering a code from the new authenticator: the session has
    # shown the second factor, so the admin need not ask for it again straight away.
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and request.user.is_authenticated and request.user.pk == user.pk:
        record_authentication(request, user, "mfa", type=authenticator.type, reason="activated")


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from mountainpartnership import pictures

        # After modeltranslation's ready(): the history copies the per-language fields.
        from . import history  # noqa: F401
        from .models import Member

        # Logos are resized at upload as pictures are, to the widths they are shown at.
        pictures.follow(Member, "logo", widths=pictures.LOGO_WIDTHS)

        post_migrate.connect(grant_secretariat_permissions, dispatch_uid="secretariat-permissions")
        authenticator_added.connect(
            record_second_factor_on_activation, dispatch_uid="second-factor-on-activation"
        )
