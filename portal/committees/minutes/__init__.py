"""Meetings\x27 minutes, their decisions and actions, and their capitalisation as knowledge."""
