"""The portal's logo, drawn once here: a mountain mark and the name in each language.

`python -m mountainpartnership.identity` (`make images`) writes, from the drawing below, the
files under static/mountainpartnership/ that use it: the mark (the favicon, mark.svg), the
logo with the name in each language (logo-<lang>.svg), the social preview of each language
(og-<lang>.png, 1200 × 630, what a link shared on a social network shows), and the mark for
the HTML newsletter (mark-email.png, 96 × 96 shown at 48: mail programs do not show SVG),
rendered from the SVG by CairoSVG; the mark is four flat colours, so its PNG keeps 16 (with
their edges' transparency) in a palette: 0.7 KB instead of 2.2 KB in every email sent. The
files are committed; tests/mountainpartnership/test_identity.py checks that they are what
this module draws.
"""

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static" / "mountainpartnership"

# The portal's name in each language, as the catalogues translate "Mountain Partnership".
NAMES = {
    "en": "Mountain Partnership",
    "fr": "Partenariat de la montagne",
    "es": "Alianza para las Montañas",
}
INK = "#1b2620"
ACCENT = "#0a5535"
LIGHT = "#3f8f5f"
SNOW = "#ffffff"
SOFT = "#f1f5f2"

# Two peaks on a 48 × 48 grid: a far, lighter one behind, a near one with a snow cap, and a
# line of ground under both (the partnership: several ranges, one base).
MARK = (
    f'<path fill="{LIGHT}" d="M27 12 43 38H11z"/>'
    f'<path fill="{ACCENT}" d="M17 8 34 38H0z"/>'
    f'<path fill="{SNOW}" d="m17 8 5.2 9.2-3-1.6-2.2 2.4-2.2-2.4-3 1.6z"/>'
    f'<path fill="{ACCENT}" d="M0 40h48v3H0z"/>'
)


def mark_svg() -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">'
        f"{MARK}</svg>\n"
    )


def logo_width(language: str) -> int:
    """The logo's width for the name in `language`, its height being 48."""
    return 60 + round(len(NAMES[language]) * 13.5)


def logo_svg(language: str) -> str:
    name = NAMES[language]
    width = logo_width(language)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 48" width="{width}" '
        f'height="48" role="img" aria-label="{name}"><title>{name}</title>{MARK}'
        f'<text x="58" y="32" fill="{INK}" font-family="DejaVu Sans, Verdana, sans-serif" '
        f'font-size="20" font-weight="bold">{name}</text></svg>\n'
    )


def og_svg(language: str) -> str:
    """The social preview: the mark large, the name, a range of hills along the bottom."""
    name = NAMES[language]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 630" width="1200" '
        f'height="630"><rect width="1200" height="630" fill="{SOFT}"/>'
        f'<g transform="translate(504 70) scale(4)">{MARK}</g>'
        f'<text x="600" y="370" fill="{INK}" font-family="DejaVu Sans, Verdana, sans-serif" '
        f'font-size="56" font-weight="bold" text-anchor="middle">{name}</text>'
        f'<path fill="{LIGHT}" d="M0 630V540l160-70 140 50 180-110 200 120 160-80 170 90 190-60'
        'v160z" opacity=".35"/>'
        f'<path fill="{ACCENT}" d="M0 630v-50l220-60 180 50 220-90 240 90 180-40 160 50v50z"/>'
        "</svg>\n"
    )


def png(svg: str, width: int, height: int) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode(), output_width=width, output_height=height)


def in_palette(png_bytes: bytes, colours: int = 16) -> bytes:
    """The PNG with its colours in a palette of `colours` (alpha kept), as small as it goes."""
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.open(io.BytesIO(png_bytes))
    image.quantize(colours, method=Image.Quantize.FASTOCTREE).save(out, "PNG", optimize=True)
    return out.getvalue()


def drawn() -> dict[str, bytes]:
    """Every file this module draws, by name under static/mountainpartnership/."""
    files = {
        "mark.svg": mark_svg().encode(),
        "mark-email.png": in_palette(png(mark_svg(), 96, 96)),
    }
    for language in NAMES:
        files[f"logo-{language}.svg"] = logo_svg(language).encode()
        files[f"og-{language}.png"] = png(og_svg(language), 1200, 630)
    return files


if __name__ == "__main__":
    for name, content in drawn().items():
        (STATIC / name).write_bytes(content)
        print(f"wrote {STATIC / name} ({len(content)} bytes)")
