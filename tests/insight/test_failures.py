"""What went wrong, on the secretariat's dashboard: failed and in-doubt newsletter deliveries,
and background tasks that failed in the last hour (recorded by Celery's task_failure signal).
A real worker's failure is recorded in tests/mountainpartnership/test_errors.py."""

import datetime
import re

import pytest
from celery import shared_task
from django.utils import timezone

from insight.models import TaskFailure
from insight.services import TASK_FAILURES_KEPT, task_failure_record
from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@shared_task(bind=True)
def breaks(self, number):
    raise LookupError(f"no record {number}")


# A delivery's state here: its status, and whether a worker holds a claim on it.
STATES = {
    "sent": ("sent", False),
    # A worker's claim is left on what it sent: sent all the same, not in doubt.
    "sent_claimed": ("sent", True),
    "failed": ("failed", False),
    "deferred": ("deferred", False),
    "in_doubt": ("pending", True),
    "deferred_in_doubt": ("deferred", True),
}


def deliveries(**statuses):
    """Deliveries of one edition, so many in each of the STATES."""
    region = RegionFactory()
    edition = Edition.objects.create(month=datetime.date(2026, 11, 1), status="sending")
    claimed = timezone.now() + datetime.timedelta(minutes=5)
    for state, count in statuses.items():
        for n in range(count):
            person = Subscriber.objects.create(
                email=f"{state}{n}@example.org", language="en", region=region, status="confirmed"
            )
            Delivery.objects.create(
                edition=edition,
                subscriber=person,
                language="en",
                region=region,
                status=STATES[state][0],
                claimed_until=claimed if STATES[state][1] else None,
                message_id=f"<{state}{n}>",
            )


def figure(html: str, label: str) -> int:
    found = re.search(rf"<th scope=\"row\">{re.escape(label)}</th><td>(\d+)</td>", html)
    assert found, label
    return int(found.group(1))


def test_a_task_that_fails_is_recorded_once_with_its_name_and_exception():
    # As a worker runs it: the error is caught and the task marked failed. (Run in-process
    # with errors propagating, as `make run` does, the error is the request's instead.)
    result = breaks.apply(args=[7], task_id="the-task-id", throw=False)
    assert result.failed()
    failure = TaskFailure.objects.get()
    assert (failure.task, failure.task_id, failure.exception) == (
        breaks.name,
        "the-task-id",
        "LookupError",
    )
    # Recorded again (a signal sent twice): still one row.
    task_failure_record(task=breaks.name, task_id="the-task-id", exception="x", retries=0)
    assert TaskFailure.objects.count() == 1


def test_old_task_failures_are_forgotten():
    old = TaskFailure.objects.create(
        task="t", task_id="old", exception="E", failed_at=timezone.now() - TASK_FAILURES_KEPT * 2
    )
    task_failure_record(task="t", task_id="new", exception="E", retries=0)
    assert not TaskFailure.objects.filter(pk=old.pk).exists()
    assert TaskFailure.objects.filter(task_id="new").exists()


def test_the_dashboard_counts_failed_and_in_doubt_deliveries_and_recent_task_failures(
    secretariat_client,
):
    deliveries(sent=3, sent_claimed=2, failed=2, in_doubt=4, deferred_in_doubt=1, deferred=5)
    now = timezone.now()
    for n, minutes_ago in enumerate([1, 30, 59, 61, 600]):
        TaskFailure.objects.create(
            task="newsletter.tasks.edition_send",
            task_id=f"id-{n}",
            exception="SMTPServerDisconnected",
            failed_at=now - datetime.timedelta(minutes=minutes_ago),
        )
    html = secretariat_client.get("/en/dashboard/").content.decode()
    assert figure(html, "Newsletter deliveries that failed, in all editions") == 2
    assert (
        figure(
            html,
            "Newsletter deliveries in doubt (claimed by a worker that has not reported back)",
        )
        == 5
    )
    assert figure(html, "Background tasks that failed in the last hour") == 3

    html = secretariat_client.get("/fr/dashboard/").content.decode()
    assert figure(html, "Tâches de fond en échec au cours de la dernière heure") == 3
