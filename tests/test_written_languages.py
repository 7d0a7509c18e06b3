"""What people write is kept in the language they wrote it in; readers of another language
see it marked as that language, with a note in their own."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from activities.models import News
from members.models import Member, MembershipApplication, Representation
from members.services import application_approve
from newsletter.models import Edition, Item
from newsletter.services import edition_mark_ready
from tests.conftest import sign_in, verified_user
from tests.factories import MemberFactory, NewsFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agoca(client):
    member = MemberFactory(slug="agoca", name_en="AGOCA")
    user = verified_user()
    Representation.objects.create(user=user, member=member, role="colleague")
    sign_in(client, user)
    return member


def selected(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\w*)"[^>]*selected', select)


def test_news_written_in_french_is_kept_in_french_and_shown_as_french(client, agoca):
    form = client.get("/fr/my/agoca/news/").content.decode()
    assert selected(form, "language") == ["fr"]
    response = client.post(
        "/fr/my/agoca/news/",
        {
            "title": "Rencontre des villages à Bichkek",
            "summary": "Les villages se sont réunis.",
            "body": "Cent délégués des villages de montagne.",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    news = News.objects.get()
    assert news.title_fr == "Rencontre des villages à Bichkek"
    assert not news.title_en and not news.summary_en and not news.body_en
    News.objects.filter(pk=news.pk).update(status=News.Status.PUBLISHED)
    english = client.get(f"/en/news/{news.slug}/").content.decode()
    assert '<h1 lang="fr">Rencontre des villages à Bichkek</h1>' in english
    assert '<p class="lead" lang="fr">Les villages se sont réunis.</p>' in english
    assert "This text is not yet available in English; here it is in French." in english
    assert '<div lang="fr"><p>Cent délégués des villages de montagne.</p></div>' in english
    assert (
        'lang="fr">Rencontre des villages à Bichkek</a>' in client.get("/en/news/").content.decode()
    )
    spanish = client.get(f"/es/news/{news.slug}/").content.decode()
    assert "Este texto aún no está disponible en español; aquí está en francés." in spanish
    french = client.get(f"/fr/news/{news.slug}/").content.decode()
    assert "<h1>Rencontre des villages à Bichkek</h1>" in french and 'lang="fr"' in french
    assert "pas encore disponible" not in french
    assert "Rencontre des villages" in client.get("/en/news/feed/").content.decode()


def test_the_writer_may_say_they_wrote_in_another_language(client, agoca):
    client.post(
        "/fr/my/agoca/news/",
        {"title": "Nuevo estudio", "summary": "Un estudio.", "body": "Texto.", "language": "es"},
    )
    news = News.objects.get()
    assert news.title_es == "Nuevo estudio" and not news.title_fr and not news.title_en


def test_a_newsletter_item_written_in_french_is_kept_in_french(client, agoca):
    form = client.get("/fr/my/agoca/newsletter-item/").content.decode()
    assert selected(form, "language") == ["fr"]
    client.post(
        "/fr/my/agoca/newsletter-item/",
        {
            "title": "Rencontre à Bichkek",
            "body": "Les villages se sont réunis.",
            "target_month": "2026-12",
            "language": "fr",
        },
    )
    item = Item.objects.get()
    assert item.title_fr == "Rencontre à Bichkek" and not item.title_en and not item.body_en


def test_an_edition_with_a_french_only_item_is_refused_for_english_readers_until_translated(
    client,
):
    from newsletter.models import Subscriber

    Subscriber.objects.create(
        email="reader@example.org", language="en", region=RegionFactory(), status="confirmed"
    )
    edition = Edition.objects.create(month=datetime.date(2026, 12, 1))
    Item.objects.create(
        edition=edition,
        status=Item.Status.APPROVED,
        target_month=edition.month,
        title_fr="Rencontre à Bichkek",
        body_fr="Les villages se sont réunis.",
    )
    with pytest.raises(ValidationError) as refused:
        edition_mark_ready(edition=edition)
    assert "Rencontre à Bichkek" in " ".join(refused.value.messages)
    edition.english_fallback = True
    edition.save()
    edition_mark_ready(edition=edition)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    web = client.get("/en/newsletter/2026-12/").content.decode()
    assert '<h2 lang="fr">Rencontre à Bichkek</h2>' in web
    assert '<div lang="fr"><p>Les villages se sont réunis.</p></div>' in web


def test_an_application_in_spanish_becomes_a_member_described_in_spanish(
    client, secretariat_user, django_capture_on_commit_callbacks
):
    from tests.members.test_applications import application_form

    page = client.get("/es/members/join/").content.decode()
    assert selected(page, "language") == ["es"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/es/members/join/", application_form(language="es"))
    application = MembershipApplication.objects.get()
    assert application.language == "es"
    MembershipApplication.objects.filter(pk=application.pk).update(
        status=MembershipApplication.Status.PENDING,
        organisation_verified=True,
        focal_point_confirmed=True,
        region=RegionFactory(),
    )
    member = application_approve(application=application, user=secretariat_user)
    member = Member.objects.get(pk=member.pk)
    assert member.description_es.startswith("Trabajamos con comunidades mayas")
    assert not member.description_en
    focal_point = member.focal_points.get()
    assert focal_point.title_es == "Coordinadora" and not focal_point.title_en
    english = client.get(f"/en/members/{member.slug}/").content.decode()
    assert "This text is not yet available in English; here it is in Spanish." in english
    assert '<div lang="es"><p>Trabajamos con comunidades mayas' in english
    assert '<span lang="es">Coordinadora</span>' in english
    # An English reader searching the directory finds it by its Spanish description.
    found = client.get("/en/members/?q=comunidades+mayas").content.decode()
    assert "Asociación de Comunidades de Cuchumatanes" in found


def test_an_application_says_which_language_it_is_written_in(client):
    from tests.members.test_applications import application_form

    client.post(
        "/en/members/join/",
        application_form(language="fr", description="Nous travaillons dans les Alpes."),
    )
    assert MembershipApplication.objects.get().language == "fr"
    assert mail.outbox == [] or "Confirmez" in mail.outbox[-1].subject


def test_a_representative_may_describe_the_member_in_french_only(client):
    member = MemberFactory(slug="agoca", description_en="")
    user = verified_user()
    Representation.objects.create(user=user, member=member, role="focal_point")
    sign_in(client, user)
    response = client.post(
        "/fr/my/agoca/",
        {"description_en": "", "description_fr": "Une association des Alpes.", "website": ""},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    member.refresh_from_db()
    assert member.description_fr == "Une association des Alpes." and not member.description_en


def test_the_secretariat_saves_a_french_only_post_in_the_admin(secretariat_client):
    news = NewsFactory(
        title_en="",
        summary_en="",
        body_en="",
        title_fr="Titre",
        summary_fr="Résumé",
        body_fr="Texte",
    )
    url = reverse("admin:activities_news_change", args=[news.pk])
    form = secretariat_client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        # A browser sends no file for a file field left alone.
        if value is not None and not isinstance(value, list | FieldFile)
    }
    data.update(
        {
            "published_at_0": news.published_at.date().isoformat(),
            "published_at_1": "10:00:00",
            "areas": [],
            "member": "",
        }
    )
    data.pop("published_at", None)
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode()
    )
    news.refresh_from_db()
    assert news.title_fr == "Titre" and not news.title_en
    # With nothing in any language, it is refused.
    data.update({"title_fr": ""})
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
