"""Pictures and logos: resized once, when they are uploaded, into WebP (and AVIF where this
Pillow can write it) at a few widths, with django-imagekit.

An app says which image fields to follow (`follow(News, "picture")`, in its ready()). When a
record is saved with a new file there, imagekit's source group calls `AtUpload`, which writes
every rendition the file needs: one per width below the original's, and the original's own
width in place of the wider ones (a picture is never enlarged). A page then only names the
files (`renditions()`): nothing is read from disk or resized while a page is served.

Files uploaded before their field was followed have no renditions until
`manage.py generateimages` runs (the compose `migrate` service runs it at each deployment).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import generator_registry
from imagekit.specs.sourcegroups import ImageFieldSourceGroup
from PIL import Image, features
from pilkit.processors import ResizeToFit, Transpose

# The widths of a news, activity or event picture (a card is about 320 px wide, a page's
# column up to 960), and of a logo (shown small, sharp on a screen of twice the density).
PICTURE_WIDTHS = (320, 640, 960)
LOGO_WIDTHS = (160, 320)

# (format, media type, what Pillow is told), best first: AVIF is offered in a <source> to the
# browsers that read it, WebP is the <img> every current browser shows.
AVIF = ("AVIF", "image/avif", {"quality": 60})
WEBP = ("WEBP", "image/webp", {"quality": 80, "method": 6})
FORMATS = [AVIF, WEBP] if features.check("avif") else [WEBP]

# Which files may be uploaded as a picture, and how big (a photograph from a camera is fine;
# a poster of 100 megapixels is not: resizing it would take the server's memory).
PICTURE_FORMATS = {"PNG", "JPEG", "WEBP"}
PICTURE_MAX_PIXELS = 40_000_000


class AtUpload:
    """imagekit's cache file strategy here: write a rendition when its source is saved (if
    the source needs that width), overwriting any older one; afterwards trust that it exists,
    so that naming it in a page costs no disk access."""

    def on_source_saved(self, file):
        if file.generator.needed():
            file.generate(force=True)

    def should_verify_existence(self, file):
        return False


class Rendition(ImageSpec):
    """One width in one format. Turned upright first (a photograph's EXIF orientation), then
    fitted to `width` without ever being enlarged."""

    cachefile_strategy = AtUpload
    width: int
    format: str
    options: dict

    @property
    def processors(self):
        return [Transpose(), ResizeToFit(width=self.width, upscale=False)]

    def needed(self) -> bool:
        widths = FOLLOWED.get(field_key(type(self.source.instance), self.source.field.name), ())
        return self.width in {spec for spec, _width in spec_widths(self.source, widths)}


def generator_id(image_format: str, width: int) -> str:
    return f"mountainpartnership:{image_format.lower()}-{width}"


def register_renditions():
    for image_format, _media_type, options in FORMATS:
        for width in sorted({*PICTURE_WIDTHS, *LOGO_WIDTHS}):
            register.generator(
                generator_id(image_format, width),
                type(
                    f"Rendition{image_format.title()}{width}",
                    (Rendition,),
                    {"width": width, "format": image_format, "options": options},
                ),
            )


register_renditions()

# "app_label.Model.field" -> the widths its files are resized to.
FOLLOWED: dict[str, tuple[int, ...]] = {}


def field_key(model, field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


def follow(model, field_name: str, widths: tuple[int, ...] = PICTURE_WIDTHS) -> None:
    """Make the renditions of `model.field_name` whenever a record is saved with a new file
    there (call once, from the app's ready())."""
    key = field_key(model, field_name)
    if key in FOLLOWED:
        return
    FOLLOWED[key] = widths
    group = ImageFieldSourceGroup(model, field_name)
    for image_format, _media_type, _options in FORMATS:
        for width in widths:
            register.source_group(generator_id(image_format, width), group)


def source_size(file) -> tuple[int, int] | None:
    """The original's (width, height) as the record keeps them (its width and height
    fields), without opening the file."""
    field = file.field
    width = getattr(file.instance, field.width_field, None) if field.width_field else None
    height = getattr(file.instance, field.height_field, None) if field.height_field else None
    if width and height:
        return width, height
    return None


def spec_widths(file, widths) -> list[tuple[int, int]]:
    """(the rendition's width, the width of the file it makes) for each rendition `file`
    needs: the narrower widths, then the original's own width in place of every wider one."""
    size = source_size(file)
    if size is None:
        return []
    original = size[0]
    chosen = []
    for width in sorted(widths):
        chosen.append((width, min(width, original)))
        if width >= original:
            break
    return chosen


@dataclass
class Source:
    type: str
    srcset: str


@dataclass
class Renditions:
    sources: list[Source]  # the formats offered before the <img>'s own (AVIF)
    src: str
    srcset: str
    width: int
    height: int


def renditions(file) -> Renditions | None:
    """The files a page names for an uploaded image: for each format a srcset of its widths,
    the widest as the <img>'s src, width and height. None when the image has none (no file,
    or a field nobody follows)."""
    if not file:
        return None
    widths = FOLLOWED.get(field_key(type(file.instance), file.field.name))
    chosen = spec_widths(file, widths) if widths else []
    if not chosen:
        return None
    original_width, original_height = source_size(file)
    srcsets = []
    for image_format, media_type, _options in FORMATS:
        srcsets.append(
            (
                media_type,
                ", ".join(f"{url(image_format, spec, file)} {width}w" for spec, width in chosen),
            )
        )
    widest_spec, widest = chosen[-1]
    return Renditions(
        sources=[Source(type=media_type, srcset=srcset) for media_type, srcset in srcsets[:-1]],
        src=url(FORMATS[-1][0], widest_spec, file),
        srcset=srcsets[-1][1],
        width=widest,
        height=max(1, round(original_height * widest / original_width)),
    )


def url(image_format: str, width: int, file) -> str:
    spec = generator_registry.get(generator_id(image_format, width), source=file)
    return ImageCacheFile(spec).url


def validate_picture(file):
    """A picture is a PNG, JPEG or WebP image of at most PICTURE_MAX_BYTES and
    PICTURE_MAX_PIXELS. Checked on upload only: a file already kept is not read again."""
    if getattr(file, "_committed", True):
        return
    if file.size > settings.PICTURE_MAX_BYTES:
        raise ValidationError(
            _("The picture is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.PICTURE_MAX_BYTES),
            },
            code="picture_too_large",
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
    except Exception:  # not an image Pillow can read
        raise ValidationError(
            _("The picture must be a PNG, JPEG or WebP image."), code="picture"
        ) from None
    finally:
        file.seek(0)
    if image_format not in PICTURE_FORMATS:
        raise ValidationError(_("The picture must be a PNG, JPEG or WebP image."), code="picture")
    if width * height > PICTURE_MAX_PIXELS:
        raise ValidationError(
            _("The picture has too many pixels; make it smaller than 40 megapixels."),
            code="picture_too_large",
        )
