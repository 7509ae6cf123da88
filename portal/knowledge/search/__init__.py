"""Search and facets over what a reader may read: one entry point (selectors.py), the
PostgreSQL engine with its own French full-text search (postgres.py) and the SQLite one
(sqlite.py); the searchable text kept up to date by services.py."""
