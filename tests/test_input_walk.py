"""Every form, model field, query-string filter and URL parameter, walked with what a visitor
can type: empty, one character too long, 200,000 characters, a NUL, the wrong type, a far
date. None of it may give a 500 or save anything; each gets a form error, a notice or a 404.

Nothing here is a hand-kept list alone. Forms are found as the subclasses of Django's form
class in the portal's modules, the admin's forms from its registry, filters as the subclasses
of IgnoringFilterSet, URLs from the resolver and columns from the database: a form, filter or
field added without a place in the walk makes a test here fail and say which.
"""

import datetime
import importlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import django_filters
import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.messages import ERROR, get_messages
from django.core import mail
from django.db import connection, models
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from members.models import FocalPointProposal, Representation
from mountainpartnership.limits import EMAIL_LENGTH, URL_LENGTH, LongTextField
from mountainpartnership.listing import IgnoringFilterSet
from tests.conftest import PASSWORD, clear_cache, sign_in, verified_user
from tests.limits import long_email

PORTAL = ["members", "activities", "newsletter", "discussions", "insight", "mountainpartnership"]
# Models whose rows an answer may legitimately touch without anything being saved: the
# session of the signed-in visitor, and the page views counted for each page shown.
NOT_WATCHED = {"django_session", "insight_pageview"}


def portal_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PORTAL and not model._meta.proxy and model._meta.managed
    ]


def columns(table: str) -> dict[str, tuple[str, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, character_maximum_length "
            "FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return {name: (kind, length) for name, kind, length in cursor.fetchall()}


# 1. Models and columns.


@pytest.mark.django_db
def test_every_text_field_has_one_limit_shared_by_the_model_and_its_column():
    problems = []
    for model in portal_models():
        table = columns(model._meta.db_table)
        for f in model._meta.concrete_fields:
            where = f"{model._meta.label}.{f.name}"
            if isinstance(f, models.TextField) and f.editable and not isinstance(f, LongTextField):
                problems.append(f"{where}: free text people fill needs a limit (LongTextField)")
                continue
            if not isinstance(f, models.CharField | LongTextField):
                continue
            kind, length = table[f.column]
            if (kind, length) != ("character varying", f.max_length):
                problems.append(
                    f"{where}: the model keeps {f.max_length}, the column {kind}({length})"
                )
            if isinstance(f, models.EmailField) and f.max_length != EMAIL_LENGTH:
                problems.append(f"{where}: an address keeps {EMAIL_LENGTH}, not {f.max_length}")
            if isinstance(f, models.URLField) and f.max_length != URL_LENGTH:
                problems.append(f"{where}: a link keeps {URL_LENGTH}, not {f.max_length}")
    # Accounts' addresses, kept by allauth, take as many characters as everyone else's.
    if EmailAddress._meta.get_field("email").max_length != EMAIL_LENGTH:
        problems.append("allauth's EmailAddress.email does not keep 254 characters")
    assert not problems, "\n".join(problems)


# 2. The forms: which exist, and where each is walked.


def portal_form_classes() -> set[type]:
    for app in PORTAL:
        for module in ["forms", "admin", "views"]:
            try:
                importlib.import_module(f"{app}.{module}")
            except ModuleNotFoundError as missing:
                if missing.name != f"{app}.{module}":
                    raise
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PORTAL:
                found.add(sub)
    return found


@dataclass
class Walk:
    """Where a form is filled in, by whom, and a submission it accepts."""

    url: str
    who: str  # anonymous, representative, secretariat
    data: dict
    method: str = "post"
    # How a refusal looks: "form" (the page again, with the form's errors), "404", or
    # "message" (back to the page it came from, with an error message).
    refused: str = "form"
    # A field the page needs but a visitor does not type (the button pressed, say).
    fixed: set = field(default_factory=set)
    # What the form is made with, when no page shows it to read its fields from.
    form_kwargs: dict = field(default_factory=dict)


def site_walks(world) -> dict:
    from activities.forms import NewsSubmissionForm
    from discussions.admin import HideForm, LockForm
    from discussions.forms import EditForm, FlagForm, ReaderForm, ReplyForm, TopicForm
    from insight.forms import PartnerMessageForm, ReportDateForm, SearchForm
    from members import forms as member_forms
    from members.admin import ProposalDeclineForm
    from newsletter.forms import (
        ItemSubmissionForm,
        PreferencesForm,
        SubscribeForm,
        TestSendForm,
    )

    w = world
    my = f"/en/my/{w.member.slug}"
    return {
        member_forms.MemberEditForm: Walk(
            f"{my}/",
            "representative",
            {
                "description_en": "Research in the Andes.",
                "description_fr": "Recherche dans les Andes.",
                "description_es": "",
                "website": "https://andes.example.org",
                "contact_email": "info@andes.example.org",
                "areas": [str(w.area.pk)],
            },
        ),
        member_forms.ColleagueForm: Walk(
            f"{my}/colleagues/", "representative", {"email": "ana@example.org", "language": "es"}
        ),
        member_forms.ColleagueRemoveForm: Walk(
            f"{my}/colleagues/",
            "representative",
            {"remove": str(w.colleague.pk)},
            refused="404",
            form_kwargs={"member": w.member},
        ),
        member_forms.FocalPointProposalForm: Walk(
            f"{my}/focal-point/",
            "representative",
            {
                "name": "Rosa Mamani",
                "title": "Director",
                "email": "rosa@example.org",
                "phone": "+591 2 555 0100",
                "languages": "Spanish, Aymara",
                "language": "es",
                "start_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            },
        ),
        member_forms.InvitationSignupForm: Walk(
            f"/en/invitations/{w.invitation.token}/",
            "anonymous",
            {"password1": PASSWORD, "password2": PASSWORD},
        ),
        member_forms.MembershipApplicationForm: Walk(
            "/en/members/join/",
            "anonymous",
            {
                "name": "Asociación de Comunidades de Cuchumatanes",
                "acronym": "ACC",
                "type": "major_group",
                "sector": "ngo",
                "country": "GT",
                "website": "https://acc.example.org",
                "description": "Trabajamos con comunidades de los Cuchumatanes.",
                "language": "es",
                "areas": [str(w.area.pk)],
                "focal_point_name": "María Tzoc",
                "focal_point_title": "Coordinadora",
                "focal_point_email": "maria@acc.example.org",
                "focal_point_phone": "+502 555 0101",
                "focal_point_languages": "Español, K'iche'",
                "contribution": "Compartiremos nuestra experiencia.",
                "consent": "on",
                "website_confirmation": "",
            },
        ),
        SubscribeForm: Walk(
            "/en/newsletter/",
            "anonymous",
            {
                "email": "marie@example.org",
                "language": "fr",
                "region": str(w.member.region.pk),
                "format": "text",
                "topics": [str(w.area.pk)],
                "website_confirmation": "",
            },
        ),
        PreferencesForm: Walk(
            f"/en/newsletter/preferences/{w.manage_token}/",
            "anonymous",
            {
                "language": "es",
                "region": str(w.member.region.pk),
                "format": "html",
                "topics": [str(w.area.pk)],
            },
        ),
        ItemSubmissionForm: Walk(
            f"{my}/newsletter-item/",
            "representative",
            {
                "title": "A watershed atlas",
                "body": "The atlas is out.",
                "link": "https://example.org/atlas",
                "language": "en",
                "target_month": (timezone.localdate() + datetime.timedelta(days=40)).strftime(
                    "%Y-%m"
                ),
            },
        ),
        NewsSubmissionForm: Walk(
            f"{my}/news/",
            "representative",
            {
                "title": "A new atlas",
                "summary": "It is out.",
                "body": "The whole story.",
                "language": "en",
            },
        ),
        TopicForm: Walk(
            f"/en/discussions/{w.space.slug}/new/",
            "representative",
            {
                "title": "Terraces",
                "body": "Who repairs them?",
                "language": "en",
                "website_confirmation": "",
            },
        ),
        ReplyForm: Walk(
            f"/en/discussions/{w.space.slug}/{w.topic.pk}/",
            "representative",
            {"body": "We do.", "language": "en", "website_confirmation": ""},
        ),
        EditForm: Walk(
            f"/en/discussions/posts/{w.own_post.pk}/edit/", "representative", {"body": "Edited."}
        ),
        FlagForm: Walk(
            f"/en/discussions/posts/{w.other_post.pk}/flag/",
            "representative",
            {"reason": "Advertising.", "website_confirmation": ""},
        ),
        ReaderForm: Walk(
            "/en/discussions/settings/",
            "representative",
            {"first_name": "Ana", "last_name": "Quispe", "frequency": "daily", "language": "es"},
        ),
        PartnerMessageForm: Walk(
            f"{my}/partners/{w.other_member.slug}/",
            "representative",
            {"subject": "Terraces", "body": "Shall we talk?", "website_confirmation": ""},
        ),
        SearchForm: Walk(
            "/en/search/", "anonymous", {"q": "andes", "kind": "", "page": "1"}, method="get"
        ),
        ReportDateForm: Walk(
            "/en/dashboard/report/", "secretariat", {"date": "2006-04-01"}, method="get"
        ),
        member_forms.FocalPointReplaceForm: Walk(
            f"/admin/members/member/{w.member.pk}/replace-focal-point/",
            "secretariat",
            {
                "name": "Rosa Mamani",
                "title_en": "Director",
                "title_fr": "",
                "title_es": "",
                "email": "rosa@example.org",
                "phone": "",
                "languages": "",
                "language": "en",
                "start_date": timezone.localdate().isoformat(),
            },
        ),
        TestSendForm: Walk(
            f"/admin/newsletter/edition/{w.edition.pk}/test/",
            "secretariat",
            {"email": "test@example.org", "language": "en"},
            refused="message",
        ),
        HideForm: Walk(
            "/admin/discussions/post/",
            "secretariat",
            {
                "action": "hide",
                "_selected_action": [str(w.other_post.pk)],
                "apply": "1",
                "reason": "Advertising.",
            },
            fixed={"action", "_selected_action", "apply"},
        ),
        ProposalDeclineForm: Walk(
            "/admin/members/focalpointproposal/",
            "secretariat",
            {
                "action": "decline",
                "_selected_action": [str(w.proposal.pk)],
                "apply": "1",
                "reason": "They have left the organisation.",
            },
            fixed={"action", "_selected_action", "apply"},
        ),
        LockForm: Walk(
            "/admin/discussions/topic/",
            "secretariat",
            {
                "action": "lock",
                "_selected_action": [str(w.topic.pk)],
                "apply": "1",
                "reason": "The discussion is over.",
            },
            fixed={"action", "_selected_action", "apply"},
        ),
        member_forms.LoginForm: Walk(
            "/en/accounts/login/", "anonymous", {"login": w.stranger.email, "password": PASSWORD}
        ),
        member_forms.SignupForm: Walk(
            "/en/accounts/signup/",
            "anonymous",
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ),
        member_forms.ResetPasswordForm: Walk(
            "/en/accounts/password/reset/", "anonymous", {"email": w.stranger.email}
        ),
        member_forms.RequestLoginCodeForm: Walk(
            "/en/accounts/login/code/", "anonymous", {"email": w.stranger.email}
        ),
        member_forms.AddEmailForm: Walk(
            "/en/accounts/email/",
            "representative",
            {"email": "second@example.org", "action_add": ""},
            fixed={"action_add"},
        ),
    }


def admin_form_classes() -> set[type]:
    found = set()
    for model_admin in admin.site._registry.values():
        found.add(model_admin.form)
        if getattr(model_admin, "add_form", None):
            found.add(model_admin.add_form)
    return found


# Forms walked elsewhere, each for a reason.
WALKED_ELSEWHERE = {
    # A file, not typed values: tests/newsletter/test_limits.py sends it rows of every kind.
    "newsletter.forms.ImportForm",
    # The fields shared by TopicForm and ReplyForm, never used alone.
    "discussions.forms.PostFields",
}


@pytest.mark.django_db
def test_every_form_of_the_portal_has_a_place_in_the_walk():
    world = World.make()
    walked = set(site_walks(world)) | admin_form_classes()
    named = {f"{cls.__module__}.{cls.__qualname__}" for cls in walked} | WALKED_ELSEWHERE
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in portal_form_classes()
        if f"{cls.__module__}.{cls.__qualname__}" not in named
    )
    assert not missing, f"Forms the walk does not fill in: {missing}"


# 3. The values.


def longer_than(form_field, limit: int) -> str:
    if isinstance(form_field, forms.EmailField):
        return long_email(limit + 1)
    if isinstance(form_field, forms.URLField):
        return "https://example.org/" + "a" * (limit + 1 - len("https://example.org/"))
    return "x" * (limit + 1)


def bad_values(form, name) -> dict[str, str]:
    """What a visitor can type into the field `name` of `form` that it must refuse."""
    form_field = form.fields[name]
    if isinstance(form_field, forms.BooleanField | forms.FileField):
        return {}  # a checkbox takes any value as ticked; a file is not typed
    values = {"a NUL": "\x00", "200,000 characters": "x" * 200_000}
    if form_field.required:
        values["nothing"] = ""
    # One past what is kept: the model's limit when the field feeds one, else the form's own.
    model_field = model_field_of(form, name)
    limit = getattr(model_field, "max_length", None) or getattr(form_field, "max_length", None)
    if isinstance(form_field, forms.EmailField):
        limit = EMAIL_LENGTH
    if limit:
        values[f"{limit + 1} characters"] = longer_than(form_field, limit)
    if not isinstance(form_field, forms.CharField) or isinstance(
        form_field, forms.EmailField | forms.URLField
    ):
        values["letters"] = "abc"
    if not isinstance(form_field, forms.CharField):
        values["a superscript two"] = "²"
        values["5,000 digits"] = "9" * 5000
    if isinstance(form_field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        values["year 1"] = "0001-01-01"
        values["year 9999"] = "9999-12-31"
    return values


def model_field_of(form, name):
    """The model field a form field feeds, when there is one."""
    model_field = getattr(form.fields[name], "model_field", None)
    if model_field is None and isinstance(form, forms.BaseModelForm):
        try:
            model_field = form._meta.model._meta.get_field(name)
        except Exception:  # a field of the form's own
            return None
    return model_field


def limit_problems(form, where: str) -> list[str]:
    """A text field takes no more than its column keeps, and the browser is told so."""
    problems = []
    for name, form_field in form.fields.items():
        if not isinstance(form_field, forms.CharField):
            continue
        limit = form_field.max_length
        model_field = model_field_of(form, name)
        if model_field is not None and getattr(model_field, "max_length", None):
            if limit != model_field.max_length:
                problems.append(
                    f"{where}.{name}: the form takes {limit}, the model {model_field.max_length}"
                )
        elif limit is None and not (
            isinstance(form_field.widget, forms.PasswordInput) or name == "website_confirmation"
        ):
            # Passwords are never stored as typed; the honeypot is never stored at all.
            problems.append(f"{where}.{name}: no maximum length")
        if isinstance(form_field, forms.EmailField) and limit != EMAIL_LENGTH:
            problems.append(f"{where}.{name}: an address takes {EMAIL_LENGTH}, not {limit}")
        if limit and form_field.widget.attrs.get("maxlength") != str(limit):
            problems.append(f"{where}.{name}: the browser is not told the limit ({limit})")
    return problems


# 4. The site's forms, filled in through the pages.


class World:
    """A member with its representative, a colleague, a discussion, a subscriber, an edition,
    an invitation: what the forms need to be filled in."""

    @classmethod
    def make(cls):
        from discussions.models import Post
        from members.services import invitation_send
        from newsletter.models import Edition, Subscriber
        from newsletter.tokens import manage_token
        from tests.factories import (
            AreaFactory,
            FocalPointFactory,
            PostFactory,
            SpaceFactory,
            TopicFactory,
            UserFactory,
        )

        world = cls()
        world.area = AreaFactory(slug="walk-soils")
        world.member = FocalPointFactory(
            member__slug="walk-andes", member__description_en="Research in the Andes."
        ).member
        world.other_member = FocalPointFactory(member__slug="walk-alps").member
        world.representative = verified_user(
            date_joined=timezone.now() - datetime.timedelta(days=30)
        )
        Representation.objects.create(
            user=world.representative, member=world.member, role=Representation.Role.FOCAL_POINT
        )
        world.colleague = Representation.objects.create(
            user=verified_user(), member=world.member, role=Representation.Role.COLLEAGUE
        )
        world.stranger = verified_user()
        world.space = SpaceFactory(slug="walk-terraces")
        world.topic = TopicFactory(space=world.space)
        world.other_post = PostFactory(topic=world.topic, author=UserFactory())
        world.own_post = Post.objects.create(
            topic=world.topic, author=world.representative, body="Mine.", language="en"
        )
        world.invitation = invitation_send(
            member=world.member,
            email="invited@example.org",
            role=Representation.Role.COLLEAGUE,
            language="en",
            invited_by=world.representative,
        )
        subscriber = Subscriber.objects.create(
            email="sub@example.org", language="en", region=world.member.region, status="confirmed"
        )
        world.manage_token = manage_token(subscriber)
        world.edition = Edition.objects.create(month=timezone.localdate(), intro_en="Hello.")
        # Another member's: the walk's own member proposes one through its form.
        world.proposal = FocalPointProposal.objects.create(
            member=world.other_member,
            name="Ueli Brunner",
            email="ueli@example.org",
            start_date=timezone.localdate() + datetime.timedelta(days=30),
            language="en",
        )
        mail.outbox.clear()
        return world

    def client(self, who: str, secretariat=None) -> Client:
        """A browser for `who`; a 500 comes back as an answer, so the walk can go on."""
        client = Client(raise_request_exception=False)
        if who == "representative":
            sign_in(client, self.representative)
        elif who == "secretariat":
            sign_in(client, secretariat, secretariat.totp_secret)
        return client


def fingerprint() -> dict[str, str]:
    """A checksum of every row the portal keeps (sessions and page views aside)."""
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed} - NOT_WATCHED)
    query = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
        f'FROM "{table}" t'
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def changed(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])


def send(client, walk: Walk, data: dict):
    clear_cache()  # rate limits would answer before the form does
    if walk.method == "get":
        return client.get(walk.url, data)
    return client.post(walk.url, data)


def form_in(response, form_class):
    contexts = response.context
    if contexts is None:
        return None
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for candidate in context.flatten().values():
            if isinstance(candidate, form_class):
                return candidate
    return None


def refusal_problems(response, walk: Walk, form_class, before, mails) -> list[str]:
    problems = []
    if walk.refused == "form":
        form = form_in(response, form_class)
        if response.status_code != 200 or form is None or not form.errors:
            problems.append(f"answered {response.status_code} without the form's errors")
    elif walk.refused == "404" and response.status_code != 404:
        problems.append(f"answered {response.status_code}, not 404")
    elif walk.refused == "message":
        errors = [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
        if response.status_code != 302 or not errors:
            problems.append(f"answered {response.status_code} without an error message")
    after = fingerprint()
    if changed(before, after):
        problems.append(f"saved something in {changed(before, after)}")
    if len(mail.outbox) != mails:
        problems.append("sent an email")
    return problems


@pytest.mark.django_db
def test_every_site_form_refuses_what_it_cannot_keep_and_saves_nothing(secretariat_user):
    world = World.make()
    problems, tried = [], 0
    for form_class, walk in site_walks(world).items():
        name = form_class.__name__
        client = world.client(walk.who, secretariat_user)
        shown = client.get(walk.url) if walk.method == "get" or walk.refused != "message" else None
        form = form_in(shown, form_class) if shown is not None else None
        if form is None:
            form = form_class(**walk.form_kwargs)
        problems += limit_problems(form, name)
        for field_name in form.fields:
            if field_name in walk.fixed:
                continue
            for label, value in bad_values(form, field_name).items():
                before, mails = fingerprint(), len(mail.outbox)
                response = send(client, walk, {**walk.data, field_name: value})
                tried += 1
                problems += [
                    f"{name}.{field_name} with {label}: {problem}"
                    for problem in refusal_problems(response, walk, form_class, before, mails)
                ]
        # The same submission with nothing wrong in it is accepted: the refusals above came
        # from the values, not from the rest of the form.
        response = send(client, walk, walk.data)
        accepted = form_in(response, form_class)
        if response.status_code >= 400 or (accepted is not None and accepted.errors):
            errors = accepted.errors.as_text() if accepted is not None else ""
            problems.append(
                f"{name}: a good submission was refused ({response.status_code}) {errors}"
            )
    assert tried > 300, tried
    assert not problems, "\n".join(problems)


# 5. The admin's forms, add and change, with their inlines.


def browser_data(form) -> dict:
    """What a browser sends for `form` as it stands, filled with its instance's values."""
    data = {}
    for name, form_field in form.fields.items():
        if form_field.disabled or isinstance(form_field, forms.FileField):
            continue
        value = form[name].value()
        widget = getattr(form_field.widget, "widget", form_field.widget)
        if isinstance(widget, forms.MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part.isoformat()
        elif isinstance(form_field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, datetime.date | datetime.time):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def with_value(form_field, data: dict, name: str, value: str) -> dict:
    data = dict(data)
    widget = getattr(form_field.widget, "widget", form_field.widget)
    if isinstance(widget, forms.MultiWidget):
        data[f"{name}_0"] = value
        data[f"{name}_1"] = "12:00:00"
    else:
        data[name] = value
    return data


BOUND_TRIED = []


def bound_problems(form_class, instance, where: str, add_data=None) -> list[str]:
    form = form_class(instance=instance)
    data = {**browser_data(form), **(add_data or {})}
    baseline = form_class(data, instance=instance)
    baseline.is_valid()
    problems = []
    if baseline.errors:
        problems.append(f"{where}: the record as it stands is refused: {baseline.errors.as_text()}")
        return problems
    for name, form_field in baseline.fields.items():
        if form_field.disabled:
            continue
        for label, value in bad_values(baseline, name).items():
            bound = form_class(with_value(form_field, data, name, value), instance=instance)
            BOUND_TRIED.append(where)
            # The record as it stands is accepted: an error now is the value's (on its own
            # field, or on another, as "the two passwords differ").
            if bound.is_valid():
                problems.append(f"{where}.{name} with {label}: accepted")
    return problems


# Add forms that take what no record has (a new account's password).
ADD_DATA = {
    "members.User": {
        "email": "new.account@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "usable_password": "true",
    },
}


# The libraries' own admin pages for superusers alone (the Secretariat group has no rights
# there): schedules and second factors, not typed by the secretariat. Every other admin page
# (accounts, their addresses and groups included) is walked.
LIBRARY_ADMINS = {
    "mfa.Authenticator",
    "django_celery_beat.PeriodicTask",
    "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.SolarSchedule",
    "django_celery_beat.IntervalSchedule",
}


def admin_records(world):
    """A record of each kind the demo has none of, so that every admin page has one to open."""
    from insight.models import InboxDigest, MemberNote, Nudge, PageView, PartnerMessage
    from insight.services import task_failure_record
    from members.models import FocalPointProposal
    from newsletter.models import Item
    from tests.factories import MembershipApplicationFactory

    member, user = world.member, world.representative
    FocalPointProposal.objects.create(
        member=member,
        name="Rosa",
        email="rosa@example.org",
        language="es",
        start_date=timezone.localdate(),
    )
    MembershipApplicationFactory()
    Item.objects.create(
        member=member, title_en="Atlas", body_en="Out.", target_month=timezone.localdate()
    )
    Nudge.objects.create(member=member, email="fp@example.org", language="en")
    MemberNote.objects.create(member=member, text="Called about the atlas.")
    InboxDigest.objects.create(newest=timezone.now())
    PartnerMessage.objects.create(
        sender=user, from_member=member, to_member=world.other_member, subject="Hi", body="Hello."
    )
    PageView.objects.create(day=timezone.localdate(), path="/en/", language="en", count=1)
    task_failure_record(
        task="insight.tasks.flush_page_views", task_id="t1", exception="E", retries=0
    )


@pytest.mark.django_db
def test_every_admin_form_refuses_what_it_cannot_keep(secretariat_user):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    admin_records(World.make())
    secretariat_user.is_superuser = True
    request = RequestFactory().get("/admin/")
    request.user = secretariat_user
    problems = []
    registered = {model._meta.label for model in admin.site._registry}
    assert registered >= LIBRARY_ADMINS, "LIBRARY_ADMINS names a page the admin no longer has"
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in LIBRARY_ADMINS:
            continue
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            problems.append(f"{label}: no record to open in the admin; the walk needs one")
            continue
        change_form = model_admin.get_form(request, obj, change=True)
        problems += limit_problems(change_form(instance=obj), f"{label} (change)")
        if model_admin.has_change_permission(request, obj):
            problems += bound_problems(change_form, obj, f"{label} (change)")
        if model_admin.has_add_permission(request):
            add_form = model_admin.get_form(request, None)
            problems += limit_problems(add_form(), f"{label} (add)")
            if label in ADD_DATA:
                problems += bound_problems(add_form, None, f"{label} (add)", ADD_DATA[label])
        for formset, inline in model_admin.get_formsets_with_inlines(request, obj):
            child = inline.get_queryset(request).filter(**{formset.fk.name: obj}).first()
            child = child or inline.model._default_manager.order_by("pk").first()
            where = f"{label} › {inline.model._meta.label}"
            problems += limit_problems(formset.form(instance=child), where)
            if child is not None and inline.has_change_permission(request, obj):
                problems += bound_problems(formset.form, child, where)
    assert len(BOUND_TRIED) > 500, len(BOUND_TRIED)
    assert not problems, "\n".join(problems)


# 6. The query string: filters and page numbers.


def filter_pages() -> dict:
    from activities.filters import ActivityFilter, EventFilter, FundingFilter
    from members.filters import MemberFilter

    return {
        MemberFilter: ["/en/members/", "/en/members/export.csv", "/en/api/members/"],
        ActivityFilter: ["/en/activities/", "/en/api/activities/"],
        EventFilter: ["/en/events/", "/en/events/past/", "/en/events.ics", "/en/api/events/"],
        FundingFilter: ["/en/funding/"],
    }


QUERY_VALUES = {
    "a NUL": "\x00",
    "a superscript two": "²",
    "5,000 digits": "9" * 5000,
    "200,000 characters": "x" * 200_000,
    "year 9999": "9999-12-31",
}


@pytest.mark.django_db
def test_every_filter_and_page_number_ignores_what_it_cannot_read_and_says_so():
    from tests.factories import ActivityFactory, EventFactory, FundingOpportunityFactory

    client = World.make().client("anonymous")
    ActivityFactory(), EventFactory(), FundingOpportunityFactory()
    pages = filter_pages()
    unwalked = [cls.__name__ for cls in IgnoringFilterSet.__subclasses__() if cls not in pages]
    assert not unwalked, f"Filters the walk does not try: {unwalked}"
    problems = []
    for filterset, urls in pages.items():
        for url in urls:
            for name in [*filterset.base_filters, "page"]:
                free_text = isinstance(filterset.base_filters.get(name), django_filters.CharFilter)
                for label, value in QUERY_VALUES.items():
                    clear_cache()
                    response = client.get(url, {name: value})
                    expected = 404 if "/api/" in url and name == "page" else 200
                    # Words searched for are any text; only what no search takes is noted.
                    noted = not free_text or label in {"a NUL", "200,000 characters"}
                    if response.status_code != expected:
                        problems.append(f"{url}?{name}= {label}: {response.status_code}")
                    elif "text/html" in response["Content-Type"] and noted:
                        page = response.content.decode()
                        if not re.search(r"(not a known value|not a page number|no page)", page):
                            problems.append(f"{url}?{name}= {label}: ignored without a note")
                        quoted = re.findall(r"“([^”]*)” is not a", page)
                        if any(len(value) > 21 for value in quoted):
                            problems.append(f"{url}?{name}= {label}: the note quotes it whole")
    assert not problems, "\n".join(problems)


# 7. URL parameters.


def url_patterns(resolvers=None, prefix=""):
    """Every URL pattern with a parameter, as (route with {name} holes, names)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if route.startswith("^") or route.endswith("$"):
            route = route.strip("^$")
        if isinstance(entry, URLResolver):
            if "LocalePrefixPattern" in type(entry.pattern).__name__:
                route = "en/"
            yield from url_patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            full = prefix + route
            names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", full)
            if names:
                yield full


URL_VALUES = {
    "a NUL": "%00",
    "a superscript two": quote("²"),
    "5,000 digits": "9" * 5000,
    "300 characters": "x" * 300,
    "20 digits": "9" * 20,
}


@pytest.mark.django_db
def test_no_url_parameter_a_visitor_types_gives_a_500(secretariat_user):
    world = World.make()
    problems, tried = [], 0
    anonymous = world.client("anonymous")
    secretariat_client = world.client("secretariat", secretariat_user)
    for route in url_patterns():
        for label, value in URL_VALUES.items():
            path = "/" + re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", value, route)
            for who, client in [("anonymous", anonymous), ("secretariat", secretariat_client)]:
                for method in ["get", "post"]:
                    clear_cache()
                    response = getattr(client, method)(path)
                    tried += 1
                    # The portal's own pages have nothing to show for such a value; allauth
                    # answers a link it cannot read with a page that says so.
                    nonsense = label in {"a NUL", "a superscript two"}
                    if response.status_code >= 500 or (
                        response.status_code == 200 and nonsense and "accounts/" not in route
                    ):
                        problems.append(
                            f"{method} /{route} with {label} as {who}: {response.status_code}"
                        )
    assert tried > 100
    assert not problems, "\n".join(problems)
