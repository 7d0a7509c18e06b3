"""Build the world map's geometry from Natural Earth, as world-atlas ships it on npm.

    python -m mountainpartnership.worldmap.build            # writes countries.json
    python -m mountainpartnership.worldmap.build --check    # fails if it would change it

Reads `node_modules/world-atlas/countries-110m.json` (TopoJSON: quantized, delta-encoded arcs
shared by neighbouring countries), projects it with the Equal Earth projection (an equal-area
projection: a country's size on the map is its size on Earth), simplifies every arc once with
Douglas–Peucker (so neighbours keep one common border), rounds to whole units in a viewBox
1000 wide and writes one SVG path per country, keyed by ISO 3166-1 alpha-2, to the committed
`countries.json`. The web server only reads that file: no npm at run time.
"""

import itertools
import json
import math
import sys
from pathlib import Path

from django_countries import countries

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "node_modules" / "world-atlas"
SOURCE = ATLAS / "countries-110m.json"
# Countries too small for the 1:110m map (Andorra, Liechtenstein, Malta, ...) are drawn as a dot
# placed from the 1:50m map.
DETAILED = ATLAS / "countries-50m.json"
TARGET = Path(__file__).resolve().parent / "countries.json"

WIDTH = 1000
TOLERANCE = 0.8  # Douglas–Peucker, in map units (a thousandth of the map's width)
SMALLEST = 6.0  # rings under this area (square units) are dropped, but never a country's largest
DROPPED = {"AQ"}  # Antarctica: no member there, and a fifth of the map's height

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Degrees to the projection's plane (y up)."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Each arc as longitude/latitude points: positions are quantized and delta-encoded."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker: keep the ends, and any point farther than `tolerance` from the chord."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = 0, 0.0
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def cut(arc: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The arc in pieces that stay on one side of the antimeridian (Fiji, Chukotka): where it
    crosses, one piece ends at longitude ±180 and the next starts on the other side."""
    pieces = [[arc[0]]]
    for (lon0, lat0), (lon1, lat1) in itertools.pairwise(arc):
        if abs(lon1 - lon0) > 180:
            edge = math.copysign(180, lon0)
            span = lon1 + 2 * edge - lon0  # the step's length in longitude, across the edge
            lat = lat0 + (lat1 - lat0) * (edge - lon0) / span if span else lat0
            pieces[-1].append((edge, lat))
            pieces.append([(-edge, lat)])
        pieces[-1].append((lon1, lat1))
    return pieces


def rings(ring: list[int], arcs: list[list[list]]) -> list[list]:
    """A ring from its arcs' pieces (a negative index ~i is arc i reversed), closing points
    removed. A ring across the antimeridian comes out as two rings, one on each edge of the
    map, each closed along the edge."""
    chains = [[]]
    for index in ring:
        pieces = arcs[index] if index >= 0 else [piece[::-1] for piece in arcs[~index][::-1]]
        for number, piece in enumerate(pieces):
            if number:
                chains.append([])
            chains[-1].extend(piece if not chains[-1] else piece[1:])
    if len(chains) > 1:
        # The ring ends on the side it started from.
        chains[0] = chains.pop() + chains[0][1:]
    if len(chains) > 2:
        raise ValueError(f"A ring crosses the antimeridian more than twice: {ring}")
    closed = []
    for chain in chains:
        points = [p for i, p in enumerate(chain) if i == 0 or p != chain[i - 1]]
        while len(points) > 1 and points[-1] == points[0]:
            points.pop()
        closed.append(points)
    return closed


def area(points: list[tuple[int, int]]) -> float:
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
            )
        )
        / 2
    )


def path(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data: each ring an absolute move, then relative lines, as short as SVG allows."""
    parts = []
    for ring in rings:
        numbers = [ring[0][0], ring[0][1]]
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            numbers += [x1 - x0, y1 - y0]
        text = f"M{numbers[0]} {numbers[1]}l"
        for index, number in enumerate(numbers[2:]):
            text += str(number) if index == 0 or number < 0 else f" {number}"
        parts.append(text + "z")
    return "".join(parts)


def build(source: Path = SOURCE, detailed: Path = DETAILED) -> str:
    """The content of countries.json, from the TopoJSON files at `source` and `detailed`."""
    topology = json.loads(source.read_text())
    geometries = topology["objects"]["countries"]["geometries"]
    pieces = [
        [[equal_earth(*p) for p in piece] for piece in cut(arc)] for arc in decode_arcs(topology)
    ]

    # The frame: every country drawn, x from the antimeridian, y down from the northernmost point.
    kept = [g for g in geometries if countries.alpha2(g.get("id") or "") not in DROPPED]
    used = {abs(i if i >= 0 else ~i) for g in kept for i in flatten(g["arcs"])}
    xs = [x for i in used for piece in pieces[i] for x, _ in piece]
    ys = [y for i in used for piece in pieces[i] for _, y in piece]
    scale = WIDTH / (max(xs) - min(xs))
    left, top = min(xs), max(ys)
    height = round((top - min(ys)) * scale)

    def to_map(point):
        return ((point[0] - left) * scale, (top - point[1]) * scale)

    arcs = [
        [
            [(round(x), round(y)) for x, y in simplify([to_map(p) for p in piece], TOLERANCE)]
            for piece in arc
        ]
        for arc in pieces
    ]

    shapes, other = {}, []
    for geometry in kept:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        outlines = [r for polygon in polygons for ring in polygon for r in rings(ring, arcs)]
        outlines = [ring for ring in outlines if len(ring) >= 3]
        largest = max(outlines, key=area)
        outlines = [ring for ring in outlines if ring is largest or area(ring) >= SMALLEST]
        code = countries.alpha2(geometry.get("id") or "")
        if code:
            shapes[code] = path(outlines)
        else:
            # Land without an ISO 3166-1 code of its own (Kosovo, Somaliland, northern Cyprus).
            other.append(path(outlines))

    points = {}
    detailed_topology = json.loads(detailed.read_text())
    detailed_arcs = [
        [[to_map(equal_earth(*p)) for p in piece] for piece in cut(arc)]
        for arc in decode_arcs(detailed_topology)
    ]
    for geometry in detailed_topology["objects"]["countries"]["geometries"]:
        code = countries.alpha2(geometry.get("id") or "")
        if not code or code in shapes or code in DROPPED:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        largest = max((r for p in polygons for r in rings(p[0], detailed_arcs)), key=area)
        points[code] = [
            round(sum(x for x, _ in largest) / len(largest)),
            round(sum(y for _, y in largest) / len(largest)),
        ]
    version = json.loads((source.parent / "package.json").read_text())["version"]
    data = {
        "source": f"Natural Earth 1:110m countries, from world-atlas {version} (public domain)",
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": height,
        "countries": dict(sorted(shapes.items())),
        "other": "".join(other),
        "points": dict(sorted(points.items())),
    }
    return dumps(data)


def dumps(data: dict) -> str:
    """JSON with one country a line, so that a rebuild's diff reads country by country."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            inner = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            lines.append(f"{json.dumps(key)}: {{\n{inner}\n}}")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def flatten(nested):
    for item in nested:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


def main(arguments: list[str]) -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: run `npm ci` first.", file=sys.stderr)
        return 2
    built = build()
    if "--check" in arguments:
        if TARGET.read_text() != built:
            print(f"{TARGET.name} is out of date: run `make worldmap`.", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(built)
    print(f"Wrote {TARGET.relative_to(ROOT)} ({len(built)} bytes).")
    return 0


if __name__ == "__main__":
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    sys.exit(main(sys.argv[1:]))
