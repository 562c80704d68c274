"""The Django apps, one per capability; each keeps its app label (table names and migrations)."""
