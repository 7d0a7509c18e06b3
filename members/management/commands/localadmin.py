import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from members.models import User
from members.permissions import SECRETARIAT_GROUP

EMAIL = "secretariat@example.org"


class Command(BaseCommand):
    help = (
        "Development only: create (or reset) a local secretariat login with a fresh random "
        "password, and print it."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("localadmin is for development only (DEBUG is false).")
        password = secrets.token_urlsafe(12)
        user, _created = User.objects.get_or_create(email=EMAIL)
        user.first_name, user.last_name = "Local", "Secretariat"
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
        self.stdout.write(
            self.style.SUCCESS(
                f"Secretariat login for http://127.0.0.1:8000/admin/\n"
                f"  email:    {EMAIL}\n"
                f"  password: {password}"
            )
        )
