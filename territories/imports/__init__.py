"""Imports of files by analysts: reading (reading.py), values, geography and code changes,
all-or-nothing with a report (common.py); recorded, then run by a background task."""
