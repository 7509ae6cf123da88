"""Simplified boundaries for each map level, computed by the pipeline.

The commune layer is simplified once as a coverage: the boundaries are first cleaned (shared
borders made identical, slivers narrower than about 10 m given to a neighbour — sources from
another producer rarely have exactly matching vertices), then each shared border is simplified
once (GEOS's coverage simplification), so neighbours still meet with no gap and no overlap, and
EPCI and département layers, unions of the simplified communes, gain no hole. Coordinates are
rounded to 1e-5 degree (about 1 m): coarser rounding opens gaps where borders are close.

Each département carries its main towns (its largest communes, with a point inside each) for
the explorer's labels: read from the loaded populations, nothing named in code.
"""

import gzip
import hashlib
import json

import numpy as np
from django.utils import timezone

from territories.choices import Level
from territories.geography.models import Territory
from territories.maps.models import LayerGeometry

SIMPLIFY_DEGREES = 0.006  # coverage simplification tolerance (Visvalingam–Whyatt)
GAP_DEGREES = 1e-4  # slivers narrower than this (about 10 m) between communes are closed
PRECISION = 5
TOWNS_PER_DEPARTEMENT = 4  # the largest communes of each département, labelled on the map
# Changes with what the boundaries documents hold, so that a new form is built at the next run.
GEOMETRY_FORMAT = 2


def pack(document):
    content = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return content, gzip.compress(content, compresslevel=9), hashlib.sha1(content).hexdigest()  # noqa: S324


def simplify_coverage(geometries):
    """Simplified polygons that still tile the same ground: no gap, no overlap, no new hole."""
    import shapely

    polygons = shapely.make_valid(np.asarray(geometries), method="structure", keep_collapsed=False)
    cleaned = shapely.coverage_clean(polygons, gap_width=GAP_DEGREES)
    simplified = shapely.coverage_simplify(cleaned, SIMPLIFY_DEGREES)
    rounded = shapely.transform(simplified, lambda c: np.round(c, PRECISION))
    # Rounding can fold a ring on itself; repair keeps the polygons only.
    return shapely.make_valid(rounded, method="structure", keep_collapsed=False)


def build_geometries(*, vintage=2026, force=False):
    """Simplified boundaries for each map level; recomputed only when the boundaries change."""
    import geopandas as gpd
    import shapely

    rows = list(
        Territory.objects.filter(level=Level.COMMUNE, vintage=vintage, geometry__isnull=False)
        .order_by("code")
        .values_list("code", "name", "geometry", "epci__code", "departement__code", "population")
    )
    if not rows:
        return {}
    source_hash = hashlib.sha1(  # noqa: S324
        json.dumps(
            [GEOMETRY_FORMAT, [(r[0], r[2], r[3], r[4], r[5]) for r in rows]], sort_keys=True
        ).encode()
    ).hexdigest()
    stored = LayerGeometry.objects.filter(vintage=vintage, level=Level.COMMUNE).first()
    if stored and stored.source_hash == source_hash and not force:
        return {"geometries": "unchanged"}
    frame = gpd.GeoDataFrame(
        {"code": [r[0] for r in rows], "epci": [r[3] for r in rows], "dep": [r[4] for r in rows]},
        geometry=[shapely.geometry.shape(r[2]) for r in rows],
        crs=4326,
    )
    simplified = frame.assign(geometry=simplify_coverage(frame.geometry.values))
    names = {
        (t.level, t.code): t.name
        for t in Territory.objects.filter(vintage=vintage).only("level", "code", "name")
    }
    levels = {Level.COMMUNE: simplified.set_index("code").geometry}
    for level, column in ((Level.EPCI, "epci"), (Level.DEPARTEMENT, "dep")):
        grouped = simplified.dropna(subset=[column]).groupby(column).geometry
        levels[level] = grouped.apply(lambda shapes: shapely.union_all(shapes.values))
    towns = main_towns(rows, levels[Level.COMMUNE])
    stats = {}
    for level, shapes in levels.items():
        features = [
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": names.get((level, code), code)}
                | ({"towns": towns.get(code, [])} if level == Level.DEPARTEMENT else {}),
                "geometry": shapely.geometry.mapping(shape),
            }
            for code, shape in shapes.items()
        ]
        content, compressed, etag = pack({"type": "FeatureCollection", "features": features})
        LayerGeometry.objects.update_or_create(
            level=level,
            vintage=vintage,
            defaults={
                "source_hash": source_hash,
                "content": content,
                "content_gzip": compressed,
                "etag": etag,
                "computed_at": timezone.now(),
            },
        )
        stats[level] = {"bytes": len(content), "gzip": len(compressed)}
    return stats


def main_towns(rows, shapes):
    """Département code → its largest communes, largest first, as {code, name, population,
    point}: the point lies inside the simplified commune, where its label goes."""
    import shapely

    by_departement = {}
    for code, name, _geometry, _epci, departement, population in rows:
        if departement and population:
            by_departement.setdefault(departement, []).append((population, code, name))
    towns = {}
    for departement, communes in by_departement.items():
        largest = sorted(communes, key=lambda town: (-town[0], town[1]))
        towns[departement] = [
            {
                "code": code,
                "name": name,
                "population": population,
                "point": [
                    round(c, PRECISION) for c in shapely.point_on_surface(shapes[code]).coords[0]
                ],
            }
            for population, code, name in largest[:TOWNS_PER_DEPARTEMENT]
            if code in shapes.index and not shapes[code].is_empty
        ]
    return towns
