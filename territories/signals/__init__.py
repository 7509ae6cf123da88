"""Weak signals: detection (detection.py, one module per rule in rules/), reviews and
follows (services.py), e-mails to followers (notifications.py), the list and the API; the
hook through which apps above add qualitative signals, such as the committees' field
observations (sources.py)."""
