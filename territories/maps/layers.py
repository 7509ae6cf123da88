"""Map layers, computed by the pipeline; requests only serve the stored bytes.

Boundaries: the commune layer is simplified once with topology kept (topojson: a border
shared by two communes is simplified once, so neighbours still meet with no gap or sliver);
EPCI and département layers are unions of the simplified communes of the region, so every
level draws from the same lines. Coordinates are rounded to 1e-4 degree (about 10 m).

Layers: one per indicator × level × period with each territory's value, status, coverage and
rank, and the class bounds of every classification method for 3 to 7 classes, computed with
mapclassify. The explorer colours them; manual breaks are checked and applied client-side.
"""

import gzip
import hashlib
import io
import json
import math
import warnings
from collections import defaultdict

import numpy as np
from django.db import transaction
from django.utils import timezone

from territories.choices import ClassificationMethod, Level, Polarity, ValueStatus
from territories.models import (
    AggregateValue,
    Indicator,
    IndicatorValue,
    LayerGeometry,
    MapLayer,
    PipelineRun,
    Territory,
)

MAP_LEVELS = [Level.COMMUNE, Level.EPCI, Level.DEPARTEMENT]
CLASS_COUNTS = range(3, 8)
STD_MULTIPLES = {
    3: [-1, 1],
    4: [-1, 0, 1],
    5: [-2, -1, 1, 2],
    6: [-2, -1, 0, 1, 2],
    7: [-3, -2, -1, 1, 2, 3],
}
SIMPLIFY_DEGREES = 0.003
PRECISION = 4


def _pack(document):
    content = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return content, gzip.compress(content, compresslevel=9), hashlib.sha1(content).hexdigest()  # noqa: S324


# ----------------------------------------------------------------------------- geometry


def build_geometries(*, vintage=2026, force=False):
    """Simplified boundaries for each map level; recomputed only when the boundaries change."""
    import geopandas as gpd
    import shapely
    import topojson

    rows = list(
        Territory.objects.filter(level=Level.COMMUNE, vintage=vintage, geometry__isnull=False)
        .order_by("code")
        .values_list("code", "name", "geometry", "epci__code", "departement__code")
    )
    if not rows:
        return {}
    source_hash = hashlib.sha1(  # noqa: S324
        json.dumps([(r[0], r[2], r[3], r[4]) for r in rows], sort_keys=True).encode()
    ).hexdigest()
    stored = LayerGeometry.objects.filter(vintage=vintage, level=Level.COMMUNE).first()
    if stored and stored.source_hash == source_hash and not force:
        return {"geometries": "unchanged"}
    frame = gpd.GeoDataFrame(
        {"code": [r[0] for r in rows], "epci": [r[3] for r in rows], "dep": [r[4] for r in rows]},
        geometry=[shapely.geometry.shape(r[2]) for r in rows],
        crs=4326,
    )
    simplified = topojson.Topology(
        frame, toposimplify=SIMPLIFY_DEGREES, prevent_oversimplify=True
    ).to_gdf()
    rounded = shapely.transform(simplified.geometry.values, lambda c: np.round(c, PRECISION))
    # Simplifying and rounding can fold a ring on itself; repair keeps the polygons only.
    simplified["geometry"] = shapely.make_valid(rounded, method="structure", keep_collapsed=False)
    names = {
        (t.level, t.code): t.name
        for t in Territory.objects.filter(vintage=vintage).only("level", "code", "name")
    }
    levels = {Level.COMMUNE: simplified.set_index("code").geometry}
    for level, column in ((Level.EPCI, "epci"), (Level.DEPARTEMENT, "dep")):
        grouped = simplified.dropna(subset=[column]).groupby(column).geometry
        levels[level] = grouped.apply(lambda shapes: shapely.union_all(shapes.values))
    stats = {}
    for level, shapes in levels.items():
        features = [
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": names.get((level, code), code)},
                "geometry": shapely.geometry.mapping(shape),
            }
            for code, shape in shapes.items()
        ]
        content, compressed, etag = _pack({"type": "FeatureCollection", "features": features})
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


# ----------------------------------------------------------------------------- layers


EXACT_JENKS_LIMIT = 5000


def natural_breaks(values, k):
    """Fisher-Jenks breaks; exact up to a few thousand values (a region's communes),
    sampled beyond (a country's), where the exact algorithm grows with the square."""
    import mapclassify

    if len(values) <= EXACT_JENKS_LIMIT:
        return mapclassify.FisherJenks(values, k=k)
    return mapclassify.FisherJenksSampled(values, k=k, pct=EXACT_JENKS_LIMIT / len(values))


def class_bounds(values):
    """Upper bounds of each class for every method and class count (mapclassify)."""
    import mapclassify

    values = np.asarray(values, dtype=float)
    result = {}
    distinct = np.unique(values)
    for method, build in (
        (ClassificationMethod.QUANTILES, lambda k: mapclassify.Quantiles(values, k=k)),
        (ClassificationMethod.EQUAL_INTERVAL, lambda k: mapclassify.EqualInterval(values, k=k)),
        (ClassificationMethod.NATURAL_BREAKS, lambda k: natural_breaks(values, k)),
        (
            ClassificationMethod.STD_MEAN,
            lambda k: mapclassify.StdMean(values, multiples=STD_MULTIPLES[k]),
        ),
    ):
        result[method] = {}
        for k in CLASS_COUNTS:
            if len(distinct) < k:
                continue
            try:
                with warnings.catch_warnings():
                    # mapclassify warns, then quietly lowers k, when values repeat.
                    warnings.simplefilter("ignore", UserWarning)
                    classifier = build(k)
            except (ValueError, ZeroDivisionError):
                continue
            if len(classifier.bins) == k and np.all(np.diff(classifier.bins) > 0):
                result[method][str(k)] = [round(float(b), 6) for b in classifier.bins]
    return result


def _layer_rows(run_id, level):
    """(indicator_id, period) → {territory_id: (value, status, coverage)} for one level."""
    rows = defaultdict(dict)
    if level == Level.COMMUNE:
        for indicator_id, territory_id, period, value, status in IndicatorValue.objects.filter(
            territory__level=level
        ).values_list("indicator_id", "territory_id", "period", "value", "status"):
            rows[(indicator_id, period)][territory_id] = (
                value,
                status,
                1.0 if status == ValueStatus.OK else 0.0,
            )
    for (
        indicator_id,
        territory_id,
        period,
        value,
        status,
        coverage,
    ) in AggregateValue.objects.filter(run_id=run_id, territory__level=level).values_list(
        "indicator_id", "territory_id", "period", "value", "status", "coverage"
    ):
        rows[(indicator_id, period)][territory_id] = (value, status, coverage)
    return rows


def build_layers(*, run_id):
    """Store every map layer of this run (replacing what an earlier attempt wrote)."""
    geometry_stats = build_geometries()
    indicators = {i.pk: i for i in Indicator.objects.all()}
    run = PipelineRun.objects.get(pk=run_id)
    layers = []
    for level in MAP_LEVELS:
        territories = dict(Territory.objects.filter(level=level).values_list("id", "code"))
        rows = _layer_rows(run_id, level)
        periods = defaultdict(list)
        for indicator_id, period in rows:
            periods[indicator_id].append(period)
        for (indicator_id, period), by_territory in rows.items():
            indicator = indicators[indicator_id]
            document = layer_document(
                indicator=indicator,
                level=level,
                period=period,
                periods=sorted(periods[indicator_id]),
                rows=by_territory,
                codes=territories,
                run=run,
            )
            content, compressed, etag = _pack(document)
            layers.append(
                MapLayer(
                    run_id=run_id,
                    indicator_id=indicator_id,
                    level=level,
                    period=period,
                    content=content,
                    content_gzip=compressed,
                    etag=etag,
                )
            )
    with transaction.atomic():
        MapLayer.objects.filter(run_id=run_id).delete()
        MapLayer.objects.bulk_create(layers, batch_size=200)
    return {"layers": len(layers), "geometries": geometry_stats}


def layer_document(*, indicator, level, period, periods, rows, codes, run):
    known = {
        tid: row
        for tid, row in rows.items()
        if row[0] is not None and row[1] in (ValueStatus.OK, ValueStatus.PARTIAL)
    }
    reverse = indicator.polarity != Polarity.HIGHER_IS_BETTER
    ordered = sorted(known, key=lambda tid: known[tid][0], reverse=reverse)
    ranks = {tid: position + 1 for position, tid in enumerate(ordered)}
    values = {}
    for tid, (value, status, coverage) in rows.items():
        if tid not in codes:
            continue
        values[codes[tid]] = [
            None if value is None or (isinstance(value, float) and math.isnan(value)) else value,
            status,
            round(coverage or 0.0, 4),
            ranks.get(tid),
        ]
    known_values = [row[0] for row in known.values()]
    return {
        "indicator": {
            "slug": indicator.slug,
            "name": indicator.name,
            "unit": indicator.unit,
            "polarity": indicator.polarity,
            "decimals": indicator.decimals,
            "source": indicator.source,
            "source_vintage": indicator.source_vintage,
        },
        "level": level,
        "period": period,
        "periods": periods,
        "values": values,
        "count": len(values),
        "known": len(known_values),
        "min": min(known_values) if known_values else None,
        "max": max(known_values) if known_values else None,
        "classes": class_bounds(known_values) if len(known_values) >= 3 else {},
        "run": run.pk,
        "computed_at": timezone.now().isoformat(),
    }


# ----------------------------------------------------------------------------- images


def render_images(*, run_id, job=None):
    """A static PNG of each layer (quantiles, 5 classes) with title, legend, source, date."""
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import shapely

    geometries = {}
    for stored in LayerGeometry.objects.all():
        document = json.loads(bytes(stored.content))
        geometries[stored.level] = gpd.GeoDataFrame(
            {"code": [f["id"] for f in document["features"]]},
            geometry=[shapely.geometry.shape(f["geometry"]) for f in document["features"]],
            crs=4326,
        ).to_crs(2154)
    layers = MapLayer.objects.filter(run_id=run_id, image__isnull=True).only(
        "pk", "level", "content"
    )
    total, done = layers.count(), 0
    for layer in layers.iterator():
        if layer.level not in geometries:
            continue
        image = render_png(json.loads(bytes(layer.content)), geometries[layer.level], plt)
        MapLayer.objects.filter(pk=layer.pk).update(image=image)
        done += 1
        if job is not None and done % 10 == 0:
            job.report_progress(100 * done / max(total, 1), f"{done}/{total}")
    return {"images": done}


def render_png(document, frame, plt):
    import matplotlib.colors as mcolors

    values = document["values"]
    bounds = document["classes"].get("quantiles", {}).get("5")
    palette = plt.get_cmap(
        "YlOrRd" if document["indicator"]["polarity"] != "higher_better" else "YlOrRd_r"
    )
    figure, axis = plt.subplots(figsize=(8, 8), dpi=100)
    axis.set_axis_off()
    colours, labels = [], []
    for code in frame["code"]:
        value = (values.get(code) or [None])[0]
        if value is None or not bounds:
            colours.append("#d9d9d9")
            continue
        index = int(np.searchsorted(bounds, value, side="left"))
        colours.append(mcolors.to_hex(palette((min(index, len(bounds) - 1) + 0.5) / len(bounds))))
    frame.plot(ax=axis, color=colours, edgecolor="#ffffff", linewidth=0.2)
    from matplotlib.patches import Patch

    lower = document["min"]
    decimals = document["indicator"]["decimals"]
    for index, upper in enumerate(bounds or []):
        labels.append(
            Patch(
                color=palette((index + 0.5) / len(bounds)),
                label=f"{lower:.{decimals}f} – {upper:.{decimals}f}",
            )
        )
        lower = upper
    labels.append(Patch(color="#d9d9d9", label="secret ou non disponible"))
    axis.legend(handles=labels, loc="lower left", fontsize=8, title=document["indicator"]["unit"])
    indicator = document["indicator"]
    axis.set_title(f"{indicator['name']} ({document['period']})", fontsize=13)
    figure.text(
        0.01,
        0.01,
        f"Source : {indicator['source']}. Quantiles, 5 classes. "
        f"Cohésion, {document['computed_at'][:10]}.",
        fontsize=7,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()
