from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Mountain Partnership secretariat")
admin.site.site_title = _("Mountain Partnership")
admin.site.index_title = _("Records of the partnership")

urlpatterns = [
    # The admin signs in through the site's login: same rate limits, same second factor.
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("members.urls")),
    path("", include("activities.urls")),
    path("", include("newsletter.urls")),
    path("", include("discussions.urls")),
    path("", include("insight.urls")),
    path("accounts/", include("allauth.urls")),
)

if settings.ANYMAIL["WEBHOOK_SECRET"]:
    urlpatterns += [path("anymail/", include("anymail.urls"))]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
