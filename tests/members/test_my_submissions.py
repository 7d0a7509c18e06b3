"""Members see what became of what they sent: their submissions at /<lang>/my/, an email per
decision in their language, their colleagues' invitations, their name on their posts."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import News
from activities.services import news_submit
from discussions.models import Post
from members import services
from members.models import DecisionNotice, FocalPointProposal, Invitation, Representation
from newsletter.models import Item
from newsletter.services import item_submit
from tests.conftest import as_secretariat, sign_in, verified_user
from tests.factories import FocalPointFactory, MemberFactory, PostFactory

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The fields of a page's form as a browser would post them (the admin's change form)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data, self.select, self.textarea = (
            form_id,
            False,
            {},
            None,
            None,
        )
        self.buttons = []  # the names of the form's submit buttons

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind == "submit":
                self.buttons.append(name)
            elif kind not in {"file", "button", "image"}:
                self.add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def admin_save(client, url, form_id, **changes):
    parser = FormFields(form_id)
    parser.feed(client.get(url).content.decode())
    data = {name: values for name, values in parser.data.items() if values}
    for name, value in changes.items():
        data[name] = [value]
    return client.post(url, {**data, "_save": "Save"})


@pytest.fixture
def french_representative():
    """A focal point who speaks French, signed in through the site."""
    focal_point = FocalPointFactory(
        member__slug="condesan", languages="Français, espagnol", email="fp@example.org"
    )
    user = verified_user(email="fp@example.org")
    Representation.objects.create(
        user=user, member=focal_point.member, role="focal_point", focal_point=focal_point
    )
    return user


def news_by(user, title="Foires aux semences"):
    return news_submit(
        member=user.representations.get().member,
        user=user,
        language="fr",
        title=title,
        summary="Des foires dans trois vallées.",
        body="Les communautés échangent leurs variétés.",
    )


def item_by(user, title="Atelier à Cusco"):
    return item_submit(
        member=user.representations.get().member,
        user=user,
        language="fr",
        title=title,
        body="Un atelier sur l’eau.",
        link="",
        target_month=timezone.localdate() + datetime.timedelta(days=40),
    )


def change_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def test_declining_news_in_the_admin_needs_a_reason_and_tells_the_author_once_in_french(
    secretariat_client, french_representative, django_capture_on_commit_callbacks
):
    news = news_by(french_representative)
    url = change_url(news)
    response = admin_save(secretariat_client, url, "news_form", status="declined")
    assert response.status_code == 200  # the form again, with the error
    news.refresh_from_db()
    assert news.status == News.Status.DRAFT and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_save(
            secretariat_client,
            url,
            "news_form",
            status="declined",
            decline_reason="Ce n’est pas une actualité du partenariat.",
        )
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.status == News.Status.DECLINED
    [email] = mail.outbox
    assert email.to == ["fp@example.org"]
    assert email.subject == "Non retenu\u202f: Foires aux semences"
    assert "Ce n’est pas une actualité du partenariat." in email.body
    assert "/fr/my/" in email.body
    # A decision is not an edit of the text.
    page = sign_in(Client(), french_representative).get("/fr/my/").content.decode()
    assert "Refusé" in page and "modifié par le secrétariat" not in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_save(secretariat_client, url, "news_form", decline_reason="Autre motif.")
        admin_save(secretariat_client, url, "news_form")
    assert len(mail.outbox) == 1


def test_publishing_news_then_saving_it_again_tells_the_author_once(
    secretariat_client, french_representative, django_capture_on_commit_callbacks
):
    news = news_by(french_representative)
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            reverse("admin:activities_news_changelist"),
            {"action": "publish", "_selected_action": [news.pk]},
        )
        admin_save(secretariat_client, change_url(news), "news_form", title_fr="Foires, corrigé")
        secretariat_client.post(
            reverse("admin:activities_news_changelist"),
            {"action": "publish", "_selected_action": [news.pk]},
        )
    [email] = mail.outbox
    assert email.subject == "Publié\u202f: Foires aux semences"
    assert "Le secrétariat a publié votre actualité" in email.body


def test_an_item_approved_or_declined_in_the_admin_is_told_once_per_decision(
    secretariat_client, french_representative, django_capture_on_commit_callbacks
):
    approved, declined = item_by(french_representative), item_by(french_representative, "Autre")
    with django_capture_on_commit_callbacks(execute=True):
        admin_save(secretariat_client, change_url(approved), "item_form", status="approved")
        admin_save(secretariat_client, change_url(approved), "item_form", position="3")
        response = admin_save(
            secretariat_client, change_url(declined), "item_form", status="declined"
        )
        assert response.status_code == 200  # no reason: refused
        admin_save(
            secretariat_client,
            change_url(declined),
            "item_form",
            status="declined",
            decline_reason="Hors du thème de ce mois.",
        )
        admin_save(secretariat_client, change_url(declined), "item_form")
    assert sorted(email.subject for email in mail.outbox) == [
        "Non retenu\u202f: Autre",
        "Publié\u202f: Atelier à Cusco",
    ]
    assert Item.objects.get(pk=declined.pk).decline_reason == "Hors du thème de ce mois."


def test_the_secretariats_own_items_tell_no_one(
    secretariat_user, django_capture_on_commit_callbacks
):

    from newsletter.services import item_decide

    item = Item.objects.create(title_en="Ours", body_en="Text", target_month=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert item_decide(item=item, user=secretariat_user, status="approved")
    assert not mail.outbox and not DecisionNotice.objects.exists()


def test_a_proposed_focal_point_is_declined_only_with_a_reason_and_told_once(
    french_representative, secretariat_user, django_capture_on_commit_callbacks
):
    member = french_representative.representations.get().member
    proposal = FocalPointProposal.objects.create(
        member=member,
        proposed_by=french_representative,
        name="Lucía Mamani",
        email="l@example.org",
        start_date=timezone.localdate(),
        language="es",
    )
    with pytest.raises(ValidationError):
        services.focal_point_proposal_decline(proposal=proposal, user=secretariat_user, reason=" ")
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert services.focal_point_proposal_decline(
            proposal=proposal, user=secretariat_user, reason="Elle a quitté l’organisation."
        )
        assert not services.focal_point_proposal_decline(
            proposal=proposal, user=secretariat_user, reason="Encore."
        )
    [email] = mail.outbox
    # In the proposer's language (French, from their focal-point record), not the proposal's.
    assert email.subject == "Non retenu\u202f: Lucía Mamani"
    assert "Elle a quitté l’organisation." in email.body


def test_the_notice_task_run_twice_sends_once(french_representative, secretariat_user):
    from members.tasks import decision_notice_email

    news = news_by(french_representative)
    notice = services.decision_tell(
        record=news, decision="published", author=french_representative, title="T"
    )
    assert decision_notice_email(notice.pk) == 1
    assert decision_notice_email(notice.pk) == 0
    assert len(mail.outbox) == 1


def test_my_page_shows_each_submission_with_its_status_in_french(
    client, french_representative, secretariat_user, django_assert_max_num_queries
):
    from activities.services import news_decline, news_publish

    published, declined = (
        news_by(french_representative, "Publiée"),
        news_by(french_representative, "Refusée"),
    )
    waiting = item_by(french_representative, "En attente")
    news_publish(news=published, user=secretariat_user)
    news_decline(news=declined, user=secretariat_user, reason="Hors sujet.")
    staff = as_secretariat(secretariat_user)
    # The secretariat corrects the text of the published one: "edited by the secretariat".
    published.title_fr = "Publiée, corrigée"
    published._history_user = staff
    published.save()
    sign_in(client, french_representative)
    with django_assert_max_num_queries(30):
        page = client.get("/fr/my/").content.decode()
    assert "Publiée, corrigée" in page and "modifié par le secrétariat" in page
    assert "Refusée" in page and "Hors sujet." in page
    assert waiting.title_fr in page and "En attente du secrétariat" in page
    assert "Publié" in page and "Refusé" in page


def test_my_page_asks_the_same_queries_for_one_or_many_submissions(
    client, french_representative, django_assert_num_queries
):
    news_by(french_representative)
    item_by(french_representative)
    sign_in(client, french_representative)
    client.get("/fr/my/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/fr/my/")
    for number in range(5):
        news_by(french_representative, f"Article {number}")
        item_by(french_representative, f"Article {number}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/fr/my/")


def test_my_page_is_for_signed_in_people(client):
    response = client.get("/fr/my/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


# Invitations that wait: re-sent or cancelled by the focal point, an alternate or the
# secretariat; refused to anyone else.


@pytest.fixture
def invitation(french_representative):
    return services.invitation_send(
        member=french_representative.representations.get().member,
        email="colleague@example.org",
        role=Representation.Role.COLLEAGUE,
        language="fr",
        invited_by=french_representative,
    )


def invitation_url(invitation):
    return f"/fr/my/{invitation.member.slug}/invitations/{invitation.pk}/"


def test_the_focal_point_sends_an_invitation_again_with_a_new_link(
    client, french_representative, invitation, django_capture_on_commit_callbacks
):
    old_token = invitation.token
    mail.outbox.clear()
    sign_in(client, french_representative)
    page = client.get(f"/fr/my/{invitation.member.slug}/colleagues/").content.decode()
    assert "colleague@example.org" in page and "Envoyer de nouveau" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invitation_url(invitation), {"resend": "1"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.token != old_token
    [email] = mail.outbox
    assert invitation.token in email.body
    assert client.get(f"/fr/invitations/{old_token}/").status_code == 404


def test_the_focal_point_cancels_an_invitation(client, french_representative, invitation):
    sign_in(client, french_representative)
    assert client.post(invitation_url(invitation), {"cancel": "1"}).status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert client.get(f"/fr/invitations/{invitation.token}/").status_code == 404


def test_the_secretariat_may_cancel_any_invitation(invitation, secretariat_user):
    services.invitation_cancel(invitation=invitation, user=as_secretariat(secretariat_user))
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


@pytest.mark.parametrize("who", ["anonymous", "colleague", "other member's focal point"])
@pytest.mark.parametrize("action", ["resend", "cancel"])
def test_invitations_are_not_resent_or_cancelled_by_anyone_else(client, invitation, who, action):
    if who == "colleague":
        user = verified_user()
        Representation.objects.create(user=user, member=invitation.member, role="colleague")
        sign_in(client, user)
    elif who == "other member's focal point":
        user = verified_user()
        Representation.objects.create(user=user, member=MemberFactory(), role="focal_point")
        sign_in(client, user)
    before = Invitation.objects.values_list("token", "expires_at").get(pk=invitation.pk)
    mail.outbox.clear()
    response = client.post(invitation_url(invitation), {action: "1"})
    expected = {"anonymous": 302, "colleague": 403, "other member's focal point": 404}[who]
    assert response.status_code == expected
    assert Invitation.objects.values_list("token", "expires_at").get(pk=invitation.pk) == before
    assert not mail.outbox


def test_staff_without_the_second_factor_cannot_cancel_an_invitation(invitation):
    staff = verified_user(is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.invitation_cancel(invitation=invitation, user=staff)
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_an_accepted_invitation_is_neither_resent_nor_cancelled(
    client, french_representative, invitation
):
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    sign_in(client, french_representative)
    assert client.post(invitation_url(invitation), {"cancel": "1"}).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_focal_points_invitation_is_the_secretariats_to_manage(
    french_representative, secretariat_user
):
    member = french_representative.representations.get().member
    alternate = verified_user()
    Representation.objects.create(user=alternate, member=member, role="alternate")
    invitation = services.invitation_send(
        member=member,
        email="new.fp@example.org",
        role="focal_point",
        language="es",
        invited_by=None,
    )
    with pytest.raises(PermissionDenied):
        services.invitation_cancel(invitation=invitation, user=alternate)
    services.invitation_resend(invitation=invitation, user=as_secretariat(secretariat_user))


# A representative's name on their posts.


def test_a_focal_point_without_a_name_of_their_own_posts_under_their_focal_point_name(
    client, french_representative
):
    french_representative.first_name = french_representative.last_name = ""
    french_representative.save()
    post = PostFactory(author=french_representative)
    focal_point_name = french_representative.representations.get().focal_point.name
    stranger = PostFactory(topic=post.topic, author=verified_user(first_name="", last_name=""))
    page = client.get(post.topic.get_absolute_url()).content.decode()
    assert f"<strong>{focal_point_name}</strong>" in page
    assert "<strong>A participant</strong>" in page  # the other author, who holds no record
    assert stranger.author.email not in page


def test_a_name_the_representative_gave_comes_before_the_focal_point_record(
    client, french_representative
):
    french_representative.first_name, french_representative.last_name = "Ana", "Q."
    french_representative.save()
    post = PostFactory(author=french_representative)
    page = client.get(post.topic.get_absolute_url()).content.decode()
    assert "<strong>Ana Q.</strong>" in page


def test_the_name_on_a_single_post_email_comes_from_the_record_too(french_representative):
    from discussions.templatetags.discussions import author_name

    french_representative.first_name = french_representative.last_name = ""
    french_representative.save()
    post = Post.objects.get(pk=PostFactory(author=french_representative).pk)
    assert author_name(post) == french_representative.representations.get().focal_point.name


def test_a_decision_taken_again_is_not_told_again(
    secretariat_client, french_representative, django_capture_on_commit_callbacks
):
    news = news_by(french_representative)
    url = change_url(news)
    with django_capture_on_commit_callbacks(execute=True):
        for status in ["published", "draft", "published"]:
            assert (
                admin_save(secretariat_client, url, "news_form", status=status).status_code == 302
            )
    news.refresh_from_db()
    assert news.status == News.Status.PUBLISHED
    assert [email.subject for email in mail.outbox] == ["Publié\u202f: Foires aux semences"]


def test_an_item_approved_in_its_editions_inline_is_told_once(
    secretariat_client, french_representative, django_capture_on_commit_callbacks
):
    from newsletter.models import Edition

    item = item_by(french_representative)
    edition = Edition.objects.create(month=item.target_month, intro_en="Welcome.")
    Item.objects.filter(pk=item.pk).update(edition=edition)
    url = change_url(edition)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_save(
            secretariat_client, url, "edition_form", **{"items-0-status": "approved"}
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        admin_save(secretariat_client, url, "edition_form")
    assert Item.objects.get(pk=item.pk).status == Item.Status.APPROVED
    assert [email.subject for email in mail.outbox] == ["Publié\u202f: Atelier à Cusco"]


@pytest.mark.parametrize("button", ["_confirm", "_decline"])
def test_a_proposal_decided_meanwhile_is_not_decided_again_from_its_page(
    secretariat_client, secretariat_user, french_representative, button
):
    """The page was opened while the proposal waited; someone declined it since. Its decision
    button is refused with a message, and the page's edits are not saved either."""
    proposal = FocalPointProposal.objects.create(
        member=french_representative.representations.get().member,
        proposed_by=french_representative,
        name="Lucía Mamani",
        email="l@example.org",
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        language="es",
    )
    url = change_url(proposal) + "?_inbox=1"
    parser = FormFields("focalpointproposal_form")
    parser.feed(secretariat_client.get(url).content.decode())
    assert "_confirm" in parser.buttons and "_decline" in parser.buttons
    services.focal_point_proposal_decline(
        proposal=proposal, user=secretariat_user, reason="Elle a quitté l’organisation."
    )
    data = {name: values for name, values in parser.data.items() if values}
    data.update(phone=["+51 1 555 0101"], decline_reason=["Autre motif."], **{button: ["x"]})
    response = secretariat_client.post(url, data, follow=True)
    # Back on its page (still from the inbox), told why.
    assert response.redirect_chain[-1][0] == url
    assert "This proposal has already been decided." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.DECLINED
    assert (proposal.phone, proposal.decline_reason) == ("", "Elle a quitté l’organisation.")
    assert DecisionNotice.objects.count() == 1
