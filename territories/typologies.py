"""Typologies, computed by the pipeline (step of recompute_finish).

TO BE WRITTEN (helper A)."""


def compute(*, run_id):
    """Compute every Typology for this run; return stats (dict)."""
    return {}
