"""What every public list shares (mountainpartnership/listing.py): the page asked for, or a
page that exists with a notice that says why; notices for filter values that were ignored."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from members.filters import MemberFilter
from members.models import Member
from mountainpartnership.listing import filter_notices, paginate, query_without_page

ROWS = list(range(1, 26))  # 25 rows: pages of 10, 10 and 5


def page_for(query, count=None, rows=ROWS):
    notices = []
    request = RequestFactory().get("/en/members/", query)
    with translation.override("en"):
        page = paginate(request, rows, 10, notices, count=count)
    return page.number, list(page), [notice["text"] for notice in notices]


def test_the_page_asked_for_is_given_without_a_notice():
    assert page_for({}) == (1, ROWS[:10], [])
    assert page_for({"page": "1"}) == (1, ROWS[:10], [])
    assert page_for({"page": "2"}) == (2, ROWS[10:20], [])
    assert page_for({"page": "3"}) == (3, ROWS[20:], [])


def test_a_page_number_that_is_not_a_number_gives_the_first_page_and_says_so():
    assert page_for({"page": "abc"}) == (
        1,
        ROWS[:10],
        ["“abc” is not a page number: here is the first page."],
    )


@pytest.mark.parametrize("number", ["0", "-3"])
def test_a_page_before_the_first_gives_the_first_and_says_so(number):
    assert page_for({"page": number}) == (
        1,
        ROWS[:10],
        [f"There is no page {number}: here is the first page."],
    )


def test_a_page_after_the_last_gives_the_last_and_says_so():
    assert page_for({"page": "4"}) == (
        3,
        ROWS[20:],
        ["There is no page 4: here is the last page, 3."],
    )


def test_a_count_the_caller_already_knows_is_used_as_it_is():
    number, rows, notices = page_for({"page": "3"}, count=12)
    assert (number, notices) == (2, ["There is no page 3: here is the last page, 2."])
    assert rows == ROWS[10:12]  # as many as the count says


def test_links_to_other_pages_keep_every_parameter_but_the_page():
    request = RequestFactory().get("/en/members/", {"region": "europe", "page": "3", "q": "a"})
    assert query_without_page(request) == "region=europe&q=a"
    assert query_without_page(RequestFactory().get("/en/members/", {"q": "x y"})) == "q=x+y"


@pytest.mark.django_db
def test_each_ignored_filter_value_gets_a_notice_the_field_points_to():
    filterset = MemberFilter(
        {"type": "planet", "sector": "ngo", "q": "x"}, queryset=Member.objects.all()
    )
    with translation.override("en"):
        notices = filter_notices(filterset)
    assert notices == [
        {
            "id": "id_type_error",
            "text": "“planet” is not a known value for “Type”: that filter was ignored.",
        }
    ]
    assert filter_notices(MemberFilter(queryset=Member.objects.all())) == []


def test_what_a_visitor_typed_is_quoted_back_whole_up_to_twenty_characters():
    twenty, longer = "9" * 19 + "x", "9" * 20 + "xyz"
    assert page_for({"page": twenty})[2] == [
        f"“{twenty}” is not a page number: here is the first page."
    ]
    assert page_for({"page": longer})[2] == [
        f"“{'9' * 20}…” is not a page number: here is the first page."
    ]
    # The same for a filter value.
    filterset = MemberFilter({"type": "t" * 25}, queryset=Member.objects.none())
    with translation.override("en"):
        (notice,) = filter_notices(filterset)
    assert notice["text"].startswith(f"“{'t' * 20}…” is not a known value")
