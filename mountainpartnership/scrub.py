"""Personal data out of what leaves the portal: log lines, error reports to Sentry and the
error mails to ADMINS all pass through here first.

Three things are taken out of any text: email addresses, the secret part of a URL (the
`token` or `key` of an invitation, unsubscribe or confirmation link, found by resolving the
path against the URL conf, so a new link with a token is covered the day it is added), and
anything shaped like a Django-signed value (a token quoted outside a URL). Post bodies,
cookies and passwords are not recognisable in free text: the callers drop those fields whole.
"""

import re
from collections.abc import Iterable

from django.urls import Resolver404, resolve
from django.utils import translation

EMAIL = "[email]"
TOKEN = "[token]"

# URL-encoded too (%40), as in a query string.
EMAIL_RE = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.ASCII)
# A Django-signed value ends in ":" and a base64 signature of 27 (SHA-1) or 43 (SHA-256)
# characters; every token the portal signs has that shape.
SIGNED_RE = re.compile(r"[\w.-]*(?::[\w.-]*)*:[\w-]{27,}", re.ASCII)
# A URL path inside a longer text ("GET /en/newsletter/unsubscribe/…/?x=1"), or the path of
# a whole URL (the scheme and host are left out).
PATH_RE = re.compile(r"(?:https?://[^/\s'\"]+)?(/[\w\-.:~%/]+)", re.ASCII)
# The names the URL conf gives to the secret part of a link (the portal's own `<token:…>`
# converter, allauth's `key` in e-mail confirmation and password-reset links).
SECRET_KWARGS = {"token", "key"}


# Paths known to hold no secret (most pages: every request's log line names one), so that
# each is resolved once per process rather than on every line. Paths with a secret are never
# kept here.
_SECRET_FREE: set[str] = set()
_SECRET_FREE_MAX = 10_000


def url_secrets(path: str) -> set[str]:
    """The secret parts of `path` if it is one of the portal's links, else nothing."""
    if path in _SECRET_FREE:
        return set()
    found = _resolve_secrets(path)
    if not found:
        if len(_SECRET_FREE) >= _SECRET_FREE_MAX:
            _SECRET_FREE.clear()
        _SECRET_FREE.add(path)
    return found


def _resolve_secrets(path: str) -> set[str]:
    language = translation.get_language_from_path(path) or translation.get_language()
    try:
        with translation.override(language):
            match = resolve(path)
    except (Resolver404, ValueError, TypeError):
        return set()
    except Exception:  # never let scrubbing break what it scrubs (a URL conf not ready)
        return set()
    return {
        str(value)
        for name, value in match.kwargs.items()
        if value and (name in SECRET_KWARGS or f"<token:{name}>" in (match.route or ""))
    }


def secrets_in(text: str) -> set[str]:
    """The secret parts of every URL path that appears in `text`."""
    found = set()
    if "/" not in text:
        return found
    for path in PATH_RE.findall(text):
        # Only a path that could be a page: file paths in tracebacks never resolve anyway,
        # and skipping the obvious ones keeps a long traceback cheap.
        if path.endswith(".py") or "/site-packages/" in path:
            continue
        found |= url_secrets(path)
    return found


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with emails, URL tokens and signed values replaced by placeholders."""
    if not text:
        return text
    for secret in sorted(set(secrets) | secrets_in(text), key=len, reverse=True):
        text = text.replace(secret, TOKEN)
    # The expressions only where they can match: most strings of a log line have no "@"
    # and no ":", and this runs for every line.
    if "@" in text or "%40" in text:
        text = EMAIL_RE.sub(EMAIL, text)
    if ":" in text:
        text = SIGNED_RE.sub(TOKEN, text)
    return text


def scrub_data(value, secrets: Iterable[str] = ()):
    """Every string inside dicts, lists and tuples scrubbed, the keys included."""
    secrets = set(secrets)
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {scrub_data(k, secrets): scrub_data(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_data(item, secrets) for item in value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # Anything else (an exception, a model instance) would be written as its repr: scrub that.
    return scrub(repr(value), secrets)


def scrub_all(value):
    """`value` scrubbed as a whole: a token found in a URL in one part of it (the request's
    path) is also taken out of every other part (an exception's message that quotes it)."""
    secrets = set()
    for text in strings_in(value):
        secrets |= secrets_in(text)
    return scrub_data(value, secrets)


def strings_in(value) -> Iterable[str]:
    """Every string inside `value` (to find the URLs of an error report before scrubbing)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)
