"""Attendance at meetings: who came, sign-in sheets and certificates."""
