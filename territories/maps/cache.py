"""Stored map layers kept in the web process, so that serving one costs what a static file
costs. A layer's bytes never change for a given run, so the cache is keyed by run; the id of
the published run is read again every few seconds."""

import time
from functools import lru_cache

from territories.maps.models import LayerGeometry, MapLayer
from territories.pipeline.selectors import published_run_id

RUN_TTL_SECONDS = 2.0
_run = {"id": None, "expires": 0.0}


def current_run_id():
    now = time.monotonic()
    if now >= _run["expires"]:
        _run["id"], _run["expires"] = published_run_id(), now + RUN_TTL_SECONDS
    return _run["id"]


@lru_cache(maxsize=512)
def layer(run_id, slug, level, period):
    """(content, gzip, etag) of a layer of a run, or None."""
    row = (
        MapLayer.objects.filter(run_id=run_id, indicator__slug=slug, level=level, period=period)
        .values_list("content", "content_gzip", "etag")
        .first()
    )
    return (
        tuple(bytes(part) if isinstance(part, memoryview) else part for part in row)
        if row
        else None
    )


@lru_cache(maxsize=8)
def geometry(level, run_id):
    # Keyed by run too: boundaries are rebuilt by the pipeline, before a run is published.
    row = (
        LayerGeometry.objects.filter(level=level)
        .values_list("content", "content_gzip", "etag")
        .first()
    )
    return (
        tuple(bytes(part) if isinstance(part, memoryview) else part for part in row)
        if row
        else None
    )


def clear():
    _run["expires"] = 0.0
    layer.cache_clear()
    geometry.cache_clear()
