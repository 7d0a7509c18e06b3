"""A world map of counts per country, drawn on the server as inline SVG.

The geometry is `countries.json`, built from Natural Earth by `build.py` (`make worldmap`) and
committed, so the server needs no npm. A map is drawn once per language, counts and link, and
kept in memory: the same counts give the same map.
"""

import functools
import json
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


def world_map(counts: dict[str, int], *, link: str, label: str) -> WorldMap:
    """The map of `counts` (ISO alpha-2 → number), each country with a count linking to
    `link` followed by its code; `label` names the map for assistive technologies."""
    present = {code: count for code, count in counts.items() if code and count > 0}
    rows = [
        Row(code, name, present[code], f"{link}{code}", step(present[code]))
        for code, name in countries  # sorted by name in the reader's language
        if code in present
    ]
    svg = drawing(translation.get_language(), tuple(sorted(present.items())), link, label)
    return WorldMap(svg=svg, rows=rows, steps=step_labels())


@functools.lru_cache(maxsize=256)
def drawing(language: str, counts: tuple[tuple[str, int], ...], link: str, label: str) -> str:
    data = geometry()
    present = dict(counts)
    parts = [
        f'<svg class="worldmap" viewBox="0 0 {data["width"]} {data["height"]}" role="group" '
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
        # Countries too small to draw at this scale show as a dot when they have members.
        for code, (x, y) in data["points"].items():
            if code in present:
                parts.append(
                    f'<a href="{escape(link + code)}"><title>'
                    f"{escape(members_phrase(countries.name(code), present[code]))}</title>"
                    f'<circle class="m{step(present[code])}" cx="{x}" cy="{y}" r="4"/></a>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))
