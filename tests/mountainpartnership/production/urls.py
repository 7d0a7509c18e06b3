from django.conf.urls.i18n import i18n_patterns
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from mountainpartnership.urls import urlpatterns as portal


@csrf_exempt
def fails(request, token):
    """A bug, as one happens: the message names the visitor's address and the link's token,
    and a local variable holds the post they were writing."""
    body = request.POST.get("body", "")
    raise RuntimeError(f"Could not reach {request.POST.get('email')} for {token} ({len(body)})")


urlpatterns = [*portal, *i18n_patterns(path("fails/<token:token>/", fails))]
