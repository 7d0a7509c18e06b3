"""The world map's geometry: built from world-atlas (npm) in Python, committed, and drawn."""

import math
import re

import pytest
from django.utils import translation

from mountainpartnership.worldmap import (
    build,
    frame,
    geometry,
    mainlands,
    step,
    step_labels,
    world_map,
)


def test_rebuilding_from_world_atlas_gives_the_committed_file():
    assert build.SOURCE.exists(), "world-atlas is missing: `make test` installs it (npm ci)"
    assert build.build() == build.TARGET.read_text(), "run `make worldmap` and commit the file"


def test_the_projection_keeps_areas_equal():
    # On the sphere, a 1° × 1° cell at 60° north is sin 61° − sin 60° of the one at the equator.
    def cell(latitude):
        corners = [(0, latitude), (1, latitude), (1, latitude + 1), (0, latitude + 1)]
        return build.area([build.equal_earth(*corner) for corner in corners])

    on_earth = (math.sin(math.radians(61)) - math.sin(math.radians(60))) / math.sin(math.radians(1))
    assert cell(60) / cell(0) == pytest.approx(on_earth, rel=1e-3)
    # And the projection's frame: the equator's ends at ±2.7066, the poles at ±1.3174.
    assert build.equal_earth(180, 0) == pytest.approx((2.7066, 0), abs=1e-4)
    assert build.equal_earth(0, 90)[1] == pytest.approx(1.3174, abs=1e-4)


def test_simplification_keeps_the_ends_and_the_points_that_matter():
    line = [(0, 0), (1, 0.1), (2, -0.1), (3, 5), (4, 2.6), (5, 0)]
    assert build.simplify(line, 0.5) == [(0, 0), (2, -0.1), (3, 5), (5, 0)]
    assert build.simplify(line, 10) == [(0, 0), (5, 0)]


def test_paths_are_absolute_moves_then_relative_integer_lines():
    assert build.path([[(10, 20), (13, 18), (11, 25)]]) == "M10 20l3-2-2 7z"


def test_the_geometry_has_one_path_per_country_keyed_by_iso_code_inside_the_frame():
    data = geometry()
    assert data["width"] == 1000 and 400 < data["height"] < 500
    assert "AQ" not in data["countries"]  # Antarctica is dropped
    assert {"PE", "BO", "NP", "IT", "CH", "KG", "FJ", "RU"} <= set(data["countries"])
    assert len(data["countries"]) > 160
    for code, path in data["countries"].items():
        assert re.fullmatch(r"[A-Z]{2}", code)
        for x, y in re.findall(r"M(-?\d+) (-?\d+)", path):
            assert 0 <= int(x) <= data["width"] and 0 <= int(y) <= data["height"], code
    # Countries too small to draw are placed as dots: Andorra, Liechtenstein.
    assert {"AD", "LI"} <= set(data["points"]) and not set(data["points"]) & set(data["countries"])


def test_shading_steps_follow_counts():
    assert [step(n) for n in [0, 1, 2, 4, 5, 9, 10, 500]] == [0, 1, 2, 2, 3, 3, 4, 4]
    with translation.override("fr"):
        assert [label for _, label in step_labels()] == [
            "1 membre",
            "2 à 4 membres",
            "5 à 9 membres",
            "10 membres ou plus",
        ]


def test_each_country_with_members_is_a_named_link_and_the_others_are_grey():
    with translation.override("es"):
        drawn = world_map(
            {"PE": 7, "DE": 1, "AD": 2, "": 3}, link="/es/members/?country=", label="M"
        )
    svg = str(drawn.svg)
    assert svg.count("<path") == len(geometry()["countries"]) + 1  # and the land with no code
    assert svg.count("<a ") == 3 and svg.count("<title>") == 3
    assert (
        f'<a href="/es/members/?country=PE"><title>Perú: 7 miembros</title>'
        f'<path class="m3" d="{geometry()["countries"]["PE"]}"/></a>'
    ) in svg
    assert re.search(
        r'<a href="/es/members/\?country=AD"><title>[^<]*Andorra: 2 miembros</title><circle', svg
    )
    assert f'<path d="{geometry()["countries"]["BO"]}"/>' in svg
    assert [(row.name, row.count, row.step) for row in drawn.rows] == [
        ("Alemania", 1, 1),
        ("Perú", 7, 3),
        ("Principado de Andorra", 2, 2),
    ]


def test_a_map_zooms_on_its_focus_countries_largest_parts_in_proportions_that_fit_a_page():
    assert frame() == frame(["XX"]) == (0, 0, 1000, 439)
    assert frame(["RU", "US", "AU"]) == (0, 0, 1000, 439)  # as big as the world: the world
    # France's box is mainland France, not French Guiana.
    x0, y0, x1, y1 = mainlands()["FR"]
    assert x0 > 400 and (x1 - x0) < 40 and (y1 - y0) < 40  # Guiana is near x = 330
    x, y, w, h = frame(["PE", "BO", "CL"])
    for code in ["PE", "BO", "CL"]:
        x0, y0, x1, y1 = mainlands()[code]
        assert x < x0 and y < y0 and x1 < x + w and y1 < y + h
    assert x >= 0 and y >= 0 and x + w <= 1000 and y + h <= 439
    assert (
        w >= 0.8 * h - 1 and h >= w * 439 / 1000 - 1
    )  # no taller than 5:4, no flatter than the map
    # A dot's radius follows the zoom, so that it keeps its size on the screen.
    svg = str(world_map({"AD": 1}, link="/", label="M", focus=["FR", "ES"]).svg)
    assert re.search(r'<circle class="m1" cx="\d+" cy="\d+" r="1"/>', svg)
