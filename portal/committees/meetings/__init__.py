"""Meetings (rencontres): announcement, registrations with a waiting list, calendars,
reminders, attendance and minutes that become knowledge."""
