"""The dashboard's report and the open-data API answer any query string without a 500."""

import pytest

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1850-06-01"])
@pytest.mark.parametrize("extra", ["", "&format=csv"])
def test_a_report_date_out_of_range_is_explained(secretariat_client, day, extra):
    response = secretariat_client.get(f"/en/dashboard/report/?date={day}{extra}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "date" in response.context["form"].errors


@pytest.mark.parametrize("page", ["9" * 5000, "²", "\x00", "-1", "1e3"])
def test_an_api_page_that_is_not_a_page_is_a_404_with_a_reason(client, page):
    MemberFactory()
    response = client.get("/en/api/members/", {"page": page})
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize("page", ["9" * 5000, "²", "\x00"])
def test_a_directory_page_that_is_not_a_page_gives_the_first_with_a_note(client, page):
    MemberFactory()
    response = client.get("/en/members/", {"page": page})
    assert response.status_code == 200
    assert "here is the first page" in response.content.decode()
