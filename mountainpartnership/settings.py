"""Settings for the Mountain Partnership portal.

Read once from the environment. With nothing set, the portal runs for development:
SQLite under var/, email written to files under var/mail, Celery tasks run in-process, or
through a broker of files under var/celery when `manage.py runportal` (`make run`) runs a
worker and the beat beside the server.
With DEBUG=False it refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import datetime
import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from mountainpartnership import logs

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# What the portal writes on this machine: the SQLite database, uploads, mail as files, the
# embedded broker's queue. VAR_DIR moves it all (the test of `make run` runs in a scratch one).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes or no is an error."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


DEBUG = env_bool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-secret")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "csp",
    "django_celery_beat",
    "django_countries",
    "django_filters",
    "django_structlog",
    "imagekit",
    "simple_history",
    "mountainpartnership",
    "members",
    "activities",
    "newsletter",
    "discussions",
    "insight",
]

MIDDLEWARE = [
    # First, so that every line logged during a request carries its id, and its last line
    # says how it ended and how long it took.
    "django_structlog.middlewares.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "mountainpartnership.middleware.PermissionsPolicyMiddleware",
    # Pages are small; gzipped they are a quarter of that, which counts on a mountain line.
    # CSRF tokens are masked per response, so compression does not expose them (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mountainpartnership.pagecache.AnonymousVaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Counts every page view, those served from the cache below included.
    "insight.visits.PageViewMiddleware",
    "mountainpartnership.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff are the secretariat only in a session that passed the second factor.
    "members.middleware.SecondFactorMarkMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.SecretariatSecondFactorMiddleware",
    # Who made a change, for the history of every record (mountainpartnership/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
]

# The history keeps a file's name as a bounded text, as the record does, not as an unbounded
# one (mountainpartnership/history.py).
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True

ROOT_URLCONF = "mountainpartnership.urls"
WSGI_APPLICATION = "mountainpartnership.wsgi.application"
ASGI_APPLICATION = "mountainpartnership.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mountainpartnership.context_processors.languages",
                "mountainpartnership.context_processors.navigation",
            ],
            # The date filter writes the first of the month as French does ("1er").
            "builtins": ["mountainpartnership.templatetags.dates"],
        },
    },
]

# PostgreSQL in production and tests; SQLite under var/ when nothing is set.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Under `make run` the web server, the worker and the beat write to one file at once. A
    # transaction takes the write lock as it begins (not halfway, where SQLite would refuse
    # at once), waits up to 20 s for another's to end, and readers never wait for a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the first fallback of every translated field. Text members write is
# kept in the language they wrote it in, so where English is empty too, the others stand in.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr", "es")
USE_I18N = True
# How each language writes dates and times: the one place (mountainpartnership/formats/).
FORMAT_MODULE_PATH = ["mountainpartnership.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files not everyone may fetch (the documents of a members-only e-consultation) are
# served only after the portal has checked the reader (mountainpartnership/media.py), then
# sent by django-sendfile2: by the portal itself ("portal", the default), or by the web server
# in front, which reads the file under MEDIA_ROOT itself: "nginx" (an X-Accel-Redirect to
# PRIVATE_MEDIA_URL, an `internal` location of nginx) or "xsendfile" (an X-Sendfile header,
# for Apache's mod_xsendfile or lighttpd). See "Private files" in the README.
PRIVATE_MEDIA_SERVING = env.str("PRIVATE_MEDIA_SERVING", default="portal")
SENDFILE_BACKEND = {
    "portal": "django_sendfile.backends.simple",
    "nginx": "django_sendfile.backends.nginx",
    "xsendfile": "django_sendfile.backends.xsendfile",
}.get(PRIVATE_MEDIA_SERVING)
if SENDFILE_BACKEND is None:
    raise ImproperlyConfigured(
        f"PRIVATE_MEDIA_SERVING must be portal, nginx or xsendfile, not {PRIVATE_MEDIA_SERVING!r}"
    )
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env.str("PRIVATE_MEDIA_URL", default="/private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: an EMAIL_URL (smtp://user:password@host:587, with ?tls=true) in production;
# files under var/mail otherwise, one file per message, to read what would be sent.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Bounces and complaints reported by the email provider's webhooks (django-anymail); the
# webhook URLs exist only once a secret is set.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Mountain Partnership <secretariat@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def env_addresses(name: str) -> list[tuple[str, str]]:
    """Comma-separated email addresses, as Django's ADMINS wants them; a bad one is an error."""
    addresses = []
    for address in env.list(name, default=[]):
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(f"{name}: {address!r} is not an email address") from None
        addresses.append((address, address))
    return addresses


# Errors: reported to Sentry (or a self-hosted Sentry or GlitchTip, same protocol) when
# SENTRY_DSN is set; otherwise mailed to ADMINS. Either way scrubbed of personal data first
# (mountainpartnership/scrub.py), and logged to standard output.
ADMINS = env_addresses("ADMINS")
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    logs.init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        release=env.str("SENTRY_RELEASE", default=""),
    )
DEFAULT_EXCEPTION_REPORTER_FILTER = "mountainpartnership.logs.ScrubbingReporterFilter"

# Logs: standard output, one JSON object a line in production (LOG_FORMAT=json), readable
# lines in development (LOG_FORMAT=console); LOG_LEVEL is the least level written.
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or console, not {LOG_FORMAT!r}")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be a logging level, not {LOG_LEVEL!r}")
LOGGING = logs.logging_config(
    json=LOG_FORMAT == "json", level=LOG_LEVEL, mail_admins=not SENTRY_DSN
)
logs.configure_structlog()
# django-structlog: one line a request (`request_finished`, or `request_failed` with the
# traceback), none when it starts; a user by id, never by address; no IP address kept.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = "pk"
DJANGO_STRUCTLOG_CELERY_ENABLED = True

# Celery: Redis when REDIS_URL is set. Without it, tasks run in-process, at once, unless a
# worker is there to take them: `manage.py runportal` (`make run`) sets EMBEDDED_WORKER for
# the server, the worker and the beat it starts, and tasks go through kombu's filesystem
# transport, one file per message under var/celery/queue (read messages are deleted).
REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED_WORKER = env_bool("EMBEDDED_WORKER", False)
CELERY_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL and not EMBEDDED_WORKER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# No task runs longer than an hour (killed if it does); Redis hands a task that was not
# acknowledged to another worker only after two, so a slow task is never run twice at once.
CELERY_TASK_TIME_LIMIT = 3600
# The worker logs through LOGGING (mountainpartnership/celery.py), not its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every key the portal writes to Redis (queues, cache, rate limits, cached pages) starts with
# REDIS_KEY_PREFIX, so two portals (two checkouts running their tests) can share one server.
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="portal")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 7200, "global_keyprefix": f"{REDIS_KEY_PREFIX}:"}
    if REDIS_URL
    else {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "control_folder": str(CELERY_DIR / "control"),
    }
)
# Exactly one beat runs, its schedule kept in the database (django-celery-beat): the entries
# below are written there when it starts, and the secretariat's superusers can pause them.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Editions whose time has come are started every minute (EDITIONS_DUE_SECONDS: every that
# many seconds instead; the test of `make run` does not wait for the minute to turn).
EDITIONS_DUE_SECONDS = env.int("EDITIONS_DUE_SECONDS", default=0)
if EDITIONS_DUE_SECONDS < 0:
    raise ImproperlyConfigured(
        "EDITIONS_DUE_SECONDS must be a number of seconds (0: every minute)."
    )
EDITIONS_DUE_EVERY = (
    datetime.timedelta(seconds=EDITIONS_DUE_SECONDS)
    if EDITIONS_DUE_SECONDS
    else crontab(minute="*")
)
# Every periodic task, in one place.
CELERY_BEAT_SCHEDULE = {
    "member-changes-digest": {
        "task": "members.tasks.member_changes_digest",
        "schedule": crontab(hour=6, minute=0),
    },
    "renewal-reminders": {
        "task": "members.tasks.renewal_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # The newsletter's schedule lives in the database (Edition.send_at), never in an eta.
    "newsletter-editions-due": {
        "task": "newsletter.tasks.editions_due",
        "schedule": EDITIONS_DUE_EVERY,
    },
    "discussions-digests": {
        "task": "discussions.tasks.send_digests",
        "schedule": crontab(hour=5, minute=30),
    },
    "page-views": {
        "task": "insight.tasks.flush_page_views",
        "schedule": crontab(minute="*/5"),
    },
    "consultations-closed": {
        "task": "discussions.tasks.consultations_closed",
        "schedule": crontab(minute="*/5"),
    },
    # After the members' changes digest (6:00): the inbox, when something new waits.
    "inbox-digest": {
        "task": "insight.tasks.inbox_digest",
        "schedule": crontab(hour=6, minute=15),
    },
}

# The newsletter: messages per second across all workers together, and workers per edition.
NEWSLETTER_RATE = env.int("NEWSLETTER_RATE", default=50)
NEWSLETTER_PARALLEL = env.int("NEWSLETTER_PARALLEL", default=2)
# How long a worker holds the deliveries it claimed; a heartbeat renews the hold every third of
# it while the worker lives. When a worker dies its claims expire within this, and a live worker
# sends them again under the same Message-ID.
NEWSLETTER_CLAIM_SECONDS = env.int("NEWSLETTER_CLAIM_SECONDS", default=30)
# SMTP connections each worker process sends over at once (a thread and a database connection
# each; 8 per process: 20,000 messages in 22.0 s against 23.0 s for 6 and 27.4 s for 4, README).
NEWSLETTER_CONNECTIONS = env.int("NEWSLETTER_CONNECTIONS", default=8)

# Links in emails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Accounts (django-allauth): email addresses, no usernames; verified before anything is
# posted; a code by email as an alternative to the password; no account enumeration.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:my-members"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# The same forms, refusing an address longer than an account keeps (254 characters).
ACCOUNT_FORMS = {
    name: f"members.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "reset_password": "ResetPasswordForm",
        "request_login_code": "RequestLoginCodeForm",
    }.items()
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mountain Partnership] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mountain Partnership"

# Rate limits and anything else cached live in Redis when there is one, so that every web
# process shares them; in memory otherwise (make run).
# The cache has a Redis database of its own (REDIS_CACHE_URL, by default REDIS_URL's server,
# database 1): clearing it must never touch the queued tasks.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str(
                "REDIS_CACHE_URL", default=urlunsplit(urlsplit(REDIS_URL)._replace(path="/1"))
            ),
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# `make bench-load` compares the pages with a view that returns a constant string.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", False)

# Public pages for anonymous visitors are cached this long in Redis (mountainpartnership/
# pagecache.py), and refreshed at once when a record they show changes; 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)

# HTTPS and headers. In production every request is HTTPS (redirected if not), with HSTS for
# a year; cookies are Secure and HttpOnly. Behind a proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https and the site's origin in
# CSRF_TRUSTED_ORIGINS (https://portal.example.org).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if proxy_header := env.list("SECURE_PROXY_SSL_HEADER", default=[]):
    if len(proxy_header) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is a header and a value: NAME,https")
    SECURE_PROXY_SSL_HEADER = tuple(proxy_header)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# /healthz answers the orchestrator on plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the portal never uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# Content-Security-Policy (django-csp 4) on every response: our own files only, no inline
# script or style, no plugins, no framing, forms posting only to the portal. Images may be
# data: URIs (the favicon, the authenticator's QR code). No nonces, so cached pages stay valid.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# A membership term runs four years and is renewable, once, from this many days before it
# ends (when its focal point is reminded); a term that has ended may still be renewed.
MEMBERSHIP_TERM_YEARS = 4
MEMBERSHIP_RENEWAL_WINDOW_DAYS = 90
# How long an invitation link (to a focal point or a colleague) stays valid.
INVITATION_DAYS = 14
# Logos: size and formats accepted from members.
LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
# Pictures of news, activities and events (mountainpartnership/pictures.py): the largest
# upload, and the folder under MEDIA_ROOT where django-imagekit writes their resized copies
# (public, as the pictures are).
PICTURE_MAX_BYTES = 5 * 1024 * 1024
IMAGEKIT_CACHEFILE_DIR = "renditions"

# Discussions. An author may edit a post for this long; then "edited" shows.
DISCUSSIONS_EDIT_MINUTES = 30
# Posting limits per account: (how many, in how many seconds). An account younger than
# DISCUSSIONS_NEW_ACCOUNT_HOURS has the tighter "new" limits; the secretariat has none.
DISCUSSIONS_NEW_ACCOUNT_HOURS = 24
DISCUSSIONS_LIMITS = {
    "new": {"topic": (1, 5 * 60), "reply": (10, 24 * 3600)},
    "established": {"topic": (10, 3600), "reply": (60, 3600)},
}
# This many flags from different people hide a post until the secretariat reviews it.
DISCUSSIONS_FLAGS_TO_HIDE = 3
# Replies by email go to reply+<token>@DISCUSSIONS_REPLY_DOMAIN, which the mail server pipes
# into `manage.py receive_reply` or posts to django-anymail's inbound webhook.
DISCUSSIONS_REPLY_DOMAIN = env.str("DISCUSSIONS_REPLY_DOMAIN", default="reply.localhost")
# Documents attached to an e-consultation.
DISCUSSIONS_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

# The secretariat's insight: a member with no sign of life for this many months is dormant.
DORMANT_MONTHS = env.int("DORMANT_MONTHS", default=12)
# The partnership was launched at the World Summit on Sustainable Development, Johannesburg.
PARTNERSHIP_LAUNCHED = "2002-09-04"
