"""Statistical secrecy of the workforce tables: primary suppression, secondary suppression
by linear programming (SciPy's HiGHS), and the interval audit kept with each recompute run."""
