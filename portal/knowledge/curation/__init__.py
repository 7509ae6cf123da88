"""The curation workflow: draft → submitted → changes requested / published → archived,
the review queue, the authors told at each step, and stale resources reminded."""
