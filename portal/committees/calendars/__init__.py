"""Calendars: .ics per meeting, per committee and per person, and reminders."""
