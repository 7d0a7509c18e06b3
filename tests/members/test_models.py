import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import FocalPoint, Member, add_years
from members.services import focal_point_replace
from tests.factories import FocalPointFactory, MemberFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_current_focal_point():
    current = FocalPointFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FocalPoint.objects.create(
            member=current.member,
            name="Someone else",
            email="else@example.org",
            start_date=datetime.date(2005, 1, 1),
        )


def test_alternates_and_earlier_focal_points_do_not_count_as_current():
    current = FocalPointFactory()
    FocalPointFactory(member=current.member, role=FocalPoint.Role.ALTERNATE)
    FocalPointFactory(member=current.member, role=FocalPoint.Role.ALTERNATE)
    FocalPointFactory(
        member=current.member,
        start_date=datetime.date(2002, 9, 2),
        end_date=datetime.date(2003, 12, 31),
    )
    assert current.member.focal_points.count() == 4
    assert current.member.current_focal_point == current


def test_database_refuses_a_duplicate_member_slug():
    MemberFactory(slug="condesan")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(slug="condesan")


def test_database_refuses_a_sector_on_a_government_and_none_on_a_major_group():
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(type=Member.Type.GOVERNMENT, sector=Member.Sector.NGO)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(type=Member.Type.MAJOR_GROUP, sector="")


def test_term_defaults_to_four_years_after_joining():
    member = MemberFactory.build(
        region=RegionFactory(), date_joined=datetime.date(2003, 10, 1), term_ends=None
    )
    member.full_clean()
    assert member.term_ends == datetime.date(2007, 10, 1)


def test_a_year_after_29_february_is_28_february():
    assert add_years(datetime.date(2004, 2, 29), 1) == datetime.date(2005, 2, 28)
    assert add_years(datetime.date(2004, 2, 29), 4) == datetime.date(2008, 2, 29)


def test_replacing_the_focal_point_keeps_the_earlier_one_as_history():
    earlier = FocalPointFactory(start_date=datetime.date(2004, 1, 1))
    new = focal_point_replace(
        member=earlier.member,
        name="Lucía Mamani",
        email="l.mamani@example.org",
        start_date=datetime.date(2006, 3, 1),
        title_en="Director",
        title_es="Directora",
    )
    earlier.refresh_from_db()
    assert earlier.end_date == datetime.date(2006, 2, 28)
    assert earlier.member.current_focal_point == new
    assert earlier.member.focal_points.count() == 2


def test_replacing_with_a_start_before_the_current_one_changes_nothing():
    earlier = FocalPointFactory(start_date=datetime.date(2004, 1, 1))
    with pytest.raises(ValidationError) as caught:
        focal_point_replace(
            member=earlier.member,
            name="Too early",
            email="early@example.org",
            start_date=datetime.date(2003, 1, 1),
        )
    assert "start_date" in caught.value.message_dict
    earlier.refresh_from_db()
    assert earlier.end_date is None
    assert earlier.member.focal_points.count() == 1


def test_replacing_with_an_invalid_email_saves_nothing():
    earlier = FocalPointFactory(start_date=datetime.date(2004, 1, 1))
    with pytest.raises(ValidationError):
        focal_point_replace(
            member=earlier.member,
            name="Bad address",
            email="not an address",
            start_date=datetime.date(2006, 1, 1),
        )
    earlier.refresh_from_db()
    assert earlier.end_date is None
    assert earlier.member.focal_points.count() == 1
