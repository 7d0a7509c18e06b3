"""A settings module for tests that start the portal in another process under production
settings (gunicorn, a Celery worker): the real settings, read from the environment as in
production, plus one page that fails on purpose and one task that fails on purpose."""
