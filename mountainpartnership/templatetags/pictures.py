from django import template

from mountainpartnership.pictures import renditions

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(file, alt, sizes, css_class=""):
    """An uploaded picture or logo as <picture>: its AVIF and WebP renditions at their widths
    (mountainpartnership/pictures.py), lazy, sized, with its alternative text; nothing when
    it has none. `sizes` says how wide the page shows it, as the `sizes` attribute does:
    `{% picture news.picture news.picture_alt "(min-width: 40em) 20em, 100vw" %}`."""
    return {"picture": renditions(file), "alt": alt, "sizes": sizes, "class": css_class}
