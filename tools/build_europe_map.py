"""Build static/maps/europe.svg and europe.json from world-atlas's countries-50m.json (run at development time).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python tools/build_europe_map.py package/countries-50m.json

world-atlas (ISC licence) packages Natural Earth's 1:50m admin-0 countries (public domain) as TopoJSON.
The page never fetches anything: it shows the SVG and places its markers with the JSON (projected
country centres and the view box). See docs/pages.md, "The destinations map".
"""

import json
import math
import sys
from pathlib import Path

import django
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=False)
    django.setup()

from django_countries import countries  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "static" / "maps"
CENTRE = (20.0, 52.0)  # Lambert azimuthal equal-area, centred on Belarus's region
VIEW = [(-10.0, 39.0), (45.0, 56.0), (22.0, 70.5), (15.0, 35.5), (-9.5, 56.0), (40.0, 43.0)]
WIDTH = 1000
# Too small for 1:50m outlines: placed by their coordinates.
POINTS = {"VA": (12.4534, 41.9029), "MC": (7.42, 43.74), "SM": (12.46, 43.94), "LI": (9.55, 47.16)}


def project(lon, lat):
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    k = math.sqrt(2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)))
    return k * math.cos(phi) * math.sin(lam), -k * (
        math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)
    )


def decode_arcs(topology):
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


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points, tolerance):
    """Douglas-Peucker on a closed ring."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        worst, worst_at = 0, None
        for i in range(first + 1, last):
            x0, y0 = points[i]
            if length:
                distance = abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / length
            else:  # a closed ring's ends meet: distance from that point
                distance = math.hypot(x0 - x1, y0 - y1)
            if distance > worst:
                worst, worst_at = distance, i
        if worst_at is not None and worst > tolerance:
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area_and_centre(points):
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not area:
        return 0.0, points[0]
    return abs(area / 2), (cx / (3 * area), cy / (3 * area))


def main(path):
    topology = json.loads(Path(path).read_text())
    arcs = decode_arcs(topology)
    view = [project(*p) for p in VIEW]
    left, right = min(x for x, _ in view), max(x for x, _ in view)
    top, bottom = min(y for _, y in view), max(y for _, y in view)
    scale = WIDTH / (right - left)
    height = round((bottom - top) * scale)

    def to_view(lon, lat):
        x, y = project(lon, lat)
        return (x - left) * scale, (y - top) * scale

    paths, centres = [], {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        code = countries.alpha2(int(numeric)) if numeric and numeric.isdigit() else ""
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        parts, largest = [], (0.0, None)
        for polygon in polygons:
            for n, indexes in enumerate(polygon):
                raw = [to_view(lon, lat) for lon, lat in ring(arcs, indexes) if -60 < lon < 90 and lat > 20]
                if len(raw) < 3:
                    continue
                if all(x < -20 or x > WIDTH + 20 or y < -20 or y > height + 20 for x, y in raw):
                    continue
                clamped = [(min(max(x, -20), WIDTH + 20), min(max(y, -20), height + 20)) for x, y in raw]
                points = simplify(clamped, 0.9)
                if len(points) < 4:
                    continue
                if n == 0:
                    area, centre = area_and_centre(points)
                    if area > largest[0]:
                        largest = (area, centre)
                parts.append("M" + "L".join(f"{x:.0f},{y:.0f}" for x, y in points) + "Z")
        if not parts:
            continue
        css = "country origin" if code == "BY" else "country"
        paths.append(f'<path class="{css}" data-code="{code}" d="{"".join(parts)}"/>')
        if code and largest[1] and 0 <= largest[1][0] <= WIDTH and 0 <= largest[1][1] <= height:
            centres[code] = [round(largest[1][0]), round(largest[1][1])]
    for code, (lon, lat) in POINTS.items():
        centres[code] = [round(v) for v in to_view(lon, lat)]

    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">'
        "<title>Europe</title>"
        "<desc>Country outlines: Natural Earth 1:50m admin-0 (public domain) via world-atlas 2.0.2 (ISC).</desc>"
        "<style>.country{fill:#e4e8ed;stroke:#fff;stroke-width:1.2}.origin{fill:#c9d2dc}</style>"
        f'<rect width="{WIDTH}" height="{height}" fill="#f4f8fb"/>' + "".join(paths) + "</svg>\n"
    )
    (OUT / "europe.svg").write_text(svg)
    meta = {"width": WIDTH, "height": height, "centres": dict(sorted(centres.items()))}
    (OUT / "europe.json").write_text(json.dumps(meta, separators=(",", ":")) + "\n")
    print(f"europe.svg: {len(svg):,} bytes, {len(paths)} countries; {len(centres)} centres")


if __name__ == "__main__":
    main(sys.argv[1])
