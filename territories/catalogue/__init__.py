"""The indicator catalogue and indicator values: the values API and the one CSV/GeoJSON
exporter (exports.py)."""
