from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from insight.views import inbox

from . import health, media, views

admin.site.site_header = _("Mountain Partnership secretariat")
admin.site.site_title = _("Mountain Partnership")
admin.site.index_title = _("Records of the partnership")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # The admin signs in through the site's login: same rate limits, same second factor.
    path("admin/login/", views.admin_login),
    # The secretariat's inbox, inside the admin: its login, header and second factor.
    path("admin/inbox/", admin.site.admin_view(inbox), name="admin-inbox"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("style/", views.style, name="style"),
    path("", include("members.urls")),
    path("", include("activities.urls")),
    path("", include("newsletter.urls")),
    path("", include("discussions.urls")),
    path("", include("insight.urls")),
    path("accounts/", include("allauth.urls")),
)

if settings.ANYMAIL["WEBHOOK_SECRET"]:
    urlpatterns += [path("anymail/", include("anymail.urls"))]

if settings.BENCH_BARE_VIEW:
    # For `make bench-load` only: the cost of Django itself, to compare the pages against.
    urlpatterns += [path("bench/bare", views.bare)]

# Uploaded files, with safe headers (mountainpartnership/media.py), in development and production.
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve, name="media")]
