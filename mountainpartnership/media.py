"""Uploaded files (logos, consultation documents), served by the portal itself.

Files live under MEDIA_ROOT, outside the code. Each is sent with a content type decided here
from its checked extension (never guessed from its bytes by the browser: nosniff), a policy
that lets nothing in it run, and, for anything but an image, Content-Disposition: attachment,
so that a document is downloaded rather than opened in the portal's origin.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join

INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
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
    suffix = full.suffix.lower()
    inline = suffix in INLINE_TYPES
    content_type = INLINE_TYPES.get(suffix) or DOWNLOAD_TYPES.get(suffix)
    response = FileResponse(
        full.open("rb"),
        as_attachment=not inline,
        filename=full.name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response
