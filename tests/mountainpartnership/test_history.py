"""Every change to the records the secretariat and members keep is in their history
(django-simple-history): who, when, the values before and after, from any path."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from discussions.models import ModerationQueue, Post
from discussions.services import post_moderate, topic_moderate
from members.models import Member
from members.services import member_update
from mountainpartnership.history import TRACKED
from tests.conftest import as_secretariat, verified_user
from tests.factories import AreaFactory, MemberFactory, PostFactory


def test_the_records_named_in_the_issue_are_all_tracked():
    names = {f"{model._meta.app_label}.{model._meta.model_name}" for model in TRACKED}
    assert names >= {
        "members.member",
        "members.focalpoint",
        "members.representation",
        "members.area",
        "activities.activity",
        "activities.statuschange",
        "activities.event",
        "activities.funding",
        "activities.fundingopportunity",
        "activities.news",
        "newsletter.edition",
        "newsletter.item",
        "discussions.space",
        "discussions.topic",
        "discussions.post",
    }


def test_translated_fields_are_kept_in_every_language_and_the_untranslated_column_is_not():
    kept = {field.name for field in Member.history.model.tracked_fields}
    assert {"description_en", "description_fr", "description_es", "name_fr"} <= kept
    assert "description" not in kept and "name" not in kept and "updated" not in kept


@pytest.mark.django_db
def test_a_site_edit_with_new_areas_is_one_version_and_an_edit_changing_nothing_is_none():
    andes, research = AreaFactory(slug="andes"), AreaFactory(slug="research")
    member = MemberFactory(description_en="Old.")
    member.areas.set([andes])
    before = member.history.count()
    user = verified_user()
    change = member_update(
        member=member, user=user, data={"description_en": "New."}, areas=[research]
    )
    assert member.history.count() == before + 1
    assert change.history_user == user
    delta = {c.field: (c.old, c.new) for c in change.diff_against(change.prev_record).changes}
    assert delta["description_en"] == ("Old.", "New.")
    old_areas, new_areas = delta["areas"]
    assert [row["area"] for row in old_areas] == [andes.pk]
    assert [row["area"] for row in new_areas] == [research.pk]
    assert member_update(member=member, user=user, data={"description_en": "New."}) is None
    assert member.history.count() == before + 1


@pytest.mark.django_db
def test_a_service_called_without_a_request_records_the_actor_it_was_given(secretariat_user):
    post = PostFactory()
    secretariat = as_secretariat(secretariat_user)
    post_moderate(post=post, user=secretariat, moderation="hidden", reason="Spam.")
    topic_moderate(topic=post.topic, user=secretariat, locked=True, reason="Off topic.")
    hidden = post.history.first()
    assert (hidden.moderation, hidden.moderation_reason) == ("hidden", "Spam.")
    assert hidden.history_user == secretariat_user
    locked = post.topic.history.first()
    assert locked.locked and locked.history_user == secretariat_user


@pytest.mark.django_db
def test_the_moderation_queue_shows_the_posts_history(secretariat_client, secretariat_user):
    post = PostFactory()
    post_moderate(
        post=post, user=as_secretariat(secretariat_user), moderation="hidden", reason="Off topic."
    )
    for model in [ModerationQueue, Post]:
        opts = model._meta
        page = secretariat_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[post.pk])
        )
        assert page.status_code == 200
        assert "Off topic." in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_hand_written_member_changes_become_versions_of_the_member():
    executor = MigrationExecutor(connection)
    before = [("members", "0012_kept_history")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Region, Area = old.get_model("members", "Region"), old.get_model("members", "Area")
        Member, User = old.get_model("members", "Member"), old.get_model("members", "User")
        MemberChange = old.get_model("members", "MemberChange")
        region = Region.objects.create(slug="andes-region", name_en="Andes", position=1)
        andes = Area.objects.create(slug="andes", name_en="Andes", kind="geographic")
        member = Member.objects.create(
            type="government",
            name_en="Andean Consortium",
            slug="andean",
            country="PE",
            region=region,
            date_joined=datetime.date(2003, 1, 1),
            term_ends=datetime.date(2027, 1, 1),
            description_en="Third.",
            description_fr="Troisième.",
            website="https://now.example.org",
        )
        member.areas.add(andes)
        user = User.objects.create(email="rep@example.org")
        moment = timezone.now() - datetime.timedelta(days=10)
        first = MemberChange.objects.create(
            member=member,
            user=user,
            fields={
                "description_en": {"old": "First.", "new": "Second."},
                "areas": {"old": [], "new": ["andes"]},
            },
            digested_at=moment,
        )
        second = MemberChange.objects.create(
            member=member,
            user=user,
            fields={"description_en": {"old": "Second.", "new": "Third."}},
        )
        MemberChange.objects.filter(pk=first.pk).update(created=moment)
        MemberChange.objects.filter(pk=second.pk).update(
            created=moment + datetime.timedelta(days=1)
        )
        # The admin changed the website afterwards, and that was not recorded.

    finally:
        # Whatever happened, the database ends as every other test expects it.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    from members.models import Member as Current

    versions = list(Current.history.filter(id=member.pk).order_by("history_date"))
    assert [v.history_type for v in versions] == ["+", "~", "~"]
    assert [v.description_en for v in versions] == ["First.", "Second.", "Third."]
    assert {v.description_fr for v in versions} == {"Troisième."}
    assert [v.history_user_id for v in versions] == [None, user.pk, user.pk]
    assert versions[1].digested_at == moment and versions[2].digested_at is not None
    assert [sorted(a.area_id for a in v.areas.all()) for v in versions] == [
        [],
        [andes.pk],
        [andes.pk],
    ]
    delta = versions[2].diff_against(versions[1])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("description_en", "Second.", "Third.")
    ]


@pytest.mark.django_db
def test_every_history_is_read_from_its_own_table(secretariat_client):
    # An Area's history once read its `kind` from the areas' table (a column cached before the
    # history copied the field): its admin history page was a 500.
    for model in TRACKED:
        list(model.history.all()[:1])
    area = AreaFactory()
    page = secretariat_client.get(reverse("admin:members_area_history", args=[area.pk]))
    assert page.status_code == 200
