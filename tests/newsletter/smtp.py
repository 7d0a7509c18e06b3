"""A real SMTP server (aiosmtpd) for the sending tests, on a free local port."""

import contextlib
import socket

from aiosmtpd.controller import Controller


@contextlib.contextmanager
def serving(handler, settings):
    """`handler` answering SMTP on 127.0.0.1, with Django's SMTP backend sending to it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()
