import csv
import datetime
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Activity, Event, FundingOpportunity, News
from members.models import (
    Area,
    FocalPoint,
    FocalPointProposal,
    Invitation,
    Member,
    MembershipApplication,
    User,
    add_years,
)
from members.permissions import SECRETARIAT_APPS
from newsletter.models import Edition, Item, Subscriber
from tests.conftest import PASSWORD, sign_in, totp_code, verified_user
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    EventFactory,
    FocalPointFactory,
    FundingOpportunityFactory,
    MemberFactory,
    MembershipApplicationFactory,
    NewsFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def admin_pages(obj_by_model):
    """(url name, args) of every changelist, add form and change form in the admin."""
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        yield model, f"{prefix}_changelist", []
        yield model, f"{prefix}_add", []
        if model in obj_by_model:
            yield model, f"{prefix}_change", [obj_by_model[model].pk]


@pytest.fixture
def one_of_each(secretariat_user):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    focal_point = FocalPointFactory()
    member = focal_point.member
    return {
        Member: member,
        FocalPoint: focal_point,
        Area: AreaFactory(),
        member.region.__class__: member.region,
        User: secretariat_user,
        Group: Group.objects.get(name="Secretariat"),
        FocalPointProposal: FocalPointProposal.objects.create(
            member=member, name="New", email="new@example.org", start_date=datetime.date(2030, 1, 1)
        ),
        Invitation: Invitation.objects.create(
            member=member,
            email="i@example.org",
            role="colleague",
            language="en",
            token="t" * 40,
            expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        ),
        MembershipApplication: MembershipApplicationFactory(),
        EmailAddress: EmailAddress.objects.get(user=secretariat_user),
        Activity: ActivityFactory(),
        Event: EventFactory(),
        FundingOpportunity: FundingOpportunityFactory(),
        News: NewsFactory(),
        Subscriber: Subscriber.objects.create(
            email="reader@example.org", language="fr", region=member.region
        ),
        Edition: Edition.objects.create(month=datetime.date(2026, 12, 1)),
        Item: Item.objects.create(
            title_en="An item", body_en="Text.", target_month=datetime.date(2026, 12, 1)
        ),
        Authenticator: Authenticator.objects.get(user=secretariat_user),
        **discussion_records(secretariat_user),
        **insight_records(secretariat_user, member),
    }


def insight_records(secretariat_user, member):
    from insight.models import (
        InboxDigest,
        MemberNote,
        Nudge,
        PageView,
        PartnerMessage,
        TaskFailure,
    )

    return {
        Nudge: Nudge.objects.create(
            member=member, email="fp@example.org", language="fr", sent_by=secretariat_user
        ),
        PartnerMessage: PartnerMessage.objects.create(
            sender=secretariat_user,
            from_member=member,
            to_member=MemberFactory(),
            subject="Hello",
            body="Shall we?",
        ),
        PageView: PageView.objects.create(
            day=datetime.date(2026, 11, 1), path="/en/", language="en", count=3
        ),
        TaskFailure: TaskFailure.objects.create(
            task="newsletter.tasks.deliver", task_id="abc", exception="SMTPServerDisconnected"
        ),
        MemberNote: MemberNote.objects.create(
            member=member, by=secretariat_user, text="Called about the workshop"
        ),
        InboxDigest: InboxDigest.objects.create(newest=timezone.now()),
    }


def discussion_records(secretariat_user):
    from discussions.models import Consultation, ModerationQueue, Post, Space, Topic
    from discussions.services import post_flag
    from tests.factories import PostFactory, consultation_for

    post = PostFactory()
    post_flag(post=post, user=secretariat_user, reason="Spam")
    return {
        Space: post.topic.space,
        Topic: post.topic,
        Post: post,
        ModerationQueue: ModerationQueue.objects.get(pk=post.pk),
        Consultation: consultation_for("open", secretariat_user),
    }


# Records the secretariat reads but never creates by hand: they come from the site.
CREATED_ON_THE_SITE = {
    FocalPointProposal,
    Invitation,
    MembershipApplication,
    *[apps.get_model("discussions", name) for name in ["Post", "ModerationQueue"]],
    *[
        apps.get_model("insight", name)
        for name in ["Nudge", "PartnerMessage", "PageView", "TaskFailure", "InboxDigest"]
    ],
}


def test_every_admin_page_of_the_portal_loads_for_the_secretariat(secretariat_client, one_of_each):
    checked = 0
    for model, name, args in admin_pages(one_of_each):
        url = reverse(name, args=args)
        response = secretariat_client.get(url)
        if model._meta.app_label in SECRETARIAT_APPS and model is not User:
            adding = name.endswith("_add")
            expected = 403 if adding and model in CREATED_ON_THE_SITE else 200
            assert response.status_code == expected, url
            checked += 1
        else:
            # Accounts, groups and authenticators: the secretariat may look at accounts,
            # never grant rights or touch anyone's sign-in.
            expected = 200 if (model is User and not name.endswith("_add")) else 403
            assert response.status_code == expected, url
    portal_models = [
        model
        for model in admin.site._registry
        if model._meta.app_label in SECRETARIAT_APPS and model is not User
    ]
    assert checked == 3 * len(portal_models) and len(portal_models) >= 12


def test_the_secretariat_cannot_change_an_account(secretariat_client, secretariat_user):
    url = reverse("admin:members_user_change", args=[secretariat_user.pk])
    response = secretariat_client.post(url, {"email": secretariat_user.email, "is_superuser": "on"})
    assert response.status_code == 403
    secretariat_user.refresh_from_db()
    assert not secretariat_user.is_superuser


def test_every_admin_page_loads_for_a_superuser(client, one_of_each):
    superuser = verified_user(is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(superuser, secret)
    sign_in(client, superuser, secret)
    for model, name, args in admin_pages(one_of_each):
        expected = 403 if name.endswith("_add") and model in CREATED_ON_THE_SITE else 200
        assert client.get(reverse(name, args=args)).status_code == expected, name


def staff_outside_the_secretariat(client):
    """A staff account with a second factor, but not in the Secretariat group."""
    user = verified_user(is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return sign_in(client, user, secret)


@pytest.mark.parametrize("kind", ["anonymous", "registered", "staff outside the secretariat"])
def test_every_admin_page_is_refused_to_those_outside_the_secretariat(client, one_of_each, kind):
    if kind == "registered":
        sign_in(client, verified_user())
    elif kind == "staff outside the secretariat":
        staff_outside_the_secretariat(client)
    for _model, name, args in admin_pages(one_of_each):
        response = client.get(reverse(name, args=args))
        if kind == "anonymous":
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("admin:login"))
        else:
            assert response.status_code == 403, name


def test_a_signed_in_member_who_opens_the_admin_is_told_it_is_for_the_secretariat(client):
    sign_in(client, verified_user())
    for path in ["/admin/", "/admin/login/?next=/admin/", "/admin/members/member/"]:
        # Not sent to the login, which would send a signed-in person straight back.
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 403, path
        page = response.content.decode()
        assert '<html lang="es">' in page
        assert "La administración es para la secretaría" in page
        assert 'href="/es/"' in page


def test_the_admin_login_is_the_sites_login(client):
    response = client.get("/admin/login/?next=/admin/members/member/")
    assert response.status_code == 302
    assert response.url == "/en/accounts/login/?next=%2Fadmin%2Fmembers%2Fmember%2F"
    evil = client.get("/admin/login/?next=https://evil.example.com/")
    assert evil.url == "/en/accounts/login/?next=%2Fadmin%2F"


def test_secretariat_without_a_second_factor_is_sent_to_set_one_up(client, one_of_each):
    user = verified_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat"))
    sign_in(client, user)
    for _model, name, args in admin_pages(one_of_each):
        url = reverse(name, args=args)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/en/accounts/2fa/totp/activate/"), url


def test_secretariat_who_has_a_second_factor_must_use_it_for_the_admin(client, secretariat_user):
    # A session that skipped the second factor (here, a session made without the login flow).
    client.force_login(secretariat_user)
    response = client.get("/admin/members/member/")
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/reauthenticate/") or response.url.startswith(
        "/en/accounts/2fa/reauthenticate/"
    )


@pytest.mark.django_db(transaction=True)
def test_activating_totp_opens_the_admin(client):
    # Transactional, as in production: allauth announces the new authenticator on commit,
    # which here happens during the request, before the session is saved.
    user = verified_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat"))
    sign_in(client, user)
    response = client.get("/admin/")
    assert response.url.startswith("/en/accounts/2fa/totp/activate/")
    # allauth asks for the password again before a new authenticator is added.
    response = client.get(response.url)
    assert response.url.startswith("/en/accounts/reauthenticate/")
    client.post(response.url, {"password": PASSWORD})
    page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/members/member/").status_code == 200


def test_member_list_issues_the_same_queries_for_5_and_100_members(secretariat_client):
    areas = [AreaFactory(), AreaFactory(kind=Area.Kind.GEOGRAPHIC)]

    def make(count):
        for _ in range(count):
            member = MemberFactory(region=RegionFactory(slug="europe"))
            member.areas.set(areas)
            FocalPointFactory(member=member)
            FocalPointFactory(member=member, role=FocalPoint.Role.ALTERNATE)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = secretariat_client.get(reverse("admin:members_member_changelist"))
        assert response.status_code == 200
        return len(captured)

    make(5)
    with_5 = queries()
    make(95)
    assert Member.objects.count() == 100
    assert queries() == with_5


@pytest.mark.parametrize("model", ["focalpoint", "area", "region"])
def test_other_lists_issue_the_same_queries_for_few_and_many_rows(secretariat_client, model):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = secretariat_client.get(reverse(f"admin:members_{model}_changelist"))
        assert response.status_code == 200
        return len(captured)

    def make(count):
        for _ in range(count):
            member = FocalPointFactory().member
            area = AreaFactory()
            area.leading_members.add(member)
            member.areas.add(area)

    make(3)
    few = queries()
    make(30)
    assert queries() == few


def test_member_list_shows_the_current_focal_point_and_finds_by_country_name(secretariat_client):
    peru = FocalPointFactory(name="Rosa Huamán", member__name_en="Government of Peru").member
    MemberFactory(name_en="Government of Nepal", country="NP")
    url = reverse("admin:members_member_changelist")
    response = secretariat_client.get(url, {"q": "Peru"})
    content = response.content.decode()
    assert "Government of Peru" in content
    assert "Rosa Huamán" in content
    assert "Government of Nepal" not in content
    # Found by the country's name although the record stores its code.
    MemberFactory(name_en="Consortium", acronym="X", country="PE", slug="consortium-pe")
    content = secretariat_client.get(url, {"q": "peru"}).content.decode()
    assert "Consortium" in content
    assert peru.country.code == "PE"


def test_csv_export_has_a_header_and_a_row_per_selected_member(secretariat_client):
    chosen = [
        MemberFactory(
            type=Member.Type.MAJOR_GROUP,
            sector=Member.Sector.NGO,
            name_en="Soluciones Prácticas",
            name_fr="Soluciones Prácticas",
            name_es="Soluciones Prácticas",
        ),
        MemberFactory(name_en="Government of Peru", name_fr="Gouvernement du Pérou"),
    ]
    FocalPointFactory(member=chosen[1], name="Rosa Huamán")
    MemberFactory(name_en="Not selected")
    response = secretariat_client.post(
        reverse("admin:members_member_changelist"),
        {"action": "export_csv", "_selected_action": [m.pk for m in chosen]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name (English)", "Name (French)", "Name (Spanish)"]
    assert len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Soluciones Prácticas", "Government of Peru"}
    assert by_name["Government of Peru"][1] == "Gouvernement du Pérou"
    assert "Rosa Huamán" in by_name["Government of Peru"]


def test_mark_inactive_changes_active_members_only(secretariat_client):
    active = MemberFactory()
    withdrawn = MemberFactory(status=Member.Status.WITHDRAWN)
    untouched = MemberFactory()
    secretariat_client.post(
        reverse("admin:members_member_changelist"),
        {"action": "mark_inactive", "_selected_action": [active.pk, withdrawn.pk]},
    )
    statuses = dict(Member.objects.values_list("pk", "status"))
    assert statuses[active.pk] == Member.Status.INACTIVE
    assert statuses[withdrawn.pk] == Member.Status.WITHDRAWN
    assert statuses[untouched.pk] == Member.Status.ACTIVE


def test_renew_term_adds_four_years(secretariat_client):
    ends = timezone.localdate() + datetime.timedelta(days=20)
    member = MemberFactory(term_ends=ends)
    secretariat_client.post(
        reverse("admin:members_member_changelist"),
        {"action": "renew_term", "_selected_action": [member.pk]},
    )
    member.refresh_from_db()
    assert member.term_ends == add_years(ends, 4)


def change_form_data(member, **changes):
    """The member's change form as the admin would post it, with `changes` applied."""
    data = {
        "type": member.type,
        "sector": member.sector,
        "acronym": member.acronym,
        "slug": member.slug,
        "country": member.country.code,
        "region": member.region_id,
        "website": member.website,
        "status": member.status,
        "date_joined": member.date_joined.isoformat(),
        "term_ends": member.term_ends.isoformat(),
        "areas": [area.pk for area in member.areas.all()],
    }
    for code in ["en", "fr", "es"]:
        data[f"name_{code}"] = getattr(member, f"name_{code}") or ""
        data[f"description_{code}"] = getattr(member, f"description_{code}") or ""
    data.update(
        {
            "representations-TOTAL_FORMS": 0,
            "representations-INITIAL_FORMS": 0,
            "representations-MIN_NUM_FORMS": 0,
            "representations-MAX_NUM_FORMS": 1000,
            "renewals-TOTAL_FORMS": 0,
            "renewals-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "nudges-TOTAL_FORMS": 0,
            "nudges-INITIAL_FORMS": 0,
        }
    )
    people = list(member.focal_points.order_by("pk"))
    prefix = "focal_points"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(people),
            f"{prefix}-INITIAL_FORMS": len(people),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for i, person in enumerate(people):
        data.update(
            {
                f"{prefix}-{i}-id": person.pk,
                f"{prefix}-{i}-member": member.pk,
                f"{prefix}-{i}-role": person.role,
                f"{prefix}-{i}-name": person.name,
                f"{prefix}-{i}-title_en": person.title_en or "",
                f"{prefix}-{i}-title_fr": person.title_fr or "",
                f"{prefix}-{i}-title_es": person.title_es or "",
                f"{prefix}-{i}-email": person.email,
                f"{prefix}-{i}-phone": person.phone,
                f"{prefix}-{i}-languages": person.languages,
                f"{prefix}-{i}-start_date": person.start_date.isoformat(),
                f"{prefix}-{i}-end_date": person.end_date.isoformat() if person.end_date else "",
            }
        )
    data.update(changes)
    return data


def with_new_focal_point_row(data, member):
    """`data` with one more inline row: a current focal point starting on 1 March 2006."""
    return {
        **data,
        "focal_points-TOTAL_FORMS": 2,
        "focal_points-1-member": member.pk,
        "focal_points-1-role": "focal_point",
        "focal_points-1-name": "Lucía Mamani",
        "focal_points-1-email": "l.mamani@example.org",
        "focal_points-1-start_date": "2006-03-01",
    }


def test_a_french_description_saved_in_the_admin_is_what_french_readers_get(secretariat_client):
    member = MemberFactory(description_en="An Andean consortium.", description_es="")
    FocalPointFactory(member=member)
    response = secretariat_client.post(
        reverse("admin:members_member_change", args=[member.pk]),
        change_form_data(member, description_fr="Un consortium andin."),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    member = Member.objects.get(pk=member.pk)
    with translation.override("fr"):
        assert member.description == "Un consortium andin."
    with translation.override("es"):
        assert member.description == "An Andean consortium."


def test_staff_can_end_the_focal_point_and_add_the_next_in_one_save(secretariat_client):
    earlier = FocalPointFactory(start_date=datetime.date(2004, 1, 1))
    member = earlier.member
    data = with_new_focal_point_row(
        change_form_data(member, **{"focal_points-0-end_date": "2006-02-28"}), member
    )
    response = secretariat_client.post(
        reverse("admin:members_member_change", args=[member.pk]), data
    )
    assert response.status_code == 302
    assert member.current_focal_point.name == "Lucía Mamani"
    assert member.focal_points.count() == 2


def test_two_current_focal_points_in_the_inline_get_a_clear_message(secretariat_client):
    earlier = FocalPointFactory(start_date=datetime.date(2004, 1, 1))
    member = earlier.member
    data = with_new_focal_point_row(change_form_data(member), member)
    response = secretariat_client.post(
        reverse("admin:members_member_change", args=[member.pk]), data
    )
    assert response.status_code == 200
    assert "A member has one current focal point" in response.content.decode()
    assert member.focal_points.count() == 1


def test_replace_focal_point_page_ends_the_current_one(secretariat_client):
    earlier = FocalPointFactory(name="Jorge Ramos", start_date=datetime.date(2004, 1, 1))
    url = reverse("admin:members_member_replace_focal_point", args=[earlier.member.pk])
    page = secretariat_client.get(url)
    assert "Jorge Ramos" in page.content.decode()
    response = secretariat_client.post(
        url,
        {
            "name": "Lucía Mamani",
            "title_en": "Director",
            "title_fr": "Directrice",
            "title_es": "Directora",
            "email": "l.mamani@example.org",
            "start_date": "2006-03-01",
            "language": "es",
        },
    )
    assert response.status_code == 302
    earlier.refresh_from_db()
    assert earlier.end_date == datetime.date(2006, 2, 28)
    assert earlier.member.current_focal_point.name == "Lucía Mamani"


def test_replace_focal_point_with_bad_input_says_why_and_changes_nothing(secretariat_client):
    earlier = FocalPointFactory(start_date=datetime.date(2004, 1, 1))
    url = reverse("admin:members_member_replace_focal_point", args=[earlier.member.pk])
    response = secretariat_client.post(
        url,
        {
            "name": "Too early",
            "email": "early@example.org",
            "start_date": "2003-05-01",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "must start after the current one" in response.content.decode()
    response = secretariat_client.post(url, {"name": "", "email": "nope", "start_date": "soon"})
    assert response.status_code == 200
    assert earlier.member.focal_points.count() == 1
    earlier.refresh_from_db()
    assert earlier.end_date is None


def test_replace_focal_point_is_refused_outside_the_secretariat(client):
    earlier = FocalPointFactory()
    url = reverse("admin:members_member_replace_focal_point", args=[earlier.member.pk])
    staff_outside_the_secretariat(client)
    response = client.post(url, {"name": "X", "email": "x@example.org", "start_date": "2030-01-01"})
    assert response.status_code == 403
    assert earlier.member.focal_points.count() == 1


def test_replace_focal_point_of_an_unknown_member_is_a_404(secretariat_client):
    url = reverse("admin:members_member_replace_focal_point", args=[999999])
    assert secretariat_client.get(url).status_code == 404


def test_term_filter_separates_ended_soon_and_later_terms(secretariat_client):
    today = datetime.date.today()
    MemberFactory(name_en="Ended long ago", term_ends=today - datetime.timedelta(days=400))
    MemberFactory(name_en="Ends next month", term_ends=today + datetime.timedelta(days=30))
    MemberFactory(name_en="Ends in three years", term_ends=today + datetime.timedelta(days=1100))
    url = reverse("admin:members_member_changelist")
    for value, expected in [
        ("ended", "Ended long ago"),
        ("soon", "Ends next month"),
        ("later", "Ends in three years"),
    ]:
        content = secretariat_client.get(url, {"term": value}).content.decode()
        shown = [
            name
            for name in ["Ended long ago", "Ends next month", "Ends in three years"]
            if name in content
        ]
        assert shown == [expected], value


def test_unknown_filter_values_in_the_member_list_do_not_break_it(secretariat_client):
    url = reverse("admin:members_member_changelist")
    for query in [{"term": "someday"}, {"q": "%'\"<script>"}, {"o": "99"}]:
        assert secretariat_client.get(url, query).status_code in {200, 302}, query


def test_inviting_focal_points_names_the_members_left_out_and_why(secretariat_client):
    invited = FocalPointFactory(email="fp@andes.example.org").member
    without = MemberFactory(name_en="Institute Without Focal Point")
    response = secretariat_client.post(
        reverse("admin:members_member_changelist"),
        {"action": "invite_focal_points", "_selected_action": [invited.pk, without.pk], "index": 0},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert list(Invitation.objects.values_list("member", "email")) == [
        (invited.pk, "fp@andes.example.org")
    ]
    page = response.content.decode()
    assert "1 invitation envoyée." in page
    assert (
        "Pas d’invitation pour Institute Without Focal Point\u202f: ce membre n’a pas de point focal "
        "en fonction." in page
    )
