"""What the portal tells its operators: log lines, and a report for each error.

Logs go to standard output, one JSON object per line in production (structlog, fed by
django-structlog's request and Celery task events), readable lines in development. An error
is reported once: to Sentry (or GlitchTip) when SENTRY_DSN is set, otherwise by mail to
ADMINS. Everything passes through mountainpartnership.scrub on its way out.

settings.py calls logging_config(), configure_structlog() and, with a DSN, init_sentry();
nothing here imports a model, so settings may import it.
"""

import logging
import sys
import threading
import time

import structlog
from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

from . import scrub

# Bound to every line of a request by django-structlog's middleware, or of a task.
REQUEST_STARTED_AT = "_log_started_at"


def scrub_event(logger, method_name, event_dict):
    """structlog processor: the line's text and its rendered traceback, scrubbed."""
    return scrub.scrub_all(event_dict)


SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    """structlog hands each event to the standard logging module, whose handlers (LOGGING)
    render it: one pipeline for the portal's events and for those of Django and Celery."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(json: bool) -> dict:
    # The traceback as one string in "exception", without local variables (they may hold
    # anything), then scrubbed with the rest of the line.
    renderer = [structlog.processors.format_exc_info, scrub_event]
    if json:
        renderer.append(structlog.processors.JSONRenderer())
    else:
        renderer.append(structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty()))
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
        "foreign_pre_chain": SHARED_PROCESSORS,
    }


def logging_config(*, json: bool, level: str, mail_admins: bool) -> dict:
    """LOGGING for settings.py.

    An unhandled error in a view leaves one line on standard output, django-structlog's
    `request_failed` with the traceback; Django's own "Internal Server Error" record goes only
    to the mail report (when there is no Sentry), not to the output a second time. The same
    for a task: django-structlog's `task_failed` line, Celery's own record to the mail only.
    """
    reports = ["mail_admins"] if mail_admins else []
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter(json)},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "structured",
            },
            "mail_admins": {
                "class": "mountainpartnership.logs.ScrubbedAdminEmailHandler",
                "level": "ERROR",
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Replaces Django's default (console when DEBUG, mail_admins otherwise).
            "django": {"handlers": ["stdout"], "level": level, "propagate": False},
            "django.request": {"handlers": reports, "level": "ERROR", "propagate": False},
            "celery.app.trace": {"handlers": reports, "level": "ERROR", "propagate": False},
            # In development runserver prints each request already; keep only the problems.
            "django_structlog": {"level": level if json else "WARNING"},
        },
    }


class ScrubbingReporterFilter(SafeExceptionReporterFilter):
    """The error mail's request section without what a visitor typed or carries: every POST
    value (post bodies, passwords), every cookie, and the visitor's address."""

    hidden_meta = {"HTTP_COOKIE", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"}

    def get_post_parameters(self, request):
        if request is None:
            return {}
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed.setlist(key, [self.cleansed_substitute])
        return cleansed

    def get_safe_cookies(self, request):
        return {key: self.cleansed_substitute for key in getattr(request, "COOKIES", {})}

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {
            key: self.cleansed_substitute if key in self.hidden_meta else value
            for key, value in meta.items()
        }


class ScrubbedAdminEmailHandler(AdminEmailHandler):
    """Django's error mail to ADMINS, with the subject and the whole report scrubbed last,
    whatever part of it (the URL, META, the exception's message) carries an address or a
    token. Plain text only: the HTML report would show local variables."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._current = threading.local()

    def emit(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path", "")
        # emit() and send_mail() run in the same thread, one record after the other.
        self._current.secrets = scrub.url_secrets(path) if path else set()
        super().emit(record)

    def send_mail(self, subject, message, *args, **kwargs):
        secrets = getattr(self._current, "secrets", set())
        kwargs["html_message"] = None
        super().send_mail(
            scrub.scrub(subject, secrets), scrub.scrub(message, secrets), *args, **kwargs
        )


# Sentry ---------------------------------------------------------------------------------

# Parts of an event that hold what a visitor sent or carries: never sent at all.
DROPPED_REQUEST_FIELDS = ("data", "cookies", "env")
DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "x-csrftoken"}


def before_send(event, hint):
    """Sentry's last look at an event before it leaves: request body, cookies and the
    visitor's address dropped, task arguments dropped (a task that sends mail gets the
    message), the user reduced to its id, then every remaining string scrubbed, with the
    secret parts of the URLs found anywhere in the event."""
    request = event.get("request") or {}
    for field in DROPPED_REQUEST_FIELDS:
        request.pop(field, None)
    if isinstance(request.get("headers"), dict):
        request["headers"] = {
            name: value
            for name, value in request["headers"].items()
            if name.lower() not in DROPPED_HEADERS
        }
    job = (event.get("extra") or {}).get("celery-job")
    if isinstance(job, dict):
        job.pop("args", None)
        job.pop("kwargs", None)
    if "user" in event:
        event["user"] = {"id": event["user"].get("id")} if event["user"].get("id") else {}
    return scrub.scrub_all(event)


def init_sentry(*, dsn: str, environment: str, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        # Nothing personal by default (no cookies, no user's email, no IP address), no
        # request body, no local variables (they may hold a post or a password): the
        # traceback, the URL and the exception are enough to find a bug.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        # Log records become breadcrumbs; an ERROR record with no exception becomes an
        # event. Errors with an exception are reported once by the Django and Celery
        # integrations (the same exception logged again is dropped as a duplicate).
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        before_send=before_send,
        before_breadcrumb=lambda crumb, hint: scrub.scrub_data(crumb),
        # Errors only: no performance tracing leaves the portal.
        traces_sample_rate=0,
    )


# django-structlog and Celery -------------------------------------------------------------


def request_started(request, logger, log_kwargs, **kwargs):
    setattr(request, REQUEST_STARTED_AT, time.monotonic())


def request_finished(request, logger, log_kwargs, **kwargs):
    """The path apart and the time the request took, on its `request_finished` or
    `request_failed` line."""
    log_kwargs["path"] = request.path
    started = getattr(request, REQUEST_STARTED_AT, None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.monotonic() - started) * 1000)


def task_started(task, logger, **kwargs):
    """Every line a task logs says which try it is (0 the first, 1 the first retry)."""
    structlog.contextvars.bind_contextvars(task=task.name, retries=task.request.retries)


def connect_signals() -> None:
    from django_structlog import signals
    from django_structlog.celery import signals as celery_signals

    signals.bind_extra_request_metadata.connect(request_started, dispatch_uid="log-started")
    signals.bind_extra_request_finished_metadata.connect(
        request_finished, dispatch_uid="log-finished"
    )
    signals.bind_extra_request_failed_metadata.connect(request_finished, dispatch_uid="log-failed")
    celery_signals.bind_extra_task_metadata.connect(task_started, dispatch_uid="log-task")
