"""A world map of counts per country, drawn on the server as inline SVG.

The geometry is `countries.json`, built from Natural Earth by `build.py` (`make worldmap`) and
committed, so the server needs no npm. A map is drawn once per language, counts, link and frame,
and kept in memory: the same counts give the same map.
"""

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django_countries import countries

GEOMETRY = Path(__file__).resolve().parent / "countries.json"

# The shading steps: the least count of each, lightest first.
STEPS = (1, 2, 5, 10)


@functools.cache
def geometry() -> dict:
    return json.loads(GEOMETRY.read_text())


@functools.cache
def mainlands() -> dict[str, tuple[int, int, int, int]]:
    """Each country's box (x0, y0, x1, y1) around its largest part: France without Guiana."""
    found = {code: (x, y, x, y) for code, (x, y) in geometry()["points"].items()}
    for code, path in geometry()["countries"].items():
        largest, size = None, -1.0
        for ring in path.split("z")[:-1]:
            numbers = [int(n) for n in re.findall(r"-?\d+", ring)]
            xs, ys = [numbers[0]], [numbers[1]]
            for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
                xs.append(xs[-1] + dx)
                ys.append(ys[-1] + dy)
            area = abs(sum(xs[i - 1] * ys[i] - xs[i] * ys[i - 1] for i in range(len(xs))))
            if area > size:
                largest, size = (min(xs), min(ys), max(xs), max(ys)), area
        found[code] = largest
    return found


def frame(focus: Iterable[str] = ()) -> tuple[int, int, int, int]:
    """The viewBox (x, y, width, height): the whole map, or around the `focus` countries'
    largest parts with a margin, no flatter than the whole map and no taller than 5:4."""
    width, height = geometry()["width"], geometry()["height"]
    boxes = [mainlands()[code] for code in focus if code in mainlands()]
    if not boxes:
        return (0, 0, width, height)
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    margin = 0.1 * max(x1 - x0, y1 - y0) + 15
    w, h = x1 - x0 + 2 * margin, y1 - y0 + 2 * margin
    w, h = max(w, 0.8 * h), max(h, w * height / width)
    if w >= width or h >= height:
        return (0, 0, width, height)
    x = min(max((x0 + x1 - w) / 2, 0), width - w)
    y = min(max((y0 + y1 - h) / 2, 0), height - h)
    return (round(x), round(y), round(w), round(h))


def step(count: int) -> int:
    """0 for no member, then 1 to len(STEPS), darker as the count grows."""
    return sum(1 for least in STEPS if count >= least)


def step_labels() -> list[tuple[int, str]]:
    """The legend: each step's number and the counts it covers ("2–4 members")."""
    labels = []
    for index, least in enumerate(STEPS, start=1):
        if index == len(STEPS):
            label = gettext("%(count)s members or more") % {"count": least}
        elif STEPS[index] - 1 == least:
            label = ngettext("%(count)s member", "%(count)s members", least) % {"count": least}
        else:
            label = gettext("%(least)s–%(most)s members") % {
                "least": least,
                "most": STEPS[index] - 1,
            }
        labels.append((index, label))
    return labels


def members_phrase(name: str, count: int) -> str:
    return ngettext("%(country)s: %(count)s member", "%(country)s: %(count)s members", count) % {
        "country": name,
        "count": count,
    }


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    count: int
    url: str
    step: int


@dataclass(frozen=True)
class WorldMap:
    svg: SafeString
    rows: list[Row]
    steps: list[tuple[int, str]]


def world_map(
    counts: dict[str, int], *, link: str, label: str, focus: Iterable[str] = ()
) -> WorldMap:
    """The map of `counts` (ISO alpha-2 → number), each country with a count linking to
    `link` followed by its code; `label` names the map for assistive technologies; the map
    zooms on the `focus` countries, if any."""
    present = {code: count for code, count in counts.items() if code and count > 0}
    rows = [
        Row(code, name, present[code], f"{link}{code}", step(present[code]))
        for code, name in countries  # sorted by name in the reader's language
        if code in present
    ]
    svg = drawing(
        translation.get_language(), tuple(sorted(present.items())), link, label, frame(focus)
    )
    return WorldMap(svg=svg, rows=rows, steps=step_labels())


@functools.lru_cache(maxsize=256)
def drawing(
    language: str,
    counts: tuple[tuple[str, int], ...],
    link: str,
    label: str,
    box: tuple[int, int, int, int],
) -> str:
    data = geometry()
    present = dict(counts)
    parts = [
        f'<svg viewBox="{" ".join(map(str, box))}" role="group" '
        f'aria-label="{escape(label)}" fill="#ddd" stroke="#fff" stroke-width=".7">',
        f'<path d="{data["other"]}"/>',
    ]
    with translation.override(language):
        for code, path in data["countries"].items():
            if code not in present:
                parts.append(f'<path d="{path}"/>')
                continue
            parts.append(
                f'<a href="{escape(link + code)}"><title>'
                f"{escape(members_phrase(countries.name(code), present[code]))}</title>"
                f'<path class="m{step(present[code])}" d="{path}"/></a>'
            )
        # Countries too small to draw at this scale show as a dot when they have members, of
        # the same size on the screen whatever the zoom.
        radius = round(max(4 * box[2] / data["width"], 1), 1)
        for code, (x, y) in data["points"].items():
            if code in present:
                parts.append(
                    f'<a href="{escape(link + code)}"><title>'
                    f"{escape(members_phrase(countries.name(code), present[code]))}</title>"
                    f'<circle class="m{step(present[code])}" cx="{x}" cy="{y}" r="{radius:g}"/></a>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))
