"""Static PNG images of the map layers (quantiles, 5 classes), drawn after publication for
pages and documents that cannot run the explorer."""

import io
import json

import numpy as np

from territories.maps.models import LayerGeometry, MapLayer


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
