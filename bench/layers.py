"""The commune layer endpoint against the same bytes served as a static file, same server.

    DEBUG=true .venv/bin/python bench/layers.py   (uses the dev database var/cohesion.sqlite3,
                                                   loaded by `make run`; DATABASE_URL=… and
                                                   VAR_DIR=… another)

Starts gunicorn (2 workers, production settings) on 127.0.0.1:8765, which serves both the
stored layer (/carte/geometrie/commune.geojson, /carte/couche/…) and a copy of the same bytes
as a static file through WhiteNoise; times 300 sequential keep-alive requests of each (gzip
accepted); prints payload sizes per level and the time to rebuild every layer of the region.
"""

import gzip
import os
import time
from pathlib import Path

import _harness

ROOT = _harness.ROOT
PORT = 8765
REQUESTS = 300


def timed(path):
    return _harness.timed_requests(PORT, [path] * REQUESTS)


def main():
    _harness.setup_django({"DEBUG": "true"})
    from django.conf import settings

    from territories.maps.geometries import build_geometries
    from territories.maps.layers import build_layers
    from territories.maps.models import LayerGeometry, MapLayer
    from territories.pipeline.selectors import current_run

    run = current_run()
    started = time.perf_counter()
    build_geometries(force=True)
    geometry_seconds = time.perf_counter() - started
    started = time.perf_counter()
    build_layers(run_id=run.pk)
    layers_seconds = time.perf_counter() - started
    print(
        f"rebuild: boundaries {geometry_seconds:.1f} s; every layer of the region "
        f"({MapLayer.objects.filter(run=run).count()} layers) {layers_seconds:.1f} s"
    )
    for geometry in LayerGeometry.objects.order_by("level"):
        print(
            f"boundaries {geometry.level:12} {len(geometry.content) / 1024:7.0f} KB raw "
            f"{len(geometry.content_gzip) / 1024:6.0f} KB gzip"
        )
    layer = MapLayer.objects.get(
        run=run, indicator__slug="taux-chomage-15-64", level="commune", period=2022
    )
    print(
        f"values layer (commune)  {len(layer.content) / 1024:7.0f} KB raw "
        f"{len(layer.content_gzip) / 1024:6.0f} KB gzip"
    )

    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    commune = LayerGeometry.objects.get(level="commune")
    (static_dir / "commune.geojson").write_bytes(bytes(commune.content))
    (static_dir / "commune.geojson.gz").write_bytes(gzip.compress(bytes(commune.content), 9))
    (static_dir / "layer.json").write_bytes(bytes(layer.content))
    (static_dir / "layer.json.gz").write_bytes(bytes(layer.content_gzip))

    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    server = _harness.serve("portal.wsgi", PORT, env)
    try:
        _harness.wait_until_up(PORT, "/healthz")
        for label, endpoint, static in (
            (
                "commune boundaries",
                "/carte/geometrie/commune.geojson",
                "/static/bench/commune.geojson",
            ),
            (
                "commune values layer",
                "/carte/couche/taux-chomage-15-64/commune/2022.json",
                "/static/bench/layer.json",
            ),
        ):
            timed(endpoint)  # warm up
            timed(static)
            endpoint_median, endpoint_p95, endpoint_size = timed(endpoint)
            static_median, static_p95, static_size = timed(static)
            print(
                f"{label}: endpoint median {endpoint_median:.2f} ms p95 {endpoint_p95:.2f} ms "
                f"({endpoint_size} B); static median {static_median:.2f} ms p95 {static_p95:.2f} ms "
                f"({static_size} B); ratio {endpoint_median / static_median:.2f}"
            )
            _harness.record(
                "map layers",
                f"{label} ({endpoint_size / 1024:.0f} KB gzip): median of {REQUESTS} "
                "keep-alive requests, gunicorn",
                endpoint_median,
                "ms",
                "the same bytes as a static file (WhiteNoise), same server",
                static_median,
                goal="≤ 2× the static file",
                met=endpoint_median <= 2 * static_median,
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
