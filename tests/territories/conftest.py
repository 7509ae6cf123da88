import json
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "data" / "reference" / "indicators.json"
REGION_DIR = Path(settings.BASE_DIR) / "data" / "paysdelaloire"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def geojson(features, crs=None):
    document = {"type": "FeatureCollection", "features": features}
    if crs:
        document["crs"] = crs
    return json.dumps(document)


def square(x, y, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }
