"""Uploaded files (logos, consultation documents), served by the portal itself.

Files live under MEDIA_ROOT, outside the code. Each is sent with a content type decided here
from its checked extension (never guessed from its bytes by the browser: nosniff), a policy
that lets nothing in it run, and, for anything but an image, Content-Disposition: attachment,
so that a document is downloaded rather than opened in the portal's origin.

Some files are not for everyone: the app that owns a folder says, file by file, who may fetch
one (`guard`). A private file is sent only after that check, through django-sendfile2, so that
production can leave the bytes to the web server (X-Accel-Redirect, X-Sendfile: the setting
PRIVATE_MEDIA_SERVING); it is never stored by a shared cache. A file under a guarded folder
that its app does not know (one left behind by a deleted record) is a 404.
"""

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.utils.cache import patch_vary_headers
from django_sendfile import sendfile

PUBLIC = "public"
PRIVATE = "private"
# Folder (under MEDIA_ROOT, with a trailing slash) -> check(user, name) for a file in it, with
# `name` its path under MEDIA_ROOT: PUBLIC, PRIVATE (this reader may fetch it, not everyone
# may) or None (not for this reader: a 404, as the record's page is).
GUARDS: dict[str, Callable[[object, str], str | None]] = {}


def guard(folder: str, check: Callable[[object, str], str | None]) -> None:
    """Ask `check` before serving any file under `folder` (called from an app's ready())."""
    GUARDS[folder.strip("/") + "/"] = check


def access(user, name: str) -> str | None:
    for folder, check in GUARDS.items():
        # Case aside, for file systems that ignore it ("Consultations/" is the same folder).
        if name.lower().startswith(folder.lower()):
            return check(user, name)
    return PUBLIC


INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
DOWNLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def serve(request, path):
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:  # a path that leaves MEDIA_ROOT
        raise Http404 from None
    try:
        found = full.is_file()
    except OSError:  # a name longer than the file system takes is no file of ours
        found = False
    if not found:
        raise Http404
    # The name as stored, whatever way the address spelt it ("a//b", "a/./b").
    name = Path(os.path.relpath(full, os.path.abspath(settings.MEDIA_ROOT))).as_posix()
    allowed = access(request.user, name)
    if allowed is None:
        raise Http404
    suffix = full.suffix.lower()
    inline = suffix in INLINE_TYPES
    content_type = INLINE_TYPES.get(suffix) or DOWNLOAD_TYPES.get(suffix)
    content_type = content_type or "application/octet-stream"
    if allowed == PRIVATE:
        response = sendfile(
            request,
            str(full),
            attachment=not inline,
            attachment_filename=full.name,
            mimetype=content_type,
        )
        # For this reader only: no proxy or shared cache keeps it for the next one.
        response["Cache-Control"] = "private, no-store"
        patch_vary_headers(response, ["Cookie"])
    else:
        response = FileResponse(
            full.open("rb"), as_attachment=not inline, filename=full.name, content_type=content_type
        )
        response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
