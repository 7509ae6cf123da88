"""The recompute pipeline: runs, their fan-out to chunks and publication (services.py),
the aggregation (aggregation.py) and bulk reads and writes (frames.py)."""
