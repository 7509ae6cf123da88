"""The scatter plot and the bivariate map as SVG coordinates, computed on the server."""

import io
import json
import math

from django.core.cache import cache
from django.utils.formats import number_format
from matplotlib.ticker import MaxNLocator

from territories.maps import stored as stored_layers

WIDTH, HEIGHT = 640, 440
MARGIN = {"left": 64, "right": 16, "top": 16, "bottom": 48}
MAP_WIDTH = 560


def _scale(lo, hi, start, end):
    span = (hi - lo) or 1.0
    return lambda v: start + (v - lo) / span * (end - start)


def _tick(value, ticks):
    """A tick's label with as many decimals as the step between ticks needs (7,5 not 7,50)."""
    step = f"{abs(ticks[1] - ticks[0]):g}" if len(ticks) > 1 else "1"
    decimals = len(step.split(".")[1]) if "." in step else 0
    return number_format(round(value, decimals), decimal_pos=decimals)


def scatter(result):
    """Positions of the points, ticks, guide lines and the fitted line, in SVG units."""
    xs = [p.x for p in result.points]
    ys = [p.y for p in result.points]
    xticks = list(MaxNLocator(6).tick_values(min(xs), max(xs)))
    yticks = list(MaxNLocator(6).tick_values(min(ys), max(ys)))
    x0, x1 = min(xticks[0], min(xs)), max(xticks[-1], max(xs))
    y0, y1 = min(yticks[0], min(ys)), max(yticks[-1], max(ys))
    left, right = MARGIN["left"], WIDTH - MARGIN["right"]
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    sx, sy = _scale(x0, x1, left, right), _scale(y0, y1, bottom, top)
    plot = {
        "width": WIDTH,
        "height": HEIGHT,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "xticks": [(sx(t), _tick(t, xticks)) for t in xticks if x0 <= t <= x1],
        "yticks": [(sy(t), _tick(t, yticks)) for t in yticks if y0 <= t <= y1],
        "points": [(sx(p.x), sy(p.y), p) for p in result.points],
        "guides": None,
        "fit": None,
    }
    rx, ry = result.reference
    if rx is not None and x0 <= rx <= x1 and y0 <= ry <= y1:
        plot["guides"] = (sx(rx), sy(ry))
    if result.slope is not None:
        ends = [(x, result.slope * x + result.intercept) for x in (x0, x1)]
        plot["fit"] = [(sx(x), sy(min(max(y, y0), y1))) for x, y in ends]
    return plot


def map_paths(level):
    """{code: SVG path} of a level's stored boundaries, and the drawing's height.

    Longitudes are shrunk by the cosine of the middle latitude, so that shapes keep their
    proportions; computed once per boundaries (their ETag names the cache entry)."""
    stored = stored_layers.geometry(level=level)
    etag = stored.etag()
    if etag is None:
        return {}, 0
    key = f"territories:crossed:paths:{level}:{etag}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    features = json.loads(stored.content(gzip=False))["features"]
    rings = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings[feature["id"]] = [ring for polygon in polygons for ring in polygon]
    points = [c for parts in rings.values() for ring in parts for c in ring]
    if not points:
        return {}, 0
    lons, lats = [c[0] for c in points], [c[1] for c in points]
    west, north = min(lons), max(lats)
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    k = MAP_WIDTH / (((max(lons) - min(lons)) * shrink) or 1.0)
    height = (max(lats) - min(lats)) * k

    def path(parts):
        return "".join(
            "M"
            + "L".join(
                f"{(lon - west) * shrink * k:.1f},{(north - lat) * k:.1f}" for lon, lat in ring
            )
            + "Z"
            for ring in parts
        )

    result = ({code: path(parts) for code, parts in rings.items()}, round(height, 1))
    cache.set(key, result, timeout=24 * 3600)
    return result


def scatter_png(result, *, colours, title, source, exported):
    """The scatter plot as a PNG, with its parameters written under it."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6.4), dpi=110)
    axes = figure.subplots()
    axes.scatter(
        [p.x for p in result.points],
        [p.y for p in result.points],
        c=[colours[p.code] for p in result.points],
        s=22,
        edgecolors="white",
        linewidths=0.5,
    )
    rx, ry = result.reference
    axes.axvline(rx, color="#767676", linestyle="--", linewidth=0.8)
    axes.axhline(ry, color="#767676", linestyle="--", linewidth=0.8)
    if result.slope is not None:
        x0, x1 = axes.get_xlim()
        axes.plot(
            [x0, x1],
            [result.slope * x0 + result.intercept, result.slope * x1 + result.intercept],
            color="#222",
            linewidth=1.2,
        )
        axes.set_xlim(x0, x1)
    for point in result.points:
        if point.outlier:
            axes.annotate(
                point.name,
                (point.x, point.y),
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
            )
    axes.set_xlabel(f"{result.x.name} ({result.x.unit}, {result.period_x})")
    axes.set_ylabel(f"{result.y.name} ({result.y.unit}, {result.period_y})")
    axes.set_title(title, fontsize=10)
    figure.text(0.01, 0.01, f"{source} — {exported}", fontsize=7, color="#444")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
