"""`make run`'s last step: the development server, a Celery worker and the beat, together.

Without REDIS_URL the tasks go through the embedded broker, files under var/celery/ (kombu's
filesystem transport), so what is scheduled is sent at its time as in production: the beat
starts the editions whose time has come, the worker sends them, and the mail lands in var/mail.
With REDIS_URL the worker and the beat use Redis.

Each child runs in a process group of its own: Ctrl-C (or SIGTERM, SIGHUP) reaches this
command alone, which stops the three together. If one stops by itself, the command says which
and with what status, stops the others and exits with an error. If this command is killed
outright (SIGKILL), Linux tells each child to stop (dies_with_parent).
"""

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_SECONDS = 15


class Stop(Exception):
    pass


def children(addrport: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web server": [python, "manage.py", "runserver", addrport],
        # -B: the beat runs inside the worker (one beat only: this is the only worker started
        # here). Its schedule is the database's (CELERY_BEAT_SCHEDULER).
        "worker and beat": [
            python,
            "-m",
            "celery",
            "--app",
            "mountainpartnership",
            "worker",
            "--beat",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        ],
    }


# How each child is asked to stop: the server's reloader stops the server it runs on
# SIGINT (Ctrl-C); the worker finishes its tasks and stops its pool and beat on SIGTERM.
STOP_SIGNALS = {"web server": signal.SIGINT, "worker and beat": signal.SIGTERM}


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """Ask each child to stop, then SIGKILL what is left of its process group once it has
    stopped or after STOP_SECONDS."""
    for name, process in processes.items():
        if process.poll() is None:
            process.send_signal(STOP_SIGNALS[name])
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        signal_group(process, signal.SIGKILL)
        process.wait()


# From <linux/prctl.h>: the signal a process receives when its parent dies.
PR_SET_PDEATHSIG = 1


def dies_with_parent(number: int):
    """A preexec_fn for a child that should receive `number` when runportal dies, even by
    SIGKILL, which leaves runportal no chance to stop it: Linux's prctl(PR_SET_PDEATHSIG),
    through libc. The child's own stop signal (STOP_SIGNALS), so that it stops what it
    started itself (the server's reloaded process, the worker's pool and beat), which the
    kernel would not signal. Nothing where there is no prctl (macOS, say): there, only
    Ctrl-C or SIGTERM stop the children."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec():
        # In the child, between fork and exec: a failure here stops the start with an error.
        if prctl(PR_SET_PDEATHSIG, int(number), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # runportal died before the line above: stop at once
            os.kill(os.getpid(), number)

    return preexec


def signal_group(process: subprocess.Popen, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, number)


class Command(BaseCommand):
    help = (
        "Development: run the web server, a Celery worker and the Celery beat together "
        "(without REDIS_URL, on a broker of files under var/celery/). Ctrl-C stops all three."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="the server's address:port"
        )

    def handle(self, *args, addrport, **options):
        if not settings.DEBUG:
            raise CommandError("runportal is for development only (DEBUG is false).")
        for folder in ("queue", "control"):
            (settings.CELERY_DIR / folder).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "EMBEDDED_WORKER": "true"}

        def stop_on_signal(number, frame):
            raise Stop

        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, stop_on_signal)
        processes = {}
        try:
            for name, command in children(addrport).items():
                processes[name] = subprocess.Popen(
                    command,
                    cwd=settings.BASE_DIR,
                    env=env,
                    process_group=0,
                    preexec_fn=dies_with_parent(STOP_SIGNALS[name]),
                )
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(
                            f"runportal: the {name} stopped (exit status {process.returncode}); "
                            "stopping the rest."
                        )
                        raise CommandError(f"the {name} stopped", returncode=1)
                time.sleep(0.5)
        except Stop:
            self.stdout.write("runportal: stopping the web server, the worker and the beat.")
        finally:
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(number, signal.SIG_IGN)
            stop(processes)
