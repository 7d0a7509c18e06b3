"""Pictures for the demo, drawn here rather than copied: mountain landscapes for news,
activities and events, and simple marks with initials for members' logos.

Each picture is a function of its seed (a slug): the same seed always gives the same PNG bytes,
so a second `loaddemo` can keep the file it finds instead of drawing it again.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFont

LANDSCAPE_SIZE = (1200, 675)
LOGO_SIZE = 256

# Skies (top, horizon) and mountain ranges (far to near) of a few times of day.
PALETTES = [
    {"sky": ((116, 170, 214), (222, 236, 244)), "ranges": ["#9bb4c9", "#6f8fa8", "#4b6b7f"]},
    {"sky": ((246, 180, 120), (252, 231, 196)), "ranges": ["#b9a0a8", "#86707f", "#4f4358"]},
    {"sky": ((94, 142, 190), (196, 222, 236)), "ranges": ["#a9c0b4", "#6e9a80", "#3f6b52"]},
    {"sky": ((60, 74, 122), (232, 170, 150)), "ranges": ["#7d6c8c", "#564a6b", "#2f2a45"]},
]
LOGO_COLOURS = ["#1f5f8b", "#2e6b4f", "#8a3b2e", "#5b4a8a", "#7a5a12", "#245a66"]


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def ridge(rng: random.Random, width: int, base: int, height: int) -> list[tuple[int, int]]:
    """A mountain range's outline: peaks and saddles across the width, closed at the bottom."""
    points = [(0, base - rng.randint(0, height // 2))]
    x = 0
    while x < width:
        x = min(width, x + rng.randint(width // 14, width // 6))
        points.append((x, base - rng.randint(height // 3, height)))
        if x < width:
            x = min(width, x + rng.randint(width // 20, width // 9))
            points.append((x, base - rng.randint(0, height // 3)))
    return points + [(width, LANDSCAPE_SIZE[1]), (0, LANDSCAPE_SIZE[1])]


def landscape(seed: str) -> bytes:
    """A mountain landscape, 1200 × 675 PNG: a sky shading to the horizon, a sun, three ranges
    (the nearest darkest) and, on the highest far peaks, snow."""
    rng = random.Random(seed)
    width, height = LANDSCAPE_SIZE
    palette = rng.choice(PALETTES)
    image = Image.new("RGB", LANDSCAPE_SIZE)
    draw = ImageDraw.Draw(image)
    (top, horizon) = palette["sky"]
    for y in range(height):
        share = min(1.0, y / (height * 0.7))
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * share) for a, b in zip(top, horizon, strict=True)),
        )
    sun_x, sun_y, radius = rng.randint(150, width - 150), rng.randint(80, 220), rng.randint(40, 70)
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(255, 244, 214)
    )
    for layer, colour in enumerate(palette["ranges"]):
        base = round(height * (0.62 + 0.14 * layer))
        outline = ridge(rng, width, base, round(height * (0.42 - 0.1 * layer)))
        draw.polygon(outline, fill=colour)
        if layer == 0:
            for x, y in outline[1:-2]:
                if y < base - height * 0.3:
                    draw.polygon([(x, y), (x - 38, y + 46), (x + 34, y + 42)], fill="#f4f7fa")
    return png(image)


def initials(name: str) -> str:
    words = [word for word in name.replace("-", " ").split() if word[:1].isalpha()]
    return "".join(word[0] for word in words[:3]).upper() or "?"


def logo(seed: str, text: str) -> bytes:
    """A member's mark, 256 × 256 PNG: a coloured disc, a white peak and up to three letters."""
    rng = random.Random(seed)
    size = LOGO_SIZE
    colour = rng.choice(LOGO_COLOURS)
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse([8, 8, size - 8, size - 8], fill=colour)
    peak = rng.randint(96, 160)
    draw.polygon([(48, 150), (peak, 62), (208, 150)], fill="white")
    draw.polygon([(48, 150), (peak, 62), (peak - 14, 150)], fill="#dfe7ee")
    font = ImageFont.load_default(size=44)
    draw.text((size / 2, 192), text[:3], fill="white", font=font, anchor="mm")
    return png(image)
