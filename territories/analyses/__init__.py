"""Composite indexes and typologies: what analysts define (forms, services), what the
recompute computes (composites.py, typologies.py), and what pages and the API read."""
