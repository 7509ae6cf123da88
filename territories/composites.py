"""Composite indexes, computed by the pipeline (step of recompute_finish).

TO BE WRITTEN (helper A): see the module contract in compute()."""


def compute(*, run_id):
    """Compute every CompositeIndex for this run; return stats (dict)."""
    return {}
