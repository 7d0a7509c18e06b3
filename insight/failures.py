"""Failed Celery tasks, counted for the secretariat's dashboard.

Why a database row rather than a Redis counter: the worker and the web may be on different
machines, `make run` has no Redis, a row keeps which task failed and when (readable in the
admin), and a task failure is rare enough that one small insert costs nothing. The row is
written by the worker itself, on Celery's `task_failure` signal: after the last retry, not
for each retry.
"""

import datetime
import logging

from celery.signals import task_failure
from django.utils import timezone

from .models import TaskFailure

logger = logging.getLogger(__name__)

WINDOW = datetime.timedelta(hours=1)


def record_task_failure(sender=None, task_id=None, exception=None, **kwargs):
    from .services import task_failure_record

    try:
        task_failure_record(
            task=getattr(sender, "name", "") or "",
            task_id=str(task_id or ""),
            exception=type(exception).__name__ if exception is not None else "",
            retries=getattr(getattr(sender, "request", None), "retries", 0) or 0,
        )
    except Exception:
        # The database may be why the task failed; the failure is in the log line anyway.
        logger.warning("task_failure_not_recorded", exc_info=True)


def connect_signals() -> None:
    task_failure.connect(record_task_failure, dispatch_uid="insight-task-failure")


def failed_in_last_hour(now=None) -> int:
    return TaskFailure.objects.since((now or timezone.now()) - WINDOW).count()
