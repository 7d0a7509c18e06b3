import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from members.models import User
from members.permissions import SECRETARIAT_GROUP

EMAIL = "secretariat@example.org"


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class Command(BaseCommand):
    help = (
        "Development only: create (or reset) a local secretariat login with a fresh password "
        "and an authenticator (the admin needs a second factor), and print them. With --code, "
        "print the authenticator's current code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", action="store_true", help="print the current TOTP code")

    def handle(self, *args, code=False, **options):
        if not settings.DEBUG:
            raise CommandError("localadmin is for development only (DEBUG is false).")
        if code:
            authenticator = Authenticator.objects.filter(
                user__email=EMAIL, type=Authenticator.Type.TOTP
            ).first()
            if authenticator is None:
                raise CommandError("No local secretariat login yet: run `make run` first.")
            self.stdout.write(current_code(decrypt(authenticator.data["secret"])))
            return
        password = secrets.token_urlsafe(12)
        user, _created = User.objects.get_or_create(email=EMAIL)
        user.first_name, user.last_name = "Local", "Secretariat"
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
        EmailAddress.objects.update_or_create(
            user=user, email=EMAIL, defaults={"verified": True, "primary": True}
        )
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        self.stdout.write(
            self.style.SUCCESS(
                "Secretariat login for http://127.0.0.1:8000/admin/\n"
                f"  email:    {EMAIL}\n"
                f"  password: {password}\n"
                f"  authenticator secret (TOTP): {secret}\n"
                f"  code now: {current_code(secret)}   (a fresh one: make code)"
            )
        )
