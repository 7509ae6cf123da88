"""Maps: boundaries (geometries.py), layers (layers.py), classes (classification.py) and
images (images.py) built by the recompute; the explorer; layers served from the cache
(stored.py)."""
