from mountainpartnership.settings import *  # noqa: F403 (the real settings, unchanged)

ROOT_URLCONF = "tests.mountainpartnership.production.urls"
CELERY_IMPORTS = ["tests.mountainpartnership.production.tasks"]
