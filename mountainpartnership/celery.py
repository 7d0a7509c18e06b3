import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mountainpartnership.settings")

app = Celery("mountainpartnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's lines carry its id, name and retries; it logs how it ended (django-structlog).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def use_django_logging(**kwargs):
    """Connected, this stops Celery from setting up logging of its own: Django has already
    configured it from settings.LOGGING, JSON lines on standard output in production."""
