import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from members import permissions

from . import services
from .forms import ItemSubmissionForm, PreferencesForm, SubscribeForm
from .models import Edition
from .rendering import edition_items, text_in
from .tokens import subscriber_from_confirm_token, subscriber_from_manage_token


def subscribe(request):
    """The subscribe form, and the archive of sent editions."""
    form = SubscribeForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.subscriber_subscribe(
            email=data["email"],
            language=data["language"],
            region=data["region"],
            format=data["format"],
            topics=data["topics"],
        )
        return redirect("newsletter:subscribe-sent")
    editions = Edition.objects.filter(status=Edition.Status.SENT).order_by("-month")
    return render(request, "newsletter/subscribe.html", {"form": form, "editions": editions})


def edition(request, month):
    """A sent edition on the web, in the reader's language (English where a text is missing)."""
    try:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    edition = get_object_or_404(Edition, month=first, status=Edition.Status.SENT)
    language = get_language()
    items = edition_items(edition, language, fallback=True)
    intro, intro_lang = text_in(edition, "intro", language, fallback=True)
    return render(
        request,
        "newsletter/edition.html",
        {"edition": edition, "items": items, "intro": intro, "intro_lang": intro_lang},
    )


def subscribe_sent(request):
    return render(request, "newsletter/subscribe_sent.html")


def confirm(request, token):
    """GET shows a button; only the POST confirms, so that a link scanner confirms nothing."""
    subscriber = subscriber_from_confirm_token(token)
    if subscriber is None:
        return render(request, "newsletter/bad_link.html", status=404)
    if request.method == "POST":
        services.subscriber_confirm(subscriber=subscriber)
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


def preferences(request, token):
    subscriber = subscriber_from_manage_token(token)
    if subscriber is None:
        return render(request, "newsletter/bad_link.html", status=404)
    form = PreferencesForm(request.POST or None, instance=subscriber)
    saved = False
    if request.method == "POST" and form.is_valid():
        form.save()
        saved = True
    return render(
        request,
        "newsletter/preferences.html",
        {"subscriber": subscriber, "form": form, "token": token, "saved": saved},
    )


@csrf_exempt
def unsubscribe(request, token):
    """RFC 8058 one-click unsubscribe: a POST to the signed link unsubscribes at once, with
    no login and no CSRF token (mail programs send it without a session). A GET only shows
    a button, so that link scanners unsubscribe no one."""
    subscriber = subscriber_from_manage_token(token)
    if subscriber is None:
        return render(request, "newsletter/bad_link.html", status=404)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    if request.method != "GET":
        raise Http404
    return render(
        request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token}
    )


@login_required
def item_submit(request, slug):
    """A representative sends an item for the newsletter; the secretariat reviews it."""
    member = permissions.editable_member_or_404(request.user, slug)
    form = ItemSubmissionForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        services.item_submit(member=member, user=request.user, **form.cleaned_data)
        messages.success(
            request, _("Thank you. The secretariat will review your item for the newsletter.")
        )
        return redirect("members:my-member-edit", slug=member.slug)
    return render(request, "newsletter/item_submit.html", {"member": member, "form": form})
