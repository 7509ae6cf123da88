"""Weak signals, detected by the pipeline (step of recompute_finish).

TO BE WRITTEN (helper B)."""


def detect(*, run_id):
    """Detect weak signals for this run; return stats (dict)."""
    return {}


def notify_followers(*, run_id):
    """Tell the followers of a territory about its new signals (after publication)."""
    return 0
