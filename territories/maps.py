"""Map layers: simplified geometries per level and one layer per indicator × level × period.

Computed by the pipeline (step of recompute_finish); requests only serve the stored bytes."""


def build_layers(*, run_id):
    return {}


def render_images(*, run_id, job=None):
    return {}
