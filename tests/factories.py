import datetime

import factory
from django.utils import timezone

from activities.models import Activity, Event, FundingOpportunity, News
from members.models import Area, FocalPoint, Member, MembershipApplication, Region, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password("a long enough password")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"region-{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_es = factory.Sequence(lambda n: f"Región {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    kind = Area.Kind.THEMATIC
    slug = factory.Sequence(lambda n: f"area-{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    type = Member.Type.GOVERNMENT
    sector = ""
    name_en = factory.Sequence(lambda n: f"Member {n}")
    slug = factory.Sequence(lambda n: f"member-{n}")
    country = "PE"
    region = factory.SubFactory(RegionFactory)
    date_joined = datetime.date(2003, 10, 1)
    term_ends = datetime.date(2027, 10, 1)

    class Params:
        major_group = factory.Trait(type=Member.Type.MAJOR_GROUP, sector=Member.Sector.NGO)


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    member = factory.SubFactory(MemberFactory)
    role = FocalPoint.Role.FOCAL_POINT
    name = factory.Sequence(lambda n: f"Person {n}")
    title_en = "Programme officer"
    email = factory.Sequence(lambda n: f"focal{n}@example.org")
    start_date = datetime.date(2004, 1, 1)


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication

    language = "es"
    name = factory.Sequence(lambda n: f"Asociación Andina {n}")
    type = Member.Type.MAJOR_GROUP
    sector = Member.Sector.NGO
    country = "BO"
    description = "Trabajamos con comunidades de los Andes."
    focal_point_name = "Rosa Mamani"
    focal_point_email = factory.Sequence(lambda n: f"rosa{n}@example.org")
    contribution = "Compartiremos nuestra experiencia."
    consent = True


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    slug = factory.Sequence(lambda n: f"activity-{n}")
    title_en = factory.Sequence(lambda n: f"Activity {n}")
    summary_en = "Members working together."
    status = Activity.Status.PLANNING


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.WORKSHOP
    slug = factory.Sequence(lambda n: f"event-{n}")
    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    timezone = "America/La_Paz"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=8))
    city = "La Paz"
    country = "BO"


class FundingOpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingOpportunity

    donor = "Mountain Fund"
    slug = factory.Sequence(lambda n: f"call-{n}")
    title_en = factory.Sequence(lambda n: f"Small grants {n}")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    for_major_groups = True


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = News

    slug = factory.Sequence(lambda n: f"news-{n}")
    title_en = factory.Sequence(lambda n: f"News {n}")
    summary_en = "What happened."
    body_en = "The whole story."
    status = News.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "discussions.Space"

    slug = factory.Sequence(lambda n: f"space-{n}")
    title_en = factory.Sequence(lambda n: f"Space {n}")
    title_fr = factory.Sequence(lambda n: f"Espace {n}")
    title_es = factory.Sequence(lambda n: f"Espacio {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "discussions.Topic"

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")
    author = factory.SubFactory(UserFactory)
    post_count = 1


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "discussions.Post"

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Message number {n}, with *emphasis*.")
    language = "en"


def consultation_for(state: str, moderator, **fields):
    """A consultation that is "open", "upcoming" or "closed" now, with its space and topic."""
    from discussions.models import Consultation
    from discussions.services import consultation_save

    now = timezone.now()
    day = datetime.timedelta(days=1)
    opens, closes = {
        "open": (now - day, now + 10 * day),
        "upcoming": (now + day, now + 10 * day),
        "closed": (now - 10 * day, now - day),
    }[state]
    return consultation_save(
        Consultation(
            slug=fields.pop("slug", f"consultation-{state}"),
            question_en=fields.pop("question_en", f"What next for mountain ecotourism ({state})?"),
            background_en="Background for the consultation.",
            moderator=moderator,
            opens_at=opens,
            closes_at=closes,
            **fields,
        )
    )
