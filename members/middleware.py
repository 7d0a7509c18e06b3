import re

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from mountainpartnership.i18n import LANGUAGE_NAMES

from .permissions import mark_second_factor, used_second_factor

DASHBOARD = re.compile(r"^/[a-z]{2}/dashboard/")


class SecondFactorMarkMiddleware:
    """Write on the request's user whether this session passed the second factor, which is
    what makes a staff account the secretariat (permissions.is_secretariat) on every page,
    export and admin screen alike. Lazy, as Django's own request.user: a request that never
    looks at its user (a cached page, a static file) reads neither session nor database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: marked_user(request))
        return self.get_response(request)


def marked_user(request):
    from django.contrib.auth.middleware import get_user

    # Django's get_user keeps the user it loads on the request: marked once per request.
    user = get_user(request)
    if user.is_authenticated:
        mark_second_factor(user, used_second_factor(request, user))
    return user


class SecretariatSecondFactorMiddleware:
    """The admin and the dashboard open only for staff who signed in with a second factor.

    Staff without one are sent to set up TOTP; staff who have one but signed in without it
    (an older session, a sign-in code) are sent to confirm it. Everyone else gets the admin's
    own answer (its login redirect, or a refusal), except people signed in without staff
    rights: the admin would send them to the login, which sends a signed-in person back, round
    and round. They get a page saying the admin is for the secretariat.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def guarded(self, path: str) -> bool:
        return path.startswith(self.admin_prefix) or DASHBOARD.match(path) is not None

    def __call__(self, request):
        user = request.user
        on_admin = request.path.startswith(self.admin_prefix)
        if on_admin and user.is_authenticated and not user.is_staff:
            return refused(request)
        if self.guarded(request.path) and user.is_authenticated and user.is_staff:
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    _("The admin needs a second factor: set up an authenticator app first."),
                )
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            if not used_second_factor(request):
                return redirect(f"{reverse('mfa_reauthenticate')}?next={request.path}")
        return self.get_response(request)


def refused(request):
    """The admin is for the secretariat: a page in the reader's language, like the site's."""
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            links.append(
                {
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                    "url": reverse("home"),
                    "current": code == current,
                }
            )
    return render(request, "members/admin_refused.html", {"language_links": links}, status=403)
