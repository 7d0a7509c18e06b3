import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from members.models import User
from members.permissions import is_secretariat
from mountainpartnership import zones
from mountainpartnership.db import natural_order, translated
from mountainpartnership.listing import paginate
from mountainpartnership.spreadsheets import csv_response

from . import permissions, services
from .forms import EditForm, FlagForm, ReaderForm, ReplyForm, TopicForm
from .models import Consultation, Follow, Post, Reader, Space, Topic
from .tokens import read_emails_off_token, read_unfollow_token

POSTS_PER_PAGE = 50
TOPICS_PER_PAGE = 30


def _readable_space_or_404(request, slug):
    space = get_object_or_404(Space.objects.select_related("area", "consultation"), slug=slug)
    if not permissions.can_read(request.user, space):
        raise Http404
    return space


def _refused(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


def space_list(request):
    spaces = (
        permissions.readable_spaces(request.user, Space.objects.filter(consultation=None))
        .select_related("area")
        .annotate(topic_count=Count("topics"), last_post=Max("topics__last_posted_at"))
        .order_by("position", natural_order(translated("title")), "pk")
    )
    general = [space for space in spaces if space.area is None]
    thematic = [space for space in spaces if space.area and space.area.kind == "thematic"]
    geographic = [space for space in spaces if space.area and space.area.kind == "geographic"]
    members_only = (
        not request.user.is_authenticated
        and Space.objects.filter(read_access=Space.Read.MEMBERS, consultation=None).exists()
    )
    return render(
        request,
        "discussions/space_list.html",
        {
            "groups": [
                (_("General discussions"), general),
                (_("Thematic areas"), thematic),
                (_("Geographic areas"), geographic),
            ],
            "members_only": members_only,
        },
    )


def _following(user, **target):
    return user.is_authenticated and Follow.objects.filter(user=user, **target).exists()


def space_detail(request, space):
    space = _readable_space_or_404(request, space)
    if hasattr(space, "consultation"):
        return redirect(space.consultation)
    topics = space.topics.listed().select_related("author")
    page = paginate(request, topics, TOPICS_PER_PAGE, [])
    return render(
        request,
        "discussions/space_detail.html",
        {
            "space": space,
            "page": page,
            "following": _following(request.user, space=space),
            "refusal": permissions.posting_refusal(request.user, space),
        },
    )


def topic_new(request, space):
    space = _readable_space_or_404(request, space)
    if hasattr(space, "consultation"):
        # A consultation's contributions all go to its one topic, on its own page.
        raise Http404
    refusal = permissions.posting_refusal(request.user, space)
    form = TopicForm(request.POST or None, initial={"language": get_language()})
    if refusal is None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_start(
                space=space,
                user=request.user,
                title=data["title"],
                body=data["body"],
                language=data["language"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            services.reader_for(request.user, get_language())
            return redirect(topic)
    status = 403 if refusal and request.method == "POST" else 200
    return render(
        request,
        "discussions/topic_new.html",
        {"space": space, "form": form, "refusal": refusal},
        status=status,
    )


def _posts(topic):
    return (
        topic.posts.select_related("author", "member")
        .with_author_names()
        .order_by("created_at", "pk")
    )


def topic_detail(request, space, topic):
    space = _readable_space_or_404(request, space)
    topic = get_object_or_404(Topic, pk=topic, space=space)
    topic.space = space
    if hasattr(space, "consultation"):
        return redirect(space.consultation)
    return _topic_page(request, topic, "discussions/topic_detail.html", {})


def _topic_page(request, topic, template, extra):
    space = topic.space
    refusal = permissions.posting_refusal(request.user, space, topic)
    form = ReplyForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST":
        if refusal is not None:
            return render(
                request, template, _topic_context(request, topic, form, refusal, extra), status=403
            )
        if form.is_valid():
            try:
                post = services.reply_post(
                    topic=topic,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                _refused(form, error)
            else:
                services.reader_for(request.user, get_language())
                return redirect(post)
    return render(request, template, _topic_context(request, topic, form, refusal, extra))


def _topic_context(request, topic, form, refusal, extra):
    page = paginate(request, _posts(topic), POSTS_PER_PAGE, [])
    user = request.user
    now = timezone.now()
    for post in page:
        post.topic = topic
        post.can_edit = permissions.can_edit_post(user, post, now)
        post.can_delete = permissions.can_delete_post(user, post)
        post.can_flag = permissions.can_flag(user, post, space_readable=True)
    return {
        "topic": topic,
        "space": topic.space,
        "page": page,
        "form": form,
        "refusal": refusal,
        "following": _following(user, topic=topic),
        "moderator": is_secretariat(user),
        **extra,
    }


def post_detail(request, post):
    """A post's permanent address: the page of its topic where it is, at its anchor."""
    post = get_object_or_404(Post.objects.select_related("topic__space"), pk=post)
    topic = post.topic
    if not permissions.can_read(request.user, topic.space):
        raise Http404
    before = topic.posts.filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    ).count()
    page = before // POSTS_PER_PAGE + 1
    consultation = getattr(topic.space, "consultation", None)
    url = consultation.get_absolute_url() if consultation else topic.get_absolute_url()
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{url}{query}#post-{post.pk}")


def _own_post_or_404(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__space"), pk=pk)
    if not permissions.can_read(request.user, post.topic.space):
        raise Http404
    return post


@login_required
def post_edit(request, post):
    post = _own_post_or_404(request, post)
    if not permissions.can_edit_post(request.user, post):
        messages.error(
            request,
            _("This post can no longer be edited: posts can be changed for %(minutes)s minutes.")
            % {"minutes": settings.DISCUSSIONS_EDIT_MINUTES},
        )
        return redirect(post)
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(post=post, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            _refused(form, error)
        else:
            return redirect(post)
    return render(request, "discussions/post_edit.html", {"post": post, "form": form})


@login_required
def post_delete(request, post):
    post = _own_post_or_404(request, post)
    if not permissions.can_delete_post(request.user, post):
        raise Http404
    if request.method == "POST":
        services.post_delete(post=post, user=request.user)
        messages.success(request, _("Your post is deleted. Replies to it stay."))
        return redirect(post)
    return render(request, "discussions/post_delete.html", {"post": post})


@login_required
def post_flag(request, post):
    post = _own_post_or_404(request, post)
    if not permissions.can_flag(request.user, post):
        raise Http404
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_flag(post=post, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Thank you. The secretariat will review this post."))
            return redirect(post)
    return render(request, "discussions/post_flag.html", {"post": post, "form": form})


@require_POST
@login_required
def follow_space(request, space):
    space = _readable_space_or_404(request, space)
    if request.POST.get("follow") == "0":
        services.unfollow(user=request.user, space=space)
        messages.success(request, _("You no longer follow this space."))
    else:
        services.follow(user=request.user, language=get_language(), space=space)
        messages.success(
            request, _("You follow this space: new topics and replies will come by email.")
        )
    consultation = getattr(space, "consultation", None)
    return redirect(consultation or space)


@require_POST
@login_required
def follow_topic(request, space, topic):
    space = _readable_space_or_404(request, space)
    topic = get_object_or_404(Topic, pk=topic, space=space)
    if request.POST.get("follow") == "0":
        services.unfollow(user=request.user, topic=topic)
        messages.success(request, _("You no longer follow this topic."))
    else:
        services.follow(user=request.user, language=get_language(), topic=topic)
        messages.success(request, _("You follow this topic: new replies will come by email."))
    consultation = getattr(space, "consultation", None)
    return redirect(consultation or topic)


@login_required
def reader_settings(request):
    # No language said by opening the page: the form shows the one in use until it is saved.
    reader = services.reader_for(request.user)
    form = ReaderForm(request.POST or None, instance=reader)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email settings are saved."))
        return redirect("discussions:settings")
    follows = (
        Follow.objects.filter(user=request.user)
        .select_related("space", "topic__space")
        .order_by("-created_at")
    )
    return render(request, "discussions/settings.html", {"form": form, "follows": follows})


@require_POST
@login_required
def unfollow_from_settings(request, follow):
    Follow.objects.filter(user=request.user, pk=follow).delete()
    messages.success(request, _("Done: no more emails about that."))
    return redirect("discussions:settings")


@csrf_exempt
def unfollow(request, token):
    """One-click unsubscribe (RFC 8058) from one follow: POST without a session or CSRF token
    (mail programs send it so); a GET only shows the button, so link scanners change nothing."""
    pk = read_unfollow_token(token)
    follow = Follow.objects.select_related("space", "topic").filter(pk=pk).first() if pk else None
    if request.method not in {"GET", "POST"}:
        raise Http404
    if request.method == "POST":
        if follow is not None:
            follow.delete()
        return render(request, "discussions/unfollowed.html", {"follow": follow})
    if pk is None:
        return render(request, "discussions/bad_link.html", status=404)
    return render(request, "discussions/unfollow.html", {"follow": follow, "token": token})


@csrf_exempt
def emails_off(request, token):
    """One-click unsubscribe from every discussion email (the digest's List-Unsubscribe)."""
    pk = read_emails_off_token(token)
    if pk is not None and not User.objects.filter(pk=pk).exists():
        pk = None  # the account is gone: nothing left to stop
    if pk is None or request.method not in {"GET", "POST"}:
        return render(request, "discussions/bad_link.html", status=404)
    if request.method == "POST":
        reader, _created = Reader.objects.get_or_create(user_id=pk)
        reader.frequency = Reader.Frequency.NEVER
        reader.save(update_fields=["frequency"])
        return render(request, "discussions/emails_off_done.html")
    return render(request, "discussions/emails_off.html", {"token": token})


def consultation_list(request):
    now = timezone.now()
    consultations = permissions.readable_consultations(
        request.user, Consultation.objects.all()
    ).annotate(contributions=Count("topic__posts", filter=Q(topic__posts__deleted_at=None)))
    members_only = (
        not request.user.is_authenticated
        and Consultation.objects.filter(space__read_access=Space.Read.MEMBERS).exists()
    )
    return render(
        request,
        "discussions/consultation_list.html",
        {
            "open": consultations.open(now).order_by("closes_at"),
            "upcoming": consultations.upcoming(now).order_by("opens_at"),
            "closed": consultations.closed(now).order_by("-closes_at"),
            "members_only": members_only,
        },
    )


def _consultation_or_404(request, slug):
    """The consultation, if its space is one `request.user` may read: otherwise a 404, as
    for the space's posts anywhere else."""
    consultation = get_object_or_404(
        Consultation.objects.select_related("space", "topic", "moderator").prefetch_related(
            Prefetch("documents")
        ),
        slug=slug,
    )
    if not permissions.can_read(request.user, consultation.space):
        raise Http404
    return consultation


def consultation_detail(request, slug):
    consultation = _consultation_or_404(request, slug)
    topic = consultation.topic
    topic.space = consultation.space
    consultation.space.consultation = consultation
    return _topic_page(
        request,
        topic,
        "discussions/consultation_detail.html",
        {
            "consultation": consultation,
            "state": consultation.state(),
            "can_export": permissions.can_export(request.user, consultation),
        },
    )


EXPORT_COLUMNS = ["post", "topic", "author", "organisation", "date", "language", "source", "text"]


def consultation_export(request, slug, format):
    """Every contribution, for the secretariat's report: CSV (UTF-8 with BOM) or JSON."""
    consultation = _consultation_or_404(request, slug)
    if not permissions.can_export(request.user, consultation) or format not in {"csv", "json"}:
        raise Http404
    posts = (
        Post.objects.filter(topic__space=consultation.space, deleted_at=None)
        .exclude(moderation=Post.Moderation.HIDDEN)
        .select_related("author", "member", "topic")
        .order_by("created_at", "pk")
    )

    def consultation_time(moment):
        return zones.local(moment, consultation.timezone).isoformat()

    rows = [
        {
            "post": post.pk,
            "topic": post.topic.title,
            "author": post.author.get_full_name() if post.author else "",
            "organisation": post.member.name if post.member else "",
            # In the consultation's zone, as its opening and closing are, with the offset.
            "date": consultation_time(post.created_at),
            "language": post.language,
            "source": post.source,
            "text": post.body,
        }
        for post in posts
    ]
    filename = f"{consultation.slug}-contributions.{format}"
    if format == "json":
        response = HttpResponse(
            json.dumps(
                {
                    "consultation": consultation.question,
                    "opens_at": consultation_time(consultation.opens_at),
                    "closes_at": consultation_time(consultation.closes_at),
                    "timezone": consultation.timezone,
                    "contributions": rows,
                },
                ensure_ascii=False,
                indent=1,
            ),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    response, writer = csv_response(filename)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([row[column] for column in EXPORT_COLUMNS] for row in rows)
    return response
