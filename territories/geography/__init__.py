"""Territories of a geography vintage and the codes that changed between vintages: search,
members, parents and children."""
