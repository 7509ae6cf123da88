"""Stored map layers and boundaries, read through Django's cache framework.

settings.CACHES decides where they are kept: Redis in production (shared by every web
process), a per-process LocMem by default. A stored layer never changes once its run is
published, so its cache keys name the published run (see published_run_version) and are
never invalidated: a new run means new keys, and old ones expire.

A layer is kept as three entries: its ETag, and its two encodings. A conditional request
(If-None-Match) then reads the ETag alone, and a full one the encoding it is sent in.
"""

from django.core.cache import cache

from territories.choices import Level
from territories.maps.models import LayerGeometry, MapLayer
from territories.pipeline.selectors import published_run_version

TTL = 24 * 3600  # seconds; a new run uses new keys anyway
ABSENT = ""  # the ETag kept for a layer that does not exist, so that a 404 costs no query
ABSENT_TTL = 60  # short: made-up addresses must not fill the cache


class Stored:
    """What is stored for one layer (or one level's boundaries) of the published run."""

    def __init__(self, kind, *parts):
        self.kind, self.parts = kind, parts
        self.run_id, self.version = published_run_version()
        key = ":".join(["territories:maps", self.version or "-", kind, *map(str, parts)])
        self.keys = {"etag": f"{key}:etag", "gzip": f"{key}:gzip", "raw": f"{key}:raw"}

    def _load(self):
        """Read the stored row, and keep its three entries in the cache (nothing is kept
        while no run is published: there is no version to name them by)."""
        keys = self.keys
        absent = {keys["etag"]: ABSENT, keys["gzip"]: None, keys["raw"]: None}
        level = self.parts[0] if self.kind == "geometry" else self.parts[1]
        if level not in Level.values:
            return absent
        if self.kind == "geometry":
            queryset = LayerGeometry.objects.filter(level=level)
        else:
            slug, level, period = self.parts
            queryset = MapLayer.objects.filter(
                run_id=self.run_id, indicator__slug=slug, level=level, period=period
            )
        row = queryset.values_list("etag", "content_gzip", "content").first()
        if row is None:
            if self.version:
                cache.set(keys["etag"], ABSENT, timeout=ABSENT_TTL)
            return absent
        etag, compressed, content = row
        entries = {keys["etag"]: etag, keys["gzip"]: bytes(compressed), keys["raw"]: bytes(content)}
        if self.version:
            cache.set_many(entries, timeout=TTL)
        return entries

    def etag(self):
        """The layer's ETag (unquoted), or None when there is no such layer."""
        etag = cache.get(self.keys["etag"]) if self.version else None
        if etag is None:
            etag = self._load()[self.keys["etag"]]
        return etag or None

    def content(self, *, gzip):
        """The layer's bytes, gzip-compressed or not; None when there is no such layer."""
        key = self.keys["gzip" if gzip else "raw"]
        content = cache.get(key) if self.version else None
        if content is None:
            content = self._load()[key]
        return content


def layer(*, slug, level, period):
    return Stored("layer", slug, level, int(period))


def geometry(*, level):
    return Stored("geometry", level)
