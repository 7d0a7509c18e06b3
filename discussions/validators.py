"""What a consultation document may be: an office document or a PDF, whose first bytes match
its name, of at most DISCUSSIONS_DOCUMENT_MAX_BYTES."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = b"%PDF-"
ZIP = b"PK\x03\x04"  # OpenDocument and Office Open XML are zip files
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel and PowerPoint before 2007
SIGNATURES = {
    ".pdf": PDF,
    ".odt": ZIP,
    ".ods": ZIP,
    ".odp": ZIP,
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".pptx": ZIP,
    ".doc": OLE,
    ".xls": OLE,
    ".ppt": OLE,
}


def validate_document(file):
    suffix = PurePath(file.name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError(
            _("Upload a PDF, OpenDocument or Microsoft Office file."), code="document_type"
        )
    if file.size > settings.DISCUSSIONS_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; documents can be %(limit)s at most.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.DISCUSSIONS_DOCUMENT_MAX_BYTES),
            },
            code="document_size",
        )
    file.seek(0)
    start = file.read(len(SIGNATURES[suffix]))
    file.seek(0)
    if start != SIGNATURES[suffix]:
        raise ValidationError(
            _("This file is not the kind of document its name says it is."), code="document_type"
        )
